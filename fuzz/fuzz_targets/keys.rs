//! The private key readers.
//!
//! The whole input goes to `parse_der_key`. Then it is split to drive `parse_pem_key` with
//! each of the five private key labels:
//! - byte 0: bit 7 set adds `Proc-Type: 4,ENCRYPTED`; the low bits pick the `DEK-Info` cipher
//!   name (five supported ones and one unsupported);
//! - byte 1: the IV length in bytes (0..=31);
//! - the next IV-length bytes: the IV, written in hex in the `DEK-Info` header;
//! - the rest: the decoded PEM body.
#![no_main]

use certdoctor::ingest::keys::{parse_der_key, parse_pem_key};
use certdoctor::{Limits, Password};
use libfuzzer_sys::fuzz_target;

const LABELS: [&str; 5] = [
    "PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "DSA PRIVATE KEY",
];

const CIPHERS: [&str; 6] = [
    "AES-128-CBC",
    "AES-192-CBC",
    "AES-256-CBC",
    "DES-EDE3-CBC",
    "DES-CBC",
    "BF-CBC",
];

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let password = Password::new("correct horse");
    let _ = parse_der_key(data, Some(&password), &limits);

    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Some((&iv_len, rest)) = rest.split_first() else {
        return;
    };
    let iv_len = usize::from(iv_len % 32).min(rest.len());
    let (iv, body) = rest.split_at(iv_len);
    let iv_hex: String = iv.iter().map(|b| format!("{b:02X}")).collect();
    let cipher = CIPHERS[usize::from(flags & 0x7f) % CIPHERS.len()];
    let mut headers = Vec::new();
    if flags & 0x80 != 0 {
        headers.push(("Proc-Type".to_string(), "4,ENCRYPTED".to_string()));
    }
    headers.push(("DEK-Info".to_string(), format!("{cipher},{iv_hex}")));
    for label in LABELS {
        let _ = parse_pem_key(label, &headers, body, Some(&password), &limits);
        let _ = parse_pem_key(label, &headers, body, None, &limits);
    }
});
