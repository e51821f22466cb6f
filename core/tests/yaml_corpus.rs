#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Replays tests/yaml/yaml-corpus.json, the values that the npm `yaml`
//! package (2.9.0) returns from `YAML.parse`, against `openleash_core::yaml`.
//! tests/yaml/generate.mjs documents the file's format and regenerates it.

use openleash_core::yaml::{Node, NodeValue, YamlLimits, parse};
use serde_json::Value;

/// 2^53: the package rounds integers beyond this magnitude.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_992.0;

/// The corpus has 889 cases. Fewer means that the file was truncated or
/// that the loader skipped some.
const MIN_CASES: usize = 850;

fn load_cases() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/yaml/yaml-corpus.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let corpus: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(corpus["yaml_package_version"], "2.9.0");
    corpus["cases"].as_array().unwrap().clone()
}

#[test]
fn corpus_matches_yaml_package() {
    let cases = load_cases();
    assert!(cases.len() >= MIN_CASES, "only {} cases", cases.len());

    let mut failures = Vec::new();
    let (mut values, mut errors, mut deviations) = (0, 0, 0);
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let yaml = case["yaml"].as_str().unwrap();
        let outcome = parse(yaml, &YamlLimits::default());

        let expected = if case.get("deviation").is_some() {
            deviations += 1;
            &case["expect_here"]
        } else {
            case
        };
        let check = match (expected.get("error"), expected.get("result"), &outcome) {
            (Some(Value::Bool(true)), _, Err(_)) => Ok(()),
            (Some(Value::String(code)), _, Err(error)) if error.code() == code => Ok(()),
            (Some(code), _, Err(error)) => Err(format!("expected error {code}, got {error:?}")),
            (Some(code), _, Ok(node)) => Err(format!("expected error {code}, got {}", brief(node))),
            (None, Some(result), Ok(node)) => compare(node, result),
            (None, Some(result), Err(error)) => Err(format!("expected {result}, got {error}")),
            (None, None, _) => Err("case has neither result nor error".to_owned()),
        };
        match (&check, &outcome) {
            (Err(message), _) => failures.push(format!("{id}: {message}")),
            (Ok(()), Ok(_)) => values += 1,
            (Ok(()), Err(_)) => errors += 1,
        }
    }

    println!(
        "{} cases: {values} values and {errors} errors as expected, {deviations} of them deliberate deviations",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Compares a parsed node with the JSON form of the package's value.
fn compare(node: &Node, expected: &Value) -> Result<(), String> {
    let mismatch = || Err(format!("expected {expected}, got {}", brief(node)));
    match (&node.value, expected) {
        (NodeValue::Null, Value::Null) => Ok(()),
        (NodeValue::Bool(value), Value::Bool(other)) if value == other => Ok(()),
        (NodeValue::String(value), Value::String(other)) if value == other => Ok(()),
        (NodeValue::Number(value), Value::Number(other)) if same_number(*value, other) => Ok(()),
        (NodeValue::Number(value), Value::Object(special)) if !value.is_finite() => {
            match special.get("$nonfinite").and_then(Value::as_str) {
                Some("NaN") if value.is_nan() => Ok(()),
                Some("Infinity") if *value == f64::INFINITY => Ok(()),
                Some("-Infinity") if *value == f64::NEG_INFINITY => Ok(()),
                _ => mismatch(),
            }
        }
        (NodeValue::UnrepresentableNumber(text), _) => {
            if is_rounded_by_javascript(expected)
                || expected.get("$unrepresentable").and_then(Value::as_str) == Some(text)
            {
                Ok(())
            } else {
                mismatch()
            }
        }
        (NodeValue::Sequence(items), Value::Array(expected_items))
            if items.len() == expected_items.len() =>
        {
            items
                .iter()
                .zip(expected_items)
                .try_for_each(|(item, expected_item)| compare(item, expected_item))
        }
        (NodeValue::Mapping(pairs), Value::Object(properties))
            if pairs.len() == properties.len() =>
        {
            for (key, value) in pairs {
                let Some(expected_value) = properties
                    .iter()
                    .find(|(name, _)| key_matches(key, name))
                    .map(|(_, value)| value)
                else {
                    return Err(format!("key {:?} missing from {expected}", key.value));
                };
                compare(value, expected_value)?;
            }
            Ok(())
        }
        _ => mismatch(),
    }
}

/// Returns whether `value` is the number that the JSON text of `expected`
/// denotes.
///
/// Without its `float_roundtrip` feature, serde_json may read a number with
/// a large exponent one unit in the last place off. Reading the shortest
/// decimal form of `value` the same way compares the digits instead, which
/// are the same for equal doubles in Rust and JavaScript.
fn same_number(value: f64, expected: &serde_json::Number) -> bool {
    let expected = expected.as_f64();
    expected == Some(value) || expected == serde_json::from_str::<f64>(&format!("{value:e}")).ok()
}

/// Returns whether the package's value is what JavaScript makes of a number
/// that a double cannot hold: a rounded integer beyond 2^53 or an infinity.
fn is_rounded_by_javascript(value: &Value) -> bool {
    match value {
        Value::Number(number) => number.as_f64().is_some_and(|n| n.abs() >= MAX_SAFE_INTEGER),
        Value::Object(special) => matches!(
            special.get("$nonfinite").and_then(Value::as_str),
            Some("Infinity" | "-Infinity")
        ),
        _ => false,
    }
}

/// Returns whether a key node becomes the JavaScript property `name`.
fn key_matches(key: &Node, name: &str) -> bool {
    match &key.value {
        NodeValue::Null => name.is_empty(),
        NodeValue::Bool(value) => name == value.to_string(),
        NodeValue::String(value) => name == value,
        NodeValue::Number(value) if value.is_nan() => name == "NaN",
        NodeValue::Number(value) if value.is_infinite() => {
            name == if *value > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            }
        }
        NodeValue::Number(value) => name.parse::<f64>().ok() == Some(*value),
        _ => false,
    }
}

/// Describes a node in at most 200 characters.
fn brief(node: &Node) -> String {
    let text = format!("{:?}", node.value);
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text,
    }
}
