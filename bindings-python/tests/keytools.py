"""Key material for the key, token and request tests, built from raw bytes
with the standard library so that the tests do not trust the package to
encode what it then reads."""

from __future__ import annotations

import base64
import hashlib
from typing import Any, Dict

# DER prefixes of an Ed25519 SubjectPublicKeyInfo and of a PKCS#8 version 1
# private key (RFC 8410); the raw 32-byte key follows each.
SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
PKCS8_PREFIX = bytes.fromhex("302e020100300506032b657004220420")

# The OpenLeash test-vector key pair: the seed is 32 zero bytes.
ZERO_SEED_PUBLIC = "MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik="
ZERO_SEED_PRIVATE = "MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

# A second key pair: the seed is 32 bytes of 0x01 (from the corpus).
ONES_SEED_PUBLIC = "MCowBQYDK2VwAyEAiojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w="
ONES_SEED_PRIVATE = "MC4CAQAwBQYDK2VwBCIEIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def spki_b64(public: bytes) -> str:
    return b64(SPKI_PREFIX + public)


def pkcs8_b64(seed: bytes) -> str:
    return b64(PKCS8_PREFIX + seed)


def key_file(kid: str, public_b64: str, private_b64: str = "") -> Dict[str, Any]:
    """A key file; without `private_b64` it only verifies."""
    file: Dict[str, Any] = {"kid": kid, "public_key_b64": public_b64}
    if private_b64:
        file["private_key_b64"] = private_b64
    return file


def zero_key(kid: str = "issuer-zero") -> Dict[str, Any]:
    return key_file(kid, ZERO_SEED_PUBLIC, ZERO_SEED_PRIVATE)


def ones_key(kid: str = "issuer-ones") -> Dict[str, Any]:
    return key_file(kid, ONES_SEED_PUBLIC, ONES_SEED_PRIVATE)


def public_only(file: Dict[str, Any]) -> Dict[str, Any]:
    return {name: value for name, value in file.items() if name != "private_key_b64"}


def paserk_id(header: str, paserk: str) -> str:
    """A PASERK id (`k4.pid.` or `k4.sid.`): BLAKE2b-264 over the header
    followed by the PASERK, as the PASERK specification defines it."""
    digest = hashlib.blake2b((header + paserk).encode("ascii"), digest_size=33).digest()
    return header + b64url(digest)
