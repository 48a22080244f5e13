//! MRZ dates are YYMMDD; the century has to be inferred from a reference "today".

use std::time::{SystemTime, UNIX_EPOCH};

/// Options for parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Reference date `(year, month, day)` for the century rule; defaults to the system clock (UTC).
    pub today: (i32, u32, u32),
}

impl Default for ParseOptions {
    fn default() -> Self {
        let days = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 86_400);
        ParseOptions {
            today: civil_from_days(i64::try_from(days).unwrap_or(0)),
        }
    }
}

/// Which century rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateKind {
    Birth,
    Expiry,
}

/// Expand a printed YYMMDD into YYYYMMDD, or "" when it is not a complete calendar date
/// (unknown parts printed as `<` or `X`, month 13, 31 April...).
///
/// Century rule:
/// - birth: the latest century that does not put the date after `today` (nobody is born in the future);
/// - expiry: the century that puts the date in the window (today - 50 years, today + 50 years],
///   i.e. 20YY unless that is more than 50 years ahead (then 19YY), and symmetrically later on.
pub(crate) fn expand(raw: &str, kind: DateKind, today: (i32, u32, u32)) -> String {
    let Some((yy, month, day)) = split_yymmdd(raw) else {
        return String::new();
    };
    let (ty, tm, td) = today;
    let mut year = ty.div_euclid(100) * 100 + yy;
    match kind {
        DateKind::Birth => {
            if (year, month, day) > today {
                year -= 100;
            }
        }
        DateKind::Expiry => {
            if (year, month, day) > (ty + 50, tm, td) {
                year -= 100;
            } else if (year + 100, month, day) <= (ty + 50, tm, td) {
                year += 100;
            }
        }
    }
    if year < 0 || day > days_in_month(year, month) {
        return String::new();
    }
    format!("{year:04}{month:02}{day:02}")
}

/// Digits-only YYMMDD with a plausible month and day (the year-dependent check comes later).
fn split_yymmdd(raw: &str) -> Option<(i32, u32, u32)> {
    let b = raw.as_bytes();
    if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let two = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    let (yy, month, day) = (two(0), two(2), two(4));
    if !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    Some((i32::try_from(yy).ok()?, month, day))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Proleptic Gregorian date of a count of days since 1970-01-01 (the well-known era algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        i32::try_from(year).unwrap_or(i32::MAX),
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u32, u32) = (2026, 11, 25);

    #[test]
    fn birth_century() {
        assert_eq!(expand("740812", DateKind::Birth, TODAY), "19740812");
        assert_eq!(expand("010101", DateKind::Birth, TODAY), "20010101");
        assert_eq!(expand("261125", DateKind::Birth, TODAY), "20261125");
        assert_eq!(expand("261126", DateKind::Birth, TODAY), "19261126");
        assert_eq!(expand("000229", DateKind::Birth, TODAY), "20000229");
        // 1900 was not a leap year.
        assert_eq!(expand("000229", DateKind::Birth, (1999, 1, 1)), "");
    }

    #[test]
    fn expiry_century() {
        assert_eq!(expand("120415", DateKind::Expiry, TODAY), "20120415");
        assert_eq!(expand("961210", DateKind::Expiry, TODAY), "19961210");
        assert_eq!(expand("761125", DateKind::Expiry, TODAY), "20761125");
        assert_eq!(expand("761126", DateKind::Expiry, TODAY), "19761126");
        assert_eq!(expand("050101", DateKind::Expiry, (2090, 1, 1)), "21050101");
    }

    #[test]
    fn unknown_or_invalid() {
        for raw in [
            "74<<<<", "7408XX", "741301", "740800", "740431", "7408", "７40812", "",
        ] {
            assert_eq!(expand(raw, DateKind::Birth, TODAY), "", "{raw}");
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_417), (2025, 11, 25));
        let today = ParseOptions::default().today;
        assert!(today.0 >= 2024 && (1..=12).contains(&today.1));
    }
}
