//! Capture group names: `(?<name>` and the name of `\k<name>`.

use super::super::RegexError;
use super::{Parser, ascii, escape::hex_value, is_high_surrogate, is_low_surrogate, render_name};

impl Parser<'_> {
    /// Parses a RegExpIdentifierName and the `>` after it. `start` is where
    /// the enclosing construct begins, for the error offset.
    ///
    /// ASCII names are checked here. A name with a non-ASCII character is
    /// recorded as unsupported, because telling ID_Start and ID_Continue
    /// characters apart needs Unicode tables that this build leaves out.
    pub(super) fn parse_group_name(&mut self, start: usize) -> Result<Vec<u32>, RegexError> {
        let mut name: Vec<u32> = Vec::new();
        loop {
            let char_start = self.pos;
            let Some(unit) = self.peek() else {
                return Err(self.invalid_group_name(start));
            };
            if ascii(unit) == Some(b'>') {
                self.pos += 1;
                break;
            }

            let code_point = if ascii(unit) == Some(b'\\') {
                self.pos += 1;
                if !self.eat(b'u') {
                    return Err(self.invalid_group_name(start));
                }
                self.parse_name_unicode_escape()
                    .ok_or_else(|| self.invalid_group_name(start))?
            } else {
                self.pos += 1;
                self.combine_surrogates(unit)
            };

            if let Some(byte) = u8::try_from(code_point).ok().filter(u8::is_ascii) {
                let valid = byte == b'$'
                    || byte == b'_'
                    || byte.is_ascii_alphabetic()
                    || (!name.is_empty() && byte.is_ascii_digit());
                if !valid {
                    return Err(self.invalid_group_name(start));
                }
            } else {
                let text = render_name(&[code_point]);
                self.record_unsupported(
                    char_start,
                    format!(
                        "capture group name character `{text}` is not supported: use ASCII \
                         letters, digits, `$` and `_` in group names"
                    ),
                );
            }
            name.push(code_point);
        }

        if name.is_empty() {
            return Err(self.invalid_group_name(start));
        }
        Ok(name)
    }

    fn invalid_group_name(&self, start: usize) -> RegexError {
        let end = (self.pos + 1).min(self.units.len());
        let construct = self.source_text(start, end);
        self.syntax_error(
            start,
            format!("invalid capture group name in `{construct}`"),
        )
    }

    /// Reads a `\u` escape inside a group name (after the `\u`): `\uXXXX`,
    /// a `\uXXXX\uXXXX` surrogate pair, or `\u{X...}` up to U+10FFFF.
    fn parse_name_unicode_escape(&mut self) -> Option<u32> {
        if self.eat(b'{') {
            let digits_start = self.pos;
            let mut value: u32 = 0;
            while let Some(digit) = self.peek().and_then(hex_value) {
                value = value.saturating_mul(16).saturating_add(digit);
                self.pos += 1;
            }
            if self.pos == digits_start || value > 0x10FFFF || !self.eat(b'}') {
                return None;
            }
            return Some(value);
        }

        let high = self.escaped_hex(4)?;
        if !is_high_surrogate(high)
            || self.peek_ascii(0) != Some(b'\\')
            || self.peek_ascii(1) != Some(b'u')
        {
            return Some(u32::from(high));
        }
        let low = self
            .hex_at(self.pos + 2, 4)
            .and_then(|value| u16::try_from(value).ok())
            .filter(|&unit| is_low_surrogate(unit));
        match low {
            Some(low) => {
                self.pos += 6;
                Some(surrogate_pair_value(high, low))
            }
            None => Some(u32::from(high)),
        }
    }

    /// Returns the code point of a literal unit, consuming the low half of a
    /// surrogate pair when `unit` is the high half.
    fn combine_surrogates(&mut self, unit: u16) -> u32 {
        if let Some(low) = self.peek()
            && is_high_surrogate(unit)
            && is_low_surrogate(low)
        {
            self.pos += 1;
            return surrogate_pair_value(unit, low);
        }
        u32::from(unit)
    }
}

fn surrogate_pair_value(high: u16, low: u16) -> u32 {
    0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
}
