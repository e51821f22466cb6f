"""Benchmark of proof-token verification from Python, next to the Python
peers verifying the same token, in one process.

Install the package and the peers (pinned in requirements.txt beside this
file), then run it:

    pip install -r bindings-python/bench/requirements.txt
    python bindings-python/bench/tokens.py --rust-verify-us 38.6

The token is a typical proof (the claims of core/benches/tokens.rs, with a
trust profile), issued at the current time for an hour so that every
verifier accepts it against the system clock. The peers:

- ``pyseto``: ``Paseto.decode`` with the public key loaded once, the way a
  service that keeps its keys would call it. pyseto verifies Ed25519
  through the ``cryptography`` package (OpenSSL).
- ``openleash-sdk``: ``verify_proof_offline``, OpenLeash's own Python
  helper. Its API takes the public keys as base64 DER on every call and
  loads them each time (through pyseto).
- raw ``cryptography`` Ed25519 verify of the same signed bytes, the floor
  under both peers.

Each row is the fastest of 7 rounds of at least 0.2 s, per call.
``--rust-verify-us`` is the median of ``verify_proof`` from
``cargo bench -p openleash-core --bench tokens`` on the same machine; with
it, the script prints the ratio to native Rust and checks the targets.
"""

from __future__ import annotations

import argparse
import base64
import json
import platform
import timeit
from datetime import datetime, timezone
from typing import Any, Callable, List, Optional, Tuple

import openleash_core
from openleash_core import KeySet

PARAMS = {
    "decision_id": "5d1c7c3e-2a47-4f6e-9a0b-0c1d2e3f4a5b",
    "owner_type": "user",
    "owner_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80",
    "agent_id": "shopper-agent",
    "action_type": "purchase",
    "action_hash": "5fed50d1afcf598480f64ca09edb042a8a09c6b33c8712e3faeeea2aa1d4297d",
    "matched_rule_id": "allow_small",
    "trust_profile": "HIGH",
}


def per_call_seconds(call: Callable[[], object], rounds: int = 7) -> float:
    """The fastest round's time per call, in seconds."""
    timer = timeit.Timer(call)
    calls, _ = timer.autorange()
    return min(timer.repeat(repeat=rounds, number=max(calls, 1))) / max(calls, 1)


def pem(public_key_b64: str) -> bytes:
    return f"-----BEGIN PUBLIC KEY-----\n{public_key_b64}\n-----END PUBLIC KEY-----\n".encode()


def signed_bytes(token: str) -> Tuple[bytes, bytes]:
    """The PASETO v4.public pre-authentication encoding the signature
    covers, and the signature."""
    body = token[len("v4.public.") :]
    data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    message, signature = data[:-64], data[-64:]
    pieces = [b"v4.public.", message, b"", b""]
    encoded = len(pieces).to_bytes(8, "little")
    for piece in pieces:
        encoded += len(piece).to_bytes(8, "little") + piece
    return encoded, signature


def peer_rows(token: str, key: Any) -> List[Tuple[str, Optional[float], str]]:
    rows: List[Tuple[str, Optional[float], str]] = []
    try:
        import pyseto
        from pyseto import Key, Paseto
    except ImportError:
        rows.append(("pyseto Paseto.decode", None, "pyseto is not installed"))
    else:
        public = Key.new(version=4, purpose="public", key=pem(key["public_key_b64"]))
        paseto = Paseto.new()
        decoded = paseto.decode(public, token, deserializer=json)
        assert decoded.payload["decision_id"] == PARAMS["decision_id"]
        call = lambda: paseto.decode(public, token, deserializer=json)  # noqa: E731
        rows.append((f"pyseto {pyseto.__version__} Paseto.decode (key loaded once)", per_call_seconds(call), ""))

    try:
        from importlib.metadata import version

        from openleash.client import verify_proof_offline
    except ImportError:
        rows.append(("openleash-sdk verify_proof_offline", None, "openleash-sdk is not installed"))
    else:
        keys = [{"kid": key["kid"], "public_key_b64": key["public_key_b64"]}]
        outcome = verify_proof_offline(token=token, public_keys=keys)
        assert outcome["valid"], outcome
        call = lambda: verify_proof_offline(token=token, public_keys=keys)  # noqa: E731
        name = f"openleash-sdk {version('openleash-sdk')} verify_proof_offline"
        rows.append((name, per_call_seconds(call), ""))

    try:
        from cryptography.hazmat.primitives.serialization import load_der_public_key
    except ImportError:
        rows.append(("cryptography Ed25519 verify", None, "cryptography is not installed"))
    else:
        raw = load_der_public_key(base64.b64decode(key["public_key_b64"]))
        message, signature = signed_bytes(token)
        raw.verify(signature, message)  # type: ignore[union-attr, call-arg]
        call = lambda: raw.verify(signature, message)  # type: ignore[union-attr, call-arg]  # noqa: E731
        rows.append(("baseline: cryptography Ed25519 verify (raw)", per_call_seconds(call), ""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rust-verify-us",
        type=float,
        help="median microseconds of verify_proof in `cargo bench -p openleash-core --bench tokens`",
    )
    arguments = parser.parse_args()

    now = datetime.now(timezone.utc)
    key = openleash_core.generate_key("bench-key", now=now)
    keys = KeySet([key])
    keys.set_active("bench-key")
    token = openleash_core.issue_proof_token(keys, PARAMS, 3600, now=now)["token"]
    verifying = KeySet([{name: value for name, value in key.items() if name != "private_key_b64"}])
    fixed_now = now.isoformat()
    assert openleash_core.verify_token(token, verifying)["claims"]["decision_id"] == PARAMS["decision_id"]

    ours = per_call_seconds(lambda: openleash_core.verify_token(token, verifying))
    rows: List[Tuple[str, Optional[float], str]] = [
        ("openleash_core verify_token (KeySet, system clock)", ours, ""),
        (
            "openleash_core verify_token (KeySet, now as str)",
            per_call_seconds(lambda: openleash_core.verify_token(token, verifying, now=fixed_now)),
            "",
        ),
        (
            "openleash_core verify_token (base64 key read per call)",
            per_call_seconds(lambda: openleash_core.verify_token(token, key["public_key_b64"])),
            "",
        ),
    ]
    rows.extend(peer_rows(token, key))
    # What reading a key costs, for the rows that read one per call.
    public_b64 = key["public_key_b64"]
    rows.append(("key reading: public_key_info(base64 public key)", per_call_seconds(lambda: openleash_core.public_key_info(public_b64)), ""))
    rows.append(("key reading: public_key_info(key file with private key)", per_call_seconds(lambda: openleash_core.public_key_info(key)), ""))

    print(
        f"openleash_core {openleash_core.__version__}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}; token of {len(token)} characters"
    )
    print(f"{'verifier':<60} {'per call':>11} {'/ ours':>8}")
    for name, seconds, note in rows:
        if seconds is None:
            print(f"{name:<60} {'-':>11} {'':>8}  ({note})")
        else:
            print(f"{name:<60} {seconds * 1e6:>8.2f} µs {seconds / ours:>7.2f}x")

    peers = [
        seconds
        for name, seconds, _ in rows
        if seconds is not None and name.startswith(("pyseto", "openleash-sdk"))
    ]
    if peers:
        slowest_margin = min(peers) / ours
        verdict = "met" if slowest_margin >= 4 else "NOT met"
        print(f"target: at least 4x faster than each Python peer: {verdict} (the closer peer is {slowest_margin:.2f}x slower)")
    if arguments.rust_verify_us:
        ratio = ours * 1e6 / arguments.rust_verify_us
        verdict = "met" if ratio <= 1.5 else "NOT met"
        print(
            f"target: within 1.5x of native Rust ({arguments.rust_verify_us:.2f} µs): {verdict} "
            f"({ratio:.2f}x)"
        )


if __name__ == "__main__":
    main()
