"""Hostile inputs to the key, token and request-signature API of the
installed package, each handled as documented."""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List

import pytest

from openleash_core import (
    KeySet,
    OpenLeashError,
    ReplayGuard,
    SignatureError,
    TokenError,
    ValueConversionError,
    generate_key,
    issue_approval_token,
    issue_proof_token,
    issue_session_token,
    secret_key_paserk,
    sign_request,
    verify_request,
    verify_token,
)

NOW = "2025-03-01T12:00:00.000Z"
PROOF = {
    "decision_id": "d-1",
    "owner_type": "user",
    "owner_id": "u-1",
    "agent_id": "agent-1",
    "action_type": "purchase",
    "action_hash": "ab" * 32,
    "matched_rule_id": None,
}
APPROVAL = {
    "approval_request_id": "r-1",
    "owner_type": "user",
    "owner_id": "u-1",
    "agent_id": "agent-1",
    "action_type": "purchase",
    "action_hash": "ab" * 32,
}


@pytest.fixture(scope="module")
def key() -> Dict[str, Any]:
    return dict(generate_key("issuer", now=NOW))


def cyclic_dict() -> Dict[str, Any]:
    value: Dict[str, Any] = {}
    value["self"] = value
    return value


def cyclic_list() -> List[Any]:
    value: List[Any] = []
    value.append(value)
    return value


def test_wrong_purposes_are_refused(key: Dict[str, Any]) -> None:
    tokens = {
        "proof": issue_proof_token(key, PROOF, 60, now=NOW)["token"],
        "approval": issue_approval_token(key, APPROVAL, 60, now=NOW)["token"],
        "session": issue_session_token(key, {"sub": "u-1"}, 60, now=NOW)["token"],
    }
    for issued_as, token in tokens.items():
        for purpose in tokens:
            if purpose == issued_as:
                assert verify_token(token, key, purpose=purpose, now=NOW)["purpose"] == purpose
                continue
            with pytest.raises(TokenError) as caught:
                verify_token(token, key, purpose=purpose, now=NOW)
            assert caught.value.code == "TOKEN_WRONG_PURPOSE"


@pytest.mark.parametrize(
    "call",
    [
        lambda key: issue_proof_token(key, dict(PROOF, constraints_snapshot=cyclic_dict()), 60, now=NOW),
        lambda key: verify_token("v4.public.x", cyclic_dict(), now=NOW),
        lambda key: verify_token("v4.public.x", key, now=NOW, expect=cyclic_dict()),
        lambda key: verify_request(cyclic_list(), "POST", "/", key, body=None, now=NOW),
        lambda key: KeySet([cyclic_dict()]),
    ],
)
def test_cyclic_arguments_raise_too_deep(key: Dict[str, Any], call: Callable[[Any], Any]) -> None:
    with pytest.raises(ValueConversionError) as caught:
        call(key)
    assert caught.value.code == "JSON_TOO_DEEP"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"leeway_seconds": True}, ValueConversionError),
        ({"leeway_seconds": "5"}, ValueConversionError),
        ({"leeway_seconds": 10**400}, TokenError),
        ({"leeway_seconds": -1}, TokenError),
        ({"now": 1_740_830_400}, ValueConversionError),
        ({"now": datetime(2025, 3, 1)}, ValueConversionError),
        ({"now": "2025-03-01T12:00:00"}, ValueConversionError),
        ({"purpose": "Proof"}, TokenError),
        ({"footer": 1}, ValueConversionError),
        ({"expect": {"agentid": "a"}}, TokenError),
        ({"expect": {"agent_id": 1}}, TokenError),
        ({"expect": ["agent_id"]}, TokenError),
    ],
)
def test_bad_verify_options_raise_typed_errors(
    key: Dict[str, Any], kwargs: Dict[str, Any], error: type
) -> None:
    token = issue_proof_token(key, PROOF, 60, now=NOW)["token"]
    kwargs.setdefault("now", NOW)
    with pytest.raises(error) as caught:
        verify_token(token, key, **kwargs)
    assert isinstance(caught.value, OpenLeashError)


@pytest.mark.parametrize("ttl", [0, -1, float("nan"), float("inf"), 10**400, 1e-4, 1e14])
def test_bad_lifetimes_are_refused(key: Dict[str, Any], ttl: Any) -> None:
    with pytest.raises(TokenError) as caught:
        issue_proof_token(key, PROOF, ttl, now=NOW)
    assert caught.value.code == "TOKEN_INVALID_TTL"


def test_hostile_token_strings(key: Dict[str, Any]) -> None:
    token = issue_proof_token(key, PROOF, 60, now=NOW)["token"]
    for text, code in [
        ("", "TOKEN_UNSUPPORTED"),
        ("v4.public.", "TOKEN_MALFORMED"),
        (token + "=", "TOKEN_MALFORMED"),
        (token + ".", "TOKEN_MALFORMED"),
        (token.replace("v4.public.", "v2.public."), "TOKEN_UNSUPPORTED"),
        ("v4.public." + "A" * 10_000_000, "TOKEN_TOO_LARGE"),
        ("v4.public.\u00e9\u00e9\u00e9\u00e9", "TOKEN_MALFORMED"),
    ]:
        with pytest.raises(TokenError) as caught:
            verify_token(text, key, now=NOW)
        assert caught.value.code == code, text[:40]
    with pytest.raises(TypeError):
        verify_token(token.encode(), key, now=NOW)  # type: ignore[arg-type]


def test_replay_guard_under_threads(key: Dict[str, Any]) -> None:
    guard = ReplayGuard()
    headers = sign_request(key, "agent-1", "POST", "/x", body=b"{}", nonce="shared", now=NOW)
    results: List[str] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(100):
            try:
                verify_request(headers, "POST", "/x", key, body=b"{}", now=NOW, guard=guard)
                outcome = "ok"
            except SignatureError as error:
                outcome = error.code
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 1
    assert set(results) == {"ok", "NONCE_REPLAY"}
    assert len(guard) == 1


def test_replay_guard_capacity_under_threads(key: Dict[str, Any]) -> None:
    guard = ReplayGuard(64)
    requests = [
        sign_request(key, "agent-1", "POST", "/x", nonce=f"n-{index}", now=NOW)
        for index in range(256)
    ]
    codes: List[str] = []
    lock = threading.Lock()

    def worker(chunk: List[Dict[str, str]]) -> None:
        for headers in chunk:
            try:
                verify_request(headers, "POST", "/x", key, body=b"", now=NOW, guard=guard)
                outcome = "ok"
            except SignatureError as error:
                outcome = error.code
            with lock:
                codes.append(outcome)

    threads = [threading.Thread(target=worker, args=(requests[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes.count("ok") == 64
    assert codes.count("REPLAY_GUARD_FULL") == 192


def test_replay_guard_rejects_bad_capacities() -> None:
    with pytest.raises(OverflowError):
        ReplayGuard(-1)
    with pytest.raises(TypeError):
        ReplayGuard(1.5)  # type: ignore[arg-type]
    with pytest.raises(OverflowError):
        ReplayGuard(2**70)


def test_revocation_under_concurrent_verification(key: Dict[str, Any]) -> None:
    token = issue_proof_token(key, PROOF, 3600, now=NOW)["token"]
    keys = KeySet([key])
    revoked = threading.Event()
    stop = threading.Event()
    accepted_after: List[bool] = []

    def verifier() -> None:
        while not stop.is_set():
            started_after = revoked.is_set()
            try:
                verify_token(token, keys, now="2025-03-01T12:10:00Z")
                if started_after:
                    accepted_after.append(True)
            except TokenError:
                pass

    threads = [threading.Thread(target=verifier) for _ in range(4)]
    for thread in threads:
        thread.start()
    keys.revoke("issuer", at=datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc))
    revoked.set()
    stop.wait(0.2)
    stop.set()
    for thread in threads:
        thread.join()
    assert accepted_after == []


def test_secret_paserk_never_appears_in_errors(key: Dict[str, Any]) -> None:
    paserk = secret_key_paserk(key)
    data = paserk[len("k4.secret."):]
    broken = paserk[:-2] + ("AA" if not paserk.endswith("AA") else "BB")
    for bad in [broken, paserk + "A", paserk.replace("k4.", "k3.")]:
        with pytest.raises(OpenLeashError) as caught:
            verify_token("v4.public.x", bad, now=NOW)
        assert data[:20] not in str(caught.value)
