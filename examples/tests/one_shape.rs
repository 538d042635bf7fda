//! The three providers have one shape: this program is written once against the names every
//! provider shares (constructors, builder setters, webhooks, sandboxes, chunk results), and
//! runs against the three local sandboxes.

use std::time::Duration;

use push_all::{beams, channels, pushpad};
use push_core::{ChunkResult, Clock, HttpClient, RetryPolicy, Sleeper};

/// The same builder setters, infallible, on every provider's builder.
macro_rules! configure {
    ($builder:expr, $url:expr) => {
        $builder
            .base_url($url)
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(2))
            .retry_policy(RetryPolicy::none())
            .http_client(HttpClient::from(reqwest_client()))
            .sleeper(Sleeper::new(|_| async {}))
            .clock(Clock::system())
    };
}

fn reqwest_client() -> reqwest::Client {
    reqwest::Client::new()
}

#[test]
fn every_provider_has_the_same_constructors() {
    let _: push_all::Result<channels::Client> = channels::Client::new("1", "key", "secret");
    let _: push_all::Result<beams::Client> = beams::Client::new("instance", "secret-key");
    let _: push_all::Result<pushpad::Client> = pushpad::Client::new("token", 1);
    // `from_env` and `builder` exist on all three with the same shapes.
    let _: fn() -> push_all::Result<channels::Client> = channels::Client::from_env;
    let _: fn() -> push_all::Result<beams::Client> = beams::Client::from_env;
    let _: fn() -> push_all::Result<pushpad::Client> = pushpad::Client::from_env;
    // A proxy is a builder setting everywhere, checked only when the client is built.
    for built in [
        channels::Client::builder("1", "key", "secret")
            .proxy("http://127.0.0.1:9")
            .build()
            .map(drop),
        beams::Client::builder("instance", "secret-key")
            .proxy("http://127.0.0.1:9")
            .build()
            .map(drop),
        pushpad::Client::builder("token")
            .project_id(1)
            .proxy("http://127.0.0.1:9")
            .build()
            .map(drop),
    ] {
        built.unwrap();
    }
    // What build() refuses is a configuration error, in every provider.
    for refused in [
        channels::Client::new("1", "key", "").map(drop),
        beams::Client::new("instance", "").map(drop),
        pushpad::Client::new("", 1).map(drop),
    ] {
        assert!(
            matches!(refused, Err(push_all::Error::Config { .. })),
            "{refused:?}"
        );
    }
}

#[tokio::test]
async fn the_same_program_runs_against_each_sandbox() {
    let channels_sandbox = channels::sandbox::Sandbox::start().await.unwrap();
    let beams_sandbox = beams::sandbox::Sandbox::start().await.unwrap();
    let pushpad_sandbox = pushpad::sandbox::Sandbox::start().await.unwrap();

    // Sandboxes alike: url() is what base_url takes, client() and client_builder() ready-made.
    let channels = configure!(
        channels::Client::builder(
            channels::sandbox::SANDBOX_APP_ID,
            channels::sandbox::SANDBOX_KEY,
            channels::sandbox::SANDBOX_SECRET
        ),
        channels_sandbox.url()
    )
    .build()
    .unwrap();
    let beams = configure!(beams_sandbox.client_builder(), beams_sandbox.url())
        .webhook_secret("webhook-secret")
        .build()
        .unwrap();
    let pushpad = configure!(pushpad_sandbox.client_builder(), pushpad_sandbox.url())
        .build()
        .unwrap();
    assert_eq!(channels.base_url(), channels_sandbox.url());
    assert_eq!(beams.base_url(), beams_sandbox.url());
    assert_eq!(pushpad.base_url(), pushpad_sandbox.url());
    channels_sandbox.client().unwrap();
    beams_sandbox.client().unwrap();
    pushpad_sandbox.client().unwrap();

    // Each sandbox fails its next request on demand, with the Fault its module re-exports.
    channels_sandbox.fail_next(1, channels::sandbox::Fault::status(503));
    beams_sandbox.fail_next(1, beams::sandbox::Fault::status(503));
    pushpad_sandbox.fail_next(1, pushpad::sandbox::Fault::status(503));
    let statuses = [
        channels.trigger("c", "e", "d").await.unwrap_err().status(),
        beams
            .publish_to_interests(&["i"], &sample_publish())
            .await
            .unwrap_err()
            .status(),
        pushpad
            .notifications()
            .create(&pushpad::NewNotification::new("hi"))
            .await
            .unwrap_err()
            .status(),
    ];
    assert_eq!(statuses, [Some(503); 3]);

    // Split calls answer with push-core's ChunkResult in both providers that split.
    let rooms: Vec<String> = (0..150).map(|i| format!("room-{i}")).collect();
    let fanned: Vec<ChunkResult<channels::TriggerResponse>> = channels
        .trigger_chunked(&rooms[..], "e", "d", &Default::default())
        .await
        .unwrap();
    let users: Vec<String> = (0..1500).map(|i| format!("user-{i}")).collect();
    let published: Vec<ChunkResult<String>> = beams
        .publish_to_users_chunked(&users, &sample_publish())
        .await
        .unwrap();
    for covered in fanned
        .iter()
        .map(|c| c.covered.len())
        .chain(published.iter().map(|c| c.covered.len()))
    {
        assert!(covered > 0);
    }

    // One webhook shape: the request's HeaderMap and raw body.
    let headers = http::HeaderMap::new();
    assert!(
        channels
            .verify_webhook(&headers, b"{}")
            .unwrap_err()
            .is_webhook()
    );
    assert!(
        beams
            .verify_webhook(&headers, b"{}")
            .unwrap_err()
            .is_webhook()
    );
}

fn sample_publish() -> beams::PublishRequest {
    beams::PublishRequest::new().web(beams::Web::new().title("t").body("b"))
}
