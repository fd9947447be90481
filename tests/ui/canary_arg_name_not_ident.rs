use tapedeck::Ctx;

#[tapedeck::canary(tier = "critical", tools::all = "x")]
async fn greeter_is_up(_ctx: &Ctx) -> Result<(), std::io::Error> {
    Ok(())
}

fn main() {}
