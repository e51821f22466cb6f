"""The official PASETO v4 and Wycheproof Ed25519 vectors through the
installed package's raw signing functions (the vectors are not OpenLeash
tokens, so the token API cannot carry them)."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

from openleash_core import _native
from support import REPO


def load(path: str) -> Any:
    return json.loads((REPO / path).read_text(encoding="utf-8"))


PASETO: List[Dict[str, Any]] = load("tests/vectors/paseto/v4.json")["tests"]
WYCHEPROOF: Dict[str, Any] = load("tests/vectors/wycheproof/ed25519_test.json")


@pytest.mark.parametrize("case", [c for c in PASETO if c["name"].startswith("4-S-")], ids=lambda c: c["name"])
def test_public_vectors_sign_and_verify(case: Dict[str, Any]) -> None:
    footer = case["footer"].encode()
    assertion = case["implicit-assertion"].encode()
    payload = case["payload"].encode()
    token = _native._paseto_sign(bytes.fromhex(case["secret-key-seed"]), payload, footer, assertion)
    assert token == case["token"]
    public = bytes.fromhex(case["public-key"])
    assert _native._paseto_verify(case["token"], public, footer, assertion) == payload


@pytest.mark.parametrize("case", [c for c in PASETO if not c["name"].startswith("4-S-")], ids=lambda c: c["name"])
def test_failure_and_local_vectors_are_refused(case: Dict[str, Any]) -> None:
    # v4.local and failure vectors: none verifies, with any public key the
    # file offers (or the 4-S key, for vectors that carry a symmetric key).
    public_hex = case.get("public-key") or next(c for c in PASETO if c["name"] == "4-S-1")["public-key"]
    footer = case["footer"].encode() if case.get("footer") is not None else None
    with pytest.raises(ValueError):
        _native._paseto_verify(case["token"], bytes.fromhex(public_hex), footer, case["implicit-assertion"].encode())


def test_vector_counts() -> None:
    assert sum(c["name"].startswith("4-S-") for c in PASETO) == 3
    assert sum(not c["name"].startswith("4-S-") for c in PASETO) == 14
    assert sum(len(group["tests"]) for group in WYCHEPROOF["testGroups"]) == WYCHEPROOF["numberOfTests"] == 151


@pytest.mark.parametrize(
    "group_and_case",
    [(group, case) for group in WYCHEPROOF["testGroups"] for case in group["tests"]],
    ids=lambda pair: str(pair[1]["tcId"]),
)
def test_wycheproof_ed25519(group_and_case: Any) -> None:
    group, case = group_and_case
    valid = _native._ed25519_verify(
        bytes.fromhex(group["publicKey"]["pk"]), bytes.fromhex(case["msg"]), bytes.fromhex(case["sig"])
    )
    assert valid == (case["result"] == "valid"), case["comment"]
