//! Private keys in every common encoding, reduced to the facts a diagnosis needs.
//!
//! Reads plain PKCS#8, encrypted PKCS#8 (PBES2, and the PKCS#12 PBE schemes through
//! [`crate::ingest::pbe`]), PKCS#1 RSA, SEC1 EC and OpenSSL's traditional encrypted PEM
//! (`Proc-Type: 4,ENCRYPTED` + `DEK-Info`). For every key it derives the public key as
//! SubjectPublicKeyInfo DER and its SHA-256 (the value compared with a certificate's key), checks
//! that the private key agrees with itself (RSA: primes, modulus and exponents; EC: the embedded
//! public point), and keeps a normalised plain PKCS#8 copy for later use.
//!
//! Secret material only lives in zeroizing buffers, and no error message or `Debug` output
//! contains key bytes or the password.

use crate::ingest::pbe;
use crate::limits::Limits;
use crate::secret::{Password, SecretBytes};
use cbc::cipher::{block_padding::Pkcs7, BlockCipherDecrypt, BlockModeDecrypt, KeyInit, KeyIvInit};
use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Encode, Reader, Tag};
use p256::pkcs8::EncodePublicKey;
use pkcs1::RsaPrivateKeyRef;
use sec1::EcPrivateKey;
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifier, AlgorithmIdentifierOwned, AlgorithmIdentifierRef};
use std::fmt;
use zeroize::{Zeroize, Zeroizing};

/// `rsaEncryption` (PKCS#1).
const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `id-RSASSA-PSS`: an RSA key restricted to PSS signatures.
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
/// `id-ecPublicKey`.
const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// NIST P-256 (`prime256v1`, `secp256r1`).
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// NIST P-384 (`secp384r1`).
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// NIST P-521 (`secp521r1`).
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
/// `secp256k1`.
const OID_SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
/// Ed25519.
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// Ed448.
const OID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
/// `id-dsa`.
const OID_DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
/// PBES2 (PKCS#5 v2).
const OID_PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");

/// Largest scrypt memory use (128·N·r bytes) attempted, whatever the iteration limit allows
/// (the same bound as [`crate::ingest::pbe`]).
const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;

/// Largest RSA modulus whose consistency is checked (bits). Larger keys are still read and their
/// public key derived; only the arithmetic check is skipped (`consistent: None`).
const MAX_RSA_CHECK_BITS: u32 = 16_384;

/// Which encoding the key came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyFormat {
    /// Plain PKCS#8 `PrivateKeyInfo` (PEM label `PRIVATE KEY`).
    Pkcs8,
    /// PKCS#8 `EncryptedPrivateKeyInfo` (PEM label `ENCRYPTED PRIVATE KEY`).
    EncryptedPkcs8,
    /// PKCS#1 `RSAPrivateKey` (PEM label `RSA PRIVATE KEY`).
    Pkcs1Rsa,
    /// SEC1 `ECPrivateKey` (PEM label `EC PRIVATE KEY`).
    Sec1Ec,
    /// OpenSSL's traditional PEM encryption (`Proc-Type: 4,ENCRYPTED` and `DEK-Info` headers)
    /// around a PKCS#1 or SEC1 key.
    TraditionalEncrypted,
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyFormat::Pkcs8 => "PKCS#8",
            KeyFormat::EncryptedPkcs8 => "encrypted PKCS#8",
            KeyFormat::Pkcs1Rsa => "PKCS#1 RSA",
            KeyFormat::Sec1Ec => "SEC1 EC",
            KeyFormat::TraditionalEncrypted => "traditional encrypted PEM",
        })
    }
}

/// The kind of key and its size or curve.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// RSA (also RSA-PSS restricted keys), with the modulus size in bits.
    Rsa {
        /// Modulus size in bits.
        bits: u32,
    },
    /// Elliptic curve key.
    Ec {
        /// `"P-256"`, `"P-384"`, `"P-521"`, `"secp256k1"`, or the curve OID in dotted form.
        curve: String,
    },
    /// Ed25519.
    Ed25519,
    /// Ed448.
    Ed448,
    /// DSA, with the size of the prime `p` in bits.
    Dsa {
        /// Size of `p` in bits.
        bits: u32,
    },
    /// Any other algorithm, by OID.
    Other {
        /// The algorithm OID in dotted form.
        oid: String,
    },
}

/// How the key was protected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum KeyEncryption {
    /// Not encrypted.
    None,
    /// PKCS#5 v2 PBES2.
    Pbes2 {
        /// Key derivation: PBKDF2's PRF (`hmac-sha1`, `hmac-sha256`, …), or `scrypt`. Same
        /// spelling as [`crate::ingest::pbe::describe`].
        prf: String,
        /// Cipher (`aes-256-cbc`, `aes-128-cbc`, `des-ede3-cbc`, `aes-256-gcm`, …).
        cipher: String,
        /// PBKDF2 iteration count; for scrypt the cost parameter N (the limit is checked against
        /// N·r·p).
        iterations: u32,
    },
    /// A PKCS#12 password-based encryption scheme (`openssl pkcs8 -v1 PBE-SHA1-3DES`).
    Pkcs12Pbe {
        /// The scheme's name.
        alg: String,
        /// Iteration count.
        iterations: u32,
    },
    /// A PKCS#5 v1.5 scheme (PBES1, `openssl pkcs8 -v1 PBE-MD5-DES`): recognised, not decrypted.
    Pbes1 {
        /// The scheme's name (`pbe-md5-des`, `pbe-sha1-des`, …).
        alg: String,
        /// Iteration count.
        iterations: u32,
    },
    /// OpenSSL's traditional PEM encryption (MD5-based key derivation, one iteration).
    Traditional {
        /// Cipher from the `DEK-Info` header, upper case (`AES-128-CBC`, `DES-EDE3-CBC`, …).
        cipher: String,
    },
    /// A scheme this tool does not know.
    Unknown {
        /// The scheme's OID in dotted form.
        oid: String,
    },
}

impl fmt::Display for KeyEncryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyEncryption::None => f.write_str("not encrypted"),
            KeyEncryption::Pbes2 {
                prf,
                cipher,
                iterations,
            } => write!(f, "PBES2 with {prf} and {cipher}, {iterations} iterations"),
            KeyEncryption::Pkcs12Pbe { alg, iterations } => {
                write!(f, "PKCS#12 PBE {alg}, {iterations} iterations")
            }
            KeyEncryption::Pbes1 { alg, iterations } => {
                write!(f, "PBES1 {alg}, {iterations} iterations")
            }
            KeyEncryption::Traditional { cipher } => {
                write!(f, "OpenSSL traditional PEM encryption with {cipher}")
            }
            KeyEncryption::Unknown { oid } => write!(f, "unknown encryption scheme {oid}"),
        }
    }
}

/// What we learned about one private key. No secret material is kept except `pkcs8_der`.
#[derive(Clone)]
pub struct KeyInfo {
    /// The encoding the key came in.
    pub format: KeyFormat,
    /// How it was protected.
    pub encryption: KeyEncryption,
    /// Kind and size of the key. `None` only when the key could not be opened.
    pub algorithm: Option<KeyAlgorithm>,
    /// The public key that belongs to the private key, as SubjectPublicKeyInfo DER. `None` when it
    /// cannot be derived (Ed25519/Ed448/DSA/other keys without an embedded public key, EC curves
    /// other than P-256/P-384 without an embedded point).
    pub spki_der: Option<Vec<u8>>,
    /// SHA-256 of `spki_der`: what `openssl pkey -pubout -outform DER | sha256sum` prints.
    pub spki_sha256: Option<[u8; 32]>,
    /// Whether the key agrees with itself. RSA: `n = p·q` and `e·d ≡ 1` modulo each `p-1` (the
    /// `rsa` crate's validation). EC: the embedded public point equals `d·G`. `None` when there is
    /// nothing to compare or the check is not available for this algorithm or size.
    pub consistent: Option<bool>,
    /// True when the key was encrypted and the password opened it.
    pub decrypted: bool,
    /// The key as plain, unencrypted PKCS#8 DER (redacted in `Debug`, zeroized on drop).
    pub pkcs8_der: Option<SecretBytes>,
}

impl fmt::Debug for KeyInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Hex<'a>(&'a [u8]);
        impl fmt::Debug for Hex<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
            }
        }
        struct Len(usize);
        impl fmt::Debug for Len {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "<{} bytes>", self.0)
            }
        }
        f.debug_struct("KeyInfo")
            .field("format", &self.format)
            .field("encryption", &self.encryption)
            .field("algorithm", &self.algorithm)
            .field("spki_der", &self.spki_der.as_ref().map(|d| Len(d.len())))
            .field("spki_sha256", &self.spki_sha256.as_ref().map(|h| Hex(h)))
            .field("consistent", &self.consistent)
            .field("decrypted", &self.decrypted)
            .field("pkcs8_der", &self.pkcs8_der)
            .finish()
    }
}

/// Why a private key could not be read.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key is encrypted and no password was given.
    #[error("the private key is encrypted ({encryption}); a password is needed to open it")]
    PasswordNeeded {
        /// How the key is encrypted.
        encryption: KeyEncryption,
    },
    /// The password does not open the key (bad padding, or the result is not a key).
    #[error("the password does not open the private key ({encryption})")]
    WrongPassword {
        /// How the key is encrypted.
        encryption: KeyEncryption,
    },
    /// The bytes have the shape of `format` but are damaged or invalid.
    #[error("malformed {format} private key: {detail}")]
    Malformed {
        /// The encoding the bytes claim to be.
        format: KeyFormat,
        /// What is wrong.
        detail: String,
    },
    /// A key type, label or encryption scheme this tool does not read.
    #[error("unsupported private key: {detail}")]
    Unsupported {
        /// What is not supported.
        detail: String,
    },
    /// The key derivation asks for more work than the limit allows; nothing was derived.
    #[error("the key's password derivation asks for {iterations} iterations, more than the limit of {limit}")]
    IterationsTooHigh {
        /// Iterations asked for.
        iterations: u64,
        /// The configured limit (`Limits::max_kdf_iterations`).
        limit: u32,
    },
    /// The input is larger than `Limits::max_file_size`.
    #[error("the key is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// Input size in bytes.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The file's budget of key derivations is spent (many encrypted keys in one file).
    #[error("the file's budget of {limit} key derivations is used up; this key was not opened")]
    BudgetExhausted {
        /// The per-file limit (`Limits::max_kdf_runs`).
        limit: usize,
    },
    /// The DER is none of the private key structures this module reads.
    #[error("not a private key: {detail}")]
    NotAKey {
        /// What was found.
        detail: String,
    },
}

/// SHA-256 of a SubjectPublicKeyInfo DER encoding (the public key "pin" OpenSSL and browsers use).
pub fn spki_sha256(spki_der: &[u8]) -> [u8; 32] {
    Sha256::digest(spki_der).into()
}

/// Reads one PEM private key block: its `label`, its RFC 1421 `headers` (name, value) and its
/// base64-decoded `body`.
///
/// Labels: `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY` (the last
/// two optionally with `Proc-Type: 4,ENCRYPTED` / `DEK-Info`). `DSA PRIVATE KEY` and other labels
/// give [`KeyError::Unsupported`].
pub fn parse_pem_key(
    label: &str,
    headers: &[(String, String)],
    body: &[u8],
    password: Option<&Password>,
    limits: &Limits,
) -> Result<KeyInfo, KeyError> {
    check_size(body, limits)?;
    let label = label.trim();
    let inner = match label {
        "PRIVATE KEY" => Inner::Pkcs8,
        "ENCRYPTED PRIVATE KEY" => return parse_encrypted_pkcs8(body, password, limits),
        "RSA PRIVATE KEY" => Inner::Pkcs1,
        "EC PRIVATE KEY" => Inner::Sec1,
        "DSA PRIVATE KEY" => {
            return Err(KeyError::Unsupported {
                detail: "DSA private key in OpenSSL's traditional format (convert it with \
                         `openssl pkcs8 -topk8` to read it as PKCS#8)"
                    .into(),
            })
        }
        other => {
            let shown: String = other.chars().take(64).collect();
            return Err(KeyError::Unsupported {
                detail: format!(
                    "PEM block labelled \"{shown}\" is not a private key format this tool reads"
                ),
            });
        }
    };
    if header(headers, "Proc-Type").is_some_and(|v| v.to_ascii_uppercase().contains("ENCRYPTED")) {
        return parse_traditional(inner, headers, body, password);
    }
    match inner {
        Inner::Pkcs8 => parse_plain_pkcs8(body, KeyFormat::Pkcs8),
        Inner::Pkcs1 => parse_pkcs1(body, KeyFormat::Pkcs1Rsa),
        Inner::Sec1 => parse_sec1(body, KeyFormat::Sec1Ec),
    }
}

/// Reads a DER private key of unknown encoding: tries PKCS#8, EncryptedPrivateKeyInfo, PKCS#1 and
/// SEC1 in that order. When none fits, the error describes the structure the bytes resemble most.
pub fn parse_der_key(
    der: &[u8],
    password: Option<&Password>,
    limits: &Limits,
) -> Result<KeyInfo, KeyError> {
    check_size(der, limits)?;
    if pkcs8::PrivateKeyInfoRef::from_der(der).is_ok() {
        return parse_plain_pkcs8(der, KeyFormat::Pkcs8);
    }
    // Only with a known scheme: other DER has the same SEQUENCE { AlgorithmIdentifier, OCTET
    // STRING } shape (a PKCS#1 DigestInfo, for one).
    if decode_encrypted(der).is_ok_and(|e| known_scheme(e.alg.oid)) {
        return parse_encrypted_pkcs8(der, password, limits);
    }
    if RsaPrivateKeyRef::from_der(der).is_ok() {
        return parse_pkcs1(der, KeyFormat::Pkcs1Rsa);
    }
    if EcPrivateKey::from_der(der).is_ok() {
        return parse_sec1(der, KeyFormat::Sec1Ec);
    }
    if is_dsa_traditional(der) {
        return Err(KeyError::Unsupported {
            detail: "DSA private key in OpenSSL's traditional format".into(),
        });
    }
    // Nothing parsed: report the failure of the structure the bytes look like.
    match sniff(der) {
        Some(KeyFormat::EncryptedPkcs8) => parse_encrypted_pkcs8(der, password, limits),
        Some(KeyFormat::Pkcs1Rsa) => parse_pkcs1(der, KeyFormat::Pkcs1Rsa),
        Some(KeyFormat::Sec1Ec) => parse_sec1(der, KeyFormat::Sec1Ec),
        Some(_) => parse_plain_pkcs8(der, KeyFormat::Pkcs8),
        None => Err(KeyError::NotAKey {
            detail: "the DER is not PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1".into(),
        }),
    }
}

/// Reads a plain PKCS#8 `PrivateKeyInfo` (for example a key decrypted out of a PKCS#12 file).
/// The result says `format: Pkcs8`, `encryption: None`, `decrypted: false`; a caller that
/// decrypted the key itself may set those fields.
pub fn key_from_pkcs8(der: &[u8]) -> Result<KeyInfo, KeyError> {
    parse_plain_pkcs8(der, KeyFormat::Pkcs8)
}

// ---------------------------------------------------------------------------------------------
// Plain structures
// ---------------------------------------------------------------------------------------------

/// What a key's inner structure is, for traditional PEM and labels.
#[derive(Clone, Copy)]
enum Inner {
    Pkcs8,
    Pkcs1,
    Sec1,
}

/// Facts derived from an opened key.
struct Derived {
    algorithm: KeyAlgorithm,
    spki_der: Option<Vec<u8>>,
    consistent: Option<bool>,
}

fn check_size(bytes: &[u8], limits: &Limits) -> Result<(), KeyError> {
    if bytes.len() > limits.max_file_size {
        return Err(KeyError::TooLarge {
            size: bytes.len(),
            limit: limits.max_file_size,
        });
    }
    Ok(())
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

fn malformed(format: KeyFormat, detail: impl fmt::Display) -> KeyError {
    KeyError::Malformed {
        format,
        detail: detail.to_string(),
    }
}

fn build(
    format: KeyFormat,
    encryption: KeyEncryption,
    decrypted: bool,
    derived: Derived,
    pkcs8: Zeroizing<Vec<u8>>,
) -> KeyInfo {
    let spki_hash = derived.spki_der.as_deref().map(spki_sha256);
    KeyInfo {
        format,
        encryption,
        algorithm: Some(derived.algorithm),
        spki_der: derived.spki_der,
        spki_sha256: spki_hash,
        consistent: derived.consistent,
        decrypted,
        pkcs8_der: Some(into_secret(pkcs8)),
    }
}

fn into_secret(mut bytes: Zeroizing<Vec<u8>>) -> SecretBytes {
    SecretBytes::new(std::mem::take(&mut *bytes))
}

/// Plain PKCS#8 bytes to a [`KeyInfo`], errors reported as `format`.
fn parse_plain_pkcs8(der: &[u8], format: KeyFormat) -> Result<KeyInfo, KeyError> {
    let derived = analyse_pkcs8(der).map_err(|e| malformed(format, e))?;
    Ok(build(
        format,
        KeyEncryption::None,
        false,
        derived,
        Zeroizing::new(der.to_vec()),
    ))
}

fn parse_pkcs1(der: &[u8], format: KeyFormat) -> Result<KeyInfo, KeyError> {
    let key = RsaPrivateKeyRef::from_der(der).map_err(|e| malformed(format, e))?;
    let derived = analyse_rsa(&key, pkcs1::ALGORITHM_ID, None).map_err(|e| malformed(format, e))?;
    let pkcs8 = wrap_pkcs8(pkcs1::ALGORITHM_ID, der).map_err(|e| malformed(format, e))?;
    Ok(build(format, KeyEncryption::None, false, derived, pkcs8))
}

fn parse_sec1(der: &[u8], format: KeyFormat) -> Result<KeyInfo, KeyError> {
    let key = EcPrivateKey::from_der(der).map_err(|e| malformed(format, e))?;
    let curve = key
        .parameters
        .and_then(|p| p.named_curve())
        .ok_or_else(|| malformed(format, "the SEC1 key does not name its curve"))?;
    let derived = analyse_ec(&key, curve, None).map_err(|e| malformed(format, e))?;
    let alg = AlgorithmIdentifierRef {
        oid: OID_EC,
        parameters: Some(AnyRef::from(&curve)),
    };
    let pkcs8 = wrap_pkcs8(alg, der).map_err(|e| malformed(format, e))?;
    Ok(build(format, KeyEncryption::None, false, derived, pkcs8))
}

/// Wraps an algorithm-specific private key into a version 1 PKCS#8 `PrivateKeyInfo`.
fn wrap_pkcs8(
    alg: AlgorithmIdentifierRef<'_>,
    inner: &[u8],
) -> Result<Zeroizing<Vec<u8>>, der::Error> {
    let info = pkcs8::PrivateKeyInfoRef::new(alg, OctetStringRef::new(inner)?);
    let len = usize::try_from(info.encoded_len()?)?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    info.encode_to_slice(&mut out)?;
    Ok(out)
}

/// Derives the facts from plain PKCS#8 DER.
fn analyse_pkcs8(der: &[u8]) -> Result<Derived, String> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| e.to_string())?;
    let alg = info.algorithm;
    let inner = info.private_key.as_bytes();
    let v2_public = match &info.public_key {
        Some(bits) => Some(
            bits.as_bytes()
                .ok_or("the PKCS#8 public key BIT STRING has unused bits")?,
        ),
        None => None,
    };
    if alg.oid == OID_RSA || alg.oid == OID_RSA_PSS {
        let key = RsaPrivateKeyRef::from_der(inner)
            .map_err(|e| format!("the RSA key inside PKCS#8: {e}"))?;
        let spki_alg = if alg.oid == OID_RSA {
            pkcs1::ALGORITHM_ID
        } else {
            alg
        };
        return analyse_rsa(&key, spki_alg, v2_public);
    }
    if alg.oid == OID_EC {
        let curve: ObjectIdentifier = alg
            .parameters
            .ok_or("the EC key's algorithm identifier has no curve")?
            .decode_as()
            .map_err(|e| format!("the EC key's curve is not a named curve: {e}"))?;
        let key =
            EcPrivateKey::from_der(inner).map_err(|e| format!("the EC key inside PKCS#8: {e}"))?;
        if let Some(inner_curve) = key.parameters.and_then(|p| p.named_curve()) {
            if inner_curve != curve {
                return Err(format!(
                    "the EC key names curve {inner_curve} inside and {curve} outside"
                ));
            }
        }
        return analyse_ec(&key, curve, v2_public);
    }
    let algorithm = if alg.oid == OID_ED25519 {
        KeyAlgorithm::Ed25519
    } else if alg.oid == OID_ED448 {
        KeyAlgorithm::Ed448
    } else if alg.oid == OID_DSA {
        KeyAlgorithm::Dsa {
            bits: dsa_bits(alg.parameters).ok_or("the DSA parameters are not p, q, g")?,
        }
    } else {
        KeyAlgorithm::Other {
            oid: alg.oid.to_string(),
        }
    };
    let spki_der = match v2_public {
        Some(public) => Some(encode_spki(alg, public).map_err(|e| e.to_string())?),
        None => None,
    };
    Ok(Derived {
        algorithm,
        spki_der,
        consistent: None,
    })
}

fn encode_spki(alg: AlgorithmIdentifierRef<'_>, public: &[u8]) -> Result<Vec<u8>, der::Error> {
    spki::SubjectPublicKeyInfoRef {
        algorithm: alg,
        subject_public_key: BitStringRef::from_bytes(public)?,
    }
    .to_der()
}

/// Size of DSA's `p` from `Dss-Parms ::= SEQUENCE { p, q, g }`.
fn dsa_bits(params: Option<AnyRef<'_>>) -> Option<u32> {
    params?
        .sequence(|r| {
            let p: UintRef<'_> = r.decode()?;
            let _q: UintRef<'_> = r.decode()?;
            let _g: UintRef<'_> = r.decode()?;
            Ok::<_, der::Error>(bit_len(p.as_bytes()))
        })
        .ok()
}

/// Bit length of a big-endian unsigned integer.
fn bit_len(bytes: &[u8]) -> u32 {
    let Some(first) = bytes.iter().position(|b| *b != 0) else {
        return 0;
    };
    let rest = &bytes[first..];
    let lead = rest.first().map_or(0, |b| 8 - b.leading_zeros());
    let tail_bits = (rest.len().saturating_sub(1) as u64).saturating_mul(8);
    u32::try_from(tail_bits.saturating_add(u64::from(lead))).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------------------------
// RSA
// ---------------------------------------------------------------------------------------------

fn analyse_rsa(
    key: &RsaPrivateKeyRef<'_>,
    spki_alg: AlgorithmIdentifierRef<'_>,
    v2_public: Option<&[u8]>,
) -> Result<Derived, String> {
    let n = key.modulus.as_bytes();
    let e = key.public_exponent.as_bytes();
    let bits = bit_len(n);
    if bits == 0 || bit_len(e) == 0 {
        return Err("the RSA modulus or public exponent is zero".into());
    }
    let public = key.public_key();
    let public_der = public.to_der().map_err(|e| e.to_string())?;
    let spki_der = encode_spki(spki_alg, &public_der).map_err(|e| e.to_string())?;

    let mut consistent = rsa_consistent(key, bits);
    if let Some(v2) = v2_public {
        let same = pkcs1::RsaPublicKeyRef::from_der(v2)
            .map(|p| p.modulus.as_bytes() == n && p.public_exponent.as_bytes() == e)
            .unwrap_or(false);
        if !same {
            consistent = Some(false);
        }
    }
    Ok(Derived {
        algorithm: KeyAlgorithm::Rsa { bits },
        spki_der: Some(spki_der),
        consistent,
    })
}

/// Checks the RSA key's arithmetic: `n = Π primes`, `d < n` and `e·d ≡ 1 (mod p-1)` for every
/// prime. Written directly on `crypto-bigint` (the `rsa` crate's own key constructor does the
/// same checks but also precomputes CRT values with modular inversions, several times the cost,
/// which a fleet scan pays for every key).
fn rsa_consistent(key: &RsaPrivateKeyRef<'_>, bits: u32) -> Option<bool> {
    use crypto_bigint::{BoxedUint, CheckedSub, ConcatenatingMul, NonZero};
    if bits > MAX_RSA_CHECK_BITS {
        return None;
    }
    // Every component of a valid key is smaller than `n`. Refusing longer ones here also keeps
    // a hostile file from making the arithmetic below multiply megabyte-sized numbers.
    let n_len = key.modulus.as_bytes().len();
    let mut parts = vec![
        &key.public_exponent,
        &key.private_exponent,
        &key.prime1,
        &key.prime2,
    ];
    if let Some(others) = &key.other_prime_infos {
        if others.len() > 16 {
            return None;
        }
        parts.extend(others.iter().map(|o| &o.prime));
    }
    if parts.iter().any(|u| u.as_bytes().len() > n_len) {
        return Some(false);
    }
    // Exponents above 2^33-1 are legal but unusual; the checks below still hold for them.
    let trimmed = |b: &[u8]| -> Vec<u8> {
        let z = b.iter().take_while(|x| **x == 0).count();
        b[z..].to_vec()
    };
    let cmp = |a: &[u8], b: &[u8]| {
        let (a, b) = (trimmed(a), trimmed(b));
        a.len().cmp(&b.len()).then_with(|| a.cmp(&b))
    };
    let uint = |u: &UintRef<'_>| BoxedUint::from_be_slice_vartime(u.as_bytes());
    let mut primes = vec![uint(&key.prime1), uint(&key.prime2)];
    if let Some(others) = &key.other_prime_infos {
        primes.extend(others.iter().map(|o| uint(&o.prime)));
    }
    // d < n
    if cmp(key.private_exponent.as_bytes(), key.modulus.as_bytes()) != std::cmp::Ordering::Less {
        return Some(false);
    }
    // n = product of the primes
    let mut product = BoxedUint::one();
    for p in &primes {
        product = product.concatenating_mul(p);
    }
    if cmp(&product.to_be_bytes(), key.modulus.as_bytes()) != std::cmp::Ordering::Equal {
        return Some(false);
    }
    // e·d ≡ 1 (mod p-1) for every prime
    let ed = uint(&key.public_exponent).concatenating_mul(uint(&key.private_exponent));
    for p in &primes {
        let Some(pm1) = p.checked_sub(&BoxedUint::one()).into_option() else {
            return Some(false);
        };
        let Some(m) = NonZero::new(pm1).into_option() else {
            return Some(false);
        };
        let r = ed.rem(&m);
        if trimmed(&r.to_be_bytes()) != [1u8] {
            return Some(false);
        }
    }
    Some(true)
}

// ---------------------------------------------------------------------------------------------
// EC
// ---------------------------------------------------------------------------------------------

fn curve_name(curve: ObjectIdentifier) -> String {
    if curve == OID_P256 {
        "P-256".into()
    } else if curve == OID_P384 {
        "P-384".into()
    } else if curve == OID_P521 {
        "P-521".into()
    } else if curve == OID_SECP256K1 {
        "secp256k1".into()
    } else {
        curve.to_string()
    }
}

/// Derives `d·G` for a curve the project has arithmetic for, and compares it with the embedded
/// point when there is one.
macro_rules! ec_derive {
    ($curve:ident, $size:expr, $scalar:expr, $embedded:expr) => {{
        let scalar: &[u8] = $scalar;
        let significant = scalar
            .iter()
            .position(|b| *b != 0)
            .map_or(&[][..], |i| &scalar[i..]);
        if significant.is_empty() || significant.len() > $size {
            return Err("the EC private scalar is zero or longer than the curve order".into());
        }
        let mut padded = Zeroizing::new([0u8; $size]);
        let start = $size - significant.len();
        padded[start..].copy_from_slice(significant);
        let secret = $curve::SecretKey::from_slice(&padded[..])
            .map_err(|_| "the EC private scalar is not below the curve order".to_string())?;
        let public = secret.public_key();
        let spki = public
            .to_public_key_der()
            .map_err(|e| e.to_string())?
            .into_vec();
        let consistent = $embedded.map(|bytes: &[u8]| {
            $curve::PublicKey::from_sec1_bytes(bytes).is_ok_and(|p| p == public)
        });
        (spki, consistent)
    }};
}

fn analyse_ec(
    key: &EcPrivateKey<'_>,
    curve: ObjectIdentifier,
    v2_public: Option<&[u8]>,
) -> Result<Derived, String> {
    let embedded = key.public_key.or(v2_public);
    let (spki_der, consistent) = if curve == OID_P256 {
        let (s, c) = ec_derive!(p256, 32, key.private_key, embedded);
        (Some(s), c)
    } else if curve == OID_P384 {
        let (s, c) = ec_derive!(p384, 48, key.private_key, embedded);
        (Some(s), c)
    } else {
        // No arithmetic for this curve here: trust the embedded point, if any.
        let alg = AlgorithmIdentifierRef {
            oid: OID_EC,
            parameters: Some(AnyRef::from(&curve)),
        };
        let spki = match embedded {
            Some(point) => Some(encode_spki(alg, point).map_err(|e| e.to_string())?),
            None => None,
        };
        (spki, None)
    };
    Ok(Derived {
        algorithm: KeyAlgorithm::Ec {
            curve: curve_name(curve),
        },
        spki_der,
        consistent,
    })
}

// ---------------------------------------------------------------------------------------------
// Encrypted PKCS#8
// ---------------------------------------------------------------------------------------------

/// `EncryptedPrivateKeyInfo`, decoded by hand so that any scheme OID is accepted (the `pkcs8`
/// crate refuses the PKCS#12 PBE OIDs at parse time).
struct EncryptedInfo<'a> {
    alg: AlgorithmIdentifierRef<'a>,
    data: &'a [u8],
}

fn decode_encrypted(der: &[u8]) -> Result<EncryptedInfo<'_>, der::Error> {
    AnyRef::from_der(der)?.sequence(|r| {
        let alg: AlgorithmIdentifierRef<'_> = r.decode()?;
        let data: &OctetStringRef = r.decode()?;
        Ok(EncryptedInfo {
            alg,
            data: data.as_bytes(),
        })
    })
}

fn parse_encrypted_pkcs8(
    der: &[u8],
    password: Option<&Password>,
    limits: &Limits,
) -> Result<KeyInfo, KeyError> {
    const FORMAT: KeyFormat = KeyFormat::EncryptedPkcs8;
    let enc = decode_encrypted(der).map_err(|e| malformed(FORMAT, e))?;
    let plain = if enc.alg.oid == OID_PBES2 {
        decrypt_pbes2(&enc, password, limits)?
    } else {
        decrypt_pkcs12_pbe(&enc, password, limits)?
    };
    let (encryption, plain) = plain;
    if pkcs8::PrivateKeyInfoRef::from_der(&plain).is_err() {
        return Err(KeyError::WrongPassword { encryption });
    }
    let derived = analyse_pkcs8(&plain).map_err(|e| malformed(FORMAT, e))?;
    Ok(build(FORMAT, encryption, true, derived, plain))
}

/// PBES2 through the `pkcs5` crate, after checking the KDF cost against the limits.
fn decrypt_pbes2(
    enc: &EncryptedInfo<'_>,
    password: Option<&Password>,
    limits: &Limits,
) -> Result<(KeyEncryption, Zeroizing<Vec<u8>>), KeyError> {
    const FORMAT: KeyFormat = KeyFormat::EncryptedPkcs8;
    let scheme = pkcs5::EncryptionScheme::try_from(enc.alg).map_err(|e| match e.kind() {
        der::ErrorKind::OidUnknown { oid } => KeyError::Unsupported {
            detail: format!("PBES2 with algorithm {oid}"),
        },
        _ => malformed(FORMAT, format!("PBES2 parameters: {e}")),
    })?;
    let params = scheme
        .pbes2()
        .ok_or_else(|| malformed(FORMAT, "PBES2 OID without PBES2 parameters"))?;
    let (prf, cost, shown) = match &params.kdf {
        pkcs5::pbes2::Kdf::Pbkdf2(p) => (
            prf_name(p.prf),
            u64::from(p.iteration_count),
            u64::from(p.iteration_count),
        ),
        pkcs5::pbes2::Kdf::Scrypt(s) => {
            let n = s.cost_parameter;
            if n < 2 || !n.is_power_of_two() || s.block_size == 0 || s.parallelization == 0 {
                return Err(malformed(FORMAT, "scrypt parameters out of range"));
            }
            let cost = n
                .saturating_mul(u64::from(s.block_size))
                .saturating_mul(u64::from(s.parallelization));
            let memory = n
                .saturating_mul(u64::from(s.block_size))
                .saturating_mul(128);
            if memory > MAX_SCRYPT_MEMORY {
                return Err(KeyError::Unsupported {
                    detail: format!(
                        "scrypt parameters needing {} MiB of memory",
                        memory / (1024 * 1024)
                    ),
                });
            }
            ("scrypt".to_string(), cost, n)
        }
        _ => {
            return Err(KeyError::Unsupported {
                detail: format!("PBES2 with key derivation {}", params.kdf.oid()),
            })
        }
    };
    let encryption = KeyEncryption::Pbes2 {
        prf,
        cipher: cipher_name(&params.encryption),
        iterations: u32::try_from(shown).unwrap_or(u32::MAX),
    };
    let Some(password) = password else {
        return Err(KeyError::PasswordNeeded { encryption });
    };
    if cost > u64::from(limits.max_kdf_iterations) {
        return Err(KeyError::IterationsTooHigh {
            iterations: cost,
            limit: limits.max_kdf_iterations,
        });
    }
    let mut buf = Zeroizing::new(enc.data.to_vec());
    let len = match params.decrypt_in_place(password.expose(), &mut buf) {
        Ok(plain) => plain.len(),
        Err(pkcs5::Error::DecryptFailed) => return Err(KeyError::WrongPassword { encryption }),
        Err(pkcs5::Error::UnsupportedAlgorithm { oid }) => {
            return Err(KeyError::Unsupported {
                detail: format!("PBES2 with algorithm {oid}"),
            })
        }
        Err(e) => return Err(malformed(FORMAT, format!("PBES2: {e}"))),
    };
    buf.truncate(len);
    Ok((encryption, buf))
}

fn prf_name(prf: pkcs5::pbes2::Pbkdf2Prf) -> String {
    use pkcs5::pbes2::Pbkdf2Prf as P;
    match prf {
        P::HmacWithSha1 => "hmac-sha1".into(),
        P::HmacWithSha224 => "hmac-sha224".into(),
        P::HmacWithSha256 => "hmac-sha256".into(),
        P::HmacWithSha384 => "hmac-sha384".into(),
        P::HmacWithSha512 => "hmac-sha512".into(),
        #[allow(unreachable_patterns)]
        other => other.oid().to_string(),
    }
}

fn cipher_name(es: &pkcs5::pbes2::EncryptionScheme) -> String {
    use pkcs5::pbes2::EncryptionScheme as E;
    match es {
        E::Aes128Cbc { .. } => "aes-128-cbc".into(),
        E::Aes192Cbc { .. } => "aes-192-cbc".into(),
        E::Aes256Cbc { .. } => "aes-256-cbc".into(),
        E::Aes128Gcm { .. } => "aes-128-gcm".into(),
        E::Aes256Gcm { .. } => "aes-256-gcm".into(),
        E::DesEde3Cbc { .. } => "des-ede3-cbc".into(),
        #[allow(unreachable_patterns)]
        other => other.oid().to_string(),
    }
}

/// Every other scheme (the PKCS#12 PBE family; PBES1 is recognised only) through [`pbe`].
fn decrypt_pkcs12_pbe(
    enc: &EncryptedInfo<'_>,
    password: Option<&Password>,
    limits: &Limits,
) -> Result<(KeyEncryption, Zeroizing<Vec<u8>>), KeyError> {
    let alg: AlgorithmIdentifierOwned = AlgorithmIdentifier {
        oid: enc.alg.oid,
        parameters: enc.alg.parameters.map(Into::into),
    };
    let encryption = match pbe::describe(&alg) {
        pbe::EncryptionScheme::Pkcs12Pbe { alg, iterations } => {
            KeyEncryption::Pkcs12Pbe { alg, iterations }
        }
        pbe::EncryptionScheme::Pbes1 { alg, iterations } => {
            KeyEncryption::Pbes1 { alg, iterations }
        }
        pbe::EncryptionScheme::Pbes2 {
            kdf,
            prf,
            cipher,
            iterations,
        } => KeyEncryption::Pbes2 {
            prf: if prf.is_empty() { kdf } else { prf },
            cipher,
            iterations,
        },
        _ => KeyEncryption::Unknown {
            oid: alg.oid.to_string(),
        },
    };
    let Some(password) = password else {
        return Err(KeyError::PasswordNeeded { encryption });
    };
    // `pbe::decrypt` tries each PKCS#12 password encoding that could apply and checks the
    // iteration count before deriving anything.
    match pbe::decrypt(&alg, password, enc.data, limits.max_kdf_iterations) {
        Ok(plain) => Ok((encryption, plain)),
        Err(pbe::PbeError::WrongPassword) => Err(KeyError::WrongPassword { encryption }),
        Err(pbe::PbeError::IterationsTooHigh { iterations, limit }) => {
            Err(KeyError::IterationsTooHigh { iterations, limit })
        }
        Err(pbe::PbeError::Unsupported { scheme }) => Err(KeyError::Unsupported {
            detail: format!("encrypted PKCS#8 with {scheme}"),
        }),
        Err(e) => Err(malformed(KeyFormat::EncryptedPkcs8, e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Traditional encrypted PEM
// ---------------------------------------------------------------------------------------------

/// Ciphers OpenSSL writes in `DEK-Info`.
#[derive(Clone, Copy)]
enum TradCipher {
    Aes128,
    Aes192,
    Aes256,
    DesEde3,
    Des,
}

impl TradCipher {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "AES-128-CBC" => TradCipher::Aes128,
            "AES-192-CBC" => TradCipher::Aes192,
            "AES-256-CBC" => TradCipher::Aes256,
            "DES-EDE3-CBC" => TradCipher::DesEde3,
            "DES-CBC" => TradCipher::Des,
            _ => return None,
        })
    }
    fn key_len(self) -> usize {
        match self {
            TradCipher::Aes128 => 16,
            TradCipher::Aes192 => 24,
            TradCipher::Aes256 => 32,
            TradCipher::DesEde3 => 24,
            TradCipher::Des => 8,
        }
    }
    fn iv_len(self) -> usize {
        match self {
            TradCipher::Aes128 | TradCipher::Aes192 | TradCipher::Aes256 => 16,
            TradCipher::DesEde3 | TradCipher::Des => 8,
        }
    }
}

fn parse_traditional(
    inner: Inner,
    headers: &[(String, String)],
    body: &[u8],
    password: Option<&Password>,
) -> Result<KeyInfo, KeyError> {
    const FORMAT: KeyFormat = KeyFormat::TraditionalEncrypted;
    let dek = header(headers, "DEK-Info").ok_or_else(|| {
        malformed(
            FORMAT,
            "Proc-Type says ENCRYPTED but there is no DEK-Info header",
        )
    })?;
    let (name, iv_hex) = dek
        .split_once(',')
        .ok_or_else(|| malformed(FORMAT, "the DEK-Info header is not CIPHER,IV"))?;
    let name = name.trim().to_ascii_uppercase();
    let shown: String = name.chars().take(32).collect();
    let cipher = TradCipher::from_name(&name).ok_or_else(|| KeyError::Unsupported {
        detail: format!("traditional PEM encryption with {shown}"),
    })?;
    let encryption = KeyEncryption::Traditional { cipher: shown };
    let iv = decode_hex(iv_hex.trim())
        .filter(|iv| iv.len() == cipher.iv_len())
        .ok_or_else(|| {
            malformed(
                FORMAT,
                format!("the DEK-Info IV is not {} hex bytes", cipher.iv_len()),
            )
        })?;
    let Some(password) = password else {
        return Err(KeyError::PasswordNeeded { encryption });
    };
    let salt = iv.get(..8).unwrap_or(&iv);
    let key = evp_bytes_to_key_md5(password.expose(), salt, cipher.key_len());
    let mut buf = Zeroizing::new(body.to_vec());
    let len = match cipher {
        TradCipher::Aes128 => cbc_decrypt::<aes::Aes128>(&key, &iv, &mut buf),
        TradCipher::Aes192 => cbc_decrypt::<aes::Aes192>(&key, &iv, &mut buf),
        TradCipher::Aes256 => cbc_decrypt::<aes::Aes256>(&key, &iv, &mut buf),
        TradCipher::DesEde3 => cbc_decrypt::<des::TdesEde3>(&key, &iv, &mut buf),
        TradCipher::Des => cbc_decrypt::<des::Des>(&key, &iv, &mut buf),
    };
    let Some(len) = len else {
        return Err(KeyError::WrongPassword { encryption });
    };
    buf.truncate(len);
    let plain = buf;
    let wrong = || KeyError::WrongPassword {
        encryption: encryption.clone(),
    };
    let (derived, pkcs8) = match inner {
        Inner::Pkcs1 => {
            let key = RsaPrivateKeyRef::from_der(&plain).map_err(|_| wrong())?;
            let derived =
                analyse_rsa(&key, pkcs1::ALGORITHM_ID, None).map_err(|e| malformed(FORMAT, e))?;
            let pkcs8 =
                wrap_pkcs8(pkcs1::ALGORITHM_ID, &plain).map_err(|e| malformed(FORMAT, e))?;
            (derived, pkcs8)
        }
        Inner::Sec1 => {
            let key = EcPrivateKey::from_der(&plain).map_err(|_| wrong())?;
            let curve = key
                .parameters
                .and_then(|p| p.named_curve())
                .ok_or_else(|| malformed(FORMAT, "the SEC1 key does not name its curve"))?;
            let derived = analyse_ec(&key, curve, None).map_err(|e| malformed(FORMAT, e))?;
            let alg = AlgorithmIdentifierRef {
                oid: OID_EC,
                parameters: Some(AnyRef::from(&curve)),
            };
            let pkcs8 = wrap_pkcs8(alg, &plain).map_err(|e| malformed(FORMAT, e))?;
            (derived, pkcs8)
        }
        Inner::Pkcs8 => {
            if pkcs8::PrivateKeyInfoRef::from_der(&plain).is_err() {
                return Err(wrong());
            }
            let derived = analyse_pkcs8(&plain).map_err(|e| malformed(FORMAT, e))?;
            (derived, plain)
        }
    };
    Ok(build(FORMAT, encryption, true, derived, pkcs8))
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one iteration, as PEM_do_header uses it:
/// `D_1 = MD5(password || salt)`, `D_i = MD5(D_{i-1} || password || salt)`, key = D_1 || D_2 …
/// No maintained crate offers this legacy derivation, so it is written here with `md-5`.
fn evp_bytes_to_key_md5(password: &[u8], salt: &[u8], key_len: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(key_len + 16));
    let mut prev = Zeroizing::new(Vec::new());
    while out.len() < key_len {
        let mut h = md5::Md5::new();
        h.update(&prev[..]);
        h.update(password);
        h.update(salt);
        let mut digest = h.finalize();
        prev.clear();
        prev.extend_from_slice(&digest);
        out.extend_from_slice(&digest);
        let d: &mut [u8] = &mut digest;
        d.zeroize();
    }
    out.truncate(key_len);
    out
}

/// CBC decryption with PKCS#7 padding, in place. `None` when the key/IV size is wrong, the
/// length is not a whole number of blocks, or the padding is bad (the usual sign of a wrong
/// password).
fn cbc_decrypt<C>(key: &[u8], iv: &[u8], buf: &mut [u8]) -> Option<usize>
where
    C: BlockCipherDecrypt + KeyInit,
{
    let dec = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    dec.decrypt_padded::<Pkcs7>(buf).ok().map(<[u8]>::len)
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    let nibble = |c: u8| -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    };
    s.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => Some(nibble(*hi)? << 4 | nibble(*lo)?),
            _ => None,
        })
        .collect()
}

/// Which key structure a DER blob resembles, from its first elements, for error messages when
/// no structure decodes. Deliberately strict, so that other DER (certificates, CSRs, PKCS#7,
/// PKCS#12) is not mistaken for a damaged key.
fn sniff(der: &[u8]) -> Option<KeyFormat> {
    let mut r = der::SliceReader::new(der).ok()?;
    let outer = der::Header::decode(&mut r).ok()?;
    if outer.tag() != Tag::Sequence {
        return None;
    }
    // The OID that starts the next element, when that is a SEQUENCE (an AlgorithmIdentifier).
    let algorithm_next = |r: &mut der::SliceReader<'_>| -> Option<ObjectIdentifier> {
        let header = der::Header::decode(r).ok()?;
        if header.tag() != Tag::Sequence {
            return None;
        }
        r.decode().ok()
    };
    match Tag::peek(&r).ok()? {
        Tag::Sequence => known_scheme(algorithm_next(&mut r)?).then_some(KeyFormat::EncryptedPkcs8),
        Tag::Integer => {
            let version: AnyRef<'_> = r.decode().ok()?;
            let version = version.value();
            if version != [0] && version != [1] {
                return None;
            }
            match Tag::peek(&r).ok()? {
                Tag::Sequence => algorithm_next(&mut r).map(|_| KeyFormat::Pkcs8),
                Tag::OctetString if version == [1] => Some(KeyFormat::Sec1Ec),
                Tag::Integer => Some(KeyFormat::Pkcs1Rsa),
                _ => None,
            }
        }
        _ => None,
    }
}

/// True for the OIDs of password-based encryption schemes (PBES2, PBES1, PKCS#12 PBE).
fn known_scheme(oid: ObjectIdentifier) -> bool {
    let alg = AlgorithmIdentifierOwned {
        oid,
        parameters: None,
    };
    !matches!(
        pbe::describe(&alg),
        pbe::EncryptionScheme::Unknown { .. } | pbe::EncryptionScheme::None
    )
}

/// OpenSSL's traditional DSA key: `SEQUENCE { 0, p, q, g, y, x }`.
fn is_dsa_traditional(der: &[u8]) -> bool {
    AnyRef::from_der(der)
        .and_then(|any| {
            any.sequence(|r| {
                let version: u8 = r.decode()?;
                for _ in 0..5 {
                    let _: UintRef<'_> = r.decode()?;
                }
                Ok(version == 0)
            })
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    fn read(rel: &str) -> Vec<u8> {
        let path = format!("{FIXTURES}/{rel}");
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// One PEM block, split by a minimal test-only reader (the real scanner lives elsewhere).
    struct Pem {
        label: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    fn pem(rel: &str) -> Pem {
        let text = String::from_utf8(read(rel)).expect("PEM fixture is UTF-8");
        let mut lines = text.lines().map(str::trim);
        let begin = lines
            .by_ref()
            .find(|l| l.starts_with("-----BEGIN "))
            .expect("BEGIN line");
        let label = begin
            .trim_start_matches("-----BEGIN ")
            .trim_end_matches('-')
            .to_string();
        let mut headers = Vec::new();
        let mut b64 = String::new();
        for line in lines {
            if line.starts_with("-----END ") {
                break;
            }
            match line.split_once(':') {
                Some((name, value)) if b64.is_empty() => {
                    headers.push((name.trim().to_string(), value.trim().to_string()))
                }
                _ => b64.push_str(line),
            }
        }
        use base64ct::Encoding;
        let body = base64ct::Base64::decode_vec(&b64).expect("base64 body");
        Pem {
            label,
            headers,
            body,
        }
    }

    fn password() -> Password {
        Password::new("correct horse")
    }

    fn parse(rel: &str, pw: Option<&Password>) -> Result<KeyInfo, KeyError> {
        parse_with(rel, pw, &Limits::default())
    }

    fn parse_with(rel: &str, pw: Option<&Password>, limits: &Limits) -> Result<KeyInfo, KeyError> {
        if rel.ends_with(".der") {
            return parse_der_key(&read(rel), pw, limits);
        }
        let p = pem(rel);
        parse_pem_key(&p.label, &p.headers, &p.body, pw, limits)
    }

    /// SHA-256 of a certificate's SubjectPublicKeyInfo, computed independently of this module.
    fn cert_spki_sha256(rel: &str) -> [u8; 32] {
        use der::DecodePem;
        let cert = x509_cert::Certificate::from_pem(read(rel)).expect("certificate");
        let spki = cert.tbs_certificate().subject_public_key_info();
        let fp = spki.fingerprint_bytes().expect("fingerprint");
        let mut out = [0u8; 32];
        out.copy_from_slice(&fp[..]);
        out
    }

    /// The hex SHA-256 that `scripts/keys-fixtures.sh` stored from `openssl pkey -pubout`.
    fn openssl_spki_sha256(rel: &str) -> [u8; 32] {
        let text = String::from_utf8(read(rel)).expect("hex text");
        let bytes = decode_hex(text.trim()).expect("hex");
        bytes.try_into().expect("32 bytes")
    }

    fn assert_rsa_leaf(info: &KeyInfo, expected: &[u8; 32]) {
        assert_eq!(info.spki_sha256.as_ref(), Some(expected));
        assert_eq!(info.algorithm, Some(KeyAlgorithm::Rsa { bits: 2048 }));
        assert_eq!(info.consistent, Some(true));
        let spki = info.spki_der.as_deref().expect("spki");
        assert_eq!(&spki_sha256(spki), expected);
        // The normalised PKCS#8 copy reads back to the same public key.
        let again =
            key_from_pkcs8(info.pkcs8_der.as_ref().expect("pkcs8").expose()).expect("pkcs8");
        assert_eq!(again.spki_sha256.as_ref(), Some(expected));
        assert_eq!(again.consistent, Some(true));
    }

    #[test]
    fn every_rsa_form_gives_the_leaf_certificate_key() {
        let expected = cert_spki_sha256("pki/leaf-rsa.pem");
        let pw = password();
        let cases: &[(&str, KeyFormat, bool)] = &[
            ("keys/leaf-rsa.pkcs8.pem", KeyFormat::Pkcs8, false),
            ("keys/leaf-rsa.pkcs8.der", KeyFormat::Pkcs8, false),
            ("keys/leaf-rsa.pkcs1.pem", KeyFormat::Pkcs1Rsa, false),
            (
                "keys/leaf-rsa.pkcs8-enc-aes256.pem",
                KeyFormat::EncryptedPkcs8,
                true,
            ),
            (
                "keys/leaf-rsa.pkcs8-enc-sha1-3des.pem",
                KeyFormat::EncryptedPkcs8,
                true,
            ),
            (
                "keys/leaf-rsa.pkcs1-enc-aes128.pem",
                KeyFormat::TraditionalEncrypted,
                true,
            ),
            (
                "keys/leaf-rsa.pkcs1-enc-aes256.pem",
                KeyFormat::TraditionalEncrypted,
                true,
            ),
            (
                "keys/leaf-rsa.pkcs1-enc-des3.pem",
                KeyFormat::TraditionalEncrypted,
                true,
            ),
        ];
        for (rel, format, encrypted) in cases {
            let info = parse(rel, Some(&pw)).unwrap_or_else(|e| panic!("{rel}: {e}"));
            // keys/leaf-rsa.pkcs8.der was written by OpenSSL 3.0's `pkey -outform DER`, which
            // gives PKCS#1 for RSA despite the name: go by the bytes (version INTEGER followed by
            // the modulus INTEGER means PKCS#1).
            let format = if rel.ends_with(".der") && read(rel).get(4..8) == Some(&[2, 1, 0, 2]) {
                &KeyFormat::Pkcs1Rsa
            } else {
                format
            };
            assert_eq!(info.format, *format, "{rel}");
            assert_eq!(info.decrypted, *encrypted, "{rel}");
            assert_eq!(info.encryption == KeyEncryption::None, !encrypted, "{rel}");
            assert_rsa_leaf(&info, &expected);
        }
    }

    #[test]
    fn encryption_is_described() {
        let pw = password();
        let info = parse("keys/leaf-rsa.pkcs8-enc-aes256.pem", Some(&pw)).unwrap();
        assert_eq!(
            info.encryption,
            KeyEncryption::Pbes2 {
                prf: "hmac-sha256".into(),
                cipher: "aes-256-cbc".into(),
                iterations: 2048
            }
        );
        let info = parse("keys/leaf-rsa.pkcs8-enc-sha1-3des.pem", Some(&pw)).unwrap();
        assert!(
            matches!(
                &info.encryption,
                KeyEncryption::Pkcs12Pbe {
                    iterations: 2048,
                    ..
                }
            ),
            "{:?}",
            info.encryption
        );
        for (rel, cipher) in [
            ("keys/leaf-rsa.pkcs1-enc-aes128.pem", "AES-128-CBC"),
            ("keys/leaf-rsa.pkcs1-enc-aes256.pem", "AES-256-CBC"),
            ("keys/leaf-rsa.pkcs1-enc-des3.pem", "DES-EDE3-CBC"),
            ("keys-extra/rsa.pkcs1-enc-aes192.pem", "AES-192-CBC"),
            ("keys-extra/rsa.pkcs1-enc-des.pem", "DES-CBC"),
        ] {
            let info = parse(rel, Some(&pw)).unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_eq!(
                info.encryption,
                KeyEncryption::Traditional {
                    cipher: cipher.into()
                }
            );
        }
        let info = parse("keys-extra/rsa.pkcs8-enc-sha1-aes128.pem", Some(&pw)).unwrap();
        assert_eq!(
            info.encryption,
            KeyEncryption::Pbes2 {
                prf: "hmac-sha1".into(),
                cipher: "aes-128-cbc".into(),
                iterations: 2048
            }
        );
        let info = parse("keys-extra/rsa.pkcs8-enc-scrypt.pem", Some(&pw)).unwrap();
        assert!(
            matches!(&info.encryption, KeyEncryption::Pbes2 { prf, cipher, iterations: 16_384 }
                if prf == "scrypt" && cipher == "aes-256-cbc"),
            "{:?}",
            info.encryption
        );
        // The same names as the PBE module gives for PKCS#12 bags.
        for rel in [
            "keys/leaf-rsa.pkcs8-enc-aes256.pem",
            "keys-extra/rsa.pkcs8-enc-sha1-aes128.pem",
            "keys-extra/rsa.pkcs8-enc-scrypt.pem",
        ] {
            let body = pem(rel).body;
            let enc = decode_encrypted(&body).unwrap();
            let alg = AlgorithmIdentifierOwned {
                oid: enc.alg.oid,
                parameters: enc.alg.parameters.map(Into::into),
            };
            let info = parse(rel, Some(&pw)).unwrap();
            match (pbe::describe(&alg), info.encryption) {
                (
                    pbe::EncryptionScheme::Pbes2 {
                        kdf,
                        prf,
                        cipher,
                        iterations,
                    },
                    KeyEncryption::Pbes2 {
                        prf: p,
                        cipher: c,
                        iterations: i,
                    },
                ) => {
                    assert_eq!(if prf.is_empty() { kdf } else { prf }, p, "{rel}");
                    assert_eq!((cipher, iterations), (c, i), "{rel}");
                }
                other => panic!("{rel}: {other:?}"),
            }
        }
    }

    #[test]
    fn extra_rsa_forms_match_openssl() {
        let expected = openssl_spki_sha256("keys-extra/rsa.spki.sha256");
        let pw = password();
        for rel in [
            "keys-extra/rsa.pkcs8.pem",
            "keys-extra/rsa.pkcs1-enc-aes192.pem",
            "keys-extra/rsa.pkcs1-enc-des.pem",
            "keys-extra/rsa.pkcs8-enc-scrypt.pem",
            "keys-extra/rsa.pkcs8-enc-sha1-aes128.pem",
        ] {
            let info = parse(rel, Some(&pw)).unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_rsa_leaf(&info, &expected);
        }
        // RSA-PSS: the SPKI keeps the id-RSASSA-PSS algorithm, as OpenSSL's does.
        let info = parse("keys-extra/rsa-pss.pkcs8.pem", None).unwrap();
        assert_eq!(
            info.spki_sha256,
            Some(openssl_spki_sha256("keys-extra/rsa-pss.spki.sha256"))
        );
        assert_eq!(info.algorithm, Some(KeyAlgorithm::Rsa { bits: 2048 }));
        assert_eq!(info.consistent, Some(true));
    }

    #[test]
    fn other_certificates_and_keys() {
        let info = parse("keys/leaf-rsa1024.pkcs8.pem", None).unwrap();
        assert_eq!(
            info.spki_sha256,
            Some(cert_spki_sha256("pki/leaf-rsa1024.pem"))
        );
        assert_eq!(info.algorithm, Some(KeyAlgorithm::Rsa { bits: 1024 }));
        let info = parse("keys/codesign-rsa.pkcs8.pem", None).unwrap();
        assert_eq!(
            info.spki_sha256,
            Some(cert_spki_sha256("pki/leaf-codesign.pem"))
        );
        let info = parse("keys/other-rsa.pkcs8.pem", None).unwrap();
        assert_eq!(info.consistent, Some(true));
        assert_ne!(info.spki_sha256, Some(cert_spki_sha256("pki/leaf-rsa.pem")));
    }

    #[test]
    fn ec_keys_give_the_ec_certificate_key() {
        let expected = cert_spki_sha256("pki/leaf-ec.pem");
        for (rel, format) in [
            ("keys/leaf-ec.sec1.pem", KeyFormat::Sec1Ec),
            ("keys/leaf-ec.pkcs8.pem", KeyFormat::Pkcs8),
        ] {
            let info = parse(rel, None).unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_eq!(info.format, format);
            assert_eq!(info.spki_sha256, Some(expected), "{rel}");
            assert_eq!(
                info.algorithm,
                Some(KeyAlgorithm::Ec {
                    curve: "P-256".into()
                })
            );
            assert_eq!(info.consistent, Some(true), "{rel}");
            let again = key_from_pkcs8(info.pkcs8_der.as_ref().unwrap().expose()).unwrap();
            assert_eq!(again.spki_sha256, Some(expected));
        }
    }

    #[test]
    fn extra_ec_forms_match_openssl() {
        let pw = password();
        let p256 = openssl_spki_sha256("keys-extra/p256.spki.sha256");
        for (rel, consistent) in [
            ("keys-extra/p256.sec1.pem", Some(true)),
            ("keys-extra/p256.pkcs8.pem", Some(true)),
            ("keys-extra/p256.sec1-nopub.pem", None),
            ("keys-extra/p256.sec1-enc-aes256.pem", Some(true)),
            ("keys-extra/p256.sec1-enc-des3.pem", Some(true)),
        ] {
            let info = parse(rel, Some(&pw)).unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_eq!(info.spki_sha256, Some(p256), "{rel}");
            assert_eq!(info.consistent, consistent, "{rel}");
        }
        for (name, curve, consistent) in [
            ("p384", "P-384", Some(true)),
            ("p521", "P-521", None),
            ("secp256k1", "secp256k1", None),
        ] {
            let expected = openssl_spki_sha256(&format!("keys-extra/{name}.spki.sha256"));
            for form in ["sec1", "pkcs8"] {
                let rel = format!("keys-extra/{name}.{form}.pem");
                let info = parse(&rel, None).unwrap_or_else(|e| panic!("{rel}: {e}"));
                assert_eq!(info.spki_sha256, Some(expected), "{rel}");
                assert_eq!(
                    info.algorithm,
                    Some(KeyAlgorithm::Ec {
                        curve: curve.into()
                    })
                );
                assert_eq!(info.consistent, consistent, "{rel}");
            }
        }
    }

    #[test]
    fn sec1_with_a_foreign_public_point_is_inconsistent() {
        let info = parse("keys-extra/p256.sec1-wrong-pub.pem", None).unwrap();
        assert_eq!(info.consistent, Some(false));
        // The public key reported is the one the private scalar really has.
        assert_eq!(
            info.spki_sha256,
            Some(openssl_spki_sha256("keys-extra/p256.spki.sha256"))
        );
    }

    #[test]
    fn rsa_with_altered_modulus_is_inconsistent_not_an_error() {
        let info = parse("keys/rsa-modulus-mismatch.pkcs1.pem", None).unwrap();
        assert_eq!(info.consistent, Some(false));
        assert_eq!(info.algorithm, Some(KeyAlgorithm::Rsa { bits: 2048 }));
        assert!(info.spki_sha256.is_some());
        assert_ne!(info.spki_sha256, Some(cert_spki_sha256("pki/leaf-rsa.pem")));
    }

    #[test]
    fn encrypted_without_password_needs_one() {
        for rel in [
            "keys/leaf-rsa.pkcs8-enc-aes256.pem",
            "keys/leaf-rsa.pkcs8-enc-sha1-3des.pem",
            "keys/leaf-rsa.pkcs1-enc-aes128.pem",
            "keys/leaf-rsa.pkcs1-enc-aes256.pem",
            "keys/leaf-rsa.pkcs1-enc-des3.pem",
            "keys-extra/rsa.pkcs1-enc-aes192.pem",
            "keys-extra/rsa.pkcs1-enc-des.pem",
            "keys-extra/rsa.pkcs8-enc-scrypt.pem",
            "keys-extra/p256.sec1-enc-aes256.pem",
        ] {
            match parse(rel, None) {
                Err(KeyError::PasswordNeeded { encryption }) => {
                    assert_ne!(encryption, KeyEncryption::None, "{rel}");
                    assert!(
                        !matches!(encryption, KeyEncryption::Unknown { .. }),
                        "{rel}"
                    );
                }
                other => panic!("{rel}: {other:?}"),
            }
        }
        // The same through the DER entry point.
        let body = pem("keys/leaf-rsa.pkcs8-enc-aes256.pem").body;
        assert!(matches!(
            parse_der_key(&body, None, &Limits::default()),
            Err(KeyError::PasswordNeeded {
                encryption: KeyEncryption::Pbes2 { .. }
            })
        ));
    }

    #[test]
    fn wrong_password_is_reported_for_every_scheme() {
        let wrong = Password::new("battery staple");
        for rel in [
            "keys/leaf-rsa.pkcs8-enc-aes256.pem",
            "keys/leaf-rsa.pkcs8-enc-sha1-3des.pem",
            "keys/leaf-rsa.pkcs1-enc-aes128.pem",
            "keys/leaf-rsa.pkcs1-enc-aes256.pem",
            "keys/leaf-rsa.pkcs1-enc-des3.pem",
            "keys-extra/rsa.pkcs1-enc-aes192.pem",
            "keys-extra/rsa.pkcs1-enc-des.pem",
            "keys-extra/rsa.pkcs8-enc-scrypt.pem",
            "keys-extra/rsa.pkcs8-enc-sha1-aes128.pem",
            "keys-extra/p256.sec1-enc-aes256.pem",
            "keys-extra/p256.sec1-enc-des3.pem",
        ] {
            match parse(rel, Some(&wrong)) {
                Err(e @ KeyError::WrongPassword { .. }) => {
                    assert!(!format!("{e} {e:?}").contains("battery"), "{rel}");
                }
                other => panic!("{rel}: {other:?}"),
            }
        }
        // The empty password is a password too, and a wrong one here.
        assert!(matches!(
            parse(
                "keys/leaf-rsa.pkcs1-enc-aes128.pem",
                Some(&Password::empty())
            ),
            Err(KeyError::WrongPassword { .. })
        ));
    }

    #[test]
    fn pbes1_is_recognised_but_not_decrypted() {
        let rel = "keys-extra/rsa.pkcs8-enc-pbes1-md5-des.pem";
        match parse(rel, None) {
            Err(KeyError::PasswordNeeded {
                encryption: KeyEncryption::Pbes1 { alg, iterations },
            }) => {
                assert_eq!(alg, "pbe-md5-des");
                assert_eq!(iterations, 2048);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse(rel, Some(&password())),
            Err(KeyError::Unsupported { .. })
        ));
    }

    #[test]
    fn iteration_limit_is_checked_before_deriving() {
        let pw = password();
        let limits = Limits {
            max_kdf_iterations: 1000,
            ..Limits::default()
        };
        for rel in [
            "keys/leaf-rsa.pkcs8-enc-aes256.pem",
            "keys/leaf-rsa.pkcs8-enc-sha1-3des.pem",
        ] {
            match parse_with(rel, Some(&pw), &limits) {
                Err(KeyError::IterationsTooHigh {
                    iterations: 2048,
                    limit: 1000,
                }) => {}
                other => panic!("{rel}: {other:?}"),
            }
        }
        // scrypt N=16384, r=8, p=1 counts as 131072.
        match parse_with("keys-extra/rsa.pkcs8-enc-scrypt.pem", Some(&pw), &limits) {
            Err(KeyError::IterationsTooHigh {
                iterations: 131_072,
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        // A hostile count (2^31-1) patched into the PBES2 parameters is refused at once.
        let mut body = pem("keys/leaf-rsa.pkcs8-enc-aes256.pem").body;
        let at = body
            .windows(4)
            .position(|w| w == [0x02, 0x02, 0x08, 0x00])
            .expect("iteration INTEGER 2048");
        body.splice(at..at + 4, [0x02, 0x04, 0x7f, 0xff, 0xff, 0xff]);
        fix_lengths(&mut body, at, 2);
        let started = std::time::Instant::now();
        match parse_der_key(&body, Some(&pw), &Limits::default()) {
            Err(KeyError::IterationsTooHigh {
                iterations: 2_147_483_647,
                limit: 1_000_000,
            }) => {}
            other => panic!("{other:?}"),
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    /// After inserting `grown` bytes at `at`, adds `grown` to the length of every enclosing
    /// constructed element (short or one/two-byte long form, as in these fixtures).
    fn fix_lengths(der: &mut Vec<u8>, at: usize, grown: usize) {
        let mut pos = 0;
        loop {
            let tag = der[pos];
            let (len, hdr) = match der[pos + 1] {
                l if l < 0x80 => (l as usize, 2),
                0x81 => (der[pos + 2] as usize, 3),
                0x82 => ((der[pos + 2] as usize) << 8 | der[pos + 3] as usize, 4),
                _ => unreachable!(),
            };
            if tag & 0x20 == 0 || pos + hdr > at {
                return;
            }
            let new = len + grown;
            let encoded: Vec<u8> = match hdr {
                2 if new < 0x80 => vec![new as u8],
                2 | 3 if new < 0x100 => vec![0x81, new as u8],
                _ => vec![0x82, (new >> 8) as u8, new as u8],
            };
            assert_eq!(encoded.len() + 1, hdr, "length form must not change");
            der.splice(pos + 1..pos + hdr, encoded);
            // Step into the child that contains `at`.
            let mut child = pos + hdr;
            loop {
                let clen = match der[child + 1] {
                    l if l < 0x80 => (l as usize, 2),
                    0x81 => (der[child + 2] as usize, 3),
                    0x82 => ((der[child + 2] as usize) << 8 | der[child + 3] as usize, 4),
                    _ => unreachable!(),
                };
                if child + clen.1 + clen.0 > at {
                    break;
                }
                child += clen.1 + clen.0;
            }
            pos = child;
        }
    }

    #[test]
    fn damaged_keys_are_malformed() {
        match parse("keys/corrupt-body.pkcs8.pem", None) {
            Err(KeyError::Malformed {
                format: KeyFormat::Pkcs8,
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        assert!(parse_der_key(
            &pem("keys/corrupt-body.pkcs8.pem").body,
            None,
            &Limits::default()
        )
        .is_err());
        // A certificate under a PRIVATE KEY label.
        assert!(matches!(
            parse("broken/wrong-label.pem", None),
            Err(KeyError::Malformed {
                format: KeyFormat::Pkcs8,
                ..
            })
        ));
        // Truncated DER of each plain form keeps its format in the error.
        let pkcs1 = pem("keys/leaf-rsa.pkcs1.pem").body;
        match parse_der_key(&pkcs1[..pkcs1.len() / 2], None, &Limits::default()) {
            Err(KeyError::Malformed {
                format: KeyFormat::Pkcs1Rsa,
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        let sec1 = pem("keys/leaf-ec.sec1.pem").body;
        match parse_der_key(&sec1[..sec1.len() - 3], None, &Limits::default()) {
            Err(KeyError::Malformed {
                format: KeyFormat::Sec1Ec,
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_der_key(&read("broken/random-4k.bin"), None, &Limits::default()),
            Err(KeyError::NotAKey { .. } | KeyError::Malformed { .. })
        ));
        assert!(parse_der_key(&[], None, &Limits::default()).is_err());
    }

    #[test]
    fn der_files_of_every_structure() {
        let expected = openssl_spki_sha256("keys-extra/rsa.spki.sha256");
        let pw = password();
        for (rel, format) in [
            ("keys-extra/rsa.pkcs8.der", KeyFormat::Pkcs8),
            ("keys-extra/rsa.pkcs1.der", KeyFormat::Pkcs1Rsa),
            (
                "keys-extra/rsa.pkcs8-enc-aes256.der",
                KeyFormat::EncryptedPkcs8,
            ),
            (
                "keys-extra/rsa.pkcs8-enc-sha1-3des.der",
                KeyFormat::EncryptedPkcs8,
            ),
        ] {
            let info = parse(rel, Some(&pw)).unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_eq!(info.format, format, "{rel}");
            assert_rsa_leaf(&info, &expected);
        }
        let info = parse("keys-extra/p256.sec1.der", None).unwrap();
        assert_eq!(info.format, KeyFormat::Sec1Ec);
        assert_eq!(
            info.spki_sha256,
            Some(openssl_spki_sha256("keys-extra/p256.spki.sha256"))
        );
    }

    #[test]
    fn other_der_is_not_a_key() {
        for rel in [
            "pki/leaf-rsa.der",
            "broken/truncated.der",
            "csr/leaf-rsa.csr.der",
            "p7/leaf-int.p7b",
            "p12/default.pfx",
            "broken/empty.crt",
            "broken/html-error-page.crt",
        ] {
            match parse_der_key(&read(rel), None, &Limits::default()) {
                Err(KeyError::NotAKey { .. }) => {}
                other => panic!("{rel}: {other:?}"),
            }
        }
        // DigestInfo { sha256, OCTET STRING }: the shape of EncryptedPrivateKeyInfo, no scheme.
        let mut digest_info = vec![
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ];
        digest_info.extend([0xab; 32]);
        assert!(matches!(
            parse_der_key(&digest_info, None, &Limits::default()),
            Err(KeyError::NotAKey { .. })
        ));
        let dsa = pem("keys-extra/dsa.traditional.pem").body;
        assert!(matches!(
            parse_der_key(&dsa, None, &Limits::default()),
            Err(KeyError::Unsupported { .. })
        ));
    }

    #[test]
    fn der_entry_point_reads_every_structure() {
        let pw = password();
        let leaf = cert_spki_sha256("pki/leaf-rsa.pem");
        for (rel, format) in [
            ("keys/leaf-rsa.pkcs1.pem", KeyFormat::Pkcs1Rsa),
            (
                "keys/leaf-rsa.pkcs8-enc-aes256.pem",
                KeyFormat::EncryptedPkcs8,
            ),
            (
                "keys/leaf-rsa.pkcs8-enc-sha1-3des.pem",
                KeyFormat::EncryptedPkcs8,
            ),
        ] {
            let info = parse_der_key(&pem(rel).body, Some(&pw), &Limits::default()).unwrap();
            assert_eq!(info.format, format);
            assert_eq!(info.spki_sha256, Some(leaf));
        }
        let info =
            parse_der_key(&pem("keys/leaf-ec.sec1.pem").body, None, &Limits::default()).unwrap();
        assert_eq!(info.format, KeyFormat::Sec1Ec);
        assert_eq!(info.spki_sha256, Some(cert_spki_sha256("pki/leaf-ec.pem")));
    }

    #[test]
    fn unsupported_inputs_are_refused_gracefully() {
        assert!(matches!(
            parse("keys-extra/dsa.traditional.pem", None),
            Err(KeyError::Unsupported { .. })
        ));
        let info = parse("keys-extra/dsa.pkcs8.pem", None).unwrap();
        assert_eq!(info.algorithm, Some(KeyAlgorithm::Dsa { bits: 2048 }));
        assert_eq!(info.spki_der, None);
        let info = parse("keys-extra/ed25519.pkcs8.pem", None).unwrap();
        assert_eq!(info.algorithm, Some(KeyAlgorithm::Ed25519));
        // OpenSSL writes a version 1 PKCS#8 without the public key: nothing to derive it from.
        assert_eq!(info.spki_der, None);
        assert!(matches!(
            parse_pem_key("OPENSSH PRIVATE KEY", &[], b"xx", None, &Limits::default()),
            Err(KeyError::Unsupported { .. })
        ));
        let p = pem("keys/leaf-rsa.pkcs1-enc-aes128.pem");
        let with = |dek: &str| {
            vec![
                ("Proc-Type".to_string(), "4,ENCRYPTED".to_string()),
                ("DEK-Info".to_string(), dek.to_string()),
            ]
        };
        let pw = password();
        let run = |headers: &[(String, String)]| {
            parse_pem_key(
                "RSA PRIVATE KEY",
                headers,
                &p.body,
                Some(&pw),
                &Limits::default(),
            )
        };
        assert!(matches!(
            run(&with("BF-CBC,0011223344556677")),
            Err(KeyError::Unsupported { .. })
        ));
        assert!(matches!(
            run(&with("AES-128-CBC,00112233")),
            Err(KeyError::Malformed { .. })
        ));
        assert!(matches!(
            run(&with("AES-128-CBC,zz112233445566778899aabbccddeeff")),
            Err(KeyError::Malformed { .. })
        ));
        assert!(matches!(
            run(&[("Proc-Type".to_string(), "4,ENCRYPTED".to_string())]),
            Err(KeyError::Malformed { .. })
        ));
        let limits = Limits {
            max_file_size: 100,
            ..Limits::default()
        };
        assert!(matches!(
            parse_with("keys/leaf-rsa.pkcs8.pem", None, &limits),
            Err(KeyError::TooLarge { .. })
        ));
    }

    #[test]
    fn debug_and_errors_never_show_key_bytes() {
        let pw = password();
        let info = parse("keys/leaf-rsa.pkcs8-enc-aes256.pem", Some(&pw)).unwrap();
        let debug = format!("{info:?}");
        let pkcs8 = info.pkcs8_der.as_ref().unwrap().expose();
        let key = RsaPrivateKeyRef::from_der(
            pkcs8::PrivateKeyInfoRef::from_der(pkcs8)
                .unwrap()
                .private_key
                .as_bytes(),
        )
        .unwrap();
        let d = key.private_exponent.as_bytes();
        let p = key.prime1.as_bytes();
        for secret in [d, p, &pkcs8[pkcs8.len() - 64..]] {
            for window in secret.windows(6) {
                let lower: String = window.iter().map(|b| format!("{b:02x}")).collect();
                let upper = lower.to_ascii_uppercase();
                let list = format!("{window:?}");
                let list = &list[1..list.len() - 1];
                assert!(!debug.contains(&lower) && !debug.contains(&upper));
                assert!(!debug.contains(list), "{debug}");
            }
        }
        assert!(debug.contains("redacted"));
        assert!(!debug.contains("correct horse"));
        // The public facts are shown.
        assert!(debug.contains("spki_sha256"));
        let err = parse("keys/leaf-rsa.pkcs1-enc-aes128.pem", None).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("correct"));
    }

    #[test]
    fn serde_shapes_are_stable() {
        let alg = serde_json::to_value(KeyAlgorithm::Rsa { bits: 2048 }).unwrap();
        assert_eq!(alg, serde_json::json!({"kind": "rsa", "bits": 2048}));
        let enc = serde_json::to_value(KeyEncryption::Traditional {
            cipher: "AES-128-CBC".into(),
        })
        .unwrap();
        assert_eq!(
            enc,
            serde_json::json!({"kind": "traditional", "cipher": "AES-128-CBC"})
        );
        assert_eq!(
            serde_json::to_value(KeyFormat::EncryptedPkcs8).unwrap(),
            serde_json::json!("encrypted_pkcs8")
        );
    }

    #[test]
    fn evp_bytes_to_key_matches_openssl() {
        // `openssl enc -aes-256-cbc -P -md md5 -S 0102030405060708 -pass pass:secret` prints
        // key=C9E5A1BD…AA2879AB (two MD5 blocks); the first 24 bytes are the DES-EDE3 key.
        let expected =
            decode_hex("C9E5A1BD216DBE1317E230CEF48F38EE7F0E17AD64022144BCCEC4A1AA2879AB").unwrap();
        let salt = [1, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(
            &evp_bytes_to_key_md5(b"secret", &salt, 32)[..],
            &expected[..]
        );
        assert_eq!(
            &evp_bytes_to_key_md5(b"secret", &salt, 24)[..],
            &expected[..24]
        );
        assert_eq!(
            &evp_bytes_to_key_md5(b"secret", &salt, 8)[..],
            &expected[..8]
        );
    }

    fn mutation_corpus() -> Vec<Pem> {
        [
            "keys/leaf-rsa.pkcs8.pem",
            "keys/leaf-rsa.pkcs1.pem",
            "keys/leaf-rsa.pkcs8-enc-aes256.pem",
            "keys/leaf-rsa.pkcs8-enc-sha1-3des.pem",
            "keys/leaf-rsa.pkcs1-enc-aes128.pem",
            "keys/leaf-ec.sec1.pem",
            "keys/leaf-ec.pkcs8.pem",
            "keys-extra/p384.sec1.pem",
            "keys-extra/p521.pkcs8.pem",
            "keys-extra/ed25519.pkcs8.pem",
            "keys-extra/dsa.pkcs8.pem",
            "keys-extra/rsa-pss.pkcs8.pem",
            "keys-extra/rsa.pkcs8-enc-scrypt.pem",
            "keys-extra/p256.sec1-enc-des3.pem",
        ]
        .iter()
        .map(|rel| pem(rel))
        .collect()
    }

    fn fuzz_limits() -> Limits {
        // Small enough that a mutated count cannot make a case slow.
        Limits {
            max_kdf_iterations: 4096,
            ..Limits::default()
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600),
                                       label in 0usize..6, with_pw in any::<bool>()) {
            let pw = password();
            let pw = with_pw.then_some(&pw);
            let limits = fuzz_limits();
            let _ = parse_der_key(&bytes, pw, &limits);
            let _ = key_from_pkcs8(&bytes);
            let labels = ["PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY",
                          "EC PRIVATE KEY", "DSA PRIVATE KEY", "X"];
            let _ = parse_pem_key(labels[label], &[], &bytes, pw, &limits);
            let headers = vec![
                ("Proc-Type".to_string(), "4,ENCRYPTED".to_string()),
                ("DEK-Info".to_string(), "DES-EDE3-CBC,0102030405060708".to_string()),
            ];
            let _ = parse_pem_key(labels[label], &headers, &bytes, pw, &limits);
        }

        #[test]
        fn mutated_real_keys_never_panic(which in 0usize..14, at in any::<usize>(),
                                         xor in 1u8..=255, cut in any::<usize>(),
                                         truncate in any::<bool>()) {
            let corpus = mutation_corpus();
            let Pem { label, headers, body } = &corpus[which % corpus.len()];
            let mut bytes = body.clone();
            let i = at % bytes.len();
            bytes[i] ^= xor;
            if truncate {
                bytes.truncate(cut % bytes.len());
            }
            let pw = password();
            let limits = fuzz_limits();
            let _ = parse_pem_key(label, headers, &bytes, Some(&pw), &limits);
            let _ = parse_der_key(&bytes, Some(&pw), &limits);
        }
    }
}
