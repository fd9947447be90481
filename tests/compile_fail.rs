//! Compile-fail and pass tests of the tapedeck macros, with trybuild.
//!
//! Every error the macros report is pinned by a case in `ui/` (with its `.stderr`); the
//! `ui/pass_*.rs` cases compile, run, and assert what was registered.
//!
//! **Which folder the "folder exists" check sees.** trybuild compiles every case as a binary of a
//! generated crate in `<target>/tests/trybuild/tapedeck-e2e/`, so that is the
//! `CARGO_MANIFEST_DIR` the macros read, and fixture paths in the cases are relative to it, as
//! they would be in a real crate. Before running trybuild, this test copies `ui/fixtures/` to
//! `<target>/tests/trybuild/tapedeck-e2e/fixtures/`: `"fixtures/refunds"` and
//! `"fixtures/support"` exist there, anything else under `fixtures/` does not, and the generated
//! `Cargo.toml` is a file. `<target>` is the parent of `CARGO_TARGET_TMPDIR` (`<target>/tmp`),
//! which is trybuild's target directory too (both come from cargo).
//!
//! **Resolved absolute paths.** The errors for a missing folder and for a file name the resolved
//! absolute path, under `<target>`. trybuild only normalizes paths under this crate (`$DIR`) and
//! under the workspace (`$WORKSPACE`); the target directory may be anywhere (`CARGO_TARGET_DIR`,
//! a shared cache), so a checked-in `.stderr` could not match on another checkout. Those cases
//! live in `ui-resolved/` with a `.stderr.template` in which `$PROJECT` stands for the generated
//! crate's folder and `$CASES` for the folder the case is compiled from: the test renders each
//! case into `<target>/tmp/tapedeck-ui-resolved/` and runs it from there, so the whole message,
//! absolute path included, is still compared exactly.

use std::fs;
use std::path::{Path, PathBuf};

/// `<target>/tests/trybuild/tapedeck-e2e`, the generated crate trybuild builds the cases in.
fn trybuild_project() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory");
    target
        .join("tests")
        .join("trybuild")
        .join(env!("CARGO_PKG_NAME"))
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// How trybuild prints `path` in compiler messages: under the workspace it is normalized to
/// `$WORKSPACE/...` (the default `target/` of a fresh clone); elsewhere it stays absolute.
fn shown_as_by_trybuild(path: &Path) -> String {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace");
    match path.strip_prefix(workspace) {
        Ok(rest) => format!("$WORKSPACE/{}", rest.display()),
        Err(_) => path.display().to_string(),
    }
}

/// Renders `ui-resolved/*.rs` with their `.stderr.template` into a scratch folder.
fn render_resolved_cases(project: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui-resolved");
    let cases = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tapedeck-ui-resolved");
    let _ = fs::remove_dir_all(&cases);
    fs::create_dir_all(&cases).unwrap();
    for entry in fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            fs::copy(&path, cases.join(path.file_name().unwrap())).unwrap();
            let template = fs::read_to_string(path.with_extension("stderr.template"))
                .expect("every ui-resolved case has a .stderr.template");
            let rendered = template
                .replace("$PROJECT", &shown_as_by_trybuild(project))
                .replace("$CASES", &cases.display().to_string());
            fs::write(
                cases.join(path.with_extension("stderr").file_name().unwrap()),
                rendered,
            )
            .unwrap();
        }
    }
    cases
}

#[test]
fn ui() {
    let project = trybuild_project();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/fixtures"),
        &project.join("fixtures"),
    );
    let resolved = render_resolved_cases(&project);

    let t = trybuild::TestCases::new();
    t.pass("ui/pass_*.rs");
    t.compile_fail("ui/agent_fixture_*.rs");
    t.compile_fail("ui/canary_*.rs");
    t.compile_fail("ui/main_*.rs");
    t.compile_fail(resolved.join("*.rs"));
}
