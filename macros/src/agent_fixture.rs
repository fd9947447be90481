//! `#[agent_fixture("fixtures/refunds", mode = "strict", tools = my_tools, tier = "hourly")]`.

use crate::attrs::{self, AttrArgs};
use crate::errors::Errors;
use crate::signature::Shape;
use crate::{codegen, suite};
use proc_macro2::TokenStream;
use syn::ItemFn;

/// Expands `#[agent_fixture(args)]` on `item`: the function unchanged plus its suite
/// registration, or plus the compile errors.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(_) => {
            return codegen::not_a_function(item, "#[agent_fixture]", Shape::Agent.expected());
        }
    };
    let mut errors = Errors::default();
    for extra in attrs::take(&mut func.attrs, "agent_fixture") {
        errors.push(attrs::duplicate(&extra, "agent_fixture"));
    }
    let mut canaries = attrs::take(&mut func.attrs, "canary").into_iter();
    let canary = canaries
        .next()
        .and_then(|attr| errors.take(attrs::arguments(&attr)));
    for extra in canaries {
        errors.push(attrs::duplicate(&extra, "canary"));
    }
    let fixture = AttrArgs::invoked(args);
    let registration = suite::registration(fixture, canary, &func, &mut errors);
    codegen::output(&func, registration, errors)
}
