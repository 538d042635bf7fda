//! Property tests: every input the crate validates, and its public error-body parser, take
//! arbitrary values without panicking; exactly the valid inputs are sent; a refused input is an
//! `InvalidInput` naming its field, and nothing reaches the server.
//!
//! Requests go to the local server of `faults.rs`, which counts them.

use std::collections::HashSet;

use percent_encoding::percent_decode_str;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use push_pushpad::{
    Action, ApiError, Client, Error, NewNotification, NewProject, NewSender, NewSubscription,
    NotificationQuery, ProjectUpdate, RetryPolicy, SubscriptionQuery, SubscriptionUpdate,
    parse_error,
};
use push_test_support::props::{refused_if, runner};
use serde_json::Value;

use crate::common::{TOKEN, client_at};
use crate::faults::{Act, Seen, answer};

/// What a well-behaved Pushpad answers: 201 to a create, a page (`[]`) to a listing, the
/// object otherwise.
fn respond(_: usize, seen: &Seen) -> Act {
    let path = seen.path.as_str();
    match seen.method.as_str() {
        "POST" => answer(201, r#"{"id":1}"#),
        "GET" if path.ends_with("/subscriptions") || path.ends_with("/notifications") => {
            answer(200, "[]")
        }
        _ => answer(200, r#"{"id":1}"#),
    }
}

type Env = push_test_support::props::Env<Client>;

/// A local well-behaved Pushpad, and a client pointed at it (default project 123).
fn env() -> Env {
    Env::new(respond, |uri| client_at(uri, RetryPolicy::none()))
}

/// Text: ordinary, empty, Unicode whitespace only, a zero-width space, and arbitrary Unicode.
/// Pushpad documents no rule against any of them: all are sent.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 !&|()-]{1,20}",
        Just(String::new()),
        "[ \t\r\n\u{a0}\u{2003}\u{3000}]{1,4}",
        Just("\u{200b}".to_owned()),
        any::<String>(),
    ]
}

fn action_name() -> impl Strategy<Value = String> {
    prop_oneof!["[A-Za-z0-9_]{1,12}", Just(String::new()), any::<String>()]
}

fn word_chars(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn notification() -> impl Strategy<Value = NewNotification> {
    let action =
        (text(), option::of(action_name()), option::of(text())).prop_map(|(title, name, url)| {
            Action {
                title,
                action: name,
                target_url: url,
                ..Action::default()
            }
        });
    let urls = [(); 5].map(|()| option::of(text()));
    let lists = (
        option::of(vec(action, 0..3)),
        option::of(vec(text(), 0..5)),
        option::of(vec(text(), 0..3)),
        option::of(vec(text(), 0..3)),
    );
    (text(), urls, lists, option::of(any::<u32>())).prop_map(
        |(body, [title, target_url, icon_url, badge_url, image_url], lists, ttl)| {
            let (actions, custom_metrics, uids, tags) = lists;
            NewNotification {
                body,
                title,
                target_url,
                icon_url,
                badge_url,
                image_url,
                ttl,
                actions,
                custom_metrics,
                uids,
                tags,
                ..NewNotification::default()
            }
        },
    )
}

/// The fields Pushpad documents rules for: action ids of word characters, at most 3 custom
/// metrics.
fn refused_notification(n: &NewNotification) -> HashSet<String> {
    let mut refused = HashSet::new();
    for (i, a) in n.actions.iter().flatten().enumerate() {
        if a.action.as_deref().is_some_and(|s| !word_chars(s)) {
            refused.insert(format!("actions[{i}].action"));
        }
    }
    if n.custom_metrics.as_ref().is_some_and(|m| m.len() > 3) {
        refused.insert("custom_metrics".to_owned());
    }
    refused
}

#[test]
fn notifications_sent_exactly_when_valid() {
    let env = env();
    runner()
        .run(&notification(), |n| {
            let refused = refused_notification(&n);
            if let Some(seen) = env.check(&refused, env.client.notifications().create(&n))? {
                let body: Value = serde_json::from_slice(&seen.body).unwrap();
                prop_assert_eq!(&body["body"], &Value::String(n.body.clone()));
                prop_assert_eq!(&seen.path, "/api/v1/projects/123/notifications");
            }
            Ok(())
        })
        .unwrap();
}

fn page() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![Just(None), Just(Some(0)), any::<u32>().prop_map(Some)]
}

/// Decodes `k=v&k=v` as a form (`+` is a space).
fn decode_query(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8()
            .unwrap()
            .into_owned()
    };
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (decode(k), decode(v))
        })
        .collect()
}

/// Any query: refused fields named, and a valid one reaches the server as exactly its pairs
/// in order, whatever characters the uids and tags hold (`&`, `=`, `+`, `#`, Unicode).
#[test]
fn subscription_queries_round_trip() {
    let env = env();
    let query = (page(), page(), vec(text(), 0..3), vec(text(), 0..3)).prop_map(
        |(page, per_page, uids, tags)| SubscriptionQuery {
            page,
            per_page,
            uids,
            tags,
        },
    );
    runner()
        .run(&query, |q| {
            let mut refused = HashSet::new();
            for (name, value) in [("page", q.page), ("per_page", q.per_page)] {
                if value == Some(0) {
                    refused.insert(name.to_owned());
                }
            }
            if let Some(seen) = env.check(&refused, env.client.subscriptions().all(&q))? {
                let mut want = Vec::new();
                want.extend(q.page.map(|p| ("page".to_owned(), p.to_string())));
                want.extend(q.per_page.map(|p| ("per_page".to_owned(), p.to_string())));
                want.extend(q.uids.iter().map(|u| ("uids[]".to_owned(), u.clone())));
                want.extend(q.tags.iter().map(|t| ("tags[]".to_owned(), t.clone())));
                let (path, query) = (seen.path.as_str(), seen.query.as_str());
                prop_assert_eq!(path, "/api/v1/projects/123/subscriptions");
                let got = if query.is_empty() {
                    Vec::new()
                } else {
                    decode_query(query)
                };
                prop_assert_eq!(got, want);
            }
            Ok(())
        })
        .unwrap();
}

/// Ids and project ids, 0 and `u64::MAX` included: each is its path segment, in decimal.
#[test]
fn ids_and_project_ids() {
    let env = env();
    let id = || prop_oneof![Just(0u64), Just(u64::MAX), any::<u64>()];
    runner()
        .run(&(id(), id()), |(project, id)| {
            let none = HashSet::new();
            let notifications = env.client.notifications().in_project(project);
            if let Some(seen) = env.check(&none, notifications.all(&NotificationQuery::new()))? {
                prop_assert_eq!(
                    seen.path,
                    format!("/api/v1/projects/{project}/notifications")
                );
            }
            if let Some(seen) = env.check(&none, env.client.notifications().get(id))? {
                prop_assert_eq!(seen.path, format!("/api/v1/notifications/{id}"));
            }
            Ok(())
        })
        .unwrap();
}

/// Projects (sender id, name, website, TTL up to 28 days), project updates and senders.
#[test]
fn projects_and_senders() {
    let env = env();
    let ttl = prop_oneof![
        Just(2_419_200u32),
        Just(2_419_201u32),
        0..100u32,
        any::<u32>()
    ];
    let input = (
        prop_oneof![Just(0u64), any::<u64>()],
        text(),
        text(),
        option::of(ttl),
        option::of(text()),
    );
    runner()
        .run(&input, |(sender_id, name, website, ttl, rename)| {
            let too_long = ttl.is_some_and(|t| t > 2_419_200);
            let mut project = NewProject::new(sender_id, name.clone(), website);
            project.defaults.notifications_ttl = ttl;
            let refused = refused_if(too_long, "notifications_ttl");
            env.check(&refused, env.client.projects().create(&project))?;

            let mut update = ProjectUpdate::new();
            update.name = rename;
            update.defaults.notifications_ttl = ttl;
            env.check(&refused, env.client.projects().update(7, &update))?;

            let none = HashSet::new();
            env.check(&none, env.client.senders().create(&NewSender::new(name)))?;
            Ok(())
        })
        .unwrap();
}

/// Subscription imports and updates: endpoint, uid and tags.
#[test]
fn subscriptions_create_and_update() {
    let env = env();
    let input = (
        text(),
        option::of(vec(text(), 0..3)),
        option::of(option::of(text())),
    );
    runner()
        .run(&input, |(endpoint, tags, uid)| {
            // Pushpad documents no rule on these: every one is sent.
            let none = HashSet::new();
            let mut new = NewSubscription::new(endpoint);
            new.tags = tags.clone();
            env.check(&none, env.client.subscriptions().create(&new))?;

            let update = SubscriptionUpdate { uid, tags };
            env.check(&none, env.client.subscriptions().update(5, &update))?;
            Ok(())
        })
        .unwrap();
}

/// Arbitrary JSON values, nested.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec((any::<String>(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// `parse_error` on any status and any body (raw bytes past the 8 KiB cut, or JSON with
/// `errors`/`error`/`message` of any shape): no panic, the status kept, the body bounded.
///
/// Found here: `ApiError::body` of a body that is not UTF-8 can exceed `ApiError::MAX_BODY`
/// (up to three times it), because the lossy decoding happens after the cut (push-core).
#[test]
fn error_bodies_never_panic() {
    let body = prop_oneof![
        vec(any::<u8>(), 0..10_000),
        json().prop_map(|v| v.to_string().into_bytes()),
        (
            prop::sample::select(vec!["errors", "error", "message", "error_description"]),
            json()
        )
            .prop_map(|(k, v)| serde_json::json!({ k: v }).to_string().into_bytes()),
    ];
    runner()
        .run(&(any::<u16>(), body), |(status, body)| {
            let err: ApiError = parse_error(status, &body);
            prop_assert_eq!(err.status, status);
            // The cut is made on the raw bytes; each invalid byte before it then becomes a
            // 3-byte U+FFFD, so only text bodies keep the documented bound.
            prop_assert!(err.body.len() <= 3 * ApiError::MAX_BODY);
            if std::str::from_utf8(&body).is_ok() {
                prop_assert!(err.body.len() <= ApiError::MAX_BODY);
            }
            let shown = Error::from(err).to_string();
            let prefix = format!("the service answered HTTP {status}");
            prop_assert!(shown.starts_with(&prefix));
            Ok(())
        })
        .unwrap();
}

/// `signature_for` any uid: 64 lowercase hex digits, the same each time, different for
/// different uids.
#[test]
fn signatures_for_any_uid() {
    let client = Client::new(TOKEN, 1).unwrap();
    runner()
        .run(&(any::<String>(), any::<String>()), |(a, b)| {
            let sig = client.signature_for(&a);
            prop_assert_eq!(sig.len(), 64);
            prop_assert!(sig.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
            prop_assert_eq!(&sig, &client.signature_for(&a));
            prop_assert_eq!(a == b, sig == client.signature_for(&b));
            Ok(())
        })
        .unwrap();
}
