//! Ready-to-use schedule definitions for `cargo xtask canary`: a crontab block, systemd
//! service and timer units, a GitHub Actions workflow, or Kubernetes CronJobs.
//!
//! Either one entry runs `cargo xtask canary --due` as often as the most frequent tier (the
//! runner picks the tiers that are due), or, per tier, one entry runs `--tier <tier>` at that
//! tier's period. The runner writes a heartbeat on every run, so a scheduler that stops is itself
//! reported; its exit status is the health gate.

mod formats;
mod quote;

use crate::fixture::Tier;
use std::time::Duration;

/// Where the schedule will run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScheduleFormat {
    /// A crontab block.
    Cron,
    /// A systemd `.service` and `.timer` pair per entry.
    Systemd,
    /// A GitHub Actions workflow.
    Github,
    /// Kubernetes `batch/v1` CronJob manifests.
    Kubernetes,
}

impl ScheduleFormat {
    /// Every format, in the order of [`ScheduleFormat::parse`]'s error message.
    pub const ALL: [ScheduleFormat; 4] = [
        ScheduleFormat::Cron,
        ScheduleFormat::Systemd,
        ScheduleFormat::Github,
        ScheduleFormat::Kubernetes,
    ];

    /// The name: `cron`, `systemd`, `github` or `kubernetes`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleFormat::Cron => "cron",
            ScheduleFormat::Systemd => "systemd",
            ScheduleFormat::Github => "github",
            ScheduleFormat::Kubernetes => "kubernetes",
        }
    }

    /// Parses a name (ASCII case-insensitive, surrounding spaces ignored).
    pub fn parse(name: &str) -> Result<ScheduleFormat, UnknownScheduleFormat> {
        let wanted = name.trim();
        ScheduleFormat::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownScheduleFormat {
                given: name.to_owned(),
            })
    }
}

impl std::fmt::Display for ScheduleFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ScheduleFormat {
    type Err = UnknownScheduleFormat;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        ScheduleFormat::parse(name)
    }
}

/// A schedule format name that is not one of `cron`, `systemd`, `github`, `kubernetes`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown schedule format {given:?}: use one of cron, systemd, github, kubernetes \
     (a crontab block, systemd units, a GitHub Actions workflow, Kubernetes CronJobs)"
)]
pub struct UnknownScheduleFormat {
    /// What was given.
    pub given: String,
}

/// What to schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleOptions {
    /// One entry per tier (`--tier <tier>` at its period) instead of one `--due` entry.
    pub per_tier: bool,
    /// The directory to run in (the agents' workspace); unset, the scheduler's default.
    pub workdir: Option<String>,
    /// The store URL passed as `--store`; unset, the runner's default (`TAPEDECK_STORE`, else
    /// a local SQLite file).
    pub store: Option<String>,
    /// Each tier's period. Periods that a cron expression cannot express are rounded down (the
    /// canary runs more often, never less).
    pub periods: [(Tier, Duration); 3],
}

impl Default for ScheduleOptions {
    /// One `--due` entry; critical every 15 minutes, hourly every hour, daily once a day.
    fn default() -> Self {
        ScheduleOptions {
            per_tier: false,
            workdir: None,
            store: None,
            periods: [
                (Tier::Critical, Duration::from_secs(15 * 60)),
                (Tier::Hourly, Duration::from_secs(60 * 60)),
                (Tier::Daily, Duration::from_secs(24 * 60 * 60)),
            ],
        }
    }
}

/// Prints ready-to-use definitions of the canary schedule in `format`.
pub fn schedule(format: ScheduleFormat, options: &ScheduleOptions) -> String {
    let entries = entries(options);
    match format {
        ScheduleFormat::Cron => formats::cron(&entries, options),
        ScheduleFormat::Systemd => formats::systemd(&entries, options),
        ScheduleFormat::Github => formats::github(&entries, options),
        ScheduleFormat::Kubernetes => formats::kubernetes(&entries, options),
    }
}

/// One scheduled command.
struct Entry {
    /// `tapedeck-canary` or `tapedeck-canary-<tier>`.
    name: String,
    /// `None` for the `--due` entry.
    tier: Option<Tier>,
    /// How often it runs.
    every: Every,
    /// The command line, unquoted: `cargo xtask canary --due [--store URL]`.
    args: Vec<String>,
    /// How long one run may take: its period (for `--due`, the longest), at most 6 hours
    /// (GitHub's job limit).
    budget_minutes: u64,
}

impl Entry {
    /// `due tiers` or the tier's name.
    fn what(&self) -> String {
        self.tier
            .map_or("due tiers".to_owned(), |t| format!("tier {t}"))
    }
}

fn entries(options: &ScheduleOptions) -> Vec<Entry> {
    let store = options.store.as_deref();
    if options.per_tier {
        let mut periods = options.periods;
        periods.sort_by_key(|(tier, _)| *tier);
        return periods
            .iter()
            .map(|&(tier, period)| {
                entry(format!("tapedeck-canary-{tier}"), Some(tier), period, store)
            })
            .collect();
    }
    let most_frequent = options
        .periods
        .iter()
        .map(|(_, p)| *p)
        .min()
        .unwrap_or(Duration::from_secs(15 * 60));
    let longest = options.periods.iter().map(|(_, p)| *p).max();
    let mut due = entry("tapedeck-canary".to_owned(), None, most_frequent, store);
    // A `--due` run may include the daily tier: it gets the longest period's budget.
    due.budget_minutes = longest.map_or(due.budget_minutes, |p| Every::from(p).minutes().min(360));
    vec![due]
}

fn entry(name: String, tier: Option<Tier>, period: Duration, store: Option<&str>) -> Entry {
    let mut args: Vec<String> = ["cargo", "xtask", "canary"].map(String::from).into();
    match tier {
        None => args.push("--due".to_owned()),
        Some(tier) => args.extend(["--tier".to_owned(), tier.to_string()]),
    }
    if let Some(store) = store {
        args.extend(["--store".to_owned(), store.to_owned()]);
    }
    let every = Every::from(period);
    Entry {
        name,
        tier,
        every,
        args,
        budget_minutes: every.minutes().min(360),
    }
}

/// A period that cron and systemd calendars can express: a divisor of an hour, of a day, or
/// whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Every {
    /// Every n minutes, n dividing 60.
    Minutes(u64),
    /// Every n hours, n dividing 24.
    Hours(u64),
    /// Every n days.
    Days(u64),
}

impl From<Duration> for Every {
    /// Rounds down to the nearest expressible period.
    fn from(period: Duration) -> Every {
        let minutes = (period.as_secs() / 60).max(1);
        let divisor = |n: u64, of: u64| (1..=n).rev().find(|d| of.is_multiple_of(*d)).unwrap_or(1);
        match minutes {
            0..60 => Every::Minutes(divisor(minutes, 60)),
            60..1440 => Every::Hours(divisor(minutes / 60, 24)),
            _ => Every::Days(minutes / 1440),
        }
    }
}

impl Every {
    fn minutes(self) -> u64 {
        match self {
            Every::Minutes(n) => n,
            Every::Hours(n) => n * 60,
            Every::Days(n) => n * 1440,
        }
    }

    /// The cron expression: `*/15 * * * *`, `0 * * * *`, `0 0 * * *`, ...
    fn cron(self) -> String {
        match self {
            Every::Minutes(1) => "* * * * *".to_owned(),
            Every::Minutes(n) => format!("*/{n} * * * *"),
            Every::Hours(1) => "0 * * * *".to_owned(),
            Every::Hours(n) => format!("0 */{n} * * *"),
            Every::Days(1) => "0 0 * * *".to_owned(),
            Every::Days(7) => "0 0 * * 0".to_owned(),
            Every::Days(n) => format!("0 0 */{n} * *"),
        }
    }

    /// The systemd `OnCalendar=` expression.
    fn on_calendar(self) -> String {
        match self {
            Every::Minutes(1) => "*-*-* *:*:00".to_owned(),
            Every::Minutes(n) => format!("*-*-* *:00/{n}:00"),
            Every::Hours(1) => "*-*-* *:00:00".to_owned(),
            Every::Hours(n) => format!("*-*-* 00/{n}:00:00"),
            Every::Days(1) => "*-*-* 00:00:00".to_owned(),
            Every::Days(7) => "Sun *-*-* 00:00:00".to_owned(),
            Every::Days(n) => format!("*-*-01/{n} 00:00:00"),
        }
    }

    /// `15 minutes`, `hour`, `day`, ...
    fn describe(self) -> String {
        let (n, unit) = match self {
            Every::Minutes(n) => (n, "minute"),
            Every::Hours(n) => (n, "hour"),
            Every::Days(n) => (n, "day"),
        };
        if n == 1 {
            unit.to_owned()
        } else {
            format!("{n} {unit}s")
        }
    }
}

#[cfg(test)]
mod tests;
