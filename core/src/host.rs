//! Conversions between the engine's types and JSON values, shared by the
//! language bindings.
//!
//! A binding turns host values (Python dicts, JavaScript objects) into
//! [`Value`] and back. Everything between happens here once: reading token
//! parameters and verification options, and writing decisions, verified
//! tokens and signed headers. Every binding therefore accepts and returns
//! the same shapes with the same errors.

use crate::action::{Action, ActionError, ActionView};
use crate::authorizer::{Authorization, Owner};
use crate::eval::{Decision, DecisionResult, Obligation, RuleTrace};
use crate::json::{JsonError, JsonLimits, Map, Value, format_number};
use crate::keys::{Key, KeyError, KeyFile, PublicKey, SecretKey};
use crate::request::{SignatureError, SignedHeaders};
use crate::time::Timestamp;
use crate::token::{
    ApprovalParams, Expectations, Issued, OrgMembership, ProofParams, SessionParams, TokenError,
    TokenKind, VerifiedToken,
};

/// The reason [`action_hash_of_bytes`] found no hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HashFailure {
    /// The bytes are not JSON the strict parser accepts.
    Json(JsonError),
    /// The JSON is not a valid action.
    Action(ActionError),
}

/// Returns the action hash of action JSON given as UTF-8 bytes, such as a
/// binding's converter writes: the hash [`Action::from_json`] computes.
/// Canonical text of a valid action, as the JavaScript packages write it,
/// is hashed without being parsed into a value.
pub fn action_hash_of_bytes(bytes: &[u8]) -> Result<String, HashFailure> {
    let limits = JsonLimits::default();
    if let Ok(text) = crate::json::utf8(bytes, limits.max_bytes)
        && let Some(hash) = ActionView::with_text(text, |view| view.into_hash())
    {
        return Ok(hash);
    }
    let parsed =
        crate::json::parse_bytes_noting_canonical(bytes, &limits).map_err(HashFailure::Json)?;
    let action = Action::from_parsed_json(parsed).map_err(HashFailure::Action)?;
    Ok(action.hash().to_owned())
}

/// Returns the RFC 8785 canonical JSON of the value in JSON given as UTF-8
/// bytes: the text itself when it already is canonical, else written anew.
/// Canonical text is checked without being parsed into a value.
pub fn canonical_json_of_bytes(bytes: &[u8]) -> Result<String, JsonError> {
    let limits = JsonLimits::default();
    if let Ok(text) = crate::json::utf8(bytes, limits.max_bytes)
        && crate::json::tape::with_scan(text, |tape| tape.is_some())
    {
        return Ok(text.to_owned());
    }
    Ok(crate::json::parse_bytes_noting_canonical(bytes, &limits)?.canonical_json())
}

fn string(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn time(at: Timestamp) -> Value {
    Value::String(at.to_rfc3339_millis())
}

/// Converts a decision to OpenLeash's JSON object: `decision_id`, `action_id`,
/// `action_hash`, `result`, `matched_rule_id`, `reason`, `obligations`,
/// `proof_required`, `proof_ttl_seconds`, `decided_at`, `trace`, and
/// `error` when evaluation failed closed.
pub fn decision_to_value(decision: &Decision) -> Value {
    Value::Object(decision_map(decision))
}

/// Writes the obligations as a JSON array of `{obligation_id, type,
/// status, details_json}`, the form bindings hand to JavaScript's
/// `JSON.parse`.
pub fn obligations_json(all: &[Obligation]) -> String {
    crate::json::to_json(&Value::Array(all.iter().map(obligation_to_value).collect()))
}

fn obligation_to_value(obligation: &Obligation) -> Value {
    let mut entry = Map::with_capacity(4);
    entry.insert(
        "obligation_id".to_owned(),
        string(&obligation.obligation_id),
    );
    entry.insert("type".to_owned(), string(obligation.kind));
    entry.insert("status".to_owned(), string(obligation.status));
    entry.insert(
        "details_json".to_owned(),
        Value::Object(obligation.details_json.clone()),
    );
    Value::Object(entry)
}

fn decision_map(decision: &Decision) -> Map {
    let mut map = Map::with_capacity(13);
    map.insert("decision_id".to_owned(), string(&decision.decision_id));
    map.insert("action_id".to_owned(), string(&decision.action_id));
    map.insert("action_hash".to_owned(), string(&decision.action_hash));
    map.insert("result".to_owned(), string(decision.result.as_str()));
    map.insert(
        "matched_rule_id".to_owned(),
        decision
            .matched_rule_id
            .as_deref()
            .map_or(Value::Null, string),
    );
    map.insert("reason".to_owned(), string(&decision.reason));
    let obligations = decision
        .obligations
        .iter()
        .map(obligation_to_value)
        .collect();
    map.insert("obligations".to_owned(), Value::Array(obligations));
    map.insert(
        "proof_required".to_owned(),
        Value::Bool(decision.proof_required),
    );
    map.insert(
        "proof_ttl_seconds".to_owned(),
        decision
            .proof_ttl_seconds
            .map_or(Value::Null, Value::Number),
    );
    map.insert("decided_at".to_owned(), time(decision.decided_at));
    let trace = decision
        .trace
        .iter()
        .map(|(rule_id, record)| trace_entry(rule_id, record))
        .collect();
    map.insert("trace".to_owned(), Value::Array(trace));
    if let Some(error) = &decision.error {
        let mut entry = Map::with_capacity(2);
        entry.insert("code".to_owned(), string(&error.code));
        entry.insert("message".to_owned(), string(&error.message));
        map.insert("error".to_owned(), Value::Object(entry));
    }
    map
}

fn trace_entry(rule_id: &str, record: RuleTrace) -> Value {
    let flag = |value: Option<bool>| value.map_or(Value::Null, Value::Bool);
    let mut entry = Map::with_capacity(5);
    entry.insert("rule_id".to_owned(), string(rule_id));
    entry.insert(
        "pattern_match".to_owned(),
        Value::Bool(record.pattern_match),
    );
    entry.insert("when_match".to_owned(), flag(record.when_match));
    entry.insert(
        "constraints_match".to_owned(),
        flag(record.constraints_match),
    );
    entry.insert("final_match".to_owned(), Value::Bool(record.final_match));
    Value::Object(entry)
}

/// Encodes one rule's trace as a printable ASCII character, for the
/// JavaScript bindings' compact decision encoding. The character is `@`
/// (64) plus these bits: `pattern_match` (1), `when_match` (2 times 0 for
/// null, 1 for false, 2 for true), `constraints_match` (8 times the same)
/// and `final_match` (32).
fn trace_code(record: RuleTrace) -> char {
    let tristate = |value: Option<bool>| match value {
        None => 0u8,
        Some(false) => 1,
        Some(true) => 2,
    };
    let bits = u8::from(record.pattern_match)
        + 2 * tristate(record.when_match)
        + 8 * tristate(record.constraints_match)
        + 32 * u8::from(record.final_match);
    char::from(b'@' + bits)
}

/// Encodes a result as one character for the JavaScript bindings: `A`llow,
/// `D`eny, `P` (require approval), `S` (require step-up), `R` (require
/// deposit).
pub fn result_code(result: DecisionResult) -> char {
    match result {
        DecisionResult::Allow => 'A',
        DecisionResult::Deny => 'D',
        DecisionResult::RequireApproval => 'P',
        DecisionResult::RequireStepUp => 'S',
        DecisionResult::RequireDeposit => 'R',
    }
}

/// Encodes a decision as the JavaScript bindings' parts string, followed
/// by `extra` strings (`None` for absent ones) that a binding adds. The
/// layout is documented in the bindings' `src/decision.rs`:
///
/// 1. `decision_id`, `decided_at` (`YYYY-MM-DDTHH:MM:SS.sssZ`),
///    [`result_code`] and `proof_required` as `0` or `1`;
/// 2. the UTF-16 lengths of `action_id`, `action_hash`, the trace codes
///    (one character per rule), `reason`, `matched_rule_id`, the error
///    code, the error message and each extra string (`-1` for absent ones), each
///    followed by `,`, then `proof_ttl_seconds` in ECMAScript number form
///    (empty for none) and `;`;
/// 3. those strings back to back.
pub fn decision_parts_text(decision: &Decision, extra: &[Option<&str>]) -> String {
    let (error_code, error_message) = match &decision.error {
        Some(problem) => (Some(problem.code.as_str()), problem.message.as_str()),
        None => (None, ""),
    };
    // The trace codes, one ASCII character per rule, are written in place
    // between these parts and the rest.
    let before_codes = [
        Some(decision.action_id.as_str()),
        Some(decision.action_hash.as_str()),
    ];
    let after_codes = [
        Some(decision.reason.as_str()),
        decision.matched_rule_id.as_deref(),
        error_code,
        Some(error_message),
    ];
    let after = || after_codes.iter().chain(extra).copied();

    let content: usize = before_codes
        .iter()
        .copied()
        .chain(after())
        .map(|part| part.map_or(0, str::len))
        .sum();
    let mut text = String::with_capacity(128 + content + decision.trace.len());
    text.push_str(&decision.decision_id);
    decision
        .decided_at
        .with_rfc3339_millis(|decided_at| text.push_str(decided_at));
    text.push(result_code(decision.result));
    text.push(if decision.proof_required { '1' } else { '0' });

    let push_length = |text: &mut String, length: i64| {
        push_decimal(text, length);
        text.push(',');
    };
    for part in before_codes {
        push_length(&mut text, utf16_length(part));
    }
    push_length(
        &mut text,
        i64::try_from(decision.trace.len()).unwrap_or(i64::MAX),
    );
    for part in after() {
        push_length(&mut text, utf16_length(part));
    }
    if let Some(seconds) = decision.proof_ttl_seconds {
        text.push_str(&format_number(seconds));
    }
    text.push(';');

    for part in before_codes {
        text.push_str(part.unwrap_or(""));
    }
    text.extend(decision.trace.iter().map(|(_, record)| trace_code(record)));
    for part in after() {
        text.push_str(part.unwrap_or(""));
    }
    text
}

/// Appends `number` in decimal, such as the lengths (`-1` for an absent
/// string) in the bindings' decision encodings. Avoids the formatting
/// machinery, which costs more than the rest of such an encoding.
pub fn push_decimal(text: &mut String, number: i64) {
    crate::json::push_integer(text, number);
}

/// Counts a string in UTF-16 code units, the unit of JavaScript string
/// indexes, or returns -1 for none.
pub fn utf16_length(text: Option<&str>) -> i64 {
    match text {
        None => -1,
        Some(text) if text.is_ascii() => i64::try_from(text.len()).unwrap_or(i64::MAX),
        Some(text) => i64::try_from(text.encode_utf16().count()).unwrap_or(i64::MAX),
    }
}

/// Converts an authorization: the decision with `proof_token` and
/// `proof_expires_at` added when a proof was issued.
pub fn authorization_to_value(authorization: &Authorization) -> Value {
    let mut map = decision_map(&authorization.decision);
    if let Some(token) = &authorization.proof_token {
        map.insert("proof_token".to_owned(), string(token));
    }
    if let Some(expires) = authorization.proof_expires_at {
        map.insert("proof_expires_at".to_owned(), time(expires));
    }
    Value::Object(map)
}

/// Reads a key given as a key file object, a base64 DER public key, a
/// `k4.public.` PASERK or a `k4.secret.` PASERK. A key given as a bare
/// public key or a PASERK is named by the `k4.pid` of its public key, so a
/// verifier holding the public PASERK finds a token signed with the secret
/// one by its `kid`. A PASERK of another version (`k3.public.…`) is refused
/// with `KEY_INVALID_PASERK` rather than read as base64.
pub fn key_from_value(value: &Value) -> Result<Key, KeyError> {
    match value {
        Value::Object(_) => KeyFile::from_value(value)?.to_key(),
        Value::String(text) if text.starts_with("k4.secret.") => {
            let secret = SecretKey::from_paserk(text)?;
            Key::signing(secret.public_key().paserk_id(), secret)
        }
        Value::String(text) => {
            // A base64 DER key never looks like a PASERK: an Ed25519
            // SubjectPublicKeyInfo starts with `MCow`.
            let public = if looks_like_paserk(text) {
                PublicKey::from_paserk(text)?
            } else {
                PublicKey::from_spki_base64(text)?
            };
            Key::verifying(public.paserk_id(), public)
        }
        other => Err(KeyError::new(
            "KEY_INVALID_FILE",
            format!(
                "a key is a key file object, a base64 public key or a PASERK, found {}",
                other.type_name()
            ),
        )),
    }
}

/// Returns true for text shaped like a PASERK of any version: `k`, a
/// version number and a dot.
fn looks_like_paserk(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('k') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && rest.as_bytes().get(digits) == Some(&b'.')
}

/// `{public_key_b64, paserk, paserk_id}` of a public key.
pub fn public_key_info(public: &PublicKey) -> Value {
    let mut map = Map::with_capacity(3);
    map.insert(
        "public_key_b64".to_owned(),
        string(&public.to_spki_base64()),
    );
    map.insert("paserk".to_owned(), string(&public.to_paserk()));
    map.insert("paserk_id".to_owned(), string(&public.paserk_id()));
    Value::Object(map)
}

/// Reads `{owner_type, owner_id}`: `user` or `org`, and a non-empty id.
/// Other keys are rejected, as in token parameters, so that a misspelt
/// field does not silently go missing.
pub fn owner_from_value(value: &Value) -> Result<Owner, KeyError> {
    let invalid = || {
        KeyError::new(
            "KEY_INVALID_SETTINGS",
            "owner must be an object with string owner_type and owner_id",
        )
    };
    let map = value.as_object().ok_or_else(invalid)?;
    if let Some((unknown, _)) = map
        .iter()
        .find(|(key, _)| !matches!(key.as_str(), "owner_type" | "owner_id"))
    {
        return Err(KeyError::new(
            "KEY_INVALID_SETTINGS",
            format!("owner has the unknown field {unknown:?}; it takes owner_type and owner_id"),
        ));
    }
    let field = |name: &str| map.get(name).and_then(Value::as_str).map(str::to_owned);
    let owner_type = field("owner_type").ok_or_else(invalid)?;
    let owner_id = field("owner_id").ok_or_else(invalid)?;
    if !matches!(owner_type.as_str(), "user" | "org") || owner_id.is_empty() {
        return Err(KeyError::new(
            "KEY_INVALID_SETTINGS",
            format!("owner_type must be user or org and owner_id non-empty, found {owner_type:?}"),
        ));
    }
    Ok(Owner {
        owner_type,
        owner_id,
    })
}

/// Reads the string and optional fields of token parameters; unknown keys
/// are refused so that a misspelt claim does not silently go missing.
struct Params<'a> {
    map: &'a Map,
    kind: &'static str,
}

impl<'a> Params<'a> {
    fn new(value: &'a Value, kind: &'static str, allowed: &[&str]) -> Result<Self, TokenError> {
        let Value::Object(map) = value else {
            return Err(invalid_params(format!(
                "{kind} token parameters must be an object, found {}",
                value.type_name()
            )));
        };
        if let Some((unknown, _)) = map.iter().find(|(key, _)| !allowed.contains(&key.as_str())) {
            return Err(invalid_params(format!(
                "unknown {kind} token parameter {unknown:?}; expected {}",
                allowed.join(", ")
            )));
        }
        Ok(Params { map, kind })
    }

    fn required(&self, name: &str) -> Result<String, TokenError> {
        match self.map.get(name) {
            Some(Value::String(text)) => Ok(text.clone()),
            Some(other) => Err(invalid_params(format!(
                "{} token parameter {name} must be a string, found {}",
                self.kind,
                other.type_name()
            ))),
            None => Err(invalid_params(format!(
                "{} token parameter {name} is missing",
                self.kind
            ))),
        }
    }

    fn optional(&self, name: &str) -> Result<Option<String>, TokenError> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.required(name).map(Some),
        }
    }

    fn strings(&self, name: &str) -> Result<Option<Vec<String>>, TokenError> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| invalid_params(format!("{name} must be a list of strings")))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(invalid_params(format!(
                "{name} must be a list of strings, found {}",
                other.type_name()
            ))),
        }
    }
}

fn invalid_params(message: impl Into<String>) -> TokenError {
    TokenError::new("TOKEN_INVALID_PARAMS", message)
}

/// Reads proof token parameters: `decision_id`, `owner_type`, `owner_id`,
/// `agent_id`, `action_type`, `action_hash` (strings), `matched_rule_id`
/// (string or null), and optional `trust_profile` (string) and
/// `constraints_snapshot` (object).
pub fn proof_params(value: &Value) -> Result<ProofParams, TokenError> {
    let params = Params::new(
        value,
        "proof",
        &[
            "decision_id",
            "owner_type",
            "owner_id",
            "agent_id",
            "action_type",
            "action_hash",
            "matched_rule_id",
            "trust_profile",
            "constraints_snapshot",
        ],
    )?;
    let constraints_snapshot = match params.map.get("constraints_snapshot") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map.clone()),
        Some(other) => {
            return Err(invalid_params(format!(
                "constraints_snapshot must be an object, found {}",
                other.type_name()
            )));
        }
    };
    Ok(ProofParams {
        decision_id: params.required("decision_id")?,
        owner_type: params.required("owner_type")?,
        owner_id: params.required("owner_id")?,
        agent_id: params.required("agent_id")?,
        action_type: params.required("action_type")?,
        action_hash: params.required("action_hash")?,
        matched_rule_id: params.optional("matched_rule_id")?,
        trust_profile: params.optional("trust_profile")?,
        constraints_snapshot,
    })
}

/// Reads approval token parameters: `approval_request_id`, `owner_type`,
/// `owner_id`, `agent_id`, `action_type`, `action_hash`.
pub fn approval_params(value: &Value) -> Result<ApprovalParams, TokenError> {
    let params = Params::new(
        value,
        "approval",
        &[
            "approval_request_id",
            "owner_type",
            "owner_id",
            "agent_id",
            "action_type",
            "action_hash",
        ],
    )?;
    Ok(ApprovalParams {
        approval_request_id: params.required("approval_request_id")?,
        owner_type: params.required("owner_type")?,
        owner_id: params.required("owner_id")?,
        agent_id: params.required("agent_id")?,
        action_type: params.required("action_type")?,
        action_hash: params.required("action_hash")?,
    })
}

/// Reads session token parameters: `sub`, and optional `system_roles`
/// (strings) and `org_memberships` (objects with `org_id` and `role`).
pub fn session_params(value: &Value) -> Result<SessionParams, TokenError> {
    let params = Params::new(
        value,
        "session",
        &["sub", "system_roles", "org_memberships"],
    )?;
    let org_memberships = match params.map.get("org_memberships") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|item| {
                    let field = |name: &str| {
                        item.as_object()
                            .and_then(|map| map.get(name))
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    };
                    match (field("org_id"), field("role")) {
                        (Some(org_id), Some(role)) => Ok(OrgMembership { org_id, role }),
                        _ => Err(invalid_params(
                            "each org membership is an object with string org_id and role",
                        )),
                    }
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(other) => {
            return Err(invalid_params(format!(
                "org_memberships must be a list, found {}",
                other.type_name()
            )));
        }
    };
    Ok(SessionParams {
        sub: params.required("sub")?,
        system_roles: params.strings("system_roles")?,
        org_memberships,
    })
}

/// `{token, claims, issued_at, expires_at}`.
pub fn issued_to_value(issued: &Issued) -> Value {
    let mut map = Map::with_capacity(4);
    map.insert("token".to_owned(), string(&issued.token));
    map.insert("claims".to_owned(), Value::Object(issued.claims.clone()));
    map.insert("issued_at".to_owned(), time(issued.issued_at));
    map.insert("expires_at".to_owned(), time(issued.expires_at));
    Value::Object(map)
}

/// Reads the claims a verifier insists on: any of `action_hash`,
/// `agent_id`, `action_type`, `decision_id`, `approval_request_id`, `sub`,
/// each a string or null (no check).
pub fn expectations_from_value(value: &Value) -> Result<Expectations, TokenError> {
    let params = Params::new(
        value,
        "expected",
        &[
            "action_hash",
            "agent_id",
            "action_type",
            "decision_id",
            "approval_request_id",
            "sub",
        ],
    )?;
    Ok(Expectations {
        action_hash: params.optional("action_hash")?,
        agent_id: params.optional("agent_id")?,
        action_type: params.optional("action_type")?,
        decision_id: params.optional("decision_id")?,
        approval_request_id: params.optional("approval_request_id")?,
        sub: params.optional("sub")?,
    })
}

/// Reads `proof`, `approval` or `session`.
pub fn token_kind(name: &str) -> Result<TokenKind, TokenError> {
    TokenKind::parse(name).ok_or_else(|| {
        invalid_params(format!(
            "purpose must be proof, approval or session, found {name:?}"
        ))
    })
}

/// Converts a leeway in seconds to milliseconds: between 0 and one day.
pub fn leeway_ms(seconds: f64) -> Result<u32, TokenError> {
    if !(seconds.is_finite() && (0.0..=86_400.0).contains(&seconds)) {
        return Err(invalid_params(format!(
            "leeway must be between 0 and 86400 seconds, found {}",
            display_number(seconds)
        )));
    }
    Ok((seconds * 1000.0).round() as u32)
}

/// Formats any double as JavaScript does, `NaN` and `Infinity` included,
/// for messages about numbers a caller gave.
pub fn display_number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else {
        format_number(value)
    }
}

/// `{claims, kid, purpose, issued_at, expires_at}`; `purpose` is `proof`,
/// `approval` or `session`.
pub fn verified_to_value(verified: VerifiedToken) -> Value {
    let mut map = Map::with_capacity(5);
    map.insert("claims".to_owned(), Value::Object(verified.claims));
    map.insert("kid".to_owned(), string(&verified.kid));
    map.insert("purpose".to_owned(), string(verified.kind.name()));
    map.insert("issued_at".to_owned(), time(verified.issued_at));
    map.insert("expires_at".to_owned(), time(verified.expires_at));
    Value::Object(map)
}

const HEADER_NAMES: [&str; 5] = [
    "X-Agent-Id",
    "X-Timestamp",
    "X-Nonce",
    "X-Body-Sha256",
    "X-Signature",
];

/// Converts the signing headers to an object with their HTTP names.
pub fn signed_headers_to_value(headers: &SignedHeaders) -> Value {
    let mut map = Map::with_capacity(5);
    let values = [
        &headers.agent_id,
        &headers.timestamp,
        &headers.nonce,
        &headers.body_sha256,
        &headers.signature,
    ];
    for (name, value) in HEADER_NAMES.iter().zip(values) {
        map.insert((*name).to_owned(), string(value));
    }
    Value::Object(map)
}

/// Reads the signing headers from an object of request headers. Names are
/// case-insensitive and other headers are ignored; a missing header is
/// empty, which verification reports as `MISSING_HEADERS`.
pub fn signed_headers_from_value(value: &Value) -> Result<SignedHeaders, SignatureError> {
    let Value::Object(map) = value else {
        return Err(SignatureError::new(
            "MISSING_HEADERS",
            format!("headers must be an object, found {}", value.type_name()),
        ));
    };
    let mut found: [Option<String>; 5] = Default::default();
    for (name, value) in map.iter() {
        let Some(position) = HEADER_NAMES
            .iter()
            .position(|header| header.eq_ignore_ascii_case(name))
        else {
            continue;
        };
        if found.get(position).is_some_and(Option::is_some) {
            // Two spellings of one header: an application and the engine
            // could read different values.
            return Err(SignatureError::new(
                "INVALID_HEADERS",
                format!("header {name} is given more than once, in different cases"),
            ));
        }
        let Value::String(text) = value else {
            return Err(SignatureError::new(
                "MISSING_HEADERS",
                format!(
                    "header {name} must be a string, found {}",
                    value.type_name()
                ),
            ));
        };
        if let Some(slot) = found.get_mut(position) {
            *slot = Some(text.clone());
        }
    }
    let [agent_id, timestamp, nonce, body_sha256, signature] = found.map(Option::unwrap_or_default);
    Ok(SignedHeaders {
        agent_id,
        timestamp,
        nonce,
        body_sha256,
        signature,
    })
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use crate::json;

    const ACTION: &str = r#"{"action_id":"3b241101-e2bb-4255-8caf-4136c566a962","action_type":"purchase","payload":{"amount_minor":1999,"note":"NOTE"},"principal":{"agent_id":"agent"},"requested_at":"2025-03-01T12:00:00.000Z","subject":{"principal_id":"9c5b94b1-35ad-49bb-b118-8e8fc24abf80"}}"#;

    #[test]
    fn action_hashes_of_bytes_match_parsed_actions() {
        let spellings = [
            ACTION.replace("NOTE", "plain"),
            ACTION.replace("NOTE", "with \\\"escapes\\\""),
            ACTION.replace("NOTE", "plain").replace(',', ", "),
            ACTION
                .replace("NOTE", "plain")
                .replace("\"agent\"", "\"agent\",\"extra\":1"),
        ];
        for text in &spellings {
            let expected = Action::from_json(text).unwrap().hash().to_owned();
            assert_eq!(
                action_hash_of_bytes(text.as_bytes()),
                Ok(expected),
                "{text}"
            );
        }
    }

    #[test]
    fn action_hash_errors_keep_their_kind() {
        let code = |bytes: &[u8]| match action_hash_of_bytes(bytes) {
            Err(HashFailure::Json(problem)) => problem.code(),
            Err(HashFailure::Action(problem)) => problem.code(),
            Ok(hash) => panic!("hashed as {hash}"),
        };
        assert_eq!(code(b"{"), "JSON_SYNTAX");
        assert_eq!(code(b"\"\xff\""), "JSON_INVALID_UTF8");
        assert_eq!(
            code(&vec![b' '; json::MAX_JSON_BYTES + 1]),
            "JSON_TOO_LARGE"
        );
        assert_eq!(code(b"{}"), "ACTION_MISSING_FIELD");
        let invalid = ACTION.replace("3b241101", "zz");
        assert!(matches!(
            action_hash_of_bytes(invalid.as_bytes()),
            Err(HashFailure::Action(problem)) if problem.code() == "ACTION_INVALID_UUID"
        ));
    }

    #[test]
    fn canonical_json_of_bytes_matches_the_writer() {
        for text in [
            "{\"a\":[1,2.5,\"x\"],\"b\":null}",
            "{\"b\": null, \"a\": [1, 2.50, \"x\"]}",
            "\"with \\\"escape\\\"\"",
            "[1e21,-0]",
        ] {
            let expected = json::canonical_json(&json::parse(text).unwrap());
            assert_eq!(
                canonical_json_of_bytes(text.as_bytes()),
                Ok(expected),
                "{text}"
            );
        }
        let problem = canonical_json_of_bytes(b"{\"a\":1,\"a\":2}").unwrap_err();
        assert_eq!(problem.code(), "JSON_DUPLICATE_KEY");
    }

    #[test]
    fn trace_codes_are_printable() {
        let all_set = RuleTrace {
            pattern_match: true,
            when_match: Some(true),
            constraints_match: Some(true),
            final_match: true,
        };
        assert_eq!(trace_code(all_set), char::from(64 + 1 + 4 + 16 + 32));
        let missed = RuleTrace {
            pattern_match: false,
            when_match: None,
            constraints_match: None,
            final_match: false,
        };
        assert_eq!(trace_code(missed), '@');
    }

    #[test]
    fn utf16_lengths_count_code_units() {
        assert_eq!(utf16_length(None), -1);
        assert_eq!(utf16_length(Some("abc")), 3);
        assert_eq!(utf16_length(Some("é😀")), 3);
    }

    #[test]
    fn params_refuse_unknown_and_ill_typed_fields() {
        let code = |text: &str| {
            proof_params(&json::parse(text).unwrap())
                .unwrap_err()
                .code()
        };
        assert_eq!(code("[]"), "TOKEN_INVALID_PARAMS");
        assert_eq!(code(r#"{"decision_idd": "x"}"#), "TOKEN_INVALID_PARAMS");
        assert_eq!(code(r#"{"decision_id": 1}"#), "TOKEN_INVALID_PARAMS");
        let params = json::parse(
            r#"{"decision_id": "d", "owner_type": "user", "owner_id": "o", "agent_id": "a",
                "action_type": "t", "action_hash": "h", "matched_rule_id": null}"#,
        )
        .unwrap();
        let parsed = proof_params(&params).unwrap();
        assert_eq!(parsed.matched_rule_id, None);
        assert_eq!(parsed.trust_profile, None);
        let session = json::parse(r#"{"sub": "u", "org_memberships": [{"org_id": "o"}]}"#).unwrap();
        assert_eq!(
            session_params(&session).unwrap_err().code(),
            "TOKEN_INVALID_PARAMS"
        );
    }

    #[test]
    fn headers_are_read_case_insensitively() {
        let value = json::parse(
            r#"{"x-agent-id": "a", "X-TIMESTAMP": "t", "x-nonce": "n", "X-Body-Sha256": "h",
                "x-signature": "s", "content-type": "application/json"}"#,
        )
        .unwrap();
        let headers = signed_headers_from_value(&value).unwrap();
        assert_eq!(headers.agent_id, "a");
        assert_eq!(headers.timestamp, "t");
        assert_eq!(headers.signature, "s");
        let back = signed_headers_to_value(&headers);
        assert_eq!(back.as_object().unwrap().get("X-Nonce"), Some(&string("n")));
        let bad = json::parse(r#"{"x-nonce": 5}"#).unwrap();
        assert_eq!(
            signed_headers_from_value(&bad).unwrap_err().code(),
            "MISSING_HEADERS"
        );
    }

    #[test]
    fn keys_are_read_from_files_and_strings() {
        let public = "MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=";
        let key = key_from_value(&string(public)).unwrap();
        assert!(key.kid().starts_with("k4.pid."));
        let paserk = key.public_key().to_paserk();
        assert_eq!(key_from_value(&string(&paserk)).unwrap().kid(), key.kid());
        assert_eq!(
            key_from_value(&Value::Number(1.0)).unwrap_err().code(),
            "KEY_INVALID_FILE"
        );
        let info = public_key_info(key.public_key());
        assert_eq!(
            info.as_object().unwrap().get("public_key_b64"),
            Some(&string(public))
        );
    }
}
