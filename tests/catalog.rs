//! Every catalog root cause is a rule, every rule file loads, and the corrections are stated.

/// The 58 root causes of the catalog (shared/causes.md); each must be a built-in rule.
const CATALOG: &[&str] = &[
    "match.cert_key",
    "match.cert_csr",
    "key.missing",
    "key.corrupt",
    "chain.incomplete",
    "chain.wrong_intermediate",
    "chain.root_untrusted",
    "format.wrong_for_platform",
    "file.corrupt",
    "pfx.no_private_key",
    "pfx.wrong_password",
    "cert.bad_extensions",
    "host.clock_skew",
    "host.sha256_unsupported",
    "host.cryptsvc_stopped",
    "perm.not_admin",
    "perm.gpo_restricted",
    "store.wrong_store",
    "perm.private_key_acl",
    "perm.crypto_registry_acl",
    "perm.machinekeys_acl",
    "iis.com_permissions",
    "security_software.blocking",
    "com.crypto_dlls_unregistered",
    "iis.components_damaged",
    "csp.provider_mismatch",
    "csp.legacy_no_sha256",
    "csp.hardware_token",
    "revocation.offline",
    "revocation.proxy",
    "revocation.firewall",
    "linux.file_permissions",
    "linux.selinux_denied",
    "linux.pem_layout",
    "exchange.service_key_access",
    "codesign.csp_unsupported",
    "codesign.timestamp_unreachable",
    "pfx.cipher_unsupported",
    "validity.expired",
    "validity.not_yet_valid",
    "chain.expired_intermediate",
    "chain.wrong_order",
    "cert.not_leaf",
    "cert.name_mismatch",
    "cert.eku_unsuitable",
    "key.weak",
    "key.encrypted",
    "file.encoding",
    "cert.sha1_signature",
    "key.left_in_other_store",
    "key.not_exportable",
    "key.cng_with_legacy_app",
    "pfx.pem_armored",
    "pfx.remote_session",
    "chain.cross_sign_needed",
    "pfx.no_certificate",
    "key.wrong_password",
    "codesign.hardware_required",
];

#[test]
fn every_builtin_rule_loads_and_the_catalog_is_covered() {
    let set = certdoctor::RuleSet::builtin_checked().unwrap_or_else(|e| panic!("{e}"));
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))
        .expect("rules/")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .count();
    assert_eq!(set.len(), files, "every rule file is a rule");
    assert_eq!(certdoctor::RuleSet::builtin().len(), files);
    let missing: Vec<&&str> = CATALOG.iter().filter(|id| set.get(id).is_none()).collect();
    assert!(
        missing.is_empty(),
        "catalog ids without a rule: {missing:?}"
    );
    assert_eq!(CATALOG.len(), 58);
    for r in set.rules() {
        let file = format!("rules/{}.toml", r.id);
        assert_eq!(r.source, file, "a rule file is named after its id");
    }
}

/// The corrections to the source article are stated in the rules that touch those codes.
#[test]
fn corrections_are_stated() {
    let set = certdoctor::RuleSet::builtin();
    let text = |id: &str| {
        let r = set.get(id).unwrap_or_else(|| panic!("{id}"));
        format!(
            "{} {} {}",
            r.explanation.en,
            r.corrects.clone().unwrap_or_default(),
            r.explanation.zh
        )
    };
    assert!(text("com.crypto_dlls_unregistered").contains("ERROR_SERVICE_DOES_NOT_EXIST"));
    assert!(
        text("csp.provider_mismatch").contains("NTE_FAIL")
            || text("csp.legacy_no_sha256").contains("NTE_FAIL")
    );
    assert!(text("csp.legacy_no_sha256").contains("NTE_BAD_ALGID"));
    assert!(text("pfx.wrong_password").contains("0x80070056"));
    assert!(text("linux.selinux_denied").contains("cert_t"));
    assert!(text("host.cryptsvc_stopped").contains("regserver"));
    assert!(text("host.sha256_unsupported").contains("KB968730"));
}
