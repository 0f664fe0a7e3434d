//! Certificate path building: from the server certificate to a trust anchor, over every
//! certificate the user supplied plus the trusted roots.
//!
//! The builder tries every path (depth first), checks each link's signature with
//! [`crate::analyse::signature`], and reports what a person installing the chain needs to know:
//! whether some path is trusted now, which issuer is missing, which supplied certificates are
//! look-alikes or unrelated, which are expired, whether the root was included, and whether the
//! order in the file is the order servers send.
//!
//! All work is bounded by [`Limits`]: certificates considered (`max_chain_candidates`), path
//! length (`max_chain_depth`), complete paths kept (`max_paths`) and signature checks
//! (`max_signature_checks`). Hitting any bound sets [`ChainReport::budget_exhausted`]; the
//! report then describes what was found within the bound.
//!
//! Many same-name candidates (look-alike intermediates) cost little: a candidate whose key
//! identifier contradicts the child's authority key identifier is ruled out as OpenSSL does,
//! and for an ECDSA child the possible signer keys are recovered from the signature once
//! ([`signature::ecdsa_signers`]), so each candidate is a key comparison. The trust anchors'
//! lookup tables ([`AnchorTable`]) are built once per process for the Mozilla roots.
//!
//! Name matching, path search and the report are this project's own code: the RustCrypto
//! crates offer certificate parsing and signature arithmetic, not path building.

use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use const_oid::ObjectIdentifier;
use der::{Decode, Encode, Tag, Tagged};
use serde::Serialize;
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::Certificate;

use crate::analyse::signature;
use crate::limits::Limits;

const OID_AD_CA_ISSUERS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");

/// Why a certificate could not be taken into the chain builder.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The DER is not a certificate the strict RFC 5280 profile accepts.
    #[error("not a readable certificate: {detail}")]
    Parse {
        /// The decoder's message.
        detail: String,
    },
}

/// What the builder derives once from a certificate.
#[derive(Clone)]
struct Info {
    /// Signed bytes, algorithm and signature value; `None` when the outer structure could not
    /// be split (the certificate then verifies under no key).
    signed: Option<(Vec<u8>, AlgorithmIdentifierOwned, Vec<u8>)>,
    subject_key: Vec<u8>,
    issuer_key: Vec<u8>,
    spki_der: Vec<u8>,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
    not_before: i64,
    not_after: i64,
    is_ca: bool,
    self_issued: bool,
    ca_issuers: Vec<String>,
    hash: Option<&'static str>,
    /// SHA-256 of the DER: identity of the certificate, cheap to hash in sets.
    fp: [u8; 32],
    /// SHA-256 of (subject, SPKI): identity of "this name with this key".
    name_key_fp: [u8; 32],
    /// SHA-256 of the SPKI.
    spki_fp: [u8; 32],
}

/// One certificate as the chain builder sees it: its exact DER, the decoded certificate, and
/// the fields the builder needs, derived once.
#[derive(Clone)]
pub struct ChainCert {
    /// The certificate exactly as supplied (DER).
    pub der: Vec<u8>,
    /// The decoded certificate.
    pub cert: Certificate,
    info: Info,
}

impl fmt::Debug for ChainCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainCert")
            .field("subject", &self.subject_display())
            .field("issuer", &self.issuer_display())
            .field("der_len", &self.der.len())
            .finish()
    }
}

impl ChainCert {
    /// Decodes a DER certificate and derives what chain building needs.
    pub fn from_der(der: &[u8]) -> Result<Self, ChainError> {
        let cert = Certificate::from_der(der).map_err(|e| ChainError::Parse {
            detail: e.to_string(),
        })?;
        Ok(Self::with_cert(der.to_vec(), cert))
    }

    /// Takes an already decoded certificate (its DER is re-encoded).
    pub fn from_cert(cert: Certificate) -> Result<Self, ChainError> {
        let der = cert.to_der().map_err(|e| ChainError::Parse {
            detail: e.to_string(),
        })?;
        Ok(Self::with_cert(der, cert))
    }

    /// Builds from DER and its already decoded certificate (no second decode).
    pub fn with_cert(der: Vec<u8>, cert: Certificate) -> Self {
        let fp: [u8; 32] = Sha256::digest(&der).into();
        Self::with_cert_hashed(der, cert, fp)
    }

    /// [`ChainCert::with_cert`] with the SHA-256 of `der` already computed.
    pub fn with_cert_hashed(der: Vec<u8>, cert: Certificate, fp: [u8; 32]) -> Self {
        let tbs = cert.tbs_certificate();
        let subject_key = name_key(tbs.subject());
        let issuer_key = name_key(tbs.issuer());
        let spki_der = tbs.subject_public_key_info().to_der().unwrap_or_default();
        let ski = tbs
            .get_extension::<SubjectKeyIdentifier>()
            .ok()
            .flatten()
            .map(|(_, s)| s.0.as_bytes().to_vec());
        let aki = tbs
            .get_extension::<AuthorityKeyIdentifier>()
            .ok()
            .flatten()
            .and_then(|(_, a)| a.key_identifier.map(|k| k.as_bytes().to_vec()));
        let bc_ca = tbs
            .get_extension::<BasicConstraints>()
            .ok()
            .flatten()
            .map(|(_, bc)| bc.ca);
        let self_issued = subject_key == issuer_key;
        // A v1 certificate has no basicConstraints; OpenSSL treats a self-issued v1 certificate
        // as a CA, and so do we.
        let is_ca =
            bc_ca.unwrap_or(tbs.version() == x509_cert::certificate::Version::V1 && self_issued);
        let ca_issuers = tbs
            .get_extension::<AuthorityInfoAccessSyntax>()
            .ok()
            .flatten()
            .map(|(_, aia)| {
                aia.0
                    .iter()
                    .filter(|ad| ad.access_method == OID_AD_CA_ISSUERS)
                    .filter_map(|ad| match &ad.access_location {
                        GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let validity = tbs.validity();
        let not_before = unix_seconds(validity.not_before);
        let not_after = unix_seconds(validity.not_after);
        let signed = signature::split_signed(&der).ok();
        let hash = signature::signature_hash_name(cert.signature_algorithm());
        let name_key_fp: [u8; 32] = {
            let mut h = Sha256::new();
            h.update((subject_key.len() as u64).to_be_bytes());
            h.update(&subject_key);
            h.update(&spki_der);
            h.finalize().into()
        };
        let spki_fp: [u8; 32] = Sha256::digest(&spki_der).into();
        let info = Info {
            fp,
            name_key_fp,
            spki_fp,
            signed,
            subject_key,
            issuer_key,
            spki_der,
            ski,
            aki,
            not_before,
            not_after,
            is_ca,
            self_issued,
            ca_issuers,
            hash,
        };
        ChainCert { der, cert, info }
    }

    /// The subject as OpenSSL prints it (`C = US, O = …, CN = …`).
    pub fn subject_display(&self) -> String {
        name_display(self.cert.tbs_certificate().subject())
    }

    /// The issuer as OpenSSL prints it.
    pub fn issuer_display(&self) -> String {
        name_display(self.cert.tbs_certificate().issuer())
    }

    /// notBefore, unix seconds.
    pub fn not_before(&self) -> i64 {
        self.info.not_before
    }

    /// notAfter, unix seconds.
    pub fn not_after(&self) -> i64 {
        self.info.not_after
    }

    /// True when basicConstraints says CA (or the certificate is a self-issued v1 certificate).
    pub fn is_ca(&self) -> bool {
        self.info.is_ca
    }

    /// True when subject and issuer are the same name (compared as RFC 5280 asks: case and
    /// spacing of text values ignored).
    pub fn is_self_issued(&self) -> bool {
        self.info.self_issued
    }

    /// The subject key identifier, if the extension is present.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.info.ski.as_deref()
    }

    /// The authority key identifier's keyIdentifier, if present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.info.aki.as_deref()
    }

    /// The caIssuers URLs of the authority information access extension.
    pub fn ca_issuers_urls(&self) -> &[String] {
        &self.info.ca_issuers
    }

    /// The DER SubjectPublicKeyInfo.
    pub fn spki_der(&self) -> &[u8] {
        &self.info.spki_der
    }

    /// SHA-256 of the DER SubjectPublicKeyInfo (computed once).
    pub fn spki_sha256(&self) -> &[u8; 32] {
        &self.info.spki_fp
    }

    fn expired_at(&self, now: i64) -> bool {
        now > self.info.not_after
    }

    fn not_yet_valid_at(&self, now: i64) -> bool {
        now < self.info.not_before
    }

    fn same_key_and_subject(&self, other: &ChainCert) -> bool {
        self.info.subject_key == other.info.subject_key && self.info.spki_der == other.info.spki_der
    }
}

fn unix_seconds(t: x509_cert::time::Time) -> i64 {
    i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

/// A name as a comparison key: RDNs in order, attributes in an RDN sorted; text values with
/// case folded and runs of white space collapsed (RFC 5280 section 7.1, as OpenSSL does);
/// other values byte for byte.
fn name_key(name: &Name) -> Vec<u8> {
    let mut key = Vec::with_capacity(128);
    let mut folded = String::new();
    let mut atvs: Vec<Vec<u8>> = Vec::new();
    for rdn in name.iter_rdn() {
        key.push(b'[');
        if rdn.len() == 1 {
            // The usual case, one attribute per RDN: written straight into the key.
            for atv in rdn.iter() {
                let start = key.len();
                key.extend_from_slice(&[0; 4]);
                atv_key(atv, &mut key, &mut folded);
                let len = u32::try_from(key.len() - start - 4).unwrap_or(u32::MAX);
                key[start..start + 4].copy_from_slice(&len.to_be_bytes());
            }
        } else {
            atvs.clear();
            for atv in rdn.iter() {
                let mut item = Vec::new();
                atv_key(atv, &mut item, &mut folded);
                atvs.push(item);
            }
            atvs.sort();
            for atv in &atvs {
                push_len_prefixed(&mut key, atv);
            }
        }
        key.push(b']');
    }
    key
}

/// One attribute of a name key: the OID, then `T` and the folded text or `B` and the raw
/// encoding. `folded` is scratch space.
fn atv_key(atv: &x509_cert::attr::AttributeTypeAndValue, out: &mut Vec<u8>, folded: &mut String) {
    push_len_prefixed(out, atv.oid.as_bytes());
    match text_value(&atv.value) {
        Some(text) => {
            out.push(b'T');
            folded.clear();
            for word in text.split_whitespace() {
                if !folded.is_empty() {
                    folded.push(' ');
                }
                for c in word.chars() {
                    folded.extend(c.to_lowercase());
                }
            }
            push_len_prefixed(out, folded.as_bytes());
        }
        None => {
            out.push(b'B');
            let raw = atv.value.to_der().unwrap_or_default();
            push_len_prefixed(out, &raw);
        }
    }
}

fn push_len_prefixed(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Decodes a directory string value to text, for the string types names use.
pub(crate) fn text_value(value: &der::Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::VisibleString
        | Tag::NumericString => std::str::from_utf8(bytes).ok().map(str::to_string),
        // T61 in practice carries Latin-1.
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            if bytes.len() % 2 != 0 {
                return None;
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| match c {
                    [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                    _ => 0xFFFD,
                })
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

/// Short attribute names as OpenSSL prints them (compared as OIDs: no string is built).
pub(crate) fn attribute_short_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    const fn o(s: &str) -> ObjectIdentifier {
        ObjectIdentifier::new_unwrap(s)
    }
    const NAMES: &[(ObjectIdentifier, &str)] = &[
        (o("2.5.4.3"), "CN"),
        (o("2.5.4.4"), "SN"),
        (o("2.5.4.5"), "serialNumber"),
        (o("2.5.4.6"), "C"),
        (o("2.5.4.7"), "L"),
        (o("2.5.4.8"), "ST"),
        (o("2.5.4.9"), "street"),
        (o("2.5.4.10"), "O"),
        (o("2.5.4.11"), "OU"),
        (o("2.5.4.12"), "title"),
        (o("2.5.4.15"), "businessCategory"),
        (o("2.5.4.17"), "postalCode"),
        (o("2.5.4.42"), "GN"),
        (o("2.5.4.43"), "initials"),
        (o("2.5.4.44"), "generationQualifier"),
        (o("2.5.4.46"), "dnQualifier"),
        (o("2.5.4.65"), "pseudonym"),
        (o("2.5.4.97"), "organizationIdentifier"),
        (o("1.2.840.113549.1.9.1"), "emailAddress"),
        (o("0.9.2342.19200300.100.1.1"), "UID"),
        (o("0.9.2342.19200300.100.1.25"), "DC"),
        (o("1.3.6.1.4.1.311.60.2.1.1"), "jurisdictionL"),
        (o("1.3.6.1.4.1.311.60.2.1.2"), "jurisdictionST"),
        (o("1.3.6.1.4.1.311.60.2.1.3"), "jurisdictionC"),
    ];
    NAMES.iter().find(|(k, _)| k == oid).map(|(_, v)| *v)
}

/// A distinguished name the way `openssl x509 -noout -subject` (OpenSSL 3) prints it: RDNs in
/// encoded order, `C = US, ST = New Jersey, …, CN = …`; attributes of a multi-valued RDN joined
/// with ` + `; values that are not text as `#` and hex.
pub fn name_display(name: &Name) -> String {
    let mut parts = Vec::new();
    for rdn in name.iter_rdn() {
        let atvs: Vec<String> = rdn
            .iter()
            .map(|atv| {
                let key = attribute_short_name(&atv.oid)
                    .map(str::to_string)
                    .unwrap_or_else(|| atv.oid.to_string());
                let value = match text_value(&atv.value) {
                    Some(text) => text,
                    None => format!("#{}", hex(&atv.value.to_der().unwrap_or_default())),
                };
                format!("{key} = {value}")
            })
            .collect();
        parts.push(atvs.join(" + "));
    }
    parts.join(", ")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// The Mozilla trust store (`webpki-root-certs`, TLS server roots), parsed once. Roots that do
/// not parse are skipped.
pub fn mozilla_anchors() -> &'static [ChainCert] {
    static ANCHORS: OnceLock<Vec<ChainCert>> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .filter_map(|c| ChainCert::from_der(c.as_ref()).ok())
            .collect()
    })
}

/// Lookup tables over one list of trust anchors: by subject name, by DER, by subject and key,
/// by public key.
pub struct AnchorTable<'a> {
    certs: Vec<&'a ChainCert>,
    by_subject: HashMap<&'a [u8], Vec<usize>>,
    ders: HashSet<[u8; 32]>,
    name_keys: HashSet<[u8; 32]>,
    spkis: HashSet<[u8; 32]>,
    /// `certs[i]` has the same DER as an earlier certificate of this table.
    duplicate: Vec<bool>,
}

impl<'a> AnchorTable<'a> {
    /// Builds the tables over `certs`, kept in the order given.
    pub fn new(certs: impl IntoIterator<Item = &'a ChainCert>) -> Self {
        let certs: Vec<&'a ChainCert> = certs.into_iter().collect();
        let mut t = AnchorTable {
            by_subject: HashMap::with_capacity(certs.len()),
            ders: HashSet::with_capacity(certs.len()),
            name_keys: HashSet::with_capacity(certs.len()),
            spkis: HashSet::with_capacity(certs.len()),
            duplicate: Vec::with_capacity(certs.len()),
            certs: Vec::new(),
        };
        for (i, c) in certs.iter().enumerate() {
            t.duplicate.push(!t.ders.insert(c.info.fp));
            t.name_keys.insert(c.info.name_key_fp);
            t.spkis.insert(c.info.spki_fp);
            t.by_subject
                .entry(c.info.subject_key.as_slice())
                .or_default()
                .push(i);
        }
        t.certs = certs;
        t
    }

    /// The tables of the built-in Mozilla roots, built once per process.
    pub fn mozilla() -> &'static AnchorTable<'static> {
        static TABLE: OnceLock<AnchorTable<'static>> = OnceLock::new();
        TABLE.get_or_init(|| AnchorTable::new(mozilla_anchors()))
    }

    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// No anchors.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }
}

/// The trust anchors of one diagnosis: a shared base table (normally the Mozilla roots, whose
/// tables are built once per process) and the caller's extra anchors (`--trust`, host trust
/// facts), which get small tables of their own. [`Node::Anchor`] indices run over the base
/// first, then the extras.
pub struct Anchors<'a> {
    base: Option<&'a AnchorTable<'a>>,
    extra: AnchorTable<'a>,
}

impl<'a> Anchors<'a> {
    /// `base` (if any) followed by `extra`.
    pub fn new(
        base: Option<&'a AnchorTable<'a>>,
        extra: impl IntoIterator<Item = &'a ChainCert>,
    ) -> Self {
        Anchors {
            base,
            extra: AnchorTable::new(extra),
        }
    }

    /// The Mozilla roots followed by `extra`.
    pub fn mozilla_and(extra: impl IntoIterator<Item = &'a ChainCert>) -> Self {
        Anchors::new(Some(AnchorTable::mozilla()), extra)
    }

    fn base_len(&self) -> usize {
        self.base.map_or(0, AnchorTable::len)
    }

    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.base_len() + self.extra.len()
    }

    /// No anchors.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Anchor `j` (the index of [`Node::Anchor`]).
    pub fn get(&self, j: usize) -> Option<&'a ChainCert> {
        let b = self.base_len();
        if j < b {
            self.base.and_then(|t| t.certs.get(j).copied())
        } else {
            self.extra.certs.get(j - b).copied()
        }
    }

    /// Every anchor, in index order.
    pub fn iter(&self) -> impl Iterator<Item = &'a ChainCert> + '_ {
        let base: &[&'a ChainCert] = self.base.map_or(&[], |t| t.certs.as_slice());
        base.iter().chain(self.extra.certs.iter()).copied()
    }

    /// Indices of the anchors whose subject has the normalised name `subject_key`.
    fn with_subject<'s>(&'s self, subject_key: &[u8]) -> impl Iterator<Item = usize> + 's {
        let b = self.base_len();
        let base = self
            .base
            .and_then(|t| t.by_subject.get(subject_key))
            .map_or(&[][..], Vec::as_slice);
        let extra = self
            .extra
            .by_subject
            .get(subject_key)
            .map_or(&[][..], Vec::as_slice);
        base.iter().copied().chain(extra.iter().map(move |k| b + k))
    }

    /// Anchor `j` repeats the DER of an earlier anchor.
    fn is_duplicate(&self, j: usize) -> bool {
        let b = self.base_len();
        if j < b {
            self.base
                .and_then(|t| t.duplicate.get(j).copied())
                .unwrap_or(false)
        } else {
            let k = j - b;
            self.extra.duplicate.get(k).copied().unwrap_or(false)
                || self
                    .extra
                    .certs
                    .get(k)
                    .is_some_and(|c| self.base.is_some_and(|t| t.ders.contains(&c.info.fp)))
        }
    }

    /// Some anchor has this DER (SHA-256).
    pub fn has_der(&self, fp: &[u8; 32]) -> bool {
        self.base.is_some_and(|t| t.ders.contains(fp)) || self.extra.ders.contains(fp)
    }

    /// Some anchor has this subject and public key (see `ChainCert`'s `name_key_fp`).
    fn has_name_key(&self, fp: &[u8; 32]) -> bool {
        self.base.is_some_and(|t| t.name_keys.contains(fp)) || self.extra.name_keys.contains(fp)
    }

    /// Some anchor has this public key (SHA-256 of the SubjectPublicKeyInfo).
    pub fn has_spki(&self, fp: &[u8; 32]) -> bool {
        self.base.is_some_and(|t| t.spkis.contains(fp)) || self.extra.spkis.contains(fp)
    }
}

/// What the chain builder is given.
pub struct ChainInput<'a> {
    /// Every certificate the user gave, in the order given (file order, then order within file).
    pub supplied: &'a [ChainCert],
    /// Index in `supplied` of the server (end-entity) certificate.
    pub leaf: usize,
    /// Trusted roots: the built-in Mozilla roots, the user's `--trust`, host trust facts
    /// (references, so the built-in roots are never copied; their tables are built once).
    pub anchors: &'a Anchors<'a>,
    /// Reference time, unix seconds. The builder never reads the clock.
    pub now: i64,
    /// Bounds on the work.
    pub limits: &'a Limits,
}

/// A certificate on a path: one of the supplied certificates or one of the anchors (by index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Node {
    /// `ChainInput::supplied[i]`.
    Supplied(usize),
    /// `ChainInput::anchors[i]`.
    Anchor(usize),
}

/// A complete path from the leaf to a trust anchor.
#[derive(Debug, Clone, Serialize)]
pub struct ChainPath {
    /// The certificates, leaf first. The last one is an anchor, or a supplied certificate equal
    /// to an anchor (same DER, or same subject and same public key: a supplied copy of a root,
    /// or a cross-certificate for an anchor's key).
    pub nodes: Vec<Node>,
    /// Every member (the anchor included) is within its validity period at `now`.
    pub valid_at_now: bool,
    /// Members expired at `now`.
    pub expired: Vec<Node>,
    /// Members not yet valid at `now`.
    pub not_yet_valid: Vec<Node>,
    /// The weakest hash among the signatures the path relies on (every member but the last,
    /// whose own signature is not used): `"sha1"`, `"sha256"`, …; `None` when there is none.
    pub weakest_hash: Option<String>,
}

/// The issuer that would extend the longest partial path.
#[derive(Debug, Clone, Serialize)]
pub struct MissingIssuer {
    /// The top certificate whose issuer is missing.
    pub child: Node,
    /// The missing issuer's name as OpenSSL prints it (`C = …, O = …, CN = …`).
    pub issuer_name: String,
    /// The child's authority key identifier (upper-case hex, no separators).
    pub aki_hex: Option<String>,
    /// The child's AIA caIssuers URLs (where the issuer can usually be downloaded).
    pub ca_issuers_urls: Vec<String>,
}

/// What chain building found. Indices are into `ChainInput::supplied` unless they are [`Node`]s.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    /// Complete paths to an anchor, best first: valid at `now` first, then shortest, then
    /// strongest weakest hash, then the order found (supplied certificates are tried in the
    /// order given, before anchors).
    pub paths: Vec<ChainPath>,
    /// Some path is valid at `now`.
    pub trusted: bool,
    /// When there is no complete path: the issuer missing at the top of the longest partial
    /// path (unless that top is a self-signed certificate, see `untrusted_root`).
    pub missing_issuer: Option<MissingIssuer>,
    /// `lookalike_intermediates` and `unrelated_certs` together, sorted.
    pub wrong_intermediates: Vec<usize>,
    /// Supplied certificates on no path that carry the issuer's name (or its key identifier)
    /// of a certificate on a path, but whose key does not verify that certificate: a different
    /// CA generation or product line with the same name.
    pub lookalike_intermediates: Vec<usize>,
    /// Supplied certificates (other than the leaf; CA or not) on no path, that are not
    /// look-alikes and are not the issuer, by name or key identifier, of any other supplied
    /// certificate: e.g. an OV intermediate given with a DV certificate.
    pub unrelated_certs: Vec<usize>,
    /// Supplied certificates identical (same DER) to an earlier supplied one; only the first
    /// copy is used for building.
    pub duplicate_certs: Vec<usize>,
    /// Supplied certificates expired at `now` (on a path or not).
    pub expired_supplied: Vec<usize>,
    /// Supplied certificates expired at `now` that lie on some complete path (or, when there is
    /// none, on the longest partial path).
    pub expired_on_paths: Vec<usize>,
    /// A path valid at `now` exists that uses none of the expired supplied certificates. With
    /// `expired_on_paths` non-empty this is the AddTrust case: the expired certificate is
    /// dead weight that old clients still choke on.
    pub valid_path_avoiding_expired: bool,
    /// A supplied self-signed certificate on the best complete path (the root was included).
    pub root_included: Option<usize>,
    /// When there is no complete path: the top of the longest partial path, if it is a
    /// supplied self-signed certificate that is not a trust anchor.
    pub untrusted_root: Option<usize>,
    /// Order check, on the best complete path (or, when there is none, the longest partial
    /// path). Take the supplied certificates of that path in path order (leaf, its issuer, its
    /// issuer's issuer, …). The order is right when each one sits in `supplied` immediately
    /// after the previous one: leaf first, then its issuer, with nothing in between.
    /// Certificates before the leaf or after the last one do not matter here (they are reported
    /// as unrelated or duplicates).
    pub order_ok: bool,
    /// The supplied certificates of that path (path order) that do not sit immediately after
    /// the certificate they issued.
    pub out_of_order: Vec<usize>,
    /// Signature verifications performed (an ECDSA signer-key recovery, used when a
    /// certificate has many same-name issuer candidates, counts as two).
    pub signature_checks: usize,
    /// Some limit was reached; the report covers what was found within it.
    pub budget_exhausted: bool,
}

impl ChainReport {
    fn empty() -> Self {
        ChainReport {
            paths: Vec::new(),
            trusted: false,
            missing_issuer: None,
            wrong_intermediates: Vec::new(),
            lookalike_intermediates: Vec::new(),
            unrelated_certs: Vec::new(),
            duplicate_certs: Vec::new(),
            expired_supplied: Vec::new(),
            expired_on_paths: Vec::new(),
            valid_path_avoiding_expired: false,
            root_included: None,
            untrusted_root: None,
            order_ok: true,
            out_of_order: Vec::new(),
            signature_checks: 0,
            budget_exhausted: false,
        }
    }
}

/// Strength order of hash names (higher is stronger).
fn hash_rank(name: Option<&str>) -> u8 {
    match name {
        Some("md2") => 0,
        Some("md5") => 1,
        Some("sha1") => 2,
        Some("sha224") => 3,
        Some("sha256") => 4,
        Some("sha384") => 5,
        Some("sha512") => 6,
        _ => 7,
    }
}

/// Issuer candidates by name from which an ECDSA signer-key recovery pays off (it costs about
/// two verifications and replaces one per candidate).
const RECOVERY_MIN_ISSUERS: usize = 3;
/// Signature checks charged for one signer-key recovery.
const RECOVERY_COST: usize = 2;

/// One level of the depth-first search.
struct Frame {
    node: Node,
    candidates: Vec<Node>,
    next: usize,
    extended: bool,
}

struct Builder<'a> {
    input: &'a ChainInput<'a>,
    /// Supplied certificates taken into building (within the candidate limit, not duplicates).
    usable: Vec<bool>,
    /// Supplied certificates skipped because an identical one is used.
    duplicates: Vec<usize>,
    supplied_by_subject: HashMap<&'a [u8], Vec<usize>>,
    /// DER fingerprints of the usable supplied certificates.
    supplied_ders: HashSet<[u8; 32]>,
    /// Anchors with an index below this are considered (the candidate limit).
    anchor_room: usize,
    /// Supplied certificates that count as an anchor.
    anchor_equivalent: Vec<bool>,
    sig_cache: HashMap<(usize, Node), bool>,
    /// Signer keys recovered from a supplied certificate's ECDSA signature (see
    /// [`Builder::signers`]); `None` when recovery does not apply.
    signers: HashMap<(usize, ObjectIdentifier), Option<signature::EcdsaSigners>>,
    checks: usize,
    budget_exhausted: bool,
    complete: Vec<Vec<Node>>,
    best_partial: Option<Vec<Node>>,
    visited: Vec<bool>,
    steps: usize,
    max_steps: usize,
}

impl<'a> Builder<'a> {
    fn new(input: &'a ChainInput<'a>) -> Self {
        let limits = input.limits;
        let n = input.supplied.len();
        let mut budget_exhausted = false;

        // Certificates considered: the leaf, then supplied in order, then anchors, up to
        // max_chain_candidates in all.
        let mut usable = vec![false; n];
        let mut seen_der: HashSet<[u8; 32]> = HashSet::new();
        let mut taken = 0usize;
        let mut duplicates = Vec::new();
        let order = std::iter::once(input.leaf).chain((0..n).filter(|&i| i != input.leaf));
        for i in order {
            let Some(c) = input.supplied.get(i) else {
                continue;
            };
            if i != input.leaf && seen_der.contains(&c.info.fp) {
                duplicates.push(i);
                continue;
            }
            if taken >= limits.max_chain_candidates && i != input.leaf {
                budget_exhausted = true;
                continue;
            }
            seen_der.insert(c.info.fp);
            usable[i] = true;
            taken += 1;
        }
        // Anchors come after the supplied certificates, in index order, up to the same limit;
        // one repeating a supplied certificate or an earlier anchor is skipped.
        let anchors = input.anchors;
        let anchor_room = limits.max_chain_candidates.saturating_sub(taken);
        if anchors.len() > anchor_room {
            budget_exhausted = true;
        }

        let mut supplied_by_subject: HashMap<&[u8], Vec<usize>> = HashMap::new();
        for (i, c) in input.supplied.iter().enumerate() {
            if usable.get(i).copied().unwrap_or(false) {
                supplied_by_subject
                    .entry(c.info.subject_key.as_slice())
                    .or_default()
                    .push(i);
            }
        }
        // Every anchor (usable or not) makes equal supplied certificates anchors.
        let anchor_equivalent = input
            .supplied
            .iter()
            .map(|c| anchors.has_der(&c.info.fp) || anchors.has_name_key(&c.info.name_key_fp))
            .collect();

        let max_steps = limits
            .max_chain_candidates
            .saturating_mul(limits.max_chain_depth)
            .max(1000);
        Builder {
            input,
            usable,
            duplicates,
            supplied_by_subject,
            supplied_ders: seen_der,
            anchor_room,
            anchor_equivalent,
            sig_cache: HashMap::new(),
            signers: HashMap::new(),
            checks: 0,
            budget_exhausted,
            complete: Vec::new(),
            best_partial: None,
            visited: vec![false; n],
            steps: 0,
            max_steps,
        }
    }

    fn cert(&self, node: Node) -> Option<&'a ChainCert> {
        match node {
            Node::Supplied(i) => self.input.supplied.get(i),
            Node::Anchor(j) => self.input.anchors.get(j),
        }
    }

    fn is_complete(&self, node: Node) -> bool {
        match node {
            Node::Anchor(_) => true,
            Node::Supplied(i) => self.anchor_equivalent.get(i).copied().unwrap_or(false),
        }
    }

    /// Does `parent`'s key verify supplied certificate `child`? `None` when the signature budget
    /// is spent and the answer is not known.
    fn verifies(&mut self, child: usize, parent: Node) -> Option<bool> {
        if let Some(&known) = self.sig_cache.get(&(child, parent)) {
            return Some(known);
        }
        let child_cert = self.input.supplied.get(child)?;
        let parent_cert = self.cert(parent)?;
        if let Some(signers) = self.signers(child, parent_cert) {
            if !signers
                .may_have_signed(parent_cert.cert.tbs_certificate().subject_public_key_info())
            {
                self.sig_cache.insert((child, parent), false);
                return Some(false);
            }
        }
        if self.checks >= self.input.limits.max_signature_checks {
            self.budget_exhausted = true;
            return None;
        }
        self.checks += 1;
        let ok = match &child_cert.info.signed {
            Some((tbs, alg, sig)) => signature::verify(
                tbs,
                alg,
                sig,
                parent_cert.cert.tbs_certificate().subject_public_key_info(),
            )
            .is_ok(),
            None => false,
        };
        self.sig_cache.insert((child, parent), ok);
        Some(ok)
    }

    /// The keys supplied certificate `child`'s ECDSA signature is valid under, recovered once
    /// when `child` has [`RECOVERY_MIN_ISSUERS`] or more issuer candidates by name and the
    /// candidate `like` has an EC key: then each look-alike is ruled out by comparing keys
    /// instead of by a verification of its own. The recovery is charged as
    /// [`RECOVERY_COST`] signature checks.
    ///
    /// Recovery is per curve: a P-256 recovery says nothing about a same-name P-384 candidate,
    /// which gets its own.
    fn signers(&mut self, child: usize, like: &ChainCert) -> Option<&signature::EcdsaSigners> {
        let like_spki = like.cert.tbs_certificate().subject_public_key_info();
        let curve = signature::ec_curve(like_spki)?;
        let key = (child, curve);
        if !self.signers.contains_key(&key) {
            let c = self.input.supplied.get(child)?;
            let issuers = self
                .supplied_by_subject
                .get(c.info.issuer_key.as_slice())
                .map_or(0, Vec::len)
                + self.input.anchors.with_subject(&c.info.issuer_key).count();
            let room = self.checks + RECOVERY_COST <= self.input.limits.max_signature_checks;
            let got = match (&c.info.signed, issuers >= RECOVERY_MIN_ISSUERS && room) {
                (Some((tbs, alg, sig)), true) => signature::ecdsa_signers(tbs, alg, sig, like_spki),
                _ => None,
            };
            if got.is_some() {
                self.checks += RECOVERY_COST;
            }
            self.signers.insert(key, got);
        }
        self.signers.get(&key).and_then(Option::as_ref)
    }

    /// Is supplied certificate `i` self-signed (self-issued and verified by its own key)?
    fn self_signed(&mut self, i: usize) -> bool {
        let self_issued = self
            .input
            .supplied
            .get(i)
            .map(|c| c.info.self_issued)
            .unwrap_or(false);
        self_issued && self.verifies(i, Node::Supplied(i)) == Some(true)
    }

    /// Issuer candidates of supplied certificate `child` by name, filtered by key identifiers
    /// where both exist: supplied first (in order), then anchors.
    fn candidates(&self, child: usize) -> Vec<Node> {
        let Some(c) = self.input.supplied.get(child) else {
            return Vec::new();
        };
        let key = c.info.issuer_key.as_slice();
        let aki = c.info.aki.as_deref();
        let ids_agree = |p: &ChainCert| match (aki, p.info.ski.as_deref()) {
            (Some(a), Some(s)) => a == s,
            _ => true,
        };
        let mut out = Vec::new();
        if let Some(list) = self.supplied_by_subject.get(key) {
            for &i in list {
                if i != child && self.input.supplied.get(i).is_some_and(ids_agree) {
                    out.push(Node::Supplied(i));
                }
            }
        }
        let anchors = self.input.anchors;
        for j in anchors.with_subject(key) {
            if j < self.anchor_room
                && !anchors.is_duplicate(j)
                && anchors
                    .get(j)
                    .is_some_and(|a| !self.supplied_ders.contains(&a.info.fp) && ids_agree(a))
            {
                out.push(Node::Anchor(j));
            }
        }
        out
    }

    fn record_partial(&mut self, path: Vec<Node>) {
        let better = match &self.best_partial {
            None => true,
            Some(best) => {
                path.len() > best.len()
                    || (path.len() == best.len()
                        && self.nodes_valid(&path)
                        && !self.nodes_valid(best))
            }
        };
        if better {
            self.best_partial = Some(path);
        }
    }

    fn nodes_valid(&self, nodes: &[Node]) -> bool {
        let now = self.input.now;
        nodes.iter().all(|&n| {
            self.cert(n)
                .is_some_and(|c| !c.expired_at(now) && !c.not_yet_valid_at(now))
        })
    }

    /// Depth-first search over every path from the leaf.
    fn search(&mut self) {
        let leaf = self.input.leaf;
        if self.input.supplied.get(leaf).is_none() {
            return;
        }
        let limits = self.input.limits;
        if let Some(v) = self.visited.get_mut(leaf) {
            *v = true;
        }
        if self.is_complete(Node::Supplied(leaf)) {
            self.complete.push(vec![Node::Supplied(leaf)]);
            return;
        }
        let mut stack = vec![Frame {
            node: Node::Supplied(leaf),
            candidates: self.candidates(leaf),
            next: 0,
            extended: false,
        }];
        while let Some(top) = stack.last_mut() {
            self.steps += 1;
            if self.steps > self.max_steps {
                self.budget_exhausted = true;
                break;
            }
            let Some(&cand) = top.candidates.get(top.next) else {
                // Every candidate tried: a path that could not be extended ends here.
                let frame_extended = top.extended;
                let path: Vec<Node> = stack.iter().map(|f| f.node).collect();
                if !frame_extended {
                    self.record_partial(path);
                }
                stack.pop();
                continue;
            };
            top.next += 1;
            let Node::Supplied(child) = top.node else {
                continue;
            };
            // No certificate twice on a path (same subject and key counts as the same).
            let Some(cand_cert) = self.cert(cand) else {
                continue;
            };
            let loops = stack.iter().any(|f| {
                self.cert(f.node)
                    .is_some_and(|c| c.same_key_and_subject(cand_cert))
            });
            if loops {
                continue;
            }
            if stack.len() >= limits.max_chain_depth {
                // The path would grow past the longest chain allowed.
                self.budget_exhausted = true;
                continue;
            }
            if self.verifies(child, cand) != Some(true) {
                continue;
            }
            if let Some(top) = stack.last_mut() {
                top.extended = true;
            }
            if let Node::Supplied(i) = cand {
                if let Some(v) = self.visited.get_mut(i) {
                    *v = true;
                }
            }
            if self.is_complete(cand) {
                if self.complete.len() >= limits.max_paths {
                    // One more complete path than may be kept: stop searching.
                    self.budget_exhausted = true;
                    break;
                }
                let mut path: Vec<Node> = stack.iter().map(|f| f.node).collect();
                path.push(cand);
                self.complete.push(path);
                continue;
            }
            let Node::Supplied(next_child) = cand else {
                continue;
            };
            let candidates = self.candidates(next_child);
            stack.push(Frame {
                node: cand,
                candidates,
                next: 0,
                extended: false,
            });
        }
    }

    fn make_path(&self, nodes: Vec<Node>) -> ChainPath {
        let now = self.input.now;
        let mut expired = Vec::new();
        let mut not_yet_valid = Vec::new();
        for &n in &nodes {
            if let Some(c) = self.cert(n) {
                if c.expired_at(now) {
                    expired.push(n);
                }
                if c.not_yet_valid_at(now) {
                    not_yet_valid.push(n);
                }
            }
        }
        let relied = nodes.len().saturating_sub(1);
        let weakest_hash = nodes
            .iter()
            .take(relied)
            .filter_map(|&n| self.cert(n).and_then(|c| c.info.hash))
            .min_by_key(|h| hash_rank(Some(h)))
            .map(str::to_string);
        ChainPath {
            valid_at_now: expired.is_empty() && not_yet_valid.is_empty(),
            nodes,
            expired,
            not_yet_valid,
            weakest_hash,
        }
    }
}

/// Builds every path from the leaf to a trust anchor and reports on the supplied certificates.
///
/// Never panics; the work is bounded by `input.limits` (see the module documentation).
/// Issuers are matched by name (and by key identifier where both certificates carry one) and
/// accepted only when their key verifies the signature. basicConstraints and key usage of the
/// issuers are not enforced here (other facts report them).
pub fn build(input: &ChainInput) -> ChainReport {
    let mut report = ChainReport::empty();
    let n = input.supplied.len();
    let now = input.now;
    report.expired_supplied = (0..n)
        .filter(|&i| input.supplied.get(i).is_some_and(|c| c.expired_at(now)))
        .collect();
    if input.supplied.get(input.leaf).is_none() {
        return report;
    }

    let mut b = Builder::new(input);
    report.duplicate_certs = b.duplicates.clone();
    report.duplicate_certs.sort_unstable();
    b.search();

    // Complete paths, best first.
    let complete = std::mem::take(&mut b.complete);
    let mut paths: Vec<ChainPath> = complete.into_iter().map(|p| b.make_path(p)).collect();
    paths.sort_by(|x, y| {
        y.valid_at_now
            .cmp(&x.valid_at_now)
            .then(x.nodes.len().cmp(&y.nodes.len()))
            .then(hash_rank(y.weakest_hash.as_deref()).cmp(&hash_rank(x.weakest_hash.as_deref())))
    });
    report.trusted = paths.iter().any(|p| p.valid_at_now);

    let expired: HashSet<usize> = report.expired_supplied.iter().copied().collect();
    report.valid_path_avoiding_expired = paths.iter().any(|p| {
        p.valid_at_now
            && p.nodes
                .iter()
                .all(|n| !matches!(n, Node::Supplied(i) if expired.contains(i)))
    });

    // The path the order and root checks look at.
    let best_nodes: Vec<Node> = match paths.first() {
        Some(p) => p.nodes.clone(),
        None => b.best_partial.clone().unwrap_or_default(),
    };

    // Expired certificates on paths.
    let mut on_paths: Vec<usize> = Vec::new();
    let path_sets: Vec<&[Node]> = if paths.is_empty() {
        vec![best_nodes.as_slice()]
    } else {
        paths.iter().map(|p| p.nodes.as_slice()).collect()
    };
    for nodes in path_sets {
        for n in nodes {
            if let Node::Supplied(i) = n {
                if expired.contains(i) && !on_paths.contains(i) {
                    on_paths.push(*i);
                }
            }
        }
    }
    on_paths.sort_unstable();
    report.expired_on_paths = on_paths;

    if paths.is_empty() {
        if let Some(Node::Supplied(top)) = best_nodes.last().copied() {
            if b.self_signed(top) {
                report.untrusted_root = Some(top);
            } else if let Some(c) = input.supplied.get(top) {
                report.missing_issuer = Some(MissingIssuer {
                    child: Node::Supplied(top),
                    issuer_name: c.issuer_display(),
                    aki_hex: c.info.aki.as_deref().map(hex),
                    ca_issuers_urls: c.info.ca_issuers.clone(),
                });
            }
        }
    } else {
        let supplied_on_best: Vec<usize> = best_nodes
            .iter()
            .filter_map(|n| match n {
                Node::Supplied(i) => Some(*i),
                Node::Anchor(_) => None,
            })
            .collect();
        for i in supplied_on_best {
            let self_issued = input.supplied.get(i).is_some_and(|c| c.info.self_issued);
            if self_issued && b.self_signed(i) {
                report.root_included = Some(i);
                break;
            }
        }
    }

    // Order.
    let mut prev: Option<usize> = None;
    for n in &best_nodes {
        if let Node::Supplied(i) = *n {
            if let Some(p) = prev {
                if i != p + 1 {
                    report.out_of_order.push(i);
                }
            }
            prev = Some(i);
        }
    }
    report.order_ok = report.out_of_order.is_empty();

    // Look-alikes: unused certificates carrying the name (or key id) of an issuer on a path,
    // whose key does not verify the certificate that names it.
    let used: Vec<usize> = (0..n)
        .filter(|&i| b.visited.get(i).copied().unwrap_or(false))
        .collect();
    let mut lookalikes = Vec::new();
    for y in 0..n {
        if !b.usable.get(y).copied().unwrap_or(false) || b.visited.get(y).copied().unwrap_or(false)
        {
            continue;
        }
        let Some(yc) = input.supplied.get(y) else {
            continue;
        };
        let mut lookalike = false;
        for &x in &used {
            let Some(xc) = input.supplied.get(x) else {
                continue;
            };
            if xc.same_key_and_subject(yc) {
                continue;
            }
            let names_it = xc.info.issuer_key == yc.info.subject_key
                || (yc.info.ski.is_some() && xc.info.aki == yc.info.ski);
            // Both key identifiers present and different: not the issuer, as OpenSSL decides
            // it (AKID/SKID mismatch), without spending a signature check.
            let ids_differ = matches!(
                (xc.info.aki.as_deref(), yc.info.ski.as_deref()),
                (Some(a), Some(s)) if a != s
            );
            if names_it && (ids_differ || b.verifies(x, Node::Supplied(y)) == Some(false)) {
                lookalike = true;
                break;
            }
        }
        if lookalike {
            lookalikes.push(y);
        }
    }

    // Unrelated: unused, not a look-alike, and not the issuer of anything supplied.
    let mut unrelated = Vec::new();
    for y in 0..n {
        if y == input.leaf
            || !b.usable.get(y).copied().unwrap_or(false)
            || b.visited.get(y).copied().unwrap_or(false)
            || lookalikes.contains(&y)
        {
            continue;
        }
        let Some(yc) = input.supplied.get(y) else {
            continue;
        };
        let issues_something = input.supplied.iter().enumerate().any(|(x, xc)| {
            x != y
                && !xc.same_key_and_subject(yc)
                && (xc.info.issuer_key == yc.info.subject_key
                    || (yc.info.ski.is_some() && xc.info.aki == yc.info.ski))
        });
        if !issues_something {
            unrelated.push(y);
        }
    }
    let mut wrong: Vec<usize> = lookalikes.iter().chain(unrelated.iter()).copied().collect();
    wrong.sort_unstable();
    wrong.dedup();
    report.lookalike_intermediates = lookalikes;
    report.unrelated_certs = unrelated;
    report.wrong_intermediates = wrong;

    report.paths = paths;
    report.signature_checks = b.checks;
    report.budget_exhausted = b.budget_exhausted;
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    const SECTIGO: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/chain-extra/sectigo"
    );
    /// 2026-06-01T00:00:00Z
    const JUNE_2026: i64 = 1_780_272_000;
    /// 2026-01-01T00:00:00Z (inside every test PKI validity period)
    const JAN_2026: i64 = 1_767_225_600;
    /// 2019-01-01T00:00:00Z (AddTrust still valid)
    const JAN_2019: i64 = 1_546_300_800;

    /// Every CERTIFICATE block of a PEM file, in file order, exact DER.
    fn pem_certs(path: &str) -> Vec<ChainCert> {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut out = Vec::new();
        let mut rest = text.as_str();
        let begin = "-----BEGIN CERTIFICATE-----";
        let end = "-----END CERTIFICATE-----";
        while let Some(start) = rest.find(begin) {
            let after = &rest[start..];
            let stop = after.find(end).unwrap() + end.len();
            let (_, der) = der::pem::decode_vec(&after.as_bytes()[..stop]).unwrap();
            out.push(ChainCert::from_der(&der).unwrap());
            rest = &after[stop..];
        }
        out
    }

    fn fixture(rel: &str) -> Vec<ChainCert> {
        pem_certs(&format!("{FIXTURES}/{rel}"))
    }

    fn one(rel: &str) -> ChainCert {
        fixture(rel).remove(0)
    }

    fn sectigo(name: &str) -> ChainCert {
        pem_certs(&format!("{SECTIGO}/{name}.pem")).remove(0)
    }

    fn run(supplied: &[ChainCert], leaf: usize, anchors: &[ChainCert], now: i64) -> ChainReport {
        run_with(supplied, leaf, anchors, now, &Limits::default())
    }

    fn run_with(
        supplied: &[ChainCert],
        leaf: usize,
        anchors: &[ChainCert],
        now: i64,
        limits: &Limits,
    ) -> ChainReport {
        let anchors = Anchors::new(None, anchors);
        build(&ChainInput {
            supplied,
            leaf,
            anchors: &anchors,
            now,
            limits,
        })
    }

    fn anchor_named(anchors: &[ChainCert], cn: &str) -> usize {
        anchors
            .iter()
            .position(|a| a.subject_display().ends_with(&format!("CN = {cn}")))
            .unwrap_or_else(|| panic!("no anchor {cn}"))
    }

    #[test]
    fn mozilla_store_parses_and_holds_usertrust_not_addtrust() {
        let anchors = mozilla_anchors();
        assert!(anchors.len() > 100, "{} anchors", anchors.len());
        anchor_named(anchors, "USERTrust RSA Certification Authority");
        assert!(!anchors
            .iter()
            .any(|a| a.subject_display().contains("AddTrust External CA Root")));
    }

    #[test]
    fn sectigo_dv_alone_is_trusted_through_mozilla_usertrust() {
        let anchors = mozilla_anchors();
        let usertrust = anchor_named(anchors, "USERTrust RSA Certification Authority");
        let supplied = [sectigo(
            "int_Sectigo_RSA_Domain_Validation_Secure_Server_CA",
        )];
        let r = run(&supplied, 0, anchors, JUNE_2026);
        assert!(r.trusted);
        assert_eq!(r.paths.len(), 1);
        assert_eq!(
            r.paths[0].nodes,
            vec![Node::Supplied(0), Node::Anchor(usertrust)]
        );
        assert_eq!(r.paths[0].weakest_hash.as_deref(), Some("sha384"));
        assert!(r.missing_issuer.is_none());
        assert!(r.order_ok);
        assert!(r.wrong_intermediates.is_empty());
        assert!(r.expired_supplied.is_empty());
        assert!(r.root_included.is_none());
        assert!(!r.budget_exhausted);
        assert!(r.signature_checks >= 1);
    }

    #[test]
    fn sectigo_addtrust_cross_is_expired_but_a_valid_path_avoids_it() {
        let anchors = mozilla_anchors();
        let usertrust = anchor_named(anchors, "USERTrust RSA Certification Authority");
        let supplied = [
            sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA"),
            sectigo("cross_USERTrust_RSA_by_AddTrust_External_CA_Root_EXPIRED-2020"),
        ];
        let r = run(&supplied, 0, anchors, JUNE_2026);
        assert!(r.trusted);
        assert_eq!(r.expired_supplied, vec![1]);
        // The cross-certificate carries the USERTrust RSA key, so it ends a path of its own.
        assert_eq!(r.paths.len(), 2);
        assert_eq!(
            r.paths[0].nodes,
            vec![Node::Supplied(0), Node::Anchor(usertrust)]
        );
        assert!(r.paths[0].valid_at_now);
        assert_eq!(r.paths[1].nodes, vec![Node::Supplied(0), Node::Supplied(1)]);
        assert!(!r.paths[1].valid_at_now);
        assert_eq!(r.paths[1].expired, vec![Node::Supplied(1)]);
        assert_eq!(r.expired_on_paths, vec![1]);
        assert!(r.valid_path_avoiding_expired);
        assert!(r.wrong_intermediates.is_empty());
        assert!(r.order_ok);
    }

    #[test]
    fn sectigo_addtrust_only_path_is_broken_after_2020() {
        // Only the AddTrust root is trusted (an old client): the one path runs through the
        // expired cross-certificate and the expired root.
        let anchors = [sectigo("root_AddTrust_External_CA_Root_EXPIRED-2020")];
        let supplied = [
            sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA"),
            sectigo("cross_USERTrust_RSA_by_AddTrust_External_CA_Root_EXPIRED-2020"),
        ];
        let r = run(&supplied, 0, &anchors, JUNE_2026);
        assert!(!r.trusted);
        assert_eq!(r.paths.len(), 1);
        assert_eq!(
            r.paths[0].nodes,
            vec![Node::Supplied(0), Node::Supplied(1), Node::Anchor(0)]
        );
        assert_eq!(r.paths[0].expired, vec![Node::Supplied(1), Node::Anchor(0)]);
        assert_eq!(r.expired_on_paths, vec![1]);
        assert!(!r.valid_path_avoiding_expired);
        assert!(r.missing_issuer.is_none());

        let before = run(&supplied, 0, &anchors, JAN_2019);
        assert!(before.trusted);
        assert!(before.expired_supplied.is_empty());
    }

    #[test]
    fn sectigo_aaa_cross_completes_at_the_anchor_key() {
        let anchors = mozilla_anchors();
        let supplied = [
            sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA"),
            sectigo("cross_USERTrust_RSA_by_AAA_Certificate_Services"),
        ];
        let r = run(&supplied, 0, anchors, JUNE_2026);
        assert!(r.trusted);
        assert_eq!(r.paths.len(), 2);
        assert!(r.paths.iter().all(|p| p.valid_at_now && p.nodes.len() == 2));
        assert!(r
            .paths
            .iter()
            .any(|p| p.nodes == vec![Node::Supplied(0), Node::Supplied(1)]));
        assert!(r.wrong_intermediates.is_empty());
        assert!(r.root_included.is_none());
    }

    #[test]
    fn sectigo_without_anchors_names_the_missing_usertrust_root() {
        let supplied = [sectigo(
            "int_Sectigo_RSA_Domain_Validation_Secure_Server_CA",
        )];
        let r = run(&supplied, 0, &[], JUNE_2026);
        assert!(!r.trusted);
        assert!(r.paths.is_empty());
        let m = r.missing_issuer.expect("missing issuer");
        assert_eq!(m.child, Node::Supplied(0));
        assert_eq!(
            m.issuer_name,
            "C = US, ST = New Jersey, L = Jersey City, O = The USERTRUST Network, \
             CN = USERTrust RSA Certification Authority"
        );
        assert_eq!(
            m.aki_hex.as_deref(),
            Some("5379BF5AAA2B4ACF5480E1D89BC09DF2B20366CB")
        );
        assert_eq!(
            m.ca_issuers_urls,
            vec!["http://crt.usertrust.com/USERTrustRSAAddTrustCA.crt".to_string()]
        );
        assert!(r.untrusted_root.is_none());
    }

    #[test]
    fn sectigo_ov_intermediate_with_dv_is_unrelated() {
        let supplied = [
            sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA"),
            sectigo("int_Sectigo_RSA_Organization_Validation_Secure_Server_CA"),
        ];
        let r = run(&supplied, 0, mozilla_anchors(), JUNE_2026);
        assert!(r.trusted);
        assert_eq!(r.unrelated_certs, vec![1]);
        assert!(r.lookalike_intermediates.is_empty());
        assert_eq!(r.wrong_intermediates, vec![1]);
        assert!(r.order_ok);
    }

    #[test]
    fn sectigo_supplied_root_counts_as_the_anchor() {
        let supplied = [
            sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA"),
            sectigo("root_USERTrust_RSA_Certification_Authority"),
        ];
        let r = run(&supplied, 0, mozilla_anchors(), JUNE_2026);
        assert!(r.trusted);
        // The anchor copy identical to the supplied root is not offered a second time.
        assert_eq!(r.paths.len(), 1);
        assert_eq!(r.paths[0].nodes, vec![Node::Supplied(0), Node::Supplied(1)]);
        assert_eq!(r.root_included, Some(1));
        assert!(r.order_ok);
    }

    fn test_root() -> Vec<ChainCert> {
        vec![one("pki/root-ca.pem")]
    }

    #[test]
    fn pki_fullchain_is_trusted_and_in_order() {
        let supplied = fixture("chain/fullchain.pem");
        let r = run(&supplied, 0, &test_root(), JAN_2026);
        assert!(r.trusted);
        assert_eq!(
            r.paths[0].nodes,
            vec![Node::Supplied(0), Node::Supplied(1), Node::Anchor(0)]
        );
        assert!(r.order_ok);
        assert!(r.out_of_order.is_empty());
        assert!(r.wrong_intermediates.is_empty());
        assert!(r.root_included.is_none());
        assert_eq!(r.signature_checks, 2);
    }

    #[test]
    fn pki_untrusted_root_and_missing_anchor() {
        // Test root included but not trusted.
        let supplied = fixture("chain/fullchain-with-root.pem");
        let r = run(&supplied, 0, &[], JAN_2026);
        assert!(!r.trusted);
        assert!(r.paths.is_empty());
        assert_eq!(r.untrusted_root, Some(2));
        assert!(r.missing_issuer.is_none());
        assert!(r.order_ok);
        // Trusted when it is an anchor: the root was included needlessly.
        let r = run(&supplied, 0, &test_root(), JAN_2026);
        assert!(r.trusted);
        assert_eq!(r.root_included, Some(2));
        assert!(r.untrusted_root.is_none());
        assert_eq!(r.paths.len(), 1);
    }

    #[test]
    fn pki_lookalike_intermediate_is_flagged_and_issuer_missing() {
        let supplied = fixture("chain/leaf-lookalike-intermediate.pem");
        let r = run(&supplied, 0, &test_root(), JAN_2026);
        assert!(!r.trusted);
        assert_eq!(r.lookalike_intermediates, vec![1]);
        assert!(r.unrelated_certs.is_empty());
        assert_eq!(r.wrong_intermediates, vec![1]);
        // Its key identifier differs from the leaf's AKI: ruled out without a signature check.
        assert_ne!(supplied[1].subject_key_id(), supplied[0].authority_key_id());
        assert_eq!(r.signature_checks, 0);
        let m = r.missing_issuer.expect("missing issuer");
        assert_eq!(m.child, Node::Supplied(0));
        assert!(m
            .issuer_name
            .ends_with("CN = certdoctor Test Issuing CA RSA"));
        let real = one("pki/issuing-ca-rsa.pem");
        assert_eq!(m.aki_hex, real.subject_key_id().map(hex));
        assert_eq!(
            m.ca_issuers_urls,
            vec!["http://pki.example.test/issuing.crt".to_string()]
        );
    }

    #[test]
    fn pki_reversed_chain_is_out_of_order() {
        let supplied = fixture("chain/reversed.pem");
        let r = run(&supplied, 1, &test_root(), JAN_2026);
        assert!(r.trusted);
        assert!(!r.order_ok);
        assert_eq!(r.out_of_order, vec![0]);
        // A certificate between leaf and issuer also breaks the order.
        let mut mixed = fixture("chain/fullchain.pem");
        mixed.insert(1, one("pki/issuing-ca-ov.pem"));
        let r = run(&mixed, 0, &test_root(), JAN_2026);
        assert!(r.trusted);
        assert!(!r.order_ok);
        assert_eq!(r.out_of_order, vec![2]);
        assert_eq!(r.unrelated_certs, vec![1]);
    }

    #[test]
    fn pki_leaf_only_names_the_issuing_ca() {
        let supplied = fixture("chain/leaf-only.pem");
        let r = run(&supplied, 0, &test_root(), JAN_2026);
        assert!(!r.trusted);
        let m = r.missing_issuer.expect("missing issuer");
        assert_eq!(
            m.issuer_name,
            "C = US, O = certdoctor Test, CN = certdoctor Test Issuing CA RSA"
        );
    }

    #[test]
    fn pki_other_root_chain() {
        let supplied = fixture("chain/other-root-fullchain.pem");
        let r = run(&supplied, 0, &test_root(), JAN_2026);
        assert!(!r.trusted);
        let m = r.missing_issuer.expect("missing issuer");
        assert_eq!(m.child, Node::Supplied(1));
        assert!(m.issuer_name.ends_with("CN = certdoctor Other Root"));
        let r = run(&supplied, 0, &[one("pki/other-root-ca.pem")], JAN_2026);
        assert!(r.trusted);
    }

    #[test]
    fn pki_expired_intermediate() {
        let supplied = fixture("chain/expired-intermediate-fullchain.pem");
        let r = run(&supplied, 0, &test_root(), JAN_2026);
        assert!(!r.trusted);
        assert_eq!(r.paths.len(), 1);
        assert_eq!(r.paths[0].expired, vec![Node::Supplied(1)]);
        assert_eq!(r.expired_supplied, vec![1]);
        assert_eq!(r.expired_on_paths, vec![1]);
        assert!(!r.valid_path_avoiding_expired);
    }

    #[test]
    fn pki_rsa_pss_and_ecdsa_chains_verify() {
        let int = one("pki/issuing-ca-rsa.pem");
        let supplied = [one("pki/leaf-rsa-pss.pem"), int];
        let r = run(&supplied, 0, &test_root(), JAN_2026);
        assert!(r.trusted, "{r:?}");
        assert_eq!(r.paths[0].weakest_hash.as_deref(), Some("sha256"));

        let supplied = fixture("chain/ec-fullchain.pem");
        let r = run(&supplied, 0, &[one("pki/ec-root-ca.pem")], JAN_2026);
        assert!(r.trusted, "{r:?}");
        assert_eq!(r.paths[0].nodes.len(), 3);

        // P-384 root over P-256 intermediate over P-256 / P-384 leaves (chain-extra).
        for leaf in [
            "chain-extra/p256-leaf.pem",
            "chain-extra/p256-sha1-leaf.pem",
        ] {
            let supplied = [one(leaf), one("chain-extra/p256-ca.pem")];
            let r = run(&supplied, 0, &[one("chain-extra/p384-ca.pem")], JAN_2026);
            assert!(r.trusted, "{leaf}");
        }
        let sha1 = run(
            &[
                one("chain-extra/p256-sha1-leaf.pem"),
                one("chain-extra/p256-ca.pem"),
            ],
            0,
            &[one("chain-extra/p384-ca.pem")],
            JAN_2026,
        );
        assert_eq!(sha1.paths[0].weakest_hash.as_deref(), Some("sha1"));
        let r = run(
            &[one("chain-extra/pss384-leaf.pem")],
            0,
            &[one("chain-extra/pss-ca.pem")],
            JAN_2026,
        );
        assert!(r.trusted);
    }

    #[test]
    fn pki_tampered_signature_does_not_chain() {
        let good = one("pki/leaf-rsa.pem");
        let mut der = good.der.clone();
        if let Some(last) = der.last_mut() {
            *last ^= 0x01;
        }
        let tampered = ChainCert::from_der(&der).unwrap();
        let supplied = [tampered, one("pki/issuing-ca-rsa.pem")];
        let r = run(&supplied, 0, &test_root(), JAN_2026);
        assert!(!r.trusted);
        assert!(r.paths.is_empty());
        // The real issuer no longer verifies the altered certificate.
        assert_eq!(r.lookalike_intermediates, vec![1]);
        assert!(r.missing_issuer.is_some());
    }

    #[test]
    fn pki_duplicates_are_reported_once() {
        let mut supplied = fixture("chain/fullchain.pem");
        supplied.push(one("pki/issuing-ca-rsa.pem"));
        let r = run(&supplied, 0, &test_root(), JAN_2026);
        assert!(r.trusted);
        assert_eq!(r.paths.len(), 1);
        assert_eq!(r.duplicate_certs, vec![2]);
        assert!(r.wrong_intermediates.is_empty());
    }

    #[test]
    fn leaf_that_is_itself_an_anchor() {
        let root = test_root();
        let r = run(&root, 0, &root, JAN_2026);
        assert!(r.trusted);
        assert_eq!(r.paths[0].nodes, vec![Node::Supplied(0)]);
        assert_eq!(r.paths[0].weakest_hash, None);
    }

    #[test]
    fn self_signed_leaf_is_an_untrusted_root() {
        let supplied = [one("pki/leaf-selfsigned.pem")];
        let r = run(&supplied, 0, &test_root(), JAN_2026);
        assert!(!r.trusted);
        assert_eq!(r.untrusted_root, Some(0));
        assert!(r.missing_issuer.is_none());
    }

    #[test]
    fn bad_leaf_index_gives_an_empty_report() {
        let supplied = fixture("chain/fullchain.pem");
        let r = run(&supplied, 7, &test_root(), JAN_2026);
        assert!(!r.trusted);
        assert!(r.paths.is_empty());
        assert_eq!(r.signature_checks, 0);
        let r = run(&[], 0, &test_root(), JAN_2026);
        assert!(r.paths.is_empty());
    }

    #[test]
    fn depth_and_path_limits_are_respected() {
        let supplied = fixture("chain/fullchain.pem");
        let limits = Limits {
            max_chain_depth: 2,
            ..Limits::default()
        };
        let r = run_with(&supplied, 0, &test_root(), JAN_2026, &limits);
        assert!(!r.trusted);
        assert!(r.budget_exhausted);
        assert!(r.paths.iter().all(|p| p.nodes.len() <= 2));

        // Two paths exist (via the cross-certificate and via the anchor); keep one.
        let supplied = [
            sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA"),
            sectigo("cross_USERTrust_RSA_by_AAA_Certificate_Services"),
        ];
        let limits = Limits {
            max_paths: 1,
            ..Limits::default()
        };
        let r = run_with(&supplied, 0, mozilla_anchors(), JUNE_2026, &limits);
        assert_eq!(r.paths.len(), 1);
        assert!(r.budget_exhausted);
    }

    /// A look-alike set from chain-extra/: supplied = leaf, the `count` look-alikes, the real
    /// issuer (last); anchors = the root.
    fn lookalike_case(
        leaf: &str,
        lookalikes: &str,
        count: usize,
        issuer: &str,
        root: &str,
    ) -> (Vec<ChainCert>, Vec<ChainCert>) {
        let mut supplied = vec![one(&format!("chain-extra/{leaf}"))];
        let alikes = fixture(&format!("chain-extra/{lookalikes}"));
        assert_eq!(alikes.len(), count);
        supplied.extend(alikes);
        supplied.push(one(&format!("chain-extra/{issuer}")));
        (supplied, vec![one(&format!("chain-extra/{root}"))])
    }

    /// The outcome every look-alike case must have: trusted through the real issuer (supplied
    /// last, after `count` look-alikes) to the root, and every look-alike named.
    fn assert_trusted_past_lookalikes(r: &ChainReport, count: usize) {
        assert!(r.trusted);
        assert_eq!(
            r.paths[0].nodes,
            vec![
                Node::Supplied(0),
                Node::Supplied(count + 1),
                Node::Anchor(0)
            ]
        );
        assert_eq!(r.lookalike_intermediates, (1..=count).collect::<Vec<_>>());
    }

    fn lookalike_set() -> (Vec<ChainCert>, Vec<ChainCert>) {
        lookalike_case(
            "la-leaf.pem",
            "lookalikes-50.pem",
            50,
            "la-int.pem",
            "la-root.pem",
        )
    }

    /// RSA has no signer-key recovery: 50 RSA look-alikes without key identifiers cost one
    /// verification each, within the default budget, and are all named.
    #[test]
    fn fifty_rsa_lookalikes_are_verified_one_by_one() {
        let (supplied, anchors) = lookalike_case(
            "rsa-la-leaf.pem",
            "rsa-lookalikes-50.pem",
            50,
            "rsa-la-int.pem",
            "rsa-la-root.pem",
        );
        let r = run(&supplied, 0, &anchors, JAN_2026);
        assert_trusted_past_lookalikes(&r, 50);
        assert_eq!(r.signature_checks, 52);
        assert!(!r.budget_exhausted);
    }

    /// Look-alikes on P-256 are tried first and trigger a signer-key recovery on P-256; the
    /// real issuer is on P-384 and must get a recovery of its own, not be ruled out.
    #[test]
    fn signer_recovery_is_per_curve() {
        let (supplied, anchors) = lookalike_case(
            "mixed-leaf.pem",
            "mixed-lookalikes-p256.pem",
            2,
            "mixed-int-p384.pem",
            "mixed-root.pem",
        );
        let r = run(&supplied, 0, &anchors, JAN_2026);
        assert_trusted_past_lookalikes(&r, 2);
        // Two recoveries (P-256, P-384) at 2 each, the issuer and the root link verified.
        assert_eq!(r.signature_checks, 6);
    }

    #[test]
    fn fifty_lookalikes_within_budget() {
        let (supplied, anchors) = lookalike_set();
        let limits = Limits::default();
        let r = run_with(&supplied, 0, &anchors, JAN_2026, &limits);
        assert_trusted_past_lookalikes(&r, 50);
        assert!(r.unrelated_certs.is_empty());
        assert!(!r.order_ok);
        assert_eq!(r.out_of_order, vec![51]);
        // One signer-key recovery (charged as 2) rules out the 50 look-alikes; then one
        // verification for the real issuer and one for the root: 4, not 52.
        assert_eq!(r.signature_checks, 4);
        assert!(!r.budget_exhausted);

        // A small signature budget: the real issuer (last) is never reached, whether the
        // budget allows the recovery (2) or not (1).
        for max in [1, 2] {
            let small = Limits {
                max_signature_checks: max,
                ..Limits::default()
            };
            let r = run_with(&supplied, 0, &anchors, JAN_2026, &small);
            assert!(r.budget_exhausted);
            assert!(r.signature_checks <= max);
            assert!(!r.trusted);
            assert_eq!(
                r.missing_issuer.as_ref().map(|m| m.child),
                Some(Node::Supplied(0))
            );
        }

        // A small candidate limit: later certificates are not considered at all.
        let few = Limits {
            max_chain_candidates: 10,
            ..Limits::default()
        };
        let r = run_with(&supplied, 0, &anchors, JAN_2026, &few);
        assert!(r.budget_exhausted);
        assert!(!r.trusted);
        assert!(r.signature_checks <= 10);
    }

    #[test]
    fn layered_anchors_answer_like_one_flat_list() {
        let root = test_root();
        let flat_certs: Vec<&ChainCert> = mozilla_anchors().iter().chain(root.iter()).collect();
        // An extra anchor repeating a Mozilla root must not be offered twice.
        let usertrust = sectigo("root_USERTrust_RSA_Certification_Authority");
        let layered = Anchors::mozilla_and(root.iter().chain(std::iter::once(&usertrust)));
        let flat = Anchors::new(None, flat_certs);
        assert_eq!(layered.len(), flat.len() + 1);
        let cases = [
            (fixture("chain/fullchain.pem"), JAN_2026),
            (
                vec![
                    sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA"),
                    sectigo("cross_USERTrust_RSA_by_AAA_Certificate_Services"),
                ],
                JUNE_2026,
            ),
        ];
        for (supplied, now) in cases {
            let limits = Limits::default();
            let run = |anchors: &Anchors| {
                let r = build(&ChainInput {
                    supplied: &supplied,
                    leaf: 0,
                    anchors,
                    now,
                    limits: &limits,
                });
                let names: Vec<Vec<String>> = r
                    .paths
                    .iter()
                    .map(|p| {
                        p.nodes
                            .iter()
                            .map(|n| match n {
                                Node::Supplied(i) => supplied[*i].subject_display(),
                                Node::Anchor(j) => anchors
                                    .get(*j)
                                    .map(|a| a.subject_display())
                                    .unwrap_or_default(),
                            })
                            .collect()
                    })
                    .collect();
                (r.trusted, names, r.signature_checks)
            };
            let (a, b) = (run(&layered), run(&flat));
            assert!(a.0, "trusted");
            assert_eq!(a, b);
        }
    }

    #[test]
    fn report_serializes() {
        let supplied = fixture("chain/fullchain.pem");
        let r = run(&supplied, 0, &test_root(), JAN_2026);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["trusted"], serde_json::Value::Bool(true));
        assert_eq!(json["paths"][0]["nodes"][0]["Supplied"], 0);
    }

    #[test]
    fn name_key_ignores_case_and_spacing() {
        use std::str::FromStr;
        let a = Name::from_str("CN=Example  CA,O=Test Org").unwrap();
        let b = Name::from_str("CN=example ca,O=TEST ORG").unwrap();
        let c = Name::from_str("CN=Example CA 2,O=Test Org").unwrap();
        assert_eq!(name_key(&a), name_key(&b));
        assert_ne!(name_key(&a), name_key(&c));
        assert_eq!(name_display(&a), "O = Test Org, CN = Example  CA");
    }
}
