//! Property tests for `tapedeck.toml`: arbitrary text, and arbitrary tables over the documented
//! keys with extreme values, never panic the parser, and a configuration that parses never
//! panics what uses it (due tiers, the monitor report and its renderings, schedules). Every
//! error names the file and, for a text that was parsed, its line and column.
//!
//! Bounded (256 cases each, no persistence files) so that the target runs in seconds.

use proptest::prelude::*;
use std::path::Path;
use std::time::{Duration, SystemTime};
use tapedeck::canary::config::ConfigError;
use tapedeck::canary::{CanaryConfig, KnownFixture, MonitorInput, monitor};
use tapedeck::fixture::Tier;
use tapedeck::store::{Heartbeat, RunRecord, RunType, SqliteStore, Store, time};

const FILE: &str = "/workspace/tapedeck.toml";

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A duration as a user might write it, or nonsense, or one at the limits.
fn arb_duration() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            0u64..100_000,
            prop::sample::select(vec!["s", "m", "h", "d", "w", "y", "ms"])
        )
            .prop_map(|(n, unit)| format!("{n}{unit}")),
        Just("584942417355y".to_string()),
        Just("18446744073709551615s".to_string()),
        Just("0s".to_string()),
        Just("".to_string()),
        "[a-z0-9 ]{0,12}",
    ]
}

/// A TOML value of any type, to put where another type is expected.
fn arb_value() -> impl Strategy<Value = String> {
    prop_oneof![
        arb_duration().prop_map(|d| format!("{d:?}")),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        Just("[\"*\", \"booking/*\", \"[\"]".to_string()),
        Just("{ a = 1 }".to_string()),
        Just("1.5e308".to_string()),
        "\"[a-z*?\\[\\]{},/]{0,10}\"",
    ]
}

/// A `tapedeck.toml` over the documented sections and keys, with some unknown ones.
fn arb_document() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "store",
        "tiers.critical.period",
        "tiers.critical.grace",
        "tiers.hourly.period",
        "tiers.hourly.grace",
        "tiers.daily.period",
        "tiers.daily.grace",
        "tiers.weekly.period",
        "tiers.critical.perod",
        "gate.required",
        "gate.require_proof",
        "gate.inconclusive_limit",
        "windows.lookback",
        "windows.lookbak",
    ]);
    prop::collection::btree_map(key, arb_value(), 0..8).prop_map(|entries| {
        entries
            .into_iter()
            .map(|(key, value)| format!("{key} = {value}\n"))
            .collect()
    })
}

/// Uses every part of a parsed configuration.
fn exercise(config: &CanaryConfig) {
    for tier in Tier::ALL {
        let policy = config.policy(tier);
        let _ = policy.freshness();
        let _ = config.is_required("booking::clean_booking");
    }
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
    let ancient = Heartbeat {
        session_id: "s".into(),
        tier: Tier::Daily,
        phase: "finished".into(),
        at: "1970-01-01T00:00:00Z".into(),
    };
    let _ = tapedeck::canary::due::due_tiers(&[ancient], config, now);

    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("runs.sqlite")).unwrap();
    let mut run = RunRecord::start("agent", RunType::Canary);
    run.fixture_id = Some("booking::clean_booking".into());
    run.tier = Some(Tier::Critical);
    run.started_at = time::rfc3339(now - Duration::from_secs(3600));
    run.closed_at = Some(run.started_at.clone());
    run.status = Some(tapedeck::Verdict::Passed);
    store.insert_run(&run).unwrap();
    let inventory = [KnownFixture {
        fixture_id: "booking::clean_booking".into(),
        tier: Tier::Critical,
    }];
    let report = monitor(
        &store,
        &MonitorInput {
            config,
            inventory: &inventory,
            listed: false,
            store_label: "test".into(),
            now,
            errors: Vec::new(),
        },
    )
    .unwrap();
    let _ = tapedeck::canary::table::table(&report);
    let _ = serde_json::to_string(&report).unwrap();
    for per_tier in [false, true] {
        let options = tapedeck::canary::ScheduleOptions {
            per_tier,
            periods: Tier::ALL.map(|tier| (tier, config.policy(tier).period)),
            ..Default::default()
        };
        for format in ["cron", "systemd", "github", "kubernetes"] {
            let format = tapedeck::canary::ScheduleFormat::parse(format).unwrap();
            let _ = tapedeck::canary::schedule(format, &options);
        }
    }
}

#[test]
fn durations_are_bounded_with_a_clear_error_and_the_largest_accepted_ones_work() {
    let error = CanaryConfig::parse(
        Path::new(FILE),
        "[tiers.daily]\nperiod = \"18446744073709551615s\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains(FILE) && error.contains("tiers.daily.period") && error.contains("366 days"),
        "{error}"
    );
    let max = "366d";
    let document = format!(
        "[tiers.critical]\nperiod = {max:?}\ngrace = {max:?}\n[windows]\nlookback = {max:?}\n"
    );
    let config = CanaryConfig::parse(Path::new(FILE), &document).unwrap();
    exercise(&config);
    let huge = tapedeck::canary::TierPolicy {
        period: Duration::MAX,
        grace: Duration::MAX,
    };
    assert_eq!(huge.freshness(), Duration::MAX);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_text_never_panics_and_errors_name_the_file(text in "\\PC{0,200}") {
        if let Err(e) = CanaryConfig::parse(Path::new(FILE), &text) {
            prop_assert!(e.to_string().contains(FILE), "{e}");
            prop_assert!(has_position(&e), "no line and column: {e}");
        }
    }

    #[test]
    fn documented_keys_with_any_values_never_panic(document in arb_document()) {
        match CanaryConfig::parse(Path::new(FILE), &document) {
            Ok(config) => {
                for tier in Tier::ALL {
                    prop_assert!(!config.policy(tier).period.is_zero());
                }
                exercise(&config);
            }
            Err(e) => {
                prop_assert!(e.to_string().contains(FILE), "{e}");
                prop_assert!(has_position(&e), "no line and column: {e}");
            }
        }
    }
}

/// Whether an error of a parsed text says where in the text it is.
fn has_position(error: &ConfigError) -> bool {
    matches!(error, ConfigError::Invalid { position: Some((line, column)), .. } if *line >= 1 && *column >= 1)
}
