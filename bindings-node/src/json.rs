//! Canonical JSON, action hashes, strict JSON parsing, and strings from
//! JavaScript.

use napi::bindgen_prelude::{FromNapiValue, Uint8ArraySlice, Unknown};
use napi::{Env, JsString, Result, ValueType};
use napi_derive::napi;
use openleash_core::host::{self, HashFailure};
use openleash_core::json::{self, JsonError};

use crate::convert::to_js;
use crate::errors::{ErrorClass, action_error, error, guarded, type_error};

/// Nesting depth limit for JSON values, actions included: 64 arrays and
/// objects inside one another (`JSON_TOO_DEEP`).
#[napi]
pub const MAX_JSON_DEPTH: u32 = 64;

/// Size limit for JSON text, actions included, in UTF-8 bytes: 1 MiB
/// (`JSON_TOO_LARGE`).
#[napi]
pub const MAX_JSON_BYTES: u32 = 1_048_576;

// The constants above are literals because napi exports only literals;
// these checks keep them equal to the core's limits.
const _: () = assert!(MAX_JSON_DEPTH as usize == json::MAX_JSON_DEPTH);
const _: () = assert!(MAX_JSON_BYTES as usize == json::MAX_JSON_BYTES);

/// Serializes a JSON value as RFC 8785 canonical JSON: no whitespace, keys
/// sorted by UTF-16 code units, numbers in ECMAScript form.
///
/// Throws `ValueConversionError` for a value with no JSON form; its `code`
/// and `path` name the problem (see the package documentation for every
/// conversion rule).
#[napi(ts_args_type = "value: unknown")]
pub fn canonical_json(env: Env, value_json: Uint8ArraySlice, length: u32) -> Result<String> {
    guarded(&env, || {
        host::canonical_json_of_bytes(json_prefix(&value_json, length))
            .map_err(|problem| json_error(&env, &problem, false))
    })
}

/// Validates and normalizes an action request as the OpenLeash server
/// does before hashing (unknown keys dropped outside `payload`) and returns
/// its action hash: the SHA-256 hex of its canonical JSON.
///
/// Throws `ActionError` with every issue for an invalid action, and
/// `ValueConversionError` for a value with no JSON form.
#[napi(ts_args_type = "action: ActionRequest")]
pub fn action_hash(env: Env, action_json: Uint8ArraySlice, length: u32) -> Result<String> {
    guarded(&env, || {
        host::action_hash_of_bytes(json_prefix(&action_json, length)).map_err(|failure| {
            match failure {
                HashFailure::Json(problem) => json_error(&env, &problem, false),
                HashFailure::Action(problem) => action_error(&env, &problem),
            }
        })
    })
}

/// Parses JSON text with the engine's strict I-JSON parser, the one the
/// `openleash` CLI uses for actions. Unlike `JSON.parse` it rejects
/// duplicate keys (`JSON_DUPLICATE_KEY`), lone surrogate escapes
/// (`JSON_LONE_SURROGATE`), and numbers a double cannot hold exactly
/// (`JSON_NUMBER_OUT_OF_RANGE`: integers beyond 2^53 that would be rounded,
/// overflow, underflow), besides syntax errors (`JSON_SYNTAX`), nesting
/// beyond 64 (`JSON_TOO_DEEP`) and text over 1 MiB (`JSON_TOO_LARGE`).
///
/// Throws `ValueConversionError` with that code and the 1-based `line` and
/// `column`.
#[napi(ts_args_type = "text: string", ts_return_type = "JsonValue")]
pub fn parse_json<'e>(env: &'e Env, text: Unknown) -> Result<Unknown<'e>> {
    guarded(env, || {
        let text = string_argument(env, text, "text")?;
        let value = json::parse(&text).map_err(|problem| json_error(env, &problem, true))?;
        to_js(env, &value)
    })
}

/// Returns the JSON that `lib/convert.js` wrote: the first `length` bytes
/// of its shared buffer, or all of it should `length` exceed the buffer.
pub(crate) fn json_prefix(bytes: &[u8], length: u32) -> &[u8] {
    let length = usize::try_from(length).unwrap_or(usize::MAX);
    bytes.get(..length).unwrap_or(bytes)
}

/// A `ValueConversionError` for JSON the core rejected. The text came from
/// `lib/convert.js` unless `from_caller`, so only then do its line and
/// column mean something to the caller.
pub(crate) fn json_error(env: &Env, problem: &JsonError, from_caller: bool) -> napi::Error {
    let message = if from_caller {
        format!(
            "invalid JSON at line {}, column {}: {}",
            problem.line(),
            problem.column(),
            problem.message()
        )
    } else {
        problem.message().to_owned()
    };
    error(
        env,
        ErrorClass::ValueConversion,
        problem.code(),
        &message,
        |fields| {
            fields.set("path", "")?;
            if from_caller {
                fields.set("line", problem.line())?;
                fields.set("column", problem.column())?;
            }
            Ok(())
        },
    )
}

/// A string argument as UTF-8. Throws `TypeError` for a value that is not a
/// string, and `ValueConversionError` (`VALUE_LONE_SURROGATE`) for a string
/// with a lone UTF-16 surrogate, which UTF-8 cannot hold (Node would
/// replace it with U+FFFD, silently changing the text).
pub fn string_argument(env: &Env, value: Unknown, name: &str) -> Result<String> {
    if value.get_type()? != ValueType::String {
        return Err(type_error(env, &format!("{name} must be a string")));
    }
    let text = String::from_unknown(value)?;
    // Node writes U+FFFD for a lone surrogate, so only text containing
    // U+FFFD needs the exact UTF-16 check.
    if text.contains('\u{FFFD}') {
        let units = JsString::from_unknown(value)?.into_utf16()?;
        if let Some(position) = lone_surrogate_position(units.as_slice()) {
            return Err(error(
                env,
                ErrorClass::ValueConversion,
                "VALUE_LONE_SURROGATE",
                &format!(
                    "{name} has a lone UTF-16 surrogate at index {position}, which UTF-8 cannot hold"
                ),
                |fields| fields.set("path", ""),
            ));
        }
    }
    Ok(text)
}

/// The index of the first lone surrogate among UTF-16 code units.
fn lone_surrogate_position(units: &[u16]) -> Option<usize> {
    let mut position = 0;
    for decoded in char::decode_utf16(units.iter().copied()) {
        match decoded {
            Ok(character) => position += character.len_utf16(),
            Err(_) => return Some(position),
        }
    }
    None
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::lone_surrogate_position;

    #[test]
    fn lone_surrogates_are_located() {
        assert_eq!(lone_surrogate_position(&[0x61, 0xD800, 0x62]), Some(1));
        assert_eq!(lone_surrogate_position(&[0xDC00]), Some(0));
        assert_eq!(lone_surrogate_position(&[0xD83D, 0xDE00, 0xD800]), Some(2));
    }

    #[test]
    fn surrogate_pairs_are_well_formed() {
        assert_eq!(lone_surrogate_position(&[0xD83D, 0xDE00, 0x61]), None);
        assert_eq!(lone_surrogate_position(&[]), None);
    }
}
