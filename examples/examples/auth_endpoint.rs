//! An auth endpoint for pusher-js (private, presence and encrypted channels, and user sign-in).
//!
//! ```sh
//! cargo run --example auth_endpoint            # serves on 127.0.0.1:3000 until Ctrl-C
//! cargo run --example auth_endpoint -- --demo  # serves, calls itself three times, exits
//! ```
//!
//! Point pusher-js at it:
//! `channelAuthorization: { endpoint: "http://127.0.0.1:3000/pusher/auth" }` and
//! `userAuthentication: { endpoint: "http://127.0.0.1:3000/pusher/user-auth" }`.
//! With `PUSHER_URL` (or `PUSHER_APP_ID`/`PUSHER_KEY`/`PUSHER_SECRET`) set it signs with your
//! app's credentials; otherwise with the sandbox's.

#![allow(clippy::print_stdout)]

use push_all::channels::MasterKey;
use push_examples::{auth, channels_builder, http};

type AnyError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), AnyError> {
    let (builder, sandbox) = channels_builder()?;
    let client = if sandbox {
        // A demo key; use your own 32 random bytes (PUSHER_ENCRYPTION_MASTER_KEY_BASE64).
        builder
            .encryption_master_key(MasterKey::from_bytes([42; 32]))
            .build()?
    } else {
        builder.build()?
    };
    let demo = std::env::args().any(|a| a == "--demo");
    let port = if demo { 0 } else { 3000 };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    println!("auth endpoint: listening on http://{addr}/pusher/auth and /pusher/user-auth");
    let server = tokio::spawn(async move { axum::serve(listener, auth::router(client)).await });

    if demo {
        let form = "application/x-www-form-urlencoded";
        for (channel, user) in [
            ("private-user-alice", "alice"),
            ("presence-lobby", "alice"),
            ("private-user-alice", "mallory"),
        ] {
            let body = format!("socket_id=1234.5678&channel_name={channel}");
            let answer = http::post(
                addr,
                "/pusher/auth",
                &[("content-type", form), ("x-user", user)],
                body.as_bytes(),
            )
            .await?;
            println!(
                "auth endpoint: {user} asks for {channel}: {} {}",
                answer.status, answer.body
            );
        }
        let answer = http::post(
            addr,
            "/pusher/user-auth",
            &[("content-type", form), ("x-user", "alice")],
            b"socket_id=1234.5678",
        )
        .await?;
        println!(
            "auth endpoint: alice signs in: {} {}",
            answer.status, answer.body
        );
        server.abort();
        return Ok(());
    }
    server.await??;
    Ok(())
}
