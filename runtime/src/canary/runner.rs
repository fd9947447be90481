//! Running canaries: find the workspace's harness test targets (`tapedeck::main!()`), list their
//! canary trials, and run the selected tier with the store and session configured, through
//! `cargo nextest run` when it is installed and `cargo test` otherwise.

use super::due::trial_filter;
use super::monitor::KnownFixture;
use super::trial_lines::finished_trial;
use crate::fixture::Tier;
use crate::harness::naming::TrialName;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A test target whose source calls `tapedeck::main!()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarnessTarget {
    /// Its package.
    pub package: String,
    /// The test target's name.
    pub name: String,
    /// Its source file.
    pub src_path: PathBuf,
}

impl std::fmt::Display for HarnessTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} --test {}", self.package, self.name)
    }
}

/// Which test runner drives the harness binaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestRunner {
    /// `cargo nextest run` (process per test, retries).
    Nextest,
    /// `cargo test`.
    Cargo,
}

impl TestRunner {
    /// `cargo nextest` if it is installed, else `cargo test`.
    pub fn detect() -> TestRunner {
        let nextest = Command::new(cargo())
            .args(["nextest", "--version"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if nextest {
            TestRunner::Nextest
        } else {
            TestRunner::Cargo
        }
    }
}

/// The `cargo` to run (the one running us, when we run under cargo).
fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The harness targets of the workspace at `workspace`.
pub fn harness_targets(workspace: &Path) -> Result<Vec<HarnessTarget>, String> {
    let output = Command::new(cargo())
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(workspace)
        .output()
        .map_err(|e| format!("could not run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed in {}: {}",
            workspace.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed something that is not JSON: {e}"))?;
    let mut targets = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        for target in package["targets"].as_array().into_iter().flatten() {
            let is_test = target["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "test"));
            let src_path = PathBuf::from(target["src_path"].as_str().unwrap_or_default());
            if is_test
                && std::fs::read_to_string(&src_path).is_ok_and(|source| {
                    source
                        .lines()
                        .any(|l| l.trim_start().starts_with("tapedeck::main!"))
                })
            {
                targets.push(HarnessTarget {
                    package: package["name"].as_str().unwrap_or_default().to_string(),
                    name: target["name"].as_str().unwrap_or_default().to_string(),
                    src_path,
                });
            }
        }
    }
    targets.sort_by(|a, b| (&a.package, &a.name).cmp(&(&b.package, &b.name)));
    Ok(targets)
}

/// `-p PKG --test NAME` for every target: one cargo invocation builds and runs them all with
/// one feature resolution, which includes what the trials need to write to `store`.
fn selection(targets: &[HarnessTarget], store: &str) -> Vec<String> {
    let mut packages: Vec<&str> = targets.iter().map(|t| t.package.as_str()).collect();
    packages.sort_unstable();
    packages.dedup();
    let mut args = Vec::new();
    for package in packages {
        args.extend(["-p".to_string(), package.to_string()]);
    }
    for target in targets {
        args.extend(["--test".to_string(), target.name.clone()]);
    }
    args.extend(store_features(store).iter().map(ToString::to_string));
    args
}

/// The features a store needs in the harness targets: a `postgres://` store needs tapedeck's
/// `postgres` feature there too, which the agents' own manifests need not enable.
fn store_features(store: &str) -> &'static [&'static str] {
    if crate::store::is_postgres_url(store) {
        &["--features", "tapedeck/postgres"]
    } else {
        &[]
    }
}

fn describe(targets: &[HarnessTarget]) -> String {
    targets
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Builds the targets, with what they need to write to `store` (a build failure is a harness
/// error).
pub fn build(workspace: &Path, targets: &[HarnessTarget], store: &str) -> Result<(), String> {
    let output = Command::new(cargo())
        .args(["test", "--no-run"])
        .args(selection(targets, store))
        .current_dir(workspace)
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} does not build:\n{}",
            describe(targets),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// The canary trials of the targets, through the harness's `--list --ignored` (the nextest
/// contract), as fixtures with their tiers. (`store` keeps the build [`build`] made.)
pub fn list_canaries(
    workspace: &Path,
    targets: &[HarnessTarget],
    store: &str,
) -> Result<Vec<KnownFixture>, String> {
    let output = Command::new(cargo())
        .args(["test", "-q"])
        .args(selection(targets, store))
        .args(["--", "--list", "--ignored", "--format", "terse"])
        .current_dir(workspace)
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{} could not list their trials:\n{}",
            describe(targets),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .filter_map(|name| known_fixture(TrialName::parse(name)?))
        .collect())
}

fn known_fixture(name: TrialName) -> Option<KnownFixture> {
    match name {
        TrialName::Canary {
            tier,
            suite,
            fixture,
        } => Some(KnownFixture {
            fixture_id: format!("{suite}/{fixture}"),
            tier,
        }),
        TrialName::Check { tier, name } => Some(KnownFixture {
            fixture_id: crate::harness::record::check_fixture_id(&name),
            tier,
        }),
        TrialName::Replay { .. } => None,
    }
}

/// What one canary session needs from its environment.
#[derive(Debug, Clone)]
pub struct SessionEnv {
    /// The session id.
    pub session_id: String,
    /// The store the trials write to (absolute).
    pub store: String,
    /// The code version recorded with each result.
    pub code_version: Option<String>,
}

/// Runs the canaries of `tier` (and the tiers it covers) in the targets. `Ok(true)` when every
/// trial passed, `Ok(false)` when some failed (the records say which), `Err` when the runner
/// itself could not run. `on_trial` is called with the number of trials finished so far, as
/// they finish.
pub fn run_tier(
    workspace: &Path,
    targets: &[HarnessTarget],
    tier: Tier,
    runner: TestRunner,
    env: &SessionEnv,
    on_trial: &mut dyn FnMut(usize),
) -> Result<bool, String> {
    let (filter, skip) = trial_filter(tier);
    let mut command = Command::new(cargo());
    match runner {
        TestRunner::Nextest => {
            let mut expression = format!("test(/^{}/)", regex_escape(filter));
            if let Some(skip) = skip {
                expression = format!("{expression} - test(/^{}/)", regex_escape(skip));
            }
            command
                .args(["nextest", "run", "--no-fail-fast"])
                .args(selection(targets, &env.store))
                .args(["--run-ignored", "only", "-E", &expression]);
        }
        TestRunner::Cargo => {
            command
                .args(["test", "--no-fail-fast"])
                .args(selection(targets, &env.store))
                .args(["--", "--ignored", filter]);
            if let Some(skip) = skip {
                command.args(["--skip", skip]);
            }
        }
    }
    command
        .current_dir(workspace)
        .env(crate::store::STORE_ENV, &env.store)
        .env(crate::harness::record::SESSION_ENV, &env.session_id);
    // One stream carries a line per finished trial: libtest's stdout, nextest's stderr.
    match runner {
        TestRunner::Cargo => command.stdout(Stdio::piped()).stderr(Stdio::null()),
        TestRunner::Nextest => command.stdout(Stdio::null()).stderr(Stdio::piped()),
    };
    if let Some(version) = &env.code_version {
        command.env("TAPEDECK_CODE_VERSION", version);
    }
    let could_not_run =
        |e: std::io::Error| format!("could not run the canaries of {}: {e}", describe(targets));
    let mut child = command.spawn().map_err(could_not_run)?;
    let stream: Option<Box<dyn std::io::Read>> = match runner {
        TestRunner::Cargo => child.stdout.take().map(|s| Box::new(s) as _),
        TestRunner::Nextest => child.stderr.take().map(|s| Box::new(s) as _),
    };
    if let Some(stream) = stream {
        let mut finished = 0;
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if finished_trial(runner, &line) {
                finished += 1;
                on_trial(finished);
            }
        }
    }
    let status = child.wait().map_err(could_not_run)?;
    Ok(status.success())
}

fn regex_escape(text: &str) -> String {
    regex::escape(text)
}

/// The code version: `TAPEDECK_CODE_VERSION`, else the short git commit of `workspace`.
pub fn code_version(workspace: &Path) -> Option<String> {
    crate::store::record::code_version_from_env().or_else(|| {
        let output = Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .current_dir(workspace)
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
            .filter(|v| !v.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::{HarnessTarget, selection};

    #[test]
    fn a_postgres_store_builds_the_harnesses_with_the_postgres_feature() {
        let targets = [HarnessTarget {
            package: "agents".into(),
            name: "fixtures".into(),
            src_path: "tests/fixtures.rs".into(),
        }];
        let plain = ["-p", "agents", "--test", "fixtures"];
        assert_eq!(selection(&targets, "/abs/runs.sqlite"), plain);
        assert_eq!(selection(&targets, "sqlite:///abs/runs.sqlite"), plain);
        for url in ["postgres://db/t", "postgresql://u@db/t"] {
            assert_eq!(
                selection(&targets, url)[4..],
                ["--features", "tapedeck/postgres"],
                "{url}"
            );
        }
    }
}
