//! Engine errors raised as the exception classes of `openleash_core._errors`.
//!
//! The classes are plain Python (so they pickle, carry typed attributes and
//! subclass `ValueError`); this module builds their constructor arguments
//! from core errors.

use std::panic::{AssertUnwindSafe, catch_unwind};

use openleash_core::action::ActionIssue;
use openleash_core::policy::{BindingError, Diagnostic};
use openleash_core::{
    ActionError as CoreActionError, KeyError as CoreKeyError, PolicyError as CorePolicyError,
    SignatureError as CoreSignatureError, TokenError as CoreTokenError,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::convert::ConversionError;

pyo3::import_exception!(openleash_core._errors, OpenLeashError);
pyo3::import_exception!(openleash_core._errors, PolicyError);
pyo3::import_exception!(openleash_core._errors, ActionError);
pyo3::import_exception!(openleash_core._errors, ValueConversionError);
pyo3::import_exception!(openleash_core._errors, OpenLeashKeyError);
pyo3::import_exception!(openleash_core._errors, TokenError);
pyo3::import_exception!(openleash_core._errors, SignatureError);

/// Runs `body`, turning a Rust panic (an engine or binding bug) into
/// `OpenLeashError` with code `INTERNAL_ERROR`, so that no panic reaches
/// Python as `pyo3_runtime.PanicException`.
pub fn no_panic<T>(body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(_) => Err(OpenLeashError::new_err((
            "the OpenLeash engine failed unexpectedly".to_owned(),
            "INTERNAL_ERROR",
        ))),
    }
}

/// A diagnostic as a dict with `code`, `message`, `path`, `line` and `column`.
pub fn diagnostic_dict<'py>(
    py: Python<'py>,
    diagnostic: &Diagnostic,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item(pyo3::intern!(py, "code"), diagnostic.code())?;
    dict.set_item(pyo3::intern!(py, "message"), diagnostic.message())?;
    dict.set_item(pyo3::intern!(py, "path"), diagnostic.path())?;
    dict.set_item(pyo3::intern!(py, "line"), diagnostic.line())?;
    dict.set_item(pyo3::intern!(py, "column"), diagnostic.column())?;
    Ok(dict)
}

/// Diagnostics as a list of dicts, in document order.
pub fn diagnostic_list<'py>(
    py: Python<'py>,
    diagnostics: &[Diagnostic],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for diagnostic in diagnostics {
        list.append(diagnostic_dict(py, diagnostic)?)?;
    }
    Ok(list)
}

/// `PolicyError(message, code, diagnostics)`.
pub fn policy_error(py: Python<'_>, error: &CorePolicyError) -> PyErr {
    match diagnostic_list(py, error.diagnostics()) {
        Ok(diagnostics) => {
            PolicyError::new_err((error.to_string(), error.code(), diagnostics.unbind()))
        }
        Err(failure) => failure,
    }
}

/// `PolicyError(message, code, [])` for binding records that cannot be used.
pub fn binding_error(py: Python<'_>, error: &BindingError) -> PyErr {
    PolicyError::new_err((error.to_string(), error.code(), PyList::empty(py).unbind()))
}

fn issue_dict<'py>(py: Python<'py>, issue: &ActionIssue) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item(pyo3::intern!(py, "code"), issue.code())?;
    dict.set_item(pyo3::intern!(py, "path"), issue.path())?;
    dict.set_item(pyo3::intern!(py, "message"), issue.message())?;
    Ok(dict)
}

/// `ActionError(message, code, issues)`.
pub fn action_error(py: Python<'_>, error: &CoreActionError) -> PyErr {
    let issues = PyList::empty(py);
    for issue in error.issues() {
        let appended = issue_dict(py, issue).and_then(|dict| issues.append(dict));
        if let Err(failure) = appended {
            return failure;
        }
    }
    ActionError::new_err((error.to_string(), error.code(), issues.unbind()))
}

/// `ValueConversionError(message, code, path)`.
pub fn conversion_error(error: &ConversionError) -> PyErr {
    ValueConversionError::new_err((error.to_string(), error.code(), error.path()))
}

/// `OpenLeashKeyError(message, code)`.
pub fn key_error(error: &CoreKeyError) -> PyErr {
    OpenLeashKeyError::new_err((error.to_string(), error.code()))
}

/// `TokenError(message, code)`.
pub fn token_error(error: &CoreTokenError) -> PyErr {
    TokenError::new_err((error.to_string(), error.code()))
}

/// `SignatureError(message, code)`.
pub fn signature_error(error: &CoreSignatureError) -> PyErr {
    SignatureError::new_err((error.to_string(), error.code()))
}
