//! A strict JSON parser for I-JSON (RFC 7493) input.
//!
//! It rejects what `JSON.parse` silently accepts or alters: duplicate object
//! keys, lone UTF-16 surrogates in `\u` escapes, and numbers that a double
//! cannot hold. It uses an explicit stack, so nesting depth is bounded by
//! [`JsonLimits::max_depth`] and never by the thread's stack.

use std::fmt;

use super::canonical::{compare_utf16, is_canonical_number};
use super::number::{check_number_literal, quoted_literal};
use super::scan::plain_prefix;
use super::spare::{Spares, with_spares};
use super::value::{Map, Value};

/// Default maximum input size in bytes (1 MiB).
pub const MAX_JSON_BYTES: usize = 1024 * 1024;
/// Default maximum nesting depth of arrays and objects.
pub const MAX_JSON_DEPTH: usize = 64;

/// Bounds on the work one JSON document may cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonLimits {
    /// Maximum input size in bytes.
    pub max_bytes: usize,
    /// Maximum nesting depth; a scalar document has depth 0, `[]` depth 1.
    pub max_depth: usize,
}

impl Default for JsonLimits {
    fn default() -> JsonLimits {
        JsonLimits {
            max_bytes: MAX_JSON_BYTES,
            max_depth: MAX_JSON_DEPTH,
        }
    }
}

/// A JSON document that could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    code: &'static str,
    message: String,
    line: u32,
    column: u32,
}

impl JsonError {
    /// Stable machine-readable code: `JSON_SYNTAX`, `JSON_DUPLICATE_KEY`,
    /// `JSON_LONE_SURROGATE`, `JSON_NUMBER_OUT_OF_RANGE`, `JSON_TOO_DEEP` or
    /// `JSON_TOO_LARGE`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// One lowercase sentence naming the problem.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 1-based line of the problem.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// 1-based column of the problem, counted in characters.
    pub fn column(&self) -> u32 {
        self.column
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.column, self.code, self.message
        )
    }
}

impl std::error::Error for JsonError {}

/// Parses one JSON document with the default [`JsonLimits`].
pub fn parse(text: &str) -> Result<Value, JsonError> {
    parse_with_limits(text, &JsonLimits::default())
}

/// Parses one JSON document. Leading and trailing whitespace is allowed; any
/// other trailing text is an error.
pub fn parse_with_limits(text: &str, limits: &JsonLimits) -> Result<Value, JsonError> {
    parse_noting_canonical(text, limits).map(Parsed::into_value)
}

/// A parsed JSON document, with its text when that text is already the
/// RFC 8785 canonical JSON of the value.
///
/// Writing canonical JSON again, to hash it, then costs nothing: the text
/// is the canonical form. The JavaScript packages write actions that way.
///
/// Only the parser makes one, so the text is known to be canonical and the
/// value to be within the limits it was parsed with.
#[derive(Debug)]
pub struct Parsed<'t> {
    value: Value,
    canonical: Option<&'t str>,
    max_depth: usize,
}

impl<'t> Parsed<'t> {
    /// Returns the document's value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Returns the document's value, consuming the document.
    pub fn into_value(self) -> Value {
        self.value
    }

    /// Returns the input text when it is byte for byte `canonical_json(value)`: no
    /// whitespace, object keys in strictly ascending UTF-16 order, numbers
    /// in ECMAScript form and strings with only the escapes RFC 8785
    /// writes. `None` otherwise.
    pub fn canonical_text(&self) -> Option<&'t str> {
        self.canonical
    }

    /// Returns the RFC 8785 canonical JSON of the value: a copy of the
    /// text when it already is canonical, else written anew.
    pub fn canonical_json(&self) -> String {
        match self.canonical {
            Some(text) => text.to_owned(),
            None => super::canonical_json(&self.value),
        }
    }

    /// Returns the depth limit the document was parsed with.
    pub(crate) fn max_depth(&self) -> usize {
        self.max_depth
    }
}

/// Parses one JSON document as [`parse_with_limits`] does, and notes
/// whether its text is already canonical JSON.
pub fn parse_noting_canonical<'t>(
    text: &'t str,
    limits: &JsonLimits,
) -> Result<Parsed<'t>, JsonError> {
    if text.len() > limits.max_bytes {
        return Err(JsonError {
            code: "JSON_TOO_LARGE",
            message: format!(
                "the document is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
            line: 1,
            column: 1,
        });
    }
    with_spares(|spares| {
        let mut parser = Parser {
            bytes: text.as_bytes(),
            text,
            position: 0,
            limits: *limits,
            spares,
            canonical: true,
        };
        let value = parser.document()?;
        Ok(Parsed {
            value,
            canonical: parser.canonical.then_some(text),
            max_depth: limits.max_depth,
        })
    })
}

/// Parses one JSON document given as bytes: checks the size limit first,
/// then that the bytes are UTF-8 (`JSON_INVALID_UTF8`, at the first invalid
/// byte), then parses as [`parse_with_limits`] does.
pub fn parse_bytes(bytes: &[u8], limits: &JsonLimits) -> Result<Value, JsonError> {
    parse_bytes_noting_canonical(bytes, limits).map(Parsed::into_value)
}

/// Parses bytes as [`parse_bytes`] does, and notes whether they are
/// already canonical JSON, as [`parse_noting_canonical`] does.
pub fn parse_bytes_noting_canonical<'t>(
    bytes: &'t [u8],
    limits: &JsonLimits,
) -> Result<Parsed<'t>, JsonError> {
    let text = utf8(bytes, limits.max_bytes).map_err(|problem| match problem {
        Utf8Problem::TooLarge => JsonError {
            code: "JSON_TOO_LARGE",
            message: format!(
                "the document is more than the limit of {} bytes",
                limits.max_bytes
            ),
            line: 1,
            column: 1,
        },
        Utf8Problem::Invalid { line, column } => JsonError {
            code: "JSON_INVALID_UTF8",
            message: "the document is not valid UTF-8".to_owned(),
            line,
            column,
        },
    })?;
    parse_noting_canonical(text, limits)
}

/// The reason bytes could not be read as text.
pub(crate) enum Utf8Problem {
    TooLarge,
    /// The first invalid byte, as a 1-based line and character column.
    Invalid {
        line: u32,
        column: u32,
    },
}

/// Checks `bytes` against a size limit and decodes them as UTF-8.
pub(crate) fn utf8(bytes: &[u8], max_bytes: usize) -> Result<&str, Utf8Problem> {
    if bytes.len() > max_bytes {
        return Err(Utf8Problem::TooLarge);
    }
    std::str::from_utf8(bytes).map_err(|error| {
        let valid = bytes.get(..error.valid_up_to()).unwrap_or(&[]);
        // INVARIANT: `valid_up_to` ends the longest valid prefix.
        let prefix = std::str::from_utf8(valid).unwrap_or("");
        let (line, column) = line_column(prefix, prefix.len());
        Utf8Problem::Invalid { line, column }
    })
}

/// An open container in the parser's stack.
pub(crate) enum Frame {
    Array(Vec<Value>),
    Object { map: Map, key: String },
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    position: usize,
    limits: JsonLimits,
    /// Buffers to fill before allocating new ones.
    spares: &'a mut Spares,
    /// True while the text read so far is canonical JSON (see [`Parsed`]).
    canonical: bool,
}

/// Adds a complete value to the innermost open container, or stores it
/// in `root` when no container is open. Inlined, so that the compiler can
/// write a value straight into its container's buffer.
#[inline(always)]
fn attach(stack: &mut [Frame], value: Value, root: &mut Option<Value>) {
    match stack.last_mut() {
        Some(Frame::Array(items)) => items.push(value),
        Some(Frame::Object { map, key }) => map.push_unique(std::mem::take(key), value),
        None => *root = Some(value),
    }
}

impl Parser<'_> {
    fn document(&mut self) -> Result<Value, JsonError> {
        let mut stack = self.spares.take_frames();
        let result = self.document_in(&mut stack);
        self.spares.keep_frames(stack);
        result
    }

    fn document_in(&mut self, stack: &mut Vec<Frame>) -> Result<Value, JsonError> {
        // The document's value, once complete. The parser's steps store
        // values rather than return them: a returned value went through
        // memory, and reading it back stalled in the profile.
        let mut root = None;
        self.value_start(stack, &mut root)?;
        loop {
            // A value is complete and attached to the innermost open
            // container, unless there is none.
            if let Some(value) = root.take() {
                self.skip_whitespace();
                if self.position < self.bytes.len() {
                    return Err(self.error("JSON_SYNTAX", "unexpected text after the JSON value"));
                }
                return Ok(value);
            }
            self.skip_whitespace();
            let in_array = stack.last().map(|frame| matches!(frame, Frame::Array(_)));
            match (in_array, self.next_byte()) {
                (Some(true), Some(b',')) => {
                    self.value_start(stack, &mut root)?;
                    continue;
                }
                (Some(true), Some(b']')) => {}
                (Some(true), _) => {
                    return Err(self.error_before("JSON_SYNTAX", "expected `,` or `]` in an array"));
                }
                (Some(false), Some(b',')) => {
                    let key_start = self.position;
                    let next_key = self.object_key()?;
                    if let Some(Frame::Object { map, key }) = stack.last_mut() {
                        // While the text is canonical, every earlier key of
                        // this object sorts before the last one, so a key
                        // after the last is new.
                        let ascending = self.canonical
                            && map
                                .last_key()
                                .is_some_and(|last| compare_utf16(last, &next_key).is_lt());
                        if !ascending {
                            self.canonical = false;
                            check_unique_key(map, &next_key).map_err(|message| {
                                self.error_at(key_start, "JSON_DUPLICATE_KEY", &message)
                            })?;
                        }
                        *key = next_key;
                    }
                    self.value_start(stack, &mut root)?;
                    continue;
                }
                (Some(false), Some(b'}')) => {}
                (Some(false), _) => {
                    return Err(
                        self.error_before("JSON_SYNTAX", "expected `,` or `}` in an object")
                    );
                }
                (None, _) => return Err(self.error("JSON_SYNTAX", "unbalanced brackets")),
            }
            // The innermost container just closed.
            let value = match stack.pop() {
                Some(Frame::Array(items)) => Value::Array(items),
                Some(Frame::Object { map, .. }) => Value::Object(map),
                None => return Err(self.error("JSON_SYNTAX", "unbalanced brackets")),
            };
            attach(stack, value, &mut root);
        }
    }

    /// Reads a scalar, or opens a container and reads up to its first value.
    /// Attaches the first complete value, closing empty containers at once,
    /// to the innermost open container, or to `root` when none is open.
    fn value_start(
        &mut self,
        stack: &mut Vec<Frame>,
        root: &mut Option<Value>,
    ) -> Result<(), JsonError> {
        loop {
            self.skip_whitespace();
            let start = self.position;
            let value = match self.bytes.get(self.position) {
                Some(b'[') | Some(b'{') if stack.len() >= self.limits.max_depth => {
                    return Err(self.error(
                        "JSON_TOO_DEEP",
                        &format!(
                            "nesting is deeper than the limit of {}",
                            self.limits.max_depth
                        ),
                    ));
                }
                Some(b'[') => {
                    self.position += 1;
                    self.skip_whitespace();
                    if self.bytes.get(self.position) == Some(&b']') {
                        self.position += 1;
                        Value::Array(Vec::new())
                    } else {
                        stack.push(Frame::Array(self.spares.array()));
                        continue;
                    }
                }
                Some(b'{') => {
                    self.position += 1;
                    self.skip_whitespace();
                    if self.bytes.get(self.position) == Some(&b'}') {
                        self.position += 1;
                        Value::Object(Map::new())
                    } else {
                        let key = self.object_key()?;
                        stack.push(Frame::Object {
                            map: self.spares.object(),
                            key,
                        });
                        continue;
                    }
                }
                Some(b'"') => Value::String(self.string()?),
                Some(b't') => self.literal("true", Value::Bool(true))?,
                Some(b'f') => self.literal("false", Value::Bool(false))?,
                Some(b'n') => self.literal("null", Value::Null)?,
                Some(b'-' | b'0'..=b'9') => self.number(start)?,
                Some(0xEF) if start == 0 && self.bytes.starts_with(b"\xEF\xBB\xBF") => {
                    return Err(self.error(
                        "JSON_SYNTAX",
                        "the document starts with a UTF-8 byte order mark, which JSON text must not have; remove it",
                    ));
                }
                Some(_) => return Err(self.error("JSON_SYNTAX", "expected a JSON value")),
                None => {
                    return Err(self.error(
                        "JSON_SYNTAX",
                        "unexpected end of input, expected a JSON value",
                    ));
                }
            };
            attach(stack, value, root);
            return Ok(());
        }
    }

    /// Reads `"key" :` and returns the key.
    fn object_key(&mut self) -> Result<String, JsonError> {
        self.skip_whitespace();
        if self.bytes.get(self.position) != Some(&b'"') {
            return Err(self.error("JSON_SYNTAX", "expected a string key in an object"));
        }
        let key = self.string()?;
        self.skip_whitespace();
        if self.next_byte() != Some(b':') {
            return Err(self.error_before("JSON_SYNTAX", "expected `:` after an object key"));
        }
        Ok(key)
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, JsonError> {
        if self
            .text
            .get(self.position..)
            .is_some_and(|rest| rest.starts_with(word))
        {
            self.position += word.len();
            Ok(value)
        } else {
            Err(self.error("JSON_SYNTAX", "expected a JSON value"))
        }
    }

    fn number(&mut self, start: usize) -> Result<Value, JsonError> {
        if self.peek() == Some(b'-') {
            self.position += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.position += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(self.error("JSON_SYNTAX", "numbers must not have leading zeros"));
                }
            }
            Some(b'1'..=b'9') => self.skip_digits(),
            _ => return Err(self.error("JSON_SYNTAX", "expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.position += 1;
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error("JSON_SYNTAX", "expected a digit after the decimal point"));
            }
            self.skip_digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.position += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.position += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error("JSON_SYNTAX", "expected a digit in the exponent"));
            }
            self.skip_digits();
        }
        let literal = self.text.get(start..self.position).unwrap_or("");
        check_number_literal(literal)
            .map(|number| {
                if self.canonical && !is_canonical_number(literal, number) {
                    self.canonical = false;
                }
                Value::Number(number)
            })
            .map_err(|problem| {
                self.error_at(
                    start,
                    "JSON_NUMBER_OUT_OF_RANGE",
                    &format!(
                        "the number {} {}",
                        quoted_literal(literal),
                        problem.describe()
                    ),
                )
            })
    }

    fn skip_digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.position += 1;
        }
    }

    /// Reads a string starting at the opening quote.
    fn string(&mut self) -> Result<String, JsonError> {
        self.position += 1;
        // Most strings have no escapes: copy them at once, into a spare
        // buffer when there is one.
        let start = self.position;
        let length = plain_prefix(self.bytes.get(start..).unwrap_or(&[]));
        if self.bytes.get(start + length) == Some(&b'"') {
            self.position = start + length + 1;
            // INVARIANT: the run stops at an ASCII quote, a character boundary.
            let text = self.text.get(start..start + length).unwrap_or("");
            return Ok(self.spares.string(text));
        }
        let mut out = String::new();
        loop {
            let run_start = self.position;
            self.position += plain_prefix(self.bytes.get(run_start..).unwrap_or(&[]));
            // INVARIANT: the run stops only at ASCII bytes, so both ends are
            // UTF-8 character boundaries.
            out.push_str(self.text.get(run_start..self.position).unwrap_or(""));
            match self.next_byte() {
                Some(b'"') => return Ok(out),
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => {
                    self.position -= 1;
                    return Err(self.error(
                        "JSON_SYNTAX",
                        "control characters must be escaped in strings",
                    ));
                }
                None => return Err(self.error("JSON_SYNTAX", "unterminated string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let escape_start = self.position - 1;
        let decoded = match self.next_byte() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => {
                // Canonical JSON writes the slash as it is.
                self.canonical = false;
                '/'
            }
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let digits_start = self.position;
                let unit = self.hex4()?;
                if self.canonical && !self.is_canonical_unicode_escape(digits_start, unit) {
                    self.canonical = false;
                }
                if (0xD800..0xDC00).contains(&unit) {
                    let is_pair = self.bytes.get(self.position) == Some(&b'\\')
                        && self.bytes.get(self.position + 1) == Some(&b'u');
                    if !is_pair {
                        return Err(self.lone_surrogate(escape_start, unit));
                    }
                    self.position += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.lone_surrogate(escape_start, unit));
                    }
                    let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    char::from_u32(code).ok_or_else(|| self.lone_surrogate(escape_start, unit))?
                } else if (0xDC00..0xE000).contains(&unit) {
                    return Err(self.lone_surrogate(escape_start, unit));
                } else {
                    char::from_u32(unit).ok_or_else(|| self.lone_surrogate(escape_start, unit))?
                }
            }
            _ => {
                return Err(self.error_at(
                    escape_start,
                    "JSON_SYNTAX",
                    "invalid escape sequence in a string",
                ));
            }
        };
        out.push(decoded);
        Ok(())
    }

    /// Returns true when `\\u` followed by the four hex digits at `digits_start`,
    /// which read as `unit`, is how canonical JSON writes that character:
    /// control characters without a short escape, in lowercase hex.
    fn is_canonical_unicode_escape(&self, digits_start: usize, unit: u32) -> bool {
        let written_short = matches!(unit, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d);
        unit < 0x20
            && !written_short
            && self
                .bytes
                .get(digits_start..digits_start + 4)
                .is_some_and(|digits| !digits.iter().any(u8::is_ascii_uppercase))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.text.get(self.position..self.position + 4);
        let unit = digits
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|digits| u32::from_str_radix(digits, 16).ok())
            .ok_or_else(|| self.error("JSON_SYNTAX", "expected four hex digits after \\u"))?;
        self.position += 4;
        Ok(unit)
    }

    fn lone_surrogate(&self, at: usize, unit: u32) -> JsonError {
        self.error_at(
            at,
            "JSON_LONE_SURROGATE",
            &format!("the escape \\u{unit:04x} is a lone UTF-16 surrogate, which I-JSON forbids"),
        )
    }

    // This helper and the next two run per byte, so they are inlined even
    // where the build optimizes for size.
    #[inline(always)]
    fn skip_whitespace(&mut self) {
        if matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.canonical = false;
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.position += 1;
            }
        }
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

    fn error(&self, code: &'static str, message: &str) -> JsonError {
        self.error_at(self.position, code, message)
    }

    /// An error at the byte just consumed.
    fn error_before(&self, code: &'static str, message: &str) -> JsonError {
        self.error_at(self.position.saturating_sub(1), code, message)
    }

    fn error_at(&self, offset: usize, code: &'static str, message: &str) -> JsonError {
        let (line, column) = line_column(self.text, offset);
        JsonError {
            code,
            message: message.to_owned(),
            line,
            column,
        }
    }
}

fn check_unique_key(map: &Map, key: &str) -> Result<(), String> {
    if map.contains_key(key) {
        Err(format!(
            "the key {key:?} appears more than once in an object"
        ))
    } else {
        Ok(())
    }
}

/// 1-based line and character column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let mut line: u32 = 1;
    let mut column: u32 = 1;
    for (index, character) in text.char_indices() {
        if index >= offset {
            return (line, column);
        }
        if character == '\n' {
            line = line.saturating_add(1);
            column = 1;
        } else {
            column = column.saturating_add(1);
        }
    }
    (line, column)
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

    fn code_of(text: &str) -> &'static str {
        parse(text).unwrap_err().code()
    }

    #[test]
    fn scalars_and_containers_parse() {
        let value = parse(r#" {"a": [1, 2.5, -0, true, false, null, "x"], "b": {}} "#).unwrap();
        let map = value.as_object().unwrap();
        assert_eq!(map.len(), 2);
        let items = map.get("a").unwrap().as_array().unwrap();
        assert_eq!(items.len(), 7);
        assert_eq!(items[1], Value::Number(2.5));
        assert_eq!(map.get("b"), Some(&Value::Object(Map::new())));
    }

    #[test]
    fn escapes_decode() {
        let value = parse(r#""\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(value.as_str(), Some("\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1f600}"));
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        assert_eq!(code_of(r#"{"a": 1, "a": 2}"#), "JSON_DUPLICATE_KEY");
        assert_eq!(code_of(r#"{"a": 1, "\u0061": 2}"#), "JSON_DUPLICATE_KEY");
    }

    #[test]
    fn duplicate_keys_in_large_objects_are_rejected() {
        let mut text = String::from("{");
        for index in 0..100 {
            text.push_str(&format!("\"k{index}\": {index},"));
        }
        text.push_str("\"k50\": 0}");
        assert_eq!(code_of(&text), "JSON_DUPLICATE_KEY");
    }

    #[test]
    fn lone_surrogates_are_rejected() {
        assert_eq!(code_of(r#""\ud800x""#), "JSON_LONE_SURROGATE");
        assert_eq!(code_of(r#""\udc00""#), "JSON_LONE_SURROGATE");
        assert_eq!(code_of(r#""\ud800\u0041""#), "JSON_LONE_SURROGATE");
    }

    #[test]
    fn inexact_numbers_are_rejected() {
        assert_eq!(code_of("9007199254740993"), "JSON_NUMBER_OUT_OF_RANGE");
        assert_eq!(code_of("[1e400]"), "JSON_NUMBER_OUT_OF_RANGE");
    }

    #[test]
    fn long_number_literals_are_shortened_in_messages() {
        let literal = "1".to_owned() + &"0".repeat(100_000);
        let error = parse(&format!("[{literal}]")).unwrap_err();
        assert_eq!(error.code(), "JSON_NUMBER_OUT_OF_RANGE");
        assert!(
            error.message().contains("(100001 characters)"),
            "{}",
            error.message()
        );
        assert!(error.message().len() < 120, "{}", error.message());
    }

    #[test]
    fn byte_order_mark_is_named() {
        let error = parse("\u{feff}{}").unwrap_err();
        assert_eq!(error.code(), "JSON_SYNTAX");
        assert!(
            error.message().contains("byte order mark"),
            "{}",
            error.message()
        );
        assert_eq!((error.line(), error.column()), (1, 1));
        // Elsewhere the character is an ordinary syntax error.
        let error = parse("[\u{feff}]").unwrap_err();
        assert_eq!(error.message(), "expected a JSON value");
    }

    #[test]
    fn syntax_errors_carry_positions() {
        let error = parse("{\n  \"a\": tru\n}").unwrap_err();
        assert_eq!(error.code(), "JSON_SYNTAX");
        assert_eq!((error.line(), error.column()), (2, 8));
    }

    #[test]
    fn malformed_documents_are_rejected() {
        for text in [
            "",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "-",
            "[1] x",
            "\"a\u{1}\"",
            "{'a': 1}",
            "[",
            "\"\\x\"",
        ] {
            assert_eq!(code_of(text), "JSON_SYNTAX", "{text:?}");
        }
    }

    #[test]
    fn depth_limit_holds_at_and_past_the_bound() {
        let at_limit = "[".repeat(MAX_JSON_DEPTH) + &"]".repeat(MAX_JSON_DEPTH);
        assert!(parse(&at_limit).is_ok());
        let past = "[".repeat(MAX_JSON_DEPTH + 1) + &"]".repeat(MAX_JSON_DEPTH + 1);
        assert_eq!(code_of(&past), "JSON_TOO_DEEP");
        let hostile = "[".repeat(MAX_JSON_BYTES + 1);
        assert_eq!(code_of(&hostile), "JSON_TOO_LARGE");
        let limits = JsonLimits {
            max_bytes: 10_000_000,
            max_depth: MAX_JSON_DEPTH,
        };
        assert_eq!(
            parse_with_limits(&hostile, &limits).unwrap_err().code(),
            "JSON_TOO_DEEP"
        );
    }

    #[test]
    fn size_limit_holds_at_and_past_the_bound() {
        let limits = JsonLimits {
            max_bytes: 8,
            max_depth: 4,
        };
        assert!(parse_with_limits("\"123456\"", &limits).is_ok());
        let error = parse_with_limits("\"1234567\"", &limits).unwrap_err();
        assert_eq!(error.code(), "JSON_TOO_LARGE");
    }
}
