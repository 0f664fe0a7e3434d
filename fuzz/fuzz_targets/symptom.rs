//! The reader of a pasted error code or log line.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = certdoctor::symptom::read(&String::from_utf8_lossy(data));
});
