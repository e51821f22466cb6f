//! Number literals checked for exactness, and ECMAScript number formatting.

use super::value::MAX_SAFE_INTEGER;

/// Why a number literal was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberProblem {
    /// The literal is larger than the largest finite double.
    Overflow,
    /// The literal is not zero but rounds to zero.
    Underflow,
    /// The literal is written as an integer (no fraction, no exponent) of
    /// magnitude above 2^53 that no double equals, so it would be rounded to
    /// a different integer.
    Inexact,
}

impl NumberProblem {
    /// A lowercase phrase for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            NumberProblem::Overflow => "is too large for a double",
            NumberProblem::Underflow => "is too small for a double and would round to zero",
            NumberProblem::Inexact => {
                "cannot be held exactly by a double (beyond 2^53) and would be rounded"
            }
        }
    }
}

/// Maximum length of a number literal that an error message quotes in
/// full.
const QUOTED_LITERAL_MAX: usize = 40;

/// Returns a number literal as an error message quotes it: in full up to
/// [`QUOTED_LITERAL_MAX`] characters, else its start and its length, so
/// that a literal of many thousand digits does not fill the message.
pub(crate) fn quoted_literal(literal: &str) -> std::borrow::Cow<'_, str> {
    match literal.get(..QUOTED_LITERAL_MAX - 8) {
        Some(start) if literal.len() > QUOTED_LITERAL_MAX => {
            format!("{start}… ({} characters)", literal.len()).into()
        }
        _ => literal.into(),
    }
}

/// Converts a JSON-grammar number literal (`-?digits[.digits][e[+-]digits]`)
/// to a double, rejecting literals that a double cannot represent faithfully.
///
/// Literals written with a fraction or an exponent are floating-point
/// notation and round as usual (`0.1` and `1e300` are accepted). Rejected are
/// integer literals that would round to a different integer, literals that
/// overflow to infinity, and non-zero literals that underflow to zero.
pub fn check_number_literal(literal: &str) -> Result<f64, NumberProblem> {
    let parsed: f64 = literal.parse().map_err(|_| NumberProblem::Overflow)?;
    if parsed.is_infinite() {
        return Err(NumberProblem::Overflow);
    }
    if parsed == 0.0 {
        return if normalize_decimal(literal).0.is_empty() {
            Ok(parsed)
        } else {
            Err(NumberProblem::Underflow)
        };
    }
    let integer_notation = !literal.contains(['.', 'e', 'E']);
    if !integer_notation || parsed.abs() < MAX_SAFE_INTEGER {
        return Ok(parsed);
    }
    let (digits, exponent) = normalize_decimal(literal);
    // Every double of magnitude 2^53 or more is an integer, whose exact
    // decimal expansion must equal the literal's exact value.
    let exact = integer_digits(parsed);
    if normalize_decimal(&exact) == (digits, exponent) {
        Ok(parsed)
    } else {
        Err(NumberProblem::Inexact)
    }
}

/// Writes the exact decimal expansion of the magnitude of a double that has
/// no fractional part (every double of magnitude 2^53 or more has none),
/// such as `9007199254740994` for 2^53 + 2.
///
/// Written out here rather than with `format!("{:.0}")`: the standard
/// library's float formatting adds kilobytes to the WebAssembly module.
/// A fractional part, which callers never pass, is dropped.
pub(crate) fn integer_digits(value: f64) -> String {
    const LIMB: u64 = 1_000_000_000;

    let bits = value.abs().to_bits();
    let biased_exponent = (bits >> 52) & 0x7ff;
    let fraction = bits & ((1 << 52) - 1);
    // value = mantissa × 2^shift
    let (mantissa, shift) = if biased_exponent == 0 {
        (fraction, -1074)
    } else {
        (
            fraction | (1 << 52),
            i64::try_from(biased_exponent).unwrap_or(0) - 1075,
        )
    };
    if shift <= 0 {
        return (mantissa >> shift.unsigned_abs().min(63)).to_string();
    }

    // Little-endian limbs in base 10^9, doubled `shift` times in steps of
    // at most 2^29, so that a limb times the step plus a carry fits in u64.
    let mut limbs = Vec::with_capacity(36);
    let mut rest = mantissa;
    while rest > 0 {
        limbs.push(rest % LIMB);
        rest /= LIMB;
    }

    let mut remaining = shift.unsigned_abs();
    while remaining > 0 {
        let step = remaining.min(29);
        remaining -= step;
        let mut carry = 0;
        for limb in &mut limbs {
            let product = (*limb << step) + carry;
            *limb = product % LIMB;
            carry = product / LIMB;
        }
        while carry > 0 {
            limbs.push(carry % LIMB);
            carry /= LIMB;
        }
    }

    // The most significant limb as it is, the others padded to 9 digits.
    let mut text = limbs.last().map(u64::to_string).unwrap_or_default();
    for limb in limbs.iter().rev().skip(1) {
        let digits = limb.to_string();
        text.push_str(&"0".repeat(9 - digits.len()));
        text.push_str(&digits);
    }
    text
}

/// Reduces a decimal literal to `(significant digits, exponent)` such that
/// the magnitude equals `digits × 10^exponent`, with no leading or trailing
/// zeros in `digits`. Zero gives an empty digit string.
fn normalize_decimal(literal: &str) -> (String, i64) {
    let unsigned = literal.trim_start_matches(['-', '+']);
    let (mantissa, exponent_text) = match unsigned.find(['e', 'E']) {
        Some(position) => (
            unsigned.get(..position).unwrap_or(""),
            unsigned.get(position + 1..).unwrap_or("0"),
        ),
        None => (unsigned, "0"),
    };
    // Exponents beyond i64 cannot reach this point: such a literal overflows
    // or underflows the double first.
    let mut exponent: i64 = exponent_text.parse().unwrap_or(0);
    let (integer_part, fraction_part) = match mantissa.find('.') {
        Some(position) => (
            mantissa.get(..position).unwrap_or(""),
            mantissa.get(position + 1..).unwrap_or(""),
        ),
        None => (mantissa, ""),
    };
    let fraction_len = i64::try_from(fraction_part.len()).unwrap_or(i64::MAX);
    exponent = exponent.saturating_sub(fraction_len);

    let mut digits: String = integer_part.chars().chain(fraction_part.chars()).collect();
    let trimmed_leading = digits.trim_start_matches('0').len();
    digits = digits.split_off(digits.len() - trimmed_leading);
    while digits.ends_with('0') {
        digits.pop();
        exponent = exponent.saturating_add(1);
    }
    if digits.is_empty() {
        exponent = 0;
    }
    (digits, exponent)
}

/// Formats a finite double as ECMAScript's `Number.prototype.toString` does,
/// which RFC 8785 adopts: shortest round-trip digits, exponent form below
/// 1e-6 and from 1e21, and `-0` written as `0`.
pub fn format_number(number: f64) -> String {
    if number == 0.0 {
        return "0".to_owned();
    }
    let mut buffer = ryu_js::Buffer::new();
    buffer.format_finite(number).to_owned()
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
    fn long_literals_are_quoted_shortened() {
        assert_eq!(quoted_literal("9007199254740993"), "9007199254740993");
        let exactly = "1".repeat(QUOTED_LITERAL_MAX);
        assert_eq!(quoted_literal(&exactly), exactly);
        let long = format!("0.{}1", "0".repeat(100_000));
        let quoted = quoted_literal(&long);
        assert!(quoted.starts_with("0.000"), "{quoted}");
        assert!(quoted.ends_with("… (100003 characters)"), "{quoted}");
        assert!(quoted.len() < 60, "{quoted}");
    }

    #[test]
    fn integer_digits_match_the_exact_expansion() {
        // The standard library's `{:.0}` prints the exact expansion; the
        // hand-written one must agree on every magnitude of integral double.
        let mut values = vec![
            0.0,
            1.0,
            2.0f64.powi(53),
            2.0f64.powi(53) + 2.0,
            f64::MAX,
            1e21,
            1e300,
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for exponent in 0..=1023 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let mantissa =
                1.0 + f64::from(u32::try_from(state >> 40).unwrap()) / f64::from(1u32 << 24);
            let value = (mantissa * 2.0f64.powi(exponent)).trunc();
            values.push(value);
            values.push(-value);
        }
        for value in values {
            assert_eq!(
                integer_digits(value),
                format!("{:.0}", value.abs()),
                "{value:e}"
            );
        }
    }

    #[test]
    fn safe_integers_are_accepted() {
        assert_eq!(
            check_number_literal("9007199254740991"),
            Ok(9_007_199_254_740_991.0)
        );
        assert_eq!(
            check_number_literal("-9007199254740992"),
            Ok(-9_007_199_254_740_992.0)
        );
    }

    #[test]
    fn representable_large_integers_are_accepted() {
        assert_eq!(
            check_number_literal("9007199254740994"),
            Ok(9_007_199_254_740_994.0)
        );
        assert_eq!(check_number_literal("1e21"), Ok(1e21));
        assert_eq!(check_number_literal("1E+21"), Ok(1e21));
        assert_eq!(check_number_literal("100000000000000000000"), Ok(1e20));
        assert_eq!(check_number_literal("1.5e300"), Ok(1.5e300));
        assert_eq!(check_number_literal("1e300"), Ok(1e300));
        assert_eq!(
            check_number_literal("9007199254740993.0"),
            Ok(9_007_199_254_740_992.0)
        );
    }

    #[test]
    fn rounded_integers_are_rejected() {
        assert_eq!(
            check_number_literal("9007199254740993"),
            Err(NumberProblem::Inexact)
        );
        assert_eq!(
            check_number_literal("-9007199254740993"),
            Err(NumberProblem::Inexact)
        );
        assert_eq!(
            check_number_literal("12345678901234567890"),
            Err(NumberProblem::Inexact)
        );
    }

    #[test]
    fn overflow_and_underflow_are_rejected() {
        assert_eq!(check_number_literal("1e400"), Err(NumberProblem::Overflow));
        assert_eq!(check_number_literal("-1e400"), Err(NumberProblem::Overflow));
        assert_eq!(
            check_number_literal("1e-400"),
            Err(NumberProblem::Underflow)
        );
    }

    #[test]
    fn zero_forms_are_accepted() {
        assert_eq!(check_number_literal("0"), Ok(0.0));
        assert_eq!(check_number_literal("-0.000e5"), Ok(0.0));
        assert_eq!(check_number_literal("0e-400"), Ok(0.0));
    }

    #[test]
    fn fractions_round_normally() {
        assert_eq!(check_number_literal("0.1"), Ok(0.1));
        assert_eq!(check_number_literal("5e-324"), Ok(5e-324));
    }

    #[test]
    fn numbers_format_like_ecmascript() {
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(1e21), "1e+21");
        assert_eq!(format_number(1e20), "100000000000000000000");
        assert_eq!(format_number(0.000001), "0.000001");
        assert_eq!(format_number(1e-7), "1e-7");
        assert_eq!(format_number(4.35), "4.35");
        assert_eq!(format_number(-1.23456e-8), "-1.23456e-8");
    }
}
