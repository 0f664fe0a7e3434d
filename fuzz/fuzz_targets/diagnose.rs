//! The full pipeline: ingest, analysis, rules, ranking, on one arbitrary file.
#![no_main]

use certdoctor::{diagnose, Facts, InputFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let facts = Facts {
        files: vec![InputFile::new("f", data)],
        now: Some("2026-06-01T00:00:00Z".into()),
        ..Default::default()
    };
    let _ = diagnose(&facts);
});
