//! Reference times: RFC 3339 parsing and printing on top of `der::DateTime`.
//!
//! The library never reads the clock; times are unix seconds handed in by the caller.

use std::str::FromStr;
use std::time::Duration;

/// Parses an RFC 3339 time (`2026-06-01T00:00:00Z`, with optional fraction and `±hh:mm`
/// offset, or a bare date `2026-06-01`) into unix seconds.
///
/// ```
/// assert_eq!(certdoctor::time::parse_rfc3339("1970-01-02T00:00:00Z"), Some(86_400));
/// assert_eq!(certdoctor::time::parse_rfc3339("1970-01-01T01:00:00+01:00"), Some(0));
/// assert_eq!(certdoctor::time::parse_rfc3339("yesterday"), None);
/// ```
pub fn parse_rfc3339(input: &str) -> Option<i64> {
    let s = input.trim();
    if s.len() == 10 {
        return parse_rfc3339(&format!("{s}T00:00:00Z"));
    }
    if s.len() < 20 || !s.is_ascii() {
        return None;
    }
    let (date, rest) = s.split_at(10);
    let rest = &rest[1..];
    let sep = s.as_bytes()[10];
    if !matches!(sep, b'T' | b't' | b' ') || rest.len() < 8 {
        return None;
    }
    let (clock, mut tail) = rest.split_at(8);
    if let Some(frac) = tail.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        tail = &frac[digits..];
    }
    let offset: i64 = match tail {
        "Z" | "z" => 0,
        t if t.len() == 6 && (t.starts_with('+') || t.starts_with('-')) => {
            let h: i64 = t[1..3].parse().ok()?;
            let m: i64 = t[4..6].parse().ok()?;
            let v = h * 3600 + m * 60;
            if t.starts_with('-') {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    let dt = der::DateTime::from_str(&format!("{date}T{clock}Z")).ok()?;
    i64::try_from(dt.unix_duration().as_secs())
        .ok()
        .map(|v| v - offset)
}

/// Prints unix seconds as RFC 3339 UTC (`2026-06-01T00:00:00Z`); times before 1970 or after
/// 9999 print as a plain number of seconds.
pub fn format_rfc3339(unix: i64) -> String {
    u64::try_from(unix)
        .ok()
        .and_then(|s| der::DateTime::from_unix_duration(Duration::from_secs(s)).ok())
        .map(|d| d.to_string())
        .unwrap_or_else(|| format!("@{unix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_offsets() {
        let t = parse_rfc3339("2026-06-01T12:30:00Z").unwrap();
        assert_eq!(format_rfc3339(t), "2026-06-01T12:30:00Z");
        assert_eq!(parse_rfc3339("2026-06-01T14:30:00.123+02:00"), Some(t));
        assert_eq!(
            parse_rfc3339("2026-06-01"),
            parse_rfc3339("2026-06-01T00:00:00Z")
        );
        assert_eq!(parse_rfc3339("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2026-06-01T00:00:00+0200"), None);
    }
}
