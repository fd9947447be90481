//! Procedural macros for tapedeck: `#[agent_fixture]`, `#[canary]`, `main!`.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

/// Binds a fixture folder to an agent function (stub; see the harness issue).
#[proc_macro_attribute]
pub fn agent_fixture(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Sets the canary tier of a suite, or registers a standalone check (stub).
#[proc_macro_attribute]
pub fn canary(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// The harness entry point (stub).
#[proc_macro]
pub fn main(_input: TokenStream) -> TokenStream {
    "fn main() {}".parse().unwrap()
}
