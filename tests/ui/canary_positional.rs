use tapedeck::Ctx;

#[tapedeck::canary("critical")]
async fn payments_api_is_up(_ctx: &Ctx) -> Result<(), std::io::Error> {
    Ok(())
}

fn main() {}
