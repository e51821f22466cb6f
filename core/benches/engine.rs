//! Engine benchmarks: parse and compile, evaluate, action hash.
//!
//! Each group also measures a floor in the same run: SHA-256 over the
//! action's canonical JSON bytes, the least work any engine that hashes the
//! action must do per decision. Run with `cargo bench -p openleash-core`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use openleash_core::json::{action_hash, canonical_json, parse, sha256_hex};
use openleash_core::{Action, EvaluationOptions, IdSource, Policy, Timestamp};

const ACTION: &str = r#"{
  "action_id": "3b241101-e2bb-4255-8caf-4136c566a962",
  "action_type": "purchase",
  "requested_at": "2025-03-01T12:00:00.000Z",
  "principal": {"agent_id": "shopper-agent"},
  "subject": {"principal_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"},
  "relying_party": {"domain": "shop.example", "trust_profile": "MEDIUM"},
  "payload": {"amount_minor": 1999, "currency": "EUR", "merchant_domain": "shop.example",
              "items": [{"sku": "A-1", "qty": 2}], "assurance_level": "SUBSTANTIAL"}
}"#;

/// A policy of `count` rules over many action types; only the last rule is
/// for `purchase` and matches the benchmark action.
fn policy_text(count: usize) -> String {
    let mut text = String::from("version: 1\ndefault: deny\nrules:\n");
    for index in 0..count - 1 {
        text.push_str(&format!(
            "  - id: rule_{index}\n    effect: allow\n    action: \"service{}.*\"\n    when:\n      all:\n        - match: {{path: \"$.payload.amount_minor\", op: lte, value: {}}}\n        - match: {{path: \"$.payload.currency\", op: in, value: [EUR, USD]}}\n    constraints: {{amount_max: 100000}}\n",
            index % 40,
            1000 + index
        ));
    }
    text.push_str(
        "  - id: purchases\n    effect: allow\n    action: purchase\n    when:\n      all:\n        - match: {path: \"$.payload.currency\", op: in, value: [EUR, USD]}\n        - not: {match: {path: \"$.payload.merchant_domain\", op: regex, value: \"\\\\.invalid$\"}}\n        - match: {path: \"$.payload.items[0].qty\", op: gte, value: 1}\n    constraints: {amount_max: 5000, currency: [EUR], merchant_domain: [shop.example]}\n    requirements: {min_assurance_level: SUBSTANTIAL}\n",
    );
    text
}

/// A fixed id source: the benchmark measures the engine, not randomness.
fn fixed_ids(bytes: &mut [u8; 16]) {
    *bytes = [7; 16];
}

fn floor(c: &mut Criterion, group_name: &str) {
    let value = parse(ACTION).unwrap();
    let action = Action::from_value(value).unwrap();
    let bytes = action.canonical_json().into_bytes();
    c.bench_function(
        &format!("{group_name}/floor_sha256_of_canonical_bytes"),
        |b| b.iter(|| sha256_hex(black_box(&bytes))),
    );
}

fn parse_and_compile(c: &mut Criterion) {
    for count in [5, 200] {
        let text = policy_text(count);
        c.bench_function(&format!("parse_compile/{count}_rules"), |b| {
            b.iter(|| Policy::from_yaml(black_box(&text)).unwrap())
        });
    }
    // The parts of loading, for locating its cost.
    let text = policy_text(5);
    let limits = openleash_core::yaml::YamlLimits::default();
    c.bench_function("parse_compile/part_yaml_5_rules", |b| {
        b.iter(|| openleash_core::yaml::parse(black_box(&text), &limits).unwrap())
    });
    c.bench_function("parse_compile/part_one_regex", |b| {
        b.iter(|| openleash_core::regex::JsRegex::new(black_box("\\.invalid$")).unwrap())
    });
    floor(c, "parse_compile");
}

fn evaluate(c: &mut Criterion) {
    let options = EvaluationOptions::at(Timestamp::UNIX_EPOCH);
    for count in [5, 200] {
        let policy = Policy::from_yaml(&policy_text(count)).unwrap();
        let mut ids = fixed_ids;
        let check = policy.evaluate(&Action::from_json(ACTION).unwrap(), &options, &mut ids);
        assert_eq!(check.matched_rule_id.as_deref(), Some("purchases"));
        let value = parse(ACTION).unwrap();
        // OpenLeash hashes the action inside evaluation, so the measured
        // call includes validation, normalization and the action hash, and
        // freeing the action. Each input is cloned just before its own
        // call (`PerIteration`), as an agent builds one action at a time:
        // with batched inputs, thousands of cloned trees are freed in a
        // row and the allocator's consolidation of that fragmented heap,
        // which single decisions never see, doubled the cost of freeing.
        c.bench_function(
            &format!("evaluate/{count}_rules_including_action_hash"),
            |b| {
                b.iter_batched(
                    || value.clone(),
                    |value| {
                        let action = Action::from_value(black_box(value)).unwrap();
                        policy.evaluate(&action, &options, &mut ids as &mut dyn IdSource)
                    },
                    BatchSize::PerIteration,
                )
            },
        );
        // The same work with the action and the decision freed after the
        // timing, as a garbage-collected runtime such as the reference's
        // frees them outside its measured loop.
        c.bench_function(
            &format!("evaluate/{count}_rules_freeing_after_timing"),
            |b| {
                b.iter_batched(
                    || value.clone(),
                    |value| {
                        let action = Action::from_value(black_box(value)).unwrap();
                        let decision =
                            policy.evaluate(&action, &options, &mut ids as &mut dyn IdSource);
                        (action, decision)
                    },
                    BatchSize::SmallInput,
                )
            },
        );
    }
    // The parts of one decision, for locating its cost.
    let policy = Policy::from_yaml(&policy_text(5)).unwrap();
    let value = parse(ACTION).unwrap();
    c.bench_function("evaluate/part_validate_and_hash_action", |b| {
        b.iter_batched(
            || value.clone(),
            |value| Action::from_value(black_box(value)).unwrap(),
            BatchSize::SmallInput,
        )
    });
    let action = Action::from_value(value).unwrap();
    let mut ids = fixed_ids;
    c.bench_function("evaluate/part_rules_and_decision", |b| {
        b.iter(|| policy.evaluate(black_box(&action), &options, &mut ids as &mut dyn IdSource))
    });
    floor(c, "evaluate");
}

fn json(c: &mut Criterion) {
    c.bench_function("json/parse_typical_action", |b| {
        b.iter(|| parse(black_box(ACTION)).unwrap())
    });
    // A decision from action JSON as a person writes it, with whitespace
    // and keys in any order.
    let options = EvaluationOptions::at(Timestamp::UNIX_EPOCH);
    let policy = Policy::from_yaml(&policy_text(5)).unwrap();
    let mut ids = fixed_ids;
    c.bench_function("json/decide_json_5_rules", |b| {
        b.iter(|| policy.decide_json(black_box(ACTION), &options, &mut ids as &mut dyn IdSource))
    });
    // The core's part of a decision in the JavaScript and WebAssembly
    // packages, which write actions as canonical JSON: the text is hashed
    // as it is.
    let canonical = canonical_json(&parse(ACTION).unwrap());
    c.bench_function("json/decide_canonical_json_5_rules", |b| {
        b.iter(|| {
            policy.decide_json(
                black_box(&canonical),
                &options,
                &mut ids as &mut dyn IdSource,
            )
        })
    });
}

fn hash(c: &mut Criterion) {
    let value = parse(ACTION).unwrap();
    c.bench_function("action_hash/typical_action", |b| {
        b.iter(|| action_hash(black_box(&value)))
    });
    c.bench_function("action_hash/canonical_json_only", |b| {
        b.iter(|| canonical_json(black_box(&value)))
    });
    floor(c, "action_hash");
}

criterion_group!(benches, parse_and_compile, evaluate, json, hash);
criterion_main!(benches);
