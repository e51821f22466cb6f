//! Decisions handed to JavaScript as one string of parts.
//!
//! Each N-API call costs on the order of 100 ns, so building the decision
//! object property by property here would cost more than the evaluation.
//! Instead this module returns one string (and, only when there are
//! obligations, an array of the string and the obligation objects), and
//! `decisionFromParts` in `lib/convert.js` builds the object in
//! JavaScript. The trace is one character per rule; the rule ids come from
//! the policy's `ruleIds`, which JavaScript caches, because the core traces
//! every rule of the policy or stack in order.
//!
//! The string, which `lib/convert.js` reads:
//!
//! 1. `decision_id` (36 characters), `decided_at` (24 characters,
//!    `YYYY-MM-DDTHH:MM:SS.sssZ`), the result as one character (see
//!    [`host::result_code`]) and `proof_required` as `0` or `1`;
//! 2. a header of comma-separated decimal numbers ended by `;`: the
//!    lengths of `action_id`, `action_hash`, the trace codes, `reason`,
//!    `matched_rule_id` (`-1` for null), the error code (`-1` for no
//!    error) and the error message, then `proof_ttl_seconds` in ECMAScript
//!    number form (empty for null);
//! 3. those strings back to back.
//!
//! Lengths count UTF-16 code units, the unit of JavaScript string indexes.
//! The core's `host::decision_parts_text` writes the string, so both
//! JavaScript bindings encode decisions alike.

use napi::bindgen_prelude::{Array, Either, Object};
use napi::{Env, Result};
use openleash_core::Decision;
use openleash_core::eval::Obligation;
use openleash_core::host;

use crate::convert::map_to_js;

/// Encodes a decision: its parts string alone, or the string and the
/// obligation objects when there are obligations.
pub fn decision_parts<'e>(env: &'e Env, decision: &Decision) -> Result<Either<String, Array<'e>>> {
    let text = host::decision_parts_text(decision, &[]);
    if decision.obligations.is_empty() {
        return Ok(Either::A(text));
    }
    let mut parts = env.create_array(2)?;
    parts.set(0, text)?;
    parts.set(1, obligations(env, &decision.obligations)?)?;
    Ok(Either::B(parts))
}

fn obligations<'e>(env: &'e Env, all: &[Obligation]) -> Result<Array<'e>> {
    let mut array = env.create_array(u32::try_from(all.len()).unwrap_or(u32::MAX))?;
    for (index, obligation) in (0u32..).zip(all) {
        let mut object = Object::new(env)?;
        object.set("obligation_id", obligation.obligation_id.as_str())?;
        object.set("type", obligation.kind)?;
        object.set("status", obligation.status)?;
        object.set("details_json", map_to_js(env, &obligation.details_json)?)?;
        array.set(index, object)?;
    }
    Ok(array)
}
