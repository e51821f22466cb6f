//! The parser's note that its input is already canonical JSON, which lets
//! the action hash skip writing canonical JSON again.
//!
//! Soundness is what matters: a text noted as canonical must equal the
//! canonical JSON of its value byte for byte, or actions would get a wrong
//! hash. The tests write values in many spellings (key orders, whitespace,
//! number forms, escapes) and check every noted text against the canonical
//! writer. They also check that canonical text is noted as such, since the
//! JavaScript packages rely on that for their speed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use openleash_core::Action;
use openleash_core::json::{
    JsonLimits, Map, Value, canonical_json, format_number, parse, parse_noting_canonical,
};
use proptest::prelude::*;

/// Returns the text if the parser noted it as canonical, and panics on a
/// parse error.
fn noted(text: &str) -> Option<String> {
    let parsed = parse_noting_canonical(text, &JsonLimits::default())
        .unwrap_or_else(|error| panic!("{text:?}: {error}"));
    parsed.canonical_text().map(str::to_owned)
}

/// Checks that a noted text is the canonical JSON of its value.
fn assert_sound(text: &str) {
    let Ok(parsed) = parse_noting_canonical(text, &JsonLimits::default()) else {
        return;
    };
    if let Some(noted) = parsed.canonical_text() {
        assert_eq!(
            noted,
            canonical_json(parsed.value()),
            "noted as canonical: {text:?}"
        );
    }
}

#[test]
fn spellings_of_numbers() {
    for canonical in [
        "0",
        "-1",
        "1999",
        "123456789012345",
        "1234567890123456",
        "1.5",
        "-0.25",
        "1e+21",
        "1.5e-7",
        "0.000001",
        "5e-324",
        "9007199254740991",
        "1.7976931348623157e+308",
    ] {
        assert_eq!(noted(canonical).as_deref(), Some(canonical), "{canonical}");
        assert_sound(canonical);
    }
    for other in [
        "-0",
        "1.0",
        "1e2",
        "1E2",
        "10e1",
        "1e21",
        "1E+21",
        "0.0",
        "-0.0",
        "1.50",
        "15e-1",
        "0.1e1",
        "1e-0",
        "100000000000000000000e1",
    ] {
        assert_eq!(noted(other), None, "{other}");
        assert_sound(other);
    }
}

#[test]
fn spellings_of_strings() {
    for canonical in [
        r#""""#,
        r#""plain""#,
        r#""quote \" backslash \\""#,
        r#""\b\f\n\r\t""#,
        r#""\u0000\u001f\u000b""#,
        "\"caf\u{e9} \u{1f600} \u{2028} \u{7f}\"",
    ] {
        assert_eq!(noted(canonical).as_deref(), Some(canonical), "{canonical}");
    }
    for other in [
        r#""\/""#,
        r#""\u0041""#,
        r#""\u001F""#,
        r#""\u000a""#,
        r#""\u0022""#,
        r#""\u005c""#,
        r#""\u00e9""#,
        r#""\ud83d\ude00""#,
        r#""\u2028""#,
    ] {
        assert_eq!(noted(other), None, "{other}");
        assert_sound(other);
    }
}

#[test]
fn whitespace_and_key_order() {
    for canonical in [
        "{}",
        "[]",
        "[1,[2,{}],null,true,false]",
        r#"{"a":1,"b":{"c":[],"d":"e"}}"#,
        r#"{"":0,"\u0000":1,"a":2,"a\u0000":3,"ab":4}"#,
        // UTF-16 order puts a surrogate pair (U+1F600) before U+E000 and
        // U+FFFF, although UTF-8 byte order puts it after them.
        "{\"\u{1f600}\":1,\"\u{e000}\":2,\"\u{ffff}\":3}",
    ] {
        assert_eq!(noted(canonical).as_deref(), Some(canonical), "{canonical}");
    }
    for other in [
        " {}",
        "{} ",
        "{ }",
        "[ ]",
        "[1, 2]",
        "{\"a\" :1}",
        "{\"a\":\n1}",
        r#"{"b":1,"a":2}"#,
        r#"{"a":{"y":1,"x":2}}"#,
        "{\"\u{e000}\":1,\"\u{1f600}\":2}",
    ] {
        assert_eq!(noted(other), None, "{other}");
        assert_sound(other);
    }
}

#[test]
fn duplicate_keys_are_rejected_in_any_order() {
    for text in [
        r#"{"a":1,"a":2}"#,
        r#"{"a":1,"b":2,"a":3}"#,
        r#"{"b":1,"a":2,"b":3}"#,
        r#"{"a":1,"b":2,"c":3,"b":4}"#,
    ] {
        let error = parse_noting_canonical(text, &JsonLimits::default()).unwrap_err();
        assert_eq!(error.code(), "JSON_DUPLICATE_KEY", "{text}");
    }
}

const ACTION: &str = r#"{
  "action_id": "3b241101-e2bb-4255-8caf-4136c566a962",
  "action_type": "purchase",
  "requested_at": "2025-03-01T12:00:00.000Z",
  "principal": {"agent_id": "shopper-agent"},
  "subject": {"principal_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"},
  "relying_party": {"domain": "shop.example", "trust_profile": "MEDIUM"},
  "payload": {"amount_minor": 1999, "currency": "EUR", "items": [{"sku": "A-1", "qty": 2}]}
}"#;

#[test]
fn canonical_actions_hash_as_written_anew() {
    let value = parse(ACTION).unwrap();
    let expected = Action::from_value(value.clone()).unwrap().hash().to_owned();
    let canonical = canonical_json(&value);
    assert_eq!(noted(&canonical).as_deref(), Some(canonical.as_str()));
    assert_eq!(Action::from_json(&canonical).unwrap().hash(), expected);
    assert_eq!(Action::from_json(ACTION).unwrap().hash(), expected);

    // Keys that normalization drops leave canonical text that is not the
    // normalized action's: the hash must not be taken of the text.
    for extra in [
        r#"{"zz_unknown":1}"#,
        r#"{"principal":{"agent_id":"shopper-agent","zz":1}}"#,
        r#"{"relying_party":{"domain":"shop.example","trust_profile":"MEDIUM","x":null}}"#,
        r#"{"subject":{"a":[],"principal_id":"9c5b94b1-35ad-49bb-b118-8e8fc24abf80"}}"#,
    ] {
        let Value::Object(mut fields) = value.clone() else {
            unreachable!()
        };
        let Value::Object(overrides) = parse(extra).unwrap() else {
            unreachable!()
        };
        for (key, item) in overrides.iter() {
            fields.insert(key.clone(), item.clone());
        }
        let text = canonical_json(&Value::Object(fields));
        assert_eq!(noted(&text).as_deref(), Some(text.as_str()), "{extra}");
        assert_eq!(
            Action::from_json(&text).unwrap().hash(),
            expected,
            "{extra}"
        );
    }
}

fn string_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('a'),
            Just('Z'),
            Just('/'),
            Just('"'),
            Just('\\'),
            Just('\n'),
            Just('\u{1}'),
            Just('\u{1f}'),
            Just('\u{7f}'),
            Just('\u{e9}'),
            Just('\u{2028}'),
            Just('\u{e000}'),
            Just('\u{ffff}'),
            Just('\u{1f600}'),
        ],
        0..5,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// Numbers the parser accepts in canonical form. It rejects integers that
/// ECMAScript prints in full beyond 2^53 (below 1e21) but that a double
/// holds only rounded, such as 768030868518340900000.
fn number_strategy() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        (-1_000_000i64..1_000_000).prop_map(|n| n as f64),
        any::<f64>(),
        (-1e-5f64..1e-5),
        (1e15f64..1e22),
    ]
    .prop_filter("finite and exact", |number| {
        number.is_finite() && parse(&format_number(*number)).is_ok()
    })
}

fn value_strategy() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number_strategy().prop_map(Value::Number),
        string_strategy().prop_map(Value::String),
    ];
    scalar.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((string_strategy(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map>())),
        ]
    })
}

/// Writes `value` as JSON, spelled as `choices` select: whitespace, key
/// order, number forms and escapes other than the canonical ones.
struct Variant<'c> {
    choices: &'c [u8],
    next: usize,
    out: String,
}

impl Variant<'_> {
    fn choose(&mut self, options: u8) -> u8 {
        let choice = self.choices[self.next % self.choices.len()];
        self.next += 1;
        choice % options
    }

    fn space(&mut self) {
        if self.choose(8) == 0 {
            let space = [" ", "\n", "\t", "\r"][usize::from(self.choose(4))];
            self.out.push_str(space);
        }
    }

    fn value(&mut self, value: &Value) {
        self.space();
        match value {
            Value::Null => self.out.push_str("null"),
            Value::Bool(flag) => self.out.push_str(if *flag { "true" } else { "false" }),
            Value::Number(number) => self.number(*number),
            Value::String(text) => self.string(text),
            Value::Array(items) => {
                self.out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        self.out.push(',');
                    }
                    self.value(item);
                }
                self.space();
                self.out.push(']');
            }
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                match self.choose(3) {
                    0 => {}
                    1 => entries.reverse(),
                    _ => entries.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16())),
                }
                self.out.push('{');
                for (index, (key, item)) in entries.into_iter().enumerate() {
                    if index > 0 {
                        self.out.push(',');
                    }
                    self.space();
                    self.string(key);
                    self.space();
                    self.out.push(':');
                    self.value(item);
                }
                self.space();
                self.out.push('}');
            }
        }
        self.space();
    }

    fn number(&mut self, number: f64) {
        let canonical = format_number(number);
        let text = match self.choose(6) {
            0 if number == 0.0 && number.is_sign_negative() => "-0".to_owned(),
            1 if number.fract() == 0.0 && number.abs() < 1e15 => format!("{canonical}.0"),
            2 => format!("{number:e}"),
            3 => canonical.to_uppercase(),
            _ => canonical,
        };
        self.out.push_str(&text);
    }

    fn string(&mut self, text: &str) {
        self.out.push('"');
        for character in text.chars() {
            let canonical = canonical_json(&Value::String(character.to_string()));
            let canonical = &canonical[1..canonical.len() - 1];
            match self.choose(5) {
                0 => {
                    for unit in character.encode_utf16(&mut [0; 2]) {
                        self.out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
                1 => {
                    for unit in character.encode_utf16(&mut [0; 2]) {
                        self.out.push_str(&format!("\\u{unit:04X}"));
                    }
                }
                2 if character == '/' => self.out.push_str("\\/"),
                _ => self.out.push_str(canonical),
            }
        }
        self.out.push('"');
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn canonical_json_is_noted(value in value_strategy()) {
        let text = canonical_json(&value);
        prop_assert_eq!(noted(&text), Some(text.clone()));
    }

    #[test]
    fn noted_text_is_canonical(
        value in value_strategy(),
        choices in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let mut variant = Variant { choices: &choices, next: 0, out: String::new() };
        variant.value(&value);
        let text = variant.out;
        let parsed = parse_noting_canonical(&text, &JsonLimits::default());
        prop_assert!(parsed.is_ok(), "{:?}: {:?}", text, parsed.err());
        let parsed = parsed.unwrap();
        if let Some(noted) = parsed.canonical_text() {
            prop_assert_eq!(noted, canonical_json(parsed.value()));
        }
    }
}
