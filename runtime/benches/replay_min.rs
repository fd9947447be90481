//! The replay target as one number per workload: the fastest of many rounds (robust when
//! other processes share the machine), per fixture, for parse-only versus load + replay + judge.
//!
//! Run: `cargo bench -p tapedeck --bench replay_min` (optionally `-- ROUNDS ITERATIONS`). With
//! `REPLAY_MIN_ONLY=<workload>` set it runs only that workload, `ROUNDS x ITERATIONS` times,
//! and prints nothing: for counting its instructions, e.g. under `valgrind --tool=callgrind`.
//! The workloads: `typed`, `typed_str`, `values`, `load`, `end_to_end`.

mod common;

use common::{fixture_dir, parse_only, parse_only_str, parse_values, research};
use std::hint::black_box;
use std::time::{Duration, Instant};
use tapedeck::contract::Validators;
use tapedeck::{Fixture, Replay, agent_fn};

/// Runs every workload `iterations` times per round, interleaved so that all see the same
/// machine conditions, and keeps each one's fastest per-iteration time over `rounds` rounds.
fn fastest(rounds: u32, iterations: u32, workloads: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    let mut best = vec![Duration::MAX; workloads.len()];
    for _ in 0..rounds {
        for (w, best) in workloads.iter_mut().zip(best.iter_mut()) {
            let start = Instant::now();
            for _ in 0..iterations {
                w();
            }
            *best = (*best).min(start.elapsed() / iterations);
        }
    }
    best
}

fn main() {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (rounds, iterations) = (
        args.first().copied().unwrap_or(30),
        args.get(1).copied().unwrap_or(200),
    );
    let dir = fixture_dir();
    let agent = agent_fn(research);
    let validators = Validators::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let end_to_end = || {
        let mut fixture = Fixture::load(&dir).unwrap();
        // As the harness does: the agent gets the fixture's input itself, not a copy.
        let input = std::mem::take(&mut fixture.input.input);
        let run = runtime.block_on(Replay::new(&fixture).input(input).run(&agent));
        let judgement = fixture.judge(&run.observation, &validators);
        assert!(judgement.meets(&fixture.expected).ok, "{judgement}");
        black_box(run);
    };
    let mut typed = || {
        black_box(parse_only(&dir));
    };
    let mut typed_str = || {
        black_box(parse_only_str(&dir));
    };
    let mut values = || {
        black_box(parse_values(&dir));
    };
    let mut load = || {
        black_box(Fixture::load(&dir).unwrap());
    };
    let mut e2e = end_to_end;
    if let Some(only) = std::env::var_os("REPLAY_MIN_ONLY") {
        // For instruction counts of one workload alone (callgrind).
        let workload: &mut dyn FnMut() = match only.to_str() {
            Some("typed") => &mut typed,
            Some("typed_str") => &mut typed_str,
            Some("values") => &mut values,
            Some("load") => &mut load,
            Some("end_to_end") => &mut e2e,
            _ => panic!(
                "REPLAY_MIN_ONLY={only:?}: expected one of typed, typed_str, values, load, end_to_end"
            ),
        };
        for _ in 0..rounds * iterations {
            workload();
        }
        return;
    }
    let times = fastest(
        rounds,
        iterations,
        &mut [&mut typed, &mut typed_str, &mut values, &mut load, &mut e2e],
    );
    let (typed, typed_str, values, load, e2e) = (times[0], times[1], times[2], times[3], times[4]);
    println!("fastest of {rounds} rounds x {iterations} iterations, per fixture:");
    println!("  parse only, typed models : {typed:>10.1?}");
    println!("  parse only, typed, str   : {typed_str:>10.1?}  (read as String, then parsed)");
    println!("  parse only, Values       : {values:>10.1?}");
    println!(
        "  strict Fixture::load     : {load:>10.1?}  ({:.2}x typed parse)",
        load.as_secs_f64() / typed.as_secs_f64()
    );
    println!(
        "  load + replay + judge    : {e2e:>10.1?}  ({:.2}x typed parse, {:.2}x typed str parse, {:.2}x Value parse)",
        e2e.as_secs_f64() / typed.as_secs_f64(),
        e2e.as_secs_f64() / typed_str.as_secs_f64(),
        e2e.as_secs_f64() / values.as_secs_f64()
    );
}
