//! #[canary] above #[agent_fixture] (and `use`d names): the same suite as the other order.

use tapedeck::fixture::Tier;
use tapedeck::harness::registry::{registered_checks, registered_suites};
use tapedeck::{Ctx, agent_fixture, canary};

#[canary(tier = "daily")]
#[agent_fixture("fixtures/support", tools = real_tools)]
async fn support(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn real_tools() -> tapedeck::Toolbox {
    tapedeck::Toolbox::new()
}

fn main() {
    let suites = registered_suites();
    assert_eq!(suites.len(), 1);
    assert_eq!(suites[0].name(), "support");
    assert_eq!(suites[0].mode, None);
    assert_eq!(suites[0].tier, Some(Tier::Daily));
    assert!(suites[0].tools.is_some());
    assert!(registered_checks().is_empty());
}
