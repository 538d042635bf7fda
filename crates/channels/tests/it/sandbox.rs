use push_channels::sandbox::*;
use push_core::{Request, RetryPolicy, Transport, md5_hex};

use crate::common::sign_request;

/// The query of a request signed as a Channels client signs it: `params`, `body_md5` when
/// there is a body, and `auth_signature` last.
fn sign(method: &str, path: &str, params: &[(&str, String)], body: &str, secret: &str) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    if !body.is_empty() {
        pairs.push(("body_md5".into(), md5_hex(body.as_bytes())));
    }
    let (query, sig) = sign_request(method, path, pairs, secret);
    format!("{query}&auth_signature={sig}")
}

fn now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

#[tokio::test]
async fn trigger_roundtrip_and_tamper() {
    let sb = Sandbox::start().await.unwrap();
    let t = Transport::builder(sb.url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let body = r#"{"name":"ev","data":"hi","channels":["a","b"]}"#;
    let path = "/apps/123456/events";
    let base = vec![
        ("auth_key", SANDBOX_KEY.to_owned()),
        ("auth_timestamp", now()),
        ("auth_version", "1.0".to_owned()),
    ];
    // A signed POST of `body` to the events path.
    let post = |query: &str, body: String| {
        t.send(Request::post(format!("{path}?{query}")).json_body(body))
    };
    let q = sign("POST", path, &base, body, SANDBOX_SECRET);
    let r = post(&q, body.to_owned()).await.unwrap();
    assert_eq!(r.body(), b"{}");
    assert_eq!(sb.events().len(), 1);
    assert_eq!(sb.events()[0].channels, vec!["a", "b"]);
    // tamper body
    let err = post(&q, body.replace("hi", "ho")).await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    // wrong secret
    let q2 = sign("POST", path, &base, body, "nope");
    let err = post(&q2, body.to_owned()).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.to_string().contains("Invalid signature"), "{err}");
    // stale timestamp
    let old = vec![
        ("auth_key", SANDBOX_KEY.to_owned()),
        ("auth_timestamp", "1700000000".to_owned()),
        ("auth_version", "1.0".to_owned()),
    ];
    let q3 = sign("POST", path, &old, body, SANDBOX_SECRET);
    let err = post(&q3, body.to_owned()).await.unwrap_err();
    assert!(err.to_string().contains("Timestamp expired"), "{err}");
    // GET channel with info
    sb.seed_channel("presence-x", ChannelState::presence(["u1", "u2", "u1"]));
    let gp = "/apps/123456/channels/presence-x";
    let mut p = base.clone();
    p.push(("info", "user_count".to_owned()));
    let q4 = sign("GET", gp, &p, "", SANDBOX_SECRET);
    let r = t.send(Request::get(format!("{gp}?{q4}"))).await.unwrap();
    assert_eq!(r.body(), br#"{"occupied":true,"user_count":2}"#);
    // oversized
    let big = format!(
        r#"{{"name":"ev","data":"{}","channels":["a"]}}"#,
        "x".repeat(10241)
    );
    let q5 = sign("POST", path, &base, &big, SANDBOX_SECRET);
    let err = post(&q5, big).await.unwrap_err();
    assert_eq!(err.status(), Some(413));
    assert_eq!(sb.events().len(), 1);
}

/// The sandbox holds to what the service documents, no more: a trigger may name `channel`
/// and `channels`, a batch entry needs its `channel`, the endpoints documented without
/// parameters refuse extra ones, and `GET` of one channel answers what applies.
#[tokio::test]
async fn the_sandbox_enforces_the_documented_rules_only() {
    let sb = Sandbox::start().await.unwrap();
    sb.seed_channel("presence-x", ChannelState::presence(["u1", "u2"]));
    let t = Transport::builder(sb.url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let base = vec![
        ("auth_key", SANDBOX_KEY.to_owned()),
        ("auth_timestamp", now()),
        ("auth_version", "1.0".to_owned()),
    ];
    let post = |path: &'static str, body: &'static str, extra: &[(&'static str, String)]| {
        let mut params = base.clone();
        params.extend_from_slice(extra);
        let q = sign("POST", path, &params, body, SANDBOX_SECRET);
        t.send(Request::post(format!("{path}?{q}")).json_body(body))
    };
    let get = |path: &str, info: &str| {
        let mut params = base.clone();
        params.push(("info", info.to_owned()));
        let q = sign("GET", path, &params, "", SANDBOX_SECRET);
        t.send(Request::get(format!("{path}?{q}")))
    };

    post(
        "/apps/123456/events",
        r#"{"name":"e","data":"d","channel":"one","channels":["two"]}"#,
        &[],
    )
    .await
    .unwrap();
    assert_eq!(sb.take_events()[0].channels, ["two", "one"]);
    let err = post(
        "/apps/123456/batch_events",
        r#"{"batch":[{"name":"e","data":"d","channels":["two"]}]}"#,
        &[],
    )
    .await
    .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    let err = post(
        "/apps/123456/users/bob/terminate_connections",
        "{}",
        &[("info", "x".to_owned())],
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("extraneous"), "{err}");
    assert!(sb.terminated_users().is_empty());

    let room = get(
        "/apps/123456/channels/presence-x",
        "subscription_count,user_count",
    )
    .await
    .unwrap();
    assert_eq!(
        room.body(),
        br#"{"occupied":true,"subscription_count":2,"user_count":2}"#
    );
    let err = get("/apps/123456/channels/room", "cache")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    let cache = get("/apps/123456/channels/cache-room", "cache")
        .await
        .unwrap();
    assert_eq!(cache.body(), br#"{"cache":null,"occupied":false}"#);
}

mod through_the_client {
    use push_channels::sandbox::{ChannelState, Limits, Sandbox};
    use push_channels::{Attribute, BatchEvent, MasterKey, TriggerOptions};
    use push_core::sandbox::Fault;

    /// Triggers `count` on `channels` asking for `info`: each channel's answered
    /// `(subscription_count, user_count)`, in the order given.
    async fn counts(
        client: &push_channels::Client,
        channels: &[&str],
        info: &[Attribute],
    ) -> Vec<(Option<u64>, Option<u64>)> {
        let options = TriggerOptions::new().info(info.iter().copied());
        let answer = client
            .trigger_with(channels, "count", "", &options)
            .await
            .unwrap();
        let of = |channel: &&str| {
            let counts = &answer.channels[*channel];
            (counts.subscription_count, counts.user_count)
        };
        channels.iter().map(of).collect()
    }

    #[tokio::test]
    async fn the_whole_api_against_the_sandbox() {
        let sb = Sandbox::start().await.unwrap();
        let key = MasterKey::from_bytes([3; 32]);
        let client = sb
            .client_builder()
            .encryption_master_key(key.clone())
            .build()
            .unwrap();
        sb.seed_channel("room", ChannelState::subscribers(4));
        sb.seed_channel("presence-lobby", ChannelState::presence(["ann", "bob"]));

        let answer = client
            .trigger_with(
                ["room", "presence-lobby"],
                "hello",
                &serde_json::json!({"n": 1}),
                &TriggerOptions::new().socket_id("1.2"),
            )
            .await
            .unwrap();
        assert!(answer.channels.is_empty());
        use Attribute::{SubscriptionCount, UserCount};
        let room = (Some(4), None);
        assert_eq!(
            counts(&client, &["room"], &[SubscriptionCount]).await,
            [room]
        );
        let lobby = counts(&client, &["presence-lobby"], &[UserCount]).await;
        assert_eq!(lobby, [(None, Some(2))]);
        // A trigger's `info` is answered with the counts that apply to each channel (the
        // docs' own examples ask both of a list mixing presence and other channels): no
        // user_count for a channel that is not presence, both counts for one that is.
        let both = [SubscriptionCount, UserCount];
        let mixed = counts(&client, &["room", "presence-lobby"], &both).await;
        assert_eq!(mixed, [room, (Some(2), Some(2))]);
        let first = sb.take_events();
        assert_eq!(first.len(), 4, "{first:?}");
        assert_eq!(first[0].data, r#"{"n":1}"#);
        assert_eq!(first[0].channels, vec!["room", "presence-lobby"]);
        assert_eq!(first[0].socket_id.as_deref(), Some("1.2"));

        let batch = client
            .trigger_batch(&[
                BatchEvent::new("room", "b1", "one").unwrap(),
                BatchEvent::new("private-encrypted-vault", "b2", "secret").unwrap(),
            ])
            .await
            .unwrap();
        // Without `info` the service answers `{}`.
        assert!(batch.batch.is_empty());
        client.send_to_user("ann", "dm", "hi ann").await.unwrap();
        client.terminate_user_connections("bob").await.unwrap();

        let events = sb.events();
        assert_eq!(events.len(), 3, "{events:?}");
        assert_eq!(events[0].data, "one");
        // The sandbox saw only ciphertext; the key opens it.
        assert!(!events[1].data.contains("secret"));
        assert_eq!(
            key.decrypt("private-encrypted-vault", &events[1].data)
                .unwrap(),
            b"secret"
        );
        assert_eq!(events[2].channels, vec!["#server-to-user-ann"]);
        assert_eq!(sb.terminated_users(), vec!["bob"]);

        let list = client
            .channels_info(Some("presence-"), &[Attribute::UserCount])
            .await
            .unwrap();
        assert_eq!(list.channels.len(), 1);
        assert_eq!(list.channels["presence-lobby"].user_count, Some(2));
        let all = client.channels_info(None, &[]).await.unwrap();
        assert_eq!(all.channels.len(), 2);
        let info = client
            .channel_info("presence-lobby", &[Attribute::UserCount])
            .await
            .unwrap();
        assert!(info.occupied);
        assert_eq!(info.user_count, Some(2));
        let users = client.users_info("presence-lobby").await.unwrap();
        let mut ids: Vec<_> = users.users.iter().map(|u| u.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["ann", "bob"]);
        sb.vacate_channel("room");
        assert!(!client.channel_info("room", &[]).await.unwrap().occupied);
    }

    #[tokio::test]
    async fn a_wrong_secret_or_clock_is_refused_as_the_service_does() {
        let sb = Sandbox::start().await.unwrap();
        let wrong = push_channels::Client::builder(sb.app_id(), sb.key(), "not-the-secret")
            .base_url(sb.url())
            .build()
            .unwrap();
        let err = wrong.trigger("c", "e", "d").await.unwrap_err();
        assert_eq!(err.status(), Some(401), "{err}");
        let late = sb
            .client_builder()
            .clock(push_core::Clock::fixed(1_000_000_000))
            .build()
            .unwrap();
        let err = late.channels_info(None, &[]).await.unwrap_err();
        assert_eq!(err.status(), Some(401), "{err}");
        assert!(sb.events().is_empty());
    }

    #[tokio::test]
    async fn the_sandbox_limits_match_the_clients() {
        let sb = Sandbox::start().await.unwrap();
        // A client with no data limit lets the sandbox judge: 413 as the service answers.
        let unlimited = sb.client_builder().no_data_limit().build().unwrap();
        let err = unlimited
            .trigger("c", "e", &"x".repeat(10_241))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(413), "{err}");
        // A dedicated-cluster limit, configured on both sides.
        let mut limits = Limits::default();
        limits.max_data_bytes = 20_000;
        sb.set_limits(limits);
        let raised = sb.client_builder().max_data_bytes(20_000).build().unwrap();
        raised.trigger("c", "e", &"x".repeat(15_000)).await.unwrap();
        assert_eq!(sb.events().len(), 1);
    }

    #[tokio::test]
    async fn retries_follow_the_classifier() {
        let sb = Sandbox::start().await.unwrap();
        let client = sb
            .client_builder()
            .retry_policy(
                push_core::RetryPolicy::default()
                    .base_backoff(std::time::Duration::from_millis(1))
                    .max_backoff(std::time::Duration::from_millis(2)),
            )
            .build()
            .unwrap();
        // 503 certainly did not publish: retried, one event in the end.
        sb.fail_next(
            2,
            Fault {
                status: 503,
                retry_after: None,
                body: String::new(),
            },
        );
        client.trigger("c", "e", "d").await.unwrap();
        assert_eq!(sb.events().len(), 1);
        assert_eq!(sb.requests_seen(), 3);
        // 500 may have published: a POST is not repeated.
        sb.fail_next(
            1,
            Fault {
                status: 500,
                retry_after: None,
                body: "boom".to_owned(),
            },
        );
        let err = client.trigger("c", "e", "d").await.unwrap_err();
        assert_eq!(err.status(), Some(500));
        assert_eq!(sb.requests_seen(), 4);
        // A GET is.
        sb.fail_next(
            1,
            Fault {
                status: 500,
                retry_after: None,
                body: "boom".to_owned(),
            },
        );
        client.channels_info(None, &[]).await.unwrap();
        assert_eq!(sb.requests_seen(), 6);
    }
}
