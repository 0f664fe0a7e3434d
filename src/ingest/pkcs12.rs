//! PKCS#12 (PFX / .p12) analysis: structure, MAC, encryption schemes, certificates and keys.
//!
//! The [`pkcs12`] crate supplies the ASN.1 types (`MacData`, `SafeBag`, `CertBag`,
//! PBE parameters) and the RFC 7292 key derivation; `cms` supplies `EncryptedData`. Everything
//! else here is our own code, because no maintained crate does it: reading the PFX and its
//! `ContentInfo`s in a way that survives BER (Windows, Java and Firefox exports use indefinite
//! lengths and constructed strings), the MAC check with several password encodings, the walk
//! over the bags, and the bookkeeping that keeps the number of key derivations bounded. Legacy
//! PBE decryption lives in [`crate::ingest::pbe`].
//!
//! The analysis never stops at the first problem when it can say more: a wrong password still
//! yields the MAC parameters, the schemes of every encrypted part and the unencrypted
//! certificates; only a file that is not a PFX at all, or whose outer structure is unreadable,
//! gives an error.

use crate::ingest::pbe::{
    self, EncryptionScheme, KeyPurpose, PasswordForm, PbeError, Pkcs12Cipher, Pkcs12Digest,
    Pkcs12Pbe,
};
use crate::limits::Limits;
use crate::secret::{Password, SecretBytes};
use const_oid::ObjectIdentifier;
use der::asn1::{ContextSpecific, OctetString};
use der::{Decode, EncodingRules, Reader, SliceReader, Tag, TagNumber, Tagged};
use serde::Serialize;
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_ENVELOPED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.3");
const ID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const PKCS7_ARC: &str = "1.2.840.113549.1.7.";
const PBMAC1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.14");
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const MS_CSP_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.17.1");

/// Result of analysing one PKCS#12 file.
#[derive(Debug, Clone)]
pub struct Pfx {
    /// The MAC parameters, when the file has a readable `MacData`.
    pub mac: Option<MacInfo>,
    /// Outcome of the MAC check.
    pub mac_status: MacStatus,
    /// Which candidate password opened the file (verified the MAC, or else decrypted something).
    pub password_used: Option<PasswordUsed>,
    /// One entry per `ContentInfo` of the `AuthenticatedSafe`, in file order.
    pub safes: Vec<SafeInfo>,
    /// Certificates from cert bags, in file order.
    pub certs: Vec<PfxCert>,
    /// Private keys from key bags and shrouded key bags, in file order.
    pub keys: Vec<PfxKey>,
    /// CRL, secret, SDSI-certificate and unknown bags (counted, not read).
    pub other_bags: usize,
    /// Human-readable notes on anything unusual (never contains secrets).
    pub problems: Vec<String>,
    /// Key derivations (and PBES2 attempts) this analysis ran, for per-file budgets.
    pub kdf_runs: usize,
}

/// The PFX's `MacData` parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MacInfo {
    /// "sha1", "sha256", ...; "pbmac1-hmac-sha256" (PBMAC1 with its PBKDF2 PRF, or just "pbmac1"
    /// when its parameters are unreadable); or the digest OID when unknown.
    pub digest: String,
    /// KDF iteration count (1 when the field is absent; 0 when negative). For PBMAC1, the
    /// PBKDF2 iteration count.
    pub iterations: u32,
    /// Length of the MAC salt in bytes (for PBMAC1, of the PBKDF2 salt).
    pub salt_len: usize,
    /// True when the MAC is PBMAC1 (RFC 9579, OpenSSL 3.4+).
    pub pbmac1: bool,
}

/// Outcome of the MAC check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
#[non_exhaustive]
pub enum MacStatus {
    /// A candidate password verified the MAC.
    Verified,
    /// No candidate password verified the MAC.
    WrongPassword,
    /// The file has no MAC (integrity is not protected; some importers refuse this).
    NoMac,
    /// The MAC iteration count is above the limit; nothing was derived.
    IterationsTooHigh {
        /// The count in the file.
        iterations: u64,
        /// The configured limit.
        limit: u32,
    },
    /// The MAC algorithm is not supported (e.g. "PBMAC1", or an unknown digest).
    Unsupported {
        /// The algorithm's name or OID.
        algorithm: String,
    },
    /// The MAC was not checked for another reason.
    NotChecked {
        /// Why.
        reason: String,
    },
}

/// Which candidate password worked, and in which encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PasswordUsed {
    /// Index into the `passwords` slice given to [`analyse_pkcs12`].
    pub index: usize,
    /// True when that password is the empty password.
    pub empty: bool,
    /// The encoding that worked (e.g. `bmp_no_terminator` for an empty password written the
    /// Windows way, `bmp_bytewise` for a non-ASCII password written by OpenSSL before 1.1.0).
    pub form: PasswordForm,
}

/// One `ContentInfo` of the `AuthenticatedSafe`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SafeInfo {
    /// True for `encryptedData` (and `envelopedData`), false for plain `data`.
    pub encrypted: bool,
    /// The encryption scheme ([`EncryptionScheme::None`] for plain data).
    pub scheme: EncryptionScheme,
    /// True when the bags could be read: decrypted successfully, or never encrypted.
    pub decrypted: bool,
    /// Why the contents could not be read.
    pub error: Option<DecryptFailure>,
    /// Number of bags read from it (nested bags included).
    pub bag_count: usize,
}

/// A certificate from a cert bag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PfxCert {
    /// The certificate, DER, as stored.
    pub der: Vec<u8>,
    /// `friendlyName` attribute.
    pub friendly_name: Option<String>,
    /// `localKeyId` attribute.
    pub local_key_id: Option<Vec<u8>>,
}

/// A private key from a key bag or a shrouded key bag.
#[derive(Debug, Clone)]
pub struct PfxKey {
    /// How the key was encrypted ([`EncryptionScheme::None`] for a plain key bag).
    pub scheme: EncryptionScheme,
    /// The PKCS#8 `PrivateKeyInfo` DER; `None` when it could not be decrypted.
    pub pkcs8_der: Option<SecretBytes>,
    /// Why it could not be decrypted.
    pub decrypt_error: Option<DecryptFailure>,
    /// `friendlyName` attribute.
    pub friendly_name: Option<String>,
    /// `localKeyId` attribute.
    pub local_key_id: Option<Vec<u8>>,
    /// Microsoft CSP/KSP name attribute (1.3.6.1.4.1.311.17.1), written by Windows exports.
    pub provider: Option<String>,
}

/// Why an encrypted safe or key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum DecryptFailure {
    /// Every candidate password was tried and none worked.
    #[error("no candidate password decrypted it ({tried} tried)")]
    WrongPassword {
        /// Number of password encodings tried.
        tried: usize,
    },
    /// Decryption was not attempted.
    #[error("not attempted: {reason}")]
    NotAttempted {
        /// Why.
        reason: String,
    },
    /// The iteration count is above the limit; nothing was derived.
    #[error("iteration count {iterations} is above the limit of {limit}; not attempted")]
    IterationsTooHigh {
        /// The count in the file.
        iterations: u64,
        /// The configured limit.
        limit: u32,
    },
    /// The scheme is not supported.
    #[error("unsupported encryption scheme: {scheme}")]
    Unsupported {
        /// Its name or OID.
        scheme: String,
    },
    /// The encryption parameters are malformed.
    #[error("bad encryption parameters: {detail}")]
    BadParameters {
        /// What is wrong.
        detail: String,
    },
    /// The file's budget of key derivations ran out.
    #[error("key derivation limit of {limit} runs reached; not attempted")]
    KdfRunLimit {
        /// The configured limit.
        limit: usize,
    },
    /// The password is known to be right but the decrypted contents do not parse.
    #[error("decrypted contents are malformed: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
}

/// Why a file could not be analysed as PKCS#12 at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs12Error {
    /// The data does not have the shape of a PFX.
    #[error("not a PKCS#12 file: {detail}")]
    NotPkcs12 {
        /// What did not match.
        detail: String,
    },
    /// The data looks like a PFX but its outer structure cannot be read.
    #[error("malformed PKCS#12 file: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// More safes and bags than `limits.max_objects_per_file`.
    #[error("more than {limit} safes and bags in one file")]
    TooManyObjects {
        /// The configured limit.
        limit: usize,
    },
    /// Nested safe-contents bags deeper than `limits.max_nesting`.
    #[error("safe-contents bags nested deeper than {limit}")]
    TooDeep {
        /// The configured limit.
        limit: usize,
    },
    /// The input is larger than `limits.max_file_size`.
    #[error("input of {size} bytes is larger than the limit of {limit}")]
    TooLarge {
        /// Input size.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
}

/// Analyses a PKCS#12 file (DER, or BER as Windows/Java/Firefox write it).
///
/// `passwords` are the candidates, tried in order (normally the user's password if any, then
/// the empty password); both encodings of the empty password are tried. The MAC is checked
/// first and the password that verifies it is the one used for decryption; with no usable MAC
/// every candidate is tried on each encrypted part. Iteration counts above
/// `limits.max_kdf_iterations` are refused before deriving, and at most `limits.max_kdf_runs`
/// key derivations run in total.
pub fn analyse_pkcs12(
    der: &[u8],
    passwords: &[Password],
    limits: &Limits,
) -> Result<Pfx, Pkcs12Error> {
    if der.len() > limits.max_file_size {
        return Err(Pkcs12Error::TooLarge {
            size: der.len(),
            limit: limits.max_file_size,
        });
    }
    let mut problems = Vec::new();
    let raw = read_pfx_lenient(der, &mut problems)?;
    let mut ctx = Ctx::new(passwords, limits, problems);

    let (mac, mac_status) = match raw.auth {
        RawContent::Data(ref data) => ctx.check_mac(raw.mac, data),
        _ => ctx.mac_not_applicable(raw.mac),
    };

    let auth_data = match raw.auth {
        RawContent::Data(data) => data,
        RawContent::Signed => {
            ctx.problems.push(
                "the PFX uses public-key integrity mode (signedData); its contents were not read"
                    .into(),
            );
            return Ok(ctx.finish(mac, mac_status));
        }
        RawContent::Enveloped | RawContent::Encrypted(_) | RawContent::Other(_) => {
            return Err(Pkcs12Error::Malformed {
                detail: "the PFX's authSafe is neither data nor signedData".into(),
            });
        }
    };

    let contents =
        read_authenticated_safe(&auth_data, limits.max_objects_per_file).map_err(|e| match e {
            SeqError::TooMany => Pkcs12Error::TooManyObjects {
                limit: limits.max_objects_per_file,
            },
            SeqError::Der(d) => Pkcs12Error::Malformed {
                detail: format!("AuthenticatedSafe: {d}"),
            },
        })?;
    ctx.count_objects(contents.len())?;
    for content in contents {
        ctx.walk_content_info(content)?;
    }
    Ok(ctx.finish(mac, mac_status))
}

// ---------------------------------------------------------------------------------------------
// Outer structure (hand-written so BER constructed OCTET STRINGs inside ContentInfo survive:
// `cms::ContentInfo` keeps the content as `Any`, which drops the constructed bit).

enum RawContent {
    Data(Vec<u8>),
    Encrypted(Box<cms::encrypted_data::EncryptedData>),
    Enveloped,
    Signed,
    Other(ObjectIdentifier),
}

struct RawPfx<'a> {
    auth: RawContent,
    mac: Option<&'a [u8]>,
}

#[derive(Debug)]
enum SeqError {
    Der(der::Error),
    TooMany,
}

impl From<der::Error> for SeqError {
    fn from(e: der::Error) -> Self {
        SeqError::Der(e)
    }
}

/// Failure while reading the outer PFX, with whether the data even looked like one.
struct OuterError {
    looks_like_pfx: bool,
    detail: String,
}

impl From<der::Error> for OuterError {
    fn from(e: der::Error) -> Self {
        OuterError {
            looks_like_pfx: true,
            detail: e.to_string(),
        }
    }
}

fn read_content_info<'a, R: Reader<'a>>(r: &mut R) -> der::Result<RawContent> {
    r.sequence(|r| {
        let oid: ObjectIdentifier = r.decode()?;
        let content = match oid {
            ID_DATA => {
                let os = ContextSpecific::<OctetString>::decode_explicit(r, TagNumber(0))?
                    .ok_or_else(|| der::Error::from(Tag::OctetString.value_error()))?;
                RawContent::Data(os.value.as_bytes().to_vec())
            }
            ID_ENCRYPTED_DATA => {
                let ed = ContextSpecific::<cms::encrypted_data::EncryptedData>::decode_explicit(
                    r,
                    TagNumber(0),
                )?
                .ok_or_else(|| der::Error::from(Tag::Sequence.value_error()))?;
                RawContent::Encrypted(Box::new(ed.value))
            }
            ID_ENVELOPED_DATA => RawContent::Enveloped,
            ID_SIGNED_DATA => RawContent::Signed,
            other => RawContent::Other(other),
        };
        if !matches!(content, RawContent::Data(_) | RawContent::Encrypted(_)) {
            let rest = r.remaining_len();
            r.drain(rest)?;
        }
        Ok(content)
    })
}

fn read_pfx<'a>(
    bytes: &'a [u8],
    rules: EncodingRules,
) -> Result<(RawPfx<'a>, usize, Option<i64>), OuterError> {
    let not_pfx = |detail: String| OuterError {
        looks_like_pfx: false,
        detail,
    };
    let mut r =
        SliceReader::new_with_encoding_rules(bytes, rules).map_err(|e| not_pfx(e.to_string()))?;
    let header = der::Header::peek(&r).map_err(|e| not_pfx(e.to_string()))?;
    if header.tag() != Tag::Sequence {
        return Err(not_pfx(format!(
            "starts with {} instead of SEQUENCE",
            header.tag()
        )));
    }
    let (raw, version) = r.sequence(|r| -> Result<_, OuterError> {
        let version: i64 = r
            .decode()
            .map_err(|e: der::Error| not_pfx(format!("no version number: {e}")))?;
        // The second element must be a PKCS#7 ContentInfo; anything else is not a PFX.
        let mut peek = r.clone();
        let oid_ok = peek
            .sequence(|p| p.decode::<ObjectIdentifier>())
            .map(|oid| oid.to_string().starts_with(PKCS7_ARC))
            .unwrap_or(false);
        let auth = match read_content_info(r) {
            Ok(RawContent::Other(oid)) if !oid.to_string().starts_with(PKCS7_ARC) => {
                return Err(not_pfx(format!("content type {oid} is not PKCS#7")))
            }
            Ok(c) => c,
            Err(e) if oid_ok && version == 3 => return Err(e.into()),
            Err(e) => return Err(not_pfx(format!("no PKCS#7 ContentInfo: {e}"))),
        };
        let mac = if r.is_finished() {
            None
        } else {
            Some(r.tlv_bytes()?)
        };
        if !r.is_finished() {
            let rest = r.remaining_len();
            r.drain(rest)?;
        }
        Ok((RawPfx { auth, mac }, version))
    })?;
    let trailing = usize::try_from(r.remaining_len()).unwrap_or(usize::MAX);
    Ok((raw, trailing, (version != 3).then_some(version)))
}

fn read_pfx_lenient<'a>(
    bytes: &'a [u8],
    problems: &mut Vec<String>,
) -> Result<RawPfx<'a>, Pkcs12Error> {
    let (raw, trailing, odd_version) = match read_pfx(bytes, EncodingRules::Der) {
        Ok(r) => r,
        Err(der_err) => match read_pfx(bytes, EncodingRules::Ber) {
            Ok(r) => {
                problems.push(
                    "the file uses BER (indefinite lengths or constructed strings) rather than DER; \
                     common for Windows, Java and Firefox exports and accepted by most importers"
                        .into(),
                );
                r
            }
            Err(ber_err) => {
                let looks =
                    der_err.looks_like_pfx && ber_err.looks_like_pfx && looks_like_pfx(bytes);
                let detail = if der_err.looks_like_pfx {
                    ber_err.detail
                } else {
                    der_err.detail
                };
                return Err(if looks {
                    Pkcs12Error::Malformed { detail }
                } else {
                    Pkcs12Error::NotPkcs12 { detail }
                });
            }
        },
    };
    if trailing > 0 {
        problems.push(format!("{trailing} bytes of trailing data after the PFX"));
    }
    if let Some(v) = odd_version {
        problems.push(format!("PFX version is {v}, expected 3"));
    }
    Ok(raw)
}

/// True when `bytes` start the way every PFX does: `SEQUENCE { INTEGER, SEQUENCE { OID
/// 1.2.840.113549.1.7.x`. A byte-level check that also works on truncated input, used to tell
/// "damaged PFX" from "something else" when decoding fails.
fn looks_like_pfx(bytes: &[u8]) -> bool {
    /// Skips a tag byte equal to `tag` and its length octets; returns the rest.
    fn enter(bytes: &[u8], tag: u8) -> Option<&[u8]> {
        let (&t, rest) = bytes.split_first()?;
        if t != tag {
            return None;
        }
        let (&len, rest) = rest.split_first()?;
        match len {
            0x00..=0x80 => Some(rest),
            0x81..=0x84 => rest.get(usize::from(len - 0x80)..),
            _ => None,
        }
    }
    const PKCS7_PREFIX: [u8; 10] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07];
    let Some(rest) = enter(bytes, 0x30) else {
        return false;
    };
    // version INTEGER: short form, up to 4 content bytes.
    let version_len = match rest {
        [0x02, n @ 1..=4, ..] => usize::from(*n),
        _ => return false,
    };
    let Some(rest) = rest.get(2 + version_len..) else {
        return false;
    };
    let Some(rest) = enter(rest, 0x30) else {
        return false;
    };
    rest.starts_with(&PKCS7_PREFIX)
}

/// Reads `bytes` as `SEQUENCE OF ContentInfo`, DER first then BER.
fn read_authenticated_safe(bytes: &[u8], max: usize) -> Result<Vec<RawContent>, SeqError> {
    read_sequence_of(bytes, max, |r| read_content_info(r))
}

fn read_sequence_of<T>(
    bytes: &[u8],
    max: usize,
    item: impl for<'r> Fn(&mut SliceReader<'r>) -> der::Result<T>,
) -> Result<Vec<T>, SeqError> {
    let attempt = |rules| -> Result<Vec<T>, SeqError> {
        let mut r = SliceReader::new_with_encoding_rules(bytes, rules)?;
        let items = r.sequence(|r| -> Result<Vec<T>, SeqError> {
            let mut v = Vec::new();
            while !r.is_finished() {
                if v.len() >= max {
                    return Err(SeqError::TooMany);
                }
                v.push(item(r)?);
            }
            Ok(v)
        })?;
        r.finish()?;
        Ok(items)
    };
    match attempt(EncodingRules::Der) {
        Ok(v) => Ok(v),
        Err(SeqError::TooMany) => Err(SeqError::TooMany),
        Err(first) => attempt(EncodingRules::Ber).map_err(|e| match e {
            SeqError::TooMany => SeqError::TooMany,
            _ => first,
        }),
    }
}

/// Decodes `T` from DER, falling back to BER.
fn decode_lenient<'a, T: Decode<'a, Error = der::Error>>(bytes: &'a [u8]) -> der::Result<T> {
    T::from_der(bytes).or_else(|e| T::from_ber(bytes).map_err(|_| e))
}

/// The element inside a `[0] EXPLICIT` wrapper (as `SafeBag.bag_value` holds it), as raw TLV.
fn explicit_inner(tlv: &[u8]) -> der::Result<&[u8]> {
    let attempt = |rules| -> der::Result<&[u8]> {
        let mut r = SliceReader::new_with_encoding_rules(tlv, rules)?;
        let header = der::Header::decode(&mut r)?;
        let expected = Tag::ContextSpecific {
            constructed: true,
            number: TagNumber(0),
        };
        if header.tag() != expected || !header.is_constructed() {
            return Err(header.tag().unexpected_error(Some(expected)).into());
        }
        let inner = r.tlv_bytes()?;
        Ok(inner)
    };
    attempt(EncodingRules::Der).or_else(|e| attempt(EncodingRules::Ber).map_err(|_| e))
}

// ---------------------------------------------------------------------------------------------
// Analysis state.

/// The parameters of one PKCS#12 KDF use besides password, purpose and length.
#[derive(Clone, Copy)]
struct KdfInput<'s> {
    digest: Pkcs12Digest,
    salt: &'s [u8],
    iterations: u32,
}

struct CachedKey {
    candidate: usize,
    form: PasswordForm,
    digest: Pkcs12Digest,
    salt: Vec<u8>,
    iterations: u32,
    purpose: KeyPurpose,
    key: Zeroizing<Vec<u8>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum MacOutcome {
    /// The MAC was verified by this candidate and form.
    Verified(usize, PasswordForm),
    /// The MAC was checked and no candidate verified it: do not try to decrypt.
    Failed,
    /// No usable MAC: try every candidate on each encrypted part.
    Unknown,
}

struct Ctx<'a> {
    passwords: &'a [Password],
    limits: &'a Limits,
    runs: usize,
    cache: Vec<CachedKey>,
    mac: MacOutcome,
    /// First candidate that decrypted something when the MAC did not decide.
    learned: Option<(usize, PasswordForm)>,
    objects: usize,
    problems: Vec<String>,
    safes: Vec<SafeInfo>,
    certs: Vec<PfxCert>,
    keys: Vec<PfxKey>,
    other_bags: usize,
}

/// What kind of plaintext a decryption must yield.
#[derive(Clone, Copy)]
enum Expect {
    SafeContents,
    PrivateKey,
}

impl Expect {
    fn check(self, plain: &[u8]) -> Result<(), String> {
        match self {
            Expect::SafeContents if pbe::is_one_sequence(plain) => Ok(()),
            Expect::SafeContents => Err("decrypted data is not one ASN.1 SEQUENCE".into()),
            Expect::PrivateKey => decode_lenient::<pkcs8::PrivateKeyInfoRef<'_>>(plain)
                .map(|_| ())
                .map_err(|e| format!("decrypted key is not PKCS#8: {e}")),
        }
    }
}

impl<'a> Ctx<'a> {
    fn new(passwords: &'a [Password], limits: &'a Limits, problems: Vec<String>) -> Self {
        Ctx {
            passwords,
            limits,
            runs: 0,
            cache: Vec::new(),
            mac: MacOutcome::Unknown,
            learned: None,
            objects: 0,
            problems,
            safes: Vec::new(),
            certs: Vec::new(),
            keys: Vec::new(),
            other_bags: 0,
        }
    }

    fn finish(self, mac: Option<MacInfo>, mac_status: MacStatus) -> Pfx {
        let password_used = match self.mac {
            MacOutcome::Verified(i, f) => Some((i, f)),
            _ => self.learned,
        }
        .map(|(index, form)| PasswordUsed {
            index,
            empty: self.passwords.get(index).is_some_and(Password::is_empty),
            form,
        });
        Pfx {
            mac,
            mac_status,
            password_used,
            safes: self.safes,
            certs: self.certs,
            keys: self.keys,
            other_bags: self.other_bags,
            problems: self.problems,
            kdf_runs: self.runs,
        }
    }

    fn count_objects(&mut self, n: usize) -> Result<(), Pkcs12Error> {
        self.objects = self.objects.saturating_add(n);
        if self.objects > self.limits.max_objects_per_file {
            Err(Pkcs12Error::TooManyObjects {
                limit: self.limits.max_objects_per_file,
            })
        } else {
            Ok(())
        }
    }

    /// Candidate indices, without repeats of an identical password.
    fn distinct_candidates(&self) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for (i, p) in self.passwords.iter().enumerate() {
            if !out.iter().any(|&j| self.passwords.get(j) == Some(p)) {
                out.push(i);
            }
        }
        out
    }

    /// Derives (or reuses) a PKCS#12 KDF output; `None` when the run budget is spent.
    fn derive(
        &mut self,
        candidate: usize,
        form: PasswordForm,
        kdf: &KdfInput<'_>,
        purpose: KeyPurpose,
        len: usize,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, PbeError> {
        let KdfInput {
            digest,
            salt,
            iterations,
        } = *kdf;
        if let Some(hit) = self.cache.iter().find(|c| {
            c.candidate == candidate
                && c.form == form
                && c.digest == digest
                && c.salt == salt
                && c.iterations == iterations
                && c.purpose == purpose
                && c.key.len() == len
        }) {
            return Ok(Some(hit.key.clone()));
        }
        if self.runs >= self.limits.max_kdf_runs {
            return Ok(None);
        }
        let Some(password) = self.passwords.get(candidate) else {
            return Ok(None);
        };
        self.runs += 1;
        let encoded = pbe::encode_password(password, form);
        let key = pbe::pkcs12_kdf(digest, &encoded, salt, purpose, iterations, len)?;
        self.cache.push(CachedKey {
            candidate,
            form,
            digest,
            salt: salt.to_vec(),
            iterations,
            purpose,
            key: key.clone(),
        });
        Ok(Some(key))
    }

    /// Key and IV for a legacy PKCS#12 PBE (SHA-1 KDF); `None` when the run budget is spent.
    #[allow(clippy::type_complexity)]
    fn derive_key_iv(
        &mut self,
        candidate: usize,
        form: PasswordForm,
        p: &Pkcs12Pbe,
    ) -> Result<Option<(Zeroizing<Vec<u8>>, Zeroizing<Vec<u8>>)>, PbeError> {
        let kdf = KdfInput {
            digest: Pkcs12Digest::Sha1,
            salt: &p.salt,
            iterations: p.iterations,
        };
        let Some(key) = self.derive(candidate, form, &kdf, KeyPurpose::Key, p.cipher.key_len())?
        else {
            return Ok(None);
        };
        let Some(iv) = self.derive(candidate, form, &kdf, KeyPurpose::Iv, p.cipher.iv_len())?
        else {
            return Ok(None);
        };
        Ok(Some((key, iv)))
    }

    fn mac_not_applicable(&mut self, mac: Option<&[u8]>) -> (Option<MacInfo>, MacStatus) {
        match mac {
            None => (None, MacStatus::NoMac),
            Some(_) => (
                None,
                MacStatus::NotChecked {
                    reason: "the MAC does not apply to a signedData authSafe".into(),
                },
            ),
        }
    }

    fn check_mac(&mut self, mac_tlv: Option<&[u8]>, data: &[u8]) -> (Option<MacInfo>, MacStatus) {
        let Some(tlv) = mac_tlv else {
            return (None, MacStatus::NoMac);
        };
        let mac_data = match decode_lenient::<::pkcs12::MacData>(tlv) {
            Ok(m) => m,
            Err(e) => {
                self.problems
                    .push(format!("the MacData cannot be read: {e}"));
                return (
                    None,
                    MacStatus::NotChecked {
                        reason: format!("MacData unreadable: {e}"),
                    },
                );
            }
        };
        let oid = mac_data.mac.algorithm.oid;
        let digest = Pkcs12Digest::from_oid(&oid);
        let pbmac1 = oid == PBMAC1;
        let name = match (digest, pbmac1) {
            (Some(d), _) => d.name().to_string(),
            (None, true) => "pbmac1".to_string(),
            (None, false) => digest_oid_name(&oid),
        };
        let iterations = u32::try_from(mac_data.iterations).unwrap_or(0);
        let info = MacInfo {
            digest: name.clone(),
            iterations,
            salt_len: mac_data.mac_salt.as_bytes().len(),
            pbmac1,
        };
        if pbmac1 {
            let mut info = info;
            if let Some((prf, iterations, salt_len)) = pbmac1_kdf(&mac_data.mac.algorithm) {
                info.digest = format!("pbmac1-{prf}");
                info.iterations = iterations;
                info.salt_len = salt_len;
            }
            self.problems.push(
                "the MAC is PBMAC1 (RFC 9579, OpenSSL 3.4 and later); older OpenSSL, Windows and \
                 Java cannot verify it"
                    .into(),
            );
            return (
                Some(info),
                MacStatus::Unsupported {
                    algorithm: "PBMAC1".into(),
                },
            );
        }
        let Some(digest) = digest else {
            return (Some(info), MacStatus::Unsupported { algorithm: name });
        };
        if mac_data.iterations < 0 {
            return (
                Some(info),
                MacStatus::NotChecked {
                    reason: format!("negative MAC iteration count {}", mac_data.iterations),
                },
            );
        }
        if iterations > self.limits.max_kdf_iterations {
            return (
                Some(info),
                MacStatus::IterationsTooHigh {
                    iterations: u64::from(iterations),
                    limit: self.limits.max_kdf_iterations,
                },
            );
        }
        let expected = mac_data.mac.digest.as_bytes();
        if expected.len() != digest.output_len() {
            return (
                Some(info),
                MacStatus::NotChecked {
                    reason: format!(
                        "MAC value is {} bytes, {} gives {}",
                        expected.len(),
                        digest.name(),
                        digest.output_len()
                    ),
                },
            );
        }
        let candidates = self.distinct_candidates();
        if candidates.is_empty() {
            return (
                Some(info),
                MacStatus::NotChecked {
                    reason: "no password given".into(),
                },
            );
        }
        let kdf = KdfInput {
            digest,
            salt: mac_data.mac_salt.as_bytes(),
            iterations,
        };
        for i in candidates {
            let Some(password) = self.passwords.get(i) else {
                continue;
            };
            for &form in PasswordForm::pkcs12_candidates(password) {
                let key = match self.derive(i, form, &kdf, KeyPurpose::Mac, digest.output_len()) {
                    Ok(Some(k)) => k,
                    Ok(None) => {
                        return (
                            Some(info),
                            MacStatus::NotChecked {
                                reason: format!(
                                    "key derivation limit of {} runs reached before a password verified the MAC",
                                    self.limits.max_kdf_runs
                                ),
                            },
                        )
                    }
                    Err(e) => return (Some(info), MacStatus::NotChecked { reason: e.to_string() }),
                };
                if pbe::hmac_verify(digest, &key, data, expected) {
                    self.mac = MacOutcome::Verified(i, form);
                    if form == PasswordForm::BmpBytewise {
                        self.problems.push(
                            "the MAC only verifies with the password encoded the way OpenSSL before \
                             1.1.0 did for non-ASCII characters; Windows and current tools will \
                             reject the password"
                                .into(),
                        );
                    }
                    return (Some(info), MacStatus::Verified);
                }
            }
        }
        self.mac = MacOutcome::Failed;
        (Some(info), MacStatus::WrongPassword)
    }

    /// The (candidate, form) pairs to try for a scheme, most likely first.
    fn attempts_for(&self, pkcs12_kdf: bool) -> Result<Vec<(usize, PasswordForm)>, DecryptFailure> {
        let forms_for = |i: usize| -> Vec<PasswordForm> {
            match self.passwords.get(i) {
                Some(p) if pkcs12_kdf => PasswordForm::pkcs12_candidates(p).to_vec(),
                Some(_) => vec![PasswordForm::Utf8],
                None => Vec::new(),
            }
        };
        let mut out: Vec<(usize, PasswordForm)> = Vec::new();
        let mut push = |i: usize, forms: Vec<PasswordForm>| {
            for f in forms {
                if !out.contains(&(i, f)) {
                    out.push((i, f));
                }
            }
        };
        match self.mac {
            MacOutcome::Failed => {
                return Err(DecryptFailure::NotAttempted {
                    reason: "no candidate password verified the MAC".into(),
                })
            }
            MacOutcome::Verified(i, form) => {
                if pkcs12_kdf {
                    push(i, vec![form]);
                }
                push(i, forms_for(i));
            }
            MacOutcome::Unknown => {
                if let Some((i, form)) = self.learned {
                    if pkcs12_kdf == form.is_pkcs12() {
                        push(i, vec![form]);
                    }
                    push(i, forms_for(i));
                }
                for i in self.distinct_candidates() {
                    push(i, forms_for(i));
                }
            }
        }
        if out.is_empty() {
            return Err(DecryptFailure::NotAttempted {
                reason: "no password given".into(),
            });
        }
        Ok(out)
    }

    /// Decrypts `data` with the candidates and checks the plaintext is what `expect` says.
    fn decrypt(
        &mut self,
        alg: &AlgorithmIdentifierOwned,
        data: &[u8],
        expect: Expect,
    ) -> Result<Zeroizing<Vec<u8>>, DecryptFailure> {
        let max_iter = self.limits.max_kdf_iterations;
        let legacy = if alg.oid == pbe::PBES2 {
            None
        } else if Pkcs12Cipher::from_oid(&alg.oid).is_some() {
            let p = Pkcs12Pbe::parse(alg).map_err(failure_from)?;
            if !p.cipher.is_supported() {
                return Err(DecryptFailure::Unsupported {
                    scheme: p.cipher.name().into(),
                });
            }
            if u64::from(p.iterations) > u64::from(max_iter) {
                return Err(DecryptFailure::IterationsTooHigh {
                    iterations: u64::from(p.iterations),
                    limit: max_iter,
                });
            }
            Some(p)
        } else {
            let scheme = match pbe::describe(alg) {
                EncryptionScheme::Pbes1 { alg, .. } => alg,
                _ => alg.oid.to_string(),
            };
            return Err(DecryptFailure::Unsupported { scheme });
        };
        let attempts = self.attempts_for(legacy.is_some())?;
        let mut tried = 0;
        let mut parse_error = None;
        for (i, form) in attempts {
            let Some(password) = self.passwords.get(i) else {
                continue;
            };
            let plain = match &legacy {
                Some(p) => match self.derive_key_iv(i, form, p) {
                    Ok(Some((k, v))) => p.decrypt_with(&k, &v, data),
                    Ok(None) => {
                        return Err(DecryptFailure::KdfRunLimit {
                            limit: self.limits.max_kdf_runs,
                        })
                    }
                    Err(e) => Err(e),
                },
                None => {
                    if self.runs >= self.limits.max_kdf_runs {
                        return Err(DecryptFailure::KdfRunLimit {
                            limit: self.limits.max_kdf_runs,
                        });
                    }
                    let r = pbe::decrypt_pbes2(alg, password, data, max_iter);
                    if matches!(r, Ok(_) | Err(PbeError::WrongPassword)) {
                        self.runs += 1;
                    }
                    r
                }
            };
            tried += 1;
            match plain {
                Ok(plain) => match expect.check(&plain) {
                    Ok(()) => {
                        if self.mac == MacOutcome::Unknown && self.learned.is_none() {
                            self.learned = Some((i, form));
                        }
                        return Ok(plain);
                    }
                    Err(detail) => parse_error = Some(detail),
                },
                Err(PbeError::WrongPassword) => {}
                Err(other) => return Err(failure_from(other)),
            }
        }
        match (self.mac, parse_error) {
            (MacOutcome::Verified(..), Some(detail)) => Err(DecryptFailure::Malformed { detail }),
            _ => Err(DecryptFailure::WrongPassword { tried }),
        }
    }

    fn walk_content_info(&mut self, content: RawContent) -> Result<(), Pkcs12Error> {
        match content {
            RawContent::Data(bytes) => {
                let (bag_count, error) = self.walk_safe_contents(&bytes, 1)?;
                self.safes.push(SafeInfo {
                    encrypted: false,
                    scheme: EncryptionScheme::None,
                    decrypted: error.is_none(),
                    error,
                    bag_count,
                });
            }
            RawContent::Encrypted(ed) => {
                let alg = ed.enc_content_info.content_enc_alg.clone();
                let scheme = pbe::describe(&alg);
                let result = match ed.enc_content_info.encrypted_content.as_ref() {
                    None => Err(DecryptFailure::BadParameters {
                        detail: "encryptedData has no encrypted content".into(),
                    }),
                    Some(ct) => self.decrypt(&alg, ct.as_bytes(), Expect::SafeContents),
                };
                let (bag_count, error, decrypted) = match result {
                    Ok(plain) => {
                        let (n, e) = self.walk_safe_contents(&plain, 1)?;
                        (n, e, true)
                    }
                    Err(e) => (0, Some(e), false),
                };
                self.safes.push(SafeInfo {
                    encrypted: true,
                    scheme,
                    decrypted: decrypted && error.is_none(),
                    error,
                    bag_count,
                });
            }
            RawContent::Enveloped => {
                self.safes.push(SafeInfo {
                    encrypted: true,
                    scheme: EncryptionScheme::Unknown {
                        oid: ID_ENVELOPED_DATA.to_string(),
                    },
                    decrypted: false,
                    error: Some(DecryptFailure::Unsupported {
                        scheme: "envelopedData (public-key privacy mode)".into(),
                    }),
                    bag_count: 0,
                });
            }
            RawContent::Signed | RawContent::Other(_) => {
                let oid = match content {
                    RawContent::Other(oid) => oid,
                    _ => ID_SIGNED_DATA,
                };
                self.problems.push(format!(
                    "AuthenticatedSafe entry of unexpected type {oid} skipped"
                ));
                self.safes.push(SafeInfo {
                    encrypted: false,
                    scheme: EncryptionScheme::Unknown {
                        oid: oid.to_string(),
                    },
                    decrypted: false,
                    error: Some(DecryptFailure::Unsupported {
                        scheme: format!("content type {oid}"),
                    }),
                    bag_count: 0,
                });
            }
        }
        Ok(())
    }

    /// Reads the bags of a SafeContents; returns the number of bags read (nested included) and
    /// the parse error, if the SafeContents itself could not be read.
    fn walk_safe_contents(
        &mut self,
        bytes: &[u8],
        depth: usize,
    ) -> Result<(usize, Option<DecryptFailure>), Pkcs12Error> {
        if depth > self.limits.max_nesting {
            return Err(Pkcs12Error::TooDeep {
                limit: self.limits.max_nesting,
            });
        }
        let budget = self
            .limits
            .max_objects_per_file
            .saturating_sub(self.objects);
        let bags = match read_sequence_of(bytes, budget, |r| r.decode::<::pkcs12::SafeBag>()) {
            Ok(b) => b,
            Err(SeqError::TooMany) => {
                return Err(Pkcs12Error::TooManyObjects {
                    limit: self.limits.max_objects_per_file,
                })
            }
            Err(SeqError::Der(e)) => {
                return Ok((
                    0,
                    Some(DecryptFailure::Malformed {
                        detail: format!("SafeContents: {e}"),
                    }),
                ))
            }
        };
        self.count_objects(bags.len())?;
        let mut count = bags.len();
        for bag in bags {
            count = count.saturating_add(self.walk_bag(bag, depth)?);
        }
        Ok((count, None))
    }

    /// Handles one bag; returns the number of nested bags read.
    fn walk_bag(&mut self, bag: ::pkcs12::SafeBag, depth: usize) -> Result<usize, Pkcs12Error> {
        let attrs = BagAttributes::from(&bag);
        let inner = match explicit_inner(&bag.bag_value) {
            Ok(i) => i,
            Err(e) => {
                self.problems
                    .push(format!("bag {} has an unreadable value: {e}", bag.bag_id));
                self.other_bags += 1;
                return Ok(0);
            }
        };
        match bag.bag_id {
            ::pkcs12::PKCS_12_CERT_BAG_OID => match decode_lenient::<::pkcs12::CertBag>(inner) {
                Ok(cb) if cb.cert_id == ::pkcs12::PKCS_12_X509_CERT_OID => {
                    self.certs.push(PfxCert {
                        der: cb.cert_value.as_bytes().to_vec(),
                        friendly_name: attrs.friendly_name,
                        local_key_id: attrs.local_key_id,
                    })
                }
                Ok(cb) => {
                    self.problems.push(format!(
                        "cert bag of type {} (not X.509) skipped",
                        cb.cert_id
                    ));
                    self.other_bags += 1;
                }
                Err(e) => {
                    self.problems.push(format!("unreadable cert bag: {e}"));
                    self.other_bags += 1;
                }
            },
            ::pkcs12::PKCS_12_KEY_BAG_OID => {
                let (pkcs8_der, decrypt_error) = match Expect::PrivateKey.check(inner) {
                    Ok(()) => (Some(SecretBytes::new(inner.to_vec())), None),
                    Err(detail) => (None, Some(DecryptFailure::Malformed { detail })),
                };
                self.keys.push(PfxKey {
                    scheme: EncryptionScheme::None,
                    pkcs8_der,
                    decrypt_error,
                    friendly_name: attrs.friendly_name,
                    local_key_id: attrs.local_key_id,
                    provider: attrs.provider,
                });
            }
            ::pkcs12::PKCS_12_PKCS8_KEY_BAG_OID => {
                let key =
                    match decode_lenient::<::pkcs12::pbe_params::EncryptedPrivateKeyInfo>(inner) {
                        Ok(epki) => {
                            let scheme = pbe::describe(&epki.encryption_algorithm);
                            match self.decrypt(
                                &epki.encryption_algorithm,
                                epki.encrypted_data.as_bytes(),
                                Expect::PrivateKey,
                            ) {
                                Ok(plain) => (scheme, Some(SecretBytes::new(plain.to_vec())), None),
                                Err(e) => (scheme, None, Some(e)),
                            }
                        }
                        Err(e) => (
                            EncryptionScheme::Unknown { oid: String::new() },
                            None,
                            Some(DecryptFailure::BadParameters {
                                detail: format!("EncryptedPrivateKeyInfo: {e}"),
                            }),
                        ),
                    };
                self.keys.push(PfxKey {
                    scheme: key.0,
                    pkcs8_der: key.1,
                    decrypt_error: key.2,
                    friendly_name: attrs.friendly_name,
                    local_key_id: attrs.local_key_id,
                    provider: attrs.provider,
                });
            }
            ::pkcs12::PKCS_12_SAFE_CONTENTS_BAG_OID => {
                let (n, err) = self.walk_safe_contents(inner, depth + 1)?;
                if let Some(e) = err {
                    self.problems
                        .push(format!("nested safe contents unreadable: {e}"));
                }
                return Ok(n);
            }
            ::pkcs12::PKCS_12_CRL_BAG_OID | ::pkcs12::PKCS_12_SECRET_BAG_OID => {
                self.other_bags += 1
            }
            other => {
                self.problems
                    .push(format!("bag of unknown type {other} skipped"));
                self.other_bags += 1;
            }
        }
        Ok(0)
    }
}

fn failure_from(e: PbeError) -> DecryptFailure {
    match e {
        PbeError::IterationsTooHigh { iterations, limit } => {
            DecryptFailure::IterationsTooHigh { iterations, limit }
        }
        PbeError::Unsupported { scheme } => DecryptFailure::Unsupported { scheme },
        PbeError::BadParameters { detail } => DecryptFailure::BadParameters { detail },
        PbeError::WrongPassword => DecryptFailure::WrongPassword { tried: 1 },
        #[allow(unreachable_patterns)]
        other => DecryptFailure::BadParameters {
            detail: other.to_string(),
        },
    }
}

/// The PBKDF2 part of PBMAC1 parameters (RFC 9579): PRF name, iteration count, salt length.
fn pbmac1_kdf(alg: &AlgorithmIdentifierOwned) -> Option<(String, u32, usize)> {
    use der::Encode;
    let params = alg.parameters.as_ref()?.to_der().ok()?;
    // PBMAC1-params has the same shape as PBES2-params: two AlgorithmIdentifiers.
    let p = decode_lenient::<::pkcs12::pbe_params::Pbes2Params>(&params).ok()?;
    pbe::pbkdf2_summary(&p.kdf)
}

fn digest_oid_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.2.840.113549.2.5" => "md5".into(),
        "1.2.840.113549.2.2" => "md2".into(),
        "1.3.6.1.4.1.1722.12.2.1.16" => "blake2b512".into(),
        "2.16.840.1.101.3.4.2.8" => "sha3-256".into(),
        "1.2.643.7.1.1.2.2" => "streebog256".into(),
        other => other.to_string(),
    }
}

/// The attributes we report from a bag.
#[derive(Default)]
struct BagAttributes {
    friendly_name: Option<String>,
    local_key_id: Option<Vec<u8>>,
    provider: Option<String>,
}

impl From<&::pkcs12::SafeBag> for BagAttributes {
    fn from(bag: &::pkcs12::SafeBag) -> Self {
        let mut out = BagAttributes::default();
        let Some(attrs) = bag.bag_attributes.as_ref() else {
            return out;
        };
        for attr in attrs.iter() {
            let Some(value) = attr.values.iter().next() else {
                continue;
            };
            match attr.oid {
                FRIENDLY_NAME => out.friendly_name = text_value(value),
                MS_CSP_NAME => out.provider = text_value(value),
                LOCAL_KEY_ID if value.tag() == Tag::OctetString => {
                    out.local_key_id = Some(value.value().to_vec())
                }
                _ => {}
            }
        }
        out
    }
}

/// A BMPString (UTF-16BE, decoded leniently) or UTF8String attribute value.
fn text_value(value: &der::asn1::Any) -> Option<String> {
    match value.tag() {
        Tag::BmpString => {
            let units = value
                .value()
                .chunks(2)
                .map(|c| match c {
                    [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                    _ => 0xFFFD,
                })
                .collect::<Vec<u16>>();
            let text: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect();
            Some(text.trim_end_matches('\0').to_string())
        }
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String => {
            Some(String::from_utf8_lossy(value.value()).into_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    const PW: &str = "correct horse";

    fn fixture(rel: &str) -> Vec<u8> {
        let path = format!("{FIXTURES}/{rel}");
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The user's password, then the empty password, as the caller passes them.
    fn candidates(s: &str) -> Vec<Password> {
        vec![Password::new(s), Password::empty()]
    }

    fn analyse(rel: &str, password: &str) -> Pfx {
        analyse_pkcs12(&fixture(rel), &candidates(password), &Limits::default())
            .unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn limits(f: impl FnOnce(&mut Limits)) -> Limits {
        let mut l = Limits::default();
        f(&mut l);
        l
    }

    /// DER of the first PEM block of a fixture.
    fn pem_der(rel: &str) -> Vec<u8> {
        let text = String::from_utf8(fixture(rel)).expect("PEM is text");
        let b64: String = text
            .lines()
            .skip_while(|l| !l.starts_with("-----BEGIN"))
            .skip(1)
            .take_while(|l| !l.starts_with("-----END"))
            .collect();
        <base64ct::Base64 as base64ct::Encoding>::decode_vec(&b64).expect("base64")
    }

    /// The privateKey OCTET STRING of a PKCS#8 PrivateKeyInfo.
    fn private_key_octets(pkcs8: &[u8]) -> Vec<u8> {
        let info = decode_lenient::<pkcs8::PrivateKeyInfoRef<'_>>(pkcs8).expect("PKCS#8");
        info.private_key.as_bytes().to_vec()
    }

    fn leaf_key_pkcs8() -> Vec<u8> {
        pem_der("keys/leaf-rsa.pkcs8.pem")
    }

    fn pbes2_aes256() -> EncryptionScheme {
        EncryptionScheme::Pbes2 {
            kdf: "pbkdf2".into(),
            prf: "hmac-sha256".into(),
            cipher: "aes-256-cbc".into(),
            iterations: 2048,
        }
    }

    fn legacy(alg: &str, iterations: u32) -> EncryptionScheme {
        EncryptionScheme::Pkcs12Pbe {
            alg: alg.into(),
            iterations,
        }
    }

    /// Checks the usual content of the p12/ fixtures: leaf + CA certificates and the leaf key.
    fn assert_leaf_bundle(p: &Pfx) {
        assert_eq!(p.certs.len(), 2, "{:?}", p.certs.len());
        assert_eq!(p.certs[0].der, fixture("pki/leaf-rsa.der"));
        assert_eq!(
            p.certs[0].friendly_name.as_deref(),
            Some("www.example.test")
        );
        assert_eq!(p.certs[1].der, pem_der("pki/issuing-ca-rsa.pem"));
        assert_eq!(p.keys.len(), 1);
        let key = &p.keys[0];
        assert_eq!(key.decrypt_error, None);
        let der = key.pkcs8_der.as_ref().expect("key decrypted");
        assert_eq!(der.expose(), &leaf_key_pkcs8()[..]);
        assert_eq!(key.friendly_name.as_deref(), Some("www.example.test"));
        let id = key.local_key_id.as_ref().expect("localKeyId");
        assert_eq!(id.len(), 20);
        assert_eq!(Some(id), p.certs[0].local_key_id.as_ref());
        assert!(
            p.safes.iter().all(|s| s.decrypted && s.error.is_none()),
            "{:?}",
            p.safes
        );
    }

    #[test]
    fn openssl3_default_verifies_and_decrypts() {
        let p = analyse("p12/default.pfx", PW);
        assert_eq!(
            p.mac,
            Some(MacInfo {
                digest: "sha256".into(),
                iterations: 2048,
                salt_len: 8,
                pbmac1: false
            })
        );
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert_eq!(
            p.password_used,
            Some(PasswordUsed {
                index: 0,
                empty: false,
                form: PasswordForm::Bmp
            })
        );
        assert_eq!(p.safes.len(), 2);
        assert!(p.safes[0].encrypted);
        assert_eq!(p.safes[0].scheme, pbes2_aes256());
        assert_eq!(p.safes[0].bag_count, 2);
        assert!(!p.safes[1].encrypted);
        assert_eq!(p.safes[1].scheme, EncryptionScheme::None);
        assert_eq!(p.keys[0].scheme, pbes2_aes256());
        assert_leaf_bundle(&p);
        assert_eq!(p.other_bags, 0);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
    }

    #[test]
    fn openssl_legacy_rc2_40_and_3des() {
        let p = analyse("p12/legacy.pfx", PW);
        assert_eq!(p.mac.as_ref().map(|m| m.digest.as_str()), Some("sha1"));
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert_eq!(p.safes[0].scheme, legacy("pbe-sha1-rc2-40", 2048));
        assert_eq!(p.keys[0].scheme, legacy("pbe-sha1-3des", 2048));
        assert_leaf_bundle(&p);
    }

    #[test]
    fn sha1_3des_everywhere() {
        let p = analyse("p12/sha1-3des.pfx", PW);
        assert_eq!(p.mac.as_ref().map(|m| m.digest.as_str()), Some("sha1"));
        assert_eq!(p.safes[0].scheme, legacy("pbe-sha1-3des", 2048));
        assert_eq!(p.keys[0].scheme, legacy("pbe-sha1-3des", 2048));
        assert_leaf_bundle(&p);
    }

    #[test]
    fn rc2_128_and_two_key_3des() {
        let p = analyse("p12-extra/rc2-128-2des.pfx", PW);
        assert_eq!(p.safes[0].scheme, legacy("pbe-sha1-rc2-128", 2048));
        assert_eq!(p.keys[0].scheme, legacy("pbe-sha1-2des", 2048));
        assert_leaf_bundle(&p);
    }

    #[test]
    fn rc4_is_reported_unsupported() {
        let p = analyse("p12-extra/rc4.pfx", PW);
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert_eq!(p.safes[0].scheme, legacy("pbe-sha1-rc4-128", 2048));
        assert_eq!(
            p.safes[0].error,
            Some(DecryptFailure::Unsupported {
                scheme: "pbe-sha1-rc4-128".into()
            })
        );
        assert!(!p.safes[0].decrypted);
        assert!(p.certs.is_empty());
        assert_eq!(p.keys[0].scheme, legacy("pbe-sha1-rc4-40", 2048));
        assert!(p.keys[0].pkcs8_der.is_none());
        assert!(matches!(
            p.keys[0].decrypt_error,
            Some(DecryptFailure::Unsupported { .. })
        ));
    }

    #[test]
    fn certs_only_and_key_only() {
        let p = analyse("p12/certs-only.pfx", PW);
        assert_eq!(p.certs.len(), 2);
        assert!(p.keys.is_empty());
        assert_eq!(p.certs[0].der, fixture("pki/leaf-rsa.der"));

        let p = analyse("p12/key-only.pfx", PW);
        assert!(p.certs.is_empty());
        assert_eq!(p.keys.len(), 1);
        let der = p.keys[0].pkcs8_der.as_ref().expect("decrypted");
        assert_eq!(der.expose(), &leaf_key_pkcs8()[..]);
    }

    #[test]
    fn empty_password_with_terminator() {
        // Only the empty password given.
        let p = analyse_pkcs12(
            &fixture("p12/empty-password.pfx"),
            &[Password::empty()],
            &Limits::default(),
        )
        .expect("pfx");
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert_eq!(
            p.password_used,
            Some(PasswordUsed {
                index: 0,
                empty: true,
                form: PasswordForm::Bmp
            })
        );
        assert_leaf_bundle(&p);
        // A user password first, then the empty one: the empty one is reported.
        let p = analyse("p12/empty-password.pfx", PW);
        assert_eq!(p.password_used.map(|u| (u.index, u.empty)), Some((1, true)));
        assert_leaf_bundle(&p);
    }

    #[test]
    fn empty_password_without_terminator() {
        let p = analyse("p12-extra/empty-password-no-terminator-mac.pfx", PW);
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert_eq!(
            p.password_used,
            Some(PasswordUsed {
                index: 1,
                empty: true,
                form: PasswordForm::BmpNoTerminator
            })
        );
        // The bags use the other empty form; both are tried.
        assert_eq!(p.keys[0].scheme, legacy("pbe-sha1-3des", 2048));
        assert_leaf_bundle(&p);
    }

    #[test]
    fn no_mac() {
        let p = analyse("p12/nomac.pfx", PW);
        assert_eq!(p.mac, None);
        assert_eq!(p.mac_status, MacStatus::NoMac);
        assert_eq!(
            p.password_used,
            Some(PasswordUsed {
                index: 0,
                empty: false,
                form: PasswordForm::Utf8
            })
        );
        assert_leaf_bundle(&p);
    }

    #[test]
    fn no_encryption() {
        let p = analyse("p12/unencrypted.pfx", PW);
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert!(p
            .safes
            .iter()
            .all(|s| !s.encrypted && s.scheme == EncryptionScheme::None));
        assert_eq!(p.keys[0].scheme, EncryptionScheme::None);
        assert_leaf_bundle(&p);
    }

    #[test]
    fn non_ascii_password() {
        let p = analyse("p12/non-ascii-password.pfx", "pässwörd€");
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert_eq!(p.password_used.map(|u| u.form), Some(PasswordForm::Bmp));
        assert_leaf_bundle(&p);
        // Same letters without the euro sign: wrong.
        let p = analyse("p12/non-ascii-password.pfx", "pässwörd");
        assert_eq!(p.mac_status, MacStatus::WrongPassword);
        assert!(p.keys.iter().all(|k| k.pkcs8_der.is_none()));
    }

    #[test]
    fn non_ascii_password_from_openssl_before_1_1_0() {
        let p = analyse("p12-extra/non-ascii-pre110.pfx", "pässwörd€");
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert_eq!(
            p.password_used.map(|u| u.form),
            Some(PasswordForm::BmpBytewise)
        );
        assert!(
            p.problems.iter().any(|m| m.contains("before 1.1.0")),
            "{:?}",
            p.problems
        );
        assert_leaf_bundle(&p);
    }

    #[test]
    fn wrong_password_verifies_nothing_and_decrypts_nothing() {
        for rel in ["p12/default.pfx", "p12/legacy.pfx", "p12/sha1-3des.pfx"] {
            let p = analyse(rel, "Correct horse");
            assert_eq!(p.mac_status, MacStatus::WrongPassword, "{rel}");
            assert_eq!(p.password_used, None, "{rel}");
            assert!(p.mac.is_some());
            assert_eq!(p.keys.len(), 1, "{rel}");
            assert!(p.keys[0].pkcs8_der.is_none(), "{rel}");
            assert!(
                matches!(
                    p.keys[0].decrypt_error,
                    Some(DecryptFailure::NotAttempted { .. })
                ),
                "{rel}: {:?}",
                p.keys[0].decrypt_error
            );
            // The encrypted safe (holding the certificates) is described but unread.
            assert!(p.safes[0].encrypted && !p.safes[0].decrypted, "{rel}");
            assert_ne!(p.safes[0].scheme, EncryptionScheme::None);
            assert!(p.certs.is_empty(), "{rel}");
        }
    }

    #[test]
    fn wrong_password_without_mac_tries_and_fails() {
        let p = analyse("p12/nomac.pfx", "Correct horse");
        assert_eq!(p.mac_status, MacStatus::NoMac);
        assert_eq!(p.password_used, None);
        assert_eq!(
            p.keys[0].decrypt_error,
            Some(DecryptFailure::WrongPassword { tried: 2 })
        );
    }

    #[test]
    fn hostile_mac_iteration_count_is_refused() {
        let p = analyse("p12/hostile-mac-iterations.pfx", PW);
        assert_eq!(
            p.mac_status,
            MacStatus::IterationsTooHigh {
                iterations: 2_147_483_647,
                limit: 1_000_000
            }
        );
        assert_eq!(p.mac.as_ref().map(|m| m.iterations), Some(2_147_483_647));
        // With the MAC unusable the candidates are tried on the contents directly.
        assert_leaf_bundle(&p);
    }

    #[test]
    fn hostile_key_bag_iteration_count_is_refused() {
        let p = analyse("p12/hostile-keybag-iterations.pfx", PW);
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert_eq!(p.certs.len(), 2);
        let key = &p.keys[0];
        assert!(key.pkcs8_der.is_none());
        assert_eq!(
            key.decrypt_error,
            Some(DecryptFailure::IterationsTooHigh {
                iterations: 2_147_483_647,
                limit: 1_000_000
            })
        );
        assert!(matches!(
            key.scheme,
            EncryptionScheme::Pbes2 {
                iterations: 2_147_483_647,
                ..
            }
        ));
    }

    #[test]
    fn pbmac1_is_recognised_not_verified() {
        let p = analyse("p12-extra/pbmac1.pfx", PW);
        assert_eq!(
            p.mac,
            Some(MacInfo {
                digest: "pbmac1-hmac-sha256".into(),
                iterations: 2048,
                salt_len: 16,
                pbmac1: true
            })
        );
        assert_eq!(
            p.mac_status,
            MacStatus::Unsupported {
                algorithm: "PBMAC1".into()
            }
        );
        assert!(p.problems.iter().any(|m| m.contains("PBMAC1")));
        assert_leaf_bundle(&p);
    }

    #[test]
    fn nested_safe_contents_and_nesting_limit() {
        let data = fixture("p12-extra/nested-safecontents.pfx");
        let p = analyse_pkcs12(&data, &[], &Limits::default()).expect("pfx");
        assert_eq!(p.mac_status, MacStatus::NoMac);
        assert_eq!(p.certs.len(), 1);
        assert_eq!(p.certs[0].der, fixture("pki/leaf-rsa.der"));
        assert_eq!(p.safes[0].bag_count, 3);
        let ok = analyse_pkcs12(&data, &[], &limits(|l| l.max_nesting = 3));
        assert!(ok.is_ok());
        let r = analyse_pkcs12(&data, &[], &limits(|l| l.max_nesting = 2));
        assert_eq!(r.err(), Some(Pkcs12Error::TooDeep { limit: 2 }));
    }

    #[test]
    fn object_limit() {
        // default.pfx holds 2 safes and 4 bags.
        let data = fixture("p12/default.pfx");
        let pws = candidates(PW);
        assert!(analyse_pkcs12(&data, &pws, &limits(|l| l.max_objects_per_file = 5)).is_ok());
        let r = analyse_pkcs12(&data, &pws, &limits(|l| l.max_objects_per_file = 4));
        assert_eq!(r.err(), Some(Pkcs12Error::TooManyObjects { limit: 4 }));
        let r = analyse_pkcs12(&data, &pws, &limits(|l| l.max_objects_per_file = 1));
        assert_eq!(r.err(), Some(Pkcs12Error::TooManyObjects { limit: 1 }));
    }

    #[test]
    fn file_size_limit() {
        let data = fixture("p12/default.pfx");
        let r = analyse_pkcs12(&data, &[], &limits(|l| l.max_file_size = 100));
        assert!(matches!(r, Err(Pkcs12Error::TooLarge { limit: 100, .. })));
    }

    #[test]
    fn kdf_run_budget() {
        let data = fixture("p12/legacy.pfx");
        let pws = candidates(PW);
        // MAC: 1 run; certificate safe: key + IV = 2; key bag: 2. Five runs do it all.
        let p = analyse_pkcs12(&data, &pws, &limits(|l| l.max_kdf_runs = 5)).expect("pfx");
        assert_leaf_bundle(&p);
        let p = analyse_pkcs12(&data, &pws, &limits(|l| l.max_kdf_runs = 3)).expect("pfx");
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert!(p.safes[0].decrypted);
        assert_eq!(
            p.keys[0].decrypt_error,
            Some(DecryptFailure::KdfRunLimit { limit: 3 })
        );
        let p = analyse_pkcs12(&data, &pws, &limits(|l| l.max_kdf_runs = 0)).expect("pfx");
        assert!(
            matches!(p.mac_status, MacStatus::NotChecked { .. }),
            "{:?}",
            p.mac_status
        );
        assert_eq!(
            p.keys[0].decrypt_error,
            Some(DecryptFailure::KdfRunLimit { limit: 0 })
        );
    }

    #[test]
    fn iteration_limit_applies_to_mac_and_contents() {
        let data = fixture("p12/legacy.pfx");
        let p = analyse_pkcs12(
            &data,
            &candidates(PW),
            &limits(|l| l.max_kdf_iterations = 2047),
        )
        .expect("pfx");
        assert_eq!(
            p.mac_status,
            MacStatus::IterationsTooHigh {
                iterations: 2048,
                limit: 2047
            }
        );
        assert_eq!(
            p.keys[0].decrypt_error,
            Some(DecryptFailure::IterationsTooHigh {
                iterations: 2048,
                limit: 2047
            })
        );
    }

    #[test]
    fn each_key_is_derived_once() {
        let pws = candidates(PW);
        let l = Limits::default();
        let mut ctx = Ctx::new(&pws, &l, Vec::new());
        let kdf = KdfInput {
            digest: Pkcs12Digest::Sha1,
            salt: b"salt",
            iterations: 10,
        };
        let bmp = PasswordForm::Bmp;
        let a = ctx
            .derive(0, bmp, &kdf, KeyPurpose::Key, 24)
            .expect("kdf")
            .expect("budget");
        let b = ctx
            .derive(0, bmp, &kdf, KeyPurpose::Key, 24)
            .expect("kdf")
            .expect("budget");
        assert_eq!(a, b);
        assert_eq!(ctx.runs, 1);
        ctx.derive(0, bmp, &kdf, KeyPurpose::Iv, 8).expect("kdf");
        ctx.derive(1, bmp, &kdf, KeyPurpose::Key, 24).expect("kdf");
        ctx.derive(0, PasswordForm::BmpBytewise, &kdf, KeyPurpose::Key, 24)
            .expect("kdf");
        assert_eq!(ctx.runs, 4);
    }

    #[test]
    fn truncated_garbage_and_other_formats_are_errors() {
        let l = Limits::default();
        let pws = candidates(PW);
        for rel in [
            "broken/random-4k.bin",
            "broken/empty.crt",
            "pki/leaf-rsa.der",
            "broken/truncated.der",
        ] {
            let r = analyse_pkcs12(&fixture(rel), &pws, &l);
            assert!(
                matches!(r, Err(Pkcs12Error::NotPkcs12 { .. })),
                "{rel}: {r:?}"
            );
        }
        let key = fixture("keys/leaf-rsa.pkcs8.der");
        assert!(matches!(
            analyse_pkcs12(&key, &pws, &l),
            Err(Pkcs12Error::NotPkcs12 { .. })
        ));
        // The PEM armour is the caller's job.
        let pem = fixture("p12/default.pfx.pem");
        assert!(matches!(
            analyse_pkcs12(&pem, &pws, &l),
            Err(Pkcs12Error::NotPkcs12 { .. })
        ));
        let data = fixture("p12/default.pfx");
        let half = &data[..data.len() / 2];
        assert!(matches!(
            analyse_pkcs12(half, &pws, &l),
            Err(Pkcs12Error::Malformed { .. })
        ));
        for cut in (0..data.len()).step_by(61) {
            let _ = analyse_pkcs12(&data[..cut], &pws, &l);
        }
    }

    #[test]
    fn trailing_data_is_noted() {
        let mut data = fixture("p12/default.pfx");
        data.extend_from_slice(b"\r\n\0\0junk");
        let p = analyse_pkcs12(&data, &candidates(PW), &Limits::default()).expect("pfx");
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert!(
            p.problems.iter().any(|m| m.contains("trailing")),
            "{:?}",
            p.problems
        );
    }

    #[test]
    fn secrets_stay_out_of_debug_and_json() {
        let p = analyse("p12/default.pfx", PW);
        let debug = format!("{p:?}");
        assert!(!debug.contains(PW));
        assert!(debug.contains("redacted"));
        let key = leaf_key_pkcs8();
        let key_debug = format!("{:?}", &key[..32]);
        assert!(!debug.contains(&key_debug[1..key_debug.len() - 1]));
        let json = serde_json::to_string(&(&p.mac, &p.mac_status, &p.password_used, &p.safes))
            .expect("json");
        assert!(json.contains("\"status\":\"verified\""), "{json}");
        assert!(json.contains("\"form\":\"bmp\""), "{json}");
        assert!(!json.contains(PW));
    }

    // --- Third-party exports (tests/fixtures/p12-external, see SOURCES.txt). Password "password".

    fn external_ee_cert() -> Vec<u8> {
        analyse("p12-external/ValidCertificatePathTest1EE.p12", "password").certs[0]
            .der
            .clone()
    }

    fn assert_external_bundle(p: &Pfx) {
        assert_eq!(p.certs.len(), 1);
        assert_eq!(p.certs[0].der, external_ee_cert());
        assert_eq!(p.keys.len(), 1);
        let key = p.keys[0].pkcs8_der.as_ref().expect("key decrypted");
        let expected = fixture("p12-external/ValidCertificatePathTest1EE.key");
        assert_eq!(
            private_key_octets(key.expose()),
            private_key_octets(&expected)
        );
        assert_eq!(p.keys[0].local_key_id, p.certs[0].local_key_id);
    }

    #[test]
    fn external_openssl_export() {
        let p = analyse("p12-external/ValidCertificatePathTest1EE.p12", "password");
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert_eq!(p.safes[0].scheme, legacy("pbe-sha1-3des", 2048));
        assert_eq!(
            p.certs[0].friendly_name.as_deref(),
            Some("Valid Certificate Path Test1 EE")
        );
        assert_external_bundle(&p);
    }

    #[test]
    fn external_windows_exports() {
        let p = analyse(
            "p12-external/ValidCertificatePathTest1EE_windows_aes.p12.pfx",
            "password",
        );
        assert_eq!(
            p.mac,
            Some(MacInfo {
                digest: "sha256".into(),
                iterations: 2000,
                salt_len: 20,
                pbmac1: false
            })
        );
        assert_eq!(p.mac_status, MacStatus::Verified);
        let aes = EncryptionScheme::Pbes2 {
            kdf: "pbkdf2".into(),
            prf: "hmac-sha256".into(),
            cipher: "aes-256-cbc".into(),
            iterations: 2000,
        };
        assert_eq!(p.keys[0].scheme, aes);
        assert_eq!(p.safes[1].scheme, aes);
        assert_eq!(
            p.keys[0].provider.as_deref(),
            Some("Microsoft Enhanced Cryptographic Provider v1.0")
        );
        assert_eq!(p.keys[0].local_key_id.as_deref(), Some(&[1u8, 0, 0, 0][..]));
        assert_external_bundle(&p);

        let p = analyse(
            "p12-external/ValidCertificatePathTest1EE_windows_tdes.p12.pfx",
            "password",
        );
        assert_eq!(p.mac.as_ref().map(|m| m.digest.as_str()), Some("sha1"));
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert_eq!(p.keys[0].scheme, legacy("pbe-sha1-3des", 2000));
        assert_eq!(p.safes[1].scheme, legacy("pbe-sha1-3des", 2000));
        assert_external_bundle(&p);
    }

    #[test]
    fn external_macos_export() {
        let p = analyse(
            "p12-external/ValidCertificatePathTest1EE_macos.p12",
            "password",
        );
        assert_eq!(p.mac.as_ref().map(|m| m.iterations), Some(1));
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert_eq!(p.safes[0].scheme, legacy("pbe-sha1-rc2-40", 2048));
        assert_eq!(p.keys[0].scheme, legacy("pbe-sha1-3des", 2048));
        // Keychain names the certificate and the key differently.
        assert_eq!(
            p.certs[0].friendly_name.as_deref(),
            Some("Valid EE Certificate Test1")
        );
        assert_external_bundle(&p);
    }

    #[test]
    fn external_firefox_export_is_ber() {
        let p = analyse(
            "p12-external/ValidCertificatePathTest1EE_firefox.p12",
            "password",
        );
        assert!(
            p.problems.iter().any(|m| m.contains("BER")),
            "{:?}",
            p.problems
        );
        assert_eq!(
            p.mac.as_ref().map(|m| (m.iterations, m.salt_len)),
            Some((600_000, 16))
        );
        assert_eq!(p.mac_status, MacStatus::Verified);
        assert_eq!(p.safes[1].scheme, legacy("pbe-sha1-rc2-40", 600_000));
        assert_external_bundle(&p);
    }

    #[test]
    fn external_openssl_variants() {
        // BLAKE2b-512 MAC: not supported, so the contents are opened by trying the candidates.
        let p = analyse("p12-external/example11.pfx", "1234");
        assert_eq!(
            p.mac_status,
            MacStatus::Unsupported {
                algorithm: "blake2b512".into()
            }
        );
        assert!(p.keys[0].pkcs8_der.is_some());
        assert_eq!(p.password_used.map(|u| u.index), Some(0));
        // No MAC at all.
        let p = analyse("p12-external/example5.pfx", "1234");
        assert_eq!(p.mac_status, MacStatus::NoMac);
        assert!(p.keys[0].pkcs8_der.is_some());
        // Plain keyBag.
        let p = analyse("p12-external/example7.pfx", "1234");
        assert_eq!(p.certs.len(), 2);
        assert_eq!(p.keys[0].scheme, EncryptionScheme::None);
        assert!(p.keys[0].pkcs8_der.is_some());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn mutated_pfx_never_panics(
            which in 0usize..3,
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            cut in any::<prop::sample::Index>(),
            truncate in any::<bool>(),
        ) {
            let rel = ["p12/default.pfx", "p12/legacy.pfx", "p12-external/ValidCertificatePathTest1EE_firefox.p12"][which];
            let mut data = fixture(rel);
            for (at, byte) in edits {
                let i = at.index(data.len());
                data[i] = byte;
            }
            if truncate {
                data.truncate(cut.index(data.len()));
            }
            // Keep each case cheap: a mutated count may be up to the iteration limit.
            let l = limits(|l| { l.max_kdf_iterations = 5_000; l.max_kdf_runs = 8; });
            let _ = analyse_pkcs12(&data, &candidates(PW), &l);
        }
    }
}
