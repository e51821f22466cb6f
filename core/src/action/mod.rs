//! Action requests: what an agent wants to do, validated and normalized as
//! the OpenLeash server does before it evaluates or hashes anything.

mod uuid;

use std::fmt;

use crate::json::{self, JsonError, JsonLimits, Map, Value};

pub use uuid::{Uuid, is_rfc9562_uuid};

/// Trust profiles a relying party can declare.
pub const TRUST_PROFILES: [&str; 4] = ["LOW", "MEDIUM", "HIGH", "REGULATED"];

/// A validated, normalized action request.
///
/// Unknown keys are dropped from the top level, `principal`, `subject` and
/// `relying_party` (the payload is kept whole), exactly as OpenLeash
/// normalizes a request before hashing it, so [`Action::hash`] equals the
/// action hash the OpenLeash server computes.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    value: Value,
    hash: String,
}

impl Action {
    /// Parses action JSON and validates it. See [`Action::from_value`].
    pub fn from_json(text: &str) -> Result<Action, ActionError> {
        let value = json::parse_with_limits(text, &JsonLimits::default())
            .map_err(ActionError::from_json)?;
        Action::from_value(value)
    }

    /// Validates and normalizes an action request.
    ///
    /// Required: `action_id` (RFC 9562 UUID), `action_type` (non-empty
    /// string), `requested_at` (string), `principal.agent_id` (non-empty
    /// string), `subject.principal_id` (UUID) and `payload` (object).
    /// Optional: `relying_party` (object, not null) with `rp_id` (UUID),
    /// `domain` (string) and `trust_profile` (one of [`TRUST_PROFILES`]).
    /// Every problem is reported, not just the first. Values nested deeper
    /// than [`json::MAX_JSON_DEPTH`] or holding non-finite numbers are
    /// rejected.
    pub fn from_value(value: Value) -> Result<Action, ActionError> {
        let mut issues = Vec::new();
        check_value_shape(&value, &mut issues);
        if !issues.is_empty() {
            return Err(ActionError { issues });
        }
        let Value::Object(mut fields) = value else {
            return Err(ActionError::single(
                "ACTION_INVALID_TYPE",
                "",
                "the action must be an object",
            ));
        };

        let mut normalized = Map::new();
        take_string(
            &mut fields,
            "action_id",
            StringRule::Uuid,
            "",
            &mut normalized,
            &mut issues,
        );
        take_string(
            &mut fields,
            "action_type",
            StringRule::NonEmpty,
            "",
            &mut normalized,
            &mut issues,
        );
        take_string(
            &mut fields,
            "requested_at",
            StringRule::Any,
            "",
            &mut normalized,
            &mut issues,
        );
        take_object(
            &mut fields,
            "principal",
            false,
            &mut normalized,
            &mut issues,
            |inner, out, issues| {
                take_string(
                    inner,
                    "agent_id",
                    StringRule::NonEmpty,
                    "principal.",
                    out,
                    issues,
                );
            },
        );
        take_object(
            &mut fields,
            "subject",
            false,
            &mut normalized,
            &mut issues,
            |inner, out, issues| {
                take_string(
                    inner,
                    "principal_id",
                    StringRule::Uuid,
                    "subject.",
                    out,
                    issues,
                );
            },
        );
        take_object(
            &mut fields,
            "relying_party",
            true,
            &mut normalized,
            &mut issues,
            |inner, out, issues| {
                take_optional_string(
                    inner,
                    "rp_id",
                    StringRule::Uuid,
                    "relying_party.",
                    out,
                    issues,
                );
                take_optional_string(
                    inner,
                    "domain",
                    StringRule::Any,
                    "relying_party.",
                    out,
                    issues,
                );
                take_optional_string(
                    inner,
                    "trust_profile",
                    StringRule::TrustProfile,
                    "relying_party.",
                    out,
                    issues,
                );
            },
        );
        match remove(&mut fields, "payload") {
            Some(payload @ Value::Object(_)) => {
                normalized.insert("payload".to_owned(), payload);
            }
            Some(other) => issues.push(ActionIssue::wrong_type("payload", "an object", &other)),
            None => issues.push(ActionIssue::missing("payload", "an object")),
        }

        if !issues.is_empty() {
            return Err(ActionError { issues });
        }
        let value = Value::Object(normalized);
        let hash = json::action_hash(&value);
        Ok(Action { value, hash })
    }

    /// The normalized action as a JSON value.
    pub fn as_value(&self) -> &Value {
        &self.value
    }

    /// The action hash: SHA-256 hex of the canonical JSON of the normalized
    /// action.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The RFC 8785 canonical JSON of the normalized action.
    pub fn canonical_json(&self) -> String {
        json::canonical_json(&self.value)
    }

    /// `action_id`.
    pub fn action_id(&self) -> &str {
        self.top_string("action_id")
    }

    /// `action_type`.
    pub fn action_type(&self) -> &str {
        self.top_string("action_type")
    }

    /// `principal.agent_id`.
    pub fn agent_id(&self) -> &str {
        self.nested_string("principal", "agent_id").unwrap_or("")
    }

    /// `subject.principal_id`: the owner on whose behalf the agent acts.
    pub fn subject_principal_id(&self) -> &str {
        self.nested_string("subject", "principal_id").unwrap_or("")
    }

    /// `relying_party.domain`, when given.
    pub fn relying_party_domain(&self) -> Option<&str> {
        self.nested_string("relying_party", "domain")
    }

    /// `relying_party.trust_profile`, when given.
    pub fn trust_profile(&self) -> Option<&str> {
        self.nested_string("relying_party", "trust_profile")
    }

    /// The payload object.
    pub fn payload(&self) -> &Map {
        static EMPTY: std::sync::OnceLock<Map> = std::sync::OnceLock::new();
        self.fields()
            .get("payload")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    fn fields(&self) -> &Map {
        // INVARIANT: `from_value` only builds actions from objects.
        static EMPTY: std::sync::OnceLock<Map> = std::sync::OnceLock::new();
        self.value
            .as_object()
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    fn top_string(&self, key: &str) -> &str {
        self.fields().get(key).and_then(Value::as_str).unwrap_or("")
    }

    fn nested_string(&self, object: &str, key: &str) -> Option<&str> {
        self.fields().get(object)?.as_object()?.get(key)?.as_str()
    }
}

/// An action request that failed validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionError {
    issues: Vec<ActionIssue>,
}

impl ActionError {
    fn single(code: &'static str, path: &str, message: &str) -> ActionError {
        ActionError {
            issues: vec![ActionIssue {
                code,
                path: path.to_owned(),
                message: message.to_owned(),
            }],
        }
    }

    fn from_json(error: JsonError) -> ActionError {
        ActionError::single(
            error.code(),
            "",
            &format!(
                "invalid JSON at line {}, column {}: {}",
                error.line(),
                error.column(),
                error.message()
            ),
        )
    }

    /// The code of the first issue, e.g. `ACTION_MISSING_FIELD`.
    pub fn code(&self) -> &'static str {
        self.issues
            .first()
            .map_or("ACTION_INVALID", |issue| issue.code)
    }

    /// Every problem found, in field order.
    pub fn issues(&self) -> &[ActionIssue] {
        &self.issues
    }
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<String> = self.issues.iter().map(ToString::to_string).collect();
        write!(f, "invalid action: {}", messages.join("; "))
    }
}

impl std::error::Error for ActionError {}

/// One problem in an action request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionIssue {
    code: &'static str,
    path: String,
    message: String,
}

impl ActionIssue {
    /// Stable code: `ACTION_MISSING_FIELD`, `ACTION_INVALID_TYPE`,
    /// `ACTION_EMPTY_STRING`, `ACTION_INVALID_UUID`, `ACTION_INVALID_VALUE`,
    /// `ACTION_INVALID_NUMBER`, `ACTION_TOO_DEEP`, or a `JSON_*` code when
    /// the text was not valid JSON.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Dotted path of the field, e.g. `relying_party.trust_profile`; empty for
    /// the whole action.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// One lowercase sentence naming the field and the problem.
    pub fn message(&self) -> &str {
        &self.message
    }

    fn missing(path: &str, expected: &str) -> ActionIssue {
        ActionIssue {
            code: "ACTION_MISSING_FIELD",
            path: path.to_owned(),
            message: format!("{path} is required and must be {expected}"),
        }
    }

    fn wrong_type(path: &str, expected: &str, found: &Value) -> ActionIssue {
        ActionIssue {
            code: "ACTION_INVALID_TYPE",
            path: path.to_owned(),
            message: format!("{path} must be {expected}, found {}", found.type_name()),
        }
    }
}

impl fmt::Display for ActionIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

#[derive(Clone, Copy)]
enum StringRule {
    Any,
    NonEmpty,
    Uuid,
    TrustProfile,
}

fn remove(fields: &mut Map, key: &str) -> Option<Value> {
    fields.remove(key)
}

fn take_string(
    fields: &mut Map,
    key: &str,
    rule: StringRule,
    prefix: &str,
    out: &mut Map,
    issues: &mut Vec<ActionIssue>,
) {
    match remove(fields, key) {
        None => issues.push(ActionIssue::missing(&format!("{prefix}{key}"), "a string")),
        Some(value) => check_string(value, key, prefix, rule, out, issues),
    }
}

fn take_optional_string(
    fields: &mut Map,
    key: &str,
    rule: StringRule,
    prefix: &str,
    out: &mut Map,
    issues: &mut Vec<ActionIssue>,
) {
    if let Some(value) = remove(fields, key) {
        check_string(value, key, prefix, rule, out, issues);
    }
}

/// Checks a string field. `prefix` is the dotted path of the parent; the
/// field's path is only built when there is an issue to report.
fn check_string(
    value: Value,
    key: &str,
    prefix: &str,
    rule: StringRule,
    out: &mut Map,
    issues: &mut Vec<ActionIssue>,
) {
    let Value::String(text) = value else {
        issues.push(ActionIssue::wrong_type(
            &format!("{prefix}{key}"),
            "a string",
            &value,
        ));
        return;
    };
    let valid = match rule {
        StringRule::Any => true,
        StringRule::NonEmpty => !text.is_empty(),
        StringRule::Uuid => is_rfc9562_uuid(&text),
        StringRule::TrustProfile => TRUST_PROFILES.contains(&text.as_str()),
    };
    if valid {
        // INVARIANT: each key is read once into a fresh map.
        out.push_unique(key.to_owned(), Value::String(text));
        return;
    }
    let path = format!("{prefix}{key}");
    let problem = match rule {
        StringRule::Any => None,
        StringRule::NonEmpty if text.is_empty() => {
            Some(("ACTION_EMPTY_STRING", format!("{path} must not be empty")))
        }
        StringRule::NonEmpty => None,
        StringRule::Uuid if !is_rfc9562_uuid(&text) => Some((
            "ACTION_INVALID_UUID",
            format!("{path} must be an RFC 9562 UUID, found {text:?}"),
        )),
        StringRule::Uuid => None,
        StringRule::TrustProfile if !TRUST_PROFILES.contains(&text.as_str()) => Some((
            "ACTION_INVALID_VALUE",
            format!("{path} must be one of LOW, MEDIUM, HIGH or REGULATED, found {text:?}"),
        )),
        StringRule::TrustProfile => None,
    };
    if let Some((code, message)) = problem {
        issues.push(ActionIssue {
            code,
            path: path.to_owned(),
            message,
        });
    }
}

fn take_object(
    fields: &mut Map,
    key: &str,
    optional: bool,
    out: &mut Map,
    issues: &mut Vec<ActionIssue>,
    read: impl FnOnce(&mut Map, &mut Map, &mut Vec<ActionIssue>),
) {
    match remove(fields, key) {
        None if optional => {}
        None => issues.push(ActionIssue::missing(key, "an object")),
        Some(Value::Object(mut inner)) => {
            let mut normalized = Map::new();
            read(&mut inner, &mut normalized, issues);
            out.insert(key.to_owned(), Value::Object(normalized));
        }
        Some(other) => issues.push(ActionIssue::wrong_type(key, "an object", &other)),
    }
}

/// Rejects values that no JSON text could produce: non-finite numbers, and
/// nesting deeper than the JSON parser allows. Iterative, so hostile depth
/// from a binding cannot overflow the stack.
fn check_value_shape(value: &Value, issues: &mut Vec<ActionIssue>) {
    let mut pending: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((current, depth)) = pending.pop() {
        match current {
            Value::Number(number) if !number.is_finite() => {
                issues.push(ActionIssue {
                    code: "ACTION_INVALID_NUMBER",
                    path: String::new(),
                    message: format!("the action contains the non-finite number {number}, which JSON cannot represent"),
                });
                return;
            }
            Value::Array(_) | Value::Object(_) if depth >= json::MAX_JSON_DEPTH => {
                issues.push(ActionIssue {
                    code: "ACTION_TOO_DEEP",
                    path: String::new(),
                    message: format!(
                        "the action is nested deeper than the limit of {}",
                        json::MAX_JSON_DEPTH
                    ),
                });
                return;
            }
            Value::Array(items) => pending.extend(items.iter().map(|item| (item, depth + 1))),
            Value::Object(map) => pending.extend(map.iter().map(|(_, item)| (item, depth + 1))),
            _ => {}
        }
    }
}
