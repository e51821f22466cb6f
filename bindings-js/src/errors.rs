//! Errors handed to the JavaScript layer.
//!
//! An exported function that fails throws a string: the JSON object
//! `{"class", "code", "message", ...details}`, where `class` names one of
//! the error classes of `lib/errors.js`. The package's `lib/engine.js`
//! turns it into an instance of that class, so the classes stay plain
//! JavaScript that extends `Error` and the module needs no glue per class.
//!
//! A panic cannot be caught here: the module is built with `panic =
//! "abort"`, so a panic traps (`WebAssembly.RuntimeError`), after the hook
//! installed by [`crate::start`] has written its message to
//! `console.error`. `lib/engine.js` turns the trap into an
//! `OpenLeashError` with the code `INTERNAL_ERROR`.

use openleash_core::action::{ActionError, ActionIssue};
use openleash_core::json::{self, JsonError, Map, Value};
use openleash_core::policy::{BindingError, Diagnostic, PolicyError};
use openleash_core::time::TimeError;
use openleash_core::{KeyError, SignatureError, TokenError};
use wasm_bindgen::JsValue;

/// The class of a thrown error, by its name in `lib/errors.js`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    OpenLeash,
    Policy,
    Action,
    ValueConversion,
    Token,
    Signature,
    Key,
}

impl ErrorClass {
    fn name(self) -> &'static str {
        match self {
            ErrorClass::OpenLeash => "OpenLeashError",
            ErrorClass::Policy => "PolicyError",
            ErrorClass::Action => "ActionError",
            ErrorClass::ValueConversion => "ValueConversionError",
            ErrorClass::Token => "TokenError",
            ErrorClass::Signature => "SignatureError",
            ErrorClass::Key => "KeyError",
        }
    }
}

/// An error on its way to JavaScript: its class, code, message and any
/// class-specific fields (`diagnostics`, `issues`, `path`, `line`,
/// `column`).
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    fields: Map,
}

impl Failure {
    pub fn new(class: ErrorClass, code: &str, message: &str) -> Failure {
        let mut fields = Map::with_capacity(4);
        fields.insert("class".to_owned(), string(class.name()));
        fields.insert("code".to_owned(), string(code));
        fields.insert("message".to_owned(), string(message));
        Failure { fields }
    }

    /// Adds a class-specific field.
    pub fn with(mut self, name: &str, value: Value) -> Failure {
        self.fields.insert(name.to_owned(), value);
        self
    }

    /// Writes the JSON text that `lib/engine.js` reads.
    pub fn to_json_text(&self) -> String {
        json::to_json(&Value::Object(self.fields.clone()))
    }
}

impl From<Failure> for JsValue {
    fn from(failure: Failure) -> JsValue {
        JsValue::from_str(&failure.to_json_text())
    }
}

fn string(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// Diagnostics as `{code, message, path, line, column}` values.
pub fn diagnostics_value(all: &[Diagnostic]) -> Value {
    let entries = all
        .iter()
        .map(|diagnostic| {
            let mut entry = Map::with_capacity(5);
            entry.insert("code".to_owned(), string(diagnostic.code()));
            entry.insert("message".to_owned(), string(diagnostic.message()));
            entry.insert("path".to_owned(), string(diagnostic.path()));
            entry.insert(
                "line".to_owned(),
                Value::Number(f64::from(diagnostic.line())),
            );
            entry.insert(
                "column".to_owned(),
                Value::Number(f64::from(diagnostic.column())),
            );
            Value::Object(entry)
        })
        .collect();
    Value::Array(entries)
}

fn issues_value(all: &[ActionIssue]) -> Value {
    let entries = all
        .iter()
        .map(|issue| {
            let mut entry = Map::with_capacity(3);
            entry.insert("code".to_owned(), string(issue.code()));
            entry.insert("path".to_owned(), string(issue.path()));
            entry.insert("message".to_owned(), string(issue.message()));
            Value::Object(entry)
        })
        .collect();
    Value::Array(entries)
}

/// Builds a `PolicyError` carrying every diagnostic of `problem`.
pub fn policy_error(problem: &PolicyError) -> Failure {
    Failure::new(ErrorClass::Policy, problem.code(), &problem.to_string())
        .with("diagnostics", diagnostics_value(problem.diagnostics()))
}

/// Builds a `PolicyError` without diagnostics for binding records.
pub fn binding_error(problem: &BindingError) -> Failure {
    Failure::new(ErrorClass::Policy, problem.code(), &problem.to_string())
        .with("diagnostics", Value::Array(Vec::new()))
}

/// Builds an `ActionError` carrying every issue of `problem`.
pub fn action_error(problem: &ActionError) -> Failure {
    Failure::new(ErrorClass::Action, problem.code(), &problem.to_string())
        .with("issues", issues_value(problem.issues()))
}

/// Builds a `ValueConversionError` for JSON the core rejected. The text came from
/// `lib/convert.js` unless `from_caller`, so only then do its line and
/// column mean something to the caller.
pub fn json_error(problem: &JsonError, from_caller: bool) -> Failure {
    if !from_caller {
        return Failure::new(
            ErrorClass::ValueConversion,
            problem.code(),
            problem.message(),
        )
        .with("path", string(""));
    }
    let message = format!(
        "invalid JSON at line {}, column {}: {}",
        problem.line(),
        problem.column(),
        problem.message()
    );
    Failure::new(ErrorClass::ValueConversion, problem.code(), &message)
        .with("path", string(""))
        .with("line", Value::Number(f64::from(problem.line())))
        .with("column", Value::Number(f64::from(problem.column())))
}

/// Builds an `OpenLeashError` with the code `INVALID_TIMESTAMP`.
pub fn time_error(problem: &TimeError) -> Failure {
    Failure::new(ErrorClass::OpenLeash, problem.code(), &problem.to_string())
}

pub fn token_error(problem: &TokenError) -> Failure {
    Failure::new(ErrorClass::Token, problem.code(), problem.message())
}

pub fn key_error(problem: &KeyError) -> Failure {
    Failure::new(ErrorClass::Key, problem.code(), problem.message())
}

pub fn signature_error(problem: &SignatureError) -> Failure {
    Failure::new(ErrorClass::Signature, problem.code(), problem.message())
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
    use openleash_core::Policy;

    #[test]
    fn failures_name_their_class_and_code() {
        let failure = Failure::new(ErrorClass::Key, "KEY_WEAK", "weak \"key\"");
        assert_eq!(
            failure.to_json_text(),
            r#"{"class":"KeyError","code":"KEY_WEAK","message":"weak \"key\""}"#
        );
    }

    #[test]
    fn policy_errors_carry_diagnostics() {
        let problem = Policy::from_yaml("version: 1\nrules: 3\n").unwrap_err();
        let text = policy_error(&problem).to_json_text();
        let value = json::parse(&text).unwrap();
        let fields = value.as_object().unwrap();
        assert_eq!(fields.get("class").unwrap().as_str(), Some("PolicyError"));
        let diagnostics = fields.get("diagnostics").unwrap().as_array().unwrap();
        assert_eq!(diagnostics.len(), problem.diagnostics().len());
        let second = diagnostics[1].as_object().unwrap();
        assert_eq!(second.get("line").unwrap().as_f64(), Some(2.0));
    }

    #[test]
    fn json_errors_have_positions_only_for_caller_text() {
        let problem = json::parse("\n{\"a\": }").unwrap_err();
        let own = json::parse(&json_error(&problem, false).to_json_text()).unwrap();
        assert!(own.as_object().unwrap().get("line").is_none());
        let caller = json::parse(&json_error(&problem, true).to_json_text()).unwrap();
        let fields = caller.as_object().unwrap();
        assert_eq!(fields.get("line").unwrap().as_f64(), Some(2.0));
        assert!(
            fields
                .get("message")
                .unwrap()
                .as_str()
                .unwrap()
                .starts_with("invalid JSON at line 2")
        );
    }
}
