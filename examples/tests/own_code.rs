//! Testing your own code against the sandboxes: no credentials, no network beyond 127.0.0.1,
//! and assertions on exactly what each service accepted.
#![allow(clippy::unwrap_used)]

use push_all::beams::sandbox::{Audience, Sandbox as BeamsSandbox};
use push_all::channels::sandbox::Sandbox as ChannelsSandbox;
use push_examples::shop::{Order, notify_shipped};

fn order() -> Order {
    Order {
        id: 42,
        customer: "alice".to_owned(),
        tracking_url: "https://carrier.example/track/42".to_owned(),
    }
}

/// Both sandboxes, started.
async fn sandboxes() -> (ChannelsSandbox, BeamsSandbox) {
    let channels = ChannelsSandbox::start().await.unwrap();
    let beams = BeamsSandbox::start().await.unwrap();
    (channels, beams)
}

/// Your code under test, given clients of the two sandboxes.
async fn ship(
    channels: &ChannelsSandbox,
    beams: &BeamsSandbox,
    order: &Order,
) -> push_all::Result<String> {
    let (realtime, push) = (channels.client().unwrap(), beams.client().unwrap());
    notify_shipped(&realtime, &push, order).await
}

#[tokio::test]
async fn a_shipped_order_reaches_both_services() {
    let (channels, beams) = sandboxes().await;

    let publish_id = ship(&channels, &beams, &order()).await.unwrap();

    let events = channels.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].name, "order-shipped");
    assert_eq!(events[0].channels, vec!["private-orders-alice"]);
    let data: serde_json::Value = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(data["id"], 42);

    let publishes = beams.publishes();
    assert_eq!(publishes.len(), 1);
    assert_eq!(publishes[0].publish_id, publish_id);
    assert_eq!(
        publishes[0].audience,
        Audience::Users(vec!["alice".to_owned()])
    );
    assert_eq!(
        publishes[0].body["web"]["notification"]["title"],
        "Order 42 has shipped"
    );
}

#[tokio::test]
async fn an_outage_surfaces_as_an_error_and_nothing_is_half_announced_twice() {
    let (channels, beams) = sandboxes().await;
    // The service refuses the realtime event: the push notification is not sent either.
    channels.fail_next(1, push_core::sandbox::Fault::status(500));
    let err = ship(&channels, &beams, &order()).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(beams.publishes().is_empty());
    // An unknown customer name that is not a valid channel is refused before anything is sent.
    let mut bad = order();
    bad.customer = "alice smith".to_owned();
    let err = ship(&channels, &beams, &bad).await.unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    assert!(channels.events().is_empty());
}
