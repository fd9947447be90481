use tapedeck::Ctx;

#[tapedeck::agent_fixture("fixtures/refunds", mode = "cassete")]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

#[tapedeck::agent_fixture("fixtures/support", mode = "record")]
async fn support(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
