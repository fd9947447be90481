use tapedeck::Ctx;

#[tapedeck::agent_fixture("fixtures/refunds")]
async fn refunds<const N: usize>(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input.repeat(N))
}

fn main() {}
