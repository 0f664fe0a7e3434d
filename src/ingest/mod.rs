//! Ingest: bytes → artifacts. Every format a user holds, recognised by content, not by file
//! name; everything wrong with a file becomes a recorded problem, never a failure.

pub mod keys;
pub mod pbe;
pub mod pkcs12;
pub mod pkcs7;
pub mod text;

use der::Decode;
use x509_cert::request::CertReq;
use x509_cert::Certificate;

use crate::analyse::cert::{self, CertFacts};
use crate::analyse::signature;
use crate::facts::InputFile;
use crate::limits::Limits;
use crate::secret::Password;
use text::TextIssue;

/// One certificate read from a file.
#[derive(Debug, Clone)]
pub struct CertItem {
    /// The file it came from.
    pub file: String,
    /// Position among the certificates of its file (0-based).
    pub index_in_file: usize,
    /// `pem`, `der`, `p7b`, `pfx` or `base64`.
    pub container: &'static str,
    /// DER bytes.
    pub der: Vec<u8>,
    /// Derived facts.
    pub facts: CertFacts,
}

/// Why a private key could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyProblem {
    /// Encrypted and no password given.
    PasswordNeeded,
    /// The given password does not open it.
    WrongPassword,
    /// The iteration count is above the limit.
    TooManyIterations(String),
    /// Damaged or not decodable.
    Corrupt(String),
    /// A kind of key certdoctor does not read.
    Unsupported(String),
}

/// One private key read from a file (or a PKCS#12 key bag).
#[derive(Debug, Clone)]
pub struct KeyItem {
    /// The file it came from.
    pub file: String,
    /// A label for messages (`site.key`, `site.pfx (key 1)`).
    pub label: String,
    /// Came out of a PKCS#12 file.
    pub from_pfx: bool,
    /// How it was encrypted, when known ("not encrypted", "PBES2 ...").
    pub encryption: Option<String>,
    /// The key, when it could be read.
    pub info: Option<keys::KeyInfo>,
    /// Why it could not be read.
    pub problem: Option<KeyProblem>,
}

/// One certificate signing request.
#[derive(Debug, Clone)]
pub struct CsrItem {
    /// The file it came from.
    pub file: String,
    /// Subject.
    pub subject: String,
    /// SHA-256 of its public key.
    pub spki_sha256: String,
    /// Its self-signature verifies.
    pub signature_valid: bool,
    /// Requested DNS names / IPs.
    pub sans: Vec<String>,
    /// Problems with requested extensions.
    pub bad_extensions: Vec<String>,
}

/// One PKCS#12 file.
#[derive(Debug, Clone)]
pub struct PfxItem {
    /// The file.
    pub file: String,
    /// Wrapped in base64 / PEM text rather than binary.
    pub pem_armored: bool,
    /// The analysis, or why it failed.
    pub result: Result<pkcs12::Pfx, pkcs12::Pkcs12Error>,
}

/// What one file was and held.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    /// File name.
    pub name: String,
    /// Detected format (`pem`, `der_certificate`, `pkcs7`, `pkcs12`, `der_key`, `csr`,
    /// `base64`, `unknown`, `empty`, `too_large`).
    pub format: String,
    /// What it holds.
    pub holds: Vec<String>,
    /// Text problems.
    pub text_issues: Vec<TextIssue>,
    /// Damage (truncation, trailing data, undecodable blocks).
    pub corrupt: Vec<String>,
    /// Why it is not a certificate file at all.
    pub not_crypto: Option<String>,
    /// A PEM file that holds both certificates and a private key.
    pub key_with_certs: bool,
    /// Order of certificate subjects in this file (for PEM layout checks).
    pub cert_order: Vec<String>,
}

/// Everything read from the files of one installation.
#[derive(Debug, Clone, Default)]
pub struct Ingested {
    /// One report per file, sorted by name.
    pub files: Vec<FileReport>,
    /// Every certificate, by file then position.
    pub certs: Vec<CertItem>,
    /// The same certificates, decoded once, as the chain builder takes them (same indices).
    pub chain_certs: Vec<crate::analyse::chain::ChainCert>,
    /// Every private key.
    pub keys: Vec<KeyItem>,
    /// Every CSR.
    pub csrs: Vec<CsrItem>,
    /// Every PKCS#12 file.
    pub pfxs: Vec<PfxItem>,
}

enum DerKind {
    Cert,
    Csr(Box<CertReq>),
    Pkcs7(Vec<Vec<u8>>),
    Pkcs12,
    Key(Box<Result<keys::KeyInfo, keys::KeyError>>),
    Unknown,
}

/// Checks the outer DER header: `Err` describes truncation; `Ok(n)` is the count of trailing
/// bytes after the object (0 when exact, or when the length is indefinite BER).
fn outer_length(bytes: &[u8]) -> Result<usize, String> {
    if bytes.len() < 2 || bytes[0] != 0x30 {
        return Ok(0);
    }
    if bytes[1] == 0x80 {
        return Ok(0); // BER indefinite length
    }
    let (len, hdr) = if bytes[1] < 0x80 {
        (bytes[1] as usize, 2usize)
    } else {
        let n = (bytes[1] & 0x7f) as usize;
        if n > 4 || bytes.len() < 2 + n {
            return Err(format!(
                "{} bytes: the length field itself is cut off",
                bytes.len()
            ));
        }
        let mut l = 0usize;
        for b in &bytes[2..2 + n] {
            l = (l << 8) | *b as usize;
        }
        (l, 2 + n)
    };
    let total = hdr.saturating_add(len);
    if total > bytes.len() {
        Err(format!(
            "truncated: the DER header announces {total} bytes but only {} are present",
            bytes.len()
        ))
    } else {
        Ok(bytes.len() - total)
    }
}

/// Recognises a DER object. A private key is parsed here without a password: a plain key is
/// then complete, an encrypted one is opened by [`Ctx::open_der_key`] against the file's budget.
fn classify(bytes: &[u8], limits: &Limits) -> DerKind {
    if Certificate::from_der(bytes).is_ok() {
        return DerKind::Cert;
    }
    if let Ok(r) = CertReq::from_der(bytes) {
        return DerKind::Csr(Box::new(r));
    }
    if let Ok(certs) = pkcs7::certificates(bytes) {
        return DerKind::Pkcs7(certs);
    }
    if looks_like_pfx(bytes) {
        return DerKind::Pkcs12;
    }
    match keys::parse_der_key(bytes, None, limits) {
        Err(keys::KeyError::NotAKey { .. }) => DerKind::Unknown,
        other => DerKind::Key(Box::new(other)),
    }
}

/// PFX: SEQUENCE { INTEGER 3, ContentInfo ... }.
fn looks_like_pfx(bytes: &[u8]) -> bool {
    // Skip the outer header (definite or indefinite) and look for INTEGER 3.
    let Some(&l) = bytes.get(1) else { return false };
    let hdr = if l <= 0x80 {
        2
    } else {
        2 + (l & 0x7f) as usize
    };
    bytes.first() == Some(&0x30) && bytes.get(hdr..hdr + 3) == Some(&[0x02, 0x01, 0x03])
}

struct Ctx<'a> {
    passwords: &'a [Password],
    limits: &'a Limits,
    out: Ingested,
    /// Objects still allowed from the current file.
    objects_left: usize,
    /// Key derivations still allowed for the current file.
    kdf_left: usize,
    /// The object limit was hit in the current file (reported once).
    objects_exhausted: bool,
    /// Trust-anchor reading: keep only the chain-building view of each certificate (no
    /// certificate facts, no file report entries).
    certs_only: bool,
    /// Certificates read so far (SHA-256 of the DER → index in `out.chain_certs`).
    seen_certs: std::collections::HashMap<[u8; 32], usize>,
}

fn describe_cert(f: &CertFacts) -> String {
    format!(
        "certificate: {} (issuer {}){}",
        f.label(),
        f.issuer_cn.clone().unwrap_or_else(|| f.issuer.clone()),
        if f.is_ca { ", CA" } else { "" }
    )
}

impl<'a> Ctx<'a> {
    /// Takes one object from the file's budget; false (and a note, once) when it is spent.
    fn take_object(&mut self, rep: &mut FileReport) -> bool {
        if self.objects_left == 0 {
            if !self.objects_exhausted {
                self.objects_exhausted = true;
                rep.corrupt.push(format!(
                    "more than {} objects in one file; the rest were not read",
                    self.limits.max_objects_per_file
                ));
            }
            return false;
        }
        self.objects_left -= 1;
        true
    }

    /// The password to try on one encrypted key, if the file's derivation budget allows.
    fn key_password(&mut self, encrypted: bool) -> Result<Option<&'a Password>, ()> {
        if !encrypted || self.passwords.is_empty() {
            return Ok(self.passwords.first());
        }
        if self.kdf_left == 0 {
            return Err(());
        }
        self.kdf_left -= 1;
        Ok(self.passwords.first())
    }

    /// Opens an encrypted DER key with the password, if the file's derivation budget allows;
    /// anything else `classify` found is returned as it is.
    fn open_der_key(
        &mut self,
        der: &[u8],
        first: Result<keys::KeyInfo, keys::KeyError>,
    ) -> Result<keys::KeyInfo, keys::KeyError> {
        if !matches!(first, Err(keys::KeyError::PasswordNeeded { .. })) {
            return first;
        }
        match self.key_password(true) {
            Ok(Some(pw)) => keys::parse_der_key(der, Some(pw), self.limits),
            Ok(None) => first,
            Err(()) => Err(keys::KeyError::BudgetExhausted {
                limit: self.limits.max_kdf_runs,
            }),
        }
    }

    fn add_cert(&mut self, rep: &mut FileReport, der: Vec<u8>, container: &'static str) -> bool {
        if !self.take_object(rep) {
            return true; // counted as handled: the limit note says why it is not listed
        }
        // The same certificate again (a bundle concatenated twice, or a hostile file repeating
        // one certificate thousands of times): reuse the analysis instead of redoing it.
        // `chain_certs` and `certs` are filled together (`certs` stays empty when reading trust
        // anchors), so one index serves both.
        let fp: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(&der).into();
        let seen = self.seen_certs.get(&fp).and_then(|&i| {
            let chain = self.out.chain_certs.get(i)?.clone();
            let facts = self.out.certs.get(i).map(|item| item.facts.clone());
            (self.certs_only || facts.is_some()).then_some((chain, facts))
        });
        let (chain, facts) = match seen {
            Some(known) => known,
            None => {
                let Ok(c) = Certificate::from_der(&der) else {
                    return false;
                };
                self.seen_certs.insert(fp, self.out.chain_certs.len());
                // The chain view hashes the key once; the certificate facts reuse both hashes.
                let chain = crate::analyse::chain::ChainCert::with_cert_hashed(der.clone(), c, fp);
                let facts = (!self.certs_only).then(|| {
                    cert::analyse_certificate_hashed(&chain.cert, &der, &fp, chain.spki_sha256())
                });
                (chain, facts)
            }
        };
        self.out.chain_certs.push(chain);
        // Trust-anchor reading keeps the chain view only.
        let Some(facts) = facts else {
            return true;
        };
        rep.holds.push(describe_cert(&facts));
        rep.cert_order.push(facts.sha256.clone());
        let index_in_file = rep.cert_order.len() - 1;
        self.out.certs.push(CertItem {
            file: rep.name.clone(),
            index_in_file,
            container,
            der,
            facts,
        });
        true
    }

    fn add_csr(&mut self, rep: &mut FileReport, req: &CertReq, der: &[u8]) {
        use der::Encode;
        if !self.take_object(rep) {
            return;
        }
        let spki_der = req.info.public_key.to_der().unwrap_or_default();
        let spki_sha256 = cert::hex(&<sha2::Sha256 as sha2::Digest>::digest(&spki_der));
        let signature_valid = signature::split_signed(der)
            .ok()
            .is_some_and(|(tbs, alg, sig)| {
                signature::verify(&tbs, &alg, &sig, &req.info.public_key).is_ok()
            });
        let mut sans = Vec::new();
        let mut bad_extensions = Vec::new();
        for attr in req.info.attributes.iter() {
            if attr.oid.to_string() == "1.2.840.113549.1.9.14" {
                for v in attr.values.iter() {
                    match v.decode_as::<Vec<x509_cert::ext::Extension>>() {
                        Ok(exts) => {
                            bad_extensions.extend(cert::extension_problems(&exts));
                            for e in &exts {
                                if e.extn_id.to_string() == "2.5.29.17" {
                                    if let Ok(s) = x509_cert::ext::pkix::SubjectAltName::from_der(
                                        e.extn_value.as_bytes(),
                                    ) {
                                        sans.extend(cert::san_strings(&s));
                                    }
                                }
                            }
                        }
                        Err(e) => bad_extensions.push(format!("malformed extension request: {e}")),
                    }
                }
            }
        }
        let subject = cert::display_name(&req.info.subject);
        rep.holds
            .push(format!("certificate signing request: {subject}"));
        self.out.csrs.push(CsrItem {
            file: rep.name.clone(),
            subject,
            spki_sha256,
            signature_valid,
            sans,
            bad_extensions,
        });
    }

    fn add_key(&mut self, rep: &mut FileReport, res: Result<keys::KeyInfo, keys::KeyError>) {
        if !self.take_object(rep) {
            return;
        }
        let n = self.out.keys.iter().filter(|k| k.file == rep.name).count();
        let label = if n == 0 {
            rep.name.clone()
        } else {
            format!("{} (key {})", rep.name, n + 1)
        };
        let (info, problem, encryption) = match res {
            Ok(k) => {
                let enc = k.encryption.to_string();
                rep.holds.push(format!(
                    "private key: {}{}",
                    k.algorithm
                        .as_ref()
                        .map(describe_alg)
                        .unwrap_or_else(|| "unknown algorithm".into()),
                    if matches!(k.encryption, keys::KeyEncryption::None) {
                        String::new()
                    } else {
                        format!(", encrypted ({enc})")
                    }
                ));
                (Some(k), None, Some(enc))
            }
            Err(e) => {
                let (p, enc) = match &e {
                    keys::KeyError::PasswordNeeded { encryption } => {
                        (KeyProblem::PasswordNeeded, Some(encryption.to_string()))
                    }
                    keys::KeyError::WrongPassword { encryption } => {
                        (KeyProblem::WrongPassword, Some(encryption.to_string()))
                    }
                    keys::KeyError::IterationsTooHigh { .. }
                    | keys::KeyError::BudgetExhausted { .. } => {
                        (KeyProblem::TooManyIterations(e.to_string()), None)
                    }
                    keys::KeyError::Unsupported { .. } => {
                        (KeyProblem::Unsupported(e.to_string()), None)
                    }
                    _ => (KeyProblem::Corrupt(e.to_string()), None),
                };
                rep.holds.push(format!("private key (not readable: {e})"));
                if matches!(p, KeyProblem::Corrupt(_)) {
                    rep.corrupt.push(format!("private key: {e}"));
                }
                (None, Some(p), enc)
            }
        };
        self.out.keys.push(KeyItem {
            file: rep.name.clone(),
            label,
            from_pfx: false,
            encryption,
            info,
            problem,
        });
    }

    fn add_pfx(&mut self, rep: &mut FileReport, der: &[u8], pem_armored: bool) {
        // The user's password(s) first, then the empty password (both encodings are tried).
        let mut candidates: Vec<Password> = self.passwords.to_vec();
        if !candidates.iter().any(Password::is_empty) {
            candidates.push(Password::empty());
        }
        let given = self.passwords.iter().any(|p| !p.is_empty());
        // The file's budgets bound every container in it, not each one separately.
        let mut limits = *self.limits;
        limits.max_kdf_runs = self.kdf_left;
        limits.max_objects_per_file = self.objects_left;
        let result = pkcs12::analyse_pkcs12(der, &candidates, &limits);
        if let Ok(p) = &result {
            self.kdf_left = self.kdf_left.saturating_sub(p.kdf_runs);
        }
        match &result {
            Ok(p) => {
                rep.holds.push(format!(
                    "PKCS#12: {} certificate(s), {} key(s)",
                    p.certs.len(),
                    p.keys.len()
                ));
                for c in &p.certs {
                    self.add_cert(rep, c.der.clone(), "pfx");
                }
                for (i, k) in p.keys.iter().enumerate() {
                    if !self.take_object(rep) {
                        break;
                    }
                    let (info, problem) = match &k.pkcs8_der {
                        Some(d) => match keys::key_from_pkcs8(d.expose()) {
                            Ok(info) => (Some(info), None),
                            Err(e) => (None, Some(KeyProblem::Corrupt(e.to_string()))),
                        },
                        None => (
                            None,
                            Some(match &k.decrypt_error {
                                _ if !given => KeyProblem::PasswordNeeded,
                                Some(pkcs12::DecryptFailure::WrongPassword { .. }) => {
                                    KeyProblem::WrongPassword
                                }
                                // The MAC refused every password, so decryption was not tried.
                                Some(pkcs12::DecryptFailure::NotAttempted { .. })
                                    if p.mac_status == pkcs12::MacStatus::WrongPassword =>
                                {
                                    KeyProblem::WrongPassword
                                }
                                Some(pkcs12::DecryptFailure::IterationsTooHigh { .. }) => {
                                    KeyProblem::TooManyIterations(
                                        k.decrypt_error
                                            .as_ref()
                                            .map(|e| e.to_string())
                                            .unwrap_or_default(),
                                    )
                                }
                                Some(other) => KeyProblem::Unsupported(other.to_string()),
                                None => KeyProblem::Unsupported("not decrypted".into()),
                            }),
                        ),
                    };
                    self.out.keys.push(KeyItem {
                        file: rep.name.clone(),
                        label: format!("{} (key {})", rep.name, i + 1),
                        from_pfx: true,
                        encryption: Some(format!("{:?}", k.scheme)),
                        info,
                        problem,
                    });
                }
            }
            Err(e) => {
                rep.holds.push(format!("PKCS#12 (not readable: {e})"));
                rep.corrupt.push(e.to_string());
            }
        }
        self.out.pfxs.push(PfxItem {
            file: rep.name.clone(),
            pem_armored,
            result,
        });
    }

    /// Handles one DER object; returns the format name.
    fn add_der(&mut self, rep: &mut FileReport, bytes: &[u8], container: &'static str) -> String {
        let trailing = match outer_length(bytes) {
            Err(e) => {
                rep.corrupt.push(e);
                // Still try: some decoders accept what is present.
                0
            }
            Ok(n) => n,
        };
        let body = &bytes[..bytes.len() - trailing];
        let format = match classify(body, self.limits) {
            DerKind::Cert => {
                self.add_cert(rep, body.to_vec(), container);
                "der_certificate"
            }
            DerKind::Csr(r) => {
                self.add_csr(rep, &r, body);
                "csr"
            }
            DerKind::Pkcs7(certs) => {
                for c in certs {
                    self.add_cert(rep, c, "p7b");
                }
                "pkcs7"
            }
            DerKind::Pkcs12 => {
                self.add_pfx(rep, body, container == "base64");
                "pkcs12"
            }
            DerKind::Key(res) => {
                let res = self.open_der_key(body, *res);
                self.add_key(rep, res);
                "der_key"
            }
            DerKind::Unknown => {
                if rep.corrupt.is_empty() {
                    rep.corrupt.push(
                        "binary data that is not a certificate, key, request, PKCS#7 or PKCS#12"
                            .into(),
                    );
                }
                "unknown"
            }
        };
        if trailing > 0 {
            rep.corrupt.push(format!(
                "{trailing} bytes of trailing data after the end of the DER object"
            ));
        }
        format.to_string()
    }

    fn add_pem_block(&mut self, rep: &mut FileReport, block: &text::PemBlock) {
        let label = block.label.as_str();
        let wrong = |rep: &mut FileReport, content: &str| {
            rep.text_issues.push(TextIssue::WrongLabel {
                label: label.to_string(),
                content: content.to_string(),
                line: block.line,
            })
        };
        match label {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                // TRUSTED CERTIFICATE carries OpenSSL trust settings after the certificate.
                let body = match outer_length(&block.body) {
                    Ok(n) if label == "TRUSTED CERTIFICATE" => &block.body[..block.body.len() - n],
                    _ => &block.body[..],
                };
                if self.add_cert(rep, body.to_vec(), "pem") {
                    return;
                }
            }
            "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
                if let Ok(r) = CertReq::from_der(&block.body) {
                    self.add_csr(rep, &r, &block.body);
                    return;
                }
            }
            "PRIVATE KEY"
            | "ENCRYPTED PRIVATE KEY"
            | "RSA PRIVATE KEY"
            | "EC PRIVATE KEY"
            | "DSA PRIVATE KEY" => {
                let encrypted = label == "ENCRYPTED PRIVATE KEY"
                    || block
                        .headers
                        .iter()
                        .any(|(k, v)| k == "Proc-Type" && v.contains("ENCRYPTED"));
                let res = match self.key_password(encrypted) {
                    Ok(pw) => {
                        keys::parse_pem_key(label, &block.headers, &block.body, pw, self.limits)
                    }
                    Err(()) => Err(keys::KeyError::BudgetExhausted {
                        limit: self.limits.max_kdf_runs,
                    }),
                };
                if !matches!(res, Err(keys::KeyError::NotAKey { .. })) {
                    // A certificate labelled as a key reads as a corrupt key otherwise.
                    if matches!(res, Err(keys::KeyError::Malformed { .. }))
                        && Certificate::from_der(&block.body).is_ok()
                    {
                        wrong(rep, "a certificate");
                        self.add_cert(rep, block.body.clone(), "pem");
                        return;
                    }
                    rep.key_with_certs = true;
                    self.add_key(rep, res);
                    return;
                }
            }
            "PKCS7" | "CMS" => {
                if let Ok(certs) = pkcs7::certificates(&block.body) {
                    for c in certs {
                        self.add_cert(rep, c, "p7b");
                    }
                    return;
                }
            }
            "PKCS12" => {
                self.add_pfx(rep, &block.body, true);
                return;
            }
            "PUBLIC KEY" | "X509 CRL" | "EC PARAMETERS" | "DH PARAMETERS" => {
                rep.holds
                    .push(format!("{} (ignored)", label.to_lowercase()));
                return;
            }
            _ => {}
        }
        // The label did not fit the content (or is unknown): go by content.
        match classify(&block.body, self.limits) {
            DerKind::Cert => {
                wrong(rep, "a certificate");
                self.add_cert(rep, block.body.clone(), "pem");
            }
            DerKind::Csr(r) => {
                wrong(rep, "a certificate request");
                self.add_csr(rep, &r, &block.body);
            }
            DerKind::Pkcs7(certs) => {
                wrong(rep, "a PKCS#7 bundle");
                for c in certs {
                    self.add_cert(rep, c, "p7b");
                }
            }
            DerKind::Pkcs12 => {
                wrong(rep, "a PKCS#12 file");
                self.add_pfx(rep, &block.body, true);
            }
            DerKind::Key(res) => {
                wrong(rep, "a private key");
                rep.key_with_certs = true;
                let res = self.open_der_key(&block.body, *res);
                self.add_key(rep, res);
            }
            DerKind::Unknown => {
                let why = match outer_length(&block.body) {
                    Err(e) => e,
                    Ok(_) => "does not decode".to_string(),
                };
                rep.corrupt
                    .push(format!("line {}: the {label} block {why}", block.line));
            }
        }
    }

    fn file(&mut self, f: &InputFile) {
        self.objects_left = self.limits.max_objects_per_file;
        self.kdf_left = self.limits.max_kdf_runs;
        self.objects_exhausted = false;
        let mut rep = FileReport {
            name: f.name.clone(),
            ..FileReport::default()
        };
        let bytes = &f.bytes;
        if bytes.len() > self.limits.max_file_size {
            rep.format = "too_large".into();
            rep.corrupt.push(format!(
                "{} bytes, larger than the limit of {} bytes; not read",
                bytes.len(),
                self.limits.max_file_size
            ));
            self.out.files.push(rep);
            return;
        }
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            rep.format = "empty".into();
            rep.not_crypto = Some("the file is empty".into());
            self.out.files.push(rep);
            return;
        }
        let mut issues = Vec::new();
        let textual = text::decode_text(bytes, &mut issues);
        if let Some(t) = textual.as_deref().filter(|t| t.contains("-----BEGIN")) {
            let scan = text::scan_pem(t, self.limits.max_objects_per_file);
            rep.format = "pem".into();
            rep.text_issues = issues;
            rep.text_issues.extend(scan.issues.iter().cloned());
            for i in &scan.issues {
                if i.is_damage() {
                    rep.corrupt.push(i.describe());
                }
            }
            if scan.truncated_at_limit {
                rep.corrupt.push(format!(
                    "more than {} PEM blocks; the rest were not read",
                    self.limits.max_objects_per_file
                ));
            }
            let mut saw_cert = false;
            let mut saw_key = false;
            for b in &scan.blocks {
                let before_c = self.out.certs.len();
                let before_k = self.out.keys.len();
                self.add_pem_block(&mut rep, b);
                saw_cert |= self.out.certs.len() > before_c;
                saw_key |= self.out.keys.len() > before_k;
            }
            rep.key_with_certs = saw_cert && saw_key;
        } else if let Some(t) = textual.as_deref() {
            let lower = t.trim_start().to_ascii_lowercase();
            if lower.starts_with("<!doctype")
                || lower.starts_with("<html")
                || lower.contains("<body")
            {
                rep.format = "unknown".into();
                rep.not_crypto = Some(
                    "an HTML page (a download that saved an error or login page instead of the certificate)"
                        .into(),
                );
            } else if let Some(der) = text::decode_bare_base64(t) {
                rep.text_issues = issues;
                let fmt = self.add_der(&mut rep, &der, "base64");
                rep.format = if fmt == "unknown" {
                    "unknown".into()
                } else {
                    format!("base64_{fmt}")
                };
            } else if bytes.first() == Some(&0x30) {
                rep.format = self.add_der(&mut rep, bytes, "der");
            } else {
                rep.format = "unknown".into();
                rep.not_crypto = Some("text that holds no PEM block, certificate or key".into());
            }
        } else if bytes.first() == Some(&0x30) {
            rep.format = self.add_der(&mut rep, bytes, "der");
        } else {
            rep.format = "unknown".into();
            rep.not_crypto =
                Some("binary data that is not DER (not a certificate, key or container)".into());
        }
        self.out.files.push(rep);
    }
}

fn describe_alg(a: &keys::KeyAlgorithm) -> String {
    match a {
        keys::KeyAlgorithm::Rsa { bits } => format!("RSA {bits}"),
        keys::KeyAlgorithm::Ec { curve } => format!("EC {curve}"),
        keys::KeyAlgorithm::Ed25519 => "Ed25519".into(),
        keys::KeyAlgorithm::Ed448 => "Ed448".into(),
        keys::KeyAlgorithm::Dsa { bits } => format!("DSA {bits}"),
        keys::KeyAlgorithm::Other { oid } => oid.clone(),
        #[allow(unreachable_patterns)]
        _ => "other".into(),
    }
}

/// Reads every file. Files are taken in name order, so the result does not depend on the
/// order they were given in.
pub fn ingest(files: &[InputFile], passwords: &[Password], limits: &Limits) -> Ingested {
    ingest_files(files, passwords, limits, false)
}

fn ingest_files(
    files: &[InputFile],
    passwords: &[Password],
    limits: &Limits,
    certs_only: bool,
) -> Ingested {
    let mut sorted: Vec<&InputFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name).then(a.bytes.cmp(&b.bytes)));
    let mut ctx = Ctx {
        passwords,
        limits,
        out: Ingested::default(),
        objects_left: 0,
        kdf_left: 0,
        objects_exhausted: false,
        certs_only,
        seen_certs: Default::default(),
    };
    for f in sorted {
        ctx.file(f);
    }
    ctx.out
}

/// Reads certificates only (for trust anchors): PEM, DER, PKCS#7.
pub fn certificates_only(
    files: &[InputFile],
    limits: &Limits,
) -> Vec<crate::analyse::chain::ChainCert> {
    ingest_files(files, &[], limits, true).chain_certs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outer_length_detects_truncation_and_trailing_data() {
        assert!(outer_length(&[0x30, 0x82, 0x01, 0x00, 0, 0]).is_err());
        assert_eq!(outer_length(&[0x30, 0x01, 0x00, 0xff, 0xff]), Ok(2));
        assert_eq!(outer_length(&[0x30, 0x80, 0x00]), Ok(0));
        assert!(outer_length(&[0x30, 0x84]).is_err());
    }

    /// A certificate repeated many times (a bundle concatenated with itself, a hostile file) is
    /// analysed once and listed each time, up to the object limit; trust reading agrees.
    #[test]
    fn repeated_certificate_is_analysed_once_and_listed_each_time() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let leaf = std::fs::read(format!("{dir}/pki/leaf-rsa.pem")).unwrap();
        let int = std::fs::read(format!("{dir}/pki/issuing-ca-rsa.pem")).unwrap();
        let mut text = leaf.repeat(3);
        text.extend_from_slice(&int);
        text.extend_from_slice(&leaf);
        let limits = Limits::default();
        let files = [InputFile::new("dup.pem", text)];
        let ing = ingest(&files, &[], &limits);
        assert_eq!(ing.certs.len(), 5);
        assert_eq!(ing.chain_certs.len(), 5);
        let fps: Vec<&str> = ing.certs.iter().map(|c| c.facts.sha256.as_str()).collect();
        assert_eq!(fps[0], fps[1]);
        assert_eq!(fps[0], fps[4]);
        assert_ne!(fps[0], fps[3]);
        assert_eq!(ing.certs[4].facts.subject, ing.certs[0].facts.subject);
        assert_eq!(ing.certs[4].index_in_file, 4);
        assert_eq!(ing.files[0].holds.len(), 5);
        // Facts built from the chain view's hashes equal a stand-alone analysis.
        let c = Certificate::from_der(&ing.certs[3].der).unwrap();
        let alone = cert::analyse_certificate(&c, &ing.certs[3].der);
        assert_eq!(ing.certs[3].facts.sha256, alone.sha256);
        assert_eq!(ing.certs[3].facts.key, alone.key);
        assert_eq!(ing.certs[3].facts.thumbprint_sha1, alone.thumbprint_sha1);
        let trust = certificates_only(&files, &limits);
        assert_eq!(trust.len(), 5);
        assert_eq!(trust[4].spki_sha256(), ing.chain_certs[0].spki_sha256());
        // Far past the object limit: exactly the limit is read.
        let many = [InputFile::new("many.pem", leaf.repeat(1000))];
        let ing = ingest(&many, &[], &limits);
        assert_eq!(ing.certs.len(), limits.max_objects_per_file);
    }
}
