use tapedeck::Ctx;

#[tapedeck::canary(tier = "critical")]
#[tapedeck::agent_fixture = "fixtures/refunds"]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
