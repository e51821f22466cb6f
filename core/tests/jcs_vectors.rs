//! RFC 8785 test vectors from the JSON Canonicalization Scheme reference
//! implementation: each input must canonicalize to its output byte for
//! byte, and the parser must note each output as canonical text.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::PathBuf;

use openleash_core::json::{JsonLimits, canonical_json, parse, parse_noting_canonical};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/jcs")
}

#[test]
fn jcs_vectors_canonicalize_byte_for_byte() {
    let mut checked = 0;
    for entry in fs::read_dir(vectors_dir().join("input")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let input = fs::read_to_string(&path).unwrap();
        let expected = fs::read(vectors_dir().join("output").join(&name)).unwrap();
        let value = parse(&input).unwrap_or_else(|error| panic!("{name:?}: {error}"));
        assert_eq!(
            canonical_json(&value).as_bytes(),
            expected.as_slice(),
            "{name:?}"
        );

        // The parser notes canonical text as such, and notes nothing else.
        let expected = String::from_utf8(expected).unwrap();
        let limits = JsonLimits::default();
        let parsed = parse_noting_canonical(&expected, &limits).unwrap();
        assert_eq!(parsed.canonical_text(), Some(expected.as_str()), "{name:?}");
        let parsed = parse_noting_canonical(&input, &limits).unwrap();
        if let Some(noted) = parsed.canonical_text() {
            assert_eq!(noted, expected, "{name:?}");
        }
        checked += 1;
    }
    assert_eq!(checked, 6);
}
