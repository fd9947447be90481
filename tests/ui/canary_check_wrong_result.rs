use tapedeck::Ctx;

#[tapedeck::canary(tier = "critical")]
async fn payments_api_is_up(_ctx: &Ctx) -> Result<u32, std::io::Error> {
    Ok(200)
}

fn main() {}
