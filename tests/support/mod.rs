//! Helpers for end-to-end tests: build a harness test binary once and run it like cargo or
//! nextest would.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// Builds (if needed) the `fixtures` test target of `package` and returns its executable.
pub fn harness_binary(package: &str) -> PathBuf {
    static BUILT: OnceLock<std::sync::Mutex<std::collections::HashMap<String, PathBuf>>> =
        OnceLock::new();
    let cache = BUILT.get_or_init(Default::default);
    if let Some(path) = cache.lock().unwrap().get(package) {
        return path.clone();
    }
    let out = Command::new(env!("CARGO"))
        .args([
            "test",
            "--no-run",
            "--message-format=json",
            "-p",
            package,
            "--test",
            "fixtures",
        ])
        .current_dir(workspace())
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "building {package} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let exe = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "fixtures")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the fixtures executable");
    cache
        .lock()
        .unwrap()
        .insert(package.to_string(), exe.clone());
    exe
}

/// Runs a harness binary with `args`, from the package directory, without CI or insta
/// variables leaking in from the outer test run.
pub fn run(binary: &Path, manifest_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(binary);
    command
        .args(args)
        .current_dir(manifest_dir)
        .env("CARGO_MANIFEST_DIR", manifest_dir);
    for var in [
        "CI",
        "INSTA_UPDATE",
        "INSTA_FORCE_PASS",
        "TAPEDECK_MODE",
        "TAPEDECK_DEBUG",
    ] {
        command.env_remove(var);
    }
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("the harness binary runs")
}

/// stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `test NAME ... RESULT` lines of a libtest-style run, as (name, result).
pub fn outcomes(out: &Output) -> Vec<(String, String)> {
    stdout(out)
        .lines()
        .filter_map(|l| l.strip_prefix("test "))
        .filter_map(|l| {
            l.rsplit_once(" ... ")
                .map(|(n, r)| (n.trim().to_string(), r.trim().to_string()))
        })
        .collect()
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
