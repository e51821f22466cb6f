//! Policy loading, diagnostics, layering, bindings and fail-closed
//! decisions through the public API.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use openleash_core::json::parse;
use std::collections::HashMap;

use openleash_core::policy::{
    Binding, MAX_BINDINGS, MAX_GROUP_IDS, binding_positions, bindings_from_value, check_group_ids,
    order_bindings, stack_for_agent, strings_from_value,
};
use openleash_core::{
    Action, DecisionResult, EvaluationOptions, Policy, PolicyStack, SequentialIds, Timestamp,
};

const ACTION: &str = r#"{"action_id": "3b241101-e2bb-4255-8caf-4136c566a962", "action_type": "purchase",
  "requested_at": "2025-03-01T12:00:00.000Z", "principal": {"agent_id": "a"},
  "subject": {"principal_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"}, "payload": {"amount_minor": 10}}"#;

fn options() -> EvaluationOptions {
    EvaluationOptions::at(Timestamp::UNIX_EPOCH)
}

#[test]
fn diagnostics_carry_path_line_and_column() {
    let text = "version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: purchase\n    when: {match: {path: \"$.payload.x\", op: contains, value: 1}}\n";
    let error = Policy::from_yaml(text).unwrap_err();
    let diagnostic = &error.diagnostics()[0];
    assert_eq!(diagnostic.code(), "POLICY_INVALID_VALUE");
    assert_eq!(diagnostic.path(), "rules[0].when.match.op");
    assert_eq!((diagnostic.line(), diagnostic.column()), (7, 45));
    assert!(diagnostic.message().contains("\"contains\""));
}

#[test]
fn every_problem_in_a_document_is_reported() {
    let text =
        "version: 2\ndefault: maybe\nrules:\n  - {id: r, effect: permit, action: a, extra: 1}\n";
    let error = Policy::from_yaml(text).unwrap_err();
    let codes: Vec<&str> = error.diagnostics().iter().map(|d| d.code()).collect();
    assert_eq!(
        codes,
        [
            "POLICY_UNSUPPORTED_VERSION",
            "POLICY_INVALID_VALUE",
            "POLICY_INVALID_VALUE",
            "POLICY_UNKNOWN_KEY"
        ]
    );
}

#[test]
fn params_with_a_non_string_key_are_reported_once() {
    let text = "version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: a\n    obligations: [{type: DEPOSIT, params: {1: x}}]\n";
    let error = Policy::from_yaml(text).unwrap_err();
    let codes: Vec<&str> = error.diagnostics().iter().map(|d| d.code()).collect();
    assert_eq!(codes, ["POLICY_INVALID_KEY"]);
}

#[test]
fn non_finite_numbers_are_named_as_yaml_writes_them() {
    let text = "version: 1\ndefault: deny\nrules:\n  - {id: r, effect: allow, action: a, constraints: {amount_max: .inf}}\n";
    let error = Policy::from_yaml(text).unwrap_err();
    assert_eq!(error.code(), "POLICY_INVALID_NUMBER");
    assert!(error.diagnostics()[0].message().contains(".inf"));
}

#[test]
fn duplicate_rule_ids_load_with_a_warning() {
    let text = "version: 1\ndefault: deny\nrules:\n  - {id: r, effect: allow, action: a}\n  - {id: r, effect: deny, action: b}\n";
    let policy = Policy::from_yaml(text).unwrap();
    assert_eq!(policy.warnings().len(), 1);
    assert_eq!(policy.warnings()[0].code(), "POLICY_DUPLICATE_RULE_ID");
    assert_eq!(policy.warnings()[0].path(), "rules[1]");
}

#[test]
fn binding_for_another_agent_never_applies_through_a_group() {
    let record = |policy: &str, agent: &str, group: &str| {
        let text = format!(
            r#"{{"policy_id": "{policy}", "applies_to_agent_principal_id": {agent}, "applies_to_group_id": {group}}}"#
        );
        Binding::from_value(&parse(&text).unwrap()).unwrap()
    };
    let bindings = [
        record("other-agent-in-group", "\"agent-b\"", "\"g\""),
        record("group", "null", "\"g\""),
        record("owner", "null", "null"),
    ];
    let ordered: Vec<&str> = order_bindings(&bindings, "agent-a", &["g"])
        .iter()
        .map(|binding| binding.policy_id.as_str())
        .collect();
    assert_eq!(ordered, ["group", "owner"]);
}

#[test]
fn binding_positions_follow_tier_and_rank() {
    let records = parse(
        r#"[{"policy_id": "owner", "applies_to_agent_principal_id": null},
            {"policy_id": "late", "applies_to_agent_principal_id": "agent-a", "rank": 300},
            {"policy_id": "other", "applies_to_agent_principal_id": "agent-b"},
            {"policy_id": "early", "applies_to_agent_principal_id": "agent-a", "rank": 5}]"#,
    )
    .unwrap();
    let bindings = bindings_from_value(&records).unwrap();
    assert_eq!(binding_positions(&bindings, "agent-a", &[]), [3, 1, 0]);
    assert_eq!(binding_positions(&bindings, "agent-c", &[]), [0]);
}

#[test]
fn negative_zero_rank_ties_with_zero() {
    let records = parse(
        r#"[{"policy_id": "first", "applies_to_agent_principal_id": null, "rank": 0},
            {"policy_id": "second", "applies_to_agent_principal_id": null, "rank": -0.0},
            {"policy_id": "third", "applies_to_agent_principal_id": null, "rank": -0.5}]"#,
    )
    .unwrap();
    let bindings = bindings_from_value(&records).unwrap();
    assert_eq!(binding_positions(&bindings, "agent-a", &[]), [2, 0, 1]);
}

#[test]
fn string_lists_are_checked_item_by_item() {
    let ids = strings_from_value(&parse(r#"["g1", "g2"]"#).unwrap(), "groupIds", 2).unwrap();
    assert_eq!(ids, ["g1", "g2"]);
    let problem = strings_from_value(&parse(r#"["g1", 7]"#).unwrap(), "groupIds", 2).unwrap_err();
    assert_eq!(problem.code(), "BINDING_INVALID");
    assert_eq!(problem.message(), "groupIds[1] must be a string");
    let problem = strings_from_value(&parse(r#""g1""#).unwrap(), "groupIds", 2).unwrap_err();
    assert_eq!(problem.message(), "groupIds must be an array of strings");
    let problem =
        strings_from_value(&parse(r#"["a", "b", "c"]"#).unwrap(), "groupIds", 2).unwrap_err();
    assert!(
        problem.message().contains("more than the limit of 2"),
        "{problem}"
    );

    assert!(check_group_ids(&vec![""; MAX_GROUP_IDS]).is_ok());
    let problem = check_group_ids(&vec![""; MAX_GROUP_IDS + 1]).unwrap_err();
    assert_eq!(problem.code(), "BINDING_INVALID");
}

#[test]
fn bad_binding_records_name_their_index() {
    let problem = bindings_from_value(
        &parse(r#"[{"policy_id": "a", "applies_to_agent_principal_id": null}, {"policy_id": 7}]"#)
            .unwrap(),
    )
    .unwrap_err();
    assert_eq!(problem.code(), "BINDING_INVALID");
    assert!(
        problem.message().starts_with("bindings[1]: policy_id"),
        "{problem}"
    );

    let problem = bindings_from_value(&parse(r#"{"policy_id": "a"}"#).unwrap()).unwrap_err();
    assert_eq!(problem.code(), "BINDING_INVALID");
    assert_eq!(problem.message(), "bindings must be an array, found object");

    let record = r#"{"policy_id": "a", "applies_to_agent_principal_id": null}"#;
    let at_limit = format!("[{}]", vec![record; MAX_BINDINGS].join(","));
    assert_eq!(
        bindings_from_value(&parse(&at_limit).unwrap())
            .unwrap()
            .len(),
        MAX_BINDINGS
    );
    let over = format!("[{}]", vec![record; MAX_BINDINGS + 1].join(","));
    let problem = bindings_from_value(&parse(&over).unwrap()).unwrap_err();
    assert_eq!(problem.code(), "BINDING_INVALID");
    assert!(
        problem.message().contains("more than the limit"),
        "{problem}"
    );
}

#[test]
fn invalid_action_json_is_denied_with_its_code() {
    let policy = Policy::from_yaml("version: 1\ndefault: allow\nrules: []\n").unwrap();
    let decision = policy.decide_json(
        "{\"action_id\": ",
        &options(),
        &mut SequentialIds::default(),
    );
    assert_eq!(decision.result, DecisionResult::Deny);
    assert_eq!(decision.error.unwrap().code, "JSON_SYNTAX");
}

#[test]
fn invalid_action_is_denied_with_its_code() {
    let policy = Policy::from_yaml("version: 1\ndefault: allow\nrules: []\n").unwrap();
    let text = ACTION.replace("3b241101-e2bb-4255-8caf-4136c566a962", "not-a-uuid");
    let decision = policy.decide_json(&text, &options(), &mut SequentialIds::default());
    assert_eq!(decision.result, DecisionResult::Deny);
    assert_eq!(decision.error.unwrap().code, "ACTION_INVALID_UUID");
}

#[test]
fn single_passthrough_policy_denies_with_its_own_reason() {
    let policy = Policy::from_yaml("version: 1\ndefault: passthrough\nrules: []\n").unwrap();
    let action = Action::from_json(ACTION).unwrap();
    let alone = PolicyStack::from_policies(vec![policy.clone()]);
    let decision = alone.evaluate(&action, &options(), &mut SequentialIds::default());
    assert_eq!(
        decision.reason,
        "No rule matched; default policy: passthrough (no further layer — denied)"
    );
    let merged = PolicyStack::new(vec![policy]);
    let decision = merged.evaluate(&action, &options(), &mut SequentialIds::default());
    assert_eq!(decision.reason, "No rule matched; default policy: deny");
}

#[test]
fn handles_are_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Policy>();
    assert_send_sync::<PolicyStack>();

    let text = "version: 1\ndefault: deny\nrules:\n  - {id: small, effect: allow, action: purchase, constraints: {amount_max: 100}}\n";
    let stack = PolicyStack::from_policies(vec![Policy::from_yaml(text).unwrap()]);
    let action = Action::from_json(ACTION).unwrap();
    std::thread::scope(|scope| {
        for thread in 0..4u128 {
            let (stack, action) = (&stack, &action);
            scope.spawn(move || {
                let mut ids = SequentialIds::starting_at(thread << 64);
                for _ in 0..1000 {
                    let decision = stack.evaluate(action, &options(), &mut ids);
                    assert_eq!(decision.result, DecisionResult::Allow);
                }
            });
        }
    });
}

#[test]
fn decision_ids_come_from_the_id_source() {
    let policy = Policy::from_yaml("version: 1\ndefault: require_approval\nrules: []\n").unwrap();
    let action = Action::from_json(ACTION).unwrap();
    let decision = policy.evaluate(&action, &options(), &mut SequentialIds::default());
    assert_eq!(
        decision.obligations[0].obligation_id,
        "00000000-0000-4000-8000-000000000000"
    );
    assert_eq!(decision.decision_id, "00000000-0000-4000-8000-000000000001");
}

#[test]
fn stack_for_agent_layers_bound_policies() {
    let binding = |policy: &str, agent: &str| {
        let text =
            format!(r#"{{"policy_id": "{policy}", "applies_to_agent_principal_id": {agent}}}"#);
        Binding::from_value(&parse(&text).unwrap()).unwrap()
    };
    let agent_layer = Policy::from_yaml(
        "version: 1\ndefault: passthrough\nrules:\n  - {id: agent_deny, effect: deny, action: purchase}\n",
    )
    .unwrap();
    let owner_layer = Policy::from_yaml("version: 1\ndefault: allow\nrules: []\n").unwrap();
    let policies: HashMap<String, Policy> = [
        ("agent".to_owned(), agent_layer),
        ("owner".to_owned(), owner_layer),
    ]
    .into_iter()
    .collect();
    let bindings = [binding("owner", "null"), binding("agent", "\"agent-a\"")];

    let stack = stack_for_agent(&bindings, &policies, "agent-a", &[]).unwrap();
    let action = Action::from_json(ACTION).unwrap();
    let decision = stack.evaluate(&action, &options(), &mut SequentialIds::default());
    assert_eq!(decision.matched_rule_id.as_deref(), Some("agent_deny"));

    let other = stack_for_agent(&bindings, &policies, "agent-b", &[]).unwrap();
    let decision = other.evaluate(&action, &options(), &mut SequentialIds::default());
    assert_eq!(decision.result, DecisionResult::Allow);

    let missing = [binding("absent", "null")];
    let error = stack_for_agent(&missing, &policies, "agent-a", &[]).unwrap_err();
    assert_eq!(error.code(), "BINDING_UNKNOWN_POLICY");
}

#[test]
fn payload_domain_cannot_hide_a_blocked_relying_party() {
    let policy = Policy::from_yaml(
        "version: 1\ndefault: deny\nrules:\n  - {id: send, effect: allow, action: purchase, constraints: {blocked_domains: [evil.example]}}\n",
    )
    .unwrap();
    let action = |payload_domain: &str| {
        ACTION.replace(
            r#""payload": {"amount_minor": 10}"#,
            &format!(r#""relying_party": {{"domain": "evil.example"}}, "payload": {{"domain": {payload_domain}}}"#),
        )
    };
    for payload_domain in ["\"\"", "\"good.example\"", "7", "null"] {
        let decision = policy.decide_json(
            &action(payload_domain),
            &options(),
            &mut SequentialIds::default(),
        );
        assert_eq!(
            decision.result,
            DecisionResult::Deny,
            "payload.domain {payload_domain}"
        );
        assert!(decision.error.is_none());
    }
}

#[test]
fn empty_payload_domain_is_compared_as_given() {
    let policy = Policy::from_yaml(
        "version: 1\ndefault: deny\nrules:\n  - {id: send, effect: allow, action: purchase, constraints: {allowed_domains: [shop.example]}}\n",
    )
    .unwrap();
    let text = ACTION.replace(
        r#""payload": {"amount_minor": 10}"#,
        r#""relying_party": {"domain": "shop.example"}, "payload": {"domain": ""}"#,
    );
    let decision = policy.decide_json(&text, &options(), &mut SequentialIds::default());
    // As in OpenLeash, an empty string is a domain, not a missing one.
    assert_eq!(decision.result, DecisionResult::Deny);
    assert!(decision.error.is_none());
}

#[test]
fn swapped_amount_bounds_load_with_a_warning() {
    let policy = Policy::from_yaml(
        "version: 1\ndefault: allow\nrules:\n  - {id: d, effect: deny, action: purchase, constraints: {amount_min: 10, amount_max: 5}}\n",
    )
    .unwrap();
    assert_eq!(policy.warnings()[0].code(), "POLICY_EMPTY_AMOUNT_RANGE");
    assert_eq!(policy.warnings()[0].path(), "rules[0].constraints");
}

#[test]
fn obligation_type_must_be_a_string() {
    let error = Policy::from_yaml(
        "version: 1\ndefault: deny\nrules:\n  - {id: o, effect: allow, action: a, obligations: [{type: [HUMAN_APPROVAL]}]}\n",
    )
    .unwrap_err();
    assert_eq!(error.code(), "POLICY_INVALID_TYPE");
    assert_eq!(
        error.diagnostics()[0].path(),
        "rules[0].obligations[0].type"
    );
}
