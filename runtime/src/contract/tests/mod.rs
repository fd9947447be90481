//! Behaviour tests of the contract validator, one file per clause family.

mod artifacts;
mod effects;
mod evidence;
mod expectation;
mod limits;
mod output;
mod report;
mod run_level;
mod support;
mod tools;
mod validators;
