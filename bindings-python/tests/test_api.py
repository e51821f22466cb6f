"""The public API: policies, stacks, evaluation options, validation and
hashing."""

from __future__ import annotations

import pickle
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import openleash_core
from openleash_core import (
    Policy,
    PolicyStack,
    ValueConversionError,
    action_hash,
    evaluate,
    validate_policy,
)
from support import ACTION, NOW, POLICY_YAML, action_with

DECISION_KEYS = [
    "decision_id",
    "action_id",
    "action_hash",
    "result",
    "matched_rule_id",
    "reason",
    "obligations",
    "proof_required",
    "proof_ttl_seconds",
    "decided_at",
    "trace",
]
UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

AGENT_LAYER = """\
version: 1
default: passthrough
rules:
  - id: agent_no_gift_cards
    effect: deny
    action: purchase
    when: {match: {path: $.payload.category, op: eq, value: gift_card}}
"""


def test_policy_properties(policy: Policy) -> None:
    assert policy.rule_ids == ["small_purchase", "large_purchase"]
    assert policy.default == "deny"
    assert policy.warnings == []
    assert policy.document["version"] == 1
    assert policy.document["rules"][1]["obligations"][0]["type"] == "HUMAN_APPROVAL"
    assert repr(policy) == "<Policy default=deny rules=2>"


def test_decision_has_the_cli_keys_in_order(policy: Policy) -> None:
    decision = policy.evaluate(ACTION, now=NOW)
    assert list(decision) == DECISION_KEYS
    assert decision["result"] == "ALLOW"
    assert decision["matched_rule_id"] == "small_purchase"
    assert decision["reason"] == 'Allowed by rule "small_purchase"'
    assert decision["action_id"] == ACTION["action_id"]
    assert decision["action_hash"] == action_hash(ACTION)
    assert decision["decided_at"] == "2025-03-01T12:00:00.000Z"
    assert decision["proof_required"] is False
    assert decision["proof_ttl_seconds"] is None
    assert UUID_V4.match(decision["decision_id"])
    assert decision["trace"][0] == {
        "rule_id": "small_purchase",
        "pattern_match": True,
        "when_match": True,
        "constraints_match": True,
        "final_match": True,
    }


def test_obligations_are_plain_dicts(policy: Policy) -> None:
    decision = policy.evaluate(action_with(amount_minor=900000, currency="EUR"), now=NOW)
    assert decision["result"] == "REQUIRE_APPROVAL"
    [obligation] = decision["obligations"]
    assert UUID_V4.match(obligation["obligation_id"])
    assert obligation["type"] == "HUMAN_APPROVAL"
    assert obligation["status"] == "PENDING"
    assert obligation["details_json"] == {"reason": "large"}


def test_decision_ids_are_unique(policy: Policy) -> None:
    ids = {policy.evaluate(ACTION, now=NOW)["decision_id"] for _ in range(1000)}
    assert len(ids) == 1000


def test_decisions_do_not_share_mutable_parts(policy: Policy) -> None:
    first = policy.evaluate(ACTION, now=NOW)
    first["trace"][1]["rule_id"] = "changed"
    first["trace"].clear()
    second = policy.evaluate(ACTION, now=NOW)
    assert second["trace"][1]["rule_id"] == "large_purchase"


def test_invalid_action_is_a_deny_decision(policy: Policy) -> None:
    decision = policy.evaluate({"action_type": "purchase"}, now=NOW)
    assert decision["result"] == "DENY"
    assert decision["error"]["code"] == "ACTION_MISSING_FIELD"
    assert list(decision)[-1] == "error"


def test_non_dict_action_is_a_deny_decision(policy: Policy) -> None:
    assert policy.evaluate([], now=NOW)["error"]["code"] == "ACTION_INVALID_TYPE"  # type: ignore[arg-type]
    assert policy.evaluate(None, now=NOW)["error"]["code"] == "ACTION_INVALID_TYPE"  # type: ignore[arg-type]


def test_module_evaluate_takes_a_policy_or_a_stack(policy: Policy) -> None:
    assert evaluate(policy, ACTION, now=NOW)["result"] == "ALLOW"
    assert evaluate(PolicyStack([policy]), ACTION, now=NOW)["result"] == "ALLOW"
    with pytest.raises(TypeError, match="Policy or a PolicyStack"):
        evaluate("not a policy", ACTION)  # type: ignore[arg-type]


def test_now_defaults_to_the_system_clock(policy: Policy) -> None:
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    decided = datetime.fromisoformat(policy.evaluate(ACTION)["decided_at"].replace("Z", "+00:00"))
    after = datetime.now(timezone.utc) + timedelta(seconds=1)
    assert before <= decided <= after


def test_now_accepts_rfc3339_with_offset(policy: Policy) -> None:
    decision = policy.evaluate(ACTION, now="2025-03-01T13:00:00.250+01:00")
    assert decision["decided_at"] == "2025-03-01T12:00:00.250Z"


def test_now_accepts_an_aware_datetime(policy: Policy) -> None:
    cet = timezone(timedelta(hours=1))
    moment = datetime(2025, 3, 1, 13, 0, 0, 123999, tzinfo=cet)
    assert policy.evaluate(ACTION, now=moment)["decided_at"] == "2025-03-01T12:00:00.123Z"
    early = datetime(1969, 12, 31, 23, 59, 59, 999500, tzinfo=timezone.utc)
    assert policy.evaluate(ACTION, now=early)["decided_at"] == "1969-12-31T23:59:59.999Z"


@pytest.mark.parametrize(
    ("now", "message"),
    [
        (datetime(2025, 3, 1, 12, 0), "naive datetime"),
        ("2025-03-01 12:00", "expected RFC 3339"),
        ("2025-03-01T12:00:00", "expected RFC 3339"),
        (1740830400, "found int"),
        (b"2025-03-01T12:00:00Z", "found bytes"),
    ],
)
def test_invalid_now_raises(policy: Policy, now: object, message: str) -> None:
    with pytest.raises(ValueConversionError, match=message) as caught:
        policy.evaluate(ACTION, now=now)  # type: ignore[arg-type]
    assert caught.value.code == "INVALID_TIMESTAMP"
    assert caught.value.path == "now"


def test_default_proof_ttl_is_reported_when_proof_is_required() -> None:
    policy = Policy.from_yaml(
        "version: 1\ndefault: deny\nrules:\n"
        "  - id: r\n    effect: allow\n    action: purchase\n    proof: {required: true}\n"
    )
    assert policy.evaluate(ACTION, now=NOW)["proof_ttl_seconds"] is None
    decision = policy.evaluate(ACTION, now=NOW, default_proof_ttl_seconds=120)
    assert decision["proof_required"] is True
    assert decision["proof_ttl_seconds"] == 120
    assert type(decision["proof_ttl_seconds"]) is int
    assert policy.evaluate(ACTION, now=NOW, default_proof_ttl_seconds=1.5)["proof_ttl_seconds"] == 1.5


@pytest.mark.parametrize("ttl", [0, -1, float("nan"), float("inf"), True, "60"])
def test_invalid_default_proof_ttl_raises(policy: Policy, ttl: object) -> None:
    with pytest.raises(ValueConversionError) as caught:
        policy.evaluate(ACTION, now=NOW, default_proof_ttl_seconds=ttl)  # type: ignore[arg-type]
    assert caught.value.code == "INVALID_PROOF_TTL"
    assert caught.value.path == "default_proof_ttl_seconds"


def test_options_are_keyword_only(policy: Policy) -> None:
    with pytest.raises(TypeError):
        policy.evaluate(ACTION, NOW)  # type: ignore[misc]


def test_stack_layers_most_specific_first(policy: Policy) -> None:
    agent = Policy.from_yaml(AGENT_LAYER)
    stack = PolicyStack([agent, policy])
    assert stack.default == "deny"
    assert stack.rule_ids == ["agent_no_gift_cards", "small_purchase", "large_purchase"]
    assert [layer.rule_ids for layer in stack.layers] == [agent.rule_ids, policy.rule_ids]
    assert stack.document["version"] == 1
    assert len(stack.document["rules"]) == 3
    assert repr(stack) == "<PolicyStack layers=2 default=deny>"
    denied = stack.evaluate(action_with(amount_minor=100, currency="EUR", category="gift_card"), now=NOW)
    assert denied["matched_rule_id"] == "agent_no_gift_cards"
    assert stack.evaluate(ACTION, now=NOW)["matched_rule_id"] == "small_purchase"
    assert len(stack.evaluate(ACTION, now=NOW)["trace"]) == 3


def test_stack_of_passthrough_layers_denies() -> None:
    stack = PolicyStack([Policy.from_yaml(AGENT_LAYER)])
    assert stack.default == "deny"
    alone = Policy.from_yaml(AGENT_LAYER).evaluate(ACTION, now=NOW)
    assert "passthrough" in alone["reason"]
    assert stack.evaluate(ACTION, now=NOW)["reason"] == "No rule matched; default policy: deny"


def test_empty_stack_denies() -> None:
    decision = PolicyStack([]).evaluate(ACTION, now=NOW)
    assert decision["result"] == "DENY"
    assert decision["trace"] == []


def test_stack_accepts_any_iterable_of_policies(policy: Policy) -> None:
    assert PolicyStack(iter([policy, policy])).rule_ids == policy.rule_ids * 2
    assert PolicyStack((policy,)).rule_ids == policy.rule_ids


def test_stack_rejects_other_objects(policy: Policy) -> None:
    with pytest.raises(TypeError, match="item 1 is str"):
        PolicyStack([policy, POLICY_YAML])  # type: ignore[list-item]


def test_policies_and_stacks_pickle(policy: Policy) -> None:
    copy = pickle.loads(pickle.dumps(policy))
    assert copy.rule_ids == policy.rule_ids
    assert copy.evaluate(ACTION, now=NOW)["result"] == "ALLOW"
    stack = pickle.loads(pickle.dumps(PolicyStack([Policy.from_yaml(AGENT_LAYER), policy])))
    assert stack.rule_ids == ["agent_no_gift_cards", "small_purchase", "large_purchase"]


def test_policies_are_immutable(policy: Policy) -> None:
    with pytest.raises(AttributeError):
        policy.default = "allow"  # type: ignore[misc]


def test_warnings_are_diagnostics() -> None:
    policy = Policy.from_yaml(
        "version: 1\ndefault: deny\nrules:\n"
        "  - {id: r, effect: allow, action: a}\n  - {id: r, effect: deny, action: b}\n"
    )
    [warning] = policy.warnings
    assert set(warning) == {"code", "message", "path", "line", "column"}
    assert warning["line"] == 5
    assert validate_policy(
        "version: 1\ndefault: deny\nrules:\n  - {id: r, effect: allow, action: a}\n  - {id: r, effect: deny, action: b}\n"
    ) == []


def test_from_file_reads_a_policy(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML, encoding="utf-8")
    assert Policy.from_file(path).rule_ids == ["small_purchase", "large_purchase"]
    assert Policy.from_file(str(path)).default == "deny"


def test_from_file_raises_oserror_for_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(FileNotFoundError) as caught:
        Policy.from_file(missing)
    assert caught.value.filename == str(missing)


def test_from_file_reports_invalid_utf8_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"version: 1\ndefault: deny\n# caf\xe9\nrules: []\n")
    with pytest.raises(openleash_core.PolicyError) as caught:
        Policy.from_file(path)
    assert caught.value.code == "YAML_INVALID_UTF8"
    assert caught.value.diagnostics[0]["line"] == 3


def test_from_file_rejects_a_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (1024 * 1024 + 1))
    with pytest.raises(openleash_core.PolicyError) as caught:
        Policy.from_file(path)
    assert caught.value.code == "YAML_TOO_LARGE"


def test_policy_text_at_the_size_limit_loads() -> None:
    text = "version: 1\ndefault: deny\nrules: []\n"
    text += "#" * (1024 * 1024 - len(text))
    assert Policy.from_yaml(text).rule_ids == []
    with pytest.raises(openleash_core.PolicyError, match="limit"):
        Policy.from_yaml(text + "#")


def test_validate_policy_lists_every_problem() -> None:
    diagnostics = validate_policy("version: 2\ndefault: maybe\nrules: 5\n")
    assert [(d["code"], d["path"], d["line"], d["column"]) for d in diagnostics] == [
        ("POLICY_UNSUPPORTED_VERSION", "version", 1, 10),
        ("POLICY_INVALID_VALUE", "default", 2, 10),
        ("POLICY_INVALID_TYPE", "rules", 3, 8),
    ]
    assert '"maybe"' in diagnostics[1]["message"]
    assert validate_policy(POLICY_YAML) == []


def test_validate_policy_never_raises_for_bad_text() -> None:
    assert validate_policy("{{{")[0]["code"].startswith("YAML_")
    assert validate_policy("a: \ud800")[0]["code"] == "YAML_INVALID_UTF8"
    assert validate_policy("")[0]["code"].startswith("POLICY_")


def test_action_hash_normalizes_the_action() -> None:
    with_extra = dict(ACTION, unknown_key="dropped")
    assert action_hash(with_extra) == action_hash(ACTION)
    assert re.fullmatch("[0-9a-f]{64}", action_hash(ACTION))


def test_version_is_exposed() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", openleash_core.__version__)
