"""Error classes: one base subclassing ValueError, a stable code on each,
and the structured details per area."""

from __future__ import annotations

import pickle

import pytest

from openleash_core import (
    ActionError,
    ActionNotAllowed,
    OpenLeashError,
    OpenLeashKeyError,
    Policy,
    PolicyError,
    SignatureError,
    TokenError,
    ValueConversionError,
    action_hash,
    canonical_json,
    public_key_info,
    verify_token,
)
from support import ACTION, NOW, POLICY_YAML


@pytest.mark.parametrize(
    "error_class",
    [
        PolicyError,
        ActionError,
        ValueConversionError,
        OpenLeashKeyError,
        TokenError,
        SignatureError,
        ActionNotAllowed,
    ],
)
def test_every_error_subclasses_the_base(error_class: type) -> None:
    assert issubclass(error_class, OpenLeashError)
    assert issubclass(error_class, ValueError)


def test_policy_error_carries_every_diagnostic() -> None:
    with pytest.raises(PolicyError) as caught:
        Policy.from_yaml("version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: maybe\n    action: 5\n")
    error = caught.value
    assert error.code == error.diagnostics[0]["code"]
    assert [d["path"] for d in error.diagnostics] == ["rules[0].effect", "rules[0].action"]
    assert error.diagnostics[0] == {
        "code": "POLICY_INVALID_VALUE",
        "message": error.diagnostics[0]["message"],
        "path": "rules[0].effect",
        "line": 5,
        "column": 13,
    }
    assert str(error).startswith("invalid policy: 2 problems")
    assert error.message == str(error)


def test_policy_error_for_yaml_syntax_has_a_position() -> None:
    with pytest.raises(PolicyError) as caught:
        Policy.from_yaml("version: 1\ndefault: [unclosed\n")
    assert caught.value.code.startswith("YAML_")
    assert caught.value.diagnostics[0]["line"] >= 2


def test_policy_error_for_a_lone_surrogate_points_at_it() -> None:
    with pytest.raises(PolicyError) as caught:
        Policy.from_yaml("version: 1\ndefault: deny\nrules: []\n# \ud800\n")
    assert caught.value.code == "YAML_INVALID_UTF8"
    assert caught.value.diagnostics[0]["line"] == 4
    assert caught.value.diagnostics[0]["column"] == 3


def test_policy_from_yaml_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        Policy.from_yaml(b"version: 1")  # type: ignore[arg-type]


def test_action_error_carries_every_issue() -> None:
    action = dict(ACTION, action_id="not-a-uuid", action_type="")
    del action["payload"]
    with pytest.raises(ActionError) as caught:
        action_hash(action)
    error = caught.value
    assert error.code == "ACTION_INVALID_UUID"
    assert [(issue["code"], issue["path"]) for issue in error.issues] == [
        ("ACTION_INVALID_UUID", "action_id"),
        ("ACTION_EMPTY_STRING", "action_type"),
        ("ACTION_MISSING_FIELD", "payload"),
    ]
    assert all(set(issue) == {"code", "path", "message"} for issue in error.issues)
    assert str(error).startswith("invalid action: ")


def test_action_hash_raises_conversion_errors_before_validating() -> None:
    with pytest.raises(ValueConversionError) as caught:
        action_hash(dict(ACTION, payload={"when": {1, 2}}))
    assert caught.value.code == "VALUE_UNSUPPORTED_TYPE"
    assert caught.value.path == "payload.when"


def test_conversion_error_message_names_the_path() -> None:
    with pytest.raises(ValueConversionError) as caught:
        canonical_json({"a": [1, {"b": float("nan")}]})
    assert str(caught.value).startswith("cannot convert the value at a[1].b: ")


def test_deny_is_a_decision_not_an_exception() -> None:
    policy = Policy.from_yaml(POLICY_YAML)
    decision = policy.evaluate({"nothing": "valid"}, now=NOW)
    assert decision["result"] == "DENY"


def test_key_error_does_not_shadow_the_builtin() -> None:
    assert not issubclass(OpenLeashKeyError, KeyError)
    assert KeyError.__module__ == "builtins"


def test_raised_errors_carry_their_code() -> None:
    with pytest.raises(OpenLeashKeyError) as key_caught:
        public_key_info("k4.public.AAAA")
    assert key_caught.value.code == "KEY_WRONG_LENGTH"
    assert key_caught.value.message == str(key_caught.value)
    with pytest.raises(TokenError) as token_caught:
        verify_token("v4.public.AAAA", "MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=")
    assert token_caught.value.code == "TOKEN_MALFORMED"
    copy = pickle.loads(pickle.dumps(token_caught.value))
    assert (type(copy), copy.code, str(copy)) == (TokenError, token_caught.value.code, str(token_caught.value))


def test_token_and_signature_errors_take_a_code() -> None:
    error = TokenError("token expired", "TOKEN_EXPIRED")
    assert error.code == "TOKEN_EXPIRED"
    assert str(error) == "token expired"
    assert SignatureError("bad", "SIGNATURE_INVALID").code == "SIGNATURE_INVALID"


def test_errors_pickle_with_their_details() -> None:
    with pytest.raises(PolicyError) as caught:
        Policy.from_yaml("version: 1\n")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is PolicyError
    assert copy.code == caught.value.code
    assert copy.diagnostics == caught.value.diagnostics
    conversion = pickle.loads(pickle.dumps(ValueConversionError("m", "JSON_TOO_DEEP", "a.b")))
    assert (conversion.code, conversion.path) == ("JSON_TOO_DEEP", "a.b")
    issues = [{"code": "ACTION_MISSING_FIELD", "path": "payload", "message": "m"}]
    assert pickle.loads(pickle.dumps(ActionError("m", "ACTION_MISSING_FIELD", issues))).issues == issues  # type: ignore[arg-type]
