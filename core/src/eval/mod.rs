//! Evaluation: matching an action against compiled rules and building the
//! decision.

mod decision;
mod index;
mod rules;
mod unreadable;

pub use decision::{Decision, DecisionError, DecisionResult, Obligation, RuleTrace, Trace};
pub(crate) use index::RuleSet;
pub use unreadable::unreadable_action;

use crate::action::Uuid;
use crate::time::Timestamp;

/// Maximum regex work in one decision: the sum of
/// [`crate::regex::JsRegex::search_cost`] (pattern size times input length)
/// over every regex search the decision needs. A decision that would exceed
/// it is denied with `EVALUATION_BUDGET_EXCEEDED` instead of running long.
/// The slowest pattern found, `(?:a{1,99}){1,99}x`, took about 17 ns per
/// unit on the benchmark machine of `docs/benchmarks.md`, so the bound is
/// roughly 0.1 s; typical patterns run far faster than their bound.
pub const MAX_REGEX_WORK: u64 = 5_000_000;

/// A source of random bytes for decision and obligation ids (UUID v4).
///
/// Bindings pass the operating system's randomness; tests and replays pass
/// [`SequentialIds`] so that decisions are reproducible.
pub trait IdSource {
    /// Fills `bytes` with fresh random bytes.
    fn fill(&mut self, bytes: &mut [u8; 16]);

    /// Returns a new UUID v4 in its lowercase hyphenated form.
    fn next_uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        self.fill(&mut bytes);
        Uuid::v4_from_bytes(bytes).to_hyphenated()
    }
}

impl<F: FnMut(&mut [u8; 16])> IdSource for F {
    fn fill(&mut self, bytes: &mut [u8; 16]) {
        self(bytes);
    }
}

/// A deterministic [`IdSource`]: the bytes are a counter, so ids are
/// well-formed UUID v4 strings that differ on every call but are not
/// random. For tests and replays only.
#[derive(Clone, Debug, Default)]
pub struct SequentialIds {
    next: u128,
}

impl SequentialIds {
    /// Starts counting at `start`.
    pub fn starting_at(start: u128) -> SequentialIds {
        SequentialIds { next: start }
    }
}

impl IdSource for SequentialIds {
    fn fill(&mut self, bytes: &mut [u8; 16]) {
        *bytes = self.next.to_be_bytes();
        self.next = self.next.wrapping_add(1);
    }
}

/// Inputs to an evaluation besides the action.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvaluationOptions {
    /// The current time, recorded in the decision.
    pub now: Timestamp,
    /// TTL in seconds reported for a proof when the matched rule sets none.
    /// `None` reports no TTL, as OpenLeash's engine does without a default.
    pub default_proof_ttl_seconds: Option<f64>,
}

impl EvaluationOptions {
    /// Options at time `now` with no default proof TTL.
    pub fn at(now: Timestamp) -> EvaluationOptions {
        EvaluationOptions {
            now,
            default_proof_ttl_seconds: None,
        }
    }
}
