//! What `diagnose` costs next to the unavoidable work (decode the inputs, one signature check
//! per chain link), how much of it is rule evaluation, and the PKCS#12 path.
//!
//! `cargo bench --bench diagnose`; figures are reported in the README's performance section.

use std::hint::black_box;
use std::time::{Duration, Instant};

use certdoctor::analyse::signature;
use certdoctor::ingest::{keys, text};
use certdoctor::{diagnose, Facts, InputFile, Password};
use criterion::{criterion_group, criterion_main, Criterion};
use der::Decode;

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{rel}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn pem_facts() -> Facts {
    Facts {
        files: vec![
            InputFile::new("fullchain.pem", fixture("chain/fullchain.pem")),
            InputFile::new("privkey.pem", fixture("keys/leaf-rsa.pkcs8.pem")),
        ],
        trust: vec![InputFile::new("root.pem", fixture("pki/root-ca.pem"))],
        target: Some("nginx".into()),
        now: Some("2026-06-01T00:00:00Z".into()),
        ..Facts::default()
    }
}

/// The floor: decode every input and verify one signature per chain link (leaf ← issuing CA,
/// issuing CA ← root).
fn floor(chain: &[u8], key: &[u8], root: &[u8]) {
    let mut certs = Vec::new();
    for input in [chain, root] {
        let t = std::str::from_utf8(input).expect("utf8");
        for b in text::scan_pem(t, 100).blocks {
            let cert = x509_cert::Certificate::from_der(&b.body).expect("cert");
            certs.push((b.body, cert));
        }
    }
    let kt = std::str::from_utf8(key).expect("utf8");
    for b in text::scan_pem(kt, 10).blocks {
        black_box(
            keys::parse_pem_key(
                &b.label,
                &b.headers,
                &b.body,
                None,
                &certdoctor::Limits::default(),
            )
            .ok(),
        );
    }
    // certs: leaf, issuing, root
    for (child, parent) in [(0usize, 1usize), (1, 2)] {
        // The signed bytes straight from the DER as read (no re-encoding).
        let (tbs, alg, sig) = signature::split_signed(&certs[child].0).expect("split");
        let spki = certs[parent].1.tbs_certificate().subject_public_key_info();
        black_box(signature::verify(&tbs, &alg, &sig, spki).is_ok());
    }
}

fn benches(c: &mut Criterion) {
    // Warm the lazily built statics (Mozilla roots, rules, code tables) outside the timings.
    black_box(diagnose(&pem_facts()));
    let chain = fixture("chain/fullchain.pem");
    let key = fixture("keys/leaf-rsa.pkcs8.pem");
    let root = fixture("pki/root-ca.pem");
    let mut g = c.benchmark_group("pem_installation");
    g.bench_function("floor_decode_and_verify", |b| {
        b.iter(|| floor(&chain, &key, &root))
    });
    let facts = pem_facts();
    g.bench_function("diagnose", |b| b.iter(|| black_box(diagnose(&facts))));
    // The two timings above run one after the other; on a noisy machine (a shared VM) their
    // ratio swings with whatever else runs. This one alternates floor and diagnose in every
    // iteration, so both see the same conditions, and reports the ratio as a time:
    // 1 µs = 1.0 × (1.32 µs means diagnose costs 1.32 times the floor).
    g.bench_function("ratio_diagnose_to_floor_1us_is_1x", |b| {
        b.iter_custom(|iters| {
            let (mut f, mut d) = (Duration::ZERO, Duration::ZERO);
            for _ in 0..iters {
                let t = Instant::now();
                floor(&chain, &key, &root);
                f += t.elapsed();
                let t = Instant::now();
                black_box(diagnose(&facts));
                d += t.elapsed();
            }
            let ratio = d.as_secs_f64() / f.as_secs_f64().max(1e-12);
            Duration::from_secs_f64(ratio * 1e-6 * iters as f64)
        })
    });
    let (view, _, _) = certdoctor::fact_view(&facts);
    let keys = certdoctor::rank::SymptomKeys::default();
    let rules = certdoctor::RuleSet::builtin();
    g.bench_function("rules_only", |b| {
        b.iter(|| black_box(certdoctor::rank::evaluate(rules, &view, &keys)))
    });
    g.finish();

    let mut g = c.benchmark_group("pkcs12");
    g.sample_size(20);
    let pfx = Facts {
        files: vec![InputFile::new("default.pfx", fixture("p12/default.pfx"))],
        passwords: vec![Password::new("correct horse")],
        os: Some("windows-server-2016".into()),
        now: Some("2026-06-01T00:00:00Z".into()),
        ..Facts::default()
    };
    g.bench_function("diagnose_default_pfx", |b| {
        b.iter(|| black_box(diagnose(&pfx)))
    });
    g.finish();
}

/// Hostile inputs: each must be answered (refused or diagnosed) quickly.
fn hostile(c: &mut Criterion) {
    let mut g = c.benchmark_group("hostile");
    g.sample_size(20);
    let now = Some("2026-06-01T00:00:00Z".to_string());
    let one = |name: &str, bytes: Vec<u8>| Facts {
        files: vec![InputFile::new(name, bytes)],
        passwords: vec![Password::new("correct horse")],
        now: now.clone(),
        ..Facts::default()
    };
    let iter_mac = one("mac.pfx", fixture("p12/hostile-mac-iterations.pfx"));
    g.bench_function("pfx_mac_iterations_2^31", |b| {
        b.iter(|| black_box(diagnose(&iter_mac)))
    });
    let iter_key = one("key.pfx", fixture("p12/hostile-keybag-iterations.pfx"));
    g.bench_function("pfx_keybag_iterations_2^31", |b| {
        b.iter(|| black_box(diagnose(&iter_key)))
    });
    let leaf = fixture("pki/leaf-rsa.pem");
    let big = one("10000.pem", leaf.repeat(10_000));
    g.bench_function("pem_10000_certificates", |b| {
        b.iter(|| black_box(diagnose(&big)))
    });
    let fits = certdoctor::Limits::default().max_file_size / leaf.len();
    let max = one("max.pem", leaf.repeat(fits));
    g.bench_function("pem_largest_accepted_file", |b| {
        b.iter(|| black_box(diagnose(&max)))
    });
    // An installation from chain-extra/: the given files, trusting `root`.
    let chain_case = |files: &[&str], root: &str| Facts {
        files: files
            .iter()
            .map(|f| InputFile::new(*f, fixture(&format!("chain-extra/{f}"))))
            .collect(),
        trust: vec![InputFile::new(
            root,
            fixture(&format!("chain-extra/{root}")),
        )],
        now: now.clone(),
        ..Facts::default()
    };
    let la = chain_case(&["la-leaf.pem", "lookalikes-50.pem"], "la-root.pem");
    g.bench_function("chain_50_lookalike_intermediates", |b| {
        b.iter(|| black_box(diagnose(&la)))
    });
    let la = chain_case(
        &["la-leaf.pem", "lookalikes-50.pem", "la-int.pem"],
        "la-root.pem",
    );
    g.bench_function("chain_50_lookalikes_plus_real_issuer", |b| {
        b.iter(|| black_box(diagnose(&la)))
    });
    // RSA 2048 look-alikes without key identifiers: no key recovery for RSA, one verification
    // each.
    let rsa_la = chain_case(
        &["rsa-la-leaf.pem", "rsa-lookalikes-50.pem", "rsa-la-int.pem"],
        "rsa-la-root.pem",
    );
    g.bench_function("chain_50_rsa_lookalikes_plus_real_issuer", |b| {
        b.iter(|| black_box(diagnose(&rsa_la)))
    });
    g.finish();
}

criterion_group!(all, benches, hostile);
criterion_main!(all);
