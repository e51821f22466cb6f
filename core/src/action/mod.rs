//! Action requests: what an agent wants to do, validated and normalized as
//! the OpenLeash server does before it evaluates or hashes anything.

mod fields;
mod uuid;
mod view;

use std::fmt;

use crate::json::{self, JsonError, JsonLimits, Map, Value};
use crate::policy::model::PathSegment;

pub(crate) use fields::{ActionFields, Found};
pub(crate) use view::ActionView;

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
    /// The position of each key of [`TOP_LEVEL_KEYS`] among the top-level
    /// entries, so that reading a field costs no search.
    fields: FieldPositions,
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
        let Value::Object(mut fields) = value else {
            return Err(ActionError::single(
                "ACTION_INVALID_TYPE",
                "",
                "the action must be an object",
            ));
        };

        // Check every field by reference first, then drop unknown keys in
        // place, so a valid action is normalized without copying it. Each
        // object is read in one pass over its entries, which also counts
        // the keys that normalizing drops.
        let (
            [
                action_id,
                action_type,
                requested_at,
                principal,
                subject,
                relying_party,
                payload,
            ],
            mut unknown,
        ) = read_top_level(&fields);
        let mut check = Check::default();
        check.fields([action_id, action_type, requested_at], &TOP_LEVEL_STRINGS);
        if let Some(principal) = check.object("principal", principal, false) {
            let (found, extra) = read_fields(principal, PRINCIPAL_KEYS);
            unknown += extra;
            check.fields(found, &PRINCIPAL_FIELDS);
        }
        if let Some(subject) = check.object("subject", subject, false) {
            let (found, extra) = read_fields(subject, SUBJECT_KEYS);
            unknown += extra;
            check.fields(found, &SUBJECT_FIELDS);
        }
        if let Some(party) = check.object("relying_party", relying_party, true) {
            let (found, extra) = read_fields(party, RELYING_PARTY_KEYS);
            unknown += extra;
            check.fields(found, &RELYING_PARTY_FIELDS);
        }
        check.issues.extend(match payload {
            Some(Value::Object(_)) => None,
            Some(other) => Some(ActionIssue::wrong_type("payload", "an object", other)),
            None => Some(ActionIssue::missing("payload", "an object")),
        });
        let issues = check.issues;
        if !issues.is_empty() {
            return Err(ActionError { issues });
        }

        if unknown > 0 {
            retain_known(&mut fields, &TOP_LEVEL_KEYS);
            for (object, keys) in NESTED_KEYS {
                if let Some(Value::Object(inner)) = fields.get_mut(object) {
                    retain_known(inner, keys);
                }
            }
        }
        let value = Value::Object(fields);
        let hash = match canonical {
            // The text is exactly the normalized action, in canonical form.
            Some(text) if unknown == 0 => json::sha256_hex(text.as_bytes()),
            _ => json::action_hash(&value),
        };
        let fields = FieldPositions::of(&value);
        Ok(Action {
            value,
            hash,
            fields,
        })
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
        self.field("payload")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    /// Returns the top-level field `key`, if the action has it. A
    /// normalized action has no keys but [`TOP_LEVEL_KEYS`].
    pub(crate) fn field(&self, key: &str) -> Option<&Value> {
        let position = *self.fields.0.get(top_level_index(key)?)?;
        self.value.as_object()?.value_at(usize::from(position))
    }

    fn top_string(&self, key: &str) -> &str {
        self.field(key).and_then(Value::as_str).unwrap_or("")
    }

    fn nested_string(&self, object: &str, key: &str) -> Option<&str> {
        self.field(object)?.as_object()?.get(key)?.as_str()
    }
}

impl ActionFields for Action {
    fn action_id(&self) -> &str {
        Action::action_id(self)
    }

    fn action_type(&self) -> &str {
        Action::action_type(self)
    }

    fn hash(&self) -> &str {
        Action::hash(self)
    }

    fn relying_party_domain(&self) -> Option<&str> {
        Action::relying_party_domain(self)
    }

    fn trust_profile(&self) -> Option<&str> {
        Action::trust_profile(self)
    }

    fn payload_field(&self, key: &str) -> Option<Found<'_>> {
        self.payload().get(key).map(Found::of)
    }

    fn resolve(&self, path: &[PathSegment]) -> Option<Found<'_>> {
        // The first key is read from the action's known fields, without a
        // search.
        match path.split_first() {
            None => Some(Found::Container),
            Some((PathSegment::Key(key), rest)) => fields::walk(self.field(key)?, rest),
            Some((PathSegment::Index(_), _)) => None,
        }
    }
}

/// The position of each of [`TOP_LEVEL_KEYS`] among a normalized action's
/// entries, in that order. A missing key has [`FieldPositions::ABSENT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FieldPositions([u8; TOP_LEVEL_KEYS.len()]);

impl FieldPositions {
    const ABSENT: u8 = u8::MAX;

    fn of(value: &Value) -> FieldPositions {
        let mut positions = [FieldPositions::ABSENT; TOP_LEVEL_KEYS.len()];
        if let Some(map) = value.as_object() {
            for (position, (key, _)) in map.iter().enumerate() {
                // A normalized action has at most seven entries.
                if let (Some(index), Ok(position)) = (top_level_index(key), u8::try_from(position))
                    && let Some(slot) = positions.get_mut(index)
                {
                    *slot = position;
                }
            }
        }
        FieldPositions(positions)
    }
}

/// Returns the index of `key` in [`TOP_LEVEL_KEYS`].
fn top_level_index(key: &str) -> Option<usize> {
    Some(match key {
        "action_id" => 0,
        "action_type" => 1,
        "requested_at" => 2,
        "principal" => 3,
        "subject" => 4,
        "relying_party" => 5,
        "payload" => 6,
        _ => return None,
    })
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

/// Keeps the entries of `map` whose key is in `keys`.
fn retain_known(map: &mut Map, keys: &[&str]) {
    map.retain(|key, _| keys.contains(&key));
}

/// Finds the values of `keys` in `map` in one pass over its entries. Returns
/// them with the number of entries under other keys.
fn read_fields<'a, const N: usize>(
    map: &'a Map,
    keys: [&str; N],
) -> ([Option<&'a Value>; N], usize) {
    read_indexed(map, |key| {
        keys.iter().position(|candidate| *candidate == key)
    })
}

/// Finds the values of [`TOP_LEVEL_KEYS`] in an action's top-level object,
/// as [`read_fields`] does, with a `match` on the key instead of a search.
fn read_top_level(fields: &Map) -> ([Option<&Value>; TOP_LEVEL_KEYS.len()], usize) {
    read_indexed(fields, top_level_index)
}

/// Stores each entry of `map` whose key has an index below `N` under that
/// index. Returns the values with the number of other entries.
fn read_indexed<const N: usize>(
    map: &Map,
    index_of: impl Fn(&str) -> Option<usize>,
) -> ([Option<&Value>; N], usize) {
    let mut found = [None; N];
    let mut unknown = 0;
    for (key, value) in map.iter() {
        match index_of(key).and_then(|index| found.get_mut(index)) {
            Some(slot) => *slot = Some(value),
            None => unknown += 1,
        }
    }
    (found, unknown)
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
    ("principal", &PRINCIPAL_KEYS),
    ("subject", &SUBJECT_KEYS),
    ("relying_party", &RELYING_PARTY_KEYS),
];

/// A string field of an action: its path in messages, the rule its value
/// follows, and whether the action must have it.
#[derive(Clone, Copy)]
struct Field {
    path: &'static str,
    rule: StringRule,
    required: bool,
}

impl Field {
    const fn new(path: &'static str, rule: StringRule, required: bool) -> Field {
        Field {
            path,
            rule,
            required,
        }
    }
}

/// `action_id`, `action_type` and `requested_at`, the first three of
/// [`TOP_LEVEL_KEYS`].
const TOP_LEVEL_STRINGS: [Field; 3] = [
    Field::new("action_id", StringRule::Uuid, true),
    Field::new("action_type", StringRule::NonEmpty, true),
    Field::new("requested_at", StringRule::Any, true),
];

// The fields of the nested objects, in the order of their key lists.
const PRINCIPAL_FIELDS: [Field; 1] = [Field::new("principal.agent_id", StringRule::NonEmpty, true)];
const SUBJECT_FIELDS: [Field; 1] = [Field::new("subject.principal_id", StringRule::Uuid, true)];
const RELYING_PARTY_FIELDS: [Field; 3] = [
    Field::new("relying_party.rp_id", StringRule::Uuid, false),
    Field::new("relying_party.domain", StringRule::Any, false),
    Field::new(
        "relying_party.trust_profile",
        StringRule::TrustProfile,
        false,
    ),
];

const PRINCIPAL_KEYS: [&str; 1] = ["agent_id"];
const SUBJECT_KEYS: [&str; 1] = ["principal_id"];
const RELYING_PARTY_KEYS: [&str; 3] = ["rp_id", "domain", "trust_profile"];
#[derive(Clone, Copy)]
enum StringRule {
    Any,
    NonEmpty,
    Uuid,
    TrustProfile,
}

impl StringRule {
    fn accepts(self, text: &str) -> bool {
        match self {
            StringRule::Any => true,
            StringRule::NonEmpty => !text.is_empty(),
            StringRule::Uuid => is_rfc9562_uuid(text),
            StringRule::TrustProfile => TRUST_PROFILES.contains(&text),
        }
    }
}

/// The issues found so far in a request being checked.
#[derive(Default)]
struct Check {
    issues: Vec<ActionIssue>,
}

impl Check {
    /// Checks each of `found` against the field in the same position.
    fn fields<const N: usize>(&mut self, found: [Option<&Value>; N], fields: &[Field; N]) {
        for (value, field) in found.into_iter().zip(fields) {
            self.string(field.path, value, field.rule, field.required);
        }
    }

    /// Checks the value `found` at `path` (dotted, such as
    /// `principal.agent_id`).
    fn string(&mut self, path: &str, found: Option<&Value>, rule: StringRule, required: bool) {
        let text = match found {
            None if required => {
                self.issues.push(ActionIssue::missing(path, "a string"));
                return;
            }
            None => return,
            Some(Value::String(text)) => text,
            Some(other) => {
                self.issues
                    .push(ActionIssue::wrong_type(path, "a string", other));
                return;
            }
        };
        if rule.accepts(text) {
            return;
        }
        let (code, problem) = match rule {
            StringRule::Any => return,
            StringRule::NonEmpty => ("ACTION_EMPTY_STRING", "must not be empty".to_owned()),
            StringRule::Uuid => (
                "ACTION_INVALID_UUID",
                format!("must be an RFC 9562 UUID, found {text:?}"),
            ),
            StringRule::TrustProfile => (
                "ACTION_INVALID_VALUE",
                format!("must be one of LOW, MEDIUM, HIGH or REGULATED, found {text:?}"),
            ),
        };
        self.issues.push(ActionIssue {
            code,
            message: format!("{path} {problem}"),
            path: path.to_owned(),
        });
    }

    /// Returns the nested object `found` under the top-level `key`. Returns
    /// `None` after recording an issue, or silently when an optional
    /// object is absent.
    fn object<'a>(
        &mut self,
        key: &str,
        found: Option<&'a Value>,
        optional: bool,
    ) -> Option<&'a Map> {
        match found {
            None if optional => None,
            None => {
                self.issues.push(ActionIssue::missing(key, "an object"));
                None
            }
            Some(Value::Object(inner)) => Some(inner),
            Some(other) => {
                self.issues
                    .push(ActionIssue::wrong_type(key, "an object", other));
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn top_level_indexes_follow_key_list() {
        for (index, key) in TOP_LEVEL_KEYS.iter().enumerate() {
            assert_eq!(top_level_index(key), Some(index), "{key}");
        }
        assert_eq!(top_level_index("debug"), None);
    }

    #[test]
    fn fields_found_in_any_order() {
        let text = r#"{"payload": {"a": 1}, "subject": {"principal_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"},
            "requested_at": "now", "extra": 1, "principal": {"agent_id": "agent"},
            "action_type": "purchase", "action_id": "3b241101-e2bb-4255-8caf-4136c566a962"}"#;
        let action = Action::from_json(text).unwrap();
        assert_eq!(action.action_type(), "purchase");
        assert_eq!(action.action_id(), "3b241101-e2bb-4255-8caf-4136c566a962");
        assert_eq!(action.agent_id(), "agent");
        assert_eq!(action.payload().get("a"), Some(&Value::Number(1.0)));
        assert_eq!(action.relying_party_domain(), None);
        assert_eq!(action.field("relying_party"), None);
        assert_eq!(action.field("extra"), None);
        assert_eq!(
            action.field("requested_at").and_then(Value::as_str),
            Some("now")
        );
    }
}
