//! RFC 8785 JSON Canonicalization Scheme and the action hash.

use std::cmp::Ordering;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::value::Value;

/// Serializes a value as RFC 8785 canonical JSON: no whitespace, object keys
/// sorted by their UTF-16 code units, numbers in ECMAScript form and strings
/// with the minimal JSON escapes.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_value(value, &mut out);
    out
}

/// SHA-256 of the canonical JSON of `value`, as 64 lowercase hex digits.
///
/// For an action request this is the action hash that decisions and proof
/// tokens carry; it is byte-identical to OpenLeash's.
pub fn action_hash(value: &Value) -> String {
    sha256_hex(canonical_json(value).as_bytes())
}

/// SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) if *number == 0.0 => out.push('0'),
        Value::Number(number) => out.push_str(ryu_js::Buffer::new().format_finite(*number)),
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|(a, _), (b, _)| compare_utf16(a, b));
            out.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

/// Orders strings by UTF-16 code units, as RFC 8785 requires. UTF-8 byte
/// order agrees except when a character above U+FFFF meets one in
/// U+E000..=U+FFFF, so ASCII keys take the byte comparison.
fn compare_utf16(a: &str, b: &str) -> Ordering {
    if a.is_ascii() || b.is_ascii() {
        return a.as_bytes().cmp(b.as_bytes());
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            control if u32::from(control) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(control));
            }
            other => out.push(other),
        }
    }
    out.push('"');
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
    use crate::json::parse;

    #[test]
    fn keys_sort_by_utf16_code_units() {
        let value = parse(r#"{"\ufb01": 1, "\ud83d\ude00": 2, "a": 3}"#).unwrap();
        assert_eq!(
            canonical_json(&value),
            "{\"a\":3,\"\u{1f600}\":2,\"\u{fb01}\":1}"
        );
    }

    #[test]
    fn control_characters_use_lowercase_escapes() {
        let value = parse(r#""\u0000\u001f\u007f""#).unwrap();
        assert_eq!(canonical_json(&value), "\"\\u0000\\u001f\u{7f}\"");
    }

    #[test]
    fn empty_input_hashes_to_the_sha256_of_nothing() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
