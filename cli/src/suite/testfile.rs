//! Policy test files: policies, actions and the decisions they must get.

use std::path::Path;

use openleash_core::json::MAX_JSON_BYTES;
use openleash_core::yaml::{Node, NodeValue, YamlLimits};
use openleash_core::{EvaluationOptions, Policy, PolicyStack, SequentialIds, Timestamp};
use serde_json::Value as Json;

use super::CaseOutcome;
use super::compare::{check_fields, decision_json};
use crate::input::read_limited;

/// Runs a policy test file. `base` is the folder policy paths are relative
/// to.
pub fn run(text: &str, base: &Path) -> Result<Vec<CaseOutcome>, String> {
    let root = load_document(text)?;
    let file = node_to_json(&root)?;
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
        let shape_error = || format!("policies[{position}] must be a path or {{yaml: ...}}");
        let (name, bytes) = match entry {
            Json::String(path) => {
                let full = base.join(path);
                let bytes = read_limited(&full, YamlLimits::default().max_bytes)
                    .map_err(|error| format!("policies[{position}]: {error}"))?;
                (full.display().to_string(), bytes)
            }
            Json::Object(map) if map.len() == 1 => match map.get("yaml").and_then(Json::as_str) {
                Some(source) => (format!("policies[{position}]"), source.as_bytes().to_vec()),
                None => return Err(shape_error()),
            },
            _ => return Err(shape_error()),
        };
        let policy = Policy::from_yaml_bytes(&bytes, &YamlLimits::default())
            .map_err(|error| format!("{name}: {error}"))?;
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
        let case_node = sequence_item(&root, "cases", position);
        let check = run_case(case, case_node, base, &options, &stack);
        outcomes.push(CaseOutcome::from_check(&name, check));
    }
    Ok(outcomes)
}

fn run_case(
    case: &Json,
    case_node: Option<&Node>,
    base: &Path,
    options: &EvaluationOptions,
    stack: &PolicyStack,
) -> Result<(), String> {
    // The action is rebuilt as JSON text from the YAML tree, keeping
    // numbers as written, so that it is checked as strictly as an action
    // read from a file.
    let action_node = case_node.and_then(|node| mapping_get(node, "action"));
    let action_bytes = match (action_node, case.get("action_file").and_then(Json::as_str)) {
        (Some(action), None) => {
            let mut text = String::new();
            json_text(action, &mut text)?;
            text.into_bytes()
        }
        (None, Some(path)) => read_limited(&base.join(path), MAX_JSON_BYTES)?,
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
    let decision = stack.decide_json_bytes(&action_bytes, options, &mut ids);

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

/// The largest test file read.
pub const MAX_TEST_FILE_BYTES: usize = 16 * 1024 * 1024;

/// Parses a test file (YAML, so JSON too).
fn load_document(text: &str) -> Result<Node, String> {
    let limits = YamlLimits {
        max_bytes: MAX_TEST_FILE_BYTES,
        max_nodes: 10_000_000,
        ..YamlLimits::default()
    };
    openleash_core::yaml::parse(text, &limits).map_err(|error| {
        format!(
            "{}:{}: {}: {}",
            error.mark().line,
            error.mark().column,
            error.code(),
            error.message()
        )
    })
}

fn mapping_get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.value {
        NodeValue::Mapping(entries) => entries
            .iter()
            .find(|(name, _)| matches!(&name.value, NodeValue::String(text) if text == key))
            .map(|(_, value)| value),
        _ => None,
    }
}

fn sequence_item<'a>(root: &'a Node, key: &str, position: usize) -> Option<&'a Node> {
    match &mapping_get(root, key)?.value {
        NodeValue::Sequence(items) => items.get(position),
        _ => None,
    }
}

/// Writes a YAML tree as JSON text, numbers as the YAML text wrote them
/// where a double would change them, so that the strict JSON reader rejects
/// them as it would in a file. Depth is bounded by the YAML loader.
fn json_text(node: &Node, out: &mut String) -> Result<(), String> {
    match &node.value {
        NodeValue::Null => out.push_str("null"),
        NodeValue::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        NodeValue::Number(number) if number.is_finite() => {
            out.push_str(&openleash_core::json::format_number(*number));
        }
        // Not JSON: the reader rejects the action, which is then denied.
        NodeValue::Number(number) => out.push_str(&number.to_string()),
        NodeValue::UnrepresentableNumber(text) => out.push_str(text),
        NodeValue::String(text) => {
            out.push_str(&serde_json::to_string(text).map_err(|error| error.to_string())?);
        }
        NodeValue::Sequence(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                json_text(item, out)?;
            }
            out.push(']');
        }
        NodeValue::Mapping(entries) => {
            out.push('{');
            for (index, (key, value)) in entries.iter().enumerate() {
                let NodeValue::String(name) = &key.value else {
                    return Err(format!(
                        "{}:{}: action keys must be strings",
                        key.mark.line, key.mark.column
                    ));
                };
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(name).map_err(|error| error.to_string())?);
                out.push(':');
                json_text(value, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Converts a YAML tree to JSON. Depth is bounded by the YAML loader.
fn node_to_json(node: &Node) -> Result<Json, String> {
    let at = |message: String| format!("{}:{}: {message}", node.mark.line, node.mark.column);
    Ok(match &node.value {
        NodeValue::Null => Json::Null,
        NodeValue::Bool(flag) => Json::Bool(*flag),
        // Actions are re-read from the YAML tree by `json_text`; anywhere
        // else a number JSON cannot hold keeps its text and fails any
        // comparison.
        NodeValue::Number(number) => serde_json::Number::from_f64(*number)
            .map_or_else(|| Json::String(number.to_string()), Json::Number),
        NodeValue::UnrepresentableNumber(text) => Json::String(text.clone()),
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
