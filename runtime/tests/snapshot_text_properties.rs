//! The one-pass snapshot writer gives exactly the bytes of the `Value` path (serialize the
//! observation to a `Value`, replace the recorded responses and the volatile paths,
//! pretty-print with sorted keys) for any observation and any volatile patterns, and it is the
//! path taken for every observation.

mod properties;

use properties::observation::arb_observation;
use properties::{arb_key, config};
use proptest::prelude::*;
use tapedeck::harness::snapshot::{normalized_observation, snapshot_text};
use tapedeck::harness::snapshot_text::{pretty_sorted_masked, write_pretty_sorted_masked};
use tapedeck::json_pointer::PointerPattern;

/// Patterns that hit the observation's real shape (calls, events, outcome, output, usage), the
/// root, and arbitrary ones.
fn arb_patterns() -> impl Strategy<Value = Vec<PointerPattern>> {
    let fixed = prop::sample::select(vec![
        "",
        "/output",
        "/outcome",
        "/outcome/kind",
        "/calls/*/request",
        "/calls/*/response",
        "/calls/*/response/*",
        "/calls/0/started_ms",
        "/calls/*/error/message",
        "/events/*/data",
        "/events/0/at_ms",
        "/artifacts/*/sha256",
        "/usage/cost_usd",
        "/ledger/*/idempotency_key",
        "/*",
        "/*/*",
        "/*/*/*",
    ])
    .prop_map(|p| PointerPattern::parse(p).unwrap());
    let made = prop::collection::vec(prop_oneof![arb_key(), Just("*".to_string())], 0..4).prop_map(
        |tokens| {
            let text: String = tokens
                .iter()
                .map(|t| format!("/{}", tapedeck::json_pointer::escape(t)))
                .collect();
            PointerPattern::parse(&text).unwrap()
        },
    );
    prop::collection::vec(prop_oneof![2 => fixed, 1 => made], 0..4)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn one_pass_text_equals_the_value_path(observation in arb_observation(), volatile in arb_patterns()) {
        let via_value =
            serde_json::to_string_pretty(&normalized_observation(&observation, &volatile)).unwrap();
        let one_pass = pretty_sorted_masked(&observation, &volatile);
        prop_assert_eq!(one_pass.as_deref(), Some(via_value.as_str()));
        prop_assert_eq!(&snapshot_text(&observation, &volatile), &via_value);
        // Into a buffer that held an earlier text: replaced, not appended to.
        let mut reused = b"an earlier snapshot".to_vec();
        prop_assert!(write_pretty_sorted_masked(&observation, &volatile, &mut reused));
        prop_assert_eq!(String::from_utf8(reused).unwrap(), via_value);
    }
}

#[test]
fn maps_with_keys_out_of_order_and_repeated_are_sorted_and_the_last_wins() {
    use serde::ser::{SerializeMap, Serializer};
    struct Unsorted;
    impl serde::Serialize for Unsorted {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(None)?;
            m.serialize_entry("b", &1)?;
            m.serialize_entry("a", &[1.5, 2.0])?;
            m.serialize_entry("b", &2)?;
            m.serialize_entry("c", &serde_json::json!({}))?;
            // Keys that JSON escapes sort by their characters, not their escaped text.
            m.serialize_entry("a#", &0)?;
            m.serialize_entry("a\"b", &1)?;
            m.serialize_entry("a\\b", &2)?;
            m.serialize_entry("a\u{1}", &3)?;
            m.end()
        }
    }
    let text = pretty_sorted_masked(&Unsorted, &[]).unwrap();
    let via_value = serde_json::to_string_pretty(&serde_json::to_value(Unsorted).unwrap()).unwrap();
    assert_eq!(text, via_value);
    assert!(
        text.starts_with("{\n  \"a\": [\n    1.5,\n    2.0\n  ],\n  \"a\\u0001\": 3,\n  \"a\\\"b\": 1,\n  \"a#\": 0,"),
        "{text}"
    );
    assert!(text.ends_with("\"b\": 2,\n  \"c\": {}\n}"), "{text}");
}

#[test]
fn strings_are_escaped_as_serde_json_escapes_them_wherever_the_special_byte_is() {
    // The writer copies a string whole when a block scan finds nothing to escape: put each
    // kind of special character at every position around the 16-byte block edges.
    for special in [
        '"', '\\', '\n', '\u{0}', '\u{1f}', '\u{7f}', 'é', '\u{2028}',
    ] {
        for len in 0..40 {
            for at in 0..=len {
                let mut text: String = "a".repeat(len);
                text.insert(at, special);
                let value = serde_json::json!({ "k": text, text.clone(): [text.clone()] });
                let expected = serde_json::to_string_pretty(&value).unwrap();
                assert_eq!(
                    pretty_sorted_masked(&value, &[]).as_deref(),
                    Some(expected.as_str()),
                    "{text:?}"
                );
            }
        }
    }
}
