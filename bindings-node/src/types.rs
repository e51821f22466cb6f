//! Shapes of the plain-data values that cross the boundary, declared for
//! the generated TypeScript declarations.
//!
//! Decisions, diagnostics and actions are plain objects with OpenLeash's
//! snake_case keys (its wire format), so every field below keeps its name
//! with `js_name`. Native code builds these objects directly (see
//! `decision.rs` and `convert.rs`); these structs only describe them, and
//! a field whose TypeScript type is given by `ts_type` has a stand-in Rust
//! type.

use napi_derive::napi;

/// The outcome of a decision.
#[napi(string_enum)]
pub enum DecisionResult {
    #[napi(value = "ALLOW")]
    Allow,
    #[napi(value = "DENY")]
    Deny,
    #[napi(value = "REQUIRE_APPROVAL")]
    RequireApproval,
    #[napi(value = "REQUIRE_STEP_UP")]
    RequireStepUp,
    #[napi(value = "REQUIRE_DEPOSIT")]
    RequireDeposit,
}

/// A policy's `default`.
#[napi(string_enum)]
pub enum DefaultEffect {
    #[napi(value = "allow")]
    Allow,
    #[napi(value = "deny")]
    Deny,
    #[napi(value = "passthrough")]
    Passthrough,
}

/// A decision about one action: the fields OpenLeash's authorize response
/// has, plus the proof requirement, the time and the per-rule trace.
#[napi(object)]
pub struct Decision {
    /// A random UUID v4.
    #[napi(js_name = "decision_id")]
    pub decision_id: String,
    /// The action's `action_id`; empty when the action could not be read.
    #[napi(js_name = "action_id")]
    pub action_id: String,
    /// SHA-256 hex of the canonical JSON of the normalized action; empty
    /// when the action could not be read.
    #[napi(js_name = "action_hash")]
    pub action_hash: String,
    pub result: DecisionResult,
    /// The first matching rule, or null when the default decided.
    #[napi(js_name = "matched_rule_id", ts_type = "string | null")]
    pub matched_rule_id: String,
    /// The sentence OpenLeash gives, such as `Allowed by rule "r1"`.
    pub reason: String,
    /// What must happen before or with the action, in rule order.
    pub obligations: Vec<Obligation>,
    /// Whether a proof token is due: the matched rule requires one, or the
    /// relying party's trust profile is HIGH or REGULATED. Reported for
    /// every result; proofs are issued only for ALLOW.
    #[napi(js_name = "proof_required")]
    pub proof_required: bool,
    /// The matched rule's `proof.ttl_seconds`, else the caller's
    /// `defaultProofTtlSeconds`, else null.
    #[napi(js_name = "proof_ttl_seconds", ts_type = "number | null")]
    pub proof_ttl_seconds: f64,
    /// The evaluation time as `YYYY-MM-DDTHH:MM:SS.sssZ`.
    #[napi(js_name = "decided_at")]
    pub decided_at: String,
    /// Every rule of the policy or stack in evaluation order; empty when
    /// the action could not be evaluated.
    pub trace: Vec<RuleTrace>,
    /// Present only when the action could not be evaluated and the
    /// decision failed closed to DENY.
    pub error: Option<DecisionError>,
}

/// Something that must happen before or with the action.
#[napi(object)]
pub struct Obligation {
    /// A random UUID v4.
    #[napi(js_name = "obligation_id")]
    pub obligation_id: String,
    /// `HUMAN_APPROVAL`, `STEP_UP_AUTH`, `DEPOSIT` or
    /// `COUNTERPARTY_ATTESTATION`.
    #[napi(js_name = "type")]
    pub kind: String,
    /// Always `PENDING` when the decision is made.
    pub status: String,
    /// The rule's `params`, or `{min_assurance_level}` for a step-up that a
    /// requirement added.
    #[napi(js_name = "details_json", ts_type = "Record<string, JsonValue>")]
    pub details_json: String,
}

/// How one rule was evaluated.
#[napi(object)]
pub struct RuleTrace {
    #[napi(js_name = "rule_id")]
    pub rule_id: String,
    /// Whether the rule's action pattern matched the action type.
    #[napi(js_name = "pattern_match")]
    pub pattern_match: bool,
    /// Null when the pattern did not match; true when there is no `when`.
    #[napi(js_name = "when_match", ts_type = "boolean | null")]
    pub when_match: bool,
    /// Null when the pattern or `when` did not match.
    #[napi(js_name = "constraints_match", ts_type = "boolean | null")]
    pub constraints_match: bool,
    /// Whether the rule matched as a whole.
    #[napi(js_name = "final_match")]
    pub final_match: bool,
}

/// Why an action could not be evaluated.
#[napi(object)]
pub struct DecisionError {
    /// Stable code, such as `ACTION_MISSING_FIELD`, `JSON_TOO_DEEP` or
    /// `VALUE_UNSUPPORTED_TYPE`.
    pub code: String,
    /// One sentence naming the problem.
    pub message: String,
}

/// One problem in a policy document.
#[napi(object)]
pub struct Diagnostic {
    /// Stable code, such as `POLICY_UNKNOWN_KEY` or `YAML_SYNTAX`.
    pub code: String,
    /// One lowercase sentence naming the offending value.
    pub message: String,
    /// Where in the document, such as `rules[2].when.match.op`; empty for
    /// the document itself.
    pub path: String,
    /// 1-based line in the YAML text; 0 when the problem has no position.
    pub line: u32,
    /// 1-based column in the YAML text, in characters; 0 when the problem
    /// has no position.
    pub column: u32,
}

/// One problem in an action request.
#[napi(object)]
pub struct ActionIssue {
    /// Stable code, such as `ACTION_MISSING_FIELD` or `ACTION_INVALID_UUID`.
    pub code: String,
    /// Dotted path of the field, such as `relying_party.trust_profile`;
    /// empty for the whole action.
    pub path: String,
    /// One lowercase sentence naming the field and the problem.
    pub message: String,
}

/// Options of an evaluation.
#[napi(object)]
pub struct EvaluateOptions {
    /// The evaluation time: a `Date` or an RFC 3339 string such as
    /// `2025-03-01T12:00:00Z`. Default: `Date.now()`.
    #[napi(ts_type = "Date | string")]
    pub now: Option<String>,
    /// Proof TTL in seconds reported when the matched rule sets none; a
    /// positive number.
    pub default_proof_ttl_seconds: Option<f64>,
}

/// An action request: what an agent wants to do. Unknown keys are dropped
/// outside `payload` before hashing, as OpenLeash does.
#[napi(object)]
pub struct ActionRequest {
    /// An RFC 9562 UUID.
    #[napi(js_name = "action_id")]
    pub action_id: String,
    /// Such as `purchase` or `communication.email.send`.
    #[napi(js_name = "action_type")]
    pub action_type: String,
    /// When the agent made the request (RFC 3339 by convention).
    #[napi(js_name = "requested_at")]
    pub requested_at: String,
    pub principal: Principal,
    pub subject: Subject,
    #[napi(js_name = "relying_party")]
    pub relying_party: Option<RelyingParty>,
    /// The action's details, such as `amount_minor` and `currency`.
    #[napi(ts_type = "Record<string, unknown>")]
    pub payload: String,
}

/// The agent making the request.
#[napi(object)]
pub struct Principal {
    #[napi(js_name = "agent_id")]
    pub agent_id: String,
}

/// The owner on whose behalf the agent acts.
#[napi(object)]
pub struct Subject {
    /// An RFC 9562 UUID.
    #[napi(js_name = "principal_id")]
    pub principal_id: String,
}

/// The party the action is addressed to.
#[napi(object)]
pub struct RelyingParty {
    /// An RFC 9562 UUID.
    #[napi(js_name = "rp_id")]
    pub rp_id: Option<String>,
    pub domain: Option<String>,
    #[napi(
        js_name = "trust_profile",
        ts_type = "'LOW' | 'MEDIUM' | 'HIGH' | 'REGULATED'"
    )]
    pub trust_profile: Option<String>,
}

/// An OpenLeash policy binding record: which agent or group a policy
/// applies to, and its rank. Other keys of the record (`owner_type`,
/// `owner_id`...) are allowed and ignored.
#[napi(object)]
pub struct PolicyBinding {
    /// The bound policy.
    #[napi(js_name = "policy_id")]
    pub policy_id: String,
    /// The agent the binding is for, or null for a group or owner-wide
    /// binding. Required: a record without it is `BINDING_INVALID`.
    #[napi(js_name = "applies_to_agent_principal_id", ts_type = "string | null")]
    pub applies_to_agent_principal_id: String,
    /// The group the binding is for; absent or null for none.
    #[napi(js_name = "applies_to_group_id", ts_type = "string | null")]
    pub applies_to_group_id: Option<String>,
    /// Order within a tier, ascending; absent or null counts as 100.
    #[napi(ts_type = "number | null")]
    pub rank: Option<f64>,
}
