//! A source of "now", injectable so that signatures and tokens can be tested at a fixed time.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where a client reads the current time: the system clock by default, a fixed instant in
/// tests. Cheap to clone.
///
/// ```
/// use push_core::Clock;
///
/// let clock = Clock::fixed(1_700_000_000);
/// assert_eq!(clock.unix_seconds(), 1_700_000_000);
/// ```
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> SystemTime + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(Arc::new(SystemTime::now))
    }

    /// A clock that always reads `unix_seconds`.
    pub fn fixed(unix_seconds: u64) -> Self {
        Self(Arc::new(move || {
            UNIX_EPOCH + Duration::from_secs(unix_seconds)
        }))
    }

    /// A clock backed by any function.
    pub fn from_fn(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// The current time.
    pub fn now(&self) -> SystemTime {
        (self.0)()
    }

    /// The current time in whole seconds since the Unix epoch (0 for a clock set before it).
    pub fn unix_seconds(&self) -> u64 {
        self.now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }

    /// The current time in milliseconds since the Unix epoch (0 for a clock set before it).
    pub fn unix_millis(&self) -> u128 {
        self.now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis())
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}
