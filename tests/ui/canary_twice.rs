use tapedeck::Ctx;

#[tapedeck::canary(tier = "critical")]
#[tapedeck::canary(tier = "hourly")]
async fn payments_api_is_up(_ctx: &Ctx) -> Result<(), std::io::Error> {
    Ok(())
}

#[tapedeck::agent_fixture("fixtures/refunds")]
#[tapedeck::canary(tier = "critical")]
#[tapedeck::canary(tier = "daily")]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
