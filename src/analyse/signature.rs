//! Signature verification for certificates and certificate requests.
//!
//! The signed bytes are taken from the encoding exactly as received ([`split_signed`]), never
//! re-encoded, so a certificate whose encoding is not perfectly canonical still verifies the way
//! OpenSSL and Windows verify it.
//!
//! Supported: RSA PKCS#1 v1.5 with SHA-1/224/256/384/512, RSASSA-PSS with SHA-256/384/512
//! (MGF1 with the same hash, any salt length, trailer field 0xBC), and ECDSA on P-256 and P-384
//! with SHA-1/224/256/384/512. The arithmetic is the `rsa`, `p256` and `p384` crates'; this file
//! only picks the scheme from the algorithm identifier.

use const_oid::ObjectIdentifier;
use der::asn1::BitString;
use der::{Decode, Encode, Reader, SliceReader};
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// Why a signature could not be verified.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum SigError {
    /// The signature algorithm (or its hash / mask generation function) is not supported.
    #[error("unsupported signature algorithm {oid}")]
    UnsupportedAlgorithm {
        /// The algorithm as a dotted OID, with the inner detail for RSASSA-PSS.
        oid: String,
    },
    /// The issuer's public key is of a kind or size that cannot be used.
    #[error("unsupported issuer key: {detail}")]
    UnsupportedKey {
        /// What is wrong with the key.
        detail: String,
    },
    /// The signed structure, the signature or the key could not be decoded.
    #[error("malformed signed data: {detail}")]
    Malformed {
        /// What could not be decoded.
        detail: String,
    },
    /// The signature does not match the data and the key.
    #[error("the signature does not verify with the issuer's key")]
    Invalid,
}

/// Hash functions a signature algorithm may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Md2,
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn name(self) -> &'static str {
        match self {
            Hash::Md2 => "md2",
            Hash::Md5 => "md5",
            Hash::Sha1 => "sha1",
            Hash::Sha224 => "sha224",
            Hash::Sha256 => "sha256",
            Hash::Sha384 => "sha384",
            Hash::Sha512 => "sha512",
        }
    }

    fn from_digest_oid(oid: &ObjectIdentifier) -> Option<Hash> {
        Some(match *oid {
            OID_MD2 => Hash::Md2,
            OID_MD5 => Hash::Md5,
            OID_SHA1 => Hash::Sha1,
            OID_SHA224 => Hash::Sha224,
            OID_SHA256 => Hash::Sha256,
            OID_SHA384 => Hash::Sha384,
            OID_SHA512 => Hash::Sha512,
            _ => return None,
        })
    }

    fn digest(self, data: &[u8]) -> Option<Vec<u8>> {
        Some(match self {
            Hash::Sha1 => Sha1::digest(data).to_vec(),
            Hash::Sha224 => Sha224::digest(data).to_vec(),
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
            Hash::Md2 | Hash::Md5 => return None,
        })
    }
}

/// The family of a signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    RsaPkcs1(Hash),
    RsaPss { hash: Hash, salt_len: usize },
    Ecdsa(Hash),
    Dsa(Hash),
}

const OID_MD2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.2.2");
const OID_MD5: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.2.5");
const OID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const OID_SHA224: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.4");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const OID_MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");

const OID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_MD2_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.2");
const OID_MD5_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.4");
const OID_SHA1_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
const OID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const OID_SHA256_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const OID_SHA384_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const OID_SHA512_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const OID_SHA224_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.14");
/// `sha1WithRSASignature` from OIW, still found in very old certificates.
const OID_SHA1_RSA_OIW: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.29");

const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_ECDSA_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");
const OID_ECDSA_SHA224: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.1");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const OID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const OID_ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");

const OID_DSA_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.3");
const OID_DSA_SHA224: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.1");
const OID_DSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.2");

const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");

/// Largest RSA modulus accepted, in bits (the `rsa` crate's own ceiling).
const RSA_MAX_BITS: usize = 8192;
/// Smallest RSA modulus accepted, in bits. Smaller keys are refused as unsupported rather than
/// verified: no client accepts them any more.
const RSA_MIN_BITS: usize = 1024;

/// Works out the scheme named by an algorithm identifier.
fn scheme_of(alg: &AlgorithmIdentifierOwned) -> Result<Scheme, SigError> {
    let unsupported = || SigError::UnsupportedAlgorithm {
        oid: alg.oid.to_string(),
    };
    Ok(match alg.oid {
        OID_MD2_RSA => Scheme::RsaPkcs1(Hash::Md2),
        OID_MD5_RSA => Scheme::RsaPkcs1(Hash::Md5),
        OID_SHA1_RSA | OID_SHA1_RSA_OIW => Scheme::RsaPkcs1(Hash::Sha1),
        OID_SHA224_RSA => Scheme::RsaPkcs1(Hash::Sha224),
        OID_SHA256_RSA => Scheme::RsaPkcs1(Hash::Sha256),
        OID_SHA384_RSA => Scheme::RsaPkcs1(Hash::Sha384),
        OID_SHA512_RSA => Scheme::RsaPkcs1(Hash::Sha512),
        OID_RSASSA_PSS => pss_scheme(alg)?,
        OID_ECDSA_SHA1 => Scheme::Ecdsa(Hash::Sha1),
        OID_ECDSA_SHA224 => Scheme::Ecdsa(Hash::Sha224),
        OID_ECDSA_SHA256 => Scheme::Ecdsa(Hash::Sha256),
        OID_ECDSA_SHA384 => Scheme::Ecdsa(Hash::Sha384),
        OID_ECDSA_SHA512 => Scheme::Ecdsa(Hash::Sha512),
        OID_DSA_SHA1 => Scheme::Dsa(Hash::Sha1),
        OID_DSA_SHA224 => Scheme::Dsa(Hash::Sha224),
        OID_DSA_SHA256 => Scheme::Dsa(Hash::Sha256),
        _ => return Err(unsupported()),
    })
}

/// Reads RSASSA-PSS-params (RFC 8017 A.2.3). The message hash and the MGF1 hash must be the
/// same (the `rsa` crate uses one digest for both; every issuing CA does the same).
fn pss_scheme(alg: &AlgorithmIdentifierOwned) -> Result<Scheme, SigError> {
    let params = alg.parameters.as_ref().ok_or_else(|| SigError::Malformed {
        detail: "RSASSA-PSS without parameters".into(),
    })?;
    let params_der = params.to_der().map_err(|e| SigError::Malformed {
        detail: format!("RSASSA-PSS parameters: {e}"),
    })?;
    let pss = pkcs1::RsaPssParams::<der::Any>::from_der(&params_der).map_err(|e| {
        SigError::Malformed {
            detail: format!("RSASSA-PSS parameters: {e}"),
        }
    })?;
    let hash =
        Hash::from_digest_oid(&pss.hash.oid).ok_or_else(|| SigError::UnsupportedAlgorithm {
            oid: format!("{OID_RSASSA_PSS} (hash {})", pss.hash.oid),
        })?;
    if pss.mask_gen.oid != OID_MGF1 {
        return Err(SigError::UnsupportedAlgorithm {
            oid: format!("{OID_RSASSA_PSS} (mask generation {})", pss.mask_gen.oid),
        });
    }
    let mgf_hash = pss
        .mask_gen
        .parameters
        .as_ref()
        .map(|p| p.oid)
        .unwrap_or(OID_SHA1);
    if Hash::from_digest_oid(&mgf_hash) != Some(hash) {
        return Err(SigError::UnsupportedAlgorithm {
            oid: format!(
                "{OID_RSASSA_PSS} (hash {} with MGF1 hash {mgf_hash})",
                pss.hash.oid
            ),
        });
    }
    Ok(Scheme::RsaPss {
        hash,
        salt_len: usize::from(pss.salt_len),
    })
}

/// Verifies `signature` over `tbs` (the exact signed bytes) with the issuer's public key.
///
/// `alg` is the signature algorithm named in the signed structure. Returns `Ok(())` only when
/// the signature is mathematically valid for this key; [`SigError::Invalid`] when it is not;
/// the other variants when the check could not be made at all.
pub fn verify(
    tbs: &[u8],
    alg: &AlgorithmIdentifierOwned,
    signature: &[u8],
    issuer_spki: &SubjectPublicKeyInfoOwned,
) -> Result<(), SigError> {
    let scheme = scheme_of(alg)?;
    match scheme {
        Scheme::RsaPkcs1(hash) => {
            let key = rsa_key(issuer_spki)?;
            let hashed = hash
                .digest(tbs)
                .ok_or_else(|| SigError::UnsupportedAlgorithm {
                    oid: alg.oid.to_string(),
                })?;
            let padding = match hash {
                Hash::Sha1 => rsa::Pkcs1v15Sign::new::<Sha1>(),
                Hash::Sha224 => rsa::Pkcs1v15Sign::new::<Sha224>(),
                Hash::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
                Hash::Sha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
                Hash::Sha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
                Hash::Md2 | Hash::Md5 => {
                    return Err(SigError::UnsupportedAlgorithm {
                        oid: alg.oid.to_string(),
                    })
                }
            };
            key.verify(padding, &hashed, signature)
                .map_err(|_| SigError::Invalid)
        }
        Scheme::RsaPss { hash, salt_len } => {
            let key = rsa_key(issuer_spki)?;
            let hashed = hash
                .digest(tbs)
                .ok_or_else(|| SigError::UnsupportedAlgorithm {
                    oid: alg.oid.to_string(),
                })?;
            let result = match hash {
                Hash::Sha256 => key.verify(
                    rsa::Pss::<Sha256>::new_with_salt(salt_len),
                    &hashed,
                    signature,
                ),
                Hash::Sha384 => key.verify(
                    rsa::Pss::<Sha384>::new_with_salt(salt_len),
                    &hashed,
                    signature,
                ),
                Hash::Sha512 => key.verify(
                    rsa::Pss::<Sha512>::new_with_salt(salt_len),
                    &hashed,
                    signature,
                ),
                other => {
                    return Err(SigError::UnsupportedAlgorithm {
                        oid: format!("{OID_RSASSA_PSS} (hash {})", other.name()),
                    })
                }
            };
            result.map_err(|_| SigError::Invalid)
        }
        Scheme::Ecdsa(hash) => {
            let prehash = hash
                .digest(tbs)
                .ok_or_else(|| SigError::UnsupportedAlgorithm {
                    oid: alg.oid.to_string(),
                })?;
            verify_ecdsa(&prehash, signature, issuer_spki)
        }
        Scheme::Dsa(_) => Err(SigError::UnsupportedAlgorithm {
            oid: alg.oid.to_string(),
        }),
    }
}

/// Builds an RSA public key from an SPKI (`rsaEncryption` or a PSS-restricted RSA key).
fn rsa_key(spki: &SubjectPublicKeyInfoOwned) -> Result<rsa::PublicKey, SigError> {
    if spki.algorithm.oid != OID_RSA_ENCRYPTION && spki.algorithm.oid != OID_RSASSA_PSS {
        return Err(SigError::UnsupportedKey {
            detail: format!(
                "an RSA signature needs an RSA key, the issuer key is {}",
                key_algorithm_name(&spki.algorithm.oid)
            ),
        });
    }
    let bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| SigError::Malformed {
            detail: "RSA public key bit string has unused bits".into(),
        })?;
    let pkcs1_key = pkcs1::RsaPublicKeyRef::from_der(bits).map_err(|e| SigError::Malformed {
        detail: format!("RSA public key: {e}"),
    })?;
    let n = pkcs1_key.modulus.as_bytes();
    let n_bits = modulus_bits(n);
    if n_bits > RSA_MAX_BITS {
        return Err(SigError::UnsupportedKey {
            detail: format!("RSA modulus of {n_bits} bits exceeds {RSA_MAX_BITS}"),
        });
    }
    if n_bits < RSA_MIN_BITS {
        return Err(SigError::UnsupportedKey {
            detail: format!("RSA modulus of {n_bits} bits is below {RSA_MIN_BITS}"),
        });
    }
    rsa::PublicKey::try_from(pkcs1_key).map_err(|err| SigError::UnsupportedKey {
        detail: format!("RSA public key rejected: {err}"),
    })
}

/// Bit length of a big-endian unsigned integer (leading zero bytes ignored).
fn modulus_bits(bytes: &[u8]) -> usize {
    let trimmed: &[u8] = match bytes.iter().position(|b| *b != 0) {
        Some(first) => bytes.get(first..).unwrap_or(&[]),
        None => &[],
    };
    match trimmed.first() {
        Some(top) => (trimmed.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
        None => 0,
    }
}

/// Verifies an ECDSA signature (DER `Ecdsa-Sig-Value`) over a hash already computed.
fn verify_ecdsa(
    prehash: &[u8],
    signature: &[u8],
    spki: &SubjectPublicKeyInfoOwned,
) -> Result<(), SigError> {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;

    if spki.algorithm.oid != OID_EC_PUBLIC_KEY {
        return Err(SigError::UnsupportedKey {
            detail: format!(
                "an ECDSA signature needs an EC key, the issuer key is {}",
                key_algorithm_name(&spki.algorithm.oid)
            ),
        });
    }
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
        .ok_or_else(|| SigError::UnsupportedKey {
            detail: "EC key without a named curve".into(),
        })?;
    let point = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| SigError::Malformed {
            detail: "EC public key bit string has unused bits".into(),
        })?;
    match curve {
        OID_P256 => {
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| {
                SigError::Malformed {
                    detail: "P-256 public key point".into(),
                }
            })?;
            let sig =
                p256::ecdsa::Signature::from_der(signature).map_err(|_| SigError::Malformed {
                    detail: "ECDSA signature encoding".into(),
                })?;
            key.verify_prehash(prehash, &sig)
                .map_err(|_| SigError::Invalid)
        }
        OID_P384 => {
            let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| {
                SigError::Malformed {
                    detail: "P-384 public key point".into(),
                }
            })?;
            let sig =
                p384::ecdsa::Signature::from_der(signature).map_err(|_| SigError::Malformed {
                    detail: "ECDSA signature encoding".into(),
                })?;
            key.verify_prehash(prehash, &sig)
                .map_err(|_| SigError::Invalid)
        }
        other => Err(SigError::UnsupportedKey {
            detail: format!("EC curve {} is not supported", curve_name(&other)),
        }),
    }
}

/// The public keys an ECDSA signature is valid under, recovered from the signature itself
/// (public-key recovery, SEC 1 v2 §4.1.6: at most four points, one per recovery id).
///
/// A signature `(r, s)` verifies under `Q` exactly when `Q` is one of these points, so with many
/// same-name issuer candidates (look-alike intermediates) one recovery, about the cost of two
/// verifications, replaces a verification per candidate: a candidate whose key is not listed
/// cannot have made the signature. The `ecdsa` crate does the arithmetic.
#[derive(Debug, Clone)]
pub struct EcdsaSigners {
    curve: ObjectIdentifier,
    /// Uncompressed SEC1 encodings.
    points: Vec<Vec<u8>>,
}

impl EcdsaSigners {
    /// Could the key in `spki` have made the signature? `false` is certain; `true` still
    /// deserves a verification before a chain relies on it.
    pub fn may_have_signed(&self, spki: &SubjectPublicKeyInfoOwned) -> bool {
        let Some((curve, point)) = ec_point(spki) else {
            return false;
        };
        if curve != self.curve {
            return false;
        }
        let uncompressed: Vec<u8> = if point.first() == Some(&4) {
            point.to_vec()
        } else {
            let decoded = match curve {
                OID_P256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                    .map(|k| k.to_sec1_point(false).as_bytes().to_vec())
                    .ok(),
                OID_P384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                    .map(|k| k.to_sec1_point(false).as_bytes().to_vec())
                    .ok(),
                _ => None,
            };
            match decoded {
                Some(d) => d,
                None => return false,
            }
        };
        self.points.contains(&uncompressed)
    }
}

/// The named curve of an EC public key (`None` for other keys).
pub fn ec_curve(spki: &SubjectPublicKeyInfoOwned) -> Option<ObjectIdentifier> {
    ec_point(spki).map(|(curve, _)| curve)
}

/// The curve and the SEC1 point of an EC public key.
fn ec_point(spki: &SubjectPublicKeyInfoOwned) -> Option<(ObjectIdentifier, &[u8])> {
    if spki.algorithm.oid != OID_EC_PUBLIC_KEY {
        return None;
    }
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())?;
    Some((curve, spki.subject_public_key.as_bytes()?))
}

/// Recovers the keys an ECDSA signature over `tbs` is valid under, on the curve of the EC key
/// `like` (the signature algorithm does not name the curve; the issuer candidates' keys do).
/// `None` when the signature is not ECDSA, the curve is not P-256 or P-384, or the encoding is
/// bad: the caller then verifies candidate by candidate.
pub fn ecdsa_signers(
    tbs: &[u8],
    alg: &AlgorithmIdentifierOwned,
    signature: &[u8],
    like: &SubjectPublicKeyInfoOwned,
) -> Option<EcdsaSigners> {
    let Ok(Scheme::Ecdsa(hash)) = scheme_of(alg) else {
        return None;
    };
    let curve = ec_curve(like)?;
    let prehash = hash.digest(tbs)?;
    macro_rules! recover {
        ($curve:ident) => {{
            let sig = $curve::ecdsa::Signature::from_der(signature).ok()?;
            (0u8..4)
                .filter_map(p256::ecdsa::RecoveryId::from_byte)
                .filter_map(|id| {
                    $curve::ecdsa::VerifyingKey::recover_from_prehash(&prehash, &sig, id).ok()
                })
                .map(|k| k.to_sec1_point(false).as_bytes().to_vec())
                .collect::<Vec<_>>()
        }};
    }
    let points = match curve {
        OID_P256 => recover!(p256),
        OID_P384 => recover!(p384),
        _ => return None,
    };
    Some(EcdsaSigners { curve, points })
}

fn curve_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.3.132.0.35" => "P-521".into(),
        "1.3.132.0.10" => "secp256k1".into(),
        s => s.to_string(),
    }
}

fn key_algorithm_name(oid: &ObjectIdentifier) -> String {
    match *oid {
        OID_RSA_ENCRYPTION => "RSA".into(),
        OID_RSASSA_PSS => "RSA-PSS".into(),
        OID_EC_PUBLIC_KEY => "EC".into(),
        OID_ED25519 => "Ed25519".into(),
        OID_ED448 => "Ed448".into(),
        _ => oid.to_string(),
    }
}

/// Short name of the hash a signature algorithm uses, for facts: `"md5"`, `"sha1"`,
/// `"sha224"`, `"sha256"`, `"sha384"`, `"sha512"` (and `"md2"`). `None` for algorithms without
/// a separate hash (Ed25519) or that are not known.
pub fn signature_hash_name(alg: &AlgorithmIdentifierOwned) -> Option<&'static str> {
    match scheme_of(alg).ok()? {
        Scheme::RsaPkcs1(h) | Scheme::Ecdsa(h) | Scheme::Dsa(h) => Some(h.name()),
        Scheme::RsaPss { hash, .. } => Some(hash.name()),
    }
}

/// The algorithm's name as OpenSSL prints it (`sha256WithRSAEncryption`,
/// `ecdsa-with-SHA256`, …); RSASSA-PSS as `rsassa-pss(sha256)` (or `rsassa-pss` when its
/// parameters cannot be read); the dotted OID for anything else.
pub fn signature_algorithm_name(alg: &AlgorithmIdentifierOwned) -> String {
    let name = match alg.oid {
        OID_MD2_RSA => "md2WithRSAEncryption",
        OID_MD5_RSA => "md5WithRSAEncryption",
        OID_SHA1_RSA => "sha1WithRSAEncryption",
        OID_SHA1_RSA_OIW => "sha1WithRSA",
        OID_SHA224_RSA => "sha224WithRSAEncryption",
        OID_SHA256_RSA => "sha256WithRSAEncryption",
        OID_SHA384_RSA => "sha384WithRSAEncryption",
        OID_SHA512_RSA => "sha512WithRSAEncryption",
        OID_ECDSA_SHA1 => "ecdsa-with-SHA1",
        OID_ECDSA_SHA224 => "ecdsa-with-SHA224",
        OID_ECDSA_SHA256 => "ecdsa-with-SHA256",
        OID_ECDSA_SHA384 => "ecdsa-with-SHA384",
        OID_ECDSA_SHA512 => "ecdsa-with-SHA512",
        OID_DSA_SHA1 => "dsaWithSHA1",
        OID_DSA_SHA224 => "dsa_with_SHA224",
        OID_DSA_SHA256 => "dsa_with_SHA256",
        OID_ED25519 => "ED25519",
        OID_ED448 => "ED448",
        OID_RSASSA_PSS => {
            return match pss_hash_oid(alg) {
                Some(oid) => match Hash::from_digest_oid(&oid) {
                    Some(h) => format!("rsassa-pss({})", h.name()),
                    None => format!("rsassa-pss({oid})"),
                },
                None => "rsassa-pss".into(),
            }
        }
        _ => return alg.oid.to_string(),
    };
    name.to_string()
}

/// The hash OID of RSASSA-PSS parameters, without judging whether it is supported.
fn pss_hash_oid(alg: &AlgorithmIdentifierOwned) -> Option<ObjectIdentifier> {
    let der = alg.parameters.as_ref()?.to_der().ok()?;
    let pss = pkcs1::RsaPssParams::<der::Any>::from_der(&der).ok()?;
    Some(pss.hash.oid)
}

/// Splits a signed structure (certificate, certificate request or CRL) into the exact bytes
/// that were signed, the signature algorithm and the signature value.
///
/// The outer `SEQUENCE { tbs, algorithm, BIT STRING }` is read as raw TLVs: the first element
/// is returned byte for byte as it appears in `der`, never decoded and re-encoded.
pub fn split_signed(der: &[u8]) -> Result<(Vec<u8>, AlgorithmIdentifierOwned, Vec<u8>), SigError> {
    let malformed = |what: &str, e: der::Error| SigError::Malformed {
        detail: format!("{what}: {e}"),
    };
    let mut reader = SliceReader::new(der).map_err(|e| malformed("signed structure", e))?;
    let parts = reader
        .sequence(|seq| {
            let tbs = seq.tlv_bytes()?;
            let alg = AlgorithmIdentifierOwned::decode(seq)?;
            let sig = BitString::decode(seq)?;
            Ok::<_, der::Error>((tbs.to_vec(), alg, sig))
        })
        .map_err(|e| malformed("signed structure", e))?;
    reader
        .finish()
        .map_err(|e| malformed("data after the signed structure", e))?;
    let (tbs, alg, sig) = parts;
    match tbs.first() {
        Some(0x30) => {}
        _ => {
            return Err(SigError::Malformed {
                detail: "the signed part is not a SEQUENCE".into(),
            })
        }
    }
    let sig_bytes = sig.as_bytes().ok_or_else(|| SigError::Malformed {
        detail: "signature bit string has unused bits".into(),
    })?;
    Ok((tbs, alg, sig_bytes.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::DecodePem;
    use x509_cert::Certificate;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    const SECTIGO: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/chain-extra/sectigo"
    );

    fn sectigo(name: &str) -> Vec<u8> {
        let pem = std::fs::read(format!("{SECTIGO}/{name}.pem")).unwrap();
        let cert = Certificate::from_pem(&pem).unwrap();
        cert.to_der().unwrap()
    }

    fn spki_of(der: &[u8]) -> SubjectPublicKeyInfoOwned {
        Certificate::from_der(der)
            .unwrap()
            .tbs_certificate()
            .subject_public_key_info()
            .clone()
    }

    #[test]
    fn sectigo_intermediate_verifies_with_usertrust_root() {
        let int = sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA");
        let root = sectigo("root_USERTrust_RSA_Certification_Authority");
        let (tbs, alg, sig) = split_signed(&int).unwrap();
        assert_eq!(signature_algorithm_name(&alg), "sha384WithRSAEncryption");
        assert_eq!(signature_hash_name(&alg), Some("sha384"));
        verify(&tbs, &alg, &sig, &spki_of(&root)).unwrap();
    }

    #[test]
    fn ecc_cross_certificate_verifies_with_aaa_root() {
        // USERTrust ECC cross-signed by AAA: an RSA (sha384) signature over an EC subject key.
        let cross = sectigo("cross_USERTrust_ECC_by_AAA_Certificate_Services");
        let aaa = sectigo("root_AAA_Certificate_Services");
        let (tbs, alg, sig) = split_signed(&cross).unwrap();
        verify(&tbs, &alg, &sig, &spki_of(&aaa)).unwrap();
    }

    #[test]
    fn ecdsa_p384_self_signature_verifies() {
        let root = sectigo("root_USERTrust_ECC_Certification_Authority");
        let (tbs, alg, sig) = split_signed(&root).unwrap();
        assert_eq!(signature_algorithm_name(&alg), "ecdsa-with-SHA384");
        verify(&tbs, &alg, &sig, &spki_of(&root)).unwrap();
    }

    #[test]
    fn wrong_key_and_tampered_data_are_invalid() {
        let int = sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA");
        let aaa = sectigo("root_AAA_Certificate_Services");
        let root = sectigo("root_USERTrust_RSA_Certification_Authority");
        let (mut tbs, alg, mut sig) = split_signed(&int).unwrap();
        assert!(matches!(
            verify(&tbs, &alg, &sig, &spki_of(&aaa)),
            Err(SigError::Invalid)
        ));
        if let Some(last) = sig.last_mut() {
            *last ^= 1;
        }
        assert!(matches!(
            verify(&tbs, &alg, &sig, &spki_of(&root)),
            Err(SigError::Invalid)
        ));
        if let Some(last) = sig.last_mut() {
            *last ^= 1;
        }
        let n = tbs.len() / 2;
        if let Some(b) = tbs.get_mut(n) {
            *b ^= 0x20;
        }
        assert!(matches!(
            verify(&tbs, &alg, &sig, &spki_of(&root)),
            Err(SigError::Invalid)
        ));
    }

    #[test]
    fn rsa_signature_with_ec_key_is_unsupported_key() {
        let int = sectigo("int_Sectigo_RSA_Domain_Validation_Secure_Server_CA");
        let ecc = sectigo("root_USERTrust_ECC_Certification_Authority");
        let (tbs, alg, sig) = split_signed(&int).unwrap();
        assert!(matches!(
            verify(&tbs, &alg, &sig, &spki_of(&ecc)),
            Err(SigError::UnsupportedKey { .. })
        ));
    }

    #[test]
    fn split_signed_keeps_bytes_and_rejects_garbage() {
        let int = sectigo("int_Sectigo_RSA_Extended_Validation_Secure_Server_CA");
        let (tbs, _, _) = split_signed(&int).unwrap();
        // The TBS is a contiguous slice of the input.
        assert!(int.windows(tbs.len()).any(|w| w == tbs.as_slice()));
        assert!(split_signed(&[]).is_err());
        assert!(split_signed(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
        let mut trailing = int.clone();
        trailing.push(0);
        assert!(split_signed(&trailing).is_err());
        for cut in [1, 10, int.len() / 2, int.len() - 1] {
            assert!(split_signed(&int[..cut]).is_err());
        }
    }

    #[test]
    fn unknown_algorithm_is_reported_by_oid() {
        let alg = AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap("1.2.3.4"),
            parameters: None,
        };
        assert_eq!(signature_algorithm_name(&alg), "1.2.3.4");
        assert_eq!(signature_hash_name(&alg), None);
        let root = sectigo("root_USERTrust_RSA_Certification_Authority");
        assert!(matches!(
            verify(b"x", &alg, b"y", &spki_of(&root)),
            Err(SigError::UnsupportedAlgorithm { oid }) if oid == "1.2.3.4"
        ));
    }

    /// Signatures made by the test PKI (fixtures made with openssl): RSA-PSS, ECDSA P-256 and
    /// P-384, and a CSR.
    #[test]
    fn fixture_signatures_verify() {
        let dir = format!("{FIXTURES}/chain-extra");
        let load = |name: &str| -> Vec<u8> {
            let pem = std::fs::read(format!("{dir}/{name}")).unwrap();
            let (_, der) = der::pem::decode_vec(&pem).unwrap();
            der
        };
        for (child, parent, alg_name) in [
            ("pss-leaf.pem", "pss-ca.pem", "rsassa-pss(sha256)"),
            ("pss384-leaf.pem", "pss-ca.pem", "rsassa-pss(sha384)"),
            ("p256-leaf.pem", "p256-ca.pem", "ecdsa-with-SHA256"),
            ("p384-leaf.pem", "p384-ca.pem", "ecdsa-with-SHA384"),
            ("p256-ca.pem", "p384-ca.pem", "ecdsa-with-SHA384"),
            ("p256-sha1-leaf.pem", "p256-ca.pem", "ecdsa-with-SHA1"),
            ("p384-sha512-leaf.pem", "p384-ca.pem", "ecdsa-with-SHA512"),
            ("rsa-sha1-leaf.pem", "pss-ca.pem", "sha1WithRSAEncryption"),
            (
                "rsa-sha224-leaf.pem",
                "pss-ca.pem",
                "sha224WithRSAEncryption",
            ),
            (
                "rsa-sha512-leaf.pem",
                "pss-ca.pem",
                "sha512WithRSAEncryption",
            ),
        ] {
            let child_der = load(child);
            let parent_der = load(parent);
            let (tbs, alg, sig) = split_signed(&child_der).unwrap();
            assert_eq!(signature_algorithm_name(&alg), alg_name, "{child}");
            verify(&tbs, &alg, &sig, &spki_of(&parent_der))
                .unwrap_or_else(|e| panic!("{child} by {parent}: {e}"));
            // The same signature must not verify under a different key.
            let other = if parent.starts_with("p256") {
                "p384-ca.pem"
            } else {
                "p256-ca.pem"
            };
            assert!(verify(&tbs, &alg, &sig, &spki_of(&load(other))).is_err());
        }
        // A certificate request verifies with its own key.
        let csr = load("p256.csr");
        let (tbs, alg, sig) = split_signed(&csr).unwrap();
        let req = x509_cert::request::CertReq::from_der(&csr).unwrap();
        verify(&tbs, &alg, &sig, &req.info.public_key).unwrap();
    }

    /// Signer-key recovery agrees with verification: the issuer's key is among the recovered
    /// keys (also written compressed), a look-alike's or another curve's key is not, and RSA
    /// signatures are left to plain verification.
    #[test]
    fn ecdsa_signers_agree_with_verify() {
        let dir = format!("{FIXTURES}/chain-extra");
        let load_all = |name: &str| -> Vec<Vec<u8>> {
            let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
            crate::ingest::text::scan_pem(&text, 100)
                .blocks
                .into_iter()
                .map(|b| b.body)
                .collect()
        };
        let load = |name: &str| load_all(name).remove(0);
        for (child, parent) in [
            ("p256-leaf.pem", "p256-ca.pem"),
            ("p384-leaf.pem", "p384-ca.pem"),
            ("p256-ca.pem", "p384-ca.pem"),
            ("p256-sha1-leaf.pem", "p256-ca.pem"),
            ("p384-sha512-leaf.pem", "p384-ca.pem"),
            ("la-leaf.pem", "la-int.pem"),
        ] {
            let (tbs, alg, sig) = split_signed(&load(child)).unwrap();
            let parent_spki = spki_of(&load(parent));
            let signers = ecdsa_signers(&tbs, &alg, &sig, &parent_spki)
                .unwrap_or_else(|| panic!("{child}: recovery applies"));
            assert!(signers.points.len() <= 4);
            assert!(signers.may_have_signed(&parent_spki), "{child} by {parent}");
            // The same key written as a compressed point is recognised too.
            let mut compressed = parent_spki.clone();
            let point = parent_spki.subject_public_key.raw_bytes();
            let odd = point.last().is_some_and(|b| b & 1 == 1);
            let half = (point.len() - 1) / 2;
            let mut c = vec![if odd { 3 } else { 2 }];
            c.extend_from_slice(&point[1..=half]);
            compressed.subject_public_key = BitString::from_bytes(&c).unwrap();
            assert!(
                signers.may_have_signed(&compressed),
                "{child}: compressed key"
            );
        }
        // Fifty same-name look-alikes: none could have signed the leaf, and verification agrees.
        let (tbs, alg, sig) = split_signed(&load("la-leaf.pem")).unwrap();
        let signers = ecdsa_signers(&tbs, &alg, &sig, &spki_of(&load("la-int.pem"))).unwrap();
        let lookalikes = load_all("lookalikes-50.pem");
        assert_eq!(lookalikes.len(), 50);
        for la in &lookalikes {
            let spki = spki_of(la);
            assert!(!signers.may_have_signed(&spki));
            assert!(verify(&tbs, &alg, &sig, &spki).is_err());
        }
        // A P-384 key cannot have made a signature recovered on P-256.
        assert!(!signers.may_have_signed(&spki_of(&load("p384-ca.pem"))));
        // RSA signatures: recovery does not apply.
        let (tbs, alg, sig) = split_signed(&load("rsa-sha1-leaf.pem")).unwrap();
        assert!(ecdsa_signers(&tbs, &alg, &sig, &spki_of(&load("pss-ca.pem"))).is_none());
    }
}
