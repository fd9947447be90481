use tapedeck::Ctx;

#[tapedeck::canary(teir = "critical")]
async fn payments_api_is_up(_ctx: &Ctx) -> Result<(), std::io::Error> {
    Ok(())
}

#[tapedeck::canary(tier = "critical", mode = "strict")]
#[tapedeck::agent_fixture("fixtures/refunds")]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
