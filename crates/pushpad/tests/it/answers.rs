//! Answers are data: every type read from the API serialises back to the JSON it was read from
//! (field names as the API spells them, times as it writes them), so a handler can return it
//! as JSON; every request type reads back what it writes.

use push_pushpad::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Bodies from the Go 1.0.0 SDK's tests (reference §4.4).
pub(crate) const GO_NOTIFICATION_NULLS: &str = r#"{"id":88,"body":"Hello","image_url":null,"custom_data":null,"actions":null,"send_at":null,"custom_metrics":null,"uids":null,"tags":null,"scheduled_count":null,"scheduled":null}"#;
pub(crate) const GO_NOTIFICATION: &str = r#"{"id":123456789,"project_id":123,"title":"Foo Bar","body":"Lorem ipsum dolor sit amet, consectetur adipiscing elit.","target_url":"https://example.com","icon_url":"https://example.com/assets/icon.png","badge_url":"https://example.com/assets/badge.png","image_url":"https://example.com/assets/image.png","ttl":604800,"require_interaction":false,"silent":false,"urgent":false,"custom_data":"","actions":[{"title":"A button","target_url":"https://example.com/button-link","icon":"https://example.com/assets/button-icon.png","action":"myActionName"}],"starred":false,"send_at":"2016-07-06T10:09:00.000Z","custom_metrics":["metric1","metric2"],"uids":["uid0","uid1","uidN"],"tags":["tag1","tagA && !tagB"],"created_at":"2016-07-06T10:58:39.192Z","successfully_sent_count":4,"opened_count":1,"scheduled_count":400,"scheduled":true,"cancelled":false}"#;
pub(crate) const GO_SUBSCRIPTION: &str = r#"{"id":456,"project_id":123,"endpoint":"https://example.com/push/f7Q1Eyf7EyfAb1","p256dh":"BCQVDTlYWdl05lal3lG5SKr3VxTrEWpZErbkxWrzknHrIKFwihDoZpc_2sH6Sh08h-CacUYI-H8gW4jH-uMYZQ4=","auth":"cdKMlhgVeSPzCXZ3V7FtgQ==","uid":"user1","tags":["tag1","tag2"],"last_click_at":"2016-07-06T10:09:00.000Z","created_at":"2016-07-06T10:58:39.192Z"}"#;
pub(crate) const GO_PROJECT: &str = r#"{"id":98765,"sender_id":9,"name":"My Project","website":"https://example.com","icon_url":"https://example.com/icon.png","badge_url":"https://example.com/badge.png","notifications_ttl":604800,"notifications_require_interaction":false,"notifications_silent":false,"created_at":"2016-07-06T10:58:39.192Z"}"#;
pub(crate) const GO_SENDER: &str = r#"{"id":98765,"name":"My Sender","vapid_private_key":"-----BEGIN EC PRIVATE KEY----- ...","vapid_public_key":"-----BEGIN PUBLIC KEY----- ...","created_at":"2016-07-06T10:58:39.192Z"}"#;

/// Reads `body` as `T` and writes it back.
fn again<T: Serialize + DeserializeOwned>(body: &str) -> Value {
    let read: T = serde_json::from_str(body).unwrap();
    serde_json::to_value(&read).unwrap()
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap()
}

#[test]
fn read_types_serialise_to_the_json_they_were_read_from() {
    assert_eq!(
        again::<Notification>(GO_NOTIFICATION),
        json_of(GO_NOTIFICATION)
    );
    assert_eq!(
        again::<Subscription>(GO_SUBSCRIPTION),
        json_of(GO_SUBSCRIPTION)
    );
    assert_eq!(again::<Project>(GO_PROJECT), json_of(GO_PROJECT));
    assert_eq!(again::<Sender>(GO_SENDER), json_of(GO_SENDER));
    for created in [
        r#"{"id":123456789,"scheduled":9876}"#,
        r#"{"id":197123,"scheduled":5,"uids":["uid0","uid1","uidN"]}"#,
        r#"{"id":9,"send_at":"2030-01-02T03:04:05.000Z"}"#,
    ] {
        assert_eq!(
            again::<NotificationCreateResult>(created),
            json_of(created),
            "{created}"
        );
    }
}

/// A sparse answer writes every field, `null` where the API sent nothing, as a full answer
/// from the API would.
#[test]
fn a_sparse_answer_writes_every_field() {
    let written = again::<Notification>(GO_NOTIFICATION_NULLS);
    let fields = written.as_object().unwrap();
    assert_eq!(
        fields.len(),
        json_of(GO_NOTIFICATION).as_object().unwrap().len()
    );
    for (name, value) in json_of(GO_NOTIFICATION_NULLS).as_object().unwrap() {
        assert_eq!(&fields[name], value, "{name}");
    }
    assert_eq!(fields["title"], Value::Null);
}

/// Times from another offset are written in UTC with milliseconds, as the API writes them.
#[test]
fn times_are_written_as_the_api_writes_them() {
    let written = again::<Subscription>(
        r#"{"id":1,"created_at":"2016-07-06T12:58:39+02:00","last_click_at":null}"#,
    );
    assert_eq!(written["created_at"], "2016-07-06T10:58:39.000Z");
    assert_eq!(written["last_click_at"], Value::Null);
}

/// Request types read back what they write, the three states of a subscription's `uid`
/// included.
#[test]
fn request_types_read_back_what_they_write() {
    fn both_ways<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
        let written = serde_json::to_value(value).unwrap();
        let read: T = serde_json::from_value(written.clone()).unwrap();
        assert_eq!(&read, value, "{written}");
    }
    let at = time::macros::datetime!(2030-01-02 03:04:05 UTC);
    both_ways(
        &NewNotification::new("Hi")
            .title("T")
            .send_at(at)
            .uids(Vec::<String>::new())
            .tags(["a && !b"])
            .actions([Action::new("Open").action("open_it")]),
    );
    both_ways(&NewSubscription::new("https://push.example/1").uid("u"));
    both_ways(&SubscriptionUpdate::new());
    both_ways(&SubscriptionUpdate::new().clear_uid());
    both_ways(&SubscriptionUpdate::new().uid("u").tags(["x"]));
    both_ways(&NewProject::new(1, "P", "https://example.com").notifications_ttl(60));
    both_ways(&ProjectUpdate::new().name("Q"));
    both_ways(&NewSender::new("S").vapid_keys("private", "public"));
    both_ways(&SenderUpdate::new().name("T"));
    both_ways(&SubscriptionQuery::new().page(2).per_page(5).uids(["u"]));
    both_ways(&NotificationQuery::new().page(3));

    let cleared: SubscriptionUpdate = serde_json::from_value(json!({"uid": null})).unwrap();
    assert_eq!(cleared.uid, Some(None));
    let unchanged: SubscriptionUpdate = serde_json::from_value(json!({})).unwrap();
    assert_eq!(unchanged.uid, None);
}
