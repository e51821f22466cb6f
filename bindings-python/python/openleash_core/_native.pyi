"""The compiled engine. Import from ``openleash_core``, not from here."""

import os
from datetime import datetime
from typing import Any, Iterable, List, Mapping, Optional, Sequence, TypeVar, Union

from typing import Literal, final

from ._types import (
    Authorization,
    Decision,
    Diagnostic,
    IssuedToken,
    KeyFile,
    PublicKeyInfo,
    VerifiedToken,
)

__all__ = [
    "Policy",
    "PolicyStack",
    "evaluate",
    "validate_policy",
    "order_bindings",
    "canonical_json",
    "action_hash",
    "generate_key",
    "public_key_info",
    "secret_key_paserk",
    "KeySet",
    "issue_proof_token",
    "issue_approval_token",
    "issue_session_token",
    "verify_token",
    "Authorizer",
    "sign_request",
    "ReplayGuard",
    "verify_request",
    "_after_fork",
    "__version__",
    "MAX_JSON_DEPTH",
    "_ed25519_verify",
    "_paseto_sign",
    "_paseto_verify",
]

__version__: str
MAX_JSON_DEPTH: int

_Now = Union[datetime, str, None]
# A key file (dict), a base64 DER public key or a PASERK (`k4.public.`, or
# `k4.secret.` for a signing key).
_Key = Union[Mapping[str, Any], str]
_Keys = Union[KeySet, Mapping[str, Any], str]
_Body = Union[bytes, bytearray, memoryview, str]

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
    @staticmethod
    def for_agent(
        bindings: Sequence[Mapping[str, Any]],
        policies: Mapping[str, Policy],
        agent_principal_id: str,
        group_ids: Sequence[str] = ...,
    ) -> PolicyStack:
        """Build the stack of the bound policies that apply to an agent."""
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

_Binding = TypeVar("_Binding", bound=Mapping[str, Any])

def order_bindings(
    bindings: Sequence[_Binding],
    agent_principal_id: str,
    group_ids: Sequence[str] = ...,
) -> List[_Binding]:
    """Return the binding records that apply to an agent, most specific first."""

def canonical_json(value: Any) -> str:
    """Serialize a value as RFC 8785 canonical JSON."""

def _after_fork() -> None:
    """Discard the random bytes drawn for decision ids (in a forked child)."""

def action_hash(action: Mapping[str, Any]) -> str:
    """Validate and normalize an action and return its action hash."""

def generate_key(kid: Optional[str] = None, *, now: _Now = None) -> KeyFile:
    """Generate a new Ed25519 signing key as an OpenLeash key file."""

def public_key_info(key: _Key) -> PublicKeyInfo:
    """Return the base64 DER, PASERK and PASERK id forms of a public key."""

def secret_key_paserk(key_file: _Key) -> str:
    """Return the ``k4.secret.`` PASERK of a key with a private key."""

@final
class KeySet:
    """Keys by id: the active one signs, every key verifies until it is
    revoked. Safe to share between threads."""

    def __new__(cls, keys: Iterable[_Key] = ()) -> KeySet: ...
    def add(self, key: _Key) -> None:
        """Add a key."""

    def set_active(self, kid: str) -> None:
        """Make the key ``kid`` the one that signs."""

    def rotate(self, key_file: _Key) -> None:
        """Add a signing key and make it active."""

    def revoke(self, kid: str, *, at: _Now = None) -> None:
        """Revoke the key ``kid`` from ``at`` on (default: now)."""

    @property
    def active_kid(self) -> Optional[str]:
        """The id of the key that signs, or None."""

    @property
    def kids(self) -> list[str]:
        """The key ids, in the order the keys were added."""

    def __len__(self) -> int: ...
    def __contains__(self, key: object, /) -> bool: ...

def issue_proof_token(
    keys: _Keys,
    params: Mapping[str, Any],
    ttl_seconds: float,
    *,
    now: _Now = None,
) -> IssuedToken:
    """Issue a proof token for an allowed action."""

def issue_approval_token(
    keys: _Keys,
    params: Mapping[str, Any],
    ttl_seconds: float,
    *,
    now: _Now = None,
) -> IssuedToken:
    """Issue an approval token for one human approval."""

def issue_session_token(
    keys: _Keys,
    params: Mapping[str, Any],
    ttl_seconds: float,
    *,
    now: _Now = None,
) -> IssuedToken:
    """Issue a session token for a user."""

def verify_token(
    token: str,
    keys: _Keys,
    *,
    purpose: Literal["proof", "approval", "session"] = "proof",
    now: _Now = None,
    leeway_seconds: float = 0,
    expect: Optional[Mapping[str, Optional[str]]] = None,
    footer: Union[bytes, bytearray, str, None] = None,
) -> VerifiedToken:
    """Verify a token and return its claims."""

@final
class Authorizer:
    """A policy stack joined with a signing key: decides actions and
    issues proof tokens. Safe to share between threads."""

    def __new__(
        cls,
        policy: Union[Policy, PolicyStack],
        keys: _Keys,
        *,
        default_ttl_seconds: float = 120,
        max_ttl_seconds: float = 3600,
        owner: Optional[Mapping[str, str]] = None,
    ) -> Authorizer: ...
    def authorize(self, action: Mapping[str, Any], *, now: _Now = None) -> Authorization:
        """Decide an action and issue its proof token when one is due."""

def sign_request(
    key_file: _Key,
    agent_id: str,
    method: str,
    path: str,
    *,
    body: _Body = b"",
    nonce: Optional[str] = None,
    now: _Now = None,
) -> dict[str, str]:
    """Sign a request and return the headers to send: ``X-Agent-Id``,
    ``X-Timestamp``, ``X-Nonce``, ``X-Body-Sha256`` and ``X-Signature``. A
    plain ``dict[str, str]``, so that it passes to HTTP clients that take
    ``Mapping[str, str]`` (a TypedDict would not)."""

@final
class ReplayGuard:
    """Remembers the nonces of recent requests so that each signed request
    is accepted once, per signing key. At most `capacity` unexpired nonces,
    and at most `per_signer` (default: capacity) for one signing key, so
    that one agent cannot fill the guard for the others. Safe to share
    between threads."""

    def __new__(cls, capacity: int = 100000, *, per_signer: Optional[int] = None) -> ReplayGuard: ...
    @property
    def capacity(self) -> int:
        """The most unexpired nonces the guard holds."""

    def __len__(self) -> int: ...

def verify_request(
    headers: Mapping[str, str],
    method: str,
    path: str,
    public_key: _Key,
    *,
    body: Optional[_Body],
    now: _Now = None,
    max_skew_seconds: float = 300,
    guard: Optional[ReplayGuard] = None,
) -> None:
    """Verify a signed request; raises SignatureError."""

# Raw Ed25519 and PASETO operations for the package's own tests (the
# official vectors are not OpenLeash tokens); not part of the API.
def _ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool: ...
def _paseto_sign(seed: bytes, payload: bytes, footer: bytes, implicit_assertion: bytes) -> str: ...
def _paseto_verify(
    token: str, public_key: bytes, footer: Optional[bytes], implicit_assertion: bytes
) -> bytes: ...
