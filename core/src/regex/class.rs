//! Sets of UTF-16 code units, the alphabet that non-unicode ECMAScript
//! patterns match against.

/// A set of UTF-16 code units, stored as sorted inclusive ranges.
///
/// INVARIANT: ranges are sorted, non-empty, and neither overlap nor touch, so
/// two sets with the same members have the same ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct UnitSet {
    ranges: Vec<(u16, u16)>,
}

/// `\d`: the ASCII digits.
const DIGIT: &[(u16, u16)] = &[(0x30, 0x39)];

/// `\w`: ASCII letters, digits and `_`.
const WORD: &[(u16, u16)] = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];

/// `\s`: the ECMAScript WhiteSpace and LineTerminator code points. These are
/// TAB, LF, VT, FF, CR, U+FEFF, the Unicode `Zs` category (U+0020, U+00A0,
/// U+1680, U+2000-U+200A, U+202F, U+205F, U+3000) and U+2028, U+2029.
const WHITESPACE: &[(u16, u16)] = &[
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

/// The ECMAScript LineTerminator code points, which `.` does not match.
const LINE_TERMINATORS: &[(u16, u16)] = &[(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)];

/// A character class escape: `\d`, `\D`, `\s`, `\S`, `\w` or `\W`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ClassEscape {
    Digit,
    NotDigit,
    Space,
    NotSpace,
    Word,
    NotWord,
}

impl ClassEscape {
    /// Returns the escape that the letter after `\` names, if it names one.
    pub(super) fn from_letter(letter: u8) -> Option<ClassEscape> {
        match letter {
            b'd' => Some(ClassEscape::Digit),
            b'D' => Some(ClassEscape::NotDigit),
            b's' => Some(ClassEscape::Space),
            b'S' => Some(ClassEscape::NotSpace),
            b'w' => Some(ClassEscape::Word),
            b'W' => Some(ClassEscape::NotWord),
            _ => None,
        }
    }

    /// Returns the code units the escape matches.
    pub(super) fn to_set(self) -> UnitSet {
        match self {
            ClassEscape::Digit => UnitSet::from_ranges(DIGIT.to_vec()),
            ClassEscape::NotDigit => UnitSet::from_ranges(DIGIT.to_vec()).complement(),
            ClassEscape::Space => UnitSet::from_ranges(WHITESPACE.to_vec()),
            ClassEscape::NotSpace => UnitSet::from_ranges(WHITESPACE.to_vec()).complement(),
            ClassEscape::Word => UnitSet::from_ranges(WORD.to_vec()),
            ClassEscape::NotWord => UnitSet::from_ranges(WORD.to_vec()).complement(),
        }
    }
}

impl UnitSet {
    /// Builds a set from inclusive ranges in any order, which may overlap.
    /// A range whose start is above its end is ignored.
    pub(super) fn from_ranges(mut ranges: Vec<(u16, u16)>) -> UnitSet {
        ranges.retain(|&(start, end)| start <= end);
        ranges.sort_unstable();

        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if u32::from(start) <= u32::from(last.1) + 1 => {
                    last.1 = last.1.max(end);
                }
                _ => merged.push((start, end)),
            }
        }
        UnitSet { ranges: merged }
    }

    /// Returns the set that `.` matches: every code unit except the line
    /// terminators.
    pub(super) fn dot() -> UnitSet {
        UnitSet::from_ranges(LINE_TERMINATORS.to_vec()).complement()
    }

    /// Returns the code units in 0..=0xFFFF that are not in this set.
    pub(super) fn complement(&self) -> UnitSet {
        let mut ranges = Vec::with_capacity(self.ranges.len() + 1);
        let mut next_start: u32 = 0;
        for &(start, end) in &self.ranges {
            if u32::from(start) > next_start {
                ranges.push((clamp_unit(next_start), start - 1));
            }
            next_start = u32::from(end) + 1;
        }
        if next_start <= u32::from(u16::MAX) {
            ranges.push((clamp_unit(next_start), u16::MAX));
        }
        UnitSet { ranges }
    }

    /// Returns the sorted, disjoint inclusive ranges of the set.
    pub(super) fn ranges(&self) -> &[(u16, u16)] {
        &self.ranges
    }
}

/// Converts a value known to be at most 0xFFFF to a code unit.
fn clamp_unit(value: u32) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
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

    #[test]
    fn from_ranges_merges_overlapping_and_adjacent() {
        let set = UnitSet::from_ranges(vec![(5, 9), (0x61, 0x61), (1, 4), (8, 12), (0x62, 0x63)]);

        assert_eq!(set.ranges(), &[(1, 12), (0x61, 0x63)]);
    }

    #[test]
    fn complement_covers_the_gaps() {
        let set = UnitSet::from_ranges(vec![(0, 9), (20, 29)]);

        assert_eq!(set.complement().ranges(), &[(10, 19), (30, 0xFFFF)]);
    }

    #[test]
    fn complement_of_empty_set_is_everything() {
        assert_eq!(UnitSet::default().complement().ranges(), &[(0, 0xFFFF)]);
    }

    #[test]
    fn complement_of_everything_is_empty() {
        let everything = UnitSet::from_ranges(vec![(0, 0xFFFF)]);

        assert!(everything.complement().ranges().is_empty());
    }

    #[test]
    fn dot_excludes_line_terminators() {
        assert_eq!(
            UnitSet::dot().ranges(),
            &[(0, 0x09), (0x0B, 0x0C), (0x0E, 0x2027), (0x202A, 0xFFFF)]
        );
    }

    #[test]
    fn not_word_is_complement_of_word() {
        let not_word = ClassEscape::NotWord.to_set();

        assert_eq!(
            not_word.ranges(),
            &[
                (0, 0x2F),
                (0x3A, 0x40),
                (0x5B, 0x5E),
                (0x60, 0x60),
                (0x7B, 0xFFFF)
            ]
        );
    }
}
