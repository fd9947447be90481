//! A retry budget per dependency (the Finagle / tower model): every first-try success deposits a
//! fraction of a retry, every retry withdraws one, and a small reserve refills with time, so a
//! 2% error rate cannot become a retry storm.

use std::time::Duration;

/// How a budget is sized.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetConfig {
    /// Retries earned per first-try success (0.2: at most one retry per five calls).
    pub retry_ratio: f64,
    /// Retries always allowed per second of time, whatever the ratio (default 10, as Finagle).
    pub min_per_second: f64,
    /// The most retries a budget can hold (default 20).
    pub max_balance: f64,
}

impl Default for BudgetConfig {
    fn default() -> BudgetConfig {
        BudgetConfig {
            retry_ratio: 0.2,
            min_per_second: 10.0,
            max_balance: 20.0,
        }
    }
}

/// The budget of one dependency.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryBudget {
    config: BudgetConfig,
    balance: f64,
    refilled_at: Duration,
}

impl RetryBudget {
    /// A budget that starts with its reserve of one second.
    pub fn new(config: BudgetConfig) -> RetryBudget {
        RetryBudget {
            config,
            balance: config.min_per_second.min(config.max_balance),
            refilled_at: Duration::ZERO,
        }
    }

    /// Adds the time-based reserve up to `now` (time since an arbitrary origin).
    fn refill(&mut self, now: Duration) {
        let elapsed = now.saturating_sub(self.refilled_at).as_secs_f64();
        self.balance =
            (self.balance + elapsed * self.config.min_per_second).min(self.config.max_balance);
        self.refilled_at = self.refilled_at.max(now);
    }

    /// A call succeeded at its first try.
    pub fn deposit(&mut self, now: Duration) {
        self.refill(now);
        self.balance = (self.balance + self.config.retry_ratio).min(self.config.max_balance);
    }

    /// Asks for one retry; `false` when the budget is exhausted.
    pub fn withdraw(&mut self, now: Duration) -> bool {
        self.refill(now);
        // Deposits are fractions: allow for their rounding.
        if self.balance >= 1.0 - 1e-9 {
            self.balance -= 1.0;
            true
        } else {
            false
        }
    }

    /// Retries currently available.
    pub fn balance(&self) -> f64 {
        self.balance
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_are_earned_by_successes_and_run_out() {
        let mut budget = RetryBudget::new(BudgetConfig {
            min_per_second: 0.0,
            ..BudgetConfig::default()
        });
        let t = Duration::ZERO;
        assert!(!budget.withdraw(t), "nothing earned yet");
        for _ in 0..10 {
            budget.deposit(t);
        }
        assert!(budget.withdraw(t), "ten successes earn two retries");
        assert!(budget.withdraw(t));
        assert!(!budget.withdraw(t));
    }

    #[test]
    fn the_reserve_refills_with_time_up_to_the_cap() {
        let mut budget = RetryBudget::new(BudgetConfig {
            retry_ratio: 0.2,
            min_per_second: 1.0,
            max_balance: 10.0,
        });
        assert!(budget.withdraw(Duration::ZERO));
        assert!(!budget.withdraw(Duration::from_millis(500)));
        assert!(budget.withdraw(Duration::from_secs(2)));
        budget.refill(Duration::from_secs(3600));
        assert_eq!(budget.balance(), 10.0);
    }
}
