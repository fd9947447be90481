//! Validation of the annotated function's shape, with errors on the offending tokens.

use crate::errors::Errors;
use quote::ToTokens;
use syn::{FnArg, GenericParam, ReturnType, Signature, Type};

/// The shape a macro expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `async fn name(ctx: &Ctx, input: Input) -> Result<Output, E>` (`#[agent_fixture]`).
    Agent,
    /// `async fn name(ctx: &Ctx) -> Result<(), E>` (a standalone `#[canary]` check).
    Check,
}

impl Shape {
    /// The attribute that expects this shape.
    pub fn attribute(self) -> &'static str {
        match self {
            Shape::Agent => "#[agent_fixture]",
            Shape::Check => "#[canary] check",
        }
    }

    /// The expected signature, for messages.
    pub fn expected(self) -> &'static str {
        match self {
            Shape::Agent => {
                "expected `async fn name(ctx: &Ctx, input: Input) -> Result<Output, E>`"
            }
            Shape::Check => "expected `async fn name(ctx: &Ctx) -> Result<(), E>`",
        }
    }

    fn parameters(self) -> usize {
        match self {
            Shape::Agent => 2,
            Shape::Check => 1,
        }
    }

    fn parameter_list(self) -> &'static str {
        match self {
            Shape::Agent => "2 parameters (ctx: &Ctx, input: Input)",
            Shape::Check => "1 parameter (ctx: &Ctx)",
        }
    }
}

/// Pushes an error for every way `sig` differs from `shape`.
pub fn validate(sig: &Signature, shape: Shape, errors: &mut Errors) {
    let attribute = shape.attribute();
    let expected = shape.expected();
    let mut error = |tokens: &dyn ToTokens, what: String| {
        errors.push(syn::Error::new_spanned(
            tokens,
            format!("{what}; {expected}"),
        ));
    };

    if sig.asyncness.is_none() {
        error(
            &sig.fn_token,
            format!(
                "{attribute} needs an `async fn`, and `{}` is not async",
                sig.ident
            ),
        );
    }
    for param in &sig.generics.params {
        match param {
            GenericParam::Lifetime(_) => {}
            GenericParam::Type(ty) => error(
                ty,
                format!(
                    "{attribute} does not support generic parameters: the harness calls `{}` \
                     with concrete types",
                    sig.ident
                ),
            ),
            GenericParam::Const(konst) => error(
                konst,
                format!("{attribute} does not support const generic parameters"),
            ),
        }
    }
    if let Some(clause) = &sig.generics.where_clause {
        error(
            clause,
            format!("{attribute} does not support `where` clauses"),
        );
    }

    if let Some(receiver) = sig.receiver() {
        error(
            receiver,
            format!(
                "{attribute} needs a free function, and `{}` takes `self`",
                sig.ident
            ),
        );
    } else if sig.inputs.len() != shape.parameters() {
        let parens = syn::token::Paren {
            span: sig.paren_token.span,
        };
        let mut list = proc_macro2::TokenStream::new();
        parens.surround(&mut list, |inner| sig.inputs.to_tokens(inner));
        error(
            &list,
            format!(
                "{attribute} takes {}, and `{}` has {}",
                shape.parameter_list(),
                sig.ident,
                sig.inputs.len()
            ),
        );
    } else if let Some(FnArg::Typed(first)) = sig.inputs.first() {
        match &*first.ty {
            Type::Reference(reference) if reference.mutability.is_some() => error(
                &first.ty,
                "the first parameter must be a shared reference to the context (`ctx: &Ctx`), \
                 not `&mut`"
                    .to_string(),
            ),
            Type::Reference(_) => {}
            other => error(
                other,
                "the first parameter must be a reference to the context, like `ctx: &Ctx`"
                    .to_string(),
            ),
        }
    }

    if let ReturnType::Default = sig.output {
        let close = proc_macro2::Ident::new("close", sig.paren_token.span.close());
        error(
            &close,
            format!(
                "`{}` has no return type; {attribute} needs a `Result`",
                sig.ident
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(sig: &str, shape: Shape) -> Vec<String> {
        let item: syn::ItemFn = syn::parse_str(&format!("{sig} {{}}")).unwrap();
        let mut errors = Errors::default();
        validate(&item.sig, shape, &mut errors);
        match errors.finish() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn accepts_the_expected_shapes() {
        assert!(
            messages(
                "async fn a(ctx: &Ctx, input: In) -> Result<Out, E>",
                Shape::Agent
            )
            .is_empty()
        );
        assert!(
            messages(
                "async fn a<'a>(_: &'a tapedeck::Ctx, _: u32) -> R",
                Shape::Agent
            )
            .is_empty()
        );
        assert!(messages("async fn c(ctx: &Ctx) -> Result<(), E>", Shape::Check).is_empty());
    }

    #[test]
    fn names_each_mistake() {
        let all = messages("fn a<T, const N: usize>(ctx: Ctx, input: T)", Shape::Agent);
        let expected = Shape::Agent.expected();
        assert_eq!(
            all,
            [
                format!("#[agent_fixture] needs an `async fn`, and `a` is not async; {expected}"),
                format!(
                    "#[agent_fixture] does not support generic parameters: the harness calls `a` \
                     with concrete types; {expected}"
                ),
                format!("#[agent_fixture] does not support const generic parameters; {expected}"),
                format!(
                    "the first parameter must be a reference to the context, like `ctx: &Ctx`; {expected}"
                ),
                format!("`a` has no return type; #[agent_fixture] needs a `Result`; {expected}"),
            ]
        );
    }

    #[test]
    fn counts_parameters_and_rejects_receivers() {
        let one = messages("async fn a(ctx: &Ctx) -> R", Shape::Agent);
        assert!(one[0].starts_with(
            "#[agent_fixture] takes 2 parameters (ctx: &Ctx, input: Input), and `a` has 1"
        ));
        let two = messages("async fn c(ctx: &Ctx, x: u8) -> R", Shape::Check);
        assert!(two[0].starts_with("#[canary] check takes 1 parameter (ctx: &Ctx), and `c` has 2"));
        let receiver = messages("async fn a(&self, input: In) -> R", Shape::Agent);
        assert!(
            receiver[0].starts_with("#[agent_fixture] needs a free function, and `a` takes `self`")
        );
        let mutable = messages("async fn c(ctx: &mut Ctx) -> R", Shape::Check);
        assert!(mutable[0].contains("not `&mut`"));
    }
}
