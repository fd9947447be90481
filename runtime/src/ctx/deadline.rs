//! The `deadline` event: a step of the run that its deadline stopped.

use super::Ctx;
use super::clock::duration_ms;
use serde_json::json;
use std::time::Duration;

/// What the deadline stopped.
#[derive(Debug, Clone, Copy)]
pub(super) enum Stopped {
    /// A call that started at or after the deadline: nothing ran.
    CallRefused,
    /// A call that ran past the deadline and was cut there.
    CallCut,
    /// A retry whose wait would outlive the deadline was not started.
    RetryNotStarted {
        /// The wait it would have started.
        delay: Duration,
    },
}

impl Ctx {
    /// Records a [`crate::store::event::kind::DEADLINE`] event: in the run's events, and in
    /// the store when the run is recorded.
    pub(super) fn deadline_event(&self, tool: &str, call: Option<usize>, stopped: Stopped) {
        let (what, delay) = match stopped {
            Stopped::CallRefused => ("call_refused", None),
            Stopped::CallCut => ("call_cut", None),
            Stopped::RetryNotStarted { delay } => ("retry_not_started", Some(duration_ms(delay))),
        };
        let mut data = json!({
            "tool": tool,
            "call": call,
            "deadline_ms": self.inner().deadline_ms,
            "at_ms": self.inner().clock.elapsed_ms(),
            "stopped": what,
        });
        if let (Some(delay), Some(map)) = (delay, data.as_object_mut()) {
            map.insert("delay_ms".into(), delay.into());
        }
        self.event(crate::store::event::kind::DEADLINE, data);
    }
}
