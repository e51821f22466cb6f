"""Test data shared by the test modules."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict

# The repository root, for the shared test data (conformance corpus, JCS
# vectors, examples). scripts/test-python.sh sets it; a checkout also works.
REPO = Path(os.environ.get("OPENLEASH_REPO", Path(__file__).resolve().parents[2]))

# A valid action request, for tests that need one.
ACTION = {
    "action_id": "3b241101-e2bb-4255-8caf-4136c566a962",
    "action_type": "purchase",
    "requested_at": "2025-03-01T12:00:00.000Z",
    "principal": {"agent_id": "shopper-agent"},
    "subject": {"principal_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"},
    "payload": {"amount_minor": 1999, "currency": "EUR"},
}

POLICY_YAML = """\
version: 1
default: deny
rules:
  - id: small_purchase
    effect: allow
    action: purchase
    constraints: {amount_max: 5000, currency: [EUR]}
  - id: large_purchase
    effect: allow
    action: purchase
    obligations:
      - type: HUMAN_APPROVAL
        params: {reason: large}
"""

NOW = "2025-03-01T12:00:00Z"


def action_with(**payload: object) -> Dict[str, Any]:
    """ACTION with its payload replaced."""
    action = dict(ACTION)
    action["payload"] = dict(payload)
    return action
