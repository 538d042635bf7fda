//! Hot paths of the SDKs, timed with criterion: `cargo bench -p push-bench --bench hot_paths`
//! (or `cargo xtask bench --hot`).
//!
//! One function per provider; each adds its benchmarks to the shared [`Criterion`]. The
//! targets of issue 9 are in each benchmark's comment and in `BENCHMARKS.md`.

// criterion's macros expand to undocumented public items.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

/// Beams: issuing a token for a user (an HS256 JWT). Target ≤ 5 µs.
fn beams(c: &mut Criterion) {
    let Ok(client) = push_beams::Client::builder(
        "97c56dfe-58f5-408b-ab3a-158e51a860f2",
        "3C7B4A6B2F1E0D9C8B7A6F5E4D3C2B1A0F9E8D7C6B5A4F3E2D1C0B9A8F7E6D5",
    )
    .build() else {
        return;
    };
    c.bench_function("beams/generate_token", |b| {
        b.iter(|| client.generate_token(black_box("user-0001")));
    });
}

/// Pushpad: the HMAC-SHA256 signature of a uid for the JavaScript SDK. Target ≤ 1 µs.
fn pushpad(c: &mut Criterion) {
    let Ok(client) = push_pushpad::Client::new("5374d7dfeffa2eb49965624ba7596a09", 123) else {
        return;
    };
    c.bench_function("pushpad/signature_for", |b| {
        b.iter(|| client.signature_for(black_box("user-0001")));
    });
}

/// Channels: signing a trigger with a 100-byte body (MD5 of the body, then HMAC-SHA256 of the
/// string to sign; target ≤ 1.5 µs), authorizing a private channel (≤ 1 µs), and sealing a
/// 1 KB event for an encrypted channel (≤ 5 µs).
fn channels(c: &mut Criterion) {
    let Ok(client) =
        push_channels::Client::builder("123456", "278d425bdf160c739803", "7ad3773142a6692b25b8")
            .build()
    else {
        return;
    };
    let body = br#"{"name":"my-event","data":"{\"message\":\"hello world, a hundred bytes\"}","channels":["my-channel"]}"#;
    assert!((95..=110).contains(&body.len()), "{}", body.len());
    c.bench_function("channels/sign_trigger_100b", |b| {
        b.iter(|| {
            client.signed_query(
                push_channels::Method::Post,
                "/apps/123456/events",
                &[],
                black_box(body),
            )
        });
    });
    c.bench_function("channels/authorize_private", |b| {
        b.iter(|| {
            client.authorize_channel(black_box("1234.5678"), black_box("private-room"), None)
        });
    });
    let key = push_channels::MasterKey::from_bytes([7; 32]);
    let event = vec![b'x'; 1024];
    c.bench_function("channels/encrypt_1kb", |b| {
        b.iter(|| key.encrypt("private-encrypted-room", black_box(&event), [1; 24]));
    });
}

criterion_group!(hot_paths, beams, pushpad, channels);
criterion_main!(hot_paths);
