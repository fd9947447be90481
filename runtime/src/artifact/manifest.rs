//! The manifest of a committed run: the only list of artifacts a reader may trust.

use super::staging::sync_dir;
use super::{ArtifactError, committed_dir, manifest_path, normalize_path, sha256_hex};
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

/// What a committed run's manifest lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The run.
    pub run_id: String,
    /// When it was committed (RFC 3339).
    pub committed_at: String,
    /// Every committed artifact.
    pub artifacts: Vec<ManifestEntry>,
}

/// One committed artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Its normalized path under the run's directory.
    pub path: String,
    /// Lower-case hex SHA-256 of its content.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Writes a manifest atomically: a temporary file, fsync, rename, fsync of the directory.
pub(super) fn write_manifest(path: &Path, manifest: &Manifest) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(manifest).map_err(io::Error::other)?;
    text.push('\n');
    let temporary = path.with_extension("json.tmp");
    let mut file = File::create(&temporary)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temporary, path)?;
    match path.parent() {
        Some(dir) => sync_dir(dir),
        None => Ok(()),
    }
}

/// The manifest of `run_id` under `root`; `Ok(None)` if the run never committed.
pub fn read_manifest(root: &Path, run_id: &str) -> Result<Option<Manifest>, ArtifactError> {
    let path = manifest_path(root, run_id);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ArtifactError::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            });
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| ArtifactError::Untrusted {
            run_id: run_id.to_string(),
            path: path.display().to_string(),
            problem: format!("the manifest is not valid: {e}"),
        })
}

/// Reads one committed artifact, trusting it only if the run's manifest lists it with the same
/// SHA-256.
pub fn read_committed(root: &Path, run_id: &str, path: &str) -> Result<Vec<u8>, ArtifactError> {
    let path = normalize_path(path)?;
    let untrusted = |problem: &str| ArtifactError::Untrusted {
        run_id: run_id.to_string(),
        path: path.clone(),
        problem: problem.to_string(),
    };
    let manifest =
        read_manifest(root, run_id)?.ok_or_else(|| untrusted("the run has no manifest"))?;
    let entry = manifest
        .artifacts
        .iter()
        .find(|a| a.path == path)
        .ok_or_else(|| untrusted("the manifest does not list it"))?;
    let bytes =
        fs::read(committed_dir(root, run_id).join(&path)).map_err(|e| ArtifactError::Io {
            path: path.clone(),
            message: e.to_string(),
        })?;
    if sha256_hex(&bytes) != entry.sha256 {
        return Err(untrusted(
            "its content does not match the manifest's sha256",
        ));
    }
    Ok(bytes)
}
