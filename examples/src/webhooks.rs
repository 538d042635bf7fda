//! A webhook receiver for Channels and Beams, as an axum router.
//!
//! Both services sign the raw body; verify it before parsing, with the bytes exactly as
//! received (axum's `Bytes` extractor), and answer 2xx quickly: the services retry otherwise.

use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use push_all::{beams, channels};

/// What the receiver accepted, for the example's output and tests.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// A Channels webhook.
    Channels(channels::Webhook),
    /// A Beams webhook.
    Beams(beams::WebhookEvent),
}

/// The receiver's state: the Channels client (its key and secret verify webhooks), the Beams
/// client (built with its webhook secret), and a log of what was accepted.
#[derive(Clone)]
pub struct Receiver {
    channels: channels::Client,
    beams: beams::Client,
    log: Arc<Mutex<Vec<Received>>>,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("channels", &self.channels)
            .finish_non_exhaustive()
    }
}

impl Receiver {
    /// A receiver verifying Channels webhooks with `channels` and Beams ones with `beams`
    /// (built with `ClientBuilder::webhook_secret`, the secret from the Beams dashboard).
    pub fn new(channels: channels::Client, beams: beams::Client) -> Self {
        Self {
            channels,
            beams,
            log: Arc::default(),
        }
    }

    /// What has been accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// `POST /webhooks/channels` and `POST /webhooks/beams`.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/webhooks/{service}", post(hook))
            .with_state(self.clone())
    }

    fn record(&self, item: Received) {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(item);
    }
}

/// Verifies the raw body with the headers, as the service the path names signed it.
async fn hook(
    State(rx): State<Receiver>,
    Path(service): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let verified = match service.as_str() {
        "channels" => rx
            .channels
            .verify_webhook(&headers, &body)
            .map(Received::Channels),
        "beams" => rx
            .beams
            .verify_webhook(&headers, &body)
            .map(Received::Beams),
        _ => {
            return (
                StatusCode::NOT_FOUND,
                format!("no webhooks from {service:?}"),
            );
        }
    };
    rx.accept(verified)
}

impl Receiver {
    /// Records a verified webhook and answers 200; a forged one is 401, a malformed one 400.
    fn accept(&self, verified: push_all::Result<Received>) -> (StatusCode, String) {
        match verified {
            Ok(item) => {
                self.record(item);
                (StatusCode::OK, "accepted".to_owned())
            }
            Err(err) if err.is_webhook() => (StatusCode::UNAUTHORIZED, err.to_string()),
            Err(err) => (StatusCode::BAD_REQUEST, err.to_string()),
        }
    }
}
