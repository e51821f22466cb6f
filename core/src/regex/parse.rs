//! A recursive-descent parser for ECMAScript patterns in non-unicode mode,
//! with the Annex B grammar that web browsers and Node.js accept.
//!
//! The parser reads the pattern as UTF-16 code units, as JavaScript does, so
//! an astral character in the source is two code units here too. It reports
//! the first syntax error it meets. Constructs that parse but cannot run in
//! linear time (lookaround, backreferences) are recorded and reported only
//! after the whole pattern parsed, because an invalid pattern must be
//! reported as a syntax error even when it also uses such a construct.

mod character_class;
mod escape;
mod group_name;

use super::ast::{Assertion, Node, Repeat};
use super::class::UnitSet;
use super::{MAX_NESTING, MAX_REPETITION_COUNT, RegexError};

/// The value at which V8 stops reading the digits of a quantifier bound.
/// Bounds this large are rejected as too large, but the order check of
/// `{n,m}` compares the saturated values, as V8 does.
const SATURATED_COUNT: u32 = i32::MAX as u32;

/// Parses an ECMAScript pattern (no flags).
///
/// Returns REGEX_SYNTAX for a pattern that `new RegExp(pattern)` rejects,
/// REGEX_TOO_LARGE when groups nest deeper than [`MAX_NESTING`] or a
/// quantifier count is above [`MAX_REPETITION_COUNT`], and
/// REGEX_UNSUPPORTED for a valid pattern that uses lookaround, a
/// backreference or a non-ASCII capture group name.
pub(super) fn parse(pattern: &str) -> Result<Node, RegexError> {
    let units: Vec<u16> = pattern.encode_utf16().collect();
    let captures = scan_captures(&units);
    let mut parser = Parser {
        units: &units,
        pos: 0,
        depth: 0,
        capture_count: captures.count,
        has_named_groups: captures.has_named_groups,
        group_names: Vec::new(),
        named_references: Vec::new(),
        unsupported: None,
    };

    let node = parser.parse_disjunction()?;
    if parser.pos < units.len() {
        // INVARIANT: a disjunction stops only at the end or at `)`.
        return Err(parser.syntax_error(parser.pos, "unmatched `)`".to_owned()));
    }

    parser.check_named_references()?;
    match parser.unsupported {
        Some(error) => Err(error),
        None => Ok(node),
    }
}

/// What a scan of the whole pattern finds before parsing: the number of
/// capturing groups, which decides whether `\2` is a backreference or an
/// octal escape, and whether any group is named, which decides whether `\k`
/// starts a named backreference or is the letter `k`.
struct CaptureScan {
    count: u32,
    has_named_groups: bool,
}

/// Counts capturing groups the way V8 does before it has checked that the
/// pattern is valid: it skips escaped units and character classes, and
/// counts every `(` not followed by `?`, plus every `(?<` that is not a
/// lookbehind.
fn scan_captures(units: &[u16]) -> CaptureScan {
    let mut scan = CaptureScan {
        count: 0,
        has_named_groups: false,
    };
    let mut iter = units.iter().copied().peekable();
    while let Some(unit) = iter.next() {
        match ascii(unit) {
            Some(b'\\') => {
                iter.next();
            }
            Some(b'[') => {
                while let Some(inner) = iter.next() {
                    match ascii(inner) {
                        Some(b'\\') => {
                            iter.next();
                        }
                        Some(b']') => break,
                        _ => {}
                    }
                }
            }
            Some(b'(') => {
                if iter.peek().copied().and_then(ascii) == Some(b'?') {
                    iter.next();
                    if iter.peek().copied().and_then(ascii) != Some(b'<') {
                        continue;
                    }
                    iter.next();
                    if matches!(iter.peek().copied().and_then(ascii), Some(b'=' | b'!')) {
                        continue;
                    }
                    scan.has_named_groups = true;
                }
                scan.count = scan.count.saturating_add(1);
            }
            _ => {}
        }
    }
    scan
}

/// Returns the unit as an ASCII byte, or `None` for any other unit.
fn ascii(unit: u16) -> Option<u8> {
    u8::try_from(unit).ok().filter(u8::is_ascii)
}

fn is_high_surrogate(unit: u16) -> bool {
    (0xD800..=0xDBFF).contains(&unit)
}

fn is_low_surrogate(unit: u16) -> bool {
    (0xDC00..=0xDFFF).contains(&unit)
}

/// A parsed `{n}`, `{n,}` or `{n,m}`; `end` is the index after the `}`.
struct Interval {
    min: u32,
    max: Option<u32>,
    end: usize,
}

/// What kind of atom was parsed, which decides whether a quantifier may follow.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AtomKind {
    Quantifiable,
    /// Lookbehind, which V8 rejects when quantified (lookahead is quantifiable
    /// in the Annex B grammar).
    Lookbehind,
}

struct Parser<'a> {
    units: &'a [u16],
    pos: usize,
    /// Number of groups that enclose `pos`.
    depth: usize,
    capture_count: u32,
    has_named_groups: bool,
    /// Names of the named groups parsed so far, as code points.
    group_names: Vec<Vec<u32>>,
    /// Each `\k<name>` with the index of its backslash, checked once every
    /// group name is known because a reference may come before its group.
    named_references: Vec<(Vec<u32>, usize)>,
    /// The first construct that is valid but cannot run in linear time.
    unsupported: Option<RegexError>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u16> {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> Option<u16> {
        self.units.get(self.pos + ahead).copied()
    }

    fn peek_ascii(&self, ahead: usize) -> Option<u8> {
        self.peek_at(ahead).and_then(ascii)
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek_ascii(0) == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    // Disjunction :: Alternative ( `|` Alternative )*
    fn parse_disjunction(&mut self) -> Result<Node, RegexError> {
        let first = self.parse_alternative()?;
        if self.peek_ascii(0) != Some(b'|') {
            return Ok(first);
        }

        let mut alternatives = vec![first];
        while self.eat(b'|') {
            alternatives.push(self.parse_alternative()?);
        }
        Ok(Node::Alternation(alternatives))
    }

    fn parse_alternative(&mut self) -> Result<Node, RegexError> {
        let mut terms = Vec::new();
        while let Some(unit) = self.peek() {
            if matches!(ascii(unit), Some(b'|' | b')')) {
                break;
            }
            terms.push(self.parse_term()?);
        }

        if terms.len() <= 1 {
            return Ok(terms.pop().unwrap_or(Node::Empty));
        }
        Ok(Node::Concat(terms))
    }

    // Term :: Assertion | Atom Quantifier?
    fn parse_term(&mut self) -> Result<Node, RegexError> {
        let assertion = match (self.peek_ascii(0), self.peek_ascii(1)) {
            (Some(b'^'), _) => Some((Assertion::Start, 1)),
            (Some(b'$'), _) => Some((Assertion::End, 1)),
            (Some(b'\\'), Some(b'b')) => Some((Assertion::WordBoundary, 2)),
            (Some(b'\\'), Some(b'B')) => Some((Assertion::NotWordBoundary, 2)),
            _ => None,
        };
        if let Some((assertion, length)) = assertion {
            self.pos += length;
            if let Some(end) = self.quantifier_end() {
                return Err(self.nothing_to_repeat(self.pos, end));
            }
            return Ok(Node::Assertion(assertion));
        }

        let (atom, kind) = self.parse_atom()?;
        self.parse_quantifier(atom, kind)
    }

    /// Returns the end of the quantifier at `pos`, if one starts there.
    fn quantifier_end(&self) -> Option<usize> {
        match self.peek_ascii(0) {
            Some(b'*' | b'+' | b'?') => Some(self.pos + 1),
            Some(b'{') => self.interval_at(self.pos).map(|interval| interval.end),
            _ => None,
        }
    }

    fn nothing_to_repeat(&self, start: usize, end: usize) -> RegexError {
        let quantifier = self.source_text(start, end);
        self.syntax_error(
            start,
            format!("quantifier `{quantifier}` has nothing to repeat"),
        )
    }

    fn parse_atom(&mut self) -> Result<(Node, AtomKind), RegexError> {
        let start = self.pos;
        let Some(unit) = self.peek() else {
            return Ok((Node::Empty, AtomKind::Quantifiable));
        };

        let node = match ascii(unit) {
            Some(b'.') => {
                self.pos += 1;
                Node::Class(UnitSet::dot())
            }
            Some(b'(') => return self.parse_group(),
            Some(b'[') => self.parse_class()?,
            Some(b'\\') => self.parse_atom_escape()?,
            Some(b'*' | b'+' | b'?') => return Err(self.nothing_to_repeat(start, start + 1)),
            Some(b'{') => {
                if let Some(interval) = self.interval_at(start) {
                    return Err(self.nothing_to_repeat(start, interval.end));
                }
                // Annex B: a `{` that starts no quantifier is a literal.
                self.pos += 1;
                Node::Unit(unit)
            }
            // Every other unit, including `]` and `}`, is a literal.
            _ => {
                self.pos += 1;
                Node::Unit(unit)
            }
        };
        Ok((node, AtomKind::Quantifiable))
    }

    fn parse_quantifier(&mut self, atom: Node, kind: AtomKind) -> Result<Node, RegexError> {
        let start = self.pos;
        let (min, max) = match self.peek_ascii(0) {
            Some(b'*') => (0, None),
            Some(b'+') => (1, None),
            Some(b'?') => (0, Some(1)),
            Some(b'{') => match self.interval_at(start) {
                Some(interval) => (interval.min, interval.max),
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        self.pos = self.quantifier_end().unwrap_or(start + 1);

        let quantifier = self.source_text(start, self.pos);
        if max.is_some_and(|max| max < min) {
            return Err(self.syntax_error(
                start,
                format!("quantifier `{quantifier}` has its minimum above its maximum"),
            ));
        }
        if min.max(max.unwrap_or(0)) > MAX_REPETITION_COUNT {
            return Err(RegexError::too_large(
                format!("quantifier `{quantifier}` repeats more than {MAX_REPETITION_COUNT} times"),
                self.char_offset(start),
            ));
        }
        // A lazy quantifier matches the same inputs as a greedy one.
        self.eat(b'?');
        if kind == AtomKind::Lookbehind {
            return Err(self.syntax_error(
                start,
                format!("quantifier `{quantifier}` cannot follow a lookbehind"),
            ));
        }

        Ok(Node::Repeat(Box::new(Repeat {
            node: atom,
            min,
            max,
        })))
    }

    /// Parses `{n}`, `{n,}` or `{n,m}` at `start`. Returns `None` when the
    /// text there is not one of those forms, so the `{` is a literal.
    fn interval_at(&self, start: usize) -> Option<Interval> {
        let mut pos = start;
        let unit_at = |pos: usize| self.units.get(pos).copied().and_then(ascii);
        if unit_at(pos) != Some(b'{') {
            return None;
        }
        pos += 1;

        let (min, after_min) = self.decimal_at(pos)?;
        pos = after_min;
        match unit_at(pos) {
            Some(b'}') => Some(Interval {
                min,
                max: Some(min),
                end: pos + 1,
            }),
            Some(b',') => {
                pos += 1;
                if unit_at(pos) == Some(b'}') {
                    return Some(Interval {
                        min,
                        max: None,
                        end: pos + 1,
                    });
                }
                let (max, after_max) = self.decimal_at(pos)?;
                if unit_at(after_max) != Some(b'}') {
                    return None;
                }
                Some(Interval {
                    min,
                    max: Some(max),
                    end: after_max + 1,
                })
            }
            _ => None,
        }
    }

    /// Reads the decimal digits at `start`, saturating at [`SATURATED_COUNT`].
    /// Returns the value and the index after the digits, or `None` when no
    /// digit is there.
    fn decimal_at(&self, start: usize) -> Option<(u32, usize)> {
        let mut value: u32 = 0;
        let mut pos = start;
        while let Some(digit) = self.units.get(pos).copied().and_then(ascii) {
            if !digit.is_ascii_digit() {
                break;
            }
            value = value
                .saturating_mul(10)
                .saturating_add(u32::from(digit - b'0'))
                .min(SATURATED_COUNT);
            pos += 1;
        }
        (pos > start).then_some((value, pos))
    }

    fn parse_group(&mut self) -> Result<(Node, AtomKind), RegexError> {
        let start = self.pos;
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(RegexError::too_large(
                format!("groups are nested more than {MAX_NESTING} levels deep"),
                self.char_offset(start),
            ));
        }

        let mut kind = AtomKind::Quantifiable;
        let mut is_lookaround = false;
        if self.peek_ascii(1) == Some(b'?') {
            match (self.peek_ascii(2), self.peek_ascii(3)) {
                (Some(b':'), _) => self.pos += 3,
                (Some(b'='), _) => {
                    self.open_lookaround(start, 3, "lookahead `(?=`");
                    is_lookaround = true;
                }
                (Some(b'!'), _) => {
                    self.open_lookaround(start, 3, "negative lookahead `(?!`");
                    is_lookaround = true;
                }
                (Some(b'<'), Some(b'=')) => {
                    self.open_lookaround(start, 4, "lookbehind `(?<=`");
                    is_lookaround = true;
                    kind = AtomKind::Lookbehind;
                }
                (Some(b'<'), Some(b'!')) => {
                    self.open_lookaround(start, 4, "negative lookbehind `(?<!`");
                    is_lookaround = true;
                    kind = AtomKind::Lookbehind;
                }
                (Some(b'<'), _) => {
                    self.pos += 3;
                    let name = self.parse_group_name(start)?;
                    if self.group_names.contains(&name) {
                        // NOTE: V8 12.5 and later accept one name in separate
                        // alternatives, such as `(?<y>a)|(?<y>b)`. This parser
                        // follows Node.js 20, which rejects every duplicate.
                        return Err(self.syntax_error(
                            start,
                            format!("duplicate capture group name `{}`", render_name(&name)),
                        ));
                    }
                    self.group_names.push(name);
                }
                _ => {
                    let group = self.source_text(start, start + 3);
                    return Err(self.syntax_error(
                        start,
                        format!(
                            "invalid group `{group}`: ECMAScript has no inline flags, and `(?` \
                             must be followed by `:`, `=`, `!`, `<=`, `<!` or `<name>`"
                        ),
                    ));
                }
            }
        } else {
            self.pos += 1;
        }

        let body = self.parse_disjunction()?;
        if !self.eat(b')') {
            return Err(self.syntax_error(start, "group `(` is never closed".to_owned()));
        }
        self.depth -= 1;

        if is_lookaround {
            // The body was parsed only to check its syntax: the lookaround is
            // already recorded as unsupported.
            return Ok((Node::Empty, kind));
        }
        Ok((Node::Group(Box::new(body)), kind))
    }

    fn open_lookaround(&mut self, start: usize, length: usize, construct: &str) {
        self.pos = start + length;
        self.record_unsupported(
            start,
            format!("{construct} is not supported: the engine only runs patterns that match in linear time"),
        );
    }

    /// Checks that every `\k<name>` names a group of the pattern.
    fn check_named_references(&self) -> Result<(), RegexError> {
        for (name, start) in &self.named_references {
            if !self.group_names.contains(name) {
                return Err(self.syntax_error(
                    *start,
                    format!(
                        "backreference `\\k<{}>` names no capture group",
                        render_name(name)
                    ),
                ));
            }
        }
        Ok(())
    }

    fn record_unsupported(&mut self, start: usize, message: String) {
        if self.unsupported.is_none() {
            self.unsupported = Some(RegexError::unsupported(message, self.char_offset(start)));
        }
    }

    fn syntax_error(&self, start: usize, message: String) -> RegexError {
        RegexError::syntax(message, self.char_offset(start))
    }

    /// Converts a code unit index to a character offset. Every surrogate in
    /// the units belongs to a pair, because they come from a `str`, so each
    /// low surrogate before the index is the second unit of one character.
    fn char_offset(&self, index: usize) -> usize {
        let before = self.units.get(..index).unwrap_or(self.units);
        before.len()
            - before
                .iter()
                .filter(|&&unit| is_low_surrogate(unit))
                .count()
    }

    /// Returns the source between two unit indexes for an error message,
    /// widened so that no surrogate pair is cut, with control characters
    /// escaped.
    fn source_text(&self, start: usize, end: usize) -> String {
        let mut start = start.min(self.units.len());
        let mut end = end.clamp(start, self.units.len());
        if start > 0 && self.units.get(start).copied().is_some_and(is_low_surrogate) {
            start -= 1;
        }
        if end < self.units.len() && self.units.get(end).copied().is_some_and(is_low_surrogate) {
            end += 1;
        }
        let text = String::from_utf16_lossy(self.units.get(start..end).unwrap_or(&[]));
        escape_controls(&text)
    }
}

/// Renders a group name for a message, escaping what cannot be shown.
fn render_name(name: &[u32]) -> String {
    let text: String = name
        .iter()
        .map(|&code_point| char::from_u32(code_point).unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    escape_controls(&text)
}

fn escape_controls(text: &str) -> String {
    text.chars()
        .map(|character| {
            if character.is_control() {
                character.escape_unicode().to_string()
            } else {
                character.to_string()
            }
        })
        .collect()
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

    fn units(text: &str) -> Vec<u16> {
        text.encode_utf16().collect()
    }

    fn literal(text: &str) -> Node {
        let nodes: Vec<Node> = units(text).into_iter().map(Node::Unit).collect();
        Node::Concat(nodes)
    }

    fn class(ranges: &[(u16, u16)]) -> Node {
        Node::Class(UnitSet::from_ranges(ranges.to_vec()))
    }

    #[test]
    fn scan_counts_capturing_groups_only() {
        let scan = scan_captures(&units(r"(a)(?:b)(?<n>c)(?<=d)(?<!e)(?=f)[(]\(("));

        assert_eq!(scan.count, 3);
        assert!(scan.has_named_groups);
    }

    #[test]
    fn scan_skips_escaped_bracket_in_class() {
        let scan = scan_captures(&units(r"[\](](a)"));

        assert_eq!(scan.count, 1);
        assert!(!scan.has_named_groups);
    }

    #[test]
    fn brace_without_quantifier_is_literal() {
        assert_eq!(parse("a{,5}").unwrap(), literal("a{,5}"));
        assert_eq!(parse("}]").unwrap(), literal("}]"));
    }

    #[test]
    fn legacy_octal_reads_at_most_0o377() {
        assert_eq!(parse(r"\400").unwrap(), literal(" 0"));
        assert_eq!(parse(r"\377").unwrap(), Node::Unit(0xFF));
        assert_eq!(parse(r"\08").unwrap(), literal("\u{0}8"));
    }

    #[test]
    fn unicode_brace_escape_is_repeated_u() {
        let expected = Node::Repeat(Box::new(Repeat {
            node: Node::Unit(u16::from(b'u')),
            min: 41,
            max: Some(41),
        }));

        assert_eq!(parse(r"\u{41}").unwrap(), expected);
    }

    #[test]
    fn control_escape_without_letter_is_backslash() {
        assert_eq!(parse(r"\c1").unwrap(), literal("\\c1"));
    }

    #[test]
    fn class_control_escape_accepts_digits() {
        assert_eq!(parse(r"[\c1]").unwrap(), class(&[(0x11, 0x11)]));
        assert_eq!(parse(r"[\c_]").unwrap(), class(&[(0x1F, 0x1F)]));
    }

    #[test]
    fn class_escape_range_is_union() {
        let expected = class(&[(0x2D, 0x2D), (0x30, 0x39), (0x61, 0x61)]);

        assert_eq!(parse(r"[\d-a]").unwrap(), expected);
    }

    #[test]
    fn class_backspace_escape() {
        assert_eq!(parse(r"[\b]").unwrap(), class(&[(0x08, 0x08)]));
    }

    #[test]
    fn posix_class_is_a_set_and_a_bracket() {
        let set = class(&[
            (0x3A, 0x3A),
            (0x61, 0x61),
            (0x68, 0x68),
            (0x6C, 0x6C),
            (0x70, 0x70),
            (0x5B, 0x5B),
        ]);

        assert_eq!(
            parse("[[:alpha:]]").unwrap(),
            Node::Concat(vec![set, Node::Unit(u16::from(b']'))])
        );
    }

    #[test]
    fn astral_literal_is_two_units() {
        assert_eq!(
            parse("\u{1F600}").unwrap(),
            Node::Concat(vec![Node::Unit(0xD83D), Node::Unit(0xDE00)])
        );
    }

    #[test]
    fn quantifier_after_astral_literal_repeats_low_unit() {
        let expected = Node::Concat(vec![
            Node::Unit(0xD83D),
            Node::Repeat(Box::new(Repeat {
                node: Node::Unit(0xDE00),
                min: 1,
                max: None,
            })),
        ]);

        assert_eq!(parse("\u{1F600}+").unwrap(), expected);
    }

    #[test]
    fn lookaround_body_is_checked_for_syntax() {
        assert_eq!(parse("(?=a{2,1})").unwrap_err().code(), "REGEX_SYNTAX");
        assert_eq!(parse("(?=a)").unwrap_err().code(), "REGEX_UNSUPPORTED");
    }

    #[test]
    fn first_unsupported_construct_is_reported() {
        let error = parse(r"(a)\1(?=b)").unwrap_err();

        assert!(
            error.message().starts_with("backreference `\\1`"),
            "{}",
            error.message()
        );
        assert_eq!(error.offset(), 3);
    }

    #[test]
    fn saturated_bounds_pass_the_order_check() {
        assert_eq!(
            parse("a{2147483648,2147483647}").unwrap_err().code(),
            "REGEX_TOO_LARGE"
        );
        assert_eq!(parse("a{3,2}").unwrap_err().code(), "REGEX_SYNTAX");
    }

    #[test]
    fn duplicate_group_name_is_syntax_error() {
        let error = parse("(?<a>x)|(?<a>y)").unwrap_err();

        assert_eq!(error.code(), "REGEX_SYNTAX");
        assert_eq!(error.message(), "duplicate capture group name `a`");
        assert_eq!(error.offset(), 8);
    }
}
