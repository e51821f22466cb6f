//! Python bindings of the OpenLeash engine: the `openleash_core._native`
//! extension module, re-exported by the `openleash_core` package.
//!
//! The bindings only convert values and errors; every rule is in the
//! `openleash-core` crate. Data crosses as plain `dict`, `list`, `str` and
//! numbers (see [`convert`]), compiled policies are classes, and errors are
//! the exception classes of `openleash_core._errors`.

mod authorizer;
mod convert;
mod decision;
mod errors;
mod ids;
mod keys;
mod options;
mod policy;
mod request;
mod testing;
mod token;

use openleash_core::json::{self, MAX_JSON_DEPTH};
use openleash_core::yaml::YamlLimits;
use openleash_core::{Action, Policy};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::Failure;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use crate::errors::{action_error, conversion_error, diagnostic_list, no_panic};
use crate::policy::{PyPolicy, PyPolicyStack, evaluate_action, target_of};

/// Decide an action against a Policy or a PolicyStack; the same as
/// calling its `evaluate` method.
#[pyfunction]
#[pyo3(signature = (policy, action, *, now = None, default_proof_ttl_seconds = None))]
fn evaluate<'py>(
    py: Python<'py>,
    policy: &Bound<'py, PyAny>,
    action: &Bound<'py, PyAny>,
    now: Option<&Bound<'py, PyAny>>,
    default_proof_ttl_seconds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let target = target_of(policy)?;
    evaluate_action(py, target, action, now, default_proof_ttl_seconds)
}

/// Check a YAML policy and return its problems as diagnostics; an empty
/// list means the policy is valid. Warnings are not included (see
/// `Policy.warnings`).
#[pyfunction]
fn validate_policy<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyString>,
) -> PyResult<Bound<'py, PyList>> {
    no_panic(|| {
        let bytes = text
            .call_method1("encode", ("utf-8", "surrogatepass"))?
            .cast_into::<pyo3::types::PyBytes>()?;
        let data = bytes.as_bytes();
        let loaded = py.detach(|| Policy::from_yaml_bytes(data, &YamlLimits::default()));
        match loaded {
            Ok(_) => Ok(PyList::empty(py)),
            Err(error) => diagnostic_list(py, error.diagnostics()),
        }
    })
}

/// Serialize a value as RFC 8785 canonical JSON. Raises
/// ValueConversionError for a value with no JSON form.
#[pyfunction]
fn canonical_json(value: &Bound<'_, PyAny>) -> PyResult<String> {
    no_panic(|| match convert::to_value(value) {
        Ok(converted) => Ok(json::canonical_json(&converted.value)),
        Err(Failure::Value(error)) => Err(conversion_error(&error)),
        Err(Failure::Python(error)) => Err(error),
    })
}

/// Validate and normalize an action, then return its action hash: the
/// SHA-256 hex of its canonical JSON. Raises ValueConversionError for a
/// value with no JSON form and ActionError for an invalid action.
#[pyfunction]
fn action_hash(py: Python<'_>, action: &Bound<'_, PyAny>) -> PyResult<String> {
    no_panic(|| {
        let value = match convert::to_value(action) {
            Ok(converted) => converted.value,
            Err(Failure::Value(error)) => return Err(conversion_error(&error)),
            Err(Failure::Python(error)) => return Err(error),
        };
        match Action::from_value(value) {
            Ok(action) => Ok(action.hash().to_owned()),
            Err(error) => Err(action_error(py, &error)),
        }
    })
}

/// Discard the random bytes drawn for decision ids before the fork, so that
/// a forked child never repeats its parent's ids. The package registers it
/// with `os.register_at_fork`.
#[pyfunction]
fn _after_fork() {
    ids::after_fork();
}

/// The compiled part of `openleash_core`.
#[pymodule]
#[pyo3(name = "_native")]
fn native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyPolicy>()?;
    module.add_class::<PyPolicyStack>()?;
    module.add_function(wrap_pyfunction!(evaluate, module)?)?;
    module.add_function(wrap_pyfunction!(validate_policy, module)?)?;
    module.add_function(wrap_pyfunction!(policy::order_bindings, module)?)?;
    module.add_function(wrap_pyfunction!(canonical_json, module)?)?;
    module.add_function(wrap_pyfunction!(action_hash, module)?)?;
    module.add_function(wrap_pyfunction!(_after_fork, module)?)?;

    module.add_class::<keys::PyKeySet>()?;
    module.add_function(wrap_pyfunction!(keys::generate_key, module)?)?;
    module.add_function(wrap_pyfunction!(keys::public_key_info, module)?)?;
    module.add_function(wrap_pyfunction!(keys::secret_key_paserk, module)?)?;
    module.add_function(wrap_pyfunction!(token::issue_proof_token, module)?)?;
    module.add_function(wrap_pyfunction!(token::issue_approval_token, module)?)?;
    module.add_function(wrap_pyfunction!(token::issue_session_token, module)?)?;
    module.add_function(wrap_pyfunction!(token::verify_token, module)?)?;
    module.add_class::<authorizer::PyAuthorizer>()?;
    module.add_class::<request::PyReplayGuard>()?;
    module.add_function(wrap_pyfunction!(request::sign_request, module)?)?;
    module.add_function(wrap_pyfunction!(request::verify_request, module)?)?;
    module.add_function(wrap_pyfunction!(testing::_ed25519_verify, module)?)?;
    module.add_function(wrap_pyfunction!(testing::_paseto_sign, module)?)?;
    module.add_function(wrap_pyfunction!(testing::_paseto_verify, module)?)?;

    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add("MAX_JSON_DEPTH", MAX_JSON_DEPTH)?;
    Ok(())
}
