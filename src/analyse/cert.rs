//! Facts about one certificate (or certificate request): names, validity, extensions, keys,
//! fingerprints, and extensions a system may reject.

use const_oid::db::{rfc5280, rfc5912, DB};
use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CrlDistributionPoints,
    ExtendedKeyUsage, KeyUsage, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::Certificate;

use crate::analyse::signature;

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0x0f) as usize] as char);
    }
    s
}

/// Formats a distinguished name in the order it is encoded, as OpenSSL shows it
/// (`C=US, O=Example, CN=www.example.com`).
pub fn display_name(name: &Name) -> String {
    // Short names from a small table (the OID database is searched linearly: too slow for
    // every certificate of a fleet scan).
    name.iter()
        .map(|atv| {
            let key = crate::analyse::chain::attribute_short_name(&atv.oid)
                .map(str::to_string)
                .unwrap_or_else(|| atv.oid.to_string());
            let value = crate::analyse::chain::text_value(&atv.value)
                .unwrap_or_else(|| format!("#{}", hex(atv.value.value())));
            format!("{key}={value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first common name of a distinguished name, if any.
pub fn common_name(name: &Name) -> Option<String> {
    name.common_name().ok().flatten().map(String::from)
}

/// Public key facts from a SubjectPublicKeyInfo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicKeyFacts {
    /// `rsa`, `ec`, `ed25519`, `ed448`, `dsa`, or the OID.
    pub algorithm: String,
    /// Key size in bits (RSA modulus, EC field size).
    pub bits: Option<u32>,
    /// Named curve for EC keys (`P-256`, `P-384`, `P-521`, or the OID).
    pub curve: Option<String>,
    /// SHA-256 of the DER SubjectPublicKeyInfo.
    pub spki_sha256: String,
}

/// Reads algorithm, size and curve from a SubjectPublicKeyInfo.
pub fn public_key_facts(spki: &SubjectPublicKeyInfoOwned) -> PublicKeyFacts {
    let spki_der = spki.to_der().unwrap_or_default();
    public_key_facts_hashed(spki, &Sha256::digest(&spki_der).into())
}

/// [`public_key_facts`] with the SPKI's SHA-256 already computed.
fn public_key_facts_hashed(
    spki: &SubjectPublicKeyInfoOwned,
    spki_sha256: &[u8; 32],
) -> PublicKeyFacts {
    let spki_sha256 = hex(spki_sha256);
    let oid = spki.algorithm.oid;
    let (algorithm, bits, curve) = if oid == rfc5912::RSA_ENCRYPTION {
        let bits = pkcs1::RsaPublicKeyRef::from_der(spki.subject_public_key.raw_bytes())
            .ok()
            .map(|k| {
                let m = k.modulus.as_bytes();
                let lead = m.iter().take_while(|b| **b == 0).count();
                let rest = &m[lead..];
                rest.first()
                    .map(|f| (rest.len() as u32 - 1) * 8 + (8 - f.leading_zeros()))
                    .unwrap_or(0)
            });
        ("rsa".to_string(), bits, None)
    } else if oid == rfc5912::ID_EC_PUBLIC_KEY {
        let curve_oid = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        let (name, bits) = match curve_oid {
            Some(c) if c == rfc5912::SECP_256_R_1 => ("P-256".to_string(), Some(256)),
            Some(c) if c == rfc5912::SECP_384_R_1 => ("P-384".to_string(), Some(384)),
            Some(c) if c == rfc5912::SECP_521_R_1 => ("P-521".to_string(), Some(521)),
            Some(c) => (
                DB.by_oid(&c).map(str::to_string).unwrap_or(c.to_string()),
                None,
            ),
            None => ("unknown".to_string(), None),
        };
        ("ec".to_string(), bits, Some(name))
    } else if oid.to_string() == "1.3.101.112" {
        ("ed25519".to_string(), Some(256), None)
    } else if oid.to_string() == "1.3.101.113" {
        ("ed448".to_string(), Some(456), None)
    } else if oid == rfc5912::ID_DSA {
        ("dsa".to_string(), None, None)
    } else {
        (oid.to_string(), None, None)
    };
    PublicKeyFacts {
        algorithm,
        bits,
        curve,
        spki_sha256,
    }
}

/// Everything certdoctor derives from one certificate.
#[derive(Debug, Clone, Serialize)]
pub struct CertFacts {
    /// Subject, OpenSSL order.
    pub subject: String,
    /// Subject common name.
    pub subject_cn: Option<String>,
    /// Issuer, OpenSSL order.
    pub issuer: String,
    /// Issuer common name.
    pub issuer_cn: Option<String>,
    /// Serial number, lower-case hex.
    pub serial: String,
    /// X.509 version (1, 2 or 3).
    pub version: u8,
    /// Start of validity, unix seconds.
    pub not_before: i64,
    /// End of validity, unix seconds.
    pub not_after: i64,
    /// subjectAltName DNS names and IP addresses.
    pub sans: Vec<String>,
    /// Key usage bits by name (`digital_signature`, `key_encipherment`, `key_cert_sign`, ...).
    pub key_usage: Vec<String>,
    /// Extended key usages (`server_auth`, `client_auth`, `code_signing`, ..., or the OID).
    pub eku: Option<Vec<String>>,
    /// basicConstraints cA.
    pub is_ca: bool,
    /// Subject key identifier, hex.
    pub ski: Option<String>,
    /// Authority key identifier, hex.
    pub aki: Option<String>,
    /// AIA caIssuers URLs.
    pub ca_issuers: Vec<String>,
    /// AIA OCSP URLs.
    pub ocsp: Vec<String>,
    /// CRL distribution point URLs.
    pub crl: Vec<String>,
    /// Signature algorithm name.
    pub signature_algorithm: String,
    /// Hash used by the signature (`sha1`, `sha256`, ...).
    pub signature_hash: Option<String>,
    /// Public key facts.
    pub key: PublicKeyFacts,
    /// SHA-256 fingerprint of the DER certificate, hex.
    pub sha256: String,
    /// SHA-1 fingerprint (the Windows thumbprint), upper-case hex.
    pub thumbprint_sha1: String,
    /// Subject and issuer are the same name.
    pub self_issued: bool,
    /// Extensions a system may reject (unknown critical, duplicated, malformed).
    pub bad_extensions: Vec<String>,
}

/// OIDs of extensions every mainstream verifier understands; an unknown one marked critical
/// makes Windows and OpenSSL reject the certificate.
const KNOWN_EXTENSIONS: &[&str] = &[
    "2.5.29.14",               // subjectKeyIdentifier
    "2.5.29.15",               // keyUsage
    "2.5.29.17",               // subjectAltName
    "2.5.29.18",               // issuerAltName
    "2.5.29.19",               // basicConstraints
    "2.5.29.30",               // nameConstraints
    "2.5.29.31",               // cRLDistributionPoints
    "2.5.29.32",               // certificatePolicies
    "2.5.29.33",               // policyMappings
    "2.5.29.35",               // authorityKeyIdentifier
    "2.5.29.36",               // policyConstraints
    "2.5.29.37",               // extKeyUsage
    "2.5.29.46",               // freshestCRL
    "2.5.29.54",               // inhibitAnyPolicy
    "1.3.6.1.5.5.7.1.1",       // authorityInfoAccess
    "1.3.6.1.5.5.7.1.11",      // subjectInfoAccess
    "1.3.6.1.5.5.7.1.24",      // TLS feature (must-staple)
    "1.3.6.1.4.1.11129.2.4.2", // CT precertificate SCTs
    "1.3.6.1.4.1.11129.2.4.3", // CT poison
    "1.3.6.1.4.1.311.20.2",    // Microsoft certificate template name
    "1.3.6.1.4.1.311.21.7",    // Microsoft certificate template
    "1.3.6.1.4.1.311.21.10",   // Microsoft application policies
];

/// Checks a list of extensions for what systems reject: the same extension twice, an unknown
/// critical extension, or a known extension whose value does not decode.
pub fn extension_problems(exts: &[Extension]) -> Vec<String> {
    let mut out = structural_extension_problems(exts);
    let mut bad = Vec::new();
    for e in exts {
        match e.extn_id {
            rfc5280::ID_CE_KEY_USAGE => check::<KeyUsage>(e, &mut bad),
            rfc5280::ID_CE_SUBJECT_ALT_NAME => check::<SubjectAltName>(e, &mut bad),
            rfc5280::ID_CE_BASIC_CONSTRAINTS => check::<BasicConstraints>(e, &mut bad),
            rfc5280::ID_CE_EXT_KEY_USAGE => check::<ExtendedKeyUsage>(e, &mut bad),
            rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER => check::<AuthorityKeyIdentifier>(e, &mut bad),
            rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER => check::<SubjectKeyIdentifier>(e, &mut bad),
            rfc5280::ID_PE_AUTHORITY_INFO_ACCESS => check::<AuthorityInfoAccessSyntax>(e, &mut bad),
            rfc5280::ID_CE_CRL_DISTRIBUTION_POINTS => check::<CrlDistributionPoints>(e, &mut bad),
            _ => {}
        }
    }
    out.extend(bad.iter().map(malformed_text));
    out
}

/// Records `e`'s OID in `bad` when its value does not decode as `T`.
fn check<T: der::DecodeOwned>(e: &Extension, bad: &mut Vec<ObjectIdentifier>) {
    let _ = decode_ext::<T>(e, bad);
}

/// Decodes an extension value as `T`; on failure records the OID in `bad`.
fn decode_ext<T: der::DecodeOwned>(e: &Extension, bad: &mut Vec<ObjectIdentifier>) -> Option<T> {
    match T::from_der(e.extn_value.as_bytes()) {
        Ok(t) => Some(t),
        Err(_) => {
            bad.push(e.extn_id);
            None
        }
    }
}

fn malformed_text(oid: &ObjectIdentifier) -> String {
    format!("malformed extension {}", ext_name(&oid.to_string()))
}

/// The same extension twice, or an unknown critical extension (no value is decoded).
fn structural_extension_problems(exts: &[Extension]) -> Vec<String> {
    // OIDs are compared as OIDs; text is only built for a problem found.
    static KNOWN: std::sync::OnceLock<Vec<ObjectIdentifier>> = std::sync::OnceLock::new();
    let known = KNOWN.get_or_init(|| {
        KNOWN_EXTENSIONS
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect()
    });
    let mut out = Vec::new();
    // Duplicates, reported once per OID, in order of first appearance.
    for (i, e) in exts.iter().enumerate() {
        let earlier = exts.iter().take(i).any(|x| x.extn_id == e.extn_id);
        let n = exts.iter().filter(|x| x.extn_id == e.extn_id).count();
        if n > 1 && !earlier {
            out.push(format!(
                "duplicated extension {} ({n} times)",
                ext_name(&e.extn_id.to_string())
            ));
        }
    }
    for e in exts {
        let oid = &e.extn_id;
        if e.critical && !known.contains(oid) {
            out.push(format!("unknown critical extension {oid}"));
        }
    }
    out
}

fn ext_name(oid: &str) -> String {
    oid.parse::<ObjectIdentifier>()
        .ok()
        .and_then(|o| DB.by_oid(&o))
        .map(|n| format!("{n} ({oid})"))
        .unwrap_or_else(|| oid.to_string())
}

/// Short names for the extended key usages that matter here.
pub fn eku_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.3.6.1.5.5.7.3.1" => "server_auth".into(),
        "1.3.6.1.5.5.7.3.2" => "client_auth".into(),
        "1.3.6.1.5.5.7.3.3" => "code_signing".into(),
        "1.3.6.1.5.5.7.3.4" => "email_protection".into(),
        "1.3.6.1.5.5.7.3.8" => "time_stamping".into(),
        "1.3.6.1.5.5.7.3.9" => "ocsp_signing".into(),
        "2.5.29.37.0" => "any".into(),
        other => other.to_string(),
    }
}

/// The subjectAltName entries as text: DNS names as written, IP addresses dotted/colon form.
pub fn san_strings(san: &SubjectAltName) -> Vec<String> {
    san.0
        .iter()
        .filter_map(|g| match g {
            GeneralName::DnsName(d) => Some(d.to_string()),
            GeneralName::IpAddress(o) => ip_string(o.as_bytes()),
            _ => None,
        })
        .collect()
}

fn ip_string(b: &[u8]) -> Option<String> {
    match b.len() {
        4 => Some(std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string()),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            Some(std::net::Ipv6Addr::from(a).to_string())
        }
        _ => None,
    }
}

fn uri_of(g: &GeneralName) -> Option<String> {
    match g {
        GeneralName::UniformResourceIdentifier(u) => Some(u.to_string()),
        _ => None,
    }
}

/// Derives [`CertFacts`] from a decoded certificate and its DER bytes.
pub fn analyse_certificate(cert: &Certificate, der: &[u8]) -> CertFacts {
    let spki_der = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .unwrap_or_default();
    analyse_certificate_hashed(
        cert,
        der,
        &Sha256::digest(der).into(),
        &Sha256::digest(&spki_der).into(),
    )
}

/// [`analyse_certificate`] with the SHA-256 of the DER and of the SubjectPublicKeyInfo already
/// computed (chain building needs them too; ingest computes them once).
pub fn analyse_certificate_hashed(
    cert: &Certificate,
    der: &[u8],
    der_sha256: &[u8; 32],
    spki_sha256: &[u8; 32],
) -> CertFacts {
    let tbs = cert.tbs_certificate();
    let exts: &[Extension] = tbs.extensions().map(|e| e.as_slice()).unwrap_or(&[]);
    let mut bad_extensions = structural_extension_problems(exts);
    // Known extensions are decoded once; the first occurrence wins (duplicates are reported
    // above); one whose value does not decode is reported as malformed.
    let mut malformed = Vec::new();
    let find = |oid: ObjectIdentifier| exts.iter().find(|e| e.extn_id == oid);

    let sans = find(rfc5280::ID_CE_SUBJECT_ALT_NAME)
        .and_then(|e| decode_ext::<SubjectAltName>(e, &mut malformed))
        .map(|s| san_strings(&s))
        .unwrap_or_default();
    let eku = find(rfc5280::ID_CE_EXT_KEY_USAGE)
        .and_then(|e| decode_ext::<ExtendedKeyUsage>(e, &mut malformed))
        .map(|e| e.0.iter().map(eku_name).collect());
    let is_ca = find(rfc5280::ID_CE_BASIC_CONSTRAINTS)
        .and_then(|e| decode_ext::<BasicConstraints>(e, &mut malformed))
        .map(|b| b.ca)
        .unwrap_or(false);
    let key_usage = find(rfc5280::ID_CE_KEY_USAGE)
        .and_then(|e| decode_ext::<KeyUsage>(e, &mut malformed))
        .map(|k| {
            let mut v = Vec::new();
            let names = [
                (k.digital_signature(), "digital_signature"),
                (k.non_repudiation(), "non_repudiation"),
                (k.key_encipherment(), "key_encipherment"),
                (k.data_encipherment(), "data_encipherment"),
                (k.key_agreement(), "key_agreement"),
                (k.key_cert_sign(), "key_cert_sign"),
                (k.crl_sign(), "crl_sign"),
            ];
            for (on, n) in names {
                if on {
                    v.push(n.to_string());
                }
            }
            v
        })
        .unwrap_or_default();
    let ski = find(rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER)
        .and_then(|e| decode_ext::<SubjectKeyIdentifier>(e, &mut malformed))
        .map(|s| hex(s.0.as_bytes()));
    let aki = find(rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER)
        .and_then(|e| decode_ext::<AuthorityKeyIdentifier>(e, &mut malformed))
        .and_then(|a| a.key_identifier.map(|k| hex(k.as_bytes())));
    let mut ca_issuers = Vec::new();
    let mut ocsp = Vec::new();
    if let Some(aia) = find(rfc5280::ID_PE_AUTHORITY_INFO_ACCESS)
        .and_then(|e| decode_ext::<AuthorityInfoAccessSyntax>(e, &mut malformed))
    {
        for ad in &aia.0 {
            if let Some(u) = uri_of(&ad.access_location) {
                if ad.access_method == rfc5280::ID_AD_CA_ISSUERS {
                    ca_issuers.push(u);
                } else if ad.access_method == rfc5280::ID_AD_OCSP {
                    ocsp.push(u);
                }
            }
        }
    }
    let mut crl = Vec::new();
    if let Some(dps) = find(rfc5280::ID_CE_CRL_DISTRIBUTION_POINTS)
        .and_then(|e| decode_ext::<CrlDistributionPoints>(e, &mut malformed))
    {
        use x509_cert::ext::pkix::name::DistributionPointName;
        for dp in &dps.0 {
            if let Some(DistributionPointName::FullName(names)) = &dp.distribution_point {
                crl.extend(names.iter().filter_map(uri_of));
            }
        }
    }
    bad_extensions.extend(malformed.iter().map(malformed_text));
    let version = match tbs.version() {
        x509_cert::certificate::Version::V1 => 1,
        x509_cert::certificate::Version::V2 => 2,
        x509_cert::certificate::Version::V3 => 3,
    };
    if version < 3 && !exts.is_empty() {
        bad_extensions.push(format!(
            "extensions present in a version {version} certificate"
        ));
    }
    let validity = tbs.validity();
    let secs = |t: &x509_cert::time::Time| t.to_unix_duration().as_secs() as i64;
    let spki = tbs.subject_public_key_info();
    CertFacts {
        subject: display_name(tbs.subject()),
        subject_cn: common_name(tbs.subject()),
        issuer: display_name(tbs.issuer()),
        issuer_cn: common_name(tbs.issuer()),
        serial: hex(tbs.serial_number().as_bytes()),
        version,
        not_before: secs(&validity.not_before),
        not_after: secs(&validity.not_after),
        sans,
        key_usage,
        eku,
        is_ca,
        ski,
        aki,
        ca_issuers,
        ocsp,
        crl,
        signature_algorithm: signature::signature_algorithm_name(cert.signature_algorithm()),
        signature_hash: signature::signature_hash_name(cert.signature_algorithm())
            .map(str::to_string),
        key: public_key_facts_hashed(spki, spki_sha256),
        sha256: hex(der_sha256),
        thumbprint_sha1: hex(&Sha1::digest(der)).to_uppercase(),
        self_issued: tbs.subject() == tbs.issuer(),
        bad_extensions,
    }
}

impl CertFacts {
    /// A short label for messages: the common name, else the subject.
    pub fn label(&self) -> String {
        self.subject_cn
            .clone()
            .unwrap_or_else(|| self.subject.clone())
    }
    /// Valid at `now` (inclusive bounds, as RFC 5280 says).
    pub fn valid_at(&self, now: i64) -> bool {
        self.not_before <= now && now <= self.not_after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A known extension whose value does not decode is reported once, the same way by the
    /// certificate analysis (which decodes each extension once) and by `extension_problems`
    /// (used for CSRs).
    #[test]
    fn malformed_extension_value_is_reported_by_both_paths() {
        let pem = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/pki/leaf-rsa.pem"
        ))
        .unwrap();
        let mut der = crate::ingest::text::scan_pem(&pem, 4).blocks[0]
            .body
            .clone();
        let good = Certificate::from_der(&der).unwrap();
        let facts = analyse_certificate(&good, &der);
        assert!(facts.bad_extensions.is_empty());
        assert!(!facts.sans.is_empty());
        // subjectAltName: OID 2.5.29.17, [critical BOOLEAN], OCTET STRING holding a SEQUENCE.
        let at = der
            .windows(5)
            .position(|w| w == [0x06, 0x03, 0x55, 0x1d, 0x11])
            .unwrap();
        let mut i = at + 5;
        if der[i] == 0x01 {
            i += 3;
        }
        assert_eq!(der[i], 0x04, "OCTET STRING");
        let len_bytes = if der[i + 1] & 0x80 != 0 {
            1 + (der[i + 1] & 0x7f) as usize
        } else {
            1
        };
        let content = i + 1 + len_bytes;
        assert_eq!(der[content], 0x30, "SEQUENCE");
        der[content] = 0x31; // a SET where a SEQUENCE belongs: the certificate still parses
        let bad = Certificate::from_der(&der).unwrap();
        let facts = analyse_certificate(&bad, &der);
        assert_eq!(facts.bad_extensions.len(), 1, "{:?}", facts.bad_extensions);
        assert!(facts.bad_extensions[0].starts_with("malformed extension"));
        assert!(facts.bad_extensions[0].contains("2.5.29.17"));
        assert!(facts.sans.is_empty());
        let exts = bad.tbs_certificate().extensions().unwrap();
        assert_eq!(extension_problems(exts), facts.bad_extensions);
    }
}
