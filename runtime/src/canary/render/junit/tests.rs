//! JUnit output parsed back with quick-xml: well-formed, counted right, escaped.

use super::junit;
use crate::canary::render::sample::{self, HOSTILE};
use crate::canary::report::FixtureState;
use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// An element of the parsed document.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn attr(&self, name: &str) -> &str {
        let found = self.attrs.iter().find(|(k, _)| k == name);
        found.map_or_else(|| panic!("<{}> has no {name}", self.name), |(_, v)| v)
    }

    fn count(&self, name: &str) -> usize {
        self.descendants().filter(|e| e.name == name).count()
    }

    fn descendants(&self) -> Box<dyn Iterator<Item = &Element> + '_> {
        Box::new(
            self.children
                .iter()
                .flat_map(|c| std::iter::once(c).chain(c.descendants())),
        )
    }

    fn case(&self, classname: &str, name: &str) -> &Element {
        self.descendants()
            .find(|e| {
                e.name == "testcase" && e.attr("classname") == classname && e.attr("name") == name
            })
            .unwrap_or_else(|| panic!("no testcase {classname} / {name}"))
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// Parses `xml` strictly (declaration, matched tags, unique attributes, only predefined and
/// character references, no illegal characters) into its root element.
fn parse(xml: &str) -> Element {
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "no XML declaration"
    );
    assert!(
        xml.chars()
            .all(|c| matches!(c, '\t' | '\n' | '\r')
                || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')),
        "a character illegal in XML 1.0"
    );
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_comments = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => stack.last_mut().unwrap().children.push(element(&start)),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().expect("balanced tags").children.push(done);
            }
            Event::Text(text) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&text.xml10_content()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().expect("valid character reference") {
                    Some(c) => c,
                    None => match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("undefined entity &{other};"),
                    },
                };
                stack.last_mut().unwrap().text.push(c);
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    let mut document = stack.pop().expect("document");
    assert!(stack.is_empty(), "unclosed elements");
    assert_eq!(document.children.len(), 1, "exactly one root element");
    document.children.pop().unwrap()
}

fn element(start: &quick_xml::events::BytesStart<'_>) -> Element {
    let attrs = start
        .attributes()
        .map(|a| {
            let a = a.expect("well-formed, unique attribute");
            let key = a.key.as_ref().to_owned();
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .expect("escaped value");
            (key, value.into_owned())
        })
        .collect();
    Element {
        name: start.name().as_ref().to_owned(),
        attrs,
        ..Element::default()
    }
}

fn num(e: &Element, attr: &str) -> usize {
    e.attr(attr).parse().unwrap()
}

#[test]
fn sample_parses_with_the_expected_counts() {
    let root = parse(&junit(&sample::report()));
    assert_eq!(root.name, "testsuites");
    assert_eq!(root.attr("name"), "tapedeck canary");
    // 6 fixtures + the daily heartbeat; stale, inconclusive, 2 failing and the heartbeat fail.
    assert_eq!((num(&root, "tests"), num(&root, "failures")), (7, 5));
    assert_eq!((num(&root, "errors"), num(&root, "skipped")), (0, 0));
    assert_eq!(root.attr("timestamp"), "2025-06-02T12:00:00Z");
    assert_eq!(root.count("testcase"), 7);
    assert_eq!(root.count("failure"), 5);
    assert_eq!(root.count("skipped"), 0, "stale is never skipped");
    let names: Vec<&str> = root.children.iter().map(|s| s.attr("name")).collect();
    assert_eq!(
        names,
        [
            "canary::critical",
            "canary::hourly",
            "canary::daily",
            "canary::health_gate"
        ]
    );
    for suite in &root.children {
        assert_eq!(num(suite, "tests"), suite.count("testcase"));
        assert_eq!(num(suite, "failures"), suite.count("failure"));
    }
}

#[test]
fn each_state_maps_to_its_outcome() {
    let root = parse(&junit(&sample::report()));
    let failing = root.case("canary.critical.booking", "confirm_double_charge");
    let failure = failing.child("failure").expect("failing fails");
    assert_eq!(failure.attr("type"), "partial_write");
    assert!(failure.attr("message").contains("duplicate_side_effect"));
    for needle in [
        "run id: run-booking-confirm_double_charge",
        "4m ago",
        "attempts: 2",
        "health gate: required fixture booking/confirm_double_charge",
    ] {
        assert!(
            failure.text.contains(needle),
            "{needle} in {}",
            failure.text
        );
    }

    let stale = root.case("canary.hourly.billing", "invoice_render");
    let failure = stale.child("failure").expect("stale fails");
    assert_eq!(failure.attr("type"), "stale");
    assert!(failure.attr("message").contains("not required"));

    let inconclusive = root.case("canary.daily.research", "cite_sources");
    assert_eq!(
        inconclusive.child("failure").unwrap().attr("type"),
        "inconclusive"
    );

    let degraded = root.case("canary.hourly.billing", "refund_partial");
    assert!(degraded.child("failure").is_none());
    let out = degraded.child("system-out").expect("degraded is noted");
    assert_eq!(out.text, "degraded: fallback_model_used");

    let overridden = root.case("canary.daily.research", "summarize_drift");
    let failure = overridden.child("failure").unwrap();
    assert_eq!(failure.attr("type"), "silent_drift");
    assert!(failure.attr("message").contains("overridden"));
    assert!(
        failure
            .text
            .contains("overridden by dana@oncall until 2025-06-03T08:00:00Z")
    );

    let passing = root.case("canary.critical.booking", "search_basic");
    assert!(passing.children.is_empty());

    let heartbeat = root.case("canary.health_gate", "heartbeat::daily");
    let failure = heartbeat.child("failure").unwrap();
    assert_eq!(failure.attr("type"), "heartbeat");
    assert!(
        failure
            .text
            .contains("health gate: tier daily: no canary heartbeat")
    );
}

#[test]
fn a_failing_fixture_that_is_not_required_still_fails_and_says_so() {
    let mut report = sample::report();
    report.fixtures[0].state = FixtureState::Failing;
    let root = parse(&junit(&report));
    let failure = root
        .case("canary.hourly.billing", "invoice_render")
        .child("failure")
        .unwrap();
    assert_eq!(failure.attr("type"), "failed");
    assert!(failure.attr("message").starts_with("failing (passed)"));
    assert!(failure.attr("message").contains("not required"));
}

#[test]
fn hostile_strings_are_escaped_and_survive_the_round_trip() {
    let report = sample::hostile();
    let xml = junit(&report);
    assert!(!xml.contains("<script>"));
    let root = parse(&xml);
    // Neither the hostile rule nor the first one (its fixture was renamed) names a fixture.
    assert_eq!((num(&root, "tests"), num(&root, "failures")), (9, 7));
    let cleaned: String = HOSTILE.chars().filter(|c| !c.is_control()).collect();
    let case = root.case("canary.critical.booking", &cleaned);
    let failure = case.child("failure").unwrap();
    assert!(failure.attr("message").contains(&cleaned));
    assert!(failure.text.contains(&cleaned));
    let rule = root.case("canary.health_gate", "rule::2");
    assert_eq!(rule.child("failure").unwrap().text, cleaned);
}

#[test]
fn an_empty_report_is_an_empty_valid_document() {
    let root = parse(&junit(&sample::empty()));
    assert_eq!((num(&root, "tests"), num(&root, "failures")), (0, 0));
    assert!(root.children.is_empty());
}

#[test]
fn a_failed_gate_never_renders_green() {
    let mut report = sample::empty();
    report.gate.exit_code = 3;
    report.gate.status = "error".to_owned();
    let root = parse(&junit(&report));
    assert_eq!((num(&root, "tests"), num(&root, "errors")), (1, 1));
    let error = root
        .case("canary.health_gate", "gate")
        .child("error")
        .unwrap();
    assert_eq!(error.attr("message"), "health gate: exit 3 (error)");
}

#[test]
fn the_checker_rejects_what_a_ci_parser_would() {
    let decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    for bad in [
        "<a>&</a>",
        "<a>&script;</a>",
        "<a><b></a>",
        "<a x=\"1\" x=\"2\"/>",
        "<a>\u{1b}</a>",
        "<a>",
    ] {
        let xml = format!("{decl}{bad}");
        let parsed = std::panic::catch_unwind(|| parse(&xml));
        assert!(parsed.is_err(), "accepted {bad:?}");
    }
}
