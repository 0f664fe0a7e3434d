//! Bounds on the work any input may cause.
//!
//! Every parser and analysis step takes its bounds from a [`Limits`] value. The defaults accept
//! every real-world file we know of and refuse a hostile one quickly, with a clear error.

use serde::{Deserialize, Serialize};

/// Bounds on input size and on the work done per input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Limits {
    /// Largest file read, in bytes (default 4 MiB; a real chain or PFX is a few KiB).
    pub max_file_size: usize,
    /// Most objects (certificates, keys, CSRs, bags) taken from one file (default 256: a full
    /// CA bundle such as ca-certificates.crt holds about 150).
    pub max_objects_per_file: usize,
    /// Deepest ASN.1 / container nesting followed (default 16).
    pub max_nesting: usize,
    /// Highest PKCS#12 KDF or PBKDF2 iteration count attempted (default 1,000,000; OpenSSL
    /// writes 2,048, Windows 2,000 to 10,000). Higher counts are refused without deriving.
    pub max_kdf_iterations: u32,
    /// Most key derivations run for one file across all password forms (default 16).
    pub max_kdf_runs: usize,
    /// Most certificates considered when building chains (default 500).
    pub max_chain_candidates: usize,
    /// Longest chain built (default 10).
    pub max_chain_depth: usize,
    /// Most complete paths collected (default 16).
    pub max_paths: usize,
    /// Most signature verifications spent on chain building (default 2,000; an ECDSA signer-key
    /// recovery counts as two).
    pub max_signature_checks: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 4 * 1024 * 1024,
            max_objects_per_file: 256,
            max_nesting: 16,
            max_kdf_iterations: 1_000_000,
            max_kdf_runs: 16,
            max_chain_candidates: 500,
            max_chain_depth: 10,
            max_paths: 16,
            max_signature_checks: 2_000,
        }
    }
}
