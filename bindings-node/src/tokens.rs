//! Keys, proof tokens, the authorizer and request signatures.
//!
//! Object arguments arrive as JSON text written by `lib/tokens.js` (the same
//! strict conversion as actions), and their shapes are read by the core's
//! `host` module, so this crate and the other bindings accept the same
//! values with the same errors. Results are built as plain objects.

use std::sync::{Arc, RwLock};

use napi::bindgen_prelude::{Buffer, ClassInstance, Either, Uint8ArraySlice, Unknown};
use napi::{Env, Result};
use napi_derive::napi;
use openleash_core::SignatureError;
use openleash_core::authorizer::{Authorizer as CoreAuthorizer, TokenSettings};
use openleash_core::json::{self, Value};
use openleash_core::keys::{Key, KeyError, KeyFile, KeySet as CoreKeySet, SecretKey};
use openleash_core::request::{self, ReplayGuard as CoreGuard};
use openleash_core::token::{self, TokenError, VerifyOptions};
use openleash_core::{host, host_signing};

use crate::convert::to_js;
use crate::errors::{ErrorClass, error, guarded};
use crate::json::{json_error, json_prefix};
use crate::options::{now_timestamp, os_random};
use crate::policy::{Policy, PolicyStack};

fn key_error(env: &Env, problem: &KeyError) -> napi::Error {
    error(
        env,
        ErrorClass::Key,
        problem.code(),
        problem.message(),
        |_| Ok(()),
    )
}

fn token_error(env: &Env, problem: &TokenError) -> napi::Error {
    error(
        env,
        ErrorClass::Token,
        problem.code(),
        problem.message(),
        |_| Ok(()),
    )
}

fn signature_error(env: &Env, problem: &SignatureError) -> napi::Error {
    error(
        env,
        ErrorClass::Signature,
        problem.code(),
        problem.message(),
        |_| Ok(()),
    )
}

/// Parses JSON text that `lib/tokens.js` wrote.
fn value(env: &Env, text: &str) -> Result<Value> {
    json::parse(text).map_err(|problem| json_error(env, &problem, false))
}

fn key_of(env: &Env, key_json: &str) -> Result<Key> {
    host::key_from_value(&value(env, key_json)?).map_err(|problem| key_error(env, &problem))
}

fn random_uuid() -> String {
    let mut bytes = [0u8; 16];
    os_random(&mut bytes);
    openleash_core::action::Uuid::v4_from_bytes(bytes).to_hyphenated()
}

/// Generates an Ed25519 signing key from the operating system's randomness
/// and returns it as an OpenLeash key file object. `kid` defaults to a
/// random UUID and `now` (the creation time) to `Date.now()`.
#[napi(
    js_name = "generateKey",
    ts_args_type = "options?: { kid?: string, now?: Date | string }",
    ts_return_type = "KeyFile"
)]
pub fn generate_key<'e>(
    env: &'e Env,
    kid: Option<String>,
    now: Either<f64, String>,
) -> Result<Unknown<'e>> {
    guarded(env, || {
        let now = now_timestamp(env, now)?;
        let key = Key::generate(kid.unwrap_or_else(random_uuid), now)
            .map_err(|problem| key_error(env, &problem))?;
        to_js(env, &KeyFile::from_key(&key).to_value())
    })
}

/// The public key of `key` (a key file object, a base64 DER public key or a
/// `k4.public.` PASERK) in every form: `{public_key_b64, paserk,
/// paserk_id}`. Throws `KeyError` for a key that cannot be read.
#[napi(
    js_name = "publicKeyInfo",
    ts_args_type = "key: KeyFile | string",
    ts_return_type = "PublicKeyInfo"
)]
pub fn public_key_info<'e>(env: &'e Env, key_json: String) -> Result<Unknown<'e>> {
    guarded(env, || {
        let key = key_of(env, &key_json)?;
        to_js(env, &host::public_key_info(key.public_key()))
    })
}

/// The `k4.secret.` PASERK of a key file's private key. Throws `KeyError`
/// (`KEY_NOT_SIGNING`) for a key file without one.
#[napi(js_name = "secretKeyPaserk", ts_args_type = "keyFile: KeyFile")]
pub fn secret_key_paserk(env: Env, key_json: String) -> Result<String> {
    guarded(&env, || {
        let key = key_of(&env, &key_json)?;
        let secret: &SecretKey = key.secret_key().ok_or_else(|| {
            key_error(
                &env,
                &KeyError::new("KEY_NOT_SIGNING", "the key file has no private key"),
            )
        })?;
        Ok(secret.to_paserk().as_str().to_owned())
    })
}

/// Keys by id: at most one active key signs, every key verifies until it is
/// revoked. Keys are key file objects (with or without `private_key_b64`),
/// base64 DER public keys or `k4.public.` PASERKs; a bare public key is
/// named by its PASERK id.
#[napi]
pub struct KeySet {
    /// Shared with every `Authorizer` built from this set, so a rotation
    /// or revocation reaches them at their next decision.
    pub(crate) inner: Arc<RwLock<CoreKeySet>>,
}

/// Reads a shared key set. A panic while writing cannot leave a key set
/// half-changed (its methods change one field), so a poisoned lock is
/// used as is.
fn read(set: &RwLock<CoreKeySet>) -> std::sync::RwLockReadGuard<'_, CoreKeySet> {
    set.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write(set: &RwLock<CoreKeySet>) -> std::sync::RwLockWriteGuard<'_, CoreKeySet> {
    set.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[napi]
impl KeySet {
    /// Creates a set holding `keys`, none of them active. Throws `KeyError`
    /// for a key that cannot be read and `KEY_DUPLICATE_KID` for an id used
    /// twice.
    #[napi(constructor, ts_args_type = "keys?: ReadonlyArray<KeyFile | string>")]
    pub fn new(env: Env, keys_json: Option<String>) -> Result<KeySet> {
        guarded(&env, || {
            let mut inner = CoreKeySet::new();
            if let Some(text) = keys_json {
                let Value::Array(items) = value(&env, &text)? else {
                    return Err(key_error(
                        &env,
                        &KeyError::new("KEY_INVALID_FILE", "keys must be an array"),
                    ));
                };
                for item in &items {
                    let key =
                        host::key_from_value(item).map_err(|problem| key_error(&env, &problem))?;
                    inner
                        .insert(key)
                        .map_err(|problem| key_error(&env, &problem))?;
                }
            }
            Ok(KeySet {
                inner: Arc::new(RwLock::new(inner)),
            })
        })
    }

    /// Adds a key.
    #[napi(ts_args_type = "key: KeyFile | string")]
    pub fn add(&mut self, env: Env, key_json: String) -> Result<()> {
        guarded(&env, || {
            let key = key_of(&env, &key_json)?;
            write(&self.inner)
                .insert(key)
                .map_err(|problem| key_error(&env, &problem))
        })
    }

    /// Makes the key `kid` the one that signs; it must have a private key
    /// (`KEY_NOT_SIGNING`, `KEY_UNKNOWN_KID`).
    #[napi(js_name = "setActive")]
    pub fn set_active(&mut self, env: Env, kid: String) -> Result<()> {
        guarded(&env, || {
            write(&self.inner)
                .set_active(&kid)
                .map_err(|problem| key_error(&env, &problem))
        })
    }

    /// Adds a signing key and makes it active; older keys keep verifying.
    #[napi(ts_args_type = "keyFile: KeyFile")]
    pub fn rotate(&mut self, env: Env, key_json: String) -> Result<()> {
        guarded(&env, || {
            let key = key_of(&env, &key_json)?;
            write(&self.inner)
                .rotate(key)
                .map_err(|problem| key_error(&env, &problem))
        })
    }

    /// Revokes the key `kid` from `options.at` on (default: now): it no
    /// longer signs or verifies, also for tokens it signed earlier.
    #[napi(ts_args_type = "kid: string, options?: { at?: Date | string }")]
    pub fn revoke(&mut self, env: Env, kid: String, at: Either<f64, String>) -> Result<()> {
        guarded(&env, || {
            let at = now_timestamp(&env, at)?;
            write(&self.inner)
                .revoke(&kid, at)
                .map_err(|problem| key_error(&env, &problem))
        })
    }

    /// The id of the active key, or null.
    #[napi(getter, js_name = "activeKid")]
    pub fn active_kid(&self) -> Option<String> {
        read(&self.inner).active().map(|key| key.kid().to_owned())
    }

    /// Every key id, in insertion order.
    #[napi(getter)]
    pub fn kids(&self) -> Vec<String> {
        read(&self.inner)
            .iter()
            .map(|key| key.kid().to_owned())
            .collect()
    }
}

/// Resolves the keys argument: a `KeySet` (borrowed), or JSON text of one
/// key (a set of that key, active when it has a private key).
fn with_key_set<T>(
    env: &Env,
    keys: Either<ClassInstance<KeySet>, String>,
    body: impl FnOnce(&CoreKeySet) -> Result<T>,
) -> Result<T> {
    match keys {
        Either::A(set) => body(&read(&set.inner)),
        Either::B(key_json) => {
            let key = key_of(env, &key_json)?;
            let kid = key.kid().to_owned();
            let signs = key.secret_key().is_some();
            let mut set = CoreKeySet::new();
            set.insert(key)
                .map_err(|problem| key_error(env, &problem))?;
            if signs {
                set.set_active(&kid)
                    .map_err(|problem| key_error(env, &problem))?;
            }
            body(&set)
        }
    }
}

/// Issues a token of `kind` (`proof`, `approval` or `session`) with the
/// active key of `keys`, or with a key file's private key.
#[napi(js_name = "issueToken", skip_typescript)]
pub fn issue_token<'e>(
    env: &'e Env,
    kind: String,
    keys: Either<ClassInstance<KeySet>, String>,
    params_json: String,
    ttl_seconds: f64,
    now: Either<f64, String>,
) -> Result<Unknown<'e>> {
    guarded(env, || {
        with_key_set(env, keys, |keys| {
            let now = now_timestamp(env, now)?;
            let params = value(env, &params_json)?;
            let key = host_signing::signing_key(keys, now)
                .map_err(|problem| token_error(env, &problem))?;
            let issued =
                match host::token_kind(&kind).map_err(|problem| token_error(env, &problem))? {
                    token::TokenKind::Proof => host::proof_params(&params)
                        .and_then(|params| token::issue_proof(key, &params, now, ttl_seconds)),
                    token::TokenKind::Approval => host::approval_params(&params)
                        .and_then(|params| token::issue_approval(key, &params, now, ttl_seconds)),
                    token::TokenKind::Session => host::session_params(&params)
                        .and_then(|params| token::issue_session(key, &params, now, ttl_seconds)),
                }
                .map_err(|problem| token_error(env, &problem))?;
            to_js(env, &host::issued_to_value(&issued))
        })
    })
}

/// Verifies a token; see `verifyToken` in the package documentation.
#[allow(clippy::too_many_arguments)]
#[napi(js_name = "verifyToken", skip_typescript)]
pub fn verify_token<'e>(
    env: &'e Env,
    token_text: String,
    keys: Either<ClassInstance<KeySet>, String>,
    purpose: String,
    now: Either<f64, String>,
    leeway_seconds: f64,
    expect_json: Option<String>,
    footer: Option<String>,
) -> Result<Unknown<'e>> {
    guarded(env, || {
        with_key_set(env, keys, |keys| {
            let kind = host::token_kind(&purpose).map_err(|problem| token_error(env, &problem))?;
            let mut options = VerifyOptions::of_kind(kind, now_timestamp(env, now)?);
            options.leeway_ms =
                host::leeway_ms(leeway_seconds).map_err(|problem| token_error(env, &problem))?;
            if let Some(text) = expect_json {
                options.expect = host::expectations_from_value(&value(env, &text)?)
                    .map_err(|problem| token_error(env, &problem))?;
            }
            if let Some(footer) = footer {
                options.footer = footer.into_bytes();
            }
            let verified = token::verify(&token_text, keys, &options)
                .map_err(|problem| token_error(env, &problem))?;
            to_js(env, &host::verified_to_value(verified))
        })
    })
}

/// A policy or stack joined with a signing key: decides actions and issues
/// their proof tokens exactly when OpenLeash's server would.
#[napi]
pub struct Authorizer {
    inner: CoreAuthorizer,
    /// The key set given as a `KeySet`, followed at every decision; `None`
    /// when a key file was given, whose key the authorizer keeps itself.
    keys: Option<Arc<RwLock<CoreKeySet>>>,
}

#[napi]
impl Authorizer {
    /// Creates an authorizer over `target` that signs with the active key of
    /// `keys` (followed: a later rotation or revocation applies to the next
    /// decision), or with a key file's private key. Throws `KeyError` (`KEY_NO_ACTIVE_KEY`,
    /// `KEY_INVALID_SETTINGS`).
    #[napi(
        constructor,
        ts_args_type = "target: Policy | PolicyStack, keys: KeySet | KeyFile | string, options?: AuthorizerOptions"
    )]
    pub fn new(
        env: Env,
        target: Either<ClassInstance<Policy>, ClassInstance<PolicyStack>>,
        keys: Either<ClassInstance<KeySet>, String>,
        default_ttl_seconds: Option<f64>,
        max_ttl_seconds: Option<f64>,
        owner_json: Option<String>,
    ) -> Result<Authorizer> {
        guarded(&env, || {
            let stack = match target {
                Either::A(policy) => openleash_core::PolicyStack::single(policy.inner.clone()),
                Either::B(stack) => stack.inner.clone(),
            };
            let defaults = TokenSettings::default();
            let settings = TokenSettings {
                default_ttl_seconds: default_ttl_seconds.unwrap_or(defaults.default_ttl_seconds),
                max_ttl_seconds: max_ttl_seconds.unwrap_or(defaults.max_ttl_seconds),
            };
            let shared = match &keys {
                Either::A(set) => Some(Arc::clone(&set.inner)),
                Either::B(_) => None,
            };
            let mut inner = with_key_set(&env, keys, |set| {
                CoreAuthorizer::new(stack, set.clone())
                    .and_then(|authorizer| authorizer.with_settings(settings))
                    .map_err(|problem| key_error(&env, &problem))
            })?;
            if let Some(text) = owner_json {
                let owner = host::owner_from_value(&value(&env, &text)?)
                    .map_err(|problem| key_error(&env, &problem))?;
                inner = inner.with_owner(owner);
            }
            Ok(Authorizer {
                inner,
                keys: shared,
            })
        })
    }

    /// Decides an action and adds `proof_token` and `proof_expires_at` when
    /// a proof was issued. Never throws for the action: an invalid action,
    /// or a proof that cannot be issued, is a DENY decision with `error`.
    #[napi(
        ts_args_type = "action: ActionRequest, options?: { now?: Date | string }",
        ts_return_type = "Authorization"
    )]
    pub fn authorize<'e>(
        &self,
        env: &'e Env,
        action_json: Uint8ArraySlice,
        length: u32,
        now: Either<f64, String>,
    ) -> Result<Unknown<'e>> {
        guarded(env, || {
            let now = now_timestamp(env, now)?;
            let action_json = json_prefix(&action_json, length);
            let result = match json::parse_bytes(action_json, &json::JsonLimits::default()) {
                Ok(value) => match &self.keys {
                    Some(keys) => {
                        self.inner
                            .authorize_with_keys(&read(keys), value, now, &mut os_random)
                    }
                    None => self.inner.authorize(value, now, &mut os_random),
                },
                Err(problem) => openleash_core::Authorization {
                    decision: openleash_core::Decision::rejected_input(
                        problem.code(),
                        problem.to_string(),
                        &openleash_core::EvaluationOptions::at(now),
                        &mut os_random,
                    ),
                    proof_token: None,
                    proof_expires_at: None,
                },
            };
            to_js(env, &host::authorization_to_value(&result))
        })
    }
}

/// Decides an action given as an already-converted failure; `lib/tokens.js`
/// uses it for actions with no JSON form.
#[napi(js_name = "rejectedAuthorization", skip_typescript)]
pub fn rejected_authorization<'e>(
    env: &'e Env,
    code: String,
    message: String,
    now: Either<f64, String>,
) -> Result<Unknown<'e>> {
    guarded(env, || {
        let now = now_timestamp(env, now)?;
        let decision = openleash_core::Decision::rejected_input(
            &code,
            message,
            &openleash_core::EvaluationOptions::at(now),
            &mut os_random,
        );
        to_js(env, &host::decision_to_value(&decision))
    })
}

/// Signs a request as an agent and returns the signing headers.
#[allow(clippy::too_many_arguments)]
#[napi(js_name = "signRequest", skip_typescript)]
pub fn sign_request<'e>(
    env: &'e Env,
    key_json: String,
    agent_id: String,
    method: String,
    path: String,
    body: Buffer,
    nonce: Option<String>,
    now: Either<f64, String>,
) -> Result<Unknown<'e>> {
    guarded(env, || {
        let key = key_of(env, &key_json)?;
        let Some(secret) = key.secret_key() else {
            return Err(key_error(
                env,
                &KeyError::new("KEY_NOT_SIGNING", "the key file has no private key"),
            ));
        };
        let now = now_timestamp(env, now)?;
        let nonce = nonce.unwrap_or_else(random_uuid);
        let headers = request::sign_request(secret, &agent_id, &method, &path, now, &nonce, &body)
            .map_err(|problem| signature_error(env, &problem))?;
        to_js(env, &host::signed_headers_to_value(&headers))
    })
}

/// Remembers the nonces of recent requests per agent; share one between
/// `verifyRequest` calls (and worker threads' copies are separate).
#[napi]
pub struct ReplayGuard {
    inner: CoreGuard,
    capacity: usize,
}

#[napi]
impl ReplayGuard {
    /// Creates a guard that remembers up to `capacity` unexpired nonces
    /// (default 100,000), at most `options.perSigner` of them (default: all)
    /// for one signing key, so that one agent cannot fill it for the others.
    /// When a bound is reached it refuses requests with `REPLAY_GUARD_FULL`.
    #[napi(
        constructor,
        ts_args_type = "capacity?: number, options?: { perSigner?: number }"
    )]
    pub fn new(capacity: Option<u32>, per_signer: Option<u32>) -> ReplayGuard {
        let capacity = capacity.map_or(request::DEFAULT_REPLAY_CAPACITY, |value| value as usize);
        let per_signer = per_signer.map_or(capacity, |value| value as usize);
        ReplayGuard {
            inner: CoreGuard::with_signer_limit(capacity, per_signer),
            capacity,
        }
    }

    /// The most unexpired nonces the guard holds.
    #[napi(getter)]
    pub fn capacity(&self) -> u32 {
        u32::try_from(self.capacity).unwrap_or(u32::MAX)
    }

    /// Number of nonces remembered.
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }
}

/// Verifies a signed request; see `verifyRequest` in the package
/// documentation.
#[allow(clippy::too_many_arguments)]
#[napi(js_name = "verifyRequest", skip_typescript)]
pub fn verify_request(
    env: Env,
    headers_json: String,
    method: String,
    path: String,
    key_json: String,
    body: Option<Buffer>,
    now: Either<f64, String>,
    max_skew_seconds: f64,
    guard: Option<ClassInstance<ReplayGuard>>,
) -> Result<()> {
    guarded(&env, || {
        let headers = host::signed_headers_from_value(&value(&env, &headers_json)?)
            .map_err(|problem| signature_error(&env, &problem))?;
        let key = key_of(&env, &key_json)?;
        let check = host_signing::request_check(now_timestamp(&env, now)?, max_skew_seconds)
            .map_err(|problem| signature_error(&env, &problem))?;
        let fresh;
        let guard = match &guard {
            Some(guard) => &guard.inner,
            None => {
                fresh = CoreGuard::new(1);
                &fresh
            }
        };
        request::verify_request(
            &headers,
            &method,
            &path,
            body.as_deref(),
            key.public_key(),
            &check,
            guard,
        )
        .map_err(|problem| signature_error(&env, &problem))
    })
}
