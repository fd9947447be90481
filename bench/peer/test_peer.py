"""The Python peer of the scale benchmark: the same generated fixtures as pytest tests that
replay vcrpy cassettes (record_mode "none") to an equivalent scripted agent and check the same
kind of contract (calls, side effects by idempotency key, artifacts, evidence, output).

Run by bench/scale.py:  TAPEDECK_BENCH_SUITE=DIR PEER_CASSETTES=DIR pytest -q bench/peer
It checks less than tapedeck does (no JSON Schema, no snapshot, no ledger of outcomes), so the
ratio it yields is in the peer's favour.
"""

import json
import os

import pytest
import requests
import vcr

SUITE = os.environ.get("TAPEDECK_BENCH_SUITE", "")
CASSETTES = os.environ.get("PEER_CASSETTES", "")
BASE = "http://tools.invalid/"
TRANSIENT = {429, 502, 503, 504}

IDS = sorted(n for n in os.listdir(SUITE) if os.path.isdir(os.path.join(SUITE, n))) if SUITE else []


def load(fixture, name):
    path = os.path.join(SUITE, fixture, name)
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def pointer(value, path):
    for part in path.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


class Agent:
    """Executes the scripted agent's steps (the subset the generator writes)."""

    def __init__(self, state, artifacts):
        self.state = state
        self.artifacts = artifacts
        self.saved = {}
        self.calls = []
        self.evidence = []
        self.output = None
        self.clock_ms = 0

    def resolve(self, value):
        if isinstance(value, str) and value.startswith("$"):
            name, _, rest = value[1:].partition("/")
            saved = self.saved[name]["response"]
            return pointer(saved, "/" + rest) if rest else saved
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def call(self, step):
        headers = {}
        if step.get("idempotency_key"):
            headers["Idempotency-Key"] = step["idempotency_key"]
        args = self.resolve(step.get("args", {}))
        for attempt in range(step.get("retries", 0) + 1):
            response = requests.post(BASE + step["call"], json=args, headers=headers)
            self.calls.append((step["call"], step.get("idempotency_key"), response.status_code))
            if response.status_code not in TRANSIENT:
                break
            # Virtual time: wait as Retry-After says, without sleeping (as tapedeck's replay).
            self.clock_ms += int(float(response.headers.get("Retry-After", "1")) * 1000)
        if response.status_code == 200:
            result = {"index": len(self.calls) - 1, "response": response.json()}
        elif step.get("on_error") == "continue":
            result = {"index": len(self.calls) - 1, "response": {"error": response.status_code}}
        else:
            raise RuntimeError(f"{step['call']} failed with {response.status_code}")
        if "save_as" in step:
            self.saved[step["save_as"]] = result

    def run(self, steps):
        for step in steps:
            if "call" in step:
                self.call(step)
            elif "evidence" in step:
                path = step["evidence"]
                if path.startswith("$"):
                    name, _, rest = path[1:].partition("/")
                    path = f"/calls/{self.saved[name]['index']}/response/{rest}"
                self.evidence.append(path)
            elif "artifact" in step:
                if "from" in step:
                    text = json.dumps(self.saved[step["from"]]["response"], indent=2)
                else:
                    text = self.resolve(step["content"])
                with open(os.path.join(self.artifacts, step["artifact"]), "w") as f:
                    f.write(text)
            elif "output" in step:
                self.output = self.resolve(step["output"])


def judge(agent, expected, responses):
    """The reasons the run breaks (the contract keys the generator writes)."""
    reasons = set()
    tools = expected.get("tools", {})
    if len(agent.calls) > tools.get("max_calls", 1 << 30):
        reasons.add("too_many_tool_calls")
    called = {c[0] for c in agent.calls}
    for rule in tools.get("required", []):
        if rule["name"] not in called:
            reasons.add("missing_tool_call")
    money_keys = {c[1] for c in agent.calls if c[0] == "charge" and c[2] in (200, 504)}
    if len(money_keys) > expected.get("effects", {}).get("max_applied", {}).get("money", 1 << 30):
        reasons.add("duplicate_side_effect")
    for rule in expected.get("artifacts", {}).get("required", []):
        path = os.path.join(agent.artifacts, rule["path"])
        if not os.path.exists(path) or os.path.getsize(path) == 0:
            reasons.add("missing_artifact_ref")
        elif "contains" in rule and rule["contains"] not in open(path).read():
            reasons.add("artifact_mismatch")
    for path in agent.evidence:
        try:
            if path.startswith("/state/"):
                pointer(agent.state, path[len("/state"):])
            else:
                _, _, index, _, rest = path.split("/", 4)
                pointer(responses[int(index)], "/" + rest)
        except (KeyError, IndexError, ValueError, TypeError):
            reasons.add("unresolved_evidence")
    if len(agent.evidence) < expected.get("evidence", {}).get("min_paths", 0):
        reasons.add("missing_evidence")
    partial = expected.get("output", {}).get("partial", {})
    if not isinstance(agent.output, dict) or any(agent.output.get(k) != v for k, v in partial.items()):
        reasons.add("output_mismatch")
    return reasons


@pytest.mark.parametrize("fixture", IDS)
def test_fixture(fixture, tmp_path):
    fixture_input = load(fixture, "input.json")
    expected = load(fixture, "expected.json")
    agent = Agent(fixture_input.get("state", {}), str(tmp_path))
    cassette = os.path.join(CASSETTES, fixture + ".yaml")
    with vcr.use_cassette(cassette, record_mode="none", match_on=["method", "uri", "body"]) as tape:
        agent.run(fixture_input["input"]["steps"])
        assert tape.all_played, "unused interactions"
    responses = [json.loads(r["body"]["string"] or "null") if r["status"]["code"] == 200 else None
                 for r in tape.responses]
    reasons = judge(agent, expected, responses)
    if "failed" in expected.get("verdict", ["passed"]):
        assert set(expected["reasons"]["required"]) <= reasons, reasons
    else:
        assert not reasons, reasons
