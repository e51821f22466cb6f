//! Issuing and verifying tokens at the limits: claims a verifier would
//! refuse, non-finite numbers in messages, owner validation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use openleash_core::json::{Map, Value};
use openleash_core::keys::{Key, KeySet, SecretKey};
use openleash_core::time::Timestamp;
use openleash_core::token::{self, MAX_CLAIMS_DEPTH, ProofParams, VerifyOptions};

const NOW: i64 = 1_740_830_400_000; // 2025-03-01T12:00:00.000Z

fn at(millis: i64) -> Timestamp {
    Timestamp::from_unix_millis(millis).unwrap()
}

fn signer() -> Key {
    Key::signing("k", SecretKey::from_seed(&[1; 32])).unwrap()
}

fn proof_params(snapshot: Map) -> ProofParams {
    ProofParams {
        decision_id: "d-1".to_owned(),
        owner_type: "user".to_owned(),
        owner_id: "u-1".to_owned(),
        agent_id: "agent-1".to_owned(),
        action_type: "purchase".to_owned(),
        action_hash: "ab".repeat(32),
        matched_rule_id: Some("allow_small".to_owned()),
        trust_profile: None,
        constraints_snapshot: Some(snapshot),
    }
}

/// Issues a proof and verifies it with the same key one second later.
/// Returns the issuing error code, or the verification error code, or
/// `None` when the token round-trips.
fn round_trip(params: &ProofParams) -> Option<&'static str> {
    let issued = match token::issue_proof(&signer(), params, at(NOW), 120.0) {
        Ok(issued) => issued,
        Err(error) => return Some(error.code()),
    };
    let keys = KeySet::from_keys([signer().to_verifying()]).unwrap();
    token::verify(&issued.token, &keys, &VerifyOptions::proof(at(NOW + 1000)))
        .err()
        .map(|error| error.code())
}

#[test]
fn issued_deep_snapshot_is_refused_or_verifies() {
    let mut inner = Value::Null;
    for _ in 0..MAX_CLAIMS_DEPTH + 4 {
        let mut map = Map::new();
        map.insert("x".to_owned(), inner);
        inner = Value::Object(map);
    }
    let mut snapshot = Map::new();
    snapshot.insert("nested".to_owned(), inner);

    // Issuing refuses what the issuer's own verifier would refuse.
    let issued = token::issue_proof(&signer(), &proof_params(snapshot), at(NOW), 120.0);
    assert_eq!(
        issued.err().map(|error| error.code()),
        Some("TOKEN_INVALID_CLAIMS")
    );
}

#[test]
fn issued_large_snapshot_is_refused_or_verifies() {
    let mut snapshot = Map::new();
    snapshot.insert("note".to_owned(), Value::String("x".repeat(70_000)));

    // Issuing refuses what the issuer's own verifier would refuse.
    let issued = token::issue_proof(&signer(), &proof_params(snapshot), at(NOW), 120.0);
    assert_eq!(
        issued.err().map(|error| error.code()),
        Some("TOKEN_TOO_LARGE")
    );
    // Just under the limit, the token round-trips.
    let mut fits = Map::new();
    fits.insert("note".to_owned(), Value::String("x".repeat(40_000)));
    assert_eq!(round_trip(&proof_params(fits)), None);
}

#[test]
fn non_finite_leeway_is_named_in_the_message() {
    // `format_number` is documented for finite doubles only; NaN and the
    // infinities come out as 2.696539702293474e+308 and
    // 1.797693134862316e+308.
    for (leeway, name) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "Infinity"),
        (f64::NEG_INFINITY, "-Infinity"),
    ] {
        let error = openleash_core::host::leeway_ms(leeway).unwrap_err();
        assert!(error.message().contains(name), "{}", error.message());
    }
}

#[test]
fn non_finite_skew_is_named_in_the_message() {
    let error =
        openleash_core::host_signing::request_check(Timestamp::UNIX_EPOCH, f64::NAN).unwrap_err();
    assert!(error.message().contains("NaN"), "{}", error.message());
}

#[test]
fn owner_type_must_be_user_or_org() {
    // The documented owner types are `user` and `org`; anything is taken.
    let value = openleash_core::json::parse(r#"{"owner_type": "root", "owner_id": ""}"#).unwrap();
    assert!(openleash_core::host::owner_from_value(&value).is_err());
}

#[test]
fn owner_unknown_field_rejected() {
    let value =
        openleash_core::json::parse(r#"{"owner_type": "org", "owner_id": "acme", "ownerId": "x"}"#)
            .unwrap();
    let error = openleash_core::host::owner_from_value(&value).unwrap_err();
    assert_eq!(error.code(), "KEY_INVALID_SETTINGS");
    assert!(
        error.message().contains("\"ownerId\""),
        "{}",
        error.message()
    );
    let exact =
        openleash_core::json::parse(r#"{"owner_id": "acme", "owner_type": "org"}"#).unwrap();
    assert!(openleash_core::host::owner_from_value(&exact).is_ok());
}
