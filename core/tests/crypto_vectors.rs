//! The official PASETO v4 and PASERK vectors, Wycheproof's Ed25519 vectors
//! and OpenLeash's own cross-language vectors, from `tests/vectors/` and
//! `tests/conformance/openleash/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use openleash_core::json::{self, sha256_hex};
use openleash_core::keys::{
    self, Key, KeySet, PublicKey, SecretKey, paserk_public, paserk_public_id,
    paserk_public_to_bytes, paserk_secret, paserk_secret_id, paserk_secret_to_bytes,
};
use openleash_core::paseto;
use openleash_core::request::{self, ReplayGuard, RequestCheck, SignedHeaders};
use openleash_core::time::Timestamp;
use openleash_core::token::{self, TokenKind, VerifyOptions};
use serde_json::Value as Json;

fn repository_file(relative: &str) -> Json {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path:?}: {error}"));
    serde_json::from_str(&text).unwrap()
}

fn hex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd hex {text}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn field<'a>(case: &'a Json, name: &str) -> &'a str {
    case[name].as_str().unwrap_or("")
}

fn tests(file: &Json) -> &Vec<Json> {
    file["tests"].as_array().unwrap()
}

#[test]
fn paseto_v4_vectors() {
    let file = repository_file("tests/vectors/paseto/v4.json");
    let (mut signed, mut refused) = (0, 0);
    // Public key of the 4-S vectors, for trying the failure vectors that
    // carry no public key of their own.
    let mut any_public: Option<PublicKey> = None;
    for case in tests(&file) {
        let name = field(case, "name");
        let token = field(case, "token");
        let footer = field(case, "footer").as_bytes();
        let assertion = field(case, "implicit-assertion").as_bytes();
        if case["expect-fail"].as_bool().unwrap() {
            continue;
        }
        if !name.starts_with("4-S-") {
            // v4.local vectors: this engine has no local tokens and must
            // refuse them as unsupported.
            let public = SecretKey::from_seed(&[0; 32]).public_key();
            assert!(
                matches!(
                    paseto::verify(token, &public, None, assertion),
                    Err(paseto::PasetoError::Unsupported(_))
                ),
                "{name}"
            );
            refused += 1;
            continue;
        }
        let seed: [u8; 32] = hex(field(case, "secret-key-seed")).try_into().unwrap();
        let secret = SecretKey::from_seed(&seed);
        assert_eq!(
            secret.public_key().to_bytes().to_vec(),
            hex(field(case, "public-key")),
            "{name}"
        );
        let keypair = hex(field(case, "secret-key"));
        assert_eq!(&keypair[..32], seed, "{name}");
        let public = PublicKey::from_bytes(&hex(field(case, "public-key"))).unwrap();
        let payload = field(case, "payload");
        assert_eq!(
            paseto::sign(&secret, payload.as_bytes(), footer, assertion),
            token,
            "{name} signs"
        );
        let verified = paseto::verify(token, &public, Some(footer), assertion).unwrap();
        assert_eq!(verified.message, payload.as_bytes(), "{name} verifies");
        // The PEM forms hold the same DER that OpenLeash keys use.
        let pem_body = |pem: &str| {
            pem.lines()
                .filter(|line| !line.starts_with("-----"))
                .collect::<String>()
        };
        assert_eq!(
            SecretKey::from_pkcs8_base64(&pem_body(field(case, "secret-key-pem")))
                .unwrap()
                .public_key(),
            public
        );
        assert_eq!(
            PublicKey::from_spki_base64(&pem_body(field(case, "public-key-pem"))).unwrap(),
            public
        );
        any_public = Some(public);
        signed += 1;
    }
    let public = any_public.unwrap();
    for case in tests(&file) {
        if !case["expect-fail"].as_bool().unwrap() {
            continue;
        }
        let name = field(case, "name");
        let key = match case["public-key"].as_str() {
            Some(hex_key) => PublicKey::from_bytes(&hex(hex_key)).unwrap(),
            None => public,
        };
        let footer = case["footer"].as_str().map(str::as_bytes);
        let assertion = field(case, "implicit-assertion").as_bytes();
        assert!(
            paseto::verify(field(case, "token"), &key, footer, assertion).is_err(),
            "{name}"
        );
        assert!(
            paseto::verify(field(case, "token"), &key, None, assertion).is_err(),
            "{name}"
        );
        refused += 1;
    }
    assert_eq!((signed, refused), (3, 14));
}

#[test]
fn paserk_vectors() {
    let mut checked = 0;
    for case in tests(&repository_file("tests/vectors/paseto/k4.public.json")) {
        let name = field(case, "name");
        if case["expect-fail"].as_bool().unwrap() {
            assert!(
                <[u8; 32]>::try_from(hex(field(case, "key"))).is_err(),
                "{name}"
            );
        } else {
            let bytes: [u8; 32] = hex(field(case, "key")).try_into().unwrap();
            assert_eq!(paserk_public(&bytes), field(case, "paserk"), "{name}");
            assert_eq!(
                paserk_public_to_bytes(field(case, "paserk")).unwrap(),
                bytes,
                "{name}"
            );
        }
        checked += 1;
    }
    for case in tests(&repository_file("tests/vectors/paseto/k4.secret.json")) {
        let name = field(case, "name");
        if case["expect-fail"].as_bool().unwrap() {
            assert!(
                <[u8; 64]>::try_from(hex(field(case, "key"))).is_err(),
                "{name}"
            );
        } else {
            let bytes: [u8; 64] = hex(field(case, "key")).try_into().unwrap();
            let paserk = field(case, "paserk");
            assert_eq!(paserk_secret(&bytes), paserk, "{name}");
            assert_eq!(paserk_secret_to_bytes(paserk).unwrap(), bytes, "{name}");
            let secret = SecretKey::from_paserk(paserk).unwrap();
            assert_eq!(
                secret.seed().to_vec(),
                hex(field(case, "secret-key-seed")),
                "{name}"
            );
            assert_eq!(
                secret.public_key().to_bytes().to_vec(),
                hex(field(case, "public-key")),
                "{name}"
            );
            assert_eq!(secret.to_paserk().as_str(), paserk, "{name}");
        }
        checked += 1;
    }
    for case in tests(&repository_file("tests/vectors/paseto/k4.pid.json")) {
        let name = field(case, "name");
        if case["expect-fail"].as_bool().unwrap() {
            assert!(
                <[u8; 32]>::try_from(hex(field(case, "key"))).is_err(),
                "{name}"
            );
        } else {
            let bytes: [u8; 32] = hex(field(case, "key")).try_into().unwrap();
            assert_eq!(
                paserk_public_id(&paserk_public(&bytes)),
                field(case, "paserk"),
                "{name}"
            );
        }
        checked += 1;
    }
    for case in tests(&repository_file("tests/vectors/paseto/k4.sid.json")) {
        let name = field(case, "name");
        if case["expect-fail"].as_bool().unwrap() {
            assert!(
                <[u8; 64]>::try_from(hex(field(case, "key"))).is_err(),
                "{name}"
            );
        } else {
            let bytes: [u8; 64] = hex(field(case, "key")).try_into().unwrap();
            assert_eq!(
                paserk_secret_id(&paserk_secret(&bytes)),
                field(case, "paserk"),
                "{name}"
            );
            let seed: [u8; 32] = hex(field(case, "seed")).try_into().unwrap();
            assert_eq!(
                SecretKey::from_seed(&seed).paserk_id(),
                field(case, "paserk"),
                "{name}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 18);
}

#[test]
fn paserk_imports_refuse_what_the_vectors_only_encode() {
    // The all-zero public key has a PASERK but small order.
    let error = PublicKey::from_paserk("k4.public.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .unwrap_err();
    assert_eq!(error.code(), "KEY_WEAK");
    let error = PublicKey::from_paserk("k3.public.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .unwrap_err();
    assert_eq!(error.code(), "KEY_INVALID_PASERK");
    let secret = SecretKey::from_seed(&[1; 32]);
    let mut keypair = [0u8; 64];
    keypair[..32].copy_from_slice(&[1; 32]);
    keypair[32..].copy_from_slice(&SecretKey::from_seed(&[2; 32]).public_key().to_bytes());
    let error = SecretKey::from_paserk(&paserk_secret(&keypair)).unwrap_err();
    assert_eq!(error.code(), "KEY_MISMATCH");
    assert_eq!(
        PublicKey::from_paserk(&secret.public_key().to_paserk()).unwrap(),
        secret.public_key()
    );
    assert!(secret.public_key().paserk_id().starts_with("k4.pid."));
    let error = PublicKey::from_paserk(secret.to_paserk().as_str()).unwrap_err();
    assert_eq!(error.code(), "KEY_INVALID_PASERK");
}

#[test]
fn wycheproof_ed25519() {
    let file = repository_file("tests/vectors/wycheproof/ed25519_test.json");
    let mut checked = 0;
    for group in file["testGroups"].as_array().unwrap() {
        let public = hex(group["publicKey"]["pk"].as_str().unwrap());
        let key = PublicKey::from_bytes(&public).unwrap();
        for case in group["tests"].as_array().unwrap() {
            let id = case["tcId"].as_u64().unwrap();
            let expected = case["result"].as_str().unwrap() == "valid";
            let message = hex(case["msg"].as_str().unwrap());
            let signature = hex(case["sig"].as_str().unwrap());
            assert_eq!(
                key.verify(&message, &signature),
                expected,
                "tcId {id} {}",
                case["comment"]
            );
            checked += 1;
        }
    }
    assert_eq!(checked, file["numberOfTests"].as_u64().unwrap());
}

#[test]
fn openleash_cross_language_vectors() {
    let file = repository_file("tests/conformance/openleash/openleash-testvectors.json");
    let public = PublicKey::from_spki_base64(file["public_key_b64"].as_str().unwrap()).unwrap();
    let secret = SecretKey::from_pkcs8_base64(file["private_key_b64"].as_str().unwrap()).unwrap();
    assert_eq!(secret.public_key(), public);

    // The action hash.
    // Read with this crate's parser, which keeps the file's key order
    // (serde_json's map sorts keys).
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/conformance/openleash/openleash-testvectors.json");
    let ordered = json::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let action = ordered.as_object().unwrap().get("action").unwrap().clone();
    assert_eq!(
        json::canonical_json(&action),
        file["canonical_json"].as_str().unwrap()
    );
    assert_eq!(
        json::action_hash(&action),
        file["action_hash"].as_str().unwrap()
    );

    // The signed request: the body hash is over the compact JSON in the
    // listed key order, and the signature over the signing input.
    assert_eq!(
        sha256_hex(json::to_json(&action).as_bytes()),
        file["body_sha256"].as_str().unwrap()
    );
    let input = file["signing_input"].as_str().unwrap();
    let parts: Vec<&str> = input.split('\n').collect();
    assert_eq!(
        request::signing_input(parts[0], parts[1], parts[2], parts[3], parts[4]),
        input
    );
    let signature = keys_signature(file["signature_b64"].as_str().unwrap());
    assert!(public.verify(input.as_bytes(), &signature));
    assert_eq!(secret.sign(input.as_bytes()).to_vec(), signature);
    let headers = SignedHeaders {
        agent_id: "test-agent".to_owned(),
        timestamp: parts[2].to_owned(),
        nonce: parts[3].to_owned(),
        body_sha256: parts[4].to_owned(),
        signature: file["signature_b64"].as_str().unwrap().to_owned(),
    };
    let body = json::to_json(&action);
    let check = RequestCheck::at(Timestamp::parse_rfc3339("2024-01-15T10:30:30Z").unwrap());
    request::verify_request(
        &headers,
        "POST",
        "/v1/authorize",
        Some(body.as_bytes()),
        &public,
        &check,
        &ReplayGuard::default(),
    )
    .unwrap();

    // The token, verified inside its window with the given claims.
    let token = file["paseto_token"].as_str().unwrap();
    let keys = KeySet::from_keys([
        Key::verifying("00000000-0000-0000-0000-000000000088", public).unwrap(),
    ])
    .unwrap();
    let verified = token::verify(
        token,
        &keys,
        &VerifyOptions::of_kind(
            TokenKind::Proof,
            Timestamp::parse_rfc3339("2024-01-15T10:31:00Z").unwrap(),
        ),
    )
    .unwrap();
    let claims: Json = serde_json::from_str(&json::to_json(&openleash_core::Value::Object(
        verified.claims,
    )))
    .unwrap();
    assert_eq!(claims, file["paseto_claims"]);
    let expired = token::verify(
        token,
        &keys,
        &VerifyOptions::proof(Timestamp::parse_rfc3339("2024-01-15T10:32:00Z").unwrap()),
    );
    assert_eq!(expired.unwrap_err().code(), "TOKEN_EXPIRED");
}

fn keys_signature(b64: &str) -> Vec<u8> {
    let signature = openleash_core::encoding::decode_standard(b64).unwrap();
    assert_eq!(signature.len(), keys::SIGNATURE_BYTES);
    signature
}
