//! The executor: runs a script's steps against a `Ctx`.

use crate::error::ScriptError;
use crate::retry::call_with_retries;
use crate::saved::{Saved, Store};
use crate::script::Script;
use crate::step::{ArtifactStep, CallStep, OnError, StatusKind, StatusStep, Step};
use futures_util::future::join_all;
use serde_json::{Value, json};
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tapedeck::{Ctx, Declared};

/// What the steps of one run share.
#[derive(Default)]
struct RunState {
    saved: Store,
    output: RefCell<Option<Value>>,
}

/// The scripted agent: executes `script`'s steps in order and returns the value set by the
/// last `output` step (`null` if there is none).
///
/// Stops with an error when a `call` step fails with `on_error: fail` (the default) or a
/// reference does not resolve; panics at a `panic` step. Inside `parallel`, every nested step
/// runs to its end and the first error in step order is returned.
#[tapedeck::agent_fixture("fixtures/scripted", mode = "strict")]
pub async fn scripted(ctx: &Ctx, script: Script) -> Result<Value, ScriptError> {
    let state = RunState::default();
    // The steps are consumed as they run: their arguments move into the calls, not copies.
    for (index, step) in script.steps.into_iter().enumerate() {
        run_step(ctx, &state, step, At::Top(index)).await?;
    }
    Ok(state.output.take().unwrap_or(Value::Null))
}

type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<(), ScriptError>> + 'a>>;

/// A step's position for error messages (`steps[2]`, `steps[1].parallel[0]`), rendered only
/// when an error needs it.
#[derive(Clone, Copy)]
enum At<'a> {
    /// `steps[index]`.
    Top(usize),
    /// `parent.parallel[index]`.
    Nested(&'a At<'a>, usize),
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Top(index) => write!(f, "steps[{index}]"),
            At::Nested(parent, index) => write!(f, "{parent}.parallel[{index}]"),
        }
    }
}

/// Runs one step; `at` is its position for error messages. Only the steps nested in a
/// `parallel` step are boxed (the recursion needs it); a top-level step runs inline.
async fn run_step(ctx: &Ctx, state: &RunState, step: Step, at: At<'_>) -> Result<(), ScriptError> {
    match step {
        Step::Call(call) => run_call(ctx, state, call, &at).await,
        Step::Artifact(artifact) => write_artifact(ctx, state, artifact, &at),
        Step::Evidence(e) => {
            ctx.evidence(state.saved.evidence_path(&e.evidence, &at)?);
            Ok(())
        }
        Step::Output(o) => {
            let value = state
                .saved
                .substitute(o.output.unwrap_or(Value::Null), &at)?;
            *state.output.borrow_mut() = Some(value);
            Ok(())
        }
        Step::Status(s) => {
            ctx.declare(declared(&s));
            Ok(())
        }
        Step::Panic(p) => panic!("{}", p.panic),
        Step::Sleep(s) => {
            ctx.sleep(Duration::from_millis(s.sleep_ms)).await;
            Ok(())
        }
        Step::Parallel(p) => {
            let parent = &at;
            let branches =
                p.parallel
                    .into_iter()
                    .enumerate()
                    .map(|(i, nested)| -> StepFuture<'_> {
                        Box::pin(run_step(ctx, state, nested, At::Nested(parent, i)))
                    });
            join_all(branches).await.into_iter().collect()
        }
        Step::Event(e) => {
            ctx.event(e.event.as_str(), state.saved.substitute(e.data, &at)?);
            Ok(())
        }
    }
}

async fn run_call(
    ctx: &Ctx,
    state: &RunState,
    step: CallStep,
    at: &dyn fmt::Display,
) -> Result<(), ScriptError> {
    let args = state.saved.substitute(step.args, at)?;
    let result = call_with_retries(
        ctx,
        &step.call,
        args,
        step.idempotency_key.as_deref(),
        step.retries,
    )
    .await;
    let saved = match result {
        Ok((index, value)) => Saved {
            value,
            call: Some(index),
        },
        Err(error) if step.on_error == OnError::Continue => Saved {
            value: json!({"error": error.kind()}).into(),
            call: None,
        },
        Err(source) => {
            return Err(ScriptError::Tool {
                step: at.to_string(),
                source,
            });
        }
    };
    if let Some(name) = step.save_as {
        state.saved.save(name, saved);
    }
    Ok(())
}

fn write_artifact(
    ctx: &Ctx,
    state: &RunState,
    step: ArtifactStep,
    at: &dyn fmt::Display,
) -> Result<(), ScriptError> {
    let write = |value: &Value| match value {
        Value::String(text) => ctx.artifact(&step.artifact, text),
        other => ctx.artifact_json(&step.artifact, other),
    };
    let written = match (step.content, &step.from) {
        (Some(content), _) => write(&state.saved.substitute(content, at)?),
        (None, Some(name)) => state.saved.with(name, at, |saved| write(&saved.value))?,
        (None, None) => write(&Value::Null),
    };
    written.map(drop).map_err(|source| ScriptError::Artifact {
        step: at.to_string(),
        source,
    })
}

fn declared(step: &StatusStep) -> Declared {
    match step.status {
        StatusKind::Blocked => Declared::blocked(&step.reason),
        StatusKind::Degraded => Declared::degraded(&step.reason),
        StatusKind::Failed => Declared::failed(&step.reason),
    }
}
