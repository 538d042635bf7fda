//! A table of bad inputs: each gives a typed InvalidInput naming the field, nothing is sent.

use push_beams::{Client, Error, PublishRequest};
use serde_json::json;
use wiremock::MockServer;
use wiremock::matchers::body_json;

use crate::routes::{self, To, published};
use crate::wire::{sample, sample_body};
use crate::{INSTANCE, KEY, client};

enum Call {
    Interests(Vec<String>, PublishRequest),
    InterestsChunked(Vec<String>, PublishRequest),
    Users(Vec<String>, PublishRequest),
    Delete(String),
    Token(String),
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_owned()).collect()
}

fn n(count: usize, prefix: &str) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}{i}")).collect()
}

#[tokio::test]
async fn bad_inputs_are_refused_before_sending() {
    let server = MockServer::start().await;
    routes::unexpected(&server).await;
    let c = client(&server.uri());
    let long = "a".repeat(165);
    // `name: call => field;`: the call must be refused as `InvalidInput` naming `field`.
    macro_rules! cases {
        ($($name:literal: $call:expr => $field:literal;)*) => {
            vec![$(($name, $call, $field)),*]
        };
    }
    use Call::{Delete, Interests, InterestsChunked, Token, Users};
    let cases: Vec<(&str, Call, &str)> = cases! {
        "no interests": Interests(vec![], sample()) => "interests";
        "101 interests": Interests(n(101, "i"), sample()) => "interests";
        "empty interest": Interests(s(&["a", ""]), sample()) => "interests[1]";
        "interest too long": Interests(vec![long.clone()], sample()) => "interests[0]";
        "interest space": Interests(s(&["a", "b", "c", "d e"]), sample()) => "interests[3]";
        "interest slash": Interests(s(&["a/b"]), sample()) => "interests[0]";
        "interest colon": Interests(s(&["a:b"]), sample()) => "interests[0]";
        "interest unicode": Interests(s(&["café"]), sample()) => "interests[0]";
        "duplicate interest, split publish":
            InterestsChunked(s(&["x", "y", "x"]), sample()) => "interests[2]";
        "no platform": Interests(s(&["a"]), PublishRequest::new()) => "body";
        "only webhookUrl":
            Interests(s(&["a"]), PublishRequest::new().webhook_url("https://x")) => "body";
        "raw non-platform only":
            Users(s(&["u"]), PublishRequest::new().raw(json!({"foo": 1}))) => "body";
        "raw audience key": Users(s(&["u"]), sample().raw(json!({"users": ["evil"]}))) => "body";
        "no users": Users(vec![], sample()) => "users";
        "1001 users": Users(n(1001, "u"), sample()) => "users";
        "empty user": Users(s(&["ok", ""]), sample()) => "users[1]";
        "user too long": Users(vec!["u".into(), "ü".repeat(165)], sample()) => "users[1]";
        "duplicate user": Users(s(&["u1", "u2", "u1"]), sample()) => "users[2]";
        "no platform users": Users(s(&["u"]), PublishRequest::new()) => "body";
        "delete empty": Delete(String::new()) => "user_id";
        "delete too long": Delete(long.clone()) => "user_id";
        "token empty": Token(String::new()) => "user_id";
        "token too long": Token(long.clone()) => "user_id";
    };
    assert!(cases.len() >= 20);
    for (name, call, field) in cases {
        let err = match call {
            Call::Interests(i, r) => c.publish_to_interests(&i, &r).await.unwrap_err(),
            Call::InterestsChunked(i, r) => {
                c.publish_to_interests_chunked(&i, &r).await.unwrap_err()
            }
            Call::Users(u, r) => c.publish_to_users(&u, &r).await.unwrap_err(),
            Call::Delete(u) => c.delete_user(&u).await.unwrap_err(),
            Call::Token(u) => c.generate_token(&u).unwrap_err(),
        };
        assert!(err.is_invalid_input(), "{name}: {err}");
        match &err {
            push_beams::Error::InvalidInput { field: f, .. } => assert_eq!(f, field, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

/// The largest lists and longest ids the rules allow are sent, exactly as given.
#[tokio::test]
async fn limits_are_inclusive_and_count_characters() {
    let allowed = "AZaz09_-=@,.;".to_owned() + &"x".repeat(151);
    assert_eq!(allowed.len(), 164);
    let interests: Vec<String> = n(99, "i").into_iter().chain([allowed]).collect();
    // 164 two-byte characters: 328 bytes but 164 characters, accepted.
    let users: Vec<String> = n(999, "u").into_iter().chain(["ü".repeat(164)]).collect();
    let server = MockServer::start().await;
    for (to, body) in [
        (To::Interests, sample_body("interests", &interests)),
        (To::Users, sample_body("users", &users)),
        (
            To::Users,
            json!({"web": {"notification": {"title": "t"}}, "users": ["u"]}),
        ),
    ] {
        routes::publish(&server, to, body_json(body), published("p"), 1).await;
    }
    routes::unexpected(&server).await;
    let c = client(&server.uri());
    c.publish_to_interests(&interests, &sample()).await.unwrap();
    c.publish_to_users(&users, &sample()).await.unwrap();
    c.publish_to_users(
        &["u"],
        &PublishRequest::new().raw(json!({"web": {"notification": {"title": "t"}}})),
    )
    .await
    .unwrap();
    assert!(c.generate_token(&"ü".repeat(164)).is_ok());
}

/// Everything `build()` refuses is `Error::Config`, and the reason names what to fix.
#[test]
fn builder_refuses_bad_config() {
    let cases = [
        (Client::builder("", KEY), "instance_id"),
        (Client::builder(" ", KEY), "instance_id"),
        (Client::builder("a b", KEY), "instance_id"),
        (Client::builder("a.b", KEY), "instance_id"),
        (Client::builder(INSTANCE, ""), "secret_key"),
        (
            Client::builder(INSTANCE, KEY).webhook_secret(""),
            "ClientBuilder::webhook_secret",
        ),
        (Client::builder(INSTANCE, KEY).base_url("not a url"), "URL"),
        (
            Client::builder(INSTANCE, KEY).base_url("ftp://example.com"),
            "URL",
        ),
    ];
    for (builder, named) in cases {
        let shown = format!("{builder:?}");
        match builder.build() {
            Err(Error::Config { reason }) => {
                assert!(reason.contains(named), "{shown}: {reason}");
            }
            other => panic!("{shown}: {other:?}"),
        }
    }
}
