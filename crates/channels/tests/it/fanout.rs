//! Triggers to any number of channels and batches of any size: planned into compliant
//! requests, validated before anything is sent, sent with bounded concurrency.

use std::time::Duration;

use push_channels::sandbox::{Fault, Sandbox};
use push_channels::{
    BatchEvent, ChunkResult, Client, MasterKey, RetryPolicy, TriggerOptions, TriggerResponse,
};
use push_test_support::mock::Timed;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i}")).collect()
}

/// Each chunk's covered ranges as `(start, end)` pairs.
fn spans<T>(results: &[push_channels::ChunkResult<T>]) -> Vec<Vec<(usize, usize)>> {
    results
        .iter()
        .map(|r| {
            r.covered
                .ranges()
                .iter()
                .map(|r| (r.start, r.end))
                .collect()
        })
        .collect()
}

/// Triggers `news` with `hello` on every room, in as many requests as it takes.
async fn news(
    client: &Client,
    rooms: &[String],
) -> push_channels::Result<Vec<ChunkResult<TriggerResponse>>> {
    client
        .trigger_chunked(rooms, "news", "hello", &TriggerOptions::new())
        .await
}

async fn sandbox_client(concurrency: usize) -> (Sandbox, Client) {
    let sandbox = Sandbox::start().await.unwrap();
    let client = sandbox
        .client_builder()
        .encryption_master_key(MasterKey::from_bytes([9; 32]))
        .chunk_concurrency(concurrency)
        .build()
        .unwrap();
    (sandbox, client)
}

#[tokio::test]
async fn two_hundred_and_fifty_channels_take_three_requests_each_channel_once() {
    let (sandbox, client) = sandbox_client(4).await;
    let rooms = names("room", 250);
    let results = news(&client, &rooms).await.unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(sandbox.requests_seen(), 3);
    assert_eq!(
        spans(&results),
        [vec![(0, 100)], vec![(100, 200)], vec![(200, 250)]]
    );
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.index, i);
        assert!(r.result.is_ok(), "{:?}", r.result);
    }
    let mut received: Vec<String> = sandbox
        .events()
        .into_iter()
        .inspect(|e| assert!(e.channels.len() <= 100 && e.data == "hello"))
        .flat_map(|e| e.channels)
        .collect();
    received.sort();
    let mut expected = rooms.clone();
    expected.sort();
    assert_eq!(received, expected);
}

#[tokio::test]
async fn encrypted_channels_go_alone_and_sealed_plain_ones_together() {
    let (sandbox, client) = sandbox_client(4).await;
    let key = MasterKey::from_bytes([9; 32]);
    let channels = [
        "plain-a",
        "private-encrypted-one",
        "plain-b",
        "private-encrypted-two",
    ];
    let results = client
        .trigger_chunked(channels, "secret", "the data", &TriggerOptions::new())
        .await
        .unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(sandbox.requests_seen(), 3);
    let covered: Vec<Vec<usize>> = results.iter().map(|r| r.covered.iter().collect()).collect();
    // In the order of each chunk's first channel.
    assert_eq!(covered, [vec![0, 2], vec![1], vec![3]]);
    let events = sandbox.events();
    let plain = events.iter().find(|e| e.channels.len() == 2).unwrap();
    assert_eq!(plain.channels, ["plain-a", "plain-b"]);
    assert_eq!(plain.data, "the data");
    for channel in ["private-encrypted-one", "private-encrypted-two"] {
        let sealed = events.iter().find(|e| e.channels == [channel]).unwrap();
        assert_ne!(sealed.data, "the data");
        // Sealed with this channel's own key: it opens here and nowhere else.
        assert_eq!(key.decrypt(channel, &sealed.data).unwrap(), b"the data");
        let other = if channel.ends_with("one") {
            "private-encrypted-two"
        } else {
            "private-encrypted-one"
        };
        assert!(key.decrypt(other, &sealed.data).is_err());
    }
}

#[tokio::test]
async fn twenty_five_batch_events_take_three_batches_in_order() {
    let (sandbox, client) = sandbox_client(1).await;
    let events: Vec<BatchEvent> = (0..25)
        .map(|i| BatchEvent::new(format!("room-{i}"), "tick", &i).unwrap())
        .collect();
    let results = client.trigger_batch_chunked(&events).await.unwrap();
    assert_eq!(sandbox.requests_seen(), 3);
    assert_eq!(
        spans(&results),
        [vec![(0, 10)], vec![(10, 20)], vec![(20, 25)]]
    );
    assert!(results.iter().all(|r| r.result.is_ok()));
    let arrived: Vec<String> = sandbox.events().into_iter().map(|e| e.data).collect();
    let expected: Vec<String> = (0..25).map(|i| i.to_string()).collect();
    assert_eq!(arrived, expected, "in order, all 25");
}

#[tokio::test]
async fn one_failing_chunk_is_reported_and_the_others_still_sent() {
    let (sandbox, client) = sandbox_client(1).await;
    // The first request fails with a 500: a trigger is not resent after it may have landed.
    sandbox.fail_next(1, Fault::status(500).body("boom"));
    let rooms = names("room", 300);
    let results = news(&client, &rooms).await.unwrap();
    assert_eq!(sandbox.requests_seen(), 3, "all three chunks were sent");
    let outcomes: Vec<bool> = results.iter().map(|r| r.result.is_ok()).collect();
    assert_eq!(outcomes, [false, true, true]);
    let failed = &results[0];
    assert_eq!(failed.result.as_ref().unwrap_err().status(), Some(500));
    let missed: Vec<&String> = failed.covered.pick(&rooms).collect();
    assert_eq!(missed.len(), 100);
    assert_eq!(missed[0], "room-0");
    assert_eq!(sandbox.events().len(), 2);
}

#[tokio::test]
async fn one_bad_input_anywhere_sends_nothing() {
    let (sandbox, client) = sandbox_client(4).await;
    let mut rooms = names("room", 300);
    rooms[149] = "bad name".to_owned();
    let err = news(&client, &rooms).await.unwrap_err();
    assert!(err.to_string().contains("channels[149]"), "{err}");
    rooms[149] = "room-3".to_owned();
    let err = news(&client, &rooms).await.unwrap_err();
    assert!(err.to_string().contains("channels[149]"), "a repeat: {err}");
    rooms[149] = "#server-to-user-x".to_owned();
    assert!(news(&client, &rooms).await.is_err());
    // The data would be too large once sealed (the plain channels alone would pass).
    let mut mixed = names("room", 150);
    mixed.push("private-encrypted-x".to_owned());
    let err = client
        .trigger_chunked(
            &mixed[..],
            "news",
            &"x".repeat(7_700),
            &TriggerOptions::new(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("data"), "{err}");
    let err = client
        .trigger_chunked(
            &rooms[..5],
            "news",
            "d",
            &TriggerOptions::new().socket_id("x"),
        )
        .await
        .unwrap_err();
    assert!(err.is_invalid_input());
    let mut events: Vec<BatchEvent> = (0..25)
        .map(|i| BatchEvent::new(format!("room-{i}"), "tick", &i).unwrap())
        .collect();
    events[23] = BatchEvent::new("no spaces", "tick", "x").unwrap();
    let err = client.trigger_batch_chunked(&events).await.unwrap_err();
    assert!(err.to_string().contains("batch[23].channel"), "{err}");
    assert!(client.trigger_batch_chunked(&[]).await.is_err());
    assert!(
        client
            .trigger_chunked(Vec::<String>::new(), "e", "d", &TriggerOptions::new())
            .await
            .is_err()
    );
    assert_eq!(sandbox.requests_seen(), 0);
    // Without a master key an encrypted channel is a configuration error, still before
    // anything is sent.
    let keyless = sandbox.client().unwrap();
    let err = keyless
        .trigger_chunked(&mixed[..], "news", "d", &TriggerOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, push_channels::Error::Config { .. }),
        "{err:?}"
    );
    assert_eq!(sandbox.requests_seen(), 0);
}

#[tokio::test]
async fn concurrency_is_bounded_by_chunk_concurrency() {
    let server = MockServer::start().await;
    let slow = Timed::new(Duration::from_millis(250), |_| {
        ResponseTemplate::new(200).set_body_string("{}")
    });
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(slow.clone())
        .expect(8)
        .mount(&server)
        .await;
    let client = Client::builder("1", "key", "secret")
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .chunk_concurrency(3)
        .build()
        .unwrap();
    let rooms = names("room", 800);
    let results = client
        .trigger_chunked(&rooms[..], "e", "d", &TriggerOptions::new())
        .await
        .unwrap();
    assert_eq!(results.len(), 8);
    // Requests arriving within one pause of each other overlapped. Never more than three; at
    // least two (the bound is reached, the calls are not sequential).
    let most = slow.most_in_flight(Duration::from_millis(200));
    assert!((2..=3).contains(&most), "{most} in flight");
    server.verify().await;
}
