//! Agent request signatures: signing, the `ReplayGuard` class and
//! verification.
//!
//! Signing and verifying run with the GIL released (one Ed25519 operation
//! and a SHA-256 of the body each).

use openleash_core::request::{self, DEFAULT_REPLAY_CAPACITY};
use openleash_core::{ReplayGuard, host, host_signing};
use pyo3::prelude::*;

use crate::convert::{argument_value, to_python};
use crate::errors::{key_error, no_panic, signature_error};
use crate::ids::random_uuid;
use crate::keys::read_key;
use crate::options::{seconds, timestamp_or_now};
use crate::token::byte_string;

/// Default clock skew a receiver allows, in seconds.
const DEFAULT_MAX_SKEW_SECONDS: f64 = 300.0;

/// Sign a request as the agent `agent_id` and return the headers to send:
/// `X-Agent-Id`, `X-Timestamp`, `X-Nonce`, `X-Body-Sha256` and
/// `X-Signature`. `key_file` must have a private key; `path` excludes the
/// query string; `nonce` defaults to a random UUID and `now` to the system
/// clock. Raises OpenLeashKeyError.
// NOTE: the key is read on every call (about 24 µs for a key file with a
// private key); unlike the token functions, this takes no KeySet.
#[pyfunction]
#[pyo3(
    signature = (key_file, agent_id, method, path, *, body = None, nonce = None, now = None),
    text_signature = "(key_file, agent_id, method, path, *, body=b'', nonce=None, now=None)"
)]
#[allow(clippy::too_many_arguments)]
pub fn sign_request<'py>(
    py: Python<'py>,
    key_file: &Bound<'py, PyAny>,
    agent_id: String,
    method: String,
    path: String,
    body: Option<&Bound<'py, PyAny>>,
    nonce: Option<String>,
    now: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    no_panic(|| {
        let key = read_key(py, key_file, "key_file")?;
        let secret = host_signing::secret_key(&key).map_err(|error| key_error(&error))?;
        let body = match body.filter(|value| !value.is_none()) {
            Some(body) => byte_string(body, "body")?,
            None => Vec::new(),
        };
        let nonce = nonce.unwrap_or_else(random_uuid);
        let now = timestamp_or_now(now, "now")?;

        let headers = py
            .detach(|| request::sign_request(secret, &agent_id, &method, &path, now, &nonce, &body))
            .map_err(|error| signature_error(&error))?;
        to_python(py, &host::signed_headers_to_value(&headers))
    })
}

/// Remembers the nonces of recent requests per signing key, so that each
/// signed request is accepted once. Holds at most `capacity` unexpired
/// nonces, and at most `per_signer` (default: `capacity`) for one key, and
/// then rejects new requests with `REPLAY_GUARD_FULL` rather than forget
/// one. Safe to share between threads.
#[pyclass(name = "ReplayGuard", module = "openleash_core", frozen)]
pub struct PyReplayGuard {
    guard: ReplayGuard,
    capacity: usize,
}

#[pymethods]
impl PyReplayGuard {
    #[new]
    #[pyo3(
        signature = (capacity = DEFAULT_REPLAY_CAPACITY, *, per_signer = None),
        text_signature = "(capacity=100000, *, per_signer=None)"
    )]
    fn new(capacity: usize, per_signer: Option<usize>) -> PyReplayGuard {
        PyReplayGuard {
            guard: ReplayGuard::with_signer_limit(capacity, per_signer.unwrap_or(capacity)),
            capacity,
        }
    }

    /// The most unexpired nonces the guard holds.
    #[getter]
    fn capacity(&self) -> usize {
        self.capacity
    }

    /// Number of nonces remembered; expired ones are dropped on the next
    /// verification.
    fn __len__(&self) -> usize {
        self.guard.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<ReplayGuard nonces={} capacity={}>",
            self.guard.len(),
            self.capacity
        )
    }
}

/// Verify a signed request. `headers` is a mapping of request headers, whose
/// names are case-insensitive; other headers are ignored. `public_key` is
/// the agent's key (key file, base64 DER public key or PASERK). `body` is
/// the raw body, whose SHA-256 must match `X-Body-Sha256`. It is required,
/// so that forgetting it cannot skip the check: pass None only for a
/// request without a body (GET, HEAD), which trusts the header. The nonce is recorded in `guard`
/// once everything else holds; without a guard a fresh one is used, so
/// replays go undetected. Returns None; raises SignatureError.
#[pyfunction]
#[pyo3(
    signature = (headers, method, path, public_key, *, body, now = None, max_skew_seconds = None, guard = None),
    text_signature = "(headers, method, path, public_key, *, body, now=None, max_skew_seconds=300, guard=None)"
)]
#[allow(clippy::too_many_arguments)]
pub fn verify_request<'py>(
    py: Python<'py>,
    headers: &Bound<'py, PyAny>,
    method: String,
    path: String,
    public_key: &Bound<'py, PyAny>,
    body: Option<&Bound<'py, PyAny>>,
    now: Option<&Bound<'py, PyAny>>,
    max_skew_seconds: Option<&Bound<'py, PyAny>>,
    guard: Option<&Bound<'py, PyReplayGuard>>,
) -> PyResult<()> {
    no_panic(|| {
        let headers = argument_value(headers, "headers")?;
        let headers =
            host::signed_headers_from_value(&headers).map_err(|error| signature_error(&error))?;
        let key = read_key(py, public_key, "public_key")?;
        let body = match body.filter(|value| !value.is_none()) {
            Some(body) => Some(byte_string(body, "body")?),
            None => None,
        };
        let max_skew_seconds = match max_skew_seconds.filter(|value| !value.is_none()) {
            Some(value) => seconds(value, "max_skew_seconds")?,
            None => DEFAULT_MAX_SKEW_SECONDS,
        };
        let now = timestamp_or_now(now, "now")?;
        let check = host_signing::request_check(now, max_skew_seconds)
            .map_err(|error| signature_error(&error))?;

        // A request without a guard can only be checked for replay
        // against itself, which one slot covers.
        let fresh;
        let guard = match guard {
            Some(guard) => &guard.get().guard,
            None => {
                fresh = ReplayGuard::new(1);
                &fresh
            }
        };
        py.detach(|| {
            request::verify_request(
                &headers,
                &method,
                &path,
                body.as_deref(),
                key.public_key(),
                &check,
                guard,
            )
        })
        .map_err(|error| signature_error(&error))
    })
}
