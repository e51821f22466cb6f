"""Agent request signatures: signing, verifying, the replay guard and every
request error code."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any, Dict

import pytest

from openleash_core import (
    generate_key,
    OpenLeashKeyError,
    ReplayGuard,
    SignatureError,
    ValueConversionError,
    public_key_info,
    sign_request,
    verify_request,
)
from keytools import ONES_SEED_PUBLIC, ZERO_SEED_PUBLIC, public_only, zero_key

NOW = "2024-01-15T10:30:00.000Z"
BODY = b'{"action_type":"purchase"}'
HEADER_NAMES = ["X-Agent-Id", "X-Timestamp", "X-Nonce", "X-Body-Sha256", "X-Signature"]


def signed(**options: Any) -> Dict[str, str]:
    options.setdefault("body", BODY)
    options.setdefault("nonce", "nonce-1")
    options.setdefault("now", NOW)
    return dict(sign_request(zero_key("agent-key"), "agent-1", "POST", "/v1/authorize", **options))


def signature_code(headers: Dict[str, str], **options: Any) -> str:
    options.setdefault("body", BODY)
    options.setdefault("now", NOW)
    method = options.pop("method", "POST")
    with pytest.raises(SignatureError) as caught:
        verify_request(headers, method, "/v1/authorize", ZERO_SEED_PUBLIC, **options)
    assert str(caught.value).startswith(caught.value.code + ": ")
    return caught.value.code


def test_sign_request_returns_the_five_headers() -> None:
    headers = signed()
    assert list(headers) == HEADER_NAMES
    assert headers["X-Agent-Id"] == "agent-1"
    assert headers["X-Timestamp"] == NOW
    assert headers["X-Nonce"] == "nonce-1"
    assert headers["X-Body-Sha256"] == hashlib.sha256(BODY).hexdigest()
    assert len(headers["X-Signature"]) == 88


@pytest.mark.parametrize(
    ("agent_id", "path", "nonce", "code"),
    [
        ("agent-1", "/p\nGET", "n", "INVALID_HEADERS"),
        ("agent-1", "/p", "", "MISSING_HEADERS"),
        ("", "/p", "n", "MISSING_HEADERS"),
        ("agent-1", "/" + "p" * 2048, "n", "HEADER_TOO_LARGE"),
    ],
)
def test_signing_rejects_unverifiable_requests(
    agent_id: str, path: str, nonce: str, code: str
) -> None:
    with pytest.raises(SignatureError) as caught:
        sign_request(zero_key("agent-key"), agent_id, "POST", path, nonce=nonce, now=NOW)
    assert caught.value.code == code


def test_signed_request_verifies_once() -> None:
    headers = signed()
    guard = ReplayGuard()
    assert verify_request(headers, "POST", "/v1/authorize", ZERO_SEED_PUBLIC, body=BODY, now=NOW, guard=guard) is None
    assert len(guard) == 1
    with pytest.raises(SignatureError) as caught:
        verify_request(headers, "POST", "/v1/authorize", ZERO_SEED_PUBLIC, body=BODY, now=NOW, guard=guard)
    assert caught.value.code == "NONCE_REPLAY"


def test_without_a_guard_replays_go_undetected() -> None:
    headers = signed()
    for _ in range(2):
        verify_request(headers, "POST", "/v1/authorize", ZERO_SEED_PUBLIC, body=BODY, now=NOW)


def test_every_public_key_form_verifies() -> None:
    info = public_key_info(zero_key())
    for key in (zero_key(), public_only(zero_key()), ZERO_SEED_PUBLIC, info["paserk"]):
        verify_request(signed(), "POST", "/v1/authorize", key, body=BODY, now=NOW)


def test_header_names_are_case_insensitive_and_others_ignored() -> None:
    headers = {name.lower(): value for name, value in signed().items()}
    headers["Content-Type"] = "application/json"
    verify_request(headers, "POST", "/v1/authorize", ZERO_SEED_PUBLIC, body=BODY, now=NOW)


def test_body_forms_hash_the_same() -> None:
    text = BODY.decode()
    expected = signed()["X-Body-Sha256"]
    for body in (BODY, bytearray(BODY), memoryview(BODY), text):
        assert signed(body=body)["X-Body-Sha256"] == expected
        verify_request(signed(), "POST", "/v1/authorize", ZERO_SEED_PUBLIC, body=body, now=NOW)


def test_empty_body_by_default() -> None:
    headers = dict(sign_request(zero_key(), "agent-1", "GET", "/v1/status", now=NOW))
    assert headers["X-Body-Sha256"] == hashlib.sha256(b"").hexdigest()
    verify_request(headers, "GET", "/v1/status", ZERO_SEED_PUBLIC, body=b"", now=NOW)


def test_nonce_and_time_default_to_random_and_now() -> None:
    first = sign_request(zero_key(), "agent-1", "GET", "/")
    second = sign_request(zero_key(), "agent-1", "GET", "/")
    assert first["X-Nonce"] != second["X-Nonce"]
    sent = datetime.fromisoformat(first["X-Timestamp"].replace("Z", "+00:00"))
    assert abs((sent - datetime.now(timezone.utc)).total_seconds()) < 5
    verify_request(dict(first), "GET", "/", ZERO_SEED_PUBLIC, body=None)


def test_missing_headers() -> None:
    for name in HEADER_NAMES:
        headers = signed()
        del headers[name]
        assert signature_code(headers) == "MISSING_HEADERS", name
    assert signature_code(dict(signed(), **{"X-Nonce": ""})) == "MISSING_HEADERS"
    assert signature_code({"X-Nonce": 5}) == "MISSING_HEADERS"  # type: ignore[dict-item]


def test_headers_too_large() -> None:
    long = "n" * 2049
    # Signing rejects the long nonce too, so the headers are changed after.
    assert signature_code(dict(signed(), **{"X-Nonce": long})) == "HEADER_TOO_LARGE"
    with pytest.raises(SignatureError) as caught:
        signed(nonce=long)
    assert caught.value.code == "HEADER_TOO_LARGE"
    headers = signed()
    with pytest.raises(SignatureError) as caught:
        verify_request(headers, "POST", "/" + "p" * 2048, ZERO_SEED_PUBLIC, body=BODY, now=NOW)
    assert caught.value.code == "HEADER_TOO_LARGE"


def test_timestamp_skew() -> None:
    headers = signed()
    assert signature_code(headers, now="2024-01-15T10:35:00.001Z") == "TIMESTAMP_SKEW"
    assert signature_code(headers, now="2024-01-15T10:24:59.999Z") == "TIMESTAMP_SKEW"
    verify_request(headers, "POST", "/v1/authorize", ZERO_SEED_PUBLIC, body=BODY, now="2024-01-15T10:35:00.000Z")
    assert signature_code(headers, now="2024-01-15T10:30:10.000Z", max_skew_seconds=5) == "TIMESTAMP_SKEW"
    garbage = dict(headers, **{"X-Timestamp": "yesterday"})
    assert signature_code(garbage) == "TIMESTAMP_SKEW"


def test_body_hash_mismatch() -> None:
    assert signature_code(signed(), body=BODY + b" ") == "BODY_HASH_MISMATCH"


def test_invalid_signature() -> None:
    headers = signed()
    assert signature_code(headers, method="PUT") == "INVALID_SIGNATURE"
    assert signature_code(dict(headers, **{"X-Signature": "not base64"})) == "INVALID_SIGNATURE"
    with pytest.raises(SignatureError) as caught:
        verify_request(headers, "POST", "/v1/authorize", ONES_SEED_PUBLIC, body=BODY, now=NOW)
    assert caught.value.code == "INVALID_SIGNATURE"


def test_agent_id_is_not_signed() -> None:
    # OpenLeash's signed text leaves out X-Agent-Id: the receiver binds the
    # request to the agent by choosing the public key registered for it.
    headers = dict(signed(), **{"X-Agent-Id": "agent-2"})
    verify_request(headers, "POST", "/v1/authorize", ZERO_SEED_PUBLIC, body=BODY, now=NOW)


def test_rejected_requests_do_not_use_up_the_nonce() -> None:
    headers = signed()
    guard = ReplayGuard()
    assert signature_code(headers, method="PUT", guard=guard) == "INVALID_SIGNATURE"
    assert len(guard) == 0
    verify_request(headers, "POST", "/v1/authorize", ZERO_SEED_PUBLIC, body=BODY, now=NOW, guard=guard)


def test_nonces_are_per_signing_key() -> None:
    # X-Agent-Id is not signed, so the guard keys nonces by the signing key:
    # another agent id on the same signed request is still a replay.
    guard = ReplayGuard()
    first = dict(sign_request(zero_key(), "agent-1", "POST", "/", body=b"", nonce="same", now=NOW))
    verify_request(first, "POST", "/", ZERO_SEED_PUBLIC, body=b"", now=NOW, guard=guard)
    renamed = dict(first, **{"X-Agent-Id": "agent-2"})
    with pytest.raises(SignatureError) as caught:
        verify_request(renamed, "POST", "/", ZERO_SEED_PUBLIC, body=b"", now=NOW, guard=guard)
    assert caught.value.code == "NONCE_REPLAY"
    other = generate_key(kid="other")
    second = dict(sign_request(other, "agent-2", "POST", "/", body=b"", nonce="same", now=NOW))
    verify_request(second, "POST", "/", other, body=b"", now=NOW, guard=guard)
    assert len(guard) == 2


def test_full_guard_rejects_new_requests() -> None:
    guard = ReplayGuard(1)
    assert guard.capacity == 1
    verify_request(signed(nonce="a"), "POST", "/v1/authorize", ZERO_SEED_PUBLIC, body=BODY, now=NOW, guard=guard)
    assert signature_code(signed(nonce="b"), guard=guard) == "REPLAY_GUARD_FULL"
    assert signature_code(signed(nonce="c"), guard=ReplayGuard(0)) == "REPLAY_GUARD_FULL"
    assert repr(guard) == "<ReplayGuard nonces=1 capacity=1>"


def test_nonces_expire_with_the_skew_window() -> None:
    guard = ReplayGuard(1)
    verify_request(signed(nonce="a"), "POST", "/v1/authorize", ZERO_SEED_PUBLIC, body=BODY, now=NOW, guard=guard)
    later = signed(nonce="b", now="2024-01-15T10:35:00.001Z")
    verify_request(later, "POST", "/v1/authorize", ZERO_SEED_PUBLIC, body=BODY, now="2024-01-15T10:35:00.001Z", guard=guard)
    assert len(guard) == 1


def test_default_replay_guard_capacity() -> None:
    assert ReplayGuard().capacity == 100_000
    with pytest.raises(OverflowError):
        ReplayGuard(-1)


@pytest.mark.parametrize("skew", [-1, 86_401, float("nan"), float("inf")])
def test_invalid_max_skew(skew: float) -> None:
    assert signature_code(signed(), max_skew_seconds=skew) == "INVALID_MAX_SKEW"


def test_signing_needs_a_private_key() -> None:
    for key in (public_only(zero_key()), ZERO_SEED_PUBLIC):
        with pytest.raises(OpenLeashKeyError) as caught:
            sign_request(key, "agent-1", "POST", "/")
        assert caught.value.code == "KEY_NOT_SIGNING"


def test_argument_types() -> None:
    with pytest.raises(ValueConversionError) as caught:
        sign_request(zero_key(), "agent-1", "POST", "/", body=5)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.path) == ("VALUE_UNSUPPORTED_TYPE", "body")
    with pytest.raises(ValueConversionError) as caught:
        verify_request({"X-Nonce": b"n"}, "POST", "/", ZERO_SEED_PUBLIC, body=None)  # type: ignore[dict-item]
    assert caught.value.path == "headers.X-Nonce"
    with pytest.raises(ValueConversionError) as caught:
        verify_request(signed(), "POST", "/", ZERO_SEED_PUBLIC, body=None, max_skew_seconds="300")  # type: ignore[arg-type]
    assert caught.value.path == "max_skew_seconds"
    with pytest.raises(TypeError):
        sign_request(zero_key(), 5, "POST", "/")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        verify_request(signed(), "POST", "/", ZERO_SEED_PUBLIC, body=None, guard=object())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        verify_request(signed(), "POST", "/", ZERO_SEED_PUBLIC)  # type: ignore[call-arg]
    with pytest.raises(UnicodeEncodeError):
        sign_request(zero_key(), "agent-1", "POST", "/", body="\ud800")
