//! Comparisons between expected JSON and what the engine produced.

use openleash_core::Decision;
use serde_json::Value as Json;

/// JSON equality where numbers compare by value (`1` equals `1.0`).
pub fn json_eq(expected: &Json, actual: &Json) -> bool {
    match (expected, actual) {
        (Json::Number(a), Json::Number(b)) => a.as_f64() == b.as_f64(),
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| json_eq(x, y))
        }
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, x)| b.get(key).is_some_and(|y| json_eq(x, y)))
        }
        _ => expected == actual,
    }
}

/// Checks that `actual` has every field of `expected` with an equal value.
pub fn check_fields(what: &str, expected: &Json, actual: &Json) -> Result<(), String> {
    let Some(fields) = expected.as_object() else {
        return Err(format!("expected {what} must be an object"));
    };
    for (key, want) in fields {
        let got = actual.get(key).unwrap_or(&Json::Null);
        if !json_eq(want, got) {
            return Err(format!("{what}.{key}: expected {want}, got {got}"));
        }
    }
    Ok(())
}

/// The decision as JSON, with obligation ids removed (they are random in the
/// reference and not part of any expectation).
pub fn decision_json(decision: &Decision) -> Json {
    let mut json = serde_json::to_value(decision).unwrap_or(Json::Null);
    if let Some(obligations) = json.get_mut("obligations").and_then(Json::as_array_mut) {
        for obligation in obligations {
            if let Some(map) = obligation.as_object_mut() {
                map.remove("obligation_id");
            }
        }
    }
    json
}

/// Compares a decision with an expectation in the corpus shape: `result`,
/// `matched_rule_id`, `reason`, `obligations`, `proof_required`,
/// `proof_ttl_seconds` and `trace`, each only when present.
pub fn check_decision(expected: &Json, decision: &Decision) -> Result<(), String> {
    let actual = decision_json(decision);
    let keys = [
        "result",
        "matched_rule_id",
        "reason",
        "obligations",
        "proof_required",
        "proof_ttl_seconds",
        "trace",
    ];
    for key in keys {
        if let Some(want) = expected.get(key) {
            let got = actual.get(key).unwrap_or(&Json::Null);
            if !json_eq(want, got) {
                return Err(format!("decision.{key}: expected {want}, got {got}"));
            }
        }
    }
    Ok(())
}

/// Converts a core value to JSON for comparison.
pub fn core_json(value: &openleash_core::Value) -> Json {
    serde_json::to_value(value).unwrap_or(Json::Null)
}
