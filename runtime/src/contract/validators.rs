//! The registry of custom validators named by `validators: [{name, args}]` in a contract.

use crate::observation::Observation;
use crate::verdict::{FailureClass, Verdict};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// What a custom validator sees.
#[derive(Debug, Clone, Copy)]
pub struct ValidatorCall<'a> {
    /// The run's observation.
    pub observation: &'a Observation,
    /// The `args` of the contract entry (`null` if absent).
    pub args: &'a Value,
    /// The fixture's `state`, if any.
    pub state: Option<&'a Map<String, Value>>,
}

/// Why a custom validator rejected a run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValidatorFailure {
    /// A human-readable explanation.
    pub message: String,
    /// The reason code; default `validator_failed`.
    pub reason: Option<String>,
    /// The verdict; default `failed`.
    pub verdict: Option<Verdict>,
    /// The failure class; default `silent_drift`.
    pub failure_class: Option<FailureClass>,
}

impl ValidatorFailure {
    /// A failure with the default reason, verdict and class.
    pub fn new(message: impl Into<String>) -> ValidatorFailure {
        ValidatorFailure {
            message: message.into(),
            ..ValidatorFailure::default()
        }
    }

    /// Sets the reason code.
    pub fn reason(mut self, reason: impl Into<String>) -> ValidatorFailure {
        self.reason = Some(reason.into());
        self
    }

    /// Sets the verdict.
    pub fn verdict(mut self, verdict: Verdict) -> ValidatorFailure {
        self.verdict = Some(verdict);
        self
    }

    /// Sets the failure class.
    pub fn failure_class(mut self, class: FailureClass) -> ValidatorFailure {
        self.failure_class = Some(class);
        self
    }
}

/// A registered validator function.
pub type ValidatorFn = dyn Fn(&ValidatorCall<'_>) -> Result<(), ValidatorFailure> + Send + Sync;

/// Custom validators, by name.
#[derive(Clone, Default)]
pub struct Validators {
    by_name: BTreeMap<String, Arc<ValidatorFn>>,
}

impl Validators {
    /// An empty registry.
    pub fn new() -> Validators {
        Validators::default()
    }

    /// Registers (or replaces) a validator under `name`.
    pub fn register<F>(&mut self, name: impl Into<String>, f: F) -> &mut Validators
    where
        F: Fn(&ValidatorCall<'_>) -> Result<(), ValidatorFailure> + Send + Sync + 'static,
    {
        self.by_name.insert(name.into(), Arc::new(f));
        self
    }

    /// The validator registered under `name`.
    pub fn get(&self, name: &str) -> Option<&ValidatorFn> {
        self.by_name.get(name).map(|f| &**f)
    }

    /// The registered names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    /// The registered name closest to `name` (Jaro-Winkler similarity of at least 0.8).
    pub fn did_you_mean(&self, name: &str) -> Option<&str> {
        crate::suggest::did_you_mean(name, self.names())
    }

    /// Every validator registered with [`register_validator!`](crate::register_validator).
    pub fn from_registry() -> Validators {
        let mut validators = Validators::new();
        for registration in inventory::iter::<ValidatorRegistration> {
            validators.register(registration.name, registration.validator);
        }
        validators
    }
}

/// A validator registered at compile time with [`register_validator!`](crate::register_validator).
#[derive(Debug, Clone, Copy)]
pub struct ValidatorRegistration {
    /// The name contracts use.
    pub name: &'static str,
    /// The validator.
    pub validator: fn(&ValidatorCall<'_>) -> Result<(), ValidatorFailure>,
}

inventory::collect!(ValidatorRegistration);

/// Registers a custom validator under a name, for `expected.json` `validators: [{"name", "args"}]`.
///
/// ```
/// use tapedeck::contract::{ValidatorCall, ValidatorFailure};
///
/// fn cites_the_order(call: &ValidatorCall<'_>) -> Result<(), ValidatorFailure> {
///     if call.observation.evidence.iter().any(|p| p.starts_with("/state/order")) {
///         Ok(())
///     } else {
///         Err(ValidatorFailure::new("the run never cited the order").reason("order_not_cited"))
///     }
/// }
/// tapedeck::register_validator!("cites_the_order", cites_the_order);
/// ```
#[macro_export]
macro_rules! register_validator {
    ($name:expr, $validator:path) => {
        $crate::__private::inventory::submit! {
            $crate::contract::ValidatorRegistration { name: $name, validator: $validator }
        }
    };
}

impl fmt::Debug for Validators {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validators")
            .field("names", &self.by_name.keys().collect::<Vec<_>>())
            .finish()
    }
}
