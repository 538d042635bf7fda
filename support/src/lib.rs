//! Test helpers shared by the push-rs crates' integration suites. Not published: the provider
//! crates use it as a path-only dev-dependency, which `cargo publish` leaves out.

pub mod concurrency;
pub mod fault_server;
pub mod faults;
pub mod mock;
pub mod props;
pub mod secrets;

use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::ThreadId;

use tracing_subscriber::filter::dynamic_filter_fn;
use tracing_subscriber::prelude::*;

/// Text captured from `tracing` on one thread. While it lives, no other test of the process
/// can start a capture (they wait): two captures at once would each take the other's thread.
#[derive(Debug)]
pub struct Capture {
    buffer: Buffer,
    _exclusive: MutexGuard<'static, ()>,
}

impl Capture {
    /// Everything captured so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.0.lock().unwrap_or_else(PoisonError::into_inner))
            .into_owned()
    }
}

/// Where the target thread's text goes.
#[derive(Clone, Debug, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

/// Held by the one live [`Capture`].
static EXCLUSIVE: Mutex<()> = Mutex::new(());

/// The thread whose events are captured, and where they go.
static TARGET: Mutex<Option<(ThreadId, Buffer)>> = Mutex::new(None);

fn on_target_thread() -> bool {
    TARGET
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .is_some_and(|(thread, _)| *thread == std::thread::current().id())
}

/// Writes into the target thread's capture.
struct TargetWriter;

impl Write for TargetWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some((_, buffer)) = &*TARGET.lock().unwrap_or_else(PoisonError::into_inner) {
            buffer
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures every `tracing` span and event (TRACE and up) of the calling thread, until another
/// thread calls this. Run the code under test on this thread (a current-thread runtime).
///
/// The subscriber is the process-wide default, filtered per span and event by thread, with a
/// dynamic filter so no callsite's interest is cached. (A thread-local default is not
/// reliable: other tests hitting the same callsites first, on threads without a subscriber,
/// can leave them cached as disabled.)
pub fn capture_this_thread() -> Capture {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    let exclusive = EXCLUSIVE.lock().unwrap_or_else(PoisonError::into_inner);
    let buffer = Buffer::default();
    *TARGET.lock().unwrap_or_else(PoisonError::into_inner) =
        Some((std::thread::current().id(), buffer.clone()));
    INSTALLED.get_or_init(|| {
        // Span closes are printed too: a field recorded after the last event (a status, an
        // error type) shows on the close line, as an exporter would see it.
        let layer = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_writer(|| TargetWriter)
            .with_filter(dynamic_filter_fn(|_, _| on_target_thread()));
        tracing_subscriber::registry().with(layer).init();
    });
    Capture {
        buffer,
        _exclusive: exclusive,
    }
}
