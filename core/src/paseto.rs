//! PASETO version 4, purpose `public`: Ed25519 signatures over
//! pre-authentication encoding (PAE) of the header, message, footer and
//! implicit assertion.
//!
//! This layer signs and verifies bytes. [`crate::token`] adds OpenLeash's
//! claims and the time checks.

use std::fmt;

use crate::encoding;
use crate::keys::{PublicKey, SIGNATURE_BYTES, SecretKey};

/// The header every v4.public token starts with.
pub const HEADER: &str = "v4.public.";

/// Longest token accepted, in bytes. OpenLeash proof tokens are about 600
/// bytes; a snapshot of constraints can add a few kilobytes.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// A token whose signature was checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The signed message (for OpenLeash tokens, the claims JSON).
    pub message: Vec<u8>,
    /// The footer, empty when the token has none.
    pub footer: Vec<u8>,
}

/// Signs `message` into a `v4.public.` token.
pub fn sign(key: &SecretKey, message: &[u8], footer: &[u8], implicit_assertion: &[u8]) -> String {
    let signature = key.sign(&pae(&[
        HEADER.as_bytes(),
        message,
        footer,
        implicit_assertion,
    ]));
    let mut body = Vec::with_capacity(message.len() + SIGNATURE_BYTES);
    body.extend_from_slice(message);
    body.extend_from_slice(&signature);
    let mut token = format!("{HEADER}{}", encoding::encode_url(&body));
    if !footer.is_empty() {
        token.push('.');
        token.push_str(&encoding::encode_url(footer));
    }
    token
}

/// Reads the structure of a token without checking its signature: the
/// message and the footer, decoded. For choosing a key before
/// [`verify_parsed`]; nothing read here may be trusted.
pub fn parse(token: &str) -> Result<Parsed, PasetoError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(PasetoError::TooLarge);
    }
    let Some(rest) = token.strip_prefix(HEADER) else {
        let header: String = token.split('.').take(2).collect::<Vec<_>>().join(".");
        return Err(PasetoError::Unsupported(header.chars().take(16).collect()));
    };
    let mut parts = rest.split('.');
    let body = parts.next().unwrap_or_default();
    let footer = parts.next();
    if parts.next().is_some() {
        return Err(PasetoError::Malformed("a token has at most four parts"));
    }
    let body = encoding::decode_url(body)
        .map_err(|_| PasetoError::Malformed("the payload is not unpadded base64url"))?;
    let footer = match footer {
        Some("") => return Err(PasetoError::Malformed("an empty footer must be omitted")),
        Some(footer) => encoding::decode_url(footer)
            .map_err(|_| PasetoError::Malformed("the footer is not unpadded base64url"))?,
        None => Vec::new(),
    };
    if body.len() < SIGNATURE_BYTES {
        return Err(PasetoError::Malformed(
            "the payload is shorter than a signature",
        ));
    }
    let (message, signature) = body.split_at(body.len() - SIGNATURE_BYTES);
    let signature: [u8; SIGNATURE_BYTES] = signature
        .try_into()
        .map_err(|_| PasetoError::Malformed("the payload is shorter than a signature"))?;
    Ok(Parsed {
        message: message.to_vec(),
        signature,
        footer,
    })
}

/// A token split into its parts; see [`parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The message, not yet authenticated.
    pub message: Vec<u8>,
    signature: [u8; SIGNATURE_BYTES],
    /// The footer, not yet authenticated; empty when absent.
    pub footer: Vec<u8>,
}

/// Checks a parsed token's signature with `key`.
pub fn verify_parsed(
    parsed: &Parsed,
    key: &PublicKey,
    implicit_assertion: &[u8],
) -> Result<(), PasetoError> {
    check_signature(parsed, implicit_assertion, |signed, signature| {
        key.verify(signed, signature)
    })
}

/// Checks a parsed token's signature with a key of a key set, which keeps
/// a verification table.
pub fn verify_parsed_with_key(
    parsed: &Parsed,
    key: &crate::keys::Key,
    implicit_assertion: &[u8],
) -> Result<(), PasetoError> {
    check_signature(parsed, implicit_assertion, |signed, signature| {
        key.verify(signed, signature)
    })
}

/// Runs `verify(signed bytes, signature)` over the pre-authentication
/// encoding that binds the header, message, footer and implicit assertion.
fn check_signature(
    parsed: &Parsed,
    implicit_assertion: &[u8],
    verify: impl FnOnce(&[u8], &[u8]) -> bool,
) -> Result<(), PasetoError> {
    let signed = pae(&[
        HEADER.as_bytes(),
        &parsed.message,
        &parsed.footer,
        implicit_assertion,
    ]);
    if verify(&signed, &parsed.signature) {
        Ok(())
    } else {
        Err(PasetoError::BadSignature)
    }
}

/// Verifies a token with `key`. When `expected_footer` is given the token's
/// footer must equal it (an absent footer equals the empty one).
pub fn verify(
    token: &str,
    key: &PublicKey,
    expected_footer: Option<&[u8]>,
    implicit_assertion: &[u8],
) -> Result<Verified, PasetoError> {
    let parsed = parse(token)?;
    if let Some(expected) = expected_footer
        && expected != parsed.footer.as_slice()
    {
        return Err(PasetoError::FooterMismatch);
    }
    verify_parsed(&parsed, key, implicit_assertion)?;
    Ok(Verified {
        message: parsed.message,
        footer: parsed.footer,
    })
}

/// Pre-authentication encoding: the piece count, then every piece preceded
/// by its length, as little-endian 64-bit integers with the top bit clear.
pub fn pae(pieces: &[&[u8]]) -> Vec<u8> {
    let total: usize = pieces.iter().map(|piece| piece.len() + 8).sum();
    let mut out = Vec::with_capacity(total + 8);
    let le64 = |n: usize| ((n as u64) & (u64::MAX >> 1)).to_le_bytes();
    out.extend_from_slice(&le64(pieces.len()));
    for piece in pieces {
        out.extend_from_slice(&le64(piece.len()));
        out.extend_from_slice(piece);
    }
    out
}

/// Why a token was refused at the PASETO layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PasetoError {
    /// Longer than [`MAX_TOKEN_BYTES`].
    TooLarge,
    /// Not `v4.public`: another version or purpose (the header found).
    Unsupported(String),
    /// Not a well-formed token.
    Malformed(&'static str),
    /// The footer differs from the expected one.
    FooterMismatch,
    /// The signature does not verify with the key.
    BadSignature,
}

impl fmt::Display for PasetoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasetoError::TooLarge => write!(f, "the token is longer than {MAX_TOKEN_BYTES} bytes"),
            PasetoError::Unsupported(header) => {
                write!(f, "expected a v4.public token, found header {header:?}")
            }
            PasetoError::Malformed(reason) => write!(f, "malformed token: {reason}"),
            PasetoError::FooterMismatch => f.write_str("the token footer is not the expected one"),
            PasetoError::BadSignature => f.write_str("the signature does not verify"),
        }
    }
}

impl std::error::Error for PasetoError {}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_specification_examples() {
        assert_eq!(pae(&[]), b"\x00\x00\x00\x00\x00\x00\x00\x00");
        assert_eq!(
            pae(&[b""]),
            b"\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        );
        assert_eq!(
            pae(&[b"test"]),
            b"\x01\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00test"
        );
    }

    #[test]
    fn sign_then_verify_with_footer_and_assertion() {
        let key = SecretKey::from_seed(&[3; 32]);
        let token = sign(&key, b"{\"a\":1}", b"kid", b"context");
        let verified = verify(&token, &key.public_key(), Some(b"kid"), b"context").unwrap();
        assert_eq!(verified.message, b"{\"a\":1}");
        assert_eq!(verified.footer, b"kid");
        assert_eq!(
            verify(&token, &key.public_key(), Some(b"kie"), b"context"),
            Err(PasetoError::FooterMismatch)
        );
        assert_eq!(
            verify(&token, &key.public_key(), None, b"other"),
            Err(PasetoError::BadSignature)
        );
        let other = SecretKey::from_seed(&[4; 32]).public_key();
        assert_eq!(
            verify(&token, &other, None, b"context"),
            Err(PasetoError::BadSignature)
        );
    }

    #[test]
    fn structure_errors_are_distinct() {
        let key = SecretKey::from_seed(&[3; 32]).public_key();
        let check = |token: &str| verify(token, &key, None, b"").unwrap_err();
        assert!(matches!(
            check("v4.local.AAAA"),
            PasetoError::Unsupported(_)
        ));
        assert!(matches!(
            check("v3.public.AAAA"),
            PasetoError::Unsupported(_)
        ));
        assert!(matches!(check("v4.public.AAAA"), PasetoError::Malformed(_)));
        assert!(matches!(check("v4.public.AA=A"), PasetoError::Malformed(_)));
        assert!(matches!(
            check("v4.public.AAAA.AAAA.AAAA"),
            PasetoError::Malformed(_)
        ));
        assert!(matches!(
            check("v4.public.AAAA."),
            PasetoError::Malformed(_)
        ));
        let long = format!("v4.public.{}", "A".repeat(MAX_TOKEN_BYTES));
        assert_eq!(check(&long), PasetoError::TooLarge);
    }
}
