use tapedeck::Ctx;

#[tapedeck::agent_fixture("")]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

#[tapedeck::agent_fixture(".")]
async fn support(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
