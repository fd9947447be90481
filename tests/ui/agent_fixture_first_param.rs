use tapedeck::Ctx;

#[tapedeck::agent_fixture("fixtures/refunds")]
async fn refunds(_ctx: Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

#[tapedeck::agent_fixture("fixtures/support")]
async fn support(_ctx: &mut Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
