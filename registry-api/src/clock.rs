//! Time as the database stores it (unix milliseconds) and as the API shows it (RFC 3339).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::{Error, Result};

pub fn now_ms() -> i64 {
    i64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

pub fn now_secs() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// RFC 3339 in UTC with millisecond precision, e.g. `2025-01-02T03:04:05.678Z`.
pub fn rfc3339(ms: i64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

/// Parses an RFC 3339 timestamp from a query parameter.
pub fn parse_rfc3339(param: &str, value: &str) -> Result<i64> {
    let t = OffsetDateTime::parse(value, &Rfc3339).map_err(|_| {
        Error::BadRequest(format!(
            "{param} must be an RFC 3339 timestamp such as 2025-01-31T12:00:00Z, not {value:?}"
        ))
    })?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| Error::BadRequest(format!("{param} is out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let ms = 1_700_000_000_123;
        assert_eq!(rfc3339(ms), "2023-11-14T22:13:20.123Z");
        assert_eq!(parse_rfc3339("t", &rfc3339(ms)).unwrap(), ms);
        assert!(parse_rfc3339("t", "yesterday").is_err());
    }
}
