//! Running OpenLeash conformance corpus files.

use openleash_core::json::{self, action_hash, canonical_json, sha256_hex};
use openleash_core::policy::{Binding, order_bindings};
use openleash_core::{
    Action, EvaluationOptions, Policy, PolicyError, PolicyStack, SequentialIds, Timestamp,
};
use serde::Deserialize;
use serde_json::Value as Json;
use serde_json::value::RawValue;

use super::compare::{check_decision, check_fields, core_json, decision_json, json_eq};
use super::deviations::{Deviation, Deviations, Expected};
use super::token;
use super::{CaseOutcome, CaseStatus};

/// The fixed time at which corpus cases are evaluated. No v1 rule reads the
/// time, so any value gives the same decisions.
const CORPUS_NOW_MILLIS: i64 = 1_740_830_400_000;

#[derive(Deserialize)]
struct CorpusFile<'a> {
    kind: String,
    #[serde(borrow)]
    cases: Vec<&'a RawValue>,
}

/// The raw JSON text of the fields that must be read with this engine's
/// strict parser rather than `serde_json`'s lossy numbers.
#[derive(Deserialize)]
struct RawFields<'a> {
    #[serde(borrow, default)]
    action: Option<&'a RawValue>,
}

/// Returns true for corpus files: JSON objects with `kind` and `cases`, or
/// the OpenLeash cross-language test vectors.
pub fn is_corpus_file(text: &str) -> bool {
    let Ok(json) = serde_json::from_str::<Json>(text) else {
        return false;
    };
    (json.get("kind").is_some() && json.get("cases").is_some())
        || (json.get("action").is_some() && json.get("action_hash").is_some())
}

/// Runs every case of a corpus file.
pub fn run(text: &str, deviations: &Deviations) -> Result<Vec<CaseOutcome>, String> {
    let whole: Json =
        serde_json::from_str(text).map_err(|error| format!("invalid JSON: {error}"))?;
    if whole.get("cases").is_none() {
        let mut outcomes = vec![run_testvectors(text, &whole)];
        outcomes.extend(token::run_testvector_signatures(&whole));
        return Ok(outcomes);
    }
    let file: CorpusFile =
        serde_json::from_str(text).map_err(|error| format!("invalid corpus file: {error}"))?;
    let mut outcomes = Vec::with_capacity(file.cases.len());
    for raw_case in file.cases {
        let case: Json = serde_json::from_str(raw_case.get()).map_err(|error| error.to_string())?;
        let raw: RawFields =
            serde_json::from_str(raw_case.get()).map_err(|error| error.to_string())?;
        let id = case
            .get("id")
            .and_then(Json::as_str)
            .unwrap_or("(no id)")
            .to_owned();
        let observed = match file.kind.as_str() {
            "eval" | "validate" => run_eval(&case, raw.action),
            "canonical" => run_canonical(&case),
            "action_request" => run_action_request(&case, raw.action),
            "bindings" => run_bindings(&case),
            "token" => token::run_token(&case),
            other => return Err(format!("unknown corpus kind {other:?}")),
        };
        outcomes.push(judge(&id, observed, deviations.get(&id)));
    }
    Ok(outcomes)
}

/// The engine's results for one case, and whether they match the
/// reference expectation.
#[derive(Default)]
pub(super) struct Observed {
    pub(super) reference: Option<Result<(), String>>,
    /// For token cases: per verification, `None` when valid, else the code.
    pub(super) token_codes: Option<Vec<Option<String>>>,
    policy_codes: Vec<String>,
    action_codes: Vec<String>,
    input_code: Option<String>,
    binding_code: Option<String>,
    decision: Option<Json>,
    ordered_policy_ids: Option<Vec<String>>,
    canonical_json: Option<String>,
}

fn judge(id: &str, observed: Observed, deviation: Option<&Deviation>) -> CaseOutcome {
    let reference = observed.reference.clone().unwrap_or(Ok(()));
    let Some(deviation) = deviation else {
        return CaseOutcome::from_check(id, reference);
    };
    match check_ours(&deviation.ours, &observed) {
        Ok(()) if reference.is_ok() => CaseOutcome::failed(
            id,
            "listed as a deviation but matches the reference; remove it from deviations.json"
                .to_owned(),
        ),
        Ok(()) => CaseOutcome {
            id: id.to_owned(),
            status: CaseStatus::PassedAsDeviation,
            detail: deviation.reason.clone(),
        },
        Err(detail) => CaseOutcome::failed(id, format!("deviation not shown: {detail}")),
    }
}

fn check_ours(ours: &Expected, observed: &Observed) -> Result<(), String> {
    let expect_code = |what: &str, want: &Option<String>, got: &[String]| -> Result<(), String> {
        match want {
            Some(code) if !got.iter().any(|found| found == code) => {
                Err(format!("expected {what} code {code}, got {got:?}"))
            }
            _ => Ok(()),
        }
    };
    expect_code("policy error", &ours.policy_error, &observed.policy_codes)?;
    expect_code("action error", &ours.action_error, &observed.action_codes)?;
    expect_code(
        "input error",
        &ours.input_error,
        observed.input_code.as_slice(),
    )?;
    expect_code(
        "binding error",
        &ours.binding_error,
        observed.binding_code.as_slice(),
    )?;
    if let Some(want) = &ours.decision {
        let got = observed
            .decision
            .as_ref()
            .ok_or("expected a decision, got none")?;
        check_fields("decision", want, got)?;
    }
    if let Some(want) = &ours.token_verify
        && observed.token_codes.as_ref() != Some(want)
    {
        return Err(format!(
            "expected token verification results {want:?}, got {:?}",
            observed.token_codes
        ));
    }
    if let Some(want) = &ours.ordered_policy_ids
        && observed.ordered_policy_ids.as_ref() != Some(want)
    {
        return Err(format!(
            "expected order {want:?}, got {:?}",
            observed.ordered_policy_ids
        ));
    }
    if let Some(want) = &ours.canonical_json
        && observed.canonical_json.as_ref() != Some(want)
    {
        return Err(format!(
            "expected canonical JSON {want}, got {:?}",
            observed.canonical_json
        ));
    }
    Ok(())
}

fn run_eval(case: &Json, raw_action: Option<&RawValue>) -> Observed {
    let mut observed = Observed::default();
    observed.reference = Some(eval_against_reference(case, raw_action, &mut observed));
    observed
}

fn eval_against_reference(
    case: &Json,
    raw_action: Option<&RawValue>,
    observed: &mut Observed,
) -> Result<(), String> {
    let expect = case.get("expect").ok_or("case has no expect")?;
    let sources: Vec<&str> = case
        .get("policies")
        .and_then(Json::as_array)
        .map(|items| items.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let loaded: Vec<Result<Policy, PolicyError>> =
        sources.iter().map(|text| Policy::from_yaml(text)).collect();
    for result in &loaded {
        if let Err(error) = result {
            observed
                .policy_codes
                .extend(error.diagnostics().iter().map(|d| d.code().to_owned()));
        }
    }

    // Layer validity, and the YAML-or-schema kind of each failure.
    let expected_layers = expect
        .get("layers")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    if expected_layers.len() != loaded.len() {
        return Err(format!(
            "expected {} layers, got {}",
            expected_layers.len(),
            loaded.len()
        ));
    }
    let mut mismatch = None;
    for (position, (want, got)) in expected_layers.iter().zip(&loaded).enumerate() {
        let want_valid = want.get("valid").and_then(Json::as_bool).unwrap_or(false);
        match got {
            Ok(_) if !want_valid => {
                mismatch.get_or_insert(format!(
                    "layer {position}: reference rejects it, this engine accepts it"
                ));
            }
            Err(error) if want_valid => {
                mismatch.get_or_insert(format!(
                    "layer {position}: reference accepts it, this engine rejects it: {error}"
                ));
            }
            Err(error) => {
                let want_yaml = want.get("error_kind").and_then(Json::as_str) == Some("yaml");
                let got_yaml = error.code().starts_with("YAML_");
                if want_yaml != got_yaml {
                    mismatch.get_or_insert(format!(
                        "layer {position}: expected a {} error, got {error}",
                        if want_yaml { "YAML" } else { "schema" }
                    ));
                }
            }
            Ok(_) => {}
        }
    }
    let policies: Vec<Policy> = loaded.into_iter().filter_map(Result::ok).collect();
    if policies.len() != sources.len() {
        return mismatch.map_or(Ok(()), Err);
    }

    let merge = case.get("merge").and_then(Json::as_bool).unwrap_or(false);
    let single = if policies.len() == 1 && !merge {
        policies.first().cloned()
    } else {
        None
    };
    let stack = PolicyStack::new(policies);
    let document = match &single {
        Some(policy) => core_json(policy.document()),
        None => core_json(&stack.document()),
    };
    if let Some(want) = expect.get("policy")
        && !json_eq(want, &document)
    {
        mismatch.get_or_insert(format!("parsed policy: expected {want}, got {document}"));
    }

    let Some(raw_action) = raw_action else {
        return mismatch.map_or(Ok(()), Err);
    };
    let action = match json::parse(raw_action.get()) {
        Ok(value) => Action::from_value(value).map_err(|error| {
            error
                .issues()
                .iter()
                .map(|issue| issue.code().to_owned())
                .collect::<Vec<_>>()
        }),
        Err(error) => Err(vec![error.code().to_owned()]),
    };
    let want_action_valid = expect
        .get("action_schema_valid")
        .and_then(Json::as_bool)
        .unwrap_or(true);
    let action = match action {
        Err(codes) => {
            observed.action_codes = codes.clone();
            if want_action_valid {
                mismatch.get_or_insert(format!(
                    "action rejected ({codes:?}) but the reference schema accepts it"
                ));
            }
            // The OpenLeash server rejects a schema-invalid action before
            // evaluating it, as this engine does.
            return mismatch.map_or(Ok(()), Err);
        }
        Ok(action) => action,
    };
    if !want_action_valid {
        mismatch.get_or_insert("action accepted but the reference schema rejects it".to_owned());
    }
    if let Some(want) = expect.get("canonical_json").and_then(Json::as_str)
        && want != action.canonical_json()
    {
        mismatch.get_or_insert(format!(
            "canonical JSON: expected {want}, got {}",
            action.canonical_json()
        ));
    }
    if let Some(want) = expect.get("action_hash").and_then(Json::as_str)
        && want != action.hash()
    {
        mismatch.get_or_insert(format!(
            "action hash: expected {want}, got {}",
            action.hash()
        ));
    }

    let mut options = EvaluationOptions::at(
        Timestamp::from_unix_millis(CORPUS_NOW_MILLIS).unwrap_or(Timestamp::UNIX_EPOCH),
    );
    options.default_proof_ttl_seconds = case
        .get("options")
        .and_then(|o| o.get("default_proof_ttl"))
        .and_then(Json::as_f64);
    let mut ids = SequentialIds::default();
    let decision = match &single {
        Some(policy) => policy.evaluate(&action, &options, &mut ids),
        None => stack.evaluate(&action, &options, &mut ids),
    };
    observed.decision = Some(decision_json(&decision));
    if let Some(want) = expect.get("decision") {
        if let Err(detail) = check_decision(want, &decision) {
            mismatch.get_or_insert(detail);
        }
    } else if expect.get("engine_error").is_some() {
        mismatch.get_or_insert("the reference engine threw, this engine decided".to_owned());
    }
    mismatch.map_or(Ok(()), Err)
}

fn run_canonical(case: &Json) -> Observed {
    let mut observed = Observed::default();
    let input = case.get("input").and_then(Json::as_str).unwrap_or("");
    let want_text = case
        .get("canonical_json")
        .and_then(Json::as_str)
        .unwrap_or("");
    let want_hash = case.get("sha256").and_then(Json::as_str).unwrap_or("");
    observed.reference = Some(match json::parse(input) {
        Err(error) => {
            observed.input_code = Some(error.code().to_owned());
            Err(format!("input rejected: {error}"))
        }
        Ok(value) => {
            let text = canonical_json(&value);
            let hash = sha256_hex(text.as_bytes());
            observed.canonical_json = Some(text.clone());
            if text != want_text {
                Err(format!("canonical JSON: expected {want_text}, got {text}"))
            } else if hash != want_hash {
                Err(format!("sha256: expected {want_hash}, got {hash}"))
            } else {
                Ok(())
            }
        }
    });
    observed
}

fn run_action_request(case: &Json, raw_action: Option<&RawValue>) -> Observed {
    let mut observed = Observed::default();
    let expect = case.get("expect").cloned().unwrap_or(Json::Null);
    let text = raw_action.map_or("null", RawValue::get);
    let parsed = json::parse(text).map_err(|error| error.code().to_owned());
    observed.reference = Some(match parsed {
        Err(code) => {
            observed.action_codes.push(code.clone());
            Err(format!("action JSON rejected: {code}"))
        }
        Ok(value) => {
            let raw_hash = action_hash(&value);
            let want_raw_hash = expect
                .get("raw_action_hash")
                .and_then(Json::as_str)
                .unwrap_or("");
            let want_valid = expect.get("valid").and_then(Json::as_bool).unwrap_or(false);
            match Action::from_value(value) {
                _ if raw_hash != want_raw_hash => Err(format!(
                    "raw action hash: expected {want_raw_hash}, got {raw_hash}"
                )),
                Ok(action) if want_valid => {
                    let want_json = expect
                        .get("normalized_canonical_json")
                        .and_then(Json::as_str)
                        .unwrap_or("");
                    let want_hash = expect
                        .get("normalized_action_hash")
                        .and_then(Json::as_str)
                        .unwrap_or("");
                    if action.canonical_json() != want_json {
                        Err(format!(
                            "normalized JSON: expected {want_json}, got {}",
                            action.canonical_json()
                        ))
                    } else if action.hash() != want_hash {
                        Err(format!(
                            "normalized hash: expected {want_hash}, got {}",
                            action.hash()
                        ))
                    } else {
                        Ok(())
                    }
                }
                Ok(_) => Err("action accepted but the reference schema rejects it".to_owned()),
                Err(error) => {
                    observed.action_codes = error
                        .issues()
                        .iter()
                        .map(|issue| issue.code().to_owned())
                        .collect();
                    if want_valid {
                        Err(format!(
                            "action rejected but the reference accepts it: {error}"
                        ))
                    } else {
                        check_issues(&expect, &error)
                    }
                }
            }
        }
    });
    observed
}

/// Compares rejection paths and codes with the reference's (zod) issues.
fn check_issues(expect: &Json, error: &openleash_core::ActionError) -> Result<(), String> {
    let wanted = expect
        .get("issues")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    for want in wanted {
        let path: Vec<&str> = want
            .get("path")
            .and_then(Json::as_array)
            .map(|parts| parts.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let path = path.join(".");
        let zod_code = want.get("code").and_then(Json::as_str).unwrap_or("");
        let accepted: &[&str] = match zod_code {
            "invalid_type" => &["ACTION_INVALID_TYPE", "ACTION_MISSING_FIELD"],
            "too_small" => &["ACTION_EMPTY_STRING"],
            "invalid_value" => &["ACTION_INVALID_VALUE"],
            "invalid_format" => &["ACTION_INVALID_UUID"],
            _ => &[],
        };
        let found = error
            .issues()
            .iter()
            .any(|issue| issue.path() == path && accepted.contains(&issue.code()));
        if !found {
            return Err(format!(
                "expected an issue {zod_code} at {path:?}, got {error}"
            ));
        }
    }
    Ok(())
}

fn run_bindings(case: &Json) -> Observed {
    let mut observed = Observed::default();
    let agent = case
        .get("agent_principal_id")
        .and_then(Json::as_str)
        .unwrap_or("");
    let groups: Vec<&str> = case
        .get("agent_group_ids")
        .and_then(Json::as_array)
        .map(|items| items.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let want: Vec<String> = case
        .get("expect")
        .and_then(|e| e.get("ordered_policy_ids"))
        .and_then(Json::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut bindings = Vec::new();
    for record in case
        .get("bindings")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let parsed = json::parse(&record.to_string())
            .map_err(|error| error.to_string())
            .and_then(|value| {
                Binding::from_value(&value).map_err(|error| {
                    observed.binding_code = Some(error.code().to_owned());
                    error.to_string()
                })
            });
        match parsed {
            Ok(binding) => bindings.push(binding),
            Err(message) => {
                observed.reference = Some(Err(message));
                return observed;
            }
        }
    }
    let ordered: Vec<String> = order_bindings(&bindings, agent, &groups)
        .into_iter()
        .map(|binding| binding.policy_id.clone())
        .collect();
    observed.reference = Some(if ordered == want {
        Ok(())
    } else {
        Err(format!("expected order {want:?}, got {ordered:?}"))
    });
    observed.ordered_policy_ids = Some(ordered);
    observed
}

/// The OpenLeash cross-language vectors: the action's canonical JSON and
/// hash. The action is hashed as given, because its example UUIDs are not
/// RFC 9562 UUIDs and the action schema would reject it.
fn run_testvectors(text: &str, whole: &Json) -> CaseOutcome {
    let id = "openleash-testvectors-action-hash";
    #[derive(Deserialize)]
    struct Vectors<'a> {
        #[serde(borrow)]
        action: &'a RawValue,
    }
    let check = serde_json::from_str::<Vectors>(text)
        .map_err(|error| error.to_string())
        .and_then(|vectors| json::parse(vectors.action.get()).map_err(|error| error.to_string()))
        .and_then(|action| {
            let want_json = whole
                .get("canonical_json")
                .and_then(Json::as_str)
                .unwrap_or("");
            let want_hash = whole
                .get("action_hash")
                .and_then(Json::as_str)
                .unwrap_or("");
            let got_json = canonical_json(&action);
            if got_json != want_json {
                Err(format!(
                    "canonical JSON: expected {want_json}, got {got_json}"
                ))
            } else if action_hash(&action) != want_hash {
                Err(format!(
                    "action hash: expected {want_hash}, got {}",
                    action_hash(&action)
                ))
            } else {
                Ok(())
            }
        });
    CaseOutcome::from_check(id, check)
}
