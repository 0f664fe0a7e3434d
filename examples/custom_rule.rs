//! Adding a custom rule at run time, from a TOML string, without recompiling certdoctor.
//!
//! Here: a company policy that every server certificate must use at least a 3072-bit RSA key.

use certdoctor::{diagnose_with, Facts, InputFile, RuleSet};

const POLICY: &str = r#"
id = "acme.rsa_3072"
severity = "warning"
prior = 0.2
targets = ["nginx", "apache", "iis"]

[title]
en = "The key is smaller than company policy (RSA 3072)"
zh-CN = "密钥长度低于公司规定（RSA 3072 位）"

[explanation]
en = "ACME Corp requires RSA keys of at least 3072 bits for every server certificate."
zh-CN = "ACME 公司要求所有服务器证书使用不少于 3072 位的 RSA 密钥。"

[condition]
all = [
  { fact = "leaf.key_algorithm", is = "rsa" },
  { fact = "leaf.key_bits", lt = 3072 },
]

[[evidence]]
en = "{{leaf.subject_cn}} has a {{leaf.key_bits}}-bit RSA key."
zh-CN = "{{leaf.subject_cn}} 的 RSA 密钥为 {{leaf.key_bits}} 位。"

[[remediation]]
title.en = "Request a new certificate with a 3072-bit key"
title.zh-CN = "使用 3072 位密钥重新申请证书"
[[remediation.steps]]
en = "Create a new key and CSR."
zh-CN = "生成新的私钥和 CSR。"
linux = ["openssl req -new -newkey rsa:3072 -nodes -keyout site.key -out site.csr"]
"#;

fn main() {
    let mut rules = RuleSet::builtin().clone();
    rules
        .add_toml("acme.rsa_3072.toml", POLICY)
        .expect("the policy rule is valid");
    let root = env!("CARGO_MANIFEST_DIR");
    let cert = std::fs::read(format!("{root}/samples/nginx-broken/fullchain.pem")).expect("sample");
    let facts = Facts {
        files: vec![InputFile::new("fullchain.pem", cert)],
        target: Some("nginx".into()),
        now: Some("2026-06-01T00:00:00Z".into()),
        ..Facts::default()
    };
    let report = diagnose_with(&facts, &rules);
    let hit = report
        .diagnoses
        .iter()
        .find(|d| d.id == "acme.rsa_3072")
        .expect("the policy rule fires on a 2048-bit key");
    println!("{}: {}", hit.id, hit.evidence[0].en);
}
