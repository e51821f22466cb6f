//! Character classes: `[...]` and `[^...]`.

use super::super::RegexError;
use super::super::ast::Node;
use super::super::class::{ClassEscape, UnitSet};
use super::{Parser, ascii};

/// One item of a character class.
enum ClassAtom {
    Unit(u16),
    Escape(ClassEscape),
}

impl Parser<'_> {
    // CharacterClass, with `pos` at the `[`.
    pub(super) fn parse_class(&mut self) -> Result<Node, RegexError> {
        let start = self.pos;
        self.pos += 1;
        let negated = self.eat(b'^');
        let mut ranges: Vec<(u16, u16)> = Vec::new();

        loop {
            let Some(unit) = self.peek() else {
                return Err(self.unterminated_class(start));
            };
            if ascii(unit) == Some(b']') {
                self.pos += 1;
                break;
            }

            let first_start = self.pos;
            let first = self.parse_class_atom()?;
            if self.peek_ascii(0) != Some(b'-') {
                add_class_atom(&mut ranges, &first);
                continue;
            }
            self.pos += 1;

            match self.peek() {
                None => return Err(self.unterminated_class(start)),
                Some(unit) if ascii(unit) == Some(b']') => {
                    add_class_atom(&mut ranges, &first);
                    ranges.push((u16::from(b'-'), u16::from(b'-')));
                }
                Some(_) => {
                    let second = self.parse_class_atom()?;
                    match (&first, &second) {
                        (ClassAtom::Unit(low), ClassAtom::Unit(high)) => {
                            if low > high {
                                let range = self.source_text(first_start, self.pos);
                                return Err(self.syntax_error(
                                    first_start,
                                    format!("character class range `{range}` is out of order"),
                                ));
                            }
                            ranges.push((*low, *high));
                        }
                        // Annex B: a range with a class escape at either end
                        // is the union of both ends and `-`.
                        _ => {
                            add_class_atom(&mut ranges, &first);
                            ranges.push((u16::from(b'-'), u16::from(b'-')));
                            add_class_atom(&mut ranges, &second);
                        }
                    }
                }
            }
        }

        let set = UnitSet::from_ranges(ranges);
        Ok(Node::Class(if negated { set.complement() } else { set }))
    }

    fn unterminated_class(&self, start: usize) -> RegexError {
        self.syntax_error(start, "character class `[` is never closed".to_owned())
    }

    // ClassAtom, with `pos` at a unit that exists and is not `]`.
    fn parse_class_atom(&mut self) -> Result<ClassAtom, RegexError> {
        let start = self.pos;
        let Some(unit) = self.peek() else {
            return Err(self.unterminated_class(start));
        };
        if ascii(unit) != Some(b'\\') {
            self.pos += 1;
            return Ok(ClassAtom::Unit(unit));
        }

        let Some(next) = self.peek_at(1) else {
            return Err(self.syntax_error(
                start,
                "`\\` at the end of the pattern escapes nothing".to_owned(),
            ));
        };
        if let Some(escape) = ascii(next).and_then(ClassEscape::from_letter) {
            self.pos += 2;
            return Ok(ClassAtom::Escape(escape));
        }
        match ascii(next) {
            Some(b'b') => {
                self.pos += 2;
                Ok(ClassAtom::Unit(0x08))
            }
            Some(b'k') if self.has_named_groups => Err(self.syntax_error(
                start,
                "escape `\\k` is invalid in a character class of a pattern with named groups"
                    .to_owned(),
            )),
            _ => {
                self.pos += 1;
                Ok(ClassAtom::Unit(self.parse_character_escape(true)))
            }
        }
    }
}

fn add_class_atom(ranges: &mut Vec<(u16, u16)>, atom: &ClassAtom) {
    match atom {
        ClassAtom::Unit(unit) => ranges.push((*unit, *unit)),
        ClassAtom::Escape(escape) => ranges.extend_from_slice(escape.to_set().ranges()),
    }
}
