//! The compile-time check of a suite's fixture folder: relative, inside the crate, existing.
//!
//! Discovery of the fixtures in the folder happens at run time; this only catches typos early.

use std::path::{Component, Path, PathBuf};
use syn::LitStr;

const EXAMPLE: &str = "\"fixtures/refunds\"";

/// Checks the folder named by `lit` against the `CARGO_MANIFEST_DIR` of the crate being
/// compiled; the error is on the literal.
pub fn check(lit: &LitStr) -> syn::Result<()> {
    let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return Err(syn::Error::new(
            lit.span(),
            "CARGO_MANIFEST_DIR is not set, so the fixture folder cannot be checked; build with cargo",
        ));
    };
    check_in(Path::new(&manifest_dir), &lit.value())
        .map(drop)
        .map_err(|message| syn::Error::new(lit.span(), message))
}

/// Checks `root` relative to `manifest_dir`; returns the resolved folder.
pub fn check_in(manifest_dir: &Path, root: &str) -> Result<PathBuf, String> {
    let relative = Path::new(root);
    if root.trim().is_empty() {
        return Err(format!(
            "the fixture folder is empty; give a folder relative to the crate, like {EXAMPLE}"
        ));
    }
    if relative.is_absolute() || root.starts_with(['/', '\\']) || relative.has_root() {
        return Err(format!(
            "the fixture folder {root:?} is absolute; give a folder relative to the crate \
             (its CARGO_MANIFEST_DIR), like {EXAMPLE}"
        ));
    }
    let mut depth = 0usize;
    for component in relative.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth = depth.checked_sub(1).ok_or_else(|| {
                    format!(
                        "the fixture folder {root:?} escapes the crate through `..`; \
                         fixture folders live inside the crate that declares them, like {EXAMPLE}"
                    )
                })?;
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!(
                    "the fixture folder {root:?} is absolute; give a folder relative to the crate, like {EXAMPLE}"
                ));
            }
        }
    }
    if depth == 0 {
        return Err(format!(
            "the fixture folder {root:?} is the crate itself; give a sub-folder, like {EXAMPLE}"
        ));
    }
    let resolved = manifest_dir.join(relative);
    if !resolved.exists() {
        return Err(format!(
            "fixture folder {root:?} does not exist: nothing at {} \
             (fixture folders are relative to the crate's CARGO_MANIFEST_DIR); \
             create it or fix the path",
            resolved.display()
        ));
    }
    if !resolved.is_dir() {
        return Err(format!(
            "fixture folder {root:?} is not a folder: {} is a file",
            resolved.display()
        ));
    }
    if let (Ok(real), Ok(crate_dir)) = (resolved.canonicalize(), manifest_dir.canonicalize())
        && !real.starts_with(&crate_dir)
    {
        return Err(format!(
            "the fixture folder {root:?} leaves the crate through a symlink: {} is {}",
            resolved.display(),
            real.display()
        ));
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh temporary crate folder with `fixtures/refunds/` and a file `Cargo.toml`.
    fn crate_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "tapedeck-macros-folder-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("fixtures/refunds")).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "").unwrap();
        dir
    }

    #[test]
    fn accepts_existing_relative_folders() {
        let dir = crate_dir("ok");
        assert_eq!(
            check_in(&dir, "fixtures/refunds").unwrap(),
            dir.join("fixtures/refunds")
        );
        assert!(check_in(&dir, "./fixtures/../fixtures/refunds/").is_ok());
    }

    #[test]
    fn missing_folders_name_the_resolved_path() {
        let dir = crate_dir("missing");
        let error = check_in(&dir, "fixtures/refund").unwrap_err();
        let resolved = dir.join("fixtures/refund");
        assert!(
            error.starts_with("fixture folder \"fixtures/refund\" does not exist: nothing at "),
            "{error}"
        );
        assert!(error.contains(&resolved.display().to_string()), "{error}");
    }

    #[test]
    fn rejects_files_absolute_paths_escapes_and_the_crate_itself() {
        let dir = crate_dir("bad");
        assert!(
            check_in(&dir, "Cargo.toml")
                .unwrap_err()
                .contains("is a file")
        );
        assert!(check_in(&dir, "/etc").unwrap_err().contains("is absolute"));
        assert!(
            check_in(&dir, "../x")
                .unwrap_err()
                .contains("escapes the crate")
        );
        assert!(
            check_in(&dir, "fixtures/../../x")
                .unwrap_err()
                .contains("escapes the crate")
        );
        assert!(check_in(&dir, "").unwrap_err().contains("is empty"));
        assert!(
            check_in(&dir, ".")
                .unwrap_err()
                .contains("the crate itself")
        );
        assert!(
            check_in(&dir, "a/..")
                .unwrap_err()
                .contains("the crate itself")
        );
    }

    #[cfg(unix)]
    #[test]
    fn rejects_symlinks_out_of_the_crate() {
        let dir = crate_dir("symlink");
        let outside = crate_dir("symlink-target");
        std::os::unix::fs::symlink(&outside, dir.join("fixtures/out")).unwrap();
        assert!(
            check_in(&dir, "fixtures/out")
                .unwrap_err()
                .contains("leaves the crate through a symlink")
        );
    }
}
