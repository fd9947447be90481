use tapedeck::Ctx;

#[tapedeck::agent_fixture("../tapedeck-e2e/fixtures/refunds")]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

#[tapedeck::agent_fixture("fixtures/../../elsewhere")]
async fn support(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
