//! JSON values with JavaScript number semantics, a strict I-JSON parser and
//! RFC 8785 canonical JSON.
//!
//! Every number is an IEEE-754 double, as in JavaScript and RFC 8785, so `1`
//! and `1.0` are the same value. Unlike `JSON.parse`, the parser rejects
//! numbers that a double cannot hold: an integer beyond 2^53 that would be
//! rounded, or a literal that overflows to infinity or underflows to zero.
//! That keeps the action hash bound to the exact action that was evaluated.

mod canonical;
mod number;
mod parse;
mod scan;
mod spare;
pub(crate) mod tape;
mod value;

pub use canonical::{action_hash, canonical_json, sha256_hex, to_json};
pub(crate) use canonical::{hex_digit, push_integer};
pub use number::{check_number_literal, format_number};
pub(crate) use number::{integer_digits, quoted_literal};
pub use parse::{
    JsonError, JsonLimits, MAX_JSON_BYTES, MAX_JSON_DEPTH, Parsed, parse, parse_bytes,
    parse_bytes_noting_canonical, parse_noting_canonical, parse_with_limits,
};
pub(crate) use parse::{Utf8Problem, utf8};
pub(crate) use spare::keep as keep_spares;
pub use value::{Map, Value};
