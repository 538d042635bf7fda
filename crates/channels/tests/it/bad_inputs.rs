//! Bad inputs: each refused with a typed error naming the field, before anything is sent.

use push_channels::{Attribute, BatchEvent, Client, PresenceMember, TriggerOptions, UserData};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

type Outcome = push_channels::Result<()>;

async fn run_table(client: &Client) -> Vec<(&'static str, &'static str, Outcome)> {
    let long = "a".repeat(165);
    let long_event = "e".repeat(256);
    let big = "x".repeat(10 * 1024 + 1);
    let many: Vec<String> = (0..101).map(|i| format!("c{i}")).collect();
    let batch = |n: usize| -> Vec<BatchEvent> {
        (0..n)
            .map(|i| BatchEvent::new(format!("c{i}"), "e", "d").unwrap())
            .collect()
    };
    let event = |channel: &str| BatchEvent::new(channel, "e", "d").unwrap();
    let cache = TriggerOptions::new().info([Attribute::Cache]);
    let long_id = PresenceMember::new("é".repeat(129));
    let big_info = PresenceMember::new("u")
        .user_info(&"i".repeat(1100))
        .unwrap();
    // `field, what => outcome;`: the outcome must be an `InvalidInput` naming `field`.
    macro_rules! cases {
        ($($field:literal, $what:literal => $outcome:expr;)*) => {
            vec![$(($field, $what, $outcome.map(drop))),*]
        };
    }
    cases! {
        "channel", "empty channel" => client.trigger("", "e", "d").await;
        "channel", "channel with a space" => client.trigger("a b", "e", "d").await;
        "channel", "channel with a slash" => client.trigger("a/b", "e", "d").await;
        "channel", "channel with non-ASCII" => client.trigger("café", "e", "d").await;
        "channel", "channel of 165 chars" => client.trigger(long.as_str(), "e", "d").await;
        "channel", "one bad channel among good" => client.trigger(["ok", "b?d"], "e", "d").await;
        "channels", "no channels" => client.trigger(Vec::<String>::new(), "e", "d").await;
        "channels", "101 channels" => client.trigger(many.clone(), "e", "d").await;
        "channels", "encrypted among several" =>
            client.trigger(["private-encrypted-a", "b"], "e", "d").await;
        "event", "empty event" => client.trigger("c", "", "d").await;
        "event", "event of 256 bytes" => client.trigger("c", &long_event, "d").await;
        "data", "data over 10 KiB" => client.trigger("c", "e", &big).await;
        "data", "data over 10 KiB once encrypted" =>
            client.trigger("private-encrypted-c", "e", &"x".repeat(7700)).await;
        "socket_id", "socket id without dot" =>
            client.trigger_with("c", "e", "d", &TriggerOptions::new().socket_id("123")).await;
        "socket_id", "socket id with letters" =>
            client.trigger_with("c", "e", "d", &TriggerOptions::new().socket_id("12a.3")).await;
        "info", "cache asked of a trigger" => client.trigger_with("c", "e", "d", &cache).await;
        "batch", "empty batch" => client.trigger_batch(&[]).await;
        "batch", "11 events" => client.trigger_batch(&batch(11)).await;
        "channel", "bad channel in a batch" => client.trigger_batch(&[event("no spaces")]).await;
        "socket_id", "bad socket id in a batch" =>
            client.trigger_batch(&[event("c").socket_id("x")]).await;
        "info", "cache asked of a batch event" =>
            client.trigger_batch(&[event("c").info([Attribute::Cache])]).await;
        "data", "oversized data in a batch" =>
            client.trigger_batch(&[BatchEvent::new("c", "e", &big).unwrap()]).await;
        "user_id", "empty user id (send_to_user)" => client.send_to_user("", "e", "d").await;
        "user_id", "user id \"..\" (terminate: a dot segment)" =>
            client.terminate_user_connections("..").await;
        "user_id", "user id \".\" (terminate: a dot segment)" =>
            client.terminate_user_connections(".").await;
        "user_id", "empty user id (terminate)" => client.terminate_user_connections("").await;
        "channel", "a per-user channel triggered directly" =>
            client.trigger("#server-to-user-bob", "e", "d").await;
        "channel", "a per-user channel among others" =>
            client.trigger(["room", "#server-to-user-bob"], "e", "d").await;
        "channel", "a per-user channel in a batch" =>
            client.trigger_batch(&[event("#server-to-user-bob")]).await;
        "channel", "channel_info of \"..\" (a dot segment)" => client.channel_info("..", &[]).await;
        "channel", "channel_info of \".\" (a dot segment)" => client.channel_info(".", &[]).await;
        "channel", "users_info of \"..\" (a dot segment)" => client.users_info("..").await;
        "info", "cache of a channel that is not a cache channel" =>
            client.channel_info("room", &[Attribute::Cache]).await;
        "user_id", "presence member id of 129 characters" =>
            client.authorize_channel("1.2", "presence-x", Some(&long_id));
        "user_info", "presence member info over 1 KiB" =>
            client.authorize_channel("1.2", "presence-x", Some(&big_info));
        "prefix", "prefix with a space" => client.channels_info(Some("pre fix"), &[]).await;
        "info", "user_count without presence prefix" =>
            client.channels_info(None, &[Attribute::UserCount]).await;
        "info", "subscription_count in channels_info" =>
            client.channels_info(None, &[Attribute::SubscriptionCount]).await;
        "info", "user_count on a non-presence channel" =>
            client.channel_info("c", &[Attribute::UserCount]).await;
        "channel", "users of a non-presence channel" => client.users_info("private-x").await;
        "channel", "channel_info of a bad name" => client.channel_info("a:b", &[]).await;
        "channel", "channel_info of a per-user channel" =>
            client.channel_info("#server-to-user-bob", &[]).await;
        "channel", "users_info of a per-user channel" =>
            client.users_info("#server-to-user-bob").await;
        "socket_id", "authorize with a bad socket id" =>
            client.authorize_channel("1.", "private-x", None);
        "channel", "authorize a public channel" => client.authorize_channel("1.2", "public", None);
        "member", "presence without member" => client.authorize_channel("1.2", "presence-x", None);
        "member", "member on a private channel" =>
            client.authorize_channel("1.2", "private-x", Some(&PresenceMember::new("u")));
        "user_id", "presence member with empty id" =>
            client.authorize_channel("1.2", "presence-x", Some(&PresenceMember::new("")));
        "user_id", "sign-in with an empty id" =>
            client.authenticate_user("1.2", &UserData::new(""));
        "socket_id", "sign-in with a bad socket id" =>
            client.authenticate_user("x", &UserData::new("u"));
        "channel", "shared secret of a non-encrypted channel" =>
            client.channel_shared_secret("private-x");
    }
}

/// A server answering any request `{}` that must see exactly `requests` of them.
async fn accepting(requests: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(requests)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn bad_inputs_are_refused_with_the_field_named_and_nothing_sent() {
    let server = accepting(0).await;
    let client = fixed_client(&server.uri());
    let table = run_table(&client).await;
    assert!(table.len() >= 25, "{} cases", table.len());
    for (field, what, outcome) in &table {
        match outcome {
            Err(push_channels::Error::InvalidInput { field: got, .. }) => {
                assert_eq!(got, field, "{what}");
            }
            other => panic!("{what}: expected an invalid-input error on {field}, got {other:?}"),
        }
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
    server.verify().await;
}

#[tokio::test]
async fn the_data_limit_is_configurable_and_can_be_switched_off() {
    let server = accepting(2).await;
    let big = "x".repeat(20_000);
    let raised = fixed_builder(&server.uri())
        .max_data_bytes(20_000)
        .build()
        .unwrap();
    raised.trigger("c", "e", &big).await.unwrap();
    assert!(
        raised
            .trigger("c", "e", &format!("{big}x"))
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    let unlimited = fixed_builder(&server.uri())
        .no_data_limit()
        .build()
        .unwrap();
    unlimited
        .trigger("c", "e", &format!("{big}{big}"))
        .await
        .unwrap();
    // Exactly at the default limit is allowed.
    let default = fixed_client(&server.uri());
    assert!(
        default
            .trigger("c", "e", &"y".repeat(10 * 1024 + 1))
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    server.verify().await;
}

#[tokio::test]
async fn encrypted_channels_need_a_master_key() {
    let client = Client::builder(APP_ID, KEY, SECRET)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let err = client
        .trigger("private-encrypted-x", "e", "d")
        .await
        .unwrap_err();
    assert!(
        matches!(err, push_channels::Error::Config { .. }),
        "{err:?}"
    );
    let err = client
        .authorize_channel("1.2", "private-encrypted-x", None)
        .unwrap_err();
    assert!(
        matches!(err, push_channels::Error::Config { .. }),
        "{err:?}"
    );
}
