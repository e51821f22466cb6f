//! Policies, policy stacks and evaluation.

use std::io::Read;

use napi::bindgen_prelude::{Array, ClassInstance, Either, FromNapiValue, Object, Unknown};
use napi::{Env, JsValue, Result, ValueType};
use napi_derive::napi;
use openleash_core::Decision;
use openleash_core::json;
use openleash_core::policy::{
    Binding, BindingError, MAX_GROUP_IDS, MAX_POLICIES, binding_positions, bindings_from_value,
    layers_for_agent, strings_from_value,
};
use openleash_core::yaml::YamlLimits;
use openleash_core::{Policy as CorePolicy, PolicyStack as CoreStack};

use crate::convert::{diagnostics, to_js};
use crate::decision::decision_parts;
use crate::errors::{ErrorClass, error, guarded, policy_error, type_error};
use crate::fast::{Evaluator, Registration};
use crate::json::{json_error, string_argument};
use crate::options::{evaluation_options, os_random};

/// A validated, compiled policy document. Immutable: load it once and
/// evaluate any number of actions against it.
#[napi]
pub struct Policy {
    pub(crate) inner: CorePolicy,
    /// Its handle for `evaluateRegistered`, taken when first evaluated.
    pub(crate) registration: Registration,
}

impl Policy {
    /// Wraps a core policy; it registers for evaluation when first evaluated.
    pub(crate) fn from_core(inner: CorePolicy) -> Policy {
        Policy {
            inner,
            registration: Registration::default(),
        }
    }
}

#[napi]
impl Policy {
    /// Parses and validates a YAML policy in OpenLeash's format (`version: 1`,
    /// the only version).
    ///
    /// Throws `PolicyError` listing every problem found, each with a stable
    /// code, its path (such as `rules[2].when.match.op`) and its 1-based
    /// YAML line and column. Throws `ValueConversionError`
    /// (`VALUE_LONE_SURROGATE`) for a string that is not well-formed UTF-16,
    /// and `TypeError` when `text` is not a string.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_yaml(env: Env, text: Unknown) -> Result<Policy> {
        guarded(&env, || {
            let text = string_argument(&env, text, "text")?;
            let inner =
                CorePolicy::from_yaml(&text).map_err(|problem| policy_error(&env, &problem))?;
            Ok(Policy::from_core(inner))
        })
    }

    /// Reads a YAML policy file (synchronously) and loads it as
    /// `Policy.fromYaml` does.
    ///
    /// Throws `PolicyError` for an invalid policy; for a file that cannot
    /// be read its code and only diagnostic are `POLICY_FILE_UNREADABLE`
    /// (line and column 0). A file over the YAML size limit (1 MiB) is
    /// `YAML_TOO_LARGE` and is not read past the limit; bytes that are not
    /// UTF-8 are `YAML_INVALID_UTF8`.
    #[napi(factory, ts_args_type = "path: string")]
    pub fn from_file(env: Env, path: Unknown) -> Result<Policy> {
        guarded(&env, || {
            let path = string_argument(&env, path, "path")?;
            let limits = YamlLimits::default();
            let bytes = read_limited(&path, limits.max_bytes).map_err(|message| {
                error(
                    &env,
                    ErrorClass::Policy,
                    "POLICY_FILE_UNREADABLE",
                    &message,
                    |fields| {
                        let mut diagnostic = Object::new(&env)?;
                        diagnostic.set("code", "POLICY_FILE_UNREADABLE")?;
                        diagnostic.set("message", message.as_str())?;
                        diagnostic.set("path", "")?;
                        diagnostic.set("line", 0)?;
                        diagnostic.set("column", 0)?;
                        let mut all = env.create_array(1)?;
                        all.set(0, diagnostic)?;
                        fields.set("diagnostics", all)
                    },
                )
            })?;
            let inner = CorePolicy::from_yaml_bytes(&bytes, &limits)
                .map_err(|problem| policy_error(&env, &problem))?;
            Ok(Policy::from_core(inner))
        })
    }

    /// Rule ids in document order.
    #[napi(getter)]
    pub fn rule_ids(&self) -> Vec<String> {
        self.inner.rule_ids().map(str::to_owned).collect()
    }

    /// The document's `default`.
    #[napi(getter, js_name = "default", ts_return_type = "DefaultEffect")]
    pub fn default_effect(&self) -> &'static str {
        self.inner.default_effect().as_str()
    }

    /// Problems that do not stop the policy from loading, such as duplicate
    /// rule ids.
    #[napi(getter, ts_return_type = "Diagnostic[]")]
    pub fn warnings<'e>(&self, env: &'e Env) -> Result<Array<'e>> {
        guarded(env, || diagnostics(env, self.inner.warnings()))
    }

    /// The document as parsed, as plain data: YAML 1.2 scalars resolved
    /// (YAML 1.1 under a `%YAML 1.1` directive). A new object on each read.
    #[napi(getter, ts_return_type = "Record<string, JsonValue>")]
    pub fn document<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        guarded(env, || to_js(env, self.inner.document()))
    }

    /// Evaluates an action against this policy alone and returns the
    /// decision. A `passthrough` default has no further layer, so it denies.
    ///
    /// Never throws for the action: an action that is invalid, or that
    /// contains a value with no JSON form, is a `DENY` decision whose `error`
    /// gives the code and message. `options.now` is a `Date` or an RFC 3339
    /// string (default: `Date.now()`); an invalid one throws
    /// `OpenLeashError` (`INVALID_TIMESTAMP`). `defaultProofTtlSeconds` is
    /// the TTL reported when the matched rule sets none; it must be a
    /// positive number (`INVALID_PROOF_TTL`).
    // The native method registers the policy for `evaluateRegistered` and
    // returns its handle (src/fast.rs); `index.js` puts the wrapper the
    // declaration describes in its place.
    #[napi(
        ts_args_type = "action: ActionRequest, options?: EvaluateOptions",
        ts_return_type = "Decision"
    )]
    pub fn evaluate(&self, env: Env) -> Result<f64> {
        guarded(&env, || {
            self.registration
                .handle(|| Evaluator::Policy(self.inner.clone()))
        })
    }
}

/// Several policies applied together, most specific first.
///
/// The rules of all layers are evaluated in order and the first match
/// decides. The stack's default is the first layer default that is not
/// `passthrough`, or `deny` when every layer passes through (also for an
/// empty stack).
#[napi]
pub struct PolicyStack {
    pub(crate) inner: CoreStack,
    /// Its handle for `evaluateRegistered`, taken when first evaluated.
    pub(crate) registration: Registration,
}

impl PolicyStack {
    /// Wraps a core stack; it registers for evaluation when first evaluated.
    pub(crate) fn from_core(inner: CoreStack) -> PolicyStack {
        PolicyStack {
            inner,
            registration: Registration::default(),
        }
    }
}

#[napi]
impl PolicyStack {
    /// Layers `policies`, most specific first (an agent's policy before
    /// its owner's). Throws `TypeError` when `policies` is not an array of
    /// `Policy`.
    #[napi(constructor, ts_args_type = "policies: ReadonlyArray<Policy>")]
    pub fn new(env: Env, policies: Unknown) -> Result<PolicyStack> {
        guarded(&env, || {
            let layers = policy_list(&env, policies)?;
            Ok(PolicyStack::from_core(CoreStack::new(layers)))
        })
    }

    /// Builds the stack that applies to an agent from OpenLeash policy
    /// binding records. The bindings that apply, ordered as `orderBindings`
    /// orders them, are each replaced by their policy from `policies`
    /// (keyed by policy id, as an object or a Map).
    ///
    /// Throws `PolicyError` with code `BINDING_INVALID` for a malformed
    /// record. An applying binding whose policy is not in `policies` throws
    /// `BINDING_UNKNOWN_POLICY`, because skipping it could allow what it
    /// denies. Throws `TypeError` when a value of `policies` is not a
    /// `Policy` or an argument has the wrong type, and
    /// `ValueConversionError` for records with no JSON form.
    // Writable and configurable so that `index.js` can put its wrapper,
    // which writes the records as JSON text, in its place.
    #[napi(
        factory,
        writable = true,
        configurable = true,
        ts_args_type = "bindings: ReadonlyArray<PolicyBinding>, policies: Readonly<Record<string, Policy>> | ReadonlyMap<string, Policy>, agentPrincipalId: string, groupIds?: ReadonlyArray<string>"
    )]
    pub fn for_agent(
        env: Env,
        bindings_json: String,
        policy_ids_json: String,
        policies: Unknown,
        agent_principal_id: Unknown,
        group_ids_json: String,
    ) -> Result<PolicyStack> {
        guarded(&env, || {
            let agent = string_argument(&env, agent_principal_id, "agentPrincipalId")?;
            let bindings = binding_records(&env, &bindings_json)?;
            let group_ids = string_list(&env, &group_ids_json, "groupIds", MAX_GROUP_IDS)?;
            let policy_ids = string_list(&env, &policy_ids_json, "policies", MAX_POLICIES)?;
            // A forged object passes `instanceof Policy` in `index.js` but
            // not this check, which names it by its policy id.
            let supplied = policies_in(&env, policies, |index| {
                let id = usize::try_from(index)
                    .ok()
                    .and_then(|index| policy_ids.get(index));
                format!("{:?}", id.map_or("", String::as_str))
            })?;
            let groups: Vec<&str> = group_ids.iter().map(String::as_str).collect();
            let lookup = |policy_id: &str| {
                let position = policy_ids.iter().position(|id| id == policy_id)?;
                supplied.get(position).cloned()
            };
            let layers = layers_for_agent(&bindings, lookup, &agent, &groups)
                .map_err(|problem| binding_error(&env, &problem))?;
            Ok(PolicyStack::from_core(CoreStack::new(layers)))
        })
    }

    /// The layers, most specific first.
    #[napi(getter)]
    pub fn layers(&self) -> Vec<Policy> {
        self.inner
            .layers()
            .iter()
            .map(|layer| Policy::from_core(layer.clone()))
            .collect()
    }

    /// The rule ids of all layers, in evaluation order.
    #[napi(getter)]
    pub fn rule_ids(&self) -> Vec<String> {
        self.inner
            .layers()
            .iter()
            .flat_map(|layer| layer.rule_ids().map(str::to_owned))
            .collect()
    }

    /// The merged default.
    #[napi(getter, js_name = "default", ts_return_type = "DefaultEffect")]
    pub fn default_effect(&self) -> &'static str {
        self.inner.default_effect().as_str()
    }

    /// The merged policy as plain data: `version` 1, the merged default and
    /// the rules of all layers in order.
    #[napi(getter, ts_return_type = "Record<string, JsonValue>")]
    pub fn document<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        guarded(env, || to_js(env, &self.inner.document()))
    }

    /// Evaluates an action against the stack and returns the decision; see
    /// `Policy.evaluate` for the options and errors.
    // Registers the stack and returns its handle, like `Policy.evaluate`.
    #[napi(
        ts_args_type = "action: ActionRequest, options?: EvaluateOptions",
        ts_return_type = "Decision"
    )]
    pub fn evaluate(&self, env: Env) -> Result<f64> {
        guarded(&env, || {
            self.registration
                .handle(|| Evaluator::Stack(self.inner.clone()))
        })
    }
}

/// Evaluates an action against a policy or a policy stack: the same as
/// `target.evaluate(action, options)`. Throws `TypeError` when `target` is
/// neither.
#[napi(
    ts_args_type = "target: Policy | PolicyStack, action: ActionRequest, options?: EvaluateOptions",
    ts_return_type = "Decision"
)]
pub fn evaluate(env: Env, target: Unknown) -> Result<u32> {
    // Natively this only returns the target's kind to `index.js`: 1 for a
    // `Policy`, 2 for a `PolicyStack`.
    guarded(&env, || {
        if ClassInstance::<Policy>::from_unknown(target).is_ok() {
            return Ok(1);
        }
        if ClassInstance::<PolicyStack>::from_unknown(target).is_ok() {
            return Ok(2);
        }
        Err(type_error(&env, "target must be a Policy or a PolicyStack"))
    })
}

/// The DENY decision for an action that `index.js` could not convert to
/// JSON (a function, a cyclic object, NaN...), built by the core like any
/// decision on an invalid action.
#[napi(skip_typescript, js_name = "unreadableActionDecision")]
pub fn unreadable_action_decision(
    env: Env,
    code: String,
    message: String,
    now: Either<f64, String>,
    default_proof_ttl_seconds: Option<f64>,
) -> Result<String> {
    guarded(&env, || {
        let options = evaluation_options(&env, now, default_proof_ttl_seconds)?;
        let decision = Decision::rejected_input(&code, message, &options, &mut os_random);
        Ok(decision_parts(&decision))
    })
}

/// Validates a YAML policy and returns every problem that stops it from
/// loading; the list is empty for a valid policy (whose warnings are on
/// `Policy.warnings`). Never throws for an invalid policy; throws
/// `TypeError` when `text` is not a string.
#[napi(ts_args_type = "text: string", ts_return_type = "Diagnostic[]")]
pub fn validate_policy<'e>(env: &'e Env, text: Unknown) -> Result<Array<'e>> {
    guarded(env, || {
        let text = string_argument(env, text, "text")?;
        match CorePolicy::from_yaml(&text) {
            Ok(_) => env.create_array(0),
            Err(problem) => diagnostics(env, problem.diagnostics()),
        }
    })
}

/// The policies of a `PolicyStack` constructor argument.
fn policy_list(env: &Env, value: Unknown) -> Result<Vec<CorePolicy>> {
    if value.get_type()? != ValueType::Object || !value.is_array()? {
        return Err(type_error(env, "policies must be an array of Policy"));
    }
    policies_in(env, value, |index| index.to_string())
}

/// Reads an array of `Policy`; an item that is not one is a `TypeError`
/// naming it as `policies[label(index)]`.
fn policies_in(
    env: &Env,
    value: Unknown,
    label: impl Fn(u32) -> String,
) -> Result<Vec<CorePolicy>> {
    let array = Array::from_unknown(value)?;
    let mut layers = Vec::with_capacity(array.len() as usize);
    for index in 0..array.len() {
        let item: Option<Unknown> = array.get(index)?;
        let policy = item.and_then(|item| ClassInstance::<Policy>::from_unknown(item).ok());
        match policy {
            Some(policy) => layers.push(policy.inner.clone()),
            None => {
                let message = format!("policies[{}] must be a Policy", label(index));
                return Err(type_error(env, &message));
            }
        }
    }
    Ok(layers)
}

/// Orders OpenLeash policy binding records for an agent, most specific
/// first: bindings for this agent, then for one of `groupIds`, then
/// owner-wide ones; ascending `rank` (default 100) within each tier, equal
/// ranks in input order. Bindings for another agent or another group are
/// left out. Returns the given record objects.
///
/// Throws `PolicyError` (`BINDING_INVALID`) for a malformed record,
/// `TypeError` for an argument of the wrong type and
/// `ValueConversionError` for records with no JSON form.
#[napi(
    ts_generic_types = "B extends PolicyBinding",
    ts_args_type = "bindings: ReadonlyArray<B>, agentPrincipalId: string, groupIds?: ReadonlyArray<string>",
    ts_return_type = "B[]"
)]
pub fn order_bindings(
    env: Env,
    bindings_json: String,
    agent_principal_id: Unknown,
    group_ids_json: String,
) -> Result<Vec<u32>> {
    guarded(&env, || {
        let agent = string_argument(&env, agent_principal_id, "agentPrincipalId")?;
        let bindings = binding_records(&env, &bindings_json)?;
        let group_ids = string_list(&env, &group_ids_json, "groupIds", MAX_GROUP_IDS)?;
        let groups: Vec<&str> = group_ids.iter().map(String::as_str).collect();
        Ok(binding_positions(&bindings, &agent, &groups)
            .into_iter()
            .map(|position| u32::try_from(position).unwrap_or(u32::MAX))
            .collect())
    })
}

/// Reads binding records from the JSON text `index.js` wrote.
fn binding_records(env: &Env, text: &str) -> Result<Vec<Binding>> {
    let value = json::parse(text).map_err(|problem| json_error(env, &problem, false))?;
    bindings_from_value(&value).map_err(|problem| binding_error(env, &problem))
}

/// Reads a list of strings (group ids, policy ids) from the JSON text
/// `index.js` wrote. Strings travel as JSON text so that the core's parser
/// rejects lone surrogates, which N-API would replace with U+FFFD.
fn string_list(env: &Env, text: &str, name: &str, max: usize) -> Result<Vec<String>> {
    let value = json::parse(text).map_err(|problem| json_error(env, &problem, false))?;
    strings_from_value(&value, name, max).map_err(|problem| binding_error(env, &problem))
}

/// Builds a `PolicyError` without diagnostics for binding records.
fn binding_error(env: &Env, problem: &BindingError) -> napi::Error {
    error(
        env,
        ErrorClass::Policy,
        problem.code(),
        &problem.to_string(),
        |fields| fields.set("diagnostics", env.create_array(0)?),
    )
}

/// Reads a file, stopping one byte past `max_bytes` so that the size check
/// reports an oversized file without reading all of it.
fn read_limited(path: &str, max_bytes: usize) -> std::result::Result<Vec<u8>, String> {
    let limit = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit).read_to_end(&mut bytes))
        .map_err(|problem| format!("cannot read {path}: {problem}"))?;
    Ok(bytes)
}
