//! What the macros register: fixture suites and standalone canary checks.
//!
//! `#[agent_fixture]` submits a [`SuiteRegistration`], a standalone `#[canary]` submits a
//! [`CheckRegistration`]; the harness collects them at run time. Everything here can also be
//! built by hand (see [`crate::harness::Harness`]), so the macro crate stays thin.

use crate::agent::AgentFuture;
use crate::ctx::Ctx;
use crate::fixture::Tier;
use crate::mode::Mode;
use crate::toolbox::Toolbox;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

/// An agent function erased to JSON in and out (what `#[agent_fixture]` generates).
pub type ErasedAgent = for<'a> fn(&'a Ctx, Value) -> AgentFuture<'a>;

/// The future of a standalone canary check.
pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + 'a>>;

/// A standalone canary check erased (what `#[canary]` on `async fn(&Ctx) -> Result<(), E>`
/// generates).
pub type ErasedCheck = for<'a> fn(&'a Ctx) -> CheckFuture<'a>;

/// A fixture suite bound to an agent function.
#[derive(Debug, Clone, Copy)]
pub struct SuiteRegistration {
    /// The agent function's name (for messages).
    pub function: &'static str,
    /// The fixture folder as written in the attribute, relative to `manifest_dir`.
    pub root: &'static str,
    /// `CARGO_MANIFEST_DIR` of the crate that declared the suite, at compile time.
    pub manifest_dir: &'static str,
    /// The source file of the declaration.
    pub file: &'static str,
    /// The replay mode (`None`: cassette).
    pub mode: Option<Mode>,
    /// The default canary tier of the suite's fixtures (`None`: daily).
    pub tier: Option<Tier>,
    /// Real tools, for `live` mode.
    pub tools: Option<fn() -> Toolbox>,
    /// The agent.
    pub agent: ErasedAgent,
}

impl SuiteRegistration {
    /// A suite registered at run time rather than by `#[agent_fixture]`: the fixture folders in
    /// `root` (made absolute against the current directory), replayed with `agent` in `mode`.
    /// For a `harness = false` target or an xtask whose suite folder is chosen when it runs;
    /// add it with `Harness::suite`. The folder's name is kept for the life of the process.
    #[track_caller]
    pub fn at(
        function: &'static str,
        root: &std::path::Path,
        mode: Mode,
        agent: ErasedAgent,
    ) -> SuiteRegistration {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        SuiteRegistration {
            function,
            root: Box::leak(root.to_string_lossy().into_owned().into_boxed_str()),
            manifest_dir: "",
            file: std::panic::Location::caller().file(),
            mode: Some(mode),
            tier: None,
            tools: None,
            agent,
        }
    }
}

/// A standalone live canary check.
#[derive(Debug, Clone, Copy)]
pub struct CheckRegistration {
    /// The check function's name; the trial is `canary::<tier>::check::<name>`.
    pub name: &'static str,
    /// Its tier.
    pub tier: Tier,
    /// The source file of the declaration.
    pub file: &'static str,
    /// Real tools for the check.
    pub tools: Option<fn() -> Toolbox>,
    /// The check.
    pub check: ErasedCheck,
}

inventory::collect!(SuiteRegistration);
inventory::collect!(CheckRegistration);

impl SuiteRegistration {
    /// The suite's name: the last component of its folder (`fixtures/refunds` → `refunds`).
    pub fn name(&self) -> &'static str {
        self.root
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(self.root)
    }
}

/// Every suite registered in this binary, sorted by name.
pub fn registered_suites() -> Vec<SuiteRegistration> {
    let mut suites: Vec<SuiteRegistration> = inventory::iter::<SuiteRegistration>
        .into_iter()
        .copied()
        .collect();
    suites.sort_by(|a, b| a.name().cmp(b.name()).then(a.root.cmp(b.root)));
    suites
}

/// Every standalone check registered in this binary, sorted by name.
pub fn registered_checks() -> Vec<CheckRegistration> {
    let mut checks: Vec<CheckRegistration> = inventory::iter::<CheckRegistration>
        .into_iter()
        .copied()
        .collect();
    checks.sort_by(|a, b| a.name.cmp(b.name));
    checks
}
