//! Ed25519 keys: generation, the encodings OpenLeash and PASERK use, and key
//! sets for signing and verification.
//!
//! OpenLeash stores a key pair as base64 DER (SubjectPublicKeyInfo for the
//! public key, PKCS#8 for the private key) in a key file
//! `{kid, public_key_b64, private_key_b64, created_at, revoked_at}`. PASERK
//! spells the same keys `k4.public.…` and `k4.secret.…`, with the ids
//! `k4.pid.…` and `k4.sid.…`.
//!
//! Every import is strict: the wrong algorithm or curve, a wrong length,
//! trailing bytes, a point that is not on the curve and a small-order public
//! key are refused with a [`KeyError`] naming the problem.

mod der;
mod file;
mod paserk;
pub mod prepared;
mod set;

use std::fmt;

use ed25519_dalek::{Signer, Verifier as _};
use zeroize::Zeroizing;

use crate::encoding::{self, Base64Error};

pub use file::{KeyFile, MAX_KEY_FILE_BYTES};
pub use paserk::{
    paserk_public, paserk_public_id, paserk_public_to_bytes, paserk_secret, paserk_secret_id,
    paserk_secret_to_bytes,
};
pub use set::{Key, KeySet, MAX_KEYS, MAX_KID_BYTES};

/// Length in bytes of an Ed25519 public key, a private key seed and half a
/// signature.
pub const KEY_BYTES: usize = 32;
/// Length in bytes of an Ed25519 signature.
pub const SIGNATURE_BYTES: usize = 64;

/// An Ed25519 public key that is on the curve and not of small order.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    key: ed25519_dalek::VerifyingKey,
}

impl PublicKey {
    /// Reads the 32-byte compressed point.
    pub fn from_bytes(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let bytes: &[u8; KEY_BYTES] = bytes.try_into().map_err(|_| {
            KeyError::new(
                "KEY_WRONG_LENGTH",
                format!(
                    "an Ed25519 public key is {KEY_BYTES} bytes, found {}",
                    bytes.len()
                ),
            )
        })?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| {
            KeyError::new(
                "KEY_INVALID_POINT",
                "the public key is not a point on the Ed25519 curve",
            )
        })?;
        // RFC 8032 section 5.1.3: a y coordinate at or above the field prime,
        // or a sign bit set for x = 0, is a second spelling of another point
        // and must be refused, so that one key has one encoding (and one id).
        if key.to_edwards().compress().to_bytes() != *bytes {
            return Err(KeyError::new(
                "KEY_INVALID_POINT",
                "the public key is not the canonical encoding of a curve point",
            ));
        }
        if key.is_weak() {
            return Err(KeyError::new(
                "KEY_WEAK",
                "the public key has small order: any signature would verify against it",
            ));
        }
        Ok(PublicKey { key })
    }

    /// Reads DER SubjectPublicKeyInfo, as Node's `export({type: 'spki',
    /// format: 'der'})` writes it.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        PublicKey::from_bytes(&der::read_spki(der)?)
    }

    /// Reads base64 DER SubjectPublicKeyInfo: OpenLeash's `public_key_b64`.
    pub fn from_spki_base64(text: &str) -> Result<PublicKey, KeyError> {
        PublicKey::from_spki_der(&decode_base64(text, "public key")?)
    }

    /// Reads a `k4.public.` PASERK.
    pub fn from_paserk(text: &str) -> Result<PublicKey, KeyError> {
        PublicKey::from_bytes(&paserk_public_to_bytes(text)?)
    }

    /// Returns the 32-byte compressed point.
    pub fn to_bytes(&self) -> [u8; KEY_BYTES] {
        self.key.to_bytes()
    }

    /// DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Vec<u8> {
        der::write_spki(&self.key.to_bytes())
    }

    /// Base64 DER SubjectPublicKeyInfo: OpenLeash's `public_key_b64`.
    pub fn to_spki_base64(&self) -> String {
        encoding::encode_standard(&self.to_spki_der())
    }

    /// Returns the `k4.public.` PASERK.
    pub fn to_paserk(&self) -> String {
        paserk_public(&self.key.to_bytes())
    }

    /// Returns the `k4.pid.` PASERK id of this key.
    pub fn paserk_id(&self) -> String {
        paserk_public_id(&self.to_paserk())
    }

    /// Verifies an Ed25519 signature with the strict rules of RFC 8032
    /// section 5.1.7 plus the checks `verify_strict` adds: a non-canonical
    /// `S` and a small-order `R` are refused.
    ///
    /// For a key that verifies many signatures, [`Key::verify`] is faster:
    /// it keeps a table of multiples of the key.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(bytes) = <&[u8; SIGNATURE_BYTES]>::try_from(signature) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(bytes);
        self.key.verify_strict(message, &signature).is_ok()
    }

    /// Returns the ed25519-dalek key, for the precomputed tables.
    pub(crate) fn dalek(&self) -> &ed25519_dalek::VerifyingKey {
        &self.key
    }

    /// Verifies with the cofactorless RFC 8032 check only (no small-order
    /// `R` test). Used to compare against other verifiers; prefer
    /// [`PublicKey::verify`].
    pub fn verify_rfc8032(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(bytes) = <&[u8; SIGNATURE_BYTES]>::try_from(signature) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(bytes);
        self.key.verify(message, &signature).is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_paserk())
    }
}

/// An Ed25519 private key (the 32-byte seed). The seed is wiped from memory
/// when the key is dropped.
#[derive(Clone)]
pub struct SecretKey {
    key: ed25519_dalek::SigningKey,
}

impl SecretKey {
    /// A new key from the operating system's randomness (in browsers,
    /// `crypto.getRandomValues`).
    pub fn generate() -> Result<SecretKey, KeyError> {
        let mut seed = Zeroizing::new([0u8; KEY_BYTES]);
        getrandom::fill(seed.as_mut()).map_err(|error| {
            KeyError::new(
                "KEY_RANDOMNESS_UNAVAILABLE",
                format!("the platform provided no randomness: {error}"),
            )
        })?;
        Ok(SecretKey::from_seed(&seed))
    }

    /// The key with this 32-byte seed (RFC 8032's private key).
    pub fn from_seed(seed: &[u8; KEY_BYTES]) -> SecretKey {
        SecretKey {
            key: ed25519_dalek::SigningKey::from_bytes(seed),
        }
    }

    /// Reads DER PKCS#8 (version 1, or version 2 whose embedded public key
    /// must match), as Node's `export({type: 'pkcs8', format: 'der'})`
    /// writes it.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<SecretKey, KeyError> {
        let (seed, public) = der::read_pkcs8(der)?;
        let key = SecretKey::from_seed(&seed);
        if let Some(public) = public
            && public != key.public_key().to_bytes()
        {
            return Err(KeyError::new(
                "KEY_MISMATCH",
                "the public key embedded in the PKCS#8 document does not belong to its private key",
            ));
        }
        Ok(key)
    }

    /// Reads base64 DER PKCS#8: OpenLeash's `private_key_b64`.
    pub fn from_pkcs8_base64(text: &str) -> Result<SecretKey, KeyError> {
        let der = Zeroizing::new(decode_base64(text, "private key")?);
        SecretKey::from_pkcs8_der(&der)
    }

    /// Reads a `k4.secret.` PASERK; its public half must match the seed.
    pub fn from_paserk(text: &str) -> Result<SecretKey, KeyError> {
        let bytes = Zeroizing::new(paserk_secret_to_bytes(text)?);
        let (seed, public) = bytes.split_at(KEY_BYTES);
        let seed: &[u8; KEY_BYTES] = seed
            .try_into()
            .map_err(|_| KeyError::new("KEY_WRONG_LENGTH", "the secret key is too short"))?;
        let key = SecretKey::from_seed(seed);
        if public != key.public_key().to_bytes() {
            return Err(KeyError::new(
                "KEY_MISMATCH",
                "the public half of the k4.secret key does not belong to its seed",
            ));
        }
        Ok(key)
    }

    /// Returns the public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            key: self.key.verifying_key(),
        }
    }

    /// Returns the 32-byte seed. Handle with care.
    pub fn seed(&self) -> Zeroizing<[u8; KEY_BYTES]> {
        Zeroizing::new(self.key.to_bytes())
    }

    /// DER PKCS#8 version 1 (48 bytes), the form Node writes.
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(der::write_pkcs8(&self.key.to_bytes()))
    }

    /// Base64 DER PKCS#8: OpenLeash's `private_key_b64`.
    pub fn to_pkcs8_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(encoding::encode_standard(&self.to_pkcs8_der()))
    }

    /// Returns the `k4.secret.` PASERK (seed followed by public key).
    pub fn to_paserk(&self) -> Zeroizing<String> {
        Zeroizing::new(paserk_secret(&self.key.to_keypair_bytes()))
    }

    /// Returns the `k4.sid.` PASERK id of this key.
    pub fn paserk_id(&self) -> String {
        paserk_secret_id(&self.to_paserk())
    }

    /// Signs `message` (deterministic Ed25519, RFC 8032).
    pub fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_BYTES] {
        self.key.sign(message).to_bytes()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey(public: {})", self.public_key().to_paserk())
    }
}

/// A key that could not be read, generated or used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyError {
    code: &'static str,
    message: String,
}

impl KeyError {
    /// Creates an error with a stable code; bindings use it for problems
    /// they find in their own arguments.
    pub fn new(code: &'static str, message: impl Into<String>) -> KeyError {
        KeyError {
            code,
            message: message.into(),
        }
    }

    /// Stable machine-readable code, e.g. `KEY_WRONG_TYPE` or `KEY_WEAK`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Returns a description of the problem.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for KeyError {}

fn decode_base64(text: &str, what: &str) -> Result<Vec<u8>, KeyError> {
    encoding::decode_standard(text.trim()).map_err(|error: Base64Error| {
        KeyError::new(
            "KEY_INVALID_BASE64",
            format!("the {what} is not standard padded base64: {error}"),
        )
    })
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

    /// The OpenLeash test-vector key: seed of 32 zero bytes.
    const ZERO_SEED_PUBLIC: &str = "MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=";
    const ZERO_SEED_PRIVATE: &str =
        "MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn openleash_der_keys_round_trip() {
        let secret = SecretKey::from_pkcs8_base64(ZERO_SEED_PRIVATE).unwrap();
        assert_eq!(*secret.seed(), [0u8; 32]);
        assert_eq!(secret.to_pkcs8_base64().as_str(), ZERO_SEED_PRIVATE);
        let public = PublicKey::from_spki_base64(ZERO_SEED_PUBLIC).unwrap();
        assert_eq!(public, secret.public_key());
        assert_eq!(public.to_spki_base64(), ZERO_SEED_PUBLIC);
    }

    #[test]
    fn generated_keys_differ_and_sign() {
        let a = SecretKey::generate().unwrap();
        let b = SecretKey::generate().unwrap();
        assert_ne!(*a.seed(), *b.seed());
        let signature = a.sign(b"message");
        assert!(a.public_key().verify(b"message", &signature));
        assert!(!b.public_key().verify(b"message", &signature));
        assert!(!a.public_key().verify(b"messagf", &signature));
        assert!(!a.public_key().verify(b"message", &signature[..63]));
    }

    #[test]
    fn weak_and_off_curve_keys_rejected() {
        // The identity point and a point of order 4 (y = 0).
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            PublicKey::from_bytes(&identity).unwrap_err().code(),
            "KEY_WEAK"
        );
        assert_eq!(
            PublicKey::from_bytes(&[0u8; 32]).unwrap_err().code(),
            "KEY_WEAK"
        );
        // y = 2 has no matching x on the curve.
        let mut off_curve = [0u8; 32];
        off_curve[0] = 2;
        assert_eq!(
            PublicKey::from_bytes(&off_curve).unwrap_err().code(),
            "KEY_INVALID_POINT"
        );
        assert_eq!(
            PublicKey::from_bytes(&[9u8; 31]).unwrap_err().code(),
            "KEY_WRONG_LENGTH"
        );
    }

    #[test]
    fn base64_must_be_canonical() {
        let error = PublicKey::from_spki_base64(
            "MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik",
        )
        .unwrap_err();
        assert_eq!(error.code(), "KEY_INVALID_BASE64");
        let error = PublicKey::from_spki_base64(
            "MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2il=",
        )
        .unwrap_err();
        assert_eq!(error.code(), "KEY_INVALID_BASE64");
    }

    #[test]
    fn pkcs8_v2_public_key_must_match() {
        let secret = SecretKey::from_seed(&[7u8; 32]);
        let public = secret.public_key().to_bytes();
        let mut v2 = vec![
            0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
        ];
        v2.extend_from_slice(&[0x04, 0x22, 0x04, 0x20]);
        v2.extend_from_slice(&[7u8; 32]);
        v2.extend_from_slice(&[0x81, 0x21, 0x00]);
        v2.extend_from_slice(&public);
        assert_eq!(
            SecretKey::from_pkcs8_der(&v2).unwrap().public_key(),
            secret.public_key()
        );
        let last = v2.len() - 1;
        v2[last] ^= 1;
        assert_eq!(
            SecretKey::from_pkcs8_der(&v2).unwrap_err().code(),
            "KEY_MISMATCH"
        );
    }
}
