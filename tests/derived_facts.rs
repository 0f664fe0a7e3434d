//! Every derived fact of the registry (`data/facts.toml`, every path outside `host.`) asserted
//! on real fixture files: each boolean once where it is true and once where it is false, each
//! value once with the value the fixture determines and once with a contrasting value (another
//! value, an empty list, or absent where absent means unknown).
//!
//! Fixtures are the committed files under `tests/fixtures/` (their READMEs say what is true of
//! each) and the real Sectigo certificates in `tests/fixtures/chain-extra/sectigo/`. Keys and
//! serial numbers of the generated fixtures change when they are regenerated, so fingerprints,
//! serials and key identifiers are computed here from the fixture bytes, not written down.
//!
//! Checks that fail because the analyser computes a fact wrongly are kept apart in `bug_*`
//! tests, ignored, each marked `// BUG:`. `registry_coverage` checks that every derived fact of
//! the registry is asserted here at least twice.

use certdoctor::view::{FactView, Value};
use certdoctor::{Facts, InputFile, Limits, Password};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
/// The reference time of every case unless stated: inside every normal validity period.
const NOW: &str = "2026-06-01T00:00:00Z";
/// The test root (`--trust`) that anchors the `pki/` hierarchy.
const TEST_ROOT: &str = "pki/root-ca.pem";
const SECTIGO: &str = "chain-extra/sectigo";

fn read(rel: &str) -> Vec<u8> {
    let p = format!("{FIXTURES}/{rel}");
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {p}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Building cases

/// One diagnosis input: files, trust, passwords and context, built step by step.
struct Case {
    facts: Facts,
    label: String,
}

impl Case {
    /// The given fixture files (named by their path under `tests/fixtures`), `now` = [`NOW`].
    fn new(files: &[&str]) -> Case {
        Case {
            facts: Facts {
                files: files.iter().map(|r| InputFile::new(*r, read(r))).collect(),
                now: Some(NOW.into()),
                ..Facts::default()
            },
            label: files.join(" + "),
        }
    }
    /// Adds a fixture under another file name (ingestion orders files by name, and the first
    /// certificate is taken as the server's when only CA certificates are given).
    fn file_as(mut self, name: &str, rel: &str) -> Case {
        self.facts.files.push(InputFile::new(name, read(rel)));
        self.label.push_str(&format!(" + {name} (= {rel})"));
        self
    }
    /// Adds a file made in this test.
    fn bytes(mut self, name: &str, bytes: Vec<u8>) -> Case {
        self.facts.files.push(InputFile::new(name, bytes));
        self.label.push_str(&format!(" + {name}"));
        self
    }
    fn trust(mut self, rel: &str) -> Case {
        self.facts.trust.push(InputFile::new(rel, read(rel)));
        self.label.push_str(&format!(" [trust {rel}]"));
        self
    }
    fn test_root(self) -> Case {
        self.trust(TEST_ROOT)
    }
    fn pw(mut self, p: &str) -> Case {
        self.facts.passwords.push(Password::new(p));
        self.label.push_str(" [password]");
        self
    }
    fn host(mut self, h: &str) -> Case {
        self.facts.host_name = Some(h.into());
        self.label.push_str(&format!(" [host {h}]"));
        self
    }
    fn at(mut self, now: &str) -> Case {
        self.facts.now = Some(now.into());
        self.label.push_str(&format!(" [now {now}]"));
        self
    }
    fn no_now(mut self) -> Case {
        self.facts.now = None;
        self.label.push_str(" [no now]");
        self
    }
    fn clock(mut self, t: &str) -> Case {
        self.facts.host.clock = Some(certdoctor::facts::ClockFacts {
            now: Some(t.into()),
        });
        self.label.push_str(&format!(" [host clock {t}]"));
        self
    }
    fn error(mut self, e: &str) -> Case {
        self.facts.error = Some(e.into());
        self.label.push_str(&format!(" [error {e}]"));
        self
    }
    fn target(mut self, t: &str) -> Case {
        self.facts.target = Some(t.into());
        self.label.push_str(&format!(" [target {t}]"));
        self
    }
    fn os(mut self, o: &str) -> Case {
        self.facts.os = Some(o.into());
        self.label.push_str(&format!(" [os {o}]"));
        self
    }
    fn limits(mut self, l: Limits) -> Case {
        self.facts.limits = l;
        self.label.push_str(" [limits]");
        self
    }
    fn view(self) -> View {
        let (v, _, _) = certdoctor::fact_view(&self.facts);
        View {
            label: self.label,
            v,
        }
    }
}

/// The facts of one case, with assertions that name the case and the fact when they fail.
struct View {
    label: String,
    v: FactView,
}

impl View {
    fn get(&self, path: &str) -> Option<&Value> {
        self.v.get(path)
    }
    fn fail(&self, path: &str, want: &str) -> ! {
        panic!(
            "case {}:\n  fact {path}: expected {want}, got {:?}",
            self.label,
            self.get(path)
        )
    }
    /// The fact has exactly this value.
    fn is(&self, path: &str, want: Value) -> &Self {
        if self.get(path) != Some(&want) {
            self.fail(path, &format!("{want:?}"));
        }
        self
    }
    /// The fact is unknown (not in the view).
    fn absent(&self, path: &str) -> &Self {
        if self.get(path).is_some() {
            self.fail(path, "absent (unknown)");
        }
        self
    }
    fn list(&self, path: &str) -> Vec<String> {
        match self.get(path) {
            Some(Value::List(l)) => l.clone(),
            _ => self.fail(path, "a list"),
        }
    }
    /// The list fact holds exactly these items, in any order.
    fn set(&self, path: &str, items: &[&str]) -> &Self {
        let mut got = self.list(path);
        got.sort();
        let mut want: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        want.sort();
        if got != want {
            self.fail(path, &format!("the items {want:?} in any order"));
        }
        self
    }
    /// The list fact has exactly one item, and it contains every needle.
    fn one_like(&self, path: &str, needles: &[&str]) -> &Self {
        let got = self.list(path);
        if got.len() != 1 || !needles.iter().all(|n| got[0].contains(n)) {
            self.fail(path, &format!("one item containing {needles:?}"));
        }
        self
    }
    /// The list fact contains this item.
    fn has(&self, path: &str, item: &str) -> &Self {
        if !self.list(path).iter().any(|x| x == item) {
            self.fail(path, &format!("a list containing {item:?}"));
        }
        self
    }
    /// The list fact does not contain this item.
    fn lacks(&self, path: &str, item: &str) -> &Self {
        if self.list(path).iter().any(|x| x == item) {
            self.fail(path, &format!("a list without {item:?}"));
        }
        self
    }
}

fn b(x: bool) -> Value {
    Value::Bool(x)
}
fn n(x: f64) -> Value {
    Value::Num(x)
}
fn s(x: &str) -> Value {
    Value::Str(x.to_string())
}
fn l(xs: &[&str]) -> Value {
    Value::List(xs.iter().map(|x| x.to_string()).collect())
}
fn empty() -> Value {
    Value::List(Vec::new())
}
fn t(rfc3339: &str) -> Value {
    Value::Time(certdoctor::time::parse_rfc3339(rfc3339).expect("a valid RFC 3339 time"))
}

// ---------------------------------------------------------------------------------------------
// Values computed from the fixture bytes (they change when the fixtures are regenerated)

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The DER of the first certificate of a PEM or DER fixture.
fn cert_der(rel: &str) -> Vec<u8> {
    let bytes = read(rel);
    if bytes.starts_with(b"-----BEGIN") {
        let (label, der) = der::pem::decode_vec(&bytes).expect("a PEM fixture");
        assert_eq!(label, "CERTIFICATE", "{rel}");
        der
    } else {
        bytes
    }
}

fn cert(rel: &str) -> x509_cert::Certificate {
    use der::Decode;
    x509_cert::Certificate::from_der(&cert_der(rel)).expect("a certificate fixture")
}

fn sha256_hex(rel: &str) -> String {
    use sha2::Digest;
    hex_lower(&sha2::Sha256::digest(cert_der(rel)))
}

fn sha1_thumbprint(rel: &str) -> String {
    use sha1::Digest;
    hex_lower(&sha1::Sha1::digest(cert_der(rel))).to_uppercase()
}

fn serial_hex(rel: &str) -> String {
    hex_lower(cert(rel).tbs_certificate().serial_number().as_bytes())
}

fn spki_sha256(rel: &str) -> String {
    use der::Encode;
    use sha2::Digest;
    let c = cert(rel);
    let spki = c
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .expect("SPKI encodes");
    hex_lower(&sha2::Sha256::digest(spki))
}

/// The subject key identifier of a CA fixture, upper-case hex.
fn ski_upper(rel: &str) -> String {
    use x509_cert::ext::pkix::SubjectKeyIdentifier;
    let c = cert(rel);
    let (_, ski) = c
        .tbs_certificate()
        .get_extension::<SubjectKeyIdentifier>()
        .expect("extensions decode")
        .expect("the fixture has an SKI");
    hex_lower(ski.0.as_bytes()).to_uppercase()
}

// A minimal DER walker, only to derive the one CSR no committed fixture provides (see
// `csr_with_duplicate_san`).
fn der_header(b: &[u8]) -> (usize, usize) {
    let first = b[1] as usize;
    if first < 0x80 {
        (2, first)
    } else {
        let k = first & 0x7f;
        let len = b[2..2 + k]
            .iter()
            .fold(0usize, |a, x| (a << 8) | *x as usize);
        (2 + k, len)
    }
}
fn der_children(tlv: &[u8]) -> Vec<&[u8]> {
    let (h, len) = der_header(tlv);
    let mut rest = &tlv[h..h + len];
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (ch, cl) = der_header(rest);
        out.push(&rest[..ch + cl]);
        rest = &rest[ch + cl..];
    }
    out
}
fn der_tlv(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let content: Vec<u8> = parts.concat();
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend(content);
    out
}

/// `csr/leaf-rsa.csr.der` with its one requested extension (subjectAltName) present twice.
/// No committed CSR fixture carries a bad extension, so this one is derived from the real
/// fixture here; its signature no longer verifies (irrelevant to the extension check).
fn csr_with_duplicate_san() -> Vec<u8> {
    let csr = read("csr/leaf-rsa.csr.der");
    let top = der_children(&csr); // CertificationRequestInfo, signatureAlgorithm, signature
    let info = der_children(top[0]); // version, subject, subjectPKInfo, [0] attributes
    let attrs = der_children(info[3]);
    assert_eq!(attrs.len(), 1, "one attribute: extensionRequest");
    let attr = der_children(attrs[0]); // type, values
    let values = der_children(attr[1]);
    let exts = der_children(values[0]);
    assert_eq!(exts.len(), 1, "one requested extension: subjectAltName");
    let new_exts = der_tlv(0x30, &[exts[0], exts[0]]);
    let new_values = der_tlv(0x31, &[&new_exts]);
    let new_attr = der_tlv(0x30, &[attr[0], &new_values]);
    let new_attrs = der_tlv(0xA0, &[&new_attr]);
    let new_info = der_tlv(0x30, &[info[0], info[1], info[2], &new_attrs]);
    der_tlv(0x30, &[&new_info, top[1], top[2]])
}

// ---------------------------------------------------------------------------------------------
// input.*

#[test]
fn input_facts() {
    let pem = Case::new(&["chain/fullchain.pem", "keys/leaf-rsa.pkcs8.pem"]).view();
    let der = Case::new(&["pki/leaf-rsa.der", "keys/leaf-rsa.pkcs8.der"]).view();
    let pfx = Case::new(&["p12/default.pfx"]).pw("correct horse").view();
    let p7b = Case::new(&["p7/leaf-int.p7b"]).view();
    let p7b_pem = Case::new(&["p7/leaf-int.pem.p7b"]).view();
    let armored = Case::new(&["p12/default.pfx.pem"])
        .pw("correct horse")
        .view();
    let b64 = Case::new(&["p12/default.pfx.b64"])
        .pw("correct horse")
        .view();
    let one = Case::new(&["chain/leaf-only.pem"]).view();

    pem.is("input.count", n(2.0));
    one.is("input.count", n(1.0));

    der.set("input.formats", &["der_certificate", "der_key"]);
    p7b.is("input.formats", l(&["pkcs7"]));
    pfx.is("input.formats", l(&["pkcs12"]));
    // (PEM files: see bug_input_formats_pem.)

    pem.is("input.has_pem", b(true));
    p7b_pem.is("input.has_pem", b(true));
    der.is("input.has_pem", b(false));
    pfx.is("input.has_pem", b(false));

    der.is("input.has_der", b(true));
    pem.is("input.has_der", b(false));

    pfx.is("input.has_pfx", b(true));
    armored.is("input.has_pfx", b(true));
    pem.is("input.has_pfx", b(false));

    p7b.is("input.has_p7b", b(true));
    p7b_pem.is("input.has_p7b", b(true));
    pem.is("input.has_p7b", b(false));

    der.is("input.has_key_file", b(true));
    pem.is("input.has_key_file", b(true));
    pfx.is("input.has_key_file", b(false)); // the key is inside the PKCS#12 only

    armored.is("input.pfx_pem_armored", b(true));
    b64.is("input.pfx_pem_armored", b(true));
    pfx.is("input.pfx_pem_armored", b(false));

    pem.is("input.cert_files", l(&["chain/fullchain.pem"]));
    der.is("input.cert_files", l(&["pki/leaf-rsa.der"]));
    Case::new(&["p12/key-only.pfx"])
        .pw("correct horse")
        .view()
        .is("input.cert_files", empty());

    pem.is("input.key_files", l(&["keys/leaf-rsa.pkcs8.pem"]));
    der.is("input.key_files", l(&["keys/leaf-rsa.pkcs8.der"]));
    pfx.is("input.key_files", empty());
}

#[test]
fn input_damage_facts() {
    let clean = Case::new(&["pki/leaf-rsa.pem"]).view();

    let utf16 = Case::new(&["broken/leaf-utf16le-bom.pem"]).view();
    utf16.is("input.has_encoding_issue", b(true)).one_like(
        "input.encoding_issues",
        &[
            "broken/leaf-utf16le-bom.pem",
            "UTF-16LE",
            "with a byte order mark",
        ],
    );
    Case::new(&["broken/leaf-utf16le-nobom.pem"])
        .view()
        .is("input.has_encoding_issue", b(true))
        .one_like(
            "input.encoding_issues",
            &["UTF-16LE", "without a byte order mark"],
        );
    Case::new(&["broken/leaf-utf8-bom.pem"])
        .view()
        .is("input.has_encoding_issue", b(true))
        .one_like("input.encoding_issues", &["UTF-8 byte order mark"]);
    Case::new(&["broken/glued-blocks.pem"])
        .view()
        .is("input.has_encoding_issue", b(true))
        .one_like(
            "input.encoding_issues",
            &["broken/glued-blocks.pem", "glued"],
        );
    Case::new(&["broken/wrong-label.pem"])
        .view()
        .is("input.has_encoding_issue", b(true))
        .one_like("input.encoding_issues", &["'PRIVATE KEY'", "certificate"]);
    clean
        .is("input.has_encoding_issue", b(false))
        .is("input.encoding_issues", empty());
    // Damage is not an encoding quirk: a truncated file is corrupt, not mis-encoded.
    Case::new(&["broken/truncated.pem"])
        .view()
        .is("input.has_encoding_issue", b(false))
        .is("input.encoding_issues", empty());

    Case::new(&["broken/bad-base64-line5.pem"])
        .view()
        .is("input.has_corrupt", b(true))
        .one_like(
            "input.corrupt",
            &["broken/bad-base64-line5.pem", "line 5", "base64"],
        );
    Case::new(&["broken/truncated.pem"])
        .view()
        .is("input.has_corrupt", b(true))
        .one_like("input.corrupt", &["broken/truncated.pem", "no END line"]);
    Case::new(&["broken/truncated.der"])
        .view()
        .is("input.has_corrupt", b(true))
        .one_like("input.corrupt", &["broken/truncated.der", "truncated"]);
    Case::new(&["broken/trailing-garbage.pem"])
        .view()
        .is("input.has_corrupt", b(true))
        .one_like(
            "input.corrupt",
            &["broken/trailing-garbage.pem", "after the last END line"],
        );
    clean
        .is("input.has_corrupt", b(false))
        .is("input.corrupt", empty());
    utf16.is("input.has_corrupt", b(false));

    let html = Case::new(&["broken/html-error-page.crt"]).view();
    html.is("input.has_not_crypto", b(true))
        .one_like("input.not_crypto", &["broken/html-error-page.crt", "HTML"])
        .is("input.formats", l(&["unknown"]));
    Case::new(&["broken/empty.crt"])
        .view()
        .is("input.has_not_crypto", b(true))
        .one_like("input.not_crypto", &["broken/empty.crt", "empty"]);
    Case::new(&["broken/random-4k.bin"])
        .view()
        .is("input.has_not_crypto", b(true))
        .one_like("input.not_crypto", &["broken/random-4k.bin", "not DER"]);
    clean
        .is("input.has_not_crypto", b(false))
        .is("input.not_crypto", empty());
    // A damaged certificate is corrupt, not "no crypto at all".
    Case::new(&["broken/truncated.der"])
        .view()
        .is("input.has_not_crypto", b(false));
}

// ---------------------------------------------------------------------------------------------
// leaf.*

#[test]
fn leaf_identity_facts() {
    let rsa = Case::new(&["chain/fullchain.pem"]).view();
    let der = Case::new(&["pki/leaf-rsa.der"]).view();
    let code = Case::new(&["pki/leaf-codesign.pem"]).view();
    let none = Case::new(&["csr/leaf-rsa.csr.pem"]).view();

    rsa.is("leaf.present", b(true));
    Case::new(&["chain/intermediate-only.pem"])
        .view()
        .is("leaf.present", b(true)); // a CA certificate offered as the server's still counts
    none.is("leaf.present", b(false));
    Case::new(&["broken/html-error-page.crt"])
        .view()
        .is("leaf.present", b(false));

    rsa.is("leaf.file", s("chain/fullchain.pem"));
    der.is("leaf.file", s("pki/leaf-rsa.der"));
    // The server certificate is the one whose key was supplied, wherever it sits.
    Case::new(&[
        "pki/leaf-codesign.pem",
        "pki/leaf-ec.pem",
        "keys/leaf-ec.pkcs8.pem",
    ])
    .view()
    .is("leaf.file", s("pki/leaf-ec.pem"));
    none.absent("leaf.file");

    rsa.is(
        "leaf.subject",
        s("C=US, O=certdoctor Test, CN=www.example.test"),
    );
    code.is(
        "leaf.subject",
        s("C=US, O=certdoctor Test, CN=certdoctor Test Code Signing"),
    );
    Case::new(&["chain-extra/la-leaf.pem"]).view().is(
        "leaf.subject",
        s("C=US, O=certdoctor Lookalike, CN=www.example.test"),
    );
    none.absent("leaf.subject");

    rsa.is("leaf.subject_cn", s("www.example.test"));
    code.is("leaf.subject_cn", s("certdoctor Test Code Signing"));
    none.absent("leaf.subject_cn");

    rsa.is(
        "leaf.issuer",
        s("C=US, O=certdoctor Test, CN=certdoctor Test Issuing CA RSA"),
    );
    Case::new(&["pki/leaf-ec.pem"]).view().is(
        "leaf.issuer",
        s("C=US, O=certdoctor Test, CN=certdoctor Test Issuing CA ECC"),
    );
    Case::new(&["pki/leaf-selfsigned.pem"]).view().is(
        "leaf.issuer",
        s("C=US, O=certdoctor Test, CN=www.example.test"),
    );

    // Fingerprints and serials, from the fixture bytes; PEM and DER of the same certificate
    // agree, another certificate differs.
    let sha1 = Case::new(&["pki/leaf-sha1.pem"]).view();
    rsa.is("leaf.serial", s(&serial_hex("pki/leaf-rsa.der")));
    der.is("leaf.serial", s(&serial_hex("pki/leaf-rsa.der")));
    code.is("leaf.serial", s(&serial_hex("pki/leaf-codesign.pem")));
    assert_ne!(
        serial_hex("pki/leaf-rsa.der"),
        serial_hex("pki/leaf-codesign.pem")
    );

    rsa.is(
        "leaf.thumbprint_sha1",
        s(&sha1_thumbprint("pki/leaf-rsa.der")),
    );
    der.is(
        "leaf.thumbprint_sha1",
        s(&sha1_thumbprint("pki/leaf-rsa.der")),
    );
    sha1.is(
        "leaf.thumbprint_sha1",
        s(&sha1_thumbprint("pki/leaf-sha1.pem")),
    );
    assert_ne!(
        sha1_thumbprint("pki/leaf-rsa.der"),
        sha1_thumbprint("pki/leaf-sha1.pem")
    );
    none.absent("leaf.thumbprint_sha1");

    rsa.is("leaf.sha256", s(&sha256_hex("pki/leaf-rsa.der")));
    der.is("leaf.sha256", s(&sha256_hex("pki/leaf-rsa.der")));
    sha1.is("leaf.sha256", s(&sha256_hex("pki/leaf-sha1.pem")));
    assert_ne!(
        sha256_hex("pki/leaf-rsa.der"),
        sha256_hex("pki/leaf-sha1.pem")
    );
    none.absent("leaf.sha256");

    // Same key (leaf-rsa key) in leaf-rsa and leaf-expired; RSA 1024 is another key.
    let leaf_key = spki_sha256("pki/leaf-rsa.der");
    rsa.is("leaf.spki_sha256", s(&leaf_key));
    Case::new(&["pki/leaf-expired.pem"])
        .view()
        .is("leaf.spki_sha256", s(&leaf_key));
    Case::new(&["pki/leaf-rsa1024.pem"])
        .view()
        .is("leaf.spki_sha256", s(&spki_sha256("pki/leaf-rsa1024.pem")));
    assert_ne!(leaf_key, spki_sha256("pki/leaf-rsa1024.pem"));
    none.absent("leaf.spki_sha256");
}

#[test]
fn leaf_validity_facts() {
    let rsa = Case::new(&["pki/leaf-rsa.pem"]).view();
    let expired = Case::new(&["pki/leaf-expired.pem"]).view();
    let early = Case::new(&["pki/leaf-not-yet-valid.pem"]).view();

    rsa.is("leaf.not_before", t("2025-01-01T00:00:00Z"))
        .is("leaf.not_after", t("2035-01-01T00:00:00Z"));
    expired
        .is("leaf.not_before", t("2020-01-01T00:00:00Z"))
        .is("leaf.not_after", t("2021-01-01T00:00:00Z"));
    early
        .is("leaf.not_before", t("2030-01-01T00:00:00Z"))
        .is("leaf.not_after", t("2031-01-01T00:00:00Z"));

    expired.is("leaf.expired", b(true));
    rsa.is("leaf.expired", b(false));
    early.is("leaf.expired", b(false));
    // One second after notAfter.
    let just_after = Case::new(&["pki/leaf-rsa.pem"])
        .at("2035-01-01T00:00:01Z")
        .view();
    just_after.is("leaf.expired", b(true));
    // Without a reference time nothing is judged.
    let undated = Case::new(&["pki/leaf-expired.pem"]).no_now().view();
    undated
        .absent("leaf.expired")
        .absent("leaf.not_yet_valid")
        .absent("leaf.days_left");

    early.is("leaf.not_yet_valid", b(true));
    rsa.is("leaf.not_yet_valid", b(false));
    expired.is("leaf.not_yet_valid", b(false));

    // 2026-06-01 → 2035-01-01 is 3136 days; 2021-01-01 was 1977 days before 2026-06-01;
    // 2030-01-01 → 2031-01-01 ends 1675 days after 2026-06-01.
    rsa.is("leaf.days_left", n(3136.0));
    expired.is("leaf.days_left", n(-1977.0));
    early.is("leaf.days_left", n(1675.0));
    just_after.is("leaf.days_left", n(-1.0));

    Case::new(&["pki/leaf-expired.pem"])
        .clock("2020-06-01T00:00:00Z")
        .view()
        .is("leaf.valid_at_host_clock", b(true));
    Case::new(&["pki/leaf-not-yet-valid.pem"])
        .clock("2026-06-01T00:00:00Z")
        .view()
        .is("leaf.valid_at_host_clock", b(false));
    Case::new(&["pki/leaf-rsa.pem"])
        .clock("2024-12-31T23:59:59Z")
        .view()
        .is("leaf.valid_at_host_clock", b(false));
    rsa.absent("leaf.valid_at_host_clock"); // no host clock given
}

#[test]
fn leaf_content_facts() {
    let rsa = Case::new(&["pki/leaf-rsa.pem"]).view();
    let code = Case::new(&["pki/leaf-codesign.pem"]).view();
    let root = Case::new(&["pki/root-ca.pem"]).view();
    let ec = Case::new(&["pki/leaf-ec.pem"]).view();
    let selfsigned = Case::new(&["pki/leaf-selfsigned.pem"]).view();

    Case::new(&["chain/intermediate-only.pem"])
        .view()
        .is("leaf.is_ca", b(true));
    rsa.is("leaf.is_ca", b(false));

    selfsigned.is("leaf.self_signed", b(true));
    rsa.is("leaf.self_signed", b(false));

    rsa.is(
        "leaf.sans",
        l(&[
            "www.example.test",
            "example.test",
            "*.api.example.test",
            "192.0.2.10",
        ]),
    );
    selfsigned.is("leaf.sans", l(&["www.example.test", "example.test"]));
    code.is("leaf.sans", empty());

    rsa.is("leaf.has_eku", b(true))
        .set("leaf.eku", &["server_auth", "client_auth"]);
    Case::new(&["pki/leaf-clientauth-only.pem"])
        .view()
        .is("leaf.eku", l(&["client_auth"]));
    code.is("leaf.has_eku", b(true))
        .is("leaf.eku", l(&["code_signing"]));
    root.is("leaf.has_eku", b(false)).is("leaf.eku", empty());
    Case::new(&[&format!(
        "{SECTIGO}/root_USERTrust_RSA_Certification_Authority.pem"
    )])
    .view()
    .is("leaf.has_eku", b(false));

    rsa.is("leaf.key_algorithm", s("rsa"))
        .is("leaf.key_bits", n(2048.0))
        .absent("leaf.key_curve");
    Case::new(&["pki/leaf-rsa1024.pem"])
        .view()
        .is("leaf.key_bits", n(1024.0));
    ec.is("leaf.key_algorithm", s("ec"))
        .is("leaf.key_bits", n(256.0))
        .is("leaf.key_curve", s("P-256"));
    Case::new(&["chain-extra/p384-leaf.pem"])
        .view()
        .is("leaf.key_curve", s("P-384"))
        .is("leaf.key_bits", n(384.0));
    Case::new(&[&format!(
        "{SECTIGO}/root_USERTrust_RSA_Certification_Authority.pem"
    )])
    .view()
    .is("leaf.key_bits", n(4096.0));

    rsa.is("leaf.signature_hash", s("sha256"));
    Case::new(&["pki/leaf-sha1.pem"])
        .view()
        .is("leaf.signature_hash", s("sha1"));
    Case::new(&["pki/leaf-rsa-pss.pem"])
        .view()
        .is("leaf.signature_hash", s("sha256"));
    Case::new(&["chain-extra/pss384-leaf.pem"])
        .view()
        .is("leaf.signature_hash", s("sha384"));
    Case::new(&["chain-extra/rsa-sha224-leaf.pem"])
        .view()
        .is("leaf.signature_hash", s("sha224"));
    Case::new(&["chain-extra/p384-sha512-leaf.pem"])
        .view()
        .is("leaf.signature_hash", s("sha512"));
    Case::new(&["chain-extra/p256-sha1-leaf.pem"])
        .view()
        .is("leaf.signature_hash", s("sha1"));

    Case::new(&["pki/leaf-unknown-critical-ext.pem"])
        .view()
        .is("leaf.has_bad_extensions", b(true))
        .one_like("leaf.bad_extensions", &["critical", "1.3.6.1.4.1.55555.1"]);
    Case::new(&["pki/leaf-duplicate-ext.pem"])
        .view()
        .is("leaf.has_bad_extensions", b(true))
        .one_like("leaf.bad_extensions", &["duplicate", "2.5.29.17"]);
    rsa.is("leaf.has_bad_extensions", b(false))
        .is("leaf.bad_extensions", empty());

    rsa.is("leaf.crl_urls", l(&["http://crl.example.test/issuing.crl"]))
        .is("leaf.ocsp_urls", l(&["http://ocsp.example.test"]))
        .is(
            "leaf.ca_issuers_urls",
            l(&["http://pki.example.test/issuing.crt"]),
        );
    Case::new(&["chain/intermediate-only.pem"])
        .view()
        .is("leaf.crl_urls", l(&["http://crl.example.test/root.crl"]))
        .is(
            "leaf.ca_issuers_urls",
            l(&["http://pki.example.test/root.crt"]),
        )
        .is("leaf.ocsp_urls", empty());
    Case::new(&["pki/leaf-under-expired-ca.pem"])
        .view()
        .is("leaf.crl_urls", empty())
        .is("leaf.ocsp_urls", empty())
        .is("leaf.ca_issuers_urls", empty());
}

#[test]
fn leaf_host_coverage() {
    let covered = |host: &str, want: bool| {
        Case::new(&["pki/leaf-rsa.pem"])
            .host(host)
            .view()
            .is("leaf.host_covered", b(want));
    };
    covered("www.example.test", true);
    covered("WWW.Example.Test.", true);
    covered("example.test", true);
    covered("shop.api.example.test", true); // *.api.example.test
    covered("192.0.2.10", true);
    covered("api.example.test", false); // the wildcard does not cover its parent
    covered("a.b.api.example.test", false); // nor two labels
    covered("other.example.test", false);
    covered("192.0.2.11", false);
    Case::new(&["pki/leaf-selfsigned.pem"])
        .host("x.api.example.test")
        .view()
        .is("leaf.host_covered", b(false));
    Case::new(&["pki/leaf-rsa.pem"])
        .view()
        .absent("leaf.host_covered"); // no host name given
}

// ---------------------------------------------------------------------------------------------
// keys.*

#[test]
fn keys_facts() {
    let good = Case::new(&["pki/leaf-rsa.pem", "keys/leaf-rsa.pkcs8.pem"]).view();
    let other = Case::new(&["pki/leaf-rsa.pem", "keys/other-rsa.pkcs8.pem"]).view();
    let two = Case::new(&[
        "pki/leaf-rsa.pem",
        "keys/other-rsa.pkcs8.pem",
        "keys/leaf-rsa.pkcs1.pem",
    ])
    .view();
    let no_keys = Case::new(&["pki/leaf-rsa.pem"]).view();
    let enc = || Case::new(&["pki/leaf-rsa.pem", "keys/leaf-rsa.pkcs8-enc-aes256.pem"]);
    let enc_nopw = enc().view();
    let enc_wrong = enc().pw("wrong horse").view();
    let enc_right = enc().pw("correct horse").view();
    let corrupt = Case::new(&["pki/leaf-rsa.pem", "keys/corrupt-body.pkcs8.pem"]).view();
    let modulus = Case::new(&["pki/leaf-rsa.pem", "keys/rsa-modulus-mismatch.pkcs1.pem"]).view();
    let pfx = Case::new(&["p12/default.pfx"]).pw("correct horse").view();

    good.is("keys.count", n(1.0));
    two.is("keys.count", n(2.0));
    pfx.is("keys.count", n(1.0)); // keys inside PKCS#12 count too
    no_keys.is("keys.count", n(0.0));

    good.is("keys.files", l(&["keys/leaf-rsa.pkcs8.pem"]));
    two.set(
        "keys.files",
        &["keys/other-rsa.pkcs8.pem", "keys/leaf-rsa.pkcs1.pem"],
    );
    pfx.one_like("keys.files", &["p12/default.pfx"]);
    no_keys.is("keys.files", empty());

    good.is("keys.match_leaf", b(true));
    two.is("keys.match_leaf", b(true));
    enc_right.is("keys.match_leaf", b(true));
    Case::new(&["pki/leaf-rsa.der", "keys/leaf-rsa.pkcs8.der"])
        .view()
        .is("keys.match_leaf", b(true));
    Case::new(&["pki/leaf-ec.pem", "keys/leaf-ec.sec1.pem"])
        .view()
        .is("keys.match_leaf", b(true));
    other.is("keys.match_leaf", b(false));
    Case::new(&["pki/leaf-rsa1024.pem", "keys/leaf-rsa.pkcs8.pem"])
        .view()
        .is("keys.match_leaf", b(false));
    enc_nopw.absent("keys.match_leaf"); // the only key is locked: unknown
    enc_wrong.absent("keys.match_leaf");
    Case::new(&["keys/leaf-rsa.pkcs8.pem"])
        .view()
        .absent("keys.match_leaf"); // no certificate

    good.is("keys.matching_file", s("keys/leaf-rsa.pkcs8.pem"));
    two.is("keys.matching_file", s("keys/leaf-rsa.pkcs1.pem"));
    other.absent("keys.matching_file");

    other.is("keys.mismatched_files", l(&["keys/other-rsa.pkcs8.pem"]));
    two.is("keys.mismatched_files", l(&["keys/other-rsa.pkcs8.pem"]));
    good.is("keys.mismatched_files", empty());

    corrupt
        .is("keys.has_corrupt", b(true))
        .one_like("keys.corrupt", &["keys/corrupt-body.pkcs8.pem: "]);
    modulus.is("keys.has_corrupt", b(true)).one_like(
        "keys.corrupt",
        &[
            "keys/rsa-modulus-mismatch.pkcs1.pem",
            "public part does not match",
        ],
    );
    good.is("keys.has_corrupt", b(false))
        .is("keys.corrupt", empty());

    modulus.is("keys.inconsistent", b(true));
    Case::new(&["keys-extra/p256.sec1-wrong-pub.pem"])
        .view()
        .is("keys.inconsistent", b(true));
    corrupt.is("keys.inconsistent", b(false)); // undecodable, not inconsistent
    good.is("keys.inconsistent", b(false));

    enc_nopw.is("keys.encrypted", b(true)).is(
        "keys.encrypted_files",
        l(&["keys/leaf-rsa.pkcs8-enc-aes256.pem (PBES2 with hmac-sha256 and aes-256-cbc, 2048 iterations)"]),
    );
    enc_right.is("keys.encrypted", b(true)); // still encrypted on disk once opened
    Case::new(&["keys/leaf-rsa.pkcs1-enc-des3.pem"])
        .view()
        .is("keys.encrypted", b(true))
        .one_like(
            "keys.encrypted_files",
            &["keys/leaf-rsa.pkcs1-enc-des3.pem", "DES-EDE3-CBC"],
        );
    Case::new(&["keys/leaf-rsa.pkcs8-enc-sha1-3des.pem"])
        .view()
        .one_like(
            "keys.encrypted_files",
            &["leaf-rsa.pkcs8-enc-sha1-3des.pem", "3des"],
        );
    good.is("keys.encrypted", b(false))
        .is("keys.encrypted_files", empty());
    pfx.is("keys.encrypted", b(false)) // only key files count, not keys inside PKCS#12
        .is("keys.encrypted_files", empty());

    enc_nopw.is("keys.password_needed", b(true));
    enc_wrong.is("keys.password_needed", b(false));
    enc_right.is("keys.password_needed", b(false));
    good.is("keys.password_needed", b(false));

    enc_wrong.is("keys.wrong_password", b(true));
    enc_right.is("keys.wrong_password", b(false));
    enc_nopw.is("keys.wrong_password", b(false));

    enc_nopw.is("keys.undecided", b(true));
    enc_wrong.is("keys.undecided", b(true));
    enc_right.is("keys.undecided", b(false));
    good.is("keys.undecided", b(false));
    // A readable matching key decides the match even beside a locked one.
    Case::new(&[
        "pki/leaf-rsa.pem",
        "keys/leaf-rsa.pkcs8-enc-aes256.pem",
        "keys/leaf-rsa.pkcs8.pem",
    ])
    .view()
    .is("keys.undecided", b(true))
    .is("keys.match_leaf", b(true));
}

// ---------------------------------------------------------------------------------------------
// csr.*

#[test]
fn csr_facts() {
    let matching = Case::new(&["pki/leaf-rsa.pem", "csr/leaf-rsa.csr.pem"]).view();
    let other = Case::new(&["pki/leaf-rsa.pem", "csr/other-rsa.csr.pem"]).view();
    let bad_sig = Case::new(&["csr/leaf-rsa-bad-signature.csr.pem"]).view();
    let none = Case::new(&["pki/leaf-rsa.pem"]).view();
    let dup = Case::new(&["pki/leaf-rsa.pem"])
        .bytes(
            "csr/leaf-rsa-duplicate-san.csr.der",
            csr_with_duplicate_san(),
        )
        .view();

    matching.is("csr.count", n(1.0));
    Case::new(&["csr/leaf-rsa.csr.pem", "csr/other-rsa.csr.pem"])
        .view()
        .is("csr.count", n(2.0));
    none.is("csr.count", n(0.0));

    matching.is("csr.files", l(&["csr/leaf-rsa.csr.pem"]));
    Case::new(&["csr/leaf-rsa.csr.der"])
        .view()
        .is("csr.files", l(&["csr/leaf-rsa.csr.der"]));
    none.is("csr.files", empty());

    matching.is("csr.match_leaf", b(true));
    Case::new(&["pki/leaf-rsa.der", "csr/leaf-rsa.csr.der"])
        .view()
        .is("csr.match_leaf", b(true));
    other.is("csr.match_leaf", b(false));
    bad_sig.absent("csr.match_leaf"); // no certificate
    none.absent("csr.match_leaf"); // no request

    matching.is("csr.signature_valid", b(true));
    Case::new(&["chain-extra/p256.csr"])
        .view()
        .is("csr.signature_valid", b(true));
    bad_sig.is("csr.signature_valid", b(false));
    none.absent("csr.signature_valid");

    dup.is("csr.has_bad_extensions", b(true)).one_like(
        "csr.bad_extensions",
        &[
            "csr/leaf-rsa-duplicate-san.csr.der",
            "duplicate",
            "2.5.29.17",
        ],
    );
    matching
        .is("csr.has_bad_extensions", b(false))
        .is("csr.bad_extensions", empty());
}

// ---------------------------------------------------------------------------------------------
// pfx.*

const PW: &str = "correct horse";

fn pfx(rel: &str) -> View {
    Case::new(&[rel]).pw(PW).view()
}

#[test]
fn pfx_container_facts() {
    let default = pfx("p12/default.pfx");
    let nopw = Case::new(&["p12/default.pfx"]).view();
    let wrong = Case::new(&["p12/default.pfx"]).pw("wrong horse").view();
    let certs_only = pfx("p12/certs-only.pfx");
    let key_only = pfx("p12/key-only.pfx");
    let key_ca = pfx("p12/key-and-ca-only.pfx");
    let mismatch = pfx("p12/key-mismatch.pfx");
    let plain = Case::new(&["pki/leaf-rsa.pem"]).view();

    default.is("pfx.present", b(true));
    nopw.is("pfx.present", b(true));
    plain.is("pfx.present", b(false));

    default.is("pfx.file", s("p12/default.pfx"));
    Case::new(&["p12/default.pfx.pem"])
        .pw(PW)
        .view()
        .is("pfx.file", s("p12/default.pfx.pem"));
    plain.absent("pfx.file");

    default.is("pfx.opened", b(true));
    pfx("p12/legacy.pfx").is("pfx.opened", b(true));
    Case::new(&["p12/empty-password.pfx"])
        .view()
        .is("pfx.opened", b(true));
    pfx("p12/nomac.pfx").is("pfx.opened", b(true));
    wrong.is("pfx.opened", b(false));
    nopw.is("pfx.opened", b(false));
    // The MAC is refused on its count, but the contents still decrypt with the password.
    pfx("p12/hostile-mac-iterations.pfx").is("pfx.opened", b(true));
    pfx("p12-extra/rc4.pfx").is("pfx.opened", b(false)); // RC4 is recognised, not decrypted
                                                         // (PBMAC1: see bug_pfx_opened_pbmac1.)

    default.is("pfx.has_key", b(true));
    key_only.is("pfx.has_key", b(true));
    certs_only.is("pfx.has_key", b(false));
    Case::new(&["p12-extra/nested-safecontents.pfx"])
        .view()
        .is("pfx.has_key", b(false));

    default.is("pfx.has_cert", b(true));
    certs_only.is("pfx.has_cert", b(true));
    key_only.is("pfx.has_cert", b(false));
    nopw.absent("pfx.has_cert"); // the certificate safe is encrypted: unknown

    default.is("pfx.has_leaf_cert", b(true));
    key_ca.is("pfx.has_leaf_cert", b(false));
    key_only.is("pfx.has_leaf_cert", b(false));
    nopw.absent("pfx.has_leaf_cert");

    key_ca.is("pfx.only_ca_certs", b(true));
    default.is("pfx.only_ca_certs", b(false));
    key_only.is("pfx.only_ca_certs", b(false)); // no certificate at all

    default.is("pfx.key_matches_cert", b(true));
    pfx("p12/unencrypted.pfx").is("pfx.key_matches_cert", b(true));
    mismatch.is("pfx.key_matches_cert", b(false));
    key_ca.is("pfx.key_matches_cert", b(false));
    certs_only.absent("pfx.key_matches_cert"); // no key inside
}

#[test]
fn pfx_integrity_facts() {
    let default = pfx("p12/default.pfx");
    let legacy = pfx("p12/legacy.pfx");
    let nomac = pfx("p12/nomac.pfx");
    let hostile = pfx("p12/hostile-mac-iterations.pfx");
    let pbmac1 = pfx("p12-extra/pbmac1.pfx");

    default.is("pfx.mac_status", s("verified"));
    Case::new(&["p12/default.pfx"])
        .pw("wrong horse")
        .view()
        .is("pfx.mac_status", s("wrong_password"));
    nomac.is("pfx.mac_status", s("no_mac"));
    hostile.is("pfx.mac_status", s("iterations_too_high"));
    pbmac1.is("pfx.mac_status", s("unsupported"));
    // Without the user's password only the empty one was tried: the status is unknown.
    Case::new(&["p12/default.pfx"])
        .view()
        .absent("pfx.mac_status");
    // The hostile key-bag count does not touch the MAC, which verifies.
    pfx("p12/hostile-keybag-iterations.pfx").is("pfx.mac_status", s("verified"));

    default.is("pfx.mac_digest", s("sha256"));
    legacy.is("pfx.mac_digest", s("sha1"));
    pfx("p12/sha1-3des.pfx").is("pfx.mac_digest", s("sha1"));
    pbmac1.is("pfx.mac_digest", s("pbmac1-hmac-sha256"));
    nomac.absent("pfx.mac_digest");

    default.is("pfx.mac_iterations", n(2048.0));
    pbmac1.is("pfx.mac_iterations", n(2048.0));
    hostile.is("pfx.mac_iterations", n(2_147_483_647.0));
    nomac.absent("pfx.mac_iterations");

    pbmac1.is("pfx.pbmac1", b(true));
    default.is("pfx.pbmac1", b(false));
    nomac.absent("pfx.pbmac1");

    // "none" is the unencrypted safe that carries the (itself encrypted) key bag.
    default.set("pfx.schemes", &["aes-256-cbc", "none"]);
    legacy.set("pfx.schemes", &["pbe-sha1-rc2-40", "pbe-sha1-3des", "none"]);
    pfx("p12/sha1-3des.pfx").set("pfx.schemes", &["pbe-sha1-3des", "none"]);
    pfx("p12-extra/rc2-128-2des.pfx").set(
        "pfx.schemes",
        &["pbe-sha1-rc2-128", "pbe-sha1-2des", "none"],
    );
    pfx("p12/unencrypted.pfx").is("pfx.schemes", l(&["none"]));

    default.is("pfx.uses_pbes2", b(true));
    nomac.is("pfx.uses_pbes2", b(true));
    legacy.is("pfx.uses_pbes2", b(false));
    pfx("p12/unencrypted.pfx").is("pfx.uses_pbes2", b(false));

    legacy.is("pfx.legacy_compatible", b(true));
    pfx("p12/sha1-3des.pfx").is("pfx.legacy_compatible", b(true));
    pfx("p12-extra/rc2-128-2des.pfx").is("pfx.legacy_compatible", b(true));
    default.is("pfx.legacy_compatible", b(false));
    pfx("p12/unencrypted.pfx").is("pfx.legacy_compatible", b(false)); // SHA-256 MAC
    Case::new(&["p12-external/ValidCertificatePathTest1EE_windows_aes.p12.pfx"])
        .pw("password")
        .view()
        .is("pfx.legacy_compatible", b(false));
    Case::new(&["p12-external/ValidCertificatePathTest1EE_windows_tdes.p12.pfx"])
        .pw("password")
        .view()
        .is("pfx.legacy_compatible", b(true));
}

#[test]
fn pfx_password_facts() {
    let default = pfx("p12/default.pfx");
    let non_ascii = Case::new(&["p12/non-ascii-password.pfx"])
        .pw("pässwörd€")
        .view();
    let digits = Case::new(&["p12-external/example7.pfx"]).pw("1234").view();
    let empty_pw = Case::new(&["p12/empty-password.pfx"]).view();

    non_ascii.is("pfx.password_non_ascii", b(true));
    default.is("pfx.password_non_ascii", b(false));
    digits.is("pfx.password_non_ascii", b(false));

    default.is("pfx.password_has_special", b(true)); // the space in "correct horse"
    non_ascii.is("pfx.password_has_special", b(true));
    digits.is("pfx.password_has_special", b(false));
    empty_pw.is("pfx.password_has_special", b(false));

    empty_pw.is("pfx.empty_password", b(true));
    Case::new(&["p12-extra/empty-password-no-terminator-mac.pfx"])
        .view()
        .is("pfx.empty_password", b(true));
    default.is("pfx.empty_password", b(false));
    Case::new(&["p12/default.pfx"])
        .view()
        .is("pfx.empty_password", b(false)); // the empty password was tried and failed
}

// ---------------------------------------------------------------------------------------------
// chain.*

fn sectigo(name: &str) -> String {
    format!("{SECTIGO}/{name}.pem")
}

#[test]
fn chain_path_facts() {
    let full = Case::new(&["chain/fullchain.pem"]).test_root().view();
    let untrusted = Case::new(&["chain/fullchain.pem"]).view();
    let leaf_only = Case::new(&["chain/leaf-only.pem"]).test_root().view();
    let other_root = Case::new(&["chain/other-root-fullchain.pem", "pki/other-root-ca.pem"])
        .test_root()
        .view();
    let expired_int = Case::new(&["chain/expired-intermediate-fullchain.pem"])
        .test_root()
        .view();
    let dv = Case::new(&[&sectigo(
        "int_Sectigo_RSA_Domain_Validation_Secure_Server_CA",
    )])
    .view();

    full.is("chain.supplied_count", n(2.0));
    Case::new(&["chain/fullchain-with-root.pem"])
        .view()
        .is("chain.supplied_count", n(3.0));
    Case::new(&["csr/leaf-rsa.csr.pem"])
        .view()
        .is("chain.supplied_count", n(0.0));

    full.is("chain.trusted", b(true));
    Case::new(&["chain/ec-fullchain.pem"])
        .trust("pki/ec-root-ca.pem")
        .view()
        .is("chain.trusted", b(true));
    dv.is("chain.trusted", b(true)); // the built-in Mozilla roots hold USERTrust RSA
    untrusted.is("chain.trusted", b(false));
    leaf_only.is("chain.trusted", b(false));
    expired_int.is("chain.trusted", b(false));
    other_root.is("chain.trusted", b(false));

    full.is("chain.complete", b(true));
    other_root.is("chain.complete", b(true)); // complete, just not trusted
    leaf_only.is("chain.complete", b(false));
    untrusted.is("chain.complete", b(false));

    full.is("chain.anchor_name", s("certdoctor Test Root CA"));
    Case::new(&["chain/ec-fullchain.pem"])
        .trust("pki/ec-root-ca.pem")
        .view()
        .is("chain.anchor_name", s("certdoctor Test Root CA ECC"));
    dv.is(
        "chain.anchor_name",
        s("USERTrust RSA Certification Authority"),
    );
    Case::new(&["rules/r46-leaf-chain.pem"])
        .trust("rules/r46-root.pem")
        .view()
        .is(
            "chain.anchor_name",
            s("Sectigo Public Server Authentication Root R46"),
        );
    leaf_only.absent("chain.anchor_name");
    other_root.absent("chain.anchor_name");
    // (Root or cross-certificate supplied: see bug_chain_anchor_name.)

    full.is(
        "chain.path_order",
        l(&[
            "www.example.test",
            "certdoctor Test Issuing CA RSA",
            "certdoctor Test Root CA",
        ]),
    );
    // Reversed in the file, still leaf first on the path.
    Case::new(&["chain/reversed.pem"]).test_root().view().is(
        "chain.path_order",
        l(&[
            "www.example.test",
            "certdoctor Test Issuing CA RSA",
            "certdoctor Test Root CA",
        ]),
    );
    dv.is(
        "chain.path_order",
        l(&[
            "Sectigo RSA Domain Validation Secure Server CA",
            "USERTrust RSA Certification Authority",
        ]),
    );
    leaf_only.absent("chain.path_order"); // no complete path

    let reversed = Case::new(&["chain/reversed.pem"]).test_root().view();
    full.is(
        "chain.file_order",
        l(&["www.example.test", "certdoctor Test Issuing CA RSA"]),
    );
    reversed.is(
        "chain.file_order",
        l(&["certdoctor Test Issuing CA RSA", "www.example.test"]),
    );

    full.is("chain.order_ok", b(true));
    Case::new(&["chain/fullchain-with-root.pem"])
        .test_root()
        .view()
        .is("chain.order_ok", b(true));
    reversed.is("chain.order_ok", b(false));

    full.is("chain.intermediates_supplied", n(1.0));
    Case::new(&["chain/fullchain.pem", "pki/issuing-ca-ov.pem"])
        .view()
        .is("chain.intermediates_supplied", n(2.0));
    Case::new(&["chain/fullchain-with-root.pem"])
        .view()
        .is("chain.intermediates_supplied", n(1.0)); // the root is not an intermediate
    leaf_only.is("chain.intermediates_supplied", n(0.0));

    full.is("chain.budget_exhausted", b(false));
    let fifty = || {
        Case::new(&[
            "chain-extra/la-leaf.pem",
            "chain-extra/lookalikes-50.pem",
            "chain-extra/la-int.pem",
        ])
        .trust("chain-extra/la-root.pem")
    };
    fifty()
        .view()
        .is("chain.budget_exhausted", b(false))
        .is("chain.trusted", b(true));
    fifty()
        .limits({
            let mut l = Limits::default();
            // The signer-key recovery that rules out the 50 look-alikes costs 2; nothing is
            // left to verify the real issuer.
            l.max_signature_checks = 2;
            l
        })
        .view()
        .is("chain.budget_exhausted", b(true))
        .is("chain.trusted", b(false));
}

#[test]
fn chain_problem_facts() {
    let full = Case::new(&["chain/fullchain.pem"]).test_root().view();
    let untrusted = Case::new(&["chain/fullchain.pem"]).view();
    let leaf_only = Case::new(&["chain/leaf-only.pem"]).test_root().view();
    let lookalike = Case::new(&["chain/leaf-lookalike-intermediate.pem"])
        .test_root()
        .view();
    let fifty = Case::new(&["chain-extra/la-leaf.pem", "chain-extra/lookalikes-50.pem"])
        .trust("chain-extra/la-root.pem")
        .view();

    leaf_only.is("chain.has_missing_issuer", b(true));
    lookalike.is("chain.has_missing_issuer", b(true));
    untrusted.is("chain.has_missing_issuer", b(true)); // the root is neither supplied nor trusted
    full.is("chain.has_missing_issuer", b(false));

    leaf_only.is(
        "chain.missing_issuer",
        s("C = US, O = certdoctor Test, CN = certdoctor Test Issuing CA RSA"),
    );
    untrusted.is(
        "chain.missing_issuer",
        s("C = US, O = certdoctor Test, CN = certdoctor Test Root CA"),
    );
    fifty.is(
        "chain.missing_issuer",
        s("C = US, O = certdoctor Lookalike, CN = certdoctor Lookalike Issuing CA"),
    );
    full.absent("chain.missing_issuer");

    // The leaf's AKI is issuing-ca-rsa's SKI; the issuing CA's AKI is the root's SKI.
    leaf_only.is(
        "chain.missing_issuer_aki",
        s(&ski_upper("pki/issuing-ca-rsa.pem")),
    );
    untrusted.is("chain.missing_issuer_aki", s(&ski_upper("pki/root-ca.pem")));
    fifty.absent("chain.missing_issuer_aki"); // no key identifiers anywhere
    full.absent("chain.missing_issuer_aki");

    leaf_only.is(
        "chain.missing_issuer_urls",
        l(&["http://pki.example.test/issuing.crt"]),
    );
    untrusted.is(
        "chain.missing_issuer_urls",
        l(&["http://pki.example.test/root.crt"]),
    );
    fifty.is("chain.missing_issuer_urls", empty());

    lookalike.is("chain.has_lookalike", b(true)).is(
        "chain.lookalike_intermediates",
        l(&["certdoctor Test Issuing CA RSA"]),
    );
    fifty.is("chain.has_lookalike", b(true));
    assert_eq!(fifty.list("chain.lookalike_intermediates").len(), 50);
    full.is("chain.has_lookalike", b(false))
        .is("chain.lookalike_intermediates", empty());

    let ov = Case::new(&["chain/fullchain.pem", "pki/issuing-ca-ov.pem"])
        .test_root()
        .view();
    ov.is("chain.has_unrelated", b(true))
        .is(
            "chain.unrelated_certs",
            l(&["certdoctor Test OV Issuing CA"]),
        )
        .is("chain.trusted", b(true));
    full.is("chain.has_unrelated", b(false))
        .is("chain.unrelated_certs", empty());
    lookalike
        .is("chain.has_unrelated", b(false)) // a look-alike is not "unrelated"
        .is("chain.unrelated_certs", empty());

    let expired_int = Case::new(&["chain/expired-intermediate-fullchain.pem"])
        .test_root()
        .view();
    expired_int
        .is("chain.has_expired_member", b(true))
        .is(
            "chain.expired_members",
            l(&["certdoctor Test Issuing CA 2019 (expired 2022-01-01T00:00:00Z)"]),
        )
        .is("chain.valid_path_avoiding_expired", b(false));
    // The AddTrust case, with the real certificates: the USERTrust RSA cross-certificate by
    // the AddTrust root expired 2020-05-30, and the self-signed USERTrust RSA root (built in)
    // gives a valid path without it.
    let addtrust = Case::new(&[])
        .file_as(
            "0-server/dv.pem",
            &sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA"),
        )
        .file_as(
            "1-chain/cross.pem",
            &sectigo("cross_USERTrust_RSA_by_AddTrust_External_CA_Root_EXPIRED-2020"),
        )
        .view();
    addtrust
        .is("chain.has_expired_member", b(true))
        .is(
            "chain.expired_members",
            l(&["USERTrust RSA Certification Authority (expired 2020-05-30T10:48:38Z)"]),
        )
        .is("chain.valid_path_avoiding_expired", b(true))
        .is("chain.trusted", b(true));
    full.is("chain.has_expired_member", b(false))
        .is("chain.expired_members", empty())
        .is("chain.valid_path_avoiding_expired", b(true));
    leaf_only.is("chain.valid_path_avoiding_expired", b(false));

    let with_root = Case::new(&["chain/fullchain-with-root.pem"])
        .test_root()
        .view();
    with_root
        .is("chain.root_included", b(true))
        .is("chain.root_name", s("certdoctor Test Root CA"))
        .is("chain.trusted", b(true));
    Case::new(&[&sectigo("root_USERTrust_RSA_Certification_Authority")])
        .view()
        .is("chain.root_included", b(true))
        .is(
            "chain.root_name",
            s("USERTrust RSA Certification Authority"),
        );
    full.is("chain.root_included", b(false))
        .absent("chain.root_name");
    // (A supplied root that is not trusted: see bug_chain_root_included_untrusted.)

    let other_root = Case::new(&["chain/other-root-fullchain.pem", "pki/other-root-ca.pem"])
        .test_root()
        .view();
    other_root
        .is("chain.untrusted_root", b(true))
        .is("chain.untrusted_root_name", s("certdoctor Other Root"));
    Case::new(&["chain-extra/rsa-sha1-leaf.pem", "chain-extra/pss-ca.pem"])
        .view()
        .is("chain.untrusted_root", b(true))
        .is(
            "chain.untrusted_root_name",
            s("certdoctor Test Signature CA RSA"),
        );
    // The same root, trusted: no longer an untrusted root.
    Case::new(&["chain/fullchain-with-root.pem"])
        .test_root()
        .view()
        .is("chain.untrusted_root", b(false))
        .absent("chain.untrusted_root_name");
    Case::new(&["chain/other-root-fullchain.pem", "pki/other-root-ca.pem"])
        .trust("pki/other-root-ca.pem")
        .view()
        .is("chain.untrusted_root", b(false))
        .is("chain.trusted", b(true));
    full.is("chain.untrusted_root", b(false))
        .absent("chain.untrusted_root_name");
}

#[test]
fn chain_signature_and_revocation_facts() {
    let full = Case::new(&["chain/fullchain.pem"]).test_root().view();
    let sha1 = Case::new(&["pki/leaf-sha1.pem", "pki/issuing-ca-rsa.pem"])
        .test_root()
        .view();

    full.is("chain.sha256_in_chain", b(true));
    sha1.is("chain.sha256_in_chain", b(true)); // the intermediate is SHA-256
    Case::new(&["chain/ec-fullchain.pem"])
        .trust("pki/ec-root-ca.pem")
        .view()
        .is("chain.sha256_in_chain", b(true)); // ecdsa-with-SHA256/384
    Case::new(&["chain-extra/rsa-sha224-leaf.pem"])
        .view()
        .is("chain.sha256_in_chain", b(false));

    sha1.is("chain.sha1_in_chain", b(true));
    Case::new(&["chain-extra/p256-sha1-leaf.pem", "chain-extra/p256-ca.pem"])
        .trust("chain-extra/p384-ca.pem")
        .view()
        .is("chain.sha1_in_chain", b(true));
    full.is("chain.sha1_in_chain", b(false));

    full.is(
        "chain.revocation_urls",
        l(&[
            "http://crl.example.test/issuing.crl",
            "http://ocsp.example.test",
            "http://crl.example.test/root.crl",
        ]),
    )
    .is(
        "chain.revocation_hosts",
        l(&["crl.example.test", "ocsp.example.test"]),
    );
    let dv = Case::new(&[&sectigo(
        "int_Sectigo_RSA_Domain_Validation_Secure_Server_CA",
    )])
    .view();
    dv.is(
        "chain.revocation_urls",
        l(&[
            "http://crl.usertrust.com/USERTrustRSACertificationAuthority.crl",
            "http://ocsp.usertrust.com",
        ]),
    )
    .is(
        "chain.revocation_hosts",
        l(&["crl.usertrust.com", "ocsp.usertrust.com"]),
    );
    let ec = Case::new(&["chain/ec-fullchain.pem"])
        .trust("pki/ec-root-ca.pem")
        .view();
    ec.is("chain.revocation_urls", empty())
        .is("chain.revocation_hosts", empty());

    // Real Sectigo cross-certificate: USERTrust RSA (the key of a built-in root) issued by AAA.
    Case::new(&[])
        .file_as(
            "0-server/dv.pem",
            &sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA"),
        )
        .file_as(
            "1-chain/cross.pem",
            &sectigo("cross_USERTrust_RSA_by_AAA_Certificate_Services"),
        )
        .view()
        .is("chain.cross_cert_supplied", b(true))
        .is("chain.trusted", b(true));
    Case::new(&["rules/r46-leaf-chain-with-cross.pem"])
        .trust("rules/r46-root.pem")
        .view()
        .is("chain.cross_cert_supplied", b(true));
    Case::new(&["rules/r46-leaf-chain.pem"])
        .trust("rules/r46-root.pem")
        .view()
        .is("chain.cross_cert_supplied", b(false));
    dv.is("chain.cross_cert_supplied", b(false));
    full.is("chain.cross_cert_supplied", b(false));
}

// ---------------------------------------------------------------------------------------------
// pem.*

#[test]
fn pem_layout_facts() {
    let full = Case::new(&["chain/fullchain.pem"]).view();
    let der = Case::new(&["pki/leaf-rsa.der", "pki/issuing-ca-rsa.pem"]).view();

    Case::new(&["chain/leaf-key-intermediate.pem"])
        .view()
        .is("pem.key_in_cert_file", b(true));
    full.is("pem.key_in_cert_file", b(false));
    Case::new(&["chain/fullchain.pem", "keys/leaf-rsa.pkcs8.pem"])
        .view()
        .is("pem.key_in_cert_file", b(false)); // key in its own file

    Case::new(&["chain/reversed.pem"])
        .view()
        .is("pem.leaf_not_first", b(true));
    full.is("pem.leaf_not_first", b(false));
    der.absent("pem.leaf_not_first"); // the server certificate is not in a PEM file

    full.is("pem.cert_file_has_chain", b(true));
    Case::new(&["chain/leaf-only.pem"])
        .view()
        .is("pem.cert_file_has_chain", b(false));
    der.absent("pem.cert_file_has_chain");
}

// ---------------------------------------------------------------------------------------------
// context.* and symptom.*

#[test]
fn context_facts() {
    let iis = Case::new(&["pki/leaf-rsa.pem"])
        .target("IIS")
        .os("windows-server-2016")
        .host("www.example.test")
        .view();
    let nginx = Case::new(&["pki/leaf-rsa.pem"]).target("nginx").view();
    let bare = Case::new(&["pki/leaf-rsa.pem"]).no_now().view();

    iis.is("context.target", s("iis"));
    nginx.is("context.target", s("nginx"));
    bare.absent("context.target");

    iis.is("context.os_family", s("windows"));
    nginx.is("context.os_family", s("linux")); // implied by the target
    Case::new(&["pki/leaf-rsa.pem"])
        .target("codesign")
        .view()
        .is("context.os_family", s("windows"));
    Case::new(&["pki/leaf-rsa.pem"])
        .os("ubuntu-24.04")
        .view()
        .is("context.os_family", s("linux"));
    bare.absent("context.os_family");

    iis.is("context.host_name", s("www.example.test"));
    bare.absent("context.host_name");

    iis.is("context.now", t(NOW));
    Case::new(&["pki/leaf-rsa.pem"])
        .at("2030-02-03T04:05:06Z")
        .view()
        .is("context.now", t("2030-02-03T04:05:06Z"));
    bare.absent("context.now");

    pfx("p12/default.pfx").is("context.password_given", b(true));
    bare.is("context.password_given", b(false));
    // An empty password is no password.
    Case::new(&["p12/empty-password.pfx"])
        .pw("")
        .view()
        .is("context.password_given", b(false));
}

#[test]
fn symptom_facts() {
    let code = Case::new(&["pki/leaf-rsa.pem"])
        .error("0x80070056")
        .target("iis")
        .view();
    let message = Case::new(&["pki/leaf-rsa.pem"])
        .error("verify error:num=20:unable to get local issuer certificate")
        .target("nginx")
        .view();
    let none = Case::new(&["pki/leaf-rsa.pem"]).view();

    code.is("symptom.present", b(true));
    message.is("symptom.present", b(true));
    none.is("symptom.present", b(false));

    code.is("symptom.codes", l(&["0x80070056"]));
    Case::new(&[])
        .error("-2146885628")
        .view()
        .has("symptom.codes", "0x80092004"); // the same code, as a signed decimal
    message.is("symptom.codes", empty());
    none.absent("symptom.codes");

    message.is(
        "symptom.messages",
        l(&["openssl.unable_to_get_local_issuer"]),
    );
    code.is("symptom.messages", empty());
    none.absent("symptom.messages");
}

// ---------------------------------------------------------------------------------------------
// Coverage of the registry

/// Every derived (non-host) fact path of `data/facts.toml` is asserted in this file at least
/// twice (one case each way).
#[test]
fn registry_coverage() {
    let registry: toml::Table = toml::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/facts.toml"
    )))
    .expect("data/facts.toml parses");
    let source = include_str!("derived_facts.rs");
    // Only the checks before the bug section count.
    let body = source.split("// Known bugs").next().unwrap_or(source);
    let paths: Vec<String> = registry["fact"]
        .as_array()
        .expect("[[fact]] entries")
        .iter()
        .filter_map(|f| f.get("path")?.as_str().map(str::to_string))
        .filter(|p| !p.starts_with("host."))
        .collect();
    assert!(paths.len() > 100, "registry read: {} paths", paths.len());
    let thin: Vec<String> = paths
        .iter()
        .filter(|p| body.matches(&format!("\"{p}\"")).count() < 2)
        .cloned()
        .collect();
    assert!(thin.is_empty(), "facts asserted fewer than twice: {thin:?}");
}

// ---------------------------------------------------------------------------------------------
// Former bugs found by this file (fixed in the analyser); kept as regression tests.

// BUG: the registry says input.formats lists pem_certificate / pem_key (and
// rules/format.wrong_for_platform.toml tests for exactly those values), but every PEM file is
// reported as plain "pem", so the rule's "no PEM certificate supplied" test is always true.
#[test]
fn bug_input_formats_pem() {
    Case::new(&["chain/fullchain.pem", "keys/leaf-rsa.pkcs8.pem"])
        .view()
        .has("input.formats", "pem_certificate")
        .has("input.formats", "pem_key")
        .lacks("input.formats", "pem");
}

// BUG: pfx.opened means "the contents could be decrypted with the given password". With
// p12-extra/pbmac1.pfx and its right password the bags ARE decrypted (pfx.has_cert is true and
// keys.match_leaf is true), yet pfx.opened is false because the code also requires a verified
// (or absent) MAC, and PBMAC1 verification is unsupported.
#[test]
fn bug_pfx_opened_pbmac1() {
    pfx("p12-extra/pbmac1.pfx")
        .is("pfx.has_cert", b(true))
        .is("pfx.opened", b(true));
}

// BUG: chain.anchor_name is "the trusted root the best path ends in", but it is only written
// when the last node of the best path is a built-in/--trust anchor. When that last node is a
// supplied copy of the anchor (root included in the file) or a supplied cross-certificate
// carrying the anchor's subject and key, the path is trusted and yet the fact is absent, so
// chain.cross_sign_needed (which matches on chain.anchor_name) cannot fire.
#[test]
fn bug_chain_anchor_name() {
    let cases = [
        (
            Case::new(&["chain/fullchain-with-root.pem"]).test_root(),
            "certdoctor Test Root CA",
        ),
        (
            Case::new(&[])
                .file_as(
                    "0-server/dv.pem",
                    &sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA"),
                )
                .file_as(
                    "1-chain/cross.pem",
                    &sectigo("cross_USERTrust_RSA_by_AAA_Certificate_Services"),
                ),
            "USERTrust RSA Certification Authority",
        ),
        (
            Case::new(&["rules/r46-leaf-chain-with-cross.pem"]).trust("rules/r46-root.pem"),
            "Sectigo Public Server Authentication Root R46",
        ),
    ];
    let mut wrong = Vec::new();
    for (case, want) in cases {
        let v = case.view();
        v.is("chain.trusted", b(true));
        if v.get("chain.anchor_name") != Some(&s(want)) {
            wrong.push(format!(
                "{}: expected {want:?}, got {:?}",
                v.label,
                v.get("chain.anchor_name")
            ));
        }
    }
    assert!(wrong.is_empty(), "chain.anchor_name:\n{}", wrong.join("\n"));
}

// BUG: chain.root_included means "a self-signed root certificate is included in the supplied
// chain". chain/other-root-fullchain.pem + pki/other-root-ca.pem supplies the chain's own
// self-signed root (chain.untrusted_root_name names it), yet chain.root_included is false and
// chain.root_name absent: the code only counts a root on a complete *trusted* path.
#[test]
fn bug_chain_root_included_untrusted() {
    Case::new(&["chain/other-root-fullchain.pem", "pki/other-root-ca.pem"])
        .test_root()
        .view()
        .is("chain.untrusted_root_name", s("certdoctor Other Root"))
        .is("chain.root_included", b(true))
        .is("chain.root_name", s("certdoctor Other Root"));
}
