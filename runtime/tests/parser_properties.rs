//! Property tests: bad input never panics the loader or the judge, and every loader error
//! names its file.
//!
//! - arbitrary bytes, and arbitrary JSON values, as each of the four fixture files;
//! - mutations of a valid fixture: a corrupt byte, a cut, a deleted key, a changed value;
//! - arbitrary observations judged by contracts that use every contract key;
//! - fixtures with extreme recorded values, replayed by an agent that calls everything.
//!
//! Bounded (256 cases each, no persistence files) so that the whole target runs in seconds.

mod properties;

use properties::observation::{arb_observation, arb_state, contracts};
use properties::replay::{CallEverything, arb_replay_files};
use properties::{
    FILES, arb_document, arb_mutation, config, copy_valid, fixture_dir, load_naming, mutate,
};
use proptest::prelude::*;
use tapedeck::contract::{JudgeInput, ValidatorFailure, Validators};
use tapedeck::observation::Outcome;
use tapedeck::{Mode, Replay};

/// Bytes: anything, or text made of JSON punctuation.
fn arb_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        "[\\[\\]{}\",:0-9a-z \n\\\\.eE+-]{0,128}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic_and_errors_name_the_file(
        file in prop::sample::select(FILES.to_vec()),
        bytes in arb_bytes(),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = fixture_dir(tmp.path());
        std::fs::write(dir.join(file), &bytes).unwrap();
        load_naming(&dir, file)?;
    }

    #[test]
    fn arbitrary_json_never_panics_and_errors_name_the_file(
        file in prop::sample::select(FILES.to_vec()),
        document in arb_document(),
        pretty in any::<bool>(),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = fixture_dir(tmp.path());
        let text = if pretty {
            serde_json::to_vec_pretty(&document).unwrap()
        } else {
            serde_json::to_vec(&document).unwrap()
        };
        std::fs::write(dir.join(file), text).unwrap();
        load_naming(&dir, file)?;
    }

    #[test]
    fn mutations_of_a_valid_fixture_never_panic_and_errors_name_the_file(
        (file, mutation) in arb_mutation(),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = copy_valid(tmp.path());
        let path = dir.join(file);
        let mutated = mutate(&std::fs::read(&path).unwrap(), &mutation);
        std::fs::write(&path, mutated).unwrap();
        load_naming(&dir, file)?;
    }

    #[test]
    fn judging_arbitrary_observations_never_panics(
        observation in arb_observation(),
        state in arb_state(),
    ) {
        let mut validators = Validators::new();
        validators.register("ok", |_| Ok(()));
        validators.register("rejects", |_| Err(ValidatorFailure::new("rejected")));
        for contract in contracts() {
            let input = JudgeInput { observation: &observation, state: state.as_ref(), validators: &validators };
            let judgement = tapedeck::judge(&contract, &input);
            // Every judgement has a verdict, and reasons for anything but `passed`.
            prop_assert!(judgement.passed() || !judgement.reasons.is_empty(), "{judgement:?}");
            prop_assert_eq!(judgement.failure_class.is_none(), judgement.passed());
            prop_assert!(serde_json::to_string(&judgement).is_ok());
            let _ = judgement.meets(&contract);
        }
    }

    #[test]
    fn replaying_extreme_recorded_values_never_panics(
        (input, cassette) in arb_replay_files(),
        mode in prop::sample::select(vec![Mode::Cassette, Mode::Strict, Mode::Live]),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = fixture_dir(tmp.path());
        std::fs::write(dir.join("input.json"), input.to_string()).unwrap();
        std::fs::write(dir.join("tool_cassettes.json"), cassette.to_string()).unwrap();
        let Some(fixture) = load_naming(&dir, "tool_cassettes.json")? else {
            return Ok(());
        };
        let calls = fixture
            .cassette
            .interactions
            .iter()
            .map(|i| (i.tool.clone(), i.request.clone(), i.idempotency_key.clone()))
            .collect();
        let run = Replay::new(&fixture).mode(mode).run_blocking(&CallEverything { calls });
        prop_assert!(
            !matches!(run.observation.outcome, Outcome::Panicked { .. }),
            "{:?}",
            run.observation.outcome
        );
        let _ = fixture.judge(&run.observation, &Validators::new());
    }
}
