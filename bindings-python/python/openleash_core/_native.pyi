"""The compiled engine. Import from ``openleash_core``, not from here."""

import os
from datetime import datetime
from typing import Any, Iterable, Mapping, Optional, Union

from typing import final

from ._types import Decision, Diagnostic

__all__ = [
    "Policy",
    "PolicyStack",
    "evaluate",
    "validate_policy",
    "canonical_json",
    "action_hash",
    "_after_fork",
    "__version__",
    "MAX_JSON_DEPTH",
]

__version__: str
MAX_JSON_DEPTH: int

_Now = Union[datetime, str, None]

@final
class Policy:
    """A compiled policy: parsed and validated once, immutable, and safe to
    share between threads."""

    @staticmethod
    def from_yaml(text: str) -> Policy:
        """Parse and validate a YAML policy. Raises PolicyError with every
        problem found."""

    @staticmethod
    def from_file(path: Union[str, os.PathLike[str]]) -> Policy:
        """Read, parse and validate a YAML policy file. Raises OSError when
        the file cannot be read and PolicyError when it is not a valid
        policy."""

    @property
    def rule_ids(self) -> list[str]:
        """Rule ids in document order."""

    @property
    def default(self) -> str:
        """The document's ``default``: ``allow``, ``deny``, ``require_approval`` or
        ``passthrough``."""

    @property
    def warnings(self) -> list[Diagnostic]:
        """Problems that did not stop the policy from loading."""

    @property
    def document(self) -> dict[str, Any]:
        """The parsed document as plain data."""

    def evaluate(
        self,
        action: Mapping[str, Any],
        *,
        now: _Now = None,
        default_proof_ttl_seconds: Optional[float] = None,
    ) -> Decision:
        """Decide an action against this policy alone."""

@final
class PolicyStack:
    """Several policies layered most specific first."""

    def __new__(cls, policies: Iterable[Policy]) -> PolicyStack: ...
    @property
    def layers(self) -> list[Policy]:
        """The layers, most specific first."""

    @property
    def default(self) -> str:
        """The merged default."""

    @property
    def rule_ids(self) -> list[str]:
        """Rule ids of all layers in evaluation order."""

    @property
    def document(self) -> dict[str, Any]:
        """The merged policy as plain data."""

    def evaluate(
        self,
        action: Mapping[str, Any],
        *,
        now: _Now = None,
        default_proof_ttl_seconds: Optional[float] = None,
    ) -> Decision:
        """Decide an action against the stack."""

def evaluate(
    policy: Union[Policy, PolicyStack],
    action: Mapping[str, Any],
    *,
    now: _Now = None,
    default_proof_ttl_seconds: Optional[float] = None,
) -> Decision:
    """Decide an action against a Policy or a PolicyStack."""

def validate_policy(text: str) -> list[Diagnostic]:
    """Check a YAML policy and return its problems (empty when valid)."""

def canonical_json(value: Any) -> str:
    """Serialize a value as RFC 8785 canonical JSON."""

def _after_fork() -> None:
    """Discard the random bytes drawn for decision ids (in a forked child)."""

def action_hash(action: Mapping[str, Any]) -> str:
    """Validate and normalize an action and return its action hash."""
