"""Values crossing between Python and the engine: every accepted type, every
rejected one with its code, and the limits."""

from __future__ import annotations

import collections
import decimal
import enum
import fractions
import types
import uuid
from datetime import date, datetime, timezone
from typing import Any, Dict

import pytest

from openleash_core import MAX_JSON_DEPTH, Policy, ValueConversionError, canonical_json
from support import NOW, POLICY_YAML, action_with


def rejection(value: Any) -> ValueConversionError:
    with pytest.raises(ValueConversionError) as caught:
        canonical_json(value)
    return caught.value


class Color(str, enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Ratio(float):
    pass


class OrderedKeys(collections.OrderedDict):  # type: ignore[type-arg]
    pass


class SameTextKey(str):
    """Distinct dict keys with equal text."""

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


def test_scalars_convert_to_their_json_forms() -> None:
    assert canonical_json(None) == "null"
    assert canonical_json(True) == "true"
    assert canonical_json(False) == "false"
    assert canonical_json(0) == "0"
    assert canonical_json(-17) == "-17"
    assert canonical_json(1.5) == "1.5"
    assert canonical_json(1e21) == "1e+21"
    assert canonical_json(-0.0) == "0"
    assert canonical_json("é\n") == '"é\\n"'


def test_true_is_a_boolean_not_one() -> None:
    assert canonical_json([True, 1, False, 0]) == "[true,1,false,0]"
    assert canonical_json({"flag": True}) == '{"flag":true}'


def test_integers_equal_to_a_double_are_accepted() -> None:
    assert canonical_json(2**53) == "9007199254740992"
    assert canonical_json(-(2**53)) == "-9007199254740992"
    # RFC 8785 writes numbers as ECMAScript does: shortest round-trip digits.
    assert canonical_json(2**60) == "1152921504606847000"
    assert canonical_json(10**21) == "1e+21"
    assert canonical_json(2**100) == "1.2676506002282294e+30"
    assert canonical_json(2**200) == canonical_json(float(2**200))
    assert canonical_json(-(2**127)) == canonical_json(float(-(2**127)))


@pytest.mark.parametrize(
    "number",
    [
        2**53 + 1,
        -(2**53) - 1,
        2**63 - 1,
        2**64 + 1,
        12345678901234567890,
        2**127 - 1,
        2**128 + 1,
        3**100,
        2**1024,
        -(2**2000),
        10**5000,
    ],
    ids=lambda number: f"{number.bit_length()}-bit",
)
def test_integers_a_double_would_round_are_rejected(number: int) -> None:
    error = rejection(number)
    assert error.code == "JSON_NUMBER_OUT_OF_RANGE"
    assert "would be rounded" in str(error)


def test_huge_integer_message_gives_its_size_not_its_digits() -> None:
    error = rejection(10**5000)
    assert "bits" in str(error)
    assert len(str(error)) < 300


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_floats_are_rejected(number: float) -> None:
    error = rejection({"amount": number})
    assert error.code == "JSON_NUMBER_OUT_OF_RANGE"
    assert error.path == "amount"
    assert "not a finite number" in str(error)


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        (decimal.Decimal("19.99"), "minor currency units"),
        (fractions.Fraction(1, 3), "minor currency units"),
        (b"bytes", "base64"),
        (bytearray(b"x"), "base64"),
        (memoryview(b"x"), "base64"),
        ({1, 2}, "sorted list"),
        (frozenset({"a"}), "sorted list"),
        (datetime(2025, 3, 1, tzinfo=timezone.utc), "isoformat"),
        (date(2025, 3, 1), "isoformat"),
        (1j, "real"),
        (object(), "pass None, bool, int, float, str"),
        (uuid.UUID(int=1), "pass None, bool, int, float, str"),
        (range(3), "pass None, bool, int, float, str"),
        (iter([1]), "pass None, bool, int, float, str"),
    ],
)
def test_values_without_a_json_form_are_rejected(value: Any, hint: str) -> None:
    error = rejection({"payload": {"items": [value]}})
    assert error.code == "VALUE_UNSUPPORTED_TYPE"
    assert error.path == "payload.items[0]"
    assert hint in str(error)


@pytest.mark.parametrize("key", [1, 1.5, True, None, (1, 2), b"k"])
def test_non_string_keys_are_rejected(key: Any) -> None:
    error = rejection({"payload": {key: "value"}})
    assert error.code == "VALUE_INVALID_KEY"
    assert error.path == "payload"


def test_int_key_error_shows_the_key() -> None:
    assert "int 1" in str(rejection({1: "one"}))


def test_tuples_convert_to_arrays() -> None:
    assert canonical_json((1, "a", (True,))) == '[1,"a",[true]]'


def test_subclasses_convert_as_their_base_type() -> None:
    assert canonical_json(Color.RED) == '"red"'
    assert canonical_json(Level.HIGH) == "3"
    assert canonical_json(Ratio(0.5)) == "0.5"
    assert canonical_json(OrderedKeys([("b", 1), ("a", 2)])) == '{"a":2,"b":1}'
    assert canonical_json({Color.RED: 1}) == '{"red":1}'


def test_other_mappings_convert_through_dict() -> None:
    assert canonical_json(types.MappingProxyType({"k": [1]})) == '{"k":[1]}'


def test_keys_with_equal_text_are_rejected() -> None:
    error = rejection({SameTextKey("a"): 1, SameTextKey("a"): 2})
    assert error.code == "JSON_DUPLICATE_KEY"
    assert '"a"' in str(error)


def test_lone_surrogates_are_rejected() -> None:
    error = rejection({"s": "\ud800x"})
    assert error.code == "JSON_LONE_SURROGATE"
    assert error.path == "s"


def test_surrogate_pairs_written_as_one_code_point_are_accepted() -> None:
    assert canonical_json("\U0001f600") == '"\U0001f600"'


def nested_lists(depth: int) -> Any:
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_nesting_at_the_depth_limit_is_accepted() -> None:
    assert MAX_JSON_DEPTH == 64
    text = canonical_json(nested_lists(MAX_JSON_DEPTH))
    assert text == "[" * 64 + "]" * 64


def test_nesting_past_the_depth_limit_is_rejected() -> None:
    error = rejection(nested_lists(MAX_JSON_DEPTH + 1))
    assert error.code == "JSON_TOO_DEEP"
    assert error.path == "[0]" * MAX_JSON_DEPTH


def test_very_deep_nesting_is_rejected_without_recursing() -> None:
    value: Dict[str, Any] = {}
    for _ in range(10_000):
        value = {"next": value}
    assert rejection(value).code == "JSON_TOO_DEEP"


def test_cyclic_structures_are_rejected() -> None:
    items: Any = []
    items.append(items)
    assert rejection(items).code == "JSON_TOO_DEEP"
    mapping: Any = {}
    mapping["self"] = mapping
    assert rejection(mapping).code == "JSON_TOO_DEEP"


def test_unconvertible_action_is_a_deny_decision() -> None:
    policy = Policy.from_yaml(POLICY_YAML)
    decision = policy.evaluate(action_with(amount_minor=decimal.Decimal("1")), now=NOW)
    assert decision["result"] == "DENY"
    assert decision["error"]["code"] == "VALUE_UNSUPPORTED_TYPE"
    assert "payload.amount_minor" in decision["error"]["message"]
    assert decision["reason"] == "Denied: " + decision["error"]["message"]
    assert decision["action_hash"] == ""
    assert decision["trace"] == []


def test_rounded_integer_in_an_action_is_a_deny_decision() -> None:
    policy = Policy.from_yaml(POLICY_YAML)
    decision = policy.evaluate(action_with(amount_minor=2**53 + 1), now=NOW)
    assert decision["result"] == "DENY"
    assert decision["error"]["code"] == "JSON_NUMBER_OUT_OF_RANGE"


def test_cyclic_action_is_a_deny_decision() -> None:
    policy = Policy.from_yaml(POLICY_YAML)
    action = action_with()
    action["payload"]["self"] = action
    decision = policy.evaluate(action, now=NOW)
    assert decision["error"]["code"] == "JSON_TOO_DEEP"


def test_output_numbers_are_int_within_2_53_else_float() -> None:
    policy = Policy.from_yaml(
        "version: 1\ndefault: deny\nrules:\n"
        "  - id: r\n    effect: allow\n    action: purchase\n"
        "    obligations:\n      - type: DEPOSIT\n"
        "        params: {small: 5, half: 0.5, exact: 9007199254740992, beyond: 18014398509481984, neg: -3}\n"
    )
    details = policy.document["rules"][0]["obligations"][0]["params"]
    assert details == {"small": 5, "half": 0.5, "exact": 2**53, "beyond": 2.0**54, "neg": -3}
    assert type(details["small"]) is int
    assert type(details["exact"]) is int
    assert type(details["half"]) is float
    assert type(details["beyond"]) is float


def test_output_booleans_and_nulls_keep_their_types() -> None:
    policy = Policy.from_yaml(
        "version: 1\ndefault: deny\nrules:\n"
        "  - id: r\n    effect: allow\n    action: purchase\n"
        "    when: {match: {path: $.payload.flag, op: eq, value: true}}\n"
    )
    match = policy.document["rules"][0]["when"]["match"]
    assert match["value"] is True
    decision = policy.evaluate(action_with(flag=1), now=NOW)
    assert decision["result"] == "DENY"
    assert policy.evaluate(action_with(flag=True), now=NOW)["result"] == "ALLOW"
