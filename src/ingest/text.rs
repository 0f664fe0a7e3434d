//! Text-level reading of a file: character encoding, PEM blocks, base64.
//!
//! Everything that can be wrong with a file's text is recorded as a [`TextIssue`] with the spot
//! (line number) so a message can name it; nothing here fails on any input.

use base64ct::{Base64, Encoding};
use serde::Serialize;

/// A problem with the text of a file. Each variant names where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TextIssue {
    /// The file is UTF-16 (Windows "Unicode" save); most tools want ASCII/UTF-8.
    Utf16 {
        /// True for little-endian.
        little_endian: bool,
        /// A byte order mark was present.
        bom: bool,
    },
    /// A UTF-8 byte order mark starts the file.
    Utf8Bom,
    /// An END line is directly followed by the next BEGIN line on the same line.
    GluedBlocks {
        /// 1-based line of the glued markers.
        line: usize,
    },
    /// A BEGIN line has no matching END line (the file was cut short).
    MissingEnd {
        /// The PEM label.
        label: String,
        /// 1-based line of the BEGIN line.
        line: usize,
    },
    /// A character that is not base64 inside a PEM body.
    BadBase64 {
        /// The PEM label.
        label: String,
        /// 1-based line of the bad character.
        line: usize,
    },
    /// The PEM label does not match the content (e.g. a certificate labelled PRIVATE KEY).
    WrongLabel {
        /// The label written in the file.
        label: String,
        /// What the content actually is.
        content: String,
        /// 1-based line of the BEGIN line.
        line: usize,
    },
    /// Binary data after the last END line.
    TrailingText {
        /// 1-based line where it starts.
        line: usize,
    },
}

impl TextIssue {
    /// True for issues that make a file unreadable or damaged (as opposed to an encoding quirk).
    pub fn is_damage(&self) -> bool {
        matches!(
            self,
            TextIssue::MissingEnd { .. }
                | TextIssue::BadBase64 { .. }
                | TextIssue::TrailingText { .. }
        )
    }

    /// A one-line English description.
    pub fn describe(&self) -> String {
        match self {
            TextIssue::Utf16 { little_endian, bom } => format!(
                "saved as UTF-16{} {} a byte order mark (tools expect ASCII)",
                if *little_endian { "LE" } else { "BE" },
                if *bom { "with" } else { "without" }
            ),
            TextIssue::Utf8Bom => "starts with a UTF-8 byte order mark".to_string(),
            TextIssue::GluedBlocks { line } => {
                format!("line {line}: an END line and the next BEGIN line are glued together without a line break")
            }
            TextIssue::MissingEnd { label, line } => {
                format!("line {line}: '-----BEGIN {label}-----' has no END line (file cut short)")
            }
            TextIssue::BadBase64 { label, line } => {
                format!("line {line}: invalid base64 in the {label} block")
            }
            TextIssue::WrongLabel {
                label,
                content,
                line,
            } => format!("line {line}: labelled '{label}' but holds {content}"),
            TextIssue::TrailingText { line } => {
                format!("line {line}: binary data after the last END line (damaged or badly concatenated file)")
            }
        }
    }
}

/// One PEM block found in a file.
#[derive(Clone, PartialEq, Eq)]
pub struct PemBlock {
    /// The label between `BEGIN ` and `-----`.
    pub label: String,
    /// RFC 1421 headers (e.g. `Proc-Type`, `DEK-Info`), in order.
    pub headers: Vec<(String, String)>,
    /// The decoded body (may hold key material: never printed).
    pub body: Vec<u8>,
    /// 1-based line of the BEGIN line.
    pub line: usize,
}

impl std::fmt::Debug for PemBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PemBlock")
            .field("label", &self.label)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .field("line", &self.line)
            .finish()
    }
}

/// The outcome of reading a file as text.
#[derive(Debug, Clone, Default)]
pub struct TextScan {
    /// The PEM blocks that decoded.
    pub blocks: Vec<PemBlock>,
    /// Everything odd about the text.
    pub issues: Vec<TextIssue>,
    /// Line endings are CRLF (harmless for most tools; reported for completeness).
    pub crlf: bool,
    /// More blocks were present than the limit allows.
    pub truncated_at_limit: bool,
}

/// Turns raw bytes into text, undoing UTF-16 and byte order marks. Returns `None` when the bytes
/// are not text at all.
pub fn decode_text(bytes: &[u8], issues: &mut Vec<TextIssue>) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        issues.push(TextIssue::Utf8Bom);
        return std::str::from_utf8(rest).ok().map(str::to_string);
    }
    let utf16 = |data: &[u8], le: bool| -> Option<String> {
        let units: Vec<u16> = data
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).ok()
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        issues.push(TextIssue::Utf16 {
            little_endian: true,
            bom: true,
        });
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        issues.push(TextIssue::Utf16 {
            little_endian: false,
            bom: true,
        });
        return utf16(rest, false);
    }
    // UTF-16 without BOM: ASCII text with every other byte zero.
    if bytes.len() >= 4 && bytes.len() % 2 == 0 {
        let sample = &bytes[..bytes.len().min(256)];
        let odd_zero = sample.iter().skip(1).step_by(2).all(|b| *b == 0);
        let even_zero = sample.iter().step_by(2).all(|b| *b == 0);
        if odd_zero && sample.iter().step_by(2).all(|b| b.is_ascii()) {
            issues.push(TextIssue::Utf16 {
                little_endian: true,
                bom: false,
            });
            return utf16(bytes, true);
        }
        if even_zero && sample.iter().skip(1).step_by(2).all(|b| b.is_ascii()) {
            issues.push(TextIssue::Utf16 {
                little_endian: false,
                bom: false,
            });
            return utf16(bytes, false);
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => Some(t.to_string()),
        // PEM with binary junk around it (a bad concatenation): read the text, keep the junk
        // for the scanner to report.
        Err(_) if bytes.windows(11).any(|w| w == b"-----BEGIN ") => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
        Err(_) => None,
    }
}

const BEGIN: &str = "-----BEGIN ";
const END: &str = "-----END ";
const DASHES: &str = "-----";

/// Line numbers for byte offsets, computed incrementally (offsets asked in increasing order
/// cost one pass over the text in total).
struct Lines<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }
    fn at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        self.line += self.text[self.offset..offset]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.offset = offset;
        self.line
    }
}

/// Finds and decodes every PEM block in `text`, recording problems. At most `max_blocks` blocks
/// are decoded.
pub fn scan_pem(text: &str, max_blocks: usize) -> TextScan {
    let mut scan = TextScan {
        crlf: text.contains("\r\n"),
        ..TextScan::default()
    };
    let mut pos = 0usize;
    let mut last_end = None;
    let mut lines = Lines::new(text);
    let mut next_end: Option<usize> = None;
    while let Some(rel) = text[pos..].find(BEGIN) {
        let begin_at = pos + rel;
        let label_start = begin_at + BEGIN.len();
        let Some(label_len) = text[label_start..].find(DASHES) else {
            break;
        };
        let body_start = label_start + label_len + DASHES.len();
        let raw_label = &text[label_start..label_start + label_len];
        if raw_label.len() > 64 || raw_label.contains('\n') {
            pos = body_start;
            continue;
        }
        let label = raw_label.trim().to_string();
        let line = lines.at(begin_at);
        // Hostile input can hold many BEGIN lines before one END: the END found last time is
        // reused while it still lies ahead, so the scan stays linear.
        if scan.blocks.len() + scan.issues.len() >= max_blocks.saturating_mul(2).max(8) {
            scan.truncated_at_limit = true;
            break;
        }
        let end_at = match next_end.filter(|e| *e >= body_start) {
            Some(e) => e,
            None => match text[body_start..].find(END) {
                Some(r) => body_start + r,
                None => {
                    scan.issues.push(TextIssue::MissingEnd { label, line });
                    last_end = Some(text.len());
                    break;
                }
            },
        };
        next_end = Some(end_at);
        // A BEGIN inside the body means this block lost its END: report and resync there.
        if let Some(inner) = text[body_start..end_at].find(BEGIN) {
            scan.issues.push(TextIssue::MissingEnd { label, line });
            pos = body_start + inner;
            continue;
        }
        // Skip the END label and its dashes.
        let after_end_label = end_at + END.len();
        let end_close = text[after_end_label..]
            .find(DASHES)
            .map(|i| after_end_label + i + DASHES.len())
            .unwrap_or(text.len());
        if text[end_close..].starts_with(BEGIN) || text[end_close..].starts_with("-----") {
            scan.issues.push(TextIssue::GluedBlocks {
                line: lines.at(end_close),
            });
        }
        if scan.blocks.len() >= max_blocks {
            scan.truncated_at_limit = true;
            break;
        }
        let body_text = &text[body_start..end_at];
        match decode_body(body_text) {
            Ok((headers, body)) => scan.blocks.push(PemBlock {
                label,
                headers,
                body,
                line,
            }),
            Err(bad_line_in_body) => {
                let first = lines.at(body_start);
                scan.issues.push(TextIssue::BadBase64 {
                    label,
                    line: first + bad_line_in_body,
                })
            }
        }
        last_end = Some(end_close);
        pos = end_close;
    }
    // Text after the last block is ignored by OpenSSL (comments, "subject=" lines); binary
    // junk there means a damaged or badly concatenated file.
    // (Not when the block limit stopped the scan: the rest was not read, and checking it would
    // cost a pass over up to the whole file.)
    if let (Some(end), false) = (last_end, scan.truncated_at_limit) {
        if end < text.len() {
            let rest = &text[end..];
            let binary = rest
                .chars()
                .any(|c| c == '\u{FFFD}' || (c.is_control() && !c.is_whitespace()));
            if let (true, Some(i)) = (binary, rest.find(|c: char| !c.is_whitespace())) {
                scan.issues.push(TextIssue::TrailingText {
                    line: lines.at(end + i),
                });
            }
        }
    }
    scan
}

/// Decodes a PEM body: optional RFC 1421 headers, then base64 lines. On failure returns the
/// 0-based line (relative to the body start) with the bad character.
/// RFC 1421 headers of a PEM block.
type Headers = Vec<(String, String)>;

fn decode_body(body: &str) -> Result<(Headers, Vec<u8>), usize> {
    let mut headers = Vec::new();
    let mut b64 = String::with_capacity(body.len());
    let lines: Vec<&str> = body.split('\n').collect();
    let mut in_headers = true;
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        if in_headers {
            if line.is_empty() && !headers.is_empty() {
                in_headers = false;
                continue;
            }
            if let Some((k, v)) = line.split_once(':') {
                if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    headers.push((k.trim().to_string(), v.trim().to_string()));
                    continue;
                }
            }
            if !line.is_empty() {
                in_headers = false;
            }
        }
        for c in line.chars() {
            if c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=' {
                b64.push(c);
            } else if !c.is_whitespace() {
                return Err(i);
            }
        }
    }
    match Base64::decode_vec(&b64) {
        Ok(v) => Ok((headers, v)),
        Err(_) => {
            // Base64 that is structurally wrong (bad padding or length): blame the last line.
            Err(lines.len().saturating_sub(1))
        }
    }
}

/// If the whole text is base64 (no PEM armour), decodes it.
pub fn decode_bare_base64(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() < 16
        || !compact
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=')
    {
        return None;
    }
    Base64::decode_vec(&compact).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT_B64: &str = "MIIBszCCAVmgAwIBAgIUJ0";

    #[test]
    fn glued_blocks_are_found_and_both_decode() {
        let t =
            "-----BEGIN A-----\nAAAA\n-----END A----------BEGIN B-----\nAAAA\n-----END B-----\n";
        let s = scan_pem(t, 10);
        assert_eq!(s.blocks.len(), 2);
        assert!(s.issues.contains(&TextIssue::GluedBlocks { line: 3 }));
    }

    #[test]
    fn missing_end_and_bad_base64_are_located() {
        let s = scan_pem("x\n-----BEGIN CERTIFICATE-----\nAAAA\nAA*A\n", 10);
        assert!(matches!(s.issues[0], TextIssue::MissingEnd { line: 2, .. }));
        let s = scan_pem(
            "-----BEGIN CERTIFICATE-----\nAAAA\nAAAA\nAA*A\n-----END CERTIFICATE-----\n",
            10,
        );
        assert_eq!(
            s.issues,
            vec![TextIssue::BadBase64 {
                label: "CERTIFICATE".into(),
                line: 4
            }]
        );
    }

    #[test]
    fn headers_are_parsed() {
        let s = scan_pem("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n", 10);
        assert_eq!(s.blocks[0].headers.len(), 2);
        assert_eq!(s.blocks[0].headers[1].0, "DEK-Info");
    }

    #[test]
    fn utf16_without_bom_is_detected() {
        let text = format!("-----BEGIN CERTIFICATE-----\n{CERT_B64}\n");
        let bytes: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let mut issues = vec![];
        let back = decode_text(&bytes, &mut issues).unwrap();
        assert_eq!(back, text);
        assert_eq!(
            issues,
            vec![TextIssue::Utf16 {
                little_endian: true,
                bom: false
            }]
        );
    }

    #[test]
    fn block_limit_is_respected() {
        let one = "-----BEGIN X-----\nAAAA\n-----END X-----\n";
        let s = scan_pem(&one.repeat(50), 10);
        assert_eq!(s.blocks.len(), 10);
        assert!(s.truncated_at_limit);
    }
}

#[cfg(test)]
mod hostile {
    use super::*;

    #[test]
    fn many_begin_lines_before_one_end_stay_bounded() {
        let mut t = "-----BEGIN CERTIFICATE-----\n".repeat(200_000);
        t.push_str("AAAA\n-----END CERTIFICATE-----\n");
        let s = scan_pem(&t, 256);
        assert!(s.truncated_at_limit);
        assert!(s.issues.len() <= 512);
    }
}
