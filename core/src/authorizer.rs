//! The authorizer: a policy stack joined with a signing key. It decides an
//! action and, exactly when OpenLeash's server would, issues a proof token
//! for it.

use serde::{Serialize, Serializer};

use crate::action::Action;
use crate::eval::{Decision, DecisionResult, EvaluationOptions, IdSource};
use crate::json::Value;
use crate::keys::{KeyError, KeySet};
use crate::policy::{PolicyStack, failed_closed};
use crate::time::Timestamp;
use crate::token::{self, ProofParams};

/// Proof lifetime when the matched rule sets none, in seconds
/// (OpenLeash's `tokens.default_ttl_seconds`).
pub const DEFAULT_PROOF_TTL_SECONDS: f64 = 120.0;
/// Longest proof lifetime, in seconds; a longer rule TTL is cut to it
/// (OpenLeash's `tokens.max_ttl_seconds`).
pub const MAX_PROOF_TTL_SECONDS: f64 = 3600.0;

/// Proof token lifetimes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TokenSettings {
    /// Used when the matched rule has no `proof.ttl_seconds`.
    pub default_ttl_seconds: f64,
    /// Upper bound on every proof's lifetime.
    pub max_ttl_seconds: f64,
}

impl Default for TokenSettings {
    fn default() -> TokenSettings {
        TokenSettings {
            default_ttl_seconds: DEFAULT_PROOF_TTL_SECONDS,
            max_ttl_seconds: MAX_PROOF_TTL_SECONDS,
        }
    }
}

/// Who owns the agent: the `owner_type` and `owner_id` claims of proofs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// `user` or `org`.
    pub owner_type: String,
    pub owner_id: String,
}

/// A decision and, when one is due, its proof token.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Authorization {
    #[serde(flatten)]
    pub decision: Decision,
    /// Present exactly when the result is ALLOW and a proof is required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof_token: Option<String>,
    /// The proof's `exp`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_time"
    )]
    pub proof_expires_at: Option<Timestamp>,
}

fn serialize_time<S: Serializer>(
    time: &Option<Timestamp>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => serializer.serialize_str(&time.to_rfc3339_millis()),
        None => serializer.serialize_none(),
    }
}

/// Decides actions and issues their proofs. Immutable, `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Authorizer {
    stack: PolicyStack,
    keys: KeySet,
    settings: TokenSettings,
    owner: Option<Owner>,
}

impl Authorizer {
    /// An authorizer over `stack` that signs with the active key of `keys`.
    pub fn new(stack: PolicyStack, keys: KeySet) -> Result<Authorizer, KeyError> {
        if keys.active().is_none() {
            return Err(KeyError::new(
                "KEY_NO_ACTIVE_KEY",
                "the key set has no active signing key",
            ));
        }
        Ok(Authorizer {
            stack,
            keys,
            settings: TokenSettings::default(),
            owner: None,
        })
    }

    /// Replaces the token lifetimes. Both must be positive and finite.
    pub fn with_settings(mut self, settings: TokenSettings) -> Result<Authorizer, KeyError> {
        let valid = |seconds: f64| seconds.is_finite() && seconds > 0.0;
        if !valid(settings.default_ttl_seconds) || !valid(settings.max_ttl_seconds) {
            return Err(KeyError::new(
                "KEY_INVALID_SETTINGS",
                "token lifetimes must be positive numbers of seconds",
            ));
        }
        self.settings = settings;
        Ok(self)
    }

    /// Sets the owner written into proofs. Without one, the owner is the
    /// user named by the action's `subject.principal_id`.
    pub fn with_owner(mut self, owner: Owner) -> Authorizer {
        self.owner = Some(owner);
        self
    }

    /// The policies.
    pub fn stack(&self) -> &PolicyStack {
        &self.stack
    }

    /// The keys; the active one signs.
    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// The token lifetimes.
    pub fn settings(&self) -> TokenSettings {
        self.settings
    }

    /// Validates the action given as JSON, decides it and issues its proof
    /// when due. Never fails: an invalid action, or a proof that cannot be
    /// issued (say, the key was revoked), yields DENY carrying the error.
    pub fn authorize(
        &self,
        action: Value,
        now: Timestamp,
        ids: &mut dyn IdSource,
    ) -> Authorization {
        self.authorize_with_keys(&self.keys, action, now, ids)
    }

    /// Like [`Authorizer::authorize`], signing with the active key of `keys`
    /// instead of the authorizer's own: for callers that keep a key set
    /// which rotates and revokes while the authorizer lives.
    pub fn authorize_with_keys(
        &self,
        keys: &KeySet,
        action: Value,
        now: Timestamp,
        ids: &mut dyn IdSource,
    ) -> Authorization {
        match Action::from_value(action) {
            Ok(action) => self.authorize_action_with_keys(keys, &action, now, ids),
            Err(error) => Authorization {
                decision: failed_closed(
                    "",
                    "",
                    error.code(),
                    error.to_string(),
                    &self.options(now),
                    ids,
                ),
                proof_token: None,
                proof_expires_at: None,
            },
        }
    }

    /// Decides a validated action and issues its proof when due.
    pub fn authorize_action(
        &self,
        action: &Action,
        now: Timestamp,
        ids: &mut dyn IdSource,
    ) -> Authorization {
        self.authorize_action_with_keys(&self.keys, action, now, ids)
    }

    fn authorize_action_with_keys(
        &self,
        keys: &KeySet,
        action: &Action,
        now: Timestamp,
        ids: &mut dyn IdSource,
    ) -> Authorization {
        let options = self.options(now);
        let decision = self.stack.evaluate(action, &options, ids);
        if decision.result != DecisionResult::Allow || !decision.proof_required {
            return Authorization {
                decision,
                proof_token: None,
                proof_expires_at: None,
            };
        }
        let ttl = decision
            .proof_ttl_seconds
            .unwrap_or(self.settings.default_ttl_seconds)
            .min(self.settings.max_ttl_seconds);
        let (owner_type, owner_id) = match &self.owner {
            Some(owner) => (owner.owner_type.clone(), owner.owner_id.clone()),
            None => ("user".to_owned(), action.subject_principal_id().to_owned()),
        };
        let params = ProofParams {
            decision_id: decision.decision_id.clone(),
            owner_type,
            owner_id,
            agent_id: action.agent_id().to_owned(),
            action_type: action.action_type().to_owned(),
            action_hash: decision.action_hash.clone(),
            matched_rule_id: decision.matched_rule_id.clone(),
            trust_profile: action.trust_profile().map(str::to_owned),
            constraints_snapshot: None,
        };
        let issued = crate::host_signing::signing_key(keys, now)
            .and_then(|key| token::issue_proof(key, &params, now, ttl));
        match issued {
            Ok(issued) => Authorization {
                decision,
                proof_token: Some(issued.token),
                proof_expires_at: Some(issued.expires_at),
            },
            Err(error) => Authorization {
                decision: failed_closed(
                    action.action_id(),
                    action.hash(),
                    error.code(),
                    format!("the proof token could not be issued: {}", error.message()),
                    &options,
                    ids,
                ),
                proof_token: None,
                proof_expires_at: None,
            },
        }
    }

    fn options(&self, now: Timestamp) -> EvaluationOptions {
        EvaluationOptions {
            now,
            default_proof_ttl_seconds: Some(self.settings.default_ttl_seconds),
        }
    }
}
