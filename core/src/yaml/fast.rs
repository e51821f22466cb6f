//! A fast path for the YAML that policies are usually written in.
//!
//! Policies use a small part of YAML: block mappings and sequences indented
//! with spaces, one-line plain and quoted scalars, one-line flow collections
//! and comments. This module parses exactly that part, about four times
//! faster than the general parser on the benchmark policy (15.8 µs against
//! 62 µs). It gives up (returns `None`) on anything else: tabs, carriage
//! returns, anchors, aliases, tags, block scalars, directives, document
//! markers, multi-line scalars and flow collections, empty values,
//! duplicate keys, and any input near a limit. The caller then runs the
//! general parser, which also produces every error.
//!
//! INVARIANT: whenever this returns a tree, it is equal, marks included, to
//! the tree the general parser builds for the same text. The unit tests
//! check this on every YAML text in the repository and on generated
//! documents.

use super::compose::property_name;
use super::schema::Schema;
use super::{Mark, Node, NodeValue, YamlLimits};

/// Parses `text`, or returns `None` when it is not in the supported subset.
pub(super) fn parse(text: &str, limits: &YamlLimits) -> Option<Node> {
    if !plain_text(text) {
        return None;
    }
    let lines = split_lines(text)?;
    let mut parser = Parser {
        text,
        lines,
        limits,
        nodes: 0,
        depth: 0,
    };
    let first = parser.next_content(0)?;
    let start = parser.line(first)?.indent;
    let (node, after) = parser.block_node(first, start, start)?;
    // Nothing may follow the root node.
    if parser.next_content(after).is_some() {
        return None;
    }
    Some(node)
}

/// Returns false for text with characters this path leaves to the general
/// parser: tabs, carriage returns, other control characters, a byte order
/// mark anywhere, and the non-characters YAML forbids.
fn plain_text(text: &str) -> bool {
    let ascii_ok = |byte: u8| byte == b'\n' || (0x20..0x7f).contains(&byte);
    if text.bytes().all(ascii_ok) {
        return true;
    }
    text.chars().all(|c| {
        if c.is_ascii() {
            ascii_ok(c as u8)
        } else {
            !matches!(
                c,
                '\u{80}'..='\u{9f}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
        }
    })
}

/// One line of the text.
#[derive(Clone, Copy)]
struct Line {
    /// Byte offset of the first character.
    start: usize,
    /// Byte offset just past the last character (before the `\n`).
    end: usize,
    /// Leading spaces.
    indent: usize,
    /// Only spaces, or only spaces and a comment.
    blank: bool,
    /// Only ASCII characters, so byte offsets are columns.
    ascii: bool,
}

fn split_lines(text: &str) -> Option<Vec<Line>> {
    let mut lines = Vec::with_capacity(text.len() / 24 + 1);
    let mut start = 0;
    for piece in text.split('\n') {
        let end = start + piece.len();
        let indent = piece.bytes().take_while(|&b| b == b' ').count();
        let rest = piece.get(indent..).unwrap_or("");
        // Directives and document markers belong to the general parser.
        if indent == 0
            && (rest.starts_with('%') || rest.starts_with("---") || rest.starts_with("..."))
        {
            return None;
        }
        lines.push(Line {
            start,
            end,
            indent,
            blank: rest.is_empty() || rest.starts_with('#'),
            ascii: piece.is_ascii(),
        });
        start = end + 1;
    }
    Some(lines)
}

/// Largest mapping this path parses. Duplicate keys are found by comparing
/// each key with the ones before it, so larger mappings go to the general
/// parser, which indexes them.
const MAX_PAIRS: usize = 64;

/// Deepest nesting this path parses, whatever the limits allow; the general
/// parser has its own bound on flow collections (255 levels).
const MAX_DEPTH: usize = 100;

/// Maximum length of a mapping key this path parses, in bytes. YAML limits implicit keys to 1,024
/// characters, and the general parser reports longer ones.
const MAX_KEY_BYTES: usize = 1000;

/// Characters that cannot start a plain scalar (or change its meaning)
/// in this subset.
fn starts_indicator(byte: u8) -> bool {
    matches!(
        byte,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// Returns true when `-`, `?` or `:` starts a plain scalar: followed by a
/// character that is not a space (nor, inside a flow collection, a flow
/// indicator), as in `-5` or `:x`.
fn plain_start(first: u8, second: Option<u8>, in_flow: bool) -> bool {
    matches!(first, b'-' | b'?' | b':')
        && second.is_some_and(|second| second != b' ' && !(in_flow && is_flow_indicator(second)))
}

fn is_flow_indicator(byte: u8) -> bool {
    matches!(byte, b',' | b'[' | b']' | b'{' | b'}')
}

struct Parser<'a> {
    text: &'a str,
    lines: Vec<Line>,
    limits: &'a YamlLimits,
    nodes: usize,
    /// Collections open around the current position.
    depth: usize,
}

/// Where a block mapping key is: byte offsets within its line.
struct KeySpan {
    /// The key's first character.
    at: usize,
    /// Just past the key (past the closing quote of a quoted key).
    end: usize,
    quoted: bool,
    /// The value's first character, or the line end, or a comment.
    value_at: usize,
}

/// A scalar before resolution.
struct Scalar {
    value: String,
    plain: bool,
    mark: Mark,
}

impl<'a> Parser<'a> {
    fn line(&self, index: usize) -> Option<Line> {
        self.lines.get(index).copied()
    }

    /// The bytes of line `index` from byte offset `from` within the line.
    fn rest(&self, index: usize, from: usize) -> Option<&'a [u8]> {
        let line = self.line(index)?;
        self.text.as_bytes().get(line.start + from..line.end)
    }

    /// The first line at or after `index` that has content.
    fn next_content(&self, index: usize) -> Option<usize> {
        (index..self.lines.len()).find(|&i| self.lines.get(i).is_some_and(|line| !line.blank))
    }

    /// The mark of byte offset `offset` within line `index`.
    fn mark(&self, index: usize, offset: usize) -> Mark {
        let column = match self.lines.get(index) {
            Some(line) if !line.ascii => self
                .text
                .get(line.start..line.start + offset)
                .map_or(offset, |prefix| prefix.chars().count()),
            _ => offset,
        };
        Mark {
            line: u32::try_from(index + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= self.limits.max_nodes).then_some(())
    }

    fn open(&mut self) -> Option<()> {
        self.depth += 1;
        self.count()?;
        (self.depth <= self.limits.max_depth.min(MAX_DEPTH)).then_some(())
    }

    fn close(&mut self) {
        self.depth -= 1;
    }

    /// Parses the block node starting at byte offset `at` of line `index`
    /// inside a collection indented by `parent` spaces; returns it and the
    /// index of the first line after it.
    fn block_node(&mut self, index: usize, at: usize, parent: usize) -> Option<(Node, usize)> {
        let rest = self.rest(index, at)?;
        if rest.first() == Some(&b'-') && matches!(rest.get(1), None | Some(b' ')) {
            return self.block_sequence(index, at, false);
        }
        if self.entry_key(index, at).is_some() {
            return self.block_mapping(index, at);
        }
        let node = self.inline_value(index, at, parent)?;
        Some((node, index + 1))
    }

    /// Parses a block sequence whose `-` indicators are at byte offset
    /// `indent`. An `indentless` sequence is a mapping value at the same
    /// indentation as its key; the general parser marks it at its first
    /// item rather than at the first `-`.
    fn block_sequence(
        &mut self,
        first: usize,
        indent: usize,
        indentless: bool,
    ) -> Option<(Node, usize)> {
        self.open()?;
        let mut mark = self.mark(first, indent);
        if indentless {
            let rest = self.rest(first, indent + 1)?;
            let content = indent + 1 + spaces(rest);
            if matches!(self.rest(first, content)?.first(), None | Some(b'#')) {
                return None;
            }
            mark = self.mark(first, content);
        }
        let mut items = Vec::new();
        let mut index = first;
        loop {
            // INVARIANT: line `index` has `-` at `indent`, followed by a
            // space or the end of the line.
            let rest = self.rest(index, indent + 1)?;
            let spaces = rest.iter().take_while(|&&b| b == b' ').count();
            let content = indent + 1 + spaces;
            let after = if matches!(self.rest(index, content)?.first(), None | Some(b'#')) {
                let next = self.next_content(index + 1)?;
                let next_indent = self.line(next)?.indent;
                if next_indent <= indent {
                    return None;
                }
                let (item, after) = self.block_node(next, next_indent, indent)?;
                items.push(item);
                after
            } else {
                let (item, after) = self.block_node(index, content, indent)?;
                items.push(item);
                after
            };
            match self.next_content(after) {
                Some(next) => {
                    let line = self.line(next)?;
                    let rest = self.rest(next, line.indent)?;
                    let is_item =
                        rest.first() == Some(&b'-') && matches!(rest.get(1), None | Some(b' '));
                    if line.indent == indent && is_item {
                        index = next;
                    } else if line.indent > indent {
                        return None;
                    } else {
                        self.close();
                        return Some((
                            Node {
                                value: NodeValue::Sequence(items),
                                mark,
                            },
                            next,
                        ));
                    }
                }
                None => {
                    self.close();
                    return Some((
                        Node {
                            value: NodeValue::Sequence(items),
                            mark,
                        },
                        self.lines.len(),
                    ));
                }
            }
        }
    }

    fn block_mapping(&mut self, first: usize, indent: usize) -> Option<(Node, usize)> {
        self.open()?;
        let mark = self.mark(first, indent);
        let mut pairs: Vec<(Node, Node)> = Vec::new();
        let mut index = first;
        loop {
            let span = self.entry_key(index, indent)?;
            let value_at = span.value_at;
            let key = self.key_node(index, &span)?;
            let name = property_name(&key).ok()?;
            if pairs.len() >= MAX_PAIRS {
                return None;
            }
            if pairs
                .iter()
                .any(|(other, _)| property_name(other).is_ok_and(|other| other == name))
            {
                return None;
            }
            let after = if matches!(self.rest(index, value_at)?.first(), None | Some(b'#')) {
                let next = self.next_content(index + 1)?;
                let line = self.line(next)?;
                let rest = self.rest(next, line.indent)?;
                let is_item =
                    rest.first() == Some(&b'-') && matches!(rest.get(1), None | Some(b' '));
                if line.indent == indent && is_item {
                    let (value, after) = self.block_sequence(next, indent, true)?;
                    pairs.push((key, value));
                    after
                } else if line.indent > indent {
                    let (value, after) = self.block_node(next, line.indent, indent)?;
                    pairs.push((key, value));
                    after
                } else {
                    // An empty value: left to the general parser, which
                    // marks the null where it inferred it.
                    return None;
                }
            } else {
                let value = self.inline_value(index, value_at, indent)?;
                pairs.push((key, value));
                index + 1
            };
            match self.next_content(after) {
                Some(next) => {
                    let line = self.line(next)?;
                    if line.indent == indent && self.entry_key(next, indent).is_some() {
                        index = next;
                    } else if line.indent >= indent {
                        return None;
                    } else {
                        self.close();
                        return Some((
                            Node {
                                value: NodeValue::Mapping(pairs),
                                mark,
                            },
                            next,
                        ));
                    }
                }
                None => {
                    self.close();
                    return Some((
                        Node {
                            value: NodeValue::Mapping(pairs),
                            mark,
                        },
                        self.lines.len(),
                    ));
                }
            }
        }
    }

    /// Reads the key of a block mapping entry at byte offset `at` of line
    /// `index`: a one-line scalar followed by `:` and a space or the end of
    /// the line. Returns the key and the offset of the value's first
    /// character (or of the line end, or of a comment).
    fn entry_key(&self, index: usize, at: usize) -> Option<KeySpan> {
        let rest = self.rest(index, at)?;
        let first = *rest.first()?;
        let (key, after) = if first == b'"' || first == b'\'' {
            let (_, length) = quoted(rest)?;
            let spaces = rest
                .get(length..)?
                .iter()
                .take_while(|&&b| b == b' ')
                .count();
            (
                KeySpan {
                    at,
                    end: at + length,
                    quoted: true,
                    value_at: 0,
                },
                length + spaces,
            )
        } else {
            if starts_indicator(first) && !plain_start(first, rest.get(1).copied(), false) {
                return None;
            }
            // The key ends at the first `: ` or final `:`.
            let mut end = None;
            for (position, &byte) in rest.iter().enumerate().skip(1) {
                match byte {
                    b':' if matches!(rest.get(position + 1), None | Some(b' ')) => {
                        end = Some(position);
                        break;
                    }
                    b'#' if rest.get(position.wrapping_sub(1)) == Some(&b' ') => return None,
                    byte if is_flow_indicator(byte) => return None,
                    _ => {}
                }
            }
            let end = end?;
            let length = end
                - rest
                    .get(..end)?
                    .iter()
                    .rev()
                    .take_while(|&&b| b == b' ')
                    .count();
            (
                KeySpan {
                    at,
                    end: at + length,
                    quoted: false,
                    value_at: 0,
                },
                end,
            )
        };
        if rest.get(after) != Some(&b':')
            || !matches!(rest.get(after + 1), None | Some(b' '))
            || after > MAX_KEY_BYTES
        {
            return None;
        }
        let spaces = rest
            .get(after + 1..)?
            .iter()
            .take_while(|&&b| b == b' ')
            .count();
        Some(KeySpan {
            value_at: at + after + 1 + spaces,
            ..key
        })
    }

    /// Reads the key that [`Parser::entry_key`] found.
    fn key_node(&mut self, index: usize, span: &KeySpan) -> Option<Node> {
        let mark = self.mark(index, span.at);
        let scalar = if span.quoted {
            let (value, _) = quoted(self.rest(index, span.at)?)?;
            Scalar {
                value,
                plain: false,
                mark,
            }
        } else {
            Scalar {
                value: self.slice(index, span.at, span.end)?.to_owned(),
                plain: true,
                mark,
            }
        };
        self.resolve(scalar)
    }

    /// The text of line `index` between byte offsets `from` and `to`.
    fn slice(&self, index: usize, from: usize, to: usize) -> Option<&'a str> {
        let line = self.line(index)?;
        self.text.get(line.start + from..line.start + to)
    }

    /// Parses a value that fits on line `index` from byte offset `at`: a
    /// flow collection, a quoted scalar or a plain scalar, followed by
    /// nothing but spaces and a comment. The next line with content must
    /// be indented no more than `parent`, the indentation of the collection
    /// the value belongs to; a deeper line would continue the value.
    fn inline_value(&mut self, index: usize, at: usize, parent: usize) -> Option<Node> {
        let rest = self.rest(index, at)?;
        let (node, length) = match rest.first()? {
            b'[' | b'{' => self.flow_node(index, at)?,
            b'"' | b'\'' => {
                let (value, length) = quoted(rest)?;
                let mark = self.mark(index, at);
                (
                    self.resolve(Scalar {
                        value,
                        plain: false,
                        mark,
                    })?,
                    length,
                )
            }
            &first => {
                if starts_indicator(first) && !plain_start(first, rest.get(1).copied(), false) {
                    return None;
                }
                let mut end = rest.len();
                for (position, &byte) in rest.iter().enumerate() {
                    let next = rest.get(position + 1);
                    match byte {
                        b':' if matches!(next, None | Some(b' ')) => return None,
                        b'#' if rest.get(position.wrapping_sub(1)) == Some(&b' ') => {
                            end = position;
                            break;
                        }
                        _ => {}
                    }
                }
                let text = self.slice(index, at, at + end)?.trim_end_matches(' ');
                let mark = self.mark(index, at);
                let node = self.resolve(Scalar {
                    value: text.to_owned(),
                    plain: true,
                    mark,
                })?;
                (node, end)
            }
        };
        if !trailing_is_empty(rest.get(length..)?) {
            return None;
        }
        if let Some(next) = self.next_content(index + 1)
            && self.line(next)?.indent > parent
        {
            return None;
        }
        Some(node)
    }

    /// Parses a flow collection or flow scalar starting at byte offset `at`
    /// of line `index`; returns it and its length in bytes. The whole
    /// collection must be on this line.
    fn flow_node(&mut self, index: usize, at: usize) -> Option<(Node, usize)> {
        let rest = self.rest(index, at)?;
        let mark = self.mark(index, at);
        match *rest.first()? {
            open @ (b'[' | b'{') => {
                self.open()?;
                let close = if open == b'[' { b']' } else { b'}' };
                let mut position = 1 + spaces(rest.get(1..)?);
                let mut items = Vec::new();
                let mut pairs: Vec<(Node, Node)> = Vec::new();
                if rest.get(position) != Some(&close) {
                    loop {
                        let (first, length) = self.flow_node(index, at + position)?;
                        position += length;
                        position += spaces(rest.get(position..)?);
                        if open == b'{' {
                            // `key: value`; the key is a scalar.
                            if matches!(first.value, NodeValue::Sequence(_) | NodeValue::Mapping(_))
                            {
                                return None;
                            }
                            if rest.get(position) != Some(&b':')
                                || rest.get(position + 1) != Some(&b' ')
                                || length > MAX_KEY_BYTES
                            {
                                return None;
                            }
                            position += 1 + spaces(rest.get(position + 1..)?);
                            let (value, length) = self.flow_node(index, at + position)?;
                            position += length;
                            position += spaces(rest.get(position..)?);
                            let name = property_name(&first).ok()?;
                            if pairs.len() >= MAX_PAIRS {
                                return None;
                            }
                            if pairs.iter().any(|(other, _)| {
                                property_name(other).is_ok_and(|other| other == name)
                            }) {
                                return None;
                            }
                            pairs.push((first, value));
                        } else {
                            // `[a: b]` is a one-pair mapping: left to the
                            // general parser.
                            if rest.get(position) == Some(&b':') {
                                return None;
                            }
                            items.push(first);
                        }
                        match rest.get(position) {
                            Some(b',') => {
                                position += 1 + spaces(rest.get(position + 1..)?);
                                // A trailing comma is left to the general parser.
                                if rest.get(position) == Some(&close) {
                                    return None;
                                }
                            }
                            Some(&byte) if byte == close => break,
                            _ => return None,
                        }
                    }
                }
                self.close();
                let value = if open == b'[' {
                    NodeValue::Sequence(items)
                } else {
                    NodeValue::Mapping(pairs)
                };
                Some((Node { value, mark }, position + 1))
            }
            b'"' | b'\'' => {
                let (value, length) = quoted(rest)?;
                let node = self.resolve(Scalar {
                    value,
                    plain: false,
                    mark,
                })?;
                Some((node, length))
            }
            first => {
                if starts_indicator(first) && !plain_start(first, rest.get(1).copied(), true) {
                    return None;
                }
                let mut end = rest.len();
                for (position, &byte) in rest.iter().enumerate().skip(1) {
                    let next = rest.get(position + 1).copied();
                    let ends = is_flow_indicator(byte)
                        || (byte == b':' && matches!(next, None | Some(b' ')))
                        || (byte == b':' && next.is_some_and(is_flow_indicator))
                        || (byte == b'#' && rest.get(position.wrapping_sub(1)) == Some(&b' '));
                    if ends {
                        end = position;
                        break;
                    }
                }
                // A `:` directly before a flow indicator, or a comment, is
                // left to the general parser.
                if rest.get(end) == Some(&b':') && rest.get(end + 1) != Some(&b' ') {
                    return None;
                }
                if rest.get(end) == Some(&b'#') {
                    return None;
                }
                let trimmed = self.slice(index, at, at + end)?.trim_end_matches(' ');
                let node = self.resolve(Scalar {
                    value: trimmed.to_owned(),
                    plain: true,
                    mark,
                })?;
                Some((node, trimmed.len()))
            }
        }
    }

    fn resolve(&mut self, scalar: Scalar) -> Option<Node> {
        self.count()?;
        let value = if scalar.plain && core_might_resolve(&scalar.value) {
            Schema::Core.resolve(&scalar.value, true, None).ok()?
        } else {
            // Quoted scalars, and plain ones no core rule can match, are
            // strings.
            NodeValue::String(scalar.value)
        };
        Some(Node {
            value,
            mark: scalar.mark,
        })
    }
}

/// Returns false when no rule of the core schema can match `text`: every
/// rule needs a first character of `~`, a digit, a sign or a dot, or is one
/// of the null and boolean words.
fn core_might_resolve(text: &str) -> bool {
    match text.as_bytes().first() {
        None => true,
        Some(b'~' | b'0'..=b'9' | b'+' | b'-' | b'.') => true,
        Some(_) => matches!(
            text,
            "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        ),
    }
}

fn spaces(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| b == b' ').count()
}

/// Returns true for nothing but spaces and an optional comment after at
/// least one space.
fn trailing_is_empty(rest: &[u8]) -> bool {
    let blank = spaces(rest);
    match rest.get(blank) {
        None => true,
        Some(b'#') => blank > 0,
        Some(_) => false,
    }
}

/// Reads a one-line quoted scalar at the start of `bytes`; returns its value
/// and its length including the quotes.
fn quoted(bytes: &[u8]) -> Option<(String, usize)> {
    let quote = *bytes.first()?;
    let mut value: Vec<u8> = Vec::new();
    let mut position = 1;
    loop {
        let byte = *bytes.get(position)?;
        if quote == b'\'' {
            if byte == b'\'' {
                if bytes.get(position + 1) == Some(&b'\'') {
                    value.push(b'\'');
                    position += 2;
                    continue;
                }
                break;
            }
            value.push(byte);
            position += 1;
            continue;
        }
        match byte {
            b'"' => break,
            b'\\' => {
                let escape = *bytes.get(position + 1)?;
                position += 2;
                let simple = match escape {
                    b'0' => Some('\0'),
                    b'a' => Some('\u{07}'),
                    b'b' => Some('\u{08}'),
                    b't' => Some('\t'),
                    b'n' => Some('\n'),
                    b'v' => Some('\u{0b}'),
                    b'f' => Some('\u{0c}'),
                    b'r' => Some('\r'),
                    b'e' => Some('\u{1b}'),
                    b' ' => Some(' '),
                    b'"' => Some('"'),
                    b'/' => Some('/'),
                    b'\\' => Some('\\'),
                    b'N' => Some('\u{85}'),
                    b'_' => Some('\u{a0}'),
                    b'L' => Some('\u{2028}'),
                    b'P' => Some('\u{2029}'),
                    _ => None,
                };
                let c = match simple {
                    Some(c) => c,
                    None => {
                        let digits = match escape {
                            b'x' => 2,
                            b'u' => 4,
                            b'U' => 8,
                            _ => return None,
                        };
                        let hex =
                            std::str::from_utf8(bytes.get(position..position + digits)?).ok()?;
                        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return None;
                        }
                        position += digits;
                        // Surrogates and out-of-range values are left to
                        // the general parser.
                        char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                    }
                };
                let mut buffer = [0u8; 4];
                value.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            }
            _ => {
                value.push(byte);
                position += 1;
            }
        }
    }
    Some((String::from_utf8(value).ok()?, position + 1))
}
