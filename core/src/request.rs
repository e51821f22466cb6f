//! OpenLeash's agent request signatures.
//!
//! An agent signs every HTTP request it sends with its Ed25519 key. The
//! signed text is `METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY_SHA256` and travels
//! in the headers `X-Agent-Id`, `X-Timestamp`, `X-Nonce`, `X-Body-Sha256`
//! and `X-Signature` (standard base64). The receiver checks, in order: all
//! headers present, the timestamp within the allowed clock skew, the body
//! hash, the signature, and last the nonce against a [`ReplayGuard`].
//!
//! Unlike OpenLeash, an unparseable timestamp is refused rather than
//! skipped, and a nonce is only recorded once the signature holds, so
//! unsigned requests cannot use up nonces.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::sync::Mutex;

use crate::encoding;
use crate::json::sha256_hex;
use crate::keys::{PublicKey, SecretKey};
use crate::time::Timestamp;

/// Default allowed difference between the request's timestamp and the
/// receiver's clock, in milliseconds (5 minutes).
pub const DEFAULT_MAX_SKEW_MS: u32 = 300_000;
/// Maximum length of an agent id, nonce, method or path, in bytes.
pub const MAX_FIELD_BYTES: usize = 2048;
/// Default number of nonces a [`ReplayGuard`] remembers.
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// The signing headers of one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `X-Agent-Id`.
    pub agent_id: String,
    /// `X-Timestamp`, RFC 3339.
    pub timestamp: String,
    /// `X-Nonce`.
    pub nonce: String,
    /// `X-Body-Sha256`, lowercase hex.
    pub body_sha256: String,
    /// `X-Signature`, standard base64 of the 64-byte signature.
    pub signature: String,
}

/// `METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY_SHA256`.
pub fn signing_input(
    method: &str,
    path: &str,
    timestamp: &str,
    nonce: &str,
    body_sha256: &str,
) -> String {
    format!("{method}\n{path}\n{timestamp}\n{nonce}\n{body_sha256}")
}

/// Signs a request: hashes the body and returns the headers to send.
/// Rejects what [`verify_request`] would reject in any case, with its codes:
/// an empty agent id or nonce (`MISSING_HEADERS`), a field over
/// [`MAX_FIELD_BYTES`] (`HEADER_TOO_LARGE`) and a line break in a field
/// (`INVALID_HEADERS`).
pub fn sign_request(
    key: &SecretKey,
    agent_id: &str,
    method: &str,
    path: &str,
    timestamp: Timestamp,
    nonce: &str,
    body: &[u8],
) -> Result<SignedHeaders, SignatureError> {
    check_fields(
        &[("X-Agent-Id", agent_id), ("X-Nonce", nonce)],
        &[("method", method), ("path", path)],
    )?;
    let timestamp = timestamp.to_rfc3339_millis();
    let body_sha256 = sha256_hex(body);
    let input = signing_input(method, path, &timestamp, nonce, &body_sha256);
    Ok(SignedHeaders {
        agent_id: agent_id.to_owned(),
        timestamp,
        nonce: nonce.to_owned(),
        body_sha256,
        signature: encoding::encode_standard(&key.sign(input.as_bytes())),
    })
}

/// Checks the fields of a request: every header present (not empty), and
/// no header or other field over [`MAX_FIELD_BYTES`] or with a line break.
fn check_fields(headers: &[(&str, &str)], others: &[(&str, &str)]) -> Result<(), SignatureError> {
    let missing: Vec<&str> = headers
        .iter()
        .filter(|(_, value)| value.is_empty())
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(SignatureError::new(
            "MISSING_HEADERS",
            format!("missing signing headers: {}", missing.join(", ")),
        ));
    }
    for (name, value) in headers.iter().chain(others) {
        if value.len() > MAX_FIELD_BYTES {
            return Err(SignatureError::new(
                "HEADER_TOO_LARGE",
                format!("{name} is longer than {MAX_FIELD_BYTES} bytes"),
            ));
        }
        // The signed text separates its fields with line feeds, so a field
        // holding one could be split differently into other fields that
        // carry the same signature.
        if value.contains(['\n', '\r']) {
            return Err(SignatureError::new(
                "INVALID_HEADERS",
                format!("{name} contains a line break"),
            ));
        }
    }
    Ok(())
}

/// The receiver's settings for checking requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestCheck {
    /// The receiver's current time.
    pub now: Timestamp,
    /// Allowed clock difference in milliseconds, in both directions.
    pub max_skew_ms: u32,
}

impl RequestCheck {
    /// Checks at `now` with the default skew.
    pub fn at(now: Timestamp) -> RequestCheck {
        RequestCheck {
            now,
            max_skew_ms: DEFAULT_MAX_SKEW_MS,
        }
    }
}

/// Verifies a signed request. `body` is the raw body when the receiver has
/// one; its SHA-256 must equal `X-Body-Sha256`. Without a body (GET, HEAD)
/// the header is taken as signed. The nonce is recorded in `guard` only
/// when everything else holds.
#[allow(clippy::too_many_arguments)]
pub fn verify_request(
    headers: &SignedHeaders,
    method: &str,
    path: &str,
    body: Option<&[u8]>,
    key: &PublicKey,
    check: &RequestCheck,
    guard: &ReplayGuard,
) -> Result<(), SignatureError> {
    check_fields(
        &[
            ("X-Agent-Id", headers.agent_id.as_str()),
            ("X-Timestamp", headers.timestamp.as_str()),
            ("X-Nonce", headers.nonce.as_str()),
            ("X-Body-Sha256", headers.body_sha256.as_str()),
            ("X-Signature", headers.signature.as_str()),
        ],
        &[("method", method), ("path", path)],
    )?;
    if headers.body_sha256.len() != 64
        || !headers
            .body_sha256
            .bytes()
            .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(SignatureError::new(
            "BODY_HASH_MISMATCH",
            "X-Body-Sha256 is not a SHA-256 digest in 64 lowercase hex digits",
        ));
    }
    let Ok(sent_at) = Timestamp::parse_rfc3339(&headers.timestamp) else {
        return Err(SignatureError::new(
            "TIMESTAMP_SKEW",
            format!(
                "X-Timestamp is not an RFC 3339 date-time: {:?}",
                headers.timestamp.chars().take(40).collect::<String>()
            ),
        ));
    };
    let skew = sent_at.unix_millis().abs_diff(check.now.unix_millis());
    if skew > u64::from(check.max_skew_ms) {
        return Err(SignatureError::new(
            "TIMESTAMP_SKEW",
            format!(
                "the request timestamp {sent_at} is {} ms away from {}, more than the {} ms allowed",
                skew, check.now, check.max_skew_ms
            ),
        ));
    }
    if let Some(body) = body
        && sha256_hex(body) != headers.body_sha256
    {
        return Err(SignatureError::new(
            "BODY_HASH_MISMATCH",
            "the SHA-256 of the body does not match X-Body-Sha256",
        ));
    }
    let signature = encoding::decode_standard(&headers.signature).map_err(|error| {
        SignatureError::new(
            "INVALID_SIGNATURE",
            format!("X-Signature is not standard base64: {error}"),
        )
    })?;
    let input = signing_input(
        method,
        path,
        &headers.timestamp,
        &headers.nonce,
        &headers.body_sha256,
    );
    if !key.verify(input.as_bytes(), &signature) {
        return Err(SignatureError::new(
            "INVALID_SIGNATURE",
            "the request signature does not verify with the agent's key",
        ));
    }
    // The nonce is remembered per signing key: `X-Agent-Id` is not signed,
    // so keying by it would let anyone replay a request under another id.
    guard.record_signed(
        &key.to_paserk(),
        &headers.nonce,
        check.now,
        sent_at,
        check.max_skew_ms,
    )
}

/// Remembers the nonces of recent requests and refuses a nonce seen before
/// while its request could still be accepted.
///
/// A request is acceptable while its timestamp is within the allowed skew
/// of the receiver's clock, so a nonce is kept until its request's
/// timestamp plus the widest skew the guard has served (a guard shared by
/// routes with different skews keeps nonces for the most lenient one). A
/// request no newer than the latest forgotten nonce is rejected, because a
/// wider skew or a clock set back could otherwise accept a replay of it.
/// Each nonce is stored as a 32-byte digest of the signer and the nonce,
/// about a hundred bytes per entry whatever the lengths of the headers.
///
/// Bounded: it holds at most `capacity` unexpired nonces, and at most
/// `per_signer` of them for one signing key. When a bound is reached it
/// refuses new requests with `REPLAY_GUARD_FULL` rather than forgetting a
/// nonce that could still be replayed; the per-signer bound keeps one busy
/// or hostile agent from filling the guard for every other agent. Safe to
/// share between threads.
#[derive(Debug)]
pub struct ReplayGuard {
    capacity: usize,
    per_signer: usize,
    state: Mutex<GuardState>,
}

type Digest32 = [u8; 32];

#[derive(Debug, Default)]
struct GuardState {
    /// Digest of (signer, nonce) to the request's timestamp (Unix
    /// milliseconds) and the signer's digest.
    seen: HashMap<Digest32, (i64, Digest32)>,
    /// Timestamp order, for forgetting.
    sent: BinaryHeap<Reverse<(i64, Digest32)>>,
    /// Unexpired nonces per signer digest.
    per_signer: HashMap<Digest32, usize>,
    /// The widest skew served so far, in milliseconds.
    max_skew_ms: i64,
    /// The latest timestamp of a forgotten nonce (Unix milliseconds), if
    /// any. A request sent at or before it may reuse a forgotten nonce, so
    /// it is rejected.
    forgotten_through: Option<i64>,
}

fn digest(parts: &[&[u8]]) -> Digest32 {
    use sha2::Digest as _;
    let mut hash = sha2::Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    hash.finalize().into()
}

impl ReplayGuard {
    /// Creates a guard that remembers up to `capacity` nonces, all of which
    /// one signer may use.
    pub fn new(capacity: usize) -> ReplayGuard {
        ReplayGuard::with_signer_limit(capacity, capacity)
    }

    /// Creates a guard that remembers up to `capacity` nonces, at most
    /// `per_signer` of them for one signing key.
    pub fn with_signer_limit(capacity: usize, per_signer: usize) -> ReplayGuard {
        ReplayGuard {
            capacity,
            per_signer,
            state: Mutex::new(GuardState::default()),
        }
    }

    /// Number of nonces remembered, expired ones included until the next
    /// record.
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// Returns true when no nonce is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records `nonce` of a request sent at `sent_at` by the signer
    /// `identity` (the verifying key), accepted with `max_skew_ms` of skew,
    /// or refuses it with `NONCE_REPLAY` if the signer used it before and
    /// the earlier request could still be accepted at `now`, or if it was
    /// sent no later than a nonce the guard has forgotten.
    pub fn record_signed(
        &self,
        identity: &str,
        nonce: &str,
        now: Timestamp,
        sent_at: Timestamp,
        max_skew_ms: u32,
    ) -> Result<(), SignatureError> {
        let now = now.unix_millis();
        let signer = digest(&[identity.as_bytes()]);
        let key = digest(&[identity.as_bytes(), nonce.as_bytes()]);
        let mut state = self.lock();
        let GuardState {
            seen,
            sent,
            per_signer,
            max_skew_ms: widest,
            forgotten_through,
        } = &mut *state;
        *widest = (*widest).max(i64::from(max_skew_ms));
        // Forget nonces whose requests can no longer be accepted.
        while let Some(Reverse((sent_at, _))) = sent.peek() {
            if sent_at.saturating_add(*widest) >= now {
                break;
            }
            let Some(Reverse((sent_at, old))) = sent.pop() else {
                break;
            };
            *forgotten_through =
                Some(forgotten_through.map_or(sent_at, |through| through.max(sent_at)));
            if let Some(&(recorded, owner)) = seen.get(&old)
                && recorded == sent_at
            {
                seen.remove(&old);
                if let Some(count) = per_signer.get_mut(&owner) {
                    *count = count.saturating_sub(1);
                    if *count == 0 {
                        per_signer.remove(&owner);
                    }
                }
            }
        }
        if seen.contains_key(&key) {
            return Err(SignatureError::new(
                "NONCE_REPLAY",
                "the nonce has already been used",
            ));
        }
        let sent_at = sent_at.unix_millis();
        // A wider skew than before, or a clock set back, can make a request
        // acceptable again after its nonce was forgotten.
        if forgotten_through.is_some_and(|through| sent_at <= through) {
            return Err(SignatureError::new(
                "NONCE_REPLAY",
                "the request is no newer than nonces this guard has already forgotten, so it could be a replay",
            ));
        }
        if seen.len() >= self.capacity {
            return Err(SignatureError::new(
                "REPLAY_GUARD_FULL",
                format!(
                    "the replay guard already holds {} unexpired nonces",
                    self.capacity
                ),
            ));
        }
        let used = per_signer.get(&signer).copied().unwrap_or(0);
        if used >= self.per_signer {
            return Err(SignatureError::new(
                "REPLAY_GUARD_FULL",
                format!(
                    "the replay guard already holds {} unexpired nonces of this signer",
                    self.per_signer
                ),
            ));
        }
        seen.insert(key, (sent_at, signer));
        sent.push(Reverse((sent_at, key)));
        per_signer.insert(signer, used + 1);
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GuardState> {
        // A panic while holding the lock cannot leave the maps
        // inconsistent in a way that accepts a replay, so a poisoned lock
        // is used as is.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for ReplayGuard {
    fn default() -> ReplayGuard {
        ReplayGuard::new(DEFAULT_REPLAY_CAPACITY)
    }
}

/// A request whose signature was refused. The codes are OpenLeash's:
/// `MISSING_HEADERS`, `TIMESTAMP_SKEW`, `NONCE_REPLAY`,
/// `BODY_HASH_MISMATCH`, `INVALID_SIGNATURE`, plus `HEADER_TOO_LARGE`,
/// `INVALID_HEADERS` and `REPLAY_GUARD_FULL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureError {
    code: &'static str,
    message: String,
}

impl SignatureError {
    /// Creates an error with a stable code; bindings use it for problems
    /// they find in their own arguments.
    pub fn new(code: &'static str, message: impl Into<String>) -> SignatureError {
        SignatureError {
            code,
            message: message.into(),
        }
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Returns a description of the problem.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for SignatureError {}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn at(millis: i64) -> Timestamp {
        Timestamp::from_unix_millis(millis).unwrap()
    }

    const T0: i64 = 1_705_314_600_000; // 2024-01-15T10:30:00.000Z

    fn signed(nonce: &str, body: &[u8]) -> (SecretKey, SignedHeaders) {
        let key = SecretKey::from_seed(&[0; 32]);
        let headers = sign_request(
            &key,
            "agent-1",
            "POST",
            "/v1/authorize",
            at(T0),
            nonce,
            body,
        )
        .unwrap();
        (key, headers)
    }

    #[test]
    fn a_signed_request_verifies_once() {
        let (key, headers) = signed("n-1", b"{}");
        let guard = ReplayGuard::new(10);
        let check = RequestCheck::at(at(T0 + 1000));
        let verify = || {
            verify_request(
                &headers,
                "POST",
                "/v1/authorize",
                Some(b"{}"),
                &key.public_key(),
                &check,
                &guard,
            )
        };
        verify().unwrap();
        assert_eq!(verify().unwrap_err().code(), "NONCE_REPLAY");
    }

    #[test]
    fn each_failure_has_its_code() {
        let (key, headers) = signed("n-1", b"{}");
        let public = key.public_key();
        let guard = ReplayGuard::new(10);
        let check = RequestCheck::at(at(T0));
        let code =
            |headers: &SignedHeaders, method: &str, body: Option<&[u8]>, check: &RequestCheck| {
                verify_request(
                    headers,
                    method,
                    "/v1/authorize",
                    body,
                    &public,
                    check,
                    &guard,
                )
                .unwrap_err()
                .code()
            };
        let mut missing = headers.clone();
        missing.nonce.clear();
        assert_eq!(code(&missing, "POST", None, &check), "MISSING_HEADERS");
        let late = RequestCheck::at(at(T0 + i64::from(DEFAULT_MAX_SKEW_MS) + 1));
        assert_eq!(code(&headers, "POST", None, &late), "TIMESTAMP_SKEW");
        let early = RequestCheck::at(at(T0 - i64::from(DEFAULT_MAX_SKEW_MS) - 1));
        assert_eq!(code(&headers, "POST", None, &early), "TIMESTAMP_SKEW");
        let mut garbage = headers.clone();
        garbage.timestamp = "yesterday".to_owned();
        assert_eq!(code(&garbage, "POST", None, &check), "TIMESTAMP_SKEW");
        assert_eq!(
            code(&headers, "POST", Some(b"{ }"), &check),
            "BODY_HASH_MISMATCH"
        );
        assert_eq!(code(&headers, "PUT", None, &check), "INVALID_SIGNATURE");
        let mut bad = headers.clone();
        bad.signature = "not base64".to_owned();
        assert_eq!(code(&bad, "POST", None, &check), "INVALID_SIGNATURE");
        let mut long = headers.clone();
        long.nonce = "n".repeat(MAX_FIELD_BYTES + 1);
        assert_eq!(code(&long, "POST", None, &check), "HEADER_TOO_LARGE");
        // None of the refused requests used up the nonce.
        assert!(guard.is_empty());
    }

    #[test]
    fn nonces_expire_with_the_skew_window_and_are_per_signer() {
        let guard = ReplayGuard::new(10);
        guard.record_signed("a", "n", at(0), at(0), 100).unwrap();
        let replay = guard.record_signed("a", "n", at(100), at(0), 100);
        assert_eq!(replay.unwrap_err().code(), "NONCE_REPLAY");
        guard.record_signed("b", "n", at(99), at(99), 100).unwrap();
        guard
            .record_signed("a", "n", at(101), at(101), 100)
            .unwrap();
        assert_eq!(guard.len(), 2);
    }

    #[test]
    fn a_full_guard_refuses_instead_of_forgetting() {
        let guard = ReplayGuard::new(2);
        guard.record_signed("a", "1", at(0), at(0), 100).unwrap();
        guard.record_signed("a", "2", at(0), at(0), 100).unwrap();
        let full = guard.record_signed("a", "3", at(50), at(50), 100);
        assert_eq!(full.unwrap_err().code(), "REPLAY_GUARD_FULL");
        guard
            .record_signed("a", "3", at(101), at(101), 100)
            .unwrap();
    }

    #[test]
    fn one_signer_cannot_fill_the_guard_for_others() {
        let guard = ReplayGuard::with_signer_limit(10, 2);
        guard.record_signed("a", "1", at(0), at(0), 100).unwrap();
        guard.record_signed("a", "2", at(0), at(0), 100).unwrap();
        let third = guard.record_signed("a", "3", at(0), at(0), 100);
        assert_eq!(third.unwrap_err().code(), "REPLAY_GUARD_FULL");
        guard.record_signed("b", "1", at(0), at(0), 100).unwrap();
        // Once a's nonces expire, a has room again.
        guard
            .record_signed("a", "3", at(101), at(101), 100)
            .unwrap();
    }

    #[test]
    fn nonces_are_kept_for_the_widest_skew_served() {
        let guard = ReplayGuard::new(10);
        guard.record_signed("a", "n", at(0), at(0), 1_000).unwrap();
        let lenient = guard.record_signed("a", "n", at(2_000), at(0), 300_000);
        assert_eq!(lenient.unwrap_err().code(), "NONCE_REPLAY");
    }

    #[test]
    fn line_breaks_and_malformed_hashes_are_refused() {
        let (key, mut headers) = signed("n", b"{}");
        headers.nonce = "a\nb".to_owned();
        let guard = ReplayGuard::new(10);
        let check = RequestCheck::at(at(T0));
        let verify = |headers: &SignedHeaders| {
            verify_request(
                headers,
                "POST",
                "/v1/authorize",
                None,
                &key.public_key(),
                &check,
                &guard,
            )
            .unwrap_err()
            .code()
        };
        assert_eq!(verify(&headers), "INVALID_HEADERS");
        let (_, mut upper) = signed("n", b"{}");
        upper.body_sha256 = upper.body_sha256.to_uppercase();
        assert_eq!(verify(&upper), "BODY_HASH_MISMATCH");
    }

    #[test]
    fn signing_rejects_unverifiable_fields() {
        let key = SecretKey::from_seed(&[0; 32]);
        let long = format!("/{}", "p".repeat(MAX_FIELD_BYTES));
        let cases = [
            ("", "POST", "/p", "n", "MISSING_HEADERS"),
            ("agent-1", "POST", "/p", "", "MISSING_HEADERS"),
            ("agent-1", "POST", "/p\nGET", "n", "INVALID_HEADERS"),
            ("agent-1", "POST\r", "/p", "n", "INVALID_HEADERS"),
            ("agent-1", "POST", "/p", "a\nb", "INVALID_HEADERS"),
            ("agent-1", "POST", long.as_str(), "n", "HEADER_TOO_LARGE"),
        ];
        for (agent_id, method, path, nonce, expected) in cases {
            let error = sign_request(&key, agent_id, method, path, at(T0), nonce, b"").unwrap_err();
            assert_eq!(error.code(), expected, "{agent_id:?} {method:?} {nonce:?}");
        }
        let at_limit = format!("/{}", "p".repeat(MAX_FIELD_BYTES - 1));
        assert!(sign_request(&key, "agent-1", "GET", &at_limit, at(T0), "n", b"").is_ok());
    }
}
