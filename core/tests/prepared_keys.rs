#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Differential tests: `PreparedKey::verify` must return
//! `true` exactly when ed25519-dalek's `verify_strict` returns `Ok`, and the
//! table arithmetic must equal
//! `EdwardsPoint::vartime_double_scalar_mul_basepoint`.

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use openleash_core::keys::prepared::{
    CombTable, MAX_WIDTH, MIN_WIDTH, PreparedKey, double_scalar_mul,
};
use sha2::{Digest, Sha512};

/// Deterministic splitmix64 generator, so that a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for chunk in out.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        out
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    fn scalar(&mut self) -> Scalar {
        Scalar::from_bytes_mod_order_wide(&self.bytes::<64>())
    }

    fn message(&mut self) -> Vec<u8> {
        let len = self.below(200);
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

fn hex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd hex length: {text}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn strict(key: &VerifyingKey, message: &[u8], signature: &[u8; 64]) -> bool {
    key.verify_strict(message, &Signature::from_bytes(signature))
        .is_ok()
}

/// Asserts that both verifiers agree and returns their common result.
fn assert_same(
    key: &VerifyingKey,
    prepared: &PreparedKey,
    message: &[u8],
    signature: &[u8; 64],
) -> bool {
    let expected = strict(key, message, signature);
    let found = prepared.verify(message, signature);
    assert_eq!(
        found,
        expected,
        "key {:02x?} signature {:02x?} message {:02x?}",
        key.as_bytes(),
        signature,
        message
    );
    found
}

fn small_order_points() -> Vec<EdwardsPoint> {
    // The torsion part of a random point Q is Q - [1/8]([8]Q).
    let inverse_eight = Scalar::from(8u8).invert();
    let mut rng = Rng(7);
    let mut points: Vec<EdwardsPoint> = Vec::new();
    while points.len() < 8 {
        let Some(q) = CompressedEdwardsY(rng.bytes()).decompress() else {
            continue;
        };
        let torsion = q - inverse_eight * q.mul_by_cofactor();
        assert!(torsion.is_small_order());
        if !points.contains(&torsion) {
            points.push(torsion);
        }
    }
    points
}

#[test]
fn wycheproof_matches_verify_strict() {
    let text = include_str!("../../tests/vectors/wycheproof/ed25519_test.json");
    let root: serde_json::Value = serde_json::from_str(text).unwrap();
    let mut cases = 0;
    let mut accepted = 0;
    let mut disagreements_with_wycheproof = Vec::new();
    for group in root["testGroups"].as_array().unwrap() {
        let key_bytes: [u8; 32] = hex(group["publicKey"]["pk"].as_str().unwrap())
            .try_into()
            .unwrap();
        let key = VerifyingKey::from_bytes(&key_bytes);
        let prepared = PreparedKey::from_bytes(&key_bytes);
        assert_eq!(key.is_ok(), prepared.is_some(), "key {key_bytes:02x?}");
        for case in group["tests"].as_array().unwrap() {
            cases += 1;
            let id = case["tcId"].as_u64().unwrap();
            let message = hex(case["msg"].as_str().unwrap());
            let signature = hex(case["sig"].as_str().unwrap());
            let (Ok(key), Some(prepared)) = (&key, &prepared) else {
                continue;
            };
            // A signature of the wrong length fails to parse for both.
            let Ok(signature) = <[u8; 64]>::try_from(signature.as_slice()) else {
                continue;
            };
            let result = assert_same(key, prepared, &message, &signature);
            accepted += usize::from(result);
            let expected_valid = case["result"].as_str().unwrap() == "valid";
            if result != expected_valid {
                disagreements_with_wycheproof.push(id);
            }
        }
    }
    assert_eq!(cases, 151);
    assert!(accepted > 0);
    // verify_strict and Wycheproof agree on every case. The differential
    // check above is the one that matters here; this one guards the input.
    assert_eq!(disagreements_with_wycheproof, Vec::<u64>::new());
}

fn base64url_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'-' => 62,
            b'_' => 63,
            _ => panic!("invalid base64url character {c}"),
        }
    };
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        buffer = (buffer << 6) | value(c);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

/// PASETO's pre-authentication encoding.
fn pae(pieces: &[&[u8]]) -> Vec<u8> {
    let mut out = (pieces.len() as u64).to_le_bytes().to_vec();
    for piece in pieces {
        out.extend_from_slice(&(piece.len() as u64).to_le_bytes());
        out.extend_from_slice(piece);
    }
    out
}

#[test]
fn paseto_public_vectors_match_verify_strict() {
    let text = include_str!("../../tests/vectors/paseto/v4.json");
    let root: serde_json::Value = serde_json::from_str(text).unwrap();
    let mut checked = 0;
    for case in root["tests"].as_array().unwrap() {
        let token = case["token"].as_str().unwrap();
        let Some(body) = token.strip_prefix("v4.public.") else {
            continue;
        };
        let Some(key_hex) = case["public-key"].as_str() else {
            continue;
        };
        let key_bytes: [u8; 32] = hex(key_hex).try_into().unwrap();
        let key = VerifyingKey::from_bytes(&key_bytes).unwrap();
        let prepared = PreparedKey::new(&key);
        let (payload, footer) = match body.split_once('.') {
            Some((payload, footer)) => (payload, base64url_decode(footer)),
            None => (body, Vec::new()),
        };
        let decoded = base64url_decode(payload);
        let (message, signature) = decoded.split_at(decoded.len() - 64);
        let signature: [u8; 64] = signature.try_into().unwrap();
        let implicit = case["implicit-assertion"].as_str().unwrap().as_bytes();
        let signed = pae(&[b"v4.public.", message, &footer, implicit]);
        let result = assert_same(&key, &prepared, &signed, &signature);
        assert_eq!(
            result,
            !case["expect-fail"].as_bool().unwrap(),
            "{}",
            case["name"]
        );
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn random_valid_signatures_verify() {
    let mut rng = Rng(1);
    let mut verified = 0;
    for _ in 0..64 {
        let signing = SigningKey::from_bytes(&rng.bytes());
        let key = signing.verifying_key();
        let prepared = PreparedKey::new(&key);
        for _ in 0..50 {
            let message = rng.message();
            let signature = signing.sign(&message).to_bytes();
            assert!(assert_same(&key, &prepared, &message, &signature));
            verified += 1;
        }
    }
    assert_eq!(verified, 3200);
}

#[test]
fn every_width_verifies_like_verify_strict() {
    let mut rng = Rng(2);
    for width in MIN_WIDTH..=MAX_WIDTH {
        let basepoint = CombTable::new(&ED25519_BASEPOINT_POINT, width).unwrap();
        for _ in 0..4 {
            let signing = SigningKey::from_bytes(&rng.bytes());
            let key = signing.verifying_key();
            let prepared = PreparedKey::with_width(&key, width).unwrap();
            for _ in 0..8 {
                let message = rng.message();
                let mut signature = signing.sign(&message).to_bytes();
                assert!(prepared.verify_with(&basepoint, &message, &signature));
                signature[rng.below(64)] ^= 1 << rng.below(8);
                assert_eq!(
                    prepared.verify_with(&basepoint, &message, &signature),
                    strict(&key, &message, &signature),
                    "width {width}"
                );
            }
        }
    }
}

#[test]
fn bit_flips_match_verify_strict() {
    let mut rng = Rng(3);
    let mut cases = 0;
    for _ in 0..16 {
        let signing = SigningKey::from_bytes(&rng.bytes());
        let key = signing.verifying_key();
        let prepared = PreparedKey::new(&key);
        let message = rng.message();
        let signature = signing.sign(&message).to_bytes();
        for bit in 0..512 {
            let mut mutated = signature;
            mutated[bit / 8] ^= 1 << (bit % 8);
            assert_same(&key, &prepared, &message, &mutated);
            cases += 1;
        }
        // A flipped message bit.
        if !message.is_empty() {
            let mut changed = message.clone();
            changed[rng.below(message.len())] ^= 1;
            assert!(!assert_same(&key, &prepared, &changed, &signature));
        }
    }
    assert_eq!(cases, 16 * 512);
}

/// Little-endian 256-bit addition, wrapping.
fn add_le(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = sum as u8;
        carry = sum >> 8;
    }
    out
}

#[test]
fn s_edge_values_match_verify_strict() {
    let l_minus_one = (-Scalar::ONE).to_bytes();
    let l = add_le(&l_minus_one, &Scalar::ONE.to_bytes());
    let mut two_to_252 = [0u8; 32];
    two_to_252[31] = 0x10;
    let mut rng = Rng(4);
    for _ in 0..16 {
        let signing = SigningKey::from_bytes(&rng.bytes());
        let key = signing.verifying_key();
        let prepared = PreparedKey::new(&key);
        let message = rng.message();
        let signature = signing.sign(&message).to_bytes();
        let s: [u8; 32] = signature[32..].try_into().unwrap();
        let candidates = [
            add_le(&s, &l),
            add_le(&add_le(&s, &l), &l),
            [0u8; 32],
            l_minus_one,
            l,
            add_le(&l, &Scalar::ONE.to_bytes()),
            two_to_252,
            [0xff; 32],
            {
                let mut top = s;
                top[31] |= 0x80;
                top
            },
        ];
        for candidate in candidates {
            let mut mutated = signature;
            mutated[32..].copy_from_slice(&candidate);
            assert!(!assert_same(&key, &prepared, &message, &mutated));
        }
    }
}

#[test]
fn small_order_r_and_key_match_verify_strict() {
    let torsion = small_order_points();
    let mut rng = Rng(5);
    let signing = SigningKey::from_bytes(&rng.bytes());
    let key = signing.verifying_key();
    let prepared = PreparedKey::new(&key);
    let message = rng.message();
    let signature = signing.sign(&message).to_bytes();
    for point in &torsion {
        let mut mutated = signature;
        mutated[..32].copy_from_slice(point.compress().as_bytes());
        assert!(!assert_same(&key, &prepared, &message, &mutated));
    }

    // Small-order keys, with R and S that verify_strict would otherwise
    // accept for the cofactorless equation: R = [s]B - [k]A.
    for point in &torsion {
        let key_bytes = point.compress().to_bytes();
        let key = VerifyingKey::from_bytes(&key_bytes).unwrap();
        let prepared = PreparedKey::from_bytes(&key_bytes).unwrap();
        assert_eq!(prepared.table_bytes(), 0);
        let r_scalar = rng.scalar();
        let r = (r_scalar * ED25519_BASEPOINT_POINT).compress();
        let k = challenge(r.as_bytes(), &key_bytes, &message);
        let s = r_scalar + k * Scalar::ZERO;
        let mut forged = [0u8; 64];
        forged[..32].copy_from_slice(r.as_bytes());
        forged[32..].copy_from_slice(s.as_bytes());
        // [s]B - [k]A = R exactly when [k]A is the identity.
        assert!(!assert_same(&key, &prepared, &message, &forged));
    }
}

fn challenge(r: &[u8; 32], key: &[u8; 32], message: &[u8]) -> Scalar {
    let mut hash = Sha512::new();
    hash.update(r);
    hash.update(key);
    hash.update(message);
    let mut wide = [0u8; 64];
    wide.copy_from_slice(&hash.finalize());
    Scalar::from_bytes_mod_order_wide(&wide)
}

#[test]
fn mixed_order_key_matches_verify_strict() {
    // A = [a]B + T with T of small order: the cofactorless equation holds
    // only when [k]T is the identity, which depends on k.
    let torsion = small_order_points();
    let mut rng = Rng(6);
    let mut accepted = 0;
    let mut rejected = 0;
    for round in 0..400 {
        let a = rng.scalar();
        let point = a * ED25519_BASEPOINT_POINT + torsion[round % torsion.len()];
        let key_bytes = point.compress().to_bytes();
        let key = VerifyingKey::from_bytes(&key_bytes).unwrap();
        let prepared = PreparedKey::from_bytes(&key_bytes).unwrap();
        let message = rng.message();
        let r_scalar = rng.scalar();
        let r = (r_scalar * ED25519_BASEPOINT_POINT).compress();
        let k = challenge(r.as_bytes(), &key_bytes, &message);
        let s = r_scalar + k * a;
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(r.as_bytes());
        signature[32..].copy_from_slice(s.as_bytes());
        if assert_same(&key, &prepared, &message, &signature) {
            accepted += 1;
        } else {
            rejected += 1;
        }
    }
    assert!(accepted > 0, "no case with [k]T = identity");
    assert!(rejected > 0, "no case with [k]T != identity");
}

#[test]
fn small_order_r_solving_equation_is_rejected() {
    // With A = [a]B + T and s = k * a, [s]B - [k]A = -[k]T has small order.
    // Search messages until -[k]T equals the chosen small-order R. Then the
    // equation is satisfied and only the small-order check on R rejects.
    let torsion = small_order_points();
    let mut rng = Rng(12);
    let mut found = 0;
    for round in 0..2000 {
        let t = torsion[round % torsion.len()];
        let r_point = torsion[(round / torsion.len()) % torsion.len()];
        let a = rng.scalar();
        let key_bytes = (a * ED25519_BASEPOINT_POINT + t).compress().to_bytes();
        let key = VerifyingKey::from_bytes(&key_bytes).unwrap();
        let prepared = PreparedKey::from_bytes(&key_bytes).unwrap();
        let r = r_point.compress();
        let message = rng.message();
        let k = challenge(r.as_bytes(), &key_bytes, &message);
        if -(k * t) != r_point {
            continue;
        }
        found += 1;
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(r.as_bytes());
        signature[32..].copy_from_slice((k * a).as_bytes());
        let equation =
            EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &-key.to_edwards(), &(k * a));
        assert_eq!(equation.compress(), r);
        assert!(!assert_same(&key, &prepared, &message, &signature));
    }
    assert!(found >= 20, "found {found}");
}

#[test]
fn non_canonical_r_matches_verify_strict() {
    // p = 2^255 - 19: the encodings y + p for y < 19, with either sign bit,
    // decode to the point with coordinate y when it is on the curve.
    let mut rng = Rng(8);
    let signing = SigningKey::from_bytes(&rng.bytes());
    let key = signing.verifying_key();
    let prepared = PreparedKey::new(&key);
    let message = rng.message();
    let signature = signing.sign(&message).to_bytes();
    let mut decodable = 0;
    for y in 0u8..19 {
        for sign in [0u8, 0x80] {
            let mut encoding = [0xffu8; 32];
            encoding[0] = 0xed + y;
            encoding[31] = 0x7f | sign;
            if CompressedEdwardsY(encoding).decompress().is_some() {
                decodable += 1;
            }
            let mut mutated = signature;
            mutated[..32].copy_from_slice(&encoding);
            assert!(!assert_same(&key, &prepared, &message, &mutated));
        }
    }
    assert!(decodable > 0);

    // The valid R with its sign bit set on x = 0 cannot occur (x = 0 only
    // for small-order points), so flip the sign of a valid R instead: the
    // negated point, which fails the equation.
    let mut negated = signature;
    negated[31] ^= 0x80;
    assert!(!assert_same(&key, &prepared, &message, &negated));
}

#[test]
fn non_canonical_key_matches_verify_strict() {
    // Keys whose y is encoded as y + p: ed25519-dalek decodes them, and the
    // challenge hash covers the bytes as given.
    let mut rng = Rng(9);
    let mut prepared_keys = 0;
    for y in 0u8..19 {
        for sign in [0u8, 0x80] {
            let mut encoding = [0xffu8; 32];
            encoding[0] = 0xed + y;
            encoding[31] = 0x7f | sign;
            let key = VerifyingKey::from_bytes(&encoding);
            let prepared = PreparedKey::from_bytes(&encoding);
            assert_eq!(key.is_ok(), prepared.is_some());
            let (Ok(key), Some(prepared)) = (key, prepared) else {
                continue;
            };
            prepared_keys += 1;
            for _ in 0..8 {
                let message = rng.message();
                let signature: [u8; 64] = rng.bytes();
                assert!(!assert_same(&key, &prepared, &message, &signature));
            }
        }
    }
    assert!(prepared_keys > 0);
}

#[test]
fn random_bytes_match_verify_strict() {
    let mut rng = Rng(10);
    let mut keys = 0;
    while keys < 50 {
        let key_bytes: [u8; 32] = rng.bytes();
        let key = VerifyingKey::from_bytes(&key_bytes);
        let prepared = PreparedKey::from_bytes(&key_bytes);
        assert_eq!(key.is_ok(), prepared.is_some());
        let (Ok(key), Some(prepared)) = (key, prepared) else {
            continue;
        };
        keys += 1;
        for _ in 0..40 {
            let message = rng.message();
            let mut signature: [u8; 64] = rng.bytes();
            // Half the cases get a canonical S, so that they reach the
            // equation.
            if rng.below(2) == 0 {
                signature[32..].copy_from_slice(rng.scalar().as_bytes());
            }
            assert!(!assert_same(&key, &prepared, &message, &signature));
        }
    }
}

fn edge_scalars() -> Vec<Scalar> {
    let mut scalars = vec![
        Scalar::ZERO,
        Scalar::ONE,
        Scalar::from(2u8),
        -Scalar::ONE,
        -Scalar::from(2u8),
    ];
    let mut two_to_252 = [0u8; 32];
    two_to_252[31] = 0x10;
    scalars.push(Scalar::from_bytes_mod_order(two_to_252));
    scalars.push(Scalar::from_bytes_mod_order(two_to_252) - Scalar::ONE);
    scalars.push(Scalar::from_bytes_mod_order(two_to_252) + Scalar::ONE);
    // For each width, the scalar whose every raw window is 2^(w-1) (the
    // largest digit) and the one whose windows are all 2^w - 1 (all carries).
    for width in MIN_WIDTH..=MAX_WIDTH {
        let radix = Scalar::from(1u64 << width);
        let mut halves = Scalar::ZERO;
        let mut full = Scalar::ZERO;
        for _ in 0..(253 / width) {
            halves = halves * radix + Scalar::from(1u64 << (width - 1));
            full = full * radix + Scalar::from((1u64 << width) - 1);
        }
        scalars.push(halves);
        scalars.push(full);
        scalars.push(-halves);
        scalars.push(-full);
    }
    for pattern in [0x55u8, 0xaa, 0x88, 0x77, 0xff, 0x80, 0x7f] {
        scalars.push(Scalar::from_bytes_mod_order([pattern; 32]));
    }
    scalars
}

#[test]
fn comb_matches_double_scalar_mul_basepoint() {
    let mut rng = Rng(11);
    let mut scalars = edge_scalars();
    for _ in 0..20 {
        scalars.push(rng.scalar());
    }
    let points = [
        ED25519_BASEPOINT_POINT,
        rng.scalar() * ED25519_BASEPOINT_POINT,
        // A point with a torsion component.
        rng.scalar() * ED25519_BASEPOINT_POINT + small_order_points()[3],
    ];
    for width in MIN_WIDTH..=MAX_WIDTH {
        let basepoint = CombTable::new(&ED25519_BASEPOINT_POINT, width).unwrap();
        for point in &points {
            let table = CombTable::new(point, width).unwrap();
            for (i, s) in scalars.iter().enumerate() {
                // Pair each s with a few k, including k = 0 and k = s.
                let k_values = [Scalar::ZERO, *s, scalars[(i * 7 + 3) % scalars.len()]];
                for k in &k_values {
                    let expected = EdwardsPoint::vartime_double_scalar_mul_basepoint(k, &-point, s);
                    let found = double_scalar_mul(&basepoint, s, &table, k);
                    assert_eq!(found, expected, "width {width} s {s:?} k {k:?}");
                }
                assert_eq!(table.mul(s), s * point, "width {width} s {s:?}");
            }
        }
    }
}

#[test]
fn table_sizes_follow_width() {
    for width in MIN_WIDTH..=MAX_WIDTH {
        let table = CombTable::new(&ED25519_BASEPOINT_POINT, width).unwrap();
        let rows = (253 / width + 1) as usize;
        assert_eq!(table.rows(), rows);
        assert_eq!(
            table.heap_bytes(),
            rows * (1 << (width - 1)) * core::mem::size_of::<EdwardsPoint>()
        );
    }
}
