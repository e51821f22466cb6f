//! RFC 8785 test vectors from the JSON Canonicalization Scheme reference
//! implementation: each input must canonicalize to its output byte for byte.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::PathBuf;

use openleash_core::json::{canonical_json, parse};

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
        checked += 1;
    }
    assert_eq!(checked, 6);
}
