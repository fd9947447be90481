//! Timestamps as the store writes them: RFC 3339, UTC, milliseconds, fixed width, so that
//! comparing the text compares the instants (portable SQL without date functions).

use std::time::{Duration, SystemTime};

/// `t` as RFC 3339 with milliseconds (`2026-11-22T15:52:00.123Z`).
pub fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_millis(t).to_string()
}

/// The current time as [`rfc3339`].
pub fn now_rfc3339() -> String {
    rfc3339(SystemTime::now())
}

/// Parses an RFC 3339 timestamp (`Z` offset), as written by [`rfc3339`] or by hand.
pub fn parse(text: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339_weak(text.trim_end_matches('Z'))
        .ok()
        .or_else(|| humantime::parse_rfc3339(text).ok())
}

/// `text` plus `by`, re-formatted; `None` if `text` does not parse.
pub fn add(text: &str, by: Duration) -> Option<String> {
    parse(text).map(|t| rfc3339(t + by))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_orders_as_text() {
        let t = parse("2026-11-22T15:52:00.123Z").unwrap();
        assert_eq!(rfc3339(t), "2026-11-22T15:52:00.123Z");
        assert_eq!(
            add("2026-11-22T15:52:00Z", Duration::from_secs(90)).as_deref(),
            Some("2026-11-22T15:53:30.000Z")
        );
        assert!(rfc3339(t) < rfc3339(t + Duration::from_millis(1)));
        assert_eq!(parse("yesterday"), None);
    }
}
