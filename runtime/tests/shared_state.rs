//! Compare-and-swap shared state: concurrent agents never lose an update silently.

use serde_json::{Value, json};
use tapedeck::store::shared::{UpdateError, update};
use tapedeck::store::{SqliteStore, Store};

#[test]
fn a_stale_write_is_refused_and_detected() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("runs.sqlite")).unwrap();
    assert_eq!(
        store
            .state_put("seat/12A", None, &json!({ "holder": null }))
            .unwrap(),
        Some(1)
    );
    // Two agents read version 1; the first books the seat, the second's write must fail.
    let read_by_both = store.state_get("seat/12A").unwrap().unwrap();
    assert_eq!(
        store
            .state_put(
                "seat/12A",
                Some(read_by_both.version),
                &json!({ "holder": "ada" })
            )
            .unwrap(),
        Some(2)
    );
    assert_eq!(
        store
            .state_put(
                "seat/12A",
                Some(read_by_both.version),
                &json!({ "holder": "bob" })
            )
            .unwrap(),
        None
    );
    assert_eq!(
        store.state_get("seat/12A").unwrap().unwrap().value,
        json!({ "holder": "ada" })
    );
    // Creating what exists is a conflict too.
    assert_eq!(store.state_put("seat/12A", None, &json!({})).unwrap(), None);

    // update() re-reads and re-applies; when it keeps losing it says so, and writes nothing.
    let mut calls = 0;
    let error = update(&store, "seat/12A", 3, |current| {
        calls += 1;
        // Someone else writes between our read and our write, every time.
        let v = store.state_get("seat/12A").unwrap().unwrap().version;
        store
            .state_put(
                "seat/12A",
                Some(v),
                &json!({ "holder": format!("other-{calls}") }),
            )
            .unwrap();
        current.cloned().unwrap_or(Value::Null)
    })
    .unwrap_err();
    assert!(
        matches!(error, UpdateError::LostUpdate { attempts: 3, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("lost update on seat/12A"));
}
