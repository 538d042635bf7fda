//! The official SDKs' captured requests, reproduced where they reflect correct behaviour.

use push_beams::PublishRequest;
use serde_json::Value;
use wiremock::matchers::body_json;
use wiremock::{MockServer, ResponseTemplate};

use crate::errors::publish_answered;
use crate::routes::{self, To};
use crate::{INSTANCE, case, client};

async fn publish_case(name: &str) {
    let py = case("python_beams.json", name);
    let node = case("node_beams.json", name);
    assert_eq!(py["request"]["path"], node["request"]["path"]);
    assert_eq!(py["request"]["body_json"], node["request"]["body_json"]);
    let input = &node["input"];
    let to = if input.get("interests").is_some() {
        To::Interests
    } else {
        To::Users
    };
    // The path both SDKs used is the one the route helper matches.
    assert_eq!(node["request"]["path"], routes::publish_path("", to));
    let server = routes::one_publish(
        to,
        body_json(&py["request"]["body_json"]),
        // Beams answers text/plain; the publish id must still be read.
        ResponseTemplate::new(200).set_body_raw(r#"{"publishId":"pubid-123"}"#, "text/plain"),
    )
    .await;
    let c = client(&server.uri());
    let request = PublishRequest::new().raw(input["body"].clone());
    let id = if let Some(interests) = input.get("interests") {
        let list: Vec<String> = serde_json::from_value(interests.clone()).unwrap();
        c.publish_to_interests(&list, &request).await.unwrap()
    } else {
        let list: Vec<String> = serde_json::from_value(input["user_ids"].clone()).unwrap();
        c.publish_to_users(&list, &request).await.unwrap()
    };
    assert_eq!(id, node["result"]["publishId"].as_str().unwrap());
    let got = &server.received_requests().await.unwrap()[0];
    // Same JSON as both SDKs sent (nested key order is not significant: serde_json sorts
    // keys, Node keeps insertion order), compact and with the audience as the last key.
    let raw = std::str::from_utf8(&got.body).unwrap();
    let json: Value = serde_json::from_str(raw).unwrap();
    assert_eq!(json, py["request"]["body_json"]);
    let node_body: Value = serde_json::from_str(node["request"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(json, node_body);
    let (key, list) = json
        .as_object()
        .unwrap()
        .iter()
        .find(|(k, _)| *k == "interests" || *k == "users")
        .unwrap();
    assert!(raw.ends_with(&format!(",\"{key}\":{list}}}")), "{raw}");
    assert_eq!(raw.len(), node["request"]["body"].as_str().unwrap().len());
}

#[tokio::test]
async fn publish_to_interests_matches_both_sdks() {
    publish_case("beams.publish_to_interests").await;
}

#[tokio::test]
async fn publish_to_users_matches_both_sdks() {
    publish_case("beams.publish_to_users").await;
}

#[tokio::test]
async fn publish_unicode_matches_both_sdks() {
    publish_case("beams.publish_to_interests.unicode").await;
}

async fn delete_case(name: &str) {
    let py = case("python_beams.json", name);
    let node = case("node_beams.json", name);
    // Path prefix: Python's documented /customer_api/ (Node's /user_api/ is the legacy name).
    // Encoding: Node's encodeURIComponent (Python keeps '/', which splits the path segment).
    let expected = node["request"]["path"]
        .as_str()
        .unwrap()
        .replace("/user_api/", "/customer_api/");
    assert!(
        py["request"]["path"]
            .as_str()
            .unwrap()
            .starts_with("/customer_api/v1/instances/")
    );
    let users = format!("/customer_api/v1/instances/{INSTANCE}/users/");
    let encoded = expected.strip_prefix(&users).unwrap();
    let server = MockServer::start().await;
    routes::delete_user(&server, encoded, ResponseTemplate::new(200), 1).await;
    routes::unexpected(&server).await;
    client(&server.uri())
        .delete_user(py["input"]["user_id"].as_str().unwrap())
        .await
        .unwrap();
    let got = &server.received_requests().await.unwrap()[0];
    assert_eq!(got.url.path(), expected);
    assert!(got.body.is_empty());
    assert!(expected.contains(INSTANCE));
}

#[tokio::test]
async fn delete_user_uses_customer_api() {
    delete_case("beams.delete_user").await;
}

#[tokio::test]
async fn delete_user_encodes_slash_and_unicode() {
    delete_case("beams.delete_user.special_chars").await;
}

#[tokio::test]
async fn every_error_vector_is_typed() {
    let fixed = crate::load("fixed.json");
    for pair in fixed["beams_errors"].as_array().unwrap() {
        let status = pair[0].as_u64().unwrap() as u16;
        let body = pair[1].as_str().unwrap();
        let err = publish_answered(To::Interests, status, body).await;
        assert_eq!(err.status(), Some(status));
        let api = err.api().unwrap();
        match serde_json::from_str::<Value>(body) {
            Ok(v) => {
                assert_eq!(api.code.as_deref(), v["error"].as_str(), "{status}");
                assert_eq!(
                    api.message.as_deref(),
                    v["description"].as_str(),
                    "{status}"
                );
            }
            Err(_) if body.is_empty() => assert_eq!(api.message, None),
            Err(_) => assert_eq!(api.message.as_deref(), Some(body)),
        }
        assert_eq!(err.is_rate_limited(), status == 429);
    }
}
