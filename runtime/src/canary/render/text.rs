//! Small text helpers shared by the renderers: escaping for XML and HTML, sanitizing for a
//! terminal, durations, fixture ids and credentials in store URLs.

use crate::canary::report::{MonitorReport, Override, TierSummary};
use crate::fixture::Tier;
pub(super) use crate::store::url::without_password as redact_store;

/// Whether `c` may appear in an XML 1.0 document (`#x9 | #xA | #xD | [#x20-#xD7FF] |
/// [#xE000-#xFFFD] | [#x10000-#x10FFFF]`; a Rust `char` is never a surrogate).
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Escapes `&`, `<`, `>`, `"` and `'` and drops characters that XML 1.0 forbids. Safe in text
/// and in quoted attribute values of both XML and HTML; in attributes, prefer [`escape_attr`],
/// which also keeps line breaks.
pub(super) fn escape(text: &str) -> String {
    escape_with(text, false)
}

/// Like [`escape`], and writes tab, line feed and carriage return as character references,
/// so that attribute-value normalization keeps them.
pub(super) fn escape_attr(text: &str) -> String {
    escape_with(text, true)
}

fn escape_with(text: &str, attr: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|&c| is_xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' if attr => out.push_str("&#10;"),
            '\r' if attr => out.push_str("&#13;"),
            '\t' if attr => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// One line for a terminal: every control character (C0, DEL, C1, so escape sequences too)
/// and every bidirectional override becomes a space, so a hostile reason can neither move the
/// cursor, recolour the screen nor reorder what is shown.
pub(super) fn plain(text: &str) -> String {
    let hostile =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    text.chars()
        .map(|c| if hostile(c) { ' ' } else { c })
        .collect()
}

/// A duration in minutes, short: `42m`, `3h 05m`, `2d 04h`; `-` when unknown or not finite.
pub(super) fn duration(minutes: f64) -> String {
    if !minutes.is_finite() || minutes < 0.0 {
        return "-".to_owned();
    }
    let total = minutes.round() as u64;
    match total {
        0..60 => format!("{total}m"),
        60..1440 => format!("{}h {:02}m", total / 60, total % 60),
        _ => format!("{}d {:02}h", total / 1440, (total % 1440) / 60),
    }
}

/// An age: `42m ago`, or `-` when there is none.
pub(super) fn age(minutes: Option<f64>) -> String {
    match minutes {
        Some(m) if m.is_finite() && m >= 0.0 => format!("{} ago", duration(m)),
        _ => "-".to_owned(),
    }
}

/// Splits `<suite>/<fixture_id>` at the first `/`; an id without one has no suite.
pub(super) fn split_fixture_id(id: &str) -> (Option<&str>, &str) {
    match id.split_once('/') {
        Some((suite, name)) if !suite.is_empty() && !name.is_empty() => (Some(suite), name),
        _ => (None, id),
    }
}

/// Whether `text` names the fixture `id` as a whole word (`booking/search` is not named by
/// `booking/search_basic`).
pub(super) fn mentions(text: &str, id: &str) -> bool {
    if id.is_empty() {
        return false;
    }
    let is_id_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/');
    text.match_indices(id).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + id.len()..].chars().next();
        !before.is_some_and(is_id_char) && !after.is_some_and(is_id_char)
    })
}

/// The active overrides that cover the fixture `id` (an override names an id or a glob).
pub(super) fn overrides_for<'r>(report: &'r MonitorReport, id: &str) -> Vec<&'r Override> {
    report
        .overrides
        .iter()
        .filter(|o| {
            o.fixtures == id
                || globset::Glob::new(&o.fixtures).is_ok_and(|g| g.compile_matcher().is_match(id))
        })
        .collect()
}

/// The summary of `tier`, if the report has one.
pub(super) fn tier_summary(report: &MonitorReport, tier: Tier) -> Option<&TierSummary> {
    report.tiers.iter().find(|t| t.tier == Some(tier))
}

/// The tiers to show: those with a summary or a fixture, most frequent first.
pub(super) fn tiers_present(report: &MonitorReport) -> Vec<Tier> {
    Tier::ALL
        .into_iter()
        .filter(|&t| {
            tier_summary(report, t).is_some() || report.fixtures.iter().any(|f| f.tier == t)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_the_five_and_drops_illegal_characters() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>\u{0}\u{1b}\u{FFFF}\t\n"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\t\n"
        );
        assert_eq!(escape_attr("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
        assert_eq!(escape("plain ünïcode ✓"), "plain ünïcode ✓");
    }

    #[test]
    fn plain_blanks_terminal_control_sequences() {
        assert_eq!(plain("red\u{1b}[31m\nx\u{9b}y\u{202E}z"), "red [31m x y z");
    }

    #[test]
    fn durations_and_ages_are_short() {
        assert_eq!(duration(7.4), "7m");
        assert_eq!(duration(65.0), "1h 05m");
        assert_eq!(duration(2.0 * 1440.0 + 250.0), "2d 04h");
        assert_eq!(duration(f64::NAN), "-");
        assert_eq!(age(Some(42.0)), "42m ago");
        assert_eq!(age(None), "-");
    }

    #[test]
    fn fixture_ids_split_and_match_whole_words() {
        assert_eq!(
            split_fixture_id("booking/search"),
            (Some("booking"), "search")
        );
        assert_eq!(split_fixture_id("lonely"), (None, "lonely"));
        assert!(mentions(
            "required fixture booking/search is failing",
            "booking/search"
        ));
        assert!(!mentions(
            "booking/search_basic is failing",
            "booking/search"
        ));
        assert!(!mentions("x/booking/search", "booking/search"));
    }
}
