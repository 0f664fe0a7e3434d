//! Recognition of error messages that users paste from OpenSSL, nginx, Apache, keytool,
//! Java, Windows tools (certutil, IIS, signtool, .NET), Schannel and SELinux.
//!
//! The catalog lives in `data/messages.toml`; it is embedded at compile time, parsed
//! and compiled once. Each pattern has a stable dotted id that rules refer to.

use std::collections::HashSet;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use super::codes::parse_code;

/// The embedded catalog (see `data/messages.toml`).
const CATALOG_TOML: &str = include_str!("../../data/messages.toml");

/// The sources a pattern may name.
pub const SOURCES: &[&str] = &[
    "openssl", "nginx", "apache", "keytool", "java", "windows", "certutil", "signtool", "dotnet",
    "iis", "schannel", "selinux", "generic",
];

/// At most this many characters of matched text are kept in a [`RecognizedMessage`].
pub const MAX_MATCHED_CHARS: usize = 200;

/// Upper bound for the compiled size of one pattern (guards against runaway repetition).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// One entry of the catalog.
#[derive(Debug, Clone)]
pub struct MessagePattern {
    /// Stable dotted id, e.g. `"nginx.key_values_mismatch"`.
    pub id: String,
    /// The tool that prints the message (one of [`SOURCES`]).
    pub source: String,
    /// The HRESULT the message implies, if any.
    pub code: Option<u32>,
    /// One-line English description.
    pub en: String,
    /// One-line Simplified Chinese description.
    pub zh: String,
    regex: Regex,
}

impl MessagePattern {
    /// The pattern's regular expression source text.
    pub fn regex_str(&self) -> &str {
        self.regex.as_str()
    }

    /// True when the pattern occurs anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

/// A catalog pattern found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecognizedMessage {
    /// The pattern's id.
    pub id: &'static str,
    /// The pattern's source tool.
    pub source: &'static str,
    /// The HRESULT the message implies, if any.
    pub code: Option<u32>,
    /// The first matched text, cut to at most [`MAX_MATCHED_CHARS`] characters.
    pub matched: String,
}

/// Why the embedded catalog could not be loaded (a build-time data error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The TOML does not parse or does not have the expected shape.
    #[error("message catalog is not valid TOML: {0}")]
    Toml(String),
    /// A pattern's regex does not compile.
    #[error("pattern {id}: regex does not compile: {reason}")]
    Regex {
        /// The pattern id.
        id: String,
        /// The compiler's message.
        reason: String,
    },
    /// Two patterns share an id.
    #[error("duplicate pattern id {0}")]
    DuplicateId(String),
    /// An id is empty or not of the dotted form `source.name`.
    #[error("pattern id {0:?} is not of the form source.name")]
    BadId(String),
    /// A source outside [`SOURCES`].
    #[error("pattern {id}: unknown source {source_name}")]
    BadSource {
        /// The pattern id.
        id: String,
        /// The unknown source.
        source_name: String,
    },
    /// The `code` field is not an HRESULT.
    #[error("pattern {id}: code {code:?} is not a hex HRESULT")]
    BadCode {
        /// The pattern id.
        id: String,
        /// The field's text.
        code: String,
    },
    /// A description is empty.
    #[error("pattern {0}: en and zh descriptions must not be empty")]
    MissingText(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    pattern: Vec<RawPattern>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    id: String,
    source: String,
    regex: String,
    #[serde(default)]
    code: Option<String>,
    en: String,
    zh: String,
}

fn is_dotted_id(id: &str) -> bool {
    let mut parts = id.split('.');
    let ok_part = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    match (parts.next(), parts.next()) {
        (Some(a), Some(b)) => ok_part(a) && ok_part(b) && parts.all(ok_part),
        _ => false,
    }
}

fn parse_catalog(text: &str) -> Result<Vec<MessagePattern>, CatalogError> {
    let raw: RawCatalog = toml::from_str(text).map_err(|e| CatalogError::Toml(e.to_string()))?;
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(raw.pattern.len());
    for p in raw.pattern {
        if !is_dotted_id(&p.id) {
            return Err(CatalogError::BadId(p.id));
        }
        if !seen.insert(p.id.clone()) {
            return Err(CatalogError::DuplicateId(p.id));
        }
        if !SOURCES.contains(&p.source.as_str()) {
            return Err(CatalogError::BadSource {
                id: p.id,
                source_name: p.source,
            });
        }
        if p.en.trim().is_empty() || p.zh.trim().is_empty() {
            return Err(CatalogError::MissingText(p.id));
        }
        let code = match &p.code {
            None => None,
            Some(c) => {
                let hex = c.trim();
                let digits = hex
                    .strip_prefix("0x")
                    .or_else(|| hex.strip_prefix("0X"))
                    .unwrap_or(hex);
                let valid = digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_hexdigit());
                match valid.then(|| parse_code(hex)).flatten() {
                    Some(v) => Some(v),
                    None => {
                        return Err(CatalogError::BadCode {
                            id: p.id,
                            code: c.clone(),
                        })
                    }
                }
            }
        };
        let regex = RegexBuilder::new(&p.regex)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| CatalogError::Regex {
                id: p.id.clone(),
                reason: e.to_string(),
            })?;
        out.push(MessagePattern {
            id: p.id,
            source: p.source,
            code,
            en: p.en,
            zh: p.zh,
            regex,
        });
    }
    Ok(out)
}

fn catalog_result() -> &'static Result<Vec<MessagePattern>, CatalogError> {
    static CATALOG: OnceLock<Result<Vec<MessagePattern>, CatalogError>> = OnceLock::new();
    CATALOG.get_or_init(|| parse_catalog(CATALOG_TOML))
}

/// All patterns, parsed and compiled once, in file order. Empty if the embedded catalog
/// is malformed ([`catalog_error`] then says why; the unit tests rule this out).
pub fn catalog() -> &'static [MessagePattern] {
    match catalog_result() {
        Ok(v) => v.as_slice(),
        Err(_) => &[],
    }
}

/// The error found while loading the embedded catalog, if any (`None` when it loaded).
pub fn catalog_error() -> Option<&'static CatalogError> {
    catalog_result().as_ref().err()
}

/// The ids of all patterns, in catalog order. Reads only the ids, so checking a rule's message
/// names does not compile the 67 regexes (a fleet scan without a symptom never needs them).
pub fn pattern_ids() -> impl Iterator<Item = &'static str> {
    #[derive(Deserialize)]
    struct Ids {
        #[serde(default)]
        pattern: Vec<Id>,
    }
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    static IDS: OnceLock<Vec<String>> = OnceLock::new();
    IDS.get_or_init(|| {
        toml::from_str::<Ids>(CATALOG_TOML)
            .map(|c| c.pattern.into_iter().map(|p| p.id).collect())
            .unwrap_or_default()
    })
    .iter()
    .map(String::as_str)
}

/// Looks a pattern up by id.
pub fn pattern(id: &str) -> Option<&'static MessagePattern> {
    catalog().iter().find(|p| p.id == id)
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => s.get(..cut).unwrap_or(s).to_string(),
        None => s.to_string(),
    }
}

/// Every catalog pattern that occurs in `text`, in catalog order (each at most once,
/// with its first match). Matching is linear in the text length for every pattern.
pub fn recognize(text: &str) -> Vec<RecognizedMessage> {
    catalog()
        .iter()
        .filter_map(|p| {
            p.regex.find(text).map(|m| RecognizedMessage {
                id: p.id.as_str(),
                source: p.source.as_str(),
                code: p.code,
                matched: truncate_chars(m.as_str(), MAX_MATCHED_CHARS),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real lines (from /work/shared/samples/command-outputs and tool sources) for every id.
    /// Several lines per id where the wording differs between versions.
    const SAMPLES: &[(&str, &str)] = &[
        // --- OpenSSL
        ("openssl.no_start_line", "nginx: [emerg] cannot load certificate \"/var/cache/bunkerweb/misc/default-server-cert.pem\": PEM_read_bio_X509_AUX() failed (SSL: error:0480006C:PEM routines::no start line:Expecting: TRUSTED CERTIFICATE)"),
        ("openssl.no_start_line", "SSL Library Error: error:0906D06C:PEM routines:PEM_read_bio:no start line (Expecting: CERTIFICATE) -- Bad file contents or format - or even just a forgotten SSLCertificateKeyFile?"),
        ("openssl.bad_end_line", "nginx: [emerg] cannot load certificate \"/etc/nginx/default.pem\": PEM_read_bio_X509_AUX() failed (SSL: error:0908F066:PEM routines:get_header_and_data:bad end line)"),
        ("openssl.key_values_mismatch", "SSL Library Error: 185073780 error:0B080074:x509 certificate routines:X509_check_private_key:key values mismatch"),
        ("openssl.key_values_mismatch", "(SSL: error:05800074:x509 certificate routines::key values mismatch)"),
        ("openssl.unable_to_get_local_issuer", "error 20 at 0 depth lookup: unable to get local issuer certificate"),
        ("openssl.unable_to_get_local_issuer", "verify error:num=20:unable to get local issuer certificate"),
        ("openssl.unable_to_get_issuer_cert", "verify error:num=2:unable to get issuer certificate"),
        ("openssl.self_signed_in_chain", "verify error:num=19:self signed certificate in certificate chain"),
        ("openssl.self_signed_in_chain", "Verify return code: 19 (self-signed certificate in certificate chain)"),
        ("openssl.depth_zero_self_signed", "verify error:num=18:self signed certificate"),
        ("openssl.depth_zero_self_signed", "Verify return code: 18 (self-signed certificate)"),
        ("openssl.cert_has_expired", "error 10 at 1 depth lookup: certificate has expired"),
        ("openssl.cert_not_yet_valid", "error 9 at 0 depth lookup: certificate is not yet valid"),
        ("openssl.bad_decrypt", "140735:error:06065064:digital envelope routines:EVP_DecryptFinal_ex:bad decrypt:evp_enc.c:529:"),
        ("openssl.mac_verify_failure", "Mac verify error: invalid password?"),
        ("openssl.mac_verify_failure", "error:23076071:PKCS12 routines:PKCS12_parse:mac verify failure"),
        ("openssl.unsupported_algorithm", "80DB0B0A0D7F0000:error:0308010C:digital envelope routines:inner_evp_generic_fetch:unsupported:../crypto/evp/evp_fetch.c:349:Global default library context, Algorithm (RC2-40-CBC : 0), Properties ()"),
        ("openssl.bad_base64", "error:0906D064:PEM routines:PEM_read_bio:bad base64 decode"),
        ("openssl.asn1_parse_error", "SSL Library Error: error:0D0680A8:asn1 encoding routines:ASN1_CHECK_TLEN:wrong tag"),
        ("openssl.asn1_parse_error", "SSL Library Error: error:0D07803A:asn1 encoding routines:asn1_item_embed_d2i:nested asn1 error (Type=PKCS8_PRIV_KEY_INFO)"),
        ("openssl.asn1_parse_error", "error:0D07207B:asn1 encoding routines:ASN1_get_object:header too long"),
        ("openssl.ca_md_too_weak", "error:140AB18E:SSL routines:SSL_CTX_use_certificate:ca md too weak"),
        ("openssl.ee_key_too_small", "SSL Library Error: error:0A00018F:SSL routines::ee key too small"),
        ("openssl.ee_key_too_small", "SSL Library Error: error: 140AB18F: SSL routines: SSL_CTX_use_certificate:ee key too small"),
        ("openssl.hostname_mismatch", "Verification error: hostname mismatch"),
        ("openssl.hostname_mismatch", "curl: (60) SSL: no alternative certificate subject name matches target host name 'example.org'"),
        ("openssl.unable_to_verify_leaf", "Verification error: unable to verify the first certificate"),
        ("openssl.invalid_purpose", "error 26 at 0 depth lookup: unsupported certificate purpose"),
        // --- nginx
        ("nginx.key_values_mismatch", "nginx: [emerg] SSL_CTX_use_PrivateKey_file(\"/etc/ssl/letsencrypt/keys/subdomain.mydomain.com.key\") failed (SSL: error:0B080074:x509 certificate routines:X509_check_private_key:key values mismatch)"),
        ("nginx.key_values_mismatch", "nginx: [emerg] SSL_CTX_use_PrivateKey(\"/etc/nginx/certs/expired/key.pem\") failed (SSL: error:05800074:x509 certificate routines::key values mismatch)"),
        ("nginx.cannot_load_certificate", "2023/05/28 18:59:45 [emerg] 112397#112397: cannot load certificate \"/etc/nginx/ssl-certificates/custom.crt\": PEM_read_bio_X509() failed (SSL: error:04800066:PEM routines::bad end line)"),
        ("nginx.cannot_load_certificate", "2017/10/13 08:51:49 [emerg] 1#1: PEM_read_bio_X509_AUX(\"/etc/nginx/server.crt\") failed (SSL: error:0906D06C:PEM routines:PEM_read_bio:no start line:Expecting: TRUSTED CERT)"),
        ("nginx.cannot_load_key", "nginx: [emerg] cannot load certificate key \"/etc/certwarden/certs/site.com.key\": PEM_read_bio_PrivateKey() failed"),
        ("nginx.permission_denied", "nginx             | 2021/10/08 09:56:58 [emerg] 1#1: cannot load certificate key \"/certs/server.key\": BIO_new_file() failed (SSL: error:0200100D:system library:fopen:Permission denied:fopen('/certs/server.key','r') error:2006D002:BIO routines:BIO_new_file:system lib)"),
        ("nginx.permission_denied", "iriswebapp_nginx  | nginx: [emerg] cannot load certificate ...  BIO_new_file() failed (SSL: error:8000000D:system library::Permission denied:calling fopen"),
        ("nginx.pass_phrase", "nginx: [emerg] cannot load certificate key \"/etc/nginx/cert/server.key\": PEM_read_bio_PrivateKey() failed (SSL: error:2807106B:UI routines:UI_process:processing error:while reading strings error:0906406D:PEM routines:PEM_def_callback:problems getting password error:0907B068:PEM routines:PEM_read_bio_PrivateKey:bad password read)"),
        ("nginx.no_such_file", "nginx: [emerg] cannot load certificate \"/etc/letsencrypt/live/evernodegateway.com/fullchain.pem\": BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory:calling fopen(/etc/letsencrypt/live/evernodegateway.com/fullchain.pem, r) error:10000080:BIO routines::no such file)"),
        ("nginx.no_such_file", "nginx: [emerg] SSL_CTX_use_PrivateKey_file(\"/var/cpanel/ssl/installed/keys/e4271.key\") failed (SSL: error:02001002:system library:fopen:No such file or directory:fopen('/var/cpanel/ssl/installed/keys/e4271.key','r') error:20074002:BIO routines:FILE_CTRL:system lib)"),
        // --- Apache
        ("apache.AH02565", "AH02565: Certificate and private key example.com:443:0 from\n/etc/apache2/ssl/fullchain.cer and /etc/apache2/ssl/old-key.key do not match"),
        ("apache.failed_configure_certificate", "[Fri Sep 30 08:40:06.965851 2016] [ssl:emerg] [pid 6880:tid 3074701952] AH02561: Failed to configure certificate g.yandere.cf:443:0, check /root/zmirror/1.key"),
        ("apache.failed_configure_certificate", "[Mon Jan 22 22:02:18.903212 2024] [ssl:emerg] [pid 141558] AH02562: Failed to configure certificate ubos-device:443:0 (with chain), check /etc/httpd/conf/server.crt"),
        ("apache.failed_configure_key", "[ssl:emerg] [pid 1252:tid 376] AH02564: Failed to configure encrypted (?) private key www.example.com:443:0, check C:/xampp/apache/conf/ssldomain/dream.team-crt.pem"),
        ("apache.private_key_not_found", "[Thu Dec 15 16:21:37.578386 2016] [ssl:error] [pid 15827] AH02203: Init: Private key not found"),
        ("apache.private_key_not_found", "[ssl:error] [pid 1] AH02579: Init: Private key not found"),
        ("apache.pass_phrase", "[ssl:emerg] [pid 1252:tid 376] AH02577: Init: SSLPassPhraseDialog builtin is not supported on Win32 (key file C:/xampp/apache/conf/ssldomain/dream.team-crt.pem)"),
        ("apache.pass_phrase", "[ssl:emerg] [pid 9] AH02580: Init: Pass phrase incorrect for key www.example.com:443:0"),
        ("apache.AH01903", "[ssl:emerg] [pid 2210] AH01903: Failed to configure CA certificate chain!"),
        ("apache.AH02217", "[ssl:error] [pid 3] AH02217: ssl_stapling_init_cert: can't retrieve issuer certificate! [subject: CN=example.com]"),
        ("apache.permission_denied", "[ssl:emerg] [pid 8] (13)Permission denied: AH02574: Init: Can't open server private key file /etc/pki/tls/private/site.key"),
        ("apache.file_missing", "Jul 20 20:19:34 ubuntu-media apachectl[23365]: SSLCertificateFile: file '/etc/letsencrypt/live/yourdomain.com/fullchain.pem' does not exist or is empty"),
        // --- keytool / Java
        ("keytool.password_incorrect", "keytool 错误: java.io.IOException: keystore password was incorrect"),
        ("keytool.password_incorrect", "Caused by: java.security.UnrecoverableKeyException: Password verification failed"),
        ("keytool.tampered_or_password", "keytool error: java.io.IOException: Keystore was tampered with, or password was incorrect"),
        ("keytool.reply_key_mismatch", "keytool error: java.lang.Exception: Public keys in reply and keystore don't match"),
        ("keytool.reply_key_mismatch", "keytool error: java.lang.Exception: Public keys in reply and keystore don't matc\nh"),
        ("keytool.reply_key_mismatch", "keytool 错误: java.lang.Exception: 回复中的公用密钥与 keystore 不符"),
        ("keytool.failed_to_establish_chain", "keytool error: java.lang.Exception: Failed to establish chain from reply"),
        ("keytool.failed_to_establish_chain", "keytool 错误: java.lang.Exception: 无法从回复中建立链接"),
        ("keytool.input_not_x509", "keytool error: java.lang.Exception: Input not an X.509 certificate"),
        ("keytool.file_not_exist", "keytool error: java.lang.Exception: Keystore file does not exist: key.jks"),
        ("java.pkix_path_building_failed", "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target"),
        ("java.certificate_expired", "Caused by: java.security.cert.CertificateExpiredException: NotAfter: Sat May 30 10:48:38 UTC 2020"),
        // --- Windows
        ("windows.password_incorrect", "CertUtil: The specified network password is not correct."),
        ("windows.password_incorrect", "The password you entered is incorrect."),
        ("windows.password_incorrect", "CertUtil: Das angegebene Netzwerkkennwort ist falsch."),
        ("windows.password_incorrect", "CertUtil: 지정된 네트워크 암호가 맞지 않습니다."),
        ("windows.no_private_key", "No key provider information\nCannot find the certificate and private key for decryption."),
        ("windows.no_private_key", "Impossible de trouver le certificat et la clé privée pour le déchiffrement."),
        ("windows.no_private_key", "  Missing stored keyset"),
        ("windows.file_invalid", "CertEnroll::CX509Enrollment::p_InstallResponse: ASN1 bad tag value met. 0x8009310b (ASN: 267 CRYPT_E_ASN1_BADTAG)"),
        ("windows.file_invalid", "System.Security.Cryptography.CryptographicException: Cannot find the requested object."),
        ("windows.untrusted_root", "A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider. 0x800b0109 (-2146762487 CERT_E_UNTRUSTEDROOT)"),
        ("schannel.untrusted_root", "The remote certificate is invalid: The certificate chain was issued by an authority that is not trusted."),
        ("windows.issuer_not_found", "A certificate chain could not be built to a trusted root authority. 0x800b010a (-2146762486 CERT_E_CHAINING)"),
        ("windows.issuer_not_found", "Missing Issuer: CN=dc-prime.compasshealthcenter.net, DC=compasshealthcenter, DC=net"),
        ("windows.keyset_does_not_exist", "CertUtil: -exportPFX command FAILED: 0x80090016 (-2146893802 NTE_BAD_KEYSET)\nCertUtil: Keyset does not exist"),
        ("windows.access_denied", "C:\\Windows\\System32>ren C:\\Windows\\SoftwareDistribution SoftwareDistribution.old\nAccess is denied."),
        ("windows.access_denied", "CertUtil: -importPFX command FAILED: 0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)"),
        ("windows.revocation_offline", "ERROR: Verifying leaf certificate revocation status returned The revocation function was unable to check revocation because the revocation server was offline. 0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)"),
        ("windows.revocation_offline", "CertUtil: 由于吊销服务器已脱机，吊销功能无法检查吊销。"),
        ("windows.revocation_offline", "失効サーバーがオフラインのため、失効の関数は失効を確認できませんでした。 0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)"),
        ("windows.not_yet_valid_or_expired", "A required certificate is not within its validity period when verifying against the current system clock or the timestamp in the signed file. 0x800b0101 (-2146762495 CERT_E_EXPIRED)"),
        ("schannel.cert_expired", "The received certificate has expired."),
        ("windows.bad_prov_type", "System.Security.Cryptography.CryptographicException: Invalid provider type specified."),
        ("windows.bad_provider", "CertUtil: -repairstore command FAILED: 0x80090013 (-2146893805 NTE_BAD_PROVIDER)\nCertUtil: Invalid provider specified."),
        ("windows.key_state", "System.Security.Cryptography.CryptographicException: Key not valid for use in specified state."),
        ("windows.service_not_exist", "There was an error while performing this operation. Details: The specified service does not exist as an installed service. (Exception from HRESULT: 0x80070424)"),
        ("windows.service_not_exist", "[SC] OpenService FAILED 1060:"),
        // --- IIS
        ("iis.request_not_found", "CertEnroll::CX509Enrollment::p_InstallResponse: Cannot find the certificate request that is associated with this certificate file. A certificate request must be completed on the computer where the request was created. 0x80092004 (-2146885628 CRYPT_E_NOT_FOUND)"),
        ("iis.logon_session", "There was an error while performing this operation. Details: A specified logon session does not exist. It may already have been terminated. (Exception from HRESULT: 0x80070520)"),
        // --- Schannel
        ("schannel.36870", "A fatal error occurred when attempting to access the TLS server credential private key. The error code returned from the cryptographic module is 0x8009030D. The internal error state is 10001."),
        ("schannel.36870", "A fatal error occurred when attempting to access the SSL server credential private key. The error code returned from the cryptographic module is 0x8009030D."),
        // --- signtool
        ("signtool.timestamp_unreachable", "SignTool Error: The specified timestamp server either could not be reached or returned an invalid response."),
        ("signtool.no_certificates", "SignTool Error: No certificates were found that met all the given criteria."),
        // --- .NET
        ("dotnet.keyset_does_not_exist", "System.Security.Cryptography.CryptographicException: Keyset does not exist"),
        ("dotnet.password_incorrect", "Internal.Cryptography.CryptoThrowHelper+WindowsCryptographicException: The specified network password is not correct."),
        ("dotnet.password_incorrect", "System.Security.Cryptography.CryptographicException: The specified network password is not correct."),
        // --- certutil
        ("certutil.failed", "CertUtil: -importPFX command FAILED: 0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD)"),
        ("certutil.failed", "CertUtil: -importPFX-Befehl ist fehlgeschlagen: 0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD)"),
        ("certutil.failed", "CertUtil: -importPFX 명령이 실패되었습니다.0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD) "),
        ("certutil.failed", "CertUtil: -store command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)"),
        // --- SELinux
        ("selinux.avc_denied", "type=AVC msg=audit(1655480012.410:132688): avc:  denied  { read } for  pid=3581 comm=\"nginx\" name=\"index.html\" dev=\"vda1\" ino=656342 scontext=system_u:system_r:httpd_t:s0 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0"),
        ("selinux.avc_denied", "Dec 24 11:56:19 python: SELinux is preventing /usr/sbin/httpd from rename access on the file fallback-privkey.pem.tmp."),
        // --- generic
        ("generic.permission_denied", "type=SYSCALL msg=audit(09/09/16 10:20:54.784:502) : arch=x86_64 syscall=open success=no exit=EACCES(Permission denied)"),
    ];

    /// The ids the project's brief requires (more may exist).
    const REQUIRED_IDS: &[&str] = &[
        "openssl.no_start_line",
        "openssl.key_values_mismatch",
        "openssl.unable_to_get_local_issuer",
        "openssl.unable_to_get_issuer_cert",
        "openssl.self_signed_in_chain",
        "openssl.depth_zero_self_signed",
        "openssl.cert_has_expired",
        "openssl.cert_not_yet_valid",
        "openssl.bad_decrypt",
        "openssl.mac_verify_failure",
        "openssl.unsupported_algorithm",
        "openssl.bad_base64",
        "openssl.asn1_parse_error",
        "openssl.ca_md_too_weak",
        "openssl.ee_key_too_small",
        "openssl.hostname_mismatch",
        "openssl.unable_to_verify_leaf",
        "openssl.invalid_purpose",
        "nginx.key_values_mismatch",
        "nginx.cannot_load_certificate",
        "nginx.cannot_load_key",
        "nginx.permission_denied",
        "nginx.pass_phrase",
        "nginx.no_such_file",
        "apache.AH02565",
        "apache.private_key_not_found",
        "apache.pass_phrase",
        "apache.AH01903",
        "apache.permission_denied",
        "apache.file_missing",
        "keytool.password_incorrect",
        "keytool.tampered_or_password",
        "keytool.reply_key_mismatch",
        "keytool.failed_to_establish_chain",
        "keytool.input_not_x509",
        "java.pkix_path_building_failed",
        "windows.password_incorrect",
        "windows.no_private_key",
        "windows.file_invalid",
        "windows.untrusted_root",
        "windows.issuer_not_found",
        "windows.keyset_does_not_exist",
        "windows.access_denied",
        "windows.revocation_offline",
        "windows.not_yet_valid_or_expired",
        "windows.bad_prov_type",
        "windows.service_not_exist",
        "iis.request_not_found",
        "iis.logon_session",
        "schannel.36870",
        "signtool.timestamp_unreachable",
        "signtool.no_certificates",
        "dotnet.keyset_does_not_exist",
        "dotnet.password_incorrect",
        "certutil.failed",
        "selinux.avc_denied",
        "generic.permission_denied",
    ];

    fn ids(text: &str) -> Vec<&'static str> {
        recognize(text).into_iter().map(|r| r.id).collect()
    }

    #[test]
    fn catalog_loads_compiles_and_ids_are_unique() {
        assert_eq!(catalog_error(), None);
        let all: Vec<&str> = pattern_ids().collect();
        let compiled: Vec<&str> = catalog().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(all, compiled, "the id-only read must see the same patterns");
        assert!(all.len() >= REQUIRED_IDS.len());
        let unique: HashSet<&str> = all.iter().copied().collect();
        assert_eq!(unique.len(), all.len(), "duplicate ids");
        for p in catalog() {
            assert!(SOURCES.contains(&p.source.as_str()));
            assert!(
                p.id.starts_with(&format!("{}.", p.source)),
                "{} vs {}",
                p.id,
                p.source
            );
            assert!(!p.regex_str().is_empty());
            assert!(!p.en.is_empty() && !p.zh.is_empty());
            if let Some(c) = p.code {
                assert!(
                    super::super::codes::decode(c).name.is_some(),
                    "{}: code 0x{c:08X} not in the code table",
                    p.id
                );
            }
        }
    }

    #[test]
    fn required_ids_exist() {
        for id in REQUIRED_IDS {
            assert!(pattern(id).is_some(), "missing pattern {id}");
        }
    }

    #[test]
    fn every_pattern_has_a_sample_that_it_recognises() {
        for p in catalog() {
            assert!(
                SAMPLES.iter().any(|(id, _)| *id == p.id),
                "no sample line for {}",
                p.id
            );
        }
        for (id, line) in SAMPLES {
            assert!(pattern(id).is_some(), "sample for unknown id {id}");
            let found = ids(line);
            assert!(
                found.contains(id),
                "{id} not recognised in {line:?}; got {found:?}"
            );
        }
    }

    #[test]
    fn recognized_messages_carry_code_source_and_bounded_text() {
        let r = recognize("nginx: [emerg] SSL_CTX_use_PrivateKey_file(\"/k.key\") failed (SSL: error:0B080074:x509 certificate routines:X509_check_private_key:key values mismatch)");
        let n = r
            .iter()
            .find(|m| m.id == "nginx.key_values_mismatch")
            .map(|m| (m.source, m.code));
        assert_eq!(n, Some(("nginx", Some(0x8009_2004))));
        assert!(r.iter().any(|m| m.id == "openssl.key_values_mismatch"));
        // Catalog order is kept.
        let pos = |id: &str| r.iter().position(|m| m.id == id);
        assert!(pos("openssl.key_values_mismatch") < pos("nginx.key_values_mismatch"));

        let long = format!(
            "AH02565: Certificate and private key {} do not match",
            "x".repeat(500)
        );
        let m = recognize(&long);
        let hit = m.iter().find(|m| m.id == "apache.AH02565");
        assert_eq!(
            hit.map(|h| h.matched.chars().count()),
            Some(MAX_MATCHED_CHARS)
        );
        // Multibyte text is cut on a character boundary.
        assert_eq!(truncate_chars("拒绝访问。", 2), "拒绝");
    }

    #[test]
    fn near_misses_are_not_recognised() {
        // The in-chain variant is not the depth-zero one and vice versa.
        let f = ids("verify error:num=19:self signed certificate in certificate chain");
        assert!(f.contains(&"openssl.self_signed_in_chain"));
        assert!(!f.contains(&"openssl.depth_zero_self_signed"));
        // "local issuer" is not "issuer certificate" (error 2).
        assert!(!ids("unable to get local issuer certificate")
            .contains(&"openssl.unable_to_get_issuer_cert"));
        // A successful certutil run is not a failure.
        assert!(!ids("CertUtil: -importPFX command completed successfully.")
            .contains(&"certutil.failed"));
        // A key that cannot be loaded is not a certificate that cannot be loaded.
        let k = ids(
            "nginx: [emerg] cannot load certificate key \"/k\": PEM_read_bio_PrivateKey() failed",
        );
        assert!(k.contains(&"nginx.cannot_load_key"));
        assert!(!k.contains(&"nginx.cannot_load_certificate"));
        // The wrong-provider message is not the wrong-provider-type message.
        let t = ids("Invalid provider type specified.");
        assert!(t.contains(&"windows.bad_prov_type"));
        assert!(!t.contains(&"windows.bad_provider"));
        // Nothing in an ordinary success log.
        assert!(recognize(
            "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nSyntax OK"
        )
        .is_empty());
    }

    #[test]
    fn parser_rejects_bad_catalogs() {
        let dup = "[[pattern]]\nid='a.b'\nsource='generic'\nregex='x'\nen='e'\nzh='z'\n[[pattern]]\nid='a.b'\nsource='generic'\nregex='y'\nen='e'\nzh='z'\n";
        assert_eq!(
            parse_catalog(dup).err(),
            Some(CatalogError::DuplicateId("a.b".into()))
        );
        let bad_re = "[[pattern]]\nid='a.b'\nsource='generic'\nregex='(unclosed'\nen='e'\nzh='z'\n";
        assert!(matches!(
            parse_catalog(bad_re),
            Err(CatalogError::Regex { .. })
        ));
        let bad_src = "[[pattern]]\nid='a.b'\nsource='cobol'\nregex='x'\nen='e'\nzh='z'\n";
        assert!(matches!(
            parse_catalog(bad_src),
            Err(CatalogError::BadSource { .. })
        ));
        let bad_code =
            "[[pattern]]\nid='a.b'\nsource='generic'\nregex='x'\ncode='E_FAIL'\nen='e'\nzh='z'\n";
        assert!(matches!(
            parse_catalog(bad_code),
            Err(CatalogError::BadCode { .. })
        ));
        let bad_id = "[[pattern]]\nid='nodot'\nsource='generic'\nregex='x'\nen='e'\nzh='z'\n";
        assert!(matches!(parse_catalog(bad_id), Err(CatalogError::BadId(_))));
        assert!(matches!(
            parse_catalog("not toml ["),
            Err(CatalogError::Toml(_))
        ));
    }

    /// Runs over the collected real outputs when they are present on this machine.
    #[test]
    fn shared_samples_when_present() {
        const SAMPLES_DIR: &str = "/work/shared/samples/command-outputs";
        let read = |rel: &str| std::fs::read_to_string(format!("{SAMPLES_DIR}/{rel}"));
        if !std::path::Path::new(SAMPLES_DIR).is_dir() {
            println!("skipped: {SAMPLES_DIR} not present");
            return;
        }
        let expect: &[(&str, &[&str])] = &[
            (
                "nginx-t/1.txt",
                &["nginx.key_values_mismatch", "openssl.key_values_mismatch"],
            ),
            (
                "nginx-t/6.txt",
                &["nginx.cannot_load_certificate", "openssl.no_start_line"],
            ),
            (
                "nginx-t/8.txt",
                &["nginx.pass_phrase", "nginx.cannot_load_key"],
            ),
            (
                "nginx-t/9.txt",
                &["nginx.permission_denied", "generic.permission_denied"],
            ),
            ("nginx-t/10.txt", &["nginx.no_such_file"]),
            (
                "apache-ssl-errors/2.txt",
                &[
                    "apache.failed_configure_key",
                    "apache.pass_phrase",
                    "openssl.asn1_parse_error",
                ],
            ),
            ("apache-ssl-errors/4.txt", &["apache.file_missing"]),
            ("apache-ssl-errors/5.txt", &["apache.AH02565"]),
            (
                "apache-ssl-errors/6.txt",
                &["apache.private_key_not_found", "openssl.asn1_parse_error"],
            ),
            (
                "keytool-errors/1.txt",
                &["keytool.failed_to_establish_chain"],
            ),
            ("keytool-errors/2.txt", &["keytool.reply_key_mismatch"]),
            (
                "keytool-errors/3.txt",
                &[
                    "keytool.tampered_or_password",
                    "keytool.password_incorrect",
                    "keytool.file_not_exist",
                ],
            ),
            (
                "openssl-verify/3.txt",
                &[
                    "openssl.unable_to_get_local_issuer",
                    "openssl.cert_has_expired",
                ],
            ),
            ("openssl-s_client/1.txt", &["openssl.unable_to_verify_leaf"]),
            (
                "certutil-importpfx/1.txt",
                &["certutil.failed", "windows.password_incorrect"],
            ),
            (
                "certutil-importpfx/2.txt",
                &["certutil.failed", "windows.password_incorrect"],
            ),
            (
                "certutil-exportpfx/2.txt",
                &["certutil.failed", "windows.keyset_does_not_exist"],
            ),
            (
                "certutil-verify-urlfetch/2.txt",
                &["windows.issuer_not_found", "windows.revocation_offline"],
            ),
            (
                "certutil-verify-urlfetch/3.txt",
                &["windows.revocation_offline"],
            ),
            ("audit-avc/2.txt", &["selinux.avc_denied"]),
            ("audit-avc/4.txt", &["selinux.avc_denied"]),
        ];
        for (file, want) in expect {
            let Ok(text) = read(file) else {
                println!("skipped: {file} not readable");
                continue;
            };
            let got = ids(&text);
            for id in *want {
                assert!(got.contains(id), "{file}: {id} not recognised; got {got:?}");
            }
        }
    }
}
