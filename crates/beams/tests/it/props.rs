//! Property tests: every validator and parser takes arbitrary input without panicking, accepts
//! exactly what the rules allow, names the field it refuses, and sends nothing when it refuses.
//!
//! Requests go to the local server of `faults.rs`, which counts them: a refused input must
//! leave the count unchanged, an accepted one must add one request.

use std::collections::HashSet;

use hmac::{Hmac, Mac};
use percent_encoding::percent_decode_str;
use proptest::collection::vec;
use proptest::prelude::*;
use push_beams::{Client, Error, RetryPolicy, validate_webhook};
use push_test_support::props::{refused_if, runner};
use sha1::Sha1;

use crate::faults::answer;
use crate::wire::sample;
use crate::{INSTANCE, KEY};

type Env = push_test_support::props::Env<Client>;

/// A local server that accepts every publish and deletion, and a client pointed at it.
fn env() -> Env {
    Env::new(
        |_, _| answer(200, r#"{"publishId":"pubid-prop"}"#),
        |uri| {
            Client::builder(INSTANCE, KEY)
                .base_url(uri)
                .retry_policy(RetryPolicy::none())
                .build()
                .unwrap()
        },
    )
}

fn interest_ok(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 164
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-=@,.;".contains(c))
}

fn user_ok(s: &str) -> bool {
    !s.is_empty() && s.chars().count() <= 164
}

/// Valid interest names, names one character too long, valid names with one foreign
/// character, and arbitrary Unicode (control characters, emoji, empty).
fn interest_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_=@,.;-]{1,164}",
        "[A-Za-z0-9_=@,.;-]{165,200}",
        ("[a-z0-9]{0,20}", any::<char>(), "[a-z0-9]{0,20}")
            .prop_map(|(a, c, b)| format!("{a}{c}{b}")),
        any::<String>(),
        Just(String::new()),
    ]
}

/// User ids around the length limit, and arbitrary Unicode (`/`, `?`, `#`, `%`, spaces...).
fn user_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{1,164}",
        "[a-z]{160,170}",
        "[é😀]{160,170}",
        "[/?#% a-z.]{1,20}",
        prop::sample::select(vec![".", "..", "...", "./", "%2e", ".%2E"]).prop_map(str::to_owned),
        any::<String>(),
        Just(String::new()),
    ]
}

/// The fields a list validator refuses: the list itself (empty or more than `max`), each bad
/// item, and with `unique` each repeated one.
fn refused_list(
    name: &str,
    items: &[String],
    max: usize,
    unique: bool,
    ok: fn(&str) -> bool,
) -> HashSet<String> {
    let mut refused = HashSet::new();
    if items.is_empty() || items.len() > max {
        refused.insert(name.to_owned());
    }
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        if !ok(item) || (!seen.insert(item.as_str()) && unique) {
            refused.insert(format!("{name}[{i}]"));
        }
    }
    refused
}

/// Where a publish goes.
#[derive(Clone, Copy)]
enum To {
    Interests,
    Users,
}

/// Publishes to `items` and checks the outcome ([`Env::check`]) against the fields Beams'
/// rules refuse in such a list.
fn publish(env: &Env, to: To, items: &[String]) -> Result<(), TestCaseError> {
    let refused = match to {
        // Beams documents no refusal of a repeated interest in one publish.
        To::Interests => refused_list("interests", items, 100, false, interest_ok),
        To::Users => refused_list("users", items, 1000, true, user_ok),
    };
    let call = async {
        match to {
            To::Interests => env.client.publish_to_interests(items, &sample()).await,
            To::Users => env.client.publish_to_users(items, &sample()).await,
        }
    };
    env.check(&refused, call).map(drop)
}

/// Runs [`publish`] on every list `lists` generates.
fn publish_each(to: To, lists: impl Strategy<Value = Vec<String>>) {
    let env = env();
    runner()
        .run(&lists, |items| publish(&env, to, &items))
        .unwrap();
}

/// A single interest is refused as `interests[0]` exactly when it breaks the rule.
#[test]
fn one_interest_accepted_exactly_when_valid() {
    publish_each(To::Interests, interest_like().prop_map(|s| vec![s]));
}

/// Short lists with repeats drawn from a small pool, and lists around the 100 limit.
#[test]
fn interest_lists_refuse_the_right_field() {
    publish_each(
        To::Interests,
        prop_oneof![
            vec(prop_oneof!["[ab]{1,2}", interest_like()], 0..6),
            vec("[a-z]{1,8}", 95..106),
        ],
    );
}

#[test]
fn user_lists_refuse_the_right_field() {
    publish_each(To::Users, vec(prop_oneof!["[ab]{1,2}", user_like()], 0..6));
}

#[test]
fn tokens_only_for_valid_user_ids() {
    let env = env();
    runner()
        .run(&user_like(), |id| {
            match env.client.generate_token(&id) {
                Ok(token) => {
                    prop_assert!(user_ok(&id));
                    prop_assert_eq!(token.token.split('.').count(), 3);
                }
                Err(Error::InvalidInput { field, .. }) => {
                    prop_assert!(!user_ok(&id));
                    prop_assert_eq!(field.as_ref(), "user_id");
                }
                Err(other) => prop_assert!(false, "unexpected error {other:?}"),
            }
            Ok(())
        })
        .unwrap();
}

/// A user id becomes exactly one path segment: whatever it holds (`/`, `?`, `#`, `%`, `.`),
/// the server sees the instance's users path and decodes the segment back to the id. The ids
/// `.` and `..` are refused: URLs resolve them as dot segments (this property found
/// `delete_user("..")` sending `DELETE /customer_api/v1/instances/{id}/`).
#[test]
fn delete_user_puts_any_id_in_one_segment() {
    let env = env();
    let prefix = format!("/customer_api/v1/instances/{INSTANCE}/users/");
    runner()
        .run(&user_like(), |id| {
            let deletable = user_ok(&id) && id != "." && id != "..";
            let refused = refused_if(!deletable, "user_id");
            env.check(&refused, env.client.delete_user(&id))?;
            if deletable {
                let seen = env.server.seen();
                let last = seen.last().unwrap();
                prop_assert_eq!(&last.method, "DELETE");
                let target = last.target();
                let segment = target.strip_prefix(&prefix).unwrap_or("<other path>");
                prop_assert!(!segment.contains(['/', '?', '#']), "{}", target);
                let decoded = percent_decode_str(segment).decode_utf8().unwrap();
                prop_assert_eq!(decoded.as_ref(), id.as_str());
            }
            Ok(())
        })
        .unwrap();
}

fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Arbitrary secrets, signature headers and bodies: never a panic; a wrong signature is always
/// a webhook error, whatever the body.
#[test]
fn webhook_arbitrary_input_never_panics() {
    let header = prop_oneof![any::<String>(), "[0-9a-f]{0,80}", "[0-9A-F]{40}"];
    let input = (vec(any::<u8>(), 0..32), header, vec(any::<u8>(), 0..512));
    runner()
        .run(&input, |(secret, signature, body)| {
            let result = validate_webhook(&secret, &signature, &body);
            if signature.trim().to_ascii_lowercase() != sign(&secret, &body) {
                prop_assert!(
                    result.as_ref().is_err_and(Error::is_webhook),
                    "{signature:?}: {result:?}"
                );
            }
            Ok(())
        })
        .unwrap();
}

/// Correctly signed bodies, well-formed or not: the signature check passes (no webhook
/// error), any JSON shape is parsed or refused as a decode error; a one-character change to
/// the signature is refused.
#[test]
fn webhook_signed_bodies_pass_the_signature_check() {
    let json_like = prop_oneof![
        vec(any::<u8>(), 0..256),
        any::<String>().prop_map(String::into_bytes),
        (
            "[a-zA-Z0-9.]{0,40}",
            any::<String>(),
            prop::option::of("[a-z]{0,10}")
        )
            .prop_map(|(event_type, user, custom)| {
                let mut v = serde_json::json!({
                    "payload": {"instance_id": "i", "publish_id": "p", "user_id": user},
                    "metadata": {"event_type": event_type, "created_at": "2024-01-01T00:00:00Z"},
                });
                if let Some(c) = custom {
                    v["custom_data"] = serde_json::Value::String(c);
                }
                v.to_string().into_bytes()
            }),
    ];
    let input = (
        vec(any::<u8>(), 1..32),
        json_like,
        any::<prop::sample::Index>(),
    );
    runner()
        .run(&input, |(secret, body, at)| {
            let good = sign(&secret, &body);
            let result = validate_webhook(&secret, &good, &body);
            prop_assert!(
                !result.as_ref().is_err_and(Error::is_webhook),
                "signed body refused: {result:?}"
            );
            if let Err(e) = &result {
                prop_assert!(matches!(e, Error::Decode { .. }), "{e:?}");
            }
            let mut bad = good.into_bytes();
            let i = at.index(bad.len());
            bad[i] = if bad[i] == b'0' { b'1' } else { b'0' };
            let bad = String::from_utf8(bad).unwrap();
            let result = validate_webhook(&secret, &bad, &body);
            prop_assert!(result.is_err_and(|e| e.is_webhook()));
            Ok(())
        })
        .unwrap();
}
