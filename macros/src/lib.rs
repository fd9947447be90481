//! Procedural macros for tapedeck: `#[agent_fixture]`, `#[canary]`, `main!`.
//!
//! The macros are thin: they validate their arguments and the annotated function at compile
//! time, leave the function unchanged (it stays an ordinary function, usable in production),
//! and register it with the runtime's harness through `inventory`. Everything else happens in
//! the `tapedeck` runtime. Use them through the runtime's re-exports: `tapedeck::agent_fixture`,
//! `tapedeck::canary`, `tapedeck::main!`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use proc_macro::TokenStream;

mod agent_fixture;
mod args;
mod attrs;
mod canary;
mod choices;
mod codegen;
mod errors;
mod folder;
mod main_macro;
mod signature;
mod specs;
mod suggest;
mod suite;

/// Binds a fixture folder to an agent function: every sub-folder becomes a test.
///
/// ```ignore
/// #[tapedeck::agent_fixture("fixtures/refunds", mode = "strict", tools = my_tools, tier = "hourly")]
/// async fn refunds(ctx: &Ctx, input: RefundRequest) -> Result<RefundDecision, AgentError> { .. }
/// ```
///
/// The folder is relative to the crate (`CARGO_MANIFEST_DIR`) and must exist when the crate
/// compiles. `mode` is `cassette` (the default), `live` or `strict`; `tools` names a
/// `fn() -> Toolbox` with the real tools for `live` mode; `tier` is the suite's canary tier
/// (`critical`, `hourly`, `daily`). The function must be
/// `async fn name(ctx: &Ctx, input: Input) -> Result<Output, E>` with `Input: Deserialize`
/// and `Output: Serialize`; it is emitted unchanged.
#[proc_macro_attribute]
pub fn agent_fixture(args: TokenStream, item: TokenStream) -> TokenStream {
    agent_fixture::expand(args.into(), item.into()).into()
}

/// Makes a suite a canary of a tier, or registers a standalone live check.
///
/// With `#[agent_fixture]` on the same function (in either order), `#[canary(tier = "critical")]`
/// sets the suite's tier. On its own, it registers
/// `async fn name(ctx: &Ctx) -> Result<(), E>` as a check that runs with its tier; `tools`
/// optionally names a `fn() -> Toolbox` with the real tools.
#[proc_macro_attribute]
pub fn canary(args: TokenStream, item: TokenStream) -> TokenStream {
    canary::expand(args.into(), item.into()).into()
}

/// The harness entry point of a `harness = false` test target: `tapedeck::main!();`.
#[proc_macro]
pub fn main(input: TokenStream) -> TokenStream {
    main_macro::expand(input.into()).into()
}
