//! OpenLeash's PASETO v4.public tokens: proof tokens for allowed actions,
//! approval tokens for human approvals and session tokens for users.
//!
//! Issuing writes exactly OpenLeash's claims in its order, with timestamps
//! as `YYYY-MM-DDTHH:MM:SS.sssZ`, so the same key, time and inputs give a
//! byte-identical token. Verifying checks, in this order: the token's shape,
//! the signature with the key named by `kid`, the key's revocation, the
//! token's purpose, the claims' types, `exp`/`iat`/`nbf` against the given
//! time, and finally the caller's expectations. Each failure has its own
//! [`TokenError`] code, and a proof token is never accepted as an approval
//! or session token, nor the reverse.

mod claims;

use std::fmt;

use crate::json::{self, JsonLimits, Map, Value};
use crate::keys::{Key, KeySet, SIGNATURE_BYTES};
use crate::paseto::{self, PasetoError};
use crate::time::Timestamp;

pub use claims::{ApprovalParams, OrgMembership, ProofParams, SessionParams};

/// Issuer of every OpenLeash token.
pub const ISSUER: &str = "openleash";

/// Deepest claims JSON accepted when verifying (a constraints snapshot is
/// an object of scalars, so real tokens have depth 2 or 3).
pub const MAX_CLAIMS_DEPTH: usize = 16;

/// What a token is for, told apart by its `purpose` claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A proof that an action was allowed; no `purpose` claim.
    Proof,
    /// A human approval of one action; `purpose: "approval"`.
    Approval,
    /// A user's session; `purpose: "user_session"`.
    Session,
}

impl TokenKind {
    /// The `purpose` claim, `None` for proof tokens.
    pub fn purpose(self) -> Option<&'static str> {
        match self {
            TokenKind::Proof => None,
            TokenKind::Approval => Some("approval"),
            TokenKind::Session => Some("user_session"),
        }
    }

    /// `proof`, `approval` or `session`.
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::Proof => "proof",
            TokenKind::Approval => "approval",
            TokenKind::Session => "session",
        }
    }

    /// Reads `proof`, `approval` or `session`.
    pub fn parse(name: &str) -> Option<TokenKind> {
        match name {
            "proof" => Some(TokenKind::Proof),
            "approval" => Some(TokenKind::Approval),
            "session" => Some(TokenKind::Session),
            _ => None,
        }
    }

    fn of_purpose(purpose: Option<&str>) -> &'static str {
        match purpose {
            None => "a proof token",
            Some("approval") => "an approval token",
            Some("user_session") => "a session token",
            Some(_) => "a token of unknown purpose",
        }
    }
}

/// A token just issued.
#[derive(Clone, Debug, PartialEq)]
pub struct Issued {
    /// The `v4.public.` token.
    pub token: String,
    /// The signed claims, in signing order.
    pub claims: Map,
    /// `iat`.
    pub issued_at: Timestamp,
    /// `exp`: OpenLeash's `proof_expires_at`.
    pub expires_at: Timestamp,
}

/// Issues a proof token valid for `ttl_seconds` from `now`.
pub fn issue_proof(
    key: &Key,
    params: &ProofParams,
    now: Timestamp,
    ttl_seconds: f64,
) -> Result<Issued, TokenError> {
    issue(key, now, ttl_seconds, |claims| params.write(claims))
}

/// Issues an approval token valid for `ttl_seconds` from `now`.
pub fn issue_approval(
    key: &Key,
    params: &ApprovalParams,
    now: Timestamp,
    ttl_seconds: f64,
) -> Result<Issued, TokenError> {
    issue(key, now, ttl_seconds, |claims| params.write(claims))
}

/// Issues a session token valid for `ttl_seconds` from `now`.
pub fn issue_session(
    key: &Key,
    params: &SessionParams,
    now: Timestamp,
    ttl_seconds: f64,
) -> Result<Issued, TokenError> {
    issue(key, now, ttl_seconds, |claims| params.write(claims))
}

/// Writes `iss`, `kid`, `iat` and `exp`, then lets `write` add the rest
/// (session tokens put `sub` before `iat`, so `write` receives the map with
/// `iss` and `kid` and the two timestamps to place).
fn issue(
    key: &Key,
    now: Timestamp,
    ttl_seconds: f64,
    write: impl FnOnce(&mut claims::Builder),
) -> Result<Issued, TokenError> {
    let Some(secret) = key.secret_key() else {
        return Err(TokenError::new(
            "TOKEN_NO_SIGNING_KEY",
            format!("key {:?} has no private key and cannot sign", key.kid()),
        ));
    };
    if key.is_revoked_at(now) {
        return Err(TokenError::new(
            "TOKEN_REVOKED_KEY",
            format!("key {:?} is revoked and no longer signs", key.kid()),
        ));
    }
    let expires_at = expiry(now, ttl_seconds)?;
    let mut builder = claims::Builder::new(key.kid(), now, expires_at);
    write(&mut builder);
    let claims = builder.finish();
    let message = json::to_json(&Value::Object(claims.clone()));
    // Refuse what a verifier would refuse, so no issued token is unusable.
    let token_bytes = paseto::HEADER.len() + (message.len() + SIGNATURE_BYTES).div_ceil(3) * 4;
    if token_bytes > paseto::MAX_TOKEN_BYTES {
        return Err(TokenError::new(
            "TOKEN_TOO_LARGE",
            format!(
                "the token would be about {token_bytes} bytes, more than the {} a verifier accepts",
                paseto::MAX_TOKEN_BYTES
            ),
        ));
    }
    let limits = JsonLimits {
        max_bytes: usize::MAX,
        max_depth: MAX_CLAIMS_DEPTH,
    };
    if let Err(error) = json::parse_with_limits(&message, &limits) {
        return Err(TokenError::new(
            "TOKEN_INVALID_CLAIMS",
            format!("the claims could not be verified once issued: {error}"),
        ));
    }
    let token = paseto::sign(secret, message.as_bytes(), b"", b"");
    Ok(Issued {
        token,
        claims,
        issued_at: now,
        expires_at,
    })
}

/// `now + ttl_seconds`, truncated to whole milliseconds as JavaScript's
/// `Date` does. The lifetime must be positive and the result a
/// representable date.
fn expiry(now: Timestamp, ttl_seconds: f64) -> Result<Timestamp, TokenError> {
    let invalid = |problem: &str| {
        TokenError::new(
            "TOKEN_INVALID_TTL",
            format!(
                "a token lifetime {problem}, found {}",
                crate::host::display_number(ttl_seconds)
            ),
        )
    };
    if !ttl_seconds.is_finite() || ttl_seconds <= 0.0 {
        return Err(invalid("must be a positive number of seconds"));
    }
    let millis = (ttl_seconds * 1000.0).trunc();
    if millis < 1.0 {
        return Err(invalid("must be at least 0.001 seconds (one millisecond)"));
    }
    // INVARIANT: 1 <= millis < 9e15 after this check, so the cast is exact
    // and cannot wrap.
    if millis >= 9.0e15 {
        return Err(invalid("ends after the year 9999"));
    }
    now.unix_millis()
        .checked_add(millis as i64)
        .and_then(Timestamp::from_unix_millis)
        .ok_or_else(|| invalid("ends after the year 9999"))
}

/// What a verifier requires of a token besides a valid signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The current time.
    pub now: Timestamp,
    /// Tolerance for clock differences, in milliseconds: a token is still
    /// valid until `exp + leeway`, and already valid from `iat - leeway`.
    pub leeway_ms: u32,
    /// The kind of token required.
    pub kind: TokenKind,
    /// The footer the token must carry; OpenLeash tokens have none.
    pub footer: Vec<u8>,
    /// The implicit assertion bound into the signature; empty for
    /// OpenLeash tokens.
    pub implicit_assertion: Vec<u8>,
    /// Claims that must have exactly these values.
    pub expect: Expectations,
}

impl VerifyOptions {
    /// Options for a proof token at `now`, with no leeway and no
    /// expectations.
    pub fn proof(now: Timestamp) -> VerifyOptions {
        VerifyOptions::of_kind(TokenKind::Proof, now)
    }

    /// Options for a token of `kind` at `now`.
    pub fn of_kind(kind: TokenKind, now: Timestamp) -> VerifyOptions {
        VerifyOptions {
            now,
            leeway_ms: 0,
            kind,
            footer: Vec::new(),
            implicit_assertion: Vec::new(),
            expect: Expectations::default(),
        }
    }
}

/// Claim values a verifier insists on. `None` checks nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expectations {
    /// The action the token must be bound to: its action hash.
    pub action_hash: Option<String>,
    pub agent_id: Option<String>,
    pub action_type: Option<String>,
    pub decision_id: Option<String>,
    pub approval_request_id: Option<String>,
    /// The user a session token is for.
    pub sub: Option<String>,
}

impl Expectations {
    fn pairs(&self) -> [(&'static str, Option<&str>); 6] {
        [
            ("action_hash", self.action_hash.as_deref()),
            ("agent_id", self.agent_id.as_deref()),
            ("action_type", self.action_type.as_deref()),
            ("decision_id", self.decision_id.as_deref()),
            ("approval_request_id", self.approval_request_id.as_deref()),
            ("sub", self.sub.as_deref()),
        ]
    }
}

/// A token that passed every check.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedToken {
    /// Every claim, in the token's order.
    pub claims: Map,
    /// The id of the key that verified the signature.
    pub kid: String,
    pub kind: TokenKind,
    /// `iat`.
    pub issued_at: Timestamp,
    /// `exp`.
    pub expires_at: Timestamp,
}

/// Verifies `token` with the keys of `keys`; see the module documentation
/// for the order of the checks.
///
/// The key is the one whose id equals the token's `kid` claim; a set with a
/// single key uses that key whatever the claim says. With several keys and
/// no matching id the token is refused without any signature work.
pub fn verify(
    token: &str,
    keys: &KeySet,
    options: &VerifyOptions,
) -> Result<VerifiedToken, TokenError> {
    let parsed = paseto::parse(token).map_err(TokenError::from_paseto)?;
    if parsed.footer != options.footer {
        return Err(TokenError::from_paseto(PasetoError::FooterMismatch));
    }
    // The claims are read before the signature check only to find the key;
    // nothing else is looked at until the signature holds. They are parsed
    // from the exact bytes the signature covers.
    let limits = JsonLimits {
        max_bytes: paseto::MAX_TOKEN_BYTES,
        max_depth: MAX_CLAIMS_DEPTH,
    };
    let claims = json::parse_bytes(&parsed.message, &limits);
    let claimed_kid = match &claims {
        Ok(Value::Object(map)) => map.get("kid").and_then(Value::as_str),
        _ => None,
    };
    let key = select_key(keys, claimed_kid)?;
    paseto::verify_parsed_with_key(&parsed, key, &options.implicit_assertion)
        .map_err(TokenError::from_paseto)?;
    if key.is_revoked_at(options.now) || keys.is_revoked_at(key, options.now) {
        return Err(TokenError::new(
            "TOKEN_REVOKED_KEY",
            format!(
                "the token was signed by key {:?}, which is revoked",
                key.kid()
            ),
        ));
    }
    let claims = match claims {
        Ok(Value::Object(map)) => map,
        Ok(other) => {
            return Err(TokenError::invalid_claims(format!(
                "the claims must be a JSON object, found {}",
                other.type_name()
            )));
        }
        Err(error) => {
            return Err(TokenError::invalid_claims(format!(
                "the claims are not valid JSON: {error}"
            )));
        }
    };
    let (issued_at, expires_at) = claims::check(&claims, options.kind)?;
    check_times(&claims, issued_at, expires_at, options)?;
    for (claim, expected) in options.expect.pairs() {
        let Some(expected) = expected else { continue };
        let found = claims.get(claim).and_then(Value::as_str);
        if found != Some(expected) {
            return Err(TokenError::new(
                "TOKEN_CLAIM_MISMATCH",
                format!(
                    "claim {claim} is {}, expected {expected:?}",
                    found.map_or("absent".to_owned(), |found| format!("{found:?}"))
                ),
            ));
        }
    }
    Ok(VerifiedToken {
        claims,
        kid: key.kid().to_owned(),
        kind: options.kind,
        issued_at,
        expires_at,
    })
}

fn select_key<'a>(keys: &'a KeySet, claimed_kid: Option<&str>) -> Result<&'a Key, TokenError> {
    if let Some(key) = claimed_kid.and_then(|kid| keys.get(kid)) {
        return Ok(key);
    }
    if keys.len() == 1
        && let Some(key) = keys.iter().next()
    {
        return Ok(key);
    }
    Err(TokenError::new(
        "TOKEN_UNKNOWN_KEY",
        match claimed_kid {
            Some(kid) => format!("no trusted key has the token's kid {kid:?}"),
            None => "the token names no kid and several keys are trusted".to_owned(),
        },
    ))
}

fn check_times(
    claims: &Map,
    issued_at: Timestamp,
    expires_at: Timestamp,
    options: &VerifyOptions,
) -> Result<(), TokenError> {
    let leeway = i64::from(options.leeway_ms);
    let now = options.now.unix_millis();
    if now >= expires_at.unix_millis().saturating_add(leeway) {
        return Err(TokenError::new(
            "TOKEN_EXPIRED",
            format!(
                "the token expired at {expires_at}; the time is {}",
                options.now
            ),
        ));
    }
    let mut not_before = issued_at;
    if let Some(nbf) = claims.get("nbf") {
        let nbf = claims::timestamp_claim("nbf", nbf)?;
        not_before = not_before.max(nbf);
    }
    if not_before.unix_millis() > now.saturating_add(leeway) {
        return Err(TokenError::new(
            "TOKEN_NOT_YET_VALID",
            format!(
                "the token is valid from {not_before}; the time is {}",
                options.now
            ),
        ));
    }
    Ok(())
}

/// A token that could not be issued or was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenError {
    code: &'static str,
    message: String,
}

impl TokenError {
    /// Creates an error with a stable code; bindings use it for problems
    /// they find in their own arguments.
    pub fn new(code: &'static str, message: impl Into<String>) -> TokenError {
        TokenError {
            code,
            message: message.into(),
        }
    }

    fn invalid_claims(message: impl Into<String>) -> TokenError {
        TokenError::new("TOKEN_INVALID_CLAIMS", message)
    }

    fn from_paseto(error: PasetoError) -> TokenError {
        let code = match error {
            PasetoError::TooLarge => "TOKEN_TOO_LARGE",
            PasetoError::Unsupported(_) => "TOKEN_UNSUPPORTED",
            PasetoError::Malformed(_) => "TOKEN_MALFORMED",
            PasetoError::FooterMismatch => "TOKEN_FOOTER_MISMATCH",
            PasetoError::BadSignature => "TOKEN_BAD_SIGNATURE",
        };
        TokenError::new(code, error.to_string())
    }

    /// Stable machine-readable code: `TOKEN_EXPIRED`, `TOKEN_NOT_YET_VALID`,
    /// `TOKEN_BAD_SIGNATURE`, `TOKEN_UNKNOWN_KEY`, `TOKEN_REVOKED_KEY`,
    /// `TOKEN_MALFORMED`, `TOKEN_TOO_LARGE`, `TOKEN_UNSUPPORTED`,
    /// `TOKEN_FOOTER_MISMATCH`, `TOKEN_WRONG_PURPOSE`,
    /// `TOKEN_INVALID_CLAIMS`, `TOKEN_CLAIM_MISMATCH`, and when issuing
    /// `TOKEN_INVALID_TTL`, `TOKEN_NO_SIGNING_KEY`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// A description of the problem.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for TokenError {}

#[cfg(test)]
mod tests;
