#!/usr/bin/env python3
"""Scale benchmarks of tapedeck (tracker issue 7). Rerun them with:

    python3 bench/scale.py                       # everything, sizes 1000 and 10000, 5 runs each
    python3 bench/scale.py --sizes 1000 --runs 3 --skip peer,nextest
    python3 bench/scale.py --skip harness          # only nextest and the peer, on existing suites

It writes generated suites with `cargo xtask bench-fixtures N DIR` under target/bench/, builds
the `bench_suite` harness (examples/scripted/tests/bench_suite.rs) in release and in the dev
profile, and measures, taking the median of --runs runs:

  harness     per-fixture wall time of the in-process harness (cargo test's binary run
              directly, one test thread and the default), versus the parse_only program
              (examples/scripted/examples/parse_only.rs) that only reads and parses the same
              four files per fixture;
  list        `--list` and `--list --format terse` for each size;
  memory      peak RSS of the harness (whole run, and `--list` alone) for each size;
  nextest     `cargo nextest run` process-per-test on the smallest size, against the cost of
              one `--exact NAME` process and of the harness binary's start-up;
  debug       the harness under the dev profile a plain `cargo test` uses (the workspace
              Cargo.toml sets its opt-level overrides), and with --cold-build also without the
              overrides, with cold build times of both;
  peer        the same fixtures as pytest + vcrpy tests (record_mode "none", equivalent
              cassettes, bench/peer/); needs pytest, vcrpy, requests and PyYAML, installed into
              target/bench/venv when missing.

Results go to stdout as a table and to target/bench/scale.json.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "target", "bench")
PACKAGE = "tapedeck-example-scripted"
# What the workspace's [profile.dev.package] section sets; --cold-build measures without it.
NO_OVERRIDES = [
    "--config", "profile.dev.package.tapedeck.opt-level=0",
    "--config", "profile.dev.package.serde_json.opt-level=0",
    "--config", "profile.dev.package.sha2.opt-level=0",
]


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def cargo_executables(args, env=None, target_dir=None):
    """Builds with cargo and returns {target name: executable path}."""
    env = dict(os.environ if env is None else env)
    if target_dir:
        env["CARGO_TARGET_DIR"] = target_dir
    cmd = ["cargo", *args, "--message-format=json-render-diagnostics"]
    out = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, check=True, text=True)
    exes = {}
    for line in out.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            exes[msg["target"]["name"]] = msg["executable"]
    return exes


TIME = shutil.which("time", path="/usr/bin:/bin")


def run(cmd, env=None, quiet=True):
    """Runs cmd; returns (wall seconds, peak RSS in MiB or None, exit status).

    The peak RSS comes from GNU time (`/usr/bin/time -f %M`): the rusage of a child that Python
    forks counts the Python process's own pages from before the exec.
    """
    rss_file = os.path.join(OUT, ".rss")
    if TIME:
        cmd = [TIME, "-f", "%M", "-o", rss_file, *cmd]
    started = time.perf_counter()
    sink = subprocess.DEVNULL if quiet else None
    code = subprocess.run(cmd, cwd=ROOT, env=env, stdout=sink, stderr=sink).returncode
    wall = time.perf_counter() - started
    rss = None
    if TIME:
        try:
            with open(rss_file) as f:
                rss = int(f.read().split()[-1]) / 1024
        except (OSError, ValueError, IndexError):
            pass
    return wall, rss, code


def warm(suite):
    """Reads every file of `suite` once. Some machines drop clean page cache over time (on the
    12-05 VM, a run started a minute after the last one read a third of its files from disk),
    and the program run first after a pause would pay for both; warmed before every timed run,
    each one starts from the same cached files."""
    if suite is None:
        return
    for folder, _, names in os.walk(suite):
        for name in names:
            try:
                with open(os.path.join(folder, name), "rb") as f:
                    f.read()
            except OSError:
                pass


def median_run(cmd, env, runs, what, suite=None):
    walls, rss = [], []
    for _ in range(runs):
        warm(suite)
        wall, peak, code = run(cmd, env)
        if code != 0:
            raise SystemExit(f"{what} failed (exit {code}): {' '.join(cmd)}")
        walls.append(wall)
        if peak is not None:
            rss.append(peak)
    return statistics.median(walls), max(rss, default=None)


def median_pairs(cmd, baseline, env, runs, suite=None):
    """Runs `cmd` and `baseline` alternately `runs` times each, which one goes first alternating
    too, each after warming `suite`: their median walls, the median of the per-pair ratios
    cmd / baseline, and the peak RSS of `cmd`."""
    walls, bases, ratios, rss = [], [], [], []
    for i in range(runs):
        if i % 2:
            warm(suite)
            base, _, base_code = run(baseline, env)
        warm(suite)
        wall, peak, code = run(cmd, env)
        if not i % 2:
            warm(suite)
            base, _, base_code = run(baseline, env)
        if code != 0 or base_code != 0:
            raise SystemExit(f"a paired run failed (exit {code}, {base_code}): {' '.join(cmd)}")
        walls.append(wall)
        bases.append(base)
        ratios.append(wall / base)
        if peak is not None:
            rss.append(peak)
    return statistics.median(walls), statistics.median(bases), statistics.median(ratios), max(rss, default=None)


def suite_env(suite):
    env = dict(os.environ)
    env.update({"TAPEDECK_BENCH_SUITE": suite, "CI": "true"})
    env.pop("TAPEDECK_STORE", None)
    return env


def generate(n):
    suite = os.path.join(OUT, f"n{n}")
    subprocess.run(["cargo", "xtask", "bench-fixtures", str(n), suite], cwd=ROOT, check=True)
    return suite


def accept_snapshots(harness, suite):
    env = suite_env(suite)
    env.pop("CI")
    env["INSTA_UPDATE"] = "always"
    run([harness, "-q"], env)
    _, _, code = run([harness, "-q"], suite_env(suite))
    if code != 0:
        raise SystemExit(f"the generated suite {suite} does not pass: run {harness} with TAPEDECK_BENCH_SUITE={suite}")


def prepare(bins, n):
    """The suite of size n with its snapshots accepted (generated unless it is already there)."""
    suite = os.path.join(OUT, f"n{n}")
    if not os.path.isdir(os.path.join(suite, f"f{n - 1:05}")):
        generate(n)
        accept_snapshots(bins["release"], suite)
    return suite


def bench_harness(results, bins, sizes, runs):
    for n in sizes:
        suite = generate(n)
        accept_snapshots(bins["release"], suite)
        env = suite_env(suite)
        row = {"n": n}
        for profile in ("release", "dev"):
            # One thread, interleaved with parse_only run by run, so that a drift in the
            # machine's speed moves both; the ratio reported is the median of the pairs'.
            harness, parse, ratio, rss = median_pairs(
                [bins[profile], "-q", "--test-threads", "1"], [bins[f"parse_only {profile}"], suite],
                env, runs, suite)
            row[f"{profile} harness 1 thread us/fixture"] = harness * 1e6 / n
            row[f"{profile} harness 1 thread peak MiB"] = rss
            row[f"{profile} parse_only us/fixture"] = parse * 1e6 / n
            row[f"{profile} ratio to parse_only (1 thread, median of pairs)"] = ratio
            wall, rss = median_run([bins[profile], "-q"], env, runs, "harness", suite)
            row[f"{profile} harness default threads us/fixture"] = wall * 1e6 / n
            row[f"{profile} harness default threads peak MiB"] = rss
        release_parse = row["release parse_only us/fixture"]
        row["dev ratio to release parse_only (1 thread)"] = row["dev harness 1 thread us/fixture"] / release_parse
        for args, label in ((["--list"], "list"), (["--list", "--format", "terse"], "list terse"),
                            (["--list", "--ignored"], "list ignored")):
            wall, rss = median_run([bins["release"], *args], env, runs, label, suite)
            row[f"{label} ms"] = wall * 1e3
            row[f"{label} peak MiB"] = rss
        results["harness"].append(row)
        log(json.dumps(row, indent=1))


def bench_nextest(results, bins, n, runs):
    if shutil.which("cargo-nextest") is None:
        results["nextest"] = {"skipped": "cargo-nextest is not installed (cargo install cargo-nextest)"}
        return
    suite = prepare(bins, n)
    env = suite_env(suite)
    build = ["cargo", "nextest", "run", "--release", "-p", PACKAGE, "--test", "bench_suite"]
    subprocess.run([*build, "--no-run"], cwd=ROOT, env=env, check=True)
    cmd = [*build, "--no-fail-fast", "--status-level", "fail", "--final-status-level", "fail"]
    wall, _ = median_run(cmd, env, max(1, runs // 2), "cargo nextest run")
    one = [bins["release"], "--exact", f"n{n}::f00000"]
    exact, _ = median_run(one, env, 30, "--exact")
    startup, _ = median_run([*one, "--list"], env, 30, "--exact --list")
    big = os.path.join(OUT, "n10000")
    row = {
        "n": n,
        "nextest total s": wall,
        "nextest wall ms/test": wall * 1e3 / n,
        "threads": os.cpu_count(),
        "one --exact process ms": exact * 1e3,
        "harness start-up (--exact --list) ms": startup * 1e3,
    }
    if os.path.isdir(big):
        big_exact, _ = median_run([bins["release"], "--exact", "n10000::f00000"], suite_env(big), 30, "--exact")
        row["one --exact process ms at N=10000"] = big_exact * 1e3
    results["nextest"] = row
    log(json.dumps(row, indent=1))


def cold_build_seconds(extra, target_dir):
    shutil.rmtree(target_dir, ignore_errors=True)
    started = time.perf_counter()
    exes = cargo_executables(["test", "-p", PACKAGE, "--test", "bench_suite", "--no-run", *extra],
                             target_dir=target_dir)
    return time.perf_counter() - started, exes["bench_suite"]


def bench_cold_build(results, sizes, runs):
    suite = os.path.join(OUT, f"n{sizes[0]}")
    env = suite_env(suite)
    row = {"n": sizes[0]}
    for label, extra in (("with overrides", []), ("without overrides", NO_OVERRIDES)):
        seconds, exe = cold_build_seconds(extra, os.path.join(OUT, "cold-target"))
        wall, _ = median_run([exe, "-q", "--test-threads", "1"], env, runs, "dev harness")
        row[f"cold dev build s {label}"] = seconds
        row[f"dev harness 1 thread us/fixture {label}"] = wall * 1e6 / sizes[0]
    shutil.rmtree(os.path.join(OUT, "cold-target"), ignore_errors=True)
    results["debug profile"] = row
    log(json.dumps(row, indent=1))


def peer_python():
    try:
        import pytest  # noqa: F401
        import requests  # noqa: F401
        import vcr  # noqa: F401
        import yaml  # noqa: F401
        return sys.executable
    except ImportError:
        venv = os.path.join(OUT, "venv")
        python = os.path.join(venv, "bin", "python")
        if not os.path.exists(python):
            log(f"installing pytest, vcrpy, requests and PyYAML into {venv}")
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            subprocess.run([python, "-m", "pip", "install", "-q", "pytest", "vcrpy", "requests", "PyYAML"], check=True)
        return python


def bench_peer(results, bins, n, runs):
    python = peer_python()
    suite = prepare(bins, n)
    cassettes = os.path.join(OUT, f"peer-cassettes-n{n}")
    subprocess.run([python, os.path.join(ROOT, "bench", "peer", "cassettes.py"), suite, cassettes], check=True)
    env = suite_env(suite)
    env["PEER_CASSETTES"] = cassettes
    cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", os.path.join(ROOT, "bench", "peer", "test_peer.py")]
    wall, _ = median_run(cmd, env, max(1, runs // 2), "pytest")
    ours, _ = median_run([bins["release"], "-q", "--test-threads", "1"], suite_env(suite), runs, "harness", suite)
    row = {
        "n": n,
        "pytest + vcrpy ms/test": wall * 1e3 / n,
        "tapedeck release 1 thread us/test": ours * 1e6 / n,
        "ratio (peer time / tapedeck time)": wall / ours,
    }
    results["peer"] = row
    log(json.dumps(row, indent=1))


def machine():
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    rustc = subprocess.run(["rustc", "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform(), "rustc": rustc}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="suite sizes (default 1000,10000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement; the median is reported")
    parser.add_argument("--skip", default="", help="comma-separated stages to skip: harness,nextest,peer")
    parser.add_argument("--cold-build", action="store_true",
                        help="also measure cold dev builds with and without the profile overrides (slow)")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    skip = set(filter(None, args.skip.split(",")))
    os.makedirs(OUT, exist_ok=True)

    bins = {}
    for profile, flags in (("release", ["--release"]), ("dev", [])):
        exes = cargo_executables(["test", "-p", PACKAGE, "--test", "bench_suite", "--no-run", *flags])
        bins[profile] = exes["bench_suite"]
        exes = cargo_executables(["build", "-p", PACKAGE, "--example", "parse_only", *flags])
        bins[f"parse_only {profile}"] = exes["parse_only"]
    subprocess.run(["cargo", "build", "-q", "-p", "xtask"], cwd=ROOT, check=True)

    path = os.path.join(OUT, "scale.json")
    results = {"machine": machine(), "runs": args.runs, "harness": []}

    def save():
        with open(path, "w") as f:
            json.dump(results, f, indent=2)

    stages = [
        ("harness", lambda: bench_harness(results, bins, sizes, args.runs)),
        ("nextest", lambda: bench_nextest(results, bins, sizes[0], args.runs)),
        ("cold-build", lambda: bench_cold_build(results, sizes, args.runs)),
        ("peer", lambda: bench_peer(results, bins, sizes[0], args.runs)),
    ]
    for name, stage in stages:
        if name in skip or (name == "cold-build" and not args.cold_build):
            continue
        stage()
        save()  # a later stage that fails keeps what was measured
    print(json.dumps(results, indent=2))
    log(f"written to {path}")


if __name__ == "__main__":
    main()
