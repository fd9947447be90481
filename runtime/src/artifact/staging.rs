//! The staging area of one run: files are written here while the run works, then committed by
//! one directory rename (after fsync) or discarded.

use super::manifest::{Manifest, ManifestEntry, write_manifest};
use super::{ArtifactError, committed_dir, manifest_path, normalize_path, staging_dir};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The staging area of one run under an artifact root.
#[derive(Debug, Clone)]
pub struct StagingArea {
    root: PathBuf,
    run_id: String,
}

impl StagingArea {
    /// The staging area of `run_id` under `root` (created on the first write).
    pub fn new(root: impl Into<PathBuf>, run_id: impl Into<String>) -> StagingArea {
        StagingArea {
            root: root.into(),
            run_id: run_id.into(),
        }
    }

    /// The artifact root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The staging directory.
    pub fn dir(&self) -> PathBuf {
        staging_dir(&self.root, &self.run_id)
    }

    /// Writes (or replaces) one file. `path` is normalized and may not escape the area, not even
    /// through a symbolic link planted inside it.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), ArtifactError> {
        let path = normalize_path(path)?;
        let dir = self.dir();
        let io_error = |e: io::Error| ArtifactError::Io {
            path: path.clone(),
            message: e.to_string(),
        };
        fs::create_dir_all(&dir).map_err(io_error)?;
        let target = dir.join(&path);
        if let Some(parent) = target.parent() {
            refuse_symlinks(&dir, parent, &path)?;
            fs::create_dir_all(parent).map_err(io_error)?;
            refuse_symlinks(&dir, parent, &path)?;
        }
        if fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(ArtifactError::Symlink(path));
        }
        let mut file = File::create(&target).map_err(io_error)?;
        file.write_all(bytes).map_err(io_error)
    }

    /// Commits: every staged file is fsynced, the staging directory is moved into place by one
    /// rename, the parent directories are fsynced, and the manifest listing `artifacts` is
    /// written last (atomically). Returns the manifest.
    pub fn commit(&self, artifacts: Vec<ManifestEntry>) -> Result<Manifest, ArtifactError> {
        let io_error = |what: &Path, e: io::Error| ArtifactError::Io {
            path: what.display().to_string(),
            message: e.to_string(),
        };
        let staged = self.dir();
        let committed = committed_dir(&self.root, &self.run_id);
        let runs = committed
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        fs::create_dir_all(&runs).map_err(|e| io_error(&runs, e))?;
        if staged.exists() {
            sync_tree(&staged).map_err(|e| io_error(&staged, e))?;
            fs::rename(&staged, &committed).map_err(|e| io_error(&committed, e))?;
            sync_dir(&runs).map_err(|e| io_error(&runs, e))?;
            if let Some(staging_parent) = staged.parent() {
                sync_dir(staging_parent).map_err(|e| io_error(staging_parent, e))?;
            }
        }
        let manifest = Manifest {
            run_id: self.run_id.clone(),
            committed_at: crate::store::time::now_rfc3339(),
            artifacts,
        };
        let path = manifest_path(&self.root, &self.run_id);
        write_manifest(&path, &manifest).map_err(|e| io_error(&path, e))?;
        Ok(manifest)
    }

    /// Removes the staging area (nothing of it becomes visible).
    pub fn discard(&self) -> io::Result<()> {
        remove_dir_if_present(&self.dir())
    }
}

/// Removes everything of a run under `root`: its staging area, and a committed directory and
/// manifest (the manifest first, so that a reader never trusts a half-removed run).
pub fn remove_run(root: &Path, run_id: &str) -> io::Result<()> {
    match fs::remove_file(manifest_path(root, run_id)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    remove_dir_if_present(&committed_dir(root, run_id))?;
    remove_dir_if_present(&staging_dir(root, run_id))
}

fn remove_dir_if_present(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Refuses `dir` if any existing directory between `base` and it is a symbolic link.
fn refuse_symlinks(base: &Path, dir: &Path, artifact: &str) -> Result<(), ArtifactError> {
    let Ok(relative) = dir.strip_prefix(base) else {
        return Err(ArtifactError::ParentComponent(artifact.to_string()));
    };
    let mut at = base.to_path_buf();
    for part in relative.components() {
        at.push(part);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(ArtifactError::Symlink(artifact.to_string()));
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(())
}

/// Fsyncs every file and directory under `dir`, then `dir` itself.
fn sync_tree(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            sync_tree(&entry.path())?;
        } else if kind.is_file() {
            File::open(entry.path())?.sync_all()?;
        }
    }
    sync_dir(dir)
}

/// Fsyncs a directory, so that a rename or a new entry in it survives a crash.
pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}
