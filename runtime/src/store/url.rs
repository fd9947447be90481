//! Store URLs as they may be shown: in reports, logs and error messages.

/// A store URL without its password: `postgres://canary:***@db/tapedeck`. Reports are pasted
/// into tickets and CI logs; a password has no business there.
pub fn without_password(store: &str) -> String {
    let Some(scheme_end) = store.find("://") else {
        return store.to_owned();
    };
    let rest = &store[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return store.to_owned();
    };
    let Some(colon) = authority[..at].find(':') else {
        return store.to_owned();
    };
    let user_start = scheme_end + 3;
    format!(
        "{}***{}",
        &store[..user_start + colon + 1],
        &store[user_start + at..]
    )
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn store_passwords_are_masked() {
        assert_eq!(
            without_password("postgres://canary:s3cr%40t@db:5432/tapedeck?sslmode=require"),
            "postgres://canary:***@db:5432/tapedeck?sslmode=require"
        );
        assert_eq!(
            without_password("postgres://canary@db/t"),
            "postgres://canary@db/t"
        );
        assert_eq!(
            without_password("target/tapedeck/runs.sqlite"),
            "target/tapedeck/runs.sqlite"
        );
    }
}
