//! Decisions handed to JavaScript as one string of parts.
//!
//! Each N-API call costs on the order of 100 ns, so building the decision
//! object property by property here would cost more than the evaluation.
//! Instead a decision crosses as one string, and `decisionFromParts` in
//! `lib/convert.js` builds the object in JavaScript. The trace is one
//! character per rule. The core traces every rule of the policy or stack
//! in order, so the rule ids come from the policy's `ruleIds`, which
//! JavaScript caches.
//!
//! The string, which `lib/convert.js` reads:
//!
//! 1. `decision_id` (36 characters), `decided_at` (24 characters,
//!    `YYYY-MM-DDTHH:MM:SS.sssZ`), the result as one character (see
//!    [`host::result_code`]) and `proof_required` as `0` or `1`;
//! 2. a header of comma-separated decimal numbers ended by `;`: the
//!    lengths of `action_id`, `action_hash`, the trace codes, `reason`,
//!    `matched_rule_id` (`-1` for null), the error code (`-1` for no
//!    error), the error message and the obligations as JSON text (`-1` for
//!    none), then `proof_ttl_seconds` in ECMAScript number form (empty for
//!    null);
//! 3. those strings back to back.
//!
//! Lengths count UTF-16 code units, the unit of JavaScript string indexes.
//! The core's `host::decision_parts_text` writes the string, so both
//! JavaScript bindings encode decisions alike.

use openleash_core::Decision;
use openleash_core::host;

/// Encodes a decision as its parts string.
pub fn decision_parts(decision: &Decision) -> String {
    let obligations =
        (!decision.obligations.is_empty()).then(|| host::obligations_json(&decision.obligations));
    host::decision_parts_text(decision, &[obligations.as_deref()])
}
