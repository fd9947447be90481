use tapedeck::Ctx;

#[tapedeck::canary]
async fn payments_api_is_up(_ctx: &Ctx) -> Result<(), std::io::Error> {
    Ok(())
}

#[tapedeck::agent_fixture("fixtures/refunds")]
#[tapedeck::canary(tools = real_tools)]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn real_tools() -> tapedeck::Toolbox {
    tapedeck::Toolbox::new()
}

fn main() {}
