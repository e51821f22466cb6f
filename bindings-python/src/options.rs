//! Evaluation options from Python arguments: the clock and the default
//! proof TTL.

use openleash_core::{EvaluationOptions, Timestamp};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString, PyType};

use crate::convert::ConversionError;
use crate::errors::conversion_error;

/// Builds the options of one evaluation. `now`: `None` reads the system
/// clock; an RFC 3339 `str` or a timezone-aware `datetime` is used as
/// given. `default_proof_ttl_seconds`: `None`, or a positive finite `int`
/// or `float`. Anything else raises `ValueConversionError` with code
/// `INVALID_TIMESTAMP` or `INVALID_PROOF_TTL`.
pub fn evaluation_options(
    now: Option<&Bound<'_, PyAny>>,
    default_proof_ttl_seconds: Option<&Bound<'_, PyAny>>,
) -> PyResult<EvaluationOptions> {
    let now = match now {
        Some(value) if !value.is_none() => timestamp(value, "now")?,
        _ => system_now()?,
    };
    let default_proof_ttl_seconds = match default_proof_ttl_seconds {
        Some(value) if !value.is_none() => Some(proof_ttl(value)?),
        _ => None,
    };
    Ok(EvaluationOptions {
        now,
        default_proof_ttl_seconds,
    })
}

/// The system clock, in milliseconds.
pub fn system_now() -> PyResult<Timestamp> {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis())
        .unwrap_or(0);
    i64::try_from(millis)
        .ok()
        .and_then(Timestamp::from_unix_millis)
        .ok_or_else(|| {
            timestamp_error(
                "the system clock is outside the years 0000 to 9999".to_owned(),
                "now",
            )
        })
}

fn timestamp_error(detail: String, name: &str) -> PyErr {
    conversion_error(&ConversionError::with_code("INVALID_TIMESTAMP", detail).under(name))
}

/// Reads an optional time argument named `name`: `None` (or a missing
/// argument) is the system clock, else as [`timestamp`].
pub fn timestamp_or_now(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Timestamp> {
    match value {
        Some(value) if !value.is_none() => timestamp(value, name),
        _ => system_now(),
    }
}

/// Reads an RFC 3339 `str` or an aware `datetime` as a timestamp.
/// Microseconds are truncated to milliseconds, as the core truncates
/// fractions beyond milliseconds in RFC 3339 text.
pub fn timestamp(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Timestamp> {
    let py = value.py();
    if let Ok(text) = value.cast::<PyString>() {
        let text = text.to_cow()?;
        return Timestamp::parse_rfc3339(&text).map_err(|error| {
            conversion_error(
                &ConversionError::with_code("INVALID_TIMESTAMP", error.to_string()).under(name),
            )
        });
    }
    static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let datetime = DATETIME.import(py, "datetime", "datetime")?;
    if !value.is_instance(datetime)? {
        return Err(timestamp_error(
            format!(
                "{name} must be None, an RFC 3339 str or a timezone-aware datetime, found {}",
                value.get_type().name()?
            ),
            name,
        ));
    }
    if value.call_method0("utcoffset")?.is_none() {
        return Err(timestamp_error(
            format!(
                "{name} is a naive datetime, which names no instant; pass an aware one such as datetime.now(timezone.utc)"
            ),
            name,
        ));
    }

    static EPOCH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let epoch = EPOCH.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let module = py.import("datetime")?;
        let utc = module.getattr("timezone")?.getattr("utc")?;
        let epoch = datetime.call1((1970, 1, 1, 0, 0, 0, 0, utc))?;
        Ok(epoch.unbind())
    })?;
    let elapsed = value.call_method1("__sub__", (epoch.bind(py),))?;
    let days: i64 = elapsed.getattr("days")?.extract()?;
    let seconds: i64 = elapsed.getattr("seconds")?.extract()?;
    let microseconds: i64 = elapsed.getattr("microseconds")?.extract()?;
    let millis = days
        .saturating_mul(86_400_000)
        .saturating_add(seconds * 1000)
        .saturating_add(microseconds / 1000);
    Timestamp::from_unix_millis(millis)
        .ok_or_else(|| timestamp_error(format!("{name} is outside the years 0000 to 9999"), name))
}

/// Reads a number of seconds: an `int` or a `float`, never a `bool`.
/// Anything else raises `ValueConversionError` with code
/// `VALUE_UNSUPPORTED_TYPE` at `name`. The range is the caller's to check
/// (through the core), so NaN and an `int` too large for a `float` (read
/// as infinity) reach that check.
pub fn seconds(value: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    if !value.is_instance_of::<PyBool>() {
        if value.is_instance_of::<PyFloat>() {
            return value.extract::<f64>();
        }
        if value.is_instance_of::<PyInt>() {
            return Ok(value.extract::<f64>().unwrap_or(f64::INFINITY));
        }
    }
    Err(conversion_error(
        &ConversionError::with_code(
            "VALUE_UNSUPPORTED_TYPE",
            format!(
                "{name} must be a number of seconds (int or float), found {}",
                shown(value)
            ),
        )
        .under(name),
    ))
}

fn proof_ttl(value: &Bound<'_, PyAny>) -> PyResult<f64> {
    let seconds = if value.is_instance_of::<PyBool>() {
        None
    } else if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
        value.extract::<f64>().ok()
    } else {
        None
    };
    match seconds {
        Some(seconds) if seconds.is_finite() && seconds > 0.0 => Ok(seconds),
        _ => Err(conversion_error(
            &ConversionError::with_code(
                "INVALID_PROOF_TTL",
                format!(
                    "default_proof_ttl_seconds must be None or a positive finite number of seconds, found {}",
                    shown(value)
                ),
            )
            .under("default_proof_ttl_seconds"),
        )),
    }
}

/// The repr of a bool, int or float (whose repr runs no user code), else
/// the type name.
fn shown(value: &Bound<'_, PyAny>) -> String {
    let plain = value.is_exact_instance_of::<PyBool>()
        || value.is_exact_instance_of::<PyFloat>()
        || value.is_exact_instance_of::<PyInt>() && value.extract::<i64>().is_ok();
    if plain && let Ok(text) = value.repr() {
        return text.to_string();
    }
    value
        .get_type()
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}
