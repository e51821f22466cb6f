//! Limits on hostile policies: each bound holds at the limit and past it,
//! and pathological documents are rejected with a clear error.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use openleash_core::Policy;
use openleash_core::policy::{MAX_LIST_ITEMS, MAX_RULES};
use openleash_core::yaml::{DEFAULT_MAX_DEPTH as MAX_DEPTH, YamlLimits};

fn first_code(text: &str) -> &'static str {
    Policy::from_yaml(text).unwrap_err().code()
}

fn rules(count: usize) -> String {
    let mut text = String::from("version: 1\ndefault: deny\nrules:\n");
    for index in 0..count {
        text.push_str(&format!(
            "  - {{id: r{index}, effect: allow, action: a{index}}}\n"
        ));
    }
    text
}

#[test]
fn deep_not_chain_is_rejected() {
    let mut text = String::from(
        "version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: a\n    when: ",
    );
    for _ in 0..10_000 {
        text.push_str("{not: ");
    }
    text.push_str("{match: {path: \"$.x\", op: exists}}");
    text.push_str(&"}".repeat(10_000));
    assert_eq!(first_code(&text), "YAML_TOO_DEEP");
}

#[test]
fn nesting_within_the_depth_limit_loads() {
    // The document, the rule list and the rule take three levels; each `not`
    // adds one mapping, and the innermost match two more.
    let nots = MAX_DEPTH - 5;
    let mut text = String::from(
        "version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: a\n    when: ",
    );
    text.push_str(&"{not: ".repeat(nots));
    text.push_str("{match: {path: \"$.x\", op: exists}}");
    text.push_str(&"}".repeat(nots));
    assert!(Policy::from_yaml(&text).is_ok());
    let deeper = text
        .replacen("{not: ", "{not: {not: ", 1)
        .replacen('}', "}}", 1);
    assert_eq!(first_code(&deeper), "YAML_TOO_DEEP");
}

#[test]
fn alias_bomb_is_rejected() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let previous = level - 1;
        text.push_str(&format!(
            "a{level}: &a{level} [*a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}]\n"
        ));
    }
    text.push_str("version: 1\ndefault: deny\nrules: []\n");
    assert_eq!(first_code(&text), "YAML_TOO_MANY_NODES");
}

#[test]
fn rule_count_limit_holds() {
    let limits = YamlLimits {
        max_bytes: 64 * 1024 * 1024,
        max_nodes: 10_000_000,
        ..YamlLimits::default()
    };
    assert!(Policy::from_yaml_with_limits(&rules(MAX_RULES), &limits).is_ok());
    let error = Policy::from_yaml_with_limits(&rules(MAX_RULES + 1), &limits).unwrap_err();
    assert_eq!(error.code(), "POLICY_TOO_LARGE");
}

#[test]
fn list_item_limit_holds() {
    let list = |count: usize| {
        let items: Vec<String> = (0..count).map(|index| format!("v{index}")).collect();
        format!(
            "version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: a\n    when: {{match: {{path: \"$.x\", op: in, value: [{}]}}}}\n",
            items.join(", ")
        )
    };
    assert!(Policy::from_yaml(&list(MAX_LIST_ITEMS)).is_ok());
    assert_eq!(first_code(&list(MAX_LIST_ITEMS + 1)), "POLICY_TOO_LARGE");
}

#[test]
fn document_size_limit_holds() {
    let limits = YamlLimits {
        max_bytes: 100,
        ..YamlLimits::default()
    };
    let small = "version: 1\ndefault: deny\nrules: []\n";
    assert!(Policy::from_yaml_with_limits(small, &limits).is_ok());
    let padded = format!("{small}#{}\n", "x".repeat(100));
    let error = Policy::from_yaml_with_limits(&padded, &limits).unwrap_err();
    assert_eq!(error.code(), "YAML_TOO_LARGE");
}
