use tapedeck::Ctx;

#[tapedeck::agent_fixture("fixtures/refunds")]
async fn refunds<I: serde::de::DeserializeOwned>(_ctx: &Ctx, _input: I) -> Result<String, std::io::Error> {
    Ok(String::new())
}

#[tapedeck::agent_fixture("fixtures/support")]
async fn support<I>(_ctx: &Ctx, _input: I) -> Result<String, std::io::Error>
where
    I: serde::de::DeserializeOwned,
{
    Ok(String::new())
}

fn main() {}
