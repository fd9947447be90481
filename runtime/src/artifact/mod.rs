//! Artifacts: paths that can never escape the artifact root, and the staging-commit protocol
//! that makes a run's files visible all at once or not at all.
//!
//! Layout under an artifact root:
//!
//! ```text
//! staging/<run_id>/<path>      written while the run works (never trusted)
//! runs/<run_id>/<path>         committed by one directory rename on a passed/degraded close
//! runs/<run_id>.manifest.json  written last: path, sha256 and size of every committed file
//! ```
//!
//! Readers trust only what a committed manifest lists ([`read_committed`]).

mod manifest;
mod staging;

pub use manifest::{Manifest, ManifestEntry, read_committed, read_manifest};
pub use staging::{StagingArea, remove_run};

use std::path::{Path, PathBuf};

/// Where a run's files are staged.
pub fn staging_dir(root: &Path, run_id: &str) -> PathBuf {
    root.join("staging").join(run_id)
}

/// Where a run's files are once committed.
pub fn committed_dir(root: &Path, run_id: &str) -> PathBuf {
    root.join("runs").join(run_id)
}

/// The manifest of a committed run.
pub fn manifest_path(root: &Path, run_id: &str) -> PathBuf {
    root.join("runs").join(format!("{run_id}.manifest.json"))
}

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
    /// A directory on the way is a symbolic link (it could lead out of the artifact root).
    #[error(
        "artifact path {0:?} runs through a symbolic link; artifacts cannot leave the artifact root"
    )]
    Symlink(String),
    /// A committed file does not match its manifest, or is not listed in it.
    #[error("artifact {path:?} of run {run_id} cannot be trusted: {problem}")]
    Untrusted {
        /// The run.
        run_id: String,
        /// The artifact path.
        path: String,
        /// What is wrong.
        problem: String,
    },
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
