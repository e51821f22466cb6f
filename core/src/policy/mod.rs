//! Policies: loading, validation, compilation and layering.

mod binding;
mod diagnostic;
pub(crate) mod model;
mod path;
mod validate;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

pub use binding::{
    Binding, BindingError, MAX_BINDINGS, MAX_GROUP_IDS, MAX_POLICIES, binding_positions,
    bindings_from_value, check_group_ids, layers_for_agent, order_bindings, stack_for_agent,
    strings_from_value, too_many_bindings,
};
pub use diagnostic::{Diagnostic, PolicyError};
pub use model::{AssuranceLevel, DefaultEffect, Effect, ObligationType};
pub use path::MAX_PATH_CHARS;
pub use validate::{MAX_LIST_ITEMS, MAX_POLICY_REGEX_SIZE, MAX_RULES};

use crate::action::{Action, ActionError, ActionFields, ActionView};
use crate::eval::{
    Decision, DecisionError, DecisionResult, EvaluationOptions, IdSource, RuleSet, Trace,
};
use crate::json::{Map, Value};
use crate::yaml::{self, YamlLimits};

/// A validated, compiled policy document: immutable, cheap to clone and safe
/// to share between threads.
#[derive(Clone, Debug)]
pub struct Policy {
    inner: Arc<PolicyInner>,
}

#[derive(Debug)]
struct PolicyInner {
    rules: RuleSet,
    document: Value,
    warnings: Vec<Diagnostic>,
}

impl Policy {
    /// Parses and validates a YAML policy with the default [`YamlLimits`].
    ///
    /// Every problem in the document is reported in the error, each with a
    /// stable code, the path and the YAML line and column.
    pub fn from_yaml(text: &str) -> Result<Policy, PolicyError> {
        Policy::from_yaml_with_limits(text, &YamlLimits::default())
    }

    /// Parses and validates a YAML policy given as bytes, as read from a
    /// file: the size limit is checked first (`YAML_TOO_LARGE`), then that
    /// the bytes are UTF-8 (`YAML_INVALID_UTF8`, at the first invalid byte).
    pub fn from_yaml_bytes(bytes: &[u8], limits: &YamlLimits) -> Result<Policy, PolicyError> {
        let diagnostic = |code: &'static str, message: String, line: u32, column: u32| {
            PolicyError::new(vec![Diagnostic::new(
                code,
                message,
                String::new(),
                line,
                column,
            )])
        };
        let text = crate::json::utf8(bytes, limits.max_bytes).map_err(|problem| match problem {
            crate::json::Utf8Problem::TooLarge => diagnostic(
                "YAML_TOO_LARGE",
                format!(
                    "the document is more than the limit of {} bytes",
                    limits.max_bytes
                ),
                1,
                1,
            ),
            crate::json::Utf8Problem::Invalid { line, column } => diagnostic(
                "YAML_INVALID_UTF8",
                "the document is not valid UTF-8".to_owned(),
                line,
                column,
            ),
        })?;
        Policy::from_yaml_with_limits(text, limits)
    }

    /// Parses and validates a YAML policy with explicit size limits.
    pub fn from_yaml_with_limits(text: &str, limits: &YamlLimits) -> Result<Policy, PolicyError> {
        let root = yaml::parse(text, limits).map_err(|error| {
            let mark = error.mark();
            PolicyError::new(vec![Diagnostic::new(
                error.code(),
                error.message().to_owned(),
                String::new(),
                mark.line,
                mark.column,
            )])
        })?;
        let validated = validate::validate(root).map_err(PolicyError::new)?;
        Ok(Policy {
            inner: Arc::new(PolicyInner {
                rules: RuleSet::new(validated.rules, validated.default),
                document: validated.document,
                warnings: validated.warnings,
            }),
        })
    }

    /// The `default` of this document.
    pub fn default_effect(&self) -> DefaultEffect {
        self.inner.rules.default_effect()
    }

    /// Rule ids in document order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.inner.rules.rules().iter().map(|rule| rule.id.as_ref())
    }

    /// The document as parsed, as JSON (scalars resolved by YAML 1.2 rules,
    /// or 1.1 rules under a `%YAML 1.1` directive).
    pub fn document(&self) -> &Value {
        &self.inner.document
    }

    /// Problems that do not stop the policy from loading, such as duplicate
    /// rule ids.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.inner.warnings
    }

    /// Evaluates an action against this policy alone. A `passthrough`
    /// default has no further layer to defer to, so it denies with the
    /// reason `No rule matched; default policy: passthrough (no further
    /// layer — denied)`. Fails closed: a panic during evaluation yields a
    /// DENY decision where panics unwind (see [`PolicyStack::evaluate`]).
    pub fn evaluate(
        &self,
        action: &Action,
        options: &EvaluationOptions,
        ids: &mut dyn IdSource,
    ) -> Decision {
        evaluate_guarded(&self.inner.rules, action, options, ids)
    }

    /// Validates an action given as JSON and evaluates it; an invalid
    /// action yields a DENY decision carrying the error.
    pub fn decide(
        &self,
        action: Value,
        options: &EvaluationOptions,
        ids: &mut dyn IdSource,
    ) -> Decision {
        decide_guarded(&self.inner.rules, Action::from_value(action), options, ids)
    }

    /// Parses action JSON text, validates it and evaluates it. Text that is
    /// not valid JSON or not a valid action yields a DENY decision carrying
    /// the error.
    pub fn decide_json(
        &self,
        action: &str,
        options: &EvaluationOptions,
        ids: &mut dyn IdSource,
    ) -> Decision {
        decide_json_guarded(&self.inner.rules, action, options, ids)
    }

    /// Like `decide_json`, for action JSON given as bytes: text over
    /// [`crate::json::MAX_JSON_BYTES`] (`JSON_TOO_LARGE`) or not UTF-8
    /// (`JSON_INVALID_UTF8`) yields a DENY decision carrying the error.
    pub fn decide_json_bytes(
        &self,
        action: &[u8],
        options: &EvaluationOptions,
        ids: &mut dyn IdSource,
    ) -> Decision {
        decide_json_bytes_guarded(&self.inner.rules, action, options, ids)
    }
}

/// Several policies applied together, most specific first.
///
/// Rules of all layers are concatenated in order, and the first match
/// decides. The stack's default is the first layer default that is not
/// `passthrough`, or `deny` when every layer passes through (also for an
/// empty stack).
#[derive(Clone, Debug)]
pub struct PolicyStack {
    rules: Arc<RuleSet>,
    layers: Vec<Policy>,
}

impl PolicyStack {
    /// Compiles the layers, most specific first, into one indexed rule list.
    pub fn new(layers: impl IntoIterator<Item = Policy>) -> PolicyStack {
        let layers: Vec<Policy> = layers.into_iter().collect();
        let default = layers
            .iter()
            .map(Policy::default_effect)
            .find(|effect| *effect != DefaultEffect::Passthrough)
            .unwrap_or(DefaultEffect::Deny);
        let rules = layers
            .iter()
            .flat_map(|layer| layer.inner.rules.rules().iter().cloned())
            .collect();
        PolicyStack {
            rules: Arc::new(RuleSet::new(rules, default)),
            layers,
        }
    }

    /// Wraps one policy so that it evaluates exactly like
    /// [`Policy::evaluate`]: a `passthrough` default denies with its own
    /// reason instead of becoming `deny`. Lets callers treat one policy and
    /// a stack alike.
    pub fn single(policy: Policy) -> PolicyStack {
        PolicyStack {
            rules: Arc::new(policy.inner.rules.clone()),
            layers: vec![policy],
        }
    }

    /// Builds the stack a caller with `policies` means: one policy
    /// evaluates on its own ([`PolicyStack::single`]), several are layered
    /// most specific first ([`PolicyStack::new`]).
    pub fn from_policies(policies: Vec<Policy>) -> PolicyStack {
        match <[Policy; 1]>::try_from(policies) {
            Ok([only]) => PolicyStack::single(only),
            Err(layers) => PolicyStack::new(layers),
        }
    }

    /// The layers, most specific first.
    pub fn layers(&self) -> &[Policy] {
        &self.layers
    }

    /// The merged default.
    pub fn default_effect(&self) -> DefaultEffect {
        self.rules.default_effect()
    }

    /// The merged policy as JSON: `version` 1, the merged default and the
    /// rules of all layers in order.
    pub fn document(&self) -> Value {
        let rules: Vec<Value> = self
            .layers
            .iter()
            .filter_map(|layer| layer.document().as_object()?.get("rules")?.as_array())
            .flat_map(|rules| rules.iter().cloned())
            .collect();
        let mut map = Map::new();
        map.insert("version".to_owned(), Value::Number(1.0));
        map.insert(
            "default".to_owned(),
            Value::String(self.default_effect().as_str().to_owned()),
        );
        map.insert("rules".to_owned(), Value::Array(rules));
        Value::Object(map)
    }

    /// Evaluates an action against the stack. Fails closed: a panic during
    /// evaluation, which would be an engine bug, yields a DENY decision on
    /// targets where panics unwind; with `panic = "abort"` it aborts.
    pub fn evaluate(
        &self,
        action: &Action,
        options: &EvaluationOptions,
        ids: &mut dyn IdSource,
    ) -> Decision {
        evaluate_guarded(&self.rules, action, options, ids)
    }

    /// Validates an action given as JSON and evaluates it; an invalid
    /// action yields a DENY decision carrying the error.
    pub fn decide(
        &self,
        action: Value,
        options: &EvaluationOptions,
        ids: &mut dyn IdSource,
    ) -> Decision {
        decide_guarded(&self.rules, Action::from_value(action), options, ids)
    }

    /// Parses action JSON text, validates it and evaluates it. Text that is
    /// not valid JSON or not a valid action yields a DENY decision carrying
    /// the error.
    pub fn decide_json(
        &self,
        action: &str,
        options: &EvaluationOptions,
        ids: &mut dyn IdSource,
    ) -> Decision {
        decide_json_guarded(&self.rules, action, options, ids)
    }

    /// Like `decide_json`, for action JSON given as bytes: text over
    /// [`crate::json::MAX_JSON_BYTES`] (`JSON_TOO_LARGE`) or not UTF-8
    /// (`JSON_INVALID_UTF8`) yields a DENY decision carrying the error.
    pub fn decide_json_bytes(
        &self,
        action: &[u8],
        options: &EvaluationOptions,
        ids: &mut dyn IdSource,
    ) -> Decision {
        decide_json_bytes_guarded(&self.rules, action, options, ids)
    }
}

fn evaluate_guarded(
    rules: &RuleSet,
    action: &dyn ActionFields,
    options: &EvaluationOptions,
    ids: &mut dyn IdSource,
) -> Decision {
    // A panic here would be a bug in the engine; it must still deny. On
    // targets built with `panic = "abort"` the process aborts instead.
    match catch_unwind(AssertUnwindSafe(|| rules.evaluate(action, options, ids))) {
        Ok(decision) => decision,
        Err(_) => failed_closed(
            action.action_id(),
            action.hash(),
            "INTERNAL_ERROR",
            "evaluation failed unexpectedly".to_owned(),
            options,
            ids,
        ),
    }
}

fn decide_guarded(
    rules: &RuleSet,
    action: Result<Action, ActionError>,
    options: &EvaluationOptions,
    ids: &mut dyn IdSource,
) -> Decision {
    match action {
        Ok(action) => {
            let decision = evaluate_guarded(rules, &action, options, ids);
            // The action is no longer needed, so its buffers serve the next
            // parse on this thread.
            crate::json::keep_spares(action.into_value());
            decision
        }
        Err(error) => failed_closed("", "", error.code(), error.to_string(), options, ids),
    }
}

fn decide_json_guarded(
    rules: &RuleSet,
    text: &str,
    options: &EvaluationOptions,
    ids: &mut dyn IdSource,
) -> Decision {
    // Canonical JSON of a valid action, as the JavaScript packages send it,
    // is evaluated where it lies. Anything else is parsed in full, which
    // normalizes the action or names its problems.
    let read = ActionView::with_text(text, |view| evaluate_guarded(rules, &view, options, ids));
    if let Some(decision) = read {
        return decision;
    }
    match crate::json::parse_noting_canonical(text, &crate::json::JsonLimits::default()) {
        Ok(parsed) => decide_guarded(rules, Action::from_parsed_json(parsed), options, ids),
        Err(error) => json_error_decision(&error, options, ids),
    }
}

fn decide_json_bytes_guarded(
    rules: &RuleSet,
    bytes: &[u8],
    options: &EvaluationOptions,
    ids: &mut dyn IdSource,
) -> Decision {
    let limits = crate::json::JsonLimits::default();
    if let Ok(text) = crate::json::utf8(bytes, limits.max_bytes) {
        return decide_json_guarded(rules, text, options, ids);
    }
    // Too large or not UTF-8: the parser names the problem.
    match crate::json::parse_bytes_noting_canonical(bytes, &limits) {
        Ok(parsed) => decide_guarded(rules, Action::from_parsed_json(parsed), options, ids),
        Err(error) => json_error_decision(&error, options, ids),
    }
}

fn json_error_decision(
    error: &crate::json::JsonError,
    options: &EvaluationOptions,
    ids: &mut dyn IdSource,
) -> Decision {
    failed_closed(
        "",
        "",
        error.code(),
        format!(
            "invalid action JSON at line {}, column {}: {}",
            error.line(),
            error.column(),
            error.message()
        ),
        options,
        ids,
    )
}

/// Builds the DENY decision for input that could not be evaluated.
pub(crate) fn failed_closed(
    action_id: &str,
    action_hash: &str,
    code: &str,
    message: String,
    options: &EvaluationOptions,
    ids: &mut dyn IdSource,
) -> Decision {
    Decision {
        decision_id: ids.next_uuid(),
        action_id: action_id.to_owned(),
        action_hash: action_hash.to_owned(),
        result: DecisionResult::Deny,
        matched_rule_id: None,
        reason: format!("Denied: {message}"),
        obligations: Vec::new(),
        proof_required: false,
        proof_ttl_seconds: None,
        decided_at: options.now,
        trace: Trace::empty(),
        error: Some(DecisionError {
            code: code.to_owned(),
            message,
        }),
    }
}
