//! Writes suites of realistic generated fixtures for the scripted agent, for scale benchmarks
//! (`cargo xtask bench-fixtures N DIR`).
//!
//! Each fixture has the four files (about 10 KB together), 5–20 interactions over every effect
//! class, faults on about 15% of the calls (retried by the script), a report artifact, evidence
//! citations and a contract of the usual keys. Every tenth fixture demonstrates a caught bug (a
//! charge retried with a new idempotency key) and expects `failed` / `duplicate_side_effect`,
//! so every generated fixture is a passing test. The same `N` and seed always write the same
//! bytes.

mod fixture;
mod rng;
mod text;
mod tools;

pub use fixture::{GeneratedFixture, generate};

use std::io;
use std::path::Path;
use tapedeck::fixture::{files, try_to_canonical_json};

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 0x7a9e_dec0;

/// What [`write_suite`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuiteSummary {
    /// Fixtures written.
    pub fixtures: usize,
    /// Of them, fixtures that demonstrate a caught bug.
    pub caught: usize,
    /// Interactions over all cassettes.
    pub interactions: usize,
    /// Interactions that carry a fault.
    pub faults: usize,
    /// Bytes of the four files over all fixtures.
    pub bytes: u64,
}

/// Writes fixtures `0..n` into `dir/<id>/`. `dir` is created; it may hold only a previously
/// generated suite, which is replaced (other entries are an error, so that a typo cannot
/// scribble over a real suite).
pub fn write_suite(dir: &Path, n: usize, seed: u64) -> io::Result<SuiteSummary> {
    std::fs::create_dir_all(dir)?;
    for old in generated_folders(dir)? {
        std::fs::remove_dir_all(old)?;
    }
    let mut summary = SuiteSummary::default();
    for index in 0..n {
        let f = generate(index, seed);
        let folder = dir.join(&f.id);
        std::fs::create_dir(&folder)?;
        for (name, value) in [
            (files::INPUT, &f.input),
            (files::EXPECTED, &f.expected),
            (files::CASSETTE, &f.cassette),
            (files::NOTES, &f.notes),
        ] {
            let text = try_to_canonical_json(value).map_err(io::Error::other)?;
            summary.bytes += text.len() as u64;
            std::fs::write(folder.join(name), text)?;
        }
        summary.fixtures += 1;
        summary.caught += usize::from(f.caught);
        summary.interactions += f.interactions;
        summary.faults += f.faults;
    }
    Ok(summary)
}

/// The generated fixture folders in `dir`; an error if it holds anything else.
fn generated_folders(dir: &Path) -> io::Result<Vec<std::path::PathBuf>> {
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let generated = name.starts_with('f')
            && name.len() > 1
            && name[1..].bytes().all(|b| b.is_ascii_digit())
            && entry.file_type()?.is_dir();
        if !generated {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} holds `{name}`, which is not a generated fixture: choose an empty or new folder",
                    dir.display()
                ),
            ));
        }
        folders.push(entry.path());
    }
    Ok(folders)
}
