//! Wire forms for hops across processes: the gRPC `grpc-timeout` header for the remaining
//! deadline, and W3C `traceparent` for the trace.

use std::time::Duration;

/// `grpc-timeout` for `remaining`: at most 8 digits and the finest unit that fits
/// (`n`, `u`, `m`, `S`, `M`, `H`), rounded up so the callee never gets more time than is left.
pub fn grpc_timeout(remaining: Duration) -> String {
    const MAX: u128 = 99_999_999;
    let nanos = remaining.as_nanos();
    let units: [(u128, char); 6] = [
        (1, 'n'),
        (1_000, 'u'),
        (1_000_000, 'm'),
        (1_000_000_000, 'S'),
        (60_000_000_000, 'M'),
        (3_600_000_000_000, 'H'),
    ];
    for (size, unit) in units {
        let value = nanos.div_ceil(size);
        if value <= MAX {
            return format!("{value}{unit}");
        }
    }
    format!("{MAX}H")
}

/// Parses a `grpc-timeout` header value.
pub fn parse_grpc_timeout(text: &str) -> Option<Duration> {
    let (digits, unit) = text.split_at(text.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u64 = digits.parse().ok()?;
    Some(match unit {
        "n" => Duration::from_nanos(value),
        "u" => Duration::from_micros(value),
        "m" => Duration::from_millis(value),
        "S" => Duration::from_secs(value),
        "M" => Duration::from_secs(value * 60),
        "H" => Duration::from_secs(value * 3600),
        _ => return None,
    })
}

/// A W3C `traceparent` (`00-<trace id>-<span id>-<flags>`); `None` if the ids are not lower-case
/// hex of 32 and 16 digits (all zeros is invalid too).
pub fn traceparent(trace_id: &str, span_id: &str, sampled: bool) -> Option<String> {
    let valid = |id: &str, len: usize| {
        id.len() == len
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            && id.bytes().any(|b| b != b'0')
    };
    (valid(trace_id, 32) && valid(span_id, 16)).then(|| {
        format!(
            "00-{trace_id}-{span_id}-{}",
            if sampled { "01" } else { "00" }
        )
    })
}

/// The trace id and parent span id of a `traceparent` header (version `00`).
pub fn parse_traceparent(header: &str) -> Option<(String, String, bool)> {
    let parts: Vec<&str> = header.trim().split('-').collect();
    let [version, trace, span, flags] = parts.as_slice() else {
        return None;
    };
    if *version != "00" || flags.len() != 2 {
        return None;
    }
    let flags = u8::from_str_radix(flags, 16).ok()?;
    traceparent(trace, span, true)?;
    Some((trace.to_string(), span.to_string(), flags & 1 == 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts_round_trip_and_round_up() {
        assert_eq!(grpc_timeout(Duration::from_millis(1500)), "1500000u");
        assert_eq!(grpc_timeout(Duration::from_secs(200)), "200000m");
        assert_eq!(grpc_timeout(Duration::from_nanos(1)), "1n");
        assert_eq!(grpc_timeout(Duration::from_secs(400_000)), "400000S");
        assert_eq!(grpc_timeout(Duration::from_secs(400_000_000)), "6666667M");
        assert_eq!(
            parse_grpc_timeout("1500m"),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_grpc_timeout("2H"), Some(Duration::from_secs(7200)));
        for bad in ["", "m", "123456789m", "1x", "-1m"] {
            assert_eq!(parse_grpc_timeout(bad), None, "{bad}");
        }
        let d = Duration::from_millis(123_456);
        assert!(parse_grpc_timeout(&grpc_timeout(d)).unwrap() >= d);
    }

    #[test]
    fn traceparent_round_trips_and_refuses_bad_ids() {
        let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        let header = traceparent(trace, "00f067aa0ba902b7", true).unwrap();
        assert_eq!(
            header,
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        );
        assert_eq!(
            parse_traceparent(&header),
            Some((trace.into(), "00f067aa0ba902b7".into(), true))
        );
        assert_eq!(traceparent(&"0".repeat(32), "00f067aa0ba902b7", true), None);
        assert_eq!(traceparent("ABC", "00f067aa0ba902b7", true), None);
        assert_eq!(parse_traceparent("01-x-y-01"), None);
    }
}
