//! Property tests: certdoctor never panics, stays within its `Limits`, and gives the same report
//! for the same facts.
//!
//! 1. `ingest` on arbitrary bytes and on mutated real fixtures (byte flips, truncation,
//!    insertions, duplicated regions, spliced fixtures, patched DER integers, PEM label and
//!    header edits) returns, and what it returns respects the `Limits` it was given.
//! 2. `diagnose` is deterministic: the same facts give the same JSON report, whatever the order
//!    of the input files and trust files.
//! 3. Arbitrary host facts (generated from `docs/facts.schema.json`), symptoms (real codes and
//!    messages mixed with noise) and context strings never panic, and the report is well formed.
//! 4. Arbitrary and mutated rule files are either accepted or refused with a located error.
//! 5. A clean installation is reported clean.
//!
//! Proptest failure files are not written (`failure_persistence: None`); a failing case is
//! printed in full by the runner and belongs in the regression tests at the bottom.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use certdoctor::ingest::keys::KeyEncryption;
use certdoctor::ingest::pbe::EncryptionScheme;
use certdoctor::ingest::pkcs12::{MacStatus, Pfx};
use certdoctor::ingest::{self, Ingested, KeyProblem};
use certdoctor::report::Report;
use certdoctor::rules::{parse_rule, RuleError, RuleSet};
use certdoctor::{diagnose, diagnose_with, Facts, HostFacts, InputFile, Lang, Limits, Password};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const NOW: &str = "2026-06-01T00:00:00Z";
const PASSWORD: &str = "correct horse";

/// Per-property case counts are modest; `PROPTEST_CASES=n` overrides them all (for a longer
/// bug hunt).
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: None,
        max_shrink_time: 60_000,
        ..Config::default()
    }
}

fn fixture(rel: &str) -> Vec<u8> {
    let p = format!("{FIXTURES}/{rel}");
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {p}: {e}"))
}

fn file(rel: &str) -> InputFile {
    InputFile::new(rel, fixture(rel))
}

/// Every real fixture of the areas the properties mutate, as (relative path, bytes), sorted.
fn corpus() -> &'static [(String, Vec<u8>)] {
    static C: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    C.get_or_init(|| {
        let mut out = Vec::new();
        for dir in ["pki", "keys", "csr", "chain", "p7", "p12", "broken"] {
            let rd = std::fs::read_dir(format!("{FIXTURES}/{dir}"))
                .unwrap_or_else(|e| panic!("fixture folder {dir}: {e}"));
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if e.path().is_file() && name != "README.md" {
                    out.push((format!("{dir}/{name}"), fixture(&format!("{dir}/{name}"))));
                }
            }
        }
        // Many certificates in one file: exercises the per-file object limit.
        out.push((
            "chain-extra/lookalikes-50.pem".to_string(),
            fixture("chain-extra/lookalikes-50.pem"),
        ));
        out.sort();
        assert!(out.len() > 60, "fixtures missing: {}", out.len());
        out
    })
}

// ------------------------------------------------------------------------------------------
// 1. Ingest: arbitrary and mutated bytes
// ------------------------------------------------------------------------------------------

const PEM_LABELS: &[&str] = &[
    "CERTIFICATE",
    "X509 CERTIFICATE",
    "TRUSTED CERTIFICATE",
    "CERTIFICATE REQUEST",
    "NEW CERTIFICATE REQUEST",
    "PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "DSA PRIVATE KEY",
    "PKCS7",
    "CMS",
    "PKCS12",
    "PUBLIC KEY",
    "X509 CRL",
    "EC PARAMETERS",
    "",
    "certificate",
    "CERTIFICATE-----\n-----BEGIN CERTIFICATE",
    "ÄÖÜ 証明書",
];

const PEM_HEADERS: &[&str] = &[
    "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n",
    "Proc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,0011223344556677\n\n",
    "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,\n\n",
    "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,zz\n\n",
    "Proc-Type: 4,ENCRYPTED\nDEK-Info: DES-CBC,00112233445566778899\n\n",
    "Proc-Type: 4,ENCRYPTED\nDEK-Info: BF-CBC,0011223344556677\n\n",
    "Proc-Type: 4,ENCRYPTED\n\n",
    "DEK-Info: AES-128-CBC,0011\n\n",
    "Comment: hello\n\n",
    ":\n\n",
];

/// One edit of a file.
#[derive(Debug, Clone)]
enum Mutation {
    Flip {
        at: Index,
        mask: u8,
    },
    Truncate {
        at: Index,
    },
    Insert {
        at: Index,
        bytes: Vec<u8>,
    },
    Delete {
        at: Index,
        len: usize,
    },
    Duplicate {
        from: Index,
        len: usize,
        to: Index,
        times: usize,
    },
    /// Bytes from another fixture spliced in.
    Splice {
        other: Index,
        from: Index,
        len: usize,
        to: Index,
    },
    /// The n-th two-byte DER INTEGER (`02 02 xx xx`: iteration counts, versions) set to a value.
    PatchInt {
        which: Index,
        value: u16,
    },
    /// The n-th DER length byte `0x82 hh ll` set to another length.
    PatchLen {
        which: Index,
        len: u16,
    },
    /// The label of the n-th `-----BEGIN`/`-----END` line replaced.
    PemLabel {
        which: Index,
        label: &'static str,
    },
    /// The n-th `-----END` line removed.
    PemDropEnd {
        which: Index,
    },
    /// RFC 1421 headers inserted after the n-th BEGIN line.
    PemHeaders {
        which: Index,
        headers: &'static str,
    },
    /// The dashes of the n-th BEGIN or END line changed.
    PemDashes {
        which: Index,
        dashes: usize,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let bytes = prop::collection::vec(any::<u8>(), 0..48);
    prop_oneof![
        3 => (any::<Index>(), 1u8..=255).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        1 => any::<Index>().prop_map(|at| Mutation::Truncate { at }),
        2 => (any::<Index>(), bytes).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        1 => (any::<Index>(), 1usize..200).prop_map(|(at, len)| Mutation::Delete { at, len }),
        2 => (any::<Index>(), 1usize..3000, any::<Index>(), 1usize..4)
            .prop_map(|(from, len, to, times)| Mutation::Duplicate { from, len, to, times }),
        1 => (any::<Index>(), any::<Index>(), 1usize..2000, any::<Index>())
            .prop_map(|(other, from, len, to)| Mutation::Splice { other, from, len, to }),
        2 => (any::<Index>(), prop_oneof![
                Just(0u16), Just(1), Just(2047), Just(2048), Just(2049), Just(0x7fff),
                Just(0x8000), Just(0xffff), any::<u16>()
            ])
            .prop_map(|(which, value)| Mutation::PatchInt { which, value }),
        1 => (any::<Index>(), any::<u16>()).prop_map(|(which, len)| Mutation::PatchLen { which, len }),
        2 => (any::<Index>(), prop::sample::select(PEM_LABELS))
            .prop_map(|(which, label)| Mutation::PemLabel { which, label }),
        1 => any::<Index>().prop_map(|which| Mutation::PemDropEnd { which }),
        1 => (any::<Index>(), prop::sample::select(PEM_HEADERS))
            .prop_map(|(which, headers)| Mutation::PemHeaders { which, headers }),
        1 => (any::<Index>(), 0usize..8).prop_map(|(which, dashes)| Mutation::PemDashes { which, dashes }),
    ]
}

fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| &hay[i..i + needle.len()] == needle)
        .collect()
}

/// Position of a byte index, in 0..=len.
fn pos(at: &Index, len: usize) -> usize {
    at.index(len + 1)
}

fn apply(mut b: Vec<u8>, m: &Mutation) -> Vec<u8> {
    const MAX: usize = 256 * 1024;
    match m {
        Mutation::Flip { at, mask } => {
            if !b.is_empty() {
                let i = at.index(b.len());
                b[i] ^= mask;
            }
        }
        Mutation::Truncate { at } => {
            let i = pos(at, b.len());
            b.truncate(i);
        }
        Mutation::Insert { at, bytes } => {
            let i = pos(at, b.len());
            b.splice(i..i, bytes.iter().copied());
        }
        Mutation::Delete { at, len } => {
            let i = pos(at, b.len());
            let j = (i + len).min(b.len());
            b.drain(i..j);
        }
        Mutation::Duplicate {
            from,
            len,
            to,
            times,
        } => {
            let i = pos(from, b.len());
            let j = (i + len).min(b.len());
            let chunk: Vec<u8> = b[i..j].to_vec();
            let k = pos(to, b.len());
            for _ in 0..*times {
                if b.len() + chunk.len() <= MAX {
                    b.splice(k..k, chunk.iter().copied());
                }
            }
        }
        Mutation::Splice {
            other,
            from,
            len,
            to,
        } => {
            let src = &other.get(corpus()).1;
            let i = pos(from, src.len());
            let j = (i + len).min(src.len());
            let k = pos(to, b.len());
            b.splice(k..k, src[i..j].iter().copied());
        }
        Mutation::PatchInt { which, value } => {
            let hits: Vec<usize> = (0..b.len().saturating_sub(3))
                .filter(|&i| b[i] == 0x02 && b[i + 1] == 0x02)
                .collect();
            if !hits.is_empty() {
                let i = *which.get(&hits);
                b[i + 2..i + 4].copy_from_slice(&value.to_be_bytes());
            }
        }
        Mutation::PatchLen { which, len } => {
            let hits: Vec<usize> = (0..b.len().saturating_sub(2))
                .filter(|&i| b[i] == 0x82)
                .collect();
            if !hits.is_empty() {
                let i = *which.get(&hits);
                b[i + 1..i + 3].copy_from_slice(&len.to_be_bytes());
            }
        }
        Mutation::PemLabel { which, label } => {
            let mut hits = find_all(&b, b"-----BEGIN ");
            hits.extend(find_all(&b, b"-----END "));
            if !hits.is_empty() {
                let i = *which.get(&hits);
                let start = i + if b[i + 5] == b'B' { 11 } else { 9 };
                let end = b[start..]
                    .iter()
                    .position(|&c| c == b'-' || c == b'\n')
                    .map(|p| start + p)
                    .unwrap_or(b.len());
                b.splice(start..end, label.bytes());
            }
        }
        Mutation::PemDropEnd { which } => {
            let hits = find_all(&b, b"-----END ");
            if !hits.is_empty() {
                let i = *which.get(&hits);
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map(|p| i + p + 1)
                    .unwrap_or(b.len());
                b.drain(i..end);
            }
        }
        Mutation::PemHeaders { which, headers } => {
            let hits = find_all(&b, b"-----BEGIN ");
            if !hits.is_empty() {
                let i = *which.get(&hits);
                if let Some(p) = b[i..].iter().position(|&c| c == b'\n') {
                    let at = i + p + 1;
                    b.splice(at..at, headers.bytes());
                }
            }
        }
        Mutation::PemDashes { which, dashes } => {
            let mut hits = find_all(&b, b"-----BEGIN ");
            hits.extend(find_all(&b, b"-----END "));
            if !hits.is_empty() {
                let i = *which.get(&hits);
                b.splice(i..i + 5, std::iter::repeat_n(b'-', *dashes));
            }
        }
    }
    b
}

/// Limits small enough that the real fixtures sit on both sides of every bound (they use
/// 2,048 KDF iterations, up to 50 certificates per file).
fn limits() -> impl Strategy<Value = Limits> {
    (
        prop_oneof![Just(1usize), Just(2), Just(3), Just(8), Just(256)],
        prop_oneof![Just(2047u32), Just(2048), Just(40_000)],
        prop_oneof![Just(1usize), Just(2), Just(16)],
        prop_oneof![1 => Just(1024usize), 9 => Just(4 * 1024 * 1024)],
        prop_oneof![Just(2usize), Just(16)],
    )
        .prop_map(|(objects, iterations, runs, size, nesting)| {
            let mut l = Limits::default();
            l.max_objects_per_file = objects;
            l.max_kdf_iterations = iterations;
            l.max_kdf_runs = runs;
            l.max_file_size = size;
            l.max_nesting = nesting;
            l
        })
}

fn passwords() -> impl Strategy<Value = Vec<Password>> {
    prop_oneof![
        Just(vec![]),
        Just(vec![Password::new(PASSWORD)]),
        Just(vec![Password::empty()]),
        Just(vec![Password::new("pässwörd€")]),
        Just(vec![Password::new("wrong"), Password::new(PASSWORD)]),
        "\\PC{0,12}".prop_map(|s| vec![Password::new(s)]),
    ]
}

fn iterations_of_scheme(s: &EncryptionScheme) -> Option<u32> {
    match s {
        EncryptionScheme::Pbes2 { iterations, .. }
        | EncryptionScheme::Pkcs12Pbe { iterations, .. } => Some(*iterations),
        _ => None,
    }
}

fn iterations_of_key(e: &KeyEncryption) -> Option<u32> {
    match e {
        KeyEncryption::Pbes2 { iterations, .. } | KeyEncryption::Pkcs12Pbe { iterations, .. } => {
            Some(*iterations)
        }
        _ => None,
    }
}

/// What a PKCS#12 analysis returned must respect the limits.
fn check_pfx(p: &Pfx, limits: &Limits, candidates: usize) -> Result<(), TestCaseError> {
    if let Some(mac) = &p.mac {
        if mac.iterations > limits.max_kdf_iterations {
            prop_assert!(
                !matches!(p.mac_status, MacStatus::Verified | MacStatus::WrongPassword),
                "MAC with {} iterations (limit {}) was derived: {:?}",
                mac.iterations,
                limits.max_kdf_iterations,
                p.mac_status
            );
        }
    }
    if let MacStatus::IterationsTooHigh { limit, iterations } = &p.mac_status {
        prop_assert_eq!(*limit, limits.max_kdf_iterations);
        prop_assert!(*iterations > u64::from(*limit));
    }
    for k in &p.keys {
        if let Some(it) = iterations_of_scheme(&k.scheme) {
            if it > limits.max_kdf_iterations {
                prop_assert!(
                    k.pkcs8_der.is_none(),
                    "key bag with {it} iterations (limit {}) was decrypted",
                    limits.max_kdf_iterations
                );
            }
        }
    }
    for s in &p.safes {
        if let Some(it) = iterations_of_scheme(&s.scheme) {
            if s.encrypted && it > limits.max_kdf_iterations {
                prop_assert!(!s.decrypted, "safe with {it} iterations was decrypted");
            }
        }
    }
    prop_assert!(
        p.certs.len() + p.keys.len() + p.other_bags <= limits.max_objects_per_file,
        "{} certs + {} keys + {} other bags in one PFX (limit {})",
        p.certs.len(),
        p.keys.len(),
        p.other_bags,
        limits.max_objects_per_file
    );
    // Each verified MAC, decrypted safe and decrypted key bag cost at least one derivation.
    let derived = usize::from(p.mac_status == MacStatus::Verified)
        + p.safes
            .iter()
            .filter(|s| s.encrypted && s.decrypted)
            .count()
        + p.keys
            .iter()
            .filter(|k| k.pkcs8_der.is_some() && iterations_of_scheme(&k.scheme).is_some())
            .count();
    prop_assert!(
        derived <= limits.max_kdf_runs,
        "{derived} derivations in one PFX (max_kdf_runs {})",
        limits.max_kdf_runs
    );
    if let Some(u) = &p.password_used {
        prop_assert!(
            u.index < candidates,
            "password index {} of {candidates}",
            u.index
        );
    }
    Ok(())
}

/// The bounds every ingest result must keep, whatever the input.
fn check_ingested(
    got: &Ingested,
    files: &[InputFile],
    passwords: &[Password],
    limits: &Limits,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.files.len(), files.len());
    let names: Vec<&str> = got.files.iter().map(|f| f.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    prop_assert_eq!(&names, &sorted, "file reports not sorted by name");
    let candidates = passwords.len() + usize::from(!passwords.iter().any(Password::is_empty));
    for f in files {
        let rep = got.files.iter().find(|r| r.name == f.name);
        prop_assert!(rep.is_some());
        let rep = rep.unwrap();
        if f.bytes.len() > limits.max_file_size {
            prop_assert_eq!(rep.format.as_str(), "too_large");
            prop_assert!(got.certs.iter().all(|c| c.file != f.name));
            prop_assert!(got.keys.iter().all(|k| k.file != f.name));
            continue;
        }
        // Objects read directly (one per PEM block, or one DER object) are bounded by
        // max_objects_per_file; each PKCS#12 container is bounded on its own (check_pfx).
        // The documented per-FILE totals (objects across containers, key derivations across
        // PEM blocks) are not enforced yet: see the ignored regression tests at the bottom.
        let direct_certs = got
            .certs
            .iter()
            .filter(|c| c.file == f.name && matches!(c.container, "pem" | "der" | "base64"))
            .count();
        let direct_keys = got
            .keys
            .iter()
            .filter(|k| k.file == f.name && !k.from_pfx)
            .count();
        let csrs = got.csrs.iter().filter(|c| c.file == f.name).count();
        prop_assert!(
            direct_certs + direct_keys + csrs <= limits.max_objects_per_file,
            "{}: {direct_certs} certs, {direct_keys} keys, {csrs} CSRs read directly with max_objects_per_file = {}",
            f.name,
            limits.max_objects_per_file
        );
        let pfx_objects: usize = got
            .pfxs
            .iter()
            .filter(|p| p.file == f.name)
            .filter_map(|p| p.result.as_ref().ok())
            .map(|p| p.certs.len() + p.keys.len())
            .sum();
        prop_assert!(
            pfx_objects <= limits.max_objects_per_file * limits.max_objects_per_file,
            "{}: {pfx_objects} objects from PKCS#12 containers",
            f.name
        );
        for (i, c) in got.certs.iter().filter(|c| c.file == f.name).enumerate() {
            prop_assert_eq!(c.index_in_file, i);
        }
    }
    for k in &got.keys {
        if let Some(info) = &k.info {
            if let Some(it) = iterations_of_key(&info.encryption) {
                prop_assert!(
                    it <= limits.max_kdf_iterations,
                    "{}: key with {it} iterations decrypted (limit {})",
                    k.label,
                    limits.max_kdf_iterations
                );
            }
            if info.decrypted {
                prop_assert!(!passwords.is_empty() || k.from_pfx);
            }
        }
        if passwords.is_empty() && !k.from_pfx {
            prop_assert!(
                !matches!(k.problem, Some(KeyProblem::WrongPassword)),
                "no password given, yet 'wrong password' for {}",
                k.label
            );
        }
    }
    for p in &got.pfxs {
        if let Ok(pfx) = &p.result {
            check_pfx(pfx, limits, candidates)?;
        }
    }
    Ok(())
}

/// Bytes that look a little like something: raw, DER-ish, PEM-ish, BOM-prefixed.
fn arbitrary_bytes() -> impl Strategy<Value = Vec<u8>> {
    let prefix = prop_oneof![
        Just(Vec::new()),
        Just(vec![0x30, 0x82, 0x01, 0x00]),
        Just(vec![0x30, 0x80]),
        Just(vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
        Just(vec![0x30, 0x03, 0x02, 0x01, 0x03]),
        Just(b"-----BEGIN CERTIFICATE-----\n".to_vec()),
        Just(b"-----BEGIN PKCS12-----\nMII".to_vec()),
        Just(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n".to_vec()),
        Just(vec![0xff, 0xfe]),
        Just(vec![0xef, 0xbb, 0xbf]),
        Just(b"<html>".to_vec()),
    ];
    (prefix, prop::collection::vec(any::<u8>(), 0..2048)).prop_map(|(mut p, b)| {
        p.extend(b);
        p
    })
}

fn mutated_fixture() -> impl Strategy<Value = (String, Vec<u8>, Vec<Mutation>)> {
    (any::<Index>(), prop::collection::vec(mutation(), 0..=3)).prop_map(|(which, ms)| {
        let (name, bytes) = which.get(corpus());
        let out = ms.iter().fold(bytes.clone(), apply);
        (name.clone(), out, ms)
    })
}

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary bytes: ingest returns and keeps its bounds.
    #[test]
    fn ingest_arbitrary_bytes(
        bytes in arbitrary_bytes(),
        pws in passwords(),
        limits in limits(),
    ) {
        let files = vec![InputFile::new("input.bin", bytes)];
        let got = ingest::ingest(&files, &pws, &limits);
        check_ingested(&got, &files, &pws, &limits)?;
    }

    /// Mutated real fixtures (one to three files, mutated or not): ingest returns and keeps
    /// its bounds.
    #[test]
    fn ingest_mutated_fixtures(
        first in mutated_fixture(),
        others in prop::collection::vec((any::<Index>(), any::<bool>(), mutated_fixture()), 0..3),
        pws in passwords(),
        limits in limits(),
    ) {
        let mut files = vec![InputFile::new(format!("0-{}", first.0), first.1)];
        for (i, (pick, mutate, m)) in others.into_iter().enumerate() {
            if mutate {
                files.push(InputFile::new(format!("{}-{}", i + 1, m.0), m.1));
            } else {
                let (n, b) = pick.get(corpus());
                files.push(InputFile::new(format!("{}-{n}", i + 1), b.clone()));
            }
        }
        let got = ingest::ingest(&files, &pws, &limits);
        check_ingested(&got, &files, &pws, &limits)?;
    }
}

/// The real PKCS#12 and key fixtures at the edge of the iteration limit: 2,048 iterations are
/// decrypted under a limit of 2,048 and refused, before deriving, under a limit of 2,047.
#[test]
fn kdf_iteration_limit_is_enforced_on_real_fixtures() {
    let pw = [Password::new(PASSWORD)];
    for (limit, allowed) in [(2048u32, true), (2047, false)] {
        let mut l = Limits::default();
        l.max_kdf_iterations = limit;
        for rel in ["p12/default.pfx", "p12/legacy.pfx", "p12/sha1-3des.pfx"] {
            let got = ingest::ingest(&[file(rel)], &pw, &l);
            let pfx = got.pfxs[0].result.as_ref().expect("pfx reads");
            if allowed {
                assert_eq!(pfx.mac_status, MacStatus::Verified, "{rel}");
                assert!(got.keys.iter().all(|k| k.info.is_some()), "{rel}");
            } else {
                assert!(
                    matches!(
                        pfx.mac_status,
                        MacStatus::IterationsTooHigh {
                            iterations: 2048,
                            limit: 2047
                        }
                    ),
                    "{rel}: {:?}",
                    pfx.mac_status
                );
                assert!(got.keys.iter().all(|k| k.info.is_none()), "{rel}");
            }
        }
        for rel in [
            "keys/leaf-rsa.pkcs8-enc-aes256.pem",
            "keys/leaf-rsa.pkcs8-enc-sha1-3des.pem",
        ] {
            let got = ingest::ingest(&[file(rel)], &pw, &l);
            let k = &got.keys[0];
            if allowed {
                assert!(
                    k.info.as_ref().is_some_and(|i| i.decrypted),
                    "{rel}: {:?}",
                    k.problem
                );
            } else {
                assert!(
                    matches!(k.problem, Some(KeyProblem::TooManyIterations(_))),
                    "{rel}: {:?}",
                    k.problem
                );
            }
        }
    }
    // The hostile fixtures (2^31-1 iterations) are refused under the default limits.
    let l = Limits::default();
    let got = ingest::ingest(&[file("p12/hostile-mac-iterations.pfx")], &pw, &l);
    let pfx = got.pfxs[0].result.as_ref().expect("pfx reads");
    assert!(
        matches!(
            pfx.mac_status,
            MacStatus::IterationsTooHigh {
                iterations: 2_147_483_647,
                ..
            }
        ),
        "{:?}",
        pfx.mac_status
    );
    let got = ingest::ingest(&[file("p12/hostile-keybag-iterations.pfx")], &pw, &l);
    assert!(
        got.keys
            .iter()
            .all(|k| matches!(k.problem, Some(KeyProblem::TooManyIterations(_)))),
        "{:?}",
        got.keys.iter().map(|k| &k.problem).collect::<Vec<_>>()
    );
}

// ------------------------------------------------------------------------------------------
// 2. diagnose is deterministic and independent of input order
// ------------------------------------------------------------------------------------------

const POOL: &[&str] = &[
    "chain/fullchain.pem",
    "keys/leaf-rsa.pkcs8.pem",
    "csr/leaf-rsa.csr.pem",
    "p12/default.pfx",
    "p12/legacy.pfx",
    "p12/certs-only.pfx",
    "p12/key-mismatch.pfx",
    "p7/leaf-int.p7b",
    "chain/reversed.pem",
    "chain/leaf-only.pem",
    "pki/root-ca.pem",
    "pki/leaf-expired.pem",
    "keys/other-rsa.pkcs8.pem",
    "keys/leaf-rsa.pkcs8-enc-aes256.pem",
    "keys/leaf-ec.sec1.pem",
    "chain/ec-fullchain.pem",
    "broken/truncated.pem",
    "broken/leaf-utf16le-bom.pem",
];

fn json(report: &Report, lang: Lang) -> String {
    serde_json::to_string(&certdoctor::render::json::to_json(report, lang))
        .expect("report serializes")
}

fn installation() -> impl Strategy<Value = (Vec<&'static str>, Vec<&'static str>)> {
    prop::sample::subsequence(POOL, 1..=6).prop_flat_map(|files| {
        let shuffled = Just(files.clone()).prop_shuffle();
        (Just(files), shuffled)
    })
}

proptest! {
    #![proptest_config(config(64))]

    /// Same facts → same report; the same files in another order → the same report.
    #[test]
    fn diagnose_is_deterministic_and_order_independent(
        (files, shuffled) in installation(),
        trust_other in any::<bool>(),
        trust_swap in any::<bool>(),
        with_password in any::<bool>(),
        same_name in any::<bool>(),
        target in prop::sample::select(&["nginx", "apache", "iis", "exchange", "generic", "codesign"][..]),
        error in prop::option::of(prop::sample::select(&[
            "0x80070056",
            "key values mismatch",
            "unable to get local issuer certificate",
            "CERT_E_UNTRUSTEDROOT",
            "The specified network password is not correct.",
        ][..])),
    ) {
        let mut trust = vec![file("pki/root-ca.pem")];
        if trust_other {
            trust.push(file("pki/other-root-ca.pem"));
        }
        // Optionally every file under one name (as from an upload form): the order between
        // them must still not matter.
        let named = |rel: &str| {
            let f = file(rel);
            if same_name { InputFile::new("upload.bin", f.bytes) } else { f }
        };
        let facts = Facts {
            files: files.iter().map(|f| named(f)).collect(),
            trust: trust.clone(),
            passwords: if with_password { vec![Password::new(PASSWORD)] } else { vec![] },
            error: error.map(str::to_string),
            target: Some(target.to_string()),
            host_name: Some("www.example.test".into()),
            now: Some(NOW.into()),
            ..Facts::default()
        };
        let first = diagnose(&facts);
        let again = diagnose(&facts);
        prop_assert_eq!(json(&first, Lang::En), json(&again, Lang::En));
        prop_assert_eq!(json(&first, Lang::ZhCn), json(&again, Lang::ZhCn));

        let mut other = facts.clone();
        other.files = shuffled.iter().map(|f| named(f)).collect();
        if trust_swap {
            trust.reverse();
        }
        other.trust = trust;
        let reordered = diagnose(&other);
        prop_assert_eq!(json(&first, Lang::En), json(&reordered, Lang::En));
    }
}

// ------------------------------------------------------------------------------------------
// 3. Arbitrary facts
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Leaf {
    Bool,
    Str,
    UInt,
    StrList,
}

/// Every leaf field of `HostFacts`, read from the published JSON Schema, as (path, type).
fn host_leaves() -> &'static [(Vec<String>, Leaf)] {
    static L: OnceLock<Vec<(Vec<String>, Leaf)>> = OnceLock::new();
    L.get_or_init(|| {
        let text = std::fs::read_to_string(format!("{ROOT}/docs/facts.schema.json"))
            .expect("docs/facts.schema.json");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
        let defs = &schema["$defs"];
        fn walk(
            defs: &serde_json::Value,
            obj: &serde_json::Value,
            path: &mut Vec<String>,
            out: &mut Vec<(Vec<String>, Leaf)>,
        ) {
            let Some(props) = obj["properties"].as_object() else {
                return;
            };
            for (name, p) in props {
                path.push(name.clone());
                let reference = p["anyOf"]
                    .as_array()
                    .and_then(|a| a.iter().find_map(|x| x["$ref"].as_str()))
                    .or_else(|| p["$ref"].as_str());
                if let Some(r) = reference {
                    let def = r.trim_start_matches("#/$defs/");
                    walk(defs, &defs[def], path, out);
                } else {
                    let types: Vec<&str> = match &p["type"] {
                        serde_json::Value::String(s) => vec![s.as_str()],
                        serde_json::Value::Array(a) => {
                            a.iter().filter_map(|t| t.as_str()).collect()
                        }
                        _ => vec![],
                    };
                    let leaf = if types.contains(&"boolean") {
                        Leaf::Bool
                    } else if types.contains(&"integer") {
                        Leaf::UInt
                    } else if types.contains(&"array") {
                        Leaf::StrList
                    } else if types.contains(&"string") {
                        Leaf::Str
                    } else {
                        panic!("schema: unexpected type at {}: {p}", path.join("."))
                    };
                    out.push((path.clone(), leaf));
                }
                path.pop();
            }
        }
        let mut out = Vec::new();
        walk(defs, &defs["HostFacts"], &mut Vec::new(), &mut out);
        assert!(
            out.len() > 50,
            "too few host facts in the schema: {}",
            out.len()
        );
        out
    })
}

/// String literals the built-in rules compare facts with (so generated host facts hit rules).
fn rule_strings() -> &'static [String] {
    static S: OnceLock<Vec<String>> = OnceLock::new();
    S.get_or_init(|| {
        let mut set = BTreeSet::new();
        fn walk(v: &toml::Value, set: &mut BTreeSet<String>) {
            match v {
                toml::Value::String(s) if s.len() < 64 && !s.contains(' ') => {
                    set.insert(s.clone());
                }
                toml::Value::Array(a) => a.iter().for_each(|x| walk(x, set)),
                toml::Value::Table(t) => t.values().for_each(|x| walk(x, set)),
                _ => {}
            }
        }
        for (_, text) in rule_files() {
            if let Ok(v) = text.parse::<toml::Table>() {
                if let Some(c) = v.get("condition") {
                    walk(c, &mut set);
                }
            }
        }
        set.into_iter().collect()
    })
}

fn rfc3339() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(NOW.to_string()),
        Just("2026-06-01".to_string()),
        Just("1970-01-01T00:00:00Z".to_string()),
        Just("0000-01-01T00:00:00Z".to_string()),
        Just("9999-12-31T23:59:59Z".to_string()),
        Just("2026-06-30T23:59:60Z".to_string()),
        Just("2026-02-30T00:00:00Z".to_string()),
        Just("2026-06-01T00:00:00+99:99".to_string()),
        Just("2026-06-01T00:00:00.123456789-14:00".to_string()),
        Just("2026-06-01 00:00:00z".to_string()),
        (
            1900u32..2200,
            1u32..=12,
            1u32..=31,
            0u32..24,
            0u32..60,
            -14i32..=14
        )
            .prop_map(|(y, mo, d, h, mi, off)| format!(
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00{}{:02}:00",
                if off < 0 { '-' } else { '+' },
                off.unsigned_abs()
            )),
        "[0-9T:Z+.-]{0,30}",
        "\\PC{0,12}",
    ]
}

fn fact_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<Index>().prop_map(|i| i.get(rule_strings()).clone()),
        1 => rfc3339(),
        1 => prop::sample::select(&[
            "", "running", "stopped", "disabled", "missing", "windows", "linux", "macos",
            "current_user", "local_machine", "My", "Root", "ksp", "csp", "hardware", "0600",
            "0644", "root", "enforcing", "permissive", "cert_t", "httpd_config_t", "10.0.14393",
            "6.1.7601", "iis_manager", "certutil", "keytool",
        ][..]).prop_map(str::to_string),
        1 => "\\PC{0,40}",
    ]
}

/// A JSON object of random host facts with the right types.
fn host_json() -> impl Strategy<Value = serde_json::Value> {
    let value = (
        any::<bool>(),
        fact_string(),
        prop_oneof![
            Just(0u32),
            Just(3790),
            Just(7601),
            Just(14393),
            Just(17763),
            any::<u32>()
        ],
        prop::collection::vec(fact_string(), 0..4),
        0u8..10,
    );
    prop::collection::vec((any::<Index>(), value), 0..24).prop_map(|fields| {
        let mut root = serde_json::Map::new();
        for (which, (b, s, n, list, nul)) in fields {
            let (path, leaf) = which.get(host_leaves());
            let v = if nul == 0 {
                serde_json::Value::Null
            } else {
                match leaf {
                    Leaf::Bool => b.into(),
                    Leaf::Str => s.into(),
                    Leaf::UInt => n.into(),
                    Leaf::StrList => list.into(),
                }
            };
            let mut obj = &mut root;
            for (i, key) in path.iter().enumerate() {
                if i + 1 == path.len() {
                    obj.insert(key.clone(), v);
                    break;
                }
                let e = obj
                    .entry(key.clone())
                    .or_insert_with(|| serde_json::Value::Object(Default::default()));
                if !e.is_object() {
                    *e = serde_json::Value::Object(Default::default());
                }
                obj = e.as_object_mut().expect("object");
            }
        }
        serde_json::Value::Object(root)
    })
}

/// Strings matching the message catalog (where proptest can generate from the regex).
fn message_strategy() -> BoxedStrategy<String> {
    let mut options: Vec<BoxedStrategy<String>> = Vec::new();
    for p in certdoctor::symptom::messages::catalog() {
        let re = p.regex_str().replace("\\b", "");
        if let Ok(s) = proptest::string::string_regex(&re) {
            options.push(s.boxed());
        }
    }
    assert!(
        options.len() > 20,
        "only {} message regexes usable",
        options.len()
    );
    proptest::strategy::Union::new(options).boxed()
}

fn error_fragment() -> impl Strategy<Value = String> {
    let codes: Vec<certdoctor::symptom::codes::DecodedCode> =
        certdoctor::symptom::codes::known_codes().collect();
    let names: Vec<String> = codes
        .iter()
        .filter_map(|c| c.name.map(str::to_string))
        .collect();
    let values: Vec<u32> = codes.iter().map(|c| c.code).collect();
    prop_oneof![
        3 => prop::sample::select(values.clone()).prop_map(|c| format!("0x{c:08X}")),
        1 => prop::sample::select(values.clone()).prop_map(|c| format!("{c:x}")),
        1 => prop::sample::select(values.clone()).prop_map(|c| format!("{}", c as i32)),
        1 => prop::sample::select(values).prop_map(|c| format!("{c}")),
        2 => prop::sample::select(names),
        3 => message_strategy(),
        1 => prop::sample::select(&[
            "Error 0x80070056: The specified network password is not correct.",
            "nginx: [emerg] SSL_CTX_use_PrivateKey(\"/etc/nginx/site.key\") failed (SSL: error:05800074:x509 certificate routines::key values mismatch)",
            "AH02565: Certificate and private key www.example.test:443:0 from /etc/ssl/site.crt and /etc/ssl/site.key do not match",
            "CertUtil: -importPFX command FAILED: 0x80092004 (-2146885628 CRYPT_E_NOT_FOUND)",
            "keytool error: java.lang.Exception: Failed to establish chain from reply",
            "0x", "0x8", "-2147024809", "80070005", "error 5", "HRESULT: 0x800B0109",
        ][..]).prop_map(str::to_string),
        2 => "\\PC{0,60}",
        1 => "[0-9a-fA-Fx -]{0,24}",
    ]
}

fn error_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(
        (
            prop::collection::vec(error_fragment(), 0..5),
            prop::sample::select(&[" ", "\n", ": ", "", "\r\n", " | "][..]),
        )
            .prop_map(|(parts, sep)| parts.join(sep)),
    )
}

fn context_string(known: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        3 => prop::sample::select(known).prop_map(str::to_string),
        1 => prop::sample::select(known).prop_map(|s| s.to_uppercase()),
        1 => "\\PC{0,24}",
    ])
}

const OSES: &[&str] = &[
    "windows-server-2003",
    "windows-server-2008",
    "windows-server-2008-r2",
    "windows-server-2012",
    "windows-server-2012-r2",
    "windows-server-2016",
    "windows-server-2019",
    "windows-server-2022",
    "windows-10-1607",
    "windows-10-1709",
    "windows-11",
    "windows-7",
    "windows",
    "ubuntu-24.04",
    "rhel-9",
    "debian-12",
    "linux",
    "macos",
    "windows-10-",
    "windows-server-",
    "-",
];

const HOSTS: &[&str] = &[
    "www.example.test",
    "example.test",
    "a.api.example.test",
    "api.example.test",
    "*.example.test",
    "192.0.2.10",
    "192.0.2.11",
    "::1",
    "[::1]",
    "WWW.EXAMPLE.TEST.",
    "bücher.example",
    "xn--bcher-kva.example",
    "",
    ".",
    "..",
];

fn small_files() -> impl Strategy<Value = Vec<&'static str>> {
    prop::sample::subsequence(
        &[
            "chain/fullchain.pem",
            "keys/leaf-rsa.pkcs8.pem",
            "pki/leaf-expired.pem",
            "pki/leaf-codesign.pem",
            "chain/leaf-only.pem",
            "keys/leaf-rsa.pkcs8-enc-aes256.pem",
            "broken/html-error-page.crt",
        ][..],
        0..=2,
    )
}

fn check_report(report: &Report) -> Result<(), TestCaseError> {
    for d in report.diagnoses.iter().chain(&report.observations) {
        prop_assert!(
            d.confidence.is_finite() && (0.0..=1.0).contains(&d.confidence),
            "{}: confidence {}",
            d.id,
            d.confidence
        );
        prop_assert!(
            !d.title.en.trim().is_empty(),
            "{}: empty English title",
            d.id
        );
        prop_assert!(
            !d.title.zh.trim().is_empty(),
            "{}: empty Chinese title",
            d.id
        );
        for f in &d.folded {
            prop_assert!(
                !f.title.en.trim().is_empty() && !f.title.zh.trim().is_empty(),
                "{}",
                f.id
            );
        }
    }
    for list in [&report.diagnoses, &report.observations] {
        for w in list.windows(2) {
            prop_assert!(
                w[0].confidence >= w[1].confidence,
                "not sorted: {} ({}) before {} ({})",
                w[0].id,
                w[0].confidence,
                w[1].id,
                w[1].confidence
            );
        }
        let ids: BTreeSet<&str> = list.iter().map(|d| d.id.as_str()).collect();
        prop_assert_eq!(ids.len(), list.len(), "a rule reported twice");
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(192))]

    /// Arbitrary host facts, symptoms and context: diagnose returns a well-formed report.
    #[test]
    fn arbitrary_facts_give_a_well_formed_report(
        host in host_json(),
        error in error_text(),
        target in context_string(certdoctor::facts::TARGETS),
        os in context_string(OSES),
        host_name in context_string(HOSTS),
        now in prop::option::of(rfc3339()),
        files in small_files(),
        with_password in any::<bool>(),
    ) {
        let host: HostFacts = serde_json::from_value(host.clone())
            .map_err(|e| TestCaseError::fail(format!("generated host facts rejected: {e}\n{host}")))?;
        let facts = Facts {
            files: files.iter().map(|f| file(f)).collect(),
            passwords: if with_password { vec![Password::new(PASSWORD)] } else { vec![] },
            host,
            error,
            target,
            os,
            host_name,
            now,
            ..Facts::default()
        };
        let report = diagnose(&facts);
        check_report(&report)?;
        let _ = json(&report, Lang::En);
        let _ = json(&report, Lang::ZhCn);
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// The whole pipeline (chain building, name and key matching, rules, rendering) on
    /// mutated real files: diagnose returns a well-formed report.
    #[test]
    fn mutated_installation_gives_a_well_formed_report(
        files in prop::collection::vec(mutated_fixture(), 1..4),
        trust in prop::option::of(mutated_fixture()),
        pws in passwords(),
        target in context_string(certdoctor::facts::TARGETS),
        host_name in context_string(HOSTS),
        now in prop::option::of(rfc3339()),
        error in error_text(),
    ) {
        let facts = Facts {
            files: files
                .into_iter()
                .enumerate()
                .map(|(i, (name, bytes, _))| InputFile::new(format!("{i}-{name}"), bytes))
                .collect(),
            trust: trust
                .into_iter()
                .map(|(name, bytes, _)| InputFile::new(name, bytes))
                .chain([file("pki/root-ca.pem")])
                .collect(),
            passwords: pws,
            error,
            target,
            host_name,
            now,
            ..Facts::default()
        };
        let report = diagnose(&facts);
        check_report(&report)?;
        let _ = json(&report, Lang::En);
        let _ = json(&report, Lang::ZhCn);
    }
}

// ------------------------------------------------------------------------------------------
// 4. Rule files
// ------------------------------------------------------------------------------------------

fn rule_files() -> &'static [(String, String)] {
    static R: OnceLock<Vec<(String, String)>> = OnceLock::new();
    R.get_or_init(|| {
        let mut v: Vec<(String, String)> = std::fs::read_dir(format!("{ROOT}/rules"))
            .expect("rules/")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| {
                let name = p
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                (name, std::fs::read_to_string(&p).expect("rule file"))
            })
            .collect();
        v.sort();
        assert!(v.len() > 40, "rules missing");
        v
    })
}

const RULE_KEYS: &[&str] = &[
    "id",
    "severity",
    "kind",
    "prior",
    "targets",
    "os",
    "explains",
    "references",
    "corrects",
    "title",
    "explanation",
    "condition",
    "symptoms",
    "evidence",
    "remediation",
    "en",
    "zh-CN",
    "\"zh-CN\"",
    "title.en",
    "title.zh-CN",
    "remediation.steps",
    "steps",
    "windows",
    "linux",
    "code",
    "message",
    "weight",
    "when",
    "all",
    "any",
    "not",
    "fact",
    "is",
    "is_not",
    "gt",
    "ge",
    "lt",
    "le",
    "one_of",
    "contains",
    "contains_any",
    "matches",
    "nonempty",
    "exists",
    "version_lt",
    "version_ge",
    "before",
    "after",
    "disable",
    "condition.all",
    "condition.not",
    "a.b.c",
    "'lit'",
    "\"\"",
    "x",
];

/// A scalar TOML value: mostly plausible rule vocabulary, some nonsense.
fn toml_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<Index>().prop_map(|i| format!("{:?}", i.get(fact_paths()))),
        1 => any::<Index>().prop_map(|i| format!("\"x {{{{{}}}}} y\"", i.get(fact_paths()))),
        1 => any::<Index>().prop_map(|i| format!("{:?}", i.get(rule_strings()))),
        1 => prop::sample::select(&[
            "\"error\"", "\"warning\"", "\"info\"", "\"observation\"", "\"nginx\"",
            "\"windows\"", "\"macos\"", "\"bsd\"", "\"0x80070056\"", "\"0x8007\"",
            "\"windows.password_incorrect\"", "\"no.such_message\"", "\"(?i)a\"", "\"(\"",
            "\"10.0.14393\"", "\"x\"", "\"2026-06-01T00:00:00Z\"", "\"soon\"", "\"\"",
            "\"{{\"", "\"}}{{\"", "0", "1", "-1", "0.5", "1.5", "nan", "inf", "true", "false",
            "4096", "9223372036854775807",
        ][..]).prop_map(str::to_string),
        1 => any::<f64>().prop_map(|f| format!("{f:?}")),
    ]
}

/// Every fact path rules may name.
fn fact_paths() -> &'static [String] {
    static P: OnceLock<Vec<String>> = OnceLock::new();
    P.get_or_init(|| {
        certdoctor::rules::registry::registry()
            .keys()
            .cloned()
            .collect()
    })
}

fn toml_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(
            &[
                "\"error\"",
                "\"warning\"",
                "\"info\"",
                "\"observation\"",
                "\"problem\"",
                "0.5",
                "1",
                "-1",
                "2.5",
                "nan",
                "inf",
                "-inf",
                "1e400",
                "true",
                "false",
                "0x80070056",
                "\"0x80070056\"",
                "\"nginx.key_values_mismatch\"",
                "\"leaf.present\"",
                "\"keys.count\"",
                "\"host.os.build\"",
                "\"context.now\"",
                "\"leaf.not_after\"",
                "\"x.y\"",
                "\"nginx\"",
                "\"windows\"",
                "\"(\"",
                "\"[a-\"",
                "\"a{99999}\"",
                "\"{{leaf.serial}}\"",
                "\"{{nope}}\"",
                "\"{{\"",
                "\"\\u00e9\\uD800\"",
                "\"\\q\"",
                "'''multi\nline'''",
                "\"\"\"x\"\"\"",
                "1979-05-27T07:32:00Z",
                "07:32:00",
                "1979-05-27",
                "\"10.0.14393\"",
                "\"2026-06-01T00:00:00Z\"",
                "\"\"",
                "{}",
                "[]",
            ][..]
        )
        .prop_map(str::to_string),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        any::<Index>().prop_map(|i| format!("{:?}", i.get(fact_paths()))),
        any::<Index>().prop_map(|i| format!("\"{{{{{}}}}}\"", i.get(fact_paths()))),
        "\"\\PC{0,16}\"".prop_map(|s| s.replace('\\', "\\\\")),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((prop::sample::select(RULE_KEYS), inner), 0..4).prop_map(|v| {
                let parts: Vec<String> = v.into_iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", parts.join(", "))
            }),
        ]
    })
}

fn toml_line() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => (prop::sample::select(RULE_KEYS), toml_value()).prop_map(|(k, v)| format!("{k} = {v}")),
        2 => prop::sample::select(RULE_KEYS).prop_map(|k| format!("[{k}]")),
        2 => prop::sample::select(RULE_KEYS).prop_map(|k| format!("[[{k}]]")),
        1 => "\\PC{0,30}",
        1 => Just(String::new()),
        1 => "#\\PC{0,20}".prop_map(|s| s),
        1 => prop::sample::select(&["[", "[[", "]", "=", "\"", "'''", "\"\"\"", "\\", "{", "a =", "= 1"][..])
            .prop_map(str::to_string),
    ]
}

/// A minimal valid rule, the starting point of random edits.
const GOOD_RULE: &str = r#"id = "custom.prop_test"
severity = "warning"
prior = 0.1
[title]
en = "Example"
zh-CN = "示例"
[explanation]
en = "Example rule."
zh-CN = "示例规则。"
[condition]
fact = "leaf.key_bits"
lt = 4096
[[evidence]]
en = "The key has {{leaf.key_bits}} bits."
zh-CN = "密钥为 {{leaf.key_bits}} 位。"
"#;

/// Random TOML-ish text: random lines alone, or spliced into a valid rule.
fn tomlish_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(toml_line(), 0..16),
        any::<bool>(),
        prop::collection::vec(any::<Index>(), 0..16),
    )
        .prop_map(|(lines, into_good, places)| {
            if !into_good {
                return lines.join("\n");
            }
            let mut base: Vec<String> = GOOD_RULE.lines().map(str::to_string).collect();
            for (i, l) in lines.into_iter().enumerate() {
                let at = places
                    .get(i)
                    .map_or(base.len(), |p| p.index(base.len() + 1));
                base.insert(at, l);
            }
            base.join("\n")
        })
}

/// One edit of a rule file's text (always valid UTF-8).
#[derive(Debug, Clone)]
enum TextEdit {
    DeleteChars {
        at: Index,
        len: usize,
    },
    InsertText {
        at: Index,
        text: String,
    },
    InsertLine {
        at: Index,
        line: String,
    },
    /// A quoted string or a number on a `key = value` line replaced by another scalar.
    ReplaceScalar {
        which: Index,
        value: String,
    },
    DuplicateLine {
        which: Index,
        to: Index,
    },
    RemoveLine {
        which: Index,
    },
    SwapLines {
        a: Index,
        b: Index,
    },
    ReplaceValue {
        which: Index,
        value: String,
    },
    Truncate {
        at: Index,
    },
}

fn text_edit() -> impl Strategy<Value = TextEdit> {
    prop_oneof![
        1 => (any::<Index>(), 1usize..40).prop_map(|(at, len)| TextEdit::DeleteChars { at, len }),
        1 => (any::<Index>(), prop_oneof![toml_line(), toml_value(), "\\PC{0,8}"])
            .prop_map(|(at, text)| TextEdit::InsertText { at, text }),
        3 => (any::<Index>(), toml_line()).prop_map(|(at, line)| TextEdit::InsertLine { at, line }),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(which, to)| TextEdit::DuplicateLine { which, to }),
        1 => any::<Index>().prop_map(|which| TextEdit::RemoveLine { which }),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| TextEdit::SwapLines { a, b }),
        3 => (any::<Index>(), toml_value()).prop_map(|(which, value)| TextEdit::ReplaceValue { which, value }),
        6 => (any::<Index>(), toml_scalar()).prop_map(|(which, value)| TextEdit::ReplaceScalar { which, value }),
        1 => any::<Index>().prop_map(|at| TextEdit::Truncate { at }),
    ]
}

fn char_boundary(s: &str, at: &Index) -> usize {
    let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
    *at.get(&bounds)
}

fn edit(text: String, e: &TextEdit) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    match e {
        TextEdit::DeleteChars { at, len } => {
            let i = char_boundary(&text, at);
            let j = text[i..]
                .char_indices()
                .nth(*len)
                .map(|(k, _)| i + k)
                .unwrap_or(text.len());
            return format!("{}{}", &text[..i], &text[j..]);
        }
        TextEdit::InsertText { at, text: t } => {
            let i = char_boundary(&text, at);
            return format!("{}{t}{}", &text[..i], &text[i..]);
        }
        TextEdit::Truncate { at } => {
            let i = char_boundary(&text, at);
            return text[..i].to_string();
        }
        TextEdit::ReplaceScalar { which, value } => {
            // Scalars: "..." strings without escapes, and bare numbers / booleans.
            let mut spots: Vec<(usize, usize, usize)> = Vec::new();
            for (n, l) in lines.iter().enumerate() {
                let Some(eq) = l.find(" = ") else { continue };
                let mut i = eq + 3;
                while i < l.len() {
                    let rest = &l[i..];
                    if let Some(quoted) = rest.strip_prefix('"') {
                        match quoted.find('"') {
                            Some(j) if !quoted[..j].contains('\\') => {
                                spots.push((n, i, i + j + 2));
                                i += j + 2;
                            }
                            _ => break,
                        }
                    } else if rest.starts_with(|c: char| {
                        c.is_ascii_digit() || c == '-' || c == 't' || c == 'f'
                    }) {
                        let j = rest
                            .find(|c: char| {
                                !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
                            })
                            .unwrap_or(rest.len());
                        spots.push((n, i, i + j));
                        i += j.max(1);
                    } else {
                        i += rest.chars().next().map_or(1, char::len_utf8);
                    }
                }
            }
            if !spots.is_empty() {
                let (n, a, b) = *which.get(&spots);
                lines[n].replace_range(a..b, value);
            }
        }
        TextEdit::InsertLine { at, line } => {
            let i = at.index(lines.len() + 1);
            lines.insert(i, line.clone());
        }
        TextEdit::DuplicateLine { which, to } => {
            let l = which.get(&lines).clone();
            let at = to.index(lines.len() + 1);
            lines.insert(at, l);
        }
        TextEdit::RemoveLine { which } => {
            let i = which.index(lines.len());
            lines.remove(i);
        }
        TextEdit::SwapLines { a, b } => {
            let (i, j) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(i, j);
        }
        TextEdit::ReplaceValue { which, value } => {
            let with_eq: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].contains(" = "))
                .collect();
            if !with_eq.is_empty() {
                let i = *which.get(&with_eq);
                let key = lines[i].split(" = ").next().unwrap_or_default().to_string();
                lines[i] = format!("{key} = {value}");
            }
        }
    }
    lines.join("\n")
}

fn mutated_rule() -> impl Strategy<Value = (String, String)> {
    (any::<Index>(), prop::collection::vec(text_edit(), 1..=2)).prop_map(|(which, edits)| {
        let (name, text) = which.get(rule_files());
        (name.clone(), edits.iter().fold(text.clone(), edit))
    })
}

fn rule_file_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("user.toml".to_string()),
        Just("rules/ä ö/自定义.toml".to_string()),
        Just("C:\\rules\\x.toml".to_string()),
        Just(String::new()),
        "[a-z./]{1,12}",
    ]
}

/// An error must name the file and a line and column that exist in the text.
fn check_located(file: &str, text: &str, e: &RuleError) -> Result<(), TestCaseError> {
    let RuleError::Invalid {
        file: f,
        line,
        column,
        message,
    } = e
    else {
        return Err(TestCaseError::fail(format!("not a located error: {e}")));
    };
    prop_assert_eq!(f.as_str(), file);
    prop_assert!(!message.trim().is_empty(), "empty message");
    let shown = e.to_string();
    let prefix = format!("{file}:{line}:{column}: ");
    prop_assert!(
        shown.starts_with(&prefix),
        "{shown:?} does not start with {prefix:?}"
    );
    let lines: Vec<&str> = text.split('\n').collect();
    prop_assert!(
        *line >= 1 && *line <= lines.len(),
        "line {line} outside 1..={} in {shown}",
        lines.len()
    );
    let l = lines[line - 1];
    prop_assert!(
        *column >= 1 && *column <= l.len() + 1,
        "column {column} outside 1..={} of line {line} {l:?} in {shown}",
        l.len() + 1
    );
    Ok(())
}

/// A rule that loads must also evaluate without panicking.
fn evaluate_rule(set: &RuleSet) {
    let facts = Facts {
        files: vec![
            file("chain/leaf-only.pem"),
            file("keys/other-rsa.pkcs8.pem"),
        ],
        error: Some("0x80070056 key values mismatch".into()),
        target: Some("nginx".into()),
        host_name: Some("www.example.test".into()),
        now: Some(NOW.into()),
        ..Facts::default()
    };
    let r = diagnose_with(&facts, set);
    let _ = json(&r, Lang::En);
}

proptest! {
    #![proptest_config(config(256))]

    /// Random TOML-ish text: parse_rule and add_toml return Ok or a located error.
    #[test]
    fn random_rule_text_is_accepted_or_located(name in rule_file_name(), text in tomlish_text()) {
        match parse_rule(&name, &text) {
            Ok(rule) => {
                prop_assert_eq!(&rule.source, &name);
                let mut set = RuleSet::empty();
                set.add_toml(&name, &text).map_err(|e| TestCaseError::fail(format!("parse_rule Ok, add_toml Err: {e}")))?;
                evaluate_rule(&set);
            }
            Err(e) => check_located(&name, &text, &e)?,
        }
        let mut set = RuleSet::builtin().clone();
        if let Err(e) = set.add_toml(&name, &text) {
            check_located(&name, &text, &e)?;
        }
    }

    /// Mutated real rule files: parse_rule and add_toml return Ok or a located error, and a
    /// mutated rule that still loads evaluates without panicking.
    #[test]
    fn mutated_rule_files_are_accepted_or_located((name, text) in mutated_rule()) {
        match parse_rule(&name, &text) {
            Ok(rule) => {
                prop_assert_eq!(&rule.source, &name);
                let mut set = RuleSet::builtin().clone();
                set.add_toml(&name, &text).map_err(|e| TestCaseError::fail(format!("parse_rule Ok, add_toml Err: {e}")))?;
                evaluate_rule(&set);
            }
            Err(e) => check_located(&name, &text, &e)?,
        }
        let mut set = RuleSet::empty();
        if let Err(e) = set.add_toml(&name, &text) {
            check_located(&name, &text, &e)?;
        }
    }
}

/// Deep nesting (arrays, inline tables, dotted `not.not.…` conditions) is refused with a
/// located error; it must not overflow the stack in the parser, the compiler or evaluation.
#[test]
fn deeply_nested_rule_files_are_refused_with_a_location() {
    let base = GOOD_RULE.replace("[condition]\nfact = \"leaf.key_bits\"\nlt = 4096\n", "");
    for depth in [8usize, 64, 1000, 20_000] {
        let arrays = format!(
            "{base}[condition]\nfact = \"leaf.key_bits\"\none_of = {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let inline = format!(
            "{base}[condition]\nnot = {}{{ fact = \"leaf.key_bits\", lt = 1 }}{}\n",
            "{ not = ".repeat(depth),
            " }".repeat(depth)
        );
        let dotted = format!(
            "{base}[condition]\n{p}fact = \"leaf.key_bits\"\n{p}lt = 1\n",
            p = "not.".repeat(depth)
        );
        for text in [arrays, inline, dotted] {
            match parse_rule("deep.toml", &text) {
                Ok(_) => {
                    let mut set = RuleSet::empty();
                    set.add_toml("deep.toml", &text).expect("loads twice");
                    evaluate_rule(&set);
                }
                Err(e) => {
                    check_located("deep.toml", &text, &e)
                        .unwrap_or_else(|f| panic!("depth {depth}: {f}"));
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// 5. A clean installation
// ------------------------------------------------------------------------------------------

#[test]
fn clean_installation_is_reported_clean() {
    let facts = Facts {
        files: vec![file("chain/fullchain.pem"), file("keys/leaf-rsa.pkcs8.pem")],
        trust: vec![file("pki/root-ca.pem")],
        target: Some("nginx".into()),
        host_name: Some("www.example.test".into()),
        now: Some(NOW.into()),
        ..Facts::default()
    };
    let report = diagnose(&facts);
    let ids: Vec<&str> = report.diagnoses.iter().map(|d| d.id.as_str()).collect();
    assert!(ids.is_empty(), "a clean installation has findings: {ids:?}");
    assert!(report.symptom.is_none() && report.fallback.is_none());
    assert!(
        report.inputs.iter().all(|i| i.problems.is_empty()),
        "{:?}",
        report.inputs
    );
}

// ------------------------------------------------------------------------------------------
// Limits found not enforced (regression inputs; see the bug notes)
// ------------------------------------------------------------------------------------------

fn repeated(rel: &str, times: usize) -> Vec<u8> {
    let one = fixture(rel);
    let mut out = Vec::new();
    for _ in 0..times {
        out.extend_from_slice(&one);
    }
    out
}

/// Derivations a file cost, counted from what it returned: each verified MAC, each decrypted
/// safe or key, each stand-alone key that was opened or refused as a wrong password.
fn derivations(got: &Ingested) -> usize {
    let pfx: usize = got
        .pfxs
        .iter()
        .filter_map(|p| p.result.as_ref().ok())
        .map(|p| {
            usize::from(p.mac_status == MacStatus::Verified)
                + p.safes
                    .iter()
                    .filter(|s| s.encrypted && s.decrypted)
                    .count()
                + p.keys
                    .iter()
                    .filter(|k| k.pkcs8_der.is_some() && iterations_of_scheme(&k.scheme).is_some())
                    .count()
        })
        .sum();
    let keys = got
        .keys
        .iter()
        .filter(|k| !k.from_pfx)
        .filter(|k| {
            k.info.as_ref().is_some_and(|i| i.decrypted)
                || matches!(k.problem, Some(KeyProblem::WrongPassword))
        })
        .count();
    pfx + keys
}

#[test]
fn pkcs7_certificates_count_against_max_objects_per_file() {
    let mut l = Limits::default();
    l.max_objects_per_file = 1;
    let got = ingest::ingest(&[file("p7/leaf-int.p7b")], &[], &l);
    assert!(
        got.certs.len() <= 1,
        "{} certificates from one PKCS#7 file",
        got.certs.len()
    );
}

#[test]
fn pkcs12_blocks_in_one_pem_count_against_max_objects_per_file() {
    // default.pfx: 2 safes + 3 bags, within a limit of 5; three copies in one PEM file.
    let mut l = Limits::default();
    l.max_objects_per_file = 5;
    let f = InputFile::new("bundle.pem", repeated("p12/default.pfx.pem", 3));
    let got = ingest::ingest(&[f], &[Password::new(PASSWORD)], &l);
    let n = got.certs.len() + got.keys.len();
    assert!(n <= 5, "{n} certificates and keys from one file");
}

#[test]
fn encrypted_key_blocks_in_one_pem_count_against_max_kdf_runs() {
    let mut l = Limits::default();
    l.max_kdf_runs = 2;
    let f = InputFile::new(
        "keys.pem",
        repeated("keys/leaf-rsa.pkcs8-enc-aes256.pem", 5),
    );
    let got = ingest::ingest(&[f], &[Password::new(PASSWORD)], &l);
    assert!(
        derivations(&got) <= 2,
        "{} key derivations for one file",
        derivations(&got)
    );
}

#[test]
fn pkcs12_blocks_in_one_pem_count_against_max_kdf_runs() {
    let mut l = Limits::default();
    l.max_kdf_runs = 2;
    let f = InputFile::new("bundle.pem", repeated("p12/default.pfx.pem", 4));
    let got = ingest::ingest(&[f], &[Password::new(PASSWORD)], &l);
    assert!(
        derivations(&got) <= 2,
        "{} key derivations for one file",
        derivations(&got)
    );
}
