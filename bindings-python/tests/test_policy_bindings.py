"""Policy bindings: ordering binding records for an agent and building the
stack of the policies they bind."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Dict, List

import pytest

from openleash_core import Policy, PolicyError, PolicyStack, order_bindings
from support import ACTION, NOW

DENY_PURCHASES = "version: 1\ndefault: passthrough\nrules:\n  - {id: agent_deny, effect: deny, action: purchase}\n"
ALLOW_ALL = "version: 1\ndefault: allow\nrules: []\n"


def record(policy_id: str, agent: Any = None, **extra: Any) -> Dict[str, Any]:
    return {"policy_id": policy_id, "applies_to_agent_principal_id": agent, **extra}


BINDINGS: List[Dict[str, Any]] = [
    record("owner", owner_type="org", owner_id="org-1"),
    record("late", "agent-a", rank=300),
    record("other", "agent-b"),
    record("group", None, applies_to_group_id="g1"),
    record("early", "agent-a", rank=5),
]


def test_order_bindings_returns_given_records() -> None:
    ordered = order_bindings(BINDINGS, "agent-a", ["g1"])
    assert [item["policy_id"] for item in ordered] == ["early", "late", "group", "owner"]
    # The records themselves, not copies, extra keys included.
    assert ordered[-1] is BINDINGS[0]
    assert ordered[-1]["owner_type"] == "org"


def test_order_bindings_group_defaults() -> None:
    assert [item["policy_id"] for item in order_bindings(BINDINGS, "agent-c")] == ["owner"]
    assert [item["policy_id"] for item in order_bindings(tuple(BINDINGS), "agent-c", ("g1",))] == [
        "group",
        "owner",
    ]


def test_order_bindings_malformed_record() -> None:
    with pytest.raises(PolicyError) as raised:
        order_bindings([record("a"), {"policy_id": "b"}], "agent-a")
    assert raised.value.code == "BINDING_INVALID"
    assert "bindings[1]: applies_to_agent_principal_id is required" in str(raised.value)
    assert raised.value.diagnostics == []

    with pytest.raises(PolicyError) as raised:
        order_bindings([record("a", rank="high")], "agent-a")
    assert raised.value.code == "BINDING_INVALID"
    assert "rank must be a number, found string" in str(raised.value)


def test_order_bindings_argument_types() -> None:
    with pytest.raises(PolicyError) as raised:
        order_bindings({"policy_id": "a"}, "agent-a")  # type: ignore[arg-type]
    assert raised.value.code == "BINDING_INVALID"
    assert "bindings must be an array, found object" in str(raised.value)
    with pytest.raises(TypeError):
        order_bindings(BINDINGS, "agent-a", "g1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        order_bindings(BINDINGS, 7)  # type: ignore[arg-type]


def test_for_agent_layers_bound_policies() -> None:
    agent_layer = Policy.from_yaml(DENY_PURCHASES)
    owner_layer = Policy.from_yaml(ALLOW_ALL)
    policies = {"agent": agent_layer, "owner": owner_layer}
    bindings = [record("owner"), record("agent", "agent-a")]

    stack = PolicyStack.for_agent(bindings, policies, "agent-a")
    assert stack.layers == [agent_layer, owner_layer]
    decision = stack.evaluate(ACTION, now=NOW)
    assert (decision["result"], decision["matched_rule_id"]) == ("DENY", "agent_deny")

    other = PolicyStack.for_agent(bindings, MappingProxyType(policies), "agent-b")
    assert other.layers == [owner_layer]
    assert other.evaluate(ACTION, now=NOW)["result"] == "ALLOW"


def test_for_agent_missing_policy() -> None:
    policies = {"owner": Policy.from_yaml(ALLOW_ALL)}
    with pytest.raises(PolicyError) as raised:
        PolicyStack.for_agent([record("owner"), record("strict", "agent-a")], policies, "agent-a")
    assert raised.value.code == "BINDING_UNKNOWN_POLICY"
    assert '"strict"' in str(raised.value)
    # A binding that does not apply may name a policy that is absent.
    stack = PolicyStack.for_agent([record("owner"), record("strict", "agent-b")], policies, "agent-a")
    assert len(stack.layers) == 1


def test_for_agent_non_policy_value() -> None:
    with pytest.raises(TypeError, match=r'policies\["owner"\] must be a Policy'):
        PolicyStack.for_agent([record("owner")], {"owner": ALLOW_ALL}, "agent-a")
    with pytest.raises(TypeError):
        PolicyStack.for_agent([record("owner")], [Policy.from_yaml(ALLOW_ALL)], "agent-a")  # type: ignore[arg-type]


def test_for_agent_checks_every_entry() -> None:
    owner = Policy.from_yaml(ALLOW_ALL)
    with pytest.raises(TypeError, match=r'policies\["unused"\] must be a Policy'):
        PolicyStack.for_agent([record("owner")], {"owner": owner, "unused": 5}, "agent-a")
    with pytest.raises(TypeError, match="mapping"):
        PolicyStack.for_agent([record("owner", "agent-b")], None, "agent-a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="keys of policies must be str"):
        PolicyStack.for_agent([record("owner")], {1: owner}, "agent-a")  # type: ignore[dict-item]


def test_order_bindings_reads_records_once() -> None:
    class Shifty(list):  # type: ignore[type-arg]
        """Returns another record when indexed than when iterated."""

        def __getitem__(self, index: Any) -> Any:
            return record("impostor")

    records = Shifty([record("owner")])
    ordered = order_bindings(records, "agent-a")
    assert ordered == [record("owner")]


def test_order_bindings_limits() -> None:
    with pytest.raises(PolicyError, match="more than the limit of 1000") as raised:
        order_bindings([record("owner")] * 1001, "agent-a")
    assert raised.value.code == "BINDING_INVALID"
    assert len(order_bindings([record("owner")] * 1000, "agent-a")) == 1000
    with pytest.raises(PolicyError, match="group ids") as raised:
        order_bindings([record("owner")], "agent-a", [str(index) for index in range(1001)])
    assert raised.value.code == "BINDING_INVALID"


def test_order_bindings_negative_zero_rank() -> None:
    ordered = order_bindings([record("first", rank=0), record("second", rank=-0.0)], "agent-a")
    assert [item["policy_id"] for item in ordered] == ["first", "second"]
