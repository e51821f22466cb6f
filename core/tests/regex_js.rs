//! Differential test of `openleash_core::regex` against JavaScript.
//!
//! `tests/regex/js-semantics.json` records, for each (pattern, input) case,
//! whether `new RegExp(pattern)` compiles in Node.js and what
//! `RegExp.prototype.test(input)` returns. Regenerate it with
//! `node tests/regex/generate.mjs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use openleash_core::regex::{JsRegex, MAX_PATTERN_CHARS, RegexError};
use serde_json::Value;

/// One recorded case of the corpus.
struct Case {
    group: String,
    pattern: String,
    input: String,
    valid: bool,
    expected_match: Option<bool>,
    unsupported: bool,
    too_large: bool,
}

fn load_cases() -> Vec<Case> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/regex/js-semantics.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let document: Value = serde_json::from_str(&text).unwrap();
    let flag = |case: &Value, name: &str| case.get(name).and_then(Value::as_bool).unwrap_or(false);

    document["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| Case {
            group: case["group"].as_str().unwrap().to_owned(),
            pattern: case["pattern"].as_str().unwrap().to_owned(),
            input: case["input"].as_str().unwrap().to_owned(),
            valid: case["valid"].as_bool().unwrap(),
            expected_match: case["match"].as_bool(),
            unsupported: flag(case, "unsupported"),
            too_large: flag(case, "too_large"),
        })
        .collect()
}

/// Checks one case. Returns the outcome it counted as, or a description of
/// the mismatch.
fn check(case: &Case) -> Result<&'static str, String> {
    let compiled = JsRegex::new(&case.pattern);
    let describe = |result: &Result<JsRegex, RegexError>| match result {
        Ok(_) => "compiled".to_owned(),
        Err(error) => error.to_string(),
    };

    if !case.valid {
        return match &compiled {
            Err(error) if error.code() == "REGEX_SYNTAX" => Ok("syntax"),
            _ => Err(format!(
                "invalid in JavaScript, here {}",
                describe(&compiled)
            )),
        };
    }

    let expected_code = if case.unsupported {
        Some("REGEX_UNSUPPORTED")
    } else if case.too_large {
        Some("REGEX_TOO_LARGE")
    } else {
        None
    };
    match (&compiled, expected_code) {
        (Err(error), Some(code)) if error.code() == code => Ok(code),
        (Ok(regex), None) => {
            let actual = regex.is_match(&case.input);
            if Some(actual) == case.expected_match {
                Ok("match")
            } else {
                Err(format!(
                    "JavaScript test() returns {:?}, here {actual}",
                    case.expected_match
                ))
            }
        }
        (_, expected) => Err(format!(
            "valid in JavaScript and expected {}, here {}",
            expected.unwrap_or("to compile"),
            describe(&compiled)
        )),
    }
}

#[test]
fn corpus_matches_javascript() {
    let cases = load_cases();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let mut failures = Vec::new();

    for case in &cases {
        match check(case) {
            Ok(outcome) => *counts.entry(outcome).or_default() += 1,
            Err(problem) => failures.push(format!(
                "[{}] pattern {:?} input {:?}: {problem}",
                case.group, case.pattern, case.input
            )),
        }
    }

    println!("{} cases: {counts:?}", cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from JavaScript:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_covers_every_outcome() {
    let cases = load_cases();

    assert!(cases.len() >= 1000, "{} cases", cases.len());
    assert!(cases.iter().any(|case| !case.valid));
    assert!(cases.iter().any(|case| case.unsupported));
    assert!(cases.iter().any(|case| case.too_large));
    assert!(cases.iter().any(|case| case.expected_match == Some(true)));
    assert!(cases.iter().any(|case| case.expected_match == Some(false)));
}

#[test]
fn corpus_includes_conformance_regex_cases() {
    let cases = load_cases();
    let conformance: Vec<&Case> = cases
        .iter()
        .filter(|case| case.group == "conformance")
        .collect();

    for pattern in [
        "^[A-Z]{3}$",
        "^EU",
        "(",
        "[",
        "^(?!internal\\.)",
        "^\\d+$",
        "^\\w+$",
        "(?i)^usd$",
        "^\\p{L}+$",
        "^[[:alpha:]]$",
        "^a.b$",
        "^abc$",
    ] {
        assert!(
            conformance.iter().any(|case| case.pattern == pattern),
            "{pattern:?} is missing"
        );
    }
}

#[test]
fn hostile_patterns_finish_on_long_inputs() {
    let a = "a".repeat(50_000);
    let x = "x".repeat(50_000);
    let cases = [
        ("(a+)+$", format!("{a}b")),
        ("(a|a)*b", a.clone()),
        ("(x+x+)+y", x.clone()),
        ("^(a|aa)*$", format!("{a}!")),
        ("^(\\w+\\s?)*$", format!("{a}!")),
        ("(.*a){20}", x),
    ];

    for (pattern, haystack) in cases {
        let regex = JsRegex::new(pattern).unwrap();
        assert!(!regex.is_match(&haystack), "{pattern:?}");
    }
}

#[test]
fn hostile_pattern_finishes_on_long_astral_input() {
    let regex = JsRegex::new("(.+.+)+y").unwrap();
    let haystack = "\u{1F600}".repeat(50_000);

    assert!(!regex.is_match(&haystack));
}

#[test]
fn pattern_at_length_limit_compiles() {
    let pattern = "a".repeat(MAX_PATTERN_CHARS);

    assert!(JsRegex::new(&pattern).is_ok());
}

#[test]
fn pattern_past_length_limit_is_too_large() {
    let pattern = "a".repeat(MAX_PATTERN_CHARS + 1);

    let error = JsRegex::new(&pattern).unwrap_err();
    assert_eq!(error.code(), "REGEX_TOO_LARGE");
}
