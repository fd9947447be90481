//! Named snapshots of the normalized observation, in insta's file format, so that
//! `cargo insta test` and `cargo insta review` work on fixture snapshots.
//!
//! The comparison runs in-process and prints nothing (the harness reports the diff in the
//! trial's failure), which keeps `--format json` output valid; pending snapshots are written
//! as `snapshots/<name>.snap.new` exactly as insta writes them. Honoured environment:
//! `INSTA_UPDATE` (`auto` default, `new`, `always`, `unseen`, `no`, `force`), `INSTA_FORCE_PASS`,
//! and `CI` (with `auto`, CI never writes pending snapshots).

use crate::json_pointer::PointerPattern;
use crate::observation::Observation;
use serde_json::Value;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// What replaces volatile values in snapshots.
pub const VOLATILE_PLACEHOLDER: &str = "[volatile]";

/// What replaces a response that the cassette delivered unchanged, in snapshots: the
/// snapshot records what the agent did; what it was told is in `tool_cassettes.json`, under
/// the call's `interaction` id.
pub const RECORDED_PLACEHOLDER: &str = "[recorded]";

/// The observation as a snapshot shows it: responses delivered unchanged from the cassette and
/// volatile paths replaced by their placeholders.
pub fn normalized_observation(observation: &Observation, volatile: &[PointerPattern]) -> Value {
    let mut value = serde_json::to_value(observation).unwrap_or(Value::Null);
    if let Some(calls) = value.get_mut("calls").and_then(Value::as_array_mut) {
        for (call, record) in calls.iter_mut().zip(&observation.calls) {
            if let (true, Some(response)) =
                (record.response_is_recorded(), call.get_mut("response"))
            {
                *response = Value::String(RECORDED_PLACEHOLDER.to_string());
            }
        }
    }
    let placeholder = Value::String(VOLATILE_PLACEHOLDER.to_string());
    for pattern in volatile {
        pattern.replace_in(&mut value, &placeholder);
    }
    value
}

/// The snapshot text of an observation: [`normalized_observation`] as pretty JSON with sorted
/// keys. Written in one pass without the intermediate `Value` (same bytes; see
/// `snapshot_text`), falling back to the `Value` path for what that pass does not render.
pub fn snapshot_text(observation: &Observation, volatile: &[PointerPattern]) -> String {
    super::snapshot_text::pretty_sorted_masked(observation, volatile)
        .unwrap_or_else(|| value_path_text(observation, volatile))
}

/// Calls `f` with [`snapshot_text`], written into a buffer this thread reuses.
pub(crate) fn with_snapshot_text<R>(
    observation: &Observation,
    volatile: &[PointerPattern],
    f: impl FnOnce(&str) -> R,
) -> R {
    crate::scratch::with_buffer(|text| {
        let written = super::snapshot_text::write_pretty_sorted_masked(observation, volatile, text);
        match written.then(|| std::str::from_utf8(text).ok()).flatten() {
            Some(text) => f(text),
            None => f(&value_path_text(observation, volatile)),
        }
    })
}

/// The snapshot text through the intermediate `Value`.
fn value_path_text(observation: &Observation, volatile: &[PointerPattern]) -> String {
    serde_json::to_string_pretty(&normalized_observation(observation, volatile)).unwrap_or_default()
}

/// One snapshot assertion.
#[derive(Debug, Clone)]
pub struct SnapshotAssertion<'a> {
    /// The folder holding the snapshot files (`<fixture>/snapshots`).
    pub dir: &'a Path,
    /// The snapshot's name (`observation`): the file is `<dir>/<name>.snap`.
    pub name: &'a str,
    /// The new content.
    pub content: &'a str,
    /// insta metadata: the source (the fixture folder, relative to the workspace).
    pub source: &'a str,
    /// insta metadata: the expression (the trial name).
    pub expression: &'a str,
}

/// How a snapshot assertion ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotOutcome {
    /// The stored snapshot matches.
    Matched,
    /// The snapshot was written (new, or accepted by `INSTA_UPDATE=always|force|unseen`).
    Written(PathBuf),
    /// A mismatch or a missing snapshot that `INSTA_FORCE_PASS` lets pass.
    ForcedPass(String),
    /// A mismatch or a missing snapshot; the message explains it (with a diff) and names the
    /// pending `.snap.new` file if one was written.
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Update {
    No,
    New,
    Always,
    Unseen,
    Force,
}

fn update_mode() -> Update {
    match std::env::var("INSTA_UPDATE").as_deref() {
        Ok("always" | "1") => Update::Always,
        Ok("new") => Update::New,
        Ok("unseen") => Update::Unseen,
        Ok("no" | "0") => Update::No,
        Ok("force") => Update::Force,
        _ if is_ci() => Update::No,
        _ => Update::New,
    }
}

/// Whether this is a CI run (`CI` set, and not `0`/`false`): nothing pending is written.
pub(crate) fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

fn force_pass() -> bool {
    std::env::var("INSTA_FORCE_PASS").is_ok_and(|v| matches!(v.as_str(), "1" | "true"))
}

/// Compares `assertion.content` with the stored snapshot and writes pending or accepted files
/// as the environment asks.
pub fn assert_snapshot(assertion: &SnapshotAssertion<'_>) -> SnapshotOutcome {
    let path = assertion.dir.join(format!("{}.snap", assertion.name));
    let pending = path.with_extension("snap.new");
    let update = update_mode();
    // Fast path: the stored body is byte-for-byte the new content up to trailing whitespace
    // (what this module and `cargo insta accept` write), which makes the two equal after
    // normalization too. Anything else goes through insta's own parser.
    let content = assertion.content.trim_end().as_bytes();
    let fast_match = crate::scratch::with_buffer(|stored| {
        read_stored(&path, stored)
            .is_ok_and(|_| snapshot_body(stored).is_some_and(|b| b.trim_ascii_end() == content))
    });
    if fast_match {
        return matched(&path, &pending, assertion, update);
    }
    let new_text = normalize(assertion.content);
    let old_text = read_snapshot(&path);
    if old_text.as_deref() == Some(&*new_text) {
        return matched(&path, &pending, assertion, update);
    }
    let explanation = match &old_text {
        Some(old) => format!(
            "snapshot `{}` does not match {}:\n{}",
            assertion.name,
            path.display(),
            diff(old, &new_text)
        ),
        None => format!(
            "snapshot `{}` does not exist yet ({}); its content would be:\n{}",
            assertion.name,
            path.display(),
            indent(&new_text)
        ),
    };
    let accept = matches!(update, Update::Always | Update::Force)
        || (update == Update::Unseen && old_text.is_none());
    if accept {
        let _ = std::fs::remove_file(&pending);
        return match write(&path, assertion, &new_text) {
            Ok(()) => SnapshotOutcome::Written(path),
            Err(e) => SnapshotOutcome::Failed(e),
        };
    }
    let mut message = explanation;
    if update != Update::No {
        match write(&pending, assertion, &new_text) {
            Ok(()) => message.push_str(&format!(
                "\npending snapshot written to {}; review it with `cargo insta review` (or accept with `cargo insta accept`)",
                pending.display()
            )),
            Err(e) => message.push_str(&format!("\n{e}")),
        }
    } else {
        message.push_str("\nno pending snapshot written (CI or INSTA_UPDATE=no); run the tests locally with `cargo insta test --review`");
    }
    if force_pass() {
        SnapshotOutcome::ForcedPass(message)
    } else {
        SnapshotOutcome::Failed(message)
    }
}

/// Reads the stored snapshot into `stored`, as large as the file is, in one `read`.
fn read_stored(path: &Path, stored: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    crate::sized_read::read_up_to(&mut file, size as usize, stored)
}

/// A snapshot that matches: a stale pending file is removed (as insta does; not in CI, which
/// leaves the snapshot folder exactly as it found it and never wrote a pending file there), and
/// `INSTA_UPDATE=force` rewrites the stored one.
fn matched(
    path: &Path,
    pending: &Path,
    assertion: &SnapshotAssertion<'_>,
    update: Update,
) -> SnapshotOutcome {
    if !is_ci() {
        let _ = std::fs::remove_file(pending);
    }
    if update == Update::Force {
        return write(path, assertion, &normalize(assertion.content))
            .map_or_else(SnapshotOutcome::Failed, |_| SnapshotOutcome::Matched);
    }
    SnapshotOutcome::Matched
}

/// insta's text normalization: trailing whitespace trimmed, CRLF as LF.
fn normalize(content: &str) -> Cow<'_, str> {
    let trimmed = content.trim_end();
    if trimmed.contains('\r') {
        Cow::Owned(trimmed.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(trimmed)
    }
}

/// The body of a snapshot file in insta's format (`---\n<metadata>\n---\n<body>`).
fn snapshot_body(file: &[u8]) -> Option<&[u8]> {
    const RULE: &[u8] = b"\n---\n";
    let metadata = file.strip_prefix(b"---\n")?;
    let end = metadata.windows(RULE.len()).position(|w| w == RULE)?;
    Some(&metadata[end + RULE.len()..])
}

/// The content of a stored snapshot, parsed by insta.
fn read_snapshot(path: &Path) -> Option<String> {
    let snapshot = insta::Snapshot::from_file(path).ok()?;
    snapshot
        .as_text()
        .map(|t| normalize(&t.to_string()).into_owned())
}

fn write(path: &Path, assertion: &SnapshotAssertion<'_>, content: &str) -> Result<(), String> {
    // The final secret scan: a snapshot is part of the fixture folder. Only writes pay for it.
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(content) {
        let rules = crate::redact::workspace_rules()?;
        crate::redact::ensure_clean_with(path, &value, rules).map_err(|found| found.to_string())?;
    }
    let text = format!(
        "---\nsource: {}\nexpression: {}\n---\n{}\n",
        yaml_string(assertion.source),
        yaml_string(assertion.expression),
        content
    );
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(assertion.dir)?;
        crate::fixture::write_atomic(path, text.as_bytes())
    };
    write().map_err(|e| format!("could not write snapshot {}: {e}", path.display()))
}

/// A YAML scalar that is always valid: a JSON string literal.
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn diff(old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header("stored", "new")
        .to_string()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_snapshots_are_read_back_by_insta() {
        let dir = tempfile::tempdir().unwrap();
        let a = SnapshotAssertion {
            dir: dir.path(),
            name: "observation",
            content: "{\n  \"a\": 1\n}\n",
            source: "fixtures/x: y",
            expression: "s::x",
        };
        write(
            &dir.path().join("observation.snap"),
            &a,
            &normalize(a.content),
        )
        .unwrap();
        assert_eq!(
            read_snapshot(&dir.path().join("observation.snap")).as_deref(),
            Some("{\n  \"a\": 1\n}")
        );
    }

    #[test]
    fn a_snapshot_with_a_secret_left_is_refused_and_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("observation.snap");
        let a = SnapshotAssertion {
            dir: dir.path(),
            name: "observation",
            content: "{\n  \"output\": \"AKIAIOSFODNN7EXAMPLE\"\n}\n",
            source: "fixtures/x",
            expression: "s::x",
        };
        let error = write(&path, &a, &normalize(a.content)).unwrap_err();
        assert!(
            error.contains("observation.snap") && error.contains("/output"),
            "{error}"
        );
        assert!(!path.exists());
    }

    #[test]
    fn the_fast_path_reads_the_body_insta_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("observation.snap");
        let a = SnapshotAssertion {
            dir: dir.path(),
            name: "observation",
            content: "{\n  \"a\": \"---\"\n}\n",
            source: "fixtures/x",
            expression: "s::x",
        };
        write(&path, &a, &normalize(a.content)).unwrap();
        let file = std::fs::read(&path).unwrap();
        let body = std::str::from_utf8(snapshot_body(&file).unwrap()).unwrap();
        assert_eq!(
            Some(normalize(body).as_ref()),
            read_snapshot(&path).as_deref()
        );
        assert_eq!(assert_snapshot(&a), SnapshotOutcome::Matched);
        assert_eq!(snapshot_body(b"no header"), None);
        assert_eq!(snapshot_body(b"---\nsource: x\n"), None);
    }

    #[test]
    fn stored_snapshots_with_other_line_ends_or_trailing_space_still_match_and_others_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("observation.snap");
        let a = SnapshotAssertion {
            dir: dir.path(),
            name: "observation",
            content: "{\n  \"a\": 1\n}\n",
            source: "fixtures/x",
            expression: "s::x",
        };
        let header = "---\nsource: \"fixtures/x\"\nexpression: \"s::x\"\n---\n";
        for (stored, matches) in [
            ("{\n  \"a\": 1\n}\n", true),
            ("{\n  \"a\": 1\n}\n\n \t\n", true),
            ("{\r\n  \"a\": 1\r\n}\r\n", true),
            ("{\n  \"a\": 2\n}\n", false),
            ("{\n  \"a\": 1\n}, \n", false),
        ] {
            std::fs::write(&path, format!("{header}{stored}")).unwrap();
            let outcome = assert_snapshot(&a);
            assert_eq!(
                outcome == SnapshotOutcome::Matched,
                matches,
                "{stored:?}: {outcome:?}"
            );
        }
    }
}
