#[tapedeck::agent_fixture("fixtures/refunds")]
struct Refunds;

fn main() {}
