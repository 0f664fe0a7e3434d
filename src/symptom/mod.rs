//! The symptom: what the user saw. Error codes in any form (hex, signed decimal, symbolic
//! names) and log lines from OpenSSL, nginx, Apache, keytool, Windows, signtool and .NET.

pub mod codes;
pub mod messages;

use crate::report::{CodeReport, MessageReport};
use crate::rules::Text;

/// The decoded symptom.
#[derive(Debug, Clone, Default)]
pub struct Symptom {
    /// As given.
    pub raw: String,
    /// Every code found (directly or implied by a recognised message), in order, no repeats.
    pub codes: Vec<u32>,
    /// Ids of recognised messages.
    pub messages: Vec<String>,
}

/// Longest symptom text read (a pasted log excerpt); the rest is ignored.
pub const MAX_SYMPTOM_LEN: usize = 64 * 1024;

/// Decodes what the user reported.
///
/// ```
/// let s = certdoctor::symptom::read("CertUtil: -importPFX command FAILED: 0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD)");
/// assert_eq!(s.codes, vec![0x80070056]);
/// assert_eq!(certdoctor::symptom::read("-2147024891").codes, vec![0x80070005]);
/// ```
pub fn read(text: &str) -> Symptom {
    let mut end = text.len().min(MAX_SYMPTOM_LEN);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let raw = text[..end].trim().to_string();
    let mut out = Symptom {
        raw: raw.clone(),
        ..Symptom::default()
    };
    if let Some(c) = codes::parse_code(&raw) {
        out.codes.push(c);
    }
    for c in codes::find_codes(&raw) {
        if !out.codes.contains(&c) {
            out.codes.push(c);
        }
    }
    for m in messages::recognize(&raw) {
        // A Windows message stands for its HRESULT; an OpenSSL, nginx or Java message does
        // not (rules name those by message id), or Windows-only causes would be suggested for
        // a Linux error.
        let windows_family = matches!(
            m.source,
            "windows" | "iis" | "schannel" | "dotnet" | "certutil" | "signtool"
        );
        if let Some(c) = m.code.filter(|_| windows_family) {
            if !out.codes.contains(&c) {
                out.codes.push(c);
            }
        }
        let id = m.id.to_string();
        if !out.messages.contains(&id) {
            out.messages.push(id);
        }
    }
    out
}

/// The report view of one code.
pub fn code_report(code: u32) -> CodeReport {
    let d = codes::decode(code);
    CodeReport {
        hex: d.hex.clone(),
        facility: d.facility_name.to_string(),
        name: d.name.map(str::to_string),
        message: d.message.map(|en| Text {
            en: en.to_string(),
            zh: d.message_zh.unwrap_or(en).to_string(),
        }),
    }
}

/// The report view of the symptom.
pub fn report(s: &Symptom, explained: bool) -> crate::report::SymptomReport {
    let catalog = messages::catalog();
    crate::report::SymptomReport {
        raw: s.raw.clone(),
        codes: s.codes.iter().map(|c| code_report(*c)).collect(),
        messages: s
            .messages
            .iter()
            .filter_map(|id| catalog.iter().find(|p| p.id == *id))
            .map(|p| MessageReport {
                id: p.id.to_string(),
                source: p.source.to_string(),
                meaning: Text {
                    en: p.en.to_string(),
                    zh: p.zh.to_string(),
                },
            })
            .collect(),
        explained,
    }
}
