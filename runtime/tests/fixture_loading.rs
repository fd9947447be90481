//! Loading, listing and writing real fixture folders: valid ones, and malformed ones whose
//! errors must name the file, the JSON Pointer, the line and a useful hint.

use std::fs;
use std::path::{Path, PathBuf};
use tapedeck::fixture::{
    FixtureError, FixtureErrors, LoadOptions, SuiteError, list_fixtures, resolve_fixture,
    to_canonical_json,
};
use tapedeck::{Cassette, Contract, Fixture};

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/loading")
        .join(name)
}

fn errors(name: &str) -> Vec<FixtureError> {
    errors_in(&dir(name))
}

fn errors_in(path: &Path) -> Vec<FixtureError> {
    match Fixture::load(path) {
        Ok(_) => panic!("{} should not load", path.display()),
        Err(e) => {
            assert!(!e.is_empty());
            e.0
        }
    }
}

fn file_name(e: &FixtureError) -> &str {
    e.file.file_name().unwrap().to_str().unwrap()
}

/// The error with this file name and pointer (exactly one).
fn find<'a>(errors: &'a [FixtureError], file: &str, pointer: &str) -> &'a FixtureError {
    let found: Vec<_> = errors
        .iter()
        .filter(|e| file_name(e) == file && e.pointer.as_deref() == Some(pointer))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{file} {pointer} in {}",
        FixtureErrors(errors.to_vec())
    );
    found[0]
}

fn write(path: &Path, contents: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

#[test]
fn minimal_fixture_needs_only_input_json() {
    let fixture = Fixture::load(&dir("valid/minimal")).unwrap();
    assert_eq!(fixture.id, "minimal");
    assert_eq!(
        fixture.input.input["question"],
        "Why was I charged a late fee?"
    );
    assert_eq!(*fixture.cassette, Cassette::empty());
    assert_eq!(fixture.expected, Contract::default());
    assert_eq!(fixture.notes, Default::default());
}

#[test]
fn full_fixture_loads_every_file_and_ignores_extra_files() {
    let fixture = Fixture::load(&dir("valid/full")).unwrap();
    assert_eq!(fixture.id, "full");
    assert_eq!(fixture.cassette.interactions.len(), 6);
    assert_eq!(fixture.cassette.values.random, [0.25, 0.0, 0.999]);
    assert_eq!(fixture.input.timeout_seconds, Some(120));
    let resilience = fixture.input.resilience.as_ref().unwrap().config();
    assert_eq!(resilience.breaker.failure_threshold, 5);
    assert_eq!(
        resilience.breaker.cool_down,
        std::time::Duration::from_secs(60)
    );
    assert_eq!(
        resilience.breaker.probe_timeout,
        std::time::Duration::from_secs(5),
        "a default"
    );
    assert_eq!(
        (
            resilience.budget.max_balance,
            resilience.budget.retry_ratio,
            resilience.budget.min_per_second
        ),
        (2.5, 0.1, 10.0)
    );
    assert_eq!(
        fixture.expected.tools.as_ref().unwrap().required[0].max,
        Some(2)
    );
    assert_eq!(fixture.notes.owner.as_deref(), Some("payments-oncall"));
}

#[test]
fn load_then_save_is_byte_identical() {
    for name in [
        "valid/minimal",
        "valid/full",
        "valid/numbers_unicode",
        "valid/whole_numbers",
    ] {
        let source = dir(name);
        let fixture = Fixture::load(&source).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("copy");
        fixture.save(&out).unwrap();
        for file in [
            "input.json",
            "expected.json",
            "tool_cassettes.json",
            "notes.json",
        ] {
            let original = fs::read(source.join(file)).ok();
            let written = fs::read(out.join(file)).ok();
            assert_eq!(
                original.as_deref().map(String::from_utf8_lossy),
                written.as_deref().map(String::from_utf8_lossy),
                "{name}/{file}"
            );
        }
        let mut names: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert!(
            names.iter().all(|n| !n.starts_with('.')),
            "temp files left: {names:?}"
        );
        // The saved copy loads back to the same fixture.
        let mut again = Fixture::load(&out).unwrap();
        again.id = fixture.id.clone();
        again.dir = fixture.dir.clone();
        assert_eq!(again, fixture, "{name}");
    }
}

#[test]
fn save_keeps_absent_defaults_absent_and_rewrites_existing_files() {
    let out = tempfile::tempdir().unwrap();
    let root = out.path().join("case");
    let fixture = Fixture::load(&dir("valid/minimal")).unwrap();
    fixture.save(&root).unwrap();
    assert!(root.join("input.json").exists());
    assert!(!root.join("expected.json").exists());
    assert!(!root.join("tool_cassettes.json").exists());
    assert!(!root.join("notes.json").exists());
    write(&root.join("expected.json"), "{ }");
    let loaded = Fixture::load(&root).unwrap();
    loaded.save(&root).unwrap();
    assert_eq!(
        fs::read_to_string(root.join("expected.json")).unwrap(),
        "{}\n"
    );
}

#[test]
fn save_refuses_a_secret_left_in_any_file_and_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let root = out.path().join("case");
    let mut fixture = Fixture::load(&dir("valid/minimal")).unwrap();
    fixture.notes.description = Some("key AKIAIOSFODNN7EXAMPLE leaked".into());
    let error = fixture.save(&root).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    let message = error.to_string();
    assert!(
        message.contains("notes.json") && message.contains("/description"),
        "{message}"
    );
    assert!(!root.exists(), "nothing is written, not even input.json");
}

#[test]
fn canonical_json_sorts_keys_indents_two_spaces_and_ends_with_newline() {
    #[derive(serde::Serialize)]
    struct Unsorted {
        zeta: u8,
        alpha: Vec<f64>,
        mid: serde_json::Value,
    }
    let text = to_canonical_json(&Unsorted {
        zeta: 1,
        alpha: vec![0.25],
        mid: serde_json::json!({"b": {}, "a": "ü"}),
    });
    assert_eq!(
        text,
        "{\n  \"alpha\": [\n    0.25\n  ],\n  \"mid\": {\n    \"a\": \"ü\",\n    \"b\": {}\n  },\n  \"zeta\": 1\n}\n"
    );
}

#[test]
fn bad_json_reports_the_syntax_error_position() {
    let errs = errors("bad_json");
    assert_eq!(errs.len(), 1);
    let e = &errs[0];
    assert_eq!(file_name(e), "input.json");
    assert_eq!((e.line, e.column), (Some(2), Some(20)));
    assert!(e.message.contains("trailing comma"), "{e}");
}

#[test]
fn trailing_garbage_after_the_object_is_an_error() {
    let errs = errors("trailing_garbage");
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].line, Some(4));
    assert!(errs[0].message.contains("trailing characters"));
    assert!(
        errs[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("exactly one JSON object")
    );
}

#[test]
fn wrong_types_name_pointer_expected_and_found() {
    let errs = errors("wrong_types");
    assert_eq!(errs.len(), 2, "{}", FixtureErrors(errs.clone()));
    let e = find(&errs, "tool_cassettes.json", "/format_version");
    assert_eq!(e.message, "expected integer, found string");
    assert_eq!(e.line, Some(2));
    let e = find(&errs, "tool_cassettes.json", "/interactions/0/duration_ms");
    assert_eq!(e.message, "expected integer, found string");
    assert_eq!(e.line, Some(9));
}

#[test]
fn unknown_keys_get_did_you_mean_hints() {
    let errs = errors("unknown_keys");
    assert_eq!(errs.len(), 2);
    let e = find(&errs, "tool_cassettes.json", "/interactions/0/tol");
    assert_eq!((e.line, e.column), (Some(5), Some(7)));
    assert_eq!(e.hint.as_deref(), Some("did you mean \"tool\"?"));
    assert!(e.to_string().ends_with(
        "tool_cassettes.json:5:7: /interactions/0/tol: unknown key \"tol\" (did you mean \"tool\"?)"
    ));
    let e = find(&errs, "tool_cassettes.json", "/interactions/0/respones");
    assert_eq!(e.hint.as_deref(), Some("did you mean \"response\"?"));
    assert_eq!(e.line, Some(9));
}

#[test]
fn missing_required_keys_say_which_and_what_for() {
    let errs = errors("missing_required");
    assert_eq!(errs.len(), 2);
    let e = find(&errs, "input.json", "");
    assert_eq!(e.message, "missing required key \"input\"");
    assert!(e.hint.as_deref().unwrap().contains("agent's input"));
    let e = find(&errs, "tool_cassettes.json", "/interactions/0");
    assert_eq!(e.message, "missing required key \"effect\"");
    assert!(e.hint.as_deref().unwrap().contains("effect class"));
    assert_eq!(e.line, Some(4));
}

#[test]
fn duplicate_keys_are_errors_at_top_level_and_inside_free_form_values() {
    let errs = errors("duplicate_keys");
    assert_eq!(errs.len(), 3, "{}", FixtureErrors(errs.clone()));
    let e = find(&errs, "input.json", "/input");
    assert_eq!(e.message, "duplicate key \"input\"");
    assert_eq!((e.line, e.column), (Some(4), Some(3)));
    let e = find(
        &errs,
        "tool_cassettes.json",
        "/interactions/0/request/query",
    );
    assert_eq!(e.message, "duplicate key \"query\"");
    assert_eq!(e.line, Some(10));
    let e = find(
        &errs,
        "tool_cassettes.json",
        "/interactions/0/request/filters/lang",
    );
    assert_eq!(e.line, Some(9));
}

#[test]
fn duplicate_keys_in_typed_maps_are_errors_too() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dup_map");
    write(&root.join("input.json"), r#"{"input": 1}"#);
    write(
        &root.join("expected.json"),
        "{\"effects\": {\"max_applied\": {\"money\": 1,\n \"money\": 2}}}",
    );
    let errs = errors_in(&root);
    let e = find(&errs, "expected.json", "/effects/max_applied/money");
    assert_eq!(e.line, Some(2));
}

#[test]
fn empty_file_says_what_it_must_contain() {
    let errs = errors("empty_file");
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0]
            .message
            .starts_with("file is empty; a fixture JSON file must contain an object")
    );
    assert_eq!(file_name(&errs[0]), "input.json");
}

#[test]
fn non_utf8_bytes_are_reported_with_their_offset() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("latin1");
    write(
        &root.join("input.json"),
        b"{\n  \"input\": \"caf\xE9\"\n}\n",
    );
    let errs = errors_in(&root);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].message.contains("not valid UTF-8") && errs[0].message.contains("offset 17"),
        "{}",
        errs[0]
    );
    assert_eq!((errs[0].line, errs[0].column), (Some(2), Some(16)));
}

#[test]
fn a_document_that_is_not_an_object_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("array");
    write(&root.join("input.json"), "[1, 2]");
    let errs = errors_in(&root);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].message, "expected an object, found array");
}

#[test]
fn out_of_range_numbers_fall_back_to_serde_with_a_pointer() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("big_version");
    write(&root.join("input.json"), r#"{"input": 1}"#);
    write(
        &root.join("tool_cassettes.json"),
        "{\n  \"format_version\": 5000000000,\n  \"interactions\": []\n}",
    );
    let errs = errors_in(&root);
    assert_eq!(errs.len(), 1, "{}", FixtureErrors(errs.clone()));
    assert_eq!(errs[0].pointer.as_deref(), Some("/format_version"));
    assert_eq!(errs[0].line, Some(2));
    assert!(errs[0].message.contains("5000000000"), "{}", errs[0]);
}

#[test]
fn bad_fixture_ids_are_errors_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("Late Fee!");
    write(&root.join("input.json"), r#"{"input": 1}"#);
    let errs = errors_in(&root);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].message.contains("invalid fixture id \"Late Fee!\""));
    assert_eq!(
        errs[0].hint.as_deref(),
        Some("rename the folder to \"late_fee\""),
        "{}",
        errs[0]
    );
}

#[test]
fn missing_input_json_says_so() {
    let errs = errors("missing_input");
    assert_eq!(errs.len(), 1);
    assert_eq!(file_name(&errs[0]), "input.json");
    assert!(errs[0].message.contains("missing input.json"));
    assert!(errs[0].hint.as_deref().unwrap().contains("\"input\""));
}

#[test]
fn unknown_effect_and_fault_kind_list_the_variants() {
    let errs = errors("unknown_enum");
    assert_eq!(errs.len(), 2);
    let e = find(&errs, "tool_cassettes.json", "/interactions/0/effect");
    assert!(e.to_string().ends_with(
        "tool_cassettes.json:4:34: /interactions/0/effect: unknown variant \"monye\"; expected one of read, model, write, network, browser, account, money (did you mean \"money\"?)"
    ), "{e}");
    let e = find(&errs, "tool_cassettes.json", "/interactions/1/fault/kind");
    assert!(
        e.message
            .starts_with("unknown variant \"slo\"; expected one of timeout,")
    );
    assert_eq!(e.hint.as_deref(), Some("did you mean \"slow\"?"));
    assert_eq!(e.line, Some(5));
}

#[test]
fn invalid_contract_regex_schema_glob_pointer_and_bounds() {
    let errs = errors("bad_contract");
    assert_eq!(errs.len(), 8, "{}", FixtureErrors(errs.clone()));
    let e = find(&errs, "expected.json", "/output/regex");
    assert!(e.message.starts_with("invalid regular expression"));
    assert_eq!(e.line, Some(3));
    let e = find(&errs, "expected.json", "/output/schema/type");
    assert!(e.message.starts_with("not a valid JSON Schema"));
    assert_eq!(e.line, Some(4));
    find(
        &errs,
        "expected.json",
        "/artifacts/required/0/schema/minimum",
    );
    find(&errs, "expected.json", "/artifacts/required/0/path");
    let e = find(&errs, "expected.json", "/artifacts/forbidden_paths/0");
    assert!(e.message.starts_with("invalid glob"));
    let e = find(&errs, "expected.json", "/tools/required/0");
    assert_eq!(e.message, "min 3 is greater than max 1");
    find(&errs, "expected.json", "/tools/args/0/ignore/0");
    let e = find(&errs, "expected.json", "/volatile/1");
    assert_eq!(e.line, Some(14));
}

#[test]
fn cassette_semantics_are_checked() {
    let errs = errors("bad_cassette_semantics");
    assert_eq!(errs.len(), 10, "{}", FixtureErrors(errs.clone()));
    let e = find(&errs, "tool_cassettes.json", "/format_version");
    assert!(e.hint.as_deref().unwrap().contains("format version 1"));
    find(&errs, "tool_cassettes.json", "/values/now/1");
    find(&errs, "tool_cassettes.json", "/values/random/1");
    find(&errs, "tool_cassettes.json", "/values/random/2");
    let e = find(&errs, "tool_cassettes.json", "/interactions/0");
    assert!(e.message.contains("needs a \"response\" or an \"error\""));
    let e = find(&errs, "tool_cassettes.json", "/interactions/1");
    assert!(e.message.contains("both"));
    let e = find(&errs, "tool_cassettes.json", "/interactions/1/id");
    assert!(e.message.contains("duplicate interaction id \"a\""));
    assert_eq!(e.line, Some(6));
    find(&errs, "tool_cassettes.json", "/interactions/2");
    let e = find(&errs, "tool_cassettes.json", "/interactions/2/fault");
    assert!(e.message.contains("delay_ms"));
    find(
        &errs,
        "tool_cassettes.json",
        "/interactions/3/fault/retry_after_ms",
    );
}

#[test]
fn errors_of_all_files_are_reported_together() {
    let errs = errors("multi_file");
    let files: std::collections::BTreeSet<_> = errs.iter().map(file_name).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        [
            "expected.json",
            "input.json",
            "notes.json",
            "tool_cassettes.json"
        ]
    );
    assert_eq!(
        find(&errs, "input.json", "/inptu").hint.as_deref(),
        Some("did you mean \"input\"?")
    );
    assert_eq!(
        find(&errs, "expected.json", "/toolz").hint.as_deref(),
        Some("did you mean \"tools\"?")
    );
    find(&errs, "tool_cassettes.json", "/interactions/0/effect");
    assert_eq!(find(&errs, "notes.json", "/created_at").line, Some(3));
    let shown = Fixture::load(&dir("multi_file")).unwrap_err().to_string();
    assert_eq!(shown.lines().count(), errs.len());
}

#[test]
fn files_over_the_size_limit_are_refused_before_reading() {
    let options = LoadOptions {
        max_file_bytes: 100,
    };
    let errs = Fixture::load_with(&dir("valid/full"), &options)
        .unwrap_err()
        .0;
    assert_eq!(errs.len(), 4, "{}", FixtureErrors(errs.clone()));
    for e in &errs {
        assert!(e.message.contains("over the limit of 100 bytes"), "{e}");
        assert!(e.hint.as_deref().unwrap().contains("max_file_bytes"));
    }
    assert!(Fixture::load_with(&dir("valid/minimal"), &options).is_ok());
}

#[test]
fn deep_nesting_is_a_clear_error_not_a_stack_overflow() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("deep");
    let n = 100_000;
    write(
        &root.join("input.json"),
        format!("{{\"input\": {}{}}}", "[".repeat(n), "]".repeat(n)),
    );
    let errs = errors_in(&root);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].message.starts_with("nesting too deep"),
        "{}",
        errs[0]
    );
    // Unclosed brackets too.
    write(&root.join("input.json"), "[".repeat(n));
    assert!(errors_in(&root)[0].message.starts_with("nesting too deep"));
    // 100 levels are fine.
    write(
        &root.join("input.json"),
        format!("{{\"input\": {}{}}}", "[".repeat(100), "]".repeat(100)),
    );
    assert!(Fixture::load(&root).is_ok());
}

#[test]
fn unreadable_files_name_the_file_and_the_os_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("folder_input");
    fs::create_dir_all(root.join("input.json")).unwrap();
    let errs = errors_in(&root);
    assert_eq!(errs[0].message, "is a folder, not a JSON file");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let root = tmp.path().join("locked");
        let file = root.join("input.json");
        write(&file, r#"{"input": 1}"#);
        fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
        // Root can read anything; the check only means something for other users.
        if fs::read(&file).is_err() {
            let errs = errors_in(&root);
            assert_eq!(errs.len(), 1);
            assert!(
                errs[0].message.starts_with("cannot read file: "),
                "{}",
                errs[0]
            );
            assert!(errs[0].message.to_lowercase().contains("permission denied"));
            assert_eq!(errs[0].file, file);
        }
    }
}

/// A pipe named like a fixture file is refused at once: opening it for reading must not wait
/// for a writer that never comes (the test would hang).
#[cfg(unix)]
#[test]
fn a_pipe_named_like_a_fixture_file_is_refused_without_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("piped");
    fs::create_dir_all(&root).unwrap();
    let pipe = root.join("input.json");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available here; skipped");
        return;
    }
    let errs = errors_in(&root);
    assert_eq!(errs[0].file, pipe);
    assert_eq!(
        errs[0].message,
        "is not a regular file (a device, a pipe or a socket); it was not read"
    );
}

#[test]
fn suite_listing_is_sorted_cheap_and_keeps_bad_ids_as_entries() {
    let root = dir("suite");
    let entries = list_fixtures(&root).unwrap();
    let ids: Vec<_> = entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["Bad Name", "alpha", "beta"]);
    assert_eq!(entries[1].dir, root.join("alpha"));
    // One bad fixture fails only itself.
    let bad = errors_in(&entries[0].dir);
    assert!(bad[0].message.contains("invalid fixture id"));
    assert!(Fixture::load(&entries[1].dir).is_ok());
    assert!(matches!(
        list_fixtures(&dir("does_not_exist")),
        Err(SuiteError::Io { .. })
    ));
}

#[test]
fn resolving_ids_refuses_escapes() {
    let root = dir("suite");
    assert_eq!(resolve_fixture(&root, "alpha").unwrap(), root.join("alpha"));
    for id in ["..", "../suite/alpha", "/etc", "alpha/..", "a/b", "a\\b"] {
        assert!(
            matches!(resolve_fixture(&root, id), Err(SuiteError::Escapes { .. })),
            "{id}"
        );
    }
    assert!(matches!(
        resolve_fixture(&root, "Bad Name"),
        Err(SuiteError::InvalidId { .. })
    ));
    assert!(matches!(
        resolve_fixture(&root, "missing"),
        Err(SuiteError::NotFound { .. })
    ));
    assert!(matches!(
        resolve_fixture(&root, ""),
        Err(SuiteError::InvalidId { .. })
    ));
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_root_resolve_and_symlinks_out_are_refused() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("suite");
    let outside = tmp.path().join("outside");
    write(&root.join("real/input.json"), r#"{"input": 1}"#);
    write(&outside.join("input.json"), r#"{"input": 2}"#);
    symlink(root.join("real"), root.join("alias")).unwrap();
    symlink(&outside, root.join("escape")).unwrap();
    symlink(tmp.path().join("nowhere"), root.join("dangling")).unwrap();

    let ids: Vec<_> = list_fixtures(&root)
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, ["alias", "escape", "real"]);

    let alias = resolve_fixture(&root, "alias").unwrap();
    assert_eq!(alias, root.join("alias"));
    assert_eq!(Fixture::load(&alias).unwrap().id, "alias");
    let err = resolve_fixture(&root, "escape").unwrap_err();
    assert!(matches!(err, SuiteError::Escapes { .. }));
    assert!(err.to_string().contains("outside the root"), "{err}");
    assert!(matches!(
        resolve_fixture(&root, "dangling"),
        Err(SuiteError::Escapes { .. })
    ));
}

#[test]
fn a_missing_fixture_folder_is_one_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let errs = errors_in(&tmp.path().join("gone"));
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].message.starts_with("cannot open fixture folder: "),
        "{}",
        errs[0]
    );
}

#[test]
fn errors_serde_alone_detects_still_get_a_pointer_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("float_version");
    write(&root.join("input.json"), r#"{"input": 1}"#);
    write(
        &root.join("tool_cassettes.json"),
        "{\n  \"interactions\": [],\n  \"format_version\": 1.0\n}",
    );
    let errs = errors_in(&root);
    assert_eq!(errs.len(), 1, "{}", FixtureErrors(errs.clone()));
    assert_eq!(errs[0].pointer.as_deref(), Some("/format_version"));
    assert_eq!(errs[0].line, Some(3));
    assert_eq!(
        errs[0].message,
        "expected a whole number from 0 to 4294967295, found 1.0"
    );
}

#[test]
fn byte_order_marks_and_mismatched_alternatives_are_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("bom");
    write(&root.join("input.json"), b"\xEF\xBB\xBF{\"input\": 1}");
    let errs = errors_in(&root);
    assert!(errs[0].message.contains("byte order mark"), "{}", errs[0]);

    let root = tmp.path().join("alternatives");
    write(&root.join("input.json"), r#"{"input": 1}"#);
    write(
        &root.join("expected.json"),
        "{\n  \"output\": {\"contains\": 5},\n  \"verdict\": [\"pased\"],\n  \"notes\": {\"tier\": 1}\n}",
    );
    write(&root.join("notes.json"), "{\"tier\": \"weekly\"}");
    let errs = errors_in(&root);
    assert_eq!(errs.len(), 4, "{}", FixtureErrors(errs.clone()));
    let e = find(&errs, "expected.json", "/output/contains");
    assert_eq!(e.message, "expected string or array, found integer");
    let e = find(&errs, "expected.json", "/verdict/0");
    assert!(
        e.message
            .starts_with("unknown variant \"pased\"; expected one of passed,")
    );
    assert_eq!(e.hint.as_deref(), Some("did you mean \"passed\"?"));
    find(&errs, "expected.json", "/notes");
    let e = find(&errs, "notes.json", "/tier");
    assert_eq!(
        e.message,
        "unknown variant \"weekly\"; expected one of critical, hourly, daily"
    );
}

#[test]
fn a_file_with_very_many_problems_reports_the_first_hundred_and_a_count() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("many");
    write(&root.join("input.json"), r#"{"input": 1}"#);
    let calls: Vec<String> = (0..300)
        .map(|_| {
            r#"{"tool": "t", "effect": "read", "request": {}, "response": {}, "tol": 1}"#.into()
        })
        .collect();
    write(
        &root.join("tool_cassettes.json"),
        format!(
            "{{\"format_version\": 1, \"interactions\": [\n{}\n]}}",
            calls.join(",\n")
        ),
    );
    let errs = errors_in(&root);
    assert_eq!(errs.len(), 101);
    assert_eq!(errs[0].pointer.as_deref(), Some("/interactions/0/tol"));
    assert_eq!(errs[0].line, Some(2));
    assert_eq!(errs[99].line, Some(101));
    assert_eq!(
        errs[100].message,
        "200 more problems in this file are not shown"
    );
}

#[test]
fn structs_written_as_arrays_are_refused() {
    // serde_json reads a struct from an array of its field values; fixture files are objects.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("arrays");
    write(&root.join("input.json"), r#"["task-1", {"q": 1}]"#);
    write(
        &root.join("tool_cassettes.json"),
        "{\n  \"format_version\": 1,\n  \"interactions\": [\n    [null, \"search\", \"read\", {}, {}]\n  ]\n}",
    );
    write(
        &root.join("notes.json"),
        r#"{"proof": [null, {"at": "x"}]}"#,
    );
    let errs = errors_in(&root);
    assert_eq!(errs.len(), 3, "{}", FixtureErrors(errs.clone()));
    assert_eq!(
        find(&errs, "input.json", "").message,
        "expected an object, found array"
    );
    let e = find(&errs, "tool_cassettes.json", "/interactions/0");
    assert_eq!(e.message, "expected object, found array");
    assert_eq!(e.line, Some(4));
    find(&errs, "notes.json", "/proof");
}

#[test]
fn values_and_schemas_at_the_nesting_limit_load_and_judge() {
    use tapedeck::fixture::limits::MAX_NESTING;
    // Deep, but within the limit: the schema compiler, the schema pass and the judge recurse
    // over these without running out of stack (test threads have 2 MiB).
    let levels = MAX_NESTING - 3;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("deep_schema");
    let nested = |inner: &str, wrap: &str| {
        let (open, close) = wrap.split_once('_').unwrap();
        format!("{}{inner}{}", open.repeat(levels), close.repeat(levels))
    };
    let value = nested("1", "[_]");
    write(&root.join("input.json"), format!(r#"{{"input": {value}}}"#));
    let schema = nested(r#"{"type": "integer"}"#, r#"{"items": _}"#);
    write(
        &root.join("expected.json"),
        format!(r#"{{"output": {{"schema": {schema}, "partial": {value}}}}}"#),
    );
    let fixture = Fixture::load(&root).unwrap();
    let observation = tapedeck::Observation {
        output: Some(fixture.input.input.clone()),
        ..Default::default()
    };
    let judgement = fixture.judge(&observation, &Default::default());
    assert!(judgement.passed(), "{judgement:?}");
    // The same schema with a wrong type deep inside is reported, not a crash.
    write(
        &root.join("expected.json"),
        format!(
            r#"{{"output": {{"schema": {}}}}}"#,
            nested(r#"{"type": "numbr"}"#, r#"{"items": _}"#)
        ),
    );
    let errs = errors_in(&root);
    assert_eq!(errs.len(), 1, "{}", FixtureErrors(errs.clone()));
    assert!(
        errs[0]
            .message
            .contains("\"numbr\" is not a JSON Schema type"),
        "{}",
        errs[0]
    );
}
