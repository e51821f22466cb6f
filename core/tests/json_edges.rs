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

/// A policy whose rules read the payload, with an obligation whose details
/// hold non-ASCII text.
const SPARES_POLICY: &str = r#"version: 1
default: deny
rules:
  - id: small
    effect: allow
    action: purchase
    constraints: {amount_max: 5000, currency: [EUR, USD]}
    proof: {required: true, ttl_seconds: 300}
  - id: large
    effect: allow
    action: purchase
    obligations:
      - type: HUMAN_APPROVAL
        params: {reason: "über 50 € ☃ 😀", approvers: [owner]}
"#;

/// Writes an action request around `payload`, with `extra` top-level members.
fn spares_action(payload: &str, extra: &str) -> String {
    format!(
        r#"{{{extra}"action_id":"3b241101-e2bb-4255-8caf-4136c566a962","action_type":"purchase","requested_at":"2025-03-01T12:00:00.000Z","principal":{{"agent_id":"shopper-agent","zz":[1,2]}},"subject":{{"principal_id":"9c5b94b1-35ad-49bb-b118-8e8fc24abf80"}},"payload":{payload}}}"#
    )
}

/// Actions of many shapes and sizes: the parser's spare buffers, filled by
/// one, must not change how the next is read.
fn spares_actions() -> Vec<String> {
    let many_keys: Vec<String> = (0..200)
        .map(|index| {
            format!(
                r#""k{:03}\u00e9{}":"{}""#,
                199 - index,
                index,
                "v".repeat(index)
            )
        })
        .collect();
    let seventeen: Vec<String> = (0..17)
        .map(|index| format!(r#""{index}":{index}"#))
        .collect();
    let sixteen: Vec<String> = (0..16)
        .map(|index| format!(r#""{index}":[{index}]"#))
        .collect();
    // The action object and the payload are two levels: 62 arrays more
    // reach the depth limit, 63 pass it.
    let deep = |levels: usize| format!("{}0{}", "[".repeat(levels), "]".repeat(levels));
    vec![
        spares_action(r#"{"amount_minor":1999,"currency":"EUR"}"#, ""),
        spares_action(r#"{"amount_minor":9999,"currency":"EUR"}"#, ""),
        spares_action(
            &format!(
                r#"{{"amount_minor":10,"currency":"USD","note":"{}\n\"\u0000\ud83d\ude00{}"}}"#,
                "x".repeat(300_000),
                "ü€😀".repeat(20_000)
            ),
            "",
        ),
        spares_action(
            &format!("{{{}}}", many_keys.join(",")),
            r#""unknown":{"a":"b"},"#,
        ),
        spares_action(&format!("{{{}}}", seventeen.join(",")), ""),
        spares_action(&format!("{{{}}}", sixteen.join(",")), ""),
        spares_action(&format!(r#"{{"deep":{}}}"#, deep(62)), ""),
        spares_action(&format!(r#"{{"deep":{}}}"#, deep(63)), ""),
        spares_action(
            &format!(
                r#"{{"s128":"{}","s129":"{}"}}"#,
                "a".repeat(128),
                "b".repeat(129)
            ),
            "",
        ),
        spares_action(
            r#"{"é":"\u00e9","e\u0301":1,"\ud800\udc00":2,"\uffff":3,"":4}"#,
            "",
        ),
        spares_action(
            r#"{"big":1e308,"tiny":5e-324,"zero":-0,"neg":-1.5e-7,"int":9007199254740991}"#,
            "",
        ),
        spares_action(r#"{"int":9007199254740993}"#, ""),
        spares_action(r#"{"a":1,"a":2}"#, ""),
        spares_action(r#"{"a":[],"b":{},"c":[{}],"d":"","e":null,"f":true}"#, ""),
        spares_action(r#"{"amount_minor":1999,"currency":"eur"}"#, ""),
        spares_action(r#"["not","an","object"]"#, ""),
        r#"{"action_id":"not a uuid","payload":"text"}"#.to_owned(),
        r#"{"unterminated":"#.to_owned(),
    ]
}

/// Decides and hashes `text`; returns the decisions, as canonical JSON,
/// and the action hash or the error.
fn spares_outcome(policy: &openleash_core::Policy, text: &str) -> (String, String, String) {
    use openleash_core::{EvaluationOptions, SequentialIds};
    let options = EvaluationOptions {
        now: Timestamp::parse_rfc3339("2025-03-01T12:00:00Z").unwrap(),
        default_proof_ttl_seconds: Some(60.0),
    };
    let decided = |decision: &openleash_core::Decision| {
        canonical_json(&openleash_core::host::decision_to_value(decision))
    };
    let from_text =
        decided(&policy.decide_json(text, &options, &mut SequentialIds::starting_at(7)));
    let from_bytes = decided(&policy.decide_json_bytes(
        text.as_bytes(),
        &options,
        &mut SequentialIds::starting_at(7),
    ));
    assert_eq!(from_text, from_bytes, "{}", &text[..text.len().min(200)]);
    // A value decided as a binding hands it over, through the shape walk.
    let from_value = match parse(text) {
        Ok(value) => decided(&policy.decide(value, &options, &mut SequentialIds::starting_at(7))),
        Err(_) => from_text.clone(),
    };
    let hash = match openleash_core::Action::from_json(text) {
        Ok(action) => {
            let fresh = sha256_hex(canonical_json(action.as_value()).as_bytes());
            assert_eq!(action.hash(), fresh);
            fresh
        }
        Err(problem) => problem.to_string(),
    };
    (from_text, from_value, hash)
}

#[test]
fn spare_buffers_change_no_decision_or_hash() {
    let policy = openleash_core::Policy::from_yaml(SPARES_POLICY).unwrap();
    let actions = spares_actions();

    // Each action in a thread of its own, whose spares are empty.
    let fresh: Vec<(String, String, String)> = actions
        .iter()
        .map(|text| {
            let policy = policy.clone();
            let text = text.clone();
            std::thread::spawn(move || spares_outcome(&policy, &text))
                .join()
                .unwrap()
        })
        .collect();
    // The shapes reach the outcomes they are there for.
    let outcomes = [
        (0, r#""result":"ALLOW""#),
        (1, r#""result":"REQUIRE_APPROVAL""#),
        (2, r#""result":"ALLOW""#),
        (3, "HUMAN_APPROVAL"),
        (6, "REQUIRE_APPROVAL"),
        (7, "JSON_TOO_DEEP"),
        (11, "JSON_NUMBER_OUT_OF_RANGE"),
        (12, "JSON_DUPLICATE_KEY"),
        (14, "REQUIRE_APPROVAL"),
        (17, "JSON_SYNTAX"),
    ];
    for (index, needle) in outcomes {
        assert!(fresh[index].0.contains(needle), "action {index}: {needle}");
    }

    for (text, (from_text, from_value, _)) in actions.iter().zip(&fresh) {
        assert_eq!(from_text, from_value, "{}", &text[..text.len().min(200)]);
    }
    // Then all in one thread, in orders where each shape follows others.
    let count = actions.len();
    let orders: Vec<Vec<usize>> = vec![
        (0..count).collect(),
        (0..count).rev().collect(),
        (0..count)
            .flat_map(|index| [index, (index * 7 + 3) % count, index])
            .collect(),
    ];
    for order in orders {
        for _ in 0..2 {
            for &index in &order {
                assert_eq!(
                    spares_outcome(&policy, &actions[index]),
                    fresh[index],
                    "action {index}"
                );
            }
        }
    }
}
