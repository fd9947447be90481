//! The per-dependency state shared by the calls of a process (production) or of one replay.

use super::breaker::{Admission, BreakerConfig, BreakerState, CircuitBreaker};
use super::budget::{BudgetConfig, RetryBudget};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Budgets and breakers by configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ResilienceConfig {
    /// Every dependency's retry budget.
    pub budget: BudgetConfig,
    /// Every dependency's breaker.
    pub breaker: BreakerConfig,
}

#[derive(Debug)]
struct Dependency {
    budget: RetryBudget,
    breaker: CircuitBreaker,
}

/// The budgets and breakers of every dependency. Share one (in an `Arc`) across the runs of a
/// process so that a fleet of agents sees one breaker per dependency; replay makes a fresh one
/// per run on the virtual clock.
#[derive(Debug)]
pub struct Resilience {
    config: ResilienceConfig,
    origin: Option<Instant>,
    dependencies: Mutex<HashMap<String, Dependency>>,
}

impl Default for Resilience {
    fn default() -> Resilience {
        Resilience::new(ResilienceConfig::default())
    }
}

impl Resilience {
    /// A registry on the real clock.
    pub fn new(config: ResilienceConfig) -> Resilience {
        Resilience {
            config,
            origin: Some(Instant::now()),
            dependencies: Mutex::new(HashMap::new()),
        }
    }

    /// The numbers every dependency's budget and breaker use.
    pub fn config(&self) -> ResilienceConfig {
        self.config
    }

    /// A registry on a run's own clock (replay: virtual time).
    pub(crate) fn on_run_clock(config: ResilienceConfig) -> Resilience {
        Resilience {
            origin: None,
            ..Resilience::new(config)
        }
    }

    /// Now, on the registry's clock; `run_elapsed` is the run's own clock.
    pub(crate) fn now(&self, run_elapsed: Duration) -> Duration {
        self.origin.map_or(run_elapsed, |o| o.elapsed())
    }

    fn with<T>(&self, dependency: &str, f: impl FnOnce(&mut Dependency) -> T) -> T {
        let mut map = self
            .dependencies
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let entry = map
            .entry(dependency.to_string())
            .or_insert_with(|| Dependency {
                budget: RetryBudget::new(self.config.budget),
                breaker: CircuitBreaker::new(self.config.breaker),
            });
        f(entry)
    }

    /// Asks the dependency's breaker to admit a call.
    pub fn admit(
        &self,
        dependency: &str,
        now: Duration,
    ) -> (Admission, Option<(BreakerState, BreakerState)>) {
        self.with(dependency, |d| d.breaker.admit(now))
    }

    /// Records a success (`first_try` deposits into the budget).
    pub fn success(
        &self,
        dependency: &str,
        first_try: bool,
        now: Duration,
    ) -> Option<(BreakerState, BreakerState)> {
        self.with(dependency, |d| {
            if first_try {
                d.budget.deposit(now);
            }
            d.breaker.success()
        })
    }

    /// Records a failure (a transient error other than a rate limit).
    pub fn failure(&self, dependency: &str, now: Duration) -> Option<(BreakerState, BreakerState)> {
        self.with(dependency, |d| d.breaker.failure(now))
    }

    /// Records a rate limit: neither a failure nor a success for the breaker (see
    /// [`CircuitBreaker::rate_limited`]).
    pub fn rate_limited(&self, dependency: &str) -> Option<(BreakerState, BreakerState)> {
        self.with(dependency, |d| d.breaker.rate_limited())
    }

    /// Whether the dependency's breaker would refuse a call at `at` (see
    /// [`CircuitBreaker::rejects_at`]).
    pub fn rejects_at(&self, dependency: &str, at: Duration) -> bool {
        self.with(dependency, |d| d.breaker.rejects_at(at))
    }

    /// Opens the dependency's breaker at `now` (see [`CircuitBreaker::force_open`]).
    pub fn force_open(
        &self,
        dependency: &str,
        now: Duration,
    ) -> Option<(BreakerState, BreakerState)> {
        self.with(dependency, |d| d.breaker.force_open(now))
    }

    /// Opens the dependency's breaker with its cool-down ending at `probe_at` (see
    /// [`CircuitBreaker::force_open_until`]).
    pub fn force_open_until(
        &self,
        dependency: &str,
        probe_at: Duration,
    ) -> Option<(BreakerState, BreakerState)> {
        self.with(dependency, |d| d.breaker.force_open_until(probe_at))
    }

    /// How long after `now` the dependency's open breaker admits its probe (see
    /// [`CircuitBreaker::probe_in`]).
    pub fn probe_in(&self, dependency: &str, now: Duration) -> Option<Duration> {
        self.with(dependency, |d| d.breaker.probe_in(now))
    }

    /// Asks the dependency's budget for a retry.
    pub fn withdraw(&self, dependency: &str, now: Duration) -> bool {
        self.with(dependency, |d| d.budget.withdraw(now))
    }

    /// The retries the dependency's budget holds now (as of its last use).
    pub fn budget_balance(&self, dependency: &str) -> f64 {
        self.with(dependency, |d| d.budget.balance())
    }

    /// The breaker state of a dependency.
    pub fn breaker_state(&self, dependency: &str) -> BreakerState {
        self.with(dependency, |d| d.breaker.state())
    }
}
