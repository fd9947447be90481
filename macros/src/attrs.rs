//! The companion attributes on an annotated function.
//!
//! `#[agent_fixture]` and `#[canary]` may annotate the same function in either order. Attribute
//! macros expand outermost first, and the one that runs first still sees the other as a plain
//! attribute on the item: it takes that attribute off, folds its arguments into its own
//! expansion, and so the second macro never runs. Attributes are matched by the last segment of
//! their path, so `#[canary]`, `#[tapedeck::canary]` and a renamed import's path all match.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote_spanned};
use syn::{Attribute, Meta};

/// The arguments of one attribute, with the tokens to blame for a missing argument.
pub struct AttrArgs {
    /// The tokens between the parentheses.
    pub tokens: TokenStream,
    /// The attribute as a whole (for `syn::Error::new_spanned`).
    pub blame: TokenStream,
}

impl AttrArgs {
    /// The arguments of the attribute macro being expanded.
    pub fn invoked(tokens: TokenStream) -> AttrArgs {
        AttrArgs {
            tokens,
            blame: quote_spanned!(Span::call_site()=> attribute),
        }
    }

    /// An error on the whole attribute.
    pub fn error(&self, message: impl std::fmt::Display) -> syn::Error {
        syn::Error::new_spanned(&self.blame, message)
    }
}

/// Removes and returns the attributes named `name` (by the last segment of their path).
pub fn take(attrs: &mut Vec<Attribute>, name: &str) -> Vec<Attribute> {
    let (taken, kept) = std::mem::take(attrs)
        .into_iter()
        .partition(|attr| is_named(attr, name));
    *attrs = kept;
    taken
}

/// Whether `attr`'s path ends in `name`.
pub fn is_named(attr: &Attribute, name: &str) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|segment| segment.ident == name)
}

/// The arguments of `#[name(...)]`, or none for `#[name]`.
pub fn arguments(attr: &Attribute) -> syn::Result<AttrArgs> {
    let tokens = match &attr.meta {
        Meta::Path(_) => TokenStream::new(),
        Meta::List(list) => list.tokens.clone(),
        Meta::NameValue(nv) => {
            return Err(syn::Error::new_spanned(
                nv,
                "expected arguments in parentheses, like #[agent_fixture(\"fixtures/refunds\")]",
            ));
        }
    };
    Ok(AttrArgs {
        tokens,
        blame: attr.to_token_stream(),
    })
}

/// The error for a companion attribute given twice.
pub fn duplicate(attr: &Attribute, name: &str) -> syn::Error {
    syn::Error::new_spanned(
        attr,
        format!("#[{name}] is given twice on this function; give it once"),
    )
}
