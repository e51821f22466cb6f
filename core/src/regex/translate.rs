//! Translation of a parsed ECMAScript pattern into the syntax of the `regex`
//! crate, and the matching encoding of haystacks.
//!
//! Non-unicode ECMAScript patterns match UTF-16 code units, so `.` consumes
//! half of an astral character and `\uD83D` matches the first half of 😀.
//! A UTF-8 engine cannot split a character, so both sides are re-encoded.
//! Each surrogate code unit is replaced by a placeholder character in the
//! Supplementary Private Use Area-B (U+100000 + the unit's offset from
//! U+D800), and a haystack that contains astral characters is rewritten with
//! each of them as its two placeholders. Every other code unit is the
//! character with the same value. The encoded haystack then contains no
//! astral character of its own, so the placeholders cannot collide with
//! input, and the engine matches code unit for code unit as JavaScript does.
//!
//! The output needs no Unicode tables: classes are explicit code point
//! ranges, word boundaries are ASCII (`(?-u:\b)`), and literals other than
//! ASCII letters and digits are escaped as `\x{...}`.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::ast::{Assertion, Node, Repeat};
use super::class::UnitSet;

/// The placeholder character of the surrogate code unit U+D800.
const SURROGATE_PLACEHOLDER_BASE: u32 = 0x10_0000;

const FIRST_SURROGATE: u16 = 0xD800;
const LAST_SURROGATE: u16 = 0xDFFF;

/// Translates a parsed pattern into `regex` crate syntax that matches the
/// encoded haystack (see [`encode_haystack`]).
pub(super) fn translate(node: &Node) -> String {
    let mut output = String::new();
    write_node(&mut output, node);
    output
}

/// Returns the haystack with each astral character replaced by the
/// placeholders of its two UTF-16 code units. A haystack with no astral
/// character is returned unchanged, without allocating.
pub(super) fn encode_haystack(haystack: &str) -> Cow<'_, str> {
    // Only a character above U+FFFF starts with a byte of 0xF0 or more in UTF-8.
    if !haystack.bytes().any(|byte| byte >= 0xF0) {
        return Cow::Borrowed(haystack);
    }

    let mut encoded = String::with_capacity(haystack.len() + haystack.len() / 2);
    let mut buffer = [0u16; 2];
    for character in haystack.chars() {
        if u32::from(character) <= 0xFFFF {
            encoded.push(character);
            continue;
        }
        for &unit in character.encode_utf16(&mut buffer).iter() {
            encoded.push(unit_char(unit));
        }
    }
    Cow::Owned(encoded)
}

/// Returns the character that stands for a code unit.
fn unit_char(unit: u16) -> char {
    // INVARIANT: unit_scalar returns a value below U+D800, above U+DFFF and
    // at most U+FFFF, or in U+100000..=U+1007FF, all of which are chars.
    char::from_u32(unit_scalar(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// Returns the code point of the character that stands for a code unit.
fn unit_scalar(unit: u16) -> u32 {
    if (FIRST_SURROGATE..=LAST_SURROGATE).contains(&unit) {
        SURROGATE_PLACEHOLDER_BASE + u32::from(unit - FIRST_SURROGATE)
    } else {
        u32::from(unit)
    }
}

fn write_node(output: &mut String, node: &Node) {
    match node {
        Node::Empty => {}
        Node::Unit(unit) => write_unit(output, *unit),
        Node::Class(set) => write_class(output, set),
        Node::Assertion(assertion) => output.push_str(match assertion {
            Assertion::Start => r"\A",
            Assertion::End => r"\z",
            Assertion::WordBoundary => r"(?-u:\b)",
            Assertion::NotWordBoundary => r"(?-u:\B)",
        }),
        // An alternation writes its own group.
        Node::Group(inner) if matches!(**inner, Node::Alternation(_)) => write_node(output, inner),
        Node::Group(inner) => {
            output.push_str("(?:");
            write_node(output, inner);
            output.push(')');
        }
        Node::Repeat(repeat) => write_repeat(output, repeat),
        Node::Concat(nodes) => {
            for node in nodes {
                write_node(output, node);
            }
        }
        Node::Alternation(alternatives) => {
            output.push_str("(?:");
            for (index, alternative) in alternatives.iter().enumerate() {
                if index > 0 {
                    output.push('|');
                }
                write_node(output, alternative);
            }
            output.push(')');
        }
    }
}

fn write_unit(output: &mut String, unit: u16) {
    let scalar = unit_scalar(unit);
    match u8::try_from(scalar) {
        Ok(byte) if byte.is_ascii_alphanumeric() => output.push(char::from(byte)),
        _ => write_escaped(output, scalar),
    }
}

fn write_escaped(output: &mut String, scalar: u32) {
    // `fmt::Write` for `String` never returns an error.
    let _ = write!(output, r"\x{{{scalar:X}}}");
}

fn write_class(output: &mut String, set: &UnitSet) {
    if set.ranges().is_empty() {
        // A class that matches nothing, such as `[]`.
        output.push_str(r"[^\x{0}-\x{10FFFF}]");
        return;
    }

    output.push('[');
    for &(start, end) in set.ranges() {
        for (first, last) in split_at_surrogates(start, end) {
            write_escaped(output, first);
            if last != first {
                output.push('-');
                write_escaped(output, last);
            }
        }
    }
    output.push(']');
}

/// Splits a range of code units into the ranges of the characters that
/// stand for them, which are contiguous except across the surrogates.
fn split_at_surrogates(start: u16, end: u16) -> impl Iterator<Item = (u32, u32)> {
    let below = (start < FIRST_SURROGATE).then(|| (start, end.min(FIRST_SURROGATE - 1)));
    let surrogates = (start <= LAST_SURROGATE && end >= FIRST_SURROGATE)
        .then(|| (start.max(FIRST_SURROGATE), end.min(LAST_SURROGATE)));
    let above = (end > LAST_SURROGATE).then(|| (start.max(LAST_SURROGATE + 1), end));

    [below, surrogates, above]
        .into_iter()
        .flatten()
        .map(|(first, last)| (unit_scalar(first), unit_scalar(last)))
}

fn write_repeat(output: &mut String, repeat: &Repeat) {
    match &repeat.node {
        Node::Unit(_) | Node::Class(_) | Node::Group(_) | Node::Alternation(_) => {
            write_node(output, &repeat.node)
        }
        node => {
            output.push_str("(?:");
            write_node(output, node);
            output.push(')');
        }
    }

    // `fmt::Write` for `String` never returns an error.
    let _ = match (repeat.min, repeat.max) {
        (0, None) => write!(output, "*"),
        (1, None) => write!(output, "+"),
        (0, Some(1)) => write!(output, "?"),
        (min, None) => write!(output, "{{{min},}}"),
        (min, Some(max)) if min == max => write!(output, "{{{min}}}"),
        (min, Some(max)) => write!(output, "{{{min},{max}}}"),
    };
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    fn translated(pattern: &str) -> String {
        translate(&parse(pattern).unwrap())
    }

    #[test]
    fn literals_are_escaped() {
        assert_eq!(
            translated("a.b"),
            r"a[\x{0}-\x{9}\x{B}-\x{C}\x{E}-\x{2027}\x{202A}-\x{D7FF}\x{100000}-\x{1007FF}\x{E000}-\x{FFFF}]b"
        );
        assert_eq!(translated(r"\(x\)"), r"\x{28}x\x{29}");
    }

    #[test]
    fn anchors_become_input_anchors() {
        assert_eq!(translated("^a$"), r"\Aa\z");
    }

    #[test]
    fn word_boundaries_are_ascii() {
        assert_eq!(translated(r"\ba\B"), r"(?-u:\b)a(?-u:\B)");
    }

    #[test]
    fn empty_class_matches_nothing() {
        assert_eq!(translated("[]"), r"[^\x{0}-\x{10FFFF}]");
    }

    #[test]
    fn surrogate_escape_becomes_placeholder() {
        assert_eq!(translated(r"\uD83D"), r"\x{10003D}");
    }

    #[test]
    fn astral_literal_becomes_two_placeholders() {
        assert_eq!(translated("😀"), r"\x{10003D}\x{100600}");
    }

    #[test]
    fn quantifiers_keep_their_bounds() {
        assert_eq!(translated("a*b+c?d{2}e{2,}f{2,3}"), "a*b+c?d{2}e{2,}f{2,3}");
    }

    #[test]
    fn quantified_group_keeps_its_group() {
        assert_eq!(translated("(ab)*"), "(?:ab)*");
        assert_eq!(translated("(a|b)*"), "(?:a|b)*");
    }

    #[test]
    fn alternation_is_grouped() {
        assert_eq!(translated("a|b"), "(?:a|b)");
    }

    #[test]
    fn encode_haystack_borrows_text_without_astral_characters() {
        assert!(matches!(encode_haystack("abc é ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn encode_haystack_splits_astral_characters() {
        let encoded = encode_haystack("a😀b");

        assert_eq!(encoded, "a\u{10003D}\u{100600}b");
    }

    #[test]
    fn encode_haystack_splits_private_use_characters() {
        let encoded = encode_haystack("\u{100000}");

        assert_eq!(encoded, "\u{1003C0}\u{100400}");
    }
}
