//! Recording a fixture's cassette against the real tools (`cargo xtask fixture record`): the
//! `record` and `new_episodes` authoring modes.
//!
//! `record`: the agent runs once on the fixture's `input.json` as a production run of a
//! [`Recorder`] over a scratch store, with the suite's real tools (`tools = ...` of
//! `#[agent_fixture]`). The calls it makes become the new `tool_cassettes.json` exactly as
//! `fixture new --from-run` freezes a run, with the clock, UUID and random values the run took.
//!
//! `new_episodes`: the agent is replayed against the fixture's cassette; a call that matches a
//! recorded interaction is answered from it (in virtual time, faults and all), and a call that
//! matches none runs on the real tools and is appended to the cassette. The recorded
//! interactions stay as they were.
//!
//! Either way the cassette is redacted with the workspace's rules, scanned and written
//! atomically, and the other files of the fixture are left as they are. Tools that only read
//! (`read`, `model`) run; a tool with any other effect runs only when its effect is allowed,
//! and a call to one that is not allowed fails the recording before anything is written.

use super::prove::{UnknownSuite, find_suite};
use super::registry::SuiteRegistration;
use crate::cassette::Cassette;
use crate::contract::Validators;
use crate::effect::Effect;
use crate::fixture::from_run::{FromRunError, draft, interaction_of_call, write_cassette};
use crate::fixture::{Fixture, FixtureErrors, files};
use crate::observation::CallSource;
use crate::replay::{CatchUnwind, Replay, block_on};
use crate::run::{Recorder, RecorderConfig, RunEnvelope};
use crate::store::{SqliteStore, Store};
use crate::tool_error::ToolError;
use crate::toolbox::Toolbox;
use crate::verdict::Verdict;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a recording may run besides the tools that only read, and how it records.
#[derive(Debug, Clone, Default)]
pub struct RecordOptions {
    /// Effects whose tools may run for real (`read` and `model` always may).
    pub allow: Vec<Effect>,
    /// `new_episodes`: keep the recorded interactions and add only the calls that match none.
    pub new_episodes: bool,
}

impl RecordOptions {
    fn allows(&self, effect: Effect) -> bool {
        matches!(effect, Effect::Read | Effect::Model) || self.allow.contains(&effect)
    }
}

/// A written recording.
#[derive(Debug)]
pub struct Recorded {
    /// The cassette file written.
    pub path: PathBuf,
    /// How many interactions it holds.
    pub interactions: usize,
    /// How many of them this recording added (all of them for `record`).
    pub added: usize,
    /// The status of the recorded run, as its completion validator or its contract judged it.
    pub verdict: Verdict,
}

/// Why a recording was not written.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The folder is not in a registered suite.
    #[error(transparent)]
    UnknownSuite(#[from] UnknownSuite),
    /// The suite has no real tools.
    #[error(
        "suite `{suite}` registers no real tools, so there is nothing to record against: give its #[agent_fixture] `tools = path::to::fn` (a `fn() -> tapedeck::Toolbox`)"
    )]
    NoTools {
        /// The suite's function.
        suite: String,
    },
    /// The fixture does not load.
    #[error("{0}")]
    Fixture(FixtureErrors),
    /// The agent called tools whose effect the recording may not run.
    #[error("{}", refused_message(.calls))]
    Refused {
        /// The refused tools and their effects, in call order, each once.
        calls: Vec<(String, Effect)>,
    },
    /// `new_episodes` on a fixture without a cassette.
    #[error(
        "it has no tool_cassettes.json to add episodes to: record it whole first (without --new-episodes)"
    )]
    NoCassette,
    /// Calls that neither the cassette nor the real tools answer.
    #[error(
        "the agent called {}, which the suite's tools do not provide (nor, for --new-episodes, the cassette): register them in its tools. Nothing written",
        .0.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
    )]
    Unanswered(Vec<String>),
    /// The scratch store, the run or the cassette failed.
    #[error("{0}")]
    Run(String),
    /// The cassette could not be built or written.
    #[error(transparent)]
    Write(#[from] FromRunError),
}

fn refused_message(calls: &[(String, Effect)]) -> String {
    let tools: Vec<String> = calls.iter().map(|(t, e)| format!("`{t}` ({e})")).collect();
    let mut flags: Vec<String> = calls.iter().map(|(_, e)| format!("--allow {e}")).collect();
    flags.sort();
    flags.dedup();
    format!(
        "the agent called {}, and recording runs a tool with side effects only when its effect is allowed: pass {} if running it for real is what you want. Nothing written",
        tools.join(", "),
        flags.join(" ")
    )
}

/// Runs the agent of the suite holding `fixture_dir` on its input with the real tools and
/// writes what it called as the fixture's `tool_cassettes.json` (see the module docs).
pub fn record_cassette(
    suites: &[SuiteRegistration],
    validators: &Validators,
    fixture_dir: &Path,
    options: &RecordOptions,
) -> Result<Recorded, RecordError> {
    let parent = fixture_dir.parent().unwrap_or(Path::new("."));
    let suite = find_suite(suites, parent)?;
    let fixture = Fixture::load(fixture_dir).map_err(RecordError::Fixture)?;
    let tools = suite.tools.ok_or_else(|| RecordError::NoTools {
        suite: suite.function.to_string(),
    })?;
    let refused = Arc::new(Mutex::new(Vec::new()));
    let toolbox = gated(tools(), options, &refused);
    let (cassette, added, verdict) = if options.new_episodes {
        new_episodes(suite, &fixture, toolbox, validators)?
    } else {
        let (cassette, verdict) = record_all(suite, &fixture, toolbox, validators)?;
        let added = cassette.interactions.len();
        (cassette, added, verdict)
    };
    let calls = std::mem::take(&mut *refused.lock().unwrap_or_else(|e| e.into_inner()));
    if !calls.is_empty() {
        return Err(RecordError::Refused { calls });
    }
    write_cassette(fixture_dir, &cassette)?;
    Ok(Recorded {
        path: fixture_dir.join(files::CASSETTE),
        interactions: cassette.interactions.len(),
        added,
        verdict,
    })
}

/// `record`: one production run with the real tools, frozen as a run is.
fn record_all(
    suite: &SuiteRegistration,
    fixture: &Fixture,
    toolbox: Toolbox,
    validators: &Validators,
) -> Result<(Cassette, Verdict), RecordError> {
    let scratch = Scratch::new().map_err(|e| RecordError::Run(e.to_string()))?;
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(scratch.0.join("runs.sqlite"))
            .map_err(|e| RecordError::Run(e.to_string()))?,
    );
    let config = RecorderConfig {
        artifact_root: scratch.0.join("artifacts"),
        validators: validators.clone(),
        ..RecorderConfig::default()
    };
    let recorder = Recorder::with_config(Arc::clone(&store), config);
    let known: Vec<String> = toolbox.names().into_iter().map(str::to_string).collect();
    let run = recorder
        .start(envelope(suite, fixture), toolbox)
        .map_err(|e| RecordError::Run(e.to_string()))?;
    let ctx = run.ctx().clone();
    let returned = block_on(CatchUnwind(AssertUnwindSafe((suite.agent)(
        &ctx,
        fixture.input.input.clone(),
    ))));
    let record = run
        .close_with(returned)
        .map_err(|e| RecordError::Run(e.to_string()))?;
    recorder.flush();
    let events = store
        .events(&record.run_id)
        .map_err(|e| RecordError::Run(e.to_string()))?;
    let mut unanswered: Vec<String> = events
        .iter()
        .filter(|e| e.kind == crate::store::event::kind::TOOL_CALL)
        .filter_map(|e| e.data["tool"].as_str())
        .filter(|tool| !known.iter().any(|k| k == tool))
        .map(str::to_string)
        .collect();
    unanswered.sort();
    unanswered.dedup();
    if !unanswered.is_empty() {
        return Err(RecordError::Unanswered(unanswered));
    }
    let drafted = draft(&*store, &record.run_id, None)?;
    Ok((
        drafted.cassette,
        record.status.unwrap_or(Verdict::Inconclusive),
    ))
}

/// `new_episodes`: a replay in which unmatched calls run for real; the cassette with them
/// appended, how many, and the replay's verdict.
fn new_episodes(
    suite: &SuiteRegistration,
    fixture: &Fixture,
    toolbox: Toolbox,
    validators: &Validators,
) -> Result<(Cassette, usize, Verdict), RecordError> {
    if !fixture.dir.join(files::CASSETTE).exists() {
        return Err(RecordError::NoCassette);
    }
    let run = Replay::new(fixture)
        .record_new_episodes(toolbox)
        .run_blocking(&suite.agent);
    let mut unanswered: Vec<String> = run.misses.iter().map(|m| m.tool.clone()).collect();
    unanswered.sort();
    unanswered.dedup();
    if !unanswered.is_empty() {
        return Err(RecordError::Unanswered(unanswered));
    }
    let mut cassette = (*fixture.cassette).clone();
    let mut taken: std::collections::HashSet<String> = cassette
        .interactions
        .iter()
        .filter_map(|i| i.id.clone())
        .collect();
    let deadline_ms = fixture
        .input
        .timeout_seconds
        .map(|s| s.saturating_mul(1000));
    let mut added = 0;
    for call in run
        .observation
        .calls
        .iter()
        .filter(|c| c.source == CallSource::Live)
    {
        let n = cassette.interactions.len();
        if let Some(mut interaction) = interaction_of_call(call, n, deadline_ms)? {
            let id = (added + 1..)
                .map(|k| format!("new-{k}"))
                .find(|id| !taken.contains(id))
                .unwrap_or_default();
            taken.insert(id.clone());
            interaction.id = Some(id);
            cassette.interactions.push(interaction);
            added += 1;
        }
    }
    let verdict = fixture.judge(&run.observation, validators).verdict;
    Ok((cassette, added, verdict))
}

/// The production envelope of the fixture's input: what the recorded run is given.
fn envelope(suite: &SuiteRegistration, fixture: &Fixture) -> RunEnvelope {
    let input = &fixture.input;
    let mut envelope = RunEnvelope::new(suite.function, input.input.clone());
    envelope.contract = Some(fixture.expected.clone());
    if let Some(task) = &input.task_id {
        envelope = envelope.task_id(task);
    }
    if let Some(state) = &input.state {
        envelope = envelope.state((**state).clone(), "input.json#/state");
    }
    if let Some(model) = &input.model {
        envelope = envelope.model(model);
    }
    if let Some(version) = &input.prompt_version {
        envelope = envelope.prompt_version(version);
    }
    if let Some(tools) = &input.tool_allowlist {
        envelope = envelope.allowlist(tools.clone());
    }
    if let Some(seconds) = input.timeout_seconds {
        envelope = envelope.timeout(Duration::from_secs(seconds));
    }
    envelope
}

/// `tools` with every tool whose effect `options` does not allow replaced by one that refuses
/// the call (noting it in `refused`) without running anything.
fn gated(
    tools: Toolbox,
    options: &RecordOptions,
    refused: &Arc<Mutex<Vec<(String, Effect)>>>,
) -> Toolbox {
    let real = Arc::new(tools);
    let mut gated = Toolbox::new();
    for name in real.names() {
        let Some(effect) = real.effect_of(name) else {
            continue;
        };
        if options.allows(effect) {
            let real = Arc::clone(&real);
            gated.register(name, effect, move |call| {
                let future = real.invoke(call);
                async move {
                    match future {
                        Some(future) => future.await,
                        None => Err(ToolError::Failed {
                            tool: String::new(),
                            message: "the tool went missing".into(),
                        }),
                    }
                }
            });
        } else {
            let refused = Arc::clone(refused);
            gated.register(name, effect, move |call| {
                let mut seen = refused.lock().unwrap_or_else(|e| e.into_inner());
                if !seen.iter().any(|(t, _)| *t == call.tool) {
                    seen.push((call.tool.clone(), effect));
                }
                let reason =
                    format!("recording does not run `{effect}` tools without --allow {effect}");
                async move {
                    Err(ToolError::Blocked {
                        tool: call.tool,
                        reason,
                    })
                }
            });
        }
    }
    gated
}

/// A scratch folder for the recorded run's store and artifacts, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Scratch> {
        let dir =
            std::env::temp_dir().join(format!("tapedeck-record-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
