//! `#[canary(tier = "critical", tools = my_tools)]`: the tier of an agent fixture's suite, or a
//! standalone live check `async fn name(ctx: &Ctx) -> Result<(), E>`.

use crate::args;
use crate::attrs::{self, AttrArgs};
use crate::errors::Errors;
use crate::signature::{self, Shape};
use crate::{codegen, specs, suite};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ItemFn;

const EXPECTED: &str = "expected an agent fixture (with #[agent_fixture]) or a check \
                        `async fn name(ctx: &Ctx) -> Result<(), E>`";

/// Expands `#[canary(args)]` on `item`.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(_) => return codegen::not_a_function(item, "#[canary]", EXPECTED),
    };
    let mut errors = Errors::default();
    for extra in attrs::take(&mut func.attrs, "canary") {
        errors.push(attrs::duplicate(&extra, "canary"));
    }
    let mut fixtures = attrs::take(&mut func.attrs, "agent_fixture").into_iter();
    let fixture = fixtures.next();
    for extra in fixtures {
        errors.push(attrs::duplicate(&extra, "agent_fixture"));
    }
    let canary = AttrArgs::invoked(args);
    let registration = match fixture {
        Some(attr) => match errors.take(attrs::arguments(&attr)) {
            Some(fixture) => suite::registration(fixture, Some(canary), &func, &mut errors),
            None => None,
        },
        None => check_registration(canary, &func, &mut errors),
    };
    codegen::output(&func, registration, errors)
}

/// The registration of a standalone check.
fn check_registration(canary: AttrArgs, func: &ItemFn, errors: &mut Errors) -> Option<TokenStream> {
    let args = args::parse(canary.tokens.clone(), "canary", specs::CANARY, errors);
    suite::no_positional(&args, errors);
    let tier = suite::required_tier(&args, &canary, errors);
    signature::validate(&func.sig, Shape::Check, errors);
    let tier = tier?;

    let name = &func.sig.ident;
    let check_name = codegen::name(func);
    let tools = codegen::tools(args.path("tools"));
    let ctx = syn::Ident::new("ctx", Span::mixed_site());
    let call = quote_spanned!(name.span()=> ::tapedeck::agent::call_check(&#name, #ctx));
    Some(quote! {
        const _: () = {
            fn __tapedeck_check<'a>(
                #ctx: &'a ::tapedeck::Ctx,
            ) -> ::tapedeck::harness::registry::CheckFuture<'a> {
                #call
            }
            ::tapedeck::__private::inventory::submit! {
                ::tapedeck::harness::CheckRegistration {
                    name: #check_name,
                    tier: #tier,
                    file: ::core::file!(),
                    tools: #tools,
                    check: __tapedeck_check,
                }
            }
        };
    })
}
