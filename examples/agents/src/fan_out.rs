//! A minimal `join_all` for an agent's parallel steps (the workspace has no `futures` crate).
//!
//! Every wake-up polls each unfinished branch once, in order, so in replay the branches of one
//! step start at the same virtual instant and answer in a deterministic order.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

/// Runs every future concurrently on the current task; returns their outputs in input order.
pub async fn join_all<F: Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut branches: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = branches.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (branch, output) in branches.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match branch.as_mut().poll(cx) {
                    Poll::Ready(value) => *output = Some(value),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::join_all;

    #[tokio::test]
    async fn outputs_come_back_in_input_order() {
        // The first branch finishes last: it yields most often.
        let branches = [3u32, 1, 2].map(|yields| async move {
            for _ in 0..yields {
                tokio::task::yield_now().await;
            }
            yields
        });
        assert_eq!(join_all(branches).await, [3, 1, 2]);
        assert!(
            join_all(Vec::<std::future::Ready<()>>::new())
                .await
                .is_empty()
        );
    }
}
