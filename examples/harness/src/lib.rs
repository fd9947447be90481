//! The example harness crate: its `fixtures` test target (`tests/fixtures.rs`) collects the
//! suites that `#[tapedeck::agent_fixture]` registers in the example library crates, plus one
//! suite and one standalone canary declared in the test file itself.
#![forbid(unsafe_code)]
