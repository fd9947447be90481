//! `cargo xtask fixture new --from-run` as a user runs it: a real process over a real store.
//! Production runs of the lookup agent are recorded into a SQLite file; the CLI binary freezes
//! them into a suite folder, replays the fixture and answers with its exit status: 0 when the
//! fixture fails as the run did (proof.failed_on written), 1 when it does not reproduce the
//! failure, 3 for an error it explains.

#[path = "support/lookup.rs"]
mod lookup;
#[path = "support/recording.rs"]
mod recording;

use lookup::lookup_agent;
use recording::recorder_in;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};
use tapedeck::run::RunEnvelope;
use tapedeck::{Effect, ToolError, Toolbox, Verdict};

/// Runs the CLI binary with `args` over the suite folder `suite`.
/// The CLI binary on `suite`, with no store configured; add arguments and environment.
fn cli_command(suite: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tapedeck-fixture-cli"));
    command
        .env("TAPEDECK_TEST_SUITE", suite)
        .env_remove("TAPEDECK_STORE");
    command
}

fn cli(suite: &Path, args: &[&str]) -> Output {
    cli_command(suite)
        .args(args)
        .output()
        .expect("the CLI binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} cannot be read: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn fixture_new_freezes_a_failed_run_and_refuses_what_it_cannot_prove() {
    let dir = tempfile::tempdir().unwrap();
    let (store, recorder) = recorder_in(dir.path(), |c| c);
    let record = |order: &str, up: bool| {
        let tools = Toolbox::new().with("get_order", Effect::Read, move |call| async move {
            if up {
                Ok(json!({ "id": call.args["id"], "status": "shipped" }))
            } else {
                Err(ToolError::Unavailable {
                    tool: "get_order".into(),
                })
            }
        });
        let order = order.to_string();
        tapedeck::replay::block_on(recorder.run(
            RunEnvelope::new("lookup_agent", json!(order)),
            tools,
            async |ctx| lookup_agent(ctx, order.clone()).await,
        ))
        .unwrap()
    };
    let failed = record("o-1", false);
    let passed = record("o-2", true);
    assert_eq!(failed.status, Some(Verdict::Failed), "{failed:?}");
    assert_eq!(passed.status, Some(Verdict::Passed), "{passed:?}");
    recorder.flush();
    drop(store);
    let store_path = dir.path().join("runs.sqlite");
    let store_arg = store_path.to_str().unwrap();
    let suite = dir.path().join("lookups");
    std::fs::create_dir_all(&suite).unwrap();
    let suite_arg = suite.to_str().unwrap();
    let new = |run_id: &str, id: &str| {
        cli(
            &suite,
            &[
                "fixture",
                "new",
                "--from-run",
                run_id,
                "--suite",
                suite_arg,
                "--id",
                id,
                "--tier",
                "critical",
                "--store",
                store_arg,
            ],
        )
    };

    // The failed run: frozen, replayed, fails as the run did.
    let out = new(&failed.run_id, "lookup-down");
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stdout.contains("proof.failed_on recorded"), "{stdout}");
    assert!(stdout.contains(&failed.run_id), "{stdout}");
    let fixture = suite.join("lookup-down");
    assert_eq!(
        read_json(&fixture.join("input.json"))["input"],
        json!("o-1")
    );
    let cassette = read_json(&fixture.join("tool_cassettes.json"));
    assert_eq!(cassette["interactions"][0]["tool"], "get_order");
    assert_eq!(cassette["interactions"][0]["error"]["kind"], "unavailable");
    let notes = read_json(&fixture.join("notes.json"));
    assert_eq!(notes["source_run_id"], json!(failed.run_id));
    assert_eq!(notes["tier"], "critical");
    assert!(notes["proof"]["failed_on"].is_object(), "{notes}");
    let loaded = tapedeck::Fixture::load(&fixture);
    assert!(loaded.is_ok(), "the written fixture loads: {loaded:?}");

    // The same id again: nothing is overwritten.
    let before = std::fs::read(fixture.join("notes.json")).unwrap();
    let out = new(&failed.run_id, "lookup-down");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("lookup-down"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(fixture.join("notes.json")).unwrap(), before);

    // A run that passed: the fixture is written but does not reproduce a failure.
    let out = new(&passed.run_id, "lookup-fine");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("PASSES on the current code"), "{stderr}");

    // Errors name what is wrong and exit 3.
    let out = new("0195b7c2-0000-7000-8000-000000000000", "nowhere");
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("0195b7c2-0000-7000-8000-000000000000"),
        "{}",
        text(&out.stderr)
    );
    assert!(!suite.join("nowhere").exists());
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = cli(
        &suite,
        &[
            "fixture",
            "new",
            "--from-run",
            &failed.run_id,
            "--suite",
            elsewhere.to_str().unwrap(),
            "--store",
            store_arg,
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("no registered suite"), "{stderr}");
    assert!(stderr.contains("lookup_agent"), "{stderr}");
}

#[test]
fn replay_of_an_empty_suite_folder_fails_and_names_the_suite() {
    let tmp = tempfile::tempdir().unwrap();
    let suite = tmp.path().join("lookups");
    std::fs::create_dir(&suite).unwrap();
    let out = cli(&suite, &["replay"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("lookups::__no_fixtures") && stdout.contains("has no fixture folders"),
        "{stdout}"
    );
}

/// Writes a hand-made fixture of the lookup agent: order `o-9`, whose one lookup answers
/// `lookup` (a response or an error), with the contract `verdict: passed`.
fn hand_written(suite: &Path, id: &str, lookup: Value) -> std::path::PathBuf {
    let dir = suite.join(id);
    std::fs::create_dir_all(&dir).unwrap();
    let mut interaction = json!({
        "id": "get_order-1", "tool": "get_order", "effect": "read",
        "request": { "id": "o-9" }, "duration_ms": 5
    });
    interaction
        .as_object_mut()
        .unwrap()
        .extend(lookup.as_object().unwrap().clone());
    let files = [
        ("input.json", json!({ "input": "o-9" })),
        ("expected.json", json!({ "verdict": ["passed"] })),
        (
            "tool_cassettes.json",
            json!({ "format_version": 1, "interactions": [interaction] }),
        ),
        (
            "notes.json",
            json!({ "description": "written by hand", "owner": "orders@example.com" }),
        ),
    ];
    for (name, value) in files {
        std::fs::write(dir.join(name), value.to_string()).unwrap();
    }
    dir
}

#[test]
fn fixture_prove_records_failed_on_only_for_a_fixture_that_fails_now() {
    let tmp = tempfile::tempdir().unwrap();
    let suite = tmp.path().join("lookups");
    let down = hand_written(
        &suite,
        "lookup-down",
        json!({ "error": { "kind": "unavailable", "message": "order service down" } }),
    );
    let fine = hand_written(
        &suite,
        "lookup-fine",
        json!({ "response": { "id": "o-9", "status": "shipped" } }),
    );
    let prove = |args: &[&str]| {
        let mut all = vec!["fixture", "prove"];
        all.extend_from_slice(args);
        let out = cli(&suite, &all);
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    let notes_of = |dir: &Path| read_json(&dir.join("notes.json"));

    // Fails on the current code (the agent has no fallback): failed_on is recorded, the rest
    // of notes.json is kept.
    let (code, stdout, stderr) = prove(&[down.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("proof.failed_on recorded"), "{stdout}");
    assert!(stdout.contains("failed: agent_error"), "{stdout}");
    let notes = notes_of(&down);
    assert_eq!(notes["proof"]["failed_on"]["verdict"], "failed", "{notes}");
    assert!(notes["proof"].get("passed_on").is_none(), "{notes}");
    assert_eq!(notes["owner"], "orders@example.com");

    // Recorded already: left alone, unless --again, which also drops a stale passed_on.
    let before = std::fs::read(down.join("notes.json")).unwrap();
    let (code, stdout, _) = prove(&[down.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("recorded already"), "{stdout}");
    assert_eq!(std::fs::read(down.join("notes.json")).unwrap(), before);
    let mut stale = notes_of(&down);
    stale["proof"]["passed_on"] = json!({ "verdict": "passed", "code_version": "old" });
    std::fs::write(down.join("notes.json"), stale.to_string()).unwrap();
    let (code, stdout, stderr) = prove(&["--again", down.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let notes = notes_of(&down);
    assert!(notes["proof"]["failed_on"].is_object(), "{notes}");
    assert!(notes["proof"].get("passed_on").is_none(), "{notes}");

    // Passes now: nothing to prove, nothing written, exit 1 (also as the worst of two).
    let fine_before = std::fs::read(fine.join("notes.json")).unwrap();
    let (code, _, stderr) = prove(&[down.to_str().unwrap(), fine.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("PASSES on the current code"), "{stderr}");
    assert_eq!(std::fs::read(fine.join("notes.json")).unwrap(), fine_before);

    // What cannot be replayed is named: a folder outside every suite, a broken fixture.
    let stray = hand_written(tmp.path(), "stray", json!({ "response": {} }));
    let (code, _, stderr) = prove(&[stray.to_str().unwrap()]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("no registered suite") && stderr.contains("lookup_agent"),
        "{stderr}"
    );
    std::fs::write(fine.join("expected.json"), r#"{"verdict": "passed"#).unwrap();
    let (code, _, stderr) = prove(&[fine.to_str().unwrap()]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("expected.json") && stderr.contains("does not load"),
        "{stderr}"
    );
}

/// The workspace's `[redaction]` rules apply to `fixture new --from-run`: a value the recorder's
/// rules let through is redacted before it is written, and a broken `tapedeck.toml` refuses the
/// write instead of scanning with fewer rules.
#[test]
fn fixture_new_redacts_with_the_workspace_rules_of_tapedeck_toml() {
    let dir = tempfile::tempdir().unwrap();
    let (store, recorder) = recorder_in(dir.path(), |c| c);
    let tools = Toolbox::new().with("get_order", Effect::Read, |call| async move {
        Ok(json!({ "id": call.args["id"], "status": "shipped", "account": "ACME-12345678" }))
    });
    let run = tapedeck::replay::block_on(recorder.run(
        RunEnvelope::new("lookup_agent", json!("o-3")),
        tools,
        async |ctx| lookup_agent(ctx, "o-3".into()).await,
    ))
    .unwrap();
    recorder.flush();
    drop(store);
    let suite = dir.path().join("lookups");
    std::fs::create_dir_all(&suite).unwrap();
    let new = |id: &str| {
        cli_command(&suite)
            .args(["fixture", "new", "--from-run", &run.run_id, "--id", id])
            .arg("--suite")
            .arg(&suite)
            .arg("--store")
            .arg(dir.path().join("runs.sqlite"))
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let config = dir.path().join("tapedeck.toml");
    std::fs::write(&config, "[redaction]\npatterns = ['\\bACME-[0-9]{8}\\b']\n").unwrap();
    let out = new("acme");
    assert_ne!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let cassette = std::fs::read_to_string(suite.join("acme/tool_cassettes.json")).unwrap();
    assert!(!cassette.contains("ACME-12345678"), "{cassette}");
    assert!(
        cassette.contains("<redacted:configured_pattern:1>"),
        "{cassette}"
    );

    std::fs::write(&config, "[redaction]\npatterns = ['(unclosed']\n").unwrap();
    let out = new("broken");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("tapedeck.toml"), "{stderr}");
    assert!(!suite.join("broken").exists());
}

/// `fixture record` runs the agent on a hand-written input against the suite's real tools and
/// writes the cassette it needs, redacted; the fixture then replays. A tool with side effects
/// runs only when its effect is allowed, and without that nothing is written.
#[test]
fn fixture_record_writes_the_cassette_the_real_tools_answered() {
    let tmp = tempfile::tempdir().unwrap();
    let suite = tmp.path().join("orders");
    let dir = suite.join("shipped_order");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("input.json"), r#"{"input": "o-7"}"#).unwrap();
    std::fs::write(
        dir.join("expected.json"),
        r#"{"verdict": ["passed"], "tools": {"required": [{"name": "get_order", "min": 1}]}}"#,
    )
    .unwrap();
    let cassette = dir.join("tool_cassettes.json");
    let fixture = dir.to_str().unwrap();

    // A `money` tool is not run without --allow money: exit 3, nothing written.
    let refused = cli_command(&suite)
        .args(["fixture", "record", fixture])
        .env("TAPEDECK_TEST_ORDER_EFFECT", "money")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(3), "{}", text(&refused.stdout));
    let said = text(&refused.stderr);
    assert!(
        said.contains("`get_order` (money)") && said.contains("--allow money"),
        "{said}"
    );
    assert!(!cassette.exists(), "nothing is written");

    // A tool the suite does not provide cannot be recorded: exit 3, nothing written.
    let missing = cli_command(&suite)
        .args(["fixture", "record", fixture])
        .env("TAPEDECK_TEST_ORDER_EFFECT", "none")
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(3));
    let said = text(&missing.stderr);
    assert!(
        said.contains("`get_order`, which the suite's tools do not provide"),
        "{said}"
    );
    assert!(!cassette.exists(), "nothing is written");

    let out = cli(&suite, &["fixture", "record", fixture]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 interaction(s)"),
        "{}",
        text(&out.stdout)
    );
    let written = read_json(&cassette);
    let calls = written["interactions"].as_array().unwrap();
    assert_eq!(calls.len(), 1, "{written}");
    assert_eq!(calls[0]["tool"], "get_order");
    assert_eq!(calls[0]["effect"], "read");
    assert_eq!(calls[0]["request"], json!({ "id": "o-7" }));
    assert_eq!(calls[0]["response"]["status"], "shipped");
    let raw = std::fs::read_to_string(&cassette).unwrap();
    assert!(!raw.contains("hunter2"), "the password is redacted: {raw}");
    assert!(raw.contains("<redacted:"), "{raw}");
    assert_eq!(
        std::fs::read_to_string(dir.join("input.json")).unwrap(),
        r#"{"input": "o-7"}"#,
        "the other files are left alone"
    );

    // The recorded fixture replays and meets its contract.
    let replayed = cli(&suite, &["replay"]);
    assert_eq!(
        replayed.status.code(),
        Some(0),
        "{}\n{}",
        text(&replayed.stdout),
        text(&replayed.stderr)
    );

    // Allowed, the money tool runs and is recorded with its effect.
    let allowed = cli_command(&suite)
        .args(["fixture", "record", fixture, "--allow", "money"])
        .env("TAPEDECK_TEST_ORDER_EFFECT", "money")
        .output()
        .unwrap();
    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed.stderr));
    assert_eq!(read_json(&cassette)["interactions"][0]["effect"], "money");
}

/// `fixture record --new-episodes` answers what the cassette records from it (the real tool
/// does not run) and appends only the calls it does not record.
#[test]
fn fixture_record_new_episodes_adds_only_the_calls_the_cassette_lacks() {
    let tmp = tempfile::tempdir().unwrap();
    let suite = tmp.path().join("orders");
    let dir = hand_written(
        &suite,
        "episodes",
        json!({ "response": { "id": "o-9", "status": "from-the-cassette" } }),
    );
    let cassette = dir.join("tool_cassettes.json");
    let fixture = dir.to_str().unwrap();

    let before = std::fs::read_to_string(&cassette).unwrap();
    let out = cli(&suite, &["fixture", "record", fixture, "--new-episodes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 interaction(s), 0 recorded now"),
        "{}",
        text(&out.stdout)
    );
    let kept = read_json(&cassette);
    assert_eq!(
        kept["interactions"],
        serde_json::from_str::<Value>(&before).unwrap()["interactions"]
    );

    // Another order: the recorded lookup stays, the new one is asked for real and appended.
    std::fs::write(dir.join("input.json"), r#"{"input": "o-10"}"#).unwrap();
    let out = cli(&suite, &["fixture", "record", fixture, "--new-episodes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let grown = read_json(&cassette);
    let calls = grown["interactions"].as_array().unwrap();
    assert_eq!(calls.len(), 2, "{grown}");
    assert_eq!(calls[0]["response"]["status"], "from-the-cassette");
    assert_eq!(calls[1]["id"], "new-1");
    assert_eq!(calls[1]["request"], json!({ "id": "o-10" }));
    assert_eq!(calls[1]["response"]["status"], "shipped");
    assert!(!grown.to_string().contains("hunter2"), "{grown}");

    // Without a cassette there is nothing to add to.
    std::fs::remove_file(&cassette).unwrap();
    let out = cli(&suite, &["fixture", "record", fixture, "--new-episodes"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("record it whole first"),
        "{}",
        text(&out.stderr)
    );
    assert!(!cassette.exists());
}
