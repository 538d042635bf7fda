//! Property tests: every validator and parser against an independent oracle, on arbitrary
//! input; none may panic.

use proptest::prelude::*;
use push_channels::validate;
use push_channels::{Client, MasterKey, event_data};

use crate::common::{KEY, SECRET};

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_=@,.;".contains(c)
}

/// The documented rule, written independently of the crate's code: 1 to 164 characters of
/// the channel-name alphabet.
fn valid_name(s: &str) -> bool {
    (1..=164).contains(&s.chars().count()) && s.chars().all(name_char)
}

fn valid_socket_id(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// One client for all cases: building one sets up an HTTP client and TLS roots, which is
/// far slower than anything checked here.
fn client() -> &'static Client {
    static CLIENT: std::sync::OnceLock<Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::builder("1", KEY, SECRET)
            .encryption_master_key(MasterKey::from_bytes([1; 32]))
            .build()
            .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn channel_names_follow_the_rule(s in "\\PC{0,210}|[-a-zA-Z0-9_=@,.;]{0,205}|#server-to-user-[a-z]{0,5}") {
        let accepted = validate::channel_name(&s).is_ok();
        prop_assert_eq!(accepted, valid_name(&s), "{:?}", s);
        // A user id is any non-empty text: never the channel-name rule.
        prop_assert_eq!(validate::user_id(&s).is_ok(), !s.is_empty());
    }

    #[test]
    fn socket_ids_follow_the_rule(s in "\\PC{0,12}|[0-9]{0,6}\\.?[0-9]{0,6}|[0-9.]{0,8}") {
        prop_assert_eq!(validate::socket_id(&s).is_ok(), valid_socket_id(&s), "{:?}", s);
    }

    #[test]
    fn event_names_are_1_to_255_bytes(s in "\\PC{0,120}|[a-z]{250,260}") {
        prop_assert_eq!(validate::event_name(&s).is_ok(), (1..=255).contains(&s.len()));
    }

    #[test]
    fn string_data_is_never_reencoded(s in "\\PC{0,300}") {
        let sent = event_data(s.as_str()).unwrap();
        prop_assert_eq!(sent.as_str(), s.as_str());
        prop_assert_eq!(event_data(&serde_json::Value::String(s.clone())).unwrap(), s);
    }

    #[test]
    fn other_data_is_compact_json(n in any::<i64>(), b in any::<bool>(), s in "\\PC{0,40}") {
        let value = serde_json::json!({"n": n, "b": b, "s": s, "list": [n, n]});
        prop_assert_eq!(event_data(&value).unwrap(), serde_json::to_string(&value).unwrap());
    }

    #[test]
    fn encryption_round_trips_and_binds_the_channel(
        data in proptest::collection::vec(any::<u8>(), 0..512),
        nonce in proptest::array::uniform24(any::<u8>()),
        suffix in "[a-z0-9]{1,20}",
    ) {
        let key = MasterKey::from_bytes([7; 32]);
        let channel = format!("private-encrypted-{suffix}");
        let sealed = key.encrypt(&channel, &data, nonce).unwrap();
        prop_assert_eq!(key.decrypt(&channel, &sealed).unwrap(), data);
        let other = format!("{channel}x");
        prop_assert!(key.decrypt(&other, &sealed).is_err());
    }

    #[test]
    fn decrypt_never_panics(text in "\\PC{0,200}", channel in "\\PC{0,30}") {
        let _ = MasterKey::from_bytes([7; 32]).decrypt(&channel, &text);
    }

    #[test]
    fn from_url_never_panics(url in "\\PC{0,80}") {
        let _ = Client::from_url(&url);
    }

    #[test]
    fn webhooks_never_panic(
        key in "\\PC{0,30}",
        signature in "\\PC{0,70}",
        body in proptest::collection::vec(any::<u8>(), 0..300),
        content_type in "\\PC{0,40}",
    ) {
        let c = client();
        prop_assert!(c.validate_webhook(&key, &signature, &body).is_err());
        prop_assert!(c.validate_webhook_with_content_type(&content_type, &key, &signature, &body).is_err());
    }

    #[test]
    fn a_signed_webhook_is_accepted_exactly_when_it_is_a_webhook(
        body in proptest::collection::vec(any::<u8>(), 0..200),
        time_ms in any::<u64>(),
        flip in any::<prop::sample::Index>(),
    ) {
        let c = client();
        let sig = push_core::hmac_sha256_hex(SECRET.as_bytes(), &body);
        let parses = serde_json::from_slice::<push_channels::Webhook>(&body).is_ok();
        prop_assert_eq!(c.validate_webhook(KEY, &sig, &body).is_ok(), parses);

        let good = format!(r#"{{"time_ms":{time_ms},"events":[]}}"#).into_bytes();
        let sig = push_core::hmac_sha256_hex(SECRET.as_bytes(), &good);
        prop_assert!(c.validate_webhook(KEY, &sig, &good).is_ok());
        let mut tampered = good;
        let i = flip.index(tampered.len());
        tampered[i] ^= 0x01;
        prop_assert!(c.validate_webhook(KEY, &sig, &tampered).is_err());
    }

    #[test]
    fn authorization_never_panics(socket in "\\PC{0,20}", channel in "\\PC{0,40}", user in "\\PC{0,20}") {
        let c = client();
        let member = push_channels::PresenceMember::new(user.clone());
        let _ = c.authorize_channel(&socket, &channel, None);
        let _ = c.authorize_channel(&socket, &channel, Some(&member));
        let _ = c.authenticate_user(&socket, &push_channels::UserData::new(user));
    }

    #[test]
    fn retry_after_never_panics(value in "\\PC{0,40}") {
        let _ = push_core::parse_retry_after(&value, std::time::SystemTime::now());
    }
}

proptest! {
    // Each case builds a client (an HTTP client and TLS roots): fewer cases.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn from_url_reads_what_it_is_given(
        key in "[a-zA-Z0-9]{1,20}",
        secret in "[a-zA-Z0-9]{1,20}",
        host in "[a-z][a-z0-9-]{0,12}(\\.[a-z]{2,6}){0,2}",
        port in proptest::option::of(1u16..),
        app in "[0-9]{1,9}",
        https in any::<bool>(),
    ) {
        let scheme = if https { "https" } else { "http" };
        let authority = match port { Some(p) => format!("{host}:{p}"), None => host };
        let client = Client::from_url(&format!("{scheme}://{key}:{secret}@{authority}/apps/{app}")).unwrap();
        prop_assert_eq!(client.base_url(), format!("{scheme}://{authority}"));
        prop_assert_eq!(client.app_id(), app.as_str());
        prop_assert_eq!(client.key(), key.as_str());
    }
}
