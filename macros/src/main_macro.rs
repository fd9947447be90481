//! `tapedeck::main!()`: the entry point of a `harness = false` test target.

use proc_macro2::TokenStream;
use quote::quote;

/// Expands `main!()` to a `main` that runs the harness over every registered suite and check.
pub fn expand(input: TokenStream) -> TokenStream {
    let error = (!input.is_empty()).then(|| {
        syn::Error::new_spanned(
            input,
            "tapedeck::main!() takes no arguments; suites register themselves with #[agent_fixture]",
        )
        .to_compile_error()
    });
    // The `main` is emitted even with the error, so that the error is the only one.
    quote! {
        #error
        fn main() -> ::std::process::ExitCode {
            ::tapedeck::harness::main()
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn expands_to_a_main_that_returns_the_harness_exit_code() {
        let out = super::expand(quote!()).to_string();
        assert_eq!(
            out,
            quote!(
                fn main() -> ::std::process::ExitCode {
                    ::tapedeck::harness::main()
                }
            )
            .to_string()
        );
        assert!(
            super::expand(quote!(x))
                .to_string()
                .contains("compile_error")
        );
    }
}
