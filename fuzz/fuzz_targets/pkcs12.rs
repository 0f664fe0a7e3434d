//! The PKCS#12 reader with a user password and the empty password.
#![no_main]

use certdoctor::ingest::pkcs12::analyse_pkcs12;
use certdoctor::{Limits, Password};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let passwords = [Password::new("correct horse"), Password::empty()];
    let _ = analyse_pkcs12(data, &passwords, &Limits::default());
});
