//! Strict base64 (RFC 4648): the standard alphabet with padding, used for
//! OpenLeash's DER keys and request signatures, and the URL-safe alphabet
//! without padding, used by PASETO and PASERK.
//!
//! Decoding accepts exactly one spelling of every byte string: no
//! whitespace, no mixed alphabets, padding only where the standard form
//! needs it, and unused trailing bits set to zero. A token or key that was
//! altered in transit therefore never decodes to the same bytes as the
//! original.

use std::fmt;

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Marks a byte that is not in the alphabet.
const INVALID: u8 = 0xff;

/// The inverse of an alphabet: symbol byte to its 6-bit value, or
/// [`INVALID`].
// Indexing is in bounds: `value` stays below 64 and a byte below 256.
#[allow(clippy::indexing_slicing)]
const fn decode_table(alphabet: &[u8; 64]) -> [u8; 256] {
    let mut table = [INVALID; 256];
    let mut value = 0;
    while value < 64 {
        table[alphabet[value] as usize] = value as u8;
        value += 1;
    }
    table
}

const STANDARD_DECODE: [u8; 256] = decode_table(STANDARD);
const URL_SAFE_DECODE: [u8; 256] = decode_table(URL_SAFE);

/// The reason a base64 string was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base64Error {
    /// A character outside the alphabet, at this byte offset.
    InvalidCharacter(usize),
    /// A length that no encoding produces (one character left over, or a
    /// padded string whose length is not a multiple of four).
    InvalidLength,
    /// Padding where there should be none, or missing where it is required.
    InvalidPadding,
    /// The last character carries bits that the encoder always sets to zero.
    NonCanonical,
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Base64Error::InvalidCharacter(offset) => {
                write!(f, "invalid base64 character at offset {offset}")
            }
            Base64Error::InvalidLength => f.write_str("invalid base64 length"),
            Base64Error::InvalidPadding => f.write_str("invalid base64 padding"),
            Base64Error::NonCanonical => {
                f.write_str("non-canonical base64: unused trailing bits are not zero")
            }
        }
    }
}

impl std::error::Error for Base64Error {}

/// Encodes with the standard alphabet and `=` padding.
pub fn encode_standard(bytes: &[u8]) -> String {
    encode(bytes, STANDARD, true)
}

/// Encodes with the URL-safe alphabet and no padding.
pub fn encode_url(bytes: &[u8]) -> String {
    encode(bytes, URL_SAFE, false)
}

/// Decodes the standard alphabet; padding is required.
pub fn decode_standard(text: &str) -> Result<Vec<u8>, Base64Error> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return Err(Base64Error::InvalidLength);
    }
    let padding = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    if padding > 2 {
        return Err(Base64Error::InvalidPadding);
    }
    let body = bytes.get(..bytes.len() - padding).unwrap_or_default();
    if body.len() % 4 == 1 || (padding > 0 && (body.len() + padding) % 4 != 0) {
        return Err(Base64Error::InvalidPadding);
    }
    decode(body, &STANDARD_DECODE)
}

/// Decodes the URL-safe alphabet; padding is refused.
pub fn decode_url(text: &str) -> Result<Vec<u8>, Base64Error> {
    decode(text.as_bytes(), &URL_SAFE_DECODE)
}

fn encode(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    let symbol =
        |index: u32| char::from(alphabet.get((index & 63) as usize).copied().unwrap_or(b'A'));
    for chunk in bytes.chunks(3) {
        let mut group = [0u8; 3];
        for (slot, byte) in group.iter_mut().zip(chunk) {
            *slot = *byte;
        }
        let [a, b, c] = group;
        let n = u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c);
        let symbols = chunk.len() + 1;
        for (position, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if position < symbols {
                out.push(symbol(n >> shift));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes unpadded symbols. `body` contains no padding, and a trailing
/// group of two or three symbols must have its unused low bits at zero.
fn decode(body: &[u8], table: &[u8; 256]) -> Result<Vec<u8>, Base64Error> {
    if body.len() % 4 == 1 {
        return Err(Base64Error::InvalidLength);
    }
    // A symbol's value is below 64 and INVALID has the high bits set, so
    // OR-ing a group's values shows whether any symbol was invalid. Only
    // then is the group searched for the offset to report.
    let value = |symbol: u8| table.get(usize::from(symbol)).copied().unwrap_or(INVALID);
    let invalid_at = |start: usize, group: &[u8]| {
        let offset = group
            .iter()
            .position(|&symbol| value(symbol) == INVALID)
            .unwrap_or(0);
        Base64Error::InvalidCharacter(start + offset)
    };
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    let groups = body.chunks_exact(4);
    let rest = groups.remainder();
    for (index, group) in groups.enumerate() {
        let &[a, b, c, d] = group else { continue };
        let (a, b, c, d) = (value(a), value(b), value(c), value(d));
        if (a | b | c | d) & !63 != 0 {
            return Err(invalid_at(index * 4, group));
        }
        let n = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d);
        let [_, x, y, z] = n.to_be_bytes();
        out.extend_from_slice(&[x, y, z]);
    }
    let start = body.len() - rest.len();
    let mut n = 0u32;
    for (offset, &symbol) in rest.iter().enumerate() {
        let symbol_value = value(symbol);
        if symbol_value == INVALID {
            return Err(invalid_at(start, rest));
        }
        n |= u32::from(symbol_value) << (18 - 6 * offset);
    }
    let [_, a, b, c] = n.to_be_bytes();
    match rest.len() {
        0 => {}
        3 if c == 0 => out.extend_from_slice(&[a, b]),
        2 if b == 0 && c == 0 => out.push(a),
        _ => return Err(Base64Error::NonCanonical),
    }
    Ok(out)
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
    fn round_trips_every_length_in_both_alphabets() {
        let data: Vec<u8> = (0..=255u8).collect();
        for length in 0..64 {
            let bytes = &data[..length];
            assert_eq!(decode_standard(&encode_standard(bytes)).unwrap(), bytes);
            assert_eq!(decode_url(&encode_url(bytes)).unwrap(), bytes);
        }
    }

    #[test]
    fn matches_rfc_4648_examples() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode_standard(plain.as_bytes()), encoded);
            assert_eq!(encode_url(plain.as_bytes()), encoded.trim_end_matches('='));
        }
        assert_eq!(encode_url(&[0xfb, 0xff]), "-_8");
        assert_eq!(encode_standard(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn refuses_every_alternative_spelling() {
        assert_eq!(decode_standard("Zg="), Err(Base64Error::InvalidLength));
        assert_eq!(decode_standard("Zg"), Err(Base64Error::InvalidLength));
        assert_eq!(decode_standard("Zh=="), Err(Base64Error::NonCanonical));
        assert_eq!(decode_standard("Z==="), Err(Base64Error::InvalidPadding));
        assert_eq!(decode_standard("Zm9v\n"), Err(Base64Error::InvalidLength));
        assert_eq!(
            decode_standard("Zm=v"),
            Err(Base64Error::InvalidCharacter(2))
        );
        assert_eq!(
            decode_standard("-_8="),
            Err(Base64Error::InvalidCharacter(0))
        );
        assert_eq!(decode_url("Zg=="), Err(Base64Error::InvalidCharacter(2)));
        assert_eq!(decode_url("+/8"), Err(Base64Error::InvalidCharacter(0)));
        assert_eq!(decode_url("Zh"), Err(Base64Error::NonCanonical));
        assert_eq!(decode_url("Zm9vY"), Err(Base64Error::InvalidLength));
        assert_eq!(decode_url("Zm9 vg"), Err(Base64Error::InvalidCharacter(3)));
    }

    #[test]
    fn reports_the_offset_of_the_first_invalid_character() {
        let valid = encode_url(&[7u8; 30]);
        for position in 0..valid.len() {
            for bad in [b'=', b' ', b'+', 0xc3] {
                let mut bytes = valid.clone().into_bytes();
                bytes[position] = bad;
                let text = String::from_utf8_lossy(&bytes).into_owned();
                assert_eq!(
                    decode_url(&text),
                    Err(Base64Error::InvalidCharacter(position)),
                    "{text:?}"
                );
            }
        }
    }
}
