//! Decisions from canonical action JSON, which the engine reads where it
//! lies instead of parsing it into a tree, must equal decisions from the
//! parsed action.
//!
//! `Policy::decide_json` takes that path for canonical text of a valid
//! action with no unknown keys and no container of more than 32 entries.
//! `Policy::decide` always parses. The actions here are random mixes of valid and invalid fields,
//! and the policy reads every kind of field the rules can read.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use openleash_core::json::{Map, Value, canonical_json};
use openleash_core::{Action, EvaluationOptions, Policy, SequentialIds, Timestamp};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

const POLICY: &str = r#"
version: 1
default: require_approval
rules:
  - id: tests
    effect: allow
    action: "purchase.*"
    when:
      any:
        - all:
            - match: {path: "$.payload.currency", op: in, value: [EUR, USD, null]}
            - not: {match: {path: "$.payload.merchant_domain", op: regex, value: "^bad"}}
            - match: {path: "$.payload.items[0].qty", op: gte, value: 1}
        - match: {path: "$.payload.items.length", op: gt, value: 1}
        - match: {path: "$.payload.flag", op: eq, value: true}
        - match: {path: "$.payload.code", op: nin, value: [0, "x", false]}
        - match: {path: "$.payload.note", op: exists}
        - match: {path: "$.relying_party.trust_profile", op: neq, value: LOW}
        - match: {path: "$.principal.agent_id", op: eq, value: agent-1}
        - match: {path: "$.payload.items[1].sku", op: regex, value: "^A"}
        - match: {path: "$.payload.amount_minor", op: lt, value: 10}
        - match: {path: "$.payload.amount_minor", op: lte, value: 0}
    constraints: {amount_min: 1, amount_max: 5000, currency: [EUR], merchant_domain: [shop.example]}
    requirements: {min_assurance_level: SUBSTANTIAL}
    obligations:
      - type: COUNTERPARTY_ATTESTATION
        params: {level: 2}
  - id: domains
    effect: allow
    action: "pay"
    constraints: {allowed_domains: [shop.example, pay.example], blocked_domains: [evil.example]}
    proof:
      required: true
      ttl_seconds: 60
  - id: deny_missing
    effect: deny
    action: "*"
    when:
      not: {match: {path: "$.payload.amount_minor", op: exists}}
  - id: nested
    effect: allow
    action: "pay.*"
    when:
      all:
        - match: {path: "$.payload", op: exists}
        - match: {path: "$.subject.principal_id", op: eq, value: 9c5b94b1-35ad-49bb-b118-8e8fc24abf80}
        - match: {path: "$.payload.items.length.x", op: exists}
        - not: {match: {path: "$.payload.items[5]", op: exists}}
"#;

const UUID: &str = "3b241101-e2bb-4255-8caf-4136c566a962";
const OTHER_UUID: &str = "9c5b94b1-35ad-49bb-b118-8e8fc24abf80";

fn text(options: &[&str]) -> impl Strategy<Value = Value> {
    prop::sample::select(
        options
            .iter()
            .map(|item| (*item).to_owned())
            .collect::<Vec<_>>(),
    )
    .prop_map(Value::String)
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop::sample::select(vec![0.0, 1.0, 2.0, 9.0, 1999.0, 5000.0, 5001.0, -1.0, 0.5])
            .prop_map(Value::Number),
        text(&[
            "",
            "x",
            "EUR",
            "USD",
            "A-1",
            "B-2",
            "shop.example",
            "bad.example",
            "evil.example",
            "pay.example",
            "SUBSTANTIAL",
            "HIGH",
            "LOW",
            "é",
            "a\"b",
            "tab\t",
        ]),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,3}", inner), 0..4)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map>())),
        ]
    })
}

/// Usually the field, sometimes missing or another value.
fn field(value: impl Strategy<Value = Value> + 'static) -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        30 => value.prop_map(Some),
        1 => Just(None),
        1 => scalar().prop_map(Some),
    ]
    .boxed()
}

fn object(entries: Vec<(&'static str, Option<Value>)>, extra: Option<(String, Value)>) -> Value {
    let mut map = Map::new();
    for (key, value) in entries {
        if let Some(value) = value {
            map.insert(key.to_owned(), value);
        }
    }
    if let Some((key, value)) = extra {
        map.insert(key, value);
    }
    Value::Object(map)
}

/// Now and then an unknown key, which normalizing drops.
fn extra() -> impl Strategy<Value = Option<(String, Value)>> {
    prop_oneof![
        30 => Just(None),
        1 => ("[a-z]{1,2}", scalar()).prop_map(Some),
    ]
    .boxed()
}

fn item() -> impl Strategy<Value = Value> {
    (field(text(&["A-1", "B-2", "x"])), field(scalar()), extra())
        .prop_map(|(sku, qty, extra)| object(vec![("sku", sku), ("qty", qty)], extra))
}

fn payload() -> impl Strategy<Value = Value> {
    (
        (
            field(scalar()),
            field(text(&["EUR", "USD", "GBP"])),
            field(text(&["shop.example", "bad.example", "evil.example"])),
            field(text(&["shop.example", "pay.example", "evil.example"])),
            field(text(&["LOW", "SUBSTANTIAL", "HIGH", "high"])),
        ),
        (
            field(prop::collection::vec(item(), 0..3).prop_map(Value::Array)),
            field(any::<bool>().prop_map(Value::Bool)),
            field(scalar()),
            field(any_value()),
            prop::option::of(any_value()),
        ),
    )
        .prop_map(
            |(
                (amount, currency, merchant, domain, assurance),
                (items, flag, code, note, other),
            )| {
                object(
                    vec![
                        ("amount_minor", amount),
                        ("currency", currency),
                        ("merchant_domain", merchant),
                        ("domain", domain),
                        ("assurance_level", assurance),
                        ("items", items),
                        ("flag", flag),
                        ("code", code),
                        ("note", note),
                    ],
                    other.map(|other| ("other".to_owned(), other)),
                )
            },
        )
        .boxed()
}

fn action() -> impl Strategy<Value = Value> {
    let uuid = || {
        prop_oneof![
            20 => text(&[UUID, OTHER_UUID]),
            1 => text(&["not-a-uuid", ""]),
        ]
    };
    (
        (
            field(uuid()),
            field(text(&["purchase", "purchase.book", "pay", "pay.card"])),
            field(text(&["2025-03-01T12:00:00.000Z", ""])),
            field(
                (field(text(&["agent-1", "agent-2"])), extra())
                    .prop_map(|(agent, extra)| object(vec![("agent_id", agent)], extra)),
            ),
            field(
                (field(uuid()), extra())
                    .prop_map(|(id, extra)| object(vec![("principal_id", id)], extra)),
            ),
        ),
        (
            field(
                (
                    field(uuid()),
                    field(text(&["shop.example", "evil.example", "pay.example"])),
                    field(text(&["LOW", "MEDIUM", "HIGH", "REGULATED", "low"])),
                    extra(),
                )
                    .prop_map(|(rp_id, domain, trust, extra)| {
                        object(
                            vec![
                                ("rp_id", rp_id),
                                ("domain", domain),
                                ("trust_profile", trust),
                            ],
                            extra,
                        )
                    }),
            ),
            field(payload()),
            extra(),
        ),
    )
        .prop_map(
            |(
                (action_id, action_type, requested_at, principal, subject),
                (party, payload, extra),
            )| {
                object(
                    vec![
                        ("action_id", action_id),
                        ("action_type", action_type),
                        ("requested_at", requested_at),
                        ("principal", principal),
                        ("subject", subject),
                        ("relying_party", party),
                        ("payload", payload),
                    ],
                    extra,
                )
            },
        )
        .boxed()
}

fn options() -> EvaluationOptions {
    EvaluationOptions {
        now: Timestamp::parse_rfc3339("2025-03-01T12:00:00Z").unwrap(),
        default_proof_ttl_seconds: Some(300.0),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn canonical_text_decides_as_the_parsed_action(value in action()) {
        let policy = Policy::from_yaml(POLICY).unwrap();
        let text = canonical_json(&value);
        let parsed = policy.decide(value.clone(), &options(), &mut SequentialIds::default());
        let from_text = policy.decide_json(&text, &options(), &mut SequentialIds::default());
        prop_assert_eq!(&from_text, &parsed, "{}", text);
        let from_bytes =
            policy.decide_json_bytes(text.as_bytes(), &options(), &mut SequentialIds::default());
        prop_assert_eq!(&from_bytes, &parsed, "{}", text);
    }
}

/// The generator must reach the case that matters: valid actions in
/// canonical form with no key to drop, which take the text path.
#[test]
fn generator_reaches_valid_canonical_actions() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = action();
    let (mut read_as_text, mut matched) = (0, 0);
    let policy = Policy::from_yaml(POLICY).unwrap();
    for _ in 0..2000 {
        let value = strategy.new_tree(&mut runner).unwrap().current();
        let text = canonical_json(&value);
        let Ok(action) = Action::from_value(value) else {
            continue;
        };
        if action.canonical_json() == text {
            read_as_text += 1;
            let decision = policy.decide_json(&text, &options(), &mut SequentialIds::default());
            matched += usize::from(decision.matched_rule_id.is_some());
        }
    }
    assert!(read_as_text >= 400, "only {read_as_text} of 2000 actions");
    assert!(matched >= 150, "only {matched} matched a rule");
}

/// Objects and arrays of more than 32 entries go to the full parser, so
/// that a path lookup never walks a long run of entries. The decision is
/// the same either way.
#[test]
fn large_payload_decides_as_the_parsed_action() {
    let policy = Policy::from_yaml(POLICY).unwrap();
    let mut payload = Map::new();
    for index in 0..1000 {
        payload.insert(format!("k{index:04}"), Value::Number(f64::from(index)));
    }
    let items = (0..1000)
        .map(|_| Value::Object(Map::from_iter([("qty".to_owned(), Value::Number(2.0))])))
        .collect();
    payload.insert("items".to_owned(), Value::Array(items));

    payload.insert("amount_minor".to_owned(), Value::Number(100.0));
    payload.insert("currency".to_owned(), Value::String("EUR".to_owned()));
    let merchant = Value::String("shop.example".to_owned());
    payload.insert("merchant_domain".to_owned(), merchant);

    let mut action = Map::new();
    for (key, value) in [
        ("action_id", Value::String(UUID.to_owned())),
        ("action_type", Value::String("purchase".to_owned())),
        (
            "requested_at",
            Value::String("2025-03-01T12:00:00.000Z".to_owned()),
        ),
        ("payload", Value::Object(payload)),
    ] {
        action.insert(key.to_owned(), value);
    }
    for (key, field, id) in [
        ("principal", "agent_id", "agent-1"),
        ("subject", "principal_id", OTHER_UUID),
    ] {
        let inner = Map::from_iter([(field.to_owned(), Value::String(id.to_owned()))]);
        action.insert(key.to_owned(), Value::Object(inner));
    }

    let value = Value::Object(action);
    let text = canonical_json(&value);
    let parsed = policy.decide(value, &options(), &mut SequentialIds::default());
    let from_text = policy.decide_json(&text, &options(), &mut SequentialIds::default());
    assert_eq!(from_text, parsed);
    assert_eq!(parsed.matched_rule_id.as_deref(), Some("tests"));
}
