//! "Did you mean" suggestions.

/// The candidate closest to `given` by Jaro-Winkler similarity, if it is close enough (≥ 0.8).
pub fn closest<'a, I>(given: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(given, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            super::closest("casette", ["cassette", "live", "strict"]),
            Some("cassette")
        );
        assert_eq!(super::closest("zzz", ["cassette", "live", "strict"]), None);
    }
}
