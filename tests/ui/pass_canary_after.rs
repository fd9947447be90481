//! #[agent_fixture] above #[canary]: the canary's tier and tools become the suite's.

use tapedeck::fixture::Tier;
use tapedeck::harness::registry::{registered_checks, registered_suites};
use tapedeck::{Ctx, Mode, Toolbox};

fn real_tools() -> Toolbox {
    Toolbox::new()
}

#[tapedeck::agent_fixture("fixtures/refunds", mode = "live")]
#[tapedeck::canary(tier = "critical", tools = real_tools)]
async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
    Ok(input)
}

fn main() {
    let suites = registered_suites();
    assert_eq!(suites.len(), 1);
    assert_eq!(suites[0].mode, Some(Mode::Live));
    assert_eq!(suites[0].tier, Some(Tier::Critical));
    assert!(suites[0].tools.is_some());
    assert!(registered_checks().is_empty(), "a suite's canary is not a check");
}
