//! Hostile inputs to keys, tokens and request signatures, each rejected
//! as documented.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::{Duration, Instant};

use openleash_core::encoding;
use openleash_core::json::{self, Map, Value};
use openleash_core::keys::{Key, KeyFile, KeySet, PublicKey, SecretKey};
use openleash_core::paseto;
use openleash_core::request::{self, ReplayGuard, RequestCheck, SignedHeaders};
use openleash_core::time::Timestamp;
use openleash_core::token::{
    self, ApprovalParams, ProofParams, SessionParams, TokenKind, VerifyOptions,
};

const NOW: i64 = 1_740_830_400_000; // 2025-03-01T12:00:00.000Z

fn at(millis: i64) -> Timestamp {
    Timestamp::from_unix_millis(millis).unwrap()
}

fn secret() -> SecretKey {
    SecretKey::from_seed(&[1; 32])
}

fn signer() -> Key {
    Key::signing("k", secret()).unwrap()
}

fn trusted() -> KeySet {
    KeySet::from_keys([signer().to_verifying()]).unwrap()
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

fn proof_token() -> String {
    token::issue_proof(&signer(), &proof_params(), at(NOW), 120.0)
        .unwrap()
        .token
}

fn verify_code(token: &str, keys: &KeySet, options: &VerifyOptions) -> Option<&'static str> {
    token::verify(token, keys, options)
        .err()
        .map(|error| error.code())
}

fn proof_code(token: &str) -> Option<&'static str> {
    verify_code(token, &trusted(), &VerifyOptions::proof(at(NOW)))
}

/// Signs claims text with the trusted key.
fn signed_claims(claims: &str) -> String {
    paseto::sign(&secret(), claims.as_bytes(), b"", b"")
}

fn claims_with(claim: &str, value: Value) -> String {
    let mut claims = token::issue_proof(&signer(), &proof_params(), at(NOW), 120.0)
        .unwrap()
        .claims;
    claims.insert(claim.to_owned(), value);
    signed_claims(&json::to_json(&Value::Object(claims)))
}

// ---- token strings -------------------------------------------------------

#[test]
fn every_single_character_change_is_refused() {
    let token = proof_token();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for position in paseto::HEADER.len()..token.len() {
        let original = token.as_bytes()[position];
        for &replacement in alphabet.iter().filter(|&&c| c != original).step_by(16) {
            let mut bytes = token.clone().into_bytes();
            bytes[position] = replacement;
            let altered = String::from_utf8(bytes).unwrap();
            assert!(proof_code(&altered).is_some(), "position {position}");
        }
    }
}

#[test]
fn alternative_encodings_of_the_same_token_are_refused() {
    let token = proof_token();
    assert_eq!(proof_code(&token), None);
    let padded = format!("{token}==");
    assert_eq!(proof_code(&padded), Some("TOKEN_MALFORMED"));
    assert_eq!(proof_code(&format!("{token}=")), Some("TOKEN_MALFORMED"));
    let standard = token.replace('-', "+").replace('_', "/");
    if standard != token {
        assert_eq!(proof_code(&standard), Some("TOKEN_MALFORMED"));
    }
    assert_eq!(proof_code(&format!(" {token}")), Some("TOKEN_UNSUPPORTED"));
    assert_eq!(proof_code(&format!("{token}\n")), Some("TOKEN_MALFORMED"));
    assert_eq!(proof_code(&format!("{token}.")), Some("TOKEN_MALFORMED"));
    assert_eq!(
        proof_code(&token.replacen("v4.public.", "V4.PUBLIC.", 1)),
        Some("TOKEN_UNSUPPORTED")
    );
    assert_eq!(
        proof_code(&token.replacen("v4.public.", "v4.local.", 1)),
        Some("TOKEN_UNSUPPORTED")
    );
    // Flip the unused low bits of the last symbol, which base64url leaves
    // over when the payload length is not a multiple of three.
    let payload = encoding::decode_url(&token["v4.public.".len()..]).unwrap();
    if !payload.len().is_multiple_of(3) {
        let last = token.chars().last().unwrap();
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let index = alphabet.find(last).unwrap();
        let sibling = alphabet.as_bytes()[index ^ 1] as char;
        let altered = format!("{}{sibling}", &token[..token.len() - 1]);
        assert_eq!(proof_code(&altered), Some("TOKEN_MALFORMED"));
    }
}

#[test]
fn non_canonical_signature_scalar_is_refused() {
    // S + L encodes the same scalar as S; strict verification refuses it.
    const ORDER: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let token = proof_token();
    let mut payload = encoding::decode_url(&token["v4.public.".len()..]).unwrap();
    let start = payload.len() - 32;
    let mut carry = 0u16;
    for (byte, order) in payload[start..].iter_mut().zip(ORDER) {
        let sum = u16::from(*byte) + u16::from(order) + carry;
        *byte = (sum & 0xff) as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    let altered = format!("v4.public.{}", encoding::encode_url(&payload));
    assert_eq!(proof_code(&altered), Some("TOKEN_BAD_SIGNATURE"));
}

#[test]
fn truncated_and_oversized_tokens_are_refused() {
    let token = proof_token();
    for cut in 0..token.len() {
        assert!(proof_code(&token[..cut]).is_some(), "cut at {cut}");
    }
    let huge = format!("v4.public.{}", "A".repeat(paseto::MAX_TOKEN_BYTES));
    assert_eq!(proof_code(&huge), Some("TOKEN_TOO_LARGE"));
    let claims = format!(r#"{{"pad":"{}"}}"#, "x".repeat(paseto::MAX_TOKEN_BYTES));
    assert_eq!(proof_code(&signed_claims(&claims)), Some("TOKEN_TOO_LARGE"));
}

#[test]
fn footer_and_implicit_assertion_must_match() {
    let message = json::to_json(&Value::Object(
        token::issue_proof(&signer(), &proof_params(), at(NOW), 120.0)
            .unwrap()
            .claims,
    ));
    let footed = paseto::sign(&secret(), message.as_bytes(), b"f", b"");
    assert_eq!(proof_code(&footed), Some("TOKEN_FOOTER_MISMATCH"));
    let mut options = VerifyOptions::proof(at(NOW));
    options.footer = b"g".to_vec();
    assert_eq!(
        verify_code(&footed, &trusted(), &options),
        Some("TOKEN_FOOTER_MISMATCH")
    );
    // The footer is signed: swapping it for the expected one breaks the
    // signature.
    let swapped = format!(
        "{}.{}",
        footed.rsplit_once('.').unwrap().0,
        encoding::encode_url(b"g")
    );
    assert_eq!(
        verify_code(&swapped, &trusted(), &options),
        Some("TOKEN_BAD_SIGNATURE")
    );
    let asserted = paseto::sign(&secret(), message.as_bytes(), b"", b"tenant");
    assert_eq!(proof_code(&asserted), Some("TOKEN_BAD_SIGNATURE"));
    let mut options = VerifyOptions::proof(at(NOW));
    options.implicit_assertion = b"tenant".to_vec();
    assert_eq!(proof_code(&proof_token()), None);
    assert_eq!(
        verify_code(&proof_token(), &trusted(), &options),
        Some("TOKEN_BAD_SIGNATURE")
    );
}

// ---- keys, revocation, purposes, time --------------------------------------

#[test]
fn wrong_and_revoked_keys_are_refused() {
    let token = proof_token();
    let other =
        KeySet::from_keys([Key::signing("k", SecretKey::from_seed(&[2; 32])).unwrap()]).unwrap();
    assert_eq!(
        verify_code(&token, &other, &VerifyOptions::proof(at(NOW))),
        Some("TOKEN_BAD_SIGNATURE")
    );
    let mut revoked = trusted();
    revoked.revoke("k", at(NOW - 3_600_000)).unwrap();
    assert_eq!(
        verify_code(&token, &revoked, &VerifyOptions::proof(at(NOW))),
        Some("TOKEN_REVOKED_KEY")
    );
    // A revoked key plus an unrelated key: the kid still picks the revoked
    // one.
    let mut two = revoked.clone();
    two.insert(Key::verifying("z", SecretKey::from_seed(&[9; 32]).public_key()).unwrap())
        .unwrap();
    assert_eq!(
        verify_code(&token, &two, &VerifyOptions::proof(at(NOW))),
        Some("TOKEN_REVOKED_KEY")
    );
}

#[test]
fn tokens_of_other_purposes_are_refused_in_every_direction() {
    let approval = token::issue_approval(
        &signer(),
        &ApprovalParams {
            approval_request_id: "r".to_owned(),
            owner_type: "user".to_owned(),
            owner_id: "u".to_owned(),
            agent_id: "a".to_owned(),
            action_type: "t".to_owned(),
            action_hash: "h".to_owned(),
        },
        at(NOW),
        60.0,
    )
    .unwrap()
    .token;
    let session = token::issue_session(
        &signer(),
        &SessionParams {
            sub: "u".to_owned(),
            ..SessionParams::default()
        },
        at(NOW),
        60.0,
    )
    .unwrap()
    .token;
    let proof = proof_token();
    for (token, kind) in [
        (&proof, TokenKind::Approval),
        (&proof, TokenKind::Session),
        (&approval, TokenKind::Proof),
        (&approval, TokenKind::Session),
        (&session, TokenKind::Proof),
        (&session, TokenKind::Approval),
    ] {
        assert_eq!(
            verify_code(token, &trusted(), &VerifyOptions::of_kind(kind, at(NOW))),
            Some("TOKEN_WRONG_PURPOSE")
        );
    }
    // Unknown and ill-typed purposes.
    assert_eq!(
        proof_code(&claims_with("purpose", Value::String("admin".into()))),
        Some("TOKEN_WRONG_PURPOSE")
    );
    assert_eq!(
        proof_code(&claims_with("purpose", Value::Null)),
        Some("TOKEN_INVALID_CLAIMS")
    );
}

#[test]
fn time_window_edges() {
    let token = proof_token();
    let code = |millis: i64, leeway_ms: u32| {
        let mut options = VerifyOptions::proof(at(millis));
        options.leeway_ms = leeway_ms;
        verify_code(&token, &trusted(), &options)
    };
    assert_eq!(code(NOW, 0), None);
    assert_eq!(code(NOW - 1, 0), Some("TOKEN_NOT_YET_VALID"));
    assert_eq!(code(NOW + 119_999, 0), None);
    assert_eq!(code(NOW + 120_000, 0), Some("TOKEN_EXPIRED"));
    assert_eq!(code(NOW + 120_000 + 86_399_999, 86_400_000), None);
    // The extreme instants and leeways saturate rather than wrap.
    assert_eq!(code(253_402_300_799_999, u32::MAX), Some("TOKEN_EXPIRED"));
    assert_eq!(
        code(-62_167_219_200_000, u32::MAX),
        Some("TOKEN_NOT_YET_VALID")
    );
}

// ---- claims ----------------------------------------------------------------

#[test]
fn strange_timestamps_in_claims() {
    let expected = [
        // (exp, expected code at NOW)
        ("2025-03-01T12:02:00Z", None),
        ("2025-03-01T12:02:00.000000001Z", None),
        ("2025-03-01t12:02:00z", None),
        ("2025-03-01T13:02:00+01:00", None),
        ("2025-03-01T12:02:00-00:00", None),
        ("9999-12-31T23:59:59.999Z", None),
        ("2025-03-01T12:00:00Z", Some("TOKEN_EXPIRED")),
        ("0000-01-01T00:00:00Z", Some("TOKEN_EXPIRED")),
        ("9999-12-31T23:59:59-01:00", Some("TOKEN_INVALID_CLAIMS")),
        ("0000-01-01T00:00:00+01:00", Some("TOKEN_INVALID_CLAIMS")),
        ("2025-03-01T12:02:00", Some("TOKEN_INVALID_CLAIMS")),
        ("2025-03-01T23:59:60Z", Some("TOKEN_INVALID_CLAIMS")),
        ("2025-03-01T12:02:00+24:00", Some("TOKEN_INVALID_CLAIMS")),
        ("2025-03-01T12:02:00+0100", Some("TOKEN_INVALID_CLAIMS")),
        ("2025-03-01T12:02:00.Z", Some("TOKEN_INVALID_CLAIMS")),
        ("2025-03-01T12:02:00Z ", Some("TOKEN_INVALID_CLAIMS")),
        ("+2025-03-01T12:02:00Z", Some("TOKEN_INVALID_CLAIMS")),
        ("２０２５-03-01T12:02:00Z", Some("TOKEN_INVALID_CLAIMS")),
        ("2025-02-29T12:02:00Z", Some("TOKEN_INVALID_CLAIMS")),
        ("1740830520", Some("TOKEN_INVALID_CLAIMS")),
        ("", Some("TOKEN_INVALID_CLAIMS")),
    ];
    for (exp, code) in expected {
        let token = claims_with("exp", Value::String(exp.to_owned()));
        assert_eq!(proof_code(&token), code, "exp {exp:?}");
    }
    let fraction = format!("2025-03-01T12:02:00.{}Z", "9".repeat(40_000));
    assert_eq!(
        proof_code(&claims_with("exp", Value::String(fraction))),
        None
    );
    assert_eq!(
        proof_code(&claims_with("exp", Value::Number(1_740_830_520.0))),
        Some("TOKEN_INVALID_CLAIMS")
    );
}

#[test]
fn exp_before_iat_is_never_valid() {
    let token = claims_with("exp", Value::String("2025-03-01T11:00:00Z".into()));
    for millis in [NOW - 7_200_000, NOW - 3_600_000, NOW, NOW + 3_600_000] {
        assert!(
            verify_code(&token, &trusted(), &VerifyOptions::proof(at(millis))).is_some(),
            "at {millis}"
        );
    }
}

#[test]
fn malformed_claims_are_refused_after_the_signature() {
    let valid_message = json::to_json(&Value::Object(
        token::issue_proof(&signer(), &proof_params(), at(NOW), 120.0)
            .unwrap()
            .claims,
    ));
    let duplicate = valid_message.replacen('{', r#"{"agent_id":"other","#, 1);
    for claims in [
        duplicate.as_str(),
        "[]",
        "\"claims\"",
        "null",
        "1",
        "",
        "{",
        "\u{feff}{}",
        "{\"iss\":\"openleash\"}\u{0}",
    ] {
        assert_eq!(
            proof_code(&signed_claims(claims)),
            Some("TOKEN_INVALID_CLAIMS"),
            "{claims:?}"
        );
    }
    // Invalid UTF-8 in the signed message.
    let token = paseto::sign(&secret(), b"{\"iss\":\"\xff\"}", b"", b"");
    assert_eq!(proof_code(&token), Some("TOKEN_INVALID_CLAIMS"));
    // Each required claim missing, or a number given for a string.
    for claim in [
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
    ] {
        let mut claims = token::issue_proof(&signer(), &proof_params(), at(NOW), 120.0)
            .unwrap()
            .claims;
        claims.remove(claim);
        let token = signed_claims(&json::to_json(&Value::Object(claims)));
        assert_eq!(proof_code(&token), Some("TOKEN_INVALID_CLAIMS"), "{claim}");
        assert_eq!(
            proof_code(&claims_with(claim, Value::Number(1.0))),
            Some("TOKEN_INVALID_CLAIMS"),
            "{claim}"
        );
    }
}

#[test]
fn deep_and_wide_claims_are_fast_to_refuse() {
    let deep = format!("{}{}", "[".repeat(60_000), "]".repeat(60_000));
    let wide = format!("[{}0]", "0,".repeat(30_000));
    for claims in [deep, wide] {
        let token = signed_claims(&claims);
        let started = Instant::now();
        assert!(proof_code(&token).is_some());
        assert!(started.elapsed() < Duration::from_millis(500));
    }
}

#[test]
fn random_inputs_never_panic() {
    // A small deterministic generator; inputs mix token-like prefixes,
    // base64url symbols, dots and arbitrary Unicode.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let pieces = [
        "v4.public.",
        "v4.local.",
        "k4.public.",
        "k4.secret.",
        "A",
        "_",
        "-",
        ".",
        "=",
        "é",
        "\u{0}",
        "AAAA",
        "2025-03-01T12:00:00Z",
    ];
    for _ in 0..20_000 {
        let mut text = String::new();
        for _ in 0..(next() % 12) {
            text.push_str(pieces[(next() % pieces.len() as u64) as usize]);
        }
        let _ = proof_code(&text);
        let _ = PublicKey::from_paserk(&text);
        let _ = PublicKey::from_spki_base64(&text);
        let _ = SecretKey::from_paserk(&text);
        let _ = SecretKey::from_pkcs8_base64(&text);
        let _ = KeyFile::parse(&text);
        let _ = Timestamp::parse_rfc3339(&text);
    }
}

// ---- key encodings -----------------------------------------------------------

fn spki(oid: &[u8], parameters: &[u8], key: &[u8]) -> Vec<u8> {
    let mut algorithm = vec![0x06, oid.len() as u8];
    algorithm.extend_from_slice(oid);
    algorithm.extend_from_slice(parameters);
    let mut body = vec![0x30, algorithm.len() as u8];
    body.extend_from_slice(&algorithm);
    body.extend_from_slice(&[0x03, key.len() as u8 + 1, 0]);
    body.extend_from_slice(key);
    let mut der = vec![0x30, body.len() as u8];
    der.extend_from_slice(&body);
    der
}

fn public_code(der: &[u8]) -> Option<&'static str> {
    PublicKey::from_spki_der(der)
        .err()
        .map(|error| error.code())
}

#[test]
fn spki_variants_are_refused() {
    let good = secret().public_key().to_bytes();
    let ed25519 = [0x2b, 0x65, 0x70];
    assert_eq!(public_code(&spki(&ed25519, &[], &good)), None);
    for oid in [
        &[0x2b, 0x65, 0x6e][..],
        &[0x2b, 0x65, 0x71],
        &[0x2b, 0x65, 0x6f],
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
        &[0x2b, 0x65, 0x70, 0x00],
    ] {
        assert_eq!(
            public_code(&spki(oid, &[], &good)),
            Some("KEY_WRONG_TYPE"),
            "{oid:?}"
        );
    }
    assert_eq!(
        public_code(&spki(&ed25519, &[0x05, 0x00], &good)),
        Some("KEY_INVALID_DER")
    );
    assert_eq!(
        public_code(&spki(&ed25519, &[], &good[..31])),
        Some("KEY_WRONG_LENGTH")
    );
    let mut long = good.to_vec();
    long.push(0);
    assert_eq!(
        public_code(&spki(&ed25519, &[], &long)),
        Some("KEY_WRONG_LENGTH")
    );
    // Unused bits in the BIT STRING, a long-form length, an indefinite
    // length, trailing bytes, truncation.
    let mut unused = spki(&ed25519, &[], &good);
    unused[11] = 1;
    assert_eq!(public_code(&unused), Some("KEY_INVALID_DER"));
    let mut long_form = vec![0x30, 0x81, 0x2a];
    long_form.extend_from_slice(&spki(&ed25519, &[], &good)[2..]);
    assert_eq!(public_code(&long_form), Some("KEY_INVALID_DER"));
    let mut indefinite = spki(&ed25519, &[], &good);
    indefinite[1] = 0x80;
    assert_eq!(public_code(&indefinite), Some("KEY_INVALID_DER"));
    let mut trailing = spki(&ed25519, &[], &good);
    trailing.extend_from_slice(&[0, 0]);
    assert_eq!(public_code(&trailing), Some("KEY_INVALID_DER"));
    let full = spki(&ed25519, &[], &good);
    for cut in 0..full.len() {
        assert!(public_code(&full[..cut]).is_some(), "cut at {cut}");
    }
}

#[test]
fn small_order_points_are_weak_in_every_encoding() {
    // The eight small-order points of edwards25519 (canonical encodings),
    // from the list in "Taming the many EdDSAs" (Chalkias et al., 2020).
    let hex = [
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    ];
    for text in hex {
        let bytes: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let code = PublicKey::from_bytes(&bytes)
            .err()
            .map(|error| error.code());
        assert!(
            matches!(code, Some("KEY_WEAK" | "KEY_INVALID_POINT")),
            "{text}: {code:?}"
        );
    }
    // Non-canonical encodings of the identity (y = p + 1) and of y = p.
    let mut identity = [0xff; 32];
    identity[0] = 0xee;
    identity[31] = 0x7f;
    // Refused as a non-canonical encoding before its order is looked at.
    assert_eq!(
        PublicKey::from_bytes(&identity).err().map(|e| e.code()),
        Some("KEY_INVALID_POINT")
    );
}

#[test]
fn pkcs8_variants_are_refused() {
    let seed = [5u8; 32];
    let v1 = {
        let mut der = vec![
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        der.extend_from_slice(&seed);
        der
    };
    assert!(SecretKey::from_pkcs8_der(&v1).is_ok());
    let code = |der: &[u8]| SecretKey::from_pkcs8_der(der).err().map(|e| e.code());
    // Attributes [0] after the key.
    let mut attributes = v1.clone();
    attributes[1] += 2;
    attributes.extend_from_slice(&[0xa0, 0x00]);
    assert_eq!(code(&attributes), Some("KEY_UNSUPPORTED_ENCODING"));
    // Version 1 with an embedded public key is not allowed.
    let mut v1_public = v1.clone();
    v1_public[1] += 35;
    v1_public.extend_from_slice(&[0x81, 0x21, 0x00]);
    v1_public.extend_from_slice(&SecretKey::from_seed(&seed).public_key().to_bytes());
    assert_eq!(code(&v1_public), Some("KEY_INVALID_DER"));
    // A seed that is not wrapped in the inner OCTET STRING.
    let mut bare = vec![
        0x30, 0x2c, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x20,
    ];
    bare.extend_from_slice(&seed);
    assert_eq!(code(&bare), Some("KEY_INVALID_DER"));
    // An X25519 private key.
    let mut x25519 = v1.clone();
    x25519[11] = 0x6e;
    assert_eq!(code(&x25519), Some("KEY_WRONG_TYPE"));
    // The 64-byte libsodium form (seed and public key) in the inner string.
    let mut sodium = vec![
        0x30, 0x4e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x42, 0x04,
        0x40,
    ];
    sodium.extend_from_slice(&seed);
    sodium.extend_from_slice(&SecretKey::from_seed(&seed).public_key().to_bytes());
    assert_eq!(code(&sodium), Some("KEY_WRONG_LENGTH"));
}

#[test]
fn paserk_variants_are_refused() {
    let public = secret().public_key().to_paserk();
    let secret_paserk = secret().to_paserk();
    assert!(PublicKey::from_paserk(&public).is_ok());
    let data = public.trim_start_matches("k4.public.");
    let code = |text: &str| PublicKey::from_paserk(text).err().map(|e| e.code());
    for text in [
        format!("k3.public.{data}"),
        format!("k4.local.{data}"),
        format!("k4.secret.{data}"),
        format!("k4.pid.{data}"),
        format!("K4.PUBLIC.{data}"),
        format!("k4.public{data}"),
        format!("k4.public.{data}="),
        format!("k4.public. {data}"),
    ] {
        assert!(
            matches!(code(&text), Some("KEY_INVALID_PASERK")),
            "{text}: {:?}",
            code(&text)
        );
    }
    assert_eq!(
        code(&format!("k4.public.{data}AA")),
        Some("KEY_INVALID_PASERK")
    );
    assert_eq!(
        code(&format!("k4.public.{}", encoding::encode_url(&[1; 33]))),
        Some("KEY_WRONG_LENGTH")
    );
    assert_eq!(code("k4.public."), Some("KEY_WRONG_LENGTH"));
    assert_eq!(
        SecretKey::from_paserk(&public).err().map(|e| e.code()),
        Some("KEY_INVALID_PASERK")
    );
    // A k4.secret whose public half belongs to another seed.
    let mut bytes = encoding::decode_url(secret_paserk.trim_start_matches("k4.secret.")).unwrap();
    bytes[40] ^= 1;
    let mismatched = format!("k4.secret.{}", encoding::encode_url(&bytes));
    assert_eq!(
        SecretKey::from_paserk(&mismatched).err().map(|e| e.code()),
        Some("KEY_MISMATCH")
    );
}

#[test]
fn key_file_edge_cases() {
    let key = signer();
    let file = KeyFile::from_key(&key).to_json();
    assert!(KeyFile::parse(&file).unwrap().to_key().is_ok());
    let code = |text: &str| {
        KeyFile::parse(text)
            .and_then(|file| file.to_key())
            .err()
            .map(|e| e.code())
    };
    // A duplicated field, so that one spelling could hide a revocation.
    let duplicated = file.replacen(
        "\"revoked_at\": null",
        "\"revoked_at\": \"2025-01-01T00:00:00Z\", \"revoked_at\": null",
        1,
    );
    assert_eq!(code(&duplicated), Some("KEY_INVALID_FILE"));
    assert_eq!(code("[]"), Some("KEY_INVALID_FILE"));
    assert_eq!(code("{}"), Some("KEY_INVALID_FILE"));
    assert_eq!(
        code(&file.replacen("\"revoked_at\": null", "\"revoked_at\": 0", 1)),
        Some("KEY_INVALID_FILE")
    );
    assert_eq!(
        code(&file.replacen("\"revoked_at\": null", "\"revoked_at\": \"\"", 1)),
        Some("KEY_INVALID_FILE")
    );
    assert_eq!(
        code(&file.replacen("\"kid\": \"k\"", "\"kid\": \"k\\u0000\"", 1)),
        Some("KEY_INVALID_KID")
    );
}

// ---- request signatures -------------------------------------------------------

const T0: i64 = 1_705_314_600_000;

fn agent() -> SecretKey {
    SecretKey::from_seed(&[7; 32])
}

fn signed(nonce: &str, body: &[u8]) -> SignedHeaders {
    request::sign_request(&agent(), "agent-1", "POST", "/p", at(T0), nonce, body).unwrap()
}

fn request_code(
    headers: &SignedHeaders,
    body: Option<&[u8]>,
    now: i64,
    guard: &ReplayGuard,
) -> Option<&'static str> {
    request::verify_request(
        headers,
        "POST",
        "/p",
        body,
        &agent().public_key(),
        &RequestCheck::at(at(now)),
        guard,
    )
    .err()
    .map(|error| error.code())
}

#[test]
fn request_skew_edges_and_expired_replays() {
    let headers = signed("n", b"");
    let guard = ReplayGuard::new(10);
    assert_eq!(
        request_code(&headers, Some(b""), T0 + 300_000, &guard),
        None
    );
    assert_eq!(
        request_code(&headers, Some(b""), T0 + 300_000, &guard),
        Some("NONCE_REPLAY")
    );
    // After the window the guard may forget, and the skew check refuses.
    assert_eq!(
        request_code(&headers, Some(b""), T0 + 300_001, &guard),
        Some("TIMESTAMP_SKEW")
    );
    let fresh = ReplayGuard::new(10);
    assert_eq!(
        request_code(&headers, Some(b""), T0 - 300_000, &fresh),
        None
    );
    assert_eq!(
        request_code(&headers, Some(b""), T0 - 300_001, &fresh),
        Some("TIMESTAMP_SKEW")
    );
}

#[test]
fn request_body_hash_and_signature_encodings() {
    let headers = signed("n", b"");
    let guard = ReplayGuard::new(10);
    assert_eq!(
        headers.body_sha256,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let mut upper = headers.clone();
    upper.body_sha256 = upper.body_sha256.to_uppercase();
    assert_eq!(
        request_code(&upper, Some(b""), T0, &guard),
        Some("BODY_HASH_MISMATCH")
    );
    // Without a body to hash, the header must still be a lowercase digest.
    assert_eq!(
        request_code(&upper, None, T0, &guard),
        Some("BODY_HASH_MISMATCH")
    );
    // Non-canonical base64 of the same signature: the last symbol before
    // the padding carries four unused bits.
    let mut loose = headers.clone();
    let symbols = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let last = loose.signature.as_bytes()[85] as char;
    let index = symbols.find(last).unwrap();
    let sibling = symbols.as_bytes()[index ^ 1] as char;
    loose.signature.replace_range(85..86, &sibling.to_string());
    assert_eq!(
        request_code(&loose, None, T0, &guard),
        Some("INVALID_SIGNATURE")
    );
    let mut unpadded = headers.clone();
    unpadded.signature = unpadded.signature.trim_end_matches('=').to_owned();
    assert_eq!(
        request_code(&unpadded, None, T0, &guard),
        Some("INVALID_SIGNATURE")
    );
    let mut urlsafe = headers.clone();
    urlsafe.signature = urlsafe.signature.replace('+', "-").replace('/', "_");
    if urlsafe.signature != headers.signature {
        assert_eq!(
            request_code(&urlsafe, None, T0, &guard),
            Some("INVALID_SIGNATURE")
        );
    }
    assert!(guard.is_empty());
}

#[test]
fn request_field_limits() {
    let guard = ReplayGuard::new(10);
    let at_limit = signed(&"n".repeat(request::MAX_FIELD_BYTES), b"");
    assert_eq!(request_code(&at_limit, None, T0, &guard), None);
    // Signing rejects a nonce past the limit, so the headers are changed
    // after signing.
    let too_long = "n".repeat(request::MAX_FIELD_BYTES + 1);
    let rejected = request::sign_request(&agent(), "agent-1", "POST", "/p", at(T0), &too_long, b"");
    assert_eq!(rejected.unwrap_err().code(), "HEADER_TOO_LARGE");
    let mut past = signed("o", b"");
    past.nonce = too_long;
    assert_eq!(
        request_code(&past, None, T0, &guard),
        Some("HEADER_TOO_LARGE")
    );
    let mut huge_timestamp = signed("m", b"");
    huge_timestamp.timestamp = "2".repeat(1_000_000);
    assert_eq!(
        request_code(&huge_timestamp, None, T0, &guard),
        Some("HEADER_TOO_LARGE")
    );
}

#[test]
fn full_guard_refuses_new_nonces_but_reports_replays() {
    let guard = ReplayGuard::new(1);
    assert_eq!(request_code(&signed("a", b""), None, T0, &guard), None);
    assert_eq!(
        request_code(&signed("b", b""), None, T0, &guard),
        Some("REPLAY_GUARD_FULL")
    );
    assert_eq!(
        request_code(&signed("a", b""), None, T0, &guard),
        Some("NONCE_REPLAY")
    );
    let empty = ReplayGuard::new(0);
    assert_eq!(
        request_code(&signed("a", b""), None, T0, &empty),
        Some("REPLAY_GUARD_FULL")
    );
}

#[test]
fn concurrent_replays_succeed_once() {
    let guard = ReplayGuard::new(1000);
    let headers = signed("shared", b"{}");
    let successes = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..50 {
                    if request_code(&headers, Some(b"{}"), T0, &guard).is_none() {
                        successes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                }
            });
        }
    });
    assert_eq!(successes.into_inner(), 1);
}

#[test]
fn host_header_reading_ignores_other_headers() {
    let headers = signed("n", b"");
    let mut map = Map::new();
    for (name, value) in [
        ("x-AGENT-id", headers.agent_id.as_str()),
        ("X-TIMESTAMP", &headers.timestamp),
        ("x-nonce", &headers.nonce),
        ("X-Body-SHA256", &headers.body_sha256),
        ("x-signature", &headers.signature),
        ("X-Signature-Extra", "junk"),
        ("X-Agent-Id ", "padded name"),
    ] {
        map.insert(name.to_owned(), Value::String(value.to_owned()));
    }
    let read = openleash_core::host::signed_headers_from_value(&Value::Object(map)).unwrap();
    assert_eq!(read, headers);
}
