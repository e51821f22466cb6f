//! Conversions for signing and verifying that the bindings share beyond
//! [`crate::host`]: the private half of a key, the signing key of a key
//! set, and the clock skew a receiver of signed requests allows.

use zeroize::Zeroizing;

use crate::host;
use crate::json::format_number;
use crate::keys::{Key, KeyError, KeySet, SecretKey};
use crate::request::{RequestCheck, SignatureError};
use crate::time::Timestamp;
use crate::token::TokenError;

/// Largest clock skew a receiver may allow, in seconds (one day).
pub const MAX_SKEW_SECONDS: f64 = 86_400.0;

/// Returns the private half of `key`, or `KEY_NOT_SIGNING` for a key that
/// only verifies (a key file without `private_key_b64`, a public key).
pub fn secret_key(key: &Key) -> Result<&SecretKey, KeyError> {
    key.secret_key().ok_or_else(|| {
        KeyError::new(
            "KEY_NOT_SIGNING",
            format!("key {:?} has no private key and cannot sign", key.kid()),
        )
    })
}

/// Returns the `k4.secret.` PASERK of a key with a private half, or
/// `KEY_NOT_SIGNING` for a key without one.
pub fn secret_paserk(key: &Key) -> Result<Zeroizing<String>, KeyError> {
    Ok(secret_key(key)?.to_paserk())
}

/// Returns the key that signs for `keys` at `now`: its active key.
/// `TOKEN_NO_SIGNING_KEY` when none was chosen (the code issuing gives for
/// a key without a private half), and `TOKEN_REVOKED_KEY` when the set has
/// revoked that key material by `now`, under this id or another one: a
/// verifier with the same set would reject the token.
pub fn signing_key(keys: &KeySet, now: Timestamp) -> Result<&Key, TokenError> {
    let key = keys.active().ok_or_else(|| {
        TokenError::new(
            "TOKEN_NO_SIGNING_KEY",
            "the key set has no active signing key; choose one with set_active or rotate",
        )
    })?;
    if keys.is_revoked_at(key, now) {
        return Err(TokenError::new(
            "TOKEN_REVOKED_KEY",
            format!(
                "key {:?} is revoked, under its own id or another one with the same key material, and no longer signs",
                key.kid()
            ),
        ));
    }
    Ok(key)
}

/// Builds the checks a receiver of signed requests makes at `now`, allowing
/// a clock skew of `max_skew_seconds` in both directions. The skew must be
/// between 0 and [`MAX_SKEW_SECONDS`], else `INVALID_MAX_SKEW`, and is
/// rounded to whole milliseconds.
pub fn request_check(
    now: Timestamp,
    max_skew_seconds: f64,
) -> Result<RequestCheck, SignatureError> {
    if !(max_skew_seconds.is_finite() && (0.0..=MAX_SKEW_SECONDS).contains(&max_skew_seconds)) {
        return Err(SignatureError::new(
            "INVALID_MAX_SKEW",
            format!(
                "the allowed clock skew must be between 0 and {} seconds, found {}",
                format_number(MAX_SKEW_SECONDS),
                host::display_number(max_skew_seconds)
            ),
        ));
    }
    // INVARIANT: 0 <= max_skew_seconds * 1000 <= 86_400_000 < u32::MAX.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let max_skew_ms = (max_skew_seconds * 1000.0).round() as u32;
    Ok(RequestCheck { now, max_skew_ms })
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use crate::json::Value;

    fn string(text: &str) -> Value {
        Value::String(text.to_owned())
    }

    #[test]
    fn secret_paserk_key_is_named_by_public_id() {
        let secret = SecretKey::from_seed(&[3; 32]);
        let key = host::key_from_value(&string(secret.to_paserk().as_str())).unwrap();
        let public = host::key_from_value(&string(&secret.public_key().to_paserk())).unwrap();
        assert_eq!(key.kid(), public.kid());
        assert!(key.secret_key().is_some());
        assert_eq!(
            secret_paserk(&key).unwrap().as_str(),
            secret.to_paserk().as_str()
        );
    }

    #[test]
    fn verify_only_keys_have_no_secret_paserk() {
        let secret = SecretKey::from_seed(&[3; 32]);
        let public = host::key_from_value(&string(&secret.public_key().to_paserk())).unwrap();
        assert_eq!(
            secret_paserk(&public).unwrap_err().code(),
            "KEY_NOT_SIGNING"
        );
        assert_eq!(
            host::key_from_value(&string("k4.secret.AAAA"))
                .unwrap_err()
                .code(),
            "KEY_WRONG_LENGTH"
        );
    }

    #[test]
    fn paserks_of_other_versions_are_invalid_paserks() {
        for text in ["k3.public.AAAA", "k2.secret.AAAA", "k10.public.AAAA"] {
            assert_eq!(
                host::key_from_value(&string(text)).unwrap_err().code(),
                "KEY_INVALID_PASERK",
                "{text}"
            );
        }
        let spki = "MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=";
        assert!(host::key_from_value(&string(spki)).is_ok());
        assert_eq!(
            host::key_from_value(&string("kx.public.AAAA"))
                .unwrap_err()
                .code(),
            "KEY_INVALID_BASE64"
        );
    }

    #[test]
    fn key_set_without_active_key_cannot_sign() {
        let set = KeySet::new();
        assert_eq!(
            signing_key(&set, Timestamp::UNIX_EPOCH).unwrap_err().code(),
            "TOKEN_NO_SIGNING_KEY"
        );
    }

    #[test]
    fn key_revoked_under_another_id_cannot_sign() {
        let secret = || crate::keys::SecretKey::from_seed(&[7; 32]);
        let mut set = KeySet::from_keys([
            Key::signing("issuer", secret()).unwrap(),
            Key::signing("alias", secret()).unwrap(),
        ])
        .unwrap();
        set.set_active("issuer").unwrap();
        let revoked_at = Timestamp::from_unix_millis(1_000).unwrap();
        set.revoke("alias", revoked_at).unwrap();

        let before = Timestamp::from_unix_millis(999).unwrap();
        assert_eq!(signing_key(&set, before).unwrap().kid(), "issuer");
        let error = signing_key(&set, revoked_at).unwrap_err();
        assert_eq!(error.code(), "TOKEN_REVOKED_KEY");
        assert!(error.to_string().contains("\"issuer\""), "{error}");
    }

    #[test]
    fn request_check_bounds_the_skew() {
        let now = Timestamp::UNIX_EPOCH;
        assert_eq!(request_check(now, 1.5).unwrap().max_skew_ms, 1500);
        assert_eq!(request_check(now, 0.0).unwrap().max_skew_ms, 0);
        assert_eq!(
            request_check(now, MAX_SKEW_SECONDS).unwrap().max_skew_ms,
            86_400_000
        );
        for bad in [-1.0, MAX_SKEW_SECONDS + 1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                request_check(now, bad).unwrap_err().code(),
                "INVALID_MAX_SKEW"
            );
        }
    }
}
