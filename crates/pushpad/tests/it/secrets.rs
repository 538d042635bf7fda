//! Secret hygiene: the whole public surface is run with every `tracing` event of the test
//! thread captured (TRACE and up, spans and their fields included, by an fmt layer; the
//! runtime is single-threaded so the HTTP client's events are on that thread too), and every value and error is
//! printed with `{:?}`, `{:#?}` and `{}`. No auth token, bearer header, uid signature, proxy
//! password or VAPID private key may appear anywhere in that text.
//!
//! Not captured: records reqwest sends through the `log` crate (connection set-up; they carry
//! no headers).

use std::time::Duration;

use futures_util::StreamExt;
use push_pushpad::{
    Action, Client, NewNotification, NewProject, NewSender, NewSubscription, NotificationQuery,
    ProjectUpdate, SenderUpdate, Sleeper, SubscriptionQuery, SubscriptionUpdate, parse_error,
};
use push_test_support::secrets::{
    assert_base_url_secrets_hidden, assert_none_leaked, capture_with_runtime, quick_retries,
};
use push_test_support::show;

use crate::common::{TOKEN, builder_at};
use crate::faults::{Act, Seen, Server, answer, answer_with};

const PROXY_PASSWORD: &str = "proxy-pass-4f9c2e";
const VAPID_PRIVATE: &str =
    "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPzQ7r9Qm3vXh2kL\n-----END EC PRIVATE KEY-----\n";

fn sender_json(id: &str) -> String {
    serde_json::json!({
        "id": id.parse::<u64>().unwrap_or(1),
        "name": "s",
        "vapid_private_key": VAPID_PRIVATE,
        "vapid_public_key": "BPublic",
        "created_at": "2024-01-01T00:00:00Z",
    })
    .to_string()
}

/// A Pushpad stand-in; words in the notification body choose a failure.
fn respond(_: usize, seen: &Seen) -> Act {
    let body = String::from_utf8_lossy(&seen.body);
    let (path, query) = seen.path.split_once('?').unwrap_or((&seen.path, ""));
    let last = path.rsplit('/').next().unwrap_or_default();
    match (seen.method.as_str(), path) {
        ("POST", p) if p.ends_with("/notifications") => {
            if body.contains("unauthorized") {
                answer(401, r#"{"error":"Unauthorized"}"#)
            } else if body.contains("busy") {
                answer_with(503, &[("Retry-After", "0")], "")
            } else if body.contains("broken") {
                answer(500, "Internal Server Error")
            } else if body.contains("garbled") {
                answer(201, "<html>not json</html>")
            } else if body.contains("silent") {
                Act::Silent
            } else {
                answer(201, r#"{"id":9,"scheduled":2}"#)
            }
        }
        ("GET", p) if p.ends_with("/notifications") => {
            if query.contains("page=1") {
                answer(200, r#"[{"id":1,"body":"b"}]"#)
            } else {
                answer(200, "[]")
            }
        }
        ("GET", "/api/v1/notifications/500") => answer(500, ""),
        ("GET", p) if p.starts_with("/api/v1/notifications/") => {
            answer(200, &format!(r#"{{"id":{last}}}"#))
        }
        ("HEAD", _) => answer_with(200, &[("X-Total-Count", "3")], ""),
        ("GET", p) if p.ends_with("/subscriptions") || p.ends_with("/projects") => {
            answer(200, r#"[{"id":1}]"#)
        }
        ("GET", "/api/v1/senders") => answer(200, &format!("[{}]", sender_json("1"))),
        ("GET", p) if p.starts_with("/api/v1/senders/") => answer(200, &sender_json(last)),
        ("POST", "/api/v1/senders") => answer(201, &sender_json("2")),
        ("POST", _) => answer(201, r#"{"id":1}"#),
        ("DELETE", p) if p.starts_with("/api/v1/projects/") => answer(202, ""),
        ("DELETE", _) => answer(204, ""),
        _ => answer(200, r#"{"id":1}"#),
    }
}

/// Pushes the Debug of a result, and the Display of its error.
macro_rules! outcome {
    ($out:expr, $($r:expr),+ $(,)?) => {{
        $(
            let r = $r;
            $out.push(format!("{r:?}"));
            $out.push(format!("{r:#?}"));
            if let Err(e) = &r {
                $out.push(format!("{e}"));
            }
        )+
    }};
}

#[test]
fn no_secret_in_any_output() {
    let (capture, rt) = capture_with_runtime();
    let mut shown: Vec<String> = Vec::new();
    let server = rt.block_on(Server::start(respond));
    let proxy = format!("http://pushpad-user:{PROXY_PASSWORD}@127.0.0.1:9");

    // Builders, clients and their errors.
    let policy = quick_retries();
    let builder = || {
        builder_at(&server.uri())
            .timeout(Duration::from_millis(300))
            .retry_policy(policy.clone())
            .sleeper(Sleeper::tokio())
    };
    show!(shown, debug: builder(), builder().proxy(proxy.as_str()), policy);
    let client = builder().build().unwrap();
    let proxied = builder().proxy(proxy.as_str()).build().unwrap();
    show!(shown, debug: client, proxied, client.notifications(), client.subscriptions());
    show!(shown, debug: client.projects(), client.senders());
    for bad in [
        Client::new("", 1),
        Client::new("  ", 1),
        Client::builder(TOKEN).base_url("https://u:p@h/x?q").build(),
        Client::builder(TOKEN).base_url("not a url").build(),
        Client::builder(TOKEN).proxy("::not a proxy::").build(),
    ] {
        show!(shown, both: bad.unwrap_err());
    }
    let signature = client.signature_for("user-1");

    rt.block_on(async {
        // Notifications: success, API errors, retries, timeout, decode and input errors.
        let notifications = client.notifications();
        for body in [
            "hello",
            "unauthorized",
            "busy",
            "broken",
            "garbled",
            "silent",
            " ",
        ] {
            let n = NewNotification::new(body)
                .title("T")
                .actions([Action::new("Open").action("open_it")])
                .uids(["user-1"])
                .tags(["a && !b"]);
            show!(shown, debug: n);
            outcome!(shown, notifications.create(&n).await);
        }
        outcome!(
            shown,
            notifications.get(42).await,
            notifications.get(500).await,
            notifications.get(0).await,
            notifications.cancel(42).await,
            notifications.all(&NotificationQuery::new()).await,
        );
        let streamed: Vec<_> = notifications
            .stream(NotificationQuery::new())
            .collect()
            .await;
        show!(shown, debug: streamed);
        outcome!(
            shown,
            proxied.notifications().get(1).await,
            proxied
                .notifications()
                .create(&NewNotification::new("x"))
                .await,
        );

        // Subscriptions, projects and senders.
        let q = SubscriptionQuery::new()
            .uids(["user-1"])
            .tags(["t"])
            .per_page(5);
        let subs = client.subscriptions();
        let new_sub = NewSubscription::new("https://push.example/abc")
            .p256dh("BKey")
            .auth("authsecret")
            .uid("user-1");
        let update = SubscriptionUpdate::new().uid("user-2").tags(["x"]);
        show!(shown, debug: q, new_sub, update);
        outcome!(
            shown,
            subs.count(&q).await,
            subs.all(&q).await,
            subs.create(&new_sub).await,
            subs.get(1).await,
            subs.update(1, &update).await,
            subs.delete(1).await,
        );
        let (projects, senders) = (client.projects(), client.senders());
        let project = NewProject::new(1, "P", "https://example.com");
        let project_update = ProjectUpdate::new().name("Q");
        let sender = NewSender::new("S").vapid_keys(VAPID_PRIVATE, "BPublic");
        let sender_update = SenderUpdate::new().name("T");
        show!(shown, debug: project, project_update, sender, sender_update);
        outcome!(
            shown,
            projects.all().await,
            projects.create(&project).await,
            projects.get(1).await,
            projects.update(1, &project_update).await,
            projects.delete(1).await,
            senders.all().await,
            senders.create(&sender).await,
            senders.get(3).await,
            senders.update(3, &sender_update).await,
            senders.delete(3).await,
        );
    });
    show!(shown, both: parse_error(401, br#"{"error":"Unauthorized"}"#));

    drop(server);
    let secrets = [
        ("auth token", TOKEN.to_owned()),
        ("bearer header", format!("Bearer {TOKEN}")),
        ("uid signature", signature),
        ("proxy password", PROXY_PASSWORD.to_owned()),
        ("VAPID private key", "MHcCAQEEIPzQ7r9Qm3vXh2kL".to_owned()),
    ];
    assert_none_leaked(capture.text(), shown, &secrets);
}

/// A base URL with user info, a query or a fragment: refused at build, and neither the error
/// nor the builder's `Debug` shows the password, the query or the user info; a base URL that
/// builds shows in the client's `Debug` without them too.
#[test]
fn base_url_user_info_and_query_are_never_shown() {
    let builder = |url: &str| Client::builder(TOKEN).project_id(1).base_url(url);
    assert_base_url_secrets_hidden(builder, push_pushpad::ClientBuilder::build);
    let client = builder("https://host:8443/api/v1/").build().unwrap();
    let shown = format!("{client:?}");
    assert!(shown.contains("https://host:8443/api/v1"), "{shown}");
}
