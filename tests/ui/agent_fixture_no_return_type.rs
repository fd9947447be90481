use tapedeck::Ctx;

#[tapedeck::agent_fixture("fixtures/refunds")]
async fn refunds(_ctx: &Ctx, _input: String) {}

fn main() {}
