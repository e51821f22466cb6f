//! Ed25519 verification with precomputed tables, for a public key that
//! verifies many signatures.
//!
//! [`PreparedKey`] builds, once per key, a table of signed-radix-2^w
//! multiples of the key's point `A`, and shares one such table of the
//! basepoint `B` per process. Verification then computes `[s]B - [k]A` as a
//! sum of table entries: about `253 / w` point additions for each scalar and
//! no doublings, where `verify_strict` does about 253 doublings and builds
//! two window tables on every call (without ed25519-dalek's `fast` feature).
//!
//! [`PreparedKey::verify`] accepts exactly the signatures that
//! ed25519-dalek 3.0.0's `VerifyingKey::verify_strict` accepts. It makes the
//! same checks on S, A and R and compares the encoding of `[s]B - [k]A` with
//! the bytes of R, as `verify_strict` does. One check on R follows from that
//! comparison (see [`PreparedKey::verify_with`]). All inputs are public, so
//! the code runs in variable time.
//!
//! Cost (docs/benchmarks.md): a key table takes 80 KiB and about 80 µs to
//! build natively, 0.3 ms in WebAssembly. The basepoint table takes 640 KiB
//! and is built once per process, on first use.
//!
//! NOTE: the tables hold `EdwardsPoint`s (160 bytes each) because
//! curve25519-dalek 5.0.0 makes no Niels or affine point form public, and
//! its `EdwardsBasepointTable` types exist only with the
//! `precomputed-tables` feature, which also links its static tables into
//! the WebAssembly module. Each addition therefore runs on the serial field
//! backend: natively on a processor with AVX-512 IFMA this is about as fast
//! as `verify_strict`, and the gain is for other processors and wasm32.

use std::sync::OnceLock;

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha512};

/// Smallest radix exponent `w` that [`CombTable::new`] accepts.
pub const MIN_WIDTH: u32 = 2;
/// Largest radix exponent `w` that [`CombTable::new`] accepts. A width-10
/// table of one point takes about 2 MiB.
pub const MAX_WIDTH: u32 = 10;
/// Radix exponent of the per-key tables that [`PreparedKey::new`] builds.
pub const DEFAULT_KEY_WIDTH: u32 = 4;
/// Radix exponent of the process-wide basepoint table.
pub const BASEPOINT_WIDTH: u32 = 8;

const _: () = assert!(MIN_WIDTH <= DEFAULT_KEY_WIDTH && DEFAULT_KEY_WIDTH <= MAX_WIDTH);
const _: () = assert!(MIN_WIDTH <= BASEPOINT_WIDTH && BASEPOINT_WIDTH <= MAX_WIDTH);

/// Every reduced scalar is below the group order `l < 2^253`.
const SCALAR_BITS: u32 = 253;
/// Digit count for the smallest width: `253 / 2 + 1`.
const MAX_DIGITS: usize = (SCALAR_BITS / MIN_WIDTH + 1) as usize;

/// Multiples `j * 2^(w*i) * P` of one point `P`, for `i` in `0..rows` and
/// `j` in `1..=2^(w-1)`, so that `[x]P` for any reduced scalar `x` is a sum
/// of `rows` entries (or their negations) with no doubling.
#[derive(Clone)]
pub struct CombTable {
    width: u32,
    rows: usize,
    /// Row-major: entry `(i, j)` is at `i * 2^(w-1) + (j - 1)`.
    points: Vec<EdwardsPoint>,
}

impl CombTable {
    /// Builds the table of `point` for the radix `2^width`, or returns `None`
    /// when `width` is outside `MIN_WIDTH..=MAX_WIDTH`.
    ///
    /// Costs `rows * 2^(width-1)` point additions.
    pub fn new(point: &EdwardsPoint, width: u32) -> Option<CombTable> {
        if !(MIN_WIDTH..=MAX_WIDTH).contains(&width) {
            return None;
        }
        Some(Self::build(point, width))
    }

    /// Builds the table; `width` must be in `MIN_WIDTH..=MAX_WIDTH`.
    fn build(point: &EdwardsPoint, width: u32) -> CombTable {
        let rows = digit_count(width);
        let half = 1usize << (width - 1);
        let mut points = Vec::with_capacity(rows * half);
        let mut row_base = *point;
        for _ in 0..rows {
            let mut multiple = row_base;
            points.push(multiple);
            for _ in 1..half {
                multiple += row_base;
                points.push(multiple);
            }
            // `multiple` is now 2^(w-1) times the row base, so doubling it
            // gives the next row's base 2^w * row_base.
            row_base = multiple + multiple;
        }
        CombTable {
            width,
            rows,
            points,
        }
    }

    /// Radix exponent `w` of this table.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Number of digit positions, `253 / w + 1`, and so the maximum number of
    /// additions for one scalar.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Heap bytes of the table's points (the allocation's capacity may add a
    /// little).
    pub fn heap_bytes(&self) -> usize {
        self.points.len() * core::mem::size_of::<EdwardsPoint>()
    }

    /// Computes `[scalar]P` for this table's point `P`.
    pub fn mul(&self, scalar: &Scalar) -> EdwardsPoint {
        let mut sum = EdwardsPoint::default();
        self.accumulate(&mut sum, scalar, false);
        sum
    }

    /// Adds `[scalar]P` to `sum`, or subtracts it when `negate` is set.
    fn accumulate(&self, sum: &mut EdwardsPoint, scalar: &Scalar, negate: bool) {
        let mut digits = [0i16; MAX_DIGITS];
        recode_signed(scalar, self.width, &mut digits);
        let half = 1usize << (self.width - 1);
        let rows = self.points.chunks_exact(half);
        for (row, &digit) in rows.zip(digits.iter()) {
            if digit == 0 {
                continue;
            }
            let Some(entry) = row.get(usize::from(digit.unsigned_abs()) - 1) else {
                // Unreachable: recode_signed keeps |digit| <= 2^(w-1).
                continue;
            };
            if (digit < 0) != negate {
                *sum -= entry;
            } else {
                *sum += entry;
            }
        }
    }
}

/// Number of signed radix-2^w digits of a scalar below 2^253. The top digit
/// covers bits `w * (253 / w)` and up, which is at most `w - 1` bits plus the
/// carry, so it never exceeds 2^(w-1) and leaves no carry.
fn digit_count(width: u32) -> usize {
    (SCALAR_BITS / width + 1) as usize
}

/// Writes the signed radix-2^w digits of `scalar`, least significant first,
/// into `digits`, each in `-(2^(w-1) - 1)..=2^(w-1)`. The entries past
/// `digit_count(width)` are left zero.
fn recode_signed(scalar: &Scalar, width: u32, digits: &mut [i16; MAX_DIGITS]) {
    let bytes = scalar.to_bytes();
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(word);
    }

    let radix = 1i32 << width;
    let half = radix / 2;
    let mask = (1u64 << width) - 1;
    let mut carry = 0i32;
    for (index, digit) in digits.iter_mut().take(digit_count(width)).enumerate() {
        let bit = index * width as usize;
        let limb = bit / 64;
        let offset = bit % 64;
        let low = limbs.get(limb).copied().unwrap_or(0) >> offset;
        let high = if offset + width as usize > 64 {
            limbs.get(limb + 1).copied().unwrap_or(0) << (64 - offset)
        } else {
            0
        };
        // The window is at most 10 bits, so it fits an i32.
        let mut value = ((low | high) & mask) as i32 + carry;
        carry = 0;
        if value > half {
            value -= radix;
            carry = 1;
        }
        *digit = value as i16;
    }
}

/// Returns the process-wide basepoint table of width [`BASEPOINT_WIDTH`],
/// building it on first use.
pub fn basepoint_table() -> &'static CombTable {
    static TABLE: OnceLock<CombTable> = OnceLock::new();
    TABLE.get_or_init(|| CombTable::build(&ED25519_BASEPOINT_POINT, BASEPOINT_WIDTH))
}

/// Computes `[s]B - [k]A` from the table of `B` and the table of `A`.
pub fn double_scalar_mul(
    basepoint: &CombTable,
    s: &Scalar,
    key_table: &CombTable,
    k: &Scalar,
) -> EdwardsPoint {
    let mut sum = EdwardsPoint::default();
    basepoint.accumulate(&mut sum, s, false);
    key_table.accumulate(&mut sum, k, true);
    sum
}

/// An Ed25519 public key with a table of multiples of its point, for
/// verifying many signatures.
#[derive(Clone)]
pub struct PreparedKey {
    /// The key's encoding as given: the challenge hash covers these bytes.
    compressed: CompressedEdwardsY,
    /// `None` for a key of small order, which `verify_strict` rejects for
    /// every signature, so no table is built for it.
    table: Option<CombTable>,
}

impl PreparedKey {
    /// Prepares `key` with a table of width [`DEFAULT_KEY_WIDTH`].
    pub fn new(key: &VerifyingKey) -> PreparedKey {
        Self::build(key.as_bytes(), &key.to_edwards(), DEFAULT_KEY_WIDTH)
    }

    /// Prepares `key` with a table of radix `2^width`, or returns `None` when
    /// `width` is outside `MIN_WIDTH..=MAX_WIDTH`.
    pub fn with_width(key: &VerifyingKey, width: u32) -> Option<PreparedKey> {
        if !(MIN_WIDTH..=MAX_WIDTH).contains(&width) {
            return None;
        }
        Some(Self::build(key.as_bytes(), &key.to_edwards(), width))
    }

    /// Decodes a 32-byte key as `VerifyingKey::from_bytes` does (accepting
    /// the same non-canonical encodings) and prepares it, or returns `None`
    /// when the bytes are not a curve point.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<PreparedKey> {
        let compressed = CompressedEdwardsY(*bytes);
        let point = compressed.decompress()?;
        Some(Self::build(bytes, &point, DEFAULT_KEY_WIDTH))
    }

    fn build(bytes: &[u8; 32], point: &EdwardsPoint, width: u32) -> PreparedKey {
        let table = if point.is_small_order() {
            None
        } else {
            Some(CombTable::build(point, width))
        };
        PreparedKey {
            compressed: CompressedEdwardsY(*bytes),
            table,
        }
    }

    /// Returns the key's 32 bytes, as given.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.compressed.as_bytes()
    }

    /// Returns the heap bytes of the key's table, or zero for a small-order
    /// key.
    pub fn table_bytes(&self) -> usize {
        self.table.as_ref().map_or(0, CombTable::heap_bytes)
    }

    /// Verifies `signature` (`R || S`) on `message`. Returns `true` exactly
    /// when `VerifyingKey::verify_strict` of ed25519-dalek 3.0.0 returns
    /// `Ok` for the same key, message and signature.
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.verify_with(basepoint_table(), message, signature)
    }

    /// Verifies as [`PreparedKey::verify`] does, with the given table of the
    /// basepoint, which must be a table of `ED25519_BASEPOINT_POINT`.
    pub fn verify_with(&self, basepoint: &CombTable, message: &[u8], signature: &[u8; 64]) -> bool {
        let (r_part, s_part) = signature.split_at(32);
        let (Ok(r_bytes), Ok(s_bytes)) =
            (<[u8; 32]>::try_from(r_part), <[u8; 32]>::try_from(s_part))
        else {
            return false;
        };

        // verify_strict rejects a non-canonical S first.
        let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes)) else {
            return false;
        };
        let Some(key_table) = &self.table else {
            return false;
        };

        let k = challenge(&r_bytes, self.compressed.as_bytes(), message);

        // verify_strict decompresses R, rejects R of small order, and accepts
        // when the encoding of [s]B - [k]A equals the bytes of R. This skips
        // the decompression (a field square root): when the encoding of
        // P = [s]B - [k]A equals the bytes of R, those bytes decompress to P.
        // So R is a valid point, and R has small order exactly when P has.
        // When the encodings differ, verify_strict rejects too.
        // NOTE: no test can build a non-canonical R that satisfies the
        // equation (that needs a discrete logarithm), so the tests cover the
        // byte comparison only with R that fails it.
        let expected_r = double_scalar_mul(basepoint, &s, key_table, &k);
        expected_r.compress().as_bytes() == &r_bytes && !expected_r.is_small_order()
    }
}

impl std::fmt::Debug for PreparedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedKey")
            .field("key", &self.compressed)
            .field("table_bytes", &self.table_bytes())
            .finish()
    }
}

/// Computes the challenge `k = SHA-512(R || A || M) mod l` of RFC 8032.
fn challenge(r_bytes: &[u8; 32], key_bytes: &[u8; 32], message: &[u8]) -> Scalar {
    let mut hash = Sha512::new();
    hash.update(r_bytes);
    hash.update(key_bytes);
    hash.update(message);
    let mut wide = [0u8; 64];
    wide.copy_from_slice(&hash.finalize());
    Scalar::from_bytes_mod_order_wide(&wide)
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

    fn value_of(digits: &[i16; MAX_DIGITS], width: u32) -> Scalar {
        let radix = Scalar::from(1u64 << width);
        let mut value = Scalar::ZERO;
        for &digit in digits.iter().take(digit_count(width)).rev() {
            let magnitude = Scalar::from(u64::from(digit.unsigned_abs()));
            let term = if digit < 0 { -magnitude } else { magnitude };
            value = value * radix + term;
        }
        value
    }

    #[test]
    fn recode_round_trips_edge_scalars() {
        let l_minus_one = -Scalar::ONE;
        let mut all_eights = [0x88u8; 32];
        all_eights[31] = 0x08;
        let mut all_fives = [0x55u8; 32];
        all_fives[31] = 0x05;
        let scalars = [
            Scalar::ZERO,
            Scalar::ONE,
            l_minus_one,
            l_minus_one - Scalar::ONE,
            Scalar::from_bytes_mod_order(all_eights),
            Scalar::from_bytes_mod_order(all_fives),
            Scalar::from_bytes_mod_order([0xff; 32]),
        ];
        for width in MIN_WIDTH..=MAX_WIDTH {
            let half = 1i16 << (width - 1);
            for scalar in &scalars {
                let mut digits = [0i16; MAX_DIGITS];
                recode_signed(scalar, width, &mut digits);
                assert_eq!(value_of(&digits, width), *scalar, "width {width}");
                assert!(digits.iter().all(|d| d.abs() <= half), "width {width}");
            }
        }
    }

    #[test]
    fn new_rejects_width_out_of_range() {
        assert!(CombTable::new(&ED25519_BASEPOINT_POINT, MIN_WIDTH - 1).is_none());
        assert!(CombTable::new(&ED25519_BASEPOINT_POINT, MAX_WIDTH + 1).is_none());
    }

    #[test]
    fn basepoint_table_has_default_width() {
        let table = basepoint_table();
        assert_eq!(table.width(), BASEPOINT_WIDTH);
        assert_eq!(table.rows(), digit_count(BASEPOINT_WIDTH));
        assert_eq!(table.mul(&Scalar::ONE), ED25519_BASEPOINT_POINT);
    }
}
