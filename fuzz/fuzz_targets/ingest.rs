//! The whole ingest dispatcher (PEM, DER, PKCS#7, PKCS#12, keys, CSRs, text encodings) on one
//! arbitrary file, with one user password.
#![no_main]

use certdoctor::ingest::ingest;
use certdoctor::{InputFile, Limits, Password};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = [InputFile::new("f", data)];
    let passwords = [Password::new("correct horse")];
    let _ = ingest(&files, &passwords, &Limits::default());
});
