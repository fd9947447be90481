//! The error catalogue: one fixture per kind of bad input, and the exact error text each one
//! produces, pinned by an insta snapshot (`error_catalogue/snapshots/`). Cases that cannot be
//! committed (huge files, deep nesting, symlinks, permissions) are generated in a temp folder.
//! `error_catalogue/README.md` lists every case.

use std::fs;
use std::path::{Path, PathBuf};
use tapedeck::Fixture;
use tapedeck::canary::CanaryConfig;
use tapedeck::canary::config::MAX_CONFIG_BYTES;
use tapedeck::fixture::limits::{DEFAULT_MAX_FILE_BYTES, MAX_NESTING};
use tapedeck::fixture::{list_fixtures, resolve_fixture};

/// The committed cases: folders under `error_catalogue/fixtures/`, one test each.
macro_rules! committed_cases {
    ($($case:ident),* $(,)?) => {
        /// Every committed case folder except `Late Fee!` (whose name is the bad input).
        const COMMITTED: &[&str] = &[$(stringify!($case)),*];
        $(
            #[test]
            fn $case() {
                let text = load_error(&catalogue().join(stringify!($case)));
                pin(stringify!($case), &text, None);
            }
        )*
    };
}

committed_cases!(
    invalid_json,
    trailing_comma,
    trailing_garbage,
    unterminated,
    not_an_object,
    wrong_types_input,
    wrong_types_expected,
    wrong_types_cassette,
    wrong_types_notes,
    unknown_keys,
    missing_input_key,
    missing_input_file,
    missing_cassette_keys,
    missing_interaction_keys,
    duplicate_keys,
    duplicate_key_in_input,
    empty_file,
    whitespace_only,
    byte_order_mark,
    non_utf8,
    unknown_effect,
    unknown_fault_kind,
    invalid_schema,
    invalid_regex,
    unsupported_format_version,
    number_out_of_range,
    unknown_resilience_keys,
    invalid_resilience,
);

/// The folder whose name is an invalid fixture id.
const BAD_ID_FOLDER: &str = "Late Fee!";

fn catalogue() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/error_catalogue/fixtures")
}

/// The errors of loading `dir`, as a user sees them.
fn load_error(dir: &Path) -> String {
    match Fixture::load(dir) {
        Ok(_) => panic!("{} should not load", dir.display()),
        Err(errors) => {
            assert!(!errors.is_empty(), "an error without problems");
            errors.to_string()
        }
    }
}

/// Replaces machine-specific path prefixes with placeholders: the temp folder (also in its
/// canonical form) with `[tmp]`, this crate's folder with `[runtime]`; `/` separators on
/// Windows.
fn normalize(text: &str, tmp: Option<&Path>) -> String {
    let mut out = text.to_string();
    if let Some(tmp) = tmp {
        if let Ok(canonical) = tmp.canonicalize() {
            out = out.replace(&canonical.display().to_string(), "[tmp]");
        }
        out = out.replace(&tmp.display().to_string(), "[tmp]");
    }
    out = out.replace(env!("CARGO_MANIFEST_DIR"), "[runtime]");
    if cfg!(windows) {
        out = out.replace('\\', "/");
    }
    out
}

/// Pins `text` (normalized) as the snapshot `case`.
fn pin(case: &str, text: &str, tmp: Option<&Path>) {
    let text = normalize(text, tmp);
    insta::with_settings!({
        snapshot_path => "error_catalogue/snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(case, text);
    });
}

fn write(path: &Path, contents: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

#[test]
fn every_committed_folder_is_a_pinned_case() {
    let mut ids: Vec<String> = list_fixtures(&catalogue())
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    ids.retain(|id| id != BAD_ID_FOLDER);
    let mut expected: Vec<&str> = COMMITTED.to_vec();
    expected.sort();
    assert_eq!(ids, expected);
}

#[test]
fn bad_fixture_id() {
    let text = load_error(&catalogue().join(BAD_ID_FOLDER));
    pin("bad_fixture_id", &text, None);
}

#[test]
fn path_escapes_and_bad_ids_are_refused_by_resolve() {
    let root = catalogue();
    let ids = [
        "..",
        "../../src",
        "invalid_json/..",
        "/etc",
        "a/b",
        "a\\b",
        "",
        BAD_ID_FOLDER,
        "invalid-json",
    ];
    let text: Vec<String> = ids
        .iter()
        .map(|id| match resolve_fixture(&root, id) {
            Ok(dir) => panic!("{id:?} resolved to {}", dir.display()),
            Err(e) => format!("{id:?} => {e}"),
        })
        .collect();
    pin("path_escapes", &text.join("\n"), None);
}

#[test]
fn huge_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("huge_file");
    write(&dir.join("input.json"), r#"{"input": 1}"#);
    // Sparse: refused from its metadata, so its content is never read.
    let file = fs::File::create(dir.join("tool_cassettes.json")).unwrap();
    file.set_len(DEFAULT_MAX_FILE_BYTES + 1).unwrap();
    pin("huge_file", &load_error(&dir), Some(tmp.path()));
}

#[test]
fn deep_nesting() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("deep_nesting");
    let deep = |n: usize| format!("{{\n  \"input\": {}{}\n}}", "[".repeat(n), "]".repeat(n));
    // The root object is one level: `input` may hold MAX_NESTING - 1 more.
    write(&dir.join("input.json"), deep(MAX_NESTING - 1));
    assert!(Fixture::load(&dir).is_ok(), "{MAX_NESTING} levels load");
    write(&dir.join("input.json"), deep(100_000));
    pin("deep_nesting", &load_error(&dir), Some(tmp.path()));
}

#[test]
fn not_a_regular_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("not_a_regular_file");
    fs::create_dir_all(dir.join("input.json")).unwrap();
    pin("not_a_regular_file", &load_error(&dir), Some(tmp.path()));
}

#[test]
fn missing_fixture_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("gone");
    pin(
        "missing_fixture_folder",
        &load_error(&dir),
        Some(tmp.path()),
    );
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_suite_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("suite");
    write(&tmp.path().join("outside/input.json"), r#"{"input": 1}"#);
    fs::create_dir_all(&root).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("outside"), root.join("escape")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("nowhere"), root.join("dangling")).unwrap();
    let text: Vec<String> = ["escape", "dangling"]
        .iter()
        .map(|id| format!("{id:?} => {}", resolve_fixture(&root, id).unwrap_err()))
        .collect();
    pin("symlink_out", &text.join("\n"), Some(tmp.path()));
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("unreadable");
    let file = dir.join("input.json");
    write(&file, r#"{"input": 1}"#);
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
    // Root (and some sandboxes) can read the file anyway: then there is nothing to pin.
    if fs::read(&file).is_ok() {
        eprintln!("unreadable_file: skipped, this user can read a mode-000 file");
        return;
    }
    pin("unreadable_file", &load_error(&dir), Some(tmp.path()));
}

/// The committed `tapedeck.toml` cases: `error_catalogue/config/<case>.toml`, one test each.
macro_rules! config_cases {
    ($($case:ident),* $(,)?) => {
        /// Every committed configuration case.
        const CONFIG_CASES: &[&str] = &[$(stringify!($case)),*];
        $(
            #[test]
            fn $case() {
                let file = catalogue_config().join(concat!(stringify!($case), ".toml"));
                pin(concat!("config_", stringify!($case)), &config_error(&file), None);
            }
        )*
    };
}

config_cases!(
    invalid_toml,
    unknown_key,
    wrong_type,
    duplicate_key,
    bad_duration,
    zero_period,
    duration_over_limit,
    bad_glob,
    negative_limit,
    non_utf8_config,
);

fn catalogue_config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/error_catalogue/config")
}

/// The error of loading the configuration file `path`, as `cargo xtask canary` prints it.
fn config_error(path: &Path) -> String {
    match CanaryConfig::load(path) {
        Ok(_) => panic!("{} should not load", path.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_committed_config_file_is_a_pinned_case() {
    let mut files: Vec<String> = fs::read_dir(catalogue_config())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = CONFIG_CASES.iter().map(|c| format!("{c}.toml")).collect();
    expected.sort();
    assert_eq!(files, expected);
}

#[test]
fn config_deep_nesting() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("tapedeck.toml");
    write(&file, format!("store = {}", "[".repeat(100_000)));
    pin(
        "config_deep_nesting",
        &config_error(&file),
        Some(tmp.path()),
    );
}

#[test]
fn config_huge_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("tapedeck.toml");
    let handle = fs::File::create(&file).unwrap();
    handle.set_len(MAX_CONFIG_BYTES + 1).unwrap();
    pin("config_huge_file", &config_error(&file), Some(tmp.path()));
}

#[test]
fn config_not_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.toml");
    let text = format!("{}\n{}", config_error(&missing), config_error(tmp.path()));
    // The OS's own words differ between platforms; the path and the hint are ours.
    let text = text
        .replace("No such file or directory (os error 2)", "[not found]")
        .replace("Is a directory (os error 21)", "[a folder]");
    pin("config_not_a_file", &text, Some(tmp.path()));
}
