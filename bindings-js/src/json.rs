//! Canonical JSON, action hashes and strict JSON parsing.
//!
//! Values arrive as JSON text written by `lib/convert.js` and leave as JSON
//! text that JavaScript reads with `JSON.parse`: the core writes numbers in
//! ECMAScript form, so `JSON.parse` gives back the same doubles.

use openleash_core::host::{self, HashFailure};
use openleash_core::json::{self, Value};
use wasm_bindgen::prelude::*;

use crate::errors::{Failure, action_error, json_error};

/// Nesting depth limit for JSON values, actions included.
#[wasm_bindgen(js_name = maxJsonDepth)]
pub fn max_json_depth() -> usize {
    json::MAX_JSON_DEPTH
}

/// Size limit for JSON text, actions included, in UTF-8 bytes.
#[wasm_bindgen(js_name = maxJsonBytes)]
pub fn max_json_bytes() -> usize {
    json::MAX_JSON_BYTES
}

/// Parses JSON text written by `lib/convert.js`.
pub fn parse_converted(text: &str) -> Result<Value, Failure> {
    json::parse(text).map_err(|problem| json_error(&problem, false))
}

/// Writes the RFC 8785 canonical JSON of a value given as UTF-8 JSON from
/// `lib/convert.js`, which writes canonical JSON already: the core then
/// checks it and returns it as it is.
#[wasm_bindgen(js_name = canonicalJson)]
pub fn canonical_json(value_json: &[u8]) -> Result<String, JsValue> {
    Ok(host::canonical_json_of_bytes(value_json).map_err(|problem| json_error(&problem, false))?)
}

/// Validates and normalizes an action given as UTF-8 JSON and returns its
/// action hash.
#[wasm_bindgen(js_name = actionHash)]
pub fn action_hash(action_json: &[u8]) -> Result<String, JsValue> {
    Ok(action_hash_of(action_json)?)
}

fn action_hash_of(action_json: &[u8]) -> Result<String, Failure> {
    host::action_hash_of_bytes(action_json).map_err(|failure| match failure {
        HashFailure::Json(problem) => json_error(&problem, false),
        HashFailure::Action(problem) => action_error(&problem),
    })
}

/// Parses the caller's JSON text with the strict parser and returns it
/// written back as compact JSON for `JSON.parse`.
#[wasm_bindgen(js_name = parseJson)]
pub fn parse_json(text: &str) -> Result<String, JsValue> {
    let value = json::parse(text).map_err(|problem| json_error(&problem, true))?;
    Ok(json::to_json(&value))
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

    #[test]
    fn limits_are_the_cores() {
        assert_eq!(max_json_depth(), 64);
        assert_eq!(max_json_bytes(), 1_048_576);
    }

    #[test]
    fn invalid_actions_are_action_errors() {
        let failure = action_hash_of(br#"{"action_type": "purchase"}"#).unwrap_err();
        assert!(failure.to_json_text().contains(r#""class":"ActionError""#));
        let failure = action_hash_of(b"[1,").unwrap_err();
        assert!(
            failure
                .to_json_text()
                .contains(r#""class":"ValueConversionError""#)
        );
    }
}
