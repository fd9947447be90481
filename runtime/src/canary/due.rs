//! Which tiers are due: a tier is due when its period has elapsed since the start of its last
//! finished session, so one schedule entry every 15 minutes runs critical each time, hourly
//! every hour and daily once a day. Tiers nest: running `daily` covers `hourly` and `critical`.

use super::config::CanaryConfig;
use crate::fixture::Tier;
use crate::store::canary::PHASE_FINISHED;
use crate::store::{Heartbeat, time};
use std::time::{Duration, SystemTime};

/// Schedulers fire a little early or late; a tier is due this much before its period is over.
pub const DUE_TOLERANCE: Duration = Duration::from_secs(60);

/// The tiers whose period has elapsed (or that never finished), most frequent first.
pub fn due_tiers(heartbeats: &[Heartbeat], config: &CanaryConfig, now: SystemTime) -> Vec<Tier> {
    Tier::ALL
        .into_iter()
        .filter(|tier| {
            let last = heartbeats
                .iter()
                .filter(|h| h.tier == *tier && h.phase == PHASE_FINISHED)
                .filter_map(|h| time::parse(&h.at))
                .max();
            match last {
                None => true,
                Some(at) => {
                    let age = now.duration_since(at).unwrap_or(Duration::ZERO);
                    age.saturating_add(DUE_TOLERANCE) >= config.policy(*tier).period
                }
            }
        })
        .collect()
}

/// The tier to run so that every tier in `tiers` is covered (the least frequent one).
pub fn widest(tiers: &[Tier]) -> Option<Tier> {
    tiers.iter().copied().max()
}

/// The tiers a run of `tier` covers: itself and every more frequent one.
pub fn covered(tier: Tier) -> Vec<Tier> {
    Tier::ALL.into_iter().filter(|t| *t <= tier).collect()
}

/// The trial filter (`filter`, `skip`) that selects the canaries of `tier` and of the tiers it
/// covers.
pub fn trial_filter(tier: Tier) -> (&'static str, Option<&'static str>) {
    match tier {
        Tier::Critical => ("canary::critical::", None),
        Tier::Hourly => ("canary::", Some("canary::daily::")),
        Tier::Daily => ("canary::", None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(tier: Tier, at: SystemTime) -> Heartbeat {
        Heartbeat {
            session_id: "s".into(),
            tier,
            phase: PHASE_FINISHED.into(),
            at: time::rfc3339(at),
        }
    }

    #[test]
    fn a_fifteen_minute_schedule_runs_each_tier_at_its_period() {
        let config = CanaryConfig::default();
        let start = time::parse("2026-11-22T00:00:00Z").unwrap();
        let mut heartbeats: Vec<Heartbeat> = Vec::new();
        let mut runs = Vec::new();
        // A scheduler firing every 15 minutes for one day, each run finishing at once.
        for tick in 0..96u64 {
            let now = start + Duration::from_secs(tick * 15 * 60 + 7);
            let due = due_tiers(&heartbeats, &config, now);
            let Some(tier) = widest(&due) else { continue };
            for t in covered(tier) {
                heartbeats.push(finished(t, now));
            }
            runs.push(tier);
        }
        let count = |t: Tier| runs.iter().filter(|r| **r == t).count();
        assert_eq!(runs.len(), 96, "critical is due at every tick");
        assert_eq!(count(Tier::Daily), 1);
        assert_eq!(count(Tier::Hourly), 23);
        assert_eq!(count(Tier::Critical), 72);
    }

    #[test]
    fn nothing_ran_means_everything_is_due() {
        let now = SystemTime::now();
        assert_eq!(
            due_tiers(&[], &CanaryConfig::default(), now),
            Tier::ALL.to_vec()
        );
        assert_eq!(covered(Tier::Hourly), [Tier::Critical, Tier::Hourly]);
    }
}
