//! The fixture suites of the example agents, registered by hand (no macros): every folder under
//! `fixtures/{research,booking,queue}/` is a trial named `<suite>::<fixture_id>`.
//!
//! - `research` replays in `cassette` mode and has real (fake, in-process) tools, so
//!   `TAPEDECK_MODE=live` runs its read and model calls for real;
//! - `booking` replays in `strict` mode: nothing with a side effect may ever run;
//! - `queue` replays in `cassette` mode.

use std::process::ExitCode;
use tapedeck::agent::{AgentFuture, call_typed};
use tapedeck::harness::{Harness, SuiteRegistration};
use tapedeck::{Ctx, Mode};
use tapedeck_example_agents::{booking, queue_worker, research};

fn research_agent<'a>(ctx: &'a Ctx, input: &'a serde_json::Value) -> AgentFuture<'a> {
    call_typed(&research::research, ctx, input)
}

fn booking_agent<'a>(ctx: &'a Ctx, input: &'a serde_json::Value) -> AgentFuture<'a> {
    call_typed(&booking::book, ctx, input)
}

fn queue_agent<'a>(ctx: &'a Ctx, input: &'a serde_json::Value) -> AgentFuture<'a> {
    call_typed(&queue_worker::work, ctx, input)
}

fn main() -> ExitCode {
    let research = SuiteRegistration {
        function: "research",
        root: "fixtures/research",
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        file: file!(),
        mode: Some(Mode::Cassette),
        tier: None,
        tools: Some(research::research_tools),
        agent: research_agent,
    };
    let booking = SuiteRegistration {
        function: "book",
        root: "fixtures/booking",
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        file: file!(),
        mode: Some(Mode::Strict),
        tier: None,
        tools: None,
        agent: booking_agent,
    };
    let queue = SuiteRegistration {
        function: "work",
        root: "fixtures/queue",
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        file: file!(),
        mode: Some(Mode::Cassette),
        tier: None,
        tools: None,
        agent: queue_agent,
    };
    Harness::new()
        .suite(research)
        .suite(booking)
        .suite(queue)
        .run(&libtest_mimic::Arguments::from_args())
}
