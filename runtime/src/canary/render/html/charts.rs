//! Inline SVG charts: the silent-failure window per failure class (horizontal bars, open
//! windows hatched red and marked OPEN) and pass/fail per canary session (stacked bars).

use super::super::text::{duration, escape};
use crate::canary::report::{HistoryPoint, SilentFailureWindow};

const WIDTH: f64 = 760.0;
const PASS: &str = "#2e7d32";
const FAIL: &str = "#c62828";
const INCONCLUSIVE: &str = "#9e9e9e";
const CLOSED: &str = "#ef6c00";

/// Horizontal bars, one per failure class, plus a table with the run ids.
pub(super) fn windows(windows: &[SilentFailureWindow]) -> String {
    if windows.is_empty() {
        return "<p class=\"empty\">No silent-failure window: no bad production run on record.</p>\n"
            .to_owned();
    }
    let (label_w, bar_w, row_h) = (130.0, 400.0, 28.0);
    let height = windows.len() as f64 * row_h + 12.0;
    let max = windows.iter().map(|w| w.minutes).fold(1.0, f64::max);
    let mut out = format!(
        "<svg class=\"windows\" role=\"img\" aria-label=\"silent-failure window per failure class\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">\n"
    );
    out.push_str(&format!(
        "<defs><pattern id=\"open-hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"{FAIL}\"/><rect width=\"3\" height=\"8\" fill=\"#ffcdd2\"/></pattern></defs>\n"
    ));
    for (i, w) in windows.iter().enumerate() {
        let y = 6.0 + i as f64 * row_h;
        let len = (w.minutes.max(0.0) / max * bar_w).max(2.0);
        let class = w.failure_class.as_str();
        let (fill, tail) = if w.open {
            (
                "url(#open-hatch)",
                "<tspan class=\"open\">OPEN</tspan> · no alert yet".to_owned(),
            )
        } else {
            (
                CLOSED,
                format!(
                    "alerted {}",
                    escape(w.first_alert_at.as_deref().unwrap_or("?"))
                ),
            )
        };
        let tip = format!(
            "{class}: {} from the first bad run {} ({}) to {}",
            duration(w.minutes),
            w.first_bad_run_id,
            w.first_bad_run_at,
            w.first_alert_at.as_deref().unwrap_or("no alert yet (OPEN)")
        );
        out.push_str(&format!(
            "<g><title>{tip}</title><text x=\"{lx:.1}\" y=\"{ty:.1}\" text-anchor=\"end\">{class}</text><rect x=\"{label_w:.1}\" y=\"{y:.1}\" width=\"{len:.1}\" height=\"18\" fill=\"{fill}\" stroke=\"{stroke}\"/><text x=\"{vx:.1}\" y=\"{ty:.1}\">{dur} · {tail}</text></g>\n",
            tip = escape(&tip),
            lx = label_w - 8.0,
            ty = y + 13.0,
            stroke = if w.open { FAIL } else { CLOSED },
            vx = label_w + len + 6.0,
            dur = duration(w.minutes),
        ));
    }
    out.push_str("</svg>\n");
    out.push_str(&windows_table(windows));
    out
}

fn windows_table(windows: &[SilentFailureWindow]) -> String {
    let mut out = "<table class=\"windows\">\n<tr><th>failure class</th><th>window</th><th>minutes</th><th></th><th>first bad run</th><th>at</th><th>first alert</th></tr>\n".to_owned();
    for w in windows {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{:.1}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
            w.failure_class.as_str(),
            duration(w.minutes),
            w.minutes,
            if w.open { "<strong class=\"c-failing\">OPEN</strong>" } else { "closed" },
            escape(&w.first_bad_run_id),
            escape(&w.first_bad_run_at),
            escape(w.first_alert_at.as_deref().unwrap_or("-")),
        ));
    }
    out.push_str("</table>\n");
    out
}

/// Stacked bars per canary session: passing at the bottom, inconclusive, failing on top.
pub(super) fn history(points: &[HistoryPoint]) -> String {
    if points.is_empty() {
        return "<p class=\"empty\">No canary session on record yet.</p>\n".to_owned();
    }
    let (left, top, bottom, height) = (40.0, 12.0, 34.0, 220.0);
    let plot_w = WIDTH - left - 12.0;
    let plot_h = height - top - bottom;
    let max = points.iter().map(total).max().unwrap_or(0).max(1) as f64;
    let slot = plot_w / points.len() as f64;
    let bar = (slot * 0.7).clamp(1.0, 48.0);
    let label_every = points.len().div_ceil(12);
    let base = top + plot_h;
    let mut out = format!(
        "<svg class=\"history\" role=\"img\" aria-label=\"pass and fail per canary session\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">\n"
    );
    out.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{x2}\" y2=\"{base}\" stroke=\"#999\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{x2}\" y2=\"{top}\" stroke=\"#eee\"/><text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{max}</text><text x=\"{lx}\" y=\"{by}\" text-anchor=\"end\">0</text>\n",
        x2 = WIDTH - 12.0,
        lx = left - 6.0,
        ty = top + 4.0,
        by = base + 4.0,
    ));
    for (i, p) in points.iter().enumerate() {
        let x = left + i as f64 * slot + (slot - bar) / 2.0;
        let tip = format!(
            "session {} at {}: {} passing, {} failing, {} inconclusive",
            p.session_id, p.at, p.passing, p.failing, p.inconclusive
        );
        out.push_str(&format!("<g><title>{}</title>", escape(&tip)));
        let mut y = base;
        for (count, fill) in [
            (p.passing, PASS),
            (p.inconclusive, INCONCLUSIVE),
            (p.failing, FAIL),
        ] {
            let h = count as f64 / max * plot_h;
            if h > 0.0 {
                y -= h;
                out.push_str(&format!(
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{fill}\"/>"
                ));
            }
        }
        if i % label_every == 0 {
            out.push_str(&format!(
                "<text x=\"{cx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\">{}</text>",
                escape(short_time(&p.at)),
                cx = x + bar / 2.0,
                ly = base + 18.0,
            ));
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out.push_str(&format!(
        "<p class=\"legend\"><span style=\"background:{PASS}\"></span>passing<span style=\"background:{INCONCLUSIVE}\"></span>inconclusive<span style=\"background:{FAIL}\"></span>failing <small>(FINAL results per session; hover a bar for its counts)</small></p>\n"
    ));
    out
}

fn total(p: &HistoryPoint) -> usize {
    p.passing + p.failing + p.inconclusive
}

/// `HH:MM` of an RFC 3339 time, else the text as it is.
fn short_time(at: &str) -> &str {
    match at.get(10..16) {
        Some(t) if at.as_bytes()[10] == b'T' || at.as_bytes()[10] == b' ' => &t[1..],
        _ => at,
    }
}
