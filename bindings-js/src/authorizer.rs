//! The authorizer: a policy stack joined with a signing key.

use openleash_core::authorizer::TokenSettings;
use openleash_core::{Authorization, Authorizer, Decision, EvaluationOptions, host, json};
use wasm_bindgen::prelude::*;

use crate::decision::authorization_parts;
use crate::errors::{Failure, key_error};
use crate::json::parse_converted;
use crate::keys::KeySetHandle;
use crate::options::{RandomIds, timestamp};
use crate::policy::StackHandle;

/// Decides actions and issues their proofs.
#[wasm_bindgen]
pub struct AuthorizerHandle {
    inner: Authorizer,
}

#[wasm_bindgen]
impl AuthorizerHandle {
    /// Joins `stack` with a copy of `keys`, whose active key signs. Proof
    /// lifetimes default to 120 and at most 3,600 seconds; `owner_json`,
    /// `{owner_type, owner_id}`, replaces the action's subject as the
    /// proofs' owner.
    #[wasm_bindgen(constructor)]
    pub fn new(
        stack: &StackHandle,
        keys: &KeySetHandle,
        default_ttl_seconds: Option<f64>,
        max_ttl_seconds: Option<f64>,
        owner_json: Option<String>,
    ) -> Result<AuthorizerHandle, JsValue> {
        Ok(AuthorizerHandle {
            inner: build(
                stack,
                keys,
                default_ttl_seconds,
                max_ttl_seconds,
                owner_json,
            )?,
        })
    }

    /// Decides an action given as UTF-8 JSON and issues its proof when one
    /// is due; returns the decision parts (see `decision.rs`). Never throws
    /// for the action: an invalid one is a DENY decision.
    pub fn authorize(
        &self,
        action_json: &[u8],
        now_millis: f64,
        now_text: Option<String>,
    ) -> Result<String, JsValue> {
        self.decide(None, action_json, now_millis, now_text)
    }

    /// Like `authorize`, signing with the active key of `keys` as it is
    /// now, so that a key set's rotations and revocations apply.
    #[wasm_bindgen(js_name = authorizeWith)]
    pub fn authorize_with(
        &self,
        keys: &KeySetHandle,
        action_json: &[u8],
        now_millis: f64,
        now_text: Option<String>,
    ) -> Result<String, JsValue> {
        self.decide(Some(keys), action_json, now_millis, now_text)
    }
}

impl AuthorizerHandle {
    fn decide(
        &self,
        keys: Option<&KeySetHandle>,
        action_json: &[u8],
        now_millis: f64,
        now_text: Option<String>,
    ) -> Result<String, JsValue> {
        let now = timestamp(now_millis, now_text)?;
        let mut ids = RandomIds::at(now);
        let authorization = match json::parse_bytes(action_json, &json::JsonLimits::default()) {
            Ok(action) => match keys {
                Some(keys) => self
                    .inner
                    .authorize_with_keys(keys.keys(), action, now, &mut ids),
                None => self.inner.authorize(action, now, &mut ids),
            },
            Err(problem) => {
                // The same decision `decide_json` gives for text the
                // strict parser rejects.
                let message = format!(
                    "invalid action JSON at line {}, column {}: {}",
                    problem.line(),
                    problem.column(),
                    problem.message()
                );
                let options = EvaluationOptions::at(now);
                Authorization {
                    decision: Decision::rejected_input(problem.code(), message, &options, &mut ids),
                    proof_token: None,
                    proof_expires_at: None,
                }
            }
        };
        Ok(authorization_parts(&authorization))
    }
}

fn build(
    stack: &StackHandle,
    keys: &KeySetHandle,
    default_ttl_seconds: Option<f64>,
    max_ttl_seconds: Option<f64>,
    owner_json: Option<String>,
) -> Result<Authorizer, Failure> {
    let defaults = TokenSettings::default();
    let settings = TokenSettings {
        default_ttl_seconds: default_ttl_seconds.unwrap_or(defaults.default_ttl_seconds),
        max_ttl_seconds: max_ttl_seconds.unwrap_or(defaults.max_ttl_seconds),
    };
    let mut authorizer = Authorizer::new(stack.stack().clone(), keys.keys().clone())
        .and_then(|authorizer| authorizer.with_settings(settings))
        .map_err(|problem| key_error(&problem))?;
    if let Some(text) = owner_json {
        let owner = host::owner_from_value(&parse_converted(&text)?)
            .map_err(|problem| key_error(&problem))?;
        authorizer = authorizer.with_owner(owner);
    }
    Ok(authorizer)
}
