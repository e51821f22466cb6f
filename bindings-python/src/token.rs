//! Issuing and verifying proof, approval and session tokens.
//!
//! Parameters and results cross through the core's host conversions
//! (`host::proof_params`, `host::issued_to_value`, ...). Signing and
//! verifying run with the GIL released: each takes tens of microseconds
//! (one Ed25519 operation), far more than the GIL switch costs.

use openleash_core::host;
use openleash_core::token::{self, Issued, VerifyOptions};
use openleash_core::{TokenError, Value};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

use crate::convert::{ConversionError, argument_value, to_python};
use crate::errors::{conversion_error, no_panic, token_error};
use crate::keys::{Signer, trusted_keys};
use crate::options::{seconds, timestamp_or_now};

#[derive(Clone, Copy)]
enum Kind {
    Proof,
    Approval,
    Session,
}

/// Converts the arguments, then signs with the GIL released.
fn issue<'py>(
    py: Python<'py>,
    kind: Kind,
    keys: &Bound<'py, PyAny>,
    params: &Bound<'py, PyAny>,
    ttl_seconds: &Bound<'py, PyAny>,
    now: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    no_panic(|| {
        let signer = Signer::read(py, keys, "keys")?;
        let params = argument_value(params, "params")?;
        let ttl_seconds = seconds(ttl_seconds, "ttl_seconds")?;
        let now = timestamp_or_now(now, "now")?;

        let issued = py.detach(|| -> Result<Issued, TokenError> {
            let key = signer.key(now)?;
            match kind {
                Kind::Proof => {
                    token::issue_proof(key, &host::proof_params(&params)?, now, ttl_seconds)
                }
                Kind::Approval => {
                    token::issue_approval(key, &host::approval_params(&params)?, now, ttl_seconds)
                }
                Kind::Session => {
                    token::issue_session(key, &host::session_params(&params)?, now, ttl_seconds)
                }
            }
        });

        let issued = issued.map_err(|error| token_error(&error))?;
        to_python(py, &host::issued_to_value(&issued))
    })
}

/// Issue a proof token for an allowed action. `keys` is a KeySet, whose
/// active key signs, or a key file with a private key. `params` has
/// `decision_id`, `owner_type`, `owner_id`, `agent_id`, `action_type`,
/// `action_hash`, `matched_rule_id` (str or None) and optional
/// `trust_profile` and `constraints_snapshot`. Returns `token`, `claims`,
/// `issued_at` and `expires_at`. Raises TokenError or OpenLeashKeyError.
#[pyfunction]
#[pyo3(signature = (keys, params, ttl_seconds, *, now = None))]
pub fn issue_proof_token<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyAny>,
    params: &Bound<'py, PyAny>,
    ttl_seconds: &Bound<'py, PyAny>,
    now: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    issue(py, Kind::Proof, keys, params, ttl_seconds, now)
}

/// Issue an approval token for one human approval; `params` has
/// `approval_request_id`, `owner_type`, `owner_id`, `agent_id`,
/// `action_type` and `action_hash`. Otherwise as `issue_proof_token`.
#[pyfunction]
#[pyo3(signature = (keys, params, ttl_seconds, *, now = None))]
pub fn issue_approval_token<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyAny>,
    params: &Bound<'py, PyAny>,
    ttl_seconds: &Bound<'py, PyAny>,
    now: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    issue(py, Kind::Approval, keys, params, ttl_seconds, now)
}

/// Issue a session token for a user; `params` has `sub` and optional
/// `system_roles` and `org_memberships`. Otherwise as `issue_proof_token`.
#[pyfunction]
#[pyo3(signature = (keys, params, ttl_seconds, *, now = None))]
pub fn issue_session_token<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyAny>,
    params: &Bound<'py, PyAny>,
    ttl_seconds: &Bound<'py, PyAny>,
    now: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    issue(py, Kind::Session, keys, params, ttl_seconds, now)
}

/// Verify a token and return `claims`, `kid`, `purpose`, `issued_at` and
/// `expires_at`. `keys` is a KeySet, a key file, a base64 DER public key
/// or a PASERK. Raises TokenError with the first failed check's code, or
/// OpenLeashKeyError for a key that cannot be read.
#[pyfunction]
#[pyo3(signature = (
    token,
    keys,
    *,
    purpose = "proof".to_owned(),
    now = None,
    leeway_seconds = None,
    expect = None,
    footer = None,
), text_signature = "(token, keys, *, purpose='proof', now=None, leeway_seconds=0, expect=None, footer=None)")]
#[allow(clippy::too_many_arguments)]
pub fn verify_token<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyString>,
    keys: &Bound<'py, PyAny>,
    purpose: String,
    now: Option<&Bound<'py, PyAny>>,
    leeway_seconds: Option<&Bound<'py, PyAny>>,
    expect: Option<&Bound<'py, PyAny>>,
    footer: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    no_panic(|| {
        let token = token.to_cow()?;
        let keys = trusted_keys(py, keys, "keys")?;
        let options = verify_options(&purpose, now, leeway_seconds, expect, footer)?;

        let verified = py
            .detach(|| token::verify(&token, &keys, &options))
            .map_err(|error| token_error(&error))?;
        to_python(py, &host::verified_to_value(verified))
    })
}

fn verify_options(
    purpose: &str,
    now: Option<&Bound<'_, PyAny>>,
    leeway_seconds: Option<&Bound<'_, PyAny>>,
    expect: Option<&Bound<'_, PyAny>>,
    footer: Option<&Bound<'_, PyAny>>,
) -> PyResult<VerifyOptions> {
    let kind = host::token_kind(purpose).map_err(|error| token_error(&error))?;
    let mut options = VerifyOptions::of_kind(kind, timestamp_or_now(now, "now")?);
    if let Some(leeway) = leeway_seconds.filter(|value| !value.is_none()) {
        let leeway = seconds(leeway, "leeway_seconds")?;
        options.leeway_ms = host::leeway_ms(leeway).map_err(|error| token_error(&error))?;
    }
    if let Some(expect) = expect.filter(|value| !value.is_none()) {
        let expect: Value = argument_value(expect, "expect")?;
        options.expect =
            host::expectations_from_value(&expect).map_err(|error| token_error(&error))?;
    }
    if let Some(footer) = footer.filter(|value| !value.is_none()) {
        options.footer = byte_string(footer, "footer")?;
    }
    Ok(options)
}

/// Copies the bytes of a `bytes`, `bytearray`, `memoryview` or `str`
/// (UTF-8) argument. A `str`
/// with a lone surrogate raises `UnicodeEncodeError`; other types raise
/// `ValueConversionError` with code `VALUE_UNSUPPORTED_TYPE`.
pub fn byte_string(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(bytes) = value.cast::<PyByteArray>() {
        return Ok(bytes.to_vec());
    }
    if let Ok(text) = value.cast::<PyString>() {
        let encoded = text.call_method1("encode", ("utf-8",))?;
        return Ok(encoded.cast_into::<PyBytes>()?.as_bytes().to_vec());
    }
    if value.is_instance_of::<pyo3::types::PyMemoryView>() {
        let copy = value.py().get_type::<PyBytes>().call1((value,))?;
        return Ok(copy.cast_into::<PyBytes>()?.as_bytes().to_vec());
    }
    let found = value
        .get_type()
        .name()
        .map(|name| name.to_string())
        .unwrap_or_default();
    Err(conversion_error(
        &ConversionError::with_code(
            "VALUE_UNSUPPORTED_TYPE",
            format!("{name} must be bytes, bytearray, memoryview or str, found {found}"),
        )
        .under(name),
    ))
}
