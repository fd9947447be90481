//! A circuit breaker per dependency: it opens after N consecutive failures, rejects calls while
//! open, and after a cool-down admits a single probe (half-open) whose result closes or reopens it.
//!
//! What counts: a transient error (timeout, unavailable, connection reset) is a failure; a
//! success closes the breaker and resets the count. A rate limit (429) is neither: a
//! dependency that throttles is healthy and answering, so three 429s in a row do not open its
//! breaker, and they neither add to nor reset the count of failures. They are still retried
//! (honouring `Retry-After`) and every retry is charged to the retry budget, which is what
//! keeps a throttled dependency from a retry storm. A half-open probe answered with a 429
//! proves nothing either way: the probe is released (the breaker is open again with its
//! cool-down already over), so the next call is the next probe. Errors that are not transient
//! (an invalid response, a tool's own failure) never reach the breaker.

use serde::Serialize;
use std::time::Duration;

/// How a breaker trips and recovers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Consecutive failures that open the breaker (default 3).
    pub failure_threshold: u32,
    /// How long it stays open before it admits a probe.
    pub cool_down: Duration,
    /// The probe's time limit.
    pub probe_timeout: Duration,
}

impl Default for BreakerConfig {
    fn default() -> BreakerConfig {
        BreakerConfig {
            failure_threshold: 3,
            cool_down: Duration::from_secs(30),
            probe_timeout: Duration::from_secs(5),
        }
    }
}

/// The breaker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    /// Calls flow.
    Closed,
    /// Calls are rejected (`circuit_open`).
    Open,
    /// One probe is in flight; other calls are rejected.
    HalfOpen,
}

/// What the breaker says about a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go ahead.
    Admitted,
    /// Go ahead as the single half-open probe, within the probe timeout.
    Probe(Duration),
    /// Rejected: the circuit is open.
    Rejected,
}

/// One dependency's breaker. Transitions are returned so callers can record them as events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    state: BreakerState,
    failures: u32,
    /// While open: when the cool-down ends and a probe is admitted.
    probe_at: Duration,
}

impl CircuitBreaker {
    /// A closed breaker.
    pub fn new(config: BreakerConfig) -> CircuitBreaker {
        CircuitBreaker {
            config,
            state: BreakerState::Closed,
            failures: 0,
            probe_at: Duration::ZERO,
        }
    }

    /// The state.
    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// Asks to make a call at `now`; returns the admission and a state change, if any.
    pub fn admit(&mut self, now: Duration) -> (Admission, Option<(BreakerState, BreakerState)>) {
        match self.state {
            BreakerState::Closed => (Admission::Admitted, None),
            BreakerState::HalfOpen => (Admission::Rejected, None),
            BreakerState::Open if now >= self.probe_at => {
                self.state = BreakerState::HalfOpen;
                (
                    Admission::Probe(self.config.probe_timeout),
                    Some((BreakerState::Open, BreakerState::HalfOpen)),
                )
            }
            BreakerState::Open => (Admission::Rejected, None),
        }
    }

    /// Whether a call at `at` would be refused: the breaker is half-open (its one probe is out)
    /// or open with its cool-down still running then. Asking changes nothing.
    pub fn rejects_at(&self, at: Duration) -> bool {
        match self.state {
            BreakerState::Closed => false,
            BreakerState::HalfOpen => true,
            BreakerState::Open => at < self.probe_at,
        }
    }

    /// How long after `now` an open breaker admits its probe (`None` unless it is open).
    pub fn probe_in(&self, now: Duration) -> Option<Duration> {
        (self.state == BreakerState::Open).then(|| self.probe_at.saturating_sub(now))
    }

    /// Opens the breaker at `now` whatever its state, as if it had just tripped: what a replay
    /// does for a breaker the fleet had opened before the recorded run began. Returns the
    /// change, if any.
    pub fn force_open(&mut self, now: Duration) -> Option<(BreakerState, BreakerState)> {
        self.force_open_until(now.saturating_add(self.config.cool_down))
    }

    /// Opens the breaker whatever its state, with its cool-down ending at `probe_at`: a breaker
    /// the fleet had opened some time before the recorded run began, whose probe came sooner
    /// than a whole cool-down after the run's start. Returns the change, if any.
    pub fn force_open_until(&mut self, probe_at: Duration) -> Option<(BreakerState, BreakerState)> {
        let before = self.state;
        self.state = BreakerState::Open;
        self.probe_at = probe_at;
        (before != BreakerState::Open).then_some((before, BreakerState::Open))
    }

    /// The admitted call succeeded.
    pub fn success(&mut self) -> Option<(BreakerState, BreakerState)> {
        self.failures = 0;
        let before = self.state;
        self.state = BreakerState::Closed;
        (before != BreakerState::Closed).then_some((before, BreakerState::Closed))
    }

    /// The admitted call was rate limited: no failure and no success (see the module docs); a
    /// half-open probe is released, so the next call probes again.
    pub fn rate_limited(&mut self) -> Option<(BreakerState, BreakerState)> {
        (self.state == BreakerState::HalfOpen).then(|| {
            self.state = BreakerState::Open;
            (BreakerState::HalfOpen, BreakerState::Open)
        })
    }

    /// The admitted call failed at `now`.
    pub fn failure(&mut self, now: Duration) -> Option<(BreakerState, BreakerState)> {
        self.failures += 1;
        let before = self.state;
        if before == BreakerState::HalfOpen || self.failures >= self.config.failure_threshold {
            self.state = BreakerState::Open;
            self.probe_at = now.saturating_add(self.config.cool_down);
        }
        (before != self.state).then_some((before, self.state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_three_failures_and_probes_once_after_the_cool_down() {
        let mut b = CircuitBreaker::new(BreakerConfig::default());
        let t = Duration::from_secs;
        assert_eq!(b.failure(t(0)), None);
        assert_eq!(b.failure(t(1)), None);
        assert_eq!(
            b.failure(t(2)),
            Some((BreakerState::Closed, BreakerState::Open))
        );
        assert_eq!(b.admit(t(10)).0, Admission::Rejected);
        let (admission, change) = b.admit(t(40));
        assert_eq!(admission, Admission::Probe(Duration::from_secs(5)));
        assert_eq!(change, Some((BreakerState::Open, BreakerState::HalfOpen)));
        assert_eq!(b.admit(t(40)).0, Admission::Rejected, "a single probe");
        assert_eq!(
            b.failure(t(41)),
            Some((BreakerState::HalfOpen, BreakerState::Open))
        );
        assert_eq!(b.admit(t(80)).0, Admission::Probe(Duration::from_secs(5)));
        assert_eq!(
            b.success(),
            Some((BreakerState::HalfOpen, BreakerState::Closed))
        );
        assert_eq!(b.admit(t(81)).0, Admission::Admitted);
    }

    #[test]
    fn rate_limits_neither_open_nor_reset_and_release_a_probe() {
        let mut b = CircuitBreaker::new(BreakerConfig::default());
        let t = Duration::from_secs;
        for _ in 0..5 {
            assert_eq!(b.rate_limited(), None);
        }
        assert_eq!(
            b.state(),
            BreakerState::Closed,
            "a throttling dependency is healthy"
        );
        b.failure(t(0));
        b.failure(t(0));
        b.rate_limited();
        assert_eq!(
            b.failure(t(1)),
            Some((BreakerState::Closed, BreakerState::Open)),
            "a 429 between failures does not reset their count"
        );
        assert_eq!(b.admit(t(31)).0, Admission::Probe(Duration::from_secs(5)));
        assert_eq!(
            b.rate_limited(),
            Some((BreakerState::HalfOpen, BreakerState::Open))
        );
        assert_eq!(
            b.admit(t(32)).0,
            Admission::Probe(Duration::from_secs(5)),
            "the released probe: the next call probes at once"
        );
    }

    #[test]
    fn rejects_at_peeks_at_the_cool_down_without_changing_state() {
        let mut b = CircuitBreaker::new(BreakerConfig::default());
        let t = Duration::from_secs;
        assert!(!b.rejects_at(t(0)));
        assert_eq!(
            b.force_open(t(10)),
            Some((BreakerState::Closed, BreakerState::Open))
        );
        assert!(b.rejects_at(t(39)), "cool-down still running");
        assert!(!b.rejects_at(t(40)), "a probe would be admitted");
        assert_eq!(b.state(), BreakerState::Open, "peeking changes nothing");
        assert_eq!(b.admit(t(40)).0, Admission::Probe(Duration::from_secs(5)));
        assert!(b.rejects_at(t(40)), "the probe is out");
        assert_eq!(
            b.force_open(t(41)),
            Some((BreakerState::HalfOpen, BreakerState::Open))
        );
        assert_eq!(b.force_open(t(42)), None);
    }

    #[test]
    fn a_breaker_opened_until_a_time_probes_then_and_says_how_long_is_left() {
        let mut b = CircuitBreaker::new(BreakerConfig::default());
        let t = Duration::from_secs;
        assert_eq!(b.probe_in(t(0)), None, "a closed breaker has no cool-down");
        assert_eq!(
            b.force_open_until(t(4)),
            Some((BreakerState::Closed, BreakerState::Open))
        );
        assert_eq!(b.probe_in(t(1)), Some(t(3)));
        assert_eq!(b.admit(t(3)).0, Admission::Rejected);
        assert_eq!(
            b.admit(t(4)).0,
            Admission::Probe(t(5)),
            "sooner than a cool-down"
        );
        assert_eq!(b.probe_in(t(4)), None, "half-open: the probe is out");
        b.failure(t(6));
        assert_eq!(
            b.probe_in(t(6)),
            Some(t(30)),
            "a failure restarts the whole cool-down"
        );
    }

    #[test]
    fn a_success_resets_the_count() {
        let mut b = CircuitBreaker::new(BreakerConfig::default());
        b.failure(Duration::ZERO);
        b.failure(Duration::ZERO);
        b.success();
        b.failure(Duration::ZERO);
        assert_eq!(b.state(), BreakerState::Closed);
    }
}
