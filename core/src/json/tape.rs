//! A second, narrow reader for JSON that is already canonical: it records
//! each value as a node that points into the text.
//!
//! The JavaScript and WebAssembly packages send every action as canonical
//! JSON, and the full parser spends most of a decision's parsing time
//! building owned strings and containers that evaluation then only reads.
//! [`scan`] reads such text into a flat list of nodes instead.
//!
//! It accepts a subset of what the full parser accepts: text within the
//! default [`JsonLimits`](super::JsonLimits) that the full parser would
//! find canonical, with at most [`MAX_ENTRIES`] entries in any object or
//! array. Canonical JSON escapes only the quote, the backslash and control
//! characters. A string with such escapes is decoded into a second buffer,
//! and every other string is read where it lies. It rejects everything
//! else without saying why; the caller then uses the full parser, which
//! reads what this reader rejects and names any problem. So a document
//! either reads the same both ways or is rejected here, which the tests
//! check against the full parser.

use std::cell::Cell;

use super::canonical::{compare_utf16, is_canonical_number};
use super::number::check_number_literal;
use super::parse::{MAX_JSON_BYTES, MAX_JSON_DEPTH};
use super::scan::plain_prefix;

/// Most entries of one object or array that [`scan`] reads. Finding a key
/// or an element walks the entries before it, so this bounds the cost of
/// each step of a path. A larger container goes to the full parser, whose
/// large objects have a hash index and whose arrays are indexed directly.
const MAX_ENTRIES: u32 = 32;

/// The type of a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    False,
    True,
    Number,
    String,
    Array,
    Object,
}

/// One value of the document. An object's nodes are followed by its keys
/// and values in turn, an array's by its elements.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    kind: Kind,
    /// A string's first content byte: in the text, after the opening quote,
    /// or with [`DECODED`] set, in the buffer of decoded strings.
    start: u32,
    /// A string's length in bytes; a container's number of entries.
    len: u32,
    /// The index of the first node after this value and all it holds.
    end: u32,
    /// A number's value.
    number: f64,
}

/// The flag of [`Node::start`] for a string decoded from escapes. Offsets
/// stay below 2^21, because text over 1 MiB is rejected.
const DECODED: u32 = 1 << 31;

/// Reusable buffers for [`scan`].
#[derive(Default)]
pub(crate) struct Scratch {
    nodes: Vec<Node>,
    open: Vec<Open>,
    /// The contents of strings with escapes, decoded.
    decoded: String,
}

thread_local! {
    static SCRATCH: Cell<Scratch> = const {
        Cell::new(Scratch {
            nodes: Vec::new(),
            open: Vec::new(),
            decoded: String::new(),
        })
    };
}

/// Most nodes whose buffer a thread keeps between scans: 96 KiB. A typical
/// action has about 50; a larger buffer is freed after its scan.
const MAX_KEPT_NODES: usize = 4096;

/// Most bytes of decoded strings whose buffer a thread keeps between scans.
const MAX_KEPT_DECODED_BYTES: usize = 16 * 1024;

/// Scans `text` as [`scan`] does, with this thread's buffers, and runs
/// `body` with the result. The buffers leave the thread's slot for the call
/// and return after it, so a nested call starts with empty ones.
pub(crate) fn with_scan<T>(text: &str, body: impl FnOnce(Option<Tape<'_>>) -> T) -> T {
    let mut scratch = SCRATCH.try_with(Cell::take).unwrap_or_default();
    let result = body(scan(text, &mut scratch));
    if scratch.nodes.capacity() <= MAX_KEPT_NODES
        && scratch.decoded.capacity() <= MAX_KEPT_DECODED_BYTES
    {
        let _ = SCRATCH.try_with(|slot| slot.replace(scratch));
    }
    result
}

/// An open container while scanning.
#[derive(Clone, Copy)]
struct Open {
    node: u32,
    object: bool,
    /// An open object's last key, as the byte range of its content.
    key_start: u32,
    key_len: u32,
}

/// A document read by [`scan`].
#[derive(Clone, Copy)]
pub(crate) struct Tape<'a> {
    text: &'a str,
    nodes: &'a [Node],
    decoded: &'a str,
}

/// Reads `text` into `scratch` when it is canonical JSON within the
/// default limits, as the module documentation describes.
/// Returns `None` for any other text, including invalid JSON.
pub(crate) fn scan<'a>(text: &'a str, scratch: &'a mut Scratch) -> Option<Tape<'a>> {
    if text.len() > MAX_JSON_BYTES {
        return None;
    }
    scratch.nodes.clear();
    scratch.open.clear();
    scratch.decoded.clear();
    Scanner {
        bytes: text.as_bytes(),
        text,
        position: 0,
        nodes: &mut scratch.nodes,
        open: &mut scratch.open,
        decoded: &mut scratch.decoded,
    }
    .document()?;
    Some(Tape {
        text,
        nodes: &scratch.nodes,
        decoded: &scratch.decoded,
    })
}

struct Scanner<'a> {
    bytes: &'a [u8],
    text: &'a str,
    position: usize,
    nodes: &'a mut Vec<Node>,
    open: &'a mut Vec<Open>,
    decoded: &'a mut String,
}

impl Scanner<'_> {
    fn document(&mut self) -> Option<()> {
        loop {
            self.value()?;
            // Close every container that ends here, then go on to the next
            // value, or finish at the document's end.
            loop {
                let Some(&innermost) = self.open.last() else {
                    return (self.position == self.bytes.len()).then_some(());
                };
                match (innermost.object, self.next_byte()?) {
                    (false, b',') => {
                        self.count_entry(innermost.node)?;
                        break;
                    }
                    (true, b',') => {
                        let (start, len) = self.key()?;
                        let last = self.slice(innermost.key_start, innermost.key_len)?;
                        let key = self.slice(start, len)?;
                        // Canonical keys ascend strictly, so they are also
                        // unique.
                        if !compare_utf16(last, key).is_lt() {
                            return None;
                        }
                        let open = self.open.last_mut()?;
                        open.key_start = start;
                        open.key_len = len;
                        self.count_entry(innermost.node)?;
                        break;
                    }
                    (false, b']') | (true, b'}') => {
                        self.open.pop();
                        let end = self.next_index()?;
                        self.nodes.get_mut(innermost.node as usize)?.end = end;
                    }
                    _ => return None,
                }
            }
        }
    }

    /// Reads one value. Opens each container it starts with, reading up to
    /// the first value inside; an empty container is read whole. Leaves
    /// the innermost open container, if any, to the caller.
    fn value(&mut self) -> Option<()> {
        loop {
            let start = self.position;
            let (kind, number) = match self.next_byte()? {
                b'"' => {
                    let (start, len) = self.string()?;
                    return self.push(Kind::String, start, len, 0.0);
                }
                open @ (b'{' | b'[') => {
                    if self.open.len() >= MAX_JSON_DEPTH {
                        return None;
                    }
                    let object = open == b'{';
                    let (kind, close) = if object {
                        (Kind::Object, b'}')
                    } else {
                        (Kind::Array, b']')
                    };
                    if self.bytes.get(self.position) == Some(&close) {
                        self.position += 1;
                        return self.push(kind, 0, 0, 0.0);
                    }
                    let node = self.next_index()?;
                    self.push(kind, 0, 1, 0.0)?;
                    let (key_start, key_len) = if object { self.key()? } else { (0, 0) };
                    self.open.push(Open {
                        node,
                        object,
                        key_start,
                        key_len,
                    });
                    continue;
                }
                b't' => self.literal("rue", Kind::True)?,
                b'f' => self.literal("alse", Kind::False)?,
                b'n' => self.literal("ull", Kind::Null)?,
                b'-' | b'0'..=b'9' => (Kind::Number, self.number(start)?),
                _ => return None,
            };
            return self.push(kind, 0, 0, number);
        }
    }

    /// Reads `"key":`, adds the key's node and returns its content range.
    /// The caller reads the value after it.
    fn key(&mut self) -> Option<(u32, u32)> {
        if self.next_byte()? != b'"' {
            return None;
        }
        let (start, len) = self.string()?;
        if self.next_byte()? != b':' {
            return None;
        }
        self.push(Kind::String, start, len, 0.0)?;
        Some((start, len))
    }

    /// Reads a string after its opening quote, and returns where its
    /// content is (see [`Node::start`]) and its length. Rejects a control
    /// character, and an escape that canonical JSON does not write.
    #[inline(always)]
    fn string(&mut self) -> Option<(u32, u32)> {
        let start = self.position;
        let len = plain_prefix(self.bytes.get(start..)?);
        if self.bytes.get(start + len) != Some(&b'"') {
            return self.escaped_string(start);
        }
        self.position = start + len + 1;
        Some((u32::try_from(start).ok()?, u32::try_from(len).ok()?))
    }

    /// Reads a string that starts at `start` and is not plain to its end,
    /// decoding it into the buffer of decoded strings.
    fn escaped_string(&mut self, start: usize) -> Option<(u32, u32)> {
        let decoded_start = self.decoded.len();
        self.position = start;
        loop {
            let run_start = self.position;
            self.position += plain_prefix(self.bytes.get(run_start..)?);
            // The run stops at an ASCII byte, so both ends are character
            // boundaries.
            self.decoded
                .push_str(self.text.get(run_start..self.position)?);
            match self.next_byte()? {
                b'"' => break,
                b'\\' => {}
                _ => return None,
            }
            let decoded = match self.next_byte()? {
                b'"' => '"',
                b'\\' => '\\',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.control_escape()?,
                _ => return None,
            };
            self.decoded.push(decoded);
        }
        let len = self.decoded.len() - decoded_start;
        Some((
            u32::try_from(decoded_start).ok()? | DECODED,
            u32::try_from(len).ok()?,
        ))
    }

    /// Reads the four hex digits of a `\u` escape, which canonical JSON writes
    /// only for a control character without a short escape, in lowercase.
    fn control_escape(&mut self) -> Option<char> {
        let digits = self.bytes.get(self.position..self.position + 4)?;
        let mut unit = 0_u32;
        for &digit in digits {
            let value = match digit {
                b'0'..=b'9' => digit - b'0',
                b'a'..=b'f' => digit - b'a' + 10,
                _ => return None,
            };
            unit = unit * 16 + u32::from(value);
        }
        self.position += 4;
        let short = matches!(unit, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d);
        if unit >= 0x20 || short {
            return None;
        }
        char::from_u32(unit)
    }

    fn literal(&mut self, rest: &str, kind: Kind) -> Option<(Kind, f64)> {
        let after = self.position + rest.len();
        if self.bytes.get(self.position..after)? != rest.as_bytes() {
            return None;
        }
        self.position = after;
        Some((kind, 0.0))
    }

    /// Reads a number whose first byte was at `start`, by the grammar the
    /// full parser checks, and rejects one not in canonical form.
    fn number(&mut self, start: usize) -> Option<f64> {
        // The first byte, a minus sign or a digit, is already read.
        let first = if self.bytes.get(start) == Some(&b'-') {
            self.next_byte()?
        } else {
            *self.bytes.get(start)?
        };
        match first {
            b'0' => {}
            b'1'..=b'9' => self.skip_digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.position += 1;
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.position += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.position += 1;
            }
            self.digits()?;
        }
        if self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            // A leading zero followed by more digits.
            return None;
        }
        let literal = self.text.get(start..self.position)?;
        let number = check_number_literal(literal).ok()?;
        is_canonical_number(literal, number).then_some(number)
    }

    /// Skips one or more digits.
    fn digits(&mut self) -> Option<()> {
        if !self.peek()?.is_ascii_digit() {
            return None;
        }
        self.skip_digits();
        Some(())
    }

    fn skip_digits(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.position += 1;
        }
    }

    #[inline(always)]
    fn slice(&self, start: u32, len: u32) -> Option<&str> {
        content(self.text, self.decoded, start, len)
    }

    #[inline(always)]
    fn push(&mut self, kind: Kind, start: u32, len: u32, number: f64) -> Option<()> {
        // A scalar ends right after itself; a container's end is set when
        // it closes.
        let end = self.next_index()? + 1;
        self.nodes.push(Node {
            kind,
            start,
            len,
            end,
            number,
        });
        Some(())
    }

    #[inline(always)]
    fn count_entry(&mut self, node: u32) -> Option<()> {
        let container = self.nodes.get_mut(node as usize)?;
        container.len += 1;
        (container.len <= MAX_ENTRIES).then_some(())
    }

    #[inline(always)]
    fn next_index(&self) -> Option<u32> {
        u32::try_from(self.nodes.len()).ok()
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    #[inline(always)]
    fn next_byte(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.position += 1;
        Some(byte)
    }
}

/// Returns the content of a string node: `len` bytes from `start` (see
/// [`Node::start`]).
#[inline(always)]
fn content<'a>(text: &'a str, decoded: &'a str, start: u32, len: u32) -> Option<&'a str> {
    let (source, start) = if start & DECODED == 0 {
        (text, start as usize)
    } else {
        (decoded, (start & !DECODED) as usize)
    };
    source.get(start..start + len as usize)
}

/// A node of a [`Tape`], by its index.
pub(crate) type At = usize;

impl<'a> Tape<'a> {
    /// Returns the document's text, which is its canonical JSON.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// The root value.
    pub(crate) const ROOT: At = 0;

    #[inline(always)]
    pub(crate) fn kind(&self, at: At) -> Option<Kind> {
        self.nodes.get(at).map(|node| node.kind)
    }

    /// Returns the string at `at`, if it is one.
    #[inline(always)]
    pub(crate) fn str(&self, at: At) -> Option<&'a str> {
        let node = self.nodes.get(at)?;
        if node.kind != Kind::String {
            return None;
        }
        content(self.text, self.decoded, node.start, node.len)
    }

    /// Returns the number at `at`, if it is one.
    pub(crate) fn number(&self, at: At) -> Option<f64> {
        let node = self.nodes.get(at)?;
        (node.kind == Kind::Number).then_some(node.number)
    }

    /// Returns the number of elements of the array, or entries of the
    /// object, at `at`.
    pub(crate) fn len(&self, at: At) -> usize {
        self.nodes.get(at).map_or(0, |node| node.len as usize)
    }

    /// Returns the entries of the object at `at`, in order, as each key with
    /// the index of its value. Yields nothing for another kind of value.
    pub(crate) fn entries(&self, at: At) -> Entries<'_, 'a> {
        let (next, count) = match self.nodes.get(at) {
            Some(node) if node.kind == Kind::Object => (at + 1, node.len),
            _ => (at + 1, 0),
        };
        Entries {
            tape: self,
            next,
            left: count,
        }
    }

    /// Returns the value of `key` in the object at `at`.
    pub(crate) fn get(&self, at: At, key: &str) -> Option<At> {
        self.entries(at)
            .find(|(found, _)| *found == key)
            .map(|(_, value)| value)
    }

    /// Returns element `position` of the array at `at`.
    pub(crate) fn element(&self, at: At, position: usize) -> Option<At> {
        let node = self.nodes.get(at)?;
        if node.kind != Kind::Array || position >= node.len as usize {
            return None;
        }
        let mut element = at + 1;
        for _ in 0..position {
            element = self.nodes.get(element)?.end as usize;
        }
        Some(element)
    }
}

/// The entries of an object of a [`Tape`].
pub(crate) struct Entries<'t, 'a> {
    tape: &'t Tape<'a>,
    next: At,
    left: u32,
}

impl<'a> Iterator for Entries<'_, 'a> {
    type Item = (&'a str, At);

    #[inline(always)]
    fn next(&mut self) -> Option<(&'a str, At)> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let key = self.tape.str(self.next)?;
        let value = self.next + 1;
        self.next = self.tape.nodes.get(value)?.end as usize;
        Some((key, value))
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
    use crate::json::{Value, canonical_json, parse_noting_canonical};
    use proptest::prelude::*;

    /// Rebuilds the value at `at` from the tape.
    fn value_of(tape: &Tape<'_>, at: At) -> Value {
        match tape.kind(at).unwrap() {
            Kind::Null => Value::Null,
            Kind::False => Value::Bool(false),
            Kind::True => Value::Bool(true),
            Kind::Number => Value::Number(tape.number(at).unwrap()),
            Kind::String => Value::String(tape.str(at).unwrap().to_owned()),
            Kind::Array => Value::Array(
                (0..tape.len(at))
                    .map(|position| value_of(tape, tape.element(at, position).unwrap()))
                    .collect(),
            ),
            Kind::Object => {
                let mut map = crate::json::Map::new();
                for (key, value) in tape.entries(at) {
                    map.insert(key.to_owned(), value_of(tape, value));
                }
                Value::Object(map)
            }
        }
    }

    /// Returns true when `value` has an object or array of more than
    /// [`MAX_ENTRIES`] entries.
    fn has_large_container(value: &Value) -> bool {
        let limit = MAX_ENTRIES as usize;
        match value {
            Value::Array(items) => items.len() > limit || items.iter().any(has_large_container),
            Value::Object(map) => {
                map.len() > limit || map.iter().any(|(_, item)| has_large_container(item))
            }
            _ => false,
        }
    }

    /// Checks that `text` reads the same here as in the full parser, or is
    /// rejected here, and returns whether it was read.
    fn agrees(text: &str) -> bool {
        let mut scratch = Scratch::default();
        let full = parse_noting_canonical(text, &crate::json::JsonLimits::default());
        match scan(text, &mut scratch) {
            Some(tape) => {
                let full = full.unwrap_or_else(|error| panic!("{text:?}: {error}"));
                assert_eq!(full.canonical_text(), Some(text), "{text:?}");
                assert_eq!(&value_of(&tape, Tape::ROOT), full.value(), "{text:?}");
                true
            }
            None => {
                // Rejected: either the full parser rejects it too, or it is
                // outside what this reader takes.
                if let Ok(full) = full
                    && full.canonical_text().is_some()
                {
                    assert!(has_large_container(full.value()), "{text:?} was rejected");
                }
                false
            }
        }
    }

    #[test]
    fn reads_canonical_documents() {
        for text in [
            "null",
            "true",
            "false",
            "0",
            "-1",
            "1.5",
            "1e+21",
            "-1.5e-7",
            "\"\"",
            "\"é😀\"",
            "[]",
            "{}",
            "[[]]",
            "[{}]",
            "[1,[2,[3]],{\"a\":[]}]",
            "{\"a\":1,\"b\":{\"c\":[true,false,null]},\"d\":\"x\"}",
            "{\"\":0,\"a\":1}",
            "{\"a\":{},\"b\":[]}",
            r#""a\"b""#,
            r#""\\ \b\f\n\r\t \u0000\u001f""#,
            r#"{"\"":1,"\\":2,"a\nb":[3,"\u0001"]}"#,
            r#"{"action_id":"3b241101-e2bb-4255-8caf-4136c566a962","payload":{"amount_minor":1999,"items":[{"qty":2,"sku":"A-1"}]}}"#,
        ] {
            assert!(agrees(text), "{text:?} was not read");
        }
    }

    #[test]
    fn rejects_non_canonical_text() {
        for text in [
            "",
            " 1",
            "1 ",
            "01",
            "-",
            "-0",
            "1.",
            "1.0",
            "1e",
            "1E+21",
            "1e21",
            ".5",
            "+1",
            "1e400",
            "9007199254740993",
            "tru",
            "nul",
            "truex",
            "[1,]",
            "[,1]",
            "[1 ,2]",
            "[1,2",
            "[1}",
            "{\"a\":1]",
            "{\"a\" :1}",
            "{\"a\":1,}",
            "{\"b\":1,\"a\":2}",
            "{\"a\":1,\"a\":2}",
            "{a:1}",
            "{\"a\"}",
            r#""\/""#,
            r#""\u0041""#,
            r#""\u001F""#,
            r#""\u000a""#,
            r#""\u0020""#,
            r#""\u007f""#,
            r#""\ud83d\ude00""#,
            r#""\x41""#,
            r#""\u00""#,
            r#""\"#,
            r#"{"b":1,"\u0001":2}"#,
            "\"tab\there\"",
            "\"unterminated",
            "[]]",
            "{}{}",
            "\u{feff}{}",
        ] {
            assert!(!agrees(text), "{text:?} was read");
        }
    }

    #[test]
    fn depth_limit_matches_the_full_parser() {
        let deepest = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH),
            "]".repeat(MAX_JSON_DEPTH)
        );
        assert!(agrees(&deepest));
        let deeper = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH + 1),
            "]".repeat(MAX_JSON_DEPTH + 1)
        );
        assert!(!agrees(&deeper));
        let mut scratch = Scratch::default();
        assert!(scan(&deeper, &mut scratch).is_none());
    }

    #[test]
    fn containers_over_the_entry_limit_are_rejected() {
        let entries = |count: u32| (0..count).map(|index| format!("\"k{index:03}\":{index}"));
        let elements = |count: u32| (0..count).map(|index| index.to_string());
        let object = |count| format!("{{{}}}", entries(count).collect::<Vec<_>>().join(","));
        let array = |count| format!("[{}]", elements(count).collect::<Vec<_>>().join(","));
        assert!(agrees(&object(MAX_ENTRIES)));
        assert!(agrees(&array(MAX_ENTRIES)));
        assert!(!agrees(&object(MAX_ENTRIES + 1)));
        assert!(!agrees(&array(MAX_ENTRIES + 1)));
        let nested = format!("{{\"a\":{}}}", array(MAX_ENTRIES + 1));
        assert!(!agrees(&nested));
    }

    #[test]
    fn navigates_objects_and_arrays() {
        let text = r#"{"a":[10,{"b":"x"},[]],"c":{"d":null},"e":"y"}"#;
        let mut scratch = Scratch::default();
        let tape = scan(text, &mut scratch).unwrap();
        let a = tape.get(Tape::ROOT, "a").unwrap();
        assert_eq!(tape.len(a), 3);
        assert_eq!(tape.number(tape.element(a, 0).unwrap()), Some(10.0));
        let second = tape.element(a, 1).unwrap();
        assert_eq!(tape.str(tape.get(second, "b").unwrap()), Some("x"));
        assert_eq!(tape.kind(tape.element(a, 2).unwrap()), Some(Kind::Array));
        assert_eq!(tape.element(a, 3), None);
        let c = tape.get(Tape::ROOT, "c").unwrap();
        assert_eq!(tape.kind(tape.get(c, "d").unwrap()), Some(Kind::Null));
        assert_eq!(tape.str(tape.get(Tape::ROOT, "e").unwrap()), Some("y"));
        assert_eq!(tape.get(Tape::ROOT, "z"), None);
        assert_eq!(tape.get(a, "b"), None);
        assert_eq!(tape.element(c, 0), None);
        assert_eq!(tape.text(), text);
    }

    #[test]
    fn large_buffers_are_not_kept() {
        // 32 arrays of 32 arrays of 5 numbers: 6,177 nodes.
        let inner = format!("[{}]", ["0"; 5].join(","));
        let middle = format!("[{}]", vec![inner; 32].join(","));
        let large = format!("[{}]", vec![middle; 32].join(","));
        assert!(with_scan(&large, |tape| tape.is_some()));
        assert_eq!(SCRATCH.with(Cell::take).nodes.capacity(), 0);
        assert!(with_scan("[0,0]", |tape| tape.is_some()));
        let reused = SCRATCH.with(Cell::take);
        assert!(reused.nodes.capacity() >= 3);
        assert!(reused.nodes.capacity() <= MAX_KEPT_NODES);

        let escaped = format!("\"{}\"", "\\n".repeat(MAX_KEPT_DECODED_BYTES + 1));
        assert!(with_scan(&escaped, |tape| tape.is_some()));
        assert_eq!(SCRATCH.with(Cell::take).decoded.capacity(), 0);
        assert!(with_scan("\"a\\nb\"", |tape| tape.is_some()));
        let reused = SCRATCH.with(Cell::take);
        assert_eq!(reused.decoded, "a\nb");
    }

    #[test]
    fn scratch_is_reused_between_documents() {
        let mut scratch = Scratch::default();
        assert!(scan("[1,2,3]", &mut scratch).is_some());
        assert!(scan("[1,", &mut scratch).is_none());
        let tape = scan("{\"k\":true}", &mut scratch).unwrap();
        assert_eq!(
            tape.kind(tape.get(Tape::ROOT, "k").unwrap()),
            Some(Kind::True)
        );
    }

    fn value_strategy() -> impl Strategy<Value = Value> {
        let text = prop::collection::vec(
            prop::sample::select(vec![
                'a',
                'k',
                '"',
                '\\',
                '\n',
                '\u{1f}',
                '\u{e9}',
                '\u{1f600}',
            ]),
            0..4,
        )
        .prop_map(|chars| chars.into_iter().collect::<String>());
        let scalar = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            prop::sample::select(vec![0.0, -1.0, 1999.0, 0.5, 1e21, 1.5e-7, -2.5e300])
                .prop_map(Value::Number),
            text.clone().prop_map(Value::String),
        ];
        scalar.prop_recursive(5, 48, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((text.clone(), inner), 0..5).prop_map(|entries| {
                    Value::Object(entries.into_iter().collect::<crate::json::Map>())
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Canonical JSON with small containers is always read, and reads as
        /// the full parser reads it.
        #[test]
        fn canonical_text_is_read(value in value_strategy()) {
            prop_assert!(agrees(&canonical_json(&value)));
        }

        /// Any one-byte change to canonical text is either rejected or reads
        /// as the full parser reads it.
        #[test]
        fn changed_text_never_reads_differently(
            value in value_strategy(),
            at in any::<prop::sample::Index>(),
            change in 0..3_u8,
            byte in prop::sample::select(b"{}[],:\" -0123456789.eE+tfnlrua\\ ".to_vec()),
        ) {
            let mut bytes = canonical_json(&value).into_bytes();
            let at = at.index(bytes.len() + 1);
            match change {
                0 if at < bytes.len() => { bytes.remove(at); }
                1 if at < bytes.len() => bytes[at] = byte,
                _ => bytes.insert(at, byte),
            }
            if let Ok(text) = String::from_utf8(bytes) {
                agrees(&text);
            }
        }
    }
}
