"""Policies, authorizers, key sets and replay guards shared by many
threads, and decision ids across a fork."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, List, Tuple

import pytest

from openleash_core import (
    Authorizer,
    KeySet,
    Policy,
    PolicyStack,
    ReplayGuard,
    SignatureError,
    issue_proof_token,
    sign_request,
    verify_request,
    verify_token,
)
from keytools import ZERO_SEED_PUBLIC, ones_key, public_only, zero_key
from support import NOW, POLICY_YAML, action_with

THREADS = 16
DECISIONS_PER_THREAD = 500


def expected_result(amount: int) -> Tuple[str, str]:
    if amount <= 5000:
        return ("ALLOW", "small_purchase")
    return ("REQUIRE_APPROVAL", "large_purchase")


def decide_many(target: Any, worker: int, barrier: threading.Barrier) -> List[str]:
    """Decides a mix of actions and checks each decision; returns the ids."""
    barrier.wait()
    ids = []
    for index in range(DECISIONS_PER_THREAD):
        amount = (worker * 7919 + index * 104729) % 10000
        # Every tenth action carries a long string, so that some decisions
        # run with the GIL released while others hold it.
        notes = "n" * 70_000 if index % 10 == 0 else ""
        decision = target.evaluate(action_with(amount_minor=amount, currency="EUR", notes=notes), now=NOW)
        result, rule = expected_result(amount)
        assert decision["result"] == result, (amount, decision["reason"])
        assert decision["matched_rule_id"] == rule
        ids.append(decision["decision_id"])
    return ids


@pytest.mark.parametrize("make_target", [lambda p: p, lambda p: PolicyStack([p])], ids=["policy", "stack"])
def test_threads_share_one_policy(make_target: Any) -> None:
    target = make_target(Policy.from_yaml(POLICY_YAML))
    barrier = threading.Barrier(THREADS)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(decide_many, target, worker, barrier) for worker in range(THREADS)]
        ids = [decision_id for future in futures for decision_id in future.result()]
    assert len(ids) == THREADS * DECISIONS_PER_THREAD
    assert len(set(ids)) == len(ids)


def test_threads_load_policies_concurrently() -> None:
    barrier = threading.Barrier(8)

    def load(_: int) -> List[str]:
        barrier.wait()
        return [Policy.from_yaml(POLICY_YAML).default for _ in range(50)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [value for chunk in pool.map(load, range(8)) for value in chunk]
    assert results == ["deny"] * 400


def test_replay_guard_accepts_one_nonce_once_across_threads() -> None:
    guard = ReplayGuard()
    rounds = 20
    barrier = threading.Barrier(THREADS)

    def verify_all(_: int) -> List[str]:
        outcomes = []
        for index in range(rounds):
            headers = dict(sign_request(zero_key(), "agent-1", "POST", "/v1/pay", body=b"{}", nonce=f"n-{index}", now=NOW))
            barrier.wait()
            try:
                verify_request(headers, "POST", "/v1/pay", ZERO_SEED_PUBLIC, body=b"{}", now=NOW, guard=guard)
                outcomes.append("accepted")
            except SignatureError as error:
                outcomes.append(error.code)
        return outcomes

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        per_thread = list(pool.map(verify_all, range(THREADS)))
    for index in range(rounds):
        outcomes = [outcomes[index] for outcomes in per_thread]
        assert outcomes.count("accepted") == 1, (index, outcomes)
        assert outcomes.count("NONCE_REPLAY") == THREADS - 1
    assert len(guard) == rounds


def test_threads_share_one_authorizer() -> None:
    keys = KeySet()
    keys.rotate(zero_key("issuer"))
    policy = Policy.from_yaml(POLICY_YAML.replace("constraints: {amount_max: 5000, currency: [EUR]}", "constraints: {amount_max: 5000, currency: [EUR]}\n    proof: {required: true, ttl_seconds: 60}"))
    authorizer = Authorizer(policy, keys)
    barrier = threading.Barrier(8)

    def authorize_many(worker: int) -> List[Tuple[str, str, str]]:
        barrier.wait()
        proofs = []
        for index in range(100):
            decision = authorizer.authorize(action_with(amount_minor=worker * 100 + index, currency="EUR"), now=NOW)
            assert decision["result"] == "ALLOW"
            proofs.append((decision["proof_token"], decision["action_hash"], decision["decision_id"]))
        return proofs

    with ThreadPoolExecutor(max_workers=8) as pool:
        proofs = [proof for chunk in pool.map(authorize_many, range(8)) for proof in chunk]
    assert len({decision_id for _, _, decision_id in proofs}) == 800
    for token, action_hash, decision_id in proofs:
        verify_token(token, ZERO_SEED_PUBLIC, now=NOW, expect={"action_hash": action_hash, "decision_id": decision_id})


def test_key_set_changes_while_threads_verify() -> None:
    keys = KeySet()
    keys.rotate(zero_key("first"))
    params = {
        "decision_id": "d",
        "owner_type": "user",
        "owner_id": "o",
        "agent_id": "a",
        "action_type": "t",
        "action_hash": "h",
        "matched_rule_id": None,
    }
    token = issue_proof_token(keys, params, 3600, now=NOW)["token"]
    stop = threading.Event()

    def verify_until_stopped(_: int) -> int:
        count = 0
        while not stop.is_set() or count == 0:
            assert verify_token(token, keys, now=NOW)["kid"] == "first"
            count += 1
        return count

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(verify_until_stopped, worker) for worker in range(4)]
        for index in range(50):
            keys.add(public_only(dict(ones_key(), kid=f"extra-{index}")))
        keys.rotate(ones_key("second"))
        stop.set()
        assert all(future.result() > 0 for future in futures)
    assert keys.active_kid == "second"
    assert len(keys) == 52


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_draws_its_own_decision_ids() -> None:
    policy = Policy.from_yaml(POLICY_YAML)
    action = action_with(amount_minor=1, currency="EUR")
    policy.evaluate(action, now=NOW)  # the parent now holds a block of random bytes
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            ids = [policy.evaluate(action, now=NOW)["decision_id"] for _ in range(5)]
            os.write(write_end, ",".join(ids).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        child_ids = pipe.read().split(",")
    os.waitpid(child, 0)
    parent_ids = [policy.evaluate(action, now=NOW)["decision_id"] for _ in range(5)]
    assert len(child_ids) == 5
    assert not set(child_ids) & set(parent_ids)
