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
        let parsed = json::parse_noting_canonical(text, &JsonLimits::default())
            .map_err(ActionError::from_json)?;
        Action::from_parsed_json(parsed)
    }

    /// Validates and normalizes a parsed action, as [`Action::from_value`]
    /// does. When the text was already canonical JSON and normalizing
    /// dropped nothing, the hash is taken of the text itself rather than of
    /// canonical JSON written anew.
    pub fn from_parsed_json(parsed: json::Parsed<'_>) -> Result<Action, ActionError> {
        let canonical = parsed.canonical_text();
        let within_depth = parsed.max_depth() <= json::MAX_JSON_DEPTH;
        let value = parsed.into_value();
        if !within_depth {
            // Parsed with a deeper limit than actions allow: check the depth.
            return Action::from_value(value);
        }
        Action::from_parsed_text(value, canonical)
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
        Action::from_parsed_text(value, None)
    }

    /// Like [`Action::from_value`], for a value with no non-finite numbers
    /// and no nesting beyond [`json::MAX_JSON_DEPTH`], such as one from the
    /// JSON parser with its default limits: the walk that checks for those
    /// is skipped. `canonical` is the value's canonical JSON, when known.
    fn from_parsed_text(value: Value, canonical: Option<&str>) -> Result<Action, ActionError> {
        let mut issues = Vec::new();
        let Value::Object(mut fields) = value else {
            return Err(ActionError::single(
                "ACTION_INVALID_TYPE",
                "",
                "the action must be an object",
            ));
        };

        // Check every field by reference first, then drop unknown keys in
        // place, so a valid action is normalized without copying it.
        let top = Object {
            map: &fields,
            prefix: "",
        };
        top.string("action_id", StringRule::Uuid, true, &mut issues);
        top.string("action_type", StringRule::NonEmpty, true, &mut issues);
        top.string("requested_at", StringRule::Any, true, &mut issues);
        if let Some(principal) = top.object("principal", false, &mut issues) {
            principal.string("agent_id", StringRule::NonEmpty, true, &mut issues);
        }
        if let Some(subject) = top.object("subject", false, &mut issues) {
            subject.string("principal_id", StringRule::Uuid, true, &mut issues);
        }
        if let Some(party) = top.object("relying_party", true, &mut issues) {
            party.string("rp_id", StringRule::Uuid, false, &mut issues);
            party.string("domain", StringRule::Any, false, &mut issues);
            party.string(
                "trust_profile",
                StringRule::TrustProfile,
                false,
                &mut issues,
            );
        }
        match fields.get("payload") {
            Some(Value::Object(_)) => {}
            Some(other) => issues.push(ActionIssue::wrong_type("payload", "an object", other)),
            None => issues.push(ActionIssue::missing("payload", "an object")),
        }
        if !issues.is_empty() {
            return Err(ActionError { issues });
        }

        let mut dropped = retain_counting(&mut fields, &TOP_LEVEL_KEYS);
        for (object, keys) in NESTED_KEYS {
            if let Some(Value::Object(inner)) = fields.get_mut(object) {
                dropped += retain_counting(inner, keys);
            }
        }
        let value = Value::Object(fields);
        let hash = match canonical {
            // The text is exactly the normalized action, in canonical form.
            Some(text) if dropped == 0 => json::sha256_hex(text.as_bytes()),
            _ => json::action_hash(&value),
        };
        Ok(Action { value, hash })
    }

    /// The normalized action as a JSON value.
    pub fn as_value(&self) -> &Value {
        &self.value
    }

    /// Returns the normalized action as a JSON value, consuming the action.
    pub fn into_value(self) -> Value {
        self.value
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

/// Keeps the entries of `map` whose key is in `keys`; returns how many it dropped.
fn retain_counting(map: &mut Map, keys: &[&str]) -> usize {
    let before = map.len();
    map.retain(|key, _| keys.contains(&key));
    before - map.len()
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

/// The keys an action request keeps at the top level.
const TOP_LEVEL_KEYS: [&str; 7] = [
    "action_id",
    "action_type",
    "requested_at",
    "principal",
    "subject",
    "relying_party",
    "payload",
];

/// The keys kept inside the nested objects; the payload is kept whole.
const NESTED_KEYS: [(&str, &[&str]); 3] = [
    ("principal", &["agent_id"]),
    ("subject", &["principal_id"]),
    ("relying_party", &["rp_id", "domain", "trust_profile"]),
];

#[derive(Clone, Copy)]
enum StringRule {
    Any,
    NonEmpty,
    Uuid,
    TrustProfile,
}

/// An object of the request being checked, with the dotted path of its
/// fields (`""` or `"principal."`). Paths are only built for issues.
struct Object<'a> {
    map: &'a Map,
    prefix: &'static str,
}

impl<'a> Object<'a> {
    fn path(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn string(&self, key: &str, rule: StringRule, required: bool, issues: &mut Vec<ActionIssue>) {
        let text = match self.map.get(key) {
            None if required => {
                issues.push(ActionIssue::missing(&self.path(key), "a string"));
                return;
            }
            None => return,
            Some(Value::String(text)) => text,
            Some(other) => {
                issues.push(ActionIssue::wrong_type(&self.path(key), "a string", other));
                return;
            }
        };
        let problem = match rule {
            StringRule::NonEmpty if text.is_empty() => {
                Some(("ACTION_EMPTY_STRING", "must not be empty".to_owned()))
            }
            StringRule::Uuid if !is_rfc9562_uuid(text) => Some((
                "ACTION_INVALID_UUID",
                format!("must be an RFC 9562 UUID, found {text:?}"),
            )),
            StringRule::TrustProfile if !TRUST_PROFILES.contains(&text.as_str()) => Some((
                "ACTION_INVALID_VALUE",
                format!("must be one of LOW, MEDIUM, HIGH or REGULATED, found {text:?}"),
            )),
            _ => None,
        };
        if let Some((code, problem)) = problem {
            let path = self.path(key);
            issues.push(ActionIssue {
                code,
                message: format!("{path} {problem}"),
                path,
            });
        }
    }

    /// The nested object under `key`, or `None` after recording an issue
    /// (or silently when an optional object is absent).
    fn object(
        &self,
        key: &'static str,
        optional: bool,
        issues: &mut Vec<ActionIssue>,
    ) -> Option<Object<'a>> {
        match self.map.get(key) {
            None if optional => None,
            None => {
                issues.push(ActionIssue::missing(key, "an object"));
                None
            }
            Some(Value::Object(inner)) => Some(Object {
                map: inner,
                prefix: match key {
                    "principal" => "principal.",
                    "subject" => "subject.",
                    _ => "relying_party.",
                },
            }),
            Some(other) => {
                issues.push(ActionIssue::wrong_type(key, "an object", other));
                None
            }
        }
    }
}

/// Rejects values that no JSON text could produce: non-finite numbers, and
/// nesting deeper than the JSON parser allows. Values built by a binding
/// reach this check without going through the parser.
fn check_value_shape(value: &Value, issues: &mut Vec<ActionIssue>) {
    if let Err(issue) = check_shape_at(value, 0) {
        issues.push(issue);
    }
}

/// Recursion stops at [`json::MAX_JSON_DEPTH`], so a hostile value from a
/// binding cannot take more than that many stack frames.
fn check_shape_at(value: &Value, depth: usize) -> Result<(), ActionIssue> {
    match value {
        Value::Number(number) if !number.is_finite() => Err(ActionIssue {
            code: "ACTION_INVALID_NUMBER",
            path: String::new(),
            // Spelled as JavaScript does; formatting the float here would
            // also link the standard library's float printing into the
            // WebAssembly module for this one message.
            message: format!(
                "the action contains the non-finite number {}, which JSON cannot represent",
                if number.is_nan() {
                    "NaN"
                } else if *number > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                }
            ),
        }),
        Value::Array(_) | Value::Object(_) if depth >= json::MAX_JSON_DEPTH => Err(ActionIssue {
            code: "ACTION_TOO_DEEP",
            path: String::new(),
            message: format!(
                "the action is nested deeper than the limit of {}",
                json::MAX_JSON_DEPTH
            ),
        }),
        Value::Array(items) => items
            .iter()
            .try_for_each(|item| check_shape_at(item, depth + 1)),
        Value::Object(map) => map
            .iter()
            .try_for_each(|(_, item)| check_shape_at(item, depth + 1)),
        _ => Ok(()),
    }
}
