//! The fields of an action that rule evaluation reads, whichever way the
//! action was read.

use crate::json::Value;
use crate::json::tape::{Kind, Tape};
use crate::policy::model::PathSegment;

/// A value that a `$.`-path or a payload field names, as far as evaluation
/// reads it: conditions and constraints compare scalars only.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Found<'a> {
    Null,
    Bool(bool),
    Number(f64),
    String(&'a str),
    /// An array or an object.
    Container,
}

impl<'a> Found<'a> {
    pub(crate) fn of(value: &'a Value) -> Found<'a> {
        match value {
            Value::Null => Found::Null,
            Value::Bool(flag) => Found::Bool(*flag),
            Value::Number(number) => Found::Number(*number),
            Value::String(text) => Found::String(text),
            Value::Array(_) | Value::Object(_) => Found::Container,
        }
    }

    pub(crate) fn as_str(self) -> Option<&'a str> {
        match self {
            Found::String(text) => Some(text),
            _ => None,
        }
    }

    pub(crate) fn as_f64(self) -> Option<f64> {
        match self {
            Found::Number(number) => Some(number),
            _ => None,
        }
    }
}

/// The fields of a valid, normalized action that rule evaluation reads.
///
/// [`super::Action`] reads them from its parsed value. [`super::ActionView`]
/// reads them from canonical JSON text without building one, for the
/// JavaScript and WebAssembly packages, which send actions that way. Both
/// return the same values for the same action.
pub(crate) trait ActionFields {
    fn action_id(&self) -> &str;
    fn action_type(&self) -> &str;
    /// Returns the action hash.
    fn hash(&self) -> &str;
    /// Returns `relying_party.domain`, when given.
    fn relying_party_domain(&self) -> Option<&str>;
    /// Returns `relying_party.trust_profile`, when given.
    fn trust_profile(&self) -> Option<&str>;
    /// Returns `payload.<key>`, when present.
    fn payload_field(&self, key: &str) -> Option<Found<'_>>;
    /// Resolves a `$.`-path against the normalized action. Only own keys of
    /// objects resolve, plus `length` as the last step on an array, which is
    /// the element count as in OpenLeash. Keys on scalars are missing.
    fn resolve(&self, path: &[PathSegment]) -> Option<Found<'_>>;
}

/// Follows `rest` from `start`, by the rules of [`ActionFields::resolve`].
pub(crate) fn walk<'a, S: Step<'a>>(start: S, rest: &[PathSegment]) -> Option<Found<'a>> {
    let mut current = start;
    let mut segments = rest.iter().peekable();
    while let Some(segment) = segments.next() {
        current = match segment {
            PathSegment::Key(key) => match current.key(key) {
                Some(value) => value,
                None if key == "length" && segments.peek().is_none() => {
                    // Element counts are far below 2^53, so the conversion
                    // is exact.
                    #[allow(clippy::cast_precision_loss)]
                    return current
                        .array_len()
                        .map(|length| Found::Number(length as f64));
                }
                None => return None,
            },
            PathSegment::Index(position) => current.element(*position)?,
        };
    }
    Some(current.found())
}

/// One value of a document, as [`walk`] steps through it.
pub(crate) trait Step<'a>: Copy {
    /// Returns the value of `key` when this is an object that has it.
    fn key(self, key: &str) -> Option<Self>;
    /// Returns element `position` when this is an array that long.
    fn element(self, position: usize) -> Option<Self>;
    /// Returns the element count when this is an array.
    fn array_len(self) -> Option<usize>;
    /// Returns the value as evaluation reads it.
    fn found(self) -> Found<'a>;
}

impl<'a> Step<'a> for &'a Value {
    fn key(self, key: &str) -> Option<&'a Value> {
        self.as_object()?.get(key)
    }

    fn element(self, position: usize) -> Option<&'a Value> {
        match self {
            Value::Array(items) => items.get(position),
            _ => None,
        }
    }

    fn array_len(self) -> Option<usize> {
        match self {
            Value::Array(items) => Some(items.len()),
            _ => None,
        }
    }

    fn found(self) -> Found<'a> {
        Found::of(self)
    }
}

/// A node of a [`Tape`].
#[derive(Clone, Copy)]
pub(crate) struct TapeNode<'t, 'a> {
    pub(crate) tape: &'t Tape<'a>,
    pub(crate) at: usize,
}

impl<'t, 'a: 't> Step<'t> for TapeNode<'t, 'a> {
    #[inline(always)]
    fn key(self, key: &str) -> Option<Self> {
        let at = self.tape.get(self.at, key)?;
        Some(TapeNode { at, ..self })
    }

    fn element(self, position: usize) -> Option<Self> {
        let at = self.tape.element(self.at, position)?;
        Some(TapeNode { at, ..self })
    }

    fn array_len(self) -> Option<usize> {
        (self.tape.kind(self.at)? == Kind::Array).then(|| self.tape.len(self.at))
    }

    #[inline(always)]
    fn found(self) -> Found<'t> {
        match self.tape.kind(self.at) {
            Some(Kind::Null) | None => Found::Null,
            Some(Kind::False) => Found::Bool(false),
            Some(Kind::True) => Found::Bool(true),
            Some(Kind::Number) => self.tape.number(self.at).map_or(Found::Null, Found::Number),
            Some(Kind::String) => self.tape.str(self.at).map_or(Found::Null, Found::String),
            Some(Kind::Array | Kind::Object) => Found::Container,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::json::tape::with_scan;

    const DOCUMENT: &str = r#"{"items":[{"sku":"A"},{"sku":"B"}],"named":{"length":7},"plain":{"x":false},"text":"abc"}"#;

    fn path(steps: &[&str]) -> Vec<PathSegment> {
        steps
            .iter()
            .map(|step| match step.parse() {
                Ok(position) => PathSegment::Index(position),
                Err(_) => PathSegment::Key((*step).to_owned()),
            })
            .collect()
    }

    /// Walks `steps` through the document, as a parsed value and as a
    /// tape, and checks that both find `expected`.
    fn check(steps: &[&str], expected: Option<Found<'_>>) {
        let path = path(steps);
        let value = crate::json::parse(DOCUMENT).unwrap();
        assert_eq!(walk(&value, &path), expected, "{steps:?}");
        with_scan(DOCUMENT, |tape| {
            let tape = tape.unwrap();
            let found = walk(TapeNode { tape: &tape, at: 0 }, &path);
            assert_eq!(found, expected, "{steps:?}");
        });
    }

    #[test]
    fn paths_resolve_as_documented() {
        check(&["items", "1", "sku"], Some(Found::String("B")));
        check(&["items", "length"], Some(Found::Number(2.0)));
        check(&["items"], Some(Found::Container));
        check(&["plain", "x"], Some(Found::Bool(false)));
        // `length` counts an array's elements only as the last step.
        check(&["items", "length", "x"], None);
        // An object's own `length` key is read as any key; an object
        // without one has no length.
        check(&["named", "length"], Some(Found::Number(7.0)));
        check(&["plain", "length"], None);
        // Keys on strings and other scalars are missing.
        check(&["text", "length"], None);
        check(&["items", "2"], None);
        check(&["items", "sku"], None);
        check(&["plain", "0"], None);
        check(&["missing"], None);
    }
}
