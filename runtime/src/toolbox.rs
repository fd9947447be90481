//! The toolbox: real tool implementations, each with its effect class.

use crate::effect::Effect;
use crate::tool_error::ToolError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// One call handed to a tool implementation.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// The tool's name.
    pub tool: String,
    /// The JSON arguments.
    pub args: Value,
    /// The idempotency key the agent attached, if any. Side-effecting tools should pass it on
    /// to the service they call.
    pub idempotency_key: Option<String>,
    /// The time left before the run's deadline, if it has one.
    pub remaining: Option<Duration>,
}

/// The future a tool implementation returns.
pub type ToolFuture = Pin<Box<dyn Future<Output = Result<Value, ToolError>> + Send>>;

type Handler = Arc<dyn Fn(ToolCall) -> ToolFuture + Send + Sync>;

#[derive(Clone)]
struct ToolEntry {
    effect: Effect,
    handler: Handler,
}

/// Real tool implementations by name. Cheap to clone.
///
/// ```
/// use tapedeck::{Effect, Toolbox};
/// use serde_json::json;
///
/// let tools = Toolbox::new()
///     .with("search", Effect::Read, |call| async move { Ok(json!({"hits": [call.args]})) })
///     .with_typed("add", Effect::Read, |(a, b): (i64, i64)| async move { Ok(a + b) });
/// assert_eq!(tools.effect_of("search"), Some(Effect::Read));
/// ```
#[derive(Clone, Default)]
pub struct Toolbox {
    tools: HashMap<String, ToolEntry>,
}

impl std::fmt::Debug for Toolbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<_> = self
            .tools
            .iter()
            .map(|(n, e)| format!("{n} ({})", e.effect))
            .collect();
        names.sort();
        f.debug_struct("Toolbox").field("tools", &names).finish()
    }
}

impl Toolbox {
    /// An empty toolbox.
    pub fn new() -> Toolbox {
        Toolbox::default()
    }

    /// Registers a tool that takes and returns JSON. A later registration replaces an earlier one.
    pub fn register<F, Fut>(
        &mut self,
        name: impl Into<String>,
        effect: Effect,
        f: F,
    ) -> &mut Toolbox
    where
        F: Fn(ToolCall) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, ToolError>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |call| Box::pin(f(call)));
        self.tools
            .insert(name.into(), ToolEntry { effect, handler });
        self
    }

    /// Builder form of [`Toolbox::register`].
    pub fn with<F, Fut>(mut self, name: impl Into<String>, effect: Effect, f: F) -> Toolbox
    where
        F: Fn(ToolCall) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, ToolError>> + Send + 'static,
    {
        self.register(name, effect, f);
        self
    }

    /// Registers a tool with typed arguments and result. Arguments that do not deserialize are
    /// refused with [`ToolError::Failed`] naming the problem, without calling `f`.
    pub fn with_typed<A, R, F, Fut>(self, name: impl Into<String>, effect: Effect, f: F) -> Toolbox
    where
        A: DeserializeOwned + Send + 'static,
        R: Serialize + Send + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ToolError>> + Send + 'static,
    {
        let f = Arc::new(f);
        self.with(name, effect, move |call: ToolCall| {
            let f = Arc::clone(&f);
            async move {
                let args: A = serde_json::from_value(call.args).map_err(|e| ToolError::Failed {
                    tool: call.tool.clone(),
                    message: format!("arguments do not fit the tool: {e}"),
                })?;
                let result = f(args).await?;
                serde_json::to_value(result).map_err(|e| ToolError::InvalidResponse {
                    tool: call.tool,
                    message: format!("result does not serialize: {e}"),
                })
            }
        })
    }

    /// The effect class of a registered tool.
    pub fn effect_of(&self, name: &str) -> Option<Effect> {
        self.tools.get(name).map(|t| t.effect)
    }

    /// Whether a tool is registered.
    pub fn contains(&self, name: &str) -> bool {
        self.tools.contains_key(name)
    }

    /// The registered tool names, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.tools.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// Invokes a registered tool; `None` if it is not registered.
    pub fn invoke(&self, call: ToolCall) -> Option<ToolFuture> {
        self.tools.get(&call.tool).map(|t| (t.handler)(call))
    }
}
