//! PASERK version 4 for Ed25519: `k4.public`, `k4.secret` and the key ids
//! `k4.pid` and `k4.sid`.
//!
//! These functions work on raw bytes and do not judge the key itself (the
//! PASERK test vectors serialize the all-zero public key, which has small
//! order); [`super::PublicKey::from_paserk`] adds the curve checks.

use blake2::Blake2b;
use blake2::Digest;
use blake2::digest::consts::U33;

use super::{KEY_BYTES, KeyError};
use crate::encoding;

const PUBLIC: &str = "k4.public.";
const SECRET: &str = "k4.secret.";
const PUBLIC_ID: &str = "k4.pid.";
const SECRET_ID: &str = "k4.sid.";

/// `k4.public.` followed by the unpadded base64url of the 32-byte key.
pub fn paserk_public(public: &[u8; KEY_BYTES]) -> String {
    format!("{PUBLIC}{}", encoding::encode_url(public))
}

/// `k4.secret.` followed by the unpadded base64url of the 64-byte key
/// (seed, then public key).
pub fn paserk_secret(keypair: &[u8; 2 * KEY_BYTES]) -> String {
    format!("{SECRET}{}", encoding::encode_url(keypair))
}

/// The 32 bytes of a `k4.public.` PASERK.
pub fn paserk_public_to_bytes(text: &str) -> Result<[u8; KEY_BYTES], KeyError> {
    let bytes = decode(text, PUBLIC)?;
    bytes.as_slice().try_into().map_err(|_| {
        KeyError::new(
            "KEY_WRONG_LENGTH",
            format!("a k4.public key is 32 bytes, found {}", bytes.len()),
        )
    })
}

/// The 64 bytes of a `k4.secret.` PASERK.
pub fn paserk_secret_to_bytes(text: &str) -> Result<[u8; 2 * KEY_BYTES], KeyError> {
    let bytes = decode(text, SECRET)?;
    bytes.as_slice().try_into().map_err(|_| {
        KeyError::new(
            "KEY_WRONG_LENGTH",
            format!("a k4.secret key is 64 bytes, found {}", bytes.len()),
        )
    })
}

/// The `k4.pid.` id of a `k4.public.` PASERK: BLAKE2b-264 over
/// `"k4.pid." || paserk`.
pub fn paserk_public_id(paserk: &str) -> String {
    id(PUBLIC_ID, paserk)
}

/// The `k4.sid.` id of a `k4.secret.` PASERK: BLAKE2b-264 over
/// `"k4.sid." || paserk`.
pub fn paserk_secret_id(paserk: &str) -> String {
    id(SECRET_ID, paserk)
}

fn id(header: &str, paserk: &str) -> String {
    let mut hash = Blake2b::<U33>::new();
    hash.update(header.as_bytes());
    hash.update(paserk.as_bytes());
    format!("{header}{}", encoding::encode_url(&hash.finalize()))
}

/// Returns the header of a PASERK-like text, such as `k3.public.`: a
/// version of `k` and digits, then a lowercase type, each ended by a dot.
fn paserk_header(text: &str) -> Option<&str> {
    let mut parts = text.splitn(3, '.');
    let version = parts.next()?;
    let kind = parts.next()?;
    parts.next()?;
    let is_version = version.len() <= 4
        && version.starts_with('k')
        && version.len() > 1
        && version.bytes().skip(1).all(|byte| byte.is_ascii_digit());
    let is_kind =
        (1..=8).contains(&kind.len()) && kind.bytes().all(|byte| byte.is_ascii_lowercase());
    (is_version && is_kind).then(|| text.get(..version.len() + kind.len() + 2))?
}

fn decode(text: &str, header: &str) -> Result<Vec<u8>, KeyError> {
    let Some(data) = text.strip_prefix(header) else {
        // The text may be a secret key in another form, so the message
        // quotes only a PASERK-like header, never key data.
        let found = match paserk_header(text) {
            Some(other) => format!("one starting with {other:?}"),
            None => "text that does not start with a PASERK header".to_owned(),
        };
        return Err(KeyError::new(
            "KEY_INVALID_PASERK",
            format!("expected a PASERK starting with {header}, found {found}"),
        ));
    };
    encoding::decode_url(data).map_err(|error| {
        KeyError::new(
            "KEY_INVALID_PASERK",
            format!("the PASERK data is not unpadded base64url: {error}"),
        )
    })
}
