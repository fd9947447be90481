"""Converts tapedeck cassettes (tool_cassettes.json) into equivalent vcrpy cassettes.

Every interaction becomes one recorded HTTP exchange: POST http://tools.invalid/<tool> with the
request as JSON body (and the idempotency key as a header); the answer is the response as JSON
with status 200. Faults become what an HTTP client would have seen: rate_limited -> 429 with
Retry-After, unavailable -> 503, timeout and timeout_after_success -> 504, connection_reset ->
502, truncated / invalid_response -> 200 with a cut body; slow keeps its answer.
"""

import json
import os
import sys

import yaml

BASE = "http://tools.invalid/"

FAULT_STATUS = {
    "rate_limited": 429,
    "unavailable": 503,
    "timeout": 504,
    "timeout_after_success": 504,
    "connection_reset": 502,
}


def body(value):
    return json.dumps(value)


def exchange(interaction):
    headers = {"Content-Type": ["application/json"]}
    if interaction.get("idempotency_key"):
        headers["Idempotency-Key"] = [interaction["idempotency_key"]]
    fault = interaction.get("fault") or {}
    kind = fault.get("kind")
    status, text, response_headers = 200, body(interaction.get("response")), {}
    if kind in FAULT_STATUS:
        status, text = FAULT_STATUS[kind], body({"error": kind})
        if kind == "rate_limited" and "retry_after_ms" in fault:
            response_headers["Retry-After"] = [str(fault["retry_after_ms"] / 1000)]
    elif kind in ("truncated", "invalid_response"):
        text = text[: len(text) // 2]
    elif "error" in interaction:
        status, text = 500, body(interaction["error"])
    response_headers["Content-Type"] = ["application/json"]
    return {
        "request": {
            "method": "POST",
            "uri": BASE + interaction["tool"],
            "body": body(interaction["request"]),
            "headers": headers,
        },
        "response": {
            "status": {"code": status, "message": "OK" if status == 200 else "ERR"},
            "headers": response_headers,
            "body": {"string": text},
        },
    }


def convert(fixture_dir, out_path):
    with open(os.path.join(fixture_dir, "tool_cassettes.json")) as f:
        cassette = json.load(f)
    data = {
        "version": 1,
        "interactions": [exchange(i) for i in cassette["interactions"]],
    }
    with open(out_path, "w") as f:
        yaml.safe_dump(data, f, sort_keys=True)


def main(suite, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    count = 0
    for name in sorted(os.listdir(suite)):
        fixture = os.path.join(suite, name)
        if os.path.isdir(fixture):
            convert(fixture, os.path.join(out_dir, name + ".yaml"))
            count += 1
    print(f"converted {count} cassettes into {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
