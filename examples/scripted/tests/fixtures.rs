//! The scripted agent's conformance suite as libtest-mimic trials, registered by hand (no
//! macros): `cargo test -p tapedeck-example-scripted --test fixtures`. Every folder under
//! `fixtures/scripted/` is a trial `scripted::<fixture_id>`, replayed in strict mode.

use std::process::ExitCode;
use tapedeck::Mode;
use tapedeck::agent::{AgentFuture, call_typed};
use tapedeck::contract::Validators;
use tapedeck::harness::{Harness, SuiteRegistration};
use tapedeck_example_scripted::scripted;

fn erased<'a>(ctx: &'a tapedeck::Ctx, input: &'a serde_json::Value) -> AgentFuture<'a> {
    call_typed(&scripted, ctx, input)
}

fn main() -> ExitCode {
    // Referencing the crate's validators keeps their registrations linked into this binary.
    let _ = tapedeck_example_scripted::validators::event_emitted;
    let suite = SuiteRegistration {
        function: "scripted",
        root: "fixtures/scripted",
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        file: file!(),
        mode: Some(Mode::Strict),
        tier: None,
        tools: None,
        agent: erased,
    };
    Harness::new()
        .suite(suite)
        .validators(Validators::from_registry())
        .run(&libtest_mimic::Arguments::from_args())
}
