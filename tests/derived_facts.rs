use certdoctor::{Facts, InputFile, Password};
const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
fn file(rel: &str) -> InputFile {
    InputFile::new(rel, std::fs::read(format!("{FIX}/{rel}")).unwrap())
}
fn dump(files: &[&str], pw: Option<&str>, trust: bool, host: Option<&str>) {
    let f = Facts {
        files: files.iter().map(|r| file(r)).collect(),
        trust: if trust {
            vec![file("pki/root-ca.pem")]
        } else {
            vec![]
        },
        passwords: pw.iter().map(|p| Password::new(*p)).collect(),
        host_name: host.map(str::to_string),
        now: Some("2026-06-01T00:00:00Z".into()),
        ..Facts::default()
    };
    let (v, _, _) = certdoctor::fact_view(&f);
    println!("===== {files:?} pw={pw:?} trust={trust}");
    for (k, x) in v.iter() {
        if !k.starts_with("host.") {
            println!("  {k} = {x:?}");
        }
    }
}
#[test]
fn explore() {
    let spec = std::env::var("DUMP").unwrap();
    for case in spec.split(';') {
        let mut pw = None;
        let mut trust = false;
        let mut files = vec![];
        let mut host = None;
        for tok in case.split_whitespace() {
            if let Some(p) = tok.strip_prefix("pw=") {
                pw = Some(p.replace('_', " "));
            } else if tok == "trust" {
                trust = true;
            } else if let Some(h) = tok.strip_prefix("host=") {
                host = Some(h.to_string());
            } else {
                files.push(tok.to_string());
            }
        }
        let fr: Vec<&str> = files.iter().map(|s| s.as_str()).collect();
        dump(&fr, pw.as_deref(), trust, host.as_deref());
    }
}
