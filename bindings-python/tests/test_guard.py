"""The guard: a tool runs only when its action is allowed."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any, Dict, List

import pytest

from openleash_core import ActionNotAllowed, Decision, OpenLeashError, Policy, guard
from support import NOW, POLICY_YAML, action_with


def purchase(amount_minor: int, currency: str = "EUR", action_type: str = "purchase") -> Dict[str, Any]:
    action = action_with(amount_minor=amount_minor, currency=currency)
    action["action_type"] = action_type
    return action


def make_tool(calls: List[int]) -> Any:
    policy = Policy.from_yaml(POLICY_YAML)

    @guard(policy, purchase, clock=lambda: NOW)
    def buy(amount_minor: int, currency: str = "EUR", action_type: str = "purchase") -> str:
        calls.append(amount_minor)
        return f"bought for {amount_minor}"

    return buy


def test_allowed_call_runs_the_tool() -> None:
    calls: List[int] = []
    buy = make_tool(calls)
    assert buy(100) == "bought for 100"
    assert buy(200, currency="EUR") == "bought for 200"
    assert calls == [100, 200]


def test_refused_call_raises_and_skips_the_tool() -> None:
    calls: List[int] = []
    buy = make_tool(calls)
    with pytest.raises(ActionNotAllowed) as caught:
        buy(900_000)
    refused = caught.value
    assert calls == []
    assert refused.result == "REQUIRE_APPROVAL"
    assert refused.code == "REQUIRE_APPROVAL"
    assert refused.reason == refused.decision["reason"]
    assert [obligation["type"] for obligation in refused.obligations] == ["HUMAN_APPROVAL"]
    assert refused.decision["matched_rule_id"] == "large_purchase"
    assert isinstance(refused, OpenLeashError)
    assert str(refused) == f"REQUIRE_APPROVAL: {refused.reason}"


def test_denied_call_carries_the_deny_decision() -> None:
    calls: List[int] = []
    buy = make_tool(calls)
    with pytest.raises(ActionNotAllowed) as caught:
        buy(100, action_type="refund")
    assert caught.value.result == "DENY"
    assert caught.value.decision["matched_rule_id"] is None
    assert caught.value.obligations == []


def test_builder_that_cannot_cross_is_a_denial() -> None:
    policy = Policy.from_yaml(POLICY_YAML)

    @guard(policy, lambda: {"payload": {1, 2}})
    def tool() -> None:
        raise AssertionError("the tool must not run")

    with pytest.raises(ActionNotAllowed) as caught:
        tool()
    assert caught.value.decision["error"]["code"] == "VALUE_UNSUPPORTED_TYPE"


def test_on_decision_sees_every_decision() -> None:
    policy = Policy.from_yaml(POLICY_YAML)
    seen: List[Decision] = []
    buy = guard(policy, purchase, on_decision=seen.append)(
        lambda amount_minor, currency="EUR", action_type="purchase": amount_minor
    )
    buy(100)
    with pytest.raises(ActionNotAllowed):
        buy(100, "EUR", "refund")
    assert [decision["result"] for decision in seen] == ["ALLOW", "DENY"]


def test_clock_sets_the_decision_time() -> None:
    policy = Policy.from_yaml(POLICY_YAML)
    seen: List[Decision] = []
    moment = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    buy = guard(policy, purchase, clock=lambda: moment, on_decision=seen.append)(lambda amount_minor: amount_minor)
    buy(1)
    assert seen[0]["decided_at"] == "2030-01-02T03:04:05.000Z"


def test_default_proof_ttl_reaches_the_decision() -> None:
    policy = Policy.from_yaml(
        "version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: purchase\n    proof: {required: true}\n"
    )
    seen: List[Decision] = []
    buy = guard(policy, purchase, default_proof_ttl_seconds=90, on_decision=seen.append)(lambda amount_minor: None)
    buy(1)
    assert seen[0]["proof_ttl_seconds"] == 90


def test_wrapper_keeps_the_tool_metadata() -> None:
    buy = make_tool([])
    assert buy.__name__ == "buy"
    assert buy.__wrapped__.__name__ == "buy"


def test_async_tools_are_guarded() -> None:
    policy = Policy.from_yaml(POLICY_YAML)
    calls: List[int] = []

    @guard(policy, purchase)
    async def buy(amount_minor: int, currency: str = "EUR", action_type: str = "purchase") -> int:
        calls.append(amount_minor)
        return amount_minor

    assert asyncio.run(buy(100)) == 100
    with pytest.raises(ActionNotAllowed):
        asyncio.run(buy(100, "EUR", "refund"))
    assert calls == [100]
