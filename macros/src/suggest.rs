//! "Did you mean" suggestions for misspelled names.

/// The candidate closest to `given` by Jaro-Winkler similarity, if it is close enough (≥ 0.8).
pub fn closest<'a>(given: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(&given.to_ascii_lowercase(), c), *c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `"; did you mean `x`?"` (with the given quote character around the name), or nothing.
pub fn did_you_mean(given: &str, candidates: &[&str], quote: char) -> String {
    closest(given, candidates)
        .map(|c| format!("; did you mean {quote}{c}{quote}?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(closest("mdoe", &["mode", "tools", "tier"]), Some("mode"));
        assert_eq!(closest("tool", &["mode", "tools", "tier"]), Some("tools"));
        assert_eq!(closest("teir", &["tier", "tools"]), Some("tier"));
        assert_eq!(
            closest("cassete", &["cassette", "live", "strict"]),
            Some("cassette")
        );
        assert_eq!(
            closest("Strict", &["cassette", "live", "strict"]),
            Some("strict")
        );
        assert_eq!(
            closest("hurly", &["critical", "hourly", "daily"]),
            Some("hourly")
        );
    }

    #[test]
    fn suggests_nothing_for_unrelated_names() {
        assert_eq!(closest("zzz", &["mode", "tools", "tier"]), None);
        assert_eq!(did_you_mean("zzz", &["mode"], '`'), "");
        assert_eq!(
            did_you_mean("mdoe", &["mode"], '`'),
            "; did you mean `mode`?"
        );
    }
}
