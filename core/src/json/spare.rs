//! Buffers of finished values, kept per thread for the next parse.
//!
//! Parsing a typical action allocates about 37 times: a string per key and
//! per string value, a vector per object and array. Deciding it frees them
//! all again. Those allocator calls cost more than the parsing itself,
//! most of all inside a multi-threaded host such as Node.js and in the
//! WebAssembly allocator. So the paths that parse, decide and discard an
//! action hand its buffers back here with [`keep`], and the parser takes
//! them again instead of allocating.
//!
//! The spares are bounded: at most [`MAX_SPARE_STRINGS`] strings of up to
//! [`MAX_SPARE_STRING_BYTES`] bytes of capacity and [`MAX_SPARE_CONTAINERS`]
//! objects and arrays of up to [`MAX_SPARE_CONTAINER_LEN`] entries each, and
//! one text buffer of up to [`MAX_SPARE_TEXT_BYTES`]: under 40 KiB per
//! thread. Anything larger is freed as usual.

use std::cell::Cell;

use super::parse::Frame;
use super::value::{Map, Value};

/// Most strings kept.
const MAX_SPARE_STRINGS: usize = 64;
/// Largest string capacity kept, in bytes.
const MAX_SPARE_STRING_BYTES: usize = 128;
/// Most objects, and most arrays, kept.
const MAX_SPARE_CONTAINERS: usize = 16;
/// Largest object or array capacity kept, in entries.
const MAX_SPARE_CONTAINER_LEN: usize = 16;
/// Largest text buffer kept, in bytes.
const MAX_SPARE_TEXT_BYTES: usize = 4096;
/// Deepest level whose buffers are kept; parsed values are never deeper
/// than the parser's depth limit, and deeper ones are freed as usual.
const MAX_KEEP_DEPTH: usize = super::MAX_JSON_DEPTH;

/// Empty buffers ready for reuse.
#[derive(Default)]
pub(crate) struct Spares {
    strings: Vec<String>,
    objects: Vec<Vec<(String, Value)>>,
    arrays: Vec<Vec<Value>>,
    /// A text buffer, for canonical JSON on its way to the hash.
    text: String,
    /// The parser's stack of open containers, empty.
    frames: Vec<Frame>,
}

impl Spares {
    const NONE: Spares = Spares {
        strings: Vec::new(),
        objects: Vec::new(),
        arrays: Vec::new(),
        text: String::new(),
        frames: Vec::new(),
    };
}

thread_local! {
    static SPARES: Cell<Spares> = const { Cell::new(Spares::NONE) };
}

/// Runs `body` with this thread's spares. The spares leave the thread's
/// slot for the call and return after it, so a nested call finds none.
/// During thread exit, when the slot is gone, `body` gets none.
pub(crate) fn with_spares<T>(body: impl FnOnce(&mut Spares) -> T) -> T {
    let mut spares = SPARES.try_with(|slot| slot.take()).unwrap_or_default();
    let result = body(&mut spares);
    let _ = SPARES.try_with(|slot| slot.replace(spares));
    result
}

/// Hands the buffers of a value that is no longer needed to this thread's
/// spares.
pub(crate) fn keep(value: Value) {
    with_spares(|spares| spares.keep_value(value));
}

impl Spares {
    /// Returns a string containing `text`, in a spare buffer when one is
    /// left.
    pub(crate) fn string(&mut self, text: &str) -> String {
        match self.strings.pop() {
            Some(mut spare) => {
                spare.push_str(text);
                spare
            }
            None => {
                // A little room to spare, so that the buffer still fits when
                // it next contains a slightly longer string.
                let mut fresh = String::with_capacity(text.len().next_multiple_of(16));
                fresh.push_str(text);
                fresh
            }
        }
    }

    /// Returns an empty text buffer, with room for a typical action's
    /// canonical JSON.
    pub(crate) fn take_text(&mut self) -> String {
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        text.reserve(512);
        text
    }

    /// Keeps a text buffer from [`Spares::take_text`] unless it grew large.
    pub(crate) fn keep_text(&mut self, text: String) {
        if text.capacity() <= MAX_SPARE_TEXT_BYTES {
            self.text = text;
        }
    }

    /// Returns the parser's empty stack of open containers.
    pub(crate) fn take_frames(&mut self) -> Vec<Frame> {
        std::mem::take(&mut self.frames)
    }

    /// Keeps the parser's stack, emptied, unless it grew deeper than the
    /// parser's default depth limit.
    pub(crate) fn keep_frames(&mut self, mut frames: Vec<Frame>) {
        frames.clear();
        if frames.capacity() <= MAX_KEEP_DEPTH {
            self.frames = frames;
        }
    }

    /// Returns an empty object, with room for a typical action's objects.
    pub(crate) fn object(&mut self) -> Map {
        Map::from_empty_entries(self.objects.pop().unwrap_or_else(|| Vec::with_capacity(8)))
    }

    /// Returns an empty array, with room for a typical action's arrays.
    pub(crate) fn array(&mut self) -> Vec<Value> {
        self.arrays.pop().unwrap_or_else(|| Vec::with_capacity(4))
    }

    /// Keeps the buffers of `value`. They are handed out again in the
    /// order of the value's document, so that the next parse of a document
    /// of the same shape finds each buffer where it fits.
    fn keep_value(&mut self, value: Value) {
        let starts = (self.strings.len(), self.objects.len(), self.arrays.len());
        self.keep(value, 0);
        // The buffers are taken from the end.
        if let Some(strings) = self.strings.get_mut(starts.0..) {
            strings.reverse();
        }
        if let Some(objects) = self.objects.get_mut(starts.1..) {
            objects.reverse();
        }
        if let Some(arrays) = self.arrays.get_mut(starts.2..) {
            arrays.reverse();
        }
    }

    fn keep_string(&mut self, mut text: String) {
        if self.strings.len() < MAX_SPARE_STRINGS
            && text.capacity() > 0
            && text.capacity() <= MAX_SPARE_STRING_BYTES
        {
            text.clear();
            self.strings.push(text);
        }
    }

    fn keep(&mut self, value: Value, depth: usize) {
        if depth > MAX_KEEP_DEPTH {
            return;
        }
        match value {
            Value::String(text) => self.keep_string(text),
            Value::Array(mut items) => {
                for item in items.drain(..) {
                    self.keep(item, depth + 1);
                }
                if self.arrays.len() < MAX_SPARE_CONTAINERS
                    && items.capacity() > 0
                    && items.capacity() <= MAX_SPARE_CONTAINER_LEN
                {
                    self.arrays.push(items);
                }
            }
            Value::Object(map) => {
                let mut entries = map.into_entries();
                for (key, item) in entries.drain(..) {
                    self.keep_string(key);
                    self.keep(item, depth + 1);
                }
                if self.objects.len() < MAX_SPARE_CONTAINERS
                    && entries.capacity() > 0
                    && entries.capacity() <= MAX_SPARE_CONTAINER_LEN
                {
                    self.objects.push(entries);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
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
    use crate::json::parse;

    #[test]
    fn kept_buffers_are_reused_and_come_back_empty() {
        let mut spares = Spares::default();
        let value = parse(r#"{"key": "a value", "list": [1, {"inner": "x"}]}"#).unwrap();
        spares.keep(value, 0);
        // Keys and string values: key, "a value", list, inner, "x".
        assert_eq!(spares.strings.len(), 5);
        assert_eq!(spares.objects.len(), 2);
        assert_eq!(spares.arrays.len(), 1);
        assert!(spares.strings.iter().all(String::is_empty));
        assert!(spares.objects.iter().all(Vec::is_empty));
        assert!(spares.arrays.iter().all(Vec::is_empty));

        assert_eq!(spares.string("reused"), "reused");
        assert_eq!(spares.strings.len(), 4);
        assert!(spares.object().is_empty());
        assert!(spares.array().is_empty());
        assert_eq!((spares.objects.len(), spares.arrays.len()), (1, 0));
    }

    #[test]
    fn spares_stay_within_their_bounds() {
        let mut spares = Spares::default();
        let many: Vec<Value> = (0..200)
            .map(|index| Value::String(format!("string {index}")))
            .collect();
        spares.keep(Value::Array(many), 0);
        assert_eq!(spares.strings.len(), MAX_SPARE_STRINGS);
        // The array held 200 values: too large to keep.
        assert!(spares.arrays.is_empty());

        let mut spares = Spares::default();
        spares.keep(Value::String("x".repeat(MAX_SPARE_STRING_BYTES + 1)), 0);
        assert!(spares.strings.is_empty());
        for _ in 0..MAX_SPARE_CONTAINERS + 5 {
            spares.keep(Value::Array(Vec::with_capacity(2)), 0);
        }
        assert_eq!(spares.arrays.len(), MAX_SPARE_CONTAINERS);
    }

    #[test]
    fn text_buffer_is_kept_unless_it_grew_large() {
        let mut spares = Spares::default();
        let mut text = spares.take_text();
        assert!(text.is_empty());
        assert!(text.capacity() >= 512);
        text.push_str("canonical");
        spares.keep_text(text);
        assert!(spares.take_text().is_empty());

        spares.keep_text(String::with_capacity(MAX_SPARE_TEXT_BYTES + 1));
        assert!(spares.text.capacity() <= MAX_SPARE_TEXT_BYTES);
    }

    #[test]
    fn deep_values_are_freed_past_the_depth_bound() {
        let mut value = Value::String("leaf".to_owned());
        for _ in 0..MAX_KEEP_DEPTH + 10 {
            value = Value::Array(vec![value]);
        }
        let mut spares = Spares::default();
        spares.keep(value, 0);
        assert!(spares.strings.is_empty());
        assert_eq!(spares.arrays.len(), MAX_SPARE_CONTAINERS);
    }

    #[test]
    fn nested_use_gets_fresh_buffers() {
        let inner = with_spares(|_| with_spares(|spares| spares.string("nested")));
        assert_eq!(inner, "nested");
    }
}
