//! One self-contained static HTML page: inline CSS and SVG, no JavaScript, no external resource.
//! The gate in the title, active overrides at the top, the tier cards, the fixture grid, the
//! silent-failure windows and the history.

mod charts;

use super::text::{
    age, duration, escape, escape_attr, overrides_for, redact_store, tier_summary, tiers_present,
};
use crate::canary::report::{FixtureHealth, MonitorReport, Override, TierSummary};

/// Renders `report` as one static HTML document.
pub fn html(report: &MonitorReport) -> String {
    let gate = &report.gate;
    let rules = match gate.rules_tripped.len() {
        0 => "no rule tripped".to_owned(),
        1 => "1 rule tripped".to_owned(),
        n => format!("{n} rules tripped"),
    };
    let title = format!(
        "exit {} {} — {rules} — tapedeck canary",
        gate.exit_code, gate.status
    );
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n", escape(&title)));
    out.push_str(&format!("<style>{CSS}</style>\n</head>\n<body>\n"));
    out.push_str(&header(report, &rules));
    out.push_str("<main>\n");
    out.push_str(&overrides(&report.overrides));
    out.push_str(&cards(report));
    out.push_str(&grid(report));
    out.push_str("<section>\n<h2>Silent-failure windows</h2>\n");
    out.push_str("<p class=\"note\">Per failure class, from the first bad production run to the first alert. An open window has no alert yet: the failure is still silent.</p>\n");
    out.push_str(&charts::windows(&report.silent_failure_windows));
    out.push_str("</section>\n<section>\n<h2>History</h2>\n");
    out.push_str(&charts::history(&report.history));
    out.push_str("</section>\n</main>\n</body>\n</html>\n");
    out
}

fn header(report: &MonitorReport, rules: &str) -> String {
    let gate = &report.gate;
    let mut out = format!(
        "<header class=\"gate gate-{}\">\n<h1>health gate: exit {} · {}</h1>\n<p>{}</p>\n",
        escape_attr(&gate.status),
        gate.exit_code,
        escape(&gate.status),
        escape(rules)
    );
    if !gate.rules_tripped.is_empty() {
        out.push_str("<ul class=\"rules\">\n");
        for rule in &gate.rules_tripped {
            out.push_str(&format!("<li>{}</li>\n", escape(rule)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str(&format!(
        "<p class=\"meta\">tapedeck canary report · generated {} · store {} · schema v{}</p>\n</header>\n",
        escape(&report.generated_at),
        escape(&redact_store(&report.store)),
        report.schema_version
    ));
    out
}

fn overrides(overrides: &[Override]) -> String {
    if overrides.is_empty() {
        return "<section>\n<h2>Active overrides</h2>\n<p class=\"empty\">No active override: the gate counts every required fixture.</p>\n</section>\n".to_owned();
    }
    let mut out = format!(
        "<section class=\"overrides\">\n<h2>⚠ {} active override{}: the gate ignores the fixtures they cover</h2>\n",
        overrides.len(),
        if overrides.len() == 1 { "" } else { "s" }
    );
    out.push_str("<table>\n<tr><th>fixtures</th><th>who</th><th>why</th><th>until</th><th>set</th><th>id</th></tr>\n");
    for o in overrides {
        out.push_str(&format!(
            "<tr><td><code>{}</code></td><td><strong>{}</strong></td><td>{}</td><td><strong>{}</strong></td><td>{}</td><td>{}</td></tr>\n",
            escape(&o.fixtures),
            escape(&o.who),
            escape(&o.why),
            escape(&o.until),
            escape(&o.created_at),
            escape(&o.override_id)
        ));
    }
    out.push_str("</table>\n</section>\n");
    out
}

fn cards(report: &MonitorReport) -> String {
    let mut out = "<section>\n<h2>Tiers</h2>\n<div class=\"cards\">\n".to_owned();
    for summary in report.tiers.iter().chain([&report.overall]) {
        out.push_str(&card(summary));
    }
    out.push_str("</div>\n</section>\n");
    out
}

fn card(s: &TierSummary) -> String {
    let name = s.tier.map_or("all tiers".to_owned(), |t| t.to_string());
    let mut out = format!("<div class=\"card\">\n<h3>{}</h3>\n<dl>\n", escape(&name));
    for (label, count, class) in [
        ("fixtures", s.fixtures_total, ""),
        ("passing", s.fixtures_passing, "c-passing"),
        ("degraded", s.fixtures_degraded, "c-degraded"),
        ("failing", s.fixtures_failing, "c-failing"),
        ("inconclusive", s.fixtures_inconclusive, "c-inconclusive"),
        ("stale", s.fixtures_stale, "c-stale"),
        ("unproven", s.fixtures_unproven, "c-unproven"),
    ] {
        let class = if count > 0 { class } else { "" };
        out.push_str(&format!(
            "<dt>{label}</dt><dd class=\"{class}\">{count}</dd>\n"
        ));
    }
    out.push_str("</dl>\n");
    if s.tier.is_some() {
        let heartbeat = match (s.heartbeat_missing, s.heartbeat_age_minutes) {
            (true, Some(m)) => format!(
                "<span class=\"hb-missing\">heartbeat MISSING</span> (last {})",
                age(Some(m))
            ),
            (true, None) => "<span class=\"hb-missing\">heartbeat MISSING</span>".to_owned(),
            (false, m) => format!("heartbeat {}", age(m)),
        };
        out.push_str(&format!(
            "<p class=\"hb\">{heartbeat}</p>\n<p class=\"note\">period {} + grace {}</p>\n",
            duration(s.period_minutes),
            duration(s.grace_minutes)
        ));
    }
    out.push_str("</div>\n");
    out
}

fn grid(report: &MonitorReport) -> String {
    let mut out = "<section>\n<h2>Fixtures</h2>\n".to_owned();
    if report.fixtures.is_empty() {
        out.push_str("<p class=\"empty\">No fixtures known to the monitor.</p>\n");
    } else {
        out.push_str("<p class=\"legend\"><span class=\"s-passing\"></span>passing<span class=\"s-degraded\"></span>degraded<span class=\"s-failing\"></span>failing<span class=\"s-inconclusive\"></span>inconclusive<span class=\"s-stale\"></span>stale (unknown, never green)</p>\n");
    }
    for tier in tiers_present(report) {
        let fixtures: Vec<&FixtureHealth> =
            report.fixtures.iter().filter(|f| f.tier == tier).collect();
        let total = tier_summary(report, tier).map_or(fixtures.len(), |s| s.fixtures_total);
        out.push_str(&format!("<h3>{tier} <small>({total})</small></h3>\n"));
        if fixtures.is_empty() {
            out.push_str("<p class=\"empty\">No fixtures in this tier.</p>\n");
            continue;
        }
        out.push_str("<div class=\"grid\">\n");
        for f in fixtures {
            out.push_str(&cell(report, f));
        }
        out.push_str("</div>\n");
    }
    if !report.retired.is_empty() {
        let ids: Vec<String> = report
            .retired
            .iter()
            .map(|id| format!("<code>{}</code>", escape(id)))
            .collect();
        out.push_str(&format!(
            "<p class=\"note\">Retired ({}): results in the store, no longer in the workspace (deleted or renamed), not counted or gated: {}</p>\n",
            ids.len(),
            ids.join(", ")
        ));
    }
    out.push_str("</section>\n");
    out
}

fn cell(report: &MonitorReport, f: &FixtureHealth) -> String {
    let status = f.last_status.map_or("no result", |s| s.as_str());
    let attempts = if f.attempts > 1 {
        format!(" · attempt {}", f.attempts)
    } else {
        String::new()
    };
    let mut badges = vec![if f.proven {
        "<span class=\"badge\">✓ proven</span>"
    } else {
        "<span class=\"badge warn\">unproven</span>"
    }];
    if !f.required {
        badges.push("<span class=\"badge\">not required</span>");
    }
    if f.overridden {
        badges.push("<span class=\"badge warn\">overridden</span>");
    }
    format!(
        "<div class=\"cell s-{state}\" title=\"{tip}\">\n<div class=\"id\">{id}</div>\n<div class=\"line\">{state} · {status}</div>\n<div class=\"line\">{age}{attempts}</div>\n<div>{badges}</div>\n</div>\n",
        state = f.state.as_str(),
        tip = escape_attr(&tooltip(report, f)),
        id = escape(&f.fixture_id),
        age = escape(&age(f.age_minutes)),
        badges = badges.concat(),
    )
}

fn tooltip(report: &MonitorReport, f: &FixtureHealth) -> String {
    let mut lines = vec![format!(
        "{}: {}",
        f.fixture_id,
        f.last_status.map_or("no result", |s| s.as_str())
    )];
    if !f.last_reasons.is_empty() {
        lines.push(format!("reasons: {}", f.last_reasons.join(", ")));
    }
    if let Some(class) = f.last_failure_class {
        lines.push(format!("failure class: {}", class.as_str()));
    }
    if let Some(run) = &f.last_run_id {
        lines.push(format!("run: {run}"));
    }
    if let Some(at) = &f.last_at {
        lines.push(format!("at: {at}"));
    }
    for o in overrides_for(report, &f.fixture_id) {
        lines.push(format!(
            "overridden by {} until {}: {}",
            o.who, o.until, o.why
        ));
    }
    lines.join("\n")
}

const CSS: &str = r#"
:root{--pass:#2e7d32;--deg:#f9a825;--fail:#c62828;--inc:#6d6d6d;--stale:#37474f;--ink:#1c1c1c;--muted:#666}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:0 24px 48px}
header.gate{padding:18px 24px;color:#fff;background:#4a148c}
.gate-healthy{background:var(--pass)!important}.gate-failing{background:var(--fail)!important}.gate-missing_proof{background:#e65100!important}
header h1{margin:0;font-size:22px}header p{margin:4px 0}.rules{margin:6px 0 0;padding-left:22px}
.meta{opacity:.85;font-size:12px}
h2{font-size:17px;margin:26px 0 10px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:14px 0 8px}
.overrides{background:#fff8e1;border:3px solid var(--deg);border-radius:6px;padding:2px 16px 12px;margin-top:20px}
.overrides h2{border:0}
table{border-collapse:collapse;background:#fff}th,td{text-align:left;padding:4px 10px;border-bottom:1px solid #eee;vertical-align:top}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px}
.card h3{margin:0 0 6px}
.card dl{display:grid;grid-template-columns:1fr auto;gap:1px 12px;margin:0}
.card dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}
.c-passing{color:var(--pass);font-weight:700}.c-degraded{color:#a66b00;font-weight:700}.c-failing,.c-stale,.c-unproven{color:var(--fail);font-weight:700}.c-inconclusive{color:var(--inc);font-weight:700}
.hb{margin:8px 0 0}.hb-missing{color:#fff;background:var(--fail);padding:1px 6px;border-radius:3px;font-weight:700}
.note{color:var(--muted);font-size:12px;margin:2px 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:8px}
.cell{border-radius:5px;padding:8px 10px;color:#fff;overflow-wrap:anywhere}
.cell .id{font:600 12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.cell .line{font-size:12px}
.s-passing{background:var(--pass)}.s-degraded{background:var(--deg);color:#222}.s-failing{background:var(--fail)}.s-inconclusive{background:var(--inc)}
.s-stale{background:repeating-linear-gradient(45deg,#37474f 0 8px,#546e7a 8px 16px)}
.badge{display:inline-block;font-size:10.5px;font-weight:700;padding:0 5px;border-radius:3px;background:rgba(0,0,0,.22);margin:4px 4px 0 0;text-transform:uppercase}
.badge.warn{background:#fff;color:var(--fail)}
.empty{color:var(--muted);font-style:italic}
.legend span{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-2px;margin:0 4px 0 12px}
.legend span:first-child{margin-left:0}
svg{max-width:100%;height:auto;background:#fff;border:1px solid #eee;border-radius:4px}
svg text{font:12px system-ui,sans-serif;fill:#1c1c1c}
svg .open{fill:var(--fail);font-weight:700}
"#;

#[cfg(test)]
mod tests;
