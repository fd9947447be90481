//! The terminal table on the hand-built sample report.

use super::table;
use crate::canary::render::sample;

fn line_with<'t>(text: &'t str, start: &str) -> &'t str {
    text.lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting with {start:?} in\n{text}"))
}

fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

#[test]
fn the_tier_summary_has_every_column_and_flags_a_missing_heartbeat() {
    let text = table(&sample::report());
    assert_eq!(
        words(line_with(&text, "tier ")),
        [
            "tier",
            "total",
            "passing",
            "degraded",
            "failing",
            "inconclusive",
            "stale",
            "unproven",
            "heartbeat"
        ]
    );
    assert_eq!(
        words(line_with(&text, "critical ")),
        ["critical", "2", "1", "0", "1", "0", "0", "0", "4m", "ago"]
    );
    assert_eq!(
        words(line_with(&text, "hourly ")),
        ["hourly", "2", "1", "1", "0", "0", "1", "1", "42m", "ago"]
    );
    assert_eq!(
        words(line_with(&text, "daily ")),
        ["daily", "2", "0", "0", "1", "1", "0", "1", "MISSING"]
    );
    assert_eq!(
        words(line_with(&text, "all ")),
        ["all", "6", "2", "1", "2", "1", "1", "2"]
    );
}

#[test]
fn columns_are_aligned() {
    let text = table(&sample::report());
    let header = line_with(&text, "tier ");
    let critical = line_with(&text, "critical ");
    // Numbers are right-aligned under their header; the heartbeat column starts together.
    assert_eq!(
        header.find("total").unwrap() + "total".len(),
        critical.find('2').unwrap() + 1
    );
    assert_eq!(header.find("heartbeat"), critical.find("4m ago"));
    let fixture_header = line_with(&text, "fixture ");
    let failing = line_with(&text, "booking/confirm_double_charge ");
    assert_eq!(
        fixture_header.find("reasons"),
        failing.find("duplicate_side_effect")
    );
    assert!(
        text.lines().all(|l| l == l.trim_end()),
        "no trailing spaces"
    );
}

#[test]
fn non_passing_fixtures_come_worst_first_then_degraded() {
    let text = table(&sample::report());
    let order: Vec<usize> = [
        "not passing (4)",
        "booking/confirm_double_charge ",
        "research/summarize_drift ",
        "research/cite_sources ",
        "billing/invoice_render ",
        "degraded (1)",
        "billing/refund_partial ",
        "silent-failure windows (2)",
        "active overrides (1)",
        "health gate:",
    ]
    .iter()
    .map(|needle| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}\n{text}");
    let failing = line_with(&text, "booking/confirm_double_charge ");
    for needle in [
        "critical",
        "failing",
        "failed",
        "4m ago",
        "attempt 2",
        "duplicate_side_effect [partial_write]",
    ] {
        assert!(failing.contains(needle), "{needle} in {failing}");
    }
    let stale = line_with(&text, "billing/invoice_render ");
    assert!(
        stale.contains("stale")
            && stale.contains("3h 20m ago")
            && stale.contains("not required, unproven")
    );
    assert!(line_with(&text, "research/summarize_drift ").contains("overridden"));
    assert!(
        !text.contains("booking/search_basic"),
        "passing fixtures are not listed"
    );
}

#[test]
fn windows_overrides_and_the_gate_line() {
    let text = table(&sample::report());
    assert_eq!(
        words(line_with(&text, "silent_drift ")),
        [
            "silent_drift",
            "310.0",
            "5h",
            "10m",
            "OPEN",
            "0197300a-0000-7000-8000-00000000d21f",
            "no",
            "alert",
            "yet"
        ]
    );
    assert!(!line_with(&text, "partial_write ").contains("OPEN"));
    let ovr = line_with(&text, "research/summarize_drift  dana");
    assert!(
        ovr.contains("2025-06-03T08:00:00Z")
            && ovr.ends_with("upstream schema change; fix in review")
    );
    assert_eq!(
        text.lines().last().unwrap(),
        "health gate: exit 1 (failing): required fixture booking/confirm_double_charge is failing (failed: duplicate_side_effect); tier daily: no canary heartbeat (period 24h + grace 2h)"
    );
    assert!(text.contains("store postgres://canary:***@db.internal"));
}

#[test]
fn hostile_text_cannot_reach_the_terminal() {
    let text = table(&sample::hostile());
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
    assert!(
        text.contains("<script>alert('x&y')</script>"),
        "plain text is not escaped, only made safe"
    );
}

#[test]
fn an_empty_report_says_none() {
    let text = table(&sample::empty());
    for needle in [
        "not passing: none",
        "degraded: none",
        "silent-failure windows: none",
        "active overrides: none",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    assert!(text.ends_with("\nhealth gate: exit 0 (healthy)\n"));
}

#[test]
fn snapshot() {
    insta::with_settings!({ snapshot_path => "../../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("table_sample", table(&sample::report()));
    });
}
