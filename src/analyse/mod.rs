//! Analyse: artifacts → derived facts. Which certificate is the server's, which key and CSR
//! belong to it, the chain, validity, name coverage, PKCS#12 algorithms; all written into the
//! [`FactView`] that rules read.

pub mod cert;
pub mod chain;
pub mod names;
pub mod signature;

use std::collections::BTreeSet;

use crate::ingest::{Ingested, KeyProblem};
use crate::view::FactView;

/// The context an analysis needs besides the artifacts.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Reference time, unix seconds.
    pub now: Option<i64>,
    /// The host's own clock, unix seconds.
    pub host_clock: Option<i64>,
    /// Host name to cover.
    pub host_name: Option<String>,
    /// A password was supplied.
    pub password_given: bool,
    /// The passwords, as facts about them (never the passwords themselves).
    pub password_non_ascii: bool,
    /// A password holds characters other than ASCII letters and digits.
    pub password_has_special: bool,
}

/// Picks the server certificate: an end-entity certificate whose key was supplied, else the
/// first end-entity certificate, else (only CA certificates given) the lowest CA certificate.
pub fn pick_leaf(ing: &Ingested) -> Option<usize> {
    let key_hashes: BTreeSet<String> = ing
        .keys
        .iter()
        .filter_map(|k| k.info.as_ref()?.spki_sha256.map(|h| cert::hex(&h)))
        .collect();
    let ee: Vec<usize> = (0..ing.certs.len())
        .filter(|i| !ing.certs[*i].facts.is_ca)
        .collect();
    // Only CA certificates: the one offered as the server's is the lowest, the one that issued
    // none of the others.
    let lowest_ca = || {
        (0..ing.certs.len()).find(|i| {
            let f = &ing.certs[*i].facts;
            !ing.certs
                .iter()
                .any(|o| o.facts.sha256 != f.sha256 && o.facts.issuer == f.subject)
        })
    };
    ee.iter()
        .copied()
        .find(|i| key_hashes.contains(&ing.certs[*i].facts.key.spki_sha256))
        .or_else(|| ee.first().copied())
        .or_else(lowest_ca)
        .or(if ing.certs.is_empty() { None } else { Some(0) })
}

fn names(list: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = list.collect();
    v.dedup();
    v
}

/// Writes every derived fact about the artifacts into `view`.
pub fn derive(
    ing: &Ingested,
    anchors: &chain::Anchors,
    ctx: &Context,
    limits: &crate::limits::Limits,
    view: &mut FactView,
) {
    // No files: nothing is known about the artifacts (unknown, not absent), so causes can
    // still be suggested by the symptom.
    if ing.files.is_empty() {
        view.num("input.count", 0.0);
        return;
    }
    input_facts(ing, view);
    let leaf = pick_leaf(ing);
    leaf_facts(ing, leaf, ctx, view);
    key_facts(ing, leaf, view);
    csr_facts(ing, leaf, view);
    pfx_facts(ing, ctx, view);
    chain_facts(ing, leaf, anchors, ctx, limits, view);
}

fn input_facts(ing: &Ingested, view: &mut FactView) {
    view.num("input.count", ing.files.len() as f64);
    // Formats by content: a PEM file counts as pem_certificate / pem_key / csr / pkcs7 /
    // pkcs12 for what it holds.
    let mut formats: BTreeSet<String> = BTreeSet::new();
    for f in &ing.files {
        if f.format != "pem" {
            formats.insert(f.format.clone());
            continue;
        }
        let of = |c: &&crate::ingest::CertItem| c.file == f.name;
        if ing.certs.iter().filter(of).any(|c| c.container == "pem") {
            formats.insert("pem_certificate".into());
        }
        if ing.certs.iter().filter(of).any(|c| c.container == "p7b") {
            formats.insert("pkcs7".into());
        }
        if ing.keys.iter().any(|k| k.file == f.name && !k.from_pfx) {
            formats.insert("pem_key".into());
        }
        if ing.csrs.iter().any(|r| r.file == f.name) {
            formats.insert("csr".into());
        }
        if ing.pfxs.iter().any(|p| p.file == f.name) {
            formats.insert("pkcs12".into());
        }
    }
    view.list("input.formats", formats.into_iter().collect());
    let any = |p: &dyn Fn(&crate::ingest::FileReport) -> bool| ing.files.iter().any(p);
    view.bool("input.has_pem", any(&|f| f.format == "pem"));
    view.bool(
        "input.has_der",
        any(&|f| matches!(f.format.as_str(), "der_certificate" | "der_key" | "csr")),
    );
    view.bool("input.has_pfx", !ing.pfxs.is_empty());
    view.bool(
        "input.has_p7b",
        ing.certs.iter().any(|c| c.container == "p7b"),
    );
    view.bool("input.has_key_file", ing.keys.iter().any(|k| !k.from_pfx));
    let enc: Vec<String> = ing
        .files
        .iter()
        .flat_map(|f| {
            f.text_issues
                .iter()
                .filter(|i| !i.is_damage())
                .map(move |i| format!("{}: {}", f.name, i.describe()))
        })
        .collect();
    view.bool("input.has_encoding_issue", !enc.is_empty());
    view.list("input.encoding_issues", enc);
    let corrupt: Vec<String> = ing
        .files
        .iter()
        .flat_map(|f| f.corrupt.iter().map(move |c| format!("{}: {c}", f.name)))
        .collect();
    view.bool("input.has_corrupt", !corrupt.is_empty());
    view.list("input.corrupt", corrupt);
    let not_crypto: Vec<String> = ing
        .files
        .iter()
        .filter_map(|f| f.not_crypto.as_ref().map(|w| format!("{}: {w}", f.name)))
        .collect();
    view.bool("input.has_not_crypto", !not_crypto.is_empty());
    view.list("input.not_crypto", not_crypto);
    view.bool(
        "input.pfx_pem_armored",
        ing.pfxs.iter().any(|p| p.pem_armored),
    );
    view.list(
        "input.cert_files",
        names(
            ing.files
                .iter()
                .filter(|f| !f.cert_order.is_empty())
                .map(|f| f.name.clone()),
        ),
    );
    view.list(
        "input.key_files",
        names(
            ing.keys
                .iter()
                .filter(|k| !k.from_pfx)
                .map(|k| k.file.clone()),
        ),
    );
}

fn leaf_facts(ing: &Ingested, leaf: Option<usize>, ctx: &Context, view: &mut FactView) {
    view.bool("leaf.present", leaf.is_some());
    let Some(item) = leaf.and_then(|i| ing.certs.get(i)) else {
        return;
    };
    let f = &item.facts;
    view.str("leaf.file", item.file.clone());
    view.str("leaf.subject", f.subject.clone());
    view.opt_str("leaf.subject_cn", f.subject_cn.clone());
    view.str("leaf.issuer", f.issuer.clone());
    view.str("leaf.serial", f.serial.clone());
    view.str("leaf.thumbprint_sha1", f.thumbprint_sha1.clone());
    view.str("leaf.sha256", f.sha256.clone());
    view.str("leaf.spki_sha256", f.key.spki_sha256.clone());
    view.time("leaf.not_before", f.not_before);
    view.time("leaf.not_after", f.not_after);
    if let Some(now) = ctx.now {
        view.bool("leaf.expired", now > f.not_after);
        view.bool("leaf.not_yet_valid", now < f.not_before);
        view.num(
            "leaf.days_left",
            ((f.not_after - now) as f64 / 86_400.0).floor(),
        );
    }
    if let Some(h) = ctx.host_clock {
        view.bool("leaf.valid_at_host_clock", f.valid_at(h));
    }
    view.bool("leaf.is_ca", f.is_ca);
    view.bool("leaf.self_signed", f.self_issued);
    view.list("leaf.sans", f.sans.clone());
    view.bool("leaf.has_eku", f.eku.is_some());
    view.list("leaf.eku", f.eku.clone().unwrap_or_default());
    view.str("leaf.key_algorithm", f.key.algorithm.clone());
    if let Some(b) = f.key.bits {
        view.num("leaf.key_bits", b as f64);
    }
    view.opt_str("leaf.key_curve", f.key.curve.clone());
    view.opt_str("leaf.signature_hash", f.signature_hash.clone());
    view.bool("leaf.has_bad_extensions", !f.bad_extensions.is_empty());
    view.list("leaf.bad_extensions", f.bad_extensions.clone());
    if let Some(h) = &ctx.host_name {
        view.bool("leaf.host_covered", names::covers(&f.sans, h));
    }
    view.list("leaf.crl_urls", f.crl.clone());
    view.list("leaf.ocsp_urls", f.ocsp.clone());
    view.list("leaf.ca_issuers_urls", f.ca_issuers.clone());

    // PEM layout of the file that holds the server certificate.
    if let Some(file) = ing.files.iter().find(|r| r.name == item.file) {
        if file.format == "pem" {
            view.bool("pem.leaf_not_first", item.index_in_file != 0);
            view.bool("pem.cert_file_has_chain", file.cert_order.len() > 1);
        }
    }
    view.bool(
        "pem.key_in_cert_file",
        ing.files
            .iter()
            .any(|r| r.format == "pem" && r.key_with_certs),
    );
}

fn key_facts(ing: &Ingested, leaf: Option<usize>, view: &mut FactView) {
    view.num("keys.count", ing.keys.len() as f64);
    view.list(
        "keys.files",
        ing.keys.iter().map(|k| k.label.clone()).collect(),
    );
    let leaf_spki = leaf
        .and_then(|i| ing.certs.get(i))
        .map(|c| c.facts.key.spki_sha256.clone());
    let hash = |k: &crate::ingest::KeyItem| k.info.as_ref()?.spki_sha256.map(|h| cert::hex(&h));
    let readable: Vec<_> = ing.keys.iter().filter(|k| hash(k).is_some()).collect();
    let undecided = ing.keys.iter().any(|k| {
        matches!(
            k.problem,
            Some(
                KeyProblem::PasswordNeeded
                    | KeyProblem::WrongPassword
                    | KeyProblem::TooManyIterations(_)
            )
        )
    });
    view.bool("keys.undecided", undecided);
    if let Some(spki) = &leaf_spki {
        let matching = readable.iter().find(|k| hash(k).as_deref() == Some(spki));
        match matching {
            Some(k) => {
                view.bool("keys.match_leaf", true);
                view.str("keys.matching_file", k.label.clone());
            }
            // Unknown when an unreadable key might be the one.
            None if !readable.is_empty() && !undecided => view.bool("keys.match_leaf", false),
            None if readable.is_empty() && !undecided && !ing.keys.is_empty() => {
                view.bool("keys.match_leaf", false)
            }
            None => {}
        }
        view.list(
            "keys.mismatched_files",
            readable
                .iter()
                .filter(|k| hash(k).as_deref() != Some(spki))
                .map(|k| k.label.clone())
                .collect(),
        );
    }
    let corrupt: Vec<String> = ing
        .keys
        .iter()
        .filter_map(|k| match (&k.problem, &k.info) {
            (Some(KeyProblem::Corrupt(e)), _) => Some(format!("{}: {e}", k.label)),
            (_, Some(i)) if i.consistent == Some(false) => Some(format!(
                "{}: the public part does not match the private part",
                k.label
            )),
            _ => None,
        })
        .collect();
    view.bool("keys.has_corrupt", !corrupt.is_empty());
    view.list("keys.corrupt", corrupt);
    view.bool(
        "keys.inconsistent",
        ing.keys
            .iter()
            .any(|k| k.info.as_ref().is_some_and(|i| i.consistent == Some(false))),
    );
    let encrypted: Vec<String> = ing
        .keys
        .iter()
        .filter(|k| !k.from_pfx)
        .filter_map(|k| {
            let enc = k.encryption.as_deref()?;
            (enc != "not encrypted").then(|| format!("{} ({enc})", k.label))
        })
        .collect();
    view.bool("keys.encrypted", !encrypted.is_empty());
    view.list("keys.encrypted_files", encrypted);
    view.bool(
        "keys.password_needed",
        ing.keys
            .iter()
            .any(|k| !k.from_pfx && k.problem == Some(KeyProblem::PasswordNeeded)),
    );
    view.bool(
        "keys.wrong_password",
        ing.keys
            .iter()
            .any(|k| !k.from_pfx && k.problem == Some(KeyProblem::WrongPassword)),
    );
}

fn csr_facts(ing: &Ingested, leaf: Option<usize>, view: &mut FactView) {
    view.num("csr.count", ing.csrs.len() as f64);
    view.list("csr.files", names(ing.csrs.iter().map(|c| c.file.clone())));
    if ing.csrs.is_empty() {
        return;
    }
    if let Some(c) = leaf.and_then(|i| ing.certs.get(i)) {
        view.bool(
            "csr.match_leaf",
            ing.csrs
                .iter()
                .any(|r| r.spki_sha256 == c.facts.key.spki_sha256),
        );
    }
    view.bool(
        "csr.signature_valid",
        ing.csrs.iter().all(|r| r.signature_valid),
    );
    let bad: Vec<String> = ing
        .csrs
        .iter()
        .flat_map(|r| {
            r.bad_extensions
                .iter()
                .map(move |b| format!("{}: {b}", r.file))
        })
        .collect();
    view.bool("csr.has_bad_extensions", !bad.is_empty());
    view.list("csr.bad_extensions", bad);
}

fn pfx_facts(ing: &Ingested, ctx: &Context, view: &mut FactView) {
    view.bool("pfx.present", !ing.pfxs.is_empty());
    let Some(p) = ing.pfxs.first() else { return };
    view.str("pfx.file", p.file.clone());
    view.bool("pfx.password_non_ascii", ctx.password_non_ascii);
    view.bool("pfx.password_has_special", ctx.password_has_special);
    let Ok(pfx) = &p.result else { return };
    use crate::ingest::pbe::EncryptionScheme;
    use crate::ingest::pkcs12::MacStatus;
    let status = match &pfx.mac_status {
        MacStatus::Verified => "verified",
        MacStatus::WrongPassword => "wrong_password",
        MacStatus::NoMac => "no_mac",
        MacStatus::IterationsTooHigh { .. } => "iterations_too_high",
        MacStatus::Unsupported { .. } => "unsupported",
        _ => "not_checked",
    };
    // Without the user's password only the empty one was tried: a failed check then proves
    // nothing about the password the user typed, so the status stays unknown.
    if ctx.password_given || !matches!(status, "wrong_password" | "not_checked") {
        view.str("pfx.mac_status", status);
    }
    if let Some(m) = &pfx.mac {
        view.str("pfx.mac_digest", m.digest.clone());
        view.num("pfx.mac_iterations", m.iterations as f64);
        view.bool("pfx.pbmac1", m.pbmac1);
    }
    let mut schemes: Vec<String> = Vec::new();
    let mut pbes2 = false;
    let scheme_name = |s: &EncryptionScheme| match s {
        EncryptionScheme::None => "none".to_string(),
        EncryptionScheme::Pbes2 { cipher, .. } => cipher.clone(),
        EncryptionScheme::Pkcs12Pbe { alg, .. } => alg.clone(),
        EncryptionScheme::Unknown { oid } => oid.clone(),
        #[allow(unreachable_patterns)]
        _ => "other".to_string(),
    };
    for s in pfx
        .safes
        .iter()
        .map(|s| &s.scheme)
        .chain(pfx.keys.iter().map(|k| &k.scheme))
    {
        pbes2 |= matches!(s, EncryptionScheme::Pbes2 { .. });
        let n = scheme_name(s);
        if !schemes.contains(&n) {
            schemes.push(n);
        }
    }
    view.bool("pfx.uses_pbes2", pbes2);
    let legacy_ciphers = schemes.iter().all(|s| {
        s == "none"
            || s.starts_with("pbe-sha1-3des")
            || s.starts_with("pbe-sha1-rc2")
            || s.starts_with("pbe-sha1-2des")
    });
    let mac_sha1 = pfx.mac.as_ref().is_none_or(|m| m.digest == "sha1");
    view.bool("pfx.legacy_compatible", legacy_ciphers && mac_sha1);
    view.list("pfx.schemes", schemes);
    // Opened: every encrypted part (certificate safes and key bags) could be decrypted,
    // whatever the MAC (PBMAC1 is recognised but not verified).
    let opened = pfx.mac_status != MacStatus::WrongPassword
        && pfx.safes.iter().all(|s| !s.encrypted || s.decrypted)
        && pfx
            .keys
            .iter()
            .all(|k| matches!(k.scheme, EncryptionScheme::None) || k.pkcs8_der.is_some());
    view.bool("pfx.opened", opened);
    view.bool(
        "pfx.empty_password",
        pfx.password_used.is_some_and(|u| u.empty) && status == "verified",
    );
    view.bool("pfx.has_key", !pfx.keys.is_empty());
    // Certificates are only known when the certificate safe could be opened.
    let certs_known = pfx.safes.iter().all(|s| !s.encrypted || s.decrypted);
    if certs_known {
        let pcerts: Vec<_> = ing.certs.iter().filter(|c| c.file == p.file).collect();
        view.bool("pfx.has_cert", !pcerts.is_empty());
        view.bool("pfx.has_leaf_cert", pcerts.iter().any(|c| !c.facts.is_ca));
        view.bool(
            "pfx.only_ca_certs",
            !pcerts.is_empty() && pcerts.iter().all(|c| c.facts.is_ca),
        );
        let key_hashes: Vec<String> = ing
            .keys
            .iter()
            .filter(|k| k.file == p.file)
            .filter_map(|k| k.info.as_ref()?.spki_sha256.map(|h| cert::hex(&h)))
            .collect();
        if !key_hashes.is_empty() {
            view.bool(
                "pfx.key_matches_cert",
                pcerts
                    .iter()
                    .any(|c| key_hashes.contains(&c.facts.key.spki_sha256)),
            );
        }
    }
}

fn chain_facts(
    ing: &Ingested,
    leaf: Option<usize>,
    anchors: &chain::Anchors,
    ctx: &Context,
    limits: &crate::limits::Limits,
    view: &mut FactView,
) {
    view.num("chain.supplied_count", ing.certs.len() as f64);
    let Some(leaf) = leaf else { return };
    let supplied = &ing.chain_certs;
    if supplied.len() != ing.certs.len() {
        return; // cannot happen: both lists are filled together
    }
    let label = |i: usize| ing.certs[i].facts.label();
    view.num(
        "chain.intermediates_supplied",
        ing.certs
            .iter()
            .filter(|c| c.facts.is_ca && !c.facts.self_issued)
            .count() as f64,
    );
    view.list(
        "chain.file_order",
        ing.certs.iter().map(|c| c.facts.label()).collect(),
    );
    let Some(now) = ctx.now else {
        return;
    };
    let input = chain::ChainInput {
        supplied,
        leaf,
        anchors,
        now,
        limits,
    };
    let r = chain::build(&input);
    let node_label = |n: &chain::Node| match n {
        chain::Node::Supplied(i) => label(*i),
        chain::Node::Anchor(i) => anchors
            .get(*i)
            .map(|a| cert::common_name(a.cert.tbs_certificate().subject()).unwrap_or_default())
            .unwrap_or_default(),
    };
    view.bool("chain.budget_exhausted", r.budget_exhausted);
    view.bool("chain.trusted", r.trusted);
    let best = r.paths.first();
    if let Some(p) = best {
        view.list("chain.path_order", p.nodes.iter().map(node_label).collect());
        // The top of a complete path is an anchor, or a supplied copy or cross-certificate
        // of one.
        if let Some(top) = p.nodes.last() {
            view.str("chain.anchor_name", node_label(top));
        }
    }
    view.bool(
        "chain.complete",
        !r.paths.is_empty() || r.untrusted_root.is_some() || r.root_included.is_some(),
    );
    view.bool(
        "chain.has_missing_issuer",
        r.missing_issuer.is_some() && r.paths.is_empty(),
    );
    if let Some(m) = r.missing_issuer.as_ref().filter(|_| r.paths.is_empty()) {
        view.str("chain.missing_issuer", m.issuer_name.clone());
        view.opt_str("chain.missing_issuer_aki", m.aki_hex.clone());
        view.list("chain.missing_issuer_urls", m.ca_issuers_urls.clone());
    }
    view.bool("chain.has_lookalike", !r.lookalike_intermediates.is_empty());
    view.list(
        "chain.lookalike_intermediates",
        r.lookalike_intermediates
            .iter()
            .map(|i| label(*i))
            .collect(),
    );
    view.bool("chain.has_unrelated", !r.unrelated_certs.is_empty());
    view.list(
        "chain.unrelated_certs",
        r.unrelated_certs.iter().map(|i| label(*i)).collect(),
    );
    view.bool("chain.has_expired_member", !r.expired_on_paths.is_empty());
    view.list(
        "chain.expired_members",
        r.expired_on_paths
            .iter()
            .map(|i| {
                format!(
                    "{} (expired {})",
                    label(*i),
                    crate::time::format_rfc3339(ing.certs[*i].facts.not_after)
                )
            })
            .collect(),
    );
    view.bool(
        "chain.valid_path_avoiding_expired",
        r.valid_path_avoiding_expired,
    );
    // A PKCS#7 bundle is a SET: it has no order to judge.
    if !ing.certs.iter().any(|c| c.container == "p7b") {
        view.bool("chain.order_ok", r.order_ok);
    }
    // A self-signed root supplied with the chain, trusted or not.
    let root = r.root_included.or(r.untrusted_root);
    view.bool("chain.root_included", root.is_some());
    if let Some(i) = root {
        view.str("chain.root_name", label(i));
    }
    view.bool(
        "chain.untrusted_root",
        r.untrusted_root.is_some() && !r.trusted,
    );
    if let Some(i) = r.untrusted_root {
        view.str("chain.untrusted_root_name", label(i));
    }
    // Hash strength and revocation URLs over the best path (or every supplied certificate).
    let members: Vec<usize> = match best {
        Some(p) => p
            .nodes
            .iter()
            .filter_map(|n| match n {
                chain::Node::Supplied(i) => Some(*i),
                chain::Node::Anchor(_) => None,
            })
            .collect(),
        None => (0..ing.certs.len()).collect(),
    };
    let hashes: Vec<&str> = members
        .iter()
        .filter(|i| !ing.certs[**i].facts.self_issued)
        .filter_map(|i| ing.certs[*i].facts.signature_hash.as_deref())
        .collect();
    view.bool(
        "chain.sha256_in_chain",
        hashes
            .iter()
            .any(|h| matches!(*h, "sha256" | "sha384" | "sha512")),
    );
    view.bool("chain.sha1_in_chain", hashes.contains(&"sha1"));
    let mut urls: Vec<String> = Vec::new();
    for i in &members {
        let f = &ing.certs[*i].facts;
        for u in f.crl.iter().chain(&f.ocsp) {
            if !urls.contains(u) {
                urls.push(u.clone());
            }
        }
    }
    let mut hosts: Vec<String> = Vec::new();
    for u in &urls {
        let h = u
            .split("://")
            .nth(1)
            .unwrap_or(u)
            .split(['/', ':'])
            .next()
            .unwrap_or_default()
            .to_string();
        if !h.is_empty() && !hosts.contains(&h) {
            hosts.push(h);
        }
    }
    view.list("chain.revocation_urls", urls);
    view.list("chain.revocation_hosts", hosts);
    // A cross-certificate: a supplied CA whose key is also the key of a self-signed anchor or
    // supplied root, under another issuer.
    let supplied_roots: BTreeSet<&[u8; 32]> = ing
        .chain_certs
        .iter()
        .filter(|c| c.is_self_issued())
        .map(|c| c.spki_sha256())
        .collect();
    view.bool(
        "chain.cross_cert_supplied",
        ing.chain_certs.iter().any(|c| {
            c.is_ca()
                && !c.is_self_issued()
                && (anchors.has_spki(c.spki_sha256()) || supplied_roots.contains(c.spki_sha256()))
        }),
    );
}
