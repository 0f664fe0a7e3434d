//! Secrets stay secret: passwords and private keys never reach `Debug`, errors or reports, and
//! key material is zeroized on drop.

use base64ct::{Base64, Encoding};
use certdoctor::render::{json::to_json, text};
use certdoctor::{diagnose, Facts, InputFile, Lang, Password};

const PASSWORD: &str = "correct horse";

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{rel}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn assert_zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}

#[test]
fn key_material_types_are_zeroized_on_drop() {
    assert_zeroize_on_drop::<certdoctor::Password>();
    assert_zeroize_on_drop::<certdoctor::secret::SecretBytes>();
}

/// Pieces of the private key's base64 body: none may appear anywhere in any output.
fn key_fragments() -> Vec<String> {
    let pem = String::from_utf8(fixture("keys/leaf-rsa.pkcs8.pem")).expect("utf8");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = Base64::decode_vec(&body).expect("base64");
    // Hex and base64 of the private part (skip the first 64 bytes: headers and public modulus
    // prefix could legitimately appear as public data elsewhere).
    let private = &der[der.len() - 400..der.len() - 300];
    vec![
        body[200..240].to_string(),
        certdoctor::analyse::cert::hex(private),
        Base64::encode_string(private)[..40].to_string(),
    ]
}

#[test]
fn passwords_and_keys_never_reach_debug_reports_or_errors() {
    let facts = Facts {
        files: vec![
            InputFile::new("chain.pem", fixture("chain/fullchain.pem")),
            InputFile::new("key.pem", fixture("keys/leaf-rsa.pkcs8.pem")),
            InputFile::new("enc.pem", fixture("keys/leaf-rsa.pkcs8-enc-aes256.pem")),
            InputFile::new("site.pfx", fixture("p12/default.pfx")),
        ],
        passwords: vec![Password::new(PASSWORD)],
        now: Some("2026-06-01T00:00:00Z".into()),
        error: Some("0x80070056".into()),
        ..Facts::default()
    };
    let report = diagnose(&facts);
    let (view, ingested, _) = certdoctor::fact_view(&facts);
    let outputs = [
        format!("{facts:?}"),
        format!("{report:?}"),
        format!("{ingested:?}"),
        format!("{view:?}"),
        serde_json::to_string(&facts).expect("facts JSON"),
        serde_json::to_string(&to_json(&report, Lang::En)).expect("json"),
        serde_json::to_string(&to_json(&report, Lang::ZhCn)).expect("json"),
        text::render(
            &report,
            text::TextOptions {
                lang: Lang::En,
                color: false,
            },
        ),
    ];
    // The facts JSON carries the input files (base64) by design; the password never.
    for (i, o) in outputs.iter().enumerate() {
        assert!(!o.contains(PASSWORD), "output {i} shows the password");
        if i != 4 {
            for f in key_fragments() {
                assert!(!o.contains(&f), "output {i} shows private key material");
            }
        }
    }
    // The key really was read (so the check above is meaningful).
    assert!(ingested.keys.iter().filter(|k| k.info.is_some()).count() >= 2);
}

#[test]
fn errors_do_not_echo_passwords() {
    let limits = certdoctor::Limits::default();
    let wrong = Password::new("hunter2-wrong");
    let e = certdoctor::ingest::keys::parse_der_key(
        &fixture("keys/leaf-rsa.pkcs8.der"),
        Some(&wrong),
        &limits,
    );
    assert!(e.is_ok(), "plain key reads without a password");
    let pem = String::from_utf8(fixture("keys/leaf-rsa.pkcs8-enc-aes256.pem")).expect("utf8");
    let scan = certdoctor::ingest::text::scan_pem(&pem, 10);
    let b = &scan.blocks[0];
    let err = certdoctor::ingest::keys::parse_pem_key(
        &b.label,
        &b.headers,
        &b.body,
        Some(&wrong),
        &limits,
    )
    .expect_err("wrong password");
    assert!(!err.to_string().contains("hunter2"));
    assert!(!format!("{err:?}").contains("hunter2"));
}
