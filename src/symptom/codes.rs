//! Decoding of Windows error codes (HRESULTs) that users paste: `0x80092004`,
//! `80092004`, `-2146885628`, `2148081668`, `CRYPT_E_NOT_FOUND`, `WIN32: 86`, …
//!
//! The table of known codes lives in `data/hresults.tsv` (tab-separated:
//! `code`, `name`, `message`, `message_zh`, optional `aliases`). It is embedded
//! at compile time and parsed once. The HRESULT bit layout (severity, facility,
//! code) follows winerror.h; no crate offers this table, so the parsing and the
//! free-text scanner are hand-written here.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

/// The embedded code table (see `data/hresults.tsv`).
const TABLE_TSV: &str = include_str!("../../data/hresults.tsv");

/// `FACILITY_WIN32`: the facility of `HRESULT_FROM_WIN32` values.
const FACILITY_WIN32: u16 = 7;

/// Everything known about one 32-bit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedCode {
    /// The code as an unsigned 32-bit value.
    pub code: u32,
    /// The code as `0x` and eight upper-case hex digits, e.g. `"0x80092004"`.
    pub hex: String,
    /// True when the severity bit (bit 31) is set, i.e. the code reports a failure.
    pub severity_failure: bool,
    /// The facility field (bits 16–28), e.g. 7 for `FACILITY_WIN32`.
    pub facility: u16,
    /// The facility's symbolic name, e.g. `"FACILITY_WIN32"`; `"FACILITY_UNKNOWN"` when not listed.
    pub facility_name: &'static str,
    /// The Win32 error number for `HRESULT_FROM_WIN32` values (`Some(5)` for `0x80070005`).
    pub win32: Option<u16>,
    /// The symbolic name, e.g. `"CRYPT_E_NOT_FOUND"`, when the code is in the table.
    pub name: Option<&'static str>,
    /// The system's English message, when the code is in the table.
    pub message: Option<&'static str>,
    /// The Simplified Chinese message, when the code is in the table.
    pub message_zh: Option<&'static str>,
}

/// Why the embedded code table could not be loaded (a build-time data error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeTableError {
    /// The header line is missing or does not start with `code`, `name`, `message`, `message_zh`.
    #[error("the code table has no valid header line")]
    BadHeader,
    /// A data line is malformed.
    #[error("code table line {line}: {reason}")]
    BadLine {
        /// 1-based line number in `hresults.tsv`.
        line: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The same code appears twice.
    #[error("code table line {line}: duplicate code 0x{code:08X}")]
    DuplicateCode {
        /// 1-based line number of the second occurrence.
        line: usize,
        /// The repeated code.
        code: u32,
    },
    /// The same symbolic name (or alias) appears twice.
    #[error("code table line {line}: duplicate name {name}")]
    DuplicateName {
        /// 1-based line number of the second occurrence.
        line: usize,
        /// The repeated name.
        name: String,
    },
}

/// One row of the table.
#[derive(Debug)]
struct Entry {
    code: u32,
    name: &'static str,
    aliases: Vec<&'static str>,
    message: Option<&'static str>,
    message_zh: Option<&'static str>,
}

/// The parsed table with its indexes.
#[derive(Debug, Default)]
struct Table {
    /// Rows in file order.
    entries: Vec<Entry>,
    /// Code → index into `entries`.
    by_code: HashMap<u32, usize>,
    /// Upper-case name or alias → code.
    by_name: HashMap<String, u32>,
}

fn parse_table(text: &'static str) -> Result<Table, CodeTableError> {
    let mut table = Table::default();
    let mut header_seen = false;
    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&'static str> = line.split('\t').collect();
        if !header_seen {
            let ok = fields.len() >= 4
                && fields.first() == Some(&"code")
                && fields.get(1) == Some(&"name")
                && fields.get(2) == Some(&"message")
                && fields.get(3) == Some(&"message_zh");
            if !ok {
                return Err(CodeTableError::BadHeader);
            }
            header_seen = true;
            continue;
        }
        if fields.len() < 4 || fields.len() > 5 {
            return Err(CodeTableError::BadLine {
                line: line_no,
                reason: "expected 4 or 5 tab-separated fields",
            });
        }
        let code_text = fields.first().copied().unwrap_or_default();
        if code_text.len() != 8 || !code_text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CodeTableError::BadLine {
                line: line_no,
                reason: "code is not 8 hex digits",
            });
        }
        let code = u32::from_str_radix(code_text, 16).map_err(|_| CodeTableError::BadLine {
            line: line_no,
            reason: "code is not 8 hex digits",
        })?;
        let name = fields.get(1).copied().unwrap_or_default().trim();
        if name.is_empty() || !is_symbol(name) {
            return Err(CodeTableError::BadLine {
                line: line_no,
                reason: "name is not a symbolic identifier",
            });
        }
        let non_empty = |s: Option<&&'static str>| s.map(|v| v.trim()).filter(|v| !v.is_empty());
        let message = non_empty(fields.get(2));
        let message_zh = non_empty(fields.get(3));
        let aliases: Vec<&'static str> = fields
            .get(4)
            .map(|a| {
                a.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if aliases.iter().any(|a| !is_symbol(a)) {
            return Err(CodeTableError::BadLine {
                line: line_no,
                reason: "alias is not a symbolic identifier",
            });
        }
        if table.by_code.contains_key(&code) {
            return Err(CodeTableError::DuplicateCode {
                line: line_no,
                code,
            });
        }
        for n in std::iter::once(&name).chain(aliases.iter()) {
            let key = n.to_ascii_uppercase();
            if table.by_name.contains_key(&key) {
                return Err(CodeTableError::DuplicateName {
                    line: line_no,
                    name: (*n).to_string(),
                });
            }
            table.by_name.insert(key, code);
        }
        table.by_code.insert(code, table.entries.len());
        table.entries.push(Entry {
            code,
            name,
            aliases,
            message,
            message_zh,
        });
    }
    if !header_seen {
        return Err(CodeTableError::BadHeader);
    }
    Ok(table)
}

fn is_symbol(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn table_result() -> &'static Result<Table, CodeTableError> {
    static TABLE: OnceLock<Result<Table, CodeTableError>> = OnceLock::new();
    TABLE.get_or_init(|| parse_table(TABLE_TSV))
}

/// The parsed table, or an empty one if the embedded data is malformed
/// (which [`table_error`] reports and the unit tests rule out).
fn table() -> &'static Table {
    static EMPTY: OnceLock<Table> = OnceLock::new();
    match table_result() {
        Ok(t) => t,
        Err(_) => EMPTY.get_or_init(Table::default),
    }
}

/// The error found while loading the embedded table, if any (`None` when it loaded).
pub fn table_error() -> Option<&'static CodeTableError> {
    table_result().as_ref().err()
}

/// `HRESULT_FROM_WIN32` as winerror.h defines it: values that are zero or negative as an
/// `HRESULT` pass through unchanged; others keep their low 16 bits in `FACILITY_WIN32`.
pub fn hresult_from_win32(err: u32) -> u32 {
    if (err as i32) <= 0 {
        err
    } else {
        (err & 0xFFFF) | 0x8007_0000
    }
}

/// Symbolic name of a facility number (names as in winerror.h; 9 is reported as `FACILITY_SECURITY`,
/// the same value as `FACILITY_SSPI`).
pub fn facility_name(facility: u16) -> &'static str {
    match facility {
        0 => "FACILITY_NULL",
        1 => "FACILITY_RPC",
        2 => "FACILITY_DISPATCH",
        3 => "FACILITY_STORAGE",
        4 => "FACILITY_ITF",
        7 => "FACILITY_WIN32",
        8 => "FACILITY_WINDOWS",
        9 => "FACILITY_SECURITY",
        10 => "FACILITY_CONTROL",
        11 => "FACILITY_CERT",
        12 => "FACILITY_INTERNET",
        13 => "FACILITY_MEDIASERVER",
        14 => "FACILITY_MSMQ",
        15 => "FACILITY_SETUPAPI",
        16 => "FACILITY_SCARD",
        17 => "FACILITY_COMPLUS",
        18 => "FACILITY_AAF",
        19 => "FACILITY_URT",
        20 => "FACILITY_ACS",
        21 => "FACILITY_DPLAY",
        22 => "FACILITY_UMI",
        23 => "FACILITY_SXS",
        24 => "FACILITY_WINDOWS_CE",
        25 => "FACILITY_HTTP",
        26 => "FACILITY_USERMODE_COMMONLOG",
        27 => "FACILITY_WER",
        31 => "FACILITY_USERMODE_FILTER_MANAGER",
        32 => "FACILITY_BACKGROUNDCOPY",
        33 => "FACILITY_CONFIGURATION",
        34 => "FACILITY_STATE_MANAGEMENT",
        35 => "FACILITY_METADIRECTORY",
        36 => "FACILITY_WINDOWSUPDATE",
        37 => "FACILITY_DIRECTORYSERVICE",
        38 => "FACILITY_GRAPHICS",
        39 => "FACILITY_SHELL",
        40 => "FACILITY_TPM_SERVICES",
        41 => "FACILITY_TPM_SOFTWARE",
        48 => "FACILITY_PLA",
        49 => "FACILITY_FVE",
        50 => "FACILITY_FWP",
        51 => "FACILITY_WINRM",
        52 => "FACILITY_NDIS",
        53 => "FACILITY_USERMODE_HYPERVISOR",
        54 => "FACILITY_CMI",
        55 => "FACILITY_USERMODE_VIRTUALIZATION",
        56 => "FACILITY_USERMODE_VOLMGR",
        57 => "FACILITY_BCD",
        58 => "FACILITY_USERMODE_VHD",
        60 => "FACILITY_SDIAG",
        61 => "FACILITY_WEBSERVICES",
        62 => "FACILITY_WPN",
        63 => "FACILITY_WINDOWS_STORE",
        64 => "FACILITY_INPUT",
        66 => "FACILITY_EAP",
        80 => "FACILITY_WINDOWS_DEFENDER",
        81 => "FACILITY_OPC",
        82 => "FACILITY_XPS",
        83 => "FACILITY_RAS",
        84 => "FACILITY_POWERSHELL",
        85 => "FACILITY_EAS",
        98 => "FACILITY_P2P_INT",
        99 => "FACILITY_P2P",
        100 => "FACILITY_DAF",
        _ => "FACILITY_UNKNOWN",
    }
}

/// Splits any 32-bit value into its HRESULT fields and looks it up in the table.
/// Always succeeds; `name`/`message` are `None` for codes the table does not know.
pub fn decode(code: u32) -> DecodedCode {
    let facility = ((code >> 16) & 0x1FFF) as u16;
    let severity_failure = code & 0x8000_0000 != 0;
    let win32 = (severity_failure && facility == FACILITY_WIN32).then_some((code & 0xFFFF) as u16);
    let entry = table()
        .by_code
        .get(&code)
        .and_then(|&i| table().entries.get(i));
    DecodedCode {
        code,
        hex: format!("0x{code:08X}"),
        severity_failure,
        facility,
        facility_name: facility_name(facility),
        win32,
        name: entry.map(|e| e.name),
        message: entry.and_then(|e| e.message),
        message_zh: entry.and_then(|e| e.message_zh),
    }
}

/// Every code in the table, decoded, in table order.
pub fn known_codes() -> impl Iterator<Item = DecodedCode> {
    table().entries.iter().map(|e| decode(e.code))
}

/// Other symbolic names the table lists for `code` (e.g. `ERROR_ACCESS_DENIED` for `0x80070005`).
pub fn aliases(code: u32) -> &'static [&'static str] {
    table()
        .by_code
        .get(&code)
        .and_then(|&i| table().entries.get(i))
        .map(|e| e.aliases.as_slice())
        .unwrap_or(&[])
}

/// Looks up a symbolic name or alias (case-insensitive).
pub fn code_for_name(name: &str) -> Option<u32> {
    table()
        .by_name
        .get(&name.trim().to_ascii_uppercase())
        .copied()
}

/// Compiles one of this module's literal patterns; `None` only if a pattern were invalid,
/// which the unit tests rule out (callers then simply skip that form).
fn compile(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

fn prefix_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    // Labels people put in front of a code: "HRESULT: 0x…", "hr=0x…", "error code 0x…".
    RE.get_or_init(|| compile(r"(?i)^(?:hresult|hr|error\s+code|error|code|status)\s*[:=]?\s*"))
        .as_ref()
}

fn win32_form_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| compile(r"(?i)^(?:win32|winhttp)(?:\s+error)?\s*[:=]?\s*(\d{1,5})\b"))
        .as_ref()
}

/// Parses one code as a user typed it. Accepted forms:
/// `0x80092004`, `80092004` (eight hex digits), `-2147024891` (signed decimal),
/// `2148077572` (unsigned decimal), symbolic names and aliases from the table (case-insensitive),
/// prefixed forms (`HRESULT: 0x…`, `hr=0x…`, `error code 0x…`), and Win32 numbers written
/// `WIN32: 86` / `WinHttp: 12152` or as a bare decimal up to 65535 (e.g. `1060`), which are
/// mapped with `HRESULT_FROM_WIN32`. If the whole text is not one code, the first code that
/// [`find_codes`] sees in it is returned.
pub fn parse_code(text: &str) -> Option<u32> {
    parse_single(text).or_else(|| find_codes(text).into_iter().next())
}

fn parse_single(text: &str) -> Option<u32> {
    let t = text
        .trim()
        .trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | ',' | ';' | '"' | '\'' | '.'))
        .trim();
    if t.is_empty() || t.len() > 64 {
        return None;
    }
    if let Some(c) = win32_form_re().and_then(|re| re.captures(t)) {
        let rest = t.get(c.get(0)?.end()..)?.trim();
        if rest.is_empty() {
            let n: u32 = c.get(1)?.as_str().parse().ok()?;
            return (n <= 0xFFFF).then(|| hresult_from_win32(n));
        }
    }
    let t = match prefix_re().and_then(|re| re.find(t)) {
        Some(m) if m.end() < t.len() => t.get(m.end()..)?.trim(),
        _ => t,
    };
    parse_bare(t)
}

fn parse_bare(t: &str) -> Option<u32> {
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        if (1..=8).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16).ok();
        }
        return None;
    }
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        // Eight hex digits without prefix, as Windows dialogs and logs print HRESULTs.
        return u32::from_str_radix(t, 16).ok();
    }
    if let Some(digits) = t.strip_prefix('-') {
        if !digits.is_empty() && digits.len() <= 10 && digits.bytes().all(|b| b.is_ascii_digit()) {
            let v: i64 = -(digits.parse::<i64>().ok()?);
            let v = i32::try_from(v).ok()?;
            return Some(v as u32);
        }
        return None;
    }
    if !t.is_empty() && t.len() <= 10 && t.bytes().all(|b| b.is_ascii_digit()) {
        let v: u64 = t.parse().ok()?;
        let v = u32::try_from(v).ok()?;
        // Small decimals are Win32 error numbers ("error 1060"); large ones are unsigned HRESULTs.
        return Some(if v <= 0xFFFF {
            hresult_from_win32(v)
        } else {
            v
        });
    }
    if is_symbol(t) {
        return code_for_name(t);
    }
    None
}

/// The scanners used by [`find_codes`], compiled once.
struct Scanners {
    hex_prefixed: Regex,
    hex_bare: Regex,
    negative: Regex,
    win32: Regex,
    symbol: Regex,
}

fn scanners() -> Option<&'static Scanners> {
    static S: OnceLock<Option<Scanners>> = OnceLock::new();
    S.get_or_init(|| {
        Some(Scanners {
            hex_prefixed: compile(r"\b0[xX]([0-9a-fA-F]{8})\b")?,
            hex_bare: compile(r"\b8[0-9a-fA-F]{7}\b")?,
            negative: compile(r"-(\d{10})\b")?,
            win32: compile(r"(?i)\b(?:WIN32|WinHttp):\s*(\d{1,5})\b")?,
            symbol: compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")?,
        })
    })
    .as_ref()
}

/// Characters that may stand right before a bare 8-hex-digit code in free text.
fn ok_before(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c.is_whitespace() || matches!(c, '(' | '[' | '"' | '\'' | '=' | ',' | ';'),
    }
}

/// Characters that may stand right after a bare 8-hex-digit code in free text.
fn ok_after(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c.is_whitespace() || matches!(c, ')' | ']' | '"' | '\'' | ',' | ';' | '.'),
    }
}

/// Finds every error code mentioned in a free-text log line or paste, in order of first
/// appearance, without duplicates.
///
/// Taken: `0x` + 8 hex digits when the severity bit is set or the code is in the table
/// (so flag words like `0x40000000` are skipped); bare 8-hex-digit tokens starting with `8`
/// that stand alone (not `error:80000002` OpenSSL codes, not parts of GUIDs, paths or
/// hashes; an all-decimal token such as `80070005` only when it is a known code or has a
/// Windows/security/certificate facility); negative 10-digit decimals in the failure range
/// (`-2146885613`); `WIN32: 86` / `WinHttp: 12152`; and upper-case symbolic names from the
/// table (`CRYPT_E_REVOCATION_OFFLINE`). Ordinary decimal numbers (ports, PIDs, line
/// numbers, `exit=-13`) are never taken.
pub fn find_codes(text: &str) -> Vec<u32> {
    let Some(s) = scanners() else {
        return Vec::new();
    };
    let mut hits: Vec<(usize, u32)> = Vec::new();
    let known = |c: u32| table().by_code.contains_key(&c);

    for cap in s.hex_prefixed.captures_iter(text) {
        let (Some(m), Some(h)) = (cap.get(0), cap.get(1)) else {
            continue;
        };
        if let Ok(v) = u32::from_str_radix(h.as_str(), 16) {
            if v & 0x8000_0000 != 0 || known(v) {
                hits.push((m.start(), v));
            }
        }
    }
    for m in s.hex_bare.find_iter(text) {
        let before = text.get(..m.start()).and_then(|p| p.chars().next_back());
        let after = text.get(m.end()..).and_then(|p| p.chars().next());
        if !ok_before(before) || !ok_after(after) {
            continue;
        }
        let tok = m.as_str();
        let Ok(v) = u32::from_str_radix(tok, 16) else {
            continue;
        };
        if tok.bytes().all(|b| b.is_ascii_digit()) {
            let fac = (v >> 16) & 0x1FFF;
            if !(known(v) || matches!(fac, 7 | 9 | 11)) {
                continue;
            }
        }
        hits.push((m.start(), v));
    }
    for cap in s.negative.captures_iter(text) {
        let (Some(m), Some(d)) = (cap.get(0), cap.get(1)) else {
            continue;
        };
        let before = text.get(..m.start()).and_then(|p| p.chars().next_back());
        if matches!(before, Some(c) if c.is_alphanumeric() || c == '_' || c == '-') {
            continue;
        }
        let Ok(mag) = d.as_str().parse::<i64>() else {
            continue;
        };
        if let Ok(v) = i32::try_from(-mag) {
            hits.push((m.start(), v as u32));
        }
    }
    for cap in s.win32.captures_iter(text) {
        let (Some(m), Some(d)) = (cap.get(0), cap.get(1)) else {
            continue;
        };
        if let Ok(n) = d.as_str().parse::<u32>() {
            if (1..=0xFFFF).contains(&n) {
                hits.push((m.start(), hresult_from_win32(n)));
            }
        }
    }
    for m in s.symbol.find_iter(text) {
        if let Some(&v) = table().by_name.get(m.as_str()) {
            hits.push((m.start(), v));
        }
    }

    hits.sort_by_key(|&(pos, _)| pos);
    let mut out: Vec<u32> = Vec::new();
    for (_, v) in hits {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_patterns_compile() {
        assert!(prefix_re().is_some());
        assert!(win32_form_re().is_some());
        assert!(scanners().is_some());
    }

    #[test]
    fn table_loads_without_errors_or_duplicates() {
        assert_eq!(table_error(), None);
        let t = table();
        assert!(t.entries.len() > 280, "only {} rows", t.entries.len());
        // Uniqueness is enforced by the parser; check again independently.
        let mut codes: Vec<u32> = t.entries.iter().map(|e| e.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), t.entries.len());
        let mut names: Vec<String> = t
            .entries
            .iter()
            .flat_map(|e| std::iter::once(e.name).chain(e.aliases.iter().copied()))
            .map(str::to_ascii_uppercase)
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
        // Every row has both messages.
        for e in &t.entries {
            assert!(e.message.is_some(), "{} has no message", e.name);
            assert!(e.message_zh.is_some(), "{} has no zh message", e.name);
        }
    }

    #[test]
    fn parser_rejects_bad_tables() {
        let bad_header: &'static str = "nope\n";
        assert_eq!(
            parse_table(bad_header).err(),
            Some(CodeTableError::BadHeader)
        );
        let dup: &'static str =
            "code\tname\tmessage\tmessage_zh\n80000001\tA_B\tx\ty\n80000001\tC_D\tx\ty\n";
        assert!(matches!(
            parse_table(dup),
            Err(CodeTableError::DuplicateCode { line: 3, .. })
        ));
        let dup_name: &'static str =
            "code\tname\tmessage\tmessage_zh\n80000001\tA_B\tx\ty\n80000002\ta_b\tx\ty\n";
        assert!(matches!(
            parse_table(dup_name),
            Err(CodeTableError::DuplicateName { line: 3, .. })
        ));
        let short: &'static str = "code\tname\tmessage\tmessage_zh\n8000001\tA_B\tx\ty\n";
        assert!(matches!(
            parse_table(short),
            Err(CodeTableError::BadLine { line: 2, .. })
        ));
    }

    #[test]
    fn every_code_of_the_cause_catalog_is_known() {
        // The codes /work/shared/causes.md cites.
        for c in [
            0x8007_0057u32,
            0x8009_2004,
            0x8009_0016,
            0x800B_010A,
            0x800B_0109,
            0x8009_310B,
            0x8007_0056,
            0x800B_0101,
            0x8007_0005,
            0x8007_0424,
            0x8009_0020,
            0x8009_0008,
            0x8009_2013,
            0x8009_000B,
            0x8007_0520,
            0x8009_030D,
            0x8009_0014,
            0x8004_0154,
            0x8009_0013,
        ] {
            let d = decode(c);
            assert!(d.name.is_some(), "{} unknown", d.hex);
            assert!(d.message.is_some() && d.message_zh.is_some());
        }
    }

    #[test]
    fn families_are_covered() {
        for c in 0x8009_0001u32..=0x8009_0035 {
            assert!(decode(c).name.is_some(), "NTE 0x{c:08X} missing");
        }
        for c in 0x800B_0101u32..=0x800B_0114 {
            assert!(decode(c).name.is_some(), "CERT_E 0x{c:08X} missing");
        }
        for c in [
            0x8009_030Du32,
            0x8009_030E,
            0x8009_0325,
            0x8009_0327,
            0x8009_0331,
            0x8009_2010,
            0x8009_2012,
            0x8009_200B,
            0x8009_0300,
            0x8009_0350,
            0x8000_4005,
            0x8000_4001,
        ] {
            assert!(decode(c).name.is_some(), "0x{c:08X} missing");
        }
    }

    #[test]
    fn corrections_from_the_cause_catalog() {
        let d = decode(0x8007_0424);
        assert_eq!(d.name, Some("ERROR_SERVICE_DOES_NOT_EXIST"));
        assert_eq!(d.facility, 7);
        assert_eq!(d.facility_name, "FACILITY_WIN32");
        assert_eq!(d.win32, Some(1060));
        assert_eq!(
            d.message,
            Some("The specified service does not exist as an installed service.")
        );
        assert_eq!(d.hex, "0x80070424");
        assert!(d.severity_failure);

        let d = decode(0x8009_0020);
        assert_eq!(d.name, Some("NTE_FAIL"));
        assert_eq!(d.message, Some("An internal error occurred."));
        assert_eq!(d.facility_name, "FACILITY_SECURITY");
        assert_eq!(d.win32, None);

        let d = decode(0x8007_0056);
        assert_eq!(d.name, Some("ERROR_INVALID_PASSWORD"));
        assert_eq!(d.win32, Some(86));
        assert_eq!(
            d.message,
            Some("The specified network password is not correct.")
        );

        assert_eq!(decode(0x8009_0013).name, Some("NTE_BAD_PROVIDER"));
        assert_eq!(decode(0x8009_0014).name, Some("NTE_BAD_PROV_TYPE"));
        assert_eq!(decode(0x8004_0154).name, Some("REGDB_E_CLASSNOTREG"));
        assert_eq!(decode(0x8004_0154).facility_name, "FACILITY_ITF");
        assert_eq!(decode(0x8007_0057).name, Some("E_INVALIDARG"));
        assert_eq!(decode(0x800B_0109).facility_name, "FACILITY_CERT");
        assert_eq!(
            decode(0x8009_2013).message_zh,
            Some("由于吊销服务器已脱机，吊销功能无法检查吊销。")
        );
    }

    #[test]
    fn unknown_codes_decode_with_facility_only() {
        let d = decode(0x8007_FFFF);
        assert_eq!(d.name, None);
        assert_eq!(d.message, None);
        assert_eq!(d.facility_name, "FACILITY_WIN32");
        assert_eq!(d.win32, Some(0xFFFF));
        let d = decode(0x8FAB_1234);
        assert_eq!(d.name, None);
        assert_eq!(d.facility, 0x0FAB);
        assert_eq!(d.facility_name, "FACILITY_UNKNOWN");
        let d = decode(0);
        assert!(!d.severity_failure);
        assert_eq!(d.facility_name, "FACILITY_NULL");
        assert_eq!(d.hex, "0x00000000");
    }

    #[test]
    fn parse_code_accepts_every_form() {
        let cases: &[(&str, u32)] = &[
            ("0x80092004", 0x8009_2004),
            ("0X8009200b", 0x8009_200B),
            ("80092004", 0x8009_2004),
            ("8009200B", 0x8009_200B),
            ("-2147024891", 0x8007_0005),
            ("-2146893802", 0x8009_0016),
            ("2148077572", 0x8009_1004),
            ("2148081668", 0x8009_2004),
            ("2147942405", 0x8007_0005),
            ("E_ACCESSDENIED", 0x8007_0005),
            ("e_accessdenied", 0x8007_0005),
            ("NTE_BAD_KEYSET", 0x8009_0016),
            ("nte_bad_keyset", 0x8009_0016),
            ("ERROR_ACCESS_DENIED", 0x8007_0005),
            ("ERROR_SERVICE_DOES_NOT_EXIST", 0x8007_0424),
            ("HRESULT: 0x80070005", 0x8007_0005),
            ("HRESULT 0x80092013", 0x8009_2013),
            ("hr=0x80090016", 0x8009_0016),
            ("hr = 0x8009030D", 0x8009_030D),
            ("error code 0x80070520", 0x8007_0520),
            ("WIN32: 86", 0x8007_0056),
            ("win32:5", 0x8007_0005),
            ("WinHttp: 12152", 0x8007_2F78),
            ("1060", 0x8007_0424),
            ("  (0x800B010A)  ", 0x800B_010A),
            // Whole certutil line: falls back to the first code found.
            (
                "CertUtil: -importPFX command FAILED: 0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD)",
                0x8007_0056,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse_code(input), Some(*want), "input {input:?}");
        }
        for bad in [
            "",
            "hello",
            "0x",
            "0xZZ",
            "-5x",
            "NOT_A_CODE_NAME",
            "99999999999",
        ] {
            assert_eq!(parse_code(bad), None, "input {bad:?}");
        }
    }

    #[test]
    fn find_codes_on_real_lines() {
        // certutil-importpfx/1.txt
        assert_eq!(
            find_codes(
                "CertUtil: -importPFX command FAILED: 0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD)\n\
                 CertUtil: The specified network password is not correct."
            ),
            vec![0x8007_0056]
        );
        // certutil-importpfx/4.txt
        assert_eq!(
            find_codes(
                "CertUtil: -importPFX command FAILED: 0x80090027 (-2146893785 NTE_INVALID_PARAMETER)\n\
                 CertUtil: The parameter is incorrect.\n\n\
                 CertUtil: -importPFX command FAILED: 0x80090029 (-2146893783 NTE_NOT_SUPPORTED)"
            ),
            vec![0x8009_0027, 0x8009_0029]
        );
        // certutil-importpfx/3.txt: no space between the Korean text and the code.
        assert_eq!(
            find_codes("CertUtil: -importPFX 명령이 실패되었습니다.0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD) "),
            vec![0x8007_0056]
        );
        // certutil-exportpfx/2.txt
        assert_eq!(
            find_codes(
                "CertUtil: -exportPFX command FAILED: 0x80090016 (-2146893802 NTE_BAD_KEYSET)"
            ),
            vec![0x8009_0016]
        );
        // certutil-verify-urlfetch/2.txt and /3.txt: flag words are not codes, lower-case hex is.
        let verify = "dwFlags = CA_VERIFY_FLAGS_CONSOLE_TRACE (0x20000000)\n\
            ChainContext.dwErrorStatus = CERT_TRUST_IS_OFFLINE_REVOCATION (0x1000000)\n\
            CertContext[0][0]: dwInfoStatus=2 dwErrorStatus=1000040\n\
            A certificate chain could not be built to a trusted root authority. 0x800b010a (-2146762486 CERT_E_CHAINING)\n\
            检索 URL 时出现错误: 服务器返回的信息无效或不可识别 0x80072f78 (WinHttp: 12152 ERROR_WINHTTP_INVALID_SERVER_RESPONSE)\n\
            ERROR: Verifying leaf certificate revocation status returned The revocation function was unable to check revocation because the revocation server was offline. 0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)";
        assert_eq!(
            find_codes(verify),
            vec![0x800B_010A, 0x8007_2F78, 0x8009_2013]
        );
        // curl/schannel line from certutil-verify-urlfetch/4.txt
        assert_eq!(
            find_codes("curl: (35) schannel: next InitializeSecurityContext failed: Unknown error (0x80092013) - 失効サーバー"),
            vec![0x8009_2013]
        );
        // Bare hex form and symbolic names.
        assert_eq!(
            find_codes("Import failed with 80092004 then E_ACCESSDENIED"),
            vec![0x8009_2004, 0x8007_0005]
        );
    }

    #[test]
    fn find_codes_ignores_ordinary_numbers() {
        // nginx-t/10.txt, nginx-t/9.txt: OpenSSL 3 error codes look like 8-hex HRESULTs.
        let nginx = "nginx: [emerg] cannot load certificate \"/etc/x.pem\": BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory:calling fopen(/etc/x.pem, r) error:10000080:BIO routines::no such file)\n\
            2023/09/06 21:09:14 [emerg] 1#1: cannot load certificate key \"/k.key\": BIO_new_file() failed (SSL: error:80000001:system library::Operation not permitted)";
        assert!(find_codes(nginx).is_empty());
        // audit-avc/2.txt: PIDs, uids, exit=-13, epoch timestamps.
        let avc = "type=SYSCALL msg=audit(1655480012.410:132688): arch=c000003e syscall=2 success=no exit=-13 a0=55a50cd5fd6a pid=3581 auid=4294967295 uid=994";
        assert!(find_codes(avc).is_empty());
        // GUIDs, hashes, serials, ports, line numbers.
        let misc = "Unique container name: 8e6b4720-74a5-4eb6-a106-b43815e2d97d\n\
            Cert Hash(sha1): 80e9338ff4f1cccabdcb02e2f29f0c0f6ec0e080\n\
            Serial Number: 8210cfb0d240e3594463e0bb63828b00\n\
            listen 443; line 80123456 of /etc/nginx/80abcdef/x.conf port 8443";
        assert!(find_codes(misc).is_empty(), "{:?}", find_codes(misc));
    }

    #[test]
    fn known_codes_iterates_the_table() {
        let all: Vec<DecodedCode> = known_codes().collect();
        assert_eq!(all.len(), table().entries.len());
        assert!(all.iter().all(|d| d.name.is_some() && d.severity_failure));
        assert!(all.iter().any(|d| d.name == Some("CRYPT_E_NOT_FOUND")));
        assert_eq!(aliases(0x8007_0005), &["ERROR_ACCESS_DENIED"]);
        assert_eq!(code_for_name("error_invalid_parameter"), Some(0x8007_0057));
    }

    #[test]
    fn hresult_from_win32_matches_the_sdk() {
        assert_eq!(hresult_from_win32(5), 0x8007_0005);
        assert_eq!(hresult_from_win32(1060), 0x8007_0424);
        assert_eq!(hresult_from_win32(0), 0);
        assert_eq!(hresult_from_win32(0x8009_2004), 0x8009_2004);
    }
}
