"""OpenLeash authorization engine for Python agents.

Compile a YAML policy once with ``Policy.from_yaml`` or ``Policy.from_file``
(or layer several with ``PolicyStack``), then decide each action an agent
wants to take with ``evaluate``: the decision is a dict with the result
(ALLOW, DENY, REQUIRE_APPROVAL, REQUIRE_STEP_UP or REQUIRE_DEPOSIT), the
reason, the obligations and the action hash. ``guard`` wraps a tool so that
it runs only when its action is allowed.

An ``Authorizer`` joins a policy with a signing key and adds a proof token
(PASETO v4.public, Ed25519) to each allowed action that needs one; a
counterparty checks it offline with ``verify_token``. ``KeySet`` holds the
keys, with rotation and revocation; ``sign_request`` and ``verify_request``
sign an agent's HTTP requests and check them with a ``ReplayGuard``.
"""

import os as _os

from ._errors import (
    ActionError,
    ActionNotAllowed,
    OpenLeashError,
    OpenLeashKeyError,
    PolicyError,
    SignatureError,
    TokenError,
    ValueConversionError,
)
from ._guard import guard
from ._native import (
    MAX_JSON_DEPTH,
    _after_fork,
    Authorizer,
    KeySet,
    Policy,
    PolicyStack,
    ReplayGuard,
    __version__,
    action_hash,
    canonical_json,
    evaluate,
    generate_key,
    issue_approval_token,
    issue_proof_token,
    issue_session_token,
    order_bindings,
    public_key_info,
    secret_key_paserk,
    sign_request,
    validate_policy,
    verify_request,
    verify_token,
)
from ._types import (
    ActionIssue,
    ApprovalTokenParams,
    Authorization,
    Decision,
    DecisionError,
    Diagnostic,
    IssuedToken,
    KeyFile,
    Obligation,
    OrgMembership,
    Owner,
    ProofTokenParams,
    PublicKeyInfo,
    RuleTrace,
    SessionTokenParams,
    TokenExpectations,
    VerifiedToken,
)

# A forked child must draw its own random bytes for decision ids.
if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(after_in_child=_after_fork)

__all__ = [
    "MAX_JSON_DEPTH",
    "ActionError",
    "ActionIssue",
    "ActionNotAllowed",
    "ApprovalTokenParams",
    "Authorization",
    "Authorizer",
    "Decision",
    "DecisionError",
    "Diagnostic",
    "IssuedToken",
    "KeyFile",
    "KeySet",
    "Obligation",
    "OpenLeashError",
    "OpenLeashKeyError",
    "OrgMembership",
    "Owner",
    "Policy",
    "PolicyError",
    "PolicyStack",
    "ProofTokenParams",
    "PublicKeyInfo",
    "ReplayGuard",
    "RuleTrace",
    "SessionTokenParams",
    "SignatureError",
    "TokenError",
    "TokenExpectations",
    "ValueConversionError",
    "VerifiedToken",
    "__version__",
    "action_hash",
    "canonical_json",
    "evaluate",
    "generate_key",
    "guard",
    "issue_approval_token",
    "issue_proof_token",
    "issue_session_token",
    "order_bindings",
    "public_key_info",
    "secret_key_paserk",
    "sign_request",
    "validate_policy",
    "verify_request",
    "verify_token",
]
