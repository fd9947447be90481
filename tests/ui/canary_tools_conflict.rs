use tapedeck::{Ctx, Toolbox};

fn real_tools() -> Toolbox {
    Toolbox::new()
}

#[tapedeck::agent_fixture("fixtures/refunds", tools = real_tools)]
#[tapedeck::canary(tier = "critical", tools = real_tools)]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
