//! `budget`: `max_tool_calls`, `max_tokens`, `max_cost_usd`, `max_duration_ms`.

use crate::contract::judgement::Violation;
use crate::contract::model::BudgetRule;
use crate::contract::view::View;
use crate::verdict::{FailureClass, reason};
use serde_json::{Value, json};

/// Checks the budgets.
pub(crate) fn check(rule: &BudgetRule, view: &View<'_>, out: &mut Vec<Violation>) {
    let obs = view.observation;
    let mut over = |key: &str, what: &str, limit: Value, actual: Value, class: FailureClass| {
        let message = format!("the run used {actual} {what}, over the budget of {limit}");
        out.push(
            Violation::new(
                format!("budget.{key}"),
                reason::BUDGET_EXCEEDED,
                class,
                message,
            )
            .with_values(limit, actual),
        );
    };
    if let Some(max) = rule.max_tool_calls.filter(|m| obs.calls.len() as u64 > *m) {
        over(
            "max_tool_calls",
            "tool calls",
            json!(max),
            json!(obs.calls.len()),
            FailureClass::Policy,
        );
    }
    let tokens = obs.usage.total_tokens();
    if let Some(max) = rule.max_tokens.filter(|m| tokens > *m) {
        over(
            "max_tokens",
            "tokens",
            json!(max),
            json!(tokens),
            FailureClass::Policy,
        );
    }
    if let Some(max) = rule.max_cost_usd.filter(|m| obs.usage.cost_usd > *m) {
        over(
            "max_cost_usd",
            "USD",
            json!(max),
            json!(obs.usage.cost_usd),
            FailureClass::Policy,
        );
    }
    if let Some(max) = rule.max_duration_ms.filter(|m| obs.elapsed_ms > *m) {
        over(
            "max_duration_ms",
            "ms",
            json!(max),
            json!(obs.elapsed_ms),
            FailureClass::Timeout,
        );
    }
}
