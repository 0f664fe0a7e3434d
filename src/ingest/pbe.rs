//! Password-based decryption of private keys and PKCS#12 safes.
//!
//! Two families of schemes are handled:
//!
//! - **PBES2** (PKCS#5 v2, RFC 8018): PBKDF2 or scrypt with AES-CBC, AES-GCM or DES-EDE3-CBC. The
//!   [`pkcs5`] crate does the work; this module only checks the cost parameters against our
//!   limits before any key is derived.
//! - **PKCS#12 PBE** (RFC 7292 Appendix C): `pbeWithSHAAnd3-KeyTripleDES-CBC` and friends. The
//!   [`pkcs12`] crate provides only the key derivation function (`pkcs12::kdf`); no
//!   maintained crate decrypts these schemes, so the parameter parsing, key/IV derivation and the
//!   CBC decryption with 3DES or RC2 below are our own code, built on the `des`, `rc2` and `cbc`
//!   crates. RC4-based variants are recognised and reported as unsupported.
//!
//! Passwords reach the two families in different encodings: the PKCS#12 KDF hashes the password
//! as a BMPString (UTF-16BE) followed by two zero bytes, PBES2 takes the UTF-8 bytes as they are.
//! Tools disagree on how an empty password is encoded for the PKCS#12 KDF (two zero bytes, or
//! nothing at all), and OpenSSL before 1.1.0 widened each byte of a non-ASCII password instead of
//! converting it to UTF-16; [`PasswordForm`] names each of these so callers can try them in turn.

use crate::secret::Password;
use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, InnerIvInit, KeyIvInit};
use const_oid::ObjectIdentifier;
use der::asn1::{Any, OctetString};
use der::{Decode, Encode, Sequence};
use serde::{Deserialize, Serialize};
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

/// `pbeWithSHAAnd128BitRC4` (RFC 7292 Appendix C).
pub const PBE_SHA1_RC4_128: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.1");
/// `pbeWithSHAAnd40BitRC4` (RFC 7292 Appendix C).
pub const PBE_SHA1_RC4_40: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.2");
/// `pbeWithSHAAnd3-KeyTripleDES-CBC` (RFC 7292 Appendix C).
pub const PBE_SHA1_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
/// `pbeWithSHAAnd2-KeyTripleDES-CBC` (RFC 7292 Appendix C).
pub const PBE_SHA1_2DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.4");
/// `pbeWithSHAAnd128BitRC2-CBC` (RFC 7292 Appendix C).
pub const PBE_SHA1_RC2_128: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.5");
/// `pbewithSHAAnd40BitRC2-CBC` (RFC 7292 Appendix C).
pub const PBE_SHA1_RC2_40: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.6");
/// `id-PBES2` (RFC 8018).
pub const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
/// `id-PBKDF2` (RFC 8018).
pub const PBKDF2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.12");
/// `id-scrypt` (RFC 7914).
pub const SCRYPT: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11591.4.11");

/// Largest scrypt memory use (128 · N · r bytes) we agree to, whatever the limits say.
const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;

/// How a password is turned into bytes for a key derivation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PasswordForm {
    /// PKCS#12 KDF input per RFC 7292: UTF-16BE of the password plus two zero bytes (an empty
    /// password becomes just `00 00`). OpenSSL 1.1.0 and later, and most tools, do this.
    Bmp,
    /// PKCS#12 KDF input for an empty password given as "no password": zero bytes. Windows and
    /// some Java versions do this. Only meaningful for the empty password.
    BmpNoTerminator,
    /// PKCS#12 KDF input made by widening every byte of the password to 16 bits, plus two zero
    /// bytes: what OpenSSL before 1.1.0 did with non-ASCII (UTF-8) passwords. Only differs from
    /// [`PasswordForm::Bmp`] for non-ASCII passwords.
    BmpBytewise,
    /// The password bytes unchanged (UTF-8), as PBES2/PBKDF2 takes them.
    Utf8,
}

impl PasswordForm {
    /// The PKCS#12 KDF forms worth trying for this password, most likely first: both empty forms
    /// for the empty password, the plain and the pre-1.1.0-OpenSSL form for non-ASCII passwords.
    pub fn pkcs12_candidates(password: &Password) -> &'static [PasswordForm] {
        if password.is_empty() {
            &[PasswordForm::Bmp, PasswordForm::BmpNoTerminator]
        } else if password.expose().is_ascii() {
            &[PasswordForm::Bmp]
        } else {
            &[PasswordForm::Bmp, PasswordForm::BmpBytewise]
        }
    }

    /// True for the forms that feed the PKCS#12 KDF (as opposed to PBKDF2).
    pub fn is_pkcs12(self) -> bool {
        !matches!(self, PasswordForm::Utf8)
    }
}

/// Encodes `password` the way `form` says. A password that is not valid UTF-8 is read as
/// Latin-1 (each byte one character) for the BMPString forms.
pub fn encode_password(password: &Password, form: PasswordForm) -> Zeroizing<Vec<u8>> {
    let bytes = password.expose();
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len() * 2 + 2));
    match form {
        PasswordForm::Utf8 => out.extend_from_slice(bytes),
        PasswordForm::BmpNoTerminator if bytes.is_empty() => {}
        PasswordForm::Bmp | PasswordForm::BmpNoTerminator => {
            match std::str::from_utf8(bytes) {
                Ok(text) => {
                    for unit in text.encode_utf16() {
                        out.extend_from_slice(&unit.to_be_bytes());
                    }
                }
                Err(_) => widen_bytes(bytes, &mut out),
            }
            if form == PasswordForm::Bmp || !bytes.is_empty() {
                out.extend_from_slice(&[0, 0]);
            }
        }
        PasswordForm::BmpBytewise => {
            widen_bytes(bytes, &mut out);
            out.extend_from_slice(&[0, 0]);
        }
    }
    out
}

fn widen_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        out.extend_from_slice(&[0, b]);
    }
}

/// Hash functions usable with the PKCS#12 KDF and HMAC (PKCS#12 MAC and legacy PBE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pkcs12Digest {
    /// SHA-1 (all legacy PBE schemes, and most MACs before OpenSSL 3).
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256 (OpenSSL 3 default MAC).
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA-512/224.
    Sha512_224,
    /// SHA-512/256.
    Sha512_256,
}

impl Pkcs12Digest {
    /// Maps a digest algorithm OID (as found in a PKCS#12 `MacData`) to a supported digest.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Some(match oid.to_string().as_str() {
            "1.3.14.3.2.26" => Pkcs12Digest::Sha1,
            "2.16.840.1.101.3.4.2.4" => Pkcs12Digest::Sha224,
            "2.16.840.1.101.3.4.2.1" => Pkcs12Digest::Sha256,
            "2.16.840.1.101.3.4.2.2" => Pkcs12Digest::Sha384,
            "2.16.840.1.101.3.4.2.3" => Pkcs12Digest::Sha512,
            "2.16.840.1.101.3.4.2.5" => Pkcs12Digest::Sha512_224,
            "2.16.840.1.101.3.4.2.6" => Pkcs12Digest::Sha512_256,
            _ => return None,
        })
    }

    /// Short lowercase name ("sha1", "sha256", ...).
    pub fn name(self) -> &'static str {
        match self {
            Pkcs12Digest::Sha1 => "sha1",
            Pkcs12Digest::Sha224 => "sha224",
            Pkcs12Digest::Sha256 => "sha256",
            Pkcs12Digest::Sha384 => "sha384",
            Pkcs12Digest::Sha512 => "sha512",
            Pkcs12Digest::Sha512_224 => "sha512-224",
            Pkcs12Digest::Sha512_256 => "sha512-256",
        }
    }

    /// Output size in bytes (also the PKCS#12 MAC key length).
    pub fn output_len(self) -> usize {
        match self {
            Pkcs12Digest::Sha1 => 20,
            Pkcs12Digest::Sha224 | Pkcs12Digest::Sha512_224 => 28,
            Pkcs12Digest::Sha256 | Pkcs12Digest::Sha512_256 => 32,
            Pkcs12Digest::Sha384 => 48,
            Pkcs12Digest::Sha512 => 64,
        }
    }
}

/// What a PKCS#12 KDF output is for (the "ID" byte of RFC 7292 Appendix B.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyPurpose {
    /// Encryption key (ID 1).
    Key,
    /// Initialisation vector (ID 2).
    Iv,
    /// MAC key (ID 3).
    Mac,
}

/// Runs the RFC 7292 Appendix B key derivation (the `pkcs12` crate's implementation) on an
/// already encoded password (see [`encode_password`]). The caller is responsible for checking
/// `iterations` against its limits first: the cost is linear in it.
pub fn pkcs12_kdf(
    digest: Pkcs12Digest,
    encoded_password: &[u8],
    salt: &[u8],
    purpose: KeyPurpose,
    iterations: u32,
    len: usize,
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    use ::pkcs12::kdf::{derive_key, Pkcs12KeyType};
    let rounds = i32::try_from(iterations).map_err(|_| PbeError::BadParameters {
        detail: format!("iteration count {iterations} does not fit the PKCS#12 KDF"),
    })?;
    let id = || match purpose {
        KeyPurpose::Key => Pkcs12KeyType::EncryptionKey,
        KeyPurpose::Iv => Pkcs12KeyType::Iv,
        KeyPurpose::Mac => Pkcs12KeyType::Mac,
    };
    let p = encoded_password;
    let out = match digest {
        Pkcs12Digest::Sha1 => derive_key::<sha1::Sha1>(p, salt, id(), rounds, len),
        Pkcs12Digest::Sha224 => derive_key::<sha2::Sha224>(p, salt, id(), rounds, len),
        Pkcs12Digest::Sha256 => derive_key::<sha2::Sha256>(p, salt, id(), rounds, len),
        Pkcs12Digest::Sha384 => derive_key::<sha2::Sha384>(p, salt, id(), rounds, len),
        Pkcs12Digest::Sha512 => derive_key::<sha2::Sha512>(p, salt, id(), rounds, len),
        Pkcs12Digest::Sha512_224 => derive_key::<sha2::Sha512_224>(p, salt, id(), rounds, len),
        Pkcs12Digest::Sha512_256 => derive_key::<sha2::Sha512_256>(p, salt, id(), rounds, len),
    };
    Ok(Zeroizing::new(out))
}

/// Checks an HMAC over `data` with `key` against `expected`, in constant time (the `hmac`
/// crate's `verify_slice`).
pub fn hmac_verify(digest: Pkcs12Digest, key: &[u8], data: &[u8], expected: &[u8]) -> bool {
    use hmac::{Hmac, Mac};
    macro_rules! check {
        ($d:ty) => {
            match <Hmac<$d> as hmac::KeyInit>::new_from_slice(key) {
                Ok(mut mac) => {
                    mac.update(data);
                    mac.verify_slice(expected).is_ok()
                }
                Err(_) => false,
            }
        };
    }
    match digest {
        Pkcs12Digest::Sha1 => check!(sha1::Sha1),
        Pkcs12Digest::Sha224 => check!(sha2::Sha224),
        Pkcs12Digest::Sha256 => check!(sha2::Sha256),
        Pkcs12Digest::Sha384 => check!(sha2::Sha384),
        Pkcs12Digest::Sha512 => check!(sha2::Sha512),
        Pkcs12Digest::Sha512_224 => check!(sha2::Sha512_224),
        Pkcs12Digest::Sha512_256 => check!(sha2::Sha512_256),
    }
}

/// The ciphers of the PKCS#12 PBE schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pkcs12Cipher {
    /// Three-key triple DES in CBC mode.
    TripleDes3Key,
    /// Two-key triple DES in CBC mode.
    TripleDes2Key,
    /// RC2-CBC with a 128-bit key.
    Rc2_128,
    /// RC2-CBC with a 40-bit key.
    Rc2_40,
    /// RC4 with a 128-bit key (recognised, not supported).
    Rc4_128,
    /// RC4 with a 40-bit key (recognised, not supported).
    Rc4_40,
}

impl Pkcs12Cipher {
    /// Maps a PKCS#12 PBE OID to its cipher.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Some(match *oid {
            PBE_SHA1_3DES => Pkcs12Cipher::TripleDes3Key,
            PBE_SHA1_2DES => Pkcs12Cipher::TripleDes2Key,
            PBE_SHA1_RC2_128 => Pkcs12Cipher::Rc2_128,
            PBE_SHA1_RC2_40 => Pkcs12Cipher::Rc2_40,
            PBE_SHA1_RC4_128 => Pkcs12Cipher::Rc4_128,
            PBE_SHA1_RC4_40 => Pkcs12Cipher::Rc4_40,
            _ => return None,
        })
    }

    /// The name used in [`EncryptionScheme::Pkcs12Pbe`] ("pbe-sha1-3des", ...).
    pub fn name(self) -> &'static str {
        match self {
            Pkcs12Cipher::TripleDes3Key => "pbe-sha1-3des",
            Pkcs12Cipher::TripleDes2Key => "pbe-sha1-2des",
            Pkcs12Cipher::Rc2_128 => "pbe-sha1-rc2-128",
            Pkcs12Cipher::Rc2_40 => "pbe-sha1-rc2-40",
            Pkcs12Cipher::Rc4_128 => "pbe-sha1-rc4-128",
            Pkcs12Cipher::Rc4_40 => "pbe-sha1-rc4-40",
        }
    }

    /// Key length in bytes produced by the KDF.
    pub fn key_len(self) -> usize {
        match self {
            Pkcs12Cipher::TripleDes3Key => 24,
            Pkcs12Cipher::TripleDes2Key | Pkcs12Cipher::Rc2_128 | Pkcs12Cipher::Rc4_128 => 16,
            Pkcs12Cipher::Rc2_40 | Pkcs12Cipher::Rc4_40 => 5,
        }
    }

    /// IV length in bytes (0 for the stream ciphers).
    pub fn iv_len(self) -> usize {
        match self {
            Pkcs12Cipher::Rc4_128 | Pkcs12Cipher::Rc4_40 => 0,
            _ => 8,
        }
    }

    /// True when this module can decrypt with the cipher.
    pub fn is_supported(self) -> bool {
        !matches!(self, Pkcs12Cipher::Rc4_128 | Pkcs12Cipher::Rc4_40)
    }
}

/// Parsed parameters of a PKCS#12 PBE algorithm identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkcs12Pbe {
    /// The cipher named by the OID.
    pub cipher: Pkcs12Cipher,
    /// The KDF salt.
    pub salt: Vec<u8>,
    /// The KDF iteration count.
    pub iterations: u32,
}

impl Pkcs12Pbe {
    /// Reads the OID and `pkcs-12PbeParams` of `alg` (using the `pkcs12` crate's type).
    pub fn parse(alg: &AlgorithmIdentifierOwned) -> Result<Self, PbeError> {
        let cipher = Pkcs12Cipher::from_oid(&alg.oid).ok_or_else(|| PbeError::Unsupported {
            scheme: alg.oid.to_string(),
        })?;
        let params: ::pkcs12::pbe_params::Pkcs12PbeParams = decode_params(alg)?;
        let iterations = u32::try_from(params.iterations).map_err(|_| PbeError::BadParameters {
            detail: format!("negative iteration count {}", params.iterations),
        })?;
        Ok(Pkcs12Pbe {
            cipher,
            salt: params.salt.as_bytes().to_vec(),
            iterations,
        })
    }

    /// Decrypts `data` with an already derived key and IV (see [`pkcs12_kdf`], SHA-1, purposes
    /// [`KeyPurpose::Key`] and [`KeyPurpose::Iv`]) and removes the PKCS#7 padding.
    pub fn decrypt_with(
        &self,
        key: &[u8],
        iv: &[u8],
        data: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, PbeError> {
        if data.is_empty() || data.len() % 8 != 0 {
            return Err(PbeError::BadParameters {
                detail: format!(
                    "ciphertext length {} is not a positive multiple of 8",
                    data.len()
                ),
            });
        }
        let bad_key = |_: ()| PbeError::BadParameters {
            detail: "derived key or IV has the wrong length".to_string(),
        };
        let mut buf = Zeroizing::new(data.to_vec());
        let plain_len = match self.cipher {
            Pkcs12Cipher::TripleDes3Key => {
                cbc::Decryptor::<des::TdesEde3>::new_from_slices(key, iv)
                    .map_err(|_| bad_key(()))?
                    .decrypt_padded::<Pkcs7>(&mut buf)
                    .map(|p| p.len())
            }
            Pkcs12Cipher::TripleDes2Key => {
                cbc::Decryptor::<des::TdesEde2>::new_from_slices(key, iv)
                    .map_err(|_| bad_key(()))?
                    .decrypt_padded::<Pkcs7>(&mut buf)
                    .map(|p| p.len())
            }
            Pkcs12Cipher::Rc2_128 | Pkcs12Cipher::Rc2_40 => {
                if key.is_empty() || key.len() > 128 {
                    return Err(bad_key(()));
                }
                let rc2 = rc2::Rc2::new_with_eff_key_len(key, key.len() * 8);
                cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(rc2, iv)
                    .map_err(|_| bad_key(()))?
                    .decrypt_padded::<Pkcs7>(&mut buf)
                    .map(|p| p.len())
            }
            Pkcs12Cipher::Rc4_128 | Pkcs12Cipher::Rc4_40 => {
                return Err(PbeError::Unsupported {
                    scheme: self.cipher.name().to_string(),
                })
            }
        }
        .map_err(|_| PbeError::WrongPassword)?;
        buf.truncate(plain_len);
        Ok(buf)
    }
}

fn decode_params<T: for<'a> Decode<'a, Error = der::Error>>(
    alg: &AlgorithmIdentifierOwned,
) -> Result<T, PbeError> {
    let params = alg
        .parameters
        .as_ref()
        .ok_or_else(|| PbeError::BadParameters {
            detail: format!("{} has no parameters", alg.oid),
        })?;
    let der = params.to_der().map_err(|e| PbeError::BadParameters {
        detail: format!("{} parameters: {e}", alg.oid),
    })?;
    T::from_der(&der)
        .or_else(|_| T::from_ber(&der))
        .map_err(|e| PbeError::BadParameters {
            detail: format!("{} parameters: {e}", alg.oid),
        })
}

/// Decrypts data encrypted with a PKCS#12 PBE scheme (RFC 7292 Appendix C):
/// `pbeWithSHAAnd3-KeyTripleDES-CBC`, `pbeWithSHAAnd2-KeyTripleDES-CBC`,
/// `pbeWithSHAAnd128BitRC2-CBC` and `pbewithSHAAnd40BitRC2-CBC` (the RC4 ones give
/// [`PbeError::Unsupported`]). The iteration count is checked against `max_iterations` before
/// anything is derived.
///
/// Every encoding of `password` in [`PasswordForm::pkcs12_candidates`] is tried (both forms of
/// the empty password; the pre-1.1.0-OpenSSL form of a non-ASCII one). A form counts as right
/// when the padding checks out and the plaintext is one ASN.1 SEQUENCE (a PKCS#8 key or a
/// SafeContents), so a wrong password cannot slip through on a lucky padding byte.
pub fn decrypt_pkcs12_pbe(
    alg: &AlgorithmIdentifierOwned,
    password: &Password,
    data: &[u8],
    max_iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    for &form in PasswordForm::pkcs12_candidates(password) {
        match decrypt_pkcs12_pbe_with_form(alg, password, form, data, max_iterations) {
            Ok(plain) if is_one_sequence(&plain) => return Ok(plain),
            Ok(_) | Err(PbeError::WrongPassword) => {}
            Err(other) => return Err(other),
        }
    }
    Err(PbeError::WrongPassword)
}

/// Like [`decrypt_pkcs12_pbe`] with a single password encoding and no check of the plaintext
/// beyond the padding (which a wrong password passes about once in 256 tries).
pub fn decrypt_pkcs12_pbe_with_form(
    alg: &AlgorithmIdentifierOwned,
    password: &Password,
    form: PasswordForm,
    data: &[u8],
    max_iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    let pbe = Pkcs12Pbe::parse(alg)?;
    if !pbe.cipher.is_supported() {
        return Err(PbeError::Unsupported {
            scheme: pbe.cipher.name().to_string(),
        });
    }
    check_iterations(u64::from(pbe.iterations), max_iterations)?;
    let form = if form.is_pkcs12() {
        form
    } else {
        PasswordForm::Bmp
    };
    let pass = encode_password(password, form);
    let key = pkcs12_kdf(
        Pkcs12Digest::Sha1,
        &pass,
        &pbe.salt,
        KeyPurpose::Key,
        pbe.iterations,
        pbe.cipher.key_len(),
    )?;
    let iv = pkcs12_kdf(
        Pkcs12Digest::Sha1,
        &pass,
        &pbe.salt,
        KeyPurpose::Iv,
        pbe.iterations,
        pbe.cipher.iv_len(),
    )?;
    pbe.decrypt_with(&key, &iv, data)
}

/// True when `plain` is exactly one ASN.1 SEQUENCE (DER or BER), as every decrypted PKCS#8 key
/// and SafeContents is.
pub(crate) fn is_one_sequence(plain: &[u8]) -> bool {
    use der::{Reader, SliceReader, Tag};
    let Ok(mut r) = SliceReader::new_with_encoding_rules(plain, der::EncodingRules::Ber) else {
        return false;
    };
    matches!(der::Header::peek(&r), Ok(h) if h.tag() == Tag::Sequence)
        && r.tlv_bytes().is_ok()
        && r.finish().is_ok()
}

fn check_iterations(iterations: u64, limit: u32) -> Result<(), PbeError> {
    if iterations > u64::from(limit) {
        Err(PbeError::IterationsTooHigh { iterations, limit })
    } else {
        Ok(())
    }
}

/// Decrypts PBES2 (PBKDF2 or scrypt, with AES-128/192/256-CBC, AES-GCM or DES-EDE3-CBC) with the
/// `pkcs5` crate, after checking the cost against `max_iterations` (PBKDF2 iteration count; for
/// scrypt N·r·p, and 128·N·r bytes of memory at most 256 MiB). The password is used as its
/// UTF-8 bytes, as RFC 8018 and OpenSSL do.
pub fn decrypt_pbes2(
    alg: &AlgorithmIdentifierOwned,
    password: &Password,
    data: &[u8],
    max_iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    if alg.oid != PBES2 {
        return Err(PbeError::Unsupported {
            scheme: alg.oid.to_string(),
        });
    }
    let params: pkcs5::pbes2::Parameters = decode_params(alg).map_err(|e| match describe(alg) {
        // Readable structure but an algorithm the pkcs5 crate does not know: say which.
        EncryptionScheme::Pbes2 {
            kdf, prf, cipher, ..
        } if !kdf.is_empty() => PbeError::Unsupported {
            scheme: format!("pbes2 {kdf} {prf} {cipher}"),
        },
        _ => e,
    })?;
    match &params.kdf {
        pkcs5::pbes2::Kdf::Pbkdf2(p) => {
            check_iterations(u64::from(p.iteration_count), max_iterations)?
        }
        pkcs5::pbes2::Kdf::Scrypt(s) => {
            let n = s.cost_parameter;
            let r = u64::from(s.block_size);
            let p = u64::from(s.parallelization);
            let work = n.saturating_mul(r).saturating_mul(p);
            check_iterations(work, max_iterations)?;
            let memory = n.saturating_mul(r).saturating_mul(128);
            if memory > MAX_SCRYPT_MEMORY {
                return Err(PbeError::Unsupported {
                    scheme: format!("scrypt needing {} MiB of memory", memory / (1024 * 1024)),
                });
            }
        }
        #[allow(unreachable_patterns)]
        _ => {
            return Err(PbeError::Unsupported {
                scheme: format!("pbes2 kdf {}", params.kdf.oid()),
            })
        }
    }
    let mut buf = Zeroizing::new(data.to_vec());
    let len = params
        .decrypt_in_place(password.expose(), &mut buf)
        .map_err(|e| match e {
            pkcs5::Error::DecryptFailed => PbeError::WrongPassword,
            pkcs5::Error::UnsupportedAlgorithm { oid } => PbeError::Unsupported {
                scheme: oid.to_string(),
            },
            other => PbeError::BadParameters {
                detail: other.to_string(),
            },
        })?
        .len();
    buf.truncate(len);
    Ok(buf)
}

/// Decrypts with whichever scheme `alg` names: PBES2 (via [`decrypt_pbes2`]) or a PKCS#12 PBE
/// (via [`decrypt_pkcs12_pbe`], which tries the password's encodings); anything else is
/// [`PbeError::Unsupported`].
pub fn decrypt(
    alg: &AlgorithmIdentifierOwned,
    password: &Password,
    data: &[u8],
    max_iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    if alg.oid == PBES2 {
        decrypt_pbes2(alg, password, data, max_iterations)
    } else if Pkcs12Cipher::from_oid(&alg.oid).is_some() {
        decrypt_pkcs12_pbe(alg, password, data, max_iterations)
    } else {
        match describe(alg) {
            EncryptionScheme::Pbes1 { alg, .. } => Err(PbeError::Unsupported { scheme: alg }),
            _ => Err(PbeError::Unsupported {
                scheme: alg.oid.to_string(),
            }),
        }
    }
}

/// A password-based encryption scheme, described without decrypting (for reports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum EncryptionScheme {
    /// Not encrypted.
    None,
    /// PBES2 (RFC 8018).
    Pbes2 {
        /// "pbkdf2" or "scrypt" (or the OID of another KDF).
        kdf: String,
        /// PBKDF2 PRF: "hmac-sha1", "hmac-sha256", ...; empty for scrypt.
        prf: String,
        /// "aes-256-cbc", "aes-128-cbc", "des-ede3-cbc", ... (or the OID).
        cipher: String,
        /// PBKDF2 iteration count, or scrypt N (saturated at `u32::MAX`).
        iterations: u32,
    },
    /// A PKCS#12 PBE scheme (RFC 7292 Appendix C).
    Pkcs12Pbe {
        /// "pbe-sha1-3des", "pbe-sha1-2des", "pbe-sha1-rc2-128", "pbe-sha1-rc2-40",
        /// "pbe-sha1-rc4-128" or "pbe-sha1-rc4-40".
        alg: String,
        /// KDF iteration count (0 when unreadable).
        iterations: u32,
    },
    /// A PKCS#5 v1.5 scheme (PBES1), recognised but not decrypted.
    Pbes1 {
        /// "pbe-md5-des", "pbe-sha1-des", "pbe-md5-rc2", "pbe-sha1-rc2", "pbe-md2-des" or
        /// "pbe-md2-rc2".
        alg: String,
        /// KDF iteration count (0 when unreadable).
        iterations: u32,
    },
    /// Anything else.
    Unknown {
        /// The algorithm OID in dotted form.
        oid: String,
    },
}

/// PBKDF2-params read leniently (any salt form, optional PRF), for [`describe`].
#[derive(Sequence)]
struct LoosePbkdf2Params {
    salt: Any,
    iteration_count: u64,
    key_length: Option<u64>,
    prf: Option<AlgorithmIdentifierOwned>,
}

/// scrypt-params, for [`describe`].
#[derive(Sequence)]
struct LooseScryptParams {
    salt: OctetString,
    cost: u64,
    block_size: u64,
    parallelization: u64,
    key_length: Option<u64>,
}

/// PBES1 `PBEParameter` (salt, iteration count).
#[derive(Sequence)]
struct Pbes1Params {
    salt: OctetString,
    iterations: u64,
}

fn prf_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.2.840.113549.2.7" => "hmac-sha1".into(),
        "1.2.840.113549.2.8" => "hmac-sha224".into(),
        "1.2.840.113549.2.9" => "hmac-sha256".into(),
        "1.2.840.113549.2.10" => "hmac-sha384".into(),
        "1.2.840.113549.2.11" => "hmac-sha512".into(),
        "1.2.840.113549.2.12" => "hmac-sha512-224".into(),
        "1.2.840.113549.2.13" => "hmac-sha512-256".into(),
        other => other.to_string(),
    }
}

fn cipher_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "2.16.840.1.101.3.4.1.2" => "aes-128-cbc".into(),
        "2.16.840.1.101.3.4.1.22" => "aes-192-cbc".into(),
        "2.16.840.1.101.3.4.1.42" => "aes-256-cbc".into(),
        "2.16.840.1.101.3.4.1.6" => "aes-128-gcm".into(),
        "2.16.840.1.101.3.4.1.26" => "aes-192-gcm".into(),
        "2.16.840.1.101.3.4.1.46" => "aes-256-gcm".into(),
        "1.2.840.113549.3.7" => "des-ede3-cbc".into(),
        "1.3.14.3.2.7" => "des-cbc".into(),
        "1.2.840.113549.3.2" => "rc2-cbc".into(),
        other => other.to_string(),
    }
}

fn pbes1_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    Some(match oid.to_string().as_str() {
        "1.2.840.113549.1.5.1" => "pbe-md2-des",
        "1.2.840.113549.1.5.4" => "pbe-md2-rc2",
        "1.2.840.113549.1.5.3" => "pbe-md5-des",
        "1.2.840.113549.1.5.6" => "pbe-md5-rc2",
        "1.2.840.113549.1.5.10" => "pbe-sha1-des",
        "1.2.840.113549.1.5.11" => "pbe-sha1-rc2",
        _ => return None,
    })
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Summary of a PBKDF2 algorithm identifier for reports: PRF name ("hmac-sha256", ...),
/// iteration count (saturated at `u32::MAX`) and salt length. `None` when it is not PBKDF2 or
/// its parameters are unreadable.
pub fn pbkdf2_summary(alg: &AlgorithmIdentifierOwned) -> Option<(String, u32, usize)> {
    if alg.oid != PBKDF2 {
        return None;
    }
    let p = decode_params::<LoosePbkdf2Params>(alg).ok()?;
    let prf = p
        .prf
        .map(|a| prf_name(&a.oid))
        .unwrap_or_else(|| "hmac-sha1".into());
    Some((prf, saturate(p.iteration_count), p.salt.value().len()))
}

/// Describes the scheme of `alg` without decrypting. Unreadable parameters still give the scheme
/// family, with empty names or a zero iteration count where the value could not be read.
pub fn describe(alg: &AlgorithmIdentifierOwned) -> EncryptionScheme {
    if let Some(cipher) = Pkcs12Cipher::from_oid(&alg.oid) {
        let iterations = decode_params::<::pkcs12::pbe_params::Pkcs12PbeParams>(alg)
            .ok()
            .and_then(|p| u32::try_from(p.iterations).ok())
            .unwrap_or(0);
        return EncryptionScheme::Pkcs12Pbe {
            alg: cipher.name().to_string(),
            iterations,
        };
    }
    if let Some(name) = pbes1_name(&alg.oid) {
        let iterations = decode_params::<Pbes1Params>(alg)
            .map(|p| saturate(p.iterations))
            .unwrap_or(0);
        return EncryptionScheme::Pbes1 {
            alg: name.to_string(),
            iterations,
        };
    }
    if alg.oid != PBES2 {
        return EncryptionScheme::Unknown {
            oid: alg.oid.to_string(),
        };
    }
    let Ok(params) = decode_params::<::pkcs12::pbe_params::Pbes2Params>(alg) else {
        return EncryptionScheme::Pbes2 {
            kdf: String::new(),
            prf: String::new(),
            cipher: String::new(),
            iterations: 0,
        };
    };
    let cipher = cipher_name(&params.encryption.oid);
    let (kdf, prf, iterations) = if params.kdf.oid == PBKDF2 {
        match pbkdf2_summary(&params.kdf) {
            Some((prf, iterations, _)) => ("pbkdf2".to_string(), prf, iterations),
            None => ("pbkdf2".to_string(), String::new(), 0),
        }
    } else if params.kdf.oid == SCRYPT {
        let n = decode_params::<LooseScryptParams>(&params.kdf)
            .map(|p| saturate(p.cost))
            .unwrap_or(0);
        ("scrypt".to_string(), String::new(), n)
    } else {
        (params.kdf.oid.to_string(), String::new(), 0)
    };
    EncryptionScheme::Pbes2 {
        kdf,
        prf,
        cipher,
        iterations,
    }
}

/// Why a password-based decryption failed. Never contains the password or key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PbeError {
    /// The iteration count (or scrypt work factor) is above the configured limit; nothing was
    /// derived.
    #[error("iteration count {iterations} is above the limit of {limit}; not attempted")]
    IterationsTooHigh {
        /// The count found in the file.
        iterations: u64,
        /// The configured limit.
        limit: u32,
    },
    /// The scheme is recognised (or not) but not implemented.
    #[error("unsupported encryption scheme: {scheme}")]
    Unsupported {
        /// The scheme's name or OID.
        scheme: String,
    },
    /// The algorithm parameters or the ciphertext are malformed.
    #[error("bad encryption parameters: {detail}")]
    BadParameters {
        /// What is wrong.
        detail: String,
    },
    /// Decryption ran but the padding (or authentication tag) did not check out: almost always
    /// a wrong password.
    #[error("decryption failed (wrong password?)")]
    WrongPassword,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alg(oid: ObjectIdentifier, params_der: &[u8]) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid,
            parameters: Some(Any::from_der(params_der).expect("test params")),
        }
    }

    fn pkcs12_params(salt: &[u8], iterations: i32) -> Vec<u8> {
        ::pkcs12::pbe_params::Pkcs12PbeParams {
            salt: OctetString::new(salt).expect("salt"),
            iterations,
        }
        .to_der()
        .expect("encode")
    }

    #[test]
    fn password_forms() {
        let p = Password::new("ab");
        assert_eq!(
            &encode_password(&p, PasswordForm::Bmp)[..],
            &[0, b'a', 0, b'b', 0, 0]
        );
        assert_eq!(&encode_password(&p, PasswordForm::Utf8)[..], b"ab");
        let e = Password::empty();
        assert_eq!(&encode_password(&e, PasswordForm::Bmp)[..], &[0, 0]);
        assert!(encode_password(&e, PasswordForm::BmpNoTerminator).is_empty());
        assert_eq!(PasswordForm::pkcs12_candidates(&e).len(), 2);
        // "é€" is U+00E9 U+20AC; bytewise widening takes the three-byte UTF-8 of each.
        let n = Password::new("é€");
        assert_eq!(
            &encode_password(&n, PasswordForm::Bmp)[..],
            &[0x00, 0xE9, 0x20, 0xAC, 0, 0]
        );
        assert_eq!(
            &encode_password(&n, PasswordForm::BmpBytewise)[..],
            &[0, 0xC3, 0, 0xA9, 0, 0xE2, 0, 0x82, 0, 0xAC, 0, 0]
        );
        // A character outside the BMP becomes a surrogate pair, as OpenSSL does.
        let s = Password::new("😀");
        assert_eq!(
            &encode_password(&s, PasswordForm::Bmp)[..],
            &[0xD8, 0x3D, 0xDE, 0x00, 0, 0]
        );
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    #[test]
    fn kdf_matches_an_independent_implementation() {
        // Expected values computed with a separate Python (hashlib) implementation of
        // RFC 7292 Appendix B.2.
        let salt = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let pass = encode_password(&Password::new("correct horse"), PasswordForm::Bmp);
        let key =
            pkcs12_kdf(Pkcs12Digest::Sha1, &pass, &salt, KeyPurpose::Key, 2048, 24).expect("kdf");
        assert_eq!(
            &key[..],
            &hex("186091ee80183240c62ac75f7f377ef65c3519ab2210fba9")[..]
        );
        let pass = encode_password(&Password::new("é€"), PasswordForm::Bmp);
        let mac =
            pkcs12_kdf(Pkcs12Digest::Sha256, &pass, &salt, KeyPurpose::Mac, 100, 40).expect("kdf");
        assert_eq!(
            &mac[..],
            &hex(
                "80528323c8d13f89ca11322c574cab7641eb5d811a4ce477fe5f23a14da4f13ef6e1144d73730c7e"
            )[..]
        );
    }

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    fn pem_der(rel: &str) -> Vec<u8> {
        let path = format!("{FIXTURES}/{rel}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let b64: String = text
            .lines()
            .skip_while(|l| !l.starts_with("-----BEGIN"))
            .skip(1)
            .take_while(|l| !l.starts_with("-----END"))
            .collect();
        <base64ct::Base64 as base64ct::Encoding>::decode_vec(&b64).expect("base64")
    }

    /// Algorithm and ciphertext of an `ENCRYPTED PRIVATE KEY` fixture.
    fn encrypted_key(rel: &str) -> (AlgorithmIdentifierOwned, Vec<u8>) {
        let der = pem_der(rel);
        let epki = ::pkcs12::pbe_params::EncryptedPrivateKeyInfo::from_der(&der)
            .expect("EncryptedPrivateKeyInfo");
        (
            epki.encryption_algorithm,
            epki.encrypted_data.as_bytes().to_vec(),
        )
    }

    #[test]
    fn openssl_pkcs8_with_pkcs12_3des_pbe() {
        let (alg, data) = encrypted_key("keys/leaf-rsa.pkcs8-enc-sha1-3des.pem");
        assert_eq!(
            describe(&alg),
            EncryptionScheme::Pkcs12Pbe {
                alg: "pbe-sha1-3des".into(),
                iterations: 2048
            }
        );
        let plain =
            decrypt(&alg, &Password::new("correct horse"), &data, 1_000_000).expect("decrypts");
        assert_eq!(&plain[..], &pem_der("keys/leaf-rsa.pkcs8.pem")[..]);
        let wrong = decrypt_pkcs12_pbe(&alg, &Password::new("correct horse!"), &data, 1_000_000);
        assert_eq!(wrong, Err(PbeError::WrongPassword));
        let capped = decrypt(&alg, &Password::new("correct horse"), &data, 2047);
        assert_eq!(
            capped,
            Err(PbeError::IterationsTooHigh {
                iterations: 2048,
                limit: 2047
            })
        );
    }

    #[test]
    fn openssl_pkcs8_with_pbes2_aes256() {
        let (alg, data) = encrypted_key("keys/leaf-rsa.pkcs8-enc-aes256.pem");
        assert_eq!(
            describe(&alg),
            EncryptionScheme::Pbes2 {
                kdf: "pbkdf2".into(),
                prf: "hmac-sha256".into(),
                cipher: "aes-256-cbc".into(),
                iterations: 2048
            }
        );
        // The form only matters for PKCS#12 PBE; PBES2 always takes the UTF-8 bytes.
        let plain =
            decrypt(&alg, &Password::new("correct horse"), &data, 1_000_000).expect("decrypts");
        assert_eq!(&plain[..], &pem_der("keys/leaf-rsa.pkcs8.pem")[..]);
        let wrong = decrypt_pbes2(&alg, &Password::new("correct horse!"), &data, 1_000_000);
        assert_eq!(wrong, Err(PbeError::WrongPassword));
        let capped = decrypt_pbes2(&alg, &Password::new("correct horse"), &data, 2000);
        assert_eq!(
            capped,
            Err(PbeError::IterationsTooHigh {
                iterations: 2048,
                limit: 2000
            })
        );
        // PBES2 parameters handed to the PKCS#12 PBE entry point are refused, not misread.
        let r = decrypt_pkcs12_pbe(&alg, &Password::empty(), &data, 1_000_000);
        assert!(matches!(r, Err(PbeError::Unsupported { .. })), "{r:?}");
    }

    #[test]
    fn describe_pkcs12_and_unknown() {
        let a = alg(PBE_SHA1_RC2_40, &pkcs12_params(&[1; 8], 2048));
        assert_eq!(
            describe(&a),
            EncryptionScheme::Pkcs12Pbe {
                alg: "pbe-sha1-rc2-40".into(),
                iterations: 2048
            }
        );
        let u = AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap("1.2.3.4"),
            parameters: None,
        };
        assert_eq!(
            describe(&u),
            EncryptionScheme::Unknown {
                oid: "1.2.3.4".into()
            }
        );
        let json = serde_json::to_string(&describe(&a)).expect("json");
        assert!(json.contains("\"kind\":\"pkcs12_pbe\""), "{json}");
    }

    #[test]
    fn rc4_is_unsupported_and_iterations_are_checked_first() {
        let a = alg(PBE_SHA1_RC4_128, &pkcs12_params(&[1; 8], 2048));
        let r = decrypt(&a, &Password::empty(), &[0; 16], 1000);
        assert!(matches!(r, Err(PbeError::Unsupported { .. })), "{r:?}");
        let a = alg(PBE_SHA1_3DES, &pkcs12_params(&[1; 8], i32::MAX));
        let r = decrypt(&a, &Password::empty(), &[0; 16], 1_000_000);
        assert_eq!(
            r,
            Err(PbeError::IterationsTooHigh {
                iterations: i32::MAX as u64,
                limit: 1_000_000
            })
        );
        let a = alg(PBE_SHA1_3DES, &pkcs12_params(&[1; 8], -5));
        let r = decrypt(&a, &Password::empty(), &[0; 16], 1_000_000);
        assert!(matches!(r, Err(PbeError::BadParameters { .. })), "{r:?}");
    }

    #[test]
    fn bad_ciphertext_lengths_are_errors() {
        let a = alg(PBE_SHA1_3DES, &pkcs12_params(&[1; 8], 1));
        for len in [0usize, 7, 9] {
            let r = decrypt(&a, &Password::new("x"), &vec![0; len], 10);
            assert!(
                matches!(r, Err(PbeError::BadParameters { .. })),
                "{len}: {r:?}"
            );
        }
    }
}
