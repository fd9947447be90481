//! The baseline of the scale benchmarks: a plain program that only reads and parses the four
//! files of every fixture in a suite folder (into `serde_json::Value`), on one thread, and
//! prints how long that took. `bench/scale.py` compares the harness against it.
//!
//! ```sh
//! cargo run --release -p tapedeck-example-scripted --example parse_only -- target/bench/n1000
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const FILES: [&str; 4] = [
    "input.json",
    "expected.json",
    "tool_cassettes.json",
    "notes.json",
];

fn parse_fixture(dir: &Path) -> std::io::Result<usize> {
    let mut values = 0;
    for name in FILES {
        let bytes = std::fs::read(dir.join(name))?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)?;
        values += usize::from(!value.is_null());
    }
    Ok(values)
}

fn main() -> ExitCode {
    let Some(suite) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: parse_only SUITE_DIR");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let result = (|| -> std::io::Result<(usize, usize)> {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&suite)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        dirs.retain(|d| d.is_dir());
        dirs.sort();
        let mut values = 0;
        for dir in &dirs {
            values += parse_fixture(dir)?;
        }
        Ok((dirs.len(), values))
    })();
    match result {
        Ok((fixtures, values)) => {
            let elapsed = started.elapsed();
            println!(
                "parsed {fixtures} fixtures ({values} files) in {:.3} ms: {:.1} µs per fixture",
                elapsed.as_secs_f64() * 1e3,
                elapsed.as_secs_f64() * 1e6 / fixtures.max(1) as f64
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parse_only: {}: {e}", suite.display());
            ExitCode::FAILURE
        }
    }
}
