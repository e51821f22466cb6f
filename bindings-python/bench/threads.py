"""Token, signature and authorizer calls from one and several threads.

Run it against an installed package:

    python bindings-python/bench/threads.py

It shows what releasing the GIL during signing and verifying costs a
single thread and gains several: for each operation, the time per call in
one thread, and the wall time per call when 2 and 4 threads run it
together (the total time divided by the total number of calls). With the
GIL released, the threads' Ed25519 work runs in parallel on as many cores
as the machine has; with it held, they run one after another.
"""

from __future__ import annotations

import os
import platform
import threading
import time
from typing import Callable, Dict, List, Tuple

import openleash_core
from openleash_core import Authorizer, KeySet, Policy, ReplayGuard

NOW = "2025-03-01T12:00:00Z"
PARAMS = {
    "decision_id": "5d1c7c3e-2a47-4f6e-9a0b-0c1d2e3f4a5b",
    "owner_type": "user",
    "owner_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80",
    "agent_id": "shopper-agent",
    "action_type": "purchase",
    "action_hash": "5fed50d1afcf598480f64ca09edb042a8a09c6b33c8712e3faeeea2aa1d4297d",
    "matched_rule_id": "allow_small",
    "trust_profile": "HIGH",
}
ACTION = {
    "action_id": "3b241101-e2bb-4255-8caf-4136c566a962",
    "action_type": "purchase",
    "requested_at": "2025-03-01T12:00:00.000Z",
    "principal": {"agent_id": "shopper-agent"},
    "subject": {"principal_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"},
    "payload": {"amount_minor": 1999, "currency": "EUR"},
}
POLICY = """\
version: 1
default: deny
rules:
  - id: with_proof
    effect: allow
    action: purchase
    proof: {required: true, ttl_seconds: 60}
  - id: without_proof
    effect: allow
    action: email.send
"""
POLICY_WITHOUT_PROOFS = """\
version: 1
default: deny
rules:
  - id: purchases
    effect: allow
    action: purchase
"""
CALLS_PER_THREAD = 2000


def operations() -> Dict[str, Callable[[], object]]:
    key = openleash_core.generate_key("bench-key", now=NOW)
    keys = KeySet()
    keys.rotate(key)
    token = openleash_core.issue_proof_token(keys, PARAMS, 120, now=NOW)["token"]
    authorizer = Authorizer(Policy.from_yaml(POLICY), keys)
    without_proof_rules = Authorizer(Policy.from_yaml(POLICY_WITHOUT_PROOFS), keys)
    headers = openleash_core.sign_request(key, "agent", "POST", "/v1/x", body=b"{}", nonce="n", now=NOW)
    no_proof_action = dict(ACTION, action_type="email.send")
    # Each verification gets a fresh replay guard, because one shared guard
    # would reject every call after the first as a replay.
    return {
        "verify_token (KeySet)": lambda: openleash_core.verify_token(token, keys, now=NOW),
        "issue_proof_token (KeySet)": lambda: openleash_core.issue_proof_token(keys, PARAMS, 120, now=NOW),
        "sign_request (2-byte body)": lambda: openleash_core.sign_request(
            key, "agent", "POST", "/v1/x", body=b"{}", nonce="n", now=NOW
        ),
        "verify_request (2-byte body)": lambda: openleash_core.verify_request(
            headers, "POST", "/v1/x", key, body=b"{}", now=NOW, guard=ReplayGuard(1)
        ),
        "authorize, proof issued": lambda: authorizer.authorize(ACTION, now=NOW),
        "authorize, no proof": lambda: authorizer.authorize(no_proof_action, now=NOW),
        "authorize, policy without proofs": lambda: without_proof_rules.authorize(ACTION, now=NOW),
    }


def per_call(call: Callable[[], object], threads: int) -> float:
    """Wall time per call, in seconds, with `threads` threads each making
    CALLS_PER_THREAD calls at once; the best of 3 runs."""
    best = float("inf")
    for _ in range(3):
        barrier = threading.Barrier(threads + 1)

        def work() -> None:
            barrier.wait()
            for _ in range(CALLS_PER_THREAD):
                call()

        workers = [threading.Thread(target=work) for _ in range(threads)]
        for worker in workers:
            worker.start()
        barrier.wait()
        started = time.perf_counter()
        for worker in workers:
            worker.join()
        best = min(best, (time.perf_counter() - started) / (threads * CALLS_PER_THREAD))
    return best


def main() -> None:
    print(
        f"openleash_core {openleash_core.__version__}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs"
    )
    rows: List[Tuple[str, List[float]]] = []
    for name, call in operations().items():
        call()
        rows.append((name, [per_call(call, threads) for threads in (1, 2, 4)]))
    print(f"{'operation':<34} {'1 thread':>10} {'2 threads':>10} {'4 threads':>10}   (µs per call, wall time)")
    for name, times in rows:
        print(f"{name:<34} " + " ".join(f"{seconds * 1e6:>10.2f}" for seconds in times))


if __name__ == "__main__":
    main()
