//! Timestamps as milliseconds since the Unix epoch, formatted and parsed as
//! RFC 3339 UTC strings.
//!
//! The engine never reads a clock: callers pass a [`Timestamp`].

use std::fmt;

/// A point in time: milliseconds since 1970-01-01T00:00:00Z, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// Earliest supported instant, 0000-01-01T00:00:00.000Z.
const MIN_MILLIS: i64 = -62_167_219_200_000;
/// Latest supported instant, 9999-12-31T23:59:59.999Z.
const MAX_MILLIS: i64 = 253_402_300_799_999;

impl Timestamp {
    /// 1970-01-01T00:00:00.000Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp(0);

    /// Creates a timestamp from milliseconds since the Unix epoch, or `None`
    /// outside the years 0000 to 9999.
    pub fn from_unix_millis(millis: i64) -> Option<Timestamp> {
        (MIN_MILLIS..=MAX_MILLIS)
            .contains(&millis)
            .then_some(Timestamp(millis))
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(self) -> i64 {
        self.0
    }

    /// Parses an RFC 3339 date-time such as `2025-03-01T12:00:00Z` or
    /// `2025-03-01T13:00:00.250+01:00`. Offsets are converted to UTC.
    ///
    /// Strict: the date, the time and the offset are required, a leap second
    /// (`:60`) is rejected, and fractions beyond milliseconds are truncated.
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, TimeError> {
        parse_rfc3339(text).ok_or_else(|| TimeError {
            value: text.chars().take(64).collect(),
        })
    }

    /// Formats as `YYYY-MM-DDTHH:MM:SS.sssZ`, the form OpenLeash writes.
    pub fn to_rfc3339_millis(self) -> String {
        self.with_rfc3339_millis(str::to_owned)
    }

    /// Calls `use_text` with [`Timestamp::to_rfc3339_millis`]'s text,
    /// written on the stack rather than into a new `String`.
    pub(crate) fn with_rfc3339_millis<T>(self, use_text: impl FnOnce(&str) -> T) -> T {
        let days = self.0.div_euclid(86_400_000);
        let millis_of_day = self.0.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        let hour = millis_of_day / 3_600_000;
        let minute = millis_of_day / 60_000 % 60;
        let second = millis_of_day / 1000 % 60;
        let millis = millis_of_day % 1000;
        // Every decision carries a timestamp, and writing the digits here
        // takes a fraction of the time of the formatting machinery. The
        // year is 0 to 9999 by the type's invariant, so four digits hold it.
        let mut text = *b"0000-00-00T00:00:00.000Z";
        put_digits(&mut text, 0, year, 4);
        put_digits(&mut text, 5, month, 2);
        put_digits(&mut text, 8, day, 2);
        put_digits(&mut text, 11, hour, 2);
        put_digits(&mut text, 14, minute, 2);
        put_digits(&mut text, 17, second, 2);
        put_digits(&mut text, 20, millis, 3);
        // INVARIANT: only ASCII digits replaced ASCII digits.
        use_text(std::str::from_utf8(&text).unwrap_or_default())
    }
}

/// Writes the last `width` decimal digits of a non-negative `number`,
/// zero-padded, into `text` from `start` on.
fn put_digits(text: &mut [u8], start: usize, number: i64, width: u32) {
    for (place, slot) in (0..width).rev().zip(text.iter_mut().skip(start)) {
        let digit = number / 10_i64.pow(place) % 10;
        // A digit is 0 to 9, so the cast is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let digit = digit as u8;
        *slot = b'0' + digit;
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339_millis())
    }
}

/// A string that is not a strict RFC 3339 date-time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeError {
    value: String,
}

impl TimeError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        "INVALID_TIMESTAMP"
    }
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid timestamp {:?}: expected RFC 3339 such as 2025-03-01T12:00:00Z",
            self.value
        )
    }
}

impl std::error::Error for TimeError {}

fn parse_rfc3339(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = bytes.get(range)?;
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let separator =
        |index: usize, expected: &[u8]| bytes.get(index).is_some_and(|b| expected.contains(b));

    let year = number(0..4)?;
    let month = number(5..7)?;
    let day = number(8..10)?;
    let hour = number(11..13)?;
    let minute = number(14..16)?;
    let second = number(17..19)?;
    if !(separator(4, b"-")
        && separator(7, b"-")
        && separator(10, b"Tt")
        && separator(13, b":")
        && separator(16, b":"))
    {
        return None;
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }

    let mut index = 19;
    let mut millis = 0;
    if separator(index, b".") {
        index += 1;
        let start = index;
        while bytes.get(index).is_some_and(u8::is_ascii_digit) {
            index += 1;
        }
        if index == start {
            return None;
        }
        let fraction = text.get(start..index)?;
        let padded: String = fraction.chars().chain("00".chars()).take(3).collect();
        millis = padded.parse().ok()?;
    }

    let offset_minutes = match bytes.get(index)? {
        b'Z' | b'z' if index + 1 == bytes.len() => 0,
        sign @ (b'+' | b'-') if index + 6 == bytes.len() => {
            let offset_hour = number(index + 1..index + 3)?;
            let offset_minute = number(index + 4..index + 6)?;
            if !separator(index + 3, b":") || offset_hour > 23 || offset_minute > 59 {
                return None;
            }
            let total = offset_hour * 60 + offset_minute;
            if *sign == b'-' { -total } else { total }
        }
        _ => return None,
    };

    let days = days_from_civil(year, month, day);
    let local = ((days * 24 + hour) * 60 + minute) * 60 + second;
    let utc_seconds = local - offset_minutes * 60;
    Timestamp::from_unix_millis(utc_seconds * 1000 + millis)
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil` algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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
    fn formats_with_milliseconds() {
        let time = Timestamp::from_unix_millis(1_705_314_600_000).unwrap();
        assert_eq!(time.to_rfc3339_millis(), "2024-01-15T10:30:00.000Z");
        assert_eq!(
            Timestamp(-1).to_rfc3339_millis(),
            "1969-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn parses_offsets_as_instants() {
        let utc = Timestamp::parse_rfc3339("2024-01-15T10:30:00Z").unwrap();
        let offset = Timestamp::parse_rfc3339("2024-01-15T11:30:00+01:00").unwrap();
        assert_eq!(utc, offset);
        let fraction = Timestamp::parse_rfc3339("2024-01-15T10:30:00.25Z").unwrap();
        assert_eq!(fraction.unix_millis() - utc.unix_millis(), 250);
    }

    #[test]
    fn formats_like_padded_format() {
        let mut millis = MIN_MILLIS;
        while millis <= MAX_MILLIS {
            let time = Timestamp::from_unix_millis(millis).unwrap();
            let days = millis.div_euclid(86_400_000);
            let of_day = millis.rem_euclid(86_400_000);
            let (year, month, day) = civil_from_days(days);
            let expected = format!(
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
                of_day / 3_600_000,
                of_day / 60_000 % 60,
                of_day / 1000 % 60,
                of_day % 1000
            );
            assert_eq!(time.to_rfc3339_millis(), expected);
            // A step that is not a whole number of days or seconds, so that
            // every field takes many values.
            millis += 9_876_543_211;
        }
        let last = Timestamp::from_unix_millis(MAX_MILLIS).unwrap();
        assert_eq!(last.to_rfc3339_millis(), "9999-12-31T23:59:59.999Z");
        let first = Timestamp::from_unix_millis(MIN_MILLIS).unwrap();
        assert_eq!(first.to_rfc3339_millis(), "0000-01-01T00:00:00.000Z");
    }

    #[test]
    fn round_trips_through_formatting() {
        for millis in [0, 951_782_400_000, 4_102_444_799_999, -62_167_219_200_000] {
            let time = Timestamp::from_unix_millis(millis).unwrap();
            assert_eq!(
                Timestamp::parse_rfc3339(&time.to_rfc3339_millis()),
                Ok(time)
            );
        }
    }

    #[test]
    fn rejects_loose_forms() {
        for text in [
            "2024-01-15",
            "2024-01-15T10:30:00",
            "2024-01-15T10:30:60Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-15 10:30:00Z",
            "2024-01-15T10:30:00.Z",
            "2024-01-15T10:30:00+0100",
            "2024-01-15T10:30:00Zjunk",
            "yesterday",
        ] {
            assert!(Timestamp::parse_rfc3339(text).is_err(), "{text}");
        }
    }
}
