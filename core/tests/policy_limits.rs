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

#[test]
fn regex_size_limit_holds() {
    use openleash_core::regex::{JsRegex, MAX_PATTERN_SIZE};
    // `a{n}` is n states plus one for the repetition.
    let at_limit = format!("a{{{}}}", MAX_PATTERN_SIZE - 1);
    assert_eq!(JsRegex::new(&at_limit).unwrap().size(), MAX_PATTERN_SIZE);
    let past = format!("a{{{}}}", MAX_PATTERN_SIZE);
    assert_eq!(JsRegex::new(&past).unwrap_err().code(), "REGEX_TOO_LARGE");
    assert_eq!(
        JsRegex::new("(?:a{1,100}){1,100}x").unwrap_err().code(),
        "REGEX_TOO_LARGE"
    );
}

fn regex_rules(patterns: &[String]) -> String {
    let mut text = String::from("version: 1\ndefault: deny\nrules:\n");
    for (index, pattern) in patterns.iter().enumerate() {
        text.push_str(&format!(
            "  - {{id: r{index}, effect: allow, action: a, when: {{match: {{path: \"$.payload.s\", op: regex, value: '{pattern}'}}}}}}\n"
        ));
    }
    text
}

#[test]
fn policy_regex_budget_holds() {
    use openleash_core::policy::MAX_POLICY_REGEX_SIZE;
    use openleash_core::regex::JsRegex;
    // Distinct patterns of 9,001 states each: 22 fit, the 23rd does not.
    let pattern = |index: usize| {
        format!(
            "{}a{{9000}}",
            char::from(b'b' + u8::try_from(index).unwrap())
        )
    };
    let size = JsRegex::new(&pattern(0)).unwrap().size();
    let fitting = usize::try_from(MAX_POLICY_REGEX_SIZE / size).unwrap();
    let patterns: Vec<String> = (0..fitting).map(pattern).collect();
    assert!(Policy::from_yaml(&regex_rules(&patterns)).is_ok());
    let patterns: Vec<String> = (0..=fitting).map(pattern).collect();
    assert_eq!(first_code(&regex_rules(&patterns)), "REGEX_TOO_LARGE");
}

#[test]
fn repeated_patterns_are_counted_once() {
    // Forty rules with the same large pattern, and alias copies of it.
    let patterns: Vec<String> = (0..40).map(|_| "a{9000}".to_owned()).collect();
    assert!(Policy::from_yaml(&regex_rules(&patterns)).is_ok());
    let mut text = String::from(
        "version: 1\ndefault: deny\nrules:\n  - id: r0\n    effect: allow\n    action: a\n    when: &w0 {match: {path: \"$.payload.s\", op: regex, value: 'a{9000}'}}\n",
    );
    for level in 1..=12 {
        let previous = level - 1;
        text.push_str(&format!(
            "  - id: r{level}\n    effect: allow\n    action: a\n    when: &w{level} {{any: [*w{previous}, *w{previous}]}}\n"
        ));
    }
    assert!(Policy::from_yaml(&text).is_ok());
}

#[test]
fn regex_work_budget_denies_instead_of_running_long() {
    use openleash_core::eval::MAX_REGEX_WORK;
    use openleash_core::{DecisionResult, EvaluationOptions, SequentialIds, Timestamp};
    let policy = Policy::from_yaml(&regex_rules(&["b{9000}".to_owned()])).unwrap();
    let action = |length: usize| {
        format!(
            r#"{{"action_id": "3b241101-e2bb-4255-8caf-4136c566a962", "action_type": "a",
              "requested_at": "x", "principal": {{"agent_id": "a"}},
              "subject": {{"principal_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"}},
              "payload": {{"s": "{}"}}}}"#,
            "a".repeat(length)
        )
    };
    let options = EvaluationOptions::at(Timestamp::UNIX_EPOCH);
    // Work is the pattern size (9,001) times the input length plus one.
    let fits = usize::try_from(MAX_REGEX_WORK / 9001).unwrap() - 1;
    let decision = policy.decide_json(&action(fits), &options, &mut SequentialIds::default());
    assert!(decision.error.is_none());
    assert_eq!(decision.reason, "No rule matched; default policy: deny");
    let decision = policy.decide_json(&action(fits + 1), &options, &mut SequentialIds::default());
    assert_eq!(decision.result, DecisionResult::Deny);
    assert_eq!(decision.error.unwrap().code, "EVALUATION_BUDGET_EXCEEDED");
}
