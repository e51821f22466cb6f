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
