"""Guard an agent's tools with OpenLeash policies.

Two tools an assistant might call, a purchase and an email, each wrapped
with ``openleash_core.guard``: before the tool runs, the call is turned into
an action request and decided against the policies in
``examples/purchases`` and ``examples/communication``. The tool runs only
on ALLOW; anything else raises ``ActionNotAllowed`` with the decision, so
the agent can ask for approval, step up authentication or give up.

Run it with the package installed:

    python examples/python/guard_tools.py
"""

from __future__ import annotations

import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List

from openleash_core import ActionNotAllowed, Decision, Policy, PolicyStack, guard

EXAMPLES = Path(__file__).resolve().parent.parent

# The owner the agent acts for, and the agent itself.
OWNER_ID = "e92420d1-0a9e-4fa9-890c-5ade1c57c5e3"
AGENT_ID = "assistant-agent"

# Each policy only has rules for its own action types, so stacking them
# gives one policy for both tools; both default to deny.
POLICIES = PolicyStack(
    [
        Policy.from_file(EXAMPLES / "purchases" / "policy.yaml"),
        Policy.from_file(EXAMPLES / "communication" / "policy.yaml"),
    ]
)

AUDIT_LOG: List[Decision] = []


def action_request(action_type: str, domain: str, payload: Dict[str, Any]) -> Dict[str, Any]:
    """An OpenLeash action request from this agent for its owner."""
    return {
        "action_id": str(uuid.uuid4()),
        "action_type": action_type,
        "requested_at": datetime.now(timezone.utc).isoformat(),
        "principal": {"agent_id": AGENT_ID},
        "subject": {"principal_id": OWNER_ID},
        "relying_party": {"domain": domain, "trust_profile": "LOW"},
        "payload": payload,
    }


def purchase_action(
    item: str, amount_minor: int, currency: str, shop: str, category: str = "general"
) -> Dict[str, Any]:
    return action_request(
        "purchase.item",
        shop,
        {
            "item": item,
            "category": category,
            "amount_minor": amount_minor,
            "currency": currency,
            "merchant_domain": shop,
            "assurance_level": "LOW",
        },
    )


def email_action(to: str, subject: str, body: str) -> Dict[str, Any]:
    domain = to.rsplit("@", 1)[-1]
    return action_request(
        "email.send",
        "mail.example.com",
        {"to": [to], "domain": domain, "recipient_count": 1, "subject": subject},
    )


@guard(POLICIES, purchase_action, on_decision=AUDIT_LOG.append)
def buy(item: str, amount_minor: int, currency: str, shop: str, category: str = "general") -> str:
    """The tool: places an order (here it only pretends to)."""
    return f"ordered {item} for {amount_minor / 100:.2f} {currency} at {shop}"


@guard(POLICIES, email_action, on_decision=AUDIT_LOG.append)
def send_email(to: str, subject: str, body: str) -> str:
    """The tool: sends an email (here it only pretends to)."""
    return f"sent {subject!r} to {to}"


def attempt(description: str, expected: str, call: Any) -> bool:
    """Calls a guarded tool and prints what happened; returns whether the
    outcome was the expected result."""
    try:
        output = call()
        outcome = "ALLOW"
        print(f"{description}: ALLOW, {output}")
    except ActionNotAllowed as refused:
        outcome = refused.result
        obligations = ", ".join(obligation["type"] for obligation in refused.obligations) or "none"
        print(f"{description}: {refused.result} ({refused.reason}); obligations: {obligations}")
    return outcome == expected


def main() -> int:
    results = [
        attempt(
            "buy a cable for 19.99 EUR",
            "ALLOW",
            lambda: buy("USB-C cable", 1999, "EUR", "shop.example.com"),
        ),
        attempt(
            "buy a gift card",
            "DENY",
            lambda: buy("gift card", 2500, "EUR", "shop.example.com", category="gift_card"),
        ),
        attempt(
            "buy a laptop for 1,299.00 EUR",
            "REQUIRE_APPROVAL",
            lambda: buy("laptop", 129900, "EUR", "shop.example.com"),
        ),
        attempt(
            "email a colleague",
            "ALLOW",
            lambda: send_email("dana@example.com", "Notes", "See attached."),
        ),
        attempt(
            "email a partner",
            "REQUIRE_APPROVAL",
            lambda: send_email("orders@partner.example.org", "Order 4471", "When will it ship?"),
        ),
    ]
    print(f"{len(AUDIT_LOG)} decisions recorded; last action hash {AUDIT_LOG[-1]['action_hash']}")
    if not all(results):
        print("unexpected outcome: the example policies or the engine changed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
