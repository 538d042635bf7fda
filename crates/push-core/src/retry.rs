//! Retries: the policy (data), the classifier (a pure function) and the backoff schedule.
//!
//! The loop that uses them is `retry_loop::run`, under [`Transport::send`](crate::Transport::send).
//! The defaults never risk a duplicate publish: a `POST` is retried only when the service
//! certainly did not act on it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// How many times, how soon and for how long a failed request is tried again.
///
/// ```
/// use std::time::Duration;
/// use push_core::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .base_backoff(Duration::from_millis(50))
///     .deadline(Some(Duration::from_secs(10)));
/// assert_eq!(policy.get_max_attempts(), 5);
/// assert_eq!(RetryPolicy::none().get_max_attempts(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_backoff: Duration,
    max_backoff: Duration,
    jitter: f64,
    deadline: Option<Duration>,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, backoff from 100 ms doubling up to 2 s with 50 % jitter, an overall
    /// deadline of 60 s, and `Retry-After` honoured up to 30 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            jitter: 0.5,
            deadline: Some(Duration::from_secs(60)),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries: every request is sent once.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The total number of attempts, the first one included (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The delay before the first retry; each later retry doubles it.
    #[must_use]
    pub fn base_backoff(mut self, delay: Duration) -> Self {
        self.base_backoff = delay;
        self
    }

    /// The longest delay between two attempts (before jitter).
    #[must_use]
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The share of each backoff delay that is randomised, from 0.0 (none) to 1.0 (the
    /// whole delay). Values outside that range are clamped.
    #[must_use]
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        self
    }

    /// The longest a call may take, all attempts and delays included; `None` for no limit
    /// beyond each attempt's own timeout. No retry starts that would end after it.
    #[must_use]
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// The longest `Retry-After` delay honoured; a longer one is shortened to this.
    #[must_use]
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// The total number of attempts.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The overall deadline.
    pub fn get_deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The delay before attempt `attempt + 1`, given that `attempt` (1-based) just failed,
    /// `random` being a uniformly distributed value used for jitter.
    ///
    /// ```
    /// use std::time::Duration;
    /// use push_core::RetryPolicy;
    ///
    /// let p = RetryPolicy::default()
    ///     .base_backoff(Duration::from_millis(100))
    ///     .max_backoff(Duration::from_millis(300))
    ///     .jitter(0.0);
    /// assert_eq!(p.backoff(1, 0), Duration::from_millis(100));
    /// assert_eq!(p.backoff(2, 0), Duration::from_millis(200));
    /// assert_eq!(p.backoff(3, 0), Duration::from_millis(300)); // capped
    /// ```
    pub fn backoff(&self, attempt: u32, random: u64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(31);
        let raw = self
            .base_backoff
            .checked_mul(1u32 << exponent)
            .unwrap_or(self.max_backoff);
        let capped = raw.min(self.max_backoff);
        // Equal jitter: keep (1 - jitter) of the delay, randomise the rest.
        let fraction = (random >> 11) as f64 / (1u64 << 53) as f64; // uniform in [0, 1)
        let keep = 1.0 - self.jitter;
        capped.mul_f64(keep + self.jitter * fraction)
    }

    /// The delay to wait for a server-requested `Retry-After`, capped.
    pub fn retry_after_delay(&self, requested: Duration) -> Duration {
        requested.min(self.max_retry_after)
    }
}

/// What happened to one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// No connection could be made: the request was not sent.
    ConnectFailed,
    /// The attempt timed out: the service may or may not have acted on it.
    TimedOut,
    /// The connection broke after the request may have been sent.
    Interrupted,
    /// The service answered with this status.
    Status {
        /// The HTTP status code.
        status: u16,
        /// The parsed `Retry-After` header, if present.
        retry_after: Option<Duration>,
    },
}

/// What the classifier decided about an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Do not try again: return this outcome to the caller.
    Stop,
    /// Try again after the policy's backoff.
    Retry,
    /// Try again after the delay the service asked for.
    RetryAfter(Duration),
}

/// Decides whether an attempt should be retried. Pure: it looks only at whether the request
/// is idempotent and at what happened.
///
/// - Any request: retried when no connection could be made, and on 429 and 503 (the service
///   says it did not process the request).
/// - Idempotent requests (`GET`, `HEAD`, `PUT`, `DELETE`): also on timeouts, broken
///   connections, 500, 502 and 504.
/// - Everything else stops: a successful answer, other 4xx, and for `POST`/`PATCH` any failure
///   after which the service may already have acted (a retried publish would be delivered twice).
///
/// ```
/// use push_core::{classify, Decision, Method, Outcome};
///
/// let s500 = Outcome::Status { status: 500, retry_after: None };
/// assert_eq!(classify(Method::Post.is_idempotent(), s500), Decision::Stop);
/// assert_eq!(classify(Method::Get.is_idempotent(), s500), Decision::Retry);
/// ```
pub fn classify(idempotent: bool, outcome: Outcome) -> Decision {
    match outcome {
        Outcome::ConnectFailed => Decision::Retry,
        Outcome::TimedOut | Outcome::Interrupted => {
            if idempotent {
                Decision::Retry
            } else {
                Decision::Stop
            }
        }
        Outcome::Status {
            status,
            retry_after,
        } => {
            let retryable = match status {
                429 | 503 => true,
                500 | 502 | 504 => idempotent,
                _ => false,
            };
            match (retryable, retry_after) {
                (false, _) => Decision::Stop,
                (true, Some(after)) => Decision::RetryAfter(after),
                (true, None) => Decision::Retry,
            }
        }
    }
}

/// Parses a `Retry-After` header value: either whole seconds (`"120"`) or an HTTP date
/// (`"Wed, 21 Oct 2015 07:28:00 GMT"`), relative to `now`. A date in the past means "now".
/// Anything else is ignored (`None`).
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use push_core::parse_retry_after;
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_445_412_470);
/// assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::from_secs(10)));
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long digit strings saturate rather than fail.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// An injectable sleep, so tests of the retry loop take milliseconds.
///
/// ```
/// use std::time::Duration;
/// use push_core::Sleeper;
///
/// // Never actually wait.
/// let sleeper = Sleeper::new(|_delay: Duration| async {});
/// # let _ = sleeper;
/// ```
#[derive(Clone)]
pub struct Sleeper(Arc<SleepFn>);

/// A boxed future that completes after a delay.
type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;
/// The function behind a [`Sleeper`].
type SleepFn = dyn Fn(Duration) -> SleepFuture + Send + Sync;

impl Sleeper {
    /// A sleeper that runs `sleep(delay)` for every backoff delay.
    pub fn new<F, Fut>(sleep: F) -> Self
    where
        F: Fn(Duration) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Self(Arc::new(move |delay| Box::pin(sleep(delay))))
    }

    /// The default: `tokio::time::sleep`.
    pub fn tokio() -> Self {
        Self::new(tokio::time::sleep)
    }

    pub(crate) fn sleep(&self, delay: Duration) -> SleepFuture {
        (self.0)(delay)
    }
}

impl Default for Sleeper {
    fn default() -> Self {
        Self::tokio()
    }
}

impl std::fmt::Debug for Sleeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sleeper(..)")
    }
}

/// A cheap, non-cryptographic random number for jitter (splitmix64 over a per-process seed
/// from the standard library's randomly keyed hasher).
pub(crate) fn jitter_random() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    let seed = RandomState::new().hash_one(n);
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Method;
    use std::time::UNIX_EPOCH;

    fn status(status: u16) -> Outcome {
        Outcome::Status {
            status,
            retry_after: None,
        }
    }

    /// The classifier as a table: (outcome, decision for POST, decision for GET).
    #[test]
    fn classifier_table() {
        use Decision::{Retry, RetryAfter, Stop};
        let after = Duration::from_secs(2);
        let table = [
            (Outcome::ConnectFailed, Retry, Retry),
            (Outcome::TimedOut, Stop, Retry),
            (Outcome::Interrupted, Stop, Retry),
            (status(200), Stop, Stop),
            (status(201), Stop, Stop),
            (status(204), Stop, Stop),
            (status(400), Stop, Stop),
            (status(401), Stop, Stop),
            (status(403), Stop, Stop),
            (status(404), Stop, Stop),
            (status(413), Stop, Stop),
            (status(422), Stop, Stop),
            (status(429), Retry, Retry),
            (status(500), Stop, Retry),
            (status(501), Stop, Stop),
            (status(502), Stop, Retry),
            (status(503), Retry, Retry),
            (status(504), Stop, Retry),
            (
                Outcome::Status {
                    status: 429,
                    retry_after: Some(after),
                },
                RetryAfter(after),
                RetryAfter(after),
            ),
            (
                Outcome::Status {
                    status: 503,
                    retry_after: Some(after),
                },
                RetryAfter(after),
                RetryAfter(after),
            ),
            (
                Outcome::Status {
                    status: 500,
                    retry_after: Some(after),
                },
                Stop,
                RetryAfter(after),
            ),
            (
                Outcome::Status {
                    status: 400,
                    retry_after: Some(after),
                },
                Stop,
                Stop,
            ),
        ];
        for (outcome, post, get) in table {
            assert_eq!(
                classify(Method::Post.is_idempotent(), outcome),
                post,
                "POST {outcome:?}"
            );
            assert_eq!(
                classify(Method::Patch.is_idempotent(), outcome),
                post,
                "PATCH {outcome:?}"
            );
            for m in [Method::Get, Method::Head, Method::Delete, Method::Put] {
                assert_eq!(
                    classify(m.is_idempotent(), outcome),
                    get,
                    "{m:?} {outcome:?}"
                );
            }
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = UNIX_EPOCH + Duration::from_secs(1_445_412_470);
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        // IMF-fixdate, RFC 850 and asctime forms.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed Oct 21 07:28:00 2015", now),
            Some(Duration::from_secs(10))
        );
        // In the past: retry now.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        for bad in ["", "-1", "1.5", "soon", "Wed, 32 Oct 2015 07:28:00 GMT"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn backoff_doubles_caps_and_jitters_within_bounds() {
        let p = RetryPolicy::default()
            .base_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(1))
            .jitter(0.5);
        for attempt in 1..40 {
            let full = Duration::from_millis(100)
                .saturating_mul(1 << (attempt - 1).min(20))
                .min(Duration::from_secs(1));
            for random in [0, u64::MAX, jitter_random(), jitter_random()] {
                let d = p.backoff(attempt, random);
                assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
            }
        }
        assert_eq!(
            p.retry_after_delay(Duration::from_secs(3600)),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn policy_setters_clamp() {
        let p = RetryPolicy::none().max_attempts(0).jitter(f64::NAN);
        assert_eq!(p.get_max_attempts(), 1);
        assert_eq!(RetryPolicy::default().jitter(7.0).jitter, 1.0);
    }
}
