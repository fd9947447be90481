//! A standalone #[canary] check: registered with its tier and tools, and callable.

use std::future::Future;
use std::task::{Context, Poll, Waker};
use tapedeck::fixture::Tier;
use tapedeck::harness::registry::{registered_checks, registered_suites};
use tapedeck::{Ctx, Toolbox};

fn real_tools() -> Toolbox {
    Toolbox::new()
}

#[tapedeck::canary(tier = "critical", tools = real_tools)]
async fn payments_api_is_up(_ctx: &Ctx) -> Result<(), String> {
    Ok(())
}

#[tapedeck::canary(tier = "hourly")]
async fn ledger_is_reachable(_ctx: &Ctx) -> Result<(), std::io::Error> {
    Err(std::io::Error::other("ledger unreachable"))
}

fn main() {
    assert!(registered_suites().is_empty());
    let checks = registered_checks();
    assert_eq!(checks.len(), 2);
    assert_eq!(checks[0].name, "ledger_is_reachable");
    assert_eq!(checks[0].tier, Tier::Hourly);
    assert!(checks[0].tools.is_none());
    assert_eq!(checks[1].name, "payments_api_is_up");
    assert_eq!(checks[1].tier, Tier::Critical);
    assert!(checks[1].tools.is_some());
    assert!(checks[1].file.ends_with("pass_check.rs"));

    let ctx = Ctx::builder().build();
    let mut cx = Context::from_waker(Waker::noop());
    let mut up = (checks[1].check)(&ctx);
    assert_eq!(up.as_mut().poll(&mut cx), Poll::Ready(Ok(())));
    let mut down = (checks[0].check)(&ctx);
    assert_eq!(
        down.as_mut().poll(&mut cx),
        Poll::Ready(Err("ledger unreachable".to_string()))
    );
}
