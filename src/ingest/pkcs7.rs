//! PKCS#7 / CMS certificate bundles (`.p7b`, `.p7c`): DER, BER (Windows and streaming
//! exporters write indefinite lengths) and PEM with the `PKCS7` or `CMS` label.

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::{Decode, Encode};

/// The OID of CMS SignedData.
const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";

/// Why a blob is not a readable certificate bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs7Error {
    /// Not a ContentInfo at all.
    #[error("not a PKCS#7/CMS structure")]
    NotPkcs7,
    /// A ContentInfo, but not SignedData.
    #[error("PKCS#7 content type {oid} holds no certificates")]
    NotSignedData {
        /// Content type.
        oid: String,
    },
    /// SignedData that does not decode.
    #[error("malformed PKCS#7 SignedData: {detail}")]
    Malformed {
        /// Decoder message.
        detail: String,
    },
}

fn der_or_ber<'a, T: Decode<'a, Error = der::Error>>(bytes: &'a [u8]) -> Result<T, der::Error> {
    T::from_der(bytes).or_else(|e| T::from_ber(bytes).map_err(|_| e))
}

/// Returns the DER of every certificate in a PKCS#7 bundle. The SET OF order of the file is
/// not kept by the decoder; callers rebuild order from issuer links.
pub fn certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>, Pkcs7Error> {
    let ci: ContentInfo = der_or_ber(bytes).map_err(|_| Pkcs7Error::NotPkcs7)?;
    if ci.content_type.to_string() != SIGNED_DATA {
        return Err(Pkcs7Error::NotSignedData {
            oid: ci.content_type.to_string(),
        });
    }
    let inner = ci.content.to_der().map_err(|e| Pkcs7Error::Malformed {
        detail: e.to_string(),
    })?;
    let sd: SignedData = der_or_ber(&inner).map_err(|e| Pkcs7Error::Malformed {
        detail: e.to_string(),
    })?;
    let mut out = Vec::new();
    if let Some(set) = sd.certificates {
        for c in set.0.iter() {
            if let cms::cert::CertificateChoices::Certificate(cert) = c {
                if let Ok(d) = cert.to_der() {
                    out.push(d);
                }
            }
        }
    }
    Ok(out)
}
