//! Does a certificate cover a host name? The rules browsers apply (RFC 6125 as Chrome and
//! Firefox implement it): subjectAltName only (the common name is ignored), a wildcard only as
//! the whole left-most label, matching exactly one label, never the bare domain, and at least
//! two labels after it; IP addresses match only IP entries.

/// True when one of `sans` (DNS names and IP addresses as text) covers `host`.
///
/// ```
/// use certdoctor::analyse::names::covers;
/// let sans = vec!["*.example.com".to_string(), "example.com".to_string()];
/// assert!(covers(&sans, "www.example.com"));
/// assert!(covers(&sans, "EXAMPLE.com."));
/// assert!(!covers(&sans, "a.b.example.com"));
/// ```
pub fn covers(sans: &[String], host: &str) -> bool {
    let host = normalise(host);
    if host.is_empty() {
        return false;
    }
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return sans
            .iter()
            .any(|s| s.parse::<std::net::IpAddr>().ok() == Some(ip));
    }
    sans.iter()
        .any(|pattern| dns_matches(&normalise(pattern), &host))
}

fn normalise(s: &str) -> String {
    let s = s.trim().trim_end_matches('.').to_ascii_lowercase();
    s.strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .map(str::to_string)
        .unwrap_or(s)
}

fn dns_matches(pattern: &str, host: &str) -> bool {
    if pattern.parse::<std::net::IpAddr>().is_ok() {
        return false;
    }
    match pattern.strip_prefix("*.") {
        Some(suffix) => {
            // At least two labels after the wildcard, no other wildcard.
            if suffix.split('.').count() < 2 || suffix.contains('*') {
                return false;
            }
            match host.split_once('.') {
                Some((first, rest)) => !first.is_empty() && rest == suffix,
                None => false,
            }
        }
        None => !pattern.contains('*') && pattern == host,
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn wildcards_follow_browser_rules() {
        let sans = s(&["*.api.example.test", "www.example.test", "192.0.2.10"]);
        assert!(covers(&sans, "v1.api.example.test"));
        assert!(!covers(&sans, "api.example.test"));
        assert!(!covers(&sans, "a.v1.api.example.test"));
        assert!(covers(&sans, "WWW.Example.Test."));
        assert!(!covers(&sans, "example.test"));
        assert!(covers(&sans, "192.0.2.10"));
        assert!(!covers(&sans, "192.0.2.11"));
        assert!(!covers(&s(&["*.com"]), "example.com"));
        assert!(!covers(&s(&["w*.example.com"]), "www.example.com"));
        assert!(!covers(&s(&["192.0.2.10"]), "host"));
        assert!(!covers(&sans, ""));
    }
}
