"""OpenLeash authorization engine for Python agents.

Compile a YAML policy once with ``Policy.from_yaml`` or ``Policy.from_file``
(or layer several with ``PolicyStack``), then decide each action an agent
wants to take with ``evaluate``: the decision is a dict with the result
(ALLOW, DENY, REQUIRE_APPROVAL, REQUIRE_STEP_UP or REQUIRE_DEPOSIT), the
reason, the obligations and the action hash. ``guard`` wraps a tool so that
it runs only when its action is allowed.
"""

import os as _os

from ._errors import (
    ActionError,
    ActionNotAllowed,
    OpenLeashError,
    PolicyError,
    SignatureError,
    TokenError,
    ValueConversionError,
)
from ._guard import guard
from ._native import (
    MAX_JSON_DEPTH,
    _after_fork,
    Policy,
    PolicyStack,
    __version__,
    action_hash,
    canonical_json,
    evaluate,
    validate_policy,
)
from ._types import (
    ActionIssue,
    Decision,
    DecisionError,
    Diagnostic,
    Obligation,
    RuleTrace,
)

# A forked child must draw its own random bytes for decision ids.
if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(after_in_child=_after_fork)

__all__ = [
    "MAX_JSON_DEPTH",
    "ActionError",
    "ActionIssue",
    "ActionNotAllowed",
    "Decision",
    "DecisionError",
    "Diagnostic",
    "Obligation",
    "OpenLeashError",
    "Policy",
    "PolicyError",
    "PolicyStack",
    "RuleTrace",
    "SignatureError",
    "TokenError",
    "ValueConversionError",
    "__version__",
    "action_hash",
    "canonical_json",
    "evaluate",
    "guard",
    "validate_policy",
]
