//! The recovery fixtures, replayed by hand: what their contracts say, and the numbers behind
//! them (calls made, retries granted, when the budget ran out, virtual times) checked against
//! the runtime's documented budget, breaker and deadline rules.

use serde_json::Value;
use std::path::Path;
use tapedeck::contract::Validators;
use tapedeck::observation::{Observation, Outcome};
use tapedeck::{Fixture, Mode, Replay, Verdict, agent_fn};
use tapedeck_example_agents::{booking, queue_worker, research};

fn fixture(suite: &str, id: &str) -> Fixture {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(suite)
        .join(id);
    Fixture::load(&dir).unwrap_or_else(|e| panic!("{id}: {e}"))
}

fn research_run(id: &str) -> (Fixture, Observation) {
    let fx = fixture("research", id);
    let run = Replay::new(&fx).run_blocking(&agent_fn(research::research));
    (fx, run.observation)
}

fn events<'a>(obs: &'a Observation, kind: &'a str) -> impl Iterator<Item = (u64, &'a Value)> {
    obs.events
        .iter()
        .filter(move |e| e.kind == kind)
        .map(|e| (e.at_ms, &e.data))
}

fn declared(obs: &Observation) -> Option<(Verdict, &str)> {
    match &obs.outcome {
        Outcome::Declared { verdict, reason } => Some((*verdict, reason.as_str())),
        _ => None,
    }
}

fn count(obs: &Observation, tool: &str) -> usize {
    obs.calls.iter().filter(|c| c.tool == tool).count()
}

#[test]
fn the_flaky_reader_spends_its_retry_budget_and_the_run_stops() {
    let (fx, obs) = research_run("reader_flaky_budget_exhausted");
    let judgement = fx.judge(&obs, &Validators::new());
    assert_eq!(judgement.verdict, Verdict::Blocked, "{judgement:?}");
    assert!(judgement.has_reason("retry_budget_exhausted"));
    assert_eq!(
        declared(&obs),
        Some((Verdict::Blocked, "retry_budget_exhausted"))
    );

    // 12 first attempts and 13 granted retries; the 14th retry was refused.
    assert_eq!((count(&obs, "search"), count(&obs, "fetch")), (1, 25));
    assert_eq!(count(&obs, "llm"), 0, "no summary of a blocked run");
    let decisions: Vec<(u64, &Value)> = events(&obs, "retry_decision").collect();
    let granted = decisions.iter().filter(|(_, d)| d["retry"] == true).count();
    let refusals: Vec<&(u64, &Value)> = decisions
        .iter()
        .filter(|(_, d)| d["give_up"] == "retry_budget_exhausted")
        .collect();
    assert_eq!(granted, 13);
    assert_eq!(refusals.len(), 1);
    let (refused_at, refusal) = *refusals[0];
    assert_eq!((refused_at, refusal["attempt"].as_u64()), (289, Some(2)));

    // Only the budget stopped it: the breaker never saw three failures in a row, and the
    // refused page still had an attempt left (fetch_attempts 3).
    assert_eq!(events(&obs, "breaker").count(), 0);
    assert_eq!(fx.input.input["fetch_attempts"], 3);

    // The balance the runtime's default budget had left at the refusal: a reserve of 10, 10 per
    // second of virtual time, 0.2 per first-try success (4 pages answered at once), minus one
    // per granted retry. The cap of 20 is never reached (at most 11.8, at 180 ms).
    let first_try_successes = 4.0;
    let balance =
        10.0 + 10.0 * refused_at as f64 / 1000.0 + 0.2 * first_try_successes - granted as f64;
    assert!((0.0..1.0).contains(&balance), "balance {balance}");
    assert!((balance - 0.69).abs() < 1e-9, "balance {balance}");

    // No retry is granted after the refusal, and the refused page is not fetched again.
    let after: Vec<&(u64, &Value)> = decisions.iter().filter(|(t, _)| *t > refused_at).collect();
    assert!(after.iter().all(|(_, d)| d["retry"] == false), "{after:?}");
    let refused_url = "https://www.example.org/blog/retries-and-duplicates";
    let refused_calls: Vec<u64> = obs
        .calls
        .iter()
        .filter(|c| c.request["url"] == refused_url)
        .map(|c| c.started_ms)
        .collect();
    assert_eq!(refused_calls, [140, 249]);
    assert!(obs.artifacts.is_empty());
    assert_eq!(obs.elapsed_ms, 465);
}

#[test]
fn the_reader_breaker_opens_after_three_failures_and_the_summary_never_runs() {
    let (fx, obs) = research_run("reader_down_breaker_stops_summary");
    let judgement = fx.judge(&obs, &Validators::new());
    assert_eq!(judgement.verdict, Verdict::Blocked, "{judgement:?}");
    assert_eq!(declared(&obs), Some((Verdict::Blocked, "circuit_open")));
    let opened: Vec<(u64, &Value)> = events(&obs, "breaker").collect();
    assert_eq!(opened.len(), 1);
    assert_eq!(
        (opened[0].0, &opened[0].1["to"]),
        (560, &Value::from("open"))
    );
    assert_eq!(opened[0].1["dependency"], research::fetch::READER);
    // The fourth source's call was refused by the breaker before it reached the reader (a
    // blocked call, no interaction), the fifth never tried, no summary.
    let fetched: Vec<&str> = obs
        .calls
        .iter()
        .filter(|c| c.tool == "fetch")
        .filter_map(|c| c.request["url"].as_str())
        .collect();
    let hits = obs.calls[0].response.as_ref().unwrap()["hits"]
        .as_array()
        .unwrap();
    let first_four: Vec<&str> = hits[..4].iter().filter_map(|h| h["url"].as_str()).collect();
    assert_eq!(fetched, first_four);
    assert_eq!(obs.calls.len(), 5);
    let refused = &obs.calls[4];
    assert_eq!(refused.source, tapedeck::observation::CallSource::Blocked);
    assert_eq!(
        (refused.interaction.as_deref(), refused.started_ms),
        (None, 560)
    );
    assert_eq!(refused.error.as_ref().unwrap().kind, "circuit_open");
    assert!(!judgement.has_reason("blocked_call"), "{judgement:?}");
    assert!(obs.unused_interactions.is_empty());
    assert_eq!(obs.elapsed_ms, 560, "nothing ran after the breaker opened");
}

#[test]
fn slow_sources_stop_the_research_at_the_deadline() {
    let (fx, obs) = research_run("slow_sources_stop_at_deadline");
    let judgement = fx.judge(&obs, &Validators::new());
    assert_eq!(judgement.verdict, Verdict::Failed, "{judgement:?}");
    assert!(judgement.has_reason("deadline_exceeded"));
    assert_eq!(obs.deadline_ms, Some(20_000));
    assert!(obs.calls.iter().all(|c| c.started_ms < 20_000));
    let cut = &obs.calls[2];
    assert_eq!((cut.started_ms, cut.duration_ms), (7_820, 12_180));
    assert_eq!(cut.error.as_ref().unwrap().kind, "deadline_exceeded");
    assert_eq!((obs.calls.len(), obs.elapsed_ms), (3, 20_000));
    assert_eq!(count(&obs, "llm"), 0);
    assert_eq!(declared(&obs), Some((Verdict::Failed, "deadline_exceeded")));
}

#[test]
fn a_retry_after_past_the_deadline_is_not_waited_for_and_the_claim_is_released() {
    let fx = fixture("queue", "model_retry_after_past_deadline_releases_claim");
    let obs = Replay::new(&fx)
        .run_blocking(&agent_fn(queue_worker::work))
        .observation;
    let judgement = fx.judge(&obs, &Validators::new());
    assert_eq!(judgement.verdict, Verdict::Failed, "{judgement:?}");
    let decision: Vec<(u64, &Value)> = events(&obs, "retry_decision").collect();
    assert_eq!(decision.len(), 1);
    let (at, d) = decision[0];
    assert_eq!(
        (at, &d["give_up"]),
        (615, &Value::from("deadline_exceeded"))
    );
    assert!(d["delay_ms"].as_u64().unwrap() > 30_000 - at, "{d}");
    let tools: Vec<&str> = obs.calls.iter().map(|c| c.tool.as_str()).collect();
    assert_eq!(tools, ["claim", "get_ticket", "llm", "release"]);
    assert_eq!(obs.calls[3].started_ms, 615, "released at once");
    assert_eq!(obs.elapsed_ms, 685, "no sleep into the deadline");
}

#[test]
fn the_itinerary_conflict_is_detected_and_the_retry_keeps_both_updates() {
    let fx = fixture("booking", "itinerary_conflict_detected_and_retried");
    let obs = Replay::new(&fx)
        .mode(Mode::Strict)
        .run_blocking(&agent_fn(booking::book))
        .observation;
    let judgement = fx.judge(&obs, &Validators::from_registry());
    assert_eq!(judgement.verdict, Verdict::Passed, "{judgement:?}");
    let puts: Vec<&Value> = obs
        .calls
        .iter()
        .filter(|c| c.tool == "itinerary_put")
        .map(|c| &c.request)
        .collect();
    assert_eq!(puts.len(), 2);
    assert_eq!(
        (&puts[0]["expected_version"], &puts[1]["expected_version"]),
        (&Value::from(3), &Value::from(4))
    );
    let ids: Vec<&str> = puts[1]["value"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["booking_id"].as_str())
        .collect();
    assert_eq!(ids, ["fl_77120", "car_5531", "fl_77184", "bk_10418"]);
    assert_eq!(events(&obs, "write_conflict").count(), 1);
    assert_eq!(obs.output.as_ref().unwrap()["itinerary_version"], 5);
}

#[test]
fn the_blind_itinerary_write_is_caught_as_a_lost_update() {
    let fx = fixture("booking", "blind_itinerary_write_loses_flight");
    let obs = Replay::new(&fx)
        .mode(Mode::Strict)
        .run_blocking(&agent_fn(booking::book))
        .observation;
    let judgement = fx.judge(&obs, &Validators::from_registry());
    assert_eq!(judgement.verdict, Verdict::Failed, "{judgement:?}");
    assert_eq!(judgement.reasons, ["lost_update"]);
    // Without the validator, the same run looks like a clean booking.
    let mut unchecked = fx.clone();
    unchecked.expected.validators = None;
    assert_eq!(
        unchecked.judge(&obs, &Validators::new()).verdict,
        Verdict::Passed
    );
    let put = obs
        .calls
        .iter()
        .find(|c| c.tool == "itinerary_put")
        .unwrap();
    assert!(
        put.request.get("expected_version").is_none(),
        "a blind write"
    );
}
