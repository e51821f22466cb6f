"""Exception classes of openleash_core.

Every exception the package raises for engine input subclasses
OpenLeashError, which subclasses ValueError and carries a stable ``code``.
A DENY is a returned decision, never an exception; only the guard raises
ActionNotAllowed, and only for a decision that is not ALLOW.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Tuple

if TYPE_CHECKING:
    from ._types import ActionIssue, Decision, Diagnostic, Obligation


class OpenLeashError(ValueError):
    """Base class of the package's errors, with a stable ``code``."""

    code: str
    message: str

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.message, self.code))


class PolicyError(OpenLeashError):
    """A policy that failed to load. ``code`` is the first diagnostic's code,
    ``diagnostics`` lists every problem (code, message, path, line,
    column). Binding records that cannot be used raise it too, with the code
    ``BINDING_INVALID`` or ``BINDING_UNKNOWN_POLICY`` and no diagnostics."""

    diagnostics: List[Diagnostic]

    def __init__(self, message: str, code: str, diagnostics: List[Diagnostic]) -> None:
        super().__init__(message, code)
        self.diagnostics = diagnostics

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.message, self.code, self.diagnostics))


class ActionError(OpenLeashError):
    """An action request that failed validation. ``code`` is the first
    issue's code, ``issues`` lists every problem (code, path, message)."""

    issues: List[ActionIssue]

    def __init__(self, message: str, code: str, issues: List[ActionIssue]) -> None:
        super().__init__(message, code)
        self.issues = issues

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.message, self.code, self.issues))


class ValueConversionError(OpenLeashError):
    """A Python value with no faithful JSON form, or an invalid option.
    ``path`` says where it sits, e.g. ``payload.items[0].price`` (empty for
    the value itself)."""

    path: str

    def __init__(self, message: str, code: str, path: str) -> None:
        super().__init__(message, code)
        self.path = path

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.message, self.code, self.path))


class OpenLeashKeyError(OpenLeashError):
    """A key that could not be read, generated or used: ``code`` is one of
    the ``KEY_*`` codes, such as ``KEY_INVALID_BASE64``, ``KEY_WEAK`` or
    ``KEY_UNKNOWN_KID``. Named so that it does not shadow the builtin
    ``KeyError``, which it is unrelated to."""


class TokenError(OpenLeashError):
    """A proof, approval or session token that could not be issued or
    verified: ``code`` is one of the ``TOKEN_*`` codes, such as
    ``TOKEN_EXPIRED`` or ``TOKEN_BAD_SIGNATURE``."""


class SignatureError(OpenLeashError):
    """A signed request that was rejected: ``code`` is
    ``MISSING_HEADERS``, ``HEADER_TOO_LARGE``, ``TIMESTAMP_SKEW``,
    ``BODY_HASH_MISMATCH``, ``INVALID_SIGNATURE``, ``NONCE_REPLAY``,
    ``REPLAY_GUARD_FULL``, or ``INVALID_MAX_SKEW`` for a receiver's skew
    setting out of range."""


class ActionNotAllowed(OpenLeashError):
    """Raised by a guarded tool when the decision is not ALLOW. ``code`` is
    the decision's result (DENY, REQUIRE_APPROVAL, REQUIRE_STEP_UP or
    REQUIRE_DEPOSIT); ``decision`` is the whole decision."""

    decision: Decision
    result: str
    reason: str
    obligations: List[Obligation]

    def __init__(self, decision: Decision) -> None:
        super().__init__(f"{decision['result']}: {decision['reason']}", decision["result"])
        self.decision = decision
        self.result = decision["result"]
        self.reason = decision["reason"]
        self.obligations = decision["obligations"]

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.decision,))
