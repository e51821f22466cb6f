//! Decisions: whether an agent may take an action, with the reason.

use std::fmt;
use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::json::Map;
use crate::time::Timestamp;

/// The outcome of a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecisionResult {
    Allow,
    Deny,
    RequireApproval,
    RequireStepUp,
    RequireDeposit,
}

impl DecisionResult {
    /// The wire spelling: `ALLOW`, `DENY`, `REQUIRE_APPROVAL`,
    /// `REQUIRE_STEP_UP`, `REQUIRE_DEPOSIT`.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionResult::Allow => "ALLOW",
            DecisionResult::Deny => "DENY",
            DecisionResult::RequireApproval => "REQUIRE_APPROVAL",
            DecisionResult::RequireStepUp => "REQUIRE_STEP_UP",
            DecisionResult::RequireDeposit => "REQUIRE_DEPOSIT",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(text: &str) -> Option<DecisionResult> {
        match text {
            "ALLOW" => Some(DecisionResult::Allow),
            "DENY" => Some(DecisionResult::Deny),
            "REQUIRE_APPROVAL" => Some(DecisionResult::RequireApproval),
            "REQUIRE_STEP_UP" => Some(DecisionResult::RequireStepUp),
            "REQUIRE_DEPOSIT" => Some(DecisionResult::RequireDeposit),
            _ => None,
        }
    }
}

impl fmt::Display for DecisionResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DecisionResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Something that must happen before or with the action.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Obligation {
    /// A UUID v4 from the caller's id source.
    pub obligation_id: String,
    /// `HUMAN_APPROVAL`, `STEP_UP_AUTH`, `DEPOSIT` or `COUNTERPARTY_ATTESTATION`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Always `PENDING` when the decision is made.
    pub status: &'static str,
    /// The rule's `params`, or `{"min_assurance_level": ...}` for a step-up
    /// that a requirement added.
    pub details_json: Map,
}

/// The error that stopped evaluation, which then failed closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecisionError {
    /// Stable code, e.g. `ACTION_MISSING_FIELD` or `JSON_SYNTAX`.
    pub code: String,
    /// A description of the problem.
    pub message: String,
}

/// The record of how one rule was evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleTrace {
    /// Whether the rule's action pattern matched the action type.
    pub pattern_match: bool,
    /// `None` when the pattern did not match; true when there is no `when`.
    pub when_match: Option<bool>,
    /// `None` when the pattern or `when` did not match.
    pub constraints_match: Option<bool>,
    /// Whether the rule matched as a whole.
    pub final_match: bool,
}

impl RuleTrace {
    pub(crate) const PATTERN_MISS: RuleTrace = RuleTrace {
        pattern_match: false,
        when_match: None,
        constraints_match: None,
        final_match: false,
    };
}

/// The per-rule record of an evaluation, in evaluation order (most specific
/// layer first).
///
/// Only rules whose pattern matched are stored; every other rule is reported
/// as a pattern miss, so the trace costs nothing for rules the action-type
/// index skipped.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    rule_ids: Arc<[Arc<str>]>,
    /// INVARIANT: sorted by rule position, positions within `rule_ids`.
    evaluated: Vec<(u32, RuleTrace)>,
}

impl Trace {
    pub(crate) fn new(rule_ids: Arc<[Arc<str>]>, evaluated: Vec<(u32, RuleTrace)>) -> Trace {
        Trace {
            rule_ids,
            evaluated,
        }
    }

    pub(crate) fn empty() -> Trace {
        Trace {
            rule_ids: Arc::from(Vec::new()),
            evaluated: Vec::new(),
        }
    }

    /// Number of rules traced.
    pub fn len(&self) -> usize {
        self.rule_ids.len()
    }

    /// Returns true when no rule was traced.
    pub fn is_empty(&self) -> bool {
        self.rule_ids.is_empty()
    }

    /// Every rule in evaluation order with its id and record.
    pub fn iter(&self) -> impl Iterator<Item = (&str, RuleTrace)> + '_ {
        let mut evaluated = self.evaluated.iter().peekable();
        self.rule_ids.iter().enumerate().map(move |(position, id)| {
            let record = match evaluated.peek() {
                Some((index, record)) if *index as usize == position => {
                    let record = *record;
                    evaluated.next();
                    record
                }
                _ => RuleTrace::PATTERN_MISS,
            };
            (id.as_ref(), record)
        })
    }
}

impl Serialize for Trace {
    /// A list of `{rule_id, pattern_match, when_match, constraints_match,
    /// final_match}` objects, as OpenLeash writes them.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.iter()
                .map(|(rule_id, record)| TraceEntry { rule_id, record }),
        )
    }
}

struct TraceEntry<'a> {
    rule_id: &'a str,
    record: RuleTrace,
}

impl Serialize for TraceEntry<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entry = serializer.serialize_struct("RuleTrace", 5)?;
        entry.serialize_field("rule_id", self.rule_id)?;
        entry.serialize_field("pattern_match", &self.record.pattern_match)?;
        entry.serialize_field("when_match", &self.record.when_match)?;
        entry.serialize_field("constraints_match", &self.record.constraints_match)?;
        entry.serialize_field("final_match", &self.record.final_match)?;
        entry.end()
    }
}

/// A decision about one action.
///
/// Serializes to OpenLeash's authorize response fields (`decision_id`,
/// `action_id`, `action_hash`, `result`, `matched_rule_id`, `reason`,
/// `obligations`) plus `proof_required`, `proof_ttl_seconds`, `decided_at`,
/// `trace`, and `error` when evaluation failed closed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decision {
    /// A UUID v4 from the caller's id source.
    pub decision_id: String,
    /// The action's `action_id`; empty when the action could not be read.
    pub action_id: String,
    /// SHA-256 hex of the canonical JSON of the normalized action; empty when
    /// the action could not be read.
    pub action_hash: String,
    pub result: DecisionResult,
    /// The first matching rule, or `None` when the default decided.
    pub matched_rule_id: Option<String>,
    /// The sentence OpenLeash gives, e.g. `Allowed by rule "r1"`.
    pub reason: String,
    pub obligations: Vec<Obligation>,
    /// Whether a proof token is due: the matched rule requires one, or the
    /// relying party's trust profile is HIGH or REGULATED. Reported for every
    /// result; proofs are only issued for ALLOW.
    pub proof_required: bool,
    /// The matched rule's `proof.ttl_seconds`, else the caller's default.
    #[serde(serialize_with = "serialize_seconds")]
    pub proof_ttl_seconds: Option<f64>,
    /// The time the caller passed in.
    #[serde(serialize_with = "serialize_timestamp")]
    pub decided_at: Timestamp,
    pub trace: Trace,
    /// Set when the input could not be evaluated and the decision failed
    /// closed to DENY.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<DecisionError>,
}

fn serialize_timestamp<S: Serializer>(time: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&time.to_rfc3339_millis())
}

/// Writes whole seconds as a JSON integer (`300`, not `300.0`), as
/// JavaScript prints them.
fn serialize_seconds<S: Serializer>(
    seconds: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match seconds {
        Some(value) => crate::json::Value::Number(*value).serialize(serializer),
        None => serializer.serialize_none(),
    }
}
