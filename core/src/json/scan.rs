//! Finding the end of a run of string bytes that JSON carries unescaped.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// True for the bytes a JSON string cannot hold as they are: control
/// characters, the quote and the backslash.
pub(crate) fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Length of the longest prefix of `bytes` in which no byte needs an escape
/// ([`needs_escape`]).
///
/// Tests eight bytes at a time, with three word expressions: below 0x20,
/// equal to the quote, equal to the backslash. Each sets the high bit of
/// every byte that passes its test. Where its subtraction borrowed, it may
/// also set the bit in bytes after a passing one, but never before the
/// first. So the lowest set bit marks the first byte that needs an escape.
/// Bytes of 0x80 and above pass none of the tests.
pub(crate) fn plain_prefix(bytes: &[u8]) -> usize {
    let (words, rest) = bytes.as_chunks::<8>();
    let mut offset = 0;
    for word_bytes in words {
        let word = u64::from_le_bytes(*word_bytes);
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        let control = word.wrapping_sub(ONES * 0x20) & !word;
        let quote = quote.wrapping_sub(ONES) & !quote;
        let backslash = backslash.wrapping_sub(ONES) & !backslash;
        let found = (control | quote | backslash) & HIGH_BITS;
        if found != 0 {
            // At most 7, from a 64-bit word.
            return offset + (found.trailing_zeros() / 8) as usize;
        }
        offset += 8;
    }
    offset
        + rest
            .iter()
            .position(|&byte| needs_escape(byte))
            .unwrap_or(rest.len())
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn naive(bytes: &[u8]) -> usize {
        bytes
            .iter()
            .position(|&byte| needs_escape(byte))
            .unwrap_or(bytes.len())
    }

    #[test]
    fn matches_byte_scan_everywhere() {
        for length in 0..=24 {
            for position in 0..length {
                for special in 0..=255u8 {
                    let mut bytes = vec![b'a'; length];
                    bytes[position] = special;
                    assert_eq!(plain_prefix(&bytes), naive(&bytes), "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn borrows_keep_first_match() {
        // A control byte followed by bytes that a borrow could flag.
        let bytes = [b'a', 0x00, 0x21, 0x23, 0x5d, 0x01, b'"', b'\\', 0xff];
        assert_eq!(plain_prefix(&bytes), 1);
        for pair in [
            [0x1f, 0x20],
            [0x20, 0x1f],
            [0x22, 0x22],
            [0x5b, 0x5c],
            [0x80, 0x00],
        ] {
            let mut bytes = vec![b'x'; 16];
            bytes[9] = pair[0];
            bytes[10] = pair[1];
            assert_eq!(plain_prefix(&bytes), naive(&bytes), "{bytes:?}");
        }
    }

    #[test]
    fn utf8_text_is_plain() {
        let text = "é€😀 plain text, long enough for several words";
        assert_eq!(plain_prefix(text.as_bytes()), text.len());
    }
}
