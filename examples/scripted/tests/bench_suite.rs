//! The scale-benchmark harness: the scripted agent over a generated suite in the folder that
//! `TAPEDECK_BENCH_SUITE` names (write one with `cargo xtask bench-fixtures N DIR`).
//!
//! Not part of a plain `cargo test` (`test = false`); `bench/scale.py` runs it, or by hand:
//!
//! ```sh
//! cargo xtask bench-fixtures 1000 target/bench/n1000
//! TAPEDECK_BENCH_SUITE=$PWD/target/bench/n1000 cargo test --release -p tapedeck-example-scripted --test bench_suite
//! ```
//!
//! Trials are named `<folder name>::<fixture_id>`, like any suite.

use std::path::PathBuf;
use std::process::ExitCode;
use tapedeck::agent::{AgentFuture, call_typed};
use tapedeck::harness::{Harness, SuiteRegistration};
use tapedeck::{Ctx, Mode};
use tapedeck_example_scripted::scripted;

fn erased<'a>(ctx: &'a Ctx, input: serde_json::Value) -> AgentFuture<'a> {
    call_typed(&scripted, ctx, input)
}

fn main() -> ExitCode {
    let Some(dir) = std::env::var_os("TAPEDECK_BENCH_SUITE").map(PathBuf::from) else {
        eprintln!(
            "TAPEDECK_BENCH_SUITE is not set: name a suite written by `cargo xtask bench-fixtures N DIR` (see bench/README.md)"
        );
        return ExitCode::from(2);
    };
    let suite = SuiteRegistration::at("scripted", &dir, Mode::Strict, erased);
    Harness::new()
        .suite(suite)
        .run(&libtest_mimic::Arguments::from_args())
}
