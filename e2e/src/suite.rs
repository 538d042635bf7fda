//! The cases: `channels` on the server side, soketi in the middle, pusher-js on the client side.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::future::Future;
use std::time::{Duration, Instant};

use push_channels::{
    Attribute, BatchEvent, Client, IntoChannels, MasterKey, RetryPolicy, TriggerOptions, Webhook,
    WebhookEvent,
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::driver::Driver;
use crate::endpoint::{Delivery, Endpoint};
use crate::isolation::Isolation;
use crate::soketi::{APP_ID, APP_KEY, APP_SECRET, Soketi};

/// Which credentials the `channels` side uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// soketi's secret and one encryption master key everywhere: every case must pass.
    Correct,
    /// A secret soketi does not know, for triggers, queries, authorizations, sign-ins and
    /// webhook checks: every case must fail.
    WrongSecret,
    /// Triggers encrypted with another master key than the one the auth endpoint hands out:
    /// exactly the encrypted-channel case must fail.
    WrongEncryptionKey,
}

impl Scenario {
    fn label(self) -> &'static str {
        match self {
            Self::Correct => "e2e:",
            Self::WrongSecret => "e2e [wrong secret]:",
            Self::WrongEncryptionKey => "e2e [wrong encryption key]:",
        }
    }

    /// The cases that must fail; every other case must pass.
    fn must_fail(self) -> &'static [&'static str] {
        match self {
            Self::Correct => &[],
            Self::WrongSecret => &ALL_CASES,
            Self::WrongEncryptionKey => &[ENCRYPTED, FANOUT],
        }
    }

    /// How long a single expected message is waited for. A failing scenario fails fast on
    /// errors, but a dropped event is only noticed by waiting.
    fn wait(self) -> Duration {
        match self {
            Self::Correct => Duration::from_secs(10),
            // Every case fails here; soketi delivers in milliseconds what it accepts.
            Self::WrongSecret => Duration::from_secs(3),
            // Ten cases still pass here: leave them time on a loaded machine.
            Self::WrongEncryptionKey => Duration::from_secs(5),
        }
    }
}

const PUBLIC: &str = "public trigger received by every subscriber";
const MULTI: &str = "multi-channel trigger received on each channel";
const BATCH: &str = "trigger_batch received on all its channels";
const EXCLUSION: &str = "socket_id exclusion: the excluded connection does not receive";
const PRIVATE: &str = "private channel authorised by authorize_channel";
const PRESENCE: &str = "presence channel: members list and member_added";
const ENCRYPTED: &str = "private-encrypted: pusher-js decrypts our trigger to the exact data";
const SIGNIN: &str = "sign-in by authenticate_user, then send_to_user received";
const QUERIES: &str = "channels_info / channel_info / users_info reflect the live connections";
const TERMINATE: &str = "terminate_user_connections disconnects the user";
const WEBHOOKS: &str = "webhooks from soketi pass validate_webhook; tampered copies do not";
const CLIENT_EVENT: &str =
    "a pusher-js client event reaches us in soketi's client_event webhook, verified, data intact";
const FANOUT: &str = "trigger_chunked to 1 000 channels reaches a sample of subscribers, the encrypted one decrypted";

const ALL_CASES: [&str; 13] = [
    PUBLIC,
    MULTI,
    BATCH,
    EXCLUSION,
    PRIVATE,
    PRESENCE,
    ENCRYPTED,
    SIGNIN,
    QUERIES,
    TERMINATE,
    WEBHOOKS,
    CLIENT_EVENT,
    FANOUT,
];

/// No case may take longer than this, whatever it waits for.
const CASE_LIMIT: Duration = Duration::from_secs(30);

const MASTER_KEY: [u8; 32] = *b"push-e2e master key, 32 bytes!!!";
const OTHER_MASTER_KEY: [u8; 32] = *b"another master key of 32 bytes!!";
const WRONG_SECRET: &str = "0000000000not-the-secret";

/// Runs each scenario in turn on a fresh runtime; every case must meet its scenario's
/// expectation.
pub(crate) fn run_all(scenarios: &[Scenario], isolation: Isolation) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a tokio runtime: {e}"))?;
    let mut problems = Vec::new();
    for &scenario in scenarios {
        if let Err(problem) = runtime.block_on(run(scenario, isolation)) {
            problems.push(problem);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// One scenario: soketi, the endpoint, two pusher-js connections, every case in order.
async fn run(scenario: Scenario, isolation: Isolation) -> Result<(), String> {
    let started = Instant::now();
    let label = scenario.label();
    let wait = scenario.wait();
    let secret = match scenario {
        Scenario::WrongSecret => WRONG_SECRET,
        Scenario::Correct | Scenario::WrongEncryptionKey => APP_SECRET,
    };
    let trigger_key = match scenario {
        Scenario::WrongEncryptionKey => OTHER_MASTER_KEY,
        Scenario::Correct | Scenario::WrongSecret => MASTER_KEY,
    };
    // The application's auth endpoint only signs; it sends nothing, so it needs no port.
    let auth_client = Client::builder(APP_ID, APP_KEY, secret)
        .scheme("http")
        .host("127.0.0.1")
        .encryption_master_key(MasterKey::from_bytes(MASTER_KEY))
        .build()
        .context("the auth endpoint's client")?;
    let endpoint = Endpoint::start(auth_client).await?;
    let soketi = Soketi::start(&format!("{}/webhook", endpoint.url())).await?;
    let api = Client::builder(APP_ID, APP_KEY, secret)
        .scheme("http")
        .host("127.0.0.1")
        .port(soketi.port())
        .encryption_master_key(MasterKey::from_bytes(trigger_key))
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .build()
        .context("the API client")?;
    let a = Driver::connect("alice", "alice", soketi.port(), &endpoint.url(), wait).await?;
    let b = Driver::connect("bob", "bob", soketi.port(), &endpoint.url(), wait).await?;
    let where_ = match isolation {
        Isolation::Namespace => "loopback-only namespace",
        Isolation::PinnedConfig => "loopback-pinned config",
    };
    crate::say(&format!(
        "{label} soketi on 127.0.0.1:{} ({where_}), endpoint {}, pusher-js connections alice={} bob={} (ready in {} ms)",
        soketi.port(),
        endpoint.url(),
        a.socket_id(),
        b.socket_id(),
        started.elapsed().as_millis()
    ));
    // soketi answers a refused API request with HTTP 200 and an error body, which a client
    // cannot tell from success: show what it answers to a request signed by our client.
    let path = format!("/apps/{APP_ID}/channels");
    let query = api
        .signed_query(push_channels::Method::Get, &path, &[], b"")
        .context("signing the probe")?;
    let answer = crate::soketi::http_get(soketi.port(), &format!("{path}?{query}")).await;
    crate::say(&format!(
        "{label} soketi's answer to GET {path} signed by our client: {answer:?}"
    ));
    let mut ctx = Ctx {
        api,
        endpoint,
        a,
        b,
        wait,
    };

    let mut outcomes: Vec<(&str, Result<(), String>)> = Vec::new();
    let must_fail = scenario.must_fail();
    // `NAME => case,` runs each case in turn and keeps its outcome under its name.
    macro_rules! cases {
        ($($name:expr => $body:ident,)*) => {$({
            let name: &str = $name;
            let outcome = timed(label, name, must_fail.contains(&name), $body(&mut ctx)).await;
            outcomes.push((name, outcome));
        })*};
    }
    cases! {
        PUBLIC => public_trigger,
        MULTI => multi_channel_trigger,
        BATCH => batch_trigger,
        EXCLUSION => socket_id_exclusion,
        PRIVATE => private_channel,
        PRESENCE => presence_channel,
        ENCRYPTED => encrypted_channel,
        SIGNIN => signin_and_send_to_user,
        QUERIES => queries,
        TERMINATE => terminate_user,
        WEBHOOKS => webhooks,
        CLIENT_EVENT => client_event_webhook,
        FANOUT => fan_out,
    }

    let Ctx { a, b, .. } = ctx;
    a.close().await;
    b.close().await;
    drop(soketi);

    let mut wrong = Vec::new();
    for (name, outcome) in &outcomes {
        match (must_fail.contains(name), outcome) {
            (false, Err(e)) => wrong.push(format!("{label} {name}: FAILED: {e}")),
            (true, Ok(())) => wrong.push(format!("{label} {name}: passed but must fail")),
            _ => {}
        }
    }
    let failed = outcomes.iter().filter(|(_, o)| o.is_err()).count();
    crate::say(&format!(
        "{label} {} cases, {} passed, {failed} failed ({} expected to fail), {} in {:.1} s",
        outcomes.len(),
        outcomes.len() - failed,
        must_fail.len(),
        if wrong.is_empty() {
            "as expected"
        } else {
            "NOT as expected"
        },
        started.elapsed().as_secs_f64()
    ));
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("\n"))
    }
}

/// Runs a case under [`CASE_LIMIT`] and prints its line.
async fn timed(
    label: &str,
    name: &str,
    must_fail: bool,
    body: impl Future<Output = Result<(), String>>,
) -> Result<(), String> {
    let started = Instant::now();
    let outcome = match tokio::time::timeout(CASE_LIMIT, body).await {
        Ok(outcome) => outcome,
        Err(_) => Err(format!("not finished within {} s", CASE_LIMIT.as_secs())),
    };
    let ms = started.elapsed().as_millis();
    let line = match (&outcome, must_fail) {
        (Ok(()), false) => format!("{label} {name} ... ok ({ms} ms)"),
        (Ok(()), true) => format!("{label} {name} ... PASSED, but must fail ({ms} ms)"),
        (Err(e), true) => format!(
            "{label} {name} ... failed as it must ({ms} ms): {}",
            short(e)
        ),
        (Err(e), false) => format!("{label} {name} ... FAILED ({ms} ms): {e}"),
    };
    crate::say(&line);
    outcome
}

fn short(text: &str) -> String {
    let one_line = text.replace('\n', " ");
    match one_line.char_indices().nth(220) {
        Some((cut, _)) => format!("{}...", &one_line[..cut]),
        None => one_line,
    }
}

struct Ctx {
    api: Client,
    endpoint: Endpoint,
    a: Driver,
    b: Driver,
    wait: Duration,
}

impl Ctx {
    /// Subscribes alice to each of `alice`, then bob to each of `bob`, waiting for each
    /// subscription to succeed.
    async fn subscribe(&mut self, alice: &[&str], bob: &[&str]) -> Result<(), String> {
        for channel in alice {
            self.a.subscribe(channel, self.wait).await?;
        }
        for channel in bob {
            self.b.subscribe(channel, self.wait).await?;
        }
        Ok(())
    }

    /// Checks a webhook delivery as a receiver would (`what` names it if it is refused).
    fn validate(&self, d: &Delivery, what: &str) -> Result<Webhook, String> {
        self.api
            .validate_webhook_with_content_type(&d.content_type, &d.key, &d.signature, &d.body)
            .context(&format!(
                "{what} refused ({})",
                String::from_utf8_lossy(&d.body)
            ))
    }

    /// Triggers `event` with `data` on `channels` through the API client.
    async fn trigger<T: Serialize + ?Sized>(
        &self,
        channels: impl IntoChannels,
        event: &str,
        data: &T,
    ) -> Result<(), String> {
        self.api
            .trigger(channels, event, data)
            .await
            .map(drop)
            .context("trigger")
    }
}

trait Context<T> {
    fn context(self, what: &str) -> Result<T, String>;
}

impl<T, E: Display> Context<T> for Result<T, E> {
    fn context(self, what: &str) -> Result<T, String> {
        self.map_err(|e| format!("{what}: {e}"))
    }
}

fn ensure(condition: bool, failure: impl FnOnce() -> String) -> Result<(), String> {
    if condition { Ok(()) } else { Err(failure()) }
}

fn same(what: &str, got: &Value, want: &Value) -> Result<(), String> {
    ensure(got == want, || format!("{what}: got {got}, want {want}"))
}

// ----- the cases ----------------------------------------------------------------------------

async fn public_trigger(ctx: &mut Ctx) -> Result<(), String> {
    let w = ctx.wait;
    ctx.subscribe(&["e2e-public"], &["e2e-public"]).await?;
    let data = json!({"message": "hello from Rust", "n": 1, "text": "héllo wörld ✓"});
    ctx.trigger("e2e-public", "greeting", &data).await?;
    ctx.a.event_is("e2e-public", "greeting", &data, w).await?;
    ctx.b.event_is("e2e-public", "greeting", &data, w).await
}

async fn multi_channel_trigger(ctx: &mut Ctx) -> Result<(), String> {
    let w = ctx.wait;
    ctx.subscribe(&["e2e-multi-1", "e2e-multi-2"], &["e2e-multi-3"])
        .await?;
    let data = json!({"to": "three channels"});
    ctx.trigger(
        ["e2e-multi-1", "e2e-multi-2", "e2e-multi-3"],
        "multi",
        &data,
    )
    .await?;
    for channel in ["e2e-multi-1", "e2e-multi-2"] {
        ctx.a.event_is(channel, "multi", &data, w).await?;
    }
    ctx.b.event_is("e2e-multi-3", "multi", &data, w).await
}

async fn batch_trigger(ctx: &mut Ctx) -> Result<(), String> {
    let w = ctx.wait;
    ctx.subscribe(&["e2e-batch-1", "e2e-batch-2"], &["e2e-batch-3"])
        .await?;
    let sent = [
        ("e2e-batch-1", json!({"i": 1})),
        ("e2e-batch-2", json!({"i": 2, "list": [1, 2]})),
        ("e2e-batch-3", json!("plain text, not JSON ✓")),
    ];
    let mut events = Vec::new();
    for (channel, data) in &sent {
        // A JSON string is sent as its text, as a caller's `&str` would be.
        let event = match data.as_str() {
            Some(text) => BatchEvent::new(*channel, "batched", text),
            None => BatchEvent::new(*channel, "batched", data),
        };
        events.push(event.context("BatchEvent::new")?);
    }
    ctx.api
        .trigger_batch(&events)
        .await
        .context("trigger_batch")?;
    for (channel, data) in &sent {
        let driver = if *channel == "e2e-batch-3" {
            &mut ctx.b
        } else {
            &mut ctx.a
        };
        driver.event_is(channel, "batched", data, w).await?;
    }
    Ok(())
}

async fn socket_id_exclusion(ctx: &mut Ctx) -> Result<(), String> {
    let w = ctx.wait;
    ctx.subscribe(&["e2e-exclusion"], &["e2e-exclusion"])
        .await?;
    let options = TriggerOptions::new().socket_id(ctx.a.socket_id());
    ctx.api
        .trigger_with(
            "e2e-exclusion",
            "excluded",
            &json!({"for": "bob only"}),
            &options,
        )
        .await
        .context("trigger_with socket_id")?;
    ctx.b.event("e2e-exclusion", "excluded", w).await?;
    // One connection receives in order: once alice has the marker sent after the excluded
    // event, she would already have had the excluded one.
    ctx.trigger("e2e-exclusion", "marker", &json!({})).await?;
    ctx.a.event("e2e-exclusion", "marker", w).await?;
    ensure(!ctx.a.received("e2e-exclusion", "excluded"), || {
        "alice, whose socket_id was excluded, received the event".to_owned()
    })
}

async fn private_channel(ctx: &mut Ctx) -> Result<(), String> {
    let w = ctx.wait;
    ctx.a.subscribe("private-e2e", w).await?;
    let asked = ctx.endpoint.auth_log();
    ensure(asked.iter().any(|l| l == "/auth private-e2e alice"), || {
        format!("the auth endpoint was not asked for private-e2e: {asked:?}")
    })?;
    let data = json!({"private": true});
    ctx.trigger("private-e2e", "inside", &data).await?;
    ctx.a.event_is("private-e2e", "inside", &data, w).await
}

async fn presence_channel(ctx: &mut Ctx) -> Result<(), String> {
    let w = ctx.wait;
    let alice = ctx.a.subscribe("presence-e2e", w).await?;
    same("alice's me", &alice["me"], &json!("alice"))?;
    same(
        "alice's members",
        &alice["members"],
        &json!([{"id": "alice", "info": {"name": "alice"}}]),
    )?;
    let bob = ctx.b.subscribe("presence-e2e", w).await?;
    same("bob's me", &bob["me"], &json!("bob"))?;
    same(
        "bob's members",
        &bob["members"],
        &json!([{"id": "alice", "info": {"name": "alice"}}, {"id": "bob", "info": {"name": "bob"}}]),
    )?;
    let added = ctx
        .a
        .wait_for("member_added bob", w, |m| {
            (m["type"] == "member_added" && m["channel"] == "presence-e2e").then(|| Ok(m.clone()))
        })
        .await?;
    same("member_added id", &added["id"], &json!("bob"))?;
    same("member_added info", &added["info"], &json!({"name": "bob"}))
}

async fn encrypted_channel(ctx: &mut Ctx) -> Result<(), String> {
    let w = ctx.wait;
    let channel = "private-encrypted-e2e";
    ctx.a.subscribe(channel, w).await?;
    let data = json!({"pin": 1234, "text": "ünïcödé ✓ end to end", "list": [1, 2, 3]});
    ctx.trigger(channel, "sealed", &data).await?;
    ctx.a.event_is(channel, "sealed", &data, w).await?;
    // What soketi carried was ciphertext, not the data.
    let raw = ctx
        .a
        .wait_for("the message as soketi sent it", w, |m| {
            (m["type"] == "raw" && m["channel"] == channel && m["event"] == "sealed")
                .then(|| Ok(m["data"].clone()))
        })
        .await?;
    let raw = match raw.as_str() {
        Some(text) => serde_json::from_str(text).context("the raw encrypted data")?,
        None => raw,
    };
    ensure(
        raw["nonce"].is_string()
            && raw["ciphertext"].is_string()
            && !raw.to_string().contains("\"pin\""),
        || format!("soketi did not carry a sealed box: {raw}"),
    )?;
    // A string is sent as its text and comes back byte for byte.
    let text = "not JSON: ünïcödé ✓";
    ctx.trigger(channel, "sealed-text", text).await?;
    ctx.a
        .event_is(channel, "sealed-text", &json!(text), w)
        .await
}

async fn signin_and_send_to_user(ctx: &mut Ctx) -> Result<(), String> {
    let w = ctx.wait;
    ctx.b.command(json!({"cmd": "signin"})).await?;
    ctx.b
        .wait_for("pusher:signin_success", w, |m| {
            if m["type"] != "raw" {
                return None;
            }
            match m["event"].as_str() {
                Some("pusher:signin_success") => Some(Ok(())),
                Some("pusher:error") => Some(Err(format!("sign-in refused: {}", m["data"]))),
                _ => None,
            }
        })
        .await?;
    let asked = ctx.endpoint.auth_log();
    ensure(asked.iter().any(|l| l == "/signin bob"), || {
        format!("the sign-in endpoint was not asked for bob: {asked:?}")
    })?;
    ctx.b
        .wait_for("the #server-to-user-bob subscription", w, |m| {
            (m["type"] == "raw"
                && m["channel"] == "#server-to-user-bob"
                && m["event"] == "pusher_internal:subscription_succeeded")
                .then_some(Ok(()))
        })
        .await?;
    let data = json!({"just": "for bob"});
    ctx.api
        .send_to_user("bob", "notice", &data)
        .await
        .context("send_to_user")?;
    let got = ctx
        .b
        .wait_for("the user event", w, |m| {
            (m["type"] == "user_event" && m["event"] == "notice").then(|| Ok(m["data"].clone()))
        })
        .await?;
    same("bob's user event", &got, &data)
}

async fn queries(ctx: &mut Ctx) -> Result<(), String> {
    // soketi ignores `info` and reports subscription_count (and occupied) for every channel.
    let all = ctx
        .api
        .channels_info(None, &[])
        .await
        .context("channels_info")?;
    for name in [
        "e2e-public",
        "e2e-exclusion",
        "private-e2e",
        "presence-e2e",
        "private-encrypted-e2e",
    ] {
        ensure(all.channels.contains_key(name), || {
            format!("channels_info lacks {name}: {:?}", all.channels)
        })?;
    }
    let public = all
        .channels
        .get("e2e-public")
        .and_then(|c| c.subscription_count);
    ensure(public == Some(2), || {
        format!("channels_info: e2e-public has {public:?} subscriptions, want 2")
    })?;
    let presence = ctx
        .api
        .channels_info(Some("presence-"), &[Attribute::UserCount])
        .await
        .context("channels_info presence-")?;
    let names: BTreeSet<&str> = presence.channels.keys().map(String::as_str).collect();
    ensure(names == BTreeSet::from(["presence-e2e"]), || {
        format!("channels_info(presence-) gave {names:?}")
    })?;
    let one = ctx
        .api
        .channel_info("e2e-public", &[Attribute::SubscriptionCount])
        .await
        .context("channel_info")?;
    ensure(one.occupied && one.subscription_count == Some(2), || {
        format!("channel_info(e2e-public) = {one:?}, want occupied with 2 subscriptions")
    })?;
    let room = ctx
        .api
        .channel_info(
            "presence-e2e",
            &[Attribute::UserCount, Attribute::SubscriptionCount],
        )
        .await
        .context("channel_info presence-e2e")?;
    ensure(
        room.occupied && room.user_count == Some(2) && room.subscription_count == Some(2),
        || format!("channel_info(presence-e2e) = {room:?}, want 2 users on 2 subscriptions"),
    )?;
    let empty = ctx
        .api
        .channel_info("e2e-nobody-here", &[])
        .await
        .context("channel_info e2e-nobody-here")?;
    ensure(!empty.occupied, || {
        format!("channel_info(e2e-nobody-here) = {empty:?}, want unoccupied")
    })?;
    users_are(ctx, &["alice", "bob"]).await
}

async fn users_are(ctx: &Ctx, want: &[&str]) -> Result<(), String> {
    let users = ctx
        .api
        .users_info("presence-e2e")
        .await
        .context("users_info")?;
    let mut ids: Vec<&str> = users.users.iter().map(|u| u.id.as_str()).collect();
    ids.sort_unstable();
    ensure(ids == want, || {
        format!("users_info(presence-e2e) = {ids:?}, want {want:?}")
    })
}

async fn terminate_user(ctx: &mut Ctx) -> Result<(), String> {
    let w = ctx.wait;
    ctx.api
        .terminate_user_connections("bob")
        .await
        .context("terminate_user_connections")?;
    ctx.b
        .wait_for("pusher:error 4009", w, |m| {
            (m["type"] == "raw" && m["event"] == "pusher:error" && m["data"]["code"] == 4009)
                .then_some(Ok(()))
        })
        .await?;
    ctx.b
        .wait_for("the end of the connection", w, |m| {
            (m["type"] == "state" && m["previous"] == "connected" && m["current"] != "connected")
                .then_some(Ok(()))
        })
        .await?;
    // Alice sees bob leave; the API sees one connection fewer; alice is still served.
    let removed = ctx
        .a
        .wait_for("member_removed bob", w, |m| {
            (m["type"] == "member_removed" && m["channel"] == "presence-e2e")
                .then(|| Ok(m["id"].clone()))
        })
        .await?;
    same("member_removed id", &removed, &json!("bob"))?;
    // soketi leaves bob's channels one by one: poll until the API has caught up.
    let deadline = Instant::now() + w;
    loop {
        let users = users_are(ctx, &["alice"]).await;
        let public = ctx
            .api
            .channel_info("e2e-public", &[Attribute::SubscriptionCount])
            .await
            .context("channel_info")?;
        let count = ensure(public.subscription_count == Some(1), || {
            format!("channel_info(e2e-public) = {public:?} after bob's termination, want 1")
        });
        match (users, count) {
            (Ok(()), Ok(())) => break,
            (Err(e), _) | (_, Err(e)) if Instant::now() > deadline => return Err(e),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    ctx.trigger("e2e-public", "still-here", &json!({})).await?;
    ctx.a.event("e2e-public", "still-here", w).await?;
    Ok(())
}

async fn webhooks(ctx: &mut Ctx) -> Result<(), String> {
    let w = ctx.wait;
    ctx.a.subscribe("e2e-hooks", w).await?;
    ctx.a
        .command(json!({"cmd": "unsubscribe", "channel": "e2e-hooks"}))
        .await?;
    let occupied = |c: &str| WebhookEvent::ChannelOccupied {
        channel: c.to_owned(),
    };
    let member = |added: bool, user: &str| {
        let (channel, user_id) = ("presence-e2e".to_owned(), user.to_owned());
        if added {
            WebhookEvent::MemberAdded { channel, user_id }
        } else {
            WebhookEvent::MemberRemoved { channel, user_id }
        }
    };
    let expected = [
        occupied("e2e-public"),
        occupied("private-e2e"),
        occupied("private-encrypted-e2e"),
        occupied("e2e-hooks"),
        WebhookEvent::ChannelVacated {
            channel: "e2e-hooks".to_owned(),
        },
        member(true, "alice"),
        member(true, "bob"),
        member(false, "bob"),
    ];
    let deadline = Instant::now() + w;
    let (deliveries, seen) = loop {
        let deliveries = ctx.endpoint.webhooks();
        let mut seen = Vec::new();
        for (n, d) in deliveries.iter().enumerate() {
            let hook = ctx.validate(d, &format!("delivery {n}"))?;
            seen.extend(hook.events);
        }
        if expected.iter().all(|e| seen.contains(e)) {
            break (deliveries, seen);
        }
        if Instant::now() > deadline {
            let missing: Vec<_> = expected.iter().filter(|e| !seen.contains(e)).collect();
            return Err(format!(
                "after {} ms, {} deliveries, still missing {missing:?}",
                w.as_millis(),
                deliveries.len()
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Tampered copies of a genuine delivery are refused.
    let genuine = deliveries
        .iter()
        .find(|d| String::from_utf8_lossy(&d.body).contains("channel_occupied"))
        .ok_or_else(|| format!("no channel_occupied delivery among {seen:?}"))?;
    let body = String::from_utf8_lossy(&genuine.body).into_owned();
    let tampered = body.replacen("channel_occupied", "channel_vacated", 1);
    let other = deliveries
        .iter()
        .find(|d| d.body != genuine.body)
        .ok_or_else(|| "only one distinct delivery".to_owned())?;
    let attempts = [
        (
            "a tampered body",
            APP_KEY,
            genuine.signature.as_str(),
            tampered.as_bytes(),
        ),
        (
            "another delivery's signature",
            APP_KEY,
            other.signature.as_str(),
            genuine.body.as_slice(),
        ),
        (
            "another app's key",
            "0123456789abcdef0123",
            genuine.signature.as_str(),
            genuine.body.as_slice(),
        ),
    ];
    for (what, key, signature, body) in attempts {
        match ctx.api.validate_webhook(key, signature, body) {
            Err(e) if e.is_webhook() => {}
            Err(e) => return Err(format!("{what}: refused for the wrong reason: {e}")),
            Ok(hook) => return Err(format!("{what}: accepted as {hook:?}")),
        }
    }
    Ok(())
}

/// soketi (like sockudo) puts a client event's `data` into the webhook as a JSON object, where
/// Pusher documents a string: the signed webhook must verify and keep the data.
async fn client_event_webhook(ctx: &mut Ctx) -> Result<(), String> {
    let w = ctx.wait;
    let channel = "private-e2e-client";
    ctx.a.subscribe(channel, w).await?;
    let data = json!({"text": "typing…", "n": 1, "nested": {"ok": true}});
    ctx.a
        .command(json!({"cmd": "client_event", "channel": channel, "event": "client-typing", "data": data}))
        .await?;
    let deadline = Instant::now() + w;
    loop {
        for d in ctx.endpoint.webhooks() {
            if !String::from_utf8_lossy(&d.body).contains("client_event") {
                continue;
            }
            let hook = ctx.validate(&d, "client_event delivery")?;
            for event in hook.events {
                if let WebhookEvent::ClientEvent {
                    channel: on,
                    event,
                    data: text,
                    socket_id,
                    ..
                } = event
                    && on == channel
                    && event == "client-typing"
                {
                    let got: Value = serde_json::from_str(&text)
                        .map_err(|e| format!("client event data {text:?} is not JSON: {e}"))?;
                    same("client event data", &got, &data)?;
                    return same(
                        "client event socket_id",
                        &json!(socket_id),
                        &json!(ctx.a.socket_id()),
                    );
                }
            }
        }
        if Instant::now() > deadline {
            return Err(format!(
                "no client_event webhook for {channel} within {} ms ({} deliveries)",
                w.as_millis(),
                ctx.endpoint.webhooks().len()
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One call to 999 plain channels and an encrypted one: eleven requests (ten of 100 plain
/// channels, the encrypted one alone and sealed with its own key), every chunk accepted, and
/// the subscribers of a sample of the channels (across chunks, and the encrypted one) get the
/// event, decrypted by pusher-js.
async fn fan_out(ctx: &mut Ctx) -> Result<(), String> {
    let w = ctx.wait;
    let sealed = "private-encrypted-e2e-fan";
    let mut channels: Vec<String> = (0..999).map(|i| format!("e2e-fan-{i}")).collect();
    channels.insert(500, sealed.to_owned());
    let sample = ["e2e-fan-0", "e2e-fan-250", "e2e-fan-998"];
    for channel in sample {
        ctx.a.subscribe(channel, w).await?;
    }
    // (bob's connections were terminated by an earlier case.)
    ctx.a.subscribe(sealed, w).await?;
    let data = json!({"fan": "out", "to": 1000, "text": "ünïcödé ✓"});
    let results = ctx
        .api
        .trigger_chunked(&channels[..], "fanned", &data, &TriggerOptions::new())
        .await
        .context("trigger_chunked")?;
    ensure(results.len() == 11, || {
        format!("{} chunks, want 11", results.len())
    })?;
    for chunk in &results {
        if let Err(e) = &chunk.result {
            return Err(format!("chunk {} failed: {e}", chunk.index));
        }
    }
    for channel in sample {
        ctx.a.event_is(channel, "fanned", &data, w).await?;
    }
    ctx.a.event_is(sealed, "fanned", &data, w).await
}
