//! Retry with exponential backoff and jitter: which errors retry, how long to wait (honouring
//! `Retry-After`), and when to stop (attempts, budget, breaker, deadline).

use backon::{BackoffBuilder, ExponentialBuilder};
use std::time::Duration;

/// How a call is retried.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 3).
    pub max_attempts: u32,
    /// The first backoff (default 100 ms).
    pub min_delay: Duration,
    /// The longest backoff (default 10 s).
    pub max_delay: Duration,
    /// The growth factor (default 2).
    pub factor: f32,
    /// Equal jitter: each delay is drawn from `[d/2, d)` with `ctx.random()`, so replay
    /// reproduces it (default on).
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(10),
            factor: 2.0,
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy of `n` attempts with the default backoff.
    pub fn attempts(n: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts: n.max(1),
            ..RetryPolicy::default()
        }
    }

    /// The backoff before each retry, without jitter (`max_attempts - 1` of them).
    pub fn backoff(&self) -> impl Iterator<Item = Duration> {
        ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_factor(self.factor)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize)
            .build()
            // The builder multiplies in f32: round to whole microseconds.
            .map(|d| Duration::from_micros(d.as_secs_f64().mul_add(1e6, 0.5) as u64))
    }

    /// A delay with equal jitter from a random number in `[0, 1)`.
    pub fn jittered(&self, delay: Duration, random: f64) -> Duration {
        if self.jitter {
            delay.mul_f64(0.5 + 0.5 * random.clamp(0.0, 1.0))
        } else {
            delay
        }
    }
}

/// Why a retry loop stopped without success (recorded in its last `retry_decision` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUp {
    /// The error is not transient.
    NotRetryable,
    /// The policy's attempts are used up.
    AttemptsExhausted,
    /// The dependency's retry budget is empty.
    BudgetExhausted,
    /// Waiting would pass the run's deadline.
    Deadline,
    /// The failure opened the dependency's breaker (or it is open): the retry would be refused.
    CircuitOpen,
}

impl GiveUp {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            GiveUp::NotRetryable => "not_retryable",
            GiveUp::AttemptsExhausted => "attempts_exhausted",
            GiveUp::BudgetExhausted => "retry_budget_exhausted",
            GiveUp::Deadline => "deadline_exceeded",
            GiveUp::CircuitOpen => "circuit_open",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_the_cap_and_stops_at_the_attempts() {
        let policy = RetryPolicy {
            max_attempts: 5,
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            ..RetryPolicy::default()
        };
        let delays: Vec<Duration> = policy.backoff().collect();
        assert_eq!(
            delays,
            [100, 200, 300, 300].map(Duration::from_millis).to_vec()
        );
        assert_eq!(RetryPolicy::attempts(1).backoff().count(), 0);
        let d = Duration::from_millis(200);
        assert_eq!(policy.jittered(d, 0.0), Duration::from_millis(100));
        assert!(policy.jittered(d, 0.999) < d);
    }
}
