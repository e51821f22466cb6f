//! Issuing and verifying proof, approval and session tokens.

use openleash_core::host;
use openleash_core::host_signing;
use openleash_core::json;
use openleash_core::token::{self, TokenKind, VerifyOptions};
use wasm_bindgen::prelude::*;

use crate::errors::{Failure, token_error};
use crate::json::parse_converted;
use crate::keys::KeySetHandle;
use crate::options::timestamp;

/// Issues a token of `kind` (`proof`, `approval` or `session`) with the
/// active key of `keys`, from parameters given as JSON text, valid for
/// `ttl_seconds` from the given time. Returns `{token, claims, issued_at,
/// expires_at}` as JSON text.
#[wasm_bindgen(js_name = issueToken)]
pub fn issue_token(
    kind: &str,
    keys: &KeySetHandle,
    params_json: &str,
    ttl_seconds: f64,
    now_millis: f64,
    now_text: Option<String>,
) -> Result<String, JsValue> {
    Ok(issue(
        kind,
        keys,
        params_json,
        ttl_seconds,
        now_millis,
        now_text,
    )?)
}

fn issue(
    kind: &str,
    keys: &KeySetHandle,
    params_json: &str,
    ttl_seconds: f64,
    now_millis: f64,
    now_text: Option<String>,
) -> Result<String, Failure> {
    let now = timestamp(now_millis, now_text)?;
    let params = parse_converted(params_json)?;
    let key =
        host_signing::signing_key(keys.keys(), now).map_err(|problem| token_error(&problem))?;
    let kind = host::token_kind(kind).map_err(|problem| token_error(&problem))?;
    let issued = match kind {
        TokenKind::Proof => host::proof_params(&params)
            .and_then(|params| token::issue_proof(key, &params, now, ttl_seconds)),
        TokenKind::Approval => host::approval_params(&params)
            .and_then(|params| token::issue_approval(key, &params, now, ttl_seconds)),
        TokenKind::Session => host::session_params(&params)
            .and_then(|params| token::issue_session(key, &params, now, ttl_seconds)),
    }
    .map_err(|problem| token_error(&problem))?;
    Ok(json::to_json(&host::issued_to_value(&issued)))
}

/// Verifies a token with `keys` and returns `{claims, kid, purpose,
/// issued_at, expires_at}` as JSON text. `purpose` defaults to `proof`,
/// `leeway_seconds` to 0; `expect_json` has the claims that must match;
/// `footer` is the footer the token must carry (none by default).
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = verifyToken)]
pub fn verify_token(
    token: &str,
    keys: &KeySetHandle,
    purpose: Option<String>,
    now_millis: f64,
    now_text: Option<String>,
    leeway_seconds: Option<f64>,
    expect_json: Option<String>,
    footer: Option<Vec<u8>>,
) -> Result<String, JsValue> {
    let now = timestamp(now_millis, now_text)?;
    let options = verify_options(purpose, now, leeway_seconds, expect_json, footer)?;
    let verified =
        token::verify(token, keys.keys(), &options).map_err(|problem| token_error(&problem))?;
    Ok(json::to_json(&host::verified_to_value(verified)))
}

fn verify_options(
    purpose: Option<String>,
    now: openleash_core::Timestamp,
    leeway_seconds: Option<f64>,
    expect_json: Option<String>,
    footer: Option<Vec<u8>>,
) -> Result<VerifyOptions, Failure> {
    let kind = match purpose {
        Some(name) => host::token_kind(&name).map_err(|problem| token_error(&problem))?,
        None => TokenKind::Proof,
    };
    let mut options = VerifyOptions::of_kind(kind, now);
    if let Some(seconds) = leeway_seconds {
        options.leeway_ms = host::leeway_ms(seconds).map_err(|problem| token_error(&problem))?;
    }
    if let Some(text) = expect_json {
        let value = parse_converted(&text)?;
        options.expect =
            host::expectations_from_value(&value).map_err(|problem| token_error(&problem))?;
    }
    if let Some(footer) = footer {
        options.footer = footer;
    }
    Ok(options)
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

    #[test]
    fn options_are_checked() {
        let now = openleash_core::Timestamp::UNIX_EPOCH;
        let code = |failure: Failure| failure.to_json_text();
        let wrong = verify_options(Some("proofs".to_owned()), now, None, None, None).unwrap_err();
        assert!(code(wrong).contains("TOKEN_INVALID_PARAMS"));
        let leeway = verify_options(None, now, Some(-1.0), None, None).unwrap_err();
        assert!(code(leeway).contains("TOKEN_INVALID_PARAMS"));
        let expect =
            verify_options(None, now, None, Some(r#"{"hash": "x"}"#.to_owned()), None).unwrap_err();
        assert!(code(expect).contains("TOKEN_INVALID_PARAMS"));
        let options = verify_options(
            Some("session".to_owned()),
            now,
            Some(1.5),
            Some(r#"{"sub": "u"}"#.to_owned()),
            Some(b"f".to_vec()),
        )
        .unwrap();
        assert_eq!(options.kind, TokenKind::Session);
        assert_eq!(options.leeway_ms, 1500);
        assert_eq!(options.expect.sub.as_deref(), Some("u"));
        assert_eq!(options.footer, b"f");
    }
}
