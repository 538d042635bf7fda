//! The large-audience scenario: one Beams publish to a million users through
//! `publish_to_users_chunked`, run in its own process so that the peak RSS it reports
//! (`VmHWM`) belongs to this scenario alone.
//!
//! For a fair requests-per-second comparison the same number of requests, each with a body as
//! large as one chunk, is then sent bare with `reqwest` at the same concurrency.

use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;

use crate::scenarios::{BEAMS_INSTANCE, BEAMS_KEY, beams_request};
use crate::{SplitCost, cpu_time, split_call, status_kib};

/// The head of the table [`run`] prints one row of.
pub(crate) const HEADER: &str = "| users | ids held as | requests | concurrency | wall s | req/s | \
    × bare | CPU µs/req | × bare | RSS with the list MB | peak RSS MB |\n\
    | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

/// Settings of one large-audience run.
pub(crate) struct Audience {
    pub(crate) users: usize,
    pub(crate) concurrency: usize,
    /// Hold the ids as `&str` slices of one buffer instead of one `String` each.
    pub(crate) compact: bool,
}

/// Runs the scenario against the server at `url` and prints one row of the [`HEADER`] table.
pub(crate) async fn run(url: &str, settings: &Audience) -> Result<(), String> {
    if settings.users >= 10_000_000 {
        return Err("--users must be below 10 000 000 (ids are 12 bytes long)".to_owned());
    }
    let id = |i: usize| format!("user-{i:07}");
    if settings.compact {
        // 12 bytes of text and a 16-byte slice per id.
        let buffer: String = (0..settings.users).map(id).collect();
        let ids: Vec<&str> = (0..settings.users)
            .filter_map(|i| buffer.get(i * 12..(i + 1) * 12))
            .collect();
        publish(url, settings, &ids).await
    } else {
        // As an application would usually hold it: one `String` per user id.
        let ids: Vec<String> = (0..settings.users).map(id).collect();
        publish(url, settings, &ids).await
    }
}

async fn publish<S: AsRef<str>>(url: &str, settings: &Audience, ids: &[S]) -> Result<(), String> {
    let &Audience {
        users, concurrency, ..
    } = settings;
    let rss_list = status_kib("VmRSS");

    let client = push_beams::Client::builder(BEAMS_INSTANCE, BEAMS_KEY)
        .base_url(url)
        .chunk_concurrency(concurrency)
        .build()
        .map_err(|e| e.to_string())?;
    let request = beams_request();
    let SplitCost {
        chunks,
        wall,
        cpu,
        peak_kib: peak,
    } = split_call(
        client.publish_to_users_chunked(ids, &request),
        users,
        "users",
    )
    .await?;

    // The baseline: as many bare POSTs, each with a body the size of the first chunk's.
    let first = chunks
        .first()
        .and_then(|c| c.covered.ranges().first().cloned())
        .unwrap_or(0..0);
    let body = bytes_of_chunk(&ids[first]).map_err(|e| e.to_string())?;
    let requests = chunks.len();
    let (bare_wall, bare_cpu) = bare(url, body, requests, concurrency).await?;

    let rps = requests as f64 / wall.as_secs_f64();
    let bare_rps = requests as f64 / bare_wall.as_secs_f64();
    let cpu_us = cpu.as_secs_f64() * 1e6 / requests as f64;
    let bare_cpu_us = bare_cpu.as_secs_f64() * 1e6 / requests as f64;
    println!(
        "| {users} | {} | {requests} | {concurrency} | {:.2} | {rps:.0} | {:.3} | {cpu_us:.0} | {:.3} | \
         {:.1} | {:.1} |",
        if settings.compact {
            "`&str` in one buffer"
        } else {
            "`String` each"
        },
        wall.as_secs_f64(),
        rps / bare_rps,
        cpu_us / bare_cpu_us,
        rss_list as f64 / 1024.0,
        peak as f64 / 1024.0,
    );
    Ok(())
}

/// The body Beams sends for one chunk, rebuilt with `serde_json` (same size).
fn bytes_of_chunk<S: AsRef<str>>(users: &[S]) -> serde_json::Result<Vec<u8>> {
    let users: Vec<&str> = users.iter().map(AsRef::as_ref).collect();
    serde_json::to_vec(&serde_json::json!({
        "web": {"notification": {
            "title": "my-event",
            "body": "hello world, this is a 100-byte-ish payload",
        }},
        "users": users,
    }))
}

/// `requests` bare POSTs of `body` at `concurrency`: wall time and CPU time.
async fn bare(
    url: &str,
    body: Vec<u8>,
    requests: usize,
    concurrency: usize,
) -> Result<(std::time::Duration, std::time::Duration), String> {
    let client = reqwest::Client::new();
    let url = Arc::new(format!(
        "{url}/publish_api/v1/instances/{BEAMS_INSTANCE}/publishes/users"
    ));
    let body = bytes::Bytes::from(body);
    let cpu_start = cpu_time();
    let start = Instant::now();
    let failures = futures_util::stream::iter(0..requests)
        .map(|_| {
            let client = client.clone();
            let url = url.clone();
            let body = body.clone();
            async move {
                let resp = client
                    .post(url.as_str())
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let ok = resp.status().is_success();
                resp.bytes().await.map_err(|e| e.to_string())?;
                if ok { Ok(()) } else { Err("status".to_owned()) }
            }
        })
        .buffer_unordered(concurrency)
        .filter(|r: &Result<(), String>| std::future::ready(r.is_err()))
        .count()
        .await;
    if failures > 0 {
        return Err(format!("{failures} bare requests failed"));
    }
    Ok((start.elapsed(), cpu_time().saturating_sub(cpu_start)))
}
