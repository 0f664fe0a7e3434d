//! Secrets: passwords that never reach output, logs or `Debug`, and are zeroized on drop.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A password or passphrase. Its `Debug` prints `Password(<redacted>)`; its memory is zeroized
/// when dropped. There is deliberately no `Display` and no `Serialize`.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Password(Vec<u8>);

impl Password {
    /// Wraps the bytes of a password (UTF-8 for text passwords).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Password(bytes.into())
    }
    /// The empty password.
    pub fn empty() -> Self {
        Password(Vec::new())
    }
    /// The raw bytes, for key derivation only.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
    /// True when the password is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// True when every byte is a printable ASCII letter or digit (the characters every importer
    /// handles the same way).
    pub fn is_plain_alphanumeric(&self) -> bool {
        self.0.iter().all(|b| b.is_ascii_alphanumeric())
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Private key bytes (DER), zeroized on drop, redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps secret bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        SecretBytes(Zeroizing::new(bytes))
    }
    /// The raw bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

// The inner `Zeroizing` wipes the bytes when dropped; this marks the wrapper as such.
impl zeroize::ZeroizeOnDrop for SecretBytes {}

impl std::fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretBytes(<{} bytes redacted>)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let p = Password::new("hunter2-Secret");
        assert!(!format!("{p:?}").contains("hunter2"));
        let k = SecretBytes::new(b"PRIVATEKEYBYTES".to_vec());
        assert!(!format!("{k:?}").contains("PRIVATE"));
    }
}
