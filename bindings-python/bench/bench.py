"""Benchmark of openleash_core from Python, with baselines from the same run.

Run it against an installed package:

    python bindings-python/bench/bench.py

It uses the policies and the action of the Rust benchmark
(core/benches/engine.rs): 5 and 200 rules that match on their last rule,
and a typical purchase action. Each operation is timed in several rounds of
many calls; the table shows the fastest round's time per call (the least
disturbed by other work on the machine) and its ratio to two baselines
measured in the same process: ``json.dumps`` of the same action, and a
native call that does almost nothing (``canonical_json(None)``).
"""

from __future__ import annotations

import json
import platform
import sys
import timeit
from typing import Any, Callable, Dict, List, Tuple

import openleash_core

ACTION: Dict[str, Any] = {
    "action_id": "3b241101-e2bb-4255-8caf-4136c566a962",
    "action_type": "purchase",
    "requested_at": "2025-03-01T12:00:00.000Z",
    "principal": {"agent_id": "shopper-agent"},
    "subject": {"principal_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"},
    "relying_party": {"domain": "shop.example", "trust_profile": "MEDIUM"},
    "payload": {
        "amount_minor": 1999,
        "currency": "EUR",
        "merchant_domain": "shop.example",
        "items": [{"sku": "A-1", "qty": 2}],
        "assurance_level": "SUBSTANTIAL",
    },
}

NOW = "2025-03-01T12:00:00Z"


def policy_text(count: int) -> str:
    """A policy of ``count`` rules over many action types; only the last
    rule is for ``purchase`` and matches ACTION (as in engine.rs)."""
    text = "version: 1\ndefault: deny\nrules:\n"
    for index in range(count - 1):
        text += (
            f"  - id: rule_{index}\n    effect: allow\n"
            f'    action: "service{index % 40}.*"\n'
            "    when:\n      all:\n"
            f'        - match: {{path: "$.payload.amount_minor", op: lte, value: {1000 + index}}}\n'
            '        - match: {path: "$.payload.currency", op: in, value: [EUR, USD]}\n'
            "    constraints: {amount_max: 100000}\n"
        )
    text += (
        "  - id: purchases\n    effect: allow\n    action: purchase\n"
        "    when:\n      all:\n"
        '        - match: {path: "$.payload.currency", op: in, value: [EUR, USD]}\n'
        '        - not: {match: {path: "$.payload.merchant_domain", op: regex, value: "\\\\.invalid$"}}\n'
        '        - match: {path: "$.payload.items[0].qty", op: gte, value: 1}\n'
        "    constraints: {amount_max: 5000, currency: [EUR], merchant_domain: [shop.example]}\n"
        "    requirements: {min_assurance_level: SUBSTANTIAL}\n"
    )
    return text


def per_call_seconds(call: Callable[[], object], rounds: int = 7) -> float:
    """The fastest round's time per call, in seconds."""
    timer = timeit.Timer(call)
    calls, _ = timer.autorange()
    # About 0.2 s per round at least, so that one round is not noise.
    calls = max(calls, 1)
    return min(timer.repeat(repeat=rounds, number=calls)) / calls


def main() -> None:
    policies = {count: openleash_core.Policy.from_yaml(policy_text(count)) for count in (5, 200)}
    for policy in policies.values():
        decision = policy.evaluate(ACTION, now=NOW)
        if decision["result"] != "ALLOW" or decision["matched_rule_id"] != "purchases":
            sys.exit(f"benchmark policy did not allow the action: {decision['reason']}")

    json_dumps = per_call_seconds(lambda: json.dumps(ACTION))
    empty_call = per_call_seconds(lambda: openleash_core.canonical_json(None))

    rows: List[Tuple[str, float]] = [
        ("baseline: json.dumps(action)", json_dumps),
        ("baseline: empty native call, canonical_json(None)", empty_call),
    ]
    for count, policy in policies.items():
        rows.append(
            (
                f"evaluate, {count} rules, dict action, system clock",
                per_call_seconds(lambda policy=policy: policy.evaluate(ACTION)),
            )
        )
        rows.append(
            (
                f"evaluate, {count} rules, dict action, now as RFC 3339 str",
                per_call_seconds(lambda policy=policy: policy.evaluate(ACTION, now=NOW)),
            )
        )
    rows.append(("action_hash(action)", per_call_seconds(lambda: openleash_core.action_hash(ACTION))))
    rows.append(("canonical_json(action)", per_call_seconds(lambda: openleash_core.canonical_json(ACTION))))
    for count in (5, 200):
        text = policy_text(count)
        rows.append(
            (
                f"Policy.from_yaml, {count} rules",
                per_call_seconds(lambda text=text: openleash_core.Policy.from_yaml(text), rounds=3),
            )
        )

    print(
        f"openleash_core {openleash_core.__version__}, "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
    )
    print(f"{'operation':<58} {'per call':>12} {'/ json.dumps':>13} {'/ empty call':>13}")
    for name, seconds in rows:
        print(
            f"{name:<58} {seconds * 1e6:>9.2f} µs "
            f"{seconds / json_dumps:>12.2f}x {seconds / empty_call:>12.1f}x"
        )

    five_rules = dict(rows)["evaluate, 5 rules, dict action, system clock"]
    verdict = "met" if five_rules < 5e-6 else "NOT met"
    print(f"target: evaluate a 5-rule policy from a dict in under 5 µs: {verdict} ({five_rules * 1e6:.2f} µs)")


if __name__ == "__main__":
    main()
