//! Renderers of the [`MonitorReport`](crate::canary::report::MonitorReport): JUnit XML for CI
//! systems, a static HTML page and a plain-text table for a terminal. Every renderer is a pure
//! function from a report to a `String`.

pub mod html;
pub mod junit;
pub mod table;
mod text;

#[cfg(test)]
mod sample;

pub use html::html;
pub use junit::junit;
pub use table::table;
