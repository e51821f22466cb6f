//! Token benchmarks: issuing and verifying a proof token, each next to the
//! raw Ed25519 operations, measured in the same run over the same signed
//! bytes (the PASETO pre-authentication encoding of the claims). Keys are
//! parsed once, outside the timed loops.
//!
//! Run with `cargo bench -p openleash-core --bench tokens`. On x86_64 the
//! workspace's `.cargo/config.toml` compiles in curve25519-dalek's AVX-512
//! IFMA backend; `RUSTFLAGS=""` in the environment replaces those flags and
//! measures the default AVX2 backend instead.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::{Signature, Signer, SigningKey};
use openleash_core::json::{self, Value};
use openleash_core::keys::prepared::PreparedKey;
use openleash_core::keys::{Key, KeySet, SecretKey};
use openleash_core::paseto;
use openleash_core::token::{self, ProofParams, VerifyOptions};
use openleash_core::{Timestamp, encoding};

const SEED: [u8; 32] = [42; 32];

fn params() -> ProofParams {
    ProofParams {
        decision_id: "5d1c7c3e-2a47-4f6e-9a0b-0c1d2e3f4a5b".to_owned(),
        owner_type: "user".to_owned(),
        owner_id: "9c5b94b1-35ad-49bb-b118-8e8fc24abf80".to_owned(),
        agent_id: "shopper-agent".to_owned(),
        action_type: "purchase".to_owned(),
        action_hash: "5fed50d1afcf598480f64ca09edb042a8a09c6b33c8712e3faeeea2aa1d4297d".to_owned(),
        matched_rule_id: Some("allow_small".to_owned()),
        trust_profile: Some("HIGH".to_owned()),
        constraints_snapshot: None,
    }
}

fn tokens(c: &mut Criterion) {
    let now = Timestamp::parse_rfc3339("2025-03-01T12:00:00Z").unwrap();
    let key = Key::signing("bench-key", SecretKey::from_seed(&SEED)).unwrap();
    let keys = KeySet::from_keys([key.to_verifying()]).unwrap();
    let issued = token::issue_proof(&key, &params(), now, 120.0).unwrap();
    let options = VerifyOptions::proof(now);
    assert!(token::verify(&issued.token, &keys, &options).is_ok());

    // The exact bytes the token's signature covers.
    let message = json::to_json(&Value::Object(issued.claims.clone()));
    let signed = paseto::pae(&[paseto::HEADER.as_bytes(), message.as_bytes(), b"", b""]);
    let raw_key = SigningKey::from_bytes(&SEED);
    let raw_public = raw_key.verifying_key();
    let body = issued.token.strip_prefix(paseto::HEADER).unwrap();
    let signature_bytes = encoding::decode_url(body).unwrap();
    let signature = Signature::from_slice(&signature_bytes[signature_bytes.len() - 64..]).unwrap();
    assert!(raw_public.verify_strict(&signed, &signature).is_ok());
    let prepared = PreparedKey::new(&raw_public);
    let signature_array = signature.to_bytes();
    assert!(prepared.verify(&signed, &signature_array));

    let proof = params();
    let mut group = c.benchmark_group("tokens");
    group.bench_function("issue_proof", |b| {
        b.iter(|| token::issue_proof(black_box(&key), black_box(&proof), now, 120.0))
    });
    group.bench_function("raw_ed25519_sign", |b| {
        b.iter(|| raw_key.sign(black_box(&signed)))
    });
    group.bench_function("verify_proof", |b| {
        b.iter(|| token::verify(black_box(&issued.token), &keys, &options))
    });
    group.bench_function("raw_ed25519_verify_strict", |b| {
        b.iter(|| raw_public.verify_strict(black_box(&signed), black_box(&signature)))
    });
    // The same check from the key's precomputed table, as a KeySet's keys
    // verify once they have accepted two signatures.
    group.bench_function("raw_prepared_table_verify", |b| {
        b.iter(|| prepared.verify(black_box(&signed), black_box(&signature_array)))
    });
    group.finish();
}

criterion_group!(benches, tokens);
criterion_main!(benches);
