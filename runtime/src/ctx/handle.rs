//! A pending tool call: options (idempotency key, retry policy, dependency), then the call in
//! the form the agent wants its response: copied, shared or typed. Every form is one call of
//! [`ToolHandle::call_json_shared_indexed`], not a chain of wrappers: each async layer would
//! add a move of the whole call future.

use super::Ctx;
use crate::resilience::RetryPolicy;
use crate::tool_error::ToolError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;

/// A pending tool call: set an idempotency key, a retry policy, then `call`.
#[derive(Debug, Clone)]
pub struct ToolHandle<'a> {
    ctx: &'a Ctx,
    name: &'a str,
    idempotency_key: Option<String>,
    retry: Option<RetryPolicy>,
    dependency: Option<&'a str>,
}

impl<'a> ToolHandle<'a> {
    pub(super) fn new(ctx: &'a Ctx, name: &'a str) -> Self {
        ToolHandle {
            ctx,
            name,
            idempotency_key: None,
            retry: None,
            dependency: None,
        }
    }

    /// Retries transient errors under `policy`, guarded by the dependency's retry budget and
    /// circuit breaker (see [`crate::resilience`]). The idempotency key is reused by every attempt.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The dependency whose budget and breaker guard the call (default: the tool's name). A call
    /// with a dependency always asks its breaker first, even without [`ToolHandle::retry`]
    /// (then it is one attempt: `RetryPolicy::attempts(1)`).
    pub fn dependency(mut self, dependency: &'a str) -> Self {
        self.dependency = Some(dependency);
        self
    }

    /// Attaches an idempotency key; retries of the same logical call must reuse it.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Calls the tool with JSON-serializable arguments and returns its JSON result.
    ///
    /// The result is the agent's own copy. To read a response without copying it, use
    /// [`ToolHandle::call_shared`].
    pub async fn call(self, args: impl Serialize) -> Result<Value, ToolError> {
        let request = self.request(args)?;
        let (_, response) = self.call_json_shared_indexed(request).await?;
        Ok(Arc::unwrap_or_clone(response))
    }

    /// Like [`ToolHandle::call`], and also returns the call's index, for evidence paths
    /// `/calls/<index>/response/...`.
    pub async fn call_indexed(self, args: impl Serialize) -> Result<(usize, Value), ToolError> {
        let request = self.request(args)?;
        let (index, response) = self.call_json_shared_indexed(request).await?;
        Ok((index, Arc::unwrap_or_clone(response)))
    }

    /// [`ToolHandle::call_indexed`] with arguments that are already JSON: `request` is sent as
    /// it is, without being serialized into a new `Value` first.
    pub async fn call_json_indexed(self, request: Value) -> Result<(usize, Value), ToolError> {
        let (index, response) = self.call_json_shared_indexed(request).await?;
        Ok((index, Arc::unwrap_or_clone(response)))
    }

    /// Like [`ToolHandle::call`], but returns the response shared rather than copied: the same
    /// `Arc` that the run's observation keeps (`calls[i].response`). It derefs to the `Value`,
    /// so `response["hits"][0]` reads it in place. Use it for large responses that the agent
    /// only reads; in replay it saves a deep copy of the recorded response per call.
    pub async fn call_shared(self, args: impl Serialize) -> Result<Arc<Value>, ToolError> {
        let request = self.request(args)?;
        let (_, response) = self.call_json_shared_indexed(request).await?;
        Ok(response)
    }

    /// Like [`ToolHandle::call_shared`], and also returns the call's index, for evidence paths
    /// `/calls/<index>/response/...`.
    pub async fn call_shared_indexed(
        self,
        args: impl Serialize,
    ) -> Result<(usize, Arc<Value>), ToolError> {
        let request = self.request(args)?;
        self.call_json_shared_indexed(request).await
    }

    /// [`ToolHandle::call_shared_indexed`] with arguments that are already JSON: `request` is
    /// sent as it is, without being serialized into a new `Value` first.
    pub async fn call_json_shared_indexed(
        self,
        request: Value,
    ) -> Result<(usize, Arc<Value>), ToolError> {
        if self.retry.is_none() && self.dependency.is_none() {
            return self
                .ctx
                .call_tool(self.name, request, self.idempotency_key)
                .await;
        }
        let policy = self.retry.unwrap_or_else(|| RetryPolicy::attempts(1));
        let dependency = self.dependency.unwrap_or(self.name);
        // Boxed: the retry loop's future is large, and only resilient calls should carry it.
        Box::pin(self.ctx.call_resilient(
            self.name,
            dependency,
            request,
            self.idempotency_key,
            policy,
        ))
        .await
    }

    /// The arguments as the JSON request; arguments that do not serialize are
    /// [`ToolError::Failed`].
    fn request(&self, args: impl Serialize) -> Result<Value, ToolError> {
        serde_json::to_value(args).map_err(|e| ToolError::Failed {
            tool: self.name.to_string(),
            message: format!("arguments do not serialize to JSON: {e}"),
        })
    }

    /// Calls the tool and deserializes its result into `T`; a result that does not fit is
    /// [`ToolError::InvalidResponse`].
    pub async fn call_as<T: DeserializeOwned>(self, args: impl Serialize) -> Result<T, ToolError> {
        let tool = self.name.to_string();
        // Deserialized from the shared response itself: no copy of the whole `Value` first.
        let request = self.request(args)?;
        let (_, value) = self.call_json_shared_indexed(request).await?;
        T::deserialize(&*value).map_err(|e| ToolError::InvalidResponse {
            tool,
            message: e.to_string(),
        })
    }
}
