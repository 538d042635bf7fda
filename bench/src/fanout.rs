//! The fan-out scenario: one Channels `trigger_chunked` to ten thousand channels (and the same
//! with encrypted channels mixed in), run in its own process so that the peak RSS it reports
//! (`VmHWM`) belongs to it alone.

use push_channels::{MasterKey, TriggerOptions};

use crate::scenarios::CHANNELS_APP;
use crate::{SplitCost, split_call, status_kib};

/// The head of the table [`run`] prints one row of.
pub(crate) const HEADER: &str = "| channels | of them encrypted | requests | concurrency | wall ms | \
    CPU ms | RSS with the list MB | peak RSS MB |\n\
    | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

/// Settings of one fan-out run.
pub(crate) struct Fanout {
    pub(crate) channels: usize,
    /// One channel in this many is `private-encrypted-` (0: none).
    pub(crate) encrypted_every: usize,
    pub(crate) concurrency: usize,
}

/// Runs the scenario against the server at `url` and prints one row of the [`HEADER`] table.
pub(crate) async fn run(url: &str, settings: &Fanout) -> Result<(), String> {
    let channels: Vec<String> = (0..settings.channels)
        .map(|i| {
            if settings.encrypted_every > 0 && i % settings.encrypted_every == 0 {
                format!("private-encrypted-room-{i}")
            } else {
                format!("room-{i}")
            }
        })
        .collect();
    let encrypted = channels
        .iter()
        .filter(|c| c.starts_with("private-encrypted-"))
        .count();
    let rss_list = status_kib("VmRSS");
    let client = push_channels::Client::builder(CHANNELS_APP.0, CHANNELS_APP.1, CHANNELS_APP.2)
        .base_url(url)
        .encryption_master_key(MasterKey::from_bytes([7; 32]))
        .chunk_concurrency(settings.concurrency)
        .build()
        .map_err(|e| e.to_string())?;
    let data =
        serde_json::json!({"message": "hello world, this is a 100-byte-ish payload for the bench"});
    let options = TriggerOptions::new();
    let call = client.trigger_chunked(&channels[..], "announcement", &data, &options);
    let SplitCost {
        chunks,
        wall,
        cpu,
        peak_kib: peak,
    } = split_call(call, channels.len(), "channels").await?;
    println!(
        "| {} | {encrypted} | {} | {} | {:.0} | {} | {:.1} | {:.1} |",
        channels.len(),
        chunks.len(),
        settings.concurrency,
        wall.as_secs_f64() * 1000.0,
        cpu.as_millis(),
        rss_list as f64 / 1024.0,
        peak as f64 / 1024.0,
    );
    Ok(())
}
