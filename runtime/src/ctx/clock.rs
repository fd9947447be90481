//! The run's clock: real time in production, virtual time in replay.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Elapsed time since the start of a run.
#[derive(Debug)]
pub enum Clock {
    /// Wall-clock time since `start`.
    Real {
        /// When the run started.
        start: Instant,
    },
    /// Virtual milliseconds that only move when calls take their recorded time or the agent
    /// sleeps, so replays are deterministic and never wait.
    Virtual {
        /// Milliseconds since the start.
        elapsed_ms: AtomicU64,
    },
}

impl Clock {
    /// A real clock starting now.
    pub fn real() -> Clock {
        Clock::Real {
            start: Instant::now(),
        }
    }

    /// A virtual clock at zero.
    pub fn virtual_clock() -> Clock {
        Clock::Virtual {
            elapsed_ms: AtomicU64::new(0),
        }
    }

    /// Whether time is virtual.
    pub fn is_virtual(&self) -> bool {
        matches!(self, Clock::Virtual { .. })
    }

    /// Milliseconds since the start.
    pub fn elapsed_ms(&self) -> u64 {
        match self {
            Clock::Real { start } => duration_ms(start.elapsed()),
            Clock::Virtual { elapsed_ms } => elapsed_ms.load(Ordering::SeqCst),
        }
    }

    /// Moves virtual time forward to `ms` (never backwards). No effect on a real clock.
    pub fn advance_to(&self, ms: u64) {
        if let Clock::Virtual { elapsed_ms } = self {
            elapsed_ms.fetch_max(ms, Ordering::SeqCst);
        }
    }

    /// Sleeps: for real on a real clock (tokio), by moving virtual time otherwise. A virtual
    /// sleep yields once first, so that concurrent branches start at the same virtual instant.
    pub async fn sleep(&self, duration: Duration) {
        match self {
            Clock::Real { .. } => tokio::time::sleep(duration).await,
            Clock::Virtual { .. } => {
                let start = self.elapsed_ms();
                yield_now().await;
                self.advance_to(start.saturating_add(duration_ms(duration)));
            }
        }
    }
}

/// A duration in whole milliseconds, saturating.
pub fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Yields to the executor once: the future is pending on its first poll and ready on the next.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future of [`yield_now`].
#[derive(Debug)]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            Poll::Ready(())
        } else {
            self.yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Runs `future` within `limit`: on the real clock with tokio's timer; on the virtual clock the
/// replayed call already carries its recorded duration and fault, so it is awaited as is.
pub(crate) async fn timeout<F: std::future::Future>(
    ctx: &super::Ctx,
    limit: Duration,
    future: F,
) -> Option<F::Output> {
    if ctx.inner().clock.is_virtual() {
        Some(future.await)
    } else {
        tokio::time::timeout(limit, future).await.ok()
    }
}
