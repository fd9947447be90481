//! JUnit XML for CI systems: one `<testsuite>` per tier, one `<testcase>` per fixture, and the
//! health gate's rules that are about no fixture (a missing heartbeat) as test cases of their own.
//!
//! Stale and inconclusive fixtures fail: unknown is never green, and a skip would hide them.

use super::text::{
    age, duration, escape, escape_attr, mentions, overrides_for, redact_store, split_fixture_id,
    tier_summary, tiers_present,
};
use crate::canary::report::{FixtureHealth, FixtureState, MonitorReport, TierSummary};

/// Renders `report` as a JUnit XML document (`<testsuites name="tapedeck canary">`).
pub fn junit(report: &MonitorReport) -> String {
    let mut suites: Vec<Suite> = tiers_present(report)
        .into_iter()
        .map(|tier| Suite {
            name: format!("canary::{tier}"),
            cases: report
                .fixtures
                .iter()
                .filter(|f| f.tier == tier)
                .map(|f| fixture_case(report, f))
                .collect(),
        })
        .collect();
    let fixtures_failed = suites
        .iter()
        .flat_map(|s| &s.cases)
        .any(|c| !matches!(c.outcome, Outcome::Pass));
    let gate_cases = gate_cases(report, fixtures_failed);
    if !gate_cases.is_empty() {
        suites.push(Suite {
            name: "canary::health_gate".to_owned(),
            cases: gate_cases,
        });
    }
    document(report, &suites)
}

struct Suite {
    name: String,
    cases: Vec<Case>,
}

struct Case {
    classname: String,
    name: String,
    outcome: Outcome,
    system_out: Option<String>,
}

enum Outcome {
    Pass,
    /// `<failure>` (or `<error>` when `error`) with a `type`, a one-line message and a body.
    Fail {
        error: bool,
        kind: String,
        message: String,
        body: String,
    },
}

impl Suite {
    fn count(&self, pred: impl Fn(&Outcome) -> bool) -> usize {
        self.cases.iter().filter(|c| pred(&c.outcome)).count()
    }
}

fn is_failure(o: &Outcome) -> bool {
    matches!(o, Outcome::Fail { error: false, .. })
}

fn is_error(o: &Outcome) -> bool {
    matches!(o, Outcome::Fail { error: true, .. })
}

fn document(report: &MonitorReport, suites: &[Suite]) -> String {
    let total = |pred: fn(&Outcome) -> bool| suites.iter().map(|s| s.count(pred)).sum::<usize>();
    let timestamp = escape_attr(&report.generated_at);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"tapedeck canary\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"0\" timestamp=\"{timestamp}\">\n",
        total(|_| true),
        total(is_failure),
        total(is_error),
    ));
    for suite in suites {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"0\" timestamp=\"{timestamp}\">\n",
            escape_attr(&suite.name),
            suite.cases.len(),
            suite.count(is_failure),
            suite.count(is_error),
        ));
        for case in &suite.cases {
            write_case(&mut out, case);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn write_case(out: &mut String, case: &Case) {
    out.push_str(&format!(
        "    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
        escape_attr(&case.classname),
        escape_attr(&case.name)
    ));
    if matches!(case.outcome, Outcome::Pass) && case.system_out.is_none() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if let Outcome::Fail {
        error,
        kind,
        message,
        body,
    } = &case.outcome
    {
        let tag = if *error { "error" } else { "failure" };
        out.push_str(&format!(
            "      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>\n",
            escape_attr(message),
            escape_attr(kind),
            escape(body)
        ));
    }
    if let Some(text) = &case.system_out {
        out.push_str(&format!(
            "      <system-out>{}</system-out>\n",
            escape(text)
        ));
    }
    out.push_str("    </testcase>\n");
}

fn fixture_case(report: &MonitorReport, f: &FixtureHealth) -> Case {
    let (suite, name) = split_fixture_id(&f.fixture_id);
    let classname = match suite {
        Some(suite) => format!("canary.{}.{suite}", f.tier),
        None => format!("canary.{}", f.tier),
    };
    let rules: Vec<&str> = report
        .gate
        .rules_tripped
        .iter()
        .filter(|r| mentions(r, &f.fixture_id))
        .map(String::as_str)
        .collect();
    let status = f.last_status.map_or("no result", |s| s.as_str());
    let (kind, headline) = match f.state {
        FixtureState::Failing => (
            f.last_failure_class
                .map_or("failed", |c| c.as_str())
                .to_owned(),
            format!("failing ({status})"),
        ),
        FixtureState::Stale => (
            "stale".to_owned(),
            stale_headline(tier_summary(report, f.tier), f.age_minutes),
        ),
        FixtureState::Inconclusive => (
            "inconclusive".to_owned(),
            format!("inconclusive ({status}), never proof"),
        ),
        FixtureState::Passing | FixtureState::Degraded if !rules.is_empty() => {
            let kind = if f.proven { "health_gate" } else { "unproven" };
            (
                kind.to_owned(),
                format!("health gate: {}", rules.join("; ")),
            )
        }
        FixtureState::Passing | FixtureState::Degraded => {
            return Case {
                classname,
                name: name.to_owned(),
                outcome: Outcome::Pass,
                system_out: passing_note(f),
            };
        }
    };
    Case {
        classname,
        name: name.to_owned(),
        outcome: Outcome::Fail {
            error: false,
            kind,
            message: message(&headline, f),
            body: body(report, f, &rules),
        },
        system_out: passing_note(f).filter(|_| f.state == FixtureState::Degraded),
    }
}

fn stale_headline(summary: Option<&TierSummary>, age_minutes: Option<f64>) -> String {
    let within = match summary {
        Some(s) => format!(
            "period {} plus grace {}",
            duration(s.period_minutes),
            duration(s.grace_minutes)
        ),
        None => "period plus grace".to_owned(),
    };
    format!(
        "stale, never green: no final result within the tier's {within} (last {})",
        age(age_minutes)
    )
}

/// The one-line message: headline, reasons, and what qualifies it.
fn message(headline: &str, f: &FixtureHealth) -> String {
    let mut message = headline.to_owned();
    if !f.last_reasons.is_empty() && f.state != FixtureState::Stale {
        message.push_str(&format!(": {}", f.last_reasons.join(", ")));
    }
    let mut notes = vec![];
    if !f.required {
        notes.push("not required");
    }
    if f.overridden {
        notes.push("overridden");
    }
    if !f.proven {
        notes.push("unproven");
    }
    if !notes.is_empty() {
        message.push_str(&format!(" — {}", notes.join(", ")));
    }
    message
}

/// The failure's body: everything a person on call needs to find the run.
fn body(report: &MonitorReport, f: &FixtureHealth, rules: &[&str]) -> String {
    let mut lines = vec![
        format!("fixture: {}", f.fixture_id),
        format!("state: {}", f.state.as_str()),
        format!(
            "last status: {}",
            f.last_status.map_or("none", |s| s.as_str())
        ),
    ];
    if let Some(class) = f.last_failure_class {
        lines.push(format!("failure class: {}", class.as_str()));
    }
    if !f.last_reasons.is_empty() {
        lines.push(format!("reasons: {}", f.last_reasons.join(", ")));
    }
    lines.push(format!(
        "run id: {}",
        f.last_run_id.as_deref().unwrap_or("none")
    ));
    lines.push(format!(
        "last run: {} ({})",
        f.last_at.as_deref().unwrap_or("never"),
        age(f.age_minutes)
    ));
    lines.push(format!("attempts: {}", f.attempts));
    lines.push(if f.required {
        "required: yes".to_owned()
    } else {
        "required: no (not required: the health gate does not count it)".to_owned()
    });
    lines.push(format!("proven: {}", if f.proven { "yes" } else { "no" }));
    for o in overrides_for(report, &f.fixture_id) {
        lines.push(format!(
            "overridden by {} until {}: {}",
            o.who, o.until, o.why
        ));
    }
    if f.overridden && overrides_for(report, &f.fixture_id).is_empty() {
        lines.push("overridden: yes".to_owned());
    }
    for rule in rules {
        lines.push(format!("health gate: {rule}"));
    }
    lines.join("\n")
}

/// `degraded: reasons` and `unproven` notes for a case that passes.
fn passing_note(f: &FixtureHealth) -> Option<String> {
    let mut notes = vec![];
    if f.state == FixtureState::Degraded {
        notes.push(format!("degraded: {}", f.last_reasons.join(", ")));
    }
    if !f.proven {
        notes.push(
            "unproven: never seen failing on broken code and passing after the fix".to_owned(),
        );
    }
    (!notes.is_empty()).then(|| notes.join("\n"))
}

/// Heartbeats that are missing, rules that name no fixture, and, if the gate failed but no
/// case says so, the gate itself.
fn gate_cases(report: &MonitorReport, fixtures_failed: bool) -> Vec<Case> {
    let mut cases = vec![];
    let gate = &report.gate;
    let is_error = gate.exit_code == 3 || gate.status == "error";
    for s in report.tiers.iter().filter(|s| s.heartbeat_missing) {
        let tier = s.tier.map_or("all".to_owned(), |t| t.to_string());
        let last = match s.heartbeat_age_minutes {
            Some(m) => format!("last {}", age(Some(m))),
            None => "none recorded".to_owned(),
        };
        let mut body = vec![
            format!(
                "the canary runner wrote no heartbeat for tier {tier} within its period {} plus grace {} ({last}): the scheduler may have stopped",
                duration(s.period_minutes),
                duration(s.grace_minutes)
            ),
            format!("store: {}", redact_store(&report.store)),
        ];
        body.extend(
            gate.rules_tripped
                .iter()
                .filter(|r| r.contains("heartbeat") && mentions(r, &tier))
                .map(|r| format!("health gate: {r}")),
        );
        cases.push(gate_case(
            format!("heartbeat::{tier}"),
            false,
            "heartbeat",
            format!("heartbeat missing for tier {tier} ({last})"),
            body.join("\n"),
        ));
    }
    let heartbeat_cases = !cases.is_empty();
    let unowned = gate.rules_tripped.iter().filter(|r| {
        let owned = report.fixtures.iter().any(|f| mentions(r, &f.fixture_id))
            || (heartbeat_cases && r.contains("heartbeat"));
        !owned
    });
    for (i, rule) in unowned.enumerate() {
        let kind = if is_error { "error" } else { "health_gate" };
        cases.push(gate_case(
            format!("rule::{}", i + 1),
            is_error,
            kind,
            rule.clone(),
            rule.clone(),
        ));
    }
    let any_failed = fixtures_failed || !cases.is_empty();
    if gate.exit_code != 0 && !any_failed {
        let message = format!("health gate: exit {} ({})", gate.exit_code, gate.status);
        cases.push(gate_case(
            "gate".to_owned(),
            is_error,
            "health_gate",
            message.clone(),
            message,
        ));
    }
    cases
}

fn gate_case(name: String, error: bool, kind: &str, message: String, body: String) -> Case {
    Case {
        classname: "canary.health_gate".to_owned(),
        name,
        outcome: Outcome::Fail {
            error,
            kind: kind.to_owned(),
            message,
            body,
        },
        system_out: None,
    }
}

#[cfg(test)]
mod tests;
