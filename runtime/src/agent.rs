//! Agent functions: `async fn(&Ctx, Input) -> Result<Output, E>`, erased for the harness.

use crate::ctx::Ctx;
use crate::verdict::Verdict;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A status an agent declares about its own run, with a reason: "I am blocked on credentials",
/// "I finished with reduced quality". Declare it with [`Ctx::declare`], or return it as the error
/// of the agent function (`Err(Declared::blocked("no_credentials"))`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Declared {
    /// The declared verdict.
    pub verdict: Verdict,
    /// Why; a reason code like `circuit_open` is best.
    pub reason: String,
}

impl Declared {
    /// The run is blocked (a dependency, a policy, an open breaker).
    pub fn blocked(reason: impl Into<String>) -> Declared {
        Declared {
            verdict: Verdict::Blocked,
            reason: reason.into(),
        }
    }

    /// The run completed with a reduced result.
    pub fn degraded(reason: impl Into<String>) -> Declared {
        Declared {
            verdict: Verdict::Degraded,
            reason: reason.into(),
        }
    }

    /// The run failed, by its own account.
    pub fn failed(reason: impl Into<String>) -> Declared {
        Declared {
            verdict: Verdict::Failed,
            reason: reason.into(),
        }
    }

    /// The run could not decide.
    pub fn inconclusive(reason: impl Into<String>) -> Declared {
        Declared {
            verdict: Verdict::Inconclusive,
            reason: reason.into(),
        }
    }

    /// The run skipped its work.
    pub fn skipped(reason: impl Into<String>) -> Declared {
        Declared {
            verdict: Verdict::Skipped,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Declared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "declared {}: {}", self.verdict, self.reason)
    }
}

impl std::error::Error for Declared {}

/// How an agent function ended, with its output serialized.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentReturn {
    /// `Ok(output)`.
    Output(Value),
    /// `Err(e)`, with `e`'s `Display`.
    Error(String),
    /// `Err(Declared)`.
    Declared(Declared),
    /// The input did not deserialize or the output did not serialize.
    Harness(String),
}

/// The boxed future of an erased agent call.
pub type AgentFuture<'a> = Pin<Box<dyn Future<Output = AgentReturn> + 'a>>;

/// An agent function with its input and output types erased to JSON, so that the harness and
/// the recorder can call any agent the same way.
pub trait Agent: Send + Sync {
    /// Calls the agent with a JSON input. The input is the agent's: a typed agent's input is
    /// deserialized from it in place, moving its strings instead of copying them.
    fn call<'a>(&'a self, ctx: &'a Ctx, input: Value) -> AgentFuture<'a>;
}

/// Wraps an `async fn(&Ctx, Input) -> Result<Output, E>` as an [`Agent`].
///
/// ```
/// use tapedeck::{Ctx, agent::agent_fn};
/// async fn echo(_ctx: &Ctx, input: String) -> Result<String, std::io::Error> { Ok(input) }
/// let agent = agent_fn(echo);
/// # let _ = agent;
/// ```
pub fn agent_fn<F, I, O, E>(f: F) -> AgentFn<F, I, O, E>
where
    F: AsyncFn(&Ctx, I) -> Result<O, E> + Send + Sync,
    I: DeserializeOwned + 'static,
    O: Serialize,
    E: fmt::Display + 'static,
{
    AgentFn {
        f,
        _types: std::marker::PhantomData,
    }
}

/// The [`Agent`] made by [`agent_fn`].
pub struct AgentFn<F, I, O, E> {
    f: F,
    _types: std::marker::PhantomData<fn(I) -> (O, E)>,
}

impl<F, I, O, E> Agent for AgentFn<F, I, O, E>
where
    F: AsyncFn(&Ctx, I) -> Result<O, E> + Send + Sync,
    I: DeserializeOwned + 'static,
    O: Serialize,
    E: fmt::Display + 'static,
{
    fn call<'a>(&'a self, ctx: &'a Ctx, input: Value) -> AgentFuture<'a> {
        call_typed(&self.f, ctx, input)
    }
}

/// Converts an agent's result into an [`AgentReturn`].
pub fn into_return<O: Serialize, E: fmt::Display + 'static>(result: Result<O, E>) -> AgentReturn {
    match result {
        Ok(output) => match serde_json::to_value(output) {
            Ok(v) => AgentReturn::Output(v),
            Err(e) => AgentReturn::Harness(format!(
                "the agent's output does not serialize to JSON: {e}"
            )),
        },
        Err(e) => match (&e as &dyn Any).downcast_ref::<Declared>() {
            Some(d) => AgentReturn::Declared(d.clone()),
            None => AgentReturn::Error(e.to_string()),
        },
    }
}

/// Calls a typed agent function with a JSON input (what `#[agent_fixture]` expands to).
pub fn call_typed<'a, F, I, O, E>(f: &'a F, ctx: &'a Ctx, input: Value) -> AgentFuture<'a>
where
    F: AsyncFn(&Ctx, I) -> Result<O, E>,
    I: DeserializeOwned + 'static,
    O: Serialize,
    E: fmt::Display + 'static,
{
    Box::pin(async move {
        let input: I = match from_json(input) {
            Ok(i) => i,
            Err(e) => {
                return AgentReturn::Harness(format!(
                    "input.json `input` does not fit the agent's input type: {e}"
                ));
            }
        };
        into_return(f(ctx, input).await)
    })
}

/// `value` as a `T`: moved as it is when `T` is `Value` (an agent that takes JSON), else
/// deserialized from it.
fn from_json<T: DeserializeOwned + 'static>(value: Value) -> Result<T, serde_json::Error> {
    let mut slot = Some(value);
    if let Some(same) = (&mut slot as &mut dyn Any).downcast_mut::<Option<T>>()
        && let Some(value) = same.take()
    {
        return Ok(value);
    }
    T::deserialize(slot.unwrap_or_default())
}

/// Calls a standalone canary check (what `#[canary]` on a check expands to).
pub fn call_check<'a, F, E>(f: &'a F, ctx: &'a Ctx) -> crate::harness::registry::CheckFuture<'a>
where
    F: AsyncFn(&Ctx) -> Result<(), E>,
    E: fmt::Display,
{
    Box::pin(async move { f(ctx).await.map_err(|e| e.to_string()) })
}

/// An [`ErasedAgent`](crate::harness::registry::ErasedAgent) function pointer as an [`Agent`].
impl Agent for crate::harness::registry::ErasedAgent {
    fn call<'a>(&'a self, ctx: &'a Ctx, input: Value) -> AgentFuture<'a> {
        (self)(ctx, input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_json_input_is_handed_over_as_it_is_and_a_typed_one_is_deserialized() {
        let input = json!({"topics": ["a", "b"], "n": 1.0});
        assert_eq!(from_json::<Value>(input.clone()).unwrap(), input);
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Typed {
            topics: Vec<String>,
        }
        let typed: Typed = from_json(json!({"topics": ["a"]})).unwrap();
        assert_eq!(typed.topics, ["a"]);
        assert!(from_json::<Typed>(json!({"topics": 3})).is_err());
        assert_eq!(from_json::<String>(json!("s")).unwrap(), "s");
    }
}
