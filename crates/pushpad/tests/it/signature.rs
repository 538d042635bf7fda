use push_pushpad::Client;
use serde_json::Value;

#[test]
fn signature_for_matches_sdk_vectors() {
    for file in [
        include_str!("../data/python_pushpad.json"),
        include_str!("../data/node_pushpad.json"),
    ] {
        let cases: Vec<Value> = serde_json::from_str(file).unwrap();
        let case = cases
            .iter()
            .find(|c| c["case"] == "pushpad.signature_for")
            .unwrap();
        let client = Client::new(super::common::TOKEN, 123).unwrap();
        let uid = case["input"]["data"].as_str().unwrap();
        assert_eq!(client.signature_for(uid), case["output"].as_str().unwrap());
    }
}

#[test]
fn signature_for_reference_table() {
    // (token, uid, hex) from the reference notes (official SDK test suites).
    let table = [
        (
            super::common::TOKEN,
            "user12345",
            "6627820dab00a1971f2a6d3ff16a5ad8ba4048a02b2d402820afc61aefd0b69f",
        ),
        (
            "abc123",
            "myuid1",
            "d213a2f146dd9aae9cb935b5233d42fecc9414e2b0e98896af7a43e7fce3ef31",
        ),
        (
            super::common::TOKEN,
            "user1",
            "3a38d674b59bba18982f5764173a8d3b1079d9ba46e4e24cfb2c41d09579c028",
        ),
        (
            super::common::TOKEN,
            "",
            "eee4c058eabf8efd135a9411a161b80c5882568364481d2398b4ae317752f333",
        ),
        (
            super::common::TOKEN,
            "héllo wörld",
            "1757752e65a3ccedade32ab660695e1a794e5744d5e9c20081d3ec6fcd11930e",
        ),
    ];
    for (token, uid, want) in table {
        let client = Client::builder(token).build().unwrap();
        assert_eq!(client.signature_for(uid), want, "{token} {uid}");
    }
}

#[test]
fn debug_never_shows_the_token() {
    let client = Client::new(super::common::TOKEN, 123).unwrap();
    let builder = Client::builder(super::common::TOKEN);
    assert!(!format!("{client:?}").contains(super::common::TOKEN));
    assert!(!format!("{builder:?}").contains(super::common::TOKEN));
}

/// `from_env` is checked in a child process (this same test binary) so the parent never
/// mutates its own environment.
#[test]
fn from_env_reads_both_variables() {
    let exe = std::env::current_exe().unwrap();
    let run = |token: Option<&str>, project: Option<&str>| {
        let mut cmd = std::process::Command::new(&exe);
        cmd.args(["signature::from_env_child", "--exact", "--nocapture"])
            .env("PUSHPAD_FROM_ENV_CHILD", "1")
            .env_remove("PUSHPAD_AUTH_TOKEN")
            .env_remove("PUSHPAD_PROJECT_ID");
        if let Some(t) = token {
            cmd.env("PUSHPAD_AUTH_TOKEN", t);
        }
        if let Some(p) = project {
            cmd.env("PUSHPAD_PROJECT_ID", p);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    assert!(
        run(Some(super::common::TOKEN), Some("123"))
            .contains("CHILD project=Some(123) sig=6627820d")
    );
    assert!(run(Some(super::common::TOKEN), None).contains("CHILD project=None"));
    assert!(run(None, Some("123")).contains("CHILD error=config"));
    assert!(run(Some(super::common::TOKEN), Some("abc")).contains("CHILD error=config"));
}

#[test]
fn from_env_child() {
    if std::env::var("PUSHPAD_FROM_ENV_CHILD").is_err() {
        return;
    }
    match Client::from_env() {
        Ok(c) => println!(
            "CHILD project={:?} sig={}",
            c.project_id(),
            c.signature_for("user12345")
        ),
        Err(push_pushpad::Error::Config { .. }) => println!("CHILD error=config"),
        Err(e) => println!("CHILD error=other {e}"),
    }
}
