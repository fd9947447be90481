use tapedeck::Ctx;

struct NotDeserialize;

#[tapedeck::agent_fixture("fixtures/refunds")]
async fn refunds(_ctx: &Ctx, _input: NotDeserialize) -> Result<String, std::io::Error> {
    Ok(String::new())
}

fn main() {}
