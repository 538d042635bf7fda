//! Every call on the wire: method, path, headers and exact body.

use push_beams::{Apns, Client, Fcm, PublishRequest, Web};
use serde_json::{Value, json};
use wiremock::matchers::{body_bytes, body_json};
use wiremock::{MockServer, ResponseTemplate};

use crate::routes::{self, To, published};
use crate::{INSTANCE, KEY, client};

pub(crate) fn sample() -> PublishRequest {
    PublishRequest::new().web(Web::new().title("Hello").body("Hello, world!"))
}

/// The JSON body [`sample`] is sent as, to the audience `key` (`"interests"` or `"users"`).
pub(crate) fn sample_body<S: AsRef<str>>(key: &str, audience: &[S]) -> Value {
    let mut body = json!({"web": {"notification": {"title": "Hello", "body": "Hello, world!"}}});
    body[key] = json!(audience.iter().map(AsRef::as_ref).collect::<Vec<&str>>());
    body
}

/// Publishes `request` to the interests `a` and `b` through a client of `server`.
async fn publish_to_a_and_b(server: &MockServer, request: &PublishRequest) -> String {
    let client = client(&server.uri());
    client
        .publish_to_interests(&["a", "b"], request)
        .await
        .unwrap()
}

#[tokio::test]
async fn typed_payload_serialises_every_platform() {
    let expected = json!({
        "apns": {"aps": {"alert": {"title": "T", "body": "B"}, "badge": 3, "sound": "ping"},
                 "data": {"order": 7}, "collapse_id": "c1"},
        "fcm": {"notification": {"title": "T", "body": "B", "icon": "i.png"}, "data": {"k": "v"}},
        "web": {"notification": {"title": "T", "body": "B", "icon": "https://x/i.png",
                                 "deep_link": "https://x", "hide_notification_if_site_has_focus": true},
                "data": {"w": 1}},
        "webhookUrl": "https://hooks.example/beams",
        "interests": ["a", "b"]
    });
    let server = routes::one_publish(
        To::Interests,
        body_json(&expected),
        ResponseTemplate::new(200).set_body_json(json!({"publishId": "p-1"})),
    )
    .await;
    let request = PublishRequest::new()
        .apns(
            Apns::new()
                .alert("T", "B")
                .badge(3)
                .sound("ping")
                .data("order", json!(7))
                .field("collapse_id", json!("c1")),
        )
        .fcm(
            Fcm::new()
                .notification("T", "B")
                .notification_field("icon", json!("i.png"))
                .data("k", json!("v")),
        )
        .web(
            Web::new()
                .title("T")
                .body("B")
                .icon("https://x/i.png")
                .deep_link("https://x")
                .hide_notification_if_site_has_focus(true)
                .data("w", json!(1)),
        )
        .webhook_url("https://hooks.example/beams");
    let id = publish_to_a_and_b(&server, &request).await;
    assert_eq!(id, "p-1");
}

#[tokio::test]
async fn raw_escape_hatch_merges_and_overrides() {
    let server = routes::one_publish(
        To::Users,
        body_json(json!({
            "fcm": {"notification": {"title": "raw"}, "time_to_live": 60},
            "web": {"notification": {"title": "Hello", "body": "Hello, world!"}},
            "users": ["u1"]
        })),
        published("p-2"),
    )
    .await;
    let request = sample()
        .fcm(Fcm::new().notification("typed", "x"))
        .raw(json!({"fcm": {"notification": {"title": "raw"}, "time_to_live": 60}}));
    assert_eq!(
        client(&server.uri())
            .publish_to_users(&["u1"], &request)
            .await
            .unwrap(),
        "p-2"
    );
}

/// The exact bytes: compact JSON, every object's keys in sorted order, a later key replacing an
/// earlier one of the same name (`Apns::field("data")`, a raw `web`), the audience last.
#[tokio::test]
async fn payload_bytes_have_sorted_keys_and_the_audience_last() {
    let expected = concat!(
        r#"{"apns":{"aps":{"alert":{"body":"B","title":"T"},"badge":3},"collapse_id":"c1","#,
        r#""data":{"replaced":true}},"#,
        r#""fcm":{"data":{"k":"v"},"notification":{"body":"B","icon":"i.png","title":"T"}},"#,
        r#""time_to_live":60,"web":{"notification":{"title":"raw"}},"#,
        r#""webhookUrl":"https://hooks.example/beams","interests":["a","b"]}"#
    );
    let server = routes::one_publish(
        To::Interests,
        body_bytes(expected.as_bytes().to_vec()),
        published("p-3"),
    )
    .await;
    let request = PublishRequest::new()
        .webhook_url("https://hooks.example/beams")
        .web(Web::new().title("typed"))
        .fcm(
            Fcm::new()
                .data("k", json!("v"))
                .notification_field("icon", json!("i.png"))
                .notification("T", "B"),
        )
        .apns(
            Apns::new()
                .field("collapse_id", json!("c1"))
                .data("order", json!(7))
                .field("data", json!({"replaced": true}))
                .badge(3)
                .alert("T", "B"),
        )
        .raw(json!({"web": {"notification": {"title": "raw"}}, "time_to_live": 60}));
    let id = publish_to_a_and_b(&server, &request).await;
    assert_eq!(id, "p-3");
}

#[tokio::test]
async fn delete_user_accepts_empty_200() {
    let server = MockServer::start().await;
    routes::delete_user(&server, "a%2Fb%3Fc%20d", ResponseTemplate::new(200), 1).await;
    routes::unexpected(&server).await;
    client(&server.uri()).delete_user("a/b?c d").await.unwrap();
}

#[tokio::test]
async fn publish_response_without_id_is_a_decode_error() {
    let server = routes::one_publish(
        To::Users,
        body_json(sample_body("users", &["u"])),
        ResponseTemplate::new(200).set_body_string("ok"),
    )
    .await;
    let err = client(&server.uri())
        .publish_to_users(&["u"], &sample())
        .await
        .unwrap_err();
    assert!(!err.is_invalid_input());
    assert_eq!(err.status(), None);
    assert!(matches!(err, push_beams::Error::Decode { .. }), "{err:?}");
}

#[test]
fn debug_hides_secret_and_clone_is_cheap() {
    let c = Client::builder(INSTANCE, KEY).build().unwrap();
    let copy = c.clone();
    let shown = format!("{copy:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains(INSTANCE));
    assert_eq!(c.instance_id(), INSTANCE);
}

/// `Client::new` is the builder with every default: the instance's own host.
#[test]
fn new_takes_the_credentials_and_defaults_the_rest() {
    let c = Client::new(INSTANCE, KEY).unwrap();
    assert_eq!(
        c.base_url(),
        format!("https://{INSTANCE}.pushnotifications.pusher.com")
    );
    assert!(matches!(
        Client::new(INSTANCE, ""),
        Err(push_beams::Error::Config { .. })
    ));
    let c = Client::builder(INSTANCE, KEY)
        .base_url("http://127.0.0.1:9/prefix/")
        .build()
        .unwrap();
    assert_eq!(c.base_url(), "http://127.0.0.1:9/prefix");
}

#[test]
fn from_env_reports_missing_variables() {
    // Only checks the missing-variable path; the variables are never set in this test binary.
    if std::env::var("BEAMS_INSTANCE_ID").is_err() {
        let err = Client::from_env().unwrap_err();
        assert!(err.to_string().contains("BEAMS_INSTANCE_ID"), "{err}");
    }
}

#[test]
fn token_serialises_to_token_object() {
    let t = crate::client("http://127.0.0.1:9")
        .generate_token("u")
        .unwrap();
    let v: Value = serde_json::to_value(&t).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 1);
    assert_eq!(v["token"].as_str().unwrap(), t.token);
    assert!(!format!("{t:?}").contains(&t.token));
}

/// Beams documents no refusal of a repeated interest in one publish (it delivers once per
/// device): the list is sent as given.
#[tokio::test]
async fn a_repeated_interest_is_sent_as_given() {
    let expected = json!({
        "web": {"notification": {"title": "Hello", "body": "Hello, world!"}},
        "interests": ["x", "y", "x"]
    });
    let server = routes::one_publish(To::Interests, body_json(&expected), published("p")).await;
    client(&server.uri())
        .publish_to_interests(&["x", "y", "x"], &sample())
        .await
        .unwrap();
}

/// The web format's documented limits: `time_to_live` up to 2 419 200 s is sent, one more
/// second is refused; `data` may hold any key but `pusher`.
#[tokio::test]
async fn web_time_to_live_and_data_follow_the_documented_limits() {
    let server = routes::one_publish(
        To::Users,
        body_json(json!({
            "web": {"time_to_live": 2_419_200, "notification": {"title": "t"}, "data": {"pusherish": 1}},
            "users": ["u"]
        })),
        published("p"),
    )
    .await;
    let c = client(&server.uri());
    let raw = |web: Value| PublishRequest::new().raw(json!({ "web": web }));
    c.publish_to_users(
        &["u"],
        &raw(json!({"time_to_live": 2_419_200, "notification": {"title": "t"}, "data": {"pusherish": 1}})),
    )
    .await
    .unwrap();
    for (request, field) in [
        (
            raw(json!({"time_to_live": 2_419_201, "notification": {"title": "t"}})),
            "web.time_to_live",
        ),
        (
            raw(json!({"notification": {"title": "t"}, "data": {"pusher": {}}})),
            "web.data",
        ),
        (
            PublishRequest::new().web(Web::new().title("t").data("pusher", json!(1))),
            "web.data",
        ),
    ] {
        match c.publish_to_users(&["u"], &request).await {
            Err(push_beams::Error::InvalidInput { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
}
