//! What each scenario sends. Every scenario sends a body of about the same size (123 to 130 bytes)
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

/// The Channels app the scenarios sign for: app id, key and secret (the REST docs' example
/// key and secret; the local server checks nothing).
pub(crate) const CHANNELS_APP: (&str, &str, &str) =
    ("1", "278d425bdf160c739803", "7ad3773142a6692b25b8");

/// The Beams instance the provider scenarios publish to (any well-formed id: the local server
/// checks nothing).
pub(crate) const BEAMS_INSTANCE: &str = "97c56dfe-58f5-408b-ab3a-158e51a860f2";
/// A Beams secret key of the real length.
pub(crate) const BEAMS_KEY: &str =
    "3C7B4A6B2F1E0D9C8B7A6F5E4D3C2B1A0F9E8D7C6B5A4F3E2D1C0B9A8F7E6D5";

/// Each SDK scenario and its twin: a bare POST of exactly the bytes that SDK sends, the
/// baseline issue 9 names "(a)" (the same bytes, no signing). The last pair is A/A: the
/// Channels twin against an identical copy of itself, the noise of the method.
pub(crate) const TWINS: [(&str, &str); 4] = [
    ("channels trigger", "(a) bare POST, Channels bytes"),
    ("beams publish_to_interests", "(a) bare POST, Beams bytes"),
    (
        "pushpad notifications.create",
        "(a) bare POST, Pushpad bytes",
    ),
    (A_A, "(a) bare POST, Channels bytes"),
];

/// The copy of the Channels twin the A/A row compares with the twin.
pub(crate) const A_A: &str = "A/A: the Channels twin again";

/// Every throughput scenario, in the order they run and print: the short baseline, then each
/// SDK right before its twin (and the Channels twin right before its A/A copy), so that the
/// ratios of a round compare neighbours, run within a second of each other.
pub(crate) fn all(url: &str) -> Result<Vec<Scenario>, String> {
    let [channels_twin, beams_twin, pushpad_twin, a_a] = twins(url)?;
    Ok(vec![
        bare(url)?,
        channels(url)?,
        channels_twin,
        a_a,
        beams(url)?,
        beams_twin,
        pushpad(url)?,
        pushpad_twin,
    ])
}

/// (a) The baseline: one shared `reqwest::Client`, a static body, no signing, no retries.
fn bare(url: &str) -> Result<Scenario, String> {
    bare_post(BARE, url, None)
}

/// A bare POST of the baseline's body to the events path, with a per-request timeout or none.
fn bare_post(
    name: &'static str,
    url: &str,
    timeout: Option<std::time::Duration>,
) -> Result<Scenario, String> {
    let client = reqwest::Client::builder()
        .build()
        .map_err(|e| e.to_string())?;
    let bare_url = format!("{url}/apps/1/events");
    Ok(Scenario {
        name,
        call: Arc::new(move |_| {
            let mut request = client
                .post(bare_url.clone())
                .header("content-type", "application/json")
                .body(BODY);
            if let Some(timeout) = timeout {
                request = request.timeout(timeout);
            }
            Box::pin(async move {
                let resp = request.send().await.map_err(|e| e.to_string())?;
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

/// (b) `push_channels::Client::trigger` of the baseline's event: validated, serialised, MD5 of the
/// body, HMAC-signed query, and the `{}` answer decoded. Body: the baseline's bytes, reordered.
fn channels(url: &str) -> Result<Scenario, String> {
    let (scheme, host_port) = url
        .split_once("://")
        .ok_or("the server URL has no scheme")?;
    let (host, port) = host_port
        .rsplit_once(':')
        .ok_or("the server URL has no port")?;
    let client = push_channels::Client::builder(CHANNELS_APP.0, CHANNELS_APP.1, CHANNELS_APP.2)
        .scheme(scheme)
        .host(host)
        .port(port.parse().map_err(|_| "bad port")?)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(Scenario {
        name: "channels trigger",
        call: Arc::new(move |_| {
            let client = client.clone();
            Box::pin(async move {
                client
                    .trigger(
                        "my-channel",
                        "my-event",
                        r#"{"message":"hello world, this is a 100-byte-ish payload for the bench"}"#,
                    )
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
        }),
    })
}

/// The Beams payload of the throughput scenario: with one interest, its body is
/// `{"web":{"notification":{...}},"interests":["my-interest"]}`, 126 bytes.
pub(crate) fn beams_request() -> push_beams::PublishRequest {
    push_beams::PublishRequest::new().web(
        push_beams::Web::new()
            .title("my-event")
            .body("hello world, this is a 100-byte-ish payload"),
    )
}

/// (c) `push_beams::Client::publish_to_interests` to one interest, decoding the publish id.
fn beams(url: &str) -> Result<Scenario, String> {
    let client = push_beams::Client::builder(BEAMS_INSTANCE, BEAMS_KEY)
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
/// decoding the created notification. Body: 123 bytes.
fn pushpad(url: &str) -> Result<Scenario, String> {
    let client = push_pushpad::Client::builder("5374d7dfeffa2eb49965624ba7596a09")
        .project_id(1)
        .base_url(format!("{url}/api/v1"))
        .build()
        .map_err(|e| e.to_string())?;
    let notification = Arc::new(
        push_pushpad::NewNotification::new(
            "hello world, this is a 100-byte-ish payload for the bench",
        )
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

/// Scenarios that take the SDK path apart, for finding where its cost goes
/// (`push-bench run --diagnose true`): the baseline plus a per-request timeout, and push-core's
/// transport alone with the baseline's static body (no provider code).
pub(crate) fn diagnostic(url: &str) -> Result<Vec<Scenario>, String> {
    let timeout = bare_post(
        "diag: bare + 30 s timeout",
        url,
        Some(std::time::Duration::from_secs(30)),
    )?;
    let transport = push_core::Transport::builder(url)
        .build()
        .map_err(|e| e.to_string())?;
    let core = Scenario {
        name: "diag: push-core Transport",
        call: Arc::new(move |_| {
            let transport = transport.clone();
            Box::pin(async move {
                let request = push_core::Request::post("/apps/1/events").json_body(BODY);
                transport
                    .send(request)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
        }),
    };
    // push-core's transport with the Channels trigger's endpoint and a signed query of the
    // same length, computed once: what the transport costs with a query, without signing.
    let transport = push_core::Transport::builder(url)
        .build()
        .map_err(|e| e.to_string())?;
    let events = transport
        .endpoint("/apps/1/events")
        .map_err(|e| e.to_string())?;
    let signer = signer()?;
    let query = events_query(&signer, BODY).map_err(|e| e.to_string())?;
    let queried = Scenario {
        name: "diag: Transport, endpoint + query",
        call: Arc::new({
            let transport = transport.clone();
            let events = events.clone();
            move |_| {
                let transport = transport.clone();
                let request = push_core::Request::to(push_core::Method::Post, &events)
                    .query(query.clone())
                    .json_body(BODY);
                Box::pin(async move {
                    transport
                        .send(request)
                        .await
                        .map(drop)
                        .map_err(|e| e.to_string())
                })
            }
        }),
    };
    // The same transport call with the query signed per request, as the client signs it.
    let per_request = {
        let signer = signer.clone();
        Scenario {
            name: "diag: Transport, signed per request",
            call: Arc::new(move |_| {
                let transport = transport.clone();
                let query = events_query(&signer, BODY);
                let events = events.clone();
                Box::pin(async move {
                    let query = query.map_err(|e| e.to_string())?;
                    let request = push_core::Request::to(push_core::Method::Post, &events)
                        .query(query)
                        .json_body(BODY);
                    transport
                        .send(request)
                        .await
                        .map(drop)
                        .map_err(|e| e.to_string())
                })
            }),
        }
    };
    // The Channels signature alone, per request, beside the same transport call.
    let signing = Scenario {
        name: "diag: Channels signed_query only",
        call: Arc::new(move |_| {
            let result = events_query(&signer, BODY)
                .map(drop)
                .map_err(|e| e.to_string());
            Box::pin(async move { result })
        }),
    };
    Ok(vec![timeout, core, queried, per_request, signing])
}

/// A Channels client with the bench's app credentials, used only to sign.
fn signer() -> Result<push_channels::Client, String> {
    push_channels::Client::new(CHANNELS_APP.0, CHANNELS_APP.1, CHANNELS_APP.2)
        .map_err(|e| e.to_string())
}

/// The signed query of a trigger of `body` to `/apps/1/events`, as the client computes it.
fn events_query(signer: &push_channels::Client, body: &str) -> push_channels::Result<String> {
    signer.signed_query(
        push_channels::Method::Post,
        "/apps/1/events",
        &[],
        body.as_bytes(),
    )
}

/// The twins of [`TWINS`], in the same order.
fn twins(url: &str) -> Result<[Scenario; 4], String> {
    let [channels_name, beams_name, pushpad_name, _] = TWINS.map(|(_, twin)| twin);
    let beams_twin = bare_twin(
        beams_name,
        format!("{url}/publish_api/v1/instances/{BEAMS_INSTANCE}/publishes/interests"),
        &[
            ("user-agent", "push-rs/0.1.0"),
            ("x-pusher-library", "pusher-push-notifications-rust 0.1.0"),
            ("authorization", &format!("Bearer {BEAMS_KEY}")),
        ],
        r#"{"web":{"notification":{"body":"hello world, this is a 100-byte-ish payload","title":"my-event"}},"interests":["my-interest"]}"#,
    )?;
    let pushpad_twin = bare_twin(
        pushpad_name,
        format!("{url}/api/v1/projects/1/notifications"),
        &[
            ("user-agent", "pushpad-rust/0.1.0"),
            ("authorization", "Bearer 5374d7dfeffa2eb49965624ba7596a09"),
        ],
        r#"{"body":"hello world, this is a 100-byte-ish payload for the bench","title":"my-event","target_url":"https://example.com/"}"#,
    )?;
    // The Channels trigger's exact request: its signed query (computed once; the server does not
    // check it) and its body, as `push_channels::Client::trigger` builds them.
    let channels_body = r#"{"name":"my-event","data":"{\"message\":\"hello world, this is a 100-byte-ish payload for the bench\"}","channels":["my-channel"]}"#;
    let query = events_query(&signer()?, channels_body).map_err(|e| e.to_string())?;
    let channels_twin = |name| {
        bare_twin(
            name,
            format!("{url}/apps/1/events?{query}"),
            &[("x-pusher-library", push_channels::LIBRARY)],
            channels_body,
        )
    };
    Ok([
        channels_twin(channels_name)?,
        beams_twin,
        pushpad_twin,
        channels_twin(A_A)?,
    ])
}

/// A bare POST of the bytes an SDK sends (same URL, same headers, same body), without the
/// SDK: what the SDK's own work is measured against. Like the baseline, it hands reqwest the
/// URL as a string.
fn bare_twin(
    name: &'static str,
    url: String,
    headers: &[(&str, &str)],
    body: &'static str,
) -> Result<Scenario, String> {
    let mut map = reqwest::header::HeaderMap::new();
    for (name, value) in headers.iter().chain(&[
        ("accept", "application/json"),
        ("user-agent", "push-rs/0.1.0"),
    ]) {
        let name =
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
        let value = reqwest::header::HeaderValue::from_str(value).map_err(|e| e.to_string())?;
        map.insert(name, value);
    }
    let client = reqwest::Client::builder()
        .default_headers(map)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(Scenario {
        name,
        call: Arc::new(move |_| {
            let request = client
                .post(url.clone())
                .header("content-type", "application/json")
                .body(body);
            Box::pin(async move {
                let resp = request.send().await.map_err(|e| e.to_string())?;
                let ok = resp.status().is_success();
                resp.bytes().await.map_err(|e| e.to_string())?;
                if ok { Ok(()) } else { Err("status".to_owned()) }
            })
        }),
    })
}
