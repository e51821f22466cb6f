//! Policy test files: policies, actions and the decisions they must get.

use std::path::Path;

use openleash_core::yaml::{Node, NodeValue};
use openleash_core::{EvaluationOptions, Policy, PolicyStack, SequentialIds, Timestamp};
use serde_json::Value as Json;

use super::CaseOutcome;
use super::compare::{check_fields, decision_json};

/// Runs a policy test file. `base` is the folder policy paths are relative
/// to.
pub fn run(text: &str, base: &Path) -> Result<Vec<CaseOutcome>, String> {
    let file = load_document(text)?;
    check_keys(
        &file,
        "the test file",
        &["policies", "now", "default_proof_ttl", "cases"],
    )?;
    let policies = file
        .get("policies")
        .and_then(Json::as_array)
        .ok_or("a test file needs `policies`: a list of policy paths or {yaml: ...} entries")?;
    let mut layers = Vec::with_capacity(policies.len());
    for (position, entry) in policies.iter().enumerate() {
        let (name, source) = match entry {
            Json::String(path) => {
                let full = base.join(path);
                let source = std::fs::read_to_string(&full).map_err(|error| {
                    format!(
                        "policies[{position}]: cannot read {}: {error}",
                        full.display()
                    )
                })?;
                (full.display().to_string(), source)
            }
            Json::Object(map) => match map.get("yaml").and_then(Json::as_str) {
                Some(source) => (format!("policies[{position}]"), source.to_owned()),
                None => {
                    return Err(format!(
                        "policies[{position}] must be a path or {{yaml: ...}}"
                    ));
                }
            },
            _ => {
                return Err(format!(
                    "policies[{position}] must be a path or {{yaml: ...}}"
                ));
            }
        };
        let policy = Policy::from_yaml(&source).map_err(|error| format!("{name}: {error}"))?;
        layers.push(policy);
    }

    let now = match file.get("now") {
        None => Timestamp::UNIX_EPOCH,
        Some(Json::String(text)) => {
            Timestamp::parse_rfc3339(text).map_err(|error| format!("now: {error}"))?
        }
        Some(other) => return Err(format!("now must be an RFC 3339 string, found {other}")),
    };
    let mut options = EvaluationOptions::at(now);
    options.default_proof_ttl_seconds = match file.get("default_proof_ttl") {
        None => None,
        Some(ttl) => match ttl.as_f64() {
            Some(seconds) if seconds > 0.0 => Some(seconds),
            _ => {
                return Err(format!(
                    "default_proof_ttl must be a number of seconds greater than 0, found {ttl}"
                ));
            }
        },
    };
    let stack = PolicyStack::from_policies(layers);

    let cases = file
        .get("cases")
        .and_then(Json::as_array)
        .ok_or("a test file needs `cases`: a list of {name, action, expect}")?;
    let mut outcomes = Vec::with_capacity(cases.len());
    for (position, case) in cases.iter().enumerate() {
        let name = case
            .get("name")
            .and_then(Json::as_str)
            .map_or_else(|| format!("cases[{position}]"), str::to_owned);
        let check = run_case(case, base, &options, &stack);
        outcomes.push(CaseOutcome::from_check(&name, check));
    }
    Ok(outcomes)
}

fn run_case(
    case: &Json,
    base: &Path,
    options: &EvaluationOptions,
    stack: &PolicyStack,
) -> Result<(), String> {
    let action_text = match (
        case.get("action"),
        case.get("action_file").and_then(Json::as_str),
    ) {
        (Some(action), None) => action.to_string(),
        (None, Some(path)) => {
            let full = base.join(path);
            std::fs::read_to_string(&full)
                .map_err(|error| format!("cannot read {}: {error}", full.display()))?
        }
        _ => return Err("a case needs exactly one of `action` or `action_file`".to_owned()),
    };
    check_keys(case, "a case", &["name", "action", "action_file", "expect"])?;
    let expect = case.get("expect").ok_or("a case needs `expect`")?;
    check_keys(
        expect,
        "expect",
        &[
            "result",
            "matched_rule_id",
            "reason",
            "obligations",
            "proof_required",
            "proof_ttl_seconds",
            "error",
        ],
    )?;

    let mut ids = SequentialIds::default();
    let decision = stack.decide_json(&action_text, options, &mut ids);

    let mut actual = decision_json(&decision);
    // `obligations` in a test file lists types only.
    if let Some(list) = actual.get_mut("obligations").and_then(Json::as_array_mut) {
        for item in list.iter_mut() {
            *item = item.get("type").cloned().unwrap_or(Json::Null);
        }
    }
    if let Some(error) = actual.get("error").and_then(|e| e.get("code")).cloned()
        && let Some(map) = actual.as_object_mut()
    {
        map.insert("error".to_owned(), error);
    }
    check_fields("decision", expect, &actual)
}

/// Reads a YAML (or JSON) document into JSON.
fn load_document(text: &str) -> Result<Json, String> {
    let root = openleash_core::yaml::parse(text, &openleash_core::yaml::YamlLimits::default())
        .map_err(|error| {
            format!(
                "{}:{}: {}: {}",
                error.mark().line,
                error.mark().column,
                error.code(),
                error.message()
            )
        })?;
    node_to_json(&root)
}

/// Converts a YAML tree to JSON. Depth is bounded by the YAML loader.
fn node_to_json(node: &Node) -> Result<Json, String> {
    let at = |message: String| format!("{}:{}: {message}", node.mark.line, node.mark.column);
    Ok(match &node.value {
        NodeValue::Null => Json::Null,
        NodeValue::Bool(flag) => Json::Bool(*flag),
        NodeValue::Number(number) => serde_json::Number::from_f64(*number)
            .map(Json::Number)
            .ok_or_else(|| at(format!("the non-finite number {number} is not allowed")))?,
        NodeValue::UnrepresentableNumber(text) => {
            return Err(at(format!(
                "the number {text} cannot be held exactly by a double"
            )));
        }
        NodeValue::String(text) => Json::String(text.clone()),
        NodeValue::Sequence(items) => {
            Json::Array(items.iter().map(node_to_json).collect::<Result<_, _>>()?)
        }
        NodeValue::Mapping(entries) => {
            let mut map = serde_json::Map::new();
            for (key, value) in entries {
                let NodeValue::String(name) = &key.value else {
                    return Err(at("keys must be strings".to_owned()));
                };
                map.insert(name.clone(), node_to_json(value)?);
            }
            Json::Object(map)
        }
    })
}

/// Rejects keys outside `allowed`, so that a misspelled key is an error
/// rather than a check that silently never runs.
fn check_keys(object: &Json, what: &str, allowed: &[&str]) -> Result<(), String> {
    let Some(map) = object.as_object() else {
        return Err(format!("{what} must be a mapping"));
    };
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(format!(
                "unknown key {key:?} in {what}; allowed keys are {}",
                allowed.join(", ")
            ));
        }
    }
    Ok(())
}
