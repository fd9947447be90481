//! A fixture suite: `#[agent_fixture]`, optionally with `#[canary]`, becomes a
//! `SuiteRegistration` submitted to the harness.

use crate::args::{self, Args};
use crate::attrs::AttrArgs;
use crate::errors::Errors;
use crate::signature::{self, Shape};
use crate::{choices, codegen, folder, specs};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Expr, ItemFn, Lit};

/// The registration of `func` as a suite; `None` when the arguments were invalid (the errors
/// are in `errors`). `canary` is the `#[canary]` found on the same function, if any.
pub fn registration(
    fixture: AttrArgs,
    canary: Option<AttrArgs>,
    func: &ItemFn,
    errors: &mut Errors,
) -> Option<TokenStream> {
    let fixture_args = args::parse(
        fixture.tokens.clone(),
        "agent_fixture",
        specs::AGENT_FIXTURE,
        errors,
    );
    let root = root(&fixture_args, &fixture, errors);
    if let Some(root) = &root {
        errors.take(folder::check(root));
    }
    let mode = match fixture_args.str("mode") {
        Some(lit) => errors.take(choices::mode(lit)),
        None => None,
    };
    let mut tier = match fixture_args.str("tier") {
        Some(lit) => errors.take(choices::tier(lit)),
        None => None,
    };
    let mut tools = fixture_args.path("tools").cloned();

    if let Some(canary) = canary {
        let canary_args = args::parse(canary.tokens.clone(), "canary", specs::CANARY, errors);
        no_positional(&canary_args, errors);
        if let Some((ident, _)) = fixture_args.get("tier")
            && canary_args.was_given("tier")
        {
            errors.push(syn::Error::new(
                ident.span(),
                "the suite's tier is set twice, here and by #[canary(tier = ..)]; keep one",
            ));
        }
        if let Some((ident, _)) = fixture_args.get("tools")
            && canary_args.was_given("tools")
        {
            errors.push(syn::Error::new(
                ident.span(),
                "`tools` is given on both #[agent_fixture] and #[canary]; give it once",
            ));
        }
        if let Some(canary_tier) = required_tier(&canary_args, &canary, errors) {
            tier = Some(canary_tier);
        }
        if tools.is_none() {
            tools = canary_args.path("tools").cloned();
        }
    }

    signature::validate(&func.sig, Shape::Agent, errors);
    let root = root?;

    let name = &func.sig.ident;
    let function = codegen::name(func);
    let mode = codegen::option(mode);
    let tier = codegen::option(tier);
    let tools = codegen::tools(tools.as_ref());
    let ctx = syn::Ident::new("ctx", Span::mixed_site());
    let input = syn::Ident::new("input", Span::mixed_site());
    // Spanned on the function's name, so that type errors (an input that does not deserialize,
    // an output that does not serialize) point at the function rather than at the attribute.
    let call = quote_spanned!(name.span()=> ::tapedeck::agent::call_typed(&#name, #ctx, #input));
    Some(quote! {
        const _: () = {
            fn __tapedeck_agent<'a>(
                #ctx: &'a ::tapedeck::Ctx,
                #input: ::tapedeck::__private::Value,
            ) -> ::tapedeck::agent::AgentFuture<'a> {
                #call
            }
            ::tapedeck::__private::inventory::submit! {
                ::tapedeck::harness::SuiteRegistration {
                    function: #function,
                    root: #root,
                    manifest_dir: ::core::env!("CARGO_MANIFEST_DIR"),
                    file: ::core::file!(),
                    mode: #mode,
                    tier: #tier,
                    tools: #tools,
                    agent: __tapedeck_agent,
                }
            }
        };
    })
}

/// The fixture folder: the one positional argument, a string literal.
fn root(args: &Args, attribute: &AttrArgs, errors: &mut Errors) -> Option<syn::LitStr> {
    let (first, rest) = match args.positional.split_first() {
        Some(split) => split,
        None => {
            errors.push(attribute.error(
                "#[agent_fixture] needs the fixture folder as its first argument, \
                 like #[agent_fixture(\"fixtures/refunds\")]",
            ));
            return None;
        }
    };
    for extra in rest {
        errors.push(syn::Error::new_spanned(
            extra,
            "#[agent_fixture] takes one fixture folder; a suite is one folder \
             (the other arguments are named: mode, tools, tier)",
        ));
    }
    match first {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) => Some(lit.clone()),
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                "the fixture folder must be a string literal, like \"fixtures/refunds\"",
            ));
            None
        }
    }
}

/// Pushes an error for every positional argument of `#[canary]`.
pub fn no_positional(args: &Args, errors: &mut Errors) {
    for extra in &args.positional {
        let example = match extra {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(lit), ..
            }) => format!("tier = {:?}", lit.value()),
            _ => "tier = \"critical\"".to_string(),
        };
        errors.push(syn::Error::new_spanned(
            extra,
            format!("#[canary] takes named arguments only; write #[canary({example})]"),
        ));
    }
}

/// The tier of `#[canary]`, which is required.
pub fn required_tier(
    args: &Args,
    attribute: &AttrArgs,
    errors: &mut Errors,
) -> Option<TokenStream> {
    match args.str("tier") {
        Some(lit) => errors.take(choices::tier(lit)),
        None => {
            // A misspelled name was already reported with a suggestion.
            if !args.was_given("tier") && args.unknown.is_empty() && args.positional.is_empty() {
                errors.push(attribute.error(format!(
                    "#[canary] needs a tier, like #[canary(tier = \"critical\")] (valid: {})",
                    choices::TIERS.join(", ")
                )));
            }
            None
        }
    }
}
