//! Timestamps as stored text.
//!
//! Fixed-width RFC 3339 in UTC with nanoseconds (`2024-05-01T08:09:10.123456789Z`): it sorts
//! lexicographically in the same order as time, so `ORDER BY` and `>=` work on the text column,
//! it round-trips a `DateTime<Utc>` exactly, and it stays readable in the sqlite3 shell.

use chrono::{DateTime, Datelike, SecondsFormat, Utc};

use crate::StoreError;

/// Encode for storage. Only years 0..=9999 keep the fixed width that makes text order equal time
/// order, so anything else is refused rather than silently mis-sorted.
pub(crate) fn encode(t: &DateTime<Utc>) -> Option<String> {
    if !(0..=9999).contains(&t.year()) {
        return None;
    }
    Some(t.to_rfc3339_opts(SecondsFormat::Nanos, true))
}

/// Decode a stored timestamp; `what` names the column for the error message.
pub(crate) fn decode(text: &str, what: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt {
            what: what.to_string(),
            reason: format!("bad timestamp {text:?}: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn round_trips_nanoseconds() {
        let t = Utc.timestamp_opt(1_700_000_000, 123_456_789).single();
        let t = t.expect("valid timestamp");
        let text = encode(&t).expect("in range");
        assert_eq!(text, "2023-11-14T22:13:20.123456789Z");
        assert_eq!(decode(&text, "t").expect("decodes"), t);
    }

    #[test]
    fn text_order_is_time_order() {
        let a = Utc.timestamp_opt(1_700_000_000, 900_000_000).single();
        let b = Utc.timestamp_opt(1_700_000_001, 0).single();
        let (a, b) = (a.expect("a"), b.expect("b"));
        assert!(encode(&a) < encode(&b));
    }

    #[test]
    fn refuses_five_digit_years_and_garbage() {
        let far = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).single();
        assert_eq!(encode(&far.expect("valid date")), None);
        assert!(matches!(
            decode("yesterday", "col"),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
