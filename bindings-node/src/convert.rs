//! Core values to JavaScript values.
//!
//! JavaScript values reach the core as JSON text (see `lib/convert.js`),
//! so only this direction is native.

use napi::bindgen_prelude::{Array, JsObjectValue, Null, Object, ToNapiValue, Unknown};
use napi::{Env, Property, PropertyAttributes, Result};
use openleash_core::action::ActionIssue;
use openleash_core::json::{Map, Value};
use openleash_core::policy::Diagnostic;

/// Converts a core JSON value: objects become plain objects (keys in the
/// value's order), arrays become arrays, numbers become numbers.
///
/// Recursion depth equals the value's nesting, which the core bounds for
/// every value it produces (`YAML_TOO_DEEP`, `JSON_TOO_DEEP`: 64 levels).
pub fn to_js<'e>(env: &'e Env, value: &Value) -> Result<Unknown<'e>> {
    match value {
        Value::Null => Null.into_unknown(env),
        Value::Bool(flag) => flag.into_unknown(env),
        Value::Number(number) => number.into_unknown(env),
        Value::String(text) => text.as_str().into_unknown(env),
        Value::Array(items) => {
            let mut array = env.create_array(length(items.len()))?;
            for (index, item) in (0u32..).zip(items) {
                array.set(index, to_js(env, item)?)?;
            }
            array.into_unknown(env)
        }
        Value::Object(map) => map_to_js(env, map)?.into_unknown(env),
    }
}

/// Converts a core JSON object to a plain object.
pub fn map_to_js<'e>(env: &'e Env, map: &Map) -> Result<Object<'e>> {
    let mut object = Object::new(env)?;
    for (key, item) in map.iter() {
        let item = to_js(env, item)?;
        if key == "__proto__" {
            // Assigning `__proto__` would set the prototype; define an own
            // property instead, as JSON.parse does.
            let property = Property::new()
                .with_utf8_name(key)?
                .with_value(&item)
                .with_property_attributes(
                    PropertyAttributes::Writable
                        | PropertyAttributes::Enumerable
                        | PropertyAttributes::Configurable,
                );
            object.define_properties(&[property])?;
        } else {
            object.set(key, item)?;
        }
    }
    Ok(object)
}

/// Diagnostics as `{code, message, path, line, column}` objects.
pub fn diagnostics<'e>(env: &'e Env, all: &[Diagnostic]) -> Result<Array<'e>> {
    let mut array = env.create_array(length(all.len()))?;
    for (index, diagnostic) in (0u32..).zip(all) {
        let mut object = Object::new(env)?;
        object.set("code", diagnostic.code())?;
        object.set("message", diagnostic.message())?;
        object.set("path", diagnostic.path())?;
        object.set("line", diagnostic.line())?;
        object.set("column", diagnostic.column())?;
        array.set(index, object)?;
    }
    Ok(array)
}

/// Action issues as `{code, path, message}` objects.
pub fn action_issues<'e>(env: &'e Env, all: &[ActionIssue]) -> Result<Array<'e>> {
    let mut array = env.create_array(length(all.len()))?;
    for (index, issue) in (0u32..).zip(all) {
        let mut object = Object::new(env)?;
        object.set("code", issue.code())?;
        object.set("path", issue.path())?;
        object.set("message", issue.message())?;
        array.set(index, object)?;
    }
    Ok(array)
}

/// A collection length as a JavaScript array length. Core values are far
/// below 2^32 entries (their text is at most a few MiB).
fn length(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}
