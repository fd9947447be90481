//! The exact error message of every kind of bad step, as the harness reports them (the input
//! arrives as a `Value`; parsed from text, the same messages end with the line and column).

use super::{KIND_KEYS, PARALLEL};
use crate::Script;
use crate::step::KINDS;
use serde_json::{Value, json};

fn error(input: Value) -> String {
    serde_json::from_value::<Script>(input)
        .unwrap_err()
        .to_string()
}

#[test]
fn every_bad_step_is_named_with_its_position_and_what_is_wrong() {
    let cases = [
        (
            json!({"steps": [1]}),
            "steps[0]: a step is a JSON object such as {\"call\": \"tool\", \"args\": {}}, found a number",
        ),
        (
            json!({"steps": ["x"]}),
            "steps[0]: a step is a JSON object such as {\"call\": \"tool\", \"args\": {}}, found a string",
        ),
        (
            json!({"steps": [null]}),
            "steps[0]: a step is a JSON object such as {\"call\": \"tool\", \"args\": {}}, found null",
        ),
        (
            json!({"steps": [[]]}),
            "steps[0]: a step is a JSON object such as {\"call\": \"tool\", \"args\": {}}, found a list",
        ),
        (
            json!({"steps": [true]}),
            "steps[0]: a step is a JSON object such as {\"call\": \"tool\", \"args\": {}}, found a boolean",
        ),
        (
            json!({"steps": [{"nope": 1, "zz": 2}]}),
            "steps[0]: unknown step with keys [nope, zz]; a step has exactly one of the keys call, artifact, evidence, output, status, panic, sleep_ms, parallel, event",
        ),
        (
            json!({"steps": [{"call": "a", "event": "b"}]}),
            "steps[0]: a step has exactly one of the keys call, artifact, evidence, output, status, panic, sleep_ms, parallel, event, this one has call and event",
        ),
        (
            json!({"steps": [{"call": "a", "retry": 1}]}),
            "steps[0] (`call` step): unknown field `retry`, expected one of `call`, `args`, `save_as`, `idempotency_key`, `retries`, `on_error`",
        ),
        (
            json!({"steps": [{"call": 3}]}),
            "steps[0] (`call` step): invalid type: integer `3`, expected a string",
        ),
        (
            json!({"steps": [{"call": "a", "retries": "x"}]}),
            "steps[0] (`call` step): invalid type: string \"x\", expected u32",
        ),
        (
            json!({"steps": [{"call": "a", "on_error": "maybe"}]}),
            "steps[0] (`call` step): unknown variant `maybe`, expected `fail` or `continue`",
        ),
        (
            json!({"steps": [{"artifact": "a"}]}),
            "steps[0] (`artifact` step): an artifact step has exactly one of `content` and `from`",
        ),
        (
            json!({"steps": [{"artifact": "a", "content": "x", "from": "y"}]}),
            "steps[0] (`artifact` step): an artifact step has exactly one of `content` and `from`",
        ),
        (
            json!({"steps": [{"artifact": 1, "content": null}]}),
            "steps[0] (`artifact` step): invalid type: integer `1`, expected a string",
        ),
        (
            json!({"steps": [{"artifact": "a", "content": 1, "zzz": 1}]}),
            "steps[0] (`artifact` step): unknown field `zzz`, expected one of `artifact`, `content`, `from`",
        ),
        (
            json!({"steps": [{"evidence": 1}]}),
            "steps[0] (`evidence` step): invalid type: integer `1`, expected a string",
        ),
        (
            json!({"steps": [{"evidence": "/x", "a": 1}]}),
            "steps[0] (`evidence` step): unknown field `a`, expected `evidence`",
        ),
        (
            json!({"steps": [{"output": 1, "extra": 2}]}),
            "steps[0] (`output` step): unknown field `extra`, expected `output`",
        ),
        (
            json!({"steps": [{"status": "blocked"}]}),
            "steps[0] (`status` step): missing field `reason`",
        ),
        (
            json!({"steps": [{"status": "nope", "reason": "r"}]}),
            "steps[0] (`status` step): unknown variant `nope`, expected one of `blocked`, `degraded`, `failed`",
        ),
        (
            json!({"steps": [{"status": "failed", "reason": "r", "x": 1}]}),
            "steps[0] (`status` step): unknown field `x`, expected `status` or `reason`",
        ),
        (
            json!({"steps": [{"panic": 1}]}),
            "steps[0] (`panic` step): invalid type: integer `1`, expected a string",
        ),
        (
            json!({"steps": [{"sleep_ms": -1}]}),
            "steps[0] (`sleep_ms` step): invalid value: integer `-1`, expected u64",
        ),
        (
            json!({"steps": [{"sleep_ms": 5, "a": 1}]}),
            "steps[0] (`sleep_ms` step): unknown field `a`, expected `sleep_ms`",
        ),
        (
            json!({"steps": [{"parallel": 1}]}),
            "steps[0] (`parallel` step): `parallel` is a list of steps",
        ),
        (
            json!({"steps": [{"parallel": [], "a": 1}]}),
            "steps[0] (`parallel` step): unknown field `a`, expected `parallel`",
        ),
        (
            json!({"steps": [{"call": "ok"}, {"parallel": [{"call": "a", "x": 1}]}]}),
            "steps[1].parallel[0] (`call` step): unknown field `x`, expected one of `call`, `args`, `save_as`, `idempotency_key`, `retries`, `on_error`",
        ),
        (
            json!({"steps": [{"parallel": [{"parallel": [3]}]}]}),
            "steps[0].parallel[0].parallel[0]: a step is a JSON object such as {\"call\": \"tool\", \"args\": {}}, found a number",
        ),
        (
            json!({"steps": [{"event": 2}]}),
            "steps[0] (`event` step): invalid type: integer `2`, expected a string",
        ),
        (
            json!({"steps": [{"event": "e", "data": {"a": 1}, "q": 1}]}),
            "steps[0] (`event` step): unknown field `q`, expected `event` or `data`",
        ),
        (
            json!({"steps": [{"aaa": 1, "call": "x"}]}),
            "steps[0] (`call` step): unknown field `aaa`, expected one of `call`, `args`, `save_as`, `idempotency_key`, `retries`, `on_error`",
        ),
        (
            json!({"steps": 3}),
            "invalid type: integer `3`, expected a sequence",
        ),
        (
            json!({"steps": [], "x": 1}),
            "unknown field `x`, expected `steps`",
        ),
        (json!({}), "missing field `steps`"),
    ];
    for (input, expected) in cases {
        assert_eq!(error(input.clone()), expected, "{input}");
        let from_text = serde_json::from_str::<Script>(&input.to_string())
            .unwrap_err()
            .to_string();
        assert!(from_text.starts_with(expected), "{from_text}");
    }
}

#[test]
fn text_errors_name_the_line_and_column_and_duplicate_keys_are_errors() {
    let text = "{\"steps\": [\n  {\"call\": \"a\",\n   \"call\": \"b\"}]}";
    assert_eq!(
        serde_json::from_str::<Script>(text)
            .unwrap_err()
            .to_string(),
        "steps[0] (`call` step): duplicate field `call` at line 3 column 15"
    );
    let text = "{\"steps\": [{\"call\": \"a\"},\n {\"call\": \"a\", \"retry\": 1}]}";
    let message = serde_json::from_str::<Script>(text)
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("steps[1] (`call` step): unknown field `retry`"),
        "{message}"
    );
    assert!(message.ends_with("at line 2 column 26"), "{message}");
}

#[test]
fn every_kind_of_step_parses_with_its_defaults() {
    let script: Script = serde_json::from_value(json!({"steps": [{"call": "a", "args": {"q": "$x"}, "save_as": "s", "idempotency_key": "k", "retries": 2, "on_error": "continue"}, {"artifact": "p", "from": "s"}, {"artifact": "p", "content": {"a": [1]}}, {"evidence": "$s/x"}, {"output": {"o": 1}}, {"status": "degraded", "reason": "r"}, {"panic": "boom"}, {"sleep_ms": 7}, {"parallel": [{"event": "e"}, {"call": "b"}]}, {"event": "e", "data": [1]}]})).unwrap();
    let debug = format!("{:?}", script.steps);
    assert_eq!(
        debug,
        "[Call(CallStep { call: \"a\", args: Object {\"q\": String(\"$x\")}, save_as: Some(\"s\"), idempotency_key: Some(\"k\"), retries: 2, on_error: Continue }), Artifact(ArtifactStep { artifact: \"p\", content: None, from: Some(\"s\") }), Artifact(ArtifactStep { artifact: \"p\", content: Some(Object {\"a\": Array [Number(1)]}), from: None }), Evidence(EvidenceStep { evidence: \"$s/x\" }), Output(OutputStep { output: Some(Object {\"o\": Number(1)}) }), Status(StatusStep { status: Degraded, reason: \"r\" }), Panic(PanicStep { panic: \"boom\" }), Sleep(SleepStep { sleep_ms: 7 }), Parallel(ParallelStep { parallel: [Event(EventStep { event: \"e\", data: Null }), Call(CallStep { call: \"b\", args: Object {}, save_as: None, idempotency_key: None, retries: 0, on_error: Fail })] }), Event(EventStep { event: \"e\", data: Array [Number(1)] })]"
    );
    let again: Script = serde_json::from_str(&json!({"steps": [{"call": "a", "args": {"q": "$x"}, "save_as": "s", "idempotency_key": "k", "retries": 2, "on_error": "continue"}, {"artifact": "p", "from": "s"}, {"artifact": "p", "content": {"a": [1]}}, {"evidence": "$s/x"}, {"output": {"o": 1}}, {"status": "degraded", "reason": "r"}, {"panic": "boom"}, {"sleep_ms": 7}, {"parallel": [{"event": "e"}, {"call": "b"}]}, {"event": "e", "data": [1]}]}).to_string()).unwrap();
    assert_eq!(again, script);
    let defaults: Script = serde_json::from_value(json!({"steps": [{"call": "a", "save_as": null}, {"artifact": "a", "content": null}, {"output": null}]})).unwrap();
    assert_eq!(
        format!("{:?}", defaults.steps),
        "[Call(CallStep { call: \"a\", args: Object {}, save_as: None, idempotency_key: None, retries: 0, on_error: Fail }), Artifact(ArtifactStep { artifact: \"a\", content: Some(Null), from: None }), Output(OutputStep { output: Some(Null) })]"
    );
}

#[test]
fn each_kind_is_named_by_its_first_key_and_every_key_belongs_to_one_kind() {
    for (kind, keys) in KIND_KEYS.iter().enumerate() {
        assert_eq!(keys[0], KINDS[kind]);
        for key in *keys {
            let owners = KIND_KEYS.iter().filter(|k| k.contains(key)).count();
            assert_eq!(owners, 1, "{key}");
        }
    }
    assert_eq!(KINDS[PARALLEL], "parallel");
}
