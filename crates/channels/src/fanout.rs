//! Events to more channels, or more events, than one request may carry: the whole call
//! validated first, then split into requests the service accepts, sent with bounded
//! concurrency, each with its own outcome.

use std::collections::HashSet;
use std::ops::Range;

use futures_util::stream::{self, StreamExt};
use push_core::{ChunkResult, Covered, Error, Result};
use serde::Serialize;

use crate::client::{Client, decode};
use crate::encryption::MasterKey;
use crate::events::{
    BatchEvent, BatchResponse, IntoChannels, TriggerOptions, TriggerResponse, check_options,
    event_data,
};
use crate::validate::{self, MAX_BATCH_EVENTS, MAX_CHANNELS_PER_TRIGGER};

impl Client {
    /// Triggers `event` on any number of channels, in as many requests as the service
    /// needs: the plain channels in requests of at most 100, each `private-encrypted-`
    /// channel in a request of its own, sealed with its own key. `options` (`socket_id`,
    /// `info`) apply to every request.
    ///
    /// Everything is checked before the first request is sent — every channel name (a bad
    /// one is named by its position, `channels[149]`), repeats (a channel named twice would
    /// receive the event twice), the event name, the options and the data's size, sealed or
    /// not. Then the requests go out, at most
    /// [`ClientBuilder::chunk_concurrency`](crate::ClientBuilder::chunk_concurrency) at a
    /// time, each retried only as a single trigger would be (never when it may have
    /// reached the service). One [`ChunkResult`] per request comes back, in chunk order
    /// (the order of each chunk's first channel), saying which positions of `channels` it
    /// carried and how it went; a failed chunk does not stop the others.
    ///
    /// ```no_run
    /// # async fn run(client: push_channels::Client) -> push_channels::Result<()> {
    /// let rooms: Vec<String> = (0..5_000).map(|i| format!("room-{i}")).collect();
    /// let results = client.trigger_chunked(&rooms[..], "announcement", "hello", &Default::default()).await?;
    /// for chunk in &results {
    ///     if let Err(err) = &chunk.result {
    ///         let missed: Vec<&String> = chunk.covered.pick(&rooms).collect();
    ///         eprintln!("{} rooms missed the announcement: {err}", missed.len());
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (nothing sent) for no channels, a bad or repeated channel, a
    /// bad event name or option, or data too large; [`Error::Config`] for an encrypted
    /// channel without a master key. Failures of the requests themselves are in the chunks.
    pub async fn trigger_chunked<T: Serialize + ?Sized>(
        &self,
        channels: impl IntoChannels,
        event: &str,
        data: &T,
        options: &TriggerOptions,
    ) -> Result<Vec<ChunkResult<TriggerResponse>>> {
        let channels = channels.into_channels();
        let data = event_data(data)?;
        validate::event_name(event)?;
        check_options(options)?;
        let chunks = self.plan_channels(&channels, data.len())?;
        let (data, channels) = (&data, &channels);
        let results = stream::iter(chunks.into_iter().enumerate())
            .map(|(index, positions)| async move {
                let names: Vec<&str> = positions.iter().map(|&at| channels[at].as_str()).collect();
                let result = match self.event_body(&names, event, data, options) {
                    Ok(body) => {
                        let request = self.events_request(body);
                        let sent = self.inner.transport.send(request).await;
                        sent.and_then(|response| decode(&response))
                    }
                    Err(err) => Err(err),
                };
                ChunkResult::new(index, Covered::positions(positions), result)
            })
            .buffer_unordered(self.inner.chunk_concurrency);
        Ok(in_order(results.collect().await))
    }

    /// Triggers any number of batch events, in order, in batches of at most 10. The same
    /// guarantees as [`trigger_chunked`](Self::trigger_chunked): every event is checked
    /// before anything is sent (a bad one named by position, `batch[23].channel`), requests
    /// go out with bounded concurrency, and one [`ChunkResult`] per batch comes back, in
    /// order, covering a run of the list.
    ///
    /// ```no_run
    /// use push_channels::BatchEvent;
    /// # async fn run(client: push_channels::Client) -> push_channels::Result<()> {
    /// let events: Vec<BatchEvent> = (0..25)
    ///     .map(|i| BatchEvent::new(format!("room-{i}"), "tick", &i))
    ///     .collect::<Result<_, _>>()?;
    /// let results = client.trigger_batch_chunked(&events).await?;
    /// assert_eq!(results.len(), 3);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (nothing sent) for no events or a bad one;
    /// [`Error::Config`] for an encrypted channel without a master key.
    pub async fn trigger_batch_chunked(
        &self,
        events: &[BatchEvent],
    ) -> Result<Vec<ChunkResult<BatchResponse>>> {
        if events.is_empty() {
            return Err(Error::invalid_input(
                "batch",
                "at least one event is needed",
            ));
        }
        for (at, event) in events.iter().enumerate() {
            self.check_batch_event(event)
                .map_err(|err| renamed(err, |field| format!("batch[{at}].{field}")))?;
        }
        let ranges: Vec<Range<usize>> = (0..events.len())
            .step_by(MAX_BATCH_EVENTS)
            .map(|start| start..(start + MAX_BATCH_EVENTS).min(events.len()))
            .collect();
        let results = stream::iter(ranges.into_iter().enumerate())
            .map(|(index, range)| async move {
                let result = match self.batch_body(&events[range.clone()]) {
                    Ok(body) => {
                        let request = self.batch_events_request(body);
                        let sent = self.inner.transport.send(request).await;
                        sent.and_then(|response| decode(&response))
                    }
                    Err(err) => Err(err),
                };
                ChunkResult::new(index, Covered::range(range), result)
            })
            .buffer_unordered(self.inner.chunk_concurrency);
        Ok(in_order(results.collect().await))
    }

    /// Checks every channel of a fan-out and groups their positions into requests: plain
    /// channels by the hundred, each encrypted one alone, in the order of each group's first
    /// channel.
    fn plan_channels(&self, channels: &[String], data_len: usize) -> Result<Vec<Vec<usize>>> {
        if channels.is_empty() {
            return Err(Error::invalid_input(
                "channels",
                "at least one channel is needed",
            ));
        }
        let limit = self.inner.max_data_bytes;
        let mut seen: HashSet<&str> = HashSet::with_capacity(channels.len());
        let mut plain: Vec<usize> = Vec::new();
        let mut encrypted: Vec<usize> = Vec::new();
        for (at, channel) in channels.iter().enumerate() {
            let field = || format!("channels[{at}]");
            validate::channel_name(channel).map_err(|err| renamed(err, |_| field()))?;
            if !seen.insert(channel) {
                return Err(Error::invalid_input(
                    field(),
                    format!("{channel:?} is named twice; it would receive the event twice"),
                ));
            }
            if validate::is_encrypted_channel(channel) {
                encrypted.push(at);
            } else {
                plain.push(at);
            }
        }
        if !plain.is_empty() {
            validate::data_size(data_len, limit)?;
        }
        if !encrypted.is_empty() {
            self.master_key()?;
            validate::data_size(MasterKey::sealed_len(data_len), limit)?;
        }
        let mut chunks: Vec<Vec<usize>> = plain
            .chunks(MAX_CHANNELS_PER_TRIGGER)
            .map(<[usize]>::to_vec)
            .chain(encrypted.into_iter().map(|at| vec![at]))
            .collect();
        chunks.sort_by_key(|positions| positions[0]);
        Ok(chunks)
    }

    /// The checks `trigger_batch` makes of one event, without sealing it.
    fn check_batch_event(&self, event: &BatchEvent) -> Result<()> {
        validate::channel_name(event.channel())?;
        validate::event_name(event.name())?;
        check_options(&event.options)?;
        let len = if validate::is_encrypted_channel(event.channel()) {
            self.master_key()?;
            MasterKey::sealed_len(event.data().len())
        } else {
            event.data().len()
        };
        validate::data_size(len, self.inner.max_data_bytes)
    }
}

/// An input error re-addressed to where it is in the caller's list (`channels[3]`,
/// `batch[4].channel`); other errors pass unchanged.
fn renamed(err: Error, place: impl FnOnce(&str) -> String) -> Error {
    match err {
        Error::InvalidInput { field, reason } => Error::InvalidInput {
            field: place(&field).into(),
            reason,
        },
        other => other,
    }
}

/// Chunk results sorted back into chunk order (they finish in any order).
fn in_order<T>(mut results: Vec<ChunkResult<T>>) -> Vec<ChunkResult<T>> {
    results.sort_by_key(|r| r.index);
    results
}
