//! Replaying a fixture: build a replay `Ctx` over its cassette, call the agent, observe.

use crate::agent::{Agent, AgentReturn};
use crate::cassette::canonical::RequestPatterns;
use crate::cassette::matcher::Matcher;
use crate::cassette::{CapturedValues, MissReport};
use crate::ctx::clock::Clock;
use crate::ctx::values::{ValueSource, seed_from};
use crate::ctx::{Backend, Ctx, Parts, ReplayBackend};
use crate::fixture::Fixture;
use crate::mode::Mode;
use crate::observation::{Observation, Outcome};
use crate::toolbox::Toolbox;
use serde_json::Value;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

/// Where the virtual clock of a cassette without `recorded_at` starts.
const DEFAULT_EPOCH: &str = "2000-01-01T00:00:00Z";

/// A replay of one fixture.
///
/// ```
/// # use tapedeck::{Ctx, Fixture, Mode, replay::Replay, agent::agent_fn};
/// # fn demo(fixture: &Fixture) {
/// async fn agent(ctx: &Ctx, query: String) -> Result<String, tapedeck::ToolError> {
///     let hits = ctx.call("search", serde_json::json!({ "q": query })).await?;
///     Ok(hits.to_string())
/// }
/// let run = Replay::new(fixture).mode(Mode::Strict).run_blocking(&agent_fn(agent));
/// println!("{} calls", run.observation.calls.len());
/// # }
/// ```
#[derive(Debug)]
pub struct Replay<'f> {
    fixture: &'f Fixture,
    mode: Mode,
    toolbox: Option<Toolbox>,
    input: Option<Value>,
    record_new: bool,
}

/// The result of a replay.
#[derive(Debug, Clone)]
pub struct ReplayRun {
    /// What the agent did.
    pub observation: Observation,
    /// Every cassette miss, with its full report.
    pub misses: Vec<MissReport>,
    /// The clock/uuid/random values the agent took.
    pub captured: CapturedValues,
    /// The mode the replay ran in.
    pub mode: Mode,
}

impl<'f> Replay<'f> {
    /// A replay of `fixture` in `cassette` mode.
    pub fn new(fixture: &'f Fixture) -> Replay<'f> {
        Replay {
            fixture,
            mode: Mode::Cassette,
            toolbox: None,
            input: None,
            record_new: false,
        }
    }

    /// Sets the mode.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// The real tools, used for `read`/`model` calls in `live` mode.
    pub fn toolbox(mut self, toolbox: Toolbox) -> Self {
        self.toolbox = Some(toolbox);
        self
    }

    /// The `new_episodes` authoring mode (what `cargo xtask fixture record --new-episodes`
    /// runs): a call that matches a recorded interaction is answered from it as in `cassette`
    /// mode, and a call that matches none runs for real on `toolbox`, whatever its effect,
    /// instead of being a miss (its call record's source is `live`). Give it only the tools
    /// that may run.
    pub fn record_new_episodes(mut self, toolbox: Toolbox) -> Self {
        self.toolbox = Some(toolbox);
        self.record_new = true;
        self
    }

    /// The agent's input, instead of a copy of the fixture's `input`: a caller that owns the
    /// fixture and needs its input no more can move it here (`std::mem::take`) and spare the
    /// copy.
    pub fn input(mut self, input: Value) -> Self {
        self.input = Some(input);
        self
    }

    /// Builds the replay `Ctx` (for driving an agent by hand).
    pub fn ctx(&self) -> Ctx {
        let fixture = self.fixture;
        let volatile = fixture.expected.volatile_patterns();
        let cassette = Arc::clone(&fixture.cassette);
        let matcher = Matcher::new(
            Arc::clone(&cassette),
            RequestPatterns::from_volatile(&volatile),
        );
        let base = fixture
            .cassette
            .recorded_at
            .as_deref()
            .and_then(|t| humantime::parse_rfc3339(t).ok())
            .unwrap_or_else(default_epoch);
        Ctx::new(Parts {
            backend: Backend::Replay(Mutex::new({
                let backend =
                    ReplayBackend::new(self.mode, cassette, matcher, self.toolbox.clone());
                if self.record_new {
                    backend.recording_new_episodes()
                } else {
                    backend
                }
            })),
            clock: Clock::virtual_clock(),
            values: ValueSource::replay(&fixture.cassette.values, base, seed_from(&fixture.id)),
            deadline_ms: fixture
                .input
                .timeout_seconds
                .map(|s| s.saturating_mul(1000)),
            allowlist: fixture.input.tool_allowlist.clone(),
            task_id: fixture.input.task_id.clone(),
            state: fixture.input.state.clone(),
            started_at: base,
            capture: None,
            resilience: Arc::new(replay_resilience(fixture)),
            ledger: None,
        })
    }

    /// Replays: calls the agent with the fixture's input (or the one given to
    /// [`Replay::input`]) and observes what it does. Panics of the agent are caught and
    /// observed.
    pub async fn run(self, agent: &dyn Agent) -> ReplayRun {
        let ctx = self.ctx();
        let input = self
            .input
            .unwrap_or_else(|| self.fixture.input.input.clone());
        let returned = CatchUnwind(AssertUnwindSafe(agent.call(&ctx, input))).await;
        finish(&ctx, returned, self.mode)
    }

    /// [`Replay::run`] on a current-thread tokio runtime of this thread's own.
    ///
    /// Runs are isolated as on a fresh runtime: tasks the agent spawned and left unfinished end
    /// with the run (the runtime holding them is dropped, which cancels them), and the next
    /// run gets a fresh runtime. A runtime that ends with no task alive is kept for the next
    /// run on this thread, which saves building and shutting one down per fixture.
    pub fn run_blocking(self, agent: &dyn Agent) -> ReplayRun {
        let runtime = RUN_RUNTIME.take().unwrap_or_else(current_thread_runtime);
        let run = runtime.block_on(self.run(agent));
        if runtime.metrics().num_alive_tasks() == 0 {
            RUN_RUNTIME.set(Some(runtime));
        }
        run
    }
}

/// A current-thread tokio runtime with every driver this crate enables.
fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread tokio runtime builds")
}

thread_local! {
    /// The runtime [`Replay::run_blocking`] reuses while runs leave no task behind.
    static RUN_RUNTIME: std::cell::Cell<Option<tokio::runtime::Runtime>> =
        const { std::cell::Cell::new(None) };
    static RUNTIME: tokio::runtime::Runtime = current_thread_runtime();
}

/// Runs a future to completion on this thread's reusable current-thread tokio runtime.
pub fn block_on<F: Future>(future: F) -> F::Output {
    RUNTIME.with(|runtime| runtime.block_on(future))
}

/// The fixture's budgets and breakers on the run's clock, with its `breaker.open` ones open.
fn replay_resilience(fixture: &Fixture) -> crate::resilience::Resilience {
    let declared = fixture.input.resilience.as_ref();
    let resilience = crate::resilience::Resilience::on_run_clock(
        declared.map(|r| r.config()).unwrap_or_default(),
    );
    if let Some(declared) = declared {
        for dependency in declared.open_breakers() {
            resilience.force_open_until(dependency, declared.probe_at(dependency));
        }
    }
    resilience
}

fn default_epoch() -> SystemTime {
    humantime::parse_rfc3339(DEFAULT_EPOCH)
        .unwrap_or(SystemTime::UNIX_EPOCH + Duration::from_secs(946_684_800))
}

/// Turns how the agent ended, and what the ctx saw, into a [`ReplayRun`].
fn finish(ctx: &Ctx, returned: Result<AgentReturn, String>, mode: Mode) -> ReplayRun {
    let (observation, misses) = observe(ctx, returned);
    ReplayRun {
        observation,
        misses,
        captured: ctx.captured_values(),
        mode,
    }
}

/// Ends observation of a run: what the ctx saw, with the outcome of how the agent ended
/// (`Err` is a panic message). Replay and the production recorder both close runs this way.
pub(crate) fn observe(
    ctx: &Ctx,
    returned: Result<AgentReturn, String>,
) -> (Observation, Vec<MissReport>) {
    let declared = ctx.declared();
    let (mut observation, misses) = ctx.take_observation();
    observation.outcome = match returned {
        Err(message) => Outcome::Panicked { message },
        Ok(AgentReturn::Declared(d)) => Outcome::Declared {
            verdict: d.verdict,
            reason: d.reason,
        },
        // A status declared through `ctx.declare` before returning an error is the agent's own
        // account of the failure (e.g. blocked on an open breaker); it wins over the bare error.
        Ok(AgentReturn::Error(message)) => match declared {
            Some(d) => Outcome::Declared {
                verdict: d.verdict,
                reason: d.reason,
            },
            None => Outcome::Error { message },
        },
        Ok(AgentReturn::Harness(message)) => Outcome::Harness { message },
        Ok(AgentReturn::Output(output)) => {
            observation.output = Some(output);
            match declared {
                Some(d) => Outcome::Declared {
                    verdict: d.verdict,
                    reason: d.reason,
                },
                None => Outcome::Returned,
            }
        }
    };
    observation.unused_interactions = ctx.unused_interactions();
    (observation, misses)
}

thread_local! {
    /// Set while an agent future is polled under [`CatchUnwind`].
    static IN_AGENT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs (once) a panic hook that stays silent for agent panics that replay catches and
/// observes as `agent_panicked`, and defers to the previous hook for every other panic. The
/// harness calls this; a library user may too.
pub fn quiet_caught_agent_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_AGENT.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Catches a panic while polling the wrapped future; `Err` carries the panic message.
pub(crate) struct CatchUnwind<F>(pub(crate) AssertUnwindSafe<F>);

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, String>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        let polled = IN_AGENT.with(|flag| {
            let outer = flag.replace(true);
            let polled = catch_unwind(AssertUnwindSafe(|| Pin::new(&mut inner.0).poll(cx)));
            flag.set(outer);
            polled
        });
        match polled {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(payload) => Poll::Ready(Err(panic_message(payload.as_ref()))),
        }
    }
}

/// The message of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic with a non-string payload".to_string())
}
