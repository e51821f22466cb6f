"""One policy shared by many threads, and decision ids across a fork."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, List, Tuple

import pytest

from openleash_core import Policy, PolicyStack
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
