//! #[agent_fixture] with every argument, in a module, with a multi-segment `tools` path.

use tapedeck::fixture::Tier;
use tapedeck::harness::registry::registered_suites;
use tapedeck::{Ctx, Mode, Toolbox};

mod tools {
    pub fn real_tools() -> tapedeck::Toolbox {
        tapedeck::Toolbox::new()
    }
}

mod agents {
    use tapedeck::Ctx;

    #[tapedeck::agent_fixture(
        tier = "hourly",
        "fixtures/refunds",
        tools = crate::tools::real_tools,
        mode = "strict",
    )]
    pub async fn refunds(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> {
        Ok(input)
    }
}

#[tapedeck::agent_fixture("fixtures/support")]
async fn r#support(_ctx: &Ctx, input: u32) -> Result<u32, std::io::Error> {
    Ok(input + 1)
}

fn main() {
    let suites = registered_suites();
    assert_eq!(suites.len(), 2);

    let refunds = suites[0];
    assert_eq!(refunds.name(), "refunds");
    assert_eq!(refunds.function, "refunds");
    assert_eq!(refunds.root, "fixtures/refunds");
    assert_eq!(refunds.manifest_dir, env!("CARGO_MANIFEST_DIR"));
    assert!(refunds.file.ends_with("pass_all_arguments.rs"), "{}", refunds.file);
    assert_eq!(refunds.mode, Some(Mode::Strict));
    assert_eq!(refunds.tier, Some(Tier::Hourly));
    let tools: fn() -> Toolbox = refunds.tools.expect("tools registered");
    let _ = tools();

    let support = suites[1];
    assert_eq!(support.function, "support");
    assert_eq!(support.mode, None);
    assert_eq!(support.tier, None);
    assert!(support.tools.is_none());

    // The function stays an ordinary function.
    let _ = agents::refunds(&Ctx::builder().build(), String::new());
}
