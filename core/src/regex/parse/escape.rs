//! Escapes outside group names: `\d`, `\1`, `\k<name>`, `\cX`, `\xHH`,
//! `\uHHHH`, legacy octal escapes and identity escapes.

use super::super::RegexError;
use super::super::ast::Node;
use super::super::class::ClassEscape;
use super::{Parser, ascii};

impl Parser<'_> {
    /// Reads `count` hexadecimal digits at `start`.
    pub(super) fn hex_at(&self, start: usize, count: usize) -> Option<u32> {
        let digits = self.units.get(start..start + count)?;
        digits
            .iter()
            .try_fold(0u32, |value, &unit| Some(value * 16 + hex_value(unit)?))
    }

    // AtomEscape, with `pos` at the backslash.
    pub(super) fn parse_atom_escape(&mut self) -> Result<Node, RegexError> {
        let start = self.pos;
        let Some(next) = self.peek_at(1) else {
            return Err(self.syntax_error(
                start,
                "`\\` at the end of the pattern escapes nothing".to_owned(),
            ));
        };

        match ascii(next) {
            Some(digit @ b'1'..=b'9') => {
                let (number, end) = self.decimal_at(start + 1).unwrap_or((0, start + 2));
                if number <= self.capture_count {
                    self.pos = end;
                    let reference = self.source_text(start, end);
                    self.record_unsupported(
                        start,
                        format!(
                            "backreference `{reference}` is not supported: the engine only \
                             runs patterns that match in linear time"
                        ),
                    );
                    return Ok(Node::Empty);
                }
                // Annex B: with no such group, `\8` and `\9` are the digits
                // and `\1` to `\7` start a legacy octal escape.
                self.pos = start + 1;
                if digit >= b'8' {
                    self.pos += 1;
                    return Ok(Node::Unit(next));
                }
                Ok(Node::Unit(self.parse_legacy_octal()))
            }
            Some(b'k') if self.has_named_groups => self.parse_named_reference(start),
            Some(letter) => match ClassEscape::from_letter(letter) {
                Some(escape) => {
                    self.pos += 2;
                    Ok(Node::Class(escape.to_set()))
                }
                None => {
                    self.pos += 1;
                    Ok(Node::Unit(self.parse_character_escape(false)))
                }
            },
            None => {
                self.pos += 1;
                Ok(Node::Unit(self.parse_character_escape(false)))
            }
        }
    }

    /// Parses `\k<name>` in a pattern that has named groups.
    fn parse_named_reference(&mut self, start: usize) -> Result<Node, RegexError> {
        self.pos = start + 2;
        if !self.eat(b'<') {
            return Err(self.syntax_error(
                start,
                "`\\k` must be followed by `<name>` in a pattern with named groups".to_owned(),
            ));
        }
        let name = self.parse_group_name(start)?;
        let reference = self.source_text(start, self.pos);
        self.record_unsupported(
            start,
            format!(
                "backreference `{reference}` is not supported: the engine only runs patterns \
                 that match in linear time"
            ),
        );
        self.named_references.push((name, start));
        Ok(Node::Empty)
    }

    /// Parses a CharacterEscape with `pos` at the unit after the backslash,
    /// which exists. Returns the code unit it stands for.
    pub(super) fn parse_character_escape(&mut self, in_class: bool) -> u16 {
        let Some(unit) = self.peek() else {
            return u16::from(b'\\');
        };
        match ascii(unit) {
            Some(b'f') => self.escaped(0x0C),
            Some(b'n') => self.escaped(0x0A),
            Some(b'r') => self.escaped(0x0D),
            Some(b't') => self.escaped(0x09),
            Some(b'v') => self.escaped(0x0B),
            Some(b'c') => match self.peek_ascii(1) {
                Some(letter) if letter.is_ascii_alphabetic() => {
                    self.pos += 2;
                    u16::from(letter % 32)
                }
                // Annex B ClassControlLetter: inside a class, digits and `_`
                // are control letters too.
                Some(letter) if in_class && (letter.is_ascii_digit() || letter == b'_') => {
                    self.pos += 2;
                    u16::from(letter % 32)
                }
                // Annex B: the backslash is a literal and the `c` is read
                // again as the next atom.
                _ => u16::from(b'\\'),
            },
            Some(b'0'..=b'7') => self.parse_legacy_octal(),
            Some(b'x') => {
                self.pos += 1;
                self.escaped_hex(2).unwrap_or(u16::from(b'x'))
            }
            Some(b'u') => {
                self.pos += 1;
                self.escaped_hex(4).unwrap_or(u16::from(b'u'))
            }
            // IdentityEscape: any other unit stands for itself.
            _ => self.escaped(unit),
        }
    }

    fn escaped(&mut self, unit: u16) -> u16 {
        self.pos += 1;
        unit
    }

    /// Reads `count` hexadecimal digits at `pos` and consumes them, or
    /// returns `None` and consumes nothing.
    pub(super) fn escaped_hex(&mut self, count: usize) -> Option<u16> {
        let value = self.hex_at(self.pos, count)?;
        self.pos += count;
        u16::try_from(value).ok()
    }

    /// Reads a legacy octal escape that starts with the octal digit at
    /// `pos`. It has up to three digits and a value of at most 0o377.
    fn parse_legacy_octal(&mut self) -> u16 {
        let mut value: u16 = 0;
        for index in 0..3 {
            let Some(digit) = self
                .peek_ascii(0)
                .filter(|byte| (b'0'..=b'7').contains(byte))
            else {
                break;
            };
            if index == 2 && value >= 32 {
                break;
            }
            value = value * 8 + u16::from(digit - b'0');
            self.pos += 1;
        }
        value
    }
}

pub(super) fn hex_value(unit: u16) -> Option<u32> {
    char::from_u32(u32::from(unit))?.to_digit(16)
}
