use std::collections::HashMap;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// A JSON value. Numbers are finite doubles; objects keep insertion order and
/// hold no duplicate keys.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// INVARIANT: finite (no NaN or infinity), so `PartialEq` is an equivalence.
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

// Containers move their values when they grow, and the parser moves each
// value into place, so the size of a value is paid per value.
const _: () = assert!(std::mem::size_of::<Value>() <= 40);

/// A JSON object: entries in insertion order with unique keys.
///
/// Small objects are scanned, which is faster than hashing for the handful
/// of keys an action carries. Objects with more than [`INDEXED_MIN_LEN`]
/// entries also keep a hash index, so a lookup never costs time linear in
/// the size of a hostile payload.
#[derive(Clone, Debug, Default)]
pub struct Map {
    entries: Vec<(String, Value)>,
    /// Position of each key; present only above [`INDEXED_MIN_LEN`] entries.
    /// INVARIANT: when present, maps every key to its position in `entries`.
    /// Boxed so that a small object, and so every [`Value`], stays small:
    /// values move when containers grow and are copied into place. The
    /// extra allocation is paid only by objects large enough to be indexed.
    #[allow(clippy::box_collection)]
    index: Option<Box<HashMap<String, usize>>>,
}

/// Compares two keys eight bytes at a time. Keys are short, and an inlined
/// loop is faster for them than a call to `memcmp`.
fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let ((a_words, a_rest), (b_words, b_rest)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
    a_words
        .iter()
        .zip(b_words)
        .all(|(x, y)| u64::from_ne_bytes(*x) == u64::from_ne_bytes(*y))
        && a_rest.iter().zip(b_rest).all(|(x, y)| x == y)
}

/// Entry count above which a [`Map`] keeps a hash index.
const INDEXED_MIN_LEN: usize = 16;

impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.entries == other.entries
    }
}

impl Map {
    /// Creates an empty object.
    pub fn new() -> Map {
        Map::default()
    }

    /// Creates an empty object with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Map {
        Map {
            entries: Vec::with_capacity(capacity),
            index: None,
        }
    }

    /// Creates an empty object that fills `entries`, an emptied buffer.
    pub(crate) fn from_empty_entries(mut entries: Vec<(String, Value)>) -> Map {
        entries.clear();
        Map {
            entries,
            index: None,
        }
    }

    /// Returns the entries in insertion order, in their buffer.
    pub(crate) fn into_entries(self) -> Vec<(String, Value)> {
        self.entries
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self
                .entries
                .iter()
                .position(|(candidate, _)| same_key(candidate, key)),
        }
    }

    /// Returns the value stored under `key`, if any.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let position = self.position(key)?;
        self.entries.get(position).map(|(_, value)| value)
    }

    /// Returns the value of the entry at `position` in insertion order.
    pub(crate) fn value_at(&self, position: usize) -> Option<&Value> {
        self.entries.get(position).map(|(_, value)| value)
    }

    /// Returns true when `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Stores `value` under `key`, replacing and returning an earlier value.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        if let Some(position) = self.position(&key)
            && let Some((_, slot)) = self.entries.get_mut(position)
        {
            return Some(std::mem::replace(slot, value));
        }
        self.push_unique(key, value);
        None
    }

    /// Removes `key` and returns its value, keeping the order of the rest.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.remove_entry(key).map(|(_, value)| value)
    }

    /// Removes `key` and returns the stored key and value, keeping the order
    /// of the rest.
    pub fn remove_entry(&mut self, key: &str) -> Option<(String, Value)> {
        let position = self.position(key)?;
        let entry = self.entries.remove(position);
        if self.index.is_some() {
            self.rebuild_index();
        }
        Some(entry)
    }

    /// Returns the value stored under `key` for modification, if any.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let position = self.position(key)?;
        self.entries.get_mut(position).map(|(_, value)| value)
    }

    /// Keeps only the entries for which `keep` returns true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &Value) -> bool) {
        let before = self.entries.len();
        self.entries.retain(|(key, value)| keep(key, value));
        if self.index.is_some() && self.entries.len() != before {
            if self.entries.len() > INDEXED_MIN_LEN {
                self.rebuild_index();
            } else {
                self.index = None;
            }
        }
    }

    /// Appends an entry without checking for an existing key.
    ///
    /// INVARIANT: the caller has checked that `key` is not present.
    #[inline(always)]
    pub(crate) fn push_unique(&mut self, key: String, value: Value) {
        if let Some(index) = &mut self.index {
            index.insert(key.clone(), self.entries.len());
        }
        self.entries.push((key, value));
        if self.index.is_none() && self.entries.len() > INDEXED_MIN_LEN {
            self.rebuild_index();
        }
    }

    fn rebuild_index(&mut self) {
        let index = self
            .entries
            .iter()
            .enumerate()
            .map(|(position, (key, _))| (key.clone(), position))
            .collect();
        self.index = Some(Box::new(index));
    }

    /// Returns the key of the last entry, if any.
    pub(crate) fn last_key(&self) -> Option<&str> {
        self.entries.last().map(|(key, _)| key.as_str())
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Returns true when the object has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Iterates over the entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.entries.iter().map(|(key, value)| (key, value))
    }
}

impl FromIterator<(String, Value)> for Map {
    /// Builds an object; a later entry replaces an earlier one with the same key.
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Map {
        let mut map = Map::new();
        for (key, value) in iter {
            map.insert(key, value);
        }
        map
    }
}

impl Value {
    /// Returns the string if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// Returns the number if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(number) => Some(*number),
            _ => None,
        }
    }

    /// Returns the object if this is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// Returns the elements if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Returns true for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The JSON type name used in error messages: `null`, `boolean`,
    /// `number`, `string`, `array` or `object`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Value {
        Value::String(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Value {
        Value::String(text)
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Value {
        Value::Bool(flag)
    }
}

impl From<Map> for Value {
    fn from(map: Map) -> Value {
        Value::Object(map)
    }
}

impl Serialize for Value {
    /// Serializes in insertion order. Integral numbers within ±2^53 are
    /// written as integers so `serde_json` prints `5`, not `5.0`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(flag) => serializer.serialize_bool(*flag),
            Value::Number(number) => serialize_number(*number, serializer),
            Value::String(text) => serializer.serialize_str(text),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(map) => map.serialize(serializer),
        }
    }
}

impl Serialize for Map {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self.iter() {
            out.serialize_entry(key, value)?;
        }
        out.end()
    }
}

/// Largest integer below which every integer is exactly representable.
pub(crate) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_992.0;

fn serialize_number<S: Serializer>(number: f64, serializer: S) -> Result<S::Ok, S::Error> {
    if number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER {
        // INVARIANT: integral and within ±2^53, so the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        let integer = number as i64;
        serializer.serialize_i64(integer)
    } else {
        serializer.serialize_f64(number)
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
    fn keys_differing_in_any_byte_are_different() {
        for length in 0..=24 {
            let key = "k".repeat(length);
            assert!(same_key(&key, &key.clone()));
            assert!(!same_key(&key, &format!("{key}k")));
            for position in 0..length {
                let mut other = key.clone().into_bytes();
                other[position] = b'j';
                let other = String::from_utf8(other).unwrap();
                assert!(!same_key(&key, &other), "{key} {other}");
                let mut map = Map::new();
                map.insert(other.clone(), Value::Null);
                assert!(!map.contains_key(&key));
                assert!(map.contains_key(&other));
            }
        }
    }

    #[test]
    fn large_maps_stay_consistent_with_index() {
        let mut map = Map::new();
        for index in 0..100 {
            map.insert(format!("k{index}"), Value::Number(f64::from(index)));
        }
        assert_eq!(map.get("k77"), Some(&Value::Number(77.0)));
        assert_eq!(
            map.insert("k5".to_owned(), Value::Null),
            Some(Value::Number(5.0))
        );
        assert_eq!(map.remove("k0"), Some(Value::Number(0.0)));
        assert_eq!(map.get("k0"), None);
        assert_eq!(map.get("k99"), Some(&Value::Number(99.0)));
        assert_eq!(map.len(), 99);
        assert_eq!(map.iter().next().map(|(k, _)| k.as_str()), Some("k1"));
    }

    #[test]
    fn equality_ignores_the_index() {
        let small: Map = (0..20).map(|i| (format!("k{i}"), Value::Null)).collect();
        let mut other = Map::new();
        for i in 0..20 {
            other.push_unique(format!("k{i}"), Value::Null);
        }
        assert_eq!(small, other);
    }
}
