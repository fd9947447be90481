//! Small pieces of generated code shared by the attributes.

use crate::errors::Errors;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ItemFn, Path};

/// `Some(tools)` coerced to `fn() -> Toolbox` (a wrong type is reported on the path), or `None`.
pub fn tools(path: Option<&Path>) -> TokenStream {
    match path {
        Some(path) => {
            let local = syn::Ident::new("tools", Span::mixed_site());
            let ty = quote_spanned!(path.span()=> fn() -> ::tapedeck::Toolbox);
            quote!(::core::option::Option::Some({ let #local: #ty = #path; #local }))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// `Some(value)` or `None`.
pub fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

/// The function's name as a string literal, without `r#`.
pub fn name(func: &ItemFn) -> syn::LitStr {
    use syn::ext::IdentExt;
    syn::LitStr::new(&func.sig.ident.unraw().to_string(), func.sig.ident.span())
}

/// The function unchanged, followed by the registration or by the errors.
pub fn output(func: &ItemFn, registration: Option<TokenStream>, errors: Errors) -> TokenStream {
    let rest = match errors.finish() {
        Ok(()) => registration.unwrap_or_default(),
        Err(error) => error.to_compile_error(),
    };
    let mut out = func.to_token_stream();
    out.extend(rest);
    out
}

/// The item unchanged, with an error: the attribute is not on a function.
pub fn not_a_function(item: TokenStream, attribute: &str, expected: &str) -> TokenStream {
    let mut out = syn::Error::new(
        Span::call_site(),
        format!("{attribute} goes on an `async fn`; {expected}"),
    )
    .to_compile_error();
    out.extend(item);
    out
}
