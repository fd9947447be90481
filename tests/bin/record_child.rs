//! A production process for the crash and concurrency tests: it records runs into a real store.
//!
//! `record_child STORE ARTIFACTS hang` starts one run (timeout 1 s), stages an artifact, calls
//! `charge` (a money tool that never answers) with idempotency key `charge-booking-7`, prints
//! the run id once the ledger holds the key, and hangs in the call until it is killed. `record_child STORE ARTIFACTS burst RUNS EVENTS`
//! records RUNS runs of EVENTS events each and exits cleanly.

use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tapedeck::run::{Recorder, RecorderConfig, RunEnvelope};
use tapedeck::store::{SqliteStore, Store};
use tapedeck::{Effect, ToolError, Toolbox};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, store, artifacts, mode, rest @ ..] = args.as_slice() else {
        eprintln!("usage: record_child STORE ARTIFACTS hang|burst RUNS EVENTS");
        std::process::exit(2);
    };
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(store).expect("store opens"));
    let recorder = Recorder::with_config(store, RecorderConfig::default().artifact_root(artifacts));
    match mode.as_str() {
        "hang" => hang(&recorder),
        "burst" => {
            let runs: usize = rest[0].parse().expect("RUNS is a number");
            let events: usize = rest[1].parse().expect("EVENTS is a number");
            burst(&recorder, runs, events);
        }
        other => panic!("unknown mode {other}"),
    }
}

fn hang(recorder: &Recorder) -> ! {
    // The service never answers; the handler runs once the ledger has claimed the key.
    let announced = Arc::new(Mutex::new(None::<String>));
    let slot = Arc::clone(&announced);
    let tools = Toolbox::new().with("charge", Effect::Money, move |_| {
        let run_id = slot.lock().unwrap().take();
        if let Some(run_id) = run_id {
            println!("{run_id}");
            std::io::stdout().flush().unwrap();
        }
        std::future::pending()
    });
    let run = recorder
        .start(
            RunEnvelope::new("hanging_agent", json!(null)).timeout(Duration::from_secs(1)),
            tools,
        )
        .expect("run starts");
    *announced.lock().unwrap() = Some(run.run_id().to_string());
    run.ctx()
        .artifact("report/partial.json", "{\"half\": ")
        .expect("artifact stages");
    run.ctx().event("checkpoint", json!({ "step": 1 }));
    recorder.flush();
    let _ = tapedeck::replay::block_on(
        run.ctx()
            .tool("charge")
            .idempotency_key("charge-booking-7")
            .call(json!({ "cents": 41200 })),
    );
    unreachable!("the charge never answers");
}

fn burst(recorder: &Recorder, runs: usize, events: usize) {
    for i in 0..runs {
        let record = tapedeck::replay::block_on(recorder.run(
            RunEnvelope::new("burst_agent", json!(i)),
            Toolbox::new(),
            async |ctx| {
                for n in 0..events {
                    ctx.event("tick", json!({ "n": n, "pid": std::process::id() }));
                }
                ctx.artifact(&format!("out/{i}.txt"), format!("run {i}"))
                    .unwrap();
                Ok::<_, ToolError>(json!({ "done": i }))
            },
        ))
        .expect("run records");
        assert_eq!(record.status, Some(tapedeck::Verdict::Passed));
    }
}
