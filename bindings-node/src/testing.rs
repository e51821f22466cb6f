//! Raw Ed25519 and PASETO operations for the package's own tests, not part
//! of its API: the official PASETO and Wycheproof vectors are not OpenLeash
//! tokens, so they run through these. `index.js` does not export them; the
//! tests load `native.js` directly.

use napi::bindgen_prelude::Buffer;
use napi::{Env, Result};
use napi_derive::napi;
use openleash_core::keys::{KEY_BYTES, KeyError, PublicKey, SecretKey};
use openleash_core::paseto;

use crate::errors::{ErrorClass, error, guarded};

fn key_error(env: &Env, problem: &KeyError) -> napi::Error {
    error(
        env,
        ErrorClass::Key,
        problem.code(),
        problem.message(),
        |_| Ok(()),
    )
}

/// Verifies an Ed25519 signature with the rules proof tokens use.
#[napi(js_name = "testingEd25519Verify", skip_typescript)]
pub fn testing_ed25519_verify(
    env: Env,
    public_key: Buffer,
    message: Buffer,
    signature: Buffer,
) -> Result<bool> {
    guarded(&env, || {
        let key =
            PublicKey::from_bytes(&public_key).map_err(|problem| key_error(&env, &problem))?;
        Ok(key.verify(&message, &signature))
    })
}

/// Signs a PASETO v4.public token with the key of a 32-byte seed.
#[napi(js_name = "testingPasetoSign", skip_typescript)]
pub fn testing_paseto_sign(
    env: Env,
    seed: Buffer,
    payload: Buffer,
    footer: Buffer,
    implicit_assertion: Buffer,
) -> Result<String> {
    guarded(&env, || {
        let seed: &[u8; KEY_BYTES] = seed.as_ref().try_into().map_err(|_| {
            key_error(
                &env,
                &KeyError::new("KEY_WRONG_LENGTH", "a seed is 32 bytes"),
            )
        })?;
        Ok(paseto::sign(
            &SecretKey::from_seed(seed),
            &payload,
            &footer,
            &implicit_assertion,
        ))
    })
}

/// Verifies a PASETO v4.public token with a 32-byte public key and returns
/// its payload, or throws `OpenLeashError` with the code `TOKEN_REFUSED`;
/// a missing `footer` accepts any footer.
#[napi(js_name = "testingPasetoVerify", skip_typescript)]
pub fn testing_paseto_verify(
    env: Env,
    token: String,
    public_key: Buffer,
    footer: Option<Buffer>,
    implicit_assertion: Buffer,
) -> Result<Buffer> {
    guarded(&env, || {
        let key =
            PublicKey::from_bytes(&public_key).map_err(|problem| key_error(&env, &problem))?;
        paseto::verify(&token, &key, footer.as_deref(), &implicit_assertion)
            .map(|verified| Buffer::from(verified.message))
            .map_err(|problem| {
                error(
                    &env,
                    ErrorClass::OpenLeash,
                    "TOKEN_REFUSED",
                    &problem.to_string(),
                    |_| Ok(()),
                )
            })
    })
}
