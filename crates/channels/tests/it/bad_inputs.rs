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
    let ok = |r: push_channels::Result<push_channels::TriggerResponse>| r.map(|_| ());
    vec![
        (
            "channel",
            "empty channel",
            ok(client.trigger("", "e", "d").await),
        ),
        (
            "channel",
            "channel with a space",
            ok(client.trigger("a b", "e", "d").await),
        ),
        (
            "channel",
            "channel with a slash",
            ok(client.trigger("a/b", "e", "d").await),
        ),
        (
            "channel",
            "channel with non-ASCII",
            ok(client.trigger("café", "e", "d").await),
        ),
        (
            "channel",
            "channel of 165 chars",
            ok(client.trigger(long.as_str(), "e", "d").await),
        ),
        (
            "channel",
            "one bad channel among good",
            ok(client.trigger(["ok", "b?d"], "e", "d").await),
        ),
        (
            "channels",
            "no channels",
            ok(client.trigger(Vec::<String>::new(), "e", "d").await),
        ),
        (
            "channels",
            "101 channels",
            ok(client.trigger(many.clone(), "e", "d").await),
        ),
        (
            "channels",
            "encrypted among several",
            ok(client.trigger(["private-encrypted-a", "b"], "e", "d").await),
        ),
        (
            "event",
            "empty event",
            ok(client.trigger("c", "", "d").await),
        ),
        (
            "event",
            "event of 256 bytes",
            ok(client.trigger("c", &long_event, "d").await),
        ),
        (
            "data",
            "data over 10 KiB",
            ok(client.trigger("c", "e", &big).await),
        ),
        (
            "data",
            "data over 10 KiB once encrypted",
            ok(client
                .trigger("private-encrypted-c", "e", &"x".repeat(7700))
                .await),
        ),
        (
            "socket_id",
            "socket id without dot",
            ok(client
                .trigger_with("c", "e", "d", &TriggerOptions::new().socket_id("123"))
                .await),
        ),
        (
            "socket_id",
            "socket id with letters",
            ok(client
                .trigger_with("c", "e", "d", &TriggerOptions::new().socket_id("12a.3"))
                .await),
        ),
        (
            "info",
            "cache asked of a trigger",
            ok(client
                .trigger_with(
                    "c",
                    "e",
                    "d",
                    &TriggerOptions::new().info([Attribute::Cache]),
                )
                .await),
        ),
        (
            "batch",
            "empty batch",
            client.trigger_batch(&[]).await.map(|_| ()),
        ),
        (
            "batch",
            "11 events",
            client.trigger_batch(&batch(11)).await.map(|_| ()),
        ),
        (
            "channel",
            "bad channel in a batch",
            client
                .trigger_batch(&[BatchEvent::new("no spaces", "e", "d").unwrap()])
                .await
                .map(|_| ()),
        ),
        (
            "socket_id",
            "bad socket id in a batch",
            client
                .trigger_batch(&[BatchEvent::new("c", "e", "d").unwrap().socket_id("x")])
                .await
                .map(|_| ()),
        ),
        (
            "info",
            "cache asked of a batch event",
            client
                .trigger_batch(&[BatchEvent::new("c", "e", "d")
                    .unwrap()
                    .info([Attribute::Cache])])
                .await
                .map(|_| ()),
        ),
        (
            "data",
            "oversized data in a batch",
            client
                .trigger_batch(&[BatchEvent::new("c", "e", &big).unwrap()])
                .await
                .map(|_| ()),
        ),
        (
            "user_id",
            "empty user id (send_to_user)",
            ok(client.send_to_user("", "e", "d").await),
        ),
        (
            "user_id",
            "user id \"..\" (terminate: a dot segment)",
            client.terminate_user_connections("..").await,
        ),
        (
            "user_id",
            "user id \".\" (terminate: a dot segment)",
            client.terminate_user_connections(".").await,
        ),
        (
            "user_id",
            "empty user id (terminate)",
            client.terminate_user_connections("").await,
        ),
        (
            "channel",
            "a per-user channel triggered directly",
            ok(client.trigger("#server-to-user-bob", "e", "d").await),
        ),
        (
            "channel",
            "a per-user channel among others",
            ok(client
                .trigger(["room", "#server-to-user-bob"], "e", "d")
                .await),
        ),
        (
            "channel",
            "a per-user channel in a batch",
            client
                .trigger_batch(&[BatchEvent::new("#server-to-user-bob", "e", "d").unwrap()])
                .await
                .map(|_| ()),
        ),
        (
            "channel",
            "channel_info of \"..\" (a dot segment)",
            client.channel_info("..", &[]).await.map(|_| ()),
        ),
        (
            "channel",
            "channel_info of \".\" (a dot segment)",
            client.channel_info(".", &[]).await.map(|_| ()),
        ),
        (
            "channel",
            "users_info of \"..\" (a dot segment)",
            client.users_info("..").await.map(|_| ()),
        ),
        (
            "info",
            "cache of a channel that is not a cache channel",
            client
                .channel_info("room", &[Attribute::Cache])
                .await
                .map(|_| ()),
        ),
        (
            "user_id",
            "presence member id of 129 characters",
            client
                .authorize_channel(
                    "1.2",
                    "presence-x",
                    Some(&PresenceMember::new("é".repeat(129))),
                )
                .map(|_| ()),
        ),
        (
            "user_info",
            "presence member info over 1 KiB",
            client
                .authorize_channel(
                    "1.2",
                    "presence-x",
                    Some(
                        &PresenceMember::new("u")
                            .user_info(&"i".repeat(1100))
                            .unwrap(),
                    ),
                )
                .map(|_| ()),
        ),
        (
            "prefix",
            "prefix with a space",
            client.channels_info(Some("pre fix"), &[]).await.map(|_| ()),
        ),
        (
            "info",
            "user_count without presence prefix",
            client
                .channels_info(None, &[Attribute::UserCount])
                .await
                .map(|_| ()),
        ),
        (
            "info",
            "subscription_count in channels_info",
            client
                .channels_info(None, &[Attribute::SubscriptionCount])
                .await
                .map(|_| ()),
        ),
        (
            "info",
            "user_count on a non-presence channel",
            client
                .channel_info("c", &[Attribute::UserCount])
                .await
                .map(|_| ()),
        ),
        (
            "channel",
            "users of a non-presence channel",
            client.users_info("private-x").await.map(|_| ()),
        ),
        (
            "channel",
            "channel_info of a bad name",
            client.channel_info("a:b", &[]).await.map(|_| ()),
        ),
        (
            "channel",
            "channel_info of a per-user channel",
            client
                .channel_info("#server-to-user-bob", &[])
                .await
                .map(|_| ()),
        ),
        (
            "channel",
            "users_info of a per-user channel",
            client.users_info("#server-to-user-bob").await.map(|_| ()),
        ),
        (
            "socket_id",
            "authorize with a bad socket id",
            client
                .authorize_channel("1.", "private-x", None)
                .map(|_| ()),
        ),
        (
            "channel",
            "authorize a public channel",
            client.authorize_channel("1.2", "public", None).map(|_| ()),
        ),
        (
            "member",
            "presence without member",
            client
                .authorize_channel("1.2", "presence-x", None)
                .map(|_| ()),
        ),
        (
            "member",
            "member on a private channel",
            client
                .authorize_channel("1.2", "private-x", Some(&PresenceMember::new("u")))
                .map(|_| ()),
        ),
        (
            "user_id",
            "presence member with empty id",
            client
                .authorize_channel("1.2", "presence-x", Some(&PresenceMember::new("")))
                .map(|_| ()),
        ),
        (
            "user_id",
            "sign-in with an empty id",
            client
                .authenticate_user("1.2", &UserData::new(""))
                .map(|_| ()),
        ),
        (
            "socket_id",
            "sign-in with a bad socket id",
            client
                .authenticate_user("x", &UserData::new("u"))
                .map(|_| ()),
        ),
        (
            "channel",
            "shared secret of a non-encrypted channel",
            client.channel_shared_secret("private-x").map(|_| ()),
        ),
    ]
}

#[tokio::test]
async fn bad_inputs_are_refused_with_the_field_named_and_nothing_sent() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(0)
        .mount(&server)
        .await;
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
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(2)
        .mount(&server)
        .await;
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
