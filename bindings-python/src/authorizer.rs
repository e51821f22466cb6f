//! The `Authorizer` class: decisions with proof tokens.

use std::sync::{Arc, Mutex, PoisonError};

use openleash_core::authorizer::{Owner, TokenSettings};
use openleash_core::{
    Authorization, Authorizer, Decision, EvaluationOptions, KeySet, Policy, PolicyStack, Timestamp,
    Value, host,
};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::convert::{self, Failure, argument_value};
use crate::decision::{DecisionTemplates, decision_dict};
use crate::errors::{key_error, no_panic};
use crate::ids::OsRandomIds;
use crate::keys::{PyKeySet, read_key};
use crate::options::{seconds, timestamp_or_now};
use crate::policy::{DETACH_MIN_WORK, stack_of};

/// The source of the authorizer's keys.
enum Keys {
    /// A `KeySet` read on every call, so that rotation and revocation
    /// apply to the next decision.
    Shared(Py<PyKeySet>),
    /// One key file or PASERK, fixed when the authorizer was made.
    Fixed,
}

/// A policy stack joined with a signing key: decides actions and issues a
/// proof token when one is due. Safe to share between threads.
#[pyclass(name = "Authorizer", module = "openleash_core", frozen)]
pub struct PyAuthorizer {
    keys: Keys,
    stack: PolicyStack,
    /// Whether a rule of the stack has a `proof` that is not
    /// `required: false`; see [`may_issue_proof`].
    proof_rules: bool,
    settings: TokenSettings,
    owner: Option<Owner>,
    /// The core authorizer for the key set snapshot it was built from.
    /// INVARIANT: holding the snapshot keeps its allocation alive, so a
    /// pointer comparison with the key set's current snapshot is exact.
    current: Mutex<(Arc<KeySet>, Arc<Authorizer>)>,
    /// Built on the first decision.
    templates: PyOnceLock<DecisionTemplates>,
}

impl PyAuthorizer {
    /// Returns the core authorizer for the key set as it is now, and
    /// rebuilds it when the set changed since the last call.
    fn authorizer(&self) -> PyResult<Arc<Authorizer>> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let Keys::Shared(set) = &self.keys else {
            return Ok(Arc::clone(&current.1));
        };
        let snapshot = set.get().snapshot();
        if !Arc::ptr_eq(&snapshot, &current.0) {
            let authorizer = build(&self.stack, &snapshot, self.settings, self.owner.clone())?;
            *current = (snapshot, Arc::new(authorizer));
        }
        Ok(Arc::clone(&current.1))
    }

    fn options(&self, now: Timestamp) -> EvaluationOptions {
        EvaluationOptions {
            now,
            default_proof_ttl_seconds: Some(self.settings.default_ttl_seconds),
        }
    }
}

/// Returns true when a rule of `stack` has a `proof` setting other than
/// `required: false`.
fn has_proof_rules(stack: &PolicyStack) -> bool {
    let document = stack.document();
    let rules = document.as_object().and_then(|map| map.get("rules"));
    let Some(Value::Array(rules)) = rules else {
        return true;
    };
    rules.iter().any(|rule| {
        let proof = rule.as_object().and_then(|map| map.get("proof"));
        match proof {
            None | Some(Value::Null) => false,
            Some(proof) => {
                proof.as_object().and_then(|map| map.get("required")) != Some(&Value::Bool(false))
            }
        }
    })
}

/// Returns true when authorizing `action` may issue a proof: a rule of the
/// stack can require one, or the action's relying party has a trust profile
/// other than LOW or MEDIUM (HIGH and REGULATED require a proof whatever
/// the rule says). Only the choice to release the GIL depends on it: a
/// proof costs an Ed25519 signature of about 20 µs, while a decision without
/// one takes a few microseconds, less than releasing and re-acquiring the
/// GIL costs when other threads compete for it (`docs/benchmarks.md`).
fn may_issue_proof(proof_rules: bool, action: &Value) -> bool {
    if proof_rules {
        return true;
    }
    let trust_profile = action
        .as_object()
        .and_then(|map| map.get("relying_party"))
        .and_then(Value::as_object)
        .and_then(|party| party.get("trust_profile"));
    match trust_profile {
        None | Some(Value::Null) => false,
        Some(Value::String(profile)) => !matches!(profile.as_str(), "LOW" | "MEDIUM"),
        Some(_) => true,
    }
}

fn build(
    stack: &PolicyStack,
    keys: &KeySet,
    settings: TokenSettings,
    owner: Option<Owner>,
) -> PyResult<Authorizer> {
    let authorizer = Authorizer::new(stack.clone(), keys.clone())
        .and_then(|authorizer| authorizer.with_settings(settings))
        .map_err(|error| key_error(&error))?;
    Ok(match owner {
        Some(owner) => authorizer.with_owner(owner),
        None => authorizer,
    })
}

#[pymethods]
impl PyAuthorizer {
    /// An authorizer over `policy` (a Policy or a PolicyStack) that signs
    /// with `keys`: a KeySet with an active key, or a key file (or
    /// `k4.secret.` PASERK) with a private key. Proofs live for the matched
    /// rule's `proof.ttl_seconds`, else `default_ttl_seconds`, and at most
    /// `max_ttl_seconds`. `owner` (`owner_type`, `owner_id`) is written
    /// into proofs; by default it is the user named by the action's
    /// `subject.principal_id`. Raises OpenLeashKeyError.
    #[new]
    #[pyo3(
        signature = (policy, keys, *, default_ttl_seconds = None, max_ttl_seconds = None, owner = None),
        text_signature = "(policy, keys, *, default_ttl_seconds=120, max_ttl_seconds=3600, owner=None)"
    )]
    fn new(
        py: Python<'_>,
        policy: &Bound<'_, PyAny>,
        keys: &Bound<'_, PyAny>,
        default_ttl_seconds: Option<&Bound<'_, PyAny>>,
        max_ttl_seconds: Option<&Bound<'_, PyAny>>,
        owner: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyAuthorizer> {
        no_panic(|| {
            let stack = stack_of(policy, "Authorizer")?;
            let mut settings = TokenSettings::default();
            if let Some(value) = default_ttl_seconds.filter(|value| !value.is_none()) {
                settings.default_ttl_seconds = seconds(value, "default_ttl_seconds")?;
            }
            if let Some(value) = max_ttl_seconds.filter(|value| !value.is_none()) {
                settings.max_ttl_seconds = seconds(value, "max_ttl_seconds")?;
            }
            let owner = match owner.filter(|value| !value.is_none()) {
                Some(value) => {
                    let value = argument_value(value, "owner")?;
                    Some(host::owner_from_value(&value).map_err(|error| key_error(&error))?)
                }
                None => None,
            };

            let (source, snapshot) = match keys.cast::<PyKeySet>() {
                Ok(set) => {
                    let snapshot = set.get().snapshot();
                    (Keys::Shared(set.clone().unbind()), snapshot)
                }
                Err(_) => {
                    let key = read_key(py, keys, "keys")?;
                    let mut set = KeySet::new();
                    set.rotate(key).map_err(|error| key_error(&error))?;
                    (Keys::Fixed, Arc::new(set))
                }
            };
            let authorizer = build(&stack, &snapshot, settings, owner.clone())?;
            Ok(PyAuthorizer {
                keys: source,
                proof_rules: has_proof_rules(&stack),
                stack,
                settings,
                owner,
                current: Mutex::new((snapshot, Arc::new(authorizer))),
                templates: PyOnceLock::new(),
            })
        })
    }

    /// Decide an action (a dict) and return the decision, with
    /// `proof_token` and `proof_expires_at` when a proof was issued: the
    /// result is ALLOW and a proof is required. Never raises for the
    /// action: an invalid or unconvertible action, or a proof that cannot
    /// be issued (a revoked key), is a DENY decision with `error`. `now`
    /// defaults to the system clock.
    #[pyo3(signature = (action, *, now = None))]
    fn authorize<'py>(
        &self,
        py: Python<'py>,
        action: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        no_panic(|| {
            let now = timestamp_or_now(now, "now")?;
            let authorizer = self.authorizer()?;
            let templates = self.templates.get_or_try_init(py, || {
                let layers = self.stack.layers();
                DecisionTemplates::new(py, layers.iter().flat_map(Policy::rule_ids))
            })?;

            let mut ids = OsRandomIds;
            let authorization = match convert::to_value(action) {
                Ok(converted)
                    if converted.work >= DETACH_MIN_WORK
                        || may_issue_proof(self.proof_rules, &converted.value) =>
                {
                    py.detach(|| authorizer.authorize(converted.value, now, &mut ids))
                }
                Ok(converted) => authorizer.authorize(converted.value, now, &mut ids),
                Err(Failure::Value(error)) => Authorization {
                    decision: Decision::rejected_input(
                        error.code(),
                        format!("invalid action: {error}"),
                        &self.options(now),
                        &mut ids,
                    ),
                    proof_token: None,
                    proof_expires_at: None,
                },
                Err(Failure::Python(error)) => return Err(error),
            };

            let dict = decision_dict(py, &authorization.decision, templates)?;
            if let Some(token) = &authorization.proof_token {
                dict.set_item(intern!(py, "proof_token"), token)?;
            }
            if let Some(expires_at) = authorization.proof_expires_at {
                dict.set_item(
                    intern!(py, "proof_expires_at"),
                    expires_at.to_rfc3339_millis(),
                )?;
            }
            Ok(dict)
        })
    }

    fn __repr__(&self) -> String {
        let keys = match &self.keys {
            Keys::Shared(set) => set.get().snapshot(),
            Keys::Fixed => {
                let current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
                Arc::clone(&current.0)
            }
        };
        let rules: usize = self
            .stack
            .layers()
            .iter()
            .map(|layer| layer.rule_ids().count())
            .sum();
        let active = keys
            .active()
            .map_or("None".to_owned(), |key| format!("{:?}", key.kid()));
        format!("<Authorizer rules={rules} active={active}>")
    }
}
