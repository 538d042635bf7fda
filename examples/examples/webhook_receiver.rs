//! A webhook receiver for Channels and Beams.
//!
//! ```sh
//! cargo run --example webhook_receiver            # serves on 127.0.0.1:3001 until Ctrl-C
//! cargo run --example webhook_receiver -- --demo  # sends itself signed and forged webhooks
//! ```
//!
//! Configure the dashboards to post to `/webhooks/channels` and `/webhooks/beams`. Channels
//! webhooks are verified with the app key and secret (`PUSHER_URL` or `PUSHER_APP_ID`/...),
//! Beams ones with `BEAMS_WEBHOOK_SECRET`; without them the sandbox's values are used.

#![allow(clippy::print_stdout)]

use push_all::channels;
use push_examples::webhooks::Receiver;
use push_examples::{channels_builder, http};

type AnyError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), AnyError> {
    use channels::sandbox::{SANDBOX_KEY, SANDBOX_SECRET};
    let client = channels_builder()?.0.build()?;
    let beams_secret =
        std::env::var("BEAMS_WEBHOOK_SECRET").unwrap_or_else(|_| "beams-webhook-secret".to_owned());
    // Only the webhook secret matters here; the instance and key are the sandbox's unless set.
    let beams = if push_examples::configured(&["BEAMS_INSTANCE_ID"]) {
        push_all::beams::ClientBuilder::from_env()?
    } else {
        use push_all::beams::sandbox::{SANDBOX_INSTANCE_ID, SANDBOX_SECRET_KEY};
        push_all::beams::Client::builder(SANDBOX_INSTANCE_ID, SANDBOX_SECRET_KEY)
    };
    let receiver = Receiver::new(client, beams.webhook_secret(beams_secret).build()?);
    let demo = std::env::args().any(|a| a == "--demo");
    let listener =
        tokio::net::TcpListener::bind(("127.0.0.1", if demo { 0 } else { 3001 })).await?;
    let addr = listener.local_addr()?;
    println!("webhook receiver: listening on http://{addr}/webhooks/channels and /webhooks/beams");
    let router = receiver.router();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    if demo {
        let body = br#"{"time_ms":1700000000000,"events":[{"name":"channel_occupied","channel":"orders"}]}"#;
        // What Channels computes: hex HMAC-SHA256 of the raw body with the app secret.
        let signature = push_core::hmac_sha256_hex(SANDBOX_SECRET.as_bytes(), body);
        for (label, sig) in [("signed", signature.as_str()), ("forged", "00")] {
            let answer = http::post(
                addr,
                "/webhooks/channels",
                &[
                    ("content-type", "application/json"),
                    ("x-pusher-key", SANDBOX_KEY),
                    ("x-pusher-signature", sig),
                ],
                body,
            )
            .await?;
            println!(
                "webhook receiver: {label} Channels webhook: {} {}",
                answer.status, answer.body
            );
        }
        println!("webhook receiver: accepted {:?}", receiver.received());
        server.abort();
        return Ok(());
    }
    server.await??;
    Ok(())
}
