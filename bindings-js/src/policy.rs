//! Policies, policy stacks and evaluation.
//!
//! `lib/api.js` wraps these handles in the package's `Policy` and
//! `PolicyStack` classes; the handles only carry the core's objects.

use openleash_core::json::{self, Value};
use openleash_core::policy::{
    Binding, MAX_GROUP_IDS, MAX_POLICIES, binding_positions, bindings_from_value, layers_for_agent,
    strings_from_value,
};
use openleash_core::{Decision, Policy, PolicyStack};
use wasm_bindgen::prelude::*;

use crate::decision::decision_parts;
use crate::errors::{Failure, binding_error, diagnostics_value, policy_error};
use crate::json::parse_converted;
use crate::options::{RandomIds, evaluation_options};

/// A compiled policy.
#[wasm_bindgen]
pub struct PolicyHandle {
    inner: Policy,
}

#[wasm_bindgen]
impl PolicyHandle {
    /// Parses, validates and compiles a YAML policy; throws a
    /// `PolicyError` with every diagnostic.
    #[wasm_bindgen(js_name = fromYaml)]
    pub fn from_yaml(text: &str) -> Result<PolicyHandle, JsValue> {
        let inner = Policy::from_yaml(text).map_err(|problem| policy_error(&problem))?;
        Ok(PolicyHandle { inner })
    }

    /// Loads a policy from the bytes of a file (the Node entry's
    /// `Policy.fromFile`): over the YAML size limit is `YAML_TOO_LARGE`,
    /// bytes that are not UTF-8 are `YAML_INVALID_UTF8`.
    #[wasm_bindgen(js_name = fromYamlBytes)]
    pub fn from_yaml_bytes(bytes: &[u8]) -> Result<PolicyHandle, JsValue> {
        let limits = openleash_core::yaml::YamlLimits::default();
        let inner =
            Policy::from_yaml_bytes(bytes, &limits).map_err(|problem| policy_error(&problem))?;
        Ok(PolicyHandle { inner })
    }

    /// Rule ids in document order.
    #[wasm_bindgen(js_name = ruleIds)]
    pub fn rule_ids(&self) -> Vec<String> {
        self.inner.rule_ids().map(str::to_owned).collect()
    }

    /// `allow`, `deny` or `passthrough`.
    #[wasm_bindgen(js_name = defaultEffect)]
    pub fn default_effect(&self) -> String {
        self.inner.default_effect().as_str().to_owned()
    }

    /// The warnings as a JSON array of diagnostics.
    #[wasm_bindgen(js_name = warningsJson)]
    pub fn warnings_json(&self) -> String {
        json::to_json(&diagnostics_value(self.inner.warnings()))
    }

    /// The parsed document as JSON text.
    #[wasm_bindgen(js_name = documentJson)]
    pub fn document_json(&self) -> String {
        json::to_json(self.inner.document())
    }

    /// Evaluates an action given as UTF-8 JSON; returns the decision parts
    /// (see `decision.rs`). Throws only for invalid options.
    pub fn evaluate(
        &self,
        action_json: &[u8],
        now_millis: f64,
        now_text: Option<String>,
        default_proof_ttl_seconds: Option<f64>,
    ) -> Result<String, JsValue> {
        let options = evaluation_options(now_millis, now_text, default_proof_ttl_seconds)?;
        let mut ids = RandomIds::at(options.now);
        let decision = self
            .inner
            .decide_json_bytes(action_json, &options, &mut ids);
        Ok(decision_parts(&decision))
    }
}

impl PolicyHandle {
    pub fn policy(&self) -> &Policy {
        &self.inner
    }
}

/// Collects the layers of a stack; `build` compiles them once.
#[wasm_bindgen]
#[derive(Default)]
pub struct StackBuilder {
    layers: Vec<Policy>,
}

#[wasm_bindgen]
impl StackBuilder {
    #[wasm_bindgen(constructor)]
    pub fn new() -> StackBuilder {
        StackBuilder::default()
    }

    /// Adds the next layer, less specific than the ones before.
    pub fn push(&mut self, policy: &PolicyHandle) {
        self.layers.push(policy.inner.clone());
    }

    /// The stack of the layers pushed so far, most specific first.
    pub fn build(&self) -> StackHandle {
        StackHandle {
            inner: PolicyStack::new(self.layers.iter().cloned()),
        }
    }
}

/// A compiled policy stack.
#[wasm_bindgen]
pub struct StackHandle {
    inner: PolicyStack,
}

#[wasm_bindgen]
impl StackHandle {
    /// The merged default.
    #[wasm_bindgen(js_name = defaultEffect)]
    pub fn default_effect(&self) -> String {
        self.inner.default_effect().as_str().to_owned()
    }

    /// The merged document as JSON text.
    #[wasm_bindgen(js_name = documentJson)]
    pub fn document_json(&self) -> String {
        json::to_json(&self.inner.document())
    }

    /// Evaluates an action given as UTF-8 JSON; see
    /// [`PolicyHandle::evaluate`].
    pub fn evaluate(
        &self,
        action_json: &[u8],
        now_millis: f64,
        now_text: Option<String>,
        default_proof_ttl_seconds: Option<f64>,
    ) -> Result<String, JsValue> {
        let options = evaluation_options(now_millis, now_text, default_proof_ttl_seconds)?;
        let mut ids = RandomIds::at(options.now);
        let decision = self
            .inner
            .decide_json_bytes(action_json, &options, &mut ids);
        Ok(decision_parts(&decision))
    }
}

impl StackHandle {
    pub fn stack(&self) -> &PolicyStack {
        &self.inner
    }
}

/// The DENY decision for an action that `lib/convert.js` could not
/// convert to JSON (a function, a cyclic object, NaN...), built by the
/// core like any decision on an invalid action.
#[wasm_bindgen(js_name = unreadableActionDecision)]
pub fn unreadable_action_decision(
    code: &str,
    message: String,
    now_millis: f64,
    now_text: Option<String>,
    default_proof_ttl_seconds: Option<f64>,
) -> Result<String, JsValue> {
    let options = evaluation_options(now_millis, now_text, default_proof_ttl_seconds)?;
    let mut ids = RandomIds::at(options.now);
    let decision = Decision::rejected_input(code, message, &options, &mut ids);
    Ok(decision_parts(&decision))
}

/// Every problem that stops a policy from loading, as a JSON array of
/// diagnostics; empty for a valid policy.
#[wasm_bindgen(js_name = validatePolicy)]
pub fn validate_policy(text: &str) -> String {
    match Policy::from_yaml(text) {
        Ok(_) => "[]".to_owned(),
        Err(problem) => json::to_json(&diagnostics_value(problem.diagnostics())),
    }
}

/// Reads binding records from the JSON text `lib/convert.js` wrote.
fn binding_records(bindings_json: &str) -> Result<Vec<Binding>, Failure> {
    let value = parse_converted(bindings_json)?;
    bindings_from_value(&value).map_err(|problem| binding_error(&problem))
}

/// Reads a JSON array of strings (group ids, policy ids) that `lib/api.js`
/// wrote. Strings travel as JSON text because wasm-bindgen's glue for
/// `Vec<String>` costs kilobytes of module size.
fn strings(text: &str, name: &str, max: usize) -> Result<Vec<String>, Failure> {
    let value = parse_converted(text)?;
    strings_from_value(&value, name, max).map_err(|problem| binding_error(&problem))
}

/// Orders binding records for an agent (see
/// `openleash_core::policy::order_bindings`) and returns a JSON array of
/// positions: in the records when `policy_ids_json` is `null`, else in that
/// array of the supplied policies' ids, one per layer of the agent's stack
/// (`BINDING_UNKNOWN_POLICY` for an applying binding whose policy is not
/// among them). One export with JSON text in and out keeps the module
/// small.
#[wasm_bindgen(js_name = orderBindings)]
pub fn order_bindings(
    bindings_json: &str,
    agent_principal_id: &str,
    group_ids_json: &str,
    policy_ids_json: &str,
) -> Result<String, JsValue> {
    Ok(ordered_positions(
        bindings_json,
        agent_principal_id,
        group_ids_json,
        policy_ids_json,
    )?)
}

fn ordered_positions(
    bindings_json: &str,
    agent_principal_id: &str,
    group_ids_json: &str,
    policy_ids_json: &str,
) -> Result<String, Failure> {
    let bindings = binding_records(bindings_json)?;
    let group_ids = strings(group_ids_json, "groupIds", MAX_GROUP_IDS)?;
    let groups: Vec<&str> = group_ids.iter().map(String::as_str).collect();
    let positions = if policy_ids_json == "null" {
        binding_positions(&bindings, agent_principal_id, &groups)
    } else {
        let policy_ids = strings(policy_ids_json, "policies", MAX_POLICIES)?;
        let lookup = |policy_id: &str| policy_ids.iter().position(|id| id == policy_id);
        layers_for_agent(&bindings, lookup, agent_principal_id, &groups)
            .map_err(|problem| binding_error(&problem))?
    };
    let items = positions
        .into_iter()
        .map(|position| Value::Number(position as f64))
        .collect();
    Ok(json::to_json(&Value::Array(items)))
}
