//! Decisions handed to JavaScript as one string of parts.
//!
//! Every string that leaves the module is copied and decoded from UTF-8,
//! and a decision's JSON with a 200-rule trace is about 20 KB, so the trace
//! travels as one character per rule instead. `decisionFromParts` in
//! `lib/convert.js` builds the decision object; the rule ids come from the
//! policy's `ruleIds`, which JavaScript caches, because the core traces
//! every rule of the policy or stack in order.
//!
//! The string:
//!
//! 1. `decision_id` (36 characters), `decided_at` (24 characters,
//!    `YYYY-MM-DDTHH:MM:SS.sssZ`), the result as one character (see
//!    [`host::result_code`]) and `proof_required` as `0` or `1`;
//! 2. a header of comma-separated decimal numbers ended by `;`: the
//!    lengths of `action_id`, `action_hash`, the trace codes, `reason`,
//!    `matched_rule_id` (`-1` for null), the error code (`-1` for no
//!    error), the error message, the obligations as JSON text (`-1` for
//!    none), `proof_token` and `proof_expires_at` (`-1` when absent), then
//!    `proof_ttl_seconds` in ECMAScript number form (empty for null);
//! 3. those strings back to back.
//!
//! Lengths count UTF-16 code units, the unit of JavaScript string indexes.
//! The core's `host::decision_parts_text` writes the string, so both
//! JavaScript bindings encode decisions alike.

use openleash_core::host;
use openleash_core::{Authorization, Decision};

/// Encodes a decision.
pub fn decision_parts(decision: &Decision) -> String {
    parts_text(decision, None, None)
}

/// Encodes a decision with its proof token, when one was issued.
pub fn authorization_parts(authorization: &Authorization) -> String {
    let expires_at = authorization
        .proof_expires_at
        .map(|at| at.to_rfc3339_millis());
    parts_text(
        &authorization.decision,
        authorization.proof_token.as_deref(),
        expires_at.as_deref(),
    )
}

fn parts_text(decision: &Decision, proof_token: Option<&str>, expires_at: Option<&str>) -> String {
    let obligations =
        (!decision.obligations.is_empty()).then(|| host::obligations_json(&decision.obligations));
    host::decision_parts_text(decision, &[obligations.as_deref(), proof_token, expires_at])
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
    use openleash_core::{EvaluationOptions, Policy, SequentialIds, Timestamp};

    const POLICY: &str = "version: 1\ndefault: deny\nrules:\n  - id: \"r-é\"\n    effect: allow\n    action: purchase\n    obligations:\n      - type: HUMAN_APPROVAL\n        params: {reason: big}\n";
    const ACTION: &str = r#"{"action_id": "3b241101-e2bb-4255-8caf-4136c566a962", "action_type": "purchase",
        "requested_at": "2025-03-01T12:00:00Z", "principal": {"agent_id": "a"},
        "subject": {"principal_id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"}, "payload": {}}"#;

    fn decide(action: &str) -> Decision {
        let policy = Policy::from_yaml(POLICY).unwrap();
        let options = EvaluationOptions {
            now: Timestamp::from_unix_millis(1_740_830_400_000).unwrap(),
            default_proof_ttl_seconds: Some(1.5),
        };
        policy.decide_json(action, &options, &mut SequentialIds::default())
    }

    #[test]
    fn parts_hold_every_field() {
        let decision = decide(ACTION);
        let text = decision_parts(&decision);
        assert_eq!(&text[..36], decision.decision_id);
        assert_eq!(&text[36..60], "2025-03-01T12:00:00.000Z");
        assert_eq!(&text[60..62], "P0");
        let (header, rest) = text[62..].split_once(';').unwrap();
        let lengths: Vec<&str> = header.split(',').collect();
        assert_eq!(lengths.len(), 11);
        assert_eq!(lengths[4], "3", "r-é is three UTF-16 units");
        assert_eq!(lengths[5], "-1");
        assert_eq!(lengths[8], "-1");
        assert_eq!(lengths[10], "1.5");
        assert!(rest.starts_with(&decision.action_id));
        assert!(rest.contains(r#""details_json":{"reason":"big"}"#));
    }

    #[test]
    fn errors_and_tokens_are_encoded() {
        let decision = decide("{}");
        let text = parts_text(
            &decision,
            Some("v4.public.x"),
            Some("2025-03-01T12:02:00.000Z"),
        );
        let (header, rest) = text[62..].split_once(';').unwrap();
        let lengths: Vec<&str> = header.split(',').collect();
        assert_eq!(lengths[2], "0", "no trace");
        assert_eq!(lengths[5], "20", "ACTION_MISSING_FIELD");
        assert_eq!(lengths[7], "-1", "no obligations");
        assert_eq!(lengths[8], "11");
        assert!(rest.ends_with("v4.public.x2025-03-01T12:02:00.000Z"));
    }
}
