use tapedeck::Ctx;

#[tapedeck::agent_fixture("fixtures/refunds", mdoe = "strict")]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

#[tapedeck::agent_fixture("fixtures/support", timeout = "5s")]
async fn support(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
