//! Functions for the package's own tests, not part of its API: raw
//! Ed25519 and PASETO operations for the official test vectors, which are
//! not OpenLeash tokens, and a deliberate panic. `lib/api.js` does not
//! export them; the tests import the generated module directly.

use openleash_core::keys::{KEY_BYTES, PublicKey, SecretKey};
use openleash_core::paseto;
use wasm_bindgen::prelude::*;

use crate::errors::{ErrorClass, Failure, key_error};

/// Verifies an Ed25519 signature with the rules proof tokens use
/// (RFC 8032 plus the small-order and canonical-encoding checks). Throws
/// `KeyError` for a public key that is not a valid point.
#[wasm_bindgen(js_name = testingEd25519Verify)]
pub fn ed25519_verify(
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<bool, JsValue> {
    let key = PublicKey::from_bytes(public_key).map_err(|problem| key_error(&problem))?;
    Ok(key.verify(message, signature))
}

/// Signs a PASETO v4.public token with the key of a 32-byte seed.
#[wasm_bindgen(js_name = testingPasetoSign)]
pub fn paseto_sign(
    seed: &[u8],
    payload: &[u8],
    footer: &[u8],
    implicit_assertion: &[u8],
) -> Result<String, JsValue> {
    let seed: &[u8; KEY_BYTES] = seed
        .try_into()
        .map_err(|_| Failure::new(ErrorClass::Key, "KEY_WRONG_LENGTH", "a seed is 32 bytes"))?;
    let secret = SecretKey::from_seed(seed);
    Ok(paseto::sign(&secret, payload, footer, implicit_assertion))
}

/// Verifies a PASETO v4.public token and returns its payload. `footer`
/// is the footer required, or any when not given. Throws `TokenError`
/// with the code `PASETO_REFUSED`.
#[wasm_bindgen(js_name = testingPasetoVerify)]
pub fn paseto_verify(
    token: &str,
    public_key: &[u8],
    footer: Option<Vec<u8>>,
    implicit_assertion: &[u8],
) -> Result<Vec<u8>, JsValue> {
    let key = PublicKey::from_bytes(public_key).map_err(|problem| key_error(&problem))?;
    let verified =
        paseto::verify(token, &key, footer.as_deref(), implicit_assertion).map_err(|problem| {
            Failure::new(ErrorClass::Token, "PASETO_REFUSED", &problem.to_string())
        })?;
    Ok(verified.message)
}

/// Panics, so that tests can check how a panic reaches JavaScript.
#[wasm_bindgen(js_name = testingPanic)]
pub fn panic_for_tests() {
    #[allow(clippy::panic)]
    {
        panic!("deliberate panic for the package's tests");
    }
}
