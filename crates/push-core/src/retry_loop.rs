//! The retry loop: a function over an attempt closure, so every path through it is tested
//! with closures and a fake clock, without a socket.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::retry::{Decision, Outcome, RetryPolicy, Sleeper, classify, jitter_random};

/// What the loop tells one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Attempt {
    /// 1 for the first attempt.
    pub(crate) number: u32,
    /// When this attempt must have ended: its start, read from the loop's clock (the first
    /// attempt starts when the call began, so no clock read is added), plus the per-attempt
    /// timeout, or less when the overall deadline is nearer.
    pub(crate) deadline: Instant,
}

/// Where the loop reads the time and how it waits: the system clock and the policy's
/// sleeper in production, a fake clock in tests.
pub(crate) struct Timing<'a> {
    pub(crate) now: &'a (dyn Fn() -> Instant + Sync),
    pub(crate) sleeper: &'a Sleeper,
    /// When the call began, read from `now` by the caller (who needs it too): the deadline
    /// counts from it, and the first attempt starts at it without reading the clock again.
    pub(crate) started: Instant,
}

/// Runs `attempt` until it succeeds or the loop must stop: the classifier says stop (a
/// success, a refusal, a POST that may have taken effect), the attempts are used up, the next
/// one could not start before the deadline, or the attempt refused its input (nothing was
/// sent, so trying again changes nothing). The last attempt's result is returned; when the
/// deadline leaves no time for even one attempt, `deadline_passed(elapsed)` is.
#[allow(
    clippy::manual_async_fn,
    reason = "an `async fn` would hold each argument twice in its future"
)]
pub(crate) fn run<'a, T, F, Fut>(
    policy: &'a RetryPolicy,
    per_attempt: Duration,
    idempotent: bool,
    timing: &'a Timing<'a>,
    deadline_passed: impl Fn(Duration) -> Error + 'a,
    mut attempt: F,
) -> impl Future<Output = Result<T>> + 'a
where
    F: FnMut(Attempt) -> Fut + 'a,
    Fut: Future<Output = (Outcome, Result<T>)>,
{
    // An `async move` block rather than an `async fn`, which would hold each argument twice.
    async move {
        let started = timing.started;
        let deadline = policy.get_deadline().map(|d| started + d);
        let mut number: u32 = 0;
        loop {
            number += 1;
            // In a block, so that these are not kept in the future while the attempt runs.
            let this = {
                let now = if number == 1 { started } else { (timing.now)() };
                let remaining = deadline.map(|d| d.saturating_duration_since(now));
                let timeout = remaining.map_or(per_attempt, |r| r.min(per_attempt));
                if timeout.is_zero() {
                    return Err(deadline_passed(now.saturating_duration_since(started)));
                }
                Attempt {
                    number,
                    deadline: now + timeout,
                }
            };
            let (outcome, result) = attempt(this).await;
            match &result {
                Ok(_) => return result,
                Err(err) if err.is_invalid_input() => return result,
                Err(_) => {}
            }
            let delay = match classify(idempotent, outcome) {
                Decision::Stop => return result,
                Decision::Retry => policy.backoff(number, jitter_random()),
                Decision::RetryAfter(after) => policy.retry_after_delay(after),
            };
            if number >= policy.get_max_attempts() {
                return result;
            }
            if deadline.is_some_and(|d| (timing.now)() + delay >= d) {
                tracing::debug!(
                    attempt = number,
                    "no time left before the deadline for another attempt"
                );
                return result;
            }
            tracing::info!(
                attempt = number,
                delay_ms = delay.as_millis() as u64,
                "retrying after a retryable failure"
            );
            timing.sleeper.sleep(delay).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::error::ApiError;

    /// A clock that only moves when the loop sleeps, and remembers every delay.
    #[derive(Clone)]
    struct FakeTime {
        start: Instant,
        elapsed: Arc<Mutex<Duration>>,
        delays: Arc<Mutex<Vec<Duration>>>,
    }

    impl FakeTime {
        fn new() -> Self {
            Self {
                start: Instant::now(),
                elapsed: Arc::default(),
                delays: Arc::default(),
            }
        }

        fn now(&self) -> Instant {
            self.start + *self.elapsed.lock().unwrap()
        }

        fn advance(&self, by: Duration) {
            *self.elapsed.lock().unwrap() += by;
        }

        fn sleeper(&self) -> Sleeper {
            let time = self.clone();
            Sleeper::new(move |delay| {
                time.delays.lock().unwrap().push(delay);
                time.advance(delay);
                async {}
            })
        }

        fn delays(&self) -> Vec<Duration> {
            self.delays.lock().unwrap().clone()
        }
    }

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
            .max_attempts(4)
            .base_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(1))
            .jitter(0.0)
            .deadline(None)
    }

    fn status(status: u16, retry_after: Option<Duration>) -> (Outcome, Result<u32>) {
        (
            Outcome::Status {
                status,
                retry_after,
            },
            Err(ApiError::new(status, b"")
                .with_retry_after(retry_after)
                .into()),
        )
    }

    /// Runs the loop over a script of outcomes (the last one repeats), returning the result,
    /// the attempts it made (number and the time it was given, from its start to its
    /// deadline, each) and the delays it slept.
    fn script(
        policy: &RetryPolicy,
        idempotent: bool,
        outcomes: Vec<(Outcome, Result<u32>)>,
        attempt_takes: Duration,
    ) -> (Result<u32>, Vec<(u32, Duration)>, Vec<Duration>) {
        let time = FakeTime::new();
        let sleeper = time.sleeper();
        let clock = time.clone();
        let now = move || clock.now();
        let timing = Timing {
            now: &now,
            sleeper: &sleeper,
            started: time.now(),
        };
        let seen = Arc::new(Mutex::new(Vec::new()));
        let outcomes = Arc::new(Mutex::new(outcomes));
        let result = futures_executor(run(
            policy,
            Duration::from_secs(30),
            idempotent,
            &timing,
            |elapsed| Error::Timeout {
                address: "example:443".to_owned(),
                elapsed,
                source: None,
            },
            |attempt| {
                let given = attempt.deadline.saturating_duration_since(time.now());
                seen.lock().unwrap().push((attempt.number, given));
                time.advance(attempt_takes);
                let mut outcomes = outcomes.lock().unwrap();
                let next = if outcomes.len() > 1 {
                    outcomes.remove(0)
                } else {
                    let (outcome, result) = &outcomes[0];
                    (*outcome, clone_result(result))
                };
                async move { next }
            },
        ));
        let attempts = seen.lock().unwrap().clone();
        (result, attempts, time.delays())
    }

    fn clone_result(result: &Result<u32>) -> Result<u32> {
        match result {
            Ok(v) => Ok(*v),
            Err(Error::Api(api)) => Err(Error::Api(api.clone())),
            Err(Error::InvalidInput { field, reason }) => {
                Err(Error::invalid_input(field.clone(), reason.clone()))
            }
            Err(other) => panic!("scripted errors are Api or InvalidInput: {other:?}"),
        }
    }

    /// The loop's futures never wait on I/O here: poll them to completion on this thread.
    fn futures_executor<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn numbers(attempts: &[(u32, Duration)]) -> Vec<u32> {
        attempts.iter().map(|(number, _)| *number).collect()
    }

    #[test]
    fn immediate_success_makes_one_attempt() {
        let ok = (
            Outcome::Status {
                status: 200,
                retry_after: None,
            },
            Ok(7),
        );
        let (result, attempts, delays) = script(&policy(), false, vec![ok], Duration::ZERO);
        assert_eq!(result.unwrap(), 7);
        assert_eq!(numbers(&attempts), [1]);
        assert!(delays.is_empty());
    }

    #[test]
    fn too_many_transients_stop_at_the_attempt_limit_with_backoff() {
        let (result, attempts, delays) =
            script(&policy(), false, vec![status(503, None)], Duration::ZERO);
        assert_eq!(result.unwrap_err().status(), Some(503));
        assert_eq!(numbers(&attempts), [1, 2, 3, 4]);
        let ms = |v: u64| Duration::from_millis(v);
        assert_eq!(delays, [ms(100), ms(200), ms(400)]);
    }

    #[test]
    fn a_transient_then_success_returns_the_success() {
        let ok = (
            Outcome::Status {
                status: 201,
                retry_after: None,
            },
            Ok(1),
        );
        let (result, attempts, _) = script(
            &policy(),
            false,
            vec![
                (Outcome::ConnectFailed, Err(ApiError::new(599, b"").into())),
                ok,
            ],
            Duration::ZERO,
        );
        assert_eq!(result.unwrap(), 1);
        assert_eq!(numbers(&attempts), [1, 2]);
    }

    #[test]
    fn a_post_is_never_repeated_after_it_may_have_taken_effect() {
        for outcome in [status(500, None), status(502, None), status(504, None)] {
            let (result, attempts, delays) =
                script(&policy(), false, vec![outcome], Duration::ZERO);
            assert!(result.is_err());
            assert_eq!(numbers(&attempts), [1]);
            assert!(delays.is_empty());
        }
        let (_, attempts, _) = script(&policy(), true, vec![status(500, None)], Duration::ZERO);
        assert_eq!(numbers(&attempts), [1, 2, 3, 4], "a GET is retried on 500");
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let policy = policy().max_retry_after(Duration::from_secs(5));
        let (_, _, delays) = script(
            &policy,
            false,
            vec![
                status(429, Some(Duration::from_secs(2))),
                status(429, Some(Duration::from_secs(60))),
                (
                    Outcome::Status {
                        status: 200,
                        retry_after: None,
                    },
                    Ok(0),
                ),
            ],
            Duration::ZERO,
        );
        assert_eq!(delays, [Duration::from_secs(2), Duration::from_secs(5)]);
    }

    #[test]
    fn refused_input_is_not_tried_again() {
        let refused = (
            Outcome::ConnectFailed,
            Err(Error::invalid_input("request", "too long")),
        );
        let (result, attempts, _) = script(&policy(), true, vec![refused], Duration::ZERO);
        assert!(result.unwrap_err().is_invalid_input());
        assert_eq!(numbers(&attempts), [1]);
    }

    #[test]
    fn the_deadline_bounds_attempts_timeouts_and_delays() {
        // Each attempt takes 400 ms of a 1 s deadline; backoffs are 100 ms, 200 ms...
        let policy = policy().deadline(Some(Duration::from_secs(1)));
        let (result, attempts, delays) = script(
            &policy,
            true,
            vec![status(503, None)],
            Duration::from_millis(400),
        );
        assert_eq!(result.unwrap_err().status(), Some(503));
        // 0 ms: attempt 1 (timeout 1 s); 500 ms: attempt 2 (500 ms left); at 900 ms a 200 ms
        // backoff would end past the deadline, so the loop stops.
        assert_eq!(numbers(&attempts), [1, 2]);
        assert_eq!(attempts[0].1, Duration::from_secs(1));
        assert_eq!(attempts[1].1, Duration::from_millis(500));
        assert_eq!(delays, [Duration::from_millis(100)]);
    }

    #[test]
    fn a_deadline_already_passed_is_a_timeout_without_an_attempt() {
        let policy = policy().deadline(Some(Duration::ZERO));
        let (result, attempts, _) = script(&policy, true, vec![status(503, None)], Duration::ZERO);
        assert!(result.unwrap_err().is_timeout());
        assert!(attempts.is_empty());
    }
}
