//! "Your own code": a small piece of application logic that uses two services, written the way
//! the sandbox-backed test in `tests/own_code.rs` shows how to test it.

use push_all::beams::{self, PublishRequest, Web};
use push_all::channels;
use serde::Serialize;

/// An order that has just shipped.
#[derive(Debug, Clone, Serialize)]
pub struct Order {
    /// The order number.
    pub id: u64,
    /// The customer's user id (the same in Channels and Beams).
    pub customer: String,
    /// The carrier's tracking URL.
    pub tracking_url: String,
}

/// Tells the customer their order shipped: a realtime event to their open tabs (Channels) and
/// a push notification to their devices (Beams).
///
/// # Errors
/// The first service error, unchanged.
pub async fn notify_shipped(
    realtime: &channels::Client,
    push: &beams::Client,
    order: &Order,
) -> push_all::Result<String> {
    let channel = format!("private-orders-{}", order.customer);
    realtime
        .trigger(channel.as_str(), "order-shipped", order)
        .await?;
    let notification = PublishRequest::new().web(
        Web::new()
            .title(format!("Order {} has shipped", order.id))
            .body("Track it on its way to you")
            .deep_link(order.tracking_url.clone()),
    );
    push.publish_to_users(&[order.customer.as_str()], &notification)
        .await
}
