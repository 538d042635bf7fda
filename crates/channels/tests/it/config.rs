//! Configuration: builder checks, `from_url`, the environment.

use push_channels::{Client, ClientBuilder, MasterKey};

fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[test]
fn hosts_from_cluster_host_port_and_scheme() {
    let base = |b: ClientBuilder| b.build().unwrap().base_url().to_owned();
    assert_eq!(
        base(Client::builder("1", "k", "s")),
        "https://api-mt1.pusher.com"
    );
    assert_eq!(
        base(Client::builder("1", "k", "s").cluster("eu")),
        "https://api-eu.pusher.com"
    );
    assert_eq!(
        base(
            Client::builder("1", "k", "s")
                .cluster("eu")
                .host("ws.example.com")
                .port(8443)
        ),
        "https://ws.example.com:8443"
    );
    assert_eq!(
        base(Client::builder("1", "k", "s").base_url("http://127.0.0.1:6001/")),
        "http://127.0.0.1:6001"
    );
}

#[test]
fn from_url_keeps_the_port() {
    let c = Client::from_url("https://key:secret@api-eu.pusher.com/apps/4321").unwrap();
    assert_eq!(
        (c.base_url(), c.app_id(), c.key()),
        ("https://api-eu.pusher.com", "4321", "key")
    );
    let c = Client::from_url("http://key:secret@127.0.0.1:6001/apps/1/").unwrap();
    assert_eq!(c.base_url(), "http://127.0.0.1:6001");
    let c = Client::from_url("https://k:s%2Fx@[::1]:8080/apps/9").unwrap();
    assert_eq!(c.base_url(), "https://[::1]:8080");
    // The secret is used for signing, never printed.
    assert!(!format!("{c:?}").contains("s/x"));
}

#[test]
fn from_url_refuses_malformed_urls() {
    for bad in [
        "",
        "api.pusher.com/apps/1",
        "ftp://k:s@host/apps/1",
        "https://host/apps/1",
        "https://k@host/apps/1",
        "https://:s@host/apps/1",
        "https://k:s@/apps/1",
        "https://k:s@host:0/apps/1",
        "https://k:s@host:99999/apps/1",
        "https://k:s@host:port/apps/1",
        "https://k:s@host/apps",
        "https://k:s@host/apps/1/extra",
        "https://k:s@host/channels/1",
        "https://k:s@[::1/apps/1",
    ] {
        let err = Client::from_url(bad).unwrap_err();
        assert!(
            matches!(err, push_channels::Error::Config { .. }),
            "{bad}: {err:?}"
        );
    }
}

#[test]
fn the_environment() {
    let c = ClientBuilder::from_vars(vars(&[("PUSHER_URL", "https://k:s@h:1234/apps/7")]))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!((c.base_url(), c.app_id()), ("https://h:1234", "7"));
    let c = ClientBuilder::from_vars(vars(&[
        ("PUSHER_APP_ID", "8"),
        ("PUSHER_KEY", "k"),
        ("PUSHER_SECRET", "s"),
        ("PUSHER_CLUSTER", "ap2"),
        (
            "PUSHER_ENCRYPTION_MASTER_KEY_BASE64",
            crate::common::MASTER_KEY_B64,
        ),
    ]))
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(c.base_url(), "https://api-ap2.pusher.com");
    assert!(c.channel_shared_secret("private-encrypted-x").is_ok());
    let err =
        ClientBuilder::from_vars(vars(&[("PUSHER_APP_ID", "8"), ("PUSHER_KEY", "k")])).unwrap_err();
    assert!(err.to_string().contains("PUSHER_SECRET"), "{err}");
    let err = ClientBuilder::from_vars(vars(&[("PUSHER_URL", "nonsense")])).unwrap_err();
    assert!(err.to_string().contains("PUSHER_URL"), "{err}");
}

/// What `build()` refuses is `Config` (the error rule), naming the setting.
#[test]
fn builder_checks() {
    for (builder, named) in [
        (Client::builder("", "k", "s"), "app id"),
        (Client::builder("1/2", "k", "s"), "app id"),
        (Client::builder("1", "", "s"), "app key"),
        (Client::builder("1", "k:x", "s"), "app key"),
        (Client::builder("1", "k", ""), "app secret"),
        (
            Client::builder("1", "k", "s").encryption_master_key_base64("c2hvcnQ="),
            "master key",
        ),
        (
            Client::builder("1", "k", "s").encryption_master_key_base64("***"),
            "master key",
        ),
        (Client::builder("1", "k", "s").scheme("ftp"), "scheme"),
        (Client::builder("1", "k", "s").cluster("eu/x"), "cluster"),
        (Client::builder("1", "k", "s").host("a b"), "host"),
        (
            Client::builder("1", "k", "s").base_url("http://127.0.0.1:1/prefix"),
            "base URL",
        ),
        (
            Client::builder("1", "k", "s").base_url("https://user:pw@host"),
            "base URL",
        ),
        (
            Client::builder("1", "k", "s").base_url("127.0.0.1:1"),
            "base URL",
        ),
    ] {
        match builder.build() {
            Err(push_channels::Error::Config { reason }) => {
                assert!(reason.contains(named), "{named}: {reason}");
                assert!(!reason.contains("pw@"), "{reason}");
            }
            other => panic!("{named}: {other:?}"),
        }
    }
    assert!(MasterKey::from_slice(&[0; 31]).is_err());
}

/// A base URL overrides the cluster, host, port and scheme, as every provider's builder does.
#[test]
fn base_url_overrides_the_parts() {
    let client = Client::builder("1", "k", "s")
        .cluster("eu")
        .host("elsewhere")
        .port(1)
        .base_url("http://127.0.0.1:6001/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:6001");
}

#[test]
fn secrets_never_show_in_debug_output() {
    let key = MasterKey::from_bytes([0xAB; 32]);
    let builder = Client::builder("1", "public-key", "the-app-secret").encryption_master_key(key);
    let client = builder.clone().build().unwrap();
    let auth = client
        .authorize_channel("1.2", "private-encrypted-x", None)
        .unwrap();
    let printed = format!("{builder:?} {client:?}");
    assert!(!printed.contains("the-app-secret"), "{printed}");
    assert!(!printed.to_lowercase().contains("abab"), "{printed}");
    assert!(
        !printed.contains(auth.shared_secret.as_deref().unwrap()),
        "{printed}"
    );
    assert!(printed.contains("public-key"));
}
