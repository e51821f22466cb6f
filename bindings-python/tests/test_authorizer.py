"""The Authorizer: decisions with proof tokens issued exactly when due."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from openleash_core import (
    Authorizer,
    KeySet,
    OpenLeashKeyError,
    Policy,
    PolicyStack,
    ValueConversionError,
    secret_key_paserk,
    verify_token,
)
from keytools import ZERO_SEED_PUBLIC, ones_key, public_only, zero_key
from support import ACTION, action_with

NOW = "2025-03-01T12:00:00.000Z"

POLICY = Policy.from_yaml(
    """\
version: 1
default: deny
rules:
  - id: small_purchase
    effect: allow
    action: purchase
    constraints: {amount_max: 5000}
    proof: {required: true, ttl_seconds: 60}
  - id: medium_purchase
    effect: allow
    action: purchase
    constraints: {amount_max: 50000}
    proof: {required: true}
  - id: huge_purchase
    effect: allow
    action: purchase
    constraints: {amount_max: 500000}
    proof: {required: true, ttl_seconds: 86400}
  - id: no_proof
    effect: allow
    action: email.send
"""
)


def signing_keys() -> KeySet:
    keys = KeySet()
    keys.rotate(zero_key("issuer"))
    return keys


def purchase(amount: int, **extra: Any) -> Dict[str, Any]:
    action = action_with(amount_minor=amount, currency="EUR")
    action.update(extra)
    return action


@pytest.fixture()
def authorizer() -> Authorizer:
    return Authorizer(POLICY, signing_keys())


def test_allowed_action_with_proof_gets_a_token(authorizer: Authorizer) -> None:
    decision = authorizer.authorize(purchase(1999), now=NOW)
    assert decision["result"] == "ALLOW"
    assert decision["matched_rule_id"] == "small_purchase"
    assert decision["proof_required"] is True
    assert decision["proof_expires_at"] == "2025-03-01T12:01:00.000Z"
    verified = verify_token(
        decision["proof_token"],
        ZERO_SEED_PUBLIC,
        now=NOW,
        expect={"action_hash": decision["action_hash"], "decision_id": decision["decision_id"]},
    )
    assert verified["claims"] == {
        "iss": "openleash",
        "kid": "issuer",
        "iat": NOW,
        "exp": "2025-03-01T12:01:00.000Z",
        "decision_id": decision["decision_id"],
        "owner_type": "user",
        "owner_id": ACTION["subject"]["principal_id"],  # type: ignore[index]
        "agent_id": "shopper-agent",
        "action_type": "purchase",
        "action_hash": decision["action_hash"],
        "matched_rule_id": "small_purchase",
    }


def test_decision_keys_extend_evaluate(authorizer: Authorizer) -> None:
    decision = authorizer.authorize(purchase(1999), now=NOW)
    evaluated = POLICY.evaluate(purchase(1999), now=NOW, default_proof_ttl_seconds=120)
    assert list(decision) == [*evaluated, "proof_token", "proof_expires_at"]
    for key in ("result", "matched_rule_id", "reason", "proof_required", "proof_ttl_seconds", "trace", "action_hash"):
        assert decision[key] == evaluated[key]  # type: ignore[literal-required]


def test_no_proof_when_none_is_required(authorizer: Authorizer) -> None:
    action = dict(ACTION, action_type="email.send")
    decision = authorizer.authorize(action, now=NOW)
    assert decision["result"] == "ALLOW"
    assert decision["proof_required"] is False
    assert "proof_token" not in decision
    assert "proof_expires_at" not in decision


def test_no_proof_for_a_denied_action(authorizer: Authorizer) -> None:
    decision = authorizer.authorize(purchase(5_000_000), now=NOW)
    assert decision["result"] == "DENY"
    assert "proof_token" not in decision


def test_high_trust_profile_requires_a_proof(authorizer: Authorizer) -> None:
    action = dict(ACTION, action_type="email.send", relying_party={"domain": "bank.example", "trust_profile": "HIGH"})
    decision = authorizer.authorize(action, now=NOW)
    assert decision["proof_required"] is True
    claims = verify_token(decision["proof_token"], ZERO_SEED_PUBLIC, now=NOW)["claims"]
    assert claims["trust_profile"] == "HIGH"
    assert claims["matched_rule_id"] == "no_proof"


def test_ttl_defaults_and_maximum() -> None:
    authorizer = Authorizer(POLICY, signing_keys(), default_ttl_seconds=30, max_ttl_seconds=600)
    assert authorizer.authorize(purchase(20_000), now=NOW)["proof_expires_at"] == "2025-03-01T12:00:30.000Z"
    assert authorizer.authorize(purchase(200_000), now=NOW)["proof_expires_at"] == "2025-03-01T12:10:00.000Z"
    default = Authorizer(POLICY, signing_keys())
    assert default.authorize(purchase(20_000), now=NOW)["proof_expires_at"] == "2025-03-01T12:02:00.000Z"
    assert default.authorize(purchase(200_000), now=NOW)["proof_expires_at"] == "2025-03-01T13:00:00.000Z"


def test_owner_is_written_into_proofs() -> None:
    authorizer = Authorizer(POLICY, signing_keys(), owner={"owner_type": "org", "owner_id": "org-7"})
    decision = authorizer.authorize(purchase(1999), now=NOW)
    claims = verify_token(decision["proof_token"], ZERO_SEED_PUBLIC, now=NOW)["claims"]
    assert (claims["owner_type"], claims["owner_id"]) == ("org", "org-7")


def test_key_file_and_secret_paserk_sign() -> None:
    for keys in (zero_key("file-key"), secret_key_paserk(zero_key())):
        decision = Authorizer(POLICY, keys).authorize(purchase(1999), now=NOW)
        assert verify_token(decision["proof_token"], ZERO_SEED_PUBLIC, now=NOW)["claims"]["kid"]


def test_policy_stack_is_accepted() -> None:
    stack = PolicyStack([POLICY])
    decision = Authorizer(stack, signing_keys()).authorize(purchase(1999), now=NOW)
    assert decision["matched_rule_id"] == "small_purchase"
    assert "proof_token" in decision


def test_invalid_action_is_a_deny_decision(authorizer: Authorizer) -> None:
    decision = authorizer.authorize({"action_type": "purchase"}, now=NOW)
    assert decision["result"] == "DENY"
    assert decision["error"]["code"] == "ACTION_MISSING_FIELD"
    assert "proof_token" not in decision


def test_unconvertible_action_is_a_deny_decision(authorizer: Authorizer) -> None:
    decision = authorizer.authorize(purchase(1999, payload={"amount": {1.5}}), now=NOW)
    assert decision["result"] == "DENY"
    assert decision["error"]["code"] == "VALUE_UNSUPPORTED_TYPE"
    assert decision["decided_at"] == NOW


def test_rotation_applies_to_the_next_decision() -> None:
    keys = signing_keys()
    authorizer = Authorizer(POLICY, keys)
    assert authorizer.authorize(purchase(1999), now=NOW)["proof_token"]
    keys.rotate(ones_key("next"))
    decision = authorizer.authorize(purchase(1999), now=NOW)
    assert verify_token(decision["proof_token"], keys, now=NOW)["kid"] == "next"
    assert repr(authorizer) == '<Authorizer rules=4 active="next">'


def test_revoked_key_turns_the_decision_into_a_deny() -> None:
    keys = signing_keys()
    authorizer = Authorizer(POLICY, keys)
    keys.revoke("issuer", at=NOW)
    decision = authorizer.authorize(purchase(1999), now=NOW)
    assert decision["result"] == "DENY"
    assert decision["error"]["code"] == "TOKEN_REVOKED_KEY"
    assert "proof_token" not in decision
    # Decisions that need no proof are unaffected.
    assert authorizer.authorize(dict(ACTION, action_type="email.send"), now=NOW)["result"] == "ALLOW"


def test_now_defaults_to_the_system_clock(authorizer: Authorizer) -> None:
    decision = authorizer.authorize(purchase(1999))
    assert verify_token(decision["proof_token"], ZERO_SEED_PUBLIC)["claims"]["iat"] == decision["decided_at"]


def test_key_set_without_an_active_key_is_rejected() -> None:
    with pytest.raises(OpenLeashKeyError) as caught:
        Authorizer(POLICY, KeySet([zero_key()]))
    assert caught.value.code == "KEY_NO_ACTIVE_KEY"


def test_verify_only_key_is_rejected() -> None:
    with pytest.raises(OpenLeashKeyError) as caught:
        Authorizer(POLICY, public_only(zero_key()))
    assert caught.value.code == "KEY_NOT_SIGNING"


@pytest.mark.parametrize(
    "settings",
    [
        {"default_ttl_seconds": 0},
        {"max_ttl_seconds": -1},
        {"default_ttl_seconds": float("nan")},
        {"owner": {"owner_type": "user"}},
        {"owner": {"owner_type": "user", "owner_id": 5}},
        {"owner": "user"},
    ],
)
def test_invalid_settings_are_rejected(settings: Dict[str, Any]) -> None:
    with pytest.raises(OpenLeashKeyError) as caught:
        Authorizer(POLICY, signing_keys(), **settings)
    assert caught.value.code == "KEY_INVALID_SETTINGS"


def test_settings_of_the_wrong_type_raise_conversion_errors() -> None:
    with pytest.raises(ValueConversionError) as caught:
        Authorizer(POLICY, signing_keys(), default_ttl_seconds="120")
    assert caught.value.path == "default_ttl_seconds"
    with pytest.raises(ValueConversionError) as caught:
        Authorizer(POLICY, signing_keys(), owner={"owner_type": b"user"})
    assert caught.value.path == "owner.owner_type"


def test_owner_unknown_field_rejected() -> None:
    owner = {"owner_type": "org", "owner_id": "acme", "ownerId": "acme"}
    with pytest.raises(OpenLeashKeyError) as caught:
        Authorizer(POLICY, signing_keys(), owner=owner)
    assert caught.value.code == "KEY_INVALID_SETTINGS"


def test_authorizer_takes_a_policy_or_a_stack() -> None:
    with pytest.raises(TypeError):
        Authorizer("version: 1", signing_keys())  # type: ignore[arg-type]


def test_invalid_now_raises(authorizer: Authorizer) -> None:
    with pytest.raises(ValueConversionError) as caught:
        authorizer.authorize(purchase(1999), now="noon")
    assert caught.value.code == "INVALID_TIMESTAMP"


def test_policy_without_proof_rules_issues_proofs_for_high_trust() -> None:
    # The GIL is held for decisions that cannot issue a proof; a HIGH trust
    # profile still gets one.
    policy = Policy.from_yaml("version: 1\ndefault: deny\nrules:\n  - id: any_purchase\n    effect: allow\n    action: purchase\n")
    authorizer = Authorizer(policy, signing_keys())
    assert "proof_token" not in authorizer.authorize(purchase(1999), now=NOW)
    for profile in ("HIGH", "REGULATED"):
        action = purchase(1999, relying_party={"domain": "bank.example", "trust_profile": profile})
        decision = authorizer.authorize(action, now=NOW)
        assert decision["proof_required"] is True
        assert verify_token(decision["proof_token"], ZERO_SEED_PUBLIC, now=NOW)["claims"]["trust_profile"] == profile
    lowercase = purchase(1999, relying_party={"domain": "bank.example", "trust_profile": "high"})
    assert "proof_token" not in authorizer.authorize(lowercase, now=NOW)
