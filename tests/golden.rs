//! Golden reports: the text and JSON reports, in English and Chinese, for the shipped sample
//! installations. Snapshots live in tests/snapshots/; review changes with `cargo insta review`
//! (or regenerate with `INSTA_UPDATE=always cargo test --test golden`).

use certdoctor::render::{json::to_json, text};
use certdoctor::{diagnose, Facts, InputFile, Lang, Password};

const NOW: &str = "2026-06-01T00:00:00Z";

fn sample(dir: &str, password: Option<&str>) -> Facts {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = root.join("samples").join(dir);
    let mut names: Vec<_> = std::fs::read_dir(&d)
        .expect("sample folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    let mut facts = Facts::default();
    for p in names {
        let rel = p
            .strip_prefix(root)
            .expect("inside the repo")
            .display()
            .to_string();
        if rel.ends_with("facts.json") {
            let f: Facts =
                serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("facts");
            facts.host = f.host;
            facts.error = f.error;
            facts.os = f.os;
            facts.target = f.target;
            continue;
        }
        facts
            .files
            .push(InputFile::new(rel, std::fs::read(&p).expect("read")));
    }
    facts.trust.push(InputFile::new(
        "samples/test-root.pem",
        std::fs::read(root.join("samples/test-root.pem")).expect("root"),
    ));
    if facts.target.is_none() {
        facts.target = Some("nginx".into());
    }
    facts.now = Some(NOW.into());
    facts.passwords = password.into_iter().map(Password::new).collect();
    facts
}

fn check(name: &str, facts: &Facts) {
    let report = diagnose(facts);
    for (lang, tag) in [(Lang::En, "en"), (Lang::ZhCn, "zh-CN")] {
        let t = text::render(&report, text::TextOptions { lang, color: false });
        insta::assert_snapshot!(format!("{name}.text.{tag}"), t);
        let mut j = to_json(&report, lang);
        if let Some(m) = j.as_object_mut() {
            m.insert("certdoctor".into(), "VERSION".into());
        }
        insta::assert_json_snapshot!(format!("{name}.json.{tag}"), j);
    }
}

#[test]
fn nginx_broken() {
    check("nginx-broken", &sample("nginx-broken", None));
}

#[test]
fn iis_failed_import() {
    check(
        "iis-failed-import",
        &sample("iis-failed-import", Some("correct horse")),
    );
}
