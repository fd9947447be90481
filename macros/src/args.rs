//! Parsing attribute arguments: `"fixtures/refunds", mode = "strict", tools = my_tools`.
//!
//! Arguments are parsed generically into positional values and validated named values; each
//! macro then says what it accepts with a list of [`Spec`]s.

use crate::errors::Errors;
use crate::suggest::did_you_mean;
use proc_macro2::{Ident, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Lit, LitStr, Path, Token};

/// What a named argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string literal: `mode = "strict"`.
    Str,
    /// A path to a function: `tools = my_tools`.
    Path,
}

/// A named argument that a macro accepts.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The argument's name.
    pub name: &'static str,
    /// What it takes.
    pub kind: Kind,
    /// An example, for error messages: `mode = "strict"`.
    pub example: &'static str,
}

/// The value of a named argument, validated against its [`Kind`].
#[derive(Clone)]
pub enum Value {
    /// A string literal.
    Str(LitStr),
    /// A path.
    Path(Path),
}

/// Parsed arguments of one attribute.
#[derive(Default)]
pub struct Args {
    /// Arguments without a name, in order.
    pub positional: Vec<Expr>,
    /// Named arguments, in order, each at most once.
    pub named: Vec<(Ident, Value)>,
    /// The known names that were given, valid or not (so that a name with a bad value is not
    /// also reported as missing).
    pub given: Vec<&'static str>,
    /// Names that are not arguments of this macro (already reported).
    pub unknown: Vec<Ident>,
}

impl Args {
    /// The named argument `name`, with the identifier it was given by.
    pub fn get(&self, name: &str) -> Option<&(Ident, Value)> {
        self.named.iter().find(|(ident, _)| ident == name)
    }

    /// Whether `name` was given at all, even with an invalid value.
    pub fn was_given(&self, name: &str) -> bool {
        self.given.contains(&name)
    }

    /// The string value of `name`.
    pub fn str(&self, name: &str) -> Option<&LitStr> {
        match self.get(name) {
            Some((_, Value::Str(lit))) => Some(lit),
            _ => None,
        }
    }

    /// The path value of `name`.
    pub fn path(&self, name: &str) -> Option<&Path> {
        match self.get(name) {
            Some((_, Value::Path(path))) => Some(path),
            _ => None,
        }
    }
}

/// Parses `tokens` as a comma-separated list of positional values and `name = value` pairs.
///
/// Unknown names (with a did-you-mean), repeated names (on the second), values of the wrong
/// kind and names given without a value are pushed to `errors` and left out of the result.
/// `macro_name` is the attribute's name, for messages.
pub fn parse(tokens: TokenStream, macro_name: &str, specs: &[Spec], errors: &mut Errors) -> Args {
    let mut args = Args::default();
    let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
    let Some(items) = errors.take(parser.parse2(tokens)) else {
        return args;
    };
    for item in items {
        match item {
            Expr::Assign(assign) => {
                let Some(name) = single_ident(&assign.left) else {
                    errors.push(syn::Error::new_spanned(
                        &assign.left,
                        format!(
                            "expected an argument name of #[{macro_name}] (valid: {})",
                            names(specs)
                        ),
                    ));
                    continue;
                };
                let Some(spec) = specs.iter().find(|s| name == s.name) else {
                    errors.push(syn::Error::new(
                        name.span(),
                        format!(
                            "unknown argument `{name}` of #[{macro_name}]{} (valid: {})",
                            did_you_mean(&name.to_string(), &spec_names(specs), '`'),
                            names(specs)
                        ),
                    ));
                    args.unknown.push(name);
                    continue;
                };
                if args.was_given(spec.name) {
                    errors.push(syn::Error::new(
                        name.span(),
                        format!("duplicate argument `{name}`: give it once"),
                    ));
                    continue;
                }
                args.given.push(spec.name);
                if let Some(value) = errors.take(value(spec, *assign.right)) {
                    args.named.push((name, value));
                }
            }
            other => {
                if let Some(spec) =
                    single_ident(&other).and_then(|i| specs.iter().find(|s| i == s.name))
                {
                    args.given.push(spec.name);
                    errors.push(syn::Error::new_spanned(
                        &other,
                        format!("`{}` needs a value, like `{}`", spec.name, spec.example),
                    ));
                    continue;
                }
                args.positional.push(other);
            }
        }
    }
    args
}

/// Validates a named argument's value against its spec.
fn value(spec: &Spec, expr: Expr) -> syn::Result<Value> {
    match (spec.kind, expr) {
        (
            Kind::Str,
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(lit), ..
            }),
        ) => Ok(Value::Str(lit)),
        (Kind::Path, Expr::Path(path)) if path.qself.is_none() => Ok(Value::Path(path.path)),
        (Kind::Str, other) => Err(syn::Error::new_spanned(
            other,
            format!(
                "`{}` takes a string literal, like `{}`",
                spec.name, spec.example
            ),
        )),
        (Kind::Path, other) => Err(syn::Error::new_spanned(
            other,
            format!(
                "`{}` takes the path of a function `fn() -> Toolbox`, like `{}`",
                spec.name, spec.example
            ),
        )),
    }
}

/// `x` in `x = ...`: a path of one identifier.
fn single_ident(expr: &Expr) -> Option<Ident> {
    match expr {
        Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => {
            path.path.get_ident().cloned()
        }
        _ => None,
    }
}

fn spec_names(specs: &[Spec]) -> Vec<&'static str> {
    specs.iter().map(|s| s.name).collect()
}

fn names(specs: &[Spec]) -> String {
    spec_names(specs).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    const SPECS: &[Spec] = &[
        Spec {
            name: "mode",
            kind: Kind::Str,
            example: "mode = \"strict\"",
        },
        Spec {
            name: "tools",
            kind: Kind::Path,
            example: "tools = my_tools",
        },
    ];

    fn run(tokens: TokenStream) -> (Args, Vec<String>) {
        let mut errors = Errors::default();
        let args = parse(tokens, "agent_fixture", SPECS, &mut errors);
        let messages = match errors.finish() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        };
        (args, messages)
    }

    #[test]
    fn parses_positional_and_named_in_any_order() {
        let (args, errors) = run(quote!(tools = a::b, "fixtures/x", mode = "live"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(args.positional.len(), 1);
        assert_eq!(args.str("mode").unwrap().value(), "live");
        assert_eq!(args.path("tools").unwrap().segments.len(), 2);
        assert!(args.get("tier").is_none());
    }

    #[test]
    fn empty_arguments_are_fine() {
        let (args, errors) = run(quote!());
        assert!(errors.is_empty());
        assert!(args.positional.is_empty() && args.named.is_empty());
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let (_, errors) = run(quote!(mdoe = "strict"));
        assert_eq!(
            errors,
            [
                "unknown argument `mdoe` of #[agent_fixture]; did you mean `mode`? (valid: mode, tools)"
            ]
        );
        let (_, errors) = run(quote!(colour = "red"));
        assert_eq!(
            errors,
            ["unknown argument `colour` of #[agent_fixture] (valid: mode, tools)"]
        );
    }

    #[test]
    fn duplicates_wrong_kinds_and_missing_values_are_errors() {
        let (args, errors) = run(quote!(mode = "strict", mode = "live"));
        assert_eq!(errors, ["duplicate argument `mode`: give it once"]);
        assert_eq!(args.str("mode").unwrap().value(), "strict");

        let (_, errors) = run(quote!(mode = strict, tools = "x", tools));
        assert_eq!(
            errors,
            [
                "`mode` takes a string literal, like `mode = \"strict\"`",
                "`tools` takes the path of a function `fn() -> Toolbox`, like `tools = my_tools`",
                "`tools` needs a value, like `tools = my_tools`",
            ]
        );
    }

    #[test]
    fn syntax_errors_are_reported() {
        let (_, errors) = run(quote!("x" mode));
        assert_eq!(errors.len(), 1);
    }
}
