//! The idempotency ledger: the semantics of the major payment APIs, over a real store.

use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tapedeck::observation::CallSource;
use tapedeck::replay::block_on;
use tapedeck::resilience::idempotency::{Begin, derive_key, request_fingerprint};
use tapedeck::store::{SqliteStore, Store};
use tapedeck::{Ctx, Effect, ToolError, Toolbox};

fn setup(
    fail_first: u32,
    error: fn() -> ToolError,
) -> (tempfile::TempDir, Arc<dyn Store>, Toolbox, Arc<AtomicU32>) {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(dir.path().join("runs.sqlite")).unwrap());
    let executed = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&executed);
    let tools = Toolbox::new().with("charge", Effect::Money, move |call| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            if n < fail_first {
                Err(error())
            } else {
                Ok(json!({ "charge_id": format!("ch_{n}"), "cents": call.args["cents"] }))
            }
        }
    });
    (dir, store, tools, executed)
}

fn ctx(store: &Arc<dyn Store>, tools: &Toolbox) -> Ctx {
    Ctx::builder()
        .toolbox(tools.clone())
        .idempotency_ledger(Arc::clone(store))
        .build()
}

fn charge(ctx: &Ctx, key: &str, cents: u64) -> Result<serde_json::Value, ToolError> {
    block_on(
        ctx.tool("charge")
            .idempotency_key(key)
            .call(json!({ "cents": cents })),
    )
}

#[test]
fn the_same_key_and_request_returns_the_stored_result_without_executing() {
    let (_d, store, tools, executed) = setup(0, || unreachable!());
    let key = derive_key("booking-7", "charge", "charge");
    let first = charge(&ctx(&store, &tools), &key, 41200).unwrap();
    // A second run of the same task (a retry after a crash, say) charges nothing new.
    let again_ctx = ctx(&store, &tools);
    let second = charge(&again_ctx, &key, 41200).unwrap();
    assert_eq!(first, second);
    assert_eq!(executed.load(Ordering::SeqCst), 1);
    let obs = again_ctx.observation();
    assert_eq!(obs.calls[0].source, CallSource::Ledger);
    assert!(
        obs.ledger.is_empty(),
        "a replayed answer is not a new side effect"
    );
}

#[test]
fn the_same_key_with_a_different_request_is_refused() {
    let (_d, store, tools, executed) = setup(0, || unreachable!());
    charge(&ctx(&store, &tools), "k1", 100).unwrap();
    let error = charge(&ctx(&store, &tools), "k1", 999).unwrap_err();
    assert!(
        error.to_string().contains("idempotency_key_reused"),
        "{error}"
    );
    assert_eq!(executed.load(Ordering::SeqCst), 1);
}

#[test]
fn a_duplicate_in_flight_executes_nothing() {
    let (_d, store, tools, executed) = setup(0, || unreachable!());
    // Another process has claimed the key and not finished.
    assert_eq!(
        store
            .idempotency_begin("k2", &request_fingerprint(&json!({ "cents": 5 })), None)
            .unwrap(),
        Begin::Execute
    );
    let error = charge(&ctx(&store, &tools), "k2", 5).unwrap_err();
    assert!(
        error.to_string().contains("idempotency_key_in_use"),
        "{error}"
    );
    assert_eq!(executed.load(Ordering::SeqCst), 0);
}

#[test]
fn confirmed_failures_are_returned_again_and_timeouts_stay_unconfirmed() {
    let (_d, store, tools, executed) = setup(1, || ToolError::Failed {
        tool: "charge".into(),
        message: "card declined".into(),
    });
    assert!(charge(&ctx(&store, &tools), "k3", 7).is_err());
    let error = charge(&ctx(&store, &tools), "k3", 7).unwrap_err();
    assert!(error.to_string().contains("card declined"), "{error}");
    assert_eq!(
        executed.load(Ordering::SeqCst),
        1,
        "a stored failure is not retried"
    );

    let (_d, store, tools, executed) = setup(1, || ToolError::Timeout {
        tool: "charge".into(),
    });
    let first = ctx(&store, &tools);
    assert!(matches!(
        charge(&first, "k4", 7),
        Err(ToolError::Timeout { .. })
    ));
    // The timeout is never a silent success: the ledger entry is unconfirmed, the run's own
    // ledger says so, and a retry with the same key goes to the service (which deduplicates).
    assert!(first.observation().ledger.iter().all(|e| !e.applied()));
    assert!(charge(&ctx(&store, &tools), "k4", 7).is_ok());
    assert_eq!(executed.load(Ordering::SeqCst), 2);
}

#[test]
fn a_call_cancelled_in_flight_leaves_its_key_unconfirmed_not_in_use() {
    let (_d, store, tools, executed) = setup(0, || unreachable!());
    let hanging = Toolbox::new().with("charge", Effect::Money, |_| std::future::pending());
    let cancelled = ctx(&store, &hanging);
    block_on(async {
        let mut call = std::pin::pin!(
            cancelled
                .tool("charge")
                .idempotency_key("k5")
                .call(json!({ "cents": 9 }))
        );
        // One poll claims the key and starts the call; then the future is dropped.
        std::future::poll_fn(|cx| {
            assert!(call.as_mut().poll(cx).is_pending());
            std::task::Poll::Ready(())
        })
        .await;
    });
    // Whether the service applied it is unknown: the retry goes to the service again.
    assert!(charge(&ctx(&store, &tools), "k5", 9).is_ok());
    assert_eq!(executed.load(Ordering::SeqCst), 1);
}

/// A key claimed outside a recorded run, by a process that died holding it: no run will ever
/// close it, so the watchdog releases it once its lease has run out, and not before. A key a
/// run holds is left to the run's own close.
#[test]
fn the_watchdog_releases_a_runless_key_only_after_its_lease() {
    let (_dir, store, _tools, _) = setup(0, || unreachable!());
    let fingerprint = request_fingerprint(&json!({ "cents": 500 }));
    let begin = |key: &str, run: Option<&str>| store.idempotency_begin(key, &fingerprint, run);
    assert_eq!(begin("orphan", None).unwrap(), Begin::Execute);
    assert_eq!(begin("held-by-run", Some("run-1")).unwrap(), Begin::Execute);
    let lease = std::time::Duration::from_secs(3600);
    let now = std::time::SystemTime::now();
    let grace = std::time::Duration::from_secs(60);

    let early = tapedeck::watchdog::sweep_leased(&*store, grace, lease, now).unwrap();
    assert_eq!(early.stale_keys_released, 0);
    assert_eq!(begin("orphan", None).unwrap(), Begin::InUse);

    let later = now + lease + std::time::Duration::from_secs(1);
    let swept = tapedeck::watchdog::sweep_leased(&*store, grace, lease, later).unwrap();
    assert_eq!(swept.stale_keys_released, 1);
    assert_eq!(
        begin("orphan", None).unwrap(),
        Begin::Execute,
        "claimable again"
    );
    assert_eq!(begin("held-by-run", None).unwrap(), Begin::InUse);
}
