//! Agent request signatures and the replay guard under hostile input:
//! replays under another agent id, shared guards, re-split signed text,
//! ambiguous header spellings.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use openleash_core::encoding;
use openleash_core::host;
use openleash_core::json;
use openleash_core::keys::SecretKey;
use openleash_core::request::{
    self, ReplayGuard, RequestCheck, SignatureError, SignedHeaders, signing_input,
};
use openleash_core::time::Timestamp;

const T0: i64 = 1_705_314_600_000; // 2024-01-15T10:30:00.000Z

fn at(millis: i64) -> Timestamp {
    Timestamp::from_unix_millis(millis).unwrap()
}

fn agent_key() -> SecretKey {
    SecretKey::from_seed(&[7; 32])
}

fn signed(agent_id: &str, nonce: &str, body: &[u8]) -> SignedHeaders {
    request::sign_request(
        &agent_key(),
        agent_id,
        "POST",
        "/v1/authorize",
        at(T0),
        nonce,
        body,
    )
    .unwrap()
}

fn verify(
    headers: &SignedHeaders,
    body: Option<&[u8]>,
    check: &RequestCheck,
    guard: &ReplayGuard,
) -> Result<(), SignatureError> {
    request::verify_request(
        headers,
        "POST",
        "/v1/authorize",
        body,
        &agent_key().public_key(),
        check,
        guard,
    )
}

fn code(result: Result<(), SignatureError>) -> Option<&'static str> {
    result.err().map(|error| error.code())
}

#[test]
fn replay_under_another_agent_id_is_refused() {
    let guard = ReplayGuard::default();
    let check = RequestCheck::at(at(T0 + 1000));
    let headers = signed("agent-1", "n-1", b"{}");
    verify(&headers, Some(b"{}"), &check, &guard).unwrap();

    // X-Agent-Id is not part of the signed text, and the guard keys nonces
    // by it, so changing it makes the same signed request new again.
    let mut replay = headers.clone();
    replay.agent_id = "agent-1 ".to_owned();
    assert_eq!(
        code(verify(&replay, Some(b"{}"), &check, &guard)),
        Some("NONCE_REPLAY")
    );
}

#[test]
fn guard_keeps_nonce_for_the_widest_skew_it_served() {
    let guard = ReplayGuard::default();
    let headers = signed("agent-1", "n-1", b"{}");

    // One route allows 1 s of skew, another 300 s; both share the guard.
    let strict = RequestCheck {
        now: at(T0),
        max_skew_ms: 1000,
    };
    verify(&headers, Some(b"{}"), &strict, &guard).unwrap();

    let lenient = RequestCheck {
        now: at(T0 + 2000),
        max_skew_ms: 300_000,
    };
    assert_eq!(
        code(verify(&headers, Some(b"{}"), &lenient, &guard)),
        Some("NONCE_REPLAY")
    );
}

fn signed_at(millis: i64, nonce: &str) -> SignedHeaders {
    request::sign_request(
        &agent_key(),
        "agent-1",
        "POST",
        "/v1/authorize",
        at(millis),
        nonce,
        b"{}",
    )
    .unwrap()
}

fn check(now: i64, max_skew_ms: u32) -> RequestCheck {
    RequestCheck {
        now: at(now),
        max_skew_ms,
    }
}

#[test]
fn forgotten_nonce_under_wider_skew() {
    let guard = ReplayGuard::default();
    let first = signed_at(T0, "n-1");
    verify(&first, Some(b"{}"), &check(T0, 0), &guard).unwrap();
    // One millisecond later a second request makes the guard forget n-1,
    // because no skew wider than 0 had been served.
    let second = signed_at(T0 + 1, "n-2");
    verify(&second, Some(b"{}"), &check(T0 + 1, 0), &guard).unwrap();
    assert_eq!(guard.len(), 1);
    // A route with a 300 s skew would accept n-1's timestamp again.
    assert_eq!(
        code(verify(&first, Some(b"{}"), &check(T0 + 1, 300_000), &guard)),
        Some("NONCE_REPLAY")
    );
    // New requests still pass.
    let third = signed_at(T0 + 2, "n-3");
    verify(&third, Some(b"{}"), &check(T0 + 2, 300_000), &guard).unwrap();
}

#[test]
fn forgotten_nonce_after_clock_step_back() {
    let guard = ReplayGuard::default();
    let first = signed_at(T0, "n-1");
    verify(&first, Some(b"{}"), &check(T0, 1000), &guard).unwrap();
    // The clock runs ahead by a minute: n-1 is forgotten.
    let ahead = signed_at(T0 + 60_000, "n-2");
    verify(&ahead, Some(b"{}"), &check(T0 + 60_000, 1000), &guard).unwrap();
    // Set back, the clock would accept n-1's timestamp again.
    assert_eq!(
        code(verify(&first, Some(b"{}"), &check(T0, 1000), &guard)),
        Some("NONCE_REPLAY")
    );
}

/// Signs the signing input as given, for header values `sign_request`
/// would never produce.
fn signed_raw(nonce: &str, body_sha256: &str) -> SignedHeaders {
    let timestamp = at(T0).to_rfc3339_millis();
    let input = signing_input("POST", "/v1/authorize", &timestamp, nonce, body_sha256);
    SignedHeaders {
        agent_id: "agent-1".to_owned(),
        timestamp,
        nonce: nonce.to_owned(),
        body_sha256: body_sha256.to_owned(),
        signature: encoding::encode_standard(&agent_key().sign(input.as_bytes())),
    }
}

#[test]
fn body_hash_must_be_sha256_hex_without_body() {
    let guard = ReplayGuard::default();
    let check = RequestCheck::at(at(T0));
    let headers = signed_raw("n-1", "not a hash");
    assert_eq!(
        code(verify(&headers, None, &check, &guard)),
        Some("BODY_HASH_MISMATCH")
    );
}

#[test]
fn nonce_newline_cannot_move_into_body_hash() {
    // An agent that signs a nonce containing a newline (sign_request takes
    // any nonce) lets anyone re-split the signed text: the same signature
    // then verifies under the fresh nonce "a".
    let empty_body_hash = json::sha256_hex(b"");
    let original = signed_raw("a\nb", &empty_body_hash);
    let guard = ReplayGuard::default();
    let check = RequestCheck::at(at(T0));
    assert_eq!(
        code(verify(&original, None, &check, &guard)),
        Some("INVALID_HEADERS")
    );

    let mut shifted = original.clone();
    shifted.nonce = "a".to_owned();
    shifted.body_sha256 = format!("b\n{empty_body_hash}");
    let result = verify(&shifted, None, &check, &guard);
    assert!(result.is_err(), "a re-split request verified a second time");
}

#[test]
fn header_names_differing_in_case_are_ambiguous() {
    let headers = signed("agent-1", "n-1", b"{}");
    let text = format!(
        r#"{{"X-Agent-Id": "agent-1", "x-agent-id": "someone-else", "X-Timestamp": "{}",
            "X-Nonce": "{}", "X-Body-Sha256": "{}", "X-Signature": "{}"}}"#,
        headers.timestamp, headers.nonce, headers.body_sha256, headers.signature
    );
    let value = json::parse(&text).unwrap();

    // An application reading `X-Agent-Id` looks up agent-1's key, while the
    // engine reads the last spelling and records the nonce for
    // someone-else. Two spellings of one header should be refused.
    let read = host::signed_headers_from_value(&value);
    assert!(
        read.is_err(),
        "read X-Agent-Id as {:?}",
        read.map(|headers| headers.agent_id)
    );
}
