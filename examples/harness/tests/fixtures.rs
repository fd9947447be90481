//! Every example suite as tests: `cargo test -p tapedeck-example-harness --test fixtures`.
//!
//! The research, booking, queue and scripted suites are declared with `#[agent_fixture]` next
//! to their agents in library crates; linking those crates is all it takes to collect them.
//! The `greeter` suite and the `greeter_is_up` canary are declared right here.

use serde_json::json;
use tapedeck::{Ctx, Effect, ToolError, Toolbox};

// Link the library crates whose agents carry #[agent_fixture]: their registrations live there.
use tapedeck_example_agents as _;
use tapedeck_example_scripted as _;

/// Real tools for the greeter (used by `live` mode and by the standalone canary).
fn greeter_tools() -> Toolbox {
    Toolbox::new().with("greeting", Effect::Read, |call| async move {
        let name = call.args["name"].as_str().unwrap_or_default().to_string();
        Ok(json!({ "text": format!("Hello, {name}!") }))
    })
}

/// A tiny agent declared in the test file: asks the greeting tool and returns its text.
#[tapedeck::agent_fixture("fixtures/greeter", tools = greeter_tools)]
async fn greeter(ctx: &Ctx, name: String) -> Result<String, ToolError> {
    let greeting = ctx.call("greeting", json!({ "name": name })).await?;
    Ok(greeting["text"].as_str().unwrap_or_default().to_string())
}

/// A live synthetic check: runs only as a canary (`canary::critical::check::greeter_is_up`).
#[tapedeck::canary(tier = "critical", tools = greeter_tools)]
async fn greeter_is_up(ctx: &Ctx) -> Result<(), String> {
    let text = greeter(ctx, "canary".into())
        .await
        .map_err(|e| e.to_string())?;
    if text == "Hello, canary!" {
        Ok(())
    } else {
        Err(format!("unexpected greeting {text:?}"))
    }
}

tapedeck::main!();
