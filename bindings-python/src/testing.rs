//! Raw Ed25519 and PASETO operations for the package's own tests, not part
//! of its API: the official PASETO and Wycheproof vectors are not OpenLeash
//! tokens, so they run through these. The names start with an underscore
//! and the package does not re-export them.

use openleash_core::keys::{KEY_BYTES, KeyError, PublicKey, SecretKey};
use openleash_core::paseto;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::{key_error, no_panic};

/// Verify an Ed25519 signature with the rules proof tokens use (RFC 8032
/// plus the small-order and canonical-encoding checks). Raises
/// OpenLeashKeyError for a public key that is not a valid point.
#[pyfunction]
pub fn _ed25519_verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> PyResult<bool> {
    no_panic(|| {
        let key = PublicKey::from_bytes(public_key).map_err(|error| key_error(&error))?;
        Ok(key.verify(message, signature))
    })
}

/// Sign a PASETO v4.public token with the key of a 32-byte seed.
#[pyfunction]
pub fn _paseto_sign(
    seed: &[u8],
    payload: &[u8],
    footer: &[u8],
    implicit_assertion: &[u8],
) -> PyResult<String> {
    no_panic(|| {
        let seed: &[u8; KEY_BYTES] = seed
            .try_into()
            .map_err(|_| key_error(&KeyError::new("KEY_WRONG_LENGTH", "a seed is 32 bytes")))?;
        Ok(paseto::sign(
            &SecretKey::from_seed(seed),
            payload,
            footer,
            implicit_assertion,
        ))
    })
}

/// Verify a PASETO v4.public token with a 32-byte public key and return its
/// payload; `footer` None accepts any footer. Raises ValueError when the
/// token is refused.
#[pyfunction]
#[pyo3(signature = (token, public_key, footer, implicit_assertion))]
pub fn _paseto_verify(
    token: &str,
    public_key: &[u8],
    footer: Option<&[u8]>,
    implicit_assertion: &[u8],
) -> PyResult<Vec<u8>> {
    no_panic(|| {
        let key = PublicKey::from_bytes(public_key).map_err(|error| key_error(&error))?;
        paseto::verify(token, &key, footer, implicit_assertion)
            .map(|verified| verified.message)
            .map_err(|error| PyValueError::new_err(error.to_string()))
    })
}
