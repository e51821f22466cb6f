//! Conversion between Python objects and the engine's JSON values.
//!
//! Python to JSON accepts exactly what has one JSON meaning: `None`, `bool`,
//! `int`, `float`, `str`, `list`, `tuple` and `dict` with `str` keys, and
//! their subclasses (an `enum.StrEnum` member is its string). Everything else
//! is rejected with a stable code rather than guessed at: `bytes`,
//! `Decimal`, `datetime`, sets, non-string keys, arbitrary objects.
//!
//! Numbers follow the core's JSON parser, where every number is a double.
//! An `int` that no double represents exactly is rejected with
//! `JSON_NUMBER_OUT_OF_RANGE`, as the parser rejects the same integer in
//! JSON text. NaN and the infinities, which JSON text cannot represent, get
//! the same code.
//!
//! JSON to Python gives `int` for integral numbers within ±2^53 and `float`
//! for every other number.

use std::fmt;

use openleash_core::json::{MAX_JSON_DEPTH, Map, Value};
use pyo3::exceptions::PyUnicodeEncodeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

/// Largest magnitude below which every integer is a double: 2^53.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_992.0;

/// A Python value that has no faithful JSON form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversionError {
    code: &'static str,
    /// Path segments from the innermost value outwards; reversed on display.
    segments: Vec<Segment>,
    detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

impl ConversionError {
    /// An error about the value itself (the path is added on the way out).
    pub fn with_code(code: &'static str, detail: String) -> ConversionError {
        ConversionError {
            code,
            segments: Vec::new(),
            detail,
        }
    }

    /// Stable code: `VALUE_UNSUPPORTED_TYPE`, `VALUE_INVALID_KEY`,
    /// `JSON_NUMBER_OUT_OF_RANGE`, `JSON_LONE_SURROGATE`, `JSON_TOO_DEEP` or
    /// `JSON_DUPLICATE_KEY`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Where the value sits, e.g. `payload.items[0].price`; empty for the
    /// value itself.
    pub fn path(&self) -> String {
        let mut path = String::new();
        for segment in self.segments.iter().rev() {
            match segment {
                Segment::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Segment::Index(index) => path.push_str(&format!("[{index}]")),
            }
        }
        path
    }

    /// Prefixes the path with `root` (e.g. `now`).
    pub fn under(mut self, root: &str) -> ConversionError {
        self.segments.push(Segment::Key(root.to_owned()));
        self
    }

    fn inside(mut self, segment: Segment) -> ConversionError {
        self.segments.push(segment);
        self
    }
}

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path();
        if path.is_empty() {
            write!(f, "cannot convert the value: {}", self.detail)
        } else {
            write!(f, "cannot convert the value at {path}: {}", self.detail)
        }
    }
}

/// Why a conversion stopped: a value with no JSON form, or a Python
/// exception raised while reading the object (such as `MemoryError`), which
/// is passed on unchanged.
pub enum Failure {
    Value(ConversionError),
    Python(PyErr),
}

impl From<PyErr> for Failure {
    fn from(error: PyErr) -> Failure {
        Failure::Python(error)
    }
}

impl From<ConversionError> for Failure {
    fn from(error: ConversionError) -> Failure {
        Failure::Value(error)
    }
}

impl Failure {
    fn inside(self, segment: Segment) -> Failure {
        match self {
            Failure::Value(error) => Failure::Value(error.inside(segment)),
            other => other,
        }
    }
}

/// A converted value and an estimate of the work it will take to evaluate:
/// one unit per JSON value plus one per byte of string data.
pub struct Converted {
    pub value: Value,
    pub work: usize,
}

/// Converts a Python object to a JSON value (see the module documentation
/// for the rules). Nesting deeper than [`MAX_JSON_DEPTH`] containers,
/// including any cyclic structure, is rejected with `JSON_TOO_DEEP`.
///
/// NOTE: there is no size limit, unlike the 1 MiB limit on action JSON
/// text; conversion takes time linear in the size of the value.
pub fn to_value(object: &Bound<'_, PyAny>) -> Result<Converted, Failure> {
    let mut converter = Converter { work: 0 };
    let value = converter.value(object, 0)?;
    Ok(Converted {
        value,
        work: converter.work,
    })
}

/// Converts the argument `name` of a call to a JSON value; a value with no
/// JSON form raises `ValueConversionError` with its path under `name`
/// (`params.constraints_snapshot.limit`).
pub fn argument_value(object: &Bound<'_, PyAny>, name: &str) -> PyResult<Value> {
    match to_value(object) {
        Ok(converted) => Ok(converted.value),
        Err(Failure::Value(error)) => Err(crate::errors::conversion_error(&error.under(name))),
        Err(Failure::Python(error)) => Err(error),
    }
}

struct Converter {
    work: usize,
}

impl Converter {
    /// `depth` is the number of containers enclosing `object`.
    fn value(&mut self, object: &Bound<'_, PyAny>, depth: usize) -> Result<Value, Failure> {
        self.work += 1;

        if object.is_none() {
            return Ok(Value::Null);
        }
        if let Ok(text) = object.cast::<PyString>() {
            return Ok(Value::String(self.string(text)?));
        }
        // `bool` is a subclass of `int`: test it first, so `True` stays a
        // boolean and never becomes 1.
        if let Ok(flag) = object.cast::<PyBool>() {
            return Ok(Value::Bool(flag.is_true()));
        }
        if let Ok(integer) = object.cast::<PyInt>() {
            return Ok(Value::Number(integer_value(integer)?));
        }
        if let Ok(float) = object.cast::<PyFloat>() {
            return Ok(Value::Number(float_value(float.value())?));
        }

        if let Ok(dict) = object.cast::<PyDict>() {
            check_depth(depth)?;
            return self.object(dict, depth);
        }
        if let Ok(list) = object.cast::<PyList>() {
            check_depth(depth)?;
            let mut items = Vec::with_capacity(list.len());
            for (index, item) in list.iter().enumerate() {
                let value = self
                    .value(&item, depth + 1)
                    .map_err(|failure| failure.inside(Segment::Index(index)))?;
                items.push(value);
            }
            return Ok(Value::Array(items));
        }

        if let Ok(tuple) = object.cast::<PyTuple>() {
            check_depth(depth)?;
            let mut items = Vec::with_capacity(tuple.len());
            for (index, item) in tuple.iter().enumerate() {
                let value = self
                    .value(&item, depth + 1)
                    .map_err(|failure| failure.inside(Segment::Index(index)))?;
                items.push(value);
            }
            return Ok(Value::Array(items));
        }

        if is_mapping(object)? {
            // Other mappings (MappingProxyType, custom Mapping classes) are
            // read through `dict(...)`, which calls their own methods.
            check_depth(depth)?;
            let copy = object.py().get_type::<PyDict>().call1((object,))?;
            return self.object(copy.cast::<PyDict>().map_err(PyErr::from)?, depth);
        }

        Err(unsupported(object))
    }

    fn object(&mut self, dict: &Bound<'_, PyDict>, depth: usize) -> Result<Value, Failure> {
        let mut map = Map::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let Ok(key_text) = key.cast::<PyString>() else {
                return Err(invalid_key(&key).into());
            };
            let key = self.string(key_text)?;
            let value = match self.value(&item, depth + 1) {
                Ok(value) => value,
                Err(failure) => return Err(failure.inside(Segment::Key(key))),
            };
            // Two distinct keys of a `str` subclass can hold the same text;
            // JSON objects cannot.
            if map.insert(key, value).is_some() {
                let key = key_text.to_cow()?;
                let detail = format!("the key {key:?} appears twice");
                return Err(ConversionError::with_code("JSON_DUPLICATE_KEY", detail).into());
            }
        }
        Ok(Value::Object(map))
    }

    fn string(&mut self, text: &Bound<'_, PyString>) -> Result<String, Failure> {
        match text.to_cow() {
            Ok(text) => {
                self.work += text.len();
                Ok(text.into_owned())
            }
            Err(error) if error.is_instance_of::<PyUnicodeEncodeError>(text.py()) => {
                Err(ConversionError::with_code(
                    "JSON_LONE_SURROGATE",
                    "the string contains a lone UTF-16 surrogate, which I-JSON forbids and UTF-8 cannot encode".to_owned(),
                )
                .into())
            }
            Err(error) => Err(error.into()),
        }
    }
}

fn is_mapping(object: &Bound<'_, PyAny>) -> PyResult<bool> {
    static MAPPING: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let mapping = MAPPING.import(object.py(), "collections.abc", "Mapping")?;
    object.is_instance(mapping)
}

fn check_depth(depth: usize) -> Result<(), ConversionError> {
    if depth >= MAX_JSON_DEPTH {
        return Err(ConversionError::with_code(
            "JSON_TOO_DEEP",
            format!(
                "nesting is deeper than the limit of {MAX_JSON_DEPTH} (a structure that contains itself never ends)"
            ),
        ));
    }
    Ok(())
}

/// The double equal to `integer`, or `JSON_NUMBER_OUT_OF_RANGE` when none
/// is: the same integers that the core's JSON parser accepts in JSON text.
fn integer_value(integer: &Bound<'_, PyInt>) -> Result<f64, Failure> {
    if let Ok(small) = integer.extract::<i64>() {
        return exact_double(i128::from(small)).ok_or_else(|| inexact(&small.to_string()).into());
    }
    if let Ok(wide) = integer.extract::<i128>() {
        return exact_double(wide).ok_or_else(|| inexact(&wide.to_string()).into());
    }
    huge_integer_value(integer)
}

/// `n` as a double when the double equals `n` exactly.
fn exact_double(n: i128) -> Option<f64> {
    // INVARIANT: `n as f64` rounds to nearest; converting back is exact
    // below 2^127, and a double of 2^127 or more cannot equal an i128.
    #[allow(clippy::cast_precision_loss)]
    let double = n as f64;
    if double >= 2f64.powi(127) {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    let back = double as i128;
    (back == n).then_some(double)
}

/// Integers beyond 128 bits: exact when the odd part has at most 53 bits
/// and the magnitude is below 2^1024. Computed with `int`'s own methods,
/// called on the `int` type so that a subclass cannot override them.
fn huge_integer_value(integer: &Bound<'_, PyInt>) -> Result<f64, Failure> {
    let py = integer.py();
    let int_type = py.get_type::<PyInt>();
    let bits: u64 = int_type.call_method1("bit_length", (integer,))?.extract()?;
    let negated = int_type.call_method1("__neg__", (integer,))?;
    let lowest_bit = int_type.call_method1("__and__", (integer, negated))?;
    let trailing_zeros = int_type
        .call_method1("bit_length", (lowest_bit,))?
        .extract::<u64>()?
        .saturating_sub(1);
    let describe = || format!("an integer of {bits} bits");
    if bits > 1024 || bits - trailing_zeros > 53 {
        return Err(inexact(&describe()).into());
    }
    let odd_part: i64 = int_type
        .call_method1("__rshift__", (integer, trailing_zeros))?
        .extract()?;
    let exponent = i32::try_from(trailing_zeros).unwrap_or(i32::MAX);
    // INVARIANT: `odd_part` has at most 53 bits and the product is below
    // 2^1024, so both steps are exact.
    #[allow(clippy::cast_precision_loss)]
    let double = odd_part as f64 * 2f64.powi(exponent);
    if double.is_finite() {
        Ok(double)
    } else {
        Err(inexact(&describe()).into())
    }
}

fn inexact(shown: &str) -> ConversionError {
    ConversionError::with_code(
        "JSON_NUMBER_OUT_OF_RANGE",
        format!("{shown} cannot be held exactly by a double (beyond 2^53) and would be rounded"),
    )
}

fn float_value(number: f64) -> Result<f64, ConversionError> {
    if number.is_finite() {
        return Ok(number);
    }
    let shown = if number.is_nan() {
        "nan"
    } else if number > 0.0 {
        "inf"
    } else {
        "-inf"
    };
    Err(ConversionError::with_code(
        "JSON_NUMBER_OUT_OF_RANGE",
        format!("the float {shown} is not a finite number, and JSON has no form for it"),
    ))
}

/// `module.QualName` of the object's type, e.g. `decimal.Decimal`.
fn type_name(object: &Bound<'_, PyAny>) -> String {
    let object_type: Bound<'_, PyType> = object.get_type();
    let name = object_type
        .qualname()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "object".to_owned());
    match object_type.module().map(|module| module.to_string()) {
        Ok(module) if module != "builtins" => format!("{module}.{name}"),
        _ => name,
    }
}

fn unsupported(object: &Bound<'_, PyAny>) -> Failure {
    let name = type_name(object);
    let hint = match name.as_str() {
        "bytes" | "bytearray" | "memoryview" => {
            "bytes have no JSON form; decode them to str, or encode them as base64 text"
        }
        "decimal.Decimal" | "fractions.Fraction" => {
            "a float would round it; pass an int (such as minor currency units) or a str"
        }
        "datetime.datetime" | "datetime.date" | "datetime.time" | "datetime.timedelta" => {
            "pass an RFC 3339 str, such as the one isoformat() returns for an aware datetime"
        }
        "set" | "frozenset" => {
            "a set has no order, so its JSON array and the action hash would vary; pass a sorted list"
        }
        "complex" => "JSON numbers are real",
        _ => "pass None, bool, int, float, str, list, tuple or dict (with str keys)",
    };
    ConversionError::with_code(
        "VALUE_UNSUPPORTED_TYPE",
        format!("{name} has no JSON form: {hint}"),
    )
    .into()
}

fn invalid_key(key: &Bound<'_, PyAny>) -> ConversionError {
    // Show the key only for types whose repr runs no user code and is short.
    let shown = if key.is_exact_instance_of::<PyInt>() && key.extract::<i64>().is_ok()
        || key.is_exact_instance_of::<PyFloat>()
        || key.is_exact_instance_of::<PyBool>()
        || key.is_none()
    {
        key.repr()
            .map(|text| format!(" {text}"))
            .unwrap_or_default()
    } else {
        String::new()
    };
    ConversionError::with_code(
        "VALUE_INVALID_KEY",
        format!(
            "dict keys must be str, found {}{shown}; JSON object keys are strings, and converting the key would change it",
            type_name(key)
        ),
    )
}

/// Converts a JSON value to Python: `None`, `bool`, `int` (integral numbers
/// within ±2^53), `float`, `str`, `list` and `dict`.
pub fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(flag) => PyBool::new(py, *flag).to_owned().into_any(),
        Value::Number(number) => number_to_python(py, *number),
        Value::String(text) => PyString::new(py, text).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => map_to_python(py, map)?.into_any(),
    })
}

/// Converts a JSON object to a `dict`, keeping the key order.
pub fn map_to_python<'py>(py: Python<'py>, map: &Map) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, item) in map.iter() {
        dict.set_item(key, to_python(py, item)?)?;
    }
    Ok(dict)
}

/// An `int` for integral numbers within ±2^53, else a `float`.
pub fn number_to_python(py: Python<'_>, number: f64) -> Bound<'_, PyAny> {
    if number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER {
        // INVARIANT: integral and within ±2^53, so the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        let integer = number as i64;
        match integer.into_pyobject(py) {
            Ok(object) => object.into_any(),
            Err(never) => match never {},
        }
    } else {
        PyFloat::new(py, number).into_any()
    }
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
    fn exact_double_accepts_representable_integers() {
        assert_eq!(exact_double(1 << 53), Some(9_007_199_254_740_992.0));
        assert_eq!(exact_double(1 << 60), Some(1_152_921_504_606_846_976.0));
        assert_eq!(exact_double(i128::MIN), Some(-(2f64.powi(127))));
    }

    #[test]
    fn exact_double_rejects_rounded_integers() {
        assert_eq!(exact_double((1 << 53) + 1), None);
        assert_eq!(exact_double(i128::MAX), None);
        assert_eq!(exact_double(i128::from(i64::MAX)), None);
    }

    #[test]
    fn conversion_error_paths_read_outside_in() {
        let error = ConversionError::with_code("JSON_TOO_DEEP", String::new())
            .inside(Segment::Index(2))
            .inside(Segment::Key("items".to_owned()))
            .inside(Segment::Key("payload".to_owned()));
        assert_eq!(error.path(), "payload.items[2]");
    }
}
