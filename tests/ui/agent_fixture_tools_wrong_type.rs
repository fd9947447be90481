use tapedeck::Ctx;

mod tools {
    pub fn not_a_toolbox() -> Vec<String> {
        Vec::new()
    }
}

#[tapedeck::agent_fixture("fixtures/refunds", tools = tools::not_a_toolbox)]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {}
