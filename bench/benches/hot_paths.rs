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
    let Ok(client) = beams::Client::builder(
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
    let Ok(client) = pushpad::Client::new("5374d7dfeffa2eb49965624ba7596a09", 123) else {
        return;
    };
    c.bench_function("pushpad/signature_for", |b| {
        b.iter(|| client.signature_for(black_box("user-0001")));
    });
}

// Channels benches go here as one more function in the group.
criterion_group!(hot_paths, beams, pushpad);
criterion_main!(hot_paths);
