"""Proof tokens: an agent's purchase, authorized and then checked offline.

The owner's side runs an ``Authorizer``: the purchase policy in
``examples/purchases`` joined with the owner's signing key. For a purchase
the policy allows with ``proof.required``, the decision carries a proof
token (PASETO v4.public) bound to the action's hash.

The agent sends the action and the proof to a merchant, signing the HTTP
request with its own key. The merchant holds only public keys: the
owner's issuer key and the key the agent registered. It checks the
request signature (with a replay guard), then the proof, offline, and
that the proof is for exactly this action and this agent. A replayed
request, a changed amount and a proof from a revoked key are rejected.

Run it with the package installed:

    python examples/python/proofs.py
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Mapping, Tuple

from openleash_core import (
    Authorizer,
    KeyFile,
    KeySet,
    OpenLeashError,
    Policy,
    ReplayGuard,
    SignatureError,
    TokenError,
    action_hash,
    generate_key,
    sign_request,
    verify_request,
    verify_token,
)

EXAMPLES = Path(__file__).resolve().parent.parent

OWNER_ID = "e92420d1-0a9e-4fa9-890c-5ade1c57c5e3"
AGENT_ID = "shopping-agent"
ORDER_PATH = "/v1/orders"


def public_part(key: KeyFile) -> Dict[str, Any]:
    """The key file without its private key: what a verifier receives."""
    return {name: value for name, value in key.items() if name != "private_key_b64"}


def purchase_action(item: str, amount_minor: int) -> Dict[str, Any]:
    return {
        "action_id": str(uuid.uuid4()),
        "action_type": "purchase.item",
        "requested_at": datetime.now(timezone.utc).isoformat(),
        "principal": {"agent_id": AGENT_ID},
        "subject": {"principal_id": OWNER_ID},
        "relying_party": {"domain": "shop.example.com", "trust_profile": "LOW"},
        "payload": {
            "item": item,
            "category": "electronics",
            "amount_minor": amount_minor,
            "currency": "EUR",
            "merchant_domain": "shop.example.com",
            "assurance_level": "LOW",
        },
    }


class Merchant:
    """The counterparty. It trusts the owner's issuer keys and holds each
    agent's registered public key, and it never calls the owner's side."""

    def __init__(self, issuer_keys: KeySet, agent_keys: Mapping[str, Dict[str, Any]]) -> None:
        self.issuer_keys = issuer_keys
        self.agent_keys = agent_keys
        self.replay_guard = ReplayGuard()

    def place_order(self, headers: Mapping[str, str], body: bytes) -> str:
        """Check the request and its proof; return the order summary or
        raise SignatureError or TokenError."""
        agent_key = self.agent_keys.get(headers.get("X-Agent-Id", ""))
        if agent_key is None:
            raise SignatureError("unknown agent", "INVALID_SIGNATURE")
        verify_request(headers, "POST", ORDER_PATH, agent_key, body=body, guard=self.replay_guard)

        order = json.loads(body)
        proof = verify_token(
            order["proof_token"],
            self.issuer_keys,
            expect={"action_hash": action_hash(order["action"]), "agent_id": headers["X-Agent-Id"]},
        )
        payload = order["action"]["payload"]
        return (
            f"order accepted: {payload['item']} for {payload['amount_minor'] / 100:.2f} "
            f"{payload['currency']} (proof {proof['claims']['decision_id'][:8]}, "
            f"signed by {proof['kid']}, valid until {proof['expires_at']})"
        )


def send(agent_key: KeyFile, action: Dict[str, Any], proof_token: str) -> Tuple[Dict[str, str], bytes]:
    """The agent's request: the action and its proof, signed with the
    agent's key."""
    body = json.dumps({"action": action, "proof_token": proof_token}).encode()
    return sign_request(agent_key, AGENT_ID, "POST", ORDER_PATH, body=body), body


def expect_rejection(what: str, merchant: Merchant, headers: Mapping[str, str], body: bytes) -> None:
    try:
        merchant.place_order(headers, body)
    except (SignatureError, TokenError) as error:
        print(f"{what}: rejected with {error.code}")
        return
    sys.exit(f"{what}: the merchant accepted it")


def main() -> None:
    # The owner's side: an issuer key in a key set, and the authorizer.
    issuer_key = generate_key("owner-issuer-2025")
    issuer_keys = KeySet()
    issuer_keys.rotate(issuer_key)
    authorizer = Authorizer(Policy.from_file(EXAMPLES / "purchases" / "policy.yaml"), issuer_keys)

    # The agent's own key, whose public half the merchant has on file.
    agent_key = generate_key("shopping-agent-key")
    merchant = Merchant(KeySet([public_part(issuer_key)]), {AGENT_ID: public_part(agent_key)})

    action = purchase_action("USB-C cable", 1999)
    decision = authorizer.authorize(action)
    if decision["result"] != "ALLOW" or "proof_token" not in decision:
        sys.exit(f"expected an allowed purchase with a proof, got {decision['result']}: {decision['reason']}")
    print(f"authorize a 19.99 EUR cable: {decision['result']} by {decision['matched_rule_id']}, proof issued")

    headers, body = send(agent_key, action, decision["proof_token"])
    print(merchant.place_order(headers, body))
    expect_rejection("the same request again", merchant, headers, body)

    # The agent swaps in a larger amount after the decision: the proof is
    # bound to the hash of the original action.
    changed = dict(action, payload=dict(action["payload"], amount_minor=4999))
    expect_rejection("the same proof for 49.99 EUR", merchant, *send(agent_key, changed, decision["proof_token"]))

    # A larger purchase needs the owner's approval: no proof is issued.
    laptop = authorizer.authorize(purchase_action("laptop", 129_900))
    print(f"authorize a 1,299.00 EUR laptop: {laptop['result']}, proof issued: {'proof_token' in laptop}")

    # The owner revokes the issuer key: the merchant's copy of the key set
    # learns it too, and the old proof no longer verifies anywhere.
    issuer_keys.revoke(issuer_key["kid"])
    merchant.issuer_keys.revoke(issuer_key["kid"])
    fresh = purchase_action("USB-C cable", 1999)
    refused = authorizer.authorize(fresh)
    print(f"authorize after revoking the key: {refused['result']} ({refused.get('error', {}).get('code')})")
    expect_rejection("the old proof after revocation", merchant, *send(agent_key, action, decision["proof_token"]))


if __name__ == "__main__":
    try:
        main()
    except OpenLeashError as error:
        sys.exit(f"unexpected error {error.code}: {error}")
