//! The two DER documents OpenLeash keys travel in, read strictly:
//! SubjectPublicKeyInfo (RFC 5280, RFC 8410) and PKCS#8 / OneAsymmetricKey
//! (RFC 5208, RFC 5958) for Ed25519. Only definite, minimal lengths are
//! accepted and nothing may follow a document.

use super::{KEY_BYTES, KeyError};

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OBJECT_IDENTIFIER: u8 = 0x06;
/// `[0] IMPLICIT Attributes` in OneAsymmetricKey.
const ATTRIBUTES: u8 = 0xa0;
/// `[1] IMPLICIT PublicKey` in OneAsymmetricKey.
const PUBLIC_KEY: u8 = 0x81;

/// The content bytes of OID 1.3.101.112, id-Ed25519.
const ED25519_OID: &[u8] = &[0x2b, 0x65, 0x70];

/// Names of other algorithms whose keys are mistaken for Ed25519 ones, so
/// the error can say what was found.
const KNOWN_OIDS: &[(&[u8], &str)] = &[
    (&[0x2b, 0x65, 0x6e], "X25519"),
    (&[0x2b, 0x65, 0x6f], "X448"),
    (&[0x2b, 0x65, 0x71], "Ed448"),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
        "RSA",
    ),
    (&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01], "EC (ECDSA)"),
];

/// Reads a SubjectPublicKeyInfo and returns the raw Ed25519 public key.
pub(super) fn read_spki(der: &[u8]) -> Result<[u8; KEY_BYTES], KeyError> {
    let (info, rest) = read(der, SEQUENCE, "SubjectPublicKeyInfo")?;
    no_trailing(rest, "SubjectPublicKeyInfo")?;
    let (algorithm, info) = read(info, SEQUENCE, "AlgorithmIdentifier")?;
    read_algorithm(algorithm)?;
    let (bits, info) = read(info, BIT_STRING, "subjectPublicKey")?;
    no_trailing(info, "SubjectPublicKeyInfo")?;
    let key = match bits.split_first() {
        Some((0, key)) => key,
        _ => return Err(malformed("the public key BIT STRING has unused bits")),
    };
    fixed_key(key, "public key")
}

/// Reads a PKCS#8 document and returns the seed and, for version 2, the
/// public key it embeds.
pub(super) fn read_pkcs8(
    der: &[u8],
) -> Result<([u8; KEY_BYTES], Option<[u8; KEY_BYTES]>), KeyError> {
    let (info, rest) = read(der, SEQUENCE, "PrivateKeyInfo")?;
    no_trailing(rest, "PrivateKeyInfo")?;
    let (version, info) = read(info, INTEGER, "version")?;
    let version = match version {
        [0] => 1,
        [1] => 2,
        _ => return Err(malformed("the PKCS#8 version is neither 1 nor 2")),
    };
    let (algorithm, info) = read(info, SEQUENCE, "AlgorithmIdentifier")?;
    read_algorithm(algorithm)?;
    let (wrapped, mut info) = read(info, OCTET_STRING, "privateKey")?;
    // RFC 8410: the private key is itself an OCTET STRING holding the seed.
    let (seed, wrapped_rest) = read(wrapped, OCTET_STRING, "CurvePrivateKey")?;
    no_trailing(wrapped_rest, "CurvePrivateKey")?;
    let seed = fixed_key(seed, "private key")?;
    if info.first() == Some(&ATTRIBUTES) {
        return Err(KeyError::new(
            "KEY_UNSUPPORTED_ENCODING",
            "PKCS#8 attributes are not supported",
        ));
    }
    let mut public = None;
    if version == 2 && info.first() == Some(&PUBLIC_KEY) {
        let (bits, after) = read(info, PUBLIC_KEY, "publicKey")?;
        let key = match bits.split_first() {
            Some((0, key)) => key,
            _ => return Err(malformed("the embedded public key has unused bits")),
        };
        public = Some(fixed_key(key, "public key")?);
        info = after;
    }
    no_trailing(info, "PrivateKeyInfo")?;
    Ok((seed, public))
}

/// DER SubjectPublicKeyInfo for an Ed25519 public key (44 bytes).
pub(super) fn write_spki(public: &[u8; KEY_BYTES]) -> Vec<u8> {
    let mut der = vec![
        SEQUENCE,
        0x2a,
        SEQUENCE,
        0x05,
        OBJECT_IDENTIFIER,
        0x03,
        0x2b,
        0x65,
        0x70,
        BIT_STRING,
        0x21,
        0x00,
    ];
    der.extend_from_slice(public);
    der
}

/// DER PKCS#8 version 1 for an Ed25519 seed (48 bytes).
pub(super) fn write_pkcs8(seed: &[u8; KEY_BYTES]) -> Vec<u8> {
    let mut der = vec![
        SEQUENCE,
        0x2e,
        INTEGER,
        0x01,
        0x00,
        SEQUENCE,
        0x05,
        OBJECT_IDENTIFIER,
        0x03,
        0x2b,
        0x65,
        0x70,
        OCTET_STRING,
        0x22,
        OCTET_STRING,
        0x20,
    ];
    der.extend_from_slice(seed);
    der
}

/// Checks an AlgorithmIdentifier: id-Ed25519 with absent parameters.
fn read_algorithm(algorithm: &[u8]) -> Result<(), KeyError> {
    let (oid, parameters) = read(algorithm, OBJECT_IDENTIFIER, "algorithm")?;
    if oid != ED25519_OID {
        let name = KNOWN_OIDS
            .iter()
            .find(|(known, _)| *known == oid)
            .map_or("an algorithm other than Ed25519", |(_, name)| *name);
        return Err(KeyError::new(
            "KEY_WRONG_TYPE",
            format!("the key is {name}; an Ed25519 key is required"),
        ));
    }
    if !parameters.is_empty() {
        return Err(malformed("Ed25519 takes no algorithm parameters"));
    }
    Ok(())
}

/// Reads one element with the expected tag; returns its content and what
/// follows it.
fn read<'a>(der: &'a [u8], tag: u8, what: &str) -> Result<(&'a [u8], &'a [u8]), KeyError> {
    let Some((&found, rest)) = der.split_first() else {
        return Err(malformed(&format!("the {what} is missing")));
    };
    if found != tag {
        return Err(malformed(&format!(
            "expected the {what} (tag 0x{tag:02x}), found tag 0x{found:02x}"
        )));
    }
    let (length, rest) = match rest.split_first() {
        Some((&short, rest)) if short < 0x80 => (usize::from(short), rest),
        // Keys are short: one length byte of 0x80..=0xff is enough, and a
        // long form for a length below 128 is not minimal.
        Some((0x81, rest)) => match rest.split_first() {
            Some((&long, rest)) if long >= 0x80 => (usize::from(long), rest),
            _ => return Err(malformed("a DER length is not minimal")),
        },
        _ => return Err(malformed(&format!("the {what} has an unsupported length"))),
    };
    if rest.len() < length {
        return Err(malformed(&format!("the {what} is truncated")));
    }
    Ok(rest.split_at(length))
}

fn no_trailing(rest: &[u8], what: &str) -> Result<(), KeyError> {
    if rest.is_empty() {
        Ok(())
    } else {
        Err(malformed(&format!(
            "{} unexpected bytes follow the {what}",
            rest.len()
        )))
    }
}

fn fixed_key(bytes: &[u8], what: &str) -> Result<[u8; KEY_BYTES], KeyError> {
    bytes.try_into().map_err(|_| {
        KeyError::new(
            "KEY_WRONG_LENGTH",
            format!(
                "an Ed25519 {what} is {KEY_BYTES} bytes, found {}",
                bytes.len()
            ),
        )
    })
}

fn malformed(message: &str) -> KeyError {
    KeyError::new("KEY_INVALID_DER", message)
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

    fn spki(oid: &[u8], key: &[u8]) -> Vec<u8> {
        let mut algorithm = vec![OBJECT_IDENTIFIER, oid.len() as u8];
        algorithm.extend_from_slice(oid);
        let mut body = vec![SEQUENCE, algorithm.len() as u8];
        body.extend_from_slice(&algorithm);
        body.extend_from_slice(&[BIT_STRING, key.len() as u8 + 1, 0]);
        body.extend_from_slice(key);
        let mut der = vec![SEQUENCE, body.len() as u8];
        der.extend_from_slice(&body);
        der
    }

    #[test]
    fn written_documents_read_back() {
        let key = [5u8; 32];
        assert_eq!(write_spki(&key).len(), 44);
        assert_eq!(read_spki(&write_spki(&key)).unwrap(), key);
        assert_eq!(write_pkcs8(&key).len(), 48);
        assert_eq!(read_pkcs8(&write_pkcs8(&key)).unwrap(), (key, None));
        assert_eq!(spki(ED25519_OID, &key), write_spki(&key));
    }

    #[test]
    fn other_algorithms_are_named() {
        let error = read_spki(&spki(&[0x2b, 0x65, 0x6e], &[5u8; 32])).unwrap_err();
        assert_eq!(error.code(), "KEY_WRONG_TYPE");
        assert!(error.message().contains("X25519"), "{error}");
        let error = read_spki(&spki(&[0x2b, 0x65, 0x71], &[5u8; 57])).unwrap_err();
        assert!(error.message().contains("Ed448"), "{error}");
    }

    #[test]
    fn trailing_bytes_wrong_lengths_and_truncation_are_refused() {
        let mut trailing = write_spki(&[5u8; 32]);
        trailing.push(0);
        assert_eq!(read_spki(&trailing).unwrap_err().code(), "KEY_INVALID_DER");
        assert_eq!(
            read_spki(&spki(ED25519_OID, &[5u8; 31]))
                .unwrap_err()
                .code(),
            "KEY_WRONG_LENGTH"
        );
        let full = write_pkcs8(&[5u8; 32]);
        for cut in 0..full.len() {
            assert!(read_pkcs8(&full[..cut]).is_err(), "cut at {cut}");
        }
        let mut version = write_pkcs8(&[5u8; 32]);
        version[4] = 2;
        assert_eq!(read_pkcs8(&version).unwrap_err().code(), "KEY_INVALID_DER");
        // A private key document where a public one is expected.
        assert_eq!(read_spki(&full).unwrap_err().code(), "KEY_INVALID_DER");
    }
}
