//! Action requests: validation issues, normalization and shape limits.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use openleash_core::Action;
use openleash_core::json::{MAX_JSON_DEPTH, Map, Value, parse};

const VALID: &str = r#"{"action_id": "3b241101-e2bb-4255-8caf-4136c566a962", "action_type": "purchase",
  "requested_at": "2025-03-01T12:00:00.000Z", "principal": {"agent_id": "a", "display": "x"},
  "subject": {"principal_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"},
  "relying_party": {"domain": "shop.example", "logo": "y"}, "payload": {"nested": {"keep": 1}},
  "debug": true}"#;

fn valid_value() -> Value {
    parse(VALID).unwrap()
}

fn with_payload(payload: Value) -> Value {
    let Value::Object(mut map) = valid_value() else {
        panic!("the sample is an object");
    };
    map.insert("payload".to_owned(), payload);
    Value::Object(map)
}

fn nested(depth: usize) -> Value {
    let mut value = Value::Null;
    for _ in 0..depth {
        value = Value::Array(vec![value]);
    }
    value
}

#[test]
fn unknown_keys_are_dropped_outside_the_payload() {
    let action = Action::from_value(valid_value()).unwrap();
    let text = action.canonical_json();
    assert!(!text.contains("debug"));
    assert!(!text.contains("display"));
    assert!(!text.contains("logo"));
    assert!(text.contains("\"keep\":1"));
    assert_eq!(action.relying_party_domain(), Some("shop.example"));
}

#[test]
fn every_issue_is_reported_with_its_path() {
    let text = r#"{"action_id": "nope", "action_type": "", "principal": {"agent_id": 5},
        "subject": [], "relying_party": {"trust_profile": "high"}, "payload": null}"#;
    let error = Action::from_json(text).unwrap_err();
    let found: Vec<(&str, &str)> = error
        .issues()
        .iter()
        .map(|i| (i.path(), i.code()))
        .collect();
    assert_eq!(
        found,
        [
            ("action_id", "ACTION_INVALID_UUID"),
            ("action_type", "ACTION_EMPTY_STRING"),
            ("requested_at", "ACTION_MISSING_FIELD"),
            ("principal.agent_id", "ACTION_INVALID_TYPE"),
            ("subject", "ACTION_INVALID_TYPE"),
            ("relying_party.trust_profile", "ACTION_INVALID_VALUE"),
            ("payload", "ACTION_INVALID_TYPE"),
        ]
    );
}

#[test]
fn depth_limit_holds_at_and_past_the_bound() {
    // The action object and its payload take two levels.
    let at_limit = with_payload(Value::Object(
        [("x".to_owned(), nested(MAX_JSON_DEPTH - 2))]
            .into_iter()
            .collect::<Map>(),
    ));
    assert!(Action::from_value(at_limit).is_ok());
    let past = with_payload(Value::Object(
        [("x".to_owned(), nested(MAX_JSON_DEPTH - 1))]
            .into_iter()
            .collect::<Map>(),
    ));
    assert_eq!(
        Action::from_value(past).unwrap_err().code(),
        "ACTION_TOO_DEEP"
    );
    let hostile = with_payload(nested(10_000));
    assert_eq!(
        Action::from_value(hostile).unwrap_err().code(),
        "ACTION_TOO_DEEP"
    );
}

#[test]
fn non_finite_numbers_are_rejected() {
    for number in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let value = with_payload(Value::Object(
            [("amount_minor".to_owned(), Value::Number(number))]
                .into_iter()
                .collect::<Map>(),
        ));
        assert_eq!(
            Action::from_value(value).unwrap_err().code(),
            "ACTION_INVALID_NUMBER"
        );
    }
}

#[test]
fn payload_with_many_keys_is_read_by_index() {
    let mut payload = Map::new();
    for index in 0..50_000 {
        payload.insert(format!("k{index}"), Value::Number(f64::from(index)));
    }
    let action = Action::from_value(with_payload(Value::Object(payload))).unwrap();
    assert_eq!(
        action.payload().get("k49999"),
        Some(&Value::Number(49_999.0))
    );
    assert_eq!(action.payload().len(), 50_000);
}
