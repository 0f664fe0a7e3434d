//! A rule file (TOML) and a facts file (JSON) read from the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = certdoctor::rules::parse_rule("f.toml", &String::from_utf8_lossy(data));
    let _ = serde_json::from_slice::<certdoctor::Facts>(data);
});
