//! The quickstart: one call to each service, against its local sandbox when no credentials are
//! configured, and against the real service when they are.
//!
//! ```sh
//! cargo run --example quickstart
//! PUSHER_URL=https://key:secret@api-eu.pusher.com/apps/123 cargo run --example quickstart
//! PUSHPAD_AUTH_TOKEN=... PUSHPAD_PROJECT_ID=... cargo run --example quickstart
//! ```

// An example program talks to its user on stdout.
#![allow(clippy::print_stdout)]

use push_all::beams::{self, PublishRequest, Web};
use push_all::channels::{self, Attribute, TriggerOptions};
use push_all::pushpad::{self, NewNotification};
use push_examples::configured;

type AnyError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), AnyError> {
    channels_demo().await?;
    beams_demo().await?;
    pushpad_demo().await?;
    println!("quickstart: done");
    Ok(())
}

/// Triggers a Channels event, then asks how many connections are subscribed.
async fn channels_demo() -> Result<(), AnyError> {
    let real = configured(&["PUSHER_URL", "PUSHER_APP_ID"]);
    let (client, sandbox) = if real {
        println!("channels: using the real service (PUSHER_URL or PUSHER_APP_ID is set)");
        (channels::Client::from_env()?, None)
    } else {
        let sandbox = channels::sandbox::Sandbox::start().await?;
        sandbox.seed_channel(
            "quickstart",
            channels::sandbox::ChannelState::subscribers(2),
        );
        println!(
            "channels: no credentials, using the local sandbox at {}",
            sandbox.url()
        );
        (sandbox.client()?, Some(sandbox))
    };
    let data = serde_json::json!({ "message": "Hello from push-rs" });
    client.trigger("quickstart", "greeting", &data).await?;
    let info = client.channel_info("quickstart", &[]).await?;
    println!("channels: event sent; channel occupied: {}", info.occupied);
    if real {
        let answer = client
            .trigger_with(
                "quickstart",
                "greeting",
                &data,
                &TriggerOptions::new().info([Attribute::SubscriptionCount]),
            )
            .await;
        // Subscription counts must be enabled for the app; report rather than fail.
        println!("channels: subscription count: {answer:?}");
    }
    if let Some(sandbox) = sandbox {
        for accepted in sandbox.events() {
            println!(
                "channels: sandbox accepted event {:?} on {:?}: {}",
                accepted.name, accepted.channels, accepted.data
            );
        }
    }
    Ok(())
}

/// Publishes a Beams web notification to an interest.
async fn beams_demo() -> Result<(), AnyError> {
    let (client, sandbox) = if configured(&["BEAMS_INSTANCE_ID"]) {
        println!("beams: using the real service (BEAMS_INSTANCE_ID is set)");
        (beams::Client::from_env()?, None)
    } else {
        let sandbox = beams::sandbox::Sandbox::start().await?;
        println!(
            "beams: no credentials, using the local sandbox at {}",
            sandbox.url()
        );
        (sandbox.client()?, Some(sandbox))
    };
    let request = PublishRequest::new().web(
        Web::new()
            .title("Hello from push-rs")
            .body("A web notification")
            .deep_link("https://example.com"),
    );
    let publish_id = client
        .publish_to_interests(&["quickstart"], &request)
        .await?;
    println!("beams: published {publish_id}");
    if let Some(sandbox) = sandbox {
        for accepted in sandbox.publishes() {
            println!(
                "beams: sandbox accepted publish {} to {:?}: {}",
                accepted.publish_id, accepted.audience, accepted.body
            );
        }
    }
    Ok(())
}

/// Creates a Pushpad notification for one user.
async fn pushpad_demo() -> Result<(), AnyError> {
    let (client, sandbox) = if configured(&["PUSHPAD_AUTH_TOKEN"]) {
        println!("pushpad: using the real service (PUSHPAD_AUTH_TOKEN is set)");
        (pushpad::Client::from_env()?, None)
    } else {
        let sandbox = pushpad::sandbox::Sandbox::start().await?;
        sandbox.seed_subscription(
            pushpad::sandbox::SANDBOX_PROJECT_ID,
            Some("user-1"),
            &["quickstart"],
        );
        println!(
            "pushpad: no credentials, using the local sandbox at {}",
            sandbox.url()
        );
        (sandbox.client()?, Some(sandbox))
    };
    let result = client
        .notifications()
        .create(
            &NewNotification::new("Hello from push-rs")
                .title("Quickstart")
                .target_url("https://example.com")
                .uids(["user-1"]),
        )
        .await?;
    println!(
        "pushpad: notification {} created, reaching {} device(s)",
        result.id,
        result.scheduled.unwrap_or(0)
    );
    if let Some(sandbox) = sandbox {
        for accepted in sandbox.notifications() {
            println!(
                "pushpad: sandbox accepted notification {}: {}",
                accepted.id, accepted.request
            );
        }
    }
    Ok(())
}
