#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
use crate::keys::{Key, SecretKey};

const NOW: i64 = 1_740_830_400_000; // 2025-03-01T12:00:00.000Z

fn at(millis: i64) -> Timestamp {
    Timestamp::from_unix_millis(millis).unwrap()
}

fn key(kid: &str, seed: u8) -> Key {
    Key::signing(kid, SecretKey::from_seed(&[seed; 32])).unwrap()
}

fn proof_params() -> ProofParams {
    ProofParams {
        decision_id: "5d1c7c3e-2a47-4f6e-9a0b-0c1d2e3f4a5b".to_owned(),
        owner_type: "user".to_owned(),
        owner_id: "9c5b94b1-35ad-49bb-b118-8e8fc24abf80".to_owned(),
        agent_id: "shopper-agent".to_owned(),
        action_type: "purchase".to_owned(),
        action_hash: "ab".repeat(32),
        matched_rule_id: Some("allow_small".to_owned()),
        trust_profile: None,
        constraints_snapshot: None,
    }
}

fn set(keys: impl IntoIterator<Item = Key>) -> KeySet {
    KeySet::from_keys(keys).unwrap()
}

fn code(result: Result<VerifiedToken, TokenError>) -> &'static str {
    result.unwrap_err().code()
}

#[test]
fn proof_claims_keep_openleash_order() {
    let mut params = proof_params();
    params.matched_rule_id = None;
    params.trust_profile = Some("HIGH".to_owned());
    let mut snapshot = Map::new();
    snapshot.insert("max_amount".to_owned(), Value::Number(50.0));
    params.constraints_snapshot = Some(snapshot);
    let issued = issue_proof(&key("k", 1), &params, at(NOW), 120.0).unwrap();
    let keys: Vec<&str> = issued.claims.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "iss",
            "kid",
            "iat",
            "exp",
            "decision_id",
            "owner_type",
            "owner_id",
            "agent_id",
            "action_type",
            "action_hash",
            "matched_rule_id",
            "trust_profile",
            "constraints_snapshot"
        ]
    );
    assert_eq!(issued.claims.get("matched_rule_id"), Some(&Value::Null));
    assert_eq!(issued.expires_at, at(NOW + 120_000));
}

#[test]
fn approval_and_session_claims_keep_openleash_order() {
    let approval = ApprovalParams {
        approval_request_id: "r-1".to_owned(),
        owner_type: "org".to_owned(),
        owner_id: "o-1".to_owned(),
        agent_id: "a-1".to_owned(),
        action_type: "purchase".to_owned(),
        action_hash: "cd".repeat(32),
    };
    let issued = issue_approval(&key("k", 1), &approval, at(NOW), 60.0).unwrap();
    let names: Vec<&str> = issued.claims.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(
        names,
        [
            "iss",
            "kid",
            "iat",
            "exp",
            "approval_request_id",
            "owner_type",
            "owner_id",
            "agent_id",
            "action_type",
            "action_hash",
            "purpose"
        ]
    );
    let session = SessionParams {
        sub: "u-1".to_owned(),
        system_roles: Some(vec!["admin".to_owned()]),
        org_memberships: Some(vec![OrgMembership {
            org_id: "o-1".to_owned(),
            role: "owner".to_owned(),
        }]),
    };
    let issued = issue_session(&key("k", 1), &session, at(NOW), 60.0).unwrap();
    assert!(issued.token.starts_with("v4.public."));
    let names: Vec<&str> = issued.claims.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(
        names,
        [
            "iss",
            "kid",
            "sub",
            "iat",
            "exp",
            "purpose",
            "system_roles",
            "org_memberships"
        ]
    );
}

#[test]
fn a_token_of_one_kind_is_never_accepted_as_another() {
    let keys = set([key("k", 1)]);
    let proof = issue_proof(&key("k", 1), &proof_params(), at(NOW), 120.0).unwrap();
    let approval = issue_approval(
        &key("k", 1),
        &ApprovalParams {
            approval_request_id: "r".to_owned(),
            owner_type: "user".to_owned(),
            owner_id: "o".to_owned(),
            agent_id: "a".to_owned(),
            action_type: "t".to_owned(),
            action_hash: "h".to_owned(),
        },
        at(NOW),
        120.0,
    )
    .unwrap();
    let session = issue_session(
        &key("k", 1),
        &SessionParams {
            sub: "u".to_owned(),
            ..SessionParams::default()
        },
        at(NOW),
        120.0,
    )
    .unwrap();
    let tokens = [
        (TokenKind::Proof, &proof.token),
        (TokenKind::Approval, &approval.token),
        (TokenKind::Session, &session.token),
    ];
    for (issued_as, token) in tokens {
        for kind in [TokenKind::Proof, TokenKind::Approval, TokenKind::Session] {
            let result = verify(token, &keys, &VerifyOptions::of_kind(kind, at(NOW)));
            if kind == issued_as {
                assert_eq!(result.unwrap().kind, kind);
            } else {
                assert_eq!(
                    code(result),
                    "TOKEN_WRONG_PURPOSE",
                    "{issued_as:?} as {kind:?}"
                );
            }
        }
    }
}

#[test]
fn time_checks_honour_the_leeway() {
    let keys = set([key("k", 1)]);
    let token = issue_proof(&key("k", 1), &proof_params(), at(NOW), 120.0)
        .unwrap()
        .token;
    let mut options = VerifyOptions::proof(at(NOW + 119_999));
    assert!(verify(&token, &keys, &options).is_ok());
    options.now = at(NOW + 120_000);
    assert_eq!(code(verify(&token, &keys, &options)), "TOKEN_EXPIRED");
    options.leeway_ms = 5_000;
    assert!(verify(&token, &keys, &options).is_ok());
    options.now = at(NOW - 5_000);
    assert!(verify(&token, &keys, &options).is_ok());
    options.now = at(NOW - 5_001);
    assert_eq!(code(verify(&token, &keys, &options)), "TOKEN_NOT_YET_VALID");
}

#[test]
fn keys_are_chosen_by_kid_and_revocation_is_enforced() {
    let token = issue_proof(&key("a", 1), &proof_params(), at(NOW), 120.0)
        .unwrap()
        .token;
    let options = VerifyOptions::proof(at(NOW));
    // The right kid among several keys.
    let verified = verify(&token, &set([key("b", 2), key("a", 1)]), &options).unwrap();
    assert_eq!(verified.kid, "a");
    // A single trusted key is tried whatever the kid says.
    assert_eq!(
        verify(&token, &set([key("b", 1)]), &options).unwrap().kid,
        "b"
    );
    assert_eq!(
        code(verify(&token, &set([key("b", 2)]), &options)),
        "TOKEN_BAD_SIGNATURE"
    );
    // Several keys, none named by the token.
    assert_eq!(
        code(verify(&token, &set([key("b", 1), key("c", 1)]), &options)),
        "TOKEN_UNKNOWN_KEY"
    );
    assert_eq!(
        code(verify(&token, &KeySet::new(), &options)),
        "TOKEN_UNKNOWN_KEY"
    );
    // A key revoked at or before the time of verification.
    let mut revoked = set([key("a", 1)]);
    revoked.revoke("a", at(NOW)).unwrap();
    assert_eq!(
        code(verify(&token, &revoked, &options)),
        "TOKEN_REVOKED_KEY"
    );
    let mut later = set([key("a", 1)]);
    later.revoke("a", at(NOW + 1)).unwrap();
    assert!(verify(&token, &later, &options).is_ok());
    // A revoked key does not sign either.
    let mut signer = key("a", 1);
    signer.revoked_at = Some(at(NOW));
    let error = issue_proof(&signer, &proof_params(), at(NOW), 120.0).unwrap_err();
    assert_eq!(error.code(), "TOKEN_REVOKED_KEY");
    let error =
        issue_proof(&signer.to_verifying(), &proof_params(), at(NOW - 1), 120.0).unwrap_err();
    assert_eq!(error.code(), "TOKEN_NO_SIGNING_KEY");
}

#[test]
fn expectations_bind_the_token_to_an_action() {
    let keys = set([key("k", 1)]);
    let token = issue_proof(&key("k", 1), &proof_params(), at(NOW), 120.0)
        .unwrap()
        .token;
    let mut options = VerifyOptions::proof(at(NOW));
    options.expect.action_hash = Some("ab".repeat(32));
    options.expect.agent_id = Some("shopper-agent".to_owned());
    options.expect.action_type = Some("purchase".to_owned());
    assert!(verify(&token, &keys, &options).is_ok());
    options.expect.action_hash = Some("ac".repeat(32));
    let error = verify(&token, &keys, &options).unwrap_err();
    assert_eq!(error.code(), "TOKEN_CLAIM_MISMATCH");
    assert!(error.message().contains("action_hash"), "{error}");
    options.expect.action_hash = None;
    options.expect.approval_request_id = Some("r".to_owned());
    assert_eq!(
        code(verify(&token, &keys, &options)),
        "TOKEN_CLAIM_MISMATCH"
    );
}

#[test]
fn lifetimes_must_be_positive_and_representable() {
    let signer = key("k", 1);
    for ttl in [0.0, -30.0, f64::NAN, f64::INFINITY, 0.0004, 1e300] {
        let error = issue_proof(&signer, &proof_params(), at(NOW), ttl).unwrap_err();
        assert_eq!(error.code(), "TOKEN_INVALID_TTL", "ttl {ttl}");
    }
    let issued = issue_proof(&signer, &proof_params(), at(NOW), 1.5).unwrap();
    assert_eq!(issued.expires_at, at(NOW + 1_500));
}

#[test]
fn lifetime_errors_name_the_value_and_the_reason() {
    let signer = key("k", 1);
    let message = |ttl: f64| {
        issue_proof(&signer, &proof_params(), at(NOW), ttl)
            .unwrap_err()
            .message()
            .to_owned()
    };
    assert!(message(f64::NAN).ends_with("must be a positive number of seconds, found NaN"));
    assert!(message(f64::NEG_INFINITY).ends_with("found -Infinity"));
    assert!(message(1e-7).contains("at least 0.001 seconds"));
    assert!(message(1e-7).ends_with("found 1e-7"));
    assert!(message(1e21).contains("ends after the year 9999"));
    assert!(message(1e21).ends_with("found 1e+21"));
}

/// Signs arbitrary claims, to test how verification reads them.
fn signed_claims(claims: &str) -> String {
    crate::paseto::sign(&SecretKey::from_seed(&[1; 32]), claims.as_bytes(), b"", b"")
}

#[test]
fn claims_are_checked_after_the_signature() {
    let keys = set([key("k", 1)]);
    let options = VerifyOptions::proof(at(NOW));
    let check = |claims: &str| code(verify(&signed_claims(claims), &keys, &options));
    assert_eq!(check("not json"), "TOKEN_INVALID_CLAIMS");
    assert_eq!(check("[1]"), "TOKEN_INVALID_CLAIMS");
    assert_eq!(
        check(r#"{"iss":"openleash","iss":"x"}"#),
        "TOKEN_INVALID_CLAIMS"
    );
    assert_eq!(check(r#"{"iss":"openleash"}"#), "TOKEN_INVALID_CLAIMS");
    let valid = issue_proof(&key("k", 1), &proof_params(), at(NOW), 120.0).unwrap();
    let with = |claim: &str, value: Value| {
        let mut claims = valid.claims.clone();
        claims.insert(claim.to_owned(), value);
        json::to_json(&Value::Object(claims))
    };
    assert_eq!(
        check(&with("iss", Value::String("other".into()))),
        "TOKEN_CLAIM_MISMATCH"
    );
    assert_eq!(
        check(&with("exp", Value::String("2025-03-01".into()))),
        "TOKEN_INVALID_CLAIMS"
    );
    assert_eq!(
        check(&with("exp", Value::Number(1.0))),
        "TOKEN_INVALID_CLAIMS"
    );
    assert_eq!(
        check(&with("iat", Value::String("2025-03-01T12:00:60Z".into()))),
        "TOKEN_INVALID_CLAIMS"
    );
    assert_eq!(
        check(&with("matched_rule_id", Value::Bool(true))),
        "TOKEN_INVALID_CLAIMS"
    );
    assert_eq!(
        check(&with("nbf", Value::String("2025-03-01T12:00:01Z".into()))),
        "TOKEN_NOT_YET_VALID"
    );
    assert_eq!(
        check(&with("purpose", Value::String("approval".into()))),
        "TOKEN_WRONG_PURPOSE"
    );
    // An offset is compared as an instant: 13:02+01:00 is 12:02Z.
    assert_eq!(
        check(&with(
            "exp",
            Value::String("2025-03-01T13:00:00+01:00".into())
        )),
        "TOKEN_EXPIRED"
    );
}

#[test]
fn footers_and_implicit_assertions_are_bound() {
    let keys = set([key("k", 1)]);
    let claims = issue_proof(&key("k", 1), &proof_params(), at(NOW), 120.0)
        .unwrap()
        .claims;
    let message = json::to_json(&Value::Object(claims));
    let secret = SecretKey::from_seed(&[1; 32]);
    let with_footer = crate::paseto::sign(&secret, message.as_bytes(), b"{\"kid\":\"k\"}", b"");
    let mut options = VerifyOptions::proof(at(NOW));
    assert_eq!(
        code(verify(&with_footer, &keys, &options)),
        "TOKEN_FOOTER_MISMATCH"
    );
    options.footer = b"{\"kid\":\"k\"}".to_vec();
    assert!(verify(&with_footer, &keys, &options).is_ok());
    let bound = crate::paseto::sign(&secret, message.as_bytes(), b"", b"tenant-1");
    let mut options = VerifyOptions::proof(at(NOW));
    assert_eq!(code(verify(&bound, &keys, &options)), "TOKEN_BAD_SIGNATURE");
    options.implicit_assertion = b"tenant-1".to_vec();
    assert!(verify(&bound, &keys, &options).is_ok());
}

#[test]
fn claims_nesting_is_bounded() {
    let keys = set([key("k", 1)]);
    let options = VerifyOptions::proof(at(NOW));
    let valid = issue_proof(&key("k", 1), &proof_params(), at(NOW), 120.0).unwrap();
    // The claims object is depth 1 and the snapshot depth 2; `extra` more
    // levels nest inside the snapshot.
    let nested = |extra: usize| {
        let mut snapshot = Value::Null;
        for _ in 0..extra {
            let mut map = Map::new();
            map.insert("x".to_owned(), snapshot);
            snapshot = Value::Object(map);
        }
        let mut map = Map::new();
        map.insert("inner".to_owned(), snapshot);
        let mut claims = valid.claims.clone();
        claims.insert("constraints_snapshot".to_owned(), Value::Object(map));
        signed_claims(&json::to_json(&Value::Object(claims)))
    };
    assert!(verify(&nested(MAX_CLAIMS_DEPTH - 2), &keys, &options).is_ok());
    assert_eq!(
        code(verify(&nested(MAX_CLAIMS_DEPTH - 1), &keys, &options)),
        "TOKEN_INVALID_CLAIMS"
    );
}
