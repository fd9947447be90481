//! The terminal report: plain text in aligned columns, worst news first, the gate last.
//!
//! Every string from the report is made plain (control characters blanked): a hostile reason
//! cannot inject terminal escape sequences.

use super::text::{age, duration, plain, redact_store};
use crate::canary::report::{FixtureHealth, FixtureState, MonitorReport, TierSummary};

/// Renders `report` for a terminal: the tier summary, the fixtures that are not passing, the
/// degraded ones, the silent-failure windows, the active overrides and the health gate line.
pub fn table(report: &MonitorReport) -> String {
    let mut out = format!(
        "tapedeck canary · {} · store {}\n\n",
        plain(&report.generated_at),
        plain(&redact_store(&report.store))
    );
    out.push_str(&tiers(report));
    let not_passing: Vec<&FixtureHealth> = [
        FixtureState::Failing,
        FixtureState::Inconclusive,
        FixtureState::Stale,
    ]
    .into_iter()
    .flat_map(|state| report.fixtures.iter().filter(move |f| f.state == state))
    .collect();
    out.push_str(&fixtures("not passing", &not_passing));
    let degraded: Vec<&FixtureHealth> = report
        .fixtures
        .iter()
        .filter(|f| f.state == FixtureState::Degraded)
        .collect();
    out.push_str(&fixtures("degraded", &degraded));
    out.push_str(&retired(report));
    out.push_str(&windows(report));
    out.push_str(&overrides(report));
    out.push_str(&gate_line(report));
    out
}

fn retired(report: &MonitorReport) -> String {
    if report.retired.is_empty() {
        return String::new();
    }
    let ids: Vec<String> = report.retired.iter().map(|id| plain(id)).collect();
    format!(
        "\nretired ({}): in the store, no longer in the workspace (deleted or renamed), not counted or gated\n  {}\n",
        ids.len(),
        ids.join(", ")
    )
}

fn tiers(report: &MonitorReport) -> String {
    let rows: Vec<Vec<String>> = report
        .tiers
        .iter()
        .chain([&report.overall])
        .map(tier_row)
        .collect();
    columns(
        &[
            "tier",
            "total",
            "passing",
            "degraded",
            "failing",
            "inconclusive",
            "stale",
            "unproven",
            "heartbeat",
        ],
        &rows,
        &[1, 2, 3, 4, 5, 6, 7],
    )
}

fn tier_row(s: &TierSummary) -> Vec<String> {
    let heartbeat = match (s.tier, s.heartbeat_missing, s.heartbeat_age_minutes) {
        (None, ..) => String::new(),
        (Some(_), true, None) => "MISSING".to_owned(),
        (Some(_), true, Some(m)) => format!("MISSING (last {})", age(Some(m))),
        (Some(_), false, m) => age(m),
    };
    let mut row = vec![s.tier.map_or("all".to_owned(), |t| t.to_string())];
    row.extend(
        [
            s.fixtures_total,
            s.fixtures_passing,
            s.fixtures_degraded,
            s.fixtures_failing,
            s.fixtures_inconclusive,
            s.fixtures_stale,
            s.fixtures_unproven,
        ]
        .map(|n| n.to_string()),
    );
    row.push(heartbeat);
    row
}

fn fixtures(title: &str, fixtures: &[&FixtureHealth]) -> String {
    if fixtures.is_empty() {
        return format!("\n{title}: none\n");
    }
    let rows: Vec<Vec<String>> = fixtures.iter().map(|f| fixture_row(f)).collect();
    let header = [
        "fixture", "tier", "state", "last", "age", "flags", "run", "reasons",
    ];
    format!(
        "\n{title} ({})\n{}",
        fixtures.len(),
        columns(&header, &rows, &[])
    )
}

fn fixture_row(f: &FixtureHealth) -> Vec<String> {
    let mut flags = vec![];
    if !f.required {
        flags.push("not required".to_owned());
    }
    if !f.proven {
        flags.push("unproven".to_owned());
    }
    if f.overridden {
        flags.push("overridden".to_owned());
    }
    if f.attempts > 1 {
        flags.push(format!("attempt {}", f.attempts));
    }
    let mut reasons = f.last_reasons.join(", ");
    if let Some(class) = f.last_failure_class {
        reasons = format!("{reasons} [{}]", class.as_str())
            .trim_start()
            .to_owned();
    }
    vec![
        f.fixture_id.clone(),
        f.tier.to_string(),
        f.state.as_str().to_owned(),
        f.last_status.map_or("-", |s| s.as_str()).to_owned(),
        age(f.age_minutes),
        flags.join(", "),
        f.last_run_id.clone().unwrap_or_else(|| "-".to_owned()),
        reasons,
    ]
}

fn windows(report: &MonitorReport) -> String {
    let windows = &report.silent_failure_windows;
    if windows.is_empty() {
        return "\nsilent-failure windows: none\n".to_owned();
    }
    let rows: Vec<Vec<String>> = windows
        .iter()
        .map(|w| {
            vec![
                w.failure_class.as_str().to_owned(),
                format!("{:.1}", w.minutes),
                duration(w.minutes),
                if w.open { "OPEN" } else { "" }.to_owned(),
                w.first_bad_run_id.clone(),
                w.first_alert_at
                    .clone()
                    .unwrap_or_else(|| "no alert yet".to_owned()),
            ]
        })
        .collect();
    let header = [
        "class",
        "minutes",
        "window",
        "open",
        "first bad run",
        "first alert",
    ];
    format!(
        "\nsilent-failure windows ({})\n{}",
        windows.len(),
        columns(&header, &rows, &[1, 2])
    )
}

fn overrides(report: &MonitorReport) -> String {
    if report.overrides.is_empty() {
        return "\nactive overrides: none\n".to_owned();
    }
    let rows: Vec<Vec<String>> = report
        .overrides
        .iter()
        .map(|o| {
            vec![
                o.fixtures.clone(),
                o.who.clone(),
                o.until.clone(),
                o.why.clone(),
            ]
        })
        .collect();
    format!(
        "\nactive overrides ({}): the gate ignores the fixtures they cover\n{}",
        rows.len(),
        columns(&["fixtures", "who", "until", "why"], &rows, &[])
    )
}

fn gate_line(report: &MonitorReport) -> String {
    let gate = &report.gate;
    let mut line = format!(
        "\nhealth gate: exit {} ({})",
        gate.exit_code,
        plain(&gate.status)
    );
    if !gate.rules_tripped.is_empty() {
        let rules: Vec<String> = gate.rules_tripped.iter().map(|r| plain(r)).collect();
        line.push_str(&format!(": {}", rules.join("; ")));
    }
    line.push('\n');
    line
}

/// Aligned columns separated by two spaces; the columns in `right` are right-aligned (numbers).
/// Cells are made [`plain`]; trailing spaces are trimmed.
fn columns(header: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    let cells: Vec<Vec<String>> = std::iter::once(header.iter().map(|h| h.to_string()).collect())
        .chain(rows.iter().map(|r| r.iter().map(|c| plain(c)).collect()))
        .collect();
    let mut widths = vec![0; header.len()];
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &cells {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, &w))| {
                if right.contains(&i) {
                    format!("{cell:>w$}")
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
