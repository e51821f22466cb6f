//! The claims of each token kind: their order when issuing and their types
//! when verifying.

use super::{ISSUER, TokenError, TokenKind};
use crate::json::{Map, Value};
use crate::time::Timestamp;

/// The claims of a proof token after `iss`, `kid`, `iat` and `exp`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProofParams {
    pub decision_id: String,
    /// `user` or `org`: who owns the agent.
    pub owner_type: String,
    pub owner_id: String,
    pub agent_id: String,
    pub action_type: String,
    pub action_hash: String,
    /// `None` when the policy default decided; written as `null`.
    pub matched_rule_id: Option<String>,
    /// The relying party's trust profile; written only when present and
    /// not empty.
    pub trust_profile: Option<String>,
    /// Written only when present.
    pub constraints_snapshot: Option<Map>,
}

/// The claims of an approval token after `iss`, `kid`, `iat` and `exp`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApprovalParams {
    pub approval_request_id: String,
    pub owner_type: String,
    pub owner_id: String,
    pub agent_id: String,
    pub action_type: String,
    pub action_hash: String,
}

/// The claims of a session token besides `iss`, `kid`, `iat`, `exp` and
/// `purpose`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionParams {
    /// The user's principal id.
    pub sub: String,
    /// Written only when present.
    pub system_roles: Option<Vec<String>>,
    /// Written only when present.
    pub org_memberships: Option<Vec<OrgMembership>>,
}

/// A user's role in an organization, in a session token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgMembership {
    pub org_id: String,
    pub role: String,
}

/// Claims in the making: `iss` and `kid` are written; `iat` and `exp` are
/// written by [`Builder::times`], or before the first other claim.
pub(super) struct Builder {
    claims: Map,
    times: Option<(Timestamp, Timestamp)>,
}

impl Builder {
    pub(super) fn new(kid: &str, issued_at: Timestamp, expires_at: Timestamp) -> Builder {
        let mut claims = Map::with_capacity(14);
        claims.insert("iss".to_owned(), string(ISSUER));
        claims.insert("kid".to_owned(), string(kid));
        Builder {
            claims,
            times: Some((issued_at, expires_at)),
        }
    }

    /// Writes `iat` and `exp` here, unless already written.
    fn times(&mut self) {
        if let Some((issued_at, expires_at)) = self.times.take() {
            self.claims
                .insert("iat".to_owned(), string(&issued_at.to_rfc3339_millis()));
            self.claims
                .insert("exp".to_owned(), string(&expires_at.to_rfc3339_millis()));
        }
    }

    fn put(&mut self, claim: &str, value: Value) {
        self.times();
        self.claims.insert(claim.to_owned(), value);
    }

    fn put_str(&mut self, claim: &str, value: &str) {
        self.put(claim, string(value));
    }

    pub(super) fn finish(mut self) -> Map {
        self.times();
        self.claims
    }
}

impl ProofParams {
    pub(super) fn write(&self, claims: &mut Builder) {
        claims.put_str("decision_id", &self.decision_id);
        claims.put_str("owner_type", &self.owner_type);
        claims.put_str("owner_id", &self.owner_id);
        claims.put_str("agent_id", &self.agent_id);
        claims.put_str("action_type", &self.action_type);
        claims.put_str("action_hash", &self.action_hash);
        claims.put(
            "matched_rule_id",
            self.matched_rule_id.as_deref().map_or(Value::Null, string),
        );
        // OpenLeash tests the profile for truthiness: an empty string is
        // left out.
        if let Some(profile) = self.trust_profile.as_deref().filter(|p| !p.is_empty()) {
            claims.put_str("trust_profile", profile);
        }
        if let Some(snapshot) = &self.constraints_snapshot {
            claims.put("constraints_snapshot", Value::Object(snapshot.clone()));
        }
    }
}

impl ApprovalParams {
    pub(super) fn write(&self, claims: &mut Builder) {
        claims.put_str("approval_request_id", &self.approval_request_id);
        claims.put_str("owner_type", &self.owner_type);
        claims.put_str("owner_id", &self.owner_id);
        claims.put_str("agent_id", &self.agent_id);
        claims.put_str("action_type", &self.action_type);
        claims.put_str("action_hash", &self.action_hash);
        claims.put_str("purpose", "approval");
    }
}

impl SessionParams {
    pub(super) fn write(&self, claims: &mut Builder) {
        // `sub` comes before the timestamps in OpenLeash's session claims.
        claims.claims.insert("sub".to_owned(), string(&self.sub));
        claims.put_str("purpose", "user_session");
        if let Some(roles) = &self.system_roles {
            claims.put(
                "system_roles",
                Value::Array(roles.iter().map(|role| string(role)).collect()),
            );
        }
        if let Some(memberships) = &self.org_memberships {
            let memberships = memberships
                .iter()
                .map(|membership| {
                    let mut entry = Map::with_capacity(2);
                    entry.insert("org_id".to_owned(), string(&membership.org_id));
                    entry.insert("role".to_owned(), string(&membership.role));
                    Value::Object(entry)
                })
                .collect();
            claims.put("org_memberships", Value::Array(memberships));
        }
    }
}

fn string(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// Claims every kind requires, as strings.
const COMMON: &[&str] = &["iss", "kid", "iat", "exp"];
const PROOF: &[&str] = &[
    "decision_id",
    "owner_type",
    "owner_id",
    "agent_id",
    "action_type",
    "action_hash",
];
const APPROVAL: &[&str] = &[
    "approval_request_id",
    "owner_type",
    "owner_id",
    "agent_id",
    "action_type",
    "action_hash",
];
const SESSION: &[&str] = &["sub"];

/// Checks the purpose, then the presence and types of the claims of
/// `kind`; returns `iat` and `exp`.
pub(super) fn check(claims: &Map, kind: TokenKind) -> Result<(Timestamp, Timestamp), TokenError> {
    let purpose = match claims.get("purpose") {
        None => None,
        Some(Value::String(purpose)) => Some(purpose.as_str()),
        Some(other) => {
            return Err(invalid(format!(
                "claim purpose must be a string, found {}",
                other.type_name()
            )));
        }
    };
    if purpose != kind.purpose() {
        return Err(TokenError::new(
            "TOKEN_WRONG_PURPOSE",
            format!(
                "expected {}, found {}",
                TokenKind::of_purpose(kind.purpose()),
                TokenKind::of_purpose(purpose)
            ),
        ));
    }
    let specific = match kind {
        TokenKind::Proof => PROOF,
        TokenKind::Approval => APPROVAL,
        TokenKind::Session => SESSION,
    };
    for claim in COMMON.iter().chain(specific) {
        match claims.get(claim) {
            Some(Value::String(_)) => {}
            Some(other) => {
                return Err(invalid(format!(
                    "claim {claim} must be a string, found {}",
                    other.type_name()
                )));
            }
            None => return Err(invalid(format!("claim {claim} is missing"))),
        }
    }
    if claims.get("iss").and_then(Value::as_str) != Some(ISSUER) {
        return Err(TokenError::new(
            "TOKEN_CLAIM_MISMATCH",
            format!("claim iss must be {ISSUER:?}"),
        ));
    }
    if kind == TokenKind::Proof {
        match claims.get("matched_rule_id") {
            Some(Value::String(_) | Value::Null) => {}
            Some(other) => {
                return Err(invalid(format!(
                    "claim matched_rule_id must be a string or null, found {}",
                    other.type_name()
                )));
            }
            None => return Err(invalid("claim matched_rule_id is missing")),
        }
        if let Some(other) = claims
            .get("trust_profile")
            .filter(|profile| !matches!(profile, Value::String(_)))
        {
            return Err(invalid(format!(
                "claim trust_profile must be a string, found {}",
                other.type_name()
            )));
        }
        if let Some(other) = claims
            .get("constraints_snapshot")
            .filter(|snapshot| !matches!(snapshot, Value::Object(_)))
        {
            return Err(invalid(format!(
                "claim constraints_snapshot must be an object, found {}",
                other.type_name()
            )));
        }
    }
    let issued_at = timestamp_claim("iat", claims.get("iat").unwrap_or(&Value::Null))?;
    let expires_at = timestamp_claim("exp", claims.get("exp").unwrap_or(&Value::Null))?;
    Ok((issued_at, expires_at))
}

/// Reads a time claim: a strict RFC 3339 date-time with an offset.
pub(super) fn timestamp_claim(claim: &str, value: &Value) -> Result<Timestamp, TokenError> {
    let Value::String(text) = value else {
        return Err(invalid(format!(
            "claim {claim} must be an RFC 3339 string, found {}",
            value.type_name()
        )));
    };
    Timestamp::parse_rfc3339(text).map_err(|_| {
        invalid(format!(
            "claim {claim} is not an RFC 3339 date-time: {:?}",
            text.chars().take(40).collect::<String>()
        ))
    })
}

fn invalid(message: impl Into<String>) -> TokenError {
    TokenError::new("TOKEN_INVALID_CLAIMS", message)
}
