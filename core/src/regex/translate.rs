//! Translation of ECMAScript pattern syntax to `regex` crate syntax.

use std::fmt::Write as _;

use super::{MAX_NESTING, RegexError};

/// JavaScript's `\s`: WhiteSpace and LineTerminator code points.
const WHITESPACE: &[(u32, u32)] = &[
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
];
const DIGITS: &[(u32, u32)] = &[(0x30, 0x39)];
const WORD: &[(u32, u32)] = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
/// What `.` matches: everything but \n, \r, U+2028 and U+2029.
const DOT: &[(u32, u32)] = &[
    (0x00, 0x09),
    (0x0B, 0x0C),
    (0x0E, 0x2027),
    (0x202A, 0x10FFFF),
];
const SURROGATES: (u32, u32) = (0xD800, 0xDFFF);
/// A class that matches nothing.
const NOTHING: &str = "[^\\x{0}-\\x{10FFFF}]";

/// Translates `pattern`, or explains why it cannot be run faithfully.
pub(super) fn translate(pattern: &str) -> Result<String, RegexError> {
    let chars: Vec<char> = pattern.chars().collect();
    let (capturing_groups, has_named_groups) = count_groups(&chars);
    let mut parser = Parser {
        chars,
        position: 0,
        depth: 0,
        capturing_groups,
        has_named_groups,
        out: String::with_capacity(pattern.len() * 2),
    };
    parser.disjunction()?;
    if parser.position < parser.chars.len() {
        return Err(parser.syntax("unmatched `)`"));
    }
    Ok(parser.out)
}

/// Counts capturing groups and notes whether any is named, skipping escapes
/// and classes, so that `\2` can be told apart from an octal escape.
fn count_groups(chars: &[char]) -> (usize, bool) {
    let mut count = 0;
    let mut named = false;
    let mut in_class = false;
    let mut position = 0;
    while let Some(&c) = chars.get(position) {
        match c {
            '\\' => position += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => {
                if chars.get(position + 1) != Some(&'?') {
                    count += 1;
                } else if chars.get(position + 2) == Some(&'<')
                    && !matches!(chars.get(position + 3), Some('=' | '!'))
                {
                    count += 1;
                    named = true;
                }
            }
            _ => {}
        }
        position += 1;
    }
    (count, named)
}

/// One element of a character class.
enum ClassItem {
    Char(u32),
    Set(Vec<(u32, u32)>),
}

struct Parser {
    chars: Vec<char>,
    position: usize,
    depth: usize,
    capturing_groups: usize,
    has_named_groups: bool,
    out: String,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.position).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.position + offset).copied()
    }

    fn syntax(&self, what: &str) -> RegexError {
        RegexError::new(
            "REGEX_SYNTAX",
            format!("invalid regular expression: {what}"),
            self.position,
        )
    }

    fn unsupported(&self, what: &str) -> RegexError {
        RegexError::new(
            "REGEX_UNSUPPORTED",
            format!(
                "{what} is not supported: patterns must run in linear time with JavaScript's meaning"
            ),
            self.position,
        )
    }

    fn enter(&mut self) -> Result<(), RegexError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(RegexError::new(
                "REGEX_TOO_LARGE",
                format!("groups are nested deeper than the limit of {MAX_NESTING}"),
                self.position,
            ));
        }
        Ok(())
    }

    fn disjunction(&mut self) -> Result<(), RegexError> {
        loop {
            self.alternative()?;
            if self.peek() == Some('|') {
                self.position += 1;
                self.out.push('|');
            } else {
                return Ok(());
            }
        }
    }

    fn alternative(&mut self) -> Result<(), RegexError> {
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                return Ok(());
            }
            self.term()?;
        }
        Ok(())
    }

    fn term(&mut self) -> Result<(), RegexError> {
        let start = self.position;
        let Some(c) = self.peek() else {
            return Ok(());
        };
        // Assertions take no quantifier.
        let assertion = match c {
            '^' => Some("\\A"),
            '$' => Some("\\z"),
            '\\' if self.peek_at(1) == Some('b') => Some("(?-u:\\b)"),
            '\\' if self.peek_at(1) == Some('B') => Some("(?-u:\\B)"),
            _ => None,
        };
        if let Some(translation) = assertion {
            self.position += if c == '\\' { 2 } else { 1 };
            self.out.push_str(translation);
            if self.quantifier_ahead() {
                return Err(self.syntax("nothing to repeat after an assertion"));
            }
            return Ok(());
        }

        let atom_start = self.out.len();
        let astral = self.atom()?;
        if self.quantifier_ahead() {
            if astral {
                return Err(RegexError::new(
                    "REGEX_UNSUPPORTED",
                    "a quantifier after a character outside the Basic Multilingual Plane is not supported: JavaScript repeats only its second UTF-16 code unit".to_owned(),
                    start,
                ));
            }
            // Wrap the atom so that the quantifier applies to all of it.
            self.out.insert_str(atom_start, "(?:");
            self.out.push(')');
            self.quantifier()?;
        }
        Ok(())
    }

    /// Returns true when a quantifier starts here: `*`, `+`, `?` or a
    /// well-formed `{n}`, `{n,}`, `{n,m}`.
    fn quantifier_ahead(&self) -> bool {
        match self.peek() {
            Some('*' | '+' | '?') => true,
            Some('{') => self.braced_quantifier().is_some(),
            _ => false,
        }
    }

    /// Parses `{n}`, `{n,}` or `{n,m}` at the cursor without consuming it;
    /// returns the bounds and the length of the text.
    fn braced_quantifier(&self) -> Option<(String, Option<String>, bool, usize)> {
        let mut offset = 1;
        let digits = |offset: &mut usize| {
            let mut text = String::new();
            while let Some(d) = self.peek_at(*offset).filter(char::is_ascii_digit) {
                text.push(d);
                *offset += 1;
            }
            text
        };
        let min = digits(&mut offset);
        if min.is_empty() {
            return None;
        }
        let (max, open) = if self.peek_at(offset) == Some(',') {
            offset += 1;
            let max = digits(&mut offset);
            if max.is_empty() {
                (None, true)
            } else {
                (Some(max), false)
            }
        } else {
            (None, false)
        };
        if self.peek_at(offset) != Some('}') {
            return None;
        }
        Some((min, max, open, offset + 1))
    }

    fn quantifier(&mut self) -> Result<(), RegexError> {
        match self.peek() {
            Some(c @ ('*' | '+' | '?')) => {
                self.position += 1;
                self.out.push(c);
            }
            _ => {
                let Some((min, max, open, length)) = self.braced_quantifier() else {
                    return Err(self.syntax("malformed quantifier"));
                };
                let bound = |text: &str| text.trim_start_matches('0').parse::<u64>().unwrap_or(0);
                let too_large = |text: &str| text.trim_start_matches('0').len() > 6;
                if too_large(&min) || max.as_deref().is_some_and(too_large) {
                    return Err(RegexError::new(
                        "REGEX_TOO_LARGE",
                        "repetition counts are limited to 999999".to_owned(),
                        self.position,
                    ));
                }
                if let Some(max) = &max
                    && bound(&min) > bound(max)
                {
                    return Err(self.syntax("numbers out of order in a {} quantifier"));
                }
                let _ = write!(self.out, "{{{}", bound(&min));
                if open {
                    self.out.push(',');
                }
                if let Some(max) = &max {
                    let _ = write!(self.out, ",{}", bound(max));
                }
                self.out.push('}');
                self.position += length;
            }
        }
        if self.peek() == Some('?') {
            self.position += 1;
            self.out.push('?');
        }
        Ok(())
    }

    /// Translates one atom. Returns true when it is a single character
    /// outside the Basic Multilingual Plane.
    fn atom(&mut self) -> Result<bool, RegexError> {
        let Some(c) = self.peek() else {
            return Ok(false);
        };
        match c {
            '.' => {
                self.position += 1;
                push_set(&mut self.out, DOT, false);
            }
            '(' => self.group()?,
            '[' => self.class()?,
            '\\' => return self.escape(),
            '*' | '+' | '?' => return Err(self.syntax("nothing to repeat")),
            '{' if self.braced_quantifier().is_some() => {
                return Err(self.syntax("nothing to repeat"));
            }
            ')' => return Err(self.syntax("unmatched `)`")),
            _ => {
                self.position += 1;
                push_char(&mut self.out, u32::from(c));
                return Ok(u32::from(c) > 0xFFFF);
            }
        }
        Ok(false)
    }

    fn group(&mut self) -> Result<(), RegexError> {
        self.enter()?;
        self.position += 1;
        if self.peek() == Some('?') {
            match (self.peek_at(1), self.peek_at(2)) {
                (Some(':'), _) => self.position += 2,
                (Some('=' | '!'), _) => return Err(self.unsupported("lookahead `(?=` or `(?!`")),
                (Some('<'), Some('=' | '!')) => {
                    return Err(self.unsupported("lookbehind `(?<=` or `(?<!`"));
                }
                (Some('<'), _) => {
                    self.position += 2;
                    let name_start = self.position;
                    while self
                        .peek()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
                    {
                        self.position += 1;
                    }
                    let first = self.chars.get(name_start).copied();
                    if self.position == name_start
                        || first.is_some_and(|c| c.is_ascii_digit())
                        || self.peek() != Some('>')
                    {
                        return Err(self.syntax("invalid capture group name"));
                    }
                    self.position += 1;
                }
                _ => {
                    return Err(
                        self.syntax("invalid group: `(?` must be followed by `:`, `=`, `!` or `<`")
                    );
                }
            }
        }
        self.out.push_str("(?:");
        self.disjunction()?;
        if self.peek() != Some(')') {
            return Err(self.syntax("unterminated group"));
        }
        self.position += 1;
        self.out.push(')');
        self.depth -= 1;
        Ok(())
    }

    /// Translates an escape outside a class. Returns true for an astral
    /// character (a surrogate pair written as two `\u` escapes).
    fn escape(&mut self) -> Result<bool, RegexError> {
        let escape_start = self.position;
        self.position += 1;
        let Some(c) = self.peek() else {
            return Err(self.syntax("`\\` at end of pattern"));
        };
        if let Some(set) = class_escape(c) {
            self.position += 1;
            let (ranges, negated) = set;
            push_set(&mut self.out, ranges, negated);
            return Ok(false);
        }
        if c.is_ascii_digit() && c != '0' {
            let digits = self.take_while(|d| d.is_ascii_digit());
            let number: usize = digits.parse().unwrap_or(usize::MAX);
            if number <= self.capturing_groups {
                self.position = escape_start;
                return Err(self.unsupported("a backreference"));
            }
            // Annex B: with no such group, `\8` and `\9` are literal digits
            // and other digits start a legacy octal escape.
            self.position = escape_start + 1;
            if c == '8' || c == '9' {
                self.position += 1;
                push_char(&mut self.out, u32::from(c));
            } else {
                let value = self.legacy_octal();
                push_char(&mut self.out, value);
            }
            return Ok(false);
        }
        if c == 'k' && self.has_named_groups {
            return Err(self.unsupported("a named backreference `\\k<name>`"));
        }
        if c == 'c' && !self.peek_at(1).is_some_and(|l| l.is_ascii_alphabetic()) {
            // Annex B: a lone `\c` is a literal backslash; the `c` is read
            // as the next atom.
            push_char(&mut self.out, u32::from('\\'));
            return Ok(false);
        }
        let value = self.character_escape()?;
        match value {
            Some(code) if (SURROGATES.0..=SURROGATES.1).contains(&code) => {
                self.out.push_str(NOTHING)
            }
            Some(code) => {
                push_char(&mut self.out, code);
                return Ok(code > 0xFFFF);
            }
            None => {}
        }
        Ok(false)
    }

    /// Reads a legacy octal escape (Annex B) at the cursor: up to three
    /// octal digits with a value of at most 0o377.
    fn legacy_octal(&mut self) -> u32 {
        let mut value = 0;
        let mut count = 0;
        while let Some(d) = self.peek().and_then(|d| d.to_digit(8)) {
            let next = value * 8 + d;
            if count == 3 || next > 0o377 {
                break;
            }
            value = next;
            count += 1;
            self.position += 1;
        }
        value
    }

    /// Reads a character escape after the backslash (`\t`, `\x41`,
    /// `\u0041`, identity escapes...) and returns its code point. A pair of
    /// `\u` escapes forming a surrogate pair gives the astral code point.
    fn character_escape(&mut self) -> Result<Option<u32>, RegexError> {
        let Some(c) = self.peek() else {
            return Err(self.syntax("`\\` at end of pattern"));
        };
        self.position += 1;
        let code = match c {
            't' => 0x09,
            'n' => 0x0A,
            'v' => 0x0B,
            'f' => 0x0C,
            'r' => 0x0D,
            '0' if !self.peek().is_some_and(|d| d.is_ascii_digit()) => 0,
            '0' => {
                self.position -= 1;
                self.legacy_octal()
            }
            'c' => match self.peek() {
                Some(letter) if letter.is_ascii_alphabetic() => {
                    self.position += 1;
                    u32::from(letter) % 32
                }
                _ => u32::from('c'),
            },
            'x' => match self.hex_digits(2) {
                Some(value) => value,
                None => u32::from('x'),
            },
            'u' => match self.hex_digits(4) {
                Some(high) if (0xD800..0xDC00).contains(&high) => {
                    let pair = self.peek() == Some('\\') && self.peek_at(1) == Some('u');
                    if pair {
                        let save = self.position;
                        self.position += 2;
                        match self.hex_digits(4) {
                            Some(low) if (0xDC00..0xE000).contains(&low) => {
                                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                            }
                            _ => {
                                self.position = save;
                                high
                            }
                        }
                    } else {
                        high
                    }
                }
                Some(value) => value,
                None => u32::from('u'),
            },
            other => u32::from(other),
        };
        Ok(Some(code))
    }

    fn hex_digits(&mut self, count: usize) -> Option<u32> {
        let digits: String = (0..count)
            .filter_map(|offset| self.peek_at(offset))
            .collect();
        if digits.chars().count() != count || !digits.chars().all(|d| d.is_ascii_hexdigit()) {
            return None;
        }
        self.position += count;
        u32::from_str_radix(&digits, 16).ok()
    }

    fn take_while(&mut self, accept: impl Fn(char) -> bool) -> String {
        let mut text = String::new();
        while let Some(c) = self.peek().filter(|c| accept(*c)) {
            text.push(c);
            self.position += 1;
        }
        text
    }

    fn class(&mut self) -> Result<(), RegexError> {
        let class_start = self.position;
        self.position += 1;
        let negated = self.peek() == Some('^');
        if negated {
            self.position += 1;
        }
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                self.position = class_start;
                return Err(self.syntax("unterminated character class"));
            };
            if c == ']' {
                self.position += 1;
                break;
            }
            let item_start = self.position;
            let first = self.class_atom()?;
            let is_range =
                self.peek() == Some('-') && self.peek_at(1).is_some_and(|next| next != ']');
            if !is_range {
                add_item(&mut ranges, first);
                continue;
            }
            self.position += 1;
            let second = self.class_atom()?;
            match (first, second) {
                (ClassItem::Char(low), ClassItem::Char(high)) => {
                    if low > high {
                        self.position = item_start;
                        return Err(self.syntax("range out of order in character class"));
                    }
                    ranges.push((low, high));
                }
                // Annex B: a range with a class escape at either end is the
                // union of both ends and `-`.
                (first, second) => {
                    add_item(&mut ranges, first);
                    ranges.push((u32::from('-'), u32::from('-')));
                    add_item(&mut ranges, second);
                }
            }
        }
        if ranges.iter().any(|(_, high)| *high > 0xFFFF) {
            return Err(RegexError::new(
                "REGEX_UNSUPPORTED",
                "a character outside the Basic Multilingual Plane inside a class is not supported: JavaScript treats it as two UTF-16 code units".to_owned(),
                class_start,
            ));
        }
        push_set(&mut self.out, &ranges, negated);
        Ok(())
    }

    fn class_atom(&mut self) -> Result<ClassItem, RegexError> {
        let Some(c) = self.peek() else {
            return Err(self.syntax("unterminated character class"));
        };
        if c != '\\' {
            self.position += 1;
            return Ok(ClassItem::Char(u32::from(c)));
        }
        self.position += 1;
        let Some(escaped) = self.peek() else {
            return Err(self.syntax("`\\` at end of pattern"));
        };
        if let Some((set, negated)) = class_escape(escaped) {
            self.position += 1;
            let ranges = if negated {
                complement(set)
            } else {
                set.to_vec()
            };
            return Ok(ClassItem::Set(ranges));
        }
        match escaped {
            'b' => {
                self.position += 1;
                Ok(ClassItem::Char(0x08))
            }
            '-' => {
                self.position += 1;
                Ok(ClassItem::Char(u32::from('-')))
            }
            // Annex B: inside a class, `\c` also takes a digit or `_`.
            'c' => match self.peek_at(1) {
                Some(control) if control.is_ascii_alphanumeric() || control == '_' => {
                    self.position += 2;
                    Ok(ClassItem::Char(u32::from(control) % 32))
                }
                _ => Ok(ClassItem::Char(u32::from('\\'))),
            },
            digit if digit.is_ascii_digit() => {
                if digit == '8' || digit == '9' {
                    self.position += 1;
                    Ok(ClassItem::Char(u32::from(digit)))
                } else {
                    Ok(ClassItem::Char(self.legacy_octal()))
                }
            }
            'k' if self.has_named_groups => {
                Err(self.syntax("invalid escape `\\k` in a character class"))
            }
            _ => {
                let code = self.character_escape()?.unwrap_or(0);
                Ok(ClassItem::Char(code))
            }
        }
    }
}

/// The ranges of `\d`, `\w`, `\s` and whether the escape is the negated form.
fn class_escape(c: char) -> Option<(&'static [(u32, u32)], bool)> {
    match c {
        'd' => Some((DIGITS, false)),
        'D' => Some((DIGITS, true)),
        'w' => Some((WORD, false)),
        'W' => Some((WORD, true)),
        's' => Some((WHITESPACE, false)),
        'S' => Some((WHITESPACE, true)),
        _ => None,
    }
}

fn add_item(ranges: &mut Vec<(u32, u32)>, item: ClassItem) {
    match item {
        ClassItem::Char(code) => ranges.push((code, code)),
        ClassItem::Set(set) => ranges.extend(set),
    }
}

/// The code points not in `set` (which is sorted and disjoint).
fn complement(set: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut next = 0;
    for &(low, high) in set {
        if low > next {
            out.push((next, low - 1));
        }
        next = high + 1;
    }
    if next <= 0x10FFFF {
        out.push((next, 0x10FFFF));
    }
    out
}

/// Writes a character class for `ranges` (negated if asked), leaving out
/// surrogate code points, which no Rust string contains.
fn push_set(out: &mut String, ranges: &[(u32, u32)], negated: bool) {
    let mut cleaned: Vec<(u32, u32)> = Vec::with_capacity(ranges.len() + 1);
    for &(low, high) in ranges {
        if low < SURROGATES.0 {
            cleaned.push((low, high.min(SURROGATES.0 - 1)));
        }
        if high > SURROGATES.1 {
            cleaned.push((low.max(SURROGATES.1 + 1), high));
        }
    }
    if cleaned.is_empty() {
        // `[]` matches nothing and `[^]` matches everything.
        out.push_str(if negated {
            "[\\x{0}-\\x{10FFFF}]"
        } else {
            NOTHING
        });
        return;
    }
    out.push('[');
    if negated {
        out.push('^');
    }
    for (low, high) in cleaned {
        let _ = write!(out, "\\x{{{low:X}}}");
        if high != low {
            let _ = write!(out, "-\\x{{{high:X}}}");
        }
    }
    out.push(']');
}

/// Writes one literal character; letters and digits as themselves, anything
/// else as a hex escape so that no character is read as syntax.
fn push_char(out: &mut String, code: u32) {
    match char::from_u32(code) {
        Some(c) if c.is_ascii_alphanumeric() => out.push(c),
        Some(_) => {
            let _ = write!(out, "\\x{{{code:X}}}");
        }
        None => out.push_str(NOTHING),
    }
}
