"""The key, token and request-signature API of the installed package under
hostile input: replays, revocation, guard memory, encodings and limits."""

from __future__ import annotations

import base64
from typing import Any, Dict

import pytest

from openleash_core import (
    KeySet,
    ReplayGuard,
    SignatureError,
    TokenError,
    generate_key,
    issue_proof_token,
    public_key_info,
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
    "matched_rule_id": "allow_small",
}


@pytest.fixture(scope="module")
def agent() -> Dict[str, Any]:
    return dict(generate_key("agent-1", now=NOW))


def signed(agent: Dict[str, Any], nonce: str = "n-1") -> Dict[str, str]:
    return dict(
        sign_request(agent, "agent-1", "POST", "/v1/x", body=b"{}", nonce=nonce, now=NOW)
    )


def test_replay_with_second_agent_id_spelling_is_refused(agent: Dict[str, Any]) -> None:
    guard = ReplayGuard()
    headers = signed(agent)
    verify_request(headers, "POST", "/v1/x", agent, body=b"{}", now=NOW, guard=guard)

    # The receiver looks up the key by headers["X-Agent-Id"], the right key
    # of agent-1. The engine reads the last spelling and files the nonce
    # under "anyone", so the replay is new to the guard.
    replay = dict(headers)
    replay["x-agent-id"] = "anyone"
    with pytest.raises(SignatureError) as caught:
        verify_request(replay, "POST", "/v1/x", agent, body=b"{}", now=NOW, guard=guard)
    assert caught.value.code in ("NONCE_REPLAY", "MISSING_HEADERS", "INVALID_HEADERS")


def test_verify_request_without_body_checks_the_body_hash(agent: Dict[str, Any]) -> None:
    # A receiver that forgets `body=` must not skip the body check: the
    # argument is required, and None states a request without a body.
    headers = signed(agent)  # signed for the body b"{}"
    with pytest.raises(TypeError):
        verify_request(headers, "POST", "/v1/x", agent, now=NOW)  # type: ignore[call-arg]
    with pytest.raises(SignatureError) as caught:
        verify_request(headers, "POST", "/v1/x", agent, body=b"[]", now=NOW)
    assert caught.value.code == "BODY_HASH_MISMATCH"


def test_error_message_names_nan() -> None:
    key = generate_key("issuer", now=NOW)
    token = issue_proof_token(key, PROOF, 120, now=NOW)["token"]
    with pytest.raises(TokenError) as caught:
        verify_token(token, key, now=NOW, leeway_seconds=float("nan"))
    # The message reads "found 2.696539702293474e+308".
    assert "NaN" in str(caught.value)


def test_error_message_names_infinity(agent: Dict[str, Any]) -> None:
    with pytest.raises(SignatureError) as caught:
        verify_request(
            signed(agent), "POST", "/v1/x", agent, body=b"{}", now=NOW, max_skew_seconds=float("inf")
        )
    # The message reads "found 1.7976931348623157e+308".
    assert "Infinity" in str(caught.value) or "inf" in str(caught.value)


def test_issued_token_verifies_with_the_same_key() -> None:
    key = generate_key("issuer", now=NOW)
    params = dict(PROOF, decision_id="d" * 100_000)
    try:
        issued = issue_proof_token(key, params, 120, now=NOW)
    except TokenError:
        return
    # Issued without complaint, then rejected as TOKEN_TOO_LARGE.
    verify_token(issued["token"], key, now=NOW)


def test_revoking_twice_keeps_the_first_instant() -> None:
    key = generate_key("issuer", now=NOW)
    token = issue_proof_token(key, PROOF, 3600, now=NOW)["token"]
    keys = KeySet([key])
    keys.revoke("issuer", at="2025-03-01T12:01:00Z")
    # A retried call, or one relying on the default at=now, later on.
    keys.revoke("issuer", at="2025-03-01T12:30:00Z")
    with pytest.raises(TokenError) as caught:
        verify_token(token, keys, now="2025-03-01T12:10:00Z")
    assert caught.value.code == "TOKEN_REVOKED_KEY"


def test_non_canonical_public_key_is_rejected() -> None:
    # y = p + 3 (p = 2^255 - 19), the second spelling of the point y = 3.
    raw = bytes([0xF0]) + b"\xff" * 30 + b"\x7f"
    spki = base64.b64encode(bytes.fromhex("302a300506032b6570032100") + raw).decode()
    with pytest.raises(Exception) as caught:
        public_key_info(spki)
    assert getattr(caught.value, "code", None) == "KEY_INVALID_POINT"


def test_one_agent_cannot_lock_out_the_others(agent: Dict[str, Any]) -> None:
    # A guard sized for the whole receiver, with a share per signing key:
    # one agent with a valid key floods it and reaches its share, and the
    # other agents still have room.
    guard = ReplayGuard(50, per_signer=25)
    for index in range(25):
        verify_request(
            signed(agent, nonce=f"flood-{index}"), "POST", "/v1/x", agent,
            body=b"{}", now=NOW, guard=guard,
        )
    with pytest.raises(SignatureError) as caught:
        verify_request(
            signed(agent, nonce="flood-25"), "POST", "/v1/x", agent,
            body=b"{}", now=NOW, guard=guard,
        )
    assert caught.value.code == "REPLAY_GUARD_FULL"
    other = dict(generate_key("agent-2", now=NOW))
    headers = sign_request(other, "agent-2", "POST", "/v1/x", body=b"{}", nonce="n", now=NOW)
    verify_request(headers, "POST", "/v1/x", other, body=b"{}", now=NOW, guard=guard)


def test_guard_memory_per_nonce_is_small(agent: Dict[str, Any]) -> None:
    # Each remembered nonce keeps the agent id and nonce text twice (map and
    # expiry heap): with 2,048-byte fields the default guard of 100,000
    # nonces grew the process by about 1.3 GB in one measurement.
    def rss_kib() -> int:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    guard = ReplayGuard()
    agent_id = "a" * 2048
    before = rss_kib()
    count = 10_000
    for index in range(count):
        headers = sign_request(
            agent, agent_id, "POST", "/", nonce=f"{index:08d}" + "n" * 2040, now=NOW
        )
        verify_request(headers, "POST", "/", agent, body=b"", now=NOW, guard=guard)
    grown_bytes = (rss_kib() - before) * 1024
    assert grown_bytes / count < 1024, f"{grown_bytes / count:.0f} bytes per nonce"
