//! Agent request signatures: signing, replay guards and verification.

use openleash_core::request::{self, DEFAULT_REPLAY_CAPACITY};
use openleash_core::{ReplayGuard, host, host_signing, json};
use wasm_bindgen::prelude::*;

use crate::errors::{ErrorClass, Failure, key_error, signature_error};
use crate::json::parse_converted;
use crate::keys::read_key;
use crate::options::{random_uuid, timestamp};

/// Signs a request as the agent `agent_id` with a key given as JSON text
/// (it must have a private half) and returns the five signing headers as
/// JSON text. `nonce` defaults to a random UUID v4.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(
    key_json: &str,
    agent_id: &str,
    method: &str,
    path: &str,
    body: &[u8],
    nonce: Option<String>,
    now_millis: f64,
    now_text: Option<String>,
) -> Result<String, JsValue> {
    let key = read_key(key_json)?;
    let secret = host_signing::secret_key(&key).map_err(|problem| key_error(&problem))?;
    let now = timestamp(now_millis, now_text)?;
    let nonce = match nonce {
        Some(nonce) => nonce,
        None => random_uuid().ok_or_else(|| {
            Failure::new(
                ErrorClass::Key,
                "KEY_RANDOMNESS_UNAVAILABLE",
                "the platform provided no randomness for the nonce (crypto.getRandomValues failed)",
            )
        })?,
    };
    let headers = request::sign_request(secret, agent_id, method, path, now, &nonce, body)
        .map_err(|problem| signature_error(&problem))?;
    Ok(json::to_json(&host::signed_headers_to_value(&headers)))
}

/// Remembers the nonces of recent requests per signing key.
#[wasm_bindgen]
pub struct ReplayGuardHandle {
    inner: ReplayGuard,
    capacity: usize,
}

#[wasm_bindgen]
impl ReplayGuardHandle {
    /// A guard holding at most `capacity` unexpired nonces (100,000 when
    /// not given), at most `per_signer` of them (default: all) for one
    /// signing key.
    #[wasm_bindgen(constructor)]
    pub fn new(capacity: Option<usize>, per_signer: Option<usize>) -> ReplayGuardHandle {
        let capacity = capacity.unwrap_or(DEFAULT_REPLAY_CAPACITY);
        ReplayGuardHandle {
            inner: ReplayGuard::with_signer_limit(capacity, per_signer.unwrap_or(capacity)),
            capacity,
        }
    }

    /// The most unexpired nonces the guard holds.
    #[wasm_bindgen(getter)]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Nonces remembered; expired ones are dropped on the next
    /// verification.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }
}

/// Verifies a signed request. `headers_json` is an object of request
/// headers (names case-insensitive), `key_json` the agent's key; `body`,
/// when given, must hash to `X-Body-Sha256`. The nonce is recorded in
/// `guard` once everything else holds. Throws `SignatureError`.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = verifyRequest)]
pub fn verify_request(
    headers_json: &str,
    method: &str,
    path: &str,
    key_json: &str,
    body: Option<Vec<u8>>,
    now_millis: f64,
    now_text: Option<String>,
    max_skew_seconds: f64,
    guard: &ReplayGuardHandle,
) -> Result<(), JsValue> {
    let headers = parse_converted(headers_json)?;
    let headers =
        host::signed_headers_from_value(&headers).map_err(|problem| signature_error(&problem))?;
    let key = read_key(key_json)?;
    let now = timestamp(now_millis, now_text)?;
    let check = host_signing::request_check(now, max_skew_seconds)
        .map_err(|problem| signature_error(&problem))?;
    request::verify_request(
        &headers,
        method,
        path,
        body.as_deref(),
        key.public_key(),
        &check,
        &guard.inner,
    )
    .map_err(|problem| signature_error(&problem))?;
    Ok(())
}
