//! The fixture generator behind `cargo xtask bench-fixtures`: what it writes loads strictly,
//! replays, and meets its own contract (caught fixtures are judged `failed` for the double
//! charge), has the promised shape, and is the same for the same seed.

use std::path::Path;
use tapedeck::contract::Validators;
use tapedeck::{Fixture, Mode, Replay, Verdict, agent::agent_fn};
use tapedeck_example_scripted::generate::{DEFAULT_SEED, write_suite};
use tapedeck_example_scripted::scripted;

const N: usize = 60;

fn fixture_dirs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn generated_fixtures_replay_and_meet_their_contracts() {
    let dir = tempfile::tempdir().unwrap();
    let summary = write_suite(dir.path(), N, DEFAULT_SEED).unwrap();
    assert_eq!(summary.fixtures, N);
    assert_eq!(summary.caught, N / 10);
    assert!(summary.faults > 0, "some interactions carry faults");
    let average = summary.bytes / N as u64;
    assert!(
        (7_000..=14_000).contains(&average),
        "about 10 KB per fixture, got {average} bytes"
    );
    let validators = Validators::new();
    let agent = agent_fn(scripted);
    let mut caught = 0;
    for path in fixture_dirs(dir.path()) {
        let fixture = Fixture::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let interactions = fixture.cassette.interactions.len();
        assert!(
            (5..=20).contains(&interactions),
            "{path:?}: {interactions} interactions"
        );
        let run = Replay::new(&fixture)
            .mode(Mode::Strict)
            .run_blocking(&agent);
        let judgement = fixture.judge(&run.observation, &validators);
        let met = judgement.meets(&fixture.expected);
        assert!(met.ok, "{}:\n{judgement}", path.display());
        if judgement.verdict == Verdict::Failed {
            caught += 1;
            assert!(
                judgement
                    .reasons
                    .iter()
                    .any(|r| r == "duplicate_side_effect"),
                "{path:?}: {judgement}"
            );
        }
    }
    assert_eq!(
        caught,
        N / 10,
        "every tenth fixture is a caught double charge"
    );
}

#[test]
fn the_same_seed_writes_the_same_bytes_and_another_seed_does_not() {
    let read_all = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        for fixture in fixture_dirs(dir) {
            for file in fixture_dirs(&fixture) {
                let name = file.strip_prefix(dir).unwrap().display().to_string();
                files.push((name, std::fs::read(&file).unwrap()));
            }
        }
        files
    };
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    write_suite(a.path(), 5, 1).unwrap();
    write_suite(b.path(), 5, 1).unwrap();
    write_suite(c.path(), 5, 2).unwrap();
    assert_eq!(read_all(a.path()), read_all(b.path()));
    assert_ne!(read_all(a.path()), read_all(c.path()));
}

#[test]
fn a_smaller_suite_replaces_a_larger_one_and_foreign_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write_suite(dir.path(), 12, 1).unwrap();
    write_suite(dir.path(), 3, 1).unwrap();
    assert_eq!(fixture_dirs(dir.path()).len(), 3);

    std::fs::create_dir(dir.path().join("my_real_fixture")).unwrap();
    let error = write_suite(dir.path(), 3, 1).unwrap_err();
    assert!(
        error.to_string().contains("my_real_fixture"),
        "the error names the foreign entry: {error}"
    );
    assert!(
        dir.path().join("my_real_fixture").is_dir(),
        "nothing is removed"
    );
}
