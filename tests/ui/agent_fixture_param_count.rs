use tapedeck::Ctx;

#[tapedeck::agent_fixture("fixtures/refunds")]
async fn refunds(_ctx: &Ctx) -> Result<String, std::io::Error> {
    Ok(String::new())
}

#[tapedeck::agent_fixture("fixtures/support")]
async fn support(_ctx: &Ctx, input: String, _extra: u32) -> Result<String, std::io::Error> {
    Ok(input)
}

#[tapedeck::agent_fixture("fixtures/support")]
async fn nothing() -> Result<String, std::io::Error> {
    Ok(String::new())
}

fn main() {}
