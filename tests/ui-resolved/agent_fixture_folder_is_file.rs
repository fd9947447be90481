use tapedeck::Ctx;

#[tapedeck::agent_fixture("Cargo.toml")]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
