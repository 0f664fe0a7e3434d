//! Certificate extraction from a PKCS#7 / CMS SignedData bundle (DER or BER).
#![no_main]

use certdoctor::ingest::pkcs7::certificates;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = certificates(data);
});
