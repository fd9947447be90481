use tapedeck::Ctx;

#[tapedeck::canary(tier = "critical")]
fn not_async(_ctx: &Ctx) -> Result<(), std::io::Error> {
    Ok(())
}

#[tapedeck::canary(tier = "critical")]
async fn two_parameters(_ctx: &Ctx, _input: String) -> Result<(), std::io::Error> {
    Ok(())
}

#[tapedeck::canary(tier = "critical")]
async fn by_value(_ctx: Ctx) -> Result<(), std::io::Error> {
    Ok(())
}

#[tapedeck::canary(tier = "critical")]
async fn no_return_type(_ctx: &Ctx) {}

#[tapedeck::canary(tier = "critical")]
async fn generic<T: Default>(_ctx: &Ctx) -> Result<(), std::io::Error> {
    let _ = T::default();
    Ok(())
}

fn main() {}
