//! What each scenario sends. Every scenario sends a body of about the same size (~130 bytes)
//! to the same local server: the baseline as raw bytes, each provider through its SDK's public
//! API, so the difference in the table is the cost of the SDK.
//!
//! To add a scenario, write one function returning a [`Scenario`] and list it in [`all`].

use std::sync::Arc;

use crate::Scenario;

/// The name of the baseline every other scenario is compared with.
pub(crate) const BARE: &str = "bare reqwest POST";

/// The Channels trigger body the baseline sends: what `channels` sends for the same call.
const BODY: &str = r#"{"name":"my-event","channels":["my-channel"],"data":"{\"message\":\"hello world, this is a 100-byte-ish payload for the bench\"}"}"#;

/// The Beams instance the provider scenarios publish to (any well-formed id: the local server
/// checks nothing).
pub(crate) const BEAMS_INSTANCE: &str = "97c56dfe-58f5-408b-ab3a-158e51a860f2";
/// A Beams secret key of the real length.
pub(crate) const BEAMS_KEY: &str =
    "3C7B4A6B2F1E0D9C8B7A6F5E4D3C2B1A0F9E8D7C6B5A4F3E2D1C0B9A8F7E6D5";

/// Every throughput scenario, baseline first, in the order they run and print.
pub(crate) fn all(url: &str) -> Result<Vec<Scenario>, String> {
    Ok(vec![
        bare(url)?,
        // The Channels scenario (`channels::Client::trigger`) goes here.
        beams(url)?,
        pushpad(url)?,
    ])
}

/// (a) The baseline: one shared `reqwest::Client`, a static body, no signing, no retries.
fn bare(url: &str) -> Result<Scenario, String> {
    let client = reqwest::Client::builder()
        .build()
        .map_err(|e| e.to_string())?;
    let bare_url = format!("{url}/apps/1/events");
    Ok(Scenario {
        name: BARE,
        call: Arc::new(move |_| {
            let client = client.clone();
            let url = bare_url.clone();
            Box::pin(async move {
                let resp = client
                    .post(url)
                    .header("content-type", "application/json")
                    .body(BODY)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = resp.status();
                resp.bytes().await.map_err(|e| e.to_string())?;
                if status.is_success() {
                    Ok(())
                } else {
                    Err(status.to_string())
                }
            })
        }),
    })
}

/// The Beams payload of the throughput scenario: with one interest, its body is
/// `{"web":{"notification":{...}},"interests":["my-interest"]}`, 131 bytes.
pub(crate) fn beams_request() -> beams::PublishRequest {
    beams::PublishRequest::new().web(
        beams::Web::new()
            .title("my-event")
            .body("hello world, this is a 100-byte-ish payload"),
    )
}

/// (c) `beams::Client::publish_to_interests` to one interest, decoding the publish id.
fn beams(url: &str) -> Result<Scenario, String> {
    let client = beams::Client::builder(BEAMS_INSTANCE, BEAMS_KEY)
        .base_url(url)
        .build()
        .map_err(|e| e.to_string())?;
    let request = Arc::new(beams_request());
    Ok(Scenario {
        name: "beams publish_to_interests",
        call: Arc::new(move |_| {
            let client = client.clone();
            let request = request.clone();
            Box::pin(async move {
                client
                    .publish_to_interests(&["my-interest"], &request)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
        }),
    })
}

/// (d) `pushpad` notification create (`POST /projects/1/notifications`, 201 expected),
/// decoding the created notification. Body: 129 bytes.
fn pushpad(url: &str) -> Result<Scenario, String> {
    let client = pushpad::Client::builder("5374d7dfeffa2eb49965624ba7596a09")
        .project_id(1)
        .base_url(format!("{url}/api/v1"))
        .build()
        .map_err(|e| e.to_string())?;
    let notification = Arc::new(
        pushpad::NewNotification::new("hello world, this is a 100-byte-ish payload for the bench")
            .title("my-event")
            .target_url("https://example.com/"),
    );
    Ok(Scenario {
        name: "pushpad notifications.create",
        call: Arc::new(move |_| {
            let client = client.clone();
            let notification = notification.clone();
            Box::pin(async move {
                client
                    .notifications()
                    .create(&notification)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
        }),
    })
}
