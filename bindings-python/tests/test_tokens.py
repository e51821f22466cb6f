"""Issuing and verifying proof, approval and session tokens, and every
TOKEN_* error code."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Dict

import pytest

from openleash_core import (
    KeySet,
    OpenLeashKeyError,
    TokenError,
    ValueConversionError,
    generate_key,
    issue_approval_token,
    issue_proof_token,
    issue_session_token,
    public_key_info,
    verify_token,
)
from keytools import ONES_SEED_PUBLIC, ZERO_SEED_PUBLIC, b64url, ones_key, public_only, zero_key

NOW = "2025-03-01T12:00:00.000Z"
LATER = "2025-03-01T12:01:00.000Z"
PROOF = {
    "decision_id": "5d1c7c3e-2a47-4f6e-9a0b-0c1d2e3f4a5b",
    "owner_type": "user",
    "owner_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80",
    "agent_id": "shopper-agent",
    "action_type": "purchase",
    "action_hash": "5fed50d1afcf598480f64ca09edb042a8a09c6b33c8712e3faeeea2aa1d4297d",
    "matched_rule_id": "allow_small",
}
APPROVAL = {
    "approval_request_id": "0e8d2f14-7b5a-4c3e-9f10-2a3b4c5d6e7f",
    "owner_type": "user",
    "owner_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80",
    "agent_id": "shopper-agent",
    "action_type": "purchase",
    "action_hash": "5fed50d1afcf598480f64ca09edb042a8a09c6b33c8712e3faeeea2aa1d4297d",
}
SESSION = {
    "sub": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80",
    "system_roles": ["admin"],
    "org_memberships": [{"org_id": "org-1", "role": "owner"}],
}


@pytest.fixture(scope="module")
def proof() -> Dict[str, Any]:
    return dict(issue_proof_token(zero_key("issuer"), PROOF, 120, now=NOW))


def token_code(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(TokenError) as caught:
        call(*args, **kwargs)
    assert str(caught.value).startswith(caught.value.code + ": ")
    return caught.value.code


def verify_code(token: str, keys: Any = None, **options: Any) -> str:
    options.setdefault("now", LATER)
    return token_code(verify_token, token, public_only(zero_key("issuer")) if keys is None else keys, **options)


# Issuing


def test_proof_token_claims_are_in_openleash_order(proof: Dict[str, Any]) -> None:
    assert list(proof) == ["token", "claims", "issued_at", "expires_at"]
    assert list(proof["claims"]) == ["iss", "kid", "iat", "exp", *PROOF]
    assert proof["claims"]["iss"] == "openleash"
    assert proof["claims"]["kid"] == "issuer"
    assert proof["issued_at"] == proof["claims"]["iat"] == NOW
    assert proof["expires_at"] == proof["claims"]["exp"] == "2025-03-01T12:02:00.000Z"
    assert proof["token"].startswith("v4.public.")


def test_proof_token_is_deterministic(proof: Dict[str, Any]) -> None:
    again = issue_proof_token(zero_key("issuer"), PROOF, 120, now=NOW)
    assert again["token"] == proof["token"]


def test_proof_token_optional_claims() -> None:
    params = dict(PROOF, matched_rule_id=None, trust_profile="HIGH", constraints_snapshot={"amount_max": 5000})
    claims = issue_proof_token(zero_key(), params, 60, now=NOW)["claims"]
    assert claims["matched_rule_id"] is None
    assert list(claims)[-2:] == ["trust_profile", "constraints_snapshot"]
    assert claims["constraints_snapshot"] == {"amount_max": 5000}


def test_fractional_ttl_is_truncated_to_milliseconds() -> None:
    issued = issue_proof_token(zero_key(), PROOF, 1.5004, now=NOW)
    assert issued["expires_at"] == "2025-03-01T12:00:01.500Z"


def test_now_accepts_an_aware_datetime() -> None:
    at = datetime(2025, 3, 1, 13, 0, 0, 250_999, tzinfo=timezone(timedelta(hours=1)))
    assert issue_proof_token(zero_key(), PROOF, 60, now=at)["issued_at"] == "2025-03-01T12:00:00.250Z"


def test_now_defaults_to_the_system_clock() -> None:
    issued = issue_proof_token(zero_key(), PROOF, 60)
    issued_at = datetime.fromisoformat(issued["issued_at"].replace("Z", "+00:00"))
    assert abs((issued_at - datetime.now(timezone.utc)).total_seconds()) < 5
    assert verify_token(issued["token"], ZERO_SEED_PUBLIC)["kid"].startswith("k4.pid.")


def test_approval_token_round_trip() -> None:
    issued = issue_approval_token(zero_key("issuer"), APPROVAL, 300, now=NOW)
    assert list(issued["claims"]) == ["iss", "kid", "iat", "exp", *APPROVAL, "purpose"]
    assert issued["claims"]["purpose"] == "approval"
    verified = verify_token(
        issued["token"],
        ZERO_SEED_PUBLIC,
        purpose="approval",
        now=LATER,
        expect={"approval_request_id": APPROVAL["approval_request_id"]},
    )
    assert verified["purpose"] == "approval"
    assert verified["claims"] == issued["claims"]


def test_session_token_round_trip() -> None:
    issued = issue_session_token(zero_key("issuer"), SESSION, 3600, now=NOW)
    assert list(issued["claims"]) == ["iss", "kid", "sub", "iat", "exp", "purpose", "system_roles", "org_memberships"]
    assert issued["claims"]["purpose"] == "user_session"
    verified = verify_token(issued["token"], ZERO_SEED_PUBLIC, purpose="session", now=LATER, expect={"sub": SESSION["sub"]})
    assert verified["purpose"] == "session"
    assert verified["claims"]["org_memberships"] == SESSION["org_memberships"]
    minimal = issue_session_token(zero_key("issuer"), {"sub": "u"}, 60, now=NOW)
    assert list(minimal["claims"]) == ["iss", "kid", "sub", "iat", "exp", "purpose"]


@pytest.mark.parametrize("ttl", [0, -30, float("nan"), float("inf"), float("-inf"), 1e300, 10**400])
def test_invalid_ttl_is_rejected(ttl: Any) -> None:
    assert token_code(issue_proof_token, zero_key(), PROOF, ttl, now=NOW) == "TOKEN_INVALID_TTL"


def test_issuing_needs_a_private_key() -> None:
    assert token_code(issue_proof_token, public_only(zero_key()), PROOF, 60, now=NOW) == "TOKEN_NO_SIGNING_KEY"
    assert token_code(issue_proof_token, ZERO_SEED_PUBLIC, PROOF, 60, now=NOW) == "TOKEN_NO_SIGNING_KEY"
    assert token_code(issue_approval_token, KeySet([zero_key()]), APPROVAL, 60, now=NOW) == "TOKEN_NO_SIGNING_KEY"


@pytest.mark.parametrize(
    ("call", "params"),
    [
        (issue_proof_token, dict(PROOF, decision_idd="x")),
        (issue_proof_token, {key: value for key, value in PROOF.items() if key != "agent_id"}),
        (issue_proof_token, dict(PROOF, agent_id=5)),
        (issue_proof_token, dict(PROOF, constraints_snapshot=[1])),
        (issue_proof_token, ["not", "an", "object"]),
        (issue_approval_token, PROOF),
        (issue_session_token, {"sub": "u", "org_memberships": [{"org_id": "o"}]}),
        (issue_session_token, {"sub": "u", "system_roles": "admin"}),
    ],
)
def test_invalid_params_are_rejected(call: Any, params: Any) -> None:
    assert token_code(call, zero_key(), params, 60, now=NOW) == "TOKEN_INVALID_PARAMS"


# Verifying


def test_verified_token_has_claims_and_key(proof: Dict[str, Any]) -> None:
    verified = verify_token(proof["token"], KeySet([public_only(zero_key("issuer"))]), now=LATER)
    assert verified == {
        "claims": proof["claims"],
        "kid": "issuer",
        "purpose": "proof",
        "issued_at": NOW,
        "expires_at": proof["expires_at"],
    }


def test_every_key_form_verifies(proof: Dict[str, Any]) -> None:
    info = public_key_info(zero_key())
    for keys in (zero_key("issuer"), public_only(zero_key("issuer")), ZERO_SEED_PUBLIC, info["paserk"]):
        assert verify_token(proof["token"], keys, now=LATER)["claims"] == proof["claims"]


def test_validity_window_and_leeway(proof: Dict[str, Any]) -> None:
    token = proof["token"]
    assert verify_token(token, ZERO_SEED_PUBLIC, now=NOW)["kid"]
    assert verify_code(token, now="2025-03-01T12:02:00.000Z") == "TOKEN_EXPIRED"
    assert verify_code(token, now="2025-03-01T11:59:59.999Z") == "TOKEN_NOT_YET_VALID"
    assert verify_token(token, ZERO_SEED_PUBLIC, now="2025-03-01T12:02:04.999Z", leeway_seconds=5)
    assert verify_code(token, now="2025-03-01T12:02:05.000Z", leeway_seconds=5) == "TOKEN_EXPIRED"
    assert verify_token(token, ZERO_SEED_PUBLIC, now="2025-03-01T11:59:55.000Z", leeway_seconds=5.0)
    assert verify_code(token, now="2025-03-01T11:59:54.999Z", leeway_seconds=5) == "TOKEN_NOT_YET_VALID"


@pytest.mark.parametrize("leeway", [-1, 86_401, float("nan")])
def test_leeway_out_of_range_is_rejected(proof: Dict[str, Any], leeway: float) -> None:
    assert verify_code(proof["token"], leeway_seconds=leeway) == "TOKEN_INVALID_PARAMS"


@pytest.mark.parametrize("claim", ["action_hash", "agent_id", "action_type", "decision_id"])
def test_expectations_are_checked(proof: Dict[str, Any], claim: str) -> None:
    token = proof["token"]
    assert verify_token(token, ZERO_SEED_PUBLIC, now=LATER, expect={claim: PROOF[claim]})
    assert verify_code(token, expect={claim: "other"}) == "TOKEN_CLAIM_MISMATCH"


def test_absent_expected_claim_is_a_mismatch(proof: Dict[str, Any]) -> None:
    assert verify_code(proof["token"], expect={"sub": "u"}) == "TOKEN_CLAIM_MISMATCH"
    assert verify_token(proof["token"], ZERO_SEED_PUBLIC, now=LATER, expect={"sub": None})


def test_invalid_expectations_are_rejected(proof: Dict[str, Any]) -> None:
    assert verify_code(proof["token"], expect={"action_hashh": "x"}) == "TOKEN_INVALID_PARAMS"
    assert verify_code(proof["token"], expect={"action_hash": 5}) == "TOKEN_INVALID_PARAMS"


def test_purposes_are_never_confused(proof: Dict[str, Any]) -> None:
    approval = issue_approval_token(zero_key("issuer"), APPROVAL, 300, now=NOW)["token"]
    session = issue_session_token(zero_key("issuer"), SESSION, 300, now=NOW)["token"]
    assert verify_code(proof["token"], purpose="approval") == "TOKEN_WRONG_PURPOSE"
    assert verify_code(proof["token"], purpose="session") == "TOKEN_WRONG_PURPOSE"
    assert verify_code(approval) == "TOKEN_WRONG_PURPOSE"
    assert verify_code(approval, purpose="session") == "TOKEN_WRONG_PURPOSE"
    assert verify_code(session, purpose="approval") == "TOKEN_WRONG_PURPOSE"
    assert verify_code(proof["token"], purpose="bogus") == "TOKEN_INVALID_PARAMS"


def test_wrong_and_unknown_keys(proof: Dict[str, Any]) -> None:
    token = proof["token"]
    assert verify_code(token, ONES_SEED_PUBLIC) == "TOKEN_BAD_SIGNATURE"
    two_others = KeySet([public_only(ones_key("a")), public_only(generate_key("b"))])
    assert verify_code(token, two_others) == "TOKEN_UNKNOWN_KEY"
    # With the issuer's kid among several keys, the token verifies.
    assert verify_token(token, KeySet([public_only(ones_key("a")), public_only(zero_key("issuer"))]), now=LATER)


def test_tampered_token_is_rejected(proof: Dict[str, Any]) -> None:
    token = proof["token"]
    body = token[len("v4.public.") :]
    flipped = "B" if body[20] != "B" else "C"
    assert verify_code("v4.public." + body[:20] + flipped + body[21:]) in {"TOKEN_BAD_SIGNATURE", "TOKEN_MALFORMED"}
    signature_flipped = body[:-2] + ("A" if body[-2] != "A" else "Q") + body[-1]
    assert verify_code("v4.public." + signature_flipped) == "TOKEN_BAD_SIGNATURE"


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("", "TOKEN_UNSUPPORTED"),
        ("v4.public.", "TOKEN_MALFORMED"),
        ("v4.public.AAAA", "TOKEN_MALFORMED"),
        ("v4.public.not+base64url", "TOKEN_MALFORMED"),
        ("v4.local." + b64url(bytes(100)), "TOKEN_UNSUPPORTED"),
        ("v3.public." + b64url(bytes(100)), "TOKEN_UNSUPPORTED"),
        ("v4.public." + "A" * 70_000, "TOKEN_TOO_LARGE"),
    ],
)
def test_malformed_tokens(token: str, code: str) -> None:
    assert verify_code(token) == code


def test_footers(proof: Dict[str, Any]) -> None:
    token = proof["token"]
    assert verify_code(token, footer="kid") == "TOKEN_FOOTER_MISMATCH"
    assert verify_code(token, footer=b"kid") == "TOKEN_FOOTER_MISMATCH"
    assert verify_code(token + "." + b64url(b"footer")) == "TOKEN_FOOTER_MISMATCH"
    # The expected footer is bound into the signature: matching footers
    # reach the signature check, which fails for a footer added later.
    assert verify_code(token + "." + b64url(b"footer"), footer="footer") == "TOKEN_BAD_SIGNATURE"
    assert verify_token(token, ZERO_SEED_PUBLIC, now=LATER, footer=b"")


def test_claims_nested_too_deep_are_invalid() -> None:
    snapshot: Dict[str, Any] = {}
    inner = snapshot
    for _ in range(20):
        inner["next"] = {}
        inner = inner["next"]
    # A verifier would refuse such claims, so issuing refuses them.
    with pytest.raises(TokenError) as caught:
        issue_proof_token(zero_key("issuer"), dict(PROOF, constraints_snapshot=snapshot), 60, now=NOW)
    assert caught.value.code == "TOKEN_INVALID_CLAIMS"


def test_revoked_key_in_a_verifier_file(proof: Dict[str, Any]) -> None:
    revoked = dict(public_only(zero_key("issuer")), revoked_at="2025-03-01T12:00:30.000Z")
    assert verify_token(proof["token"], revoked, now="2025-03-01T12:00:29.000Z")
    assert verify_code(proof["token"], revoked) == "TOKEN_REVOKED_KEY"


def test_unicode_claims_round_trip() -> None:
    params = dict(PROOF, agent_id="agent-\u00e9-\U0001f600", action_type="caf\u00e9.order")
    issued = issue_proof_token(zero_key("issuer"), params, 120, now=NOW)
    verified = verify_token(issued["token"], ZERO_SEED_PUBLIC, now=LATER, expect={"agent_id": params["agent_id"]})
    assert verified["claims"]["action_type"] == "caf\u00e9.order"


def test_verify_key_errors_raise_key_errors(proof: Dict[str, Any]) -> None:
    with pytest.raises(OpenLeashKeyError) as caught:
        verify_token(proof["token"], "k4.public.AAAA", now=LATER)
    assert caught.value.code == "KEY_WRONG_LENGTH"


# Argument types


def test_token_must_be_a_str(proof: Dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        verify_token(proof["token"].encode(), ZERO_SEED_PUBLIC)  # type: ignore[arg-type]


def test_params_with_no_json_form_raise_conversion_errors() -> None:
    with pytest.raises(ValueConversionError) as caught:
        issue_proof_token(zero_key(), dict(PROOF, constraints_snapshot={"items": {1, 2}}), 60, now=NOW)
    assert caught.value.code == "VALUE_UNSUPPORTED_TYPE"
    assert caught.value.path == "params.constraints_snapshot.items"


@pytest.mark.parametrize("ttl", ["60", None, True, [60]])
def test_ttl_must_be_a_number(ttl: Any) -> None:
    with pytest.raises(ValueConversionError) as caught:
        issue_proof_token(zero_key(), PROOF, ttl, now=NOW)
    assert caught.value.code == "VALUE_UNSUPPORTED_TYPE"
    assert caught.value.path == "ttl_seconds"


def test_leeway_must_be_a_number(proof: Dict[str, Any]) -> None:
    with pytest.raises(ValueConversionError) as caught:
        verify_token(proof["token"], ZERO_SEED_PUBLIC, now=LATER, leeway_seconds="5")  # type: ignore[arg-type]
    assert caught.value.path == "leeway_seconds"


@pytest.mark.parametrize("now", [datetime(2025, 3, 1, 12, 0), "yesterday", 1740830400])
def test_invalid_now_raises(proof: Dict[str, Any], now: Any) -> None:
    with pytest.raises(ValueConversionError) as caught:
        verify_token(proof["token"], ZERO_SEED_PUBLIC, now=now)
    assert caught.value.code == "INVALID_TIMESTAMP"
    assert caught.value.path == "now"


def test_footer_must_be_bytes_or_str(proof: Dict[str, Any]) -> None:
    with pytest.raises(ValueConversionError) as caught:
        verify_token(proof["token"], ZERO_SEED_PUBLIC, now=LATER, footer=5)  # type: ignore[arg-type]
    assert caught.value.path == "footer"


def test_unconvertible_key_raises_conversion_error(proof: Dict[str, Any]) -> None:
    with pytest.raises(ValueConversionError) as caught:
        verify_token(proof["token"], {"kid": b"bytes"}, now=LATER)
    assert caught.value.path == "keys.kid"


def test_options_are_keyword_only(proof: Dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        verify_token(proof["token"], ZERO_SEED_PUBLIC, "proof")  # type: ignore[misc]
    with pytest.raises(TypeError):
        issue_proof_token(zero_key(), PROOF, 60, NOW)  # type: ignore[misc]


def test_claims_are_fresh_objects(proof: Dict[str, Any]) -> None:
    first = verify_token(proof["token"], ZERO_SEED_PUBLIC, now=LATER)
    first["claims"]["agent_id"] = "changed"
    second = verify_token(proof["token"], ZERO_SEED_PUBLIC, now=LATER)
    assert second["claims"]["agent_id"] == PROOF["agent_id"]
    assert json.dumps(second["claims"], separators=(",", ":")).startswith('{"iss":"openleash"')
