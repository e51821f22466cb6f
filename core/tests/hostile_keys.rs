//! Key import and key sets under hostile input: non-canonical points,
//! repeated revocation, one key loaded under two ids.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use openleash_core::keys::{Key, KeySet, PublicKey, SecretKey};
use openleash_core::time::Timestamp;
use openleash_core::token::{self, ProofParams, VerifyOptions};

const NOW: i64 = 1_740_830_400_000; // 2025-03-01T12:00:00.000Z

fn at(millis: i64) -> Timestamp {
    Timestamp::from_unix_millis(millis).unwrap()
}

/// Little-endian encoding of `p + k`, with p = 2^255 - 19: a y coordinate
/// at or above the field prime, which RFC 8032 section 5.1.3 says decoding
/// must reject. For k = 3 the point (y = 3) is on the curve and is not of
/// small order, so only the canonical-encoding rule can refuse it.
fn non_canonical_y(k: u8) -> [u8; 32] {
    let mut bytes = [0xff; 32];
    bytes[0] = 0xed + k;
    bytes[31] = 0x7f;
    bytes
}

#[test]
fn non_canonical_public_key_is_rejected() {
    let mut canonical = [0u8; 32];
    canonical[0] = 3;
    // The canonical encoding of the same point is a valid, non-weak key.
    assert!(PublicKey::from_bytes(&canonical).is_ok());

    let error = PublicKey::from_bytes(&non_canonical_y(3))
        .err()
        .map(|error| error.code());
    assert_eq!(error, Some("KEY_INVALID_POINT"));
}

#[test]
fn non_canonical_paserk_is_rejected() {
    let paserk = format!(
        "k4.public.{}",
        openleash_core::encoding::encode_url(&non_canonical_y(3))
    );
    let error = PublicKey::from_paserk(&paserk)
        .err()
        .map(|error| error.code());
    assert_eq!(error, Some("KEY_INVALID_POINT"));
}

#[test]
fn one_point_has_one_paserk_id() {
    // Two spellings of one point get two different `k4.pid` key ids.
    let mut canonical = [0u8; 32];
    canonical[0] = 3;
    let Ok(aliased) = PublicKey::from_bytes(&non_canonical_y(3)) else {
        return;
    };
    let canonical = PublicKey::from_bytes(&canonical).unwrap();
    assert_eq!(aliased.paserk_id(), canonical.paserk_id());
}

fn proof_params() -> ProofParams {
    ProofParams {
        decision_id: "d-1".to_owned(),
        owner_type: "user".to_owned(),
        owner_id: "u-1".to_owned(),
        agent_id: "agent-1".to_owned(),
        action_type: "purchase".to_owned(),
        action_hash: "ab".repeat(32),
        matched_rule_id: Some("allow_small".to_owned()),
        ..ProofParams::default()
    }
}

#[test]
fn revoking_again_keeps_the_earlier_instant() {
    let signer = Key::signing("k", SecretKey::from_seed(&[1; 32])).unwrap();
    let token = token::issue_proof(&signer, &proof_params(), at(NOW), 3600.0)
        .unwrap()
        .token;
    let mut keys = KeySet::from_keys([signer.to_verifying()]).unwrap();

    // Revoked at NOW + 1 min; a retried or repeated revocation call (the
    // bindings default `at` to the current time) comes 10 minutes later.
    keys.revoke("k", at(NOW + 60_000)).unwrap();
    keys.revoke("k", at(NOW + 600_000)).unwrap();

    let result = token::verify(&token, &keys, &VerifyOptions::proof(at(NOW + 120_000)));
    assert_eq!(
        result.err().map(|error| error.code()),
        Some("TOKEN_REVOKED_KEY")
    );
}

#[test]
fn revoking_a_key_id_revokes_its_key_material() {
    // A verifier loads the issuer's key file (kid "issuer") and, from
    // another source, the same public key as a PASERK, which the bindings
    // name by its k4.pid. After the key leaks, "issuer" is revoked; the
    // thief signs new tokens naming the k4.pid instead.
    let stolen = SecretKey::from_seed(&[1; 32]);
    let pid = stolen.public_key().paserk_id();
    let mut keys = KeySet::from_keys([
        Key::verifying("issuer", stolen.public_key()).unwrap(),
        Key::verifying(pid.clone(), stolen.public_key()).unwrap(),
    ])
    .unwrap();
    keys.revoke("issuer", at(NOW)).unwrap();

    let forged = token::issue_proof(
        &Key::signing(pid, stolen).unwrap(),
        &proof_params(),
        at(NOW + 60_000),
        120.0,
    )
    .unwrap()
    .token;
    let result = token::verify(&forged, &keys, &VerifyOptions::proof(at(NOW + 61_000)));
    assert_eq!(
        result.err().map(|error| error.code()),
        Some("TOKEN_REVOKED_KEY")
    );
}

#[test]
fn paserk_errors_never_quote_key_data() {
    let secret = SecretKey::from_seed(&[0x5a; 32]);
    let pkcs8 = secret.to_pkcs8_base64();
    let paserk = secret.to_paserk();
    let data = paserk.strip_prefix("k4.secret.").unwrap();
    let attempts = [
        pkcs8.to_string(),
        format!("k4.{data}"),
        format!("k4.secret{data}"),
        format!("k4.public.{data}"),
        data.to_owned(),
    ];
    for text in &attempts {
        for message in [
            PublicKey::from_paserk(text).unwrap_err().to_string(),
            SecretKey::from_paserk(text).unwrap_err().to_string(),
        ] {
            // No run of eight characters of the key data appears.
            for source in [pkcs8.as_str(), data] {
                for window in source.as_bytes().windows(8) {
                    let run = std::str::from_utf8(window).unwrap();
                    assert!(!message.contains(run), "{message:?} quotes {run:?}");
                }
            }
        }
    }
    let other = PublicKey::from_paserk("k3.public.AAAA").unwrap_err();
    assert!(other.to_string().contains("\"k3.public.\""), "{other}");
}
