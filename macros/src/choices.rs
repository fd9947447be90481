//! The closed sets of names the attributes accept: replay modes and canary tiers.

use crate::suggest::did_you_mean;
use proc_macro2::TokenStream;
use quote::quote_spanned;
use syn::LitStr;

/// Replay modes, as in `tapedeck::Mode`.
pub const MODES: &[&str] = &["cassette", "live", "strict"];

/// Canary tiers, as in `tapedeck::fixture::Tier`.
pub const TIERS: &[&str] = &["critical", "hourly", "daily"];

/// Checks that `given` is one of `valid`; the error names the closest valid one.
pub fn check(given: &str, what: &str, valid: &[&str]) -> Result<(), String> {
    if valid.contains(&given) {
        return Ok(());
    }
    Err(format!(
        "unknown {what} {given:?}{} (valid: {})",
        did_you_mean(given, valid, '"'),
        valid.join(", ")
    ))
}

/// The variant name of a valid choice: `strict` → `Strict`.
fn variant(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `::tapedeck::Mode::Strict` for `"strict"`, or an error on the literal.
pub fn mode(lit: &LitStr) -> syn::Result<TokenStream> {
    let name = lit.value();
    check(&name, "mode", MODES).map_err(|m| syn::Error::new(lit.span(), m))?;
    let variant = syn::Ident::new(&variant(&name), lit.span());
    Ok(quote_spanned!(lit.span()=> ::tapedeck::Mode::#variant))
}

/// `::tapedeck::fixture::Tier::Critical` for `"critical"`, or an error on the literal.
pub fn tier(lit: &LitStr) -> syn::Result<TokenStream> {
    let name = lit.value();
    check(&name, "tier", TIERS).map_err(|m| syn::Error::new(lit.span(), m))?;
    let variant = syn::Ident::new(&variant(&name), lit.span());
    Ok(quote_spanned!(lit.span()=> ::tapedeck::fixture::Tier::#variant))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_names_only() {
        assert_eq!(check("strict", "mode", MODES), Ok(()));
        assert_eq!(check("daily", "tier", TIERS), Ok(()));
        assert_eq!(
            check("cassete", "mode", MODES).unwrap_err(),
            "unknown mode \"cassete\"; did you mean \"cassette\"? (valid: cassette, live, strict)"
        );
        assert_eq!(
            check("weekly", "tier", TIERS).unwrap_err(),
            "unknown tier \"weekly\" (valid: critical, hourly, daily)"
        );
    }

    #[test]
    fn names_variants() {
        let lit = LitStr::new("live", proc_macro2::Span::call_site());
        assert_eq!(
            mode(&lit).unwrap().to_string(),
            ":: tapedeck :: Mode :: Live"
        );
        let lit = LitStr::new("hourly", proc_macro2::Span::call_site());
        assert_eq!(
            tier(&lit).unwrap().to_string(),
            ":: tapedeck :: fixture :: Tier :: Hourly"
        );
    }
}
