use tapedeck::Ctx;

#[tapedeck::agent_fixture("fixtures/refunds", options.mode = "strict")]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
