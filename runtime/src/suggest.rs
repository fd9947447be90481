//! "Did you mean" suggestions for misspelled keys, enum values, modes and validator names.

/// The candidate closest to `input`, if it is close enough to be a plausible typo.
///
/// Uses Jaro-Winkler similarity (good for short identifiers and transpositions) and accepts a
/// candidate with similarity of at least 0.8, or a case-insensitive exact match.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = input.to_ascii_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if candidate == input {
            continue;
        }
        let score = if candidate.eq_ignore_ascii_case(input) {
            1.0
        } else {
            strsim::jaro_winkler(&lower, &candidate.to_ascii_lowercase())
        };
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        let keys = [
            "id", "tool", "effect", "request", "response", "error", "fault",
        ];
        assert_eq!(did_you_mean("tol", keys), Some("tool"));
        assert_eq!(did_you_mean("respone", keys), Some("response"));
        assert_eq!(did_you_mean("Effect", keys), Some("effect"));
        assert_eq!(did_you_mean("zzzz", keys), None);
        let effects = [
            "read", "model", "write", "network", "browser", "account", "money",
        ];
        assert_eq!(did_you_mean("monye", effects), Some("money"));
        assert_eq!(did_you_mean("", effects), None);
    }
}
