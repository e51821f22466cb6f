//! Inputs at the edges of the word-at-a-time JSON scans, key comparison, the
//! byte-built hex, UUID, timestamp and decimal writers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use openleash_core::Timestamp;
use openleash_core::action::Uuid;
use openleash_core::host::push_decimal;
use openleash_core::json::{
    JsonLimits, Map, Value, canonical_json, parse, parse_bytes, sha256_hex,
};

/// Writes `text` as a JSON string in the form JSON.stringify and RFC 8785
/// write: the short escapes, `\u00xx` in lowercase for other control characters,
/// and everything else as it is.
fn reference_string(text: &str) -> String {
    let mut out = String::from("\"");
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            control if u32::from(control) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", u32::from(control)));
            }
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// Characters around which the eight-byte scans could go wrong: the targets
/// of the three tests, their neighbors, and multi-byte characters (lead bytes
/// 0xC2, 0xC3, 0xE2 and 0xF0, followed by bytes from 0x80 to 0xBF).
const TRICKY: [char; 14] = [
    '"', '\\', '\u{0}', '\u{1f}', ' ', '!', '#', '[', ']', '\u{7f}', '\u{80}', 'é', '€', '😀',
];

#[test]
fn strings_with_two_specials_at_every_offset() {
    for length in 1..=18 {
        for first in 0..length {
            for second in first..length {
                for a in TRICKY {
                    for b in TRICKY {
                        let mut characters = vec!['a'; length];
                        characters[first] = a;
                        characters[second] = b;
                        let text: String = characters.into_iter().collect();
                        let json = reference_string(&text);

                        let parsed = parse(&json).unwrap();
                        assert_eq!(parsed, Value::String(text.clone()), "{json}");
                        assert_eq!(canonical_json(&parsed), json, "{json}");
                        let from_bytes = parse_bytes(json.as_bytes(), &JsonLimits::default());
                        assert_eq!(from_bytes.unwrap(), parsed, "{json}");
                    }
                }
            }
        }
    }
}

#[test]
fn raw_specials_rejected_at_every_offset() {
    for length in 1..=20 {
        for position in 0..length {
            for special in (0u8..0x20).chain([b'"']) {
                let mut bytes = vec![b'a'; length];
                bytes[position] = special;
                let mut json = vec![b'"'];
                json.extend_from_slice(&bytes);
                json.push(b'"');
                let result = parse_bytes(&json, &JsonLimits::default());
                // A raw quote ends the string early, leaving trailing text.
                let problem = result.expect_err(&format!("{json:?}"));
                assert_eq!(problem.code(), "JSON_SYNTAX", "{json:?}");
            }
        }
    }
}

#[test]
fn escaped_keys_at_every_offset() {
    for length in 0..=20 {
        for position in 0..length {
            for special in ['"', '\\', '\n', '\u{1}', 'é', '😀'] {
                let mut characters = vec!['k'; length];
                characters[position] = special;
                let key: String = characters.into_iter().collect();
                let json = format!("[{{{}:1}},\"z\"]", reference_string(&key));
                let parsed = parse(&json).unwrap();
                let Some(Value::Object(map)) = parsed.as_array().and_then(|items| items.first())
                else {
                    panic!("an object first: {json}");
                };
                assert_eq!(map.get(&key), Some(&Value::Number(1.0)), "{json}");
                assert_eq!(canonical_json(&parsed), json, "{json}");
            }
        }
    }
}

/// Builds `count` keys of `length` bytes that differ only in their last byte
/// (and the byte before it, beyond 26 keys).
fn keys_differing_at_end(count: usize, length: usize) -> Vec<String> {
    (0..count)
        .map(|index| {
            let mut key = "p".repeat(length - 2);
            key.push(char::from(b'a' + u8::try_from(index / 26).unwrap()));
            key.push(char::from(b'a' + u8::try_from(index % 26).unwrap()));
            key
        })
        .collect()
}

#[test]
fn keys_differing_only_at_end_are_distinct() {
    for count in [2, 15, 16, 17, 40] {
        for length in [2, 7, 8, 9, 15, 16, 17, 24] {
            let keys = keys_differing_at_end(count, length);
            let members: Vec<String> = keys
                .iter()
                .enumerate()
                .map(|(index, key)| format!("\"{key}\":{index}"))
                .collect();
            let json = format!("{{{}}}", members.join(","));
            let Value::Object(map) = parse(&json).unwrap() else {
                panic!("an object: {json}");
            };
            assert_eq!(map.len(), count, "{json}");
            for (index, key) in keys.iter().enumerate() {
                assert_eq!(map.get(key), Some(&Value::Number(index as f64)), "{key}");
            }
        }
    }
}

#[test]
fn duplicate_keys_found_at_any_position() {
    for count in [2, 15, 16, 17, 18, 40] {
        for length in [2, 8, 9, 17] {
            let keys = keys_differing_at_end(count, length);
            for duplicate in 0..count {
                let mut members: Vec<String> = keys
                    .iter()
                    .enumerate()
                    .map(|(index, key)| format!("\"{key}\":{index}"))
                    .collect();
                // The repeat is escaped, so its text differs but its key does not.
                let escaped = keys[duplicate].replacen('p', "\\u0070", 1);
                members.push(format!("\"{escaped}\":-1"));
                let json = format!("{{{}}}", members.join(","));
                let problem = parse(&json).expect_err(&json);
                assert_eq!(problem.code(), "JSON_DUPLICATE_KEY", "{json}");
            }
        }
    }
}

#[test]
fn map_lookups_across_index_threshold() {
    let keys = keys_differing_at_end(40, 9);
    let mut map = Map::new();
    for (index, key) in keys.iter().enumerate() {
        assert!(
            map.insert(key.clone(), Value::Number(index as f64))
                .is_none()
        );
        for (earlier, earlier_key) in keys.iter().enumerate().take(index + 1) {
            assert_eq!(map.get(earlier_key), Some(&Value::Number(earlier as f64)));
        }
        for later_key in keys.iter().skip(index + 1) {
            assert!(!map.contains_key(later_key), "{later_key}");
        }
    }
    // Removing down past the threshold keeps every remaining key reachable.
    for (index, key) in keys.iter().enumerate() {
        assert_eq!(map.remove(key), Some(Value::Number(index as f64)));
        assert!(!map.contains_key(key));
        for (later, later_key) in keys.iter().enumerate().skip(index + 1) {
            assert_eq!(map.get(later_key), Some(&Value::Number(later as f64)));
        }
    }
    assert!(map.is_empty());
}

#[test]
fn timestamps_at_range_ends() {
    let earliest = Timestamp::parse_rfc3339("0000-01-01T00:00:00Z").unwrap();
    assert_eq!(earliest.to_rfc3339_millis(), "0000-01-01T00:00:00.000Z");
    assert_eq!(
        Timestamp::from_unix_millis(earliest.unix_millis()),
        Some(earliest)
    );
    assert_eq!(
        Timestamp::from_unix_millis(earliest.unix_millis() - 1),
        None
    );

    let latest = Timestamp::parse_rfc3339("9999-12-31T23:59:59.999Z").unwrap();
    assert_eq!(latest.to_rfc3339_millis(), "9999-12-31T23:59:59.999Z");
    assert_eq!(Timestamp::from_unix_millis(latest.unix_millis() + 1), None);

    // Offsets that move an edge date out of the range.
    assert!(Timestamp::parse_rfc3339("0000-01-01T00:30:00+01:00").is_err());
    assert!(Timestamp::parse_rfc3339("9999-12-31T23:59:59.999-00:01").is_err());
    // An explicit zero offset at the latest second is in the range.
    let back_in = Timestamp::parse_rfc3339("9999-12-31T23:59:59+00:00").unwrap();
    assert_eq!(back_in.to_rfc3339_millis(), "9999-12-31T23:59:59.000Z");

    for (text, expected) in [
        ("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
        ("0000-02-29T12:00:00Z", "0000-02-29T12:00:00.000Z"),
        ("2000-02-29T00:00:00.5Z", "2000-02-29T00:00:00.500Z"),
    ] {
        let parsed = Timestamp::parse_rfc3339(text).unwrap();
        assert_eq!(parsed.to_rfc3339_millis(), expected, "{text}");
    }
}

#[test]
fn hex_digests_match_known_vectors() {
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn uuid_text_covers_every_nibble() {
    let bytes: [u8; 16] = std::array::from_fn(|index| (index as u8) * 0x11);
    let uuid = Uuid::v4_from_bytes(bytes);
    assert_eq!(uuid.to_hyphenated(), "00112233-4455-4677-8899-aabbccddeeff");
    let uuid = Uuid::v4_from_bytes([0xff; 16]);
    assert_eq!(uuid.to_hyphenated(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

#[test]
fn decimals_at_integer_range_ends() {
    for number in [
        0,
        -1,
        9,
        10,
        -10,
        1_048_576,
        i64::MAX,
        i64::MIN,
        i64::MIN + 1,
    ] {
        let mut text = String::from("x");
        push_decimal(&mut text, number);
        assert_eq!(text, format!("x{number}"));
    }
}
