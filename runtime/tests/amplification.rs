//! Load test: retry amplification against a flaky dependency served on loopback.
//!
//! A real TCP server on 127.0.0.1 (nothing leaves the machine) answers one request per
//! connection and is down for 2% of 1,000 runs, in one burst, as outages come. Each run makes one
//! logical `charge` call. The amplification is total requests the server saw over logical calls:
//! with the runtime's retry under a shared retry budget it stays under the bound; with a naive
//! stack of retries (the agent retrying a call that already retries, no budget) it does not.

use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tapedeck::replay::block_on;
use tapedeck::resilience::{
    BreakerConfig, BudgetConfig, Resilience, ResilienceConfig, RetryPolicy,
};
use tapedeck::{Ctx, Effect, ToolError, Toolbox};

const RUNS: u32 = 1_000;
/// The amplification the budgeted runtime must stay under.
const BOUND: f64 = 1.10;

/// A loopback server: `run N` → `503` while N is in the outage, else `200`. Counts requests.
fn serve(outage: std::ops::Range<u32>) -> (SocketAddr, Arc<AtomicU32>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("loopback is available");
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicU32::new(0));
    let seen = Arc::clone(&requests);
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let mut line = String::new();
            if BufReader::new(&stream).read_line(&mut line).is_err() {
                continue;
            }
            seen.fetch_add(1, Ordering::SeqCst);
            let run: u32 = line.trim().trim_start_matches("run ").parse().unwrap_or(0);
            let status = if outage.contains(&run) { "503" } else { "200" };
            let _ = (&stream).write_all(format!("{status}\n").as_bytes());
        }
    });
    (addr, requests)
}

/// The `charge` tool of run `run`, calling the loopback server.
fn charge_tool(addr: SocketAddr, run: u32) -> Toolbox {
    Toolbox::new().with("charge", Effect::Money, move |_| async move {
        let unavailable = || ToolError::Unavailable {
            tool: "charge".into(),
        };
        let mut stream = TcpStream::connect(addr).map_err(|_| unavailable())?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
        writeln!(stream, "run {run}").map_err(|_| unavailable())?;
        let mut status = String::new();
        BufReader::new(&stream)
            .read_line(&mut status)
            .map_err(|_| unavailable())?;
        match status.trim() {
            "200" => Ok(json!({ "charged": true })),
            _ => Err(unavailable()),
        }
    })
}

fn quick(n: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: n,
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
        ..RetryPolicy::default()
    }
}

/// A breaker that never opens, so that only the budget (or its absence) bounds retries.
fn never_opens() -> BreakerConfig {
    BreakerConfig {
        failure_threshold: u32::MAX,
        ..BreakerConfig::default()
    }
}

#[test]
fn a_shared_budget_bounds_retry_amplification_where_stacked_retries_do_not() {
    let outage = 500..520u32; // 2% of the runs

    let (addr, budgeted_requests) = serve(outage.clone());
    let shared = Arc::new(Resilience::new(ResilienceConfig {
        breaker: never_opens(),
        // No time-based reserve: the budget is what first-try successes earned.
        budget: BudgetConfig {
            min_per_second: 0.0,
            ..BudgetConfig::default()
        },
    }));
    for run in 0..RUNS {
        let ctx = Ctx::builder()
            .toolbox(charge_tool(addr, run))
            .resilience(Arc::clone(&shared))
            .build();
        let _ = block_on(ctx.tool("charge").retry(quick(3)).call(json!({})));
    }

    let (addr, naive_requests) = serve(outage);
    let unlimited = Arc::new(Resilience::new(ResilienceConfig {
        breaker: never_opens(),
        budget: BudgetConfig {
            retry_ratio: 1.0,
            min_per_second: 1e9,
            max_balance: 1e9,
        },
    }));
    for run in 0..RUNS {
        let ctx = Ctx::builder()
            .toolbox(charge_tool(addr, run))
            .resilience(Arc::clone(&unlimited))
            .build();
        // The agent's own retry loop around a call that already retries: 3 × 3 attempts.
        for _ in 0..3 {
            if block_on(ctx.tool("charge").retry(quick(3)).call(json!({}))).is_ok() {
                break;
            }
        }
    }

    let budgeted = f64::from(budgeted_requests.load(Ordering::SeqCst)) / f64::from(RUNS);
    let naive = f64::from(naive_requests.load(Ordering::SeqCst)) / f64::from(RUNS);
    println!("amplification: budgeted {budgeted:.3}, naive stacked {naive:.3} (bound {BOUND})");
    assert!(budgeted >= 1.0, "every run reached the server: {budgeted}");
    assert!(budgeted <= BOUND, "budgeted amplification {budgeted}");
    assert!(naive > BOUND, "naive amplification {naive}");
}
