//! One client shared by [`TASKS`] concurrent tasks, in two waves: every call succeeds with its
//! own id, every request reaches the server carrying its own tag, and the connection pool is
//! reused. The provider suites say how a call carries its tag and how the server's side reads
//! it back; the measuring is here.

// A test harness: failing loudly is its job.
#![allow(clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::fmt::Debug;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

use push_core::Error;
use tokio::sync::Semaphore;

use crate::fault_server::Seen;
use crate::faults::Server;

/// How many tasks share the client in each wave.
pub const TASKS: usize = 256;

/// At most this many calls are in flight in the first wave.
pub const IN_FLIGHT: usize = 32;

/// Two waves of [`TASKS`] calls through one client against `server`: `call(tag)` makes one
/// call carrying `tag` (each tag is `"{wave}-{task}"`) and gives the id it got back;
/// `tag_of(request)` reads the tag a request carried.
///
/// The first wave keeps at most [`IN_FLIGHT`] calls in flight: HTTP/1.1 connections are
/// reused, so at most twice that many are opened. The second starts every call at once:
/// HTTP/1.1 needs a connection per request in flight, yet the idle ones are picked up, so
/// fewer than [`TASKS`] new ones are opened. After each wave every task has its own id, the
/// server saw each tag exactly once, and no other request.
///
/// # Panics
/// When a call fails or any of the above does not hold.
pub async fn one_client_shared_by_many_tasks<Id, Fut>(
    server: &Server,
    call: impl Fn(String) -> Fut,
    tag_of: impl Fn(&Seen) -> Option<String>,
) where
    Id: Eq + Hash + Debug + Send + 'static,
    Fut: Future<Output = Result<Id, Error>> + Send + 'static,
{
    let ids = wave(&call, 1, IN_FLIGHT).await;
    check_wave(server, &tag_of, &ids, 1);
    assert_eq!(server.requests(), TASKS);
    let bounded = server.connections();
    assert!(
        bounded <= 2 * IN_FLIGHT,
        "{bounded} connections for {TASKS} requests, {IN_FLIGHT} in flight"
    );

    let ids = wave(&call, 2, TASKS).await;
    check_wave(server, &tag_of, &ids, 2);
    assert_eq!(server.requests(), 2 * TASKS);
    let burst = server.connections() - bounded;
    assert!(
        burst < TASKS,
        "{burst} new connections for {TASKS} requests at once"
    );
}

/// [`TASKS`] spawned calls, at most `limit` in flight; the ids they got.
async fn wave<Id, Fut>(call: impl Fn(String) -> Fut, wave: usize, limit: usize) -> HashSet<Id>
where
    Id: Eq + Hash + Send + 'static,
    Fut: Future<Output = Result<Id, Error>> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(limit));
    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let permits = Arc::clone(&permits);
            let call = call(format!("{wave}-{i}"));
            tokio::spawn(async move {
                let _permit = permits.acquire().await.expect("an open semaphore");
                call.await
            })
        })
        .collect();
    let mut ids = HashSet::new();
    for task in tasks {
        ids.insert(task.await.expect("a task").expect("a successful call"));
    }
    ids
}

/// Every answer was a success with its own id, and the server saw each of the wave's tags
/// exactly once.
fn check_wave<Id>(
    server: &Server,
    tag_of: impl Fn(&Seen) -> Option<String>,
    ids: &HashSet<Id>,
    wave: usize,
) {
    assert_eq!(ids.len(), TASKS, "wave {wave}: every task got its own id");
    let prefix = format!("{wave}-");
    let tags: HashSet<String> = server
        .seen()
        .iter()
        .filter_map(&tag_of)
        .filter(|tag| tag.starts_with(&prefix))
        .collect();
    assert_eq!(
        tags.len(),
        TASKS,
        "wave {wave}: each task's request arrived once"
    );
}
