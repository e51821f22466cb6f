//! The compiled form of a policy: what evaluation reads.

use std::sync::Arc;

use crate::action::Found;
use crate::json::Map;
use crate::regex::JsRegex;

/// The outcome a policy gives when no rule matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultEffect {
    Allow,
    Deny,
    /// No rule matched: require human approval.
    RequireApproval,
    /// Defer to the next, less specific layer; deny when there is none.
    Passthrough,
}

impl DefaultEffect {
    /// The YAML spelling: `allow`, `deny`, `require_approval`, `passthrough`.
    pub fn as_str(self) -> &'static str {
        match self {
            DefaultEffect::Allow => "allow",
            DefaultEffect::Deny => "deny",
            DefaultEffect::RequireApproval => "require_approval",
            DefaultEffect::Passthrough => "passthrough",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<DefaultEffect> {
        match text {
            "allow" => Some(DefaultEffect::Allow),
            "deny" => Some(DefaultEffect::Deny),
            "require_approval" => Some(DefaultEffect::RequireApproval),
            "passthrough" => Some(DefaultEffect::Passthrough),
            _ => None,
        }
    }
}

/// A rule's effect when it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// The `action` pattern of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ActionPattern {
    /// `*`: every action type.
    Any,
    /// `prefix.*`: the prefix itself and every action type starting with
    /// `prefix.`.
    Prefix(String),
    /// Anything else: compared literally, case-sensitively.
    Exact(String),
}

impl ActionPattern {
    pub(crate) fn parse(pattern: &str) -> ActionPattern {
        if pattern == "*" {
            ActionPattern::Any
        } else if let Some(prefix) = pattern.strip_suffix(".*") {
            ActionPattern::Prefix(prefix.to_owned())
        } else {
            ActionPattern::Exact(pattern.to_owned())
        }
    }

    /// The reference semantics of a pattern; the rule index must agree with it.
    #[cfg(test)]
    pub(crate) fn matches(&self, action_type: &str) -> bool {
        match self {
            ActionPattern::Any => true,
            ActionPattern::Exact(exact) => exact == action_type,
            ActionPattern::Prefix(prefix) => {
                action_type == prefix
                    || action_type
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            }
        }
    }
}

/// Assurance levels, ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AssuranceLevel {
    Low,
    Substantial,
    High,
}

impl AssuranceLevel {
    /// The spelling used in policies and payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            AssuranceLevel::Low => "LOW",
            AssuranceLevel::Substantial => "SUBSTANTIAL",
            AssuranceLevel::High => "HIGH",
        }
    }

    /// Parses an exact level name; anything else is `None`.
    pub fn parse(text: &str) -> Option<AssuranceLevel> {
        match text {
            "LOW" => Some(AssuranceLevel::Low),
            "SUBSTANTIAL" => Some(AssuranceLevel::Substantial),
            "HIGH" => Some(AssuranceLevel::High),
            _ => None,
        }
    }
}

/// The obligation types a rule can impose, in decision precedence order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObligationType {
    /// A person must approve: REQUIRE_APPROVAL.
    HumanApproval,
    /// The user must authenticate more strongly: REQUIRE_STEP_UP.
    StepUpAuth,
    /// A deposit must be paid: REQUIRE_DEPOSIT.
    Deposit,
    /// The counterparty must attest; does not block (the result stays ALLOW).
    CounterpartyAttestation,
}

impl ObligationType {
    /// The spelling used in policies and decisions.
    pub fn as_str(self) -> &'static str {
        match self {
            ObligationType::HumanApproval => "HUMAN_APPROVAL",
            ObligationType::StepUpAuth => "STEP_UP_AUTH",
            ObligationType::Deposit => "DEPOSIT",
            ObligationType::CounterpartyAttestation => "COUNTERPARTY_ATTESTATION",
        }
    }

    /// Parses an exact type name; anything else is `None`.
    pub fn parse(text: &str) -> Option<ObligationType> {
        match text {
            "HUMAN_APPROVAL" => Some(ObligationType::HumanApproval),
            "STEP_UP_AUTH" => Some(ObligationType::StepUpAuth),
            "DEPOSIT" => Some(ObligationType::Deposit),
            "COUNTERPARTY_ATTESTATION" => Some(ObligationType::CounterpartyAttestation),
            _ => None,
        }
    }
}

/// An obligation as a rule declares it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ObligationSpec {
    pub(crate) kind: ObligationType,
    pub(crate) params: Map,
}

/// One step of a `$.`-path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PathSegment {
    Key(String),
    Index(usize),
}

/// A comparison value: the scalars `eq`, `neq`, `in` and `nin` compare.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
}

impl Scalar {
    /// JavaScript `===` between a scalar and an action value: numbers by
    /// value (`1` equals `1.0`), never equal across types, and never equal to
    /// an array or object.
    pub(crate) fn equals(&self, actual: Found<'_>) -> bool {
        match (self, actual) {
            (Scalar::Null, Found::Null) => true,
            (Scalar::Bool(expected), Found::Bool(found)) => *expected == found,
            (Scalar::Number(expected), Found::Number(found)) => *expected == found,
            (Scalar::String(expected), Found::String(found)) => expected == found,
            _ => false,
        }
    }
}

/// The test a `match` expression applies to the value at its path.
#[derive(Clone, Debug)]
pub(crate) enum Test {
    Exists,
    Eq(Scalar),
    Neq(Scalar),
    In(Vec<Scalar>),
    Nin(Vec<Scalar>),
    Lt(f64),
    Lte(f64),
    Gt(f64),
    Gte(f64),
    Regex(JsRegex),
}

/// A `when` expression.
#[derive(Clone, Debug)]
pub(crate) enum Expr {
    All(Vec<Expr>),
    Any(Vec<Expr>),
    Not(Box<Expr>),
    Match { path: Vec<PathSegment>, test: Test },
}

/// A rule's `constraints`.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Constraints {
    pub(crate) amount_min: Option<f64>,
    pub(crate) amount_max: Option<f64>,
    pub(crate) currency: Option<Vec<String>>,
    pub(crate) merchant_domain: Option<Vec<String>>,
    pub(crate) allowed_domains: Option<Vec<String>>,
    pub(crate) blocked_domains: Option<Vec<String>>,
}

/// A validated rule.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub(crate) id: Arc<str>,
    pub(crate) effect: Effect,
    pub(crate) pattern: ActionPattern,
    pub(crate) when: Option<Expr>,
    pub(crate) constraints: Option<Constraints>,
    pub(crate) min_assurance_level: Option<AssuranceLevel>,
    pub(crate) obligations: Vec<ObligationSpec>,
    pub(crate) proof_required: bool,
    /// Seconds; INVARIANT: finite and positive.
    pub(crate) proof_ttl_seconds: Option<f64>,
}
