//! `tapedeck::main!()` as the entry point of a harness target.

use tapedeck::Ctx;

#[tapedeck::agent_fixture("fixtures/refunds")]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

tapedeck::main!();
