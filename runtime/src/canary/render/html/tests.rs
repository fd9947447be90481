//! The HTML page: complete, escaped, self-contained, with its charts.

use super::html;
use crate::canary::render::sample;

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn the_title_carries_the_gate() {
    let page = html(&sample::report());
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<title>exit 1 failing — 2 rules tripped — tapedeck canary</title>"));
    assert!(page.contains("<header class=\"gate gate-failing\">"));
    assert!(page.contains("<li>required fixture booking/confirm_double_charge is failing"));
    assert!(page.ends_with("</html>\n"));
}

#[test]
fn every_fixture_has_one_cell_coloured_by_state() {
    let report = sample::report();
    let page = html(&report);
    for f in &report.fixtures {
        assert!(page.contains(&format!("<div class=\"id\">{}</div>", f.fixture_id)));
    }
    assert_eq!(count(&page, "<div class=\"cell "), report.fixtures.len());
    for (state, n) in [
        ("passing", 1),
        ("degraded", 1),
        ("failing", 2),
        ("inconclusive", 1),
        ("stale", 1),
    ] {
        assert_eq!(
            count(&page, &format!("<div class=\"cell s-{state}\"")),
            n,
            "{state}"
        );
    }
    assert_eq!(
        count(&page, "<span class=\"badge warn\">unproven</span>"),
        2
    );
    assert!(page.contains("<span class=\"badge warn\">overridden</span>"));
    assert!(page.contains(
        "title=\"booking/confirm_double_charge: failed&#10;reasons: duplicate_side_effect"
    ));
    assert!(page.contains("4m ago · attempt 2"));
}

#[test]
fn cards_count_each_tier_and_flag_a_missing_heartbeat() {
    let page = html(&sample::report());
    for name in ["critical", "hourly", "daily", "all tiers"] {
        assert!(page.contains(&format!("<h3>{name}</h3>")), "{name}");
    }
    assert_eq!(count(&page, "<div class=\"card\">"), 4);
    assert!(page.contains("<dt>stale</dt><dd class=\"c-stale\">1</dd>"));
    assert_eq!(count(&page, "heartbeat MISSING"), 1);
    assert!(page.contains("heartbeat 42m ago"));
}

#[test]
fn overrides_are_listed_with_who_why_and_until() {
    let page = html(&sample::report());
    assert!(page.contains("1 active override: the gate ignores the fixtures they cover"));
    for needle in [
        "dana@oncall",
        "upstream schema change; fix in review",
        "2025-06-03T08:00:00Z",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    let top = page.find("active override").unwrap();
    assert!(
        top < page.find("<h2>Tiers</h2>").unwrap(),
        "overrides come first"
    );
}

#[test]
fn charts_are_inline_svg_and_open_windows_are_flagged() {
    let page = html(&sample::report());
    assert_eq!(count(&page, "<svg "), 2);
    assert_eq!(count(&page, "fill=\"url(#open-hatch)\""), 1);
    assert!(page.contains("<tspan class=\"open\">OPEN</tspan>"));
    assert!(page.contains("<text x=\"122.0\" y=\"19.0\" text-anchor=\"end\">silent_drift</text>"));
    assert!(page.contains("alerted 2025-06-02T10:55:00Z"));
    // Three sessions: 3 + 3 + 2 non-empty segments, labelled by time.
    assert_eq!(count(&page, "<title>session s-"), 3);
    assert!(page.contains(">11:45</text>"));
}

#[test]
fn it_is_self_contained() {
    let page = html(&sample::hostile());
    for forbidden in [
        "src=",
        "href=",
        "<script",
        "<link",
        "@import",
        "http://",
        "https://",
        "javascript:",
    ] {
        assert!(!page.contains(forbidden), "{forbidden}");
    }
    assert_eq!(count(&page, "url("), count(&page, "url(#"));
    assert!(
        page.contains("postgres://canary:***@db.internal"),
        "no password on the page"
    );
}

#[test]
fn retired_fixtures_are_listed_apart_from_the_grid() {
    let page = html(&sample::report());
    assert!(page.contains("Retired (1): results in the store, no longer in the workspace"));
    assert!(page.contains("<code>booking/refund_v1</code>"));
    assert!(!html(&sample::empty()).contains("Retired"));
}

#[test]
fn report_strings_are_escaped() {
    let page = html(&sample::hostile());
    assert!(!page.contains("<script>"));
    assert!(!page.contains('\u{1b}') && !page.contains('\u{0}'));
    assert!(page.contains("&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt; &quot;q&quot;"));
}

#[test]
fn an_empty_report_renders_sensibly() {
    let page = html(&sample::empty());
    assert!(page.contains("<title>exit 0 healthy — no rule tripped — tapedeck canary</title>"));
    assert!(page.contains("No fixtures known to the monitor."));
    assert!(page.contains("No active override"));
    assert!(page.contains("No silent-failure window"));
    assert!(page.contains("No canary session on record yet."));
    assert_eq!(count(&page, "<div class=\"card\">"), 1);
    assert!(!page.contains("<svg"));
}
