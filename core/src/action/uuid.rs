//! UUIDs: validation of RFC 9562 text and version 4 generation from caller
//! supplied random bytes.

use std::fmt;

/// A UUID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Uuid([u8; 16]);

impl Uuid {
    /// Builds a version 4 (random) UUID from 16 random bytes, setting the
    /// version and variant bits.
    pub fn v4_from_bytes(mut bytes: [u8; 16]) -> Uuid {
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Uuid(bytes)
    }

    /// The 16 bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl Uuid {
    /// Lowercase hyphenated form, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
    pub fn to_hyphenated(&self) -> String {
        let mut text = Vec::with_capacity(36);
        for (position, byte) in self.0.iter().enumerate() {
            if matches!(position, 4 | 6 | 8 | 10) {
                text.push(b'-');
            }
            text.push(crate::json::hex_digit(byte >> 4));
            text.push(crate::json::hex_digit(byte & 0x0f));
        }
        // `hex_digit` and the hyphens are ASCII, so the conversion cannot
        // fail.
        String::from_utf8(text).unwrap_or_default()
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hyphenated())
    }
}

/// Returns true for the UUID text forms the OpenLeash action schema accepts:
/// hyphenated hex with an RFC 9562 version (1 to 8) and variant (`8`, `9`,
/// `a`, `b`), or the nil and max UUIDs. Hex digits may be either case.
pub fn is_rfc9562_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 36 {
        return false;
    }
    let shape_ok = bytes.iter().enumerate().all(|(index, byte)| match index {
        8 | 13 | 18 | 23 => *byte == b'-',
        _ => byte.is_ascii_hexdigit(),
    });
    if !shape_ok {
        return false;
    }
    if text == "00000000-0000-0000-0000-000000000000"
        || text.eq_ignore_ascii_case("ffffffff-ffff-ffff-ffff-ffffffffffff")
    {
        return true;
    }
    let version_ok = bytes.get(14).is_some_and(|b| (b'1'..=b'8').contains(b));
    let variant_ok = bytes
        .get(19)
        .is_some_and(|b| matches!(b.to_ascii_lowercase(), b'8' | b'9' | b'a' | b'b'));
    version_ok && variant_ok
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
    fn v4_sets_version_and_variant() {
        let uuid = Uuid::v4_from_bytes([0xff; 16]).to_string();
        assert_eq!(uuid, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert!(is_rfc9562_uuid(&uuid));
        assert!(is_rfc9562_uuid(&Uuid::v4_from_bytes([0; 16]).to_string()));
    }

    #[test]
    fn validation_follows_rfc9562() {
        assert!(is_rfc9562_uuid("3b241101-e2bb-4255-8caf-4136c566a962"));
        assert!(is_rfc9562_uuid("3B241101-E2BB-4255-8CAF-4136C566A962"));
        assert!(is_rfc9562_uuid("00000000-0000-0000-0000-000000000000"));
        assert!(!is_rfc9562_uuid("00000000-0000-0000-0000-000000000001"));
        assert!(!is_rfc9562_uuid("3b241101-e2bb-0255-8caf-4136c566a962"));
        assert!(!is_rfc9562_uuid("3b241101-e2bb-4255-7caf-4136c566a962"));
        assert!(!is_rfc9562_uuid("3b241101e2bb42558caf4136c566a962"));
        assert!(!is_rfc9562_uuid("{3b241101-e2bb-4255-8caf-4136c566a962}"));
    }
}
