//! RFC 8785 JSON Canonicalization Scheme and the action hash.

use std::cmp::Ordering;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::scan::plain_prefix;
use super::spare::with_spares;
use super::value::Value;

/// Serializes a value as RFC 8785 canonical JSON: no whitespace, object keys
/// sorted by their UTF-16 code units, numbers in ECMAScript form and strings
/// with the minimal JSON escapes.
pub fn canonical_json(value: &Value) -> String {
    // A typical action is 300 to 500 bytes; one allocation covers it.
    let mut out = String::with_capacity(512);
    write_value(value, &mut out);
    out
}

/// SHA-256 of the canonical JSON of `value`, as 64 lowercase hex digits.
///
/// For an action request this is the action hash that decisions and proof
/// tokens carry; it is byte-identical to OpenLeash's.
pub fn action_hash(value: &Value) -> String {
    with_spares(|spares| {
        let mut text = spares.take_text();
        write_value(value, &mut text);
        let hash = sha256_hex(text.as_bytes());
        spares.keep_text(text);
        hash
    })
}

/// Serializes a value as compact JSON with object keys in insertion order,
/// byte for byte what JavaScript's `JSON.stringify` writes for the same
/// value: the form OpenLeash signs token claims and request bodies in.
pub fn to_json(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_ordered(value, &mut out);
    out
}

fn write_ordered(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_ordered(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_ordered(item, out);
            }
            out.push('}');
        }
        scalar => write_value(scalar, out),
    }
}

/// SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_lower(&Sha256::digest(bytes))
}

/// Lowercase hex of `bytes`. Builds bytes and converts once: pushing
/// `char`s costs a call each in the size-optimized WebAssembly build.
fn hex_lower(bytes: &[u8]) -> String {
    let mut hex = Vec::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(hex_digit(byte >> 4));
        hex.push(hex_digit(byte & 0x0f));
    }
    // `hex_digit` returns only ASCII digits and letters, so the conversion
    // cannot fail.
    String::from_utf8(hex).unwrap_or_default()
}

/// Returns the lowercase hex digit of a value below 16.
pub(crate) fn hex_digit(nibble: u8) -> u8 {
    if nibble < 10 {
        b'0' + nibble
    } else {
        b'a' + nibble - 10
    }
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(*number, out),
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
            out.push('{');
            let mut first = true;
            let mut write_entry = |key: &str, item: &Value, out: &mut String| {
                if !first {
                    out.push(',');
                }
                first = false;
                write_string(key, out);
                out.push(':');
                write_value(item, out);
            };
            if map.len() <= SMALL_OBJECT {
                // Sort positions on the stack: most objects in an action are
                // small, and this avoids an allocation per object.
                let mut order = [0u8; SMALL_OBJECT];
                let keys: [Option<(&String, &Value)>; SMALL_OBJECT] = small_entries(map);
                for (slot, position) in order.iter_mut().zip(0u8..) {
                    *slot = position;
                }
                let order = order.get_mut(..map.len()).unwrap_or(&mut []);
                order.sort_unstable_by(|a, b| match (keys_at(&keys, *a), keys_at(&keys, *b)) {
                    (Some((a, _)), Some((b, _))) => compare_utf16(a, b),
                    _ => Ordering::Equal,
                });
                for position in order.iter() {
                    if let Some((key, item)) = keys_at(&keys, *position) {
                        write_entry(key, item, out);
                    }
                }
            } else {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|(a, _), (b, _)| compare_utf16(a, b));
                for (key, item) in entries {
                    write_entry(key, item, out);
                }
            }
            out.push('}');
        }
    }
}

/// Objects up to this many entries are sorted without allocating.
const SMALL_OBJECT: usize = 16;

fn small_entries(map: &super::value::Map) -> [Option<(&String, &Value)>; SMALL_OBJECT] {
    let mut entries = [None; SMALL_OBJECT];
    for (slot, entry) in entries.iter_mut().zip(map.iter()) {
        *slot = Some(entry);
    }
    entries
}

fn keys_at<'a>(
    entries: &[Option<(&'a String, &'a Value)>; SMALL_OBJECT],
    position: u8,
) -> Option<(&'a String, &'a Value)> {
    entries.get(usize::from(position)).copied().flatten()
}

/// Orders strings by UTF-16 code units, as RFC 8785 requires.
///
/// UTF-8 byte order agrees with it except between a character above U+FFFF
/// (lead byte 0xF0 to 0xF4, a surrogate pair in UTF-16) and one in
/// U+E000..=U+FFFF (lead byte 0xEE or 0xEF): UTF-16 puts the surrogate pair
/// first. The first differing byte is a lead byte in both strings or a
/// continuation byte in both, because the bytes before it are equal.
pub(crate) fn compare_utf16(a: &str, b: &str) -> Ordering {
    let first_difference = a.bytes().zip(b.bytes()).find(|(x, y)| x != y);
    match first_difference {
        None => a.len().cmp(&b.len()),
        Some((x, y)) if x >= 0xF0 && (0xEE..=0xEF).contains(&y) => Ordering::Less,
        Some((x, y)) if y >= 0xF0 && (0xEE..=0xEF).contains(&x) => Ordering::Greater,
        Some((x, y)) => x.cmp(&y),
    }
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    let mut rest = text;
    loop {
        let position = plain_prefix(rest.as_bytes());
        if position == rest.len() {
            break;
        }
        // INVARIANT: `position` is at an ASCII byte, so both slices are on
        // character boundaries.
        out.push_str(rest.get(..position).unwrap_or(""));
        let byte = rest.as_bytes().get(position).copied().unwrap_or(0);
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            control => {
                let _ = write!(out, "\\u{control:04x}");
            }
        }
        rest = rest.get(position + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out.push('"');
}

/// Appends an integer in decimal, without the formatting machinery, which
/// costs more than the digits themselves.
pub(crate) fn push_integer(out: &mut String, integer: i64) {
    if integer < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = integer.unsigned_abs();
    loop {
        start -= 1;
        if let Some(slot) = digits.get_mut(start) {
            // The remainder is below 10, so the cast is exact.
            #[allow(clippy::cast_possible_truncation)]
            let digit = (rest % 10) as u8;
            *slot = b'0' + digit;
        }
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    // The loop writes only ASCII digits, so the conversion cannot fail.
    out.push_str(std::str::from_utf8(digits.get(start..).unwrap_or(&[])).unwrap_or("0"));
}

/// Returns true when `literal`, which parses to `number`, is how canonical JSON
/// writes that number.
pub(crate) fn is_canonical_number(literal: &str, number: f64) -> bool {
    let digits = literal.strip_prefix('-').unwrap_or(literal);
    if digits.len() <= 15 && digits.bytes().all(|byte| byte.is_ascii_digit()) {
        // The grammar rules out leading zeros, and an integer of at most 15
        // digits prints as itself, except -0, which prints as 0.
        return literal != "-0";
    }
    let mut written = String::new();
    write_number(number, &mut written);
    written == literal
}

/// Writes a finite number in ECMAScript form. Integers below 2^53 take a
/// fast path; they print the same as ECMAScript (no exponent below 1e21).
fn write_number(number: f64, out: &mut String) {
    if number.fract() == 0.0 && number.abs() < 9_007_199_254_740_992.0 {
        // INVARIANT: integral and within ±2^53, so the cast is exact; -0
        // becomes 0 as in ECMAScript.
        #[allow(clippy::cast_possible_truncation)]
        let integer = number as i64;
        push_integer(out, integer);
    } else {
        out.push_str(ryu_js::Buffer::new().format_finite(number));
    }
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
    use crate::json::{Map, parse};

    /// Keys around the cases of the key order: empty, NUL bytes, prefixes
    /// of each other, the eight-byte boundary, and characters whose UTF-8
    /// and UTF-16 orders differ.
    const TRICKY_KEYS: [&str; 20] = [
        "",
        "\0",
        "a",
        "a\0",
        "a\0b",
        "ab",
        "abcdefg",
        "abcdefgh",
        "abcdefgh\0",
        "abcdefghi",
        "abcdefgi",
        "abcdefg\u{e9}",
        "abcdefgh\u{1f600}",
        "abcdefgh\u{fb01}",
        "\u{1f600}",
        "\u{fb01}",
        "\u{e000}",
        "\u{ffff}",
        "\u{7f}",
        "Z",
    ];

    fn utf16_order(a: &str, b: &str) -> Ordering {
        a.encode_utf16().cmp(b.encode_utf16())
    }

    #[test]
    fn key_comparison_matches_utf16_order() {
        for a in TRICKY_KEYS {
            for b in TRICKY_KEYS {
                assert_eq!(
                    compare_utf16(a, b),
                    utf16_order(a, b),
                    "{a:?} against {b:?}"
                );
            }
        }
    }

    #[test]
    fn small_objects_sort_like_large_ones() {
        // Rotations of the keys, written as objects of up to 16 entries
        // (sorted on the stack) and of all 20 (sorted in a vector).
        for rotation in 0..TRICKY_KEYS.len() {
            let mut keys = TRICKY_KEYS.to_vec();
            keys.rotate_left(rotation);
            for count in [2, 5, SMALL_OBJECT, TRICKY_KEYS.len()] {
                let chosen = &keys[..count];
                let map: Map = chosen
                    .iter()
                    .zip(0..)
                    .map(|(key, index)| ((*key).to_owned(), Value::Number(f64::from(index))))
                    .collect();
                let text = canonical_json(&Value::Object(map));
                let mut expected = chosen.to_vec();
                expected.sort_by(|a, b| utf16_order(a, b));
                let order: Vec<String> = match parse(&text).unwrap() {
                    Value::Object(map) => map.iter().map(|(key, _)| key.clone()).collect(),
                    other => panic!("not an object: {other:?}"),
                };
                assert_eq!(order, expected, "{text}");
            }
        }
    }

    #[test]
    fn keys_sort_by_utf16_code_units() {
        let value = parse(r#"{"\ufb01": 1, "\ud83d\ude00": 2, "a": 3}"#).unwrap();
        assert_eq!(
            canonical_json(&value),
            "{\"a\":3,\"\u{1f600}\":2,\"\u{fb01}\":1}"
        );
    }

    #[test]
    fn utf16_order_matches_encode_utf16() {
        let samples = [
            "",
            "a",
            "ab",
            "b",
            "\u{7f}",
            "\u{80}",
            "\u{e9}",
            "\u{7ff}",
            "\u{800}",
            "\u{d7ff}",
            "\u{e000}",
            "\u{fb01}",
            "\u{ffff}",
            "\u{10000}",
            "\u{1f600}",
            "\u{10ffff}",
            "a\u{1f600}",
            "a\u{fb01}",
            "\u{1f600}a",
            "\u{1f601}",
        ];
        for a in samples {
            for b in samples {
                assert_eq!(
                    compare_utf16(a, b),
                    a.encode_utf16().cmp(b.encode_utf16()),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn integers_print_like_ecmascript() {
        for number in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            42.0,
            1e15,
            -9_007_199_254_740_991.0,
            1e20,
            0.5,
            -2.5e-7,
        ] {
            let mut fast = String::new();
            write_number(number, &mut fast);
            assert_eq!(fast, crate::json::format_number(number), "{number}");
        }
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
