use tapedeck::Ctx;

#[tapedeck::agent_fixture("fixtures/refunds", tier = "hourly")]
#[tapedeck::canary(tier = "critical")]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

#[tapedeck::canary(tier = "critical")]
#[tapedeck::agent_fixture("fixtures/support", tier = "hourly")]
async fn support(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
