use tapedeck::Ctx;

struct Agent;

impl Agent {
    #[tapedeck::agent_fixture("fixtures/refunds")]
    async fn refunds(&self, input: String) -> Result<String, std::io::Error> {
        Ok(input)
    }
}

fn main() {
    let _ = Agent;
    let _: Option<&Ctx> = None;
}
