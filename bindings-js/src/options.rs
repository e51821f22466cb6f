//! Times, the default proof TTL and random ids.
//!
//! The JavaScript layer passes every time explicitly: `Date.now()` when the
//! caller gave none, the time of a `Date`, or the caller's RFC 3339 string.
//! The module itself never reads a clock.

use std::cell::RefCell;

use openleash_core::action::Uuid;
use openleash_core::{EvaluationOptions, Timestamp, host};

use crate::errors::{ErrorClass, Failure, time_error};

/// Reads a time: `text` when given (strict RFC 3339), else `millis` since
/// the Unix epoch (from `Date.now()` or a `Date`).
///
/// Errors: `INVALID_TIMESTAMP` for a string that is not strict RFC 3339,
/// an invalid `Date` (NaN) or a time outside the years 0000 to 9999.
pub fn timestamp(millis: f64, text: Option<String>) -> Result<Timestamp, Failure> {
    if let Some(text) = text {
        return Timestamp::parse_rfc3339(&text).map_err(|problem| time_error(&problem));
    }
    let invalid =
        |message: String| Failure::new(ErrorClass::OpenLeash, "INVALID_TIMESTAMP", &message);
    if !millis.is_finite() {
        return Err(invalid("invalid timestamp: the Date is invalid".to_owned()));
    }
    // A Date stores whole milliseconds within ±8.64e15, so the cast is exact
    // for every value a Date can produce; larger values saturate and are
    // then out of range.
    #[allow(clippy::cast_possible_truncation)]
    let whole = millis.trunc() as i64;
    Timestamp::from_unix_millis(whole).ok_or_else(|| {
        invalid(format!(
            "invalid timestamp: {} ms since the Unix epoch is outside the years 0000 to 9999",
            host::display_number(millis)
        ))
    })
}

/// Builds the core's evaluation options.
///
/// Errors: those of [`timestamp`], and `INVALID_PROOF_TTL` for a default
/// TTL that is not a positive finite number of seconds.
pub fn evaluation_options(
    now_millis: f64,
    now_text: Option<String>,
    default_proof_ttl_seconds: Option<f64>,
) -> Result<EvaluationOptions, Failure> {
    let now = timestamp(now_millis, now_text)?;
    if let Some(ttl) = default_proof_ttl_seconds
        && !(ttl.is_finite() && ttl > 0.0)
    {
        return Err(Failure::new(
            ErrorClass::OpenLeash,
            "INVALID_PROOF_TTL",
            &format!(
                "defaultProofTtlSeconds must be a positive number of seconds, found {}",
                host::display_number(ttl)
            ),
        ));
    }
    Ok(EvaluationOptions {
        now,
        default_proof_ttl_seconds,
    })
}

/// Random bytes fetched at once: one `crypto.getRandomValues` call serves
/// this many ids, which keeps a call into JavaScript out of most decisions.
const BUFFERED_IDS: usize = 64;

thread_local! {
    /// Unused random bytes; ids are taken from the end.
    static RANDOM_BYTES: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(BUFFERED_IDS * 16));
    /// Distinguishes fallback ids made within one millisecond.
    static FALLBACK_COUNTER: RefCell<u64> = const { RefCell::new(0) };
}

/// Fills `bytes` from `crypto.getRandomValues`, in blocks; returns false
/// when the platform gave no randomness.
fn random_bytes(bytes: &mut [u8; 16]) -> bool {
    RANDOM_BYTES.with(|cell| {
        let mut buffer = cell.borrow_mut();
        if buffer.len() < bytes.len() {
            buffer.resize(BUFFERED_IDS * 16, 0);
            if getrandom::fill(&mut buffer).is_err() {
                buffer.clear();
                return false;
            }
        }
        let start = buffer.len() - bytes.len();
        if let Some(tail) = buffer.get(start..) {
            bytes.copy_from_slice(tail);
        }
        buffer.truncate(start);
        true
    })
}

/// A source of decision and obligation ids. `now` seeds the fallback used
/// when the platform has no randomness: ids only need to be unique, not
/// secret, so a decision never fails for lack of randomness.
pub struct RandomIds {
    now: Timestamp,
}

impl RandomIds {
    pub fn at(now: Timestamp) -> RandomIds {
        RandomIds { now }
    }
}

impl openleash_core::IdSource for RandomIds {
    fn fill(&mut self, bytes: &mut [u8; 16]) {
        if random_bytes(bytes) {
            return;
        }
        let count = FALLBACK_COUNTER.with(|cell| {
            let mut counter = cell.borrow_mut();
            *counter = counter.wrapping_add(1);
            *counter
        });
        // Bit pattern only: the millisecond count fills the high half.
        #[allow(clippy::cast_sign_loss)]
        let millis = self.now.unix_millis() as u64;
        *bytes = ((u128::from(millis) << 64) | u128::from(count)).to_be_bytes();
    }
}

/// A random UUID v4 for a default key id or request nonce, or `None` when
/// the platform gave no randomness: unlike a decision id, a nonce must not
/// be guessable, so there is no fallback.
pub fn random_uuid() -> Option<String> {
    let mut bytes = [0u8; 16];
    random_bytes(&mut bytes).then(|| Uuid::v4_from_bytes(bytes).to_hyphenated())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use openleash_core::IdSource;

    #[test]
    fn times_come_from_text_or_milliseconds() {
        assert_eq!(
            timestamp(0.0, Some("2025-03-01T13:00:00.25+01:00".to_owned()))
                .unwrap()
                .to_rfc3339_millis(),
            "2025-03-01T12:00:00.250Z"
        );
        assert_eq!(timestamp(1.9, None).unwrap().unix_millis(), 1);
        let code = |millis: f64, text: Option<&str>| {
            let failure = timestamp(millis, text.map(str::to_owned)).unwrap_err();
            failure.to_json_text()
        };
        assert!(code(f64::NAN, None).contains("INVALID_TIMESTAMP"));
        assert!(code(8.64e15, None).contains("outside the years"));
        assert!(code(0.0, Some("yesterday")).contains("INVALID_TIMESTAMP"));
    }

    #[test]
    fn default_ttl_must_be_positive() {
        assert!(evaluation_options(0.0, None, Some(90.5)).is_ok());
        for ttl in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let failure = evaluation_options(0.0, None, Some(ttl)).unwrap_err();
            assert!(failure.to_json_text().contains("INVALID_PROOF_TTL"));
        }
    }

    #[test]
    fn random_ids_differ() {
        let mut ids = RandomIds::at(Timestamp::UNIX_EPOCH);
        let first = ids.next_uuid();
        assert_ne!(first, ids.next_uuid());
        assert_ne!(random_uuid().unwrap(), random_uuid().unwrap());
    }
}
