//! Property tests: hostile or random input never panics, evaluation never
//! allows what it could not evaluate, and canonical JSON is stable.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use openleash_core::json::{Map, Value, canonical_json, format_number, parse};
use openleash_core::{Action, DecisionResult, EvaluationOptions, Policy, SequentialIds, Timestamp};
use proptest::prelude::*;

const POLICY: &str = r#"
version: 1
default: allow
rules:
  - id: small
    effect: allow
    action: "purchase.*"
    when:
      all:
        - match: {path: "$.payload.currency", op: in, value: [EUR, USD]}
        - not: {match: {path: "$.payload.merchant", op: regex, value: "^bad"}}
    constraints: {amount_max: 5000}
  - id: block
    effect: deny
    action: "*"
    constraints: {blocked_domains: [evil.example]}
"#;

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-1e15f64..1e15).prop_map(Value::Number),
        "[a-z.]{0,8}".prop_map(Value::String),
        Just(Value::String(
            "3b241101-e2bb-4255-8caf-4136c566a962".to_owned()
        )),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("action_id".to_owned()),
                        Just("action_type".to_owned()),
                        Just("requested_at".to_owned()),
                        Just("principal".to_owned()),
                        Just("agent_id".to_owned()),
                        Just("subject".to_owned()),
                        Just("principal_id".to_owned()),
                        Just("payload".to_owned()),
                        Just("relying_party".to_owned()),
                        Just("domain".to_owned()),
                        "[a-z]{1,6}",
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decide_never_allows_invalid_actions(value in json_value()) {
        let policy = Policy::from_yaml(POLICY).unwrap();
        let options = EvaluationOptions::at(Timestamp::UNIX_EPOCH);
        let valid = Action::from_value(value.clone()).is_ok();
        let decision = policy.decide(value, &options, &mut SequentialIds::default());
        if !valid {
            prop_assert_eq!(decision.result, DecisionResult::Deny);
            prop_assert!(decision.error.is_some());
        } else {
            prop_assert!(decision.error.is_none());
        }
    }

    #[test]
    fn policy_loading_never_panics(text in "[a-z:{}\\[\\], \\n\"'&*!|>$.-]{0,200}") {
        let _ = Policy::from_yaml(&text);
    }

    #[test]
    fn json_parsing_never_panics(text in "[\\[\\]{}\":,0-9eE.+\\-tfnrul \\\\]{0,100}") {
        let _ = parse(&text);
    }

    #[test]
    fn canonical_json_round_trips(value in json_value()) {
        let text = canonical_json(&value);
        let reparsed = parse(&text).unwrap();
        prop_assert_eq!(canonical_json(&reparsed), text);
    }

    #[test]
    fn number_formatting_round_trips(number in any::<f64>().prop_filter("finite", |n| n.is_finite())) {
        let text = format_number(number);
        let reparsed: f64 = text.parse().unwrap();
        prop_assert_eq!(reparsed, if number == 0.0 { 0.0 } else { number });
    }
}
