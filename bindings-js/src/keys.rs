//! Keys: generating key files, their public and PASERK forms, and key sets.
//!
//! A key arrives as JSON text written by `lib/convert.js` from a key file
//! object, a base64 DER public key string or a PASERK string (`k4.public.`,
//! or `k4.secret.` for a signing key), and is read by the core's host
//! conversions.

use openleash_core::host;
use openleash_core::host_signing;
use openleash_core::json::{self, Value};
use openleash_core::keys::KeyFile;
use openleash_core::{Key, KeySet};
use wasm_bindgen::prelude::*;

use crate::errors::{ErrorClass, Failure, key_error};
use crate::json::parse_converted;
use crate::options::{random_uuid, timestamp};

/// Reads one key given as JSON text.
pub fn read_key(key_json: &str) -> Result<Key, Failure> {
    let value = parse_converted(key_json)?;
    host::key_from_value(&value).map_err(|problem| key_error(&problem))
}

/// Generates an Ed25519 signing key created at the given time and returns
/// its OpenLeash key file as JSON text. `kid` defaults to a random UUID v4.
#[wasm_bindgen(js_name = generateKey)]
pub fn generate_key(
    kid: Option<String>,
    now_millis: f64,
    now_text: Option<String>,
) -> Result<String, JsValue> {
    let now = timestamp(now_millis, now_text)?;
    let kid = match kid {
        Some(kid) => kid,
        None => random_uuid().ok_or_else(no_randomness)?,
    };
    let key = Key::generate(kid, now).map_err(|problem| key_error(&problem))?;
    Ok(json::to_json(&KeyFile::from_key(&key).to_value()))
}

fn no_randomness() -> Failure {
    Failure::new(
        ErrorClass::Key,
        "KEY_RANDOMNESS_UNAVAILABLE",
        "the platform provided no randomness (crypto.getRandomValues failed)",
    )
}

/// `{public_key_b64, paserk, paserk_id}` of a key given as JSON text.
#[wasm_bindgen(js_name = publicKeyInfo)]
pub fn public_key_info(key_json: &str) -> Result<String, JsValue> {
    let key = read_key(key_json)?;
    Ok(json::to_json(&host::public_key_info(key.public_key())))
}

/// Returns the `k4.secret.` PASERK of a key with a private half.
#[wasm_bindgen(js_name = secretKeyPaserk)]
pub fn secret_key_paserk(key_json: &str) -> Result<String, JsValue> {
    let key = read_key(key_json)?;
    let paserk = host_signing::secret_paserk(&key).map_err(|problem| key_error(&problem))?;
    Ok(paserk.as_str().to_owned())
}

/// A key set: the active key signs, every key verifies until it is
/// revoked.
#[wasm_bindgen]
#[derive(Default)]
pub struct KeySetHandle {
    inner: KeySet,
}

#[wasm_bindgen]
impl KeySetHandle {
    /// Reads the keys of a JSON array into a set; none is active.
    #[wasm_bindgen(constructor)]
    pub fn new(keys_json: &str) -> Result<KeySetHandle, JsValue> {
        let mut set = KeySet::new();
        if let Value::Array(items) = parse_converted(keys_json)? {
            for item in &items {
                let key = host::key_from_value(item).map_err(|problem| key_error(&problem))?;
                set.insert(key).map_err(|problem| key_error(&problem))?;
            }
        }
        Ok(KeySetHandle { inner: set })
    }

    /// Makes a set of one key, active when it can sign: the keys of a
    /// token call given a single key instead of a key set.
    pub fn single(key_json: &str) -> Result<KeySetHandle, JsValue> {
        let key = read_key(key_json)?;
        let signs = key.secret_key().is_some();
        let kid = key.kid().to_owned();
        let mut set = KeySet::from_keys([key]).map_err(|problem| key_error(&problem))?;
        if signs {
            set.set_active(&kid)
                .map_err(|problem| key_error(&problem))?;
        }
        Ok(KeySetHandle { inner: set })
    }

    /// Adds a key.
    pub fn add(&mut self, key_json: &str) -> Result<(), JsValue> {
        let key = read_key(key_json)?;
        self.inner
            .insert(key)
            .map_err(|problem| key_error(&problem))?;
        Ok(())
    }

    /// Makes the key `kid` the one that signs.
    #[wasm_bindgen(js_name = setActive)]
    pub fn set_active(&mut self, kid: &str) -> Result<(), JsValue> {
        self.inner
            .set_active(kid)
            .map_err(|problem| key_error(&problem))?;
        Ok(())
    }

    /// Adds a signing key and makes it active. A key without a private
    /// half is refused before it is added.
    pub fn rotate(&mut self, key_json: &str) -> Result<(), JsValue> {
        let key = read_key(key_json)?;
        host_signing::secret_key(&key).map_err(|problem| key_error(&problem))?;
        self.inner
            .rotate(key)
            .map_err(|problem| key_error(&problem))?;
        Ok(())
    }

    /// Revokes the key `kid` from the given time on.
    pub fn revoke(
        &mut self,
        kid: &str,
        at_millis: f64,
        at_text: Option<String>,
    ) -> Result<(), JsValue> {
        let at = timestamp(at_millis, at_text)?;
        self.inner
            .revoke(kid, at)
            .map_err(|problem| key_error(&problem))?;
        Ok(())
    }

    /// Returns the id of the active key, if one was chosen.
    #[wasm_bindgen(js_name = activeKid)]
    pub fn active_kid(&self) -> Option<String> {
        self.inner.active().map(|key| key.kid().to_owned())
    }

    /// Returns the key ids in insertion order.
    pub fn kids(&self) -> Vec<String> {
        self.inner.iter().map(|key| key.kid().to_owned()).collect()
    }
}

impl KeySetHandle {
    pub fn keys(&self) -> &KeySet {
        &self.inner
    }
}
