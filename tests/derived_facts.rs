use certdoctor::{Facts, InputFile, Password};
const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
fn file(rel: &str) -> InputFile {
    InputFile::new(rel, std::fs::read(format!("{FIX}/{rel}")).unwrap())
}
#[test]
fn explore() {
    let spec = std::env::var("DUMP").unwrap();
    let only: Vec<String> = std::env::var("ONLY")
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    for case in spec.split(';') {
        let mut f = Facts {
            now: Some("2026-06-01T00:00:00Z".into()),
            ..Facts::default()
        };
        for tok in case.split_whitespace() {
            if let Some(p) = tok.strip_prefix("pw=") {
                f.passwords.push(Password::new(p.replace('_', " ")));
            } else if tok == "trust" {
                f.trust.push(file("pki/root-ca.pem"));
            } else if let Some(p) = tok.strip_prefix("trust=") {
                f.trust.push(file(p));
            } else if let Some(h) = tok.strip_prefix("host=") {
                f.host_name = Some(h.to_string());
            } else if let Some(h) = tok.strip_prefix("now=") {
                f.now = Some(h.to_string());
            } else if let Some(h) = tok.strip_prefix("clock=") {
                f.host.clock = Some(certdoctor::facts::ClockFacts {
                    now: Some(h.to_string()),
                });
            } else if let Some(h) = tok.strip_prefix("err=") {
                f.error = Some(h.replace('_', " "));
            } else if let Some(h) = tok.strip_prefix("target=") {
                f.target = Some(h.to_string());
            } else if let Some(h) = tok.strip_prefix("os=") {
                f.os = Some(h.to_string());
            } else if let Some(h) = tok.strip_prefix("sigs=") {
                f.limits.max_signature_checks = h.parse().unwrap();
            } else if tok == "nonow" {
                f.now = None;
            } else if let Some((n, r)) = tok.split_once("=>") {
                f.files.push(InputFile::new(
                    n,
                    std::fs::read(format!("{FIX}/{r}")).unwrap(),
                ));
            } else {
                f.files.push(file(tok));
            }
        }
        let (v, _, _) = certdoctor::fact_view(&f);
        println!("===== {case}");
        for (k, x) in v.iter() {
            if !k.starts_with("host.")
                && (only.is_empty() || only.iter().any(|o| k.starts_with(o.as_str())))
            {
                println!("  {k} = {x:?}");
            }
        }
    }
}
