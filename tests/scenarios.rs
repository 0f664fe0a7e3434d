//! One scenario file per rule (`tests/scenarios/<id>.toml`): cases where the rule must rank
//! first, and near misses where it must not appear at all. Fixtures are real files made by
//! `scripts/make-fixtures.sh` (committed) and the real Sectigo certificates.

use std::path::{Path, PathBuf};

use certdoctor::{diagnose, Facts, HostFacts, InputFile, Password};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    files: Vec<String>,
    passin: Option<String>,
    target: Option<String>,
    os: Option<String>,
    host_name: Option<String>,
    now: String,
    error: Option<String>,
    #[serde(default)]
    trust: Vec<String>,
    host: Option<toml::Value>,
    expect_first: Option<String>,
    expect_absent: Option<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> InputFile {
    let p = root().join("tests/fixtures").join(rel);
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()));
    InputFile::new(rel, bytes)
}

fn facts_of(c: &Case) -> Facts {
    let host: HostFacts = match &c.host {
        Some(v) => {
            let json = serde_json::to_value(v).expect("host as JSON");
            serde_json::from_value(json).unwrap_or_else(|e| panic!("{}: host facts: {e}", c.name))
        }
        None => HostFacts::default(),
    };
    Facts {
        files: c.files.iter().map(|f| read(f)).collect(),
        trust: c.trust.iter().map(|f| read(f)).collect(),
        passwords: c.passin.iter().map(|p| Password::new(p.as_str())).collect(),
        host,
        error: c.error.clone(),
        target: c.target.clone(),
        os: c.os.clone(),
        host_name: c.host_name.clone(),
        now: Some(c.now.clone()),
        ..Facts::default()
    }
}

fn scenario_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/scenarios"))
        .expect("tests/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

fn check(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("read scenario");
    let file: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut failures = Vec::new();
    for c in &file.case {
        let report = diagnose(&facts_of(c));
        let ids: Vec<String> = report
            .diagnoses
            .iter()
            .map(|d| format!("{} ({:.2})", d.id, d.confidence))
            .collect();
        if let Some(want) = &c.expect_first {
            // Observation rules rank among the observations, problems among the diagnoses.
            let observation = certdoctor::RuleSet::builtin()
                .get(want)
                .is_some_and(|r| r.kind == certdoctor::rules::Kind::Observation);
            let first = if observation {
                report.observations.first()
            } else {
                report.top()
            };
            if first.map(|d| d.id.as_str()) != Some(want.as_str()) {
                failures.push(format!(
                    "{} / {}: expected {want} first, got [{}]",
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    c.name,
                    ids.join(", ")
                ));
            }
        }
        if let Some(absent) = &c.expect_absent {
            if report.mentions(absent) || report.observations.iter().any(|d| &d.id == absent) {
                failures.push(format!(
                    "{} / {}: {absent} must not appear, got [{}]",
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    c.name,
                    ids.join(", ")
                ));
            }
        }
    }
    failures
}

#[test]
fn every_rule_has_a_scenario_that_ranks_it_first_and_a_near_miss() {
    let rules = certdoctor::RuleSet::builtin_checked().expect("built-in rules load");
    let mut missing = Vec::new();
    for r in rules.rules() {
        let p = root()
            .join("tests/scenarios")
            .join(format!("{}.toml", r.id));
        let Ok(text) = std::fs::read_to_string(&p) else {
            missing.push(format!("{}: no scenario file", r.id));
            continue;
        };
        let file: File = toml::from_str(&text).expect("scenario parses");
        if !file
            .case
            .iter()
            .any(|c| c.expect_first.as_deref() == Some(r.id.as_str()))
        {
            missing.push(format!("{}: no case where it ranks first", r.id));
        }
        if !file
            .case
            .iter()
            .any(|c| c.expect_absent.as_deref() == Some(r.id.as_str()))
        {
            missing.push(format!("{}: no near miss", r.id));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn scenarios_pass() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for p in scenario_files() {
        let text = std::fs::read_to_string(&p).expect("read");
        cases += toml::from_str::<File>(&text)
            .map(|f| f.case.len())
            .unwrap_or(0);
        failures.extend(check(&p));
    }
    assert!(cases > 0, "no scenario cases found");
    assert!(
        failures.is_empty(),
        "{} of {cases} scenario cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
