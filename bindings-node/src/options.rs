//! Evaluation options from JavaScript: the clock and the default proof TTL,
//! and the source of decision ids.

use napi::Env;
use napi::Result;
use napi::bindgen_prelude::Either;
use openleash_core::{EvaluationOptions, Timestamp, host};

use crate::errors::{ErrorClass, error};

/// Builds the core's options. `now` is milliseconds since the Unix epoch
/// (from `Date.now()` or a `Date`) or an RFC 3339 string; `index.js` passes
/// one of them for every call.
///
/// Errors: `INVALID_TIMESTAMP` for an invalid `Date`, a time outside the
/// years 0000 to 9999 or a string that is not strict RFC 3339;
/// `INVALID_PROOF_TTL` for a TTL that is not a positive finite number of
/// seconds.
pub fn evaluation_options(
    env: &Env,
    now: Either<f64, String>,
    default_proof_ttl_seconds: Option<f64>,
) -> Result<EvaluationOptions> {
    let now = now_timestamp(env, now)?;
    if let Some(ttl) = default_proof_ttl_seconds
        && !(ttl.is_finite() && ttl > 0.0)
    {
        return Err(error(
            env,
            ErrorClass::OpenLeash,
            "INVALID_PROOF_TTL",
            &format!(
                "defaultProofTtlSeconds must be a positive number of seconds, found {}",
                host::display_number(ttl)
            ),
            |_| Ok(()),
        ));
    }
    Ok(EvaluationOptions {
        now,
        default_proof_ttl_seconds,
    })
}

/// Reads a time that `index.js` passes: milliseconds since the Unix epoch
/// (from `Date.now()` or a `Date`) or an RFC 3339 string
/// (`INVALID_TIMESTAMP` otherwise).
pub fn now_timestamp(env: &Env, now: Either<f64, String>) -> Result<Timestamp> {
    match now {
        Either::A(millis) => timestamp_from_millis(env, millis),
        Either::B(text) => Timestamp::parse_rfc3339(&text).map_err(|problem| {
            error(
                env,
                ErrorClass::OpenLeash,
                problem.code(),
                &problem.to_string(),
                |_| Ok(()),
            )
        }),
    }
}

fn timestamp_from_millis(env: &Env, millis: f64) -> Result<Timestamp> {
    let invalid = |message: String| {
        error(
            env,
            ErrorClass::OpenLeash,
            "INVALID_TIMESTAMP",
            &message,
            |_| Ok(()),
        )
    };
    if !millis.is_finite() {
        return Err(invalid("invalid timestamp: the Date is invalid".to_owned()));
    }
    // A Date stores whole milliseconds within ±8.64e15, so the cast is exact
    // for every value a Date can produce.
    #[allow(clippy::cast_possible_truncation)]
    let whole = millis.trunc() as i64;
    Timestamp::from_unix_millis(whole).ok_or_else(|| {
        invalid(format!(
            "invalid timestamp: {} ms since the Unix epoch is outside the years 0000 to 9999",
            host::display_number(millis)
        ))
    })
}

/// Random bytes fetched from the operating system at once: one `getrandom`
/// call serves this many ids, which keeps a system call (about 0.5 µs on a
/// virtual machine) out of most decisions.
const BUFFERED_IDS: usize = 64;

thread_local! {
    /// Unused random bytes of this thread; ids are taken from the end.
    static RANDOM_BYTES: std::cell::RefCell<Vec<u8>> =
        std::cell::RefCell::new(Vec::with_capacity(BUFFERED_IDS * 16));
}

/// Decision and obligation ids from the operating system's randomness.
pub fn os_random(bytes: &mut [u8; 16]) {
    let filled = RANDOM_BYTES.with(|cell| {
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
    });
    if !filled {
        // Ids only need to be unique, not secret: fall back to the clock
        // and a counter rather than fail the decision.
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        let count = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *bytes = (nanos ^ (u128::from(count) << 64)).to_be_bytes();
    }
}
