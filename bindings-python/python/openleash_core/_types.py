"""Shapes of the plain data that openleash_core returns, for type checkers.

At run time these are ordinary dicts; the classes here only describe their
keys.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, TypedDict, Union


class Diagnostic(TypedDict):
    """One problem in a policy document."""

    code: str
    message: str
    path: str
    line: int
    column: int


class ActionIssue(TypedDict):
    """One problem in an action request."""

    code: str
    path: str
    message: str


class DecisionError(TypedDict):
    """Why a decision failed closed."""

    code: str
    message: str


class Obligation(TypedDict):
    """Something that must happen before or with the action."""

    obligation_id: str
    type: str
    status: str
    details_json: Dict[str, Any]


class RuleTrace(TypedDict):
    """How one rule was evaluated."""

    rule_id: str
    pattern_match: bool
    when_match: Optional[bool]
    constraints_match: Optional[bool]
    final_match: bool


class _DecisionFields(TypedDict):
    decision_id: str
    action_id: str
    action_hash: str
    result: str
    matched_rule_id: Optional[str]
    reason: str
    obligations: List[Obligation]
    proof_required: bool
    proof_ttl_seconds: Union[int, float, None]
    decided_at: str
    trace: List[RuleTrace]


class Decision(_DecisionFields, total=False):
    """A decision, with the keys of the CLI's JSON output. ``error`` is
    present only when the decision failed closed."""

    error: DecisionError


class _KeyFileFields(TypedDict):
    kid: str
    public_key_b64: str
    revoked_at: Optional[str]


class KeyFile(_KeyFileFields, total=False):
    """An OpenLeash key file. ``public_key_b64`` is base64 DER
    SubjectPublicKeyInfo, ``private_key_b64`` base64 DER PKCS#8 (absent
    in a key that only verifies); the times are RFC 3339."""

    private_key_b64: str
    created_at: str


class PublicKeyInfo(TypedDict):
    """The public forms of a key."""

    public_key_b64: str
    paserk: str
    paserk_id: str


class IssuedToken(TypedDict):
    """A token just issued, with the claims it signs."""

    token: str
    claims: Dict[str, Any]
    issued_at: str
    expires_at: str


class VerifiedToken(TypedDict):
    """A token that passed every check. ``purpose`` is ``proof``,
    ``approval`` or ``session``; ``kid`` is the id of the key that
    verified it."""

    claims: Dict[str, Any]
    kid: str
    purpose: str
    issued_at: str
    expires_at: str


class _ProofTokenFields(TypedDict):
    decision_id: str
    owner_type: str
    owner_id: str
    agent_id: str
    action_type: str
    action_hash: str
    matched_rule_id: Optional[str]


class ProofTokenParams(_ProofTokenFields, total=False):
    """The claims of a proof token besides ``iss``, ``kid``, ``iat`` and
    ``exp``."""

    trust_profile: Optional[str]
    constraints_snapshot: Optional[Dict[str, Any]]


class ApprovalTokenParams(TypedDict):
    """The claims of an approval token besides ``iss``, ``kid``, ``iat``,
    ``exp`` and ``purpose``."""

    approval_request_id: str
    owner_type: str
    owner_id: str
    agent_id: str
    action_type: str
    action_hash: str


class OrgMembership(TypedDict):
    """A user's role in an organization, in a session token."""

    org_id: str
    role: str


class _SessionTokenFields(TypedDict):
    sub: str


class SessionTokenParams(_SessionTokenFields, total=False):
    """The claims of a session token besides ``iss``, ``kid``, ``iat``,
    ``exp`` and ``purpose``."""

    system_roles: Optional[List[str]]
    org_memberships: Optional[List[OrgMembership]]


class TokenExpectations(TypedDict, total=False):
    """Claims a verifier insists on; None checks nothing."""

    action_hash: Optional[str]
    agent_id: Optional[str]
    action_type: Optional[str]
    decision_id: Optional[str]
    approval_request_id: Optional[str]
    sub: Optional[str]


class Owner(TypedDict):
    """Who owns the agent, as written into proof tokens: ``owner_type`` is
    ``user`` or ``org``."""

    owner_type: str
    owner_id: str


class Authorization(Decision, total=False):
    """A decision from ``Authorizer.authorize``: ``proof_token`` and
    ``proof_expires_at`` are present exactly when a proof was issued."""

    proof_token: str
    proof_expires_at: str

