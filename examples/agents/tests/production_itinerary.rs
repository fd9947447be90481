//! The shared itinerary on the production path: `itinerary_get` / `itinerary_put` are the
//! store-backed tools of `tapedeck::store::shared_tools` over a real SQLite store, and another
//! writer (the flight booking agent) updates the same record between the agent's read and its
//! write.

use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tapedeck::store::{SqliteStore, Store, shared, shared_tools};
use tapedeck::{Ctx, Effect, Toolbox};
use tapedeck_example_agents::booking::{self, BookingError, BookingRequest, ItineraryWrite};

const RECORD: &str = "itinerary/trip-7001";

/// A store in a fresh folder under cargo's per-target temporary directory.
fn store(test: &str) -> (Arc<SqliteStore>, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("agents-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = Arc::new(SqliteStore::open(dir.join("runs.sqlite")).unwrap());
    let outbound = json!({ "trip": "trip-7001",
                           "items": [{ "booking_id": "fl_1", "kind": "flight", "route": "LIS-OPO" }] });
    assert_eq!(store.state_put(RECORD, None, &outbound).unwrap(), Some(1));
    (store, dir)
}

/// The booking tools (all succeed) plus the store-backed itinerary tools, with the flight
/// agent writing the return flight right after the booking agent's first read.
fn tools(store: &Arc<SqliteStore>) -> Toolbox {
    let booking = Toolbox::new()
        .with("quote", Effect::Read, |_| async {
            Ok(json!({ "quote_id": "q_1", "amount_cents": 30_000 }))
        })
        .with("hold", Effect::Write, |_| async {
            Ok(json!({ "hold_id": "h_1", "amount_cents": 30_000 }))
        })
        .with("charge", Effect::Money, |_| async {
            Ok(json!({ "charge_id": "ch_1", "status": "succeeded" }))
        })
        .with("confirm", Effect::Write, |_| async {
            Ok(json!({ "booking_id": "bk_1", "status": "confirmed" }))
        });
    let itinerary = shared_tools::register(Toolbox::new(), "itinerary", store.clone());
    let with_cas = shared_tools::register(booking, "itinerary", store.clone());
    let (store, raced) = (Arc::clone(store), Arc::new(AtomicBool::new(false)));
    with_cas.with("itinerary_get", Effect::Read, move |call| {
        let read = itinerary.invoke(call).expect("registered");
        let (store, raced) = (Arc::clone(&store), Arc::clone(&raced));
        async move {
            let answer = read.await;
            if !raced.swap(true, Ordering::SeqCst) {
                shared::update(&*store, RECORD, 1, |current| {
                    let mut value = current.cloned().unwrap_or(Value::Null);
                    value["items"].as_array_mut().expect("items").push(
                        json!({ "booking_id": "fl_2", "kind": "flight", "route": "OPO-LIS" }),
                    );
                    value
                })
                .expect("the flight agent's write lands");
            }
            answer
        }
    })
}

fn request(write: ItineraryWrite) -> BookingRequest {
    BookingRequest {
        task: "trip-7001".into(),
        customer_id: "cus_1".into(),
        offer_id: "off_1".into(),
        nights: 2,
        currency: "EUR".into(),
        max_price_cents: 50_000,
        retry_key: Default::default(),
        max_charge_attempts: 3,
        itinerary: Some("trip-7001".into()),
        itinerary_write: write,
    }
}

fn booking_ids(store: &SqliteStore) -> (u64, Vec<String>) {
    let record = store.state_get(RECORD).unwrap().unwrap();
    let ids = record.value["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["booking_id"].as_str().map(str::to_string))
        .collect();
    (record.version, ids)
}

#[tokio::test]
async fn a_concurrent_itinerary_update_is_detected_and_both_updates_land() {
    let (store, dir) = store("itinerary-cas");
    let ctx = Ctx::builder().toolbox(tools(&store)).build();
    let receipt = booking::book(&ctx, request(ItineraryWrite::Conditional))
        .await
        .unwrap();
    assert_eq!(
        booking_ids(&store),
        (3, vec!["fl_1".into(), "fl_2".into(), "bk_1".into()])
    );
    assert_eq!(receipt.itinerary_version, Some(3));
    let obs = ctx.observation();
    let conflicts: Vec<&Value> = obs
        .events
        .iter()
        .filter(|e| e.kind == "write_conflict")
        .map(|e| &e.data)
        .collect();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        (&conflicts[0]["expected"], &conflicts[0]["current"]),
        (&json!(1), &json!(2))
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_store_backed_tool_refuses_the_legacy_blind_write() {
    let (store, dir) = store("itinerary-blind");
    let ctx = Ctx::builder().toolbox(tools(&store)).build();
    let err = booking::book(&ctx, request(ItineraryWrite::Blind))
        .await
        .unwrap_err();
    assert!(matches!(err, BookingError::Tool(_)), "{err:?}");
    assert!(err.to_string().contains("expected_version"), "{err}");
    // The flight agent's update survives: the legacy write failed loudly instead.
    assert_eq!(booking_ids(&store), (2, vec!["fl_1".into(), "fl_2".into()]));
    let _ = std::fs::remove_dir_all(dir);
}
