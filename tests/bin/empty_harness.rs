//! A `harness = false` test target whose binary links no crate with `#[agent_fixture]`: what a
//! user gets who declares agents in a library crate and forgets to link it from the test file.

tapedeck::main!();
