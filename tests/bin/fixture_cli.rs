//! `cargo xtask` as a project would build it, for the `fixture new` CLI test: tapedeck's
//! commands over one suite of the lookup agent, rooted in the folder `TAPEDECK_TEST_SUITE`
//! names (registered at run time, so the test can point it at a temporary folder), with the
//! order service as its real tools for `fixture record`.

#[path = "../support/lookup.rs"]
mod lookup;

use std::process::ExitCode;
use tapedeck::Mode;
use tapedeck::harness::{Harness, SuiteRegistration};

fn main() -> ExitCode {
    let Some(root) = std::env::var_os("TAPEDECK_TEST_SUITE") else {
        eprintln!("TAPEDECK_TEST_SUITE is not set: name the suite folder");
        return ExitCode::from(2);
    };
    let mut suite = SuiteRegistration::at(
        "lookup_agent",
        std::path::Path::new(&root),
        Mode::Strict,
        lookup::erased,
    );
    suite.tools = Some(lookup::tools);
    tapedeck::cli::main_with(&Harness::new().suite(suite))
}
