"""Keys: generation, the public and PASERK forms, the PASERK vectors, key
sets, and every KEY_* error code reachable from Python."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Dict, List

import pytest

from openleash_core import (
    KeySet,
    OpenLeashError,
    OpenLeashKeyError,
    generate_key,
    issue_proof_token,
    public_key_info,
    secret_key_paserk,
    verify_token,
)
from keytools import (
    ONES_SEED_PUBLIC,
    PKCS8_PREFIX,
    SPKI_PREFIX,
    ZERO_SEED_PRIVATE,
    ZERO_SEED_PUBLIC,
    b64,
    b64url,
    key_file,
    ones_key,
    paserk_id,
    pkcs8_b64,
    public_only,
    spki_b64,
    zero_key,
)
from support import REPO

VECTORS = REPO / "tests" / "vectors" / "paseto"
UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
NOW = "2025-03-01T12:00:00Z"
PARAMS = {
    "decision_id": "5d1c7c3e-2a47-4f6e-9a0b-0c1d2e3f4a5b",
    "owner_type": "user",
    "owner_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80",
    "agent_id": "shopper-agent",
    "action_type": "purchase",
    "action_hash": "5fed50d1afcf598480f64ca09edb042a8a09c6b33c8712e3faeeea2aa1d4297d",
    "matched_rule_id": "allow_small",
}


def vectors(name: str) -> List[Dict[str, Any]]:
    tests: List[Dict[str, Any]] = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))["tests"]
    return tests


def key_code(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(OpenLeashKeyError) as caught:
        call(*args, **kwargs)
    return caught.value.code


# Generation


def test_generate_key_returns_a_key_file() -> None:
    key = generate_key("issuer-2025", now=NOW)
    assert list(key) == ["kid", "public_key_b64", "private_key_b64", "created_at", "revoked_at"]
    assert key["kid"] == "issuer-2025"
    assert key["created_at"] == "2025-03-01T12:00:00.000Z"
    assert key["revoked_at"] is None
    assert len(key["public_key_b64"]) == 60
    assert len(key["private_key_b64"]) == 64


def test_generated_key_id_defaults_to_a_uuid_v4() -> None:
    key = generate_key()
    assert UUID_V4.match(key["kid"]), key["kid"]


def test_generated_keys_differ() -> None:
    keys = [generate_key() for _ in range(20)]
    assert len({key["private_key_b64"] for key in keys}) == 20
    assert len({key["kid"] for key in keys}) == 20


def test_generated_key_created_at_defaults_to_now() -> None:
    before = datetime.now(timezone.utc)
    key = generate_key("k")
    created = datetime.fromisoformat(key["created_at"].replace("Z", "+00:00"))
    assert abs((created - before).total_seconds()) < 5


def test_generated_key_signs_and_its_public_half_verifies() -> None:
    key = generate_key("k", now=NOW)
    issued = issue_proof_token(key, PARAMS, 60, now=NOW)
    verified = verify_token(issued["token"], public_only(key), now=NOW)
    assert verified["kid"] == "k"


def test_generate_key_rejects_invalid_key_ids() -> None:
    assert key_code(generate_key, "") == "KEY_INVALID_KID"
    assert key_code(generate_key, "a\nb") == "KEY_INVALID_KID"
    assert key_code(generate_key, "x" * 257) == "KEY_INVALID_KID"
    assert generate_key("x" * 256)["kid"] == "x" * 256


# Public forms


def test_public_key_info_of_the_test_vector_key() -> None:
    info = public_key_info(zero_key())
    public = bytes.fromhex("3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29")
    assert info == {
        "public_key_b64": ZERO_SEED_PUBLIC,
        "paserk": "k4.public." + b64url(public),
        "paserk_id": paserk_id("k4.pid.", "k4.public." + b64url(public)),
    }


def test_public_key_info_every_form_agrees() -> None:
    info = public_key_info(ones_key())
    assert public_key_info(public_only(ones_key())) == info
    assert public_key_info(ONES_SEED_PUBLIC) == info
    assert public_key_info(info["paserk"]) == info
    assert public_key_info(secret_key_paserk(ones_key())) == info


def test_secret_key_paserk_round_trips() -> None:
    paserk = secret_key_paserk(zero_key())
    assert paserk.startswith("k4.secret.")
    assert secret_key_paserk(paserk) == paserk


def test_secret_key_paserk_needs_a_private_key() -> None:
    assert key_code(secret_key_paserk, public_only(zero_key())) == "KEY_NOT_SIGNING"
    assert key_code(secret_key_paserk, ZERO_SEED_PUBLIC) == "KEY_NOT_SIGNING"


# PASERK vectors (tests/vectors/paseto, paseto-standard/test-vectors)


def test_k4_public_vectors_rejected_on_import() -> None:
    # The vector keys are raw bytes, not all valid Ed25519 keys: the all-zero
    # key has small order and the other two are not points on the curve.
    # Strict import rejects them; the core's tests check their byte-level
    # PASERK encoding.
    expected = {"k4.public-1": "KEY_WEAK", "k4.public-2": "KEY_INVALID_POINT", "k4.public-3": "KEY_INVALID_POINT"}
    checked = 0
    for vector in vectors("k4.public"):
        raw = bytes.fromhex(vector["key"])
        paserk = "k4.public." + b64url(raw)
        if vector["expect-fail"]:
            assert key_code(public_key_info, paserk) == "KEY_WRONG_LENGTH", vector["name"]
            wrong_version = "k3.public." + b64url(raw)
            assert key_code(public_key_info, wrong_version) == "KEY_INVALID_PASERK", vector["name"]
        else:
            assert paserk == vector["paserk"], vector["name"]
            assert key_code(public_key_info, paserk) == expected[vector["name"]]
            assert key_code(public_key_info, spki_b64(raw)) == expected[vector["name"]]
        checked += 1
    assert checked == 4


def test_k4_pid_vectors() -> None:
    checked = 0
    for vector in vectors("k4.pid"):
        raw = bytes.fromhex(vector["key"])
        paserk = "k4.public." + b64url(raw)
        if vector["expect-fail"]:
            assert key_code(public_key_info, paserk) == "KEY_WRONG_LENGTH", vector["name"]
        else:
            # The id algorithm reproduces the vector; the keys themselves are
            # rejected on import, as in the k4.public vectors.
            assert paserk_id("k4.pid.", paserk) == vector["paserk"], vector["name"]
            assert key_code(public_key_info, paserk) in {"KEY_WEAK", "KEY_INVALID_POINT"}
        checked += 1
    assert checked == 5


def test_k4_secret_vectors() -> None:
    checked = 0
    for vector in vectors("k4.secret"):
        raw = bytes.fromhex(vector["key"])
        if vector["expect-fail"]:
            paserk = "k4.secret." + b64url(raw)
            assert key_code(secret_key_paserk, paserk) == "KEY_WRONG_LENGTH", vector["name"]
            assert key_code(KeySet, [paserk]) == "KEY_WRONG_LENGTH", vector["name"]
            checked += 1
            continue
        seed = bytes.fromhex(vector["secret-key-seed"])
        public = bytes.fromhex(vector["public-key"])
        file = key_file(vector["name"], spki_b64(public), pkcs8_b64(seed))

        assert secret_key_paserk(file) == vector["paserk"], vector["name"]
        assert secret_key_paserk(vector["paserk"]) == vector["paserk"], vector["name"]
        info = public_key_info(vector["paserk"])
        assert info["public_key_b64"] == spki_b64(public), vector["name"]
        assert info["paserk"] == "k4.public." + b64url(public), vector["name"]

        # A key set reads the secret PASERK as a signing key named by the
        # k4.pid of its public key. A verifier holding only the public
        # PASERK derives the same id and so finds the key.
        keys = KeySet([vector["paserk"]])
        assert keys.kids == [info["paserk_id"]]
        keys.set_active(info["paserk_id"])
        issued = issue_proof_token(keys, PARAMS, 60, now=NOW)
        assert issued["claims"]["kid"] == info["paserk_id"]
        trusting = KeySet([info["paserk"], ONES_SEED_PUBLIC])
        assert verify_token(issued["token"], trusting, now=NOW)["kid"] == info["paserk_id"]
        checked += 1
    assert checked == 5


def test_k4_secret_foreign_public_half_rejected() -> None:
    vector = vectors("k4.secret")[1]
    keypair = bytes.fromhex(vector["secret-key-seed"]) + bytes.fromhex(vectors("k4.secret")[2]["public-key"])
    assert key_code(secret_key_paserk, "k4.secret." + b64url(keypair)) == "KEY_MISMATCH"


# Key errors


X25519_SPKI = b64(bytes.fromhex("302a300506032b656e032100") + bytes(range(32)))
ED25519_SPKI_TRAILING = b64(SPKI_PREFIX + bytes(32) + b"\x00")
OFF_CURVE = spki_b64(b"\x02" + bytes(31))
PKCS8_WITH_ATTRIBUTES = b64(
    bytes.fromhex("3030020100300506032b6570") + bytes.fromhex("04220420") + bytes(32) + bytes.fromhex("a000")
)


@pytest.mark.parametrize(
    ("key", "code"),
    [
        (ZERO_SEED_PUBLIC[:-1], "KEY_INVALID_BASE64"),
        (ZERO_SEED_PUBLIC[:-2] + "l=", "KEY_INVALID_BASE64"),
        (b64(b"\x30\x03\x02\x01"), "KEY_INVALID_DER"),
        (ED25519_SPKI_TRAILING, "KEY_INVALID_DER"),
        (X25519_SPKI, "KEY_WRONG_TYPE"),
        ("k4.public." + b64url(bytes(31)), "KEY_WRONG_LENGTH"),
        (OFF_CURVE, "KEY_INVALID_POINT"),
        (spki_b64(bytes(32)), "KEY_WEAK"),
        ("k4.local." + b64url(bytes(32)), "KEY_INVALID_PASERK"),
        ("k4.public.not*base64url", "KEY_INVALID_PASERK"),
        (5, "KEY_INVALID_FILE"),
        (["a", "b"], "KEY_INVALID_FILE"),
        ({"kid": "k"}, "KEY_INVALID_FILE"),
        ({"kid": "k", "public_key_b64": ZERO_SEED_PUBLIC, "revoke_at": None}, "KEY_INVALID_FILE"),
        ({"kid": "k", "public_key_b64": ZERO_SEED_PUBLIC, "created_at": "yesterday"}, "KEY_INVALID_FILE"),
        ({"kid": "", "public_key_b64": ZERO_SEED_PUBLIC}, "KEY_INVALID_FILE"),
        ({"kid": "a\u0000b", "public_key_b64": ZERO_SEED_PUBLIC}, "KEY_INVALID_KID"),
        (key_file("k", ONES_SEED_PUBLIC, ZERO_SEED_PRIVATE), "KEY_MISMATCH"),
        (key_file("k", ZERO_SEED_PUBLIC, PKCS8_WITH_ATTRIBUTES), "KEY_UNSUPPORTED_ENCODING"),
        (key_file("k", ZERO_SEED_PUBLIC, b64(PKCS8_PREFIX + bytes(31))), "KEY_INVALID_DER"),
    ],
)
def test_invalid_keys_raise_their_code(key: Any, code: str) -> None:
    with pytest.raises(OpenLeashKeyError) as caught:
        public_key_info(key)
    assert caught.value.code == code
    assert str(caught.value).startswith(code + ": ")
    assert isinstance(caught.value, OpenLeashError)
    assert isinstance(caught.value, ValueError)
    assert not isinstance(caught.value, KeyError)


def test_key_errors_never_show_the_private_key() -> None:
    with pytest.raises(OpenLeashKeyError) as caught:
        public_key_info(key_file("k", ONES_SEED_PUBLIC, ZERO_SEED_PRIVATE))
    assert ZERO_SEED_PRIVATE not in str(caught.value)


# Key sets


def test_key_set_starts_without_an_active_key() -> None:
    keys = KeySet([zero_key("a"), public_only(ones_key("b"))])
    assert keys.kids == ["a", "b"]
    assert keys.active_kid is None
    assert len(keys) == 2
    assert "a" in keys
    assert "z" not in keys
    assert 5 not in keys
    assert repr(keys) == "<KeySet keys=2 active=None>"


def test_key_set_wants_a_list_of_keys() -> None:
    for keys in (zero_key("a"), ZERO_SEED_PUBLIC):
        with pytest.raises(TypeError, match="must be a list of keys"):
            KeySet(keys)
    assert len(KeySet((zero_key("a"),))) == 1


def test_empty_key_set() -> None:
    keys = KeySet()
    assert keys.kids == []
    assert len(keys) == 0
    assert KeySet([]).kids == []


def test_key_set_accepts_every_key_form() -> None:
    info = public_key_info(ones_key())
    keys = KeySet([zero_key("file"), ONES_SEED_PUBLIC])
    keys.add(secret_key_paserk(generate_key()))
    assert keys.kids[:2] == ["file", info["paserk_id"]]
    assert keys.kids[2].startswith("k4.pid.")
    with pytest.raises(OpenLeashKeyError) as caught:
        keys.add(info["paserk"])
    assert caught.value.code == "KEY_DUPLICATE_KID"


def test_key_set_set_active_and_rotate() -> None:
    keys = KeySet([zero_key("old")])
    keys.set_active("old")
    assert keys.active_kid == "old"
    keys.rotate(generate_key("new"))
    assert keys.active_kid == "new"
    assert keys.kids == ["old", "new"]
    assert repr(keys) == "<KeySet keys=2 active=\"new\">"


def test_rotation_keeps_tokens_of_the_old_key_valid() -> None:
    keys = KeySet()
    keys.rotate(zero_key("old"))
    before = issue_proof_token(keys, PARAMS, 120, now=NOW)
    keys.rotate(ones_key("new"))
    after = issue_proof_token(keys, PARAMS, 120, now=NOW)
    assert after["claims"]["kid"] == "new"
    assert verify_token(before["token"], keys, now=NOW)["kid"] == "old"
    assert verify_token(after["token"], keys, now=NOW)["kid"] == "new"


def test_key_set_errors() -> None:
    keys = KeySet([zero_key("a"), public_only(ones_key("v"))])
    assert key_code(keys.add, zero_key("a")) == "KEY_DUPLICATE_KID"
    assert key_code(keys.set_active, "z") == "KEY_UNKNOWN_KID"
    assert key_code(keys.set_active, "v") == "KEY_NOT_SIGNING"
    assert key_code(keys.rotate, public_only(generate_key("w"))) == "KEY_NOT_SIGNING"
    assert key_code(keys.revoke, "z") == "KEY_UNKNOWN_KID"
    assert key_code(KeySet, [zero_key("a"), zero_key("a")]) == "KEY_DUPLICATE_KID"
    # A failed change leaves the set as it was.
    assert keys.kids == ["a", "v"]
    assert keys.active_kid is None


def test_key_set_error_names_the_item() -> None:
    with pytest.raises(OpenLeashKeyError) as caught:
        KeySet([zero_key(), "k4.public.AAAA"])
    assert caught.value.code == "KEY_WRONG_LENGTH"


def test_key_set_holds_at_most_1024_keys() -> None:
    public = public_only(zero_key())
    keys = KeySet([dict(public, kid=str(index)) for index in range(1024)])
    assert len(keys) == 1024
    assert key_code(keys.add, dict(public, kid="one more")) == "KEY_SET_FULL"


def test_revoked_key_neither_signs_nor_verifies() -> None:
    keys = KeySet()
    keys.rotate(zero_key("k"))
    issued = issue_proof_token(keys, PARAMS, 120, now="2025-03-01T12:00:00Z")
    keys.revoke("k", at="2025-03-01T12:00:30Z")
    assert verify_token(issued["token"], keys, now="2025-03-01T12:00:29.999Z")["kid"] == "k"
    for call in (
        lambda: verify_token(issued["token"], keys, now="2025-03-01T12:00:30Z"),
        lambda: issue_proof_token(keys, PARAMS, 120, now="2025-03-01T12:00:30Z"),
    ):
        with pytest.raises(OpenLeashError) as caught:
            call()
        assert caught.value.code == "TOKEN_REVOKED_KEY"


def test_key_revoked_under_another_id_does_not_sign() -> None:
    keys = KeySet([zero_key("issuer"), zero_key("alias")])
    keys.set_active("issuer")
    keys.revoke("alias", at="2025-03-01T12:00:30Z")
    issued = issue_proof_token(keys, PARAMS, 120, now="2025-03-01T12:00:29Z")
    assert issued["claims"]["kid"] == "issuer"
    with pytest.raises(OpenLeashError) as caught:
        issue_proof_token(keys, PARAMS, 120, now="2025-03-01T12:00:30Z")
    assert caught.value.code == "TOKEN_REVOKED_KEY"


def test_revoke_defaults_to_now() -> None:
    keys = KeySet()
    keys.rotate(zero_key("k"))
    keys.revoke("k")
    with pytest.raises(OpenLeashError) as caught:
        issue_proof_token(keys, PARAMS, 120)
    assert caught.value.code == "TOKEN_REVOKED_KEY"


def test_revocation_in_a_key_file_is_enforced() -> None:
    revoked = dict(zero_key("k"), revoked_at="2025-03-01T12:00:00.000Z")
    with pytest.raises(OpenLeashError) as caught:
        issue_proof_token(revoked, PARAMS, 120, now=NOW)
    assert caught.value.code == "TOKEN_REVOKED_KEY"


def test_key_set_does_not_pickle() -> None:
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(KeySet([zero_key()]))


def test_key_randomness_error_is_not_reachable_here() -> None:
    # KEY_RANDOMNESS_UNAVAILABLE needs an operating system without a
    # randomness source; here generation succeeds.
    assert generate_key()["private_key_b64"] != generate_key()["private_key_b64"]
