//! Artifact paths: relative, normalized, and never able to escape the artifact root.

/// Why an artifact path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArtifactError {
    /// The path is empty.
    #[error("artifact path is empty")]
    Empty,
    /// The path is absolute.
    #[error("artifact path {0:?} is absolute; use a path relative to the artifact root")]
    Absolute(String),
    /// The path has a `..` component.
    #[error("artifact path {0:?} contains '..'; artifacts cannot leave the artifact root")]
    ParentComponent(String),
    /// The path has a character that is not allowed (backslash, NUL, control characters).
    #[error("artifact path {0:?} contains a backslash or a control character; use '/' separators")]
    BadCharacter(String),
    /// Writing the artifact failed.
    #[error("writing artifact {path:?} failed: {message}")]
    Io {
        /// The artifact path.
        path: String,
        /// The I/O error.
        message: String,
    },
}

/// Normalizes an artifact path: `/`-separated, no `.` components, no empty components.
/// Refuses absolute paths, `..`, backslashes and control characters.
pub fn normalize_path(path: &str) -> Result<String, ArtifactError> {
    if path.is_empty() {
        return Err(ArtifactError::Empty);
    }
    if path.chars().any(|c| c == '\\' || c.is_control()) {
        return Err(ArtifactError::BadCharacter(path.to_string()));
    }
    if path.starts_with('/') || (path.len() > 1 && path.as_bytes()[1] == b':') {
        return Err(ArtifactError::Absolute(path.to_string()));
    }
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(ArtifactError::ParentComponent(path.to_string())),
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return Err(ArtifactError::Empty);
    }
    Ok(parts.join("/"))
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_and_refuses_escapes() {
        assert_eq!(
            normalize_path("./reports//a.json").unwrap(),
            "reports/a.json"
        );
        assert!(matches!(
            normalize_path("../x"),
            Err(ArtifactError::ParentComponent(_))
        ));
        assert!(matches!(
            normalize_path("a/../../x"),
            Err(ArtifactError::ParentComponent(_))
        ));
        assert!(matches!(
            normalize_path("/etc/passwd"),
            Err(ArtifactError::Absolute(_))
        ));
        assert!(matches!(
            normalize_path("C:/x"),
            Err(ArtifactError::Absolute(_))
        ));
        assert!(matches!(
            normalize_path("a\\b"),
            Err(ArtifactError::BadCharacter(_))
        ));
        assert!(matches!(normalize_path("./"), Err(ArtifactError::Empty)));
    }

    #[test]
    fn hashes_like_sha256sum() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
