//! The harness without macros: a suite registered by hand runs as libtest-mimic trials.
//! (`harness = false` target; `cargo test --test harness_manual -- --list` shows the names.)

use std::process::ExitCode;
use tapedeck::agent::{AgentFuture, call_typed};
use tapedeck::harness::{Harness, SuiteRegistration};
use tapedeck::{Ctx, ToolError};

async fn echo(ctx: &Ctx, prompt: String) -> Result<serde_json::Value, ToolError> {
    ctx.call("llm", serde_json::json!({ "prompt": prompt }))
        .await
}

fn erased<'a>(ctx: &'a Ctx, input: serde_json::Value) -> AgentFuture<'a> {
    call_typed(&echo, ctx, input)
}

fn main() -> ExitCode {
    let suite = SuiteRegistration {
        function: "echo",
        root: "tests/fixtures/manual_echo",
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        file: file!(),
        mode: None,
        tier: None,
        tools: None,
        agent: erased,
    };
    Harness::new()
        .suite(suite)
        .run(&libtest_mimic::Arguments::from_args())
}
