"""The OpenLeash conformance corpus through the installed package.

This mirrors the Rust runner (cli/src/suite/corpus.rs, compare.rs and
deviations.rs, token.rs): the same checks per case kind, the same deviation
list (tests/conformance/deviations.json), where a listed case passes only
by showing the behaviour its entry describes and fails if it matches the
reference. Binding cases order the records through `order_bindings` and
build the stack through `PolicyStack.for_agent`. Token cases issue through `issue_proof_token` and verify
through `verify_token`; the cross-language vector file adds the request
signature (reproduced through `sign_request`, checked through
`verify_request`) and its proof token.

The Rust runner reads each action with the core's strict JSON parser; here
the corpus file is read with Python's json module and the action crosses
into the engine as Python values. The loader below marks what the strict
parser rejects but Python's json module accepts silently (duplicate keys,
numbers that underflow to zero), and the package itself rejects the rest
(integers no double holds, non-finite numbers, lone surrogates) with the
same codes. Where the Rust runner compares canonical JSON text with the
engine's output, this runner compares the SHA-256 of the expected text with
the engine's action hash, which is the SHA-256 of its canonical JSON.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from openleash_core import (
    ActionError,
    KeySet,
    Policy,
    PolicyError,
    PolicyStack,
    ReplayGuard,
    TokenError,
    ValueConversionError,
    action_hash,
    canonical_json,
    issue_proof_token,
    order_bindings,
    sign_request,
    verify_request,
    verify_token,
)
from support import REPO

CORPUS_DIR = REPO / "tests" / "conformance" / "openleash"
DEVIATIONS_FILE = REPO / "tests" / "conformance" / "deviations.json"

# The time at which corpus cases are evaluated (1_740_830_400_000 ms, as in
# the Rust runner). No v1 rule reads the time.
CORPUS_NOW = "2025-03-01T12:00:00.000Z"

SKIPPED_KINDS: Dict[str, str] = {}


class DuplicateKeys(dict):  # type: ignore[type-arg]
    """A JSON object that had a key twice (the last value kept)."""


@dataclass(frozen=True)
class Underflow:
    """A number literal that is not zero but rounds to zero."""

    literal: str


def object_pairs(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        return DuplicateKeys(pairs)
    return dict(pairs)


def parse_float(literal: str) -> Any:
    number = float(literal)
    mantissa = re.split("[eE]", literal)[0]
    if number == 0.0 and any(digit in "123456789" for digit in mantissa):
        return Underflow(literal)
    return number


def load_json(text: str) -> Any:
    return json.loads(text, object_pairs_hook=object_pairs, parse_float=parse_float)


def strict_parse_problem(value: Any) -> Optional[str]:
    """The code the core's strict parser gives for what Python's json module
    let through, or None."""
    if isinstance(value, Underflow):
        return "JSON_NUMBER_OUT_OF_RANGE"
    if isinstance(value, DuplicateKeys):
        return "JSON_DUPLICATE_KEY"
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    for child in children:
        problem = strict_parse_problem(child)
        if problem is not None:
            return problem
    return None


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def json_eq(expected: Any, actual: Any) -> bool:
    """JSON equality where numbers compare by value (1 equals 1.0) and a
    boolean never equals a number."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return float(expected) == float(actual)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(json_eq(x, y) for x, y in zip(expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return len(expected) == len(actual) and all(
            key in actual and json_eq(value, actual[key]) for key, value in expected.items()
        )
    return type(expected) is type(actual) and expected == actual


def shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=repr)


def check_fields(what: str, expected: Any, actual: Dict[str, Any]) -> Optional[str]:
    if not isinstance(expected, dict):
        return f"expected {what} must be an object"
    for key, want in expected.items():
        got = actual.get(key)
        if not json_eq(want, got):
            return f"{what}.{key}: expected {shown(want)}, got {shown(got)}"
    return None


def decision_json(decision: Dict[str, Any]) -> Dict[str, Any]:
    """The decision with obligation ids removed (they are random)."""
    copy = dict(decision)
    copy["obligations"] = [
        {key: value for key, value in obligation.items() if key != "obligation_id"}
        for obligation in decision["obligations"]
    ]
    return copy


DECISION_KEYS = [
    "result",
    "matched_rule_id",
    "reason",
    "obligations",
    "proof_required",
    "proof_ttl_seconds",
    "trace",
]


def check_decision(expected: Dict[str, Any], decision: Dict[str, Any]) -> Optional[str]:
    actual = decision_json(decision)
    for key in DECISION_KEYS:
        if key in expected:
            got = actual.get(key)
            if not json_eq(expected[key], got):
                return f"decision.{key}: expected {shown(expected[key])}, got {shown(got)}"
    return None


@dataclass
class Observed:
    """The engine's results for one case; `reference` is None when they
    match the reference expectation, else the first mismatch."""

    reference: Optional[str] = None
    policy_codes: List[str] = field(default_factory=list)
    action_codes: List[str] = field(default_factory=list)
    input_code: Optional[str] = None
    decision: Optional[Dict[str, Any]] = None
    canonical_json: Optional[str] = None
    # For token cases: per verification, None when valid, else the code.
    token_codes: Optional[List[Optional[str]]] = None
    # For binding cases: the code of a rejected record, or the order.
    binding_code: Optional[str] = None
    ordered_policy_ids: Optional[List[str]] = None


def run_eval(case: Dict[str, Any]) -> Observed:
    observed = Observed()
    observed.reference = eval_against_reference(case, observed)
    return observed


def eval_against_reference(case: Dict[str, Any], observed: Observed) -> Optional[str]:
    expect = case.get("expect")
    if expect is None:
        return "case has no expect"
    sources = [text for text in case.get("policies", []) if isinstance(text, str)]
    loaded: List[Any] = []
    for text in sources:
        try:
            loaded.append(Policy.from_yaml(text))
        except PolicyError as error:
            loaded.append(error)
            observed.policy_codes.extend(diagnostic["code"] for diagnostic in error.diagnostics)

    expected_layers = expect.get("layers") or []
    if len(expected_layers) != len(loaded):
        return f"expected {len(expected_layers)} layers, got {len(loaded)}"
    mismatch: Optional[str] = None
    for position, (want, got) in enumerate(zip(expected_layers, loaded)):
        want_valid = want.get("valid") is True
        if isinstance(got, Policy) and not want_valid:
            mismatch = mismatch or f"layer {position}: reference rejects it, this engine accepts it"
        elif isinstance(got, PolicyError):
            if want_valid:
                mismatch = mismatch or f"layer {position}: reference accepts it, this engine rejects it: {got}"
            else:
                want_yaml = want.get("error_kind") == "yaml"
                got_yaml = got.code.startswith("YAML_")
                if want_yaml != got_yaml:
                    kind = "YAML" if want_yaml else "schema"
                    mismatch = mismatch or f"layer {position}: expected a {kind} error, got {got}"
    policies = [layer for layer in loaded if isinstance(layer, Policy)]
    if len(policies) != len(sources):
        return mismatch

    merge = case.get("merge") is True
    single = policies[0] if len(policies) == 1 and not merge else None
    stack = PolicyStack(policies)
    document = single.document if single is not None else stack.document
    if "policy" in expect and not json_eq(expect["policy"], document):
        mismatch = mismatch or f"parsed policy: expected {shown(expect['policy'])}, got {shown(document)}"

    if "action" not in case:
        return mismatch
    action = case["action"]
    action_codes: Optional[List[str]] = None
    hash_value = ""
    problem = strict_parse_problem(action)
    if problem is not None:
        action_codes = [problem]
    else:
        try:
            hash_value = action_hash(action)
        except ValueConversionError as error:
            action_codes = [error.code]
        except ActionError as error:
            action_codes = [issue["code"] for issue in error.issues]
    want_action_valid = expect.get("action_schema_valid", True)
    want_action_valid = want_action_valid if isinstance(want_action_valid, bool) else True
    if action_codes is not None:
        observed.action_codes = action_codes
        if want_action_valid:
            mismatch = mismatch or f"action rejected ({action_codes}) but the reference schema accepts it"
        # The OpenLeash server rejects a schema-invalid action before
        # evaluating it, as this engine does.
        return mismatch
    if not want_action_valid:
        mismatch = mismatch or "action accepted but the reference schema rejects it"
    want_text = expect.get("canonical_json")
    if isinstance(want_text, str) and sha256_hex(want_text) != hash_value:
        mismatch = mismatch or f"canonical JSON: expected {want_text}, whose SHA-256 is not the action hash {hash_value}"
    want_hash = expect.get("action_hash")
    if isinstance(want_hash, str) and want_hash != hash_value:
        mismatch = mismatch or f"action hash: expected {want_hash}, got {hash_value}"

    ttl = (case.get("options") or {}).get("default_proof_ttl")
    ttl = ttl if isinstance(ttl, (int, float)) and not isinstance(ttl, bool) else None
    target = single if single is not None else stack
    decision = target.evaluate(action, now=CORPUS_NOW, default_proof_ttl_seconds=ttl)
    observed.decision = decision_json(dict(decision))
    if "decision" in expect:
        detail = check_decision(expect["decision"], dict(decision))
        if detail is not None:
            mismatch = mismatch or detail
    elif "engine_error" in expect:
        mismatch = mismatch or "the reference engine threw, this engine decided"
    return mismatch


def run_canonical(case: Dict[str, Any]) -> Observed:
    observed = Observed()
    text = case.get("input") if isinstance(case.get("input"), str) else ""
    want_text = case.get("canonical_json", "")
    want_hash = case.get("sha256", "")
    try:
        value = load_json(text)
    except json.JSONDecodeError as error:
        observed.input_code = "JSON_SYNTAX"
        observed.reference = f"input rejected: {error}"
        return observed
    problem = strict_parse_problem(value)
    if problem is not None:
        observed.input_code = problem
        observed.reference = f"input rejected: {problem}"
        return observed
    try:
        output = canonical_json(value)
    except ValueConversionError as error:
        observed.input_code = error.code
        observed.reference = f"input rejected: {error}"
        return observed
    observed.canonical_json = output
    if output != want_text:
        observed.reference = f"canonical JSON: expected {want_text}, got {output}"
    elif sha256_hex(output) != want_hash:
        observed.reference = f"sha256: expected {want_hash}, got {sha256_hex(output)}"
    return observed


def run_action_request(case: Dict[str, Any]) -> Observed:
    observed = Observed()
    expect = case.get("expect") or {}
    action = case.get("action")
    problem = strict_parse_problem(action)
    try:
        if problem is not None:
            raise ValueConversionError(problem, problem, "")
        raw_hash = sha256_hex(canonical_json(action))
    except ValueConversionError as error:
        observed.action_codes.append(error.code)
        observed.reference = f"action JSON rejected: {error.code}"
        return observed
    want_raw_hash = expect.get("raw_action_hash", "")
    want_valid = expect.get("valid") is True
    try:
        normalized_hash: Optional[str] = action_hash(action)
        rejection: Optional[ActionError] = None
    except ActionError as error:
        normalized_hash = None
        rejection = error

    if raw_hash != want_raw_hash:
        observed.reference = f"raw action hash: expected {want_raw_hash}, got {raw_hash}"
    elif normalized_hash is not None and want_valid:
        want_json = expect.get("normalized_canonical_json", "")
        want_hash = expect.get("normalized_action_hash", "")
        if sha256_hex(want_json) != normalized_hash:
            observed.reference = (
                f"normalized JSON: expected {want_json}, whose SHA-256 is not the action hash {normalized_hash}"
            )
        elif normalized_hash != want_hash:
            observed.reference = f"normalized hash: expected {want_hash}, got {normalized_hash}"
    elif normalized_hash is not None:
        observed.reference = "action accepted but the reference schema rejects it"
    elif rejection is not None:
        observed.action_codes = [issue["code"] for issue in rejection.issues]
        if want_valid:
            observed.reference = f"action rejected but the reference accepts it: {rejection}"
        else:
            observed.reference = check_issues(expect, rejection)
    return observed


ZOD_CODES = {
    "invalid_type": ["ACTION_INVALID_TYPE", "ACTION_MISSING_FIELD"],
    "too_small": ["ACTION_EMPTY_STRING"],
    "invalid_value": ["ACTION_INVALID_VALUE"],
    "invalid_format": ["ACTION_INVALID_UUID"],
}


def check_issues(expect: Dict[str, Any], error: ActionError) -> Optional[str]:
    """Compares rejection paths and codes with the reference's (zod) issues."""
    for want in expect.get("issues") or []:
        path = ".".join(part for part in want.get("path") or [] if isinstance(part, str))
        zod_code = want.get("code", "")
        accepted = ZOD_CODES.get(zod_code, [])
        if not any(issue["path"] == path and issue["code"] in accepted for issue in error.issues):
            return f"expected an issue {zod_code} at {path!r}, got {error}"
    return None


def check_ours(ours: Dict[str, Any], observed: Observed) -> Optional[str]:
    for key, got in (
        ("policy_error", observed.policy_codes),
        ("action_error", observed.action_codes),
        ("input_error", [observed.input_code] if observed.input_code else []),
    ):
        want = ours.get(key)
        if want is not None and want not in got:
            return f"expected {key.replace('_', ' ')} code {want}, got {got}"
    if "decision" in ours:
        if observed.decision is None:
            return "expected a decision, got none"
        detail = check_fields("decision", ours["decision"], observed.decision)
        if detail is not None:
            return detail
    if "token_verify" in ours and observed.token_codes != ours["token_verify"]:
        return f"expected token verification results {ours['token_verify']}, got {observed.token_codes}"
    if "canonical_json" in ours and observed.canonical_json != ours["canonical_json"]:
        return f"expected canonical JSON {ours['canonical_json']}, got {observed.canonical_json}"
    if "binding_error" in ours and observed.binding_code != ours["binding_error"]:
        return f"expected binding error code {ours['binding_error']}, got {observed.binding_code}"
    if "ordered_policy_ids" in ours and observed.ordered_policy_ids != ours["ordered_policy_ids"]:
        return f"expected binding order {ours['ordered_policy_ids']}, got {observed.ordered_policy_ids}"
    unknown = set(ours) - {
        "policy_error",
        "action_error",
        "input_error",
        "decision",
        "token_verify",
        "canonical_json",
        "binding_error",
        "ordered_policy_ids",
    }
    if unknown:
        return f"deviation fields this runner cannot check: {sorted(unknown)}"
    return None


def judge(observed: Observed, deviation: Optional[Dict[str, Any]]) -> Tuple[str, str]:
    """("passed" | "deviation" | "failed", detail)."""
    if deviation is None:
        return ("passed", "") if observed.reference is None else ("failed", observed.reference)
    detail = check_ours(deviation["ours"], observed)
    if detail is not None:
        return ("failed", f"deviation not shown: {detail}")
    if observed.reference is None:
        return ("failed", "listed as a deviation but matches the reference; remove it from deviations.json")
    return ("deviation", deviation["reason"])


def run_testvectors(whole: Dict[str, Any]) -> Observed:
    """The OpenLeash cross-language vector: the action hashed as given (its
    example UUIDs are not RFC 9562 UUIDs, so it is not a valid action)."""
    observed = Observed()
    output = canonical_json(whole["action"])
    if output != whole.get("canonical_json"):
        observed.reference = f"canonical JSON: expected {whole.get('canonical_json')}, got {output}"
    elif sha256_hex(output) != whole.get("action_hash"):
        observed.reference = f"action hash: expected {whole.get('action_hash')}, got {sha256_hex(output)}"
    return observed


def reference_reason(error: TokenError) -> str:
    """The reference's reason for a refused token, for the codes it can
    report; other codes stand for themselves."""
    if error.code in ("TOKEN_BAD_SIGNATURE", "TOKEN_UNKNOWN_KEY"):
        return "No matching key found or invalid signature"
    if error.code == "TOKEN_EXPIRED":
        return "Token expired"
    return error.code


def verify_only(key: Dict[str, Any]) -> Dict[str, Any]:
    """The key file without its private key."""
    return {name: value for name, value in key.items() if name != "private_key_b64"}


def signed_message(token: str) -> bytes:
    """The claims JSON a v4.public token signs: its body without the
    64-byte signature."""
    body = token[len("v4.public.") :]
    data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    return data[:-64]


def run_token(case: Dict[str, Any]) -> Observed:
    observed = Observed()
    observed.reference = token_against_reference(case, observed)
    return observed


def token_against_reference(case: Dict[str, Any], observed: Observed) -> Optional[str]:
    expect = case["expect"]
    signer = case["key"]
    params = {name: value for name, value in case["params"].items() if name != "ttl_seconds"}
    try:
        issued = issue_proof_token(signer, params, case["params"]["ttl_seconds"], now=case["now"])
    except TokenError as error:
        if "issue_error" in expect:
            return None
        return f"issuing failed: {error}"
    if "issue_error" in expect:
        return f"the reference failed to issue ({expect['issue_error']}); this engine issued {issued['token']}"

    problems = []
    payload = signed_message(issued["token"]).decode("utf-8")
    if payload != expect.get("payload_json"):
        problems.append(f"payload: got {payload}")
    if json.loads(payload) != issued["claims"]:
        problems.append(f"claims: the token signs {payload}, issue_proof_token returned {issued['claims']}")
    if issued["token"] != expect.get("token"):
        problems.append(f"token: got {issued['token']}")
    if issued["expires_at"] != expect.get("expires_at"):
        problems.append(f"expires_at: got {issued['expires_at']}")
    token = expect.get("tampered_token", issued["token"])

    inputs = case.get("verify") or []
    outputs = expect.get("verify") or []
    if len(inputs) != len(outputs):
        return "verify inputs and expectations differ in length"
    codes: List[Optional[str]] = []
    for verification, output in zip(inputs, outputs):
        at = verification["at"]
        keys = KeySet([verify_only(key) for key in verification.get("keys", [signer])])
        want_valid = output.get("valid") is True
        try:
            verified = verify_token(token, keys, now=at)
        except TokenError as error:
            codes.append(error.code)
            if want_valid:
                problems.append(f"at {at}: refused with {error}")
            elif reference_reason(error) != output.get("reason"):
                problems.append(f"at {at}: reason {reference_reason(error)}")
            continue
        codes.append(None)
        if not want_valid:
            problems.append(f"at {at}: verified, the reference refused")
        elif not json_eq(output.get("claims"), verified["claims"]):
            problems.append(f"at {at}: claims {shown(verified['claims'])}")
    observed.token_codes = codes
    return "; ".join(problems) or None


def run_testvector_signature(whole: Dict[str, Any]) -> Observed:
    """The request signature of the cross-language vectors: signing the same
    request (the body is the action's compact JSON in its own key order) at
    the same time with the same nonce gives the same headers, and they
    verify."""
    observed = Observed()
    method, path, timestamp, nonce, body_sha256 = whole["signing_input"].split("\n")
    key_file = {
        "kid": "test-agent",
        "public_key_b64": whole["public_key_b64"],
        "private_key_b64": whole["private_key_b64"],
    }
    body = json.dumps(whole["action"], separators=(",", ":"))
    headers = sign_request(key_file, "test-agent", method, path, body=body, nonce=nonce, now=timestamp)
    expected = {
        "X-Agent-Id": "test-agent",
        "X-Timestamp": timestamp,
        "X-Nonce": nonce,
        "X-Body-Sha256": body_sha256,
        "X-Signature": whole["signature_b64"],
    }
    if dict(headers) != expected:
        observed.reference = f"headers: expected {expected}, got {dict(headers)}"
        return observed
    verify_request(
        expected, method, path, whole["public_key_b64"], body=body, now=timestamp, guard=ReplayGuard(1)
    )
    return observed


def run_testvector_token(whole: Dict[str, Any]) -> Observed:
    """The proof token of the cross-language vectors verifies inside its
    window (a minute after `iat`) with the listed claims."""
    observed = Observed()
    claims = whole["paseto_claims"]
    key = {"kid": claims["kid"], "public_key_b64": whole["public_key_b64"]}
    issued_at = datetime.fromisoformat(claims["iat"].replace("Z", "+00:00"))
    verified = verify_token(whole["paseto_token"], KeySet([key]), now=issued_at + timedelta(minutes=1))
    if not json_eq(claims, verified["claims"]):
        observed.reference = f"claims: got {shown(verified['claims'])}"
    return observed


@dataclass(frozen=True)
class Case:
    file: str
    kind: str
    id: str
    data: Dict[str, Any]


def run_bindings(case: Dict[str, Any]) -> Observed:
    """Orders the records, then checks that the stack built from them has
    one layer per applying binding, in the same order."""
    observed = Observed()
    agent = case["agent_principal_id"]
    groups = case.get("agent_group_ids", [])
    try:
        ordered = order_bindings(case["bindings"], agent, groups)
    except PolicyError as error:
        observed.binding_code = error.code
        observed.reference = f"binding rejected: {error}"
        return observed
    ids = [record["policy_id"] for record in ordered]
    observed.ordered_policy_ids = ids
    # One single-rule policy per id, the rule named after its policy.
    policies = {
        record["policy_id"]: Policy.from_yaml(
            f"version: 1\ndefault: passthrough\nrules:\n  - {{id: {json.dumps(record['policy_id'])}, effect: allow, action: purchase}}\n"
        )
        for record in case["bindings"]
    }
    stack = PolicyStack.for_agent(case["bindings"], policies, agent, groups)
    if stack.rule_ids != ids:
        observed.reference = f"PolicyStack.for_agent layered {stack.rule_ids}, order_bindings gave {ids}"
        return observed
    want = case["expect"]["ordered_policy_ids"]
    if ids != want:
        observed.reference = f"expected order {want}, got {ids}"
    return observed


def corpus_cases() -> List[Case]:
    cases = []
    for path in sorted(CORPUS_DIR.glob("*.json")):
        whole = load_json(path.read_text(encoding="utf-8"))
        if "cases" not in whole:
            cases.append(Case(path.name, "testvectors", "openleash-testvectors-action-hash", whole))
            cases.append(Case(path.name, "testvector-signature", "openleash-testvectors-request-signature", whole))
            cases.append(Case(path.name, "testvector-token", "openleash-testvectors-paseto-token", whole))
            continue
        for case in whole["cases"]:
            cases.append(Case(path.name, whole["kind"], case.get("id", "(no id)"), case))
    return cases


def load_deviations() -> Dict[str, Dict[str, Any]]:
    listed = json.loads(DEVIATIONS_FILE.read_text(encoding="utf-8"))["deviations"]
    by_id = {entry["id"]: entry for entry in listed}
    assert len(by_id) == len(listed), "deviations.json lists a case twice"
    return by_id


CASES = corpus_cases()
DEVIATIONS = load_deviations()
RUNNERS = {
    "eval": run_eval,
    "validate": run_eval,
    "canonical": run_canonical,
    "action_request": run_action_request,
    "token": run_token,
    "bindings": run_bindings,
}
VECTOR_RUNNERS = {
    "testvectors": run_testvectors,
    "testvector-signature": run_testvector_signature,
    "testvector-token": run_testvector_token,
}


def run_case(case: Case) -> Tuple[str, str]:
    """("passed" | "deviation" | "failed" | "skipped", detail)."""
    if case.kind in SKIPPED_KINDS:
        return ("skipped", SKIPPED_KINDS[case.kind])
    if case.kind in VECTOR_RUNNERS:
        return judge(VECTOR_RUNNERS[case.kind](case.data), None)
    runner = RUNNERS.get(case.kind)
    if runner is None:
        return ("failed", f"unknown corpus kind {case.kind!r}")
    return judge(runner(case.data), DEVIATIONS.get(case.id))


@pytest.mark.parametrize("case", CASES, ids=[f"{case.file}:{case.id}" for case in CASES])
def test_corpus_case(case: Case) -> None:
    status, detail = run_case(case)
    if status == "skipped":
        pytest.skip(detail)
    assert status != "failed", detail


def test_corpus_counts_match_the_rust_runner() -> None:
    outcomes = [(case, run_case(case)[0]) for case in CASES]
    statuses = [status for _, status in outcomes]
    skipped_ids = {case.id for case, status in outcomes if status == "skipped"}

    # 299 cases in the corpus files plus three checks of the cross-language
    # vector file (action hash, request signature, token), as in the Rust
    # runner.
    assert len(CASES) == 302
    assert statuses.count("skipped") == 0
    assert statuses.count("failed") == 0
    assert statuses.count("passed") + statuses.count("deviation") == 302
    assert sum(1 for case in CASES if case.kind == "bindings") == 10
    assert sum(1 for case in CASES if case.kind == "token") == 8
    # Every listed deviation of a kind this package runs is exercised.
    runnable_deviations = [case_id for case_id in DEVIATIONS if case_id not in skipped_ids]
    assert statuses.count("deviation") == len(runnable_deviations)
    assert len(runnable_deviations) == 44
    assert "token-basic" in runnable_deviations


def test_listed_deviation_that_matches_the_reference_fails() -> None:
    case = next(case for case in CASES if case.id == "canon-sort-keys")
    status, detail = judge(run_canonical(case.data), {"id": case.id, "reason": "test", "ours": {}})
    assert status == "failed"
    assert "matches the reference" in detail


def test_jcs_vectors_canonicalize_byte_for_byte() -> None:
    vectors = REPO / "tests" / "vectors" / "jcs"
    inputs = sorted((vectors / "input").glob("*.json"))
    assert len(inputs) == 6
    for path in inputs:
        value = load_json(path.read_text(encoding="utf-8"))
        expected = (vectors / "output" / path.name).read_bytes()
        assert canonical_json(value).encode("utf-8") == expected, path.name
