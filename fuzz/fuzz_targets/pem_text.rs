//! Text decoding (BOMs, UTF-16) followed by the PEM block scanner.
#![no_main]

use certdoctor::ingest::text::{decode_text, scan_pem};
use certdoctor::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut issues = Vec::new();
    if let Some(text) = decode_text(data, &mut issues) {
        let _ = scan_pem(&text, Limits::default().max_objects_per_file);
    }
});
