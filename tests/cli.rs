//! The command-line contract (`shared/design.md`): every subcommand, every option, the exit
//! statuses, colour rules, and that a password never reaches stdout or stderr.
#![cfg(feature = "cli")]

use assert_cmd::Command;
use predicates::prelude::*;

const NOW: &str = "2026-06-01T00:00:00Z";
const SECRET: &str = "correct horse";

fn cd() -> Command {
    let mut c = Command::cargo_bin("certdoctor").expect("binary built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("NO_COLOR");
    c
}

/// An empty folder of its own for one test. A leftover folder from an earlier run (the same
/// PID comes round again) could hold files that change the outcome, e.g. a bad rule file.
fn fresh_dir(tag: &str) -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("certdoctor-{tag}-{}-{nanos}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("stdout is one JSON object")
}

#[test]
fn diagnose_nginx_sample_finds_the_layout_problem() {
    let out = cd()
        .args([
            "diagnose",
            "samples/nginx-broken",
            "--target",
            "nginx",
            "--now",
            NOW,
        ])
        .args(["--trust", "samples/test-root.pem", "--json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    assert_eq!(v["diagnoses"][0]["id"], "linux.pem_layout");
    let d = &v["diagnoses"][0];
    assert!(d["confidence"].as_f64().unwrap() > 0.5);
    assert!(!d["evidence"].as_array().unwrap().is_empty());
    assert!(!d["remediations"][0]["steps"].as_array().unwrap().is_empty());
    assert!(d["remediations"][0]["title"].is_string());
}

#[test]
fn diagnose_iis_sample_names_the_pfx_cipher_and_keeps_the_password_secret() {
    let assert = cd()
        .args(["diagnose", "samples/iis-failed-import", "--now", NOW])
        .args(["--passin", &format!("pass:{SECRET}")])
        .assert()
        .code(1);
    let o = assert.get_output();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("pfx.cipher_unsupported"), "{stdout}");
    assert!(!stdout.contains(SECRET) && !String::from_utf8_lossy(&o.stderr).contains(SECRET));
    // JSON too, in both languages.
    for lang in ["en", "zh-CN"] {
        let o = cd()
            .args([
                "diagnose",
                "samples/iis-failed-import",
                "--now",
                NOW,
                "--json",
            ])
            .args(["--passin", &format!("pass:{SECRET}"), "--lang", lang])
            .output()
            .unwrap();
        assert!(!String::from_utf8_lossy(&o.stdout).contains(SECRET));
        assert!(!String::from_utf8_lossy(&o.stderr).contains(SECRET));
        assert_eq!(
            json_of(&o.stdout)["diagnoses"][0]["id"],
            "pfx.cipher_unsupported"
        );
    }
}

#[test]
fn passin_env_and_file_work_and_stay_secret() {
    let dir = fresh_dir("pass");
    let pf = dir.join("pass.txt");
    std::fs::write(&pf, format!("{SECRET}\n")).unwrap();
    for spec in [
        format!("file:{}", pf.display()),
        "env:CD_TEST_PASS".to_string(),
    ] {
        let o = cd()
            .env("CD_TEST_PASS", SECRET)
            .args([
                "diagnose",
                "tests/fixtures/p12/default.pfx",
                "--now",
                NOW,
                "--json",
            ])
            .args(["--os", "windows-server-2019", "--passin", &spec])
            .output()
            .unwrap();
        let v = json_of(&o.stdout);
        assert_eq!(v["facts"]["pfx.mac_status"], "verified", "{spec}");
        assert!(!String::from_utf8_lossy(&o.stdout).contains(SECRET));
    }
    cd().args([
        "diagnose",
        "tests/fixtures/p12/default.pfx",
        "--passin",
        "env:CD_NO_SUCH_VAR",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("CD_NO_SUCH_VAR"));
    cd().args([
        "diagnose",
        "tests/fixtures/p12/default.pfx",
        "--passin",
        "bogus",
    ])
    .assert()
    .code(2);
}

#[test]
fn clean_installation_exits_zero() {
    cd().args([
        "diagnose",
        "tests/fixtures/chain/fullchain.pem",
        "tests/fixtures/keys/leaf-rsa.pkcs8.pem",
    ])
    .args([
        "--trust",
        "tests/fixtures/pki/root-ca.pem",
        "--now",
        NOW,
        "--target",
        "nginx",
    ])
    .args(["--host", "www.example.test", "--os", "ubuntu-24.04"])
    .assert()
    .code(0)
    .stdout(predicate::str::contains("No problem found."));
}

#[test]
fn error_alone_gives_ranked_causes_and_questions() {
    let o = cd()
        .args([
            "diagnose",
            "--json",
            "--error",
            "-2147024891",
            "--os",
            "windows-server-2019",
        ])
        .args([
            "--target",
            "iis",
            "tests/fixtures/chain/fullchain.pem",
            "--now",
            NOW,
        ])
        .args(["--trust", "tests/fixtures/pki/root-ca.pem"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v = json_of(&o.stdout);
    assert_eq!(v["symptom"]["codes"][0]["hex"], "0x80070005");
    assert_eq!(v["symptom"]["codes"][0]["name"], "E_ACCESSDENIED");
    let top = &v["diagnoses"][0];
    assert_eq!(top["strength"], "suggested");
    assert!(!top["questions"].as_array().unwrap().is_empty());
}

#[test]
fn the_error_alone_is_enough() {
    let o = cd()
        .args([
            "diagnose",
            "--error",
            "0x80070056",
            "--os",
            "windows-server-2016",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v = json_of(&o.stdout);
    let ids: Vec<&str> = v["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"pfx.wrong_password") && ids.contains(&"pfx.cipher_unsupported"),
        "{ids:?}"
    );
}

#[test]
fn facts_file_is_read_and_schema_errors_name_the_field() {
    cd().args(["diagnose", "tests/fixtures/pki/leaf-rsa.pem", "--now", NOW])
        .args(["--facts", "examples/data/windows-iis-host.json", "--json"])
        .assert()
        .code(1);
    let dir = fresh_dir("facts");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"host": {"user": {"is_admin": "yes"}}}"#).unwrap();
    cd().args(["diagnose", "tests/fixtures/pki/leaf-rsa.pem", "--facts"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("host.user.is_admin"));
}

#[test]
fn bad_invocations_exit_two_with_one_line() {
    for args in [
        vec!["diagnose", "no/such/file.pem"],
        vec!["diagnose"],
        vec!["diagnose", "samples/nginx-broken", "--target", "tomcat"],
        vec!["diagnose", "samples/nginx-broken", "--now", "yesterday"],
        vec!["diagnose", "samples/nginx-broken", "--os", "plan9"],
        vec!["diagnose", "samples/nginx-broken", "--lang", "fr"],
        vec![
            "diagnose",
            "samples/nginx-broken",
            "--rules",
            "no/such/rules",
        ],
        vec!["explain", "no.such.rule.or.code"],
        vec!["scan", "no/such/root"],
    ] {
        let o = cd().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}: nothing on stdout");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{args:?}: one line: {err}"
        );
    }
    cd().arg("frobnicate").assert().code(2);
}

#[test]
fn custom_rules_are_loaded_and_bad_ones_located() {
    let dir = fresh_dir("rules");
    std::fs::write(dir.join("off.toml"), r#"disable = ["linux.pem_layout"]"#).unwrap();
    let o = cd()
        .args([
            "diagnose",
            "samples/nginx-broken",
            "--target",
            "nginx",
            "--now",
            NOW,
            "--json",
        ])
        .args(["--trust", "samples/test-root.pem", "--rules"])
        .arg(&dir)
        .output()
        .unwrap();
    let v = json_of(&o.stdout);
    assert!(v["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["id"] != "linux.pem_layout"));
    std::fs::write(
        dir.join("zz-bad.toml"),
        "id = \"x.y\"\nseverity = \"fatal\"\n",
    )
    .unwrap();
    cd().args(["diagnose", "samples/nginx-broken", "--rules"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("zz-bad.toml:2:"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rules_lists_every_rule_in_both_languages() {
    let o = cd().args(["rules", "--json"]).output().unwrap();
    let v = json_of(&o.stdout);
    let list = v.as_array().unwrap();
    assert!(list.len() >= 58);
    assert!(list
        .iter()
        .all(|r| r["id"].is_string() && r["title"].is_string()));
    let zh = cd().args(["rules", "--lang", "zh-CN"]).output().unwrap();
    assert!(String::from_utf8_lossy(&zh.stdout).contains("私钥"));
}

#[test]
fn explain_decodes_codes_and_prints_rules() {
    cd().args(["explain", "0x80070424"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ERROR_SERVICE_DOES_NOT_EXIST"));
    cd().args(["explain", "NTE_BAD_KEYSET"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0x80090016"));
    cd().args(["explain", "pfx.cipher_unsupported"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("-legacy").or(predicate::str::contains("PBE-SHA1-3DES")));
    let o = cd()
        .args(["explain", "0x80090020", "--json"])
        .output()
        .unwrap();
    assert_eq!(json_of(&o.stdout)["codes"][0]["name"], "NTE_FAIL");
}

#[test]
fn scan_streams_json_lines_and_summarises() {
    let json_run = |command: &str, path: &str| {
        cd().args([
            command,
            path,
            "--json",
            "--now",
            NOW,
            "--trust",
            "samples/test-root.pem",
        ])
        .output()
        .unwrap()
    };
    let o = json_run("scan", "samples");
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2, "two installations under samples/");
    assert!(lines.iter().all(|l| l["installation"].is_string()));
    // Scan lines leave out the bulky facts object.
    assert!(lines.iter().all(|l| l.get("facts").is_none()));
    // The scan (which parses --trust once for all installations) and a single diagnosis agree.
    let one = json_of(&json_run("diagnose", "samples/nginx-broken").stdout);
    let nginx = lines
        .iter()
        .find(|l| l["installation"] == "nginx-broken")
        .expect("nginx-broken scanned");
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["diagnoses"]
            .as_array()
            .map(|a| a.iter().map(|d| d["id"].to_string()).collect())
            .unwrap_or_default()
    };
    assert!(!ids(&one).is_empty());
    assert_eq!(ids(nginx), ids(&one));
    assert_eq!(one["facts"]["chain.trusted"], serde_json::Value::Bool(true));
    assert!(String::from_utf8_lossy(&o.stderr).contains("installations"));
    let text = cd()
        .args(["scan", "samples", "--now", NOW])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("top causes"));
}

#[test]
fn no_colour_when_piped_or_no_color() {
    // assert_cmd pipes stdout, so no escape codes; NO_COLOR is honoured as well.
    for env in [None, Some("1")] {
        let mut c = cd();
        if let Some(v) = env {
            c.env("NO_COLOR", v);
        }
        let o = c
            .args([
                "diagnose",
                "samples/nginx-broken",
                "--now",
                NOW,
                "--target",
                "nginx",
            ])
            .output()
            .unwrap();
        assert!(!o.stdout.contains(&0x1b), "no ANSI escapes");
    }
}

#[test]
fn zh_cn_report_is_chinese_throughout() {
    let o = cd()
        .args([
            "diagnose",
            "samples/nginx-broken",
            "--now",
            NOW,
            "--target",
            "nginx",
            "--lang",
            "zh-CN",
        ])
        .args(["--trust", "samples/test-root.pem"])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("诊断结果") && s.contains("处理方法") && s.contains("已读取的文件"),
        "{s}"
    );
    assert!(!s.contains("What to do:") && !s.contains("Evidence:"));
}
