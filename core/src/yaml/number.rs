//! Numbers as the `yaml` package computes them, checked for exactness.
//!
//! The package turns integers into doubles with `parseInt` and floats with
//! `parseFloat`. Where that rounds an integer or overflows a finite literal,
//! these functions return [`NodeValue::UnrepresentableNumber`] instead.

use super::NodeValue;

/// 2^53: every integer of at most this magnitude is exact in an `f64`.
const MAX_SAFE_MAGNITUDE: u128 = 1 << 53;

/// Largest number of significant decimal digits that always fit exactly.
const ALWAYS_EXACT_DECIMAL_DIGITS: usize = 15;

/// Converts an integer to a node value.
///
/// `digits` are digits of `radix` (2, 8, 10 or 16) without sign or
/// underscores; empty digits give NaN, as `parseInt("")` does. `source` is
/// the scalar text, kept when the value is not exact.
pub(super) fn integer(negative: bool, digits: &str, radix: u32, source: &str) -> NodeValue {
    if digits.is_empty() {
        return NodeValue::Number(f64::NAN);
    }
    let magnitude = match radix {
        10 => exact_decimal_integer(digits),
        2 => exact_power_of_two_integer(digits, 1),
        8 => exact_power_of_two_integer(digits, 3),
        _ => exact_power_of_two_integer(digits, 4),
    };
    match magnitude {
        Some(value) if negative => NodeValue::Number(-value),
        Some(value) => NodeValue::Number(value),
        None => NodeValue::UnrepresentableNumber(source.to_owned()),
    }
}

/// Converts a sexagesimal integer (`190:20:30`) to a node value.
///
/// `parts` are the colon-separated decimal parts without sign or
/// underscores. The package adds them up in doubles, which is exact only
/// while the total stays within 2^53, so any larger total is
/// unrepresentable.
pub(super) fn sexagesimal_integer(negative: bool, parts: &[&str], source: &str) -> NodeValue {
    let mut total: u128 = 0;
    for part in parts {
        let Ok(value) = part.parse::<u128>() else {
            return NodeValue::UnrepresentableNumber(source.to_owned());
        };
        match total.checked_mul(60).and_then(|t| t.checked_add(value)) {
            Some(sum) if sum <= MAX_SAFE_MAGNITUDE => total = sum,
            _ => return NodeValue::UnrepresentableNumber(source.to_owned()),
        }
    }
    // INVARIANT: total <= 2^53, so the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let value = total as f64;
    NodeValue::Number(if negative { -value } else { value })
}

/// Converts a decimal float literal to a node value, as `parseFloat` does.
///
/// `text` has the form `[sign][digits][.digits][e[sign]digits]` without
/// underscores. Without any mantissa digit (`.`, `e5`) the result is NaN. A
/// literal that overflows to infinity is unrepresentable.
pub(super) fn float(text: &str, source: &str) -> NodeValue {
    let value = parse_float(text);
    // A literal with a non-zero digit that rounds to zero (`1e-400`) has
    // lost its value, as an overflow has.
    let mantissa = text.split(['e', 'E']).next().unwrap_or("");
    if value == 0.0 && mantissa.bytes().any(|byte| (b'1'..=b'9').contains(&byte)) {
        return NodeValue::UnrepresentableNumber(source.to_owned());
    }
    finite_or_unrepresentable(value, source)
}

/// Converts a sexagesimal float (`1:30.5`) to a node value.
///
/// `parts` are the colon-separated parts without sign or underscores; the
/// last one may have a fraction. They are added up in doubles in the same
/// order as the package does, so the result rounds the same way.
pub(super) fn sexagesimal_float(negative: bool, parts: &[&str], source: &str) -> NodeValue {
    let mut total = 0.0_f64;
    for part in parts {
        total = total * 60.0 + parse_float(part);
    }
    finite_or_unrepresentable(if negative { -total } else { total }, source)
}

/// Formats a number as JavaScript's `String(number)` does.
pub(super) fn to_js_string(value: f64) -> String {
    ryu_js::Buffer::new().format(value).to_owned()
}

fn finite_or_unrepresentable(value: f64, source: &str) -> NodeValue {
    if value.is_infinite() {
        NodeValue::UnrepresentableNumber(source.to_owned())
    } else {
        NodeValue::Number(value)
    }
}

/// Parses `[sign][digits][.digits][e[sign]digits]` as `parseFloat` does.
fn parse_float(text: &str) -> f64 {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..).unwrap_or_default()),
        Some(b'+') => (false, text.get(1..).unwrap_or_default()),
        _ => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (
            unsigned.get(..at).unwrap_or_default(),
            unsigned.get(at + 1..).unwrap_or_default(),
        ),
        None => (unsigned, ""),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty() {
        return f64::NAN;
    }

    // Rust's parser rounds correctly, like JavaScript's, and saturates huge
    // exponents to infinity or zero.
    let normalized = format!(
        "{}.{}e{}",
        if whole.is_empty() { "0" } else { whole },
        if fraction.is_empty() { "0" } else { fraction },
        if exponent.is_empty() { "0" } else { exponent },
    );
    let magnitude = normalized.parse::<f64>().unwrap_or(f64::NAN);
    if negative { -magnitude } else { magnitude }
}

/// Returns the value of decimal `digits` if an `f64` represents it exactly.
fn exact_decimal_integer(digits: &str) -> Option<f64> {
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        return Some(0.0);
    }
    if significant.len() <= ALWAYS_EXACT_DECIMAL_DIGITS {
        // INVARIANT: fewer than 10^15 < 2^53, so the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        return significant.parse::<u64>().ok().map(|value| value as f64);
    }

    let value = significant.parse::<f64>().ok()?;
    if !value.is_finite() {
        return None;
    }
    // A finite double is an integer here, so equal exact decimal expansions
    // mean no rounding happened.
    (crate::json::integer_digits(value) == significant).then_some(value)
}

/// Returns the value of `digits` in radix 2^`bits_per_digit` if an `f64`
/// represents it exactly: at most 53 bits from the highest to the lowest set
/// bit, and below 2^1024.
fn exact_power_of_two_integer(digits: &str, bits_per_digit: u32) -> Option<f64> {
    let significant = digits.trim_start_matches('0');
    let values: Vec<u32> = significant
        .chars()
        .map(|digit| digit.to_digit(16))
        .collect::<Option<_>>()?;
    let (Some(first), Some(last_nonzero_at)) =
        (values.first(), values.iter().rposition(|value| *value != 0))
    else {
        return Some(0.0);
    };

    let digit_count = u64::try_from(values.len()).ok()?;
    let trailing_zero_digits = u64::try_from(values.len() - 1 - last_nonzero_at).ok()?;
    let last_nonzero = values.get(last_nonzero_at).copied().unwrap_or(1);
    let bit_length = (digit_count - 1) * u64::from(bits_per_digit)
        + u64::from(u32::BITS - first.leading_zeros());
    let trailing_zero_bits =
        trailing_zero_digits * u64::from(bits_per_digit) + u64::from(last_nonzero.trailing_zeros());
    if bit_length > 1024 || bit_length - trailing_zero_bits > 53 {
        return None;
    }

    // Every prefix of the digits spans no more set bits than the whole, so
    // each step of this sum is exact.
    let radix = f64::from(1_u32 << bits_per_digit);
    Some(
        values
            .iter()
            .fold(0.0, |total, value| total * radix + f64::from(*value)),
    )
}
