//! Rules as data: the rule file model, loading with located errors, and the rule set.
//!
//! The built-in rules (`rules/*.toml`) are embedded at build time. Users add their own at run
//! time ([`RuleSet::add_toml`], [`RuleSet::add_path`]); a user rule with a built-in's id
//! replaces it, and a file holding only `disable = ["id", ...]` switches rules off.

pub mod cond;
pub mod registry;

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use cond::{Cond, RawCond};

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// English.
    pub en: String,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    pub zh: String,
}

impl Text {
    /// The text in a language.
    pub fn get(&self, lang: crate::Lang) -> &str {
        match lang {
            crate::Lang::En => &self.en,
            crate::Lang::ZhCn => &self.zh,
        }
    }
}

/// How serious a cause is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Breaks the installation.
    Error,
    /// Likely to break some clients or later steps.
    Warning,
    /// Worth knowing.
    Info,
}

/// Whether a rule reports a problem or an observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A cause of failure: goes under `diagnoses`.
    #[default]
    Problem,
    /// Not a problem: goes under `observations`.
    Observation,
}

/// A symptom a rule explains.
#[derive(Debug, Clone)]
pub struct SymptomPattern {
    /// An error code.
    pub code: Option<u32>,
    /// A message id from the message catalog.
    pub message: Option<String>,
    /// 0..1: how strongly the symptom points at this cause.
    pub weight: f64,
}

/// An evidence line.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// Templated text.
    pub text: Text,
    /// Shown only when this holds (or is unknown).
    pub when: Option<Cond>,
}

/// One step of a remediation.
#[derive(Debug, Clone)]
pub struct Step {
    /// What to do.
    pub text: Text,
    /// Commands for Windows.
    pub windows: Vec<String>,
    /// Commands for Linux.
    pub linux: Vec<String>,
}

/// A remediation: a titled list of steps.
#[derive(Debug, Clone)]
pub struct Remediation {
    /// Title.
    pub title: Text,
    /// Offered only when this does not fail.
    pub when: Option<Cond>,
    /// Steps, in order.
    pub steps: Vec<Step>,
}

/// A compiled, validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable catalog id.
    pub id: String,
    /// Severity.
    pub severity: Severity,
    /// Problem or observation.
    pub kind: Kind,
    /// 0..1 how common the cause is.
    pub prior: f64,
    /// Targets it applies to (empty = all).
    pub targets: Vec<String>,
    /// OS families it applies to (empty = all).
    pub os: Vec<String>,
    /// Ids folded under this one when both fire.
    pub explains: Vec<String>,
    /// References.
    pub references: Vec<String>,
    /// The correction to the source article this rule states.
    pub corrects: Option<String>,
    /// Title.
    pub title: Text,
    /// What, why, fix.
    pub explanation: Text,
    /// When the cause is present.
    pub condition: Cond,
    /// Symptoms it explains.
    pub symptoms: Vec<SymptomPattern>,
    /// Evidence lines.
    pub evidence: Vec<Evidence>,
    /// Remediations, cheapest and most likely first.
    pub remediations: Vec<Remediation>,
    /// Where it came from (file name).
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    severity: Severity,
    #[serde(default)]
    kind: Kind,
    prior: f64,
    #[serde(default)]
    targets: Vec<String>,
    #[serde(default)]
    os: Vec<String>,
    #[serde(default)]
    explains: Vec<String>,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    corrects: Option<String>,
    title: Text,
    explanation: Text,
    condition: RawCond,
    #[serde(default)]
    symptoms: Vec<Spanned<RawSymptom>>,
    #[serde(default)]
    evidence: Vec<Spanned<RawEvidence>>,
    #[serde(default)]
    remediation: Vec<Spanned<RawRemediation>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSymptom {
    code: Option<String>,
    message: Option<String>,
    weight: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvidence {
    en: String,
    #[serde(rename = "zh-CN")]
    zh: String,
    when: Option<RawCond>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRemediation {
    title: Text,
    when: Option<RawCond>,
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    en: String,
    #[serde(rename = "zh-CN")]
    zh: String,
    #[serde(default)]
    windows: Vec<String>,
    #[serde(default)]
    linux: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DisableFile {
    disable: Vec<String>,
}

/// Why a rule file was refused. Every variant names the file; `Invalid` also the line and
/// column.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// A syntax, type or validation error at a place in the file.
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Two rules in the same set have one id.
    #[error("{file}: rule id '{id}' is already defined in {first}")]
    Duplicate {
        /// The second file.
        file: String,
        /// The id.
        id: String,
        /// The first file.
        first: String,
    },
    /// A rule folds an id that no rule has.
    #[error("{file}: 'explains' names '{id}', which is not a rule")]
    UnknownExplained {
        /// File name.
        file: String,
        /// The missing id.
        id: String,
    },
    /// A rule file or folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// Path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn locate(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    (line, col)
}

/// Largest rule file accepted (rules are small documents).
pub const MAX_RULE_FILE: usize = 256 * 1024;

/// The first `{{path}}` in `s` that is not a registered fact.
fn unknown_placeholder(s: &str) -> Option<String> {
    placeholders(s)
        .into_iter()
        .find(|p| registry::fact(p).is_none())
}

fn placeholders(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        match after.find("}}") {
            Some(j) => {
                out.push(after[..j].trim().to_string());
                rest = &after[j + 2..];
            }
            None => break,
        }
    }
    out
}

/// Parses and validates one rule file.
pub fn parse_rule(file: &str, text: &str) -> Result<Rule, RuleError> {
    let invalid = |offset: usize, message: String| {
        let (line, column) = locate(text, offset);
        RuleError::Invalid {
            file: file.to_string(),
            line,
            column,
            message,
        }
    };
    if text.len() > MAX_RULE_FILE {
        return Err(invalid(
            0,
            format!("rule file larger than {MAX_RULE_FILE} bytes"),
        ));
    }
    let raw: RawRule = toml::from_str(text).map_err(|e| {
        let at = e.span().map(|s| s.start).unwrap_or(0);
        invalid(at, e.message().to_string())
    })?;
    let id_at = raw.id.span().start;
    let id = raw.id.into_inner();
    let id_ok = id.split('.').count() >= 2
        && id.split('.').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        });
    if !id_ok {
        return Err(invalid(
            id_at,
            format!("rule id '{id}' must be dotted lower-case words (e.g. match.cert_key)"),
        ));
    }
    let cond_err = |e: cond::CondError| invalid(e.at.unwrap_or(id_at), e.message);
    let compile_when = |w: &Option<RawCond>| {
        w.as_ref()
            .map(RawCond::compile)
            .transpose()
            .map_err(cond_err)
    };
    let check_text = |t: &Text, what: &str, at: usize| -> Result<(), RuleError> {
        if t.en.trim().is_empty() || t.zh.trim().is_empty() {
            return Err(invalid(
                at,
                format!("{what} needs both 'en' and 'zh-CN' texts"),
            ));
        }
        if let Some(p) = [&t.en, &t.zh]
            .into_iter()
            .find_map(|s| unknown_placeholder(s))
        {
            return Err(invalid(
                at,
                format!("{what}: template placeholder '{{{{{p}}}}}' is not a known fact"),
            ));
        }
        Ok(())
    };
    check_text(&raw.title, "title", id_at)?;
    check_text(&raw.explanation, "explanation", id_at)?;
    if !(0.0..=1.0).contains(&raw.prior) {
        return Err(invalid(id_at, "prior must be between 0 and 1".into()));
    }
    for t in &raw.targets {
        if !crate::facts::TARGETS.contains(&t.as_str()) {
            return Err(invalid(
                id_at,
                format!(
                    "unknown target '{t}' (one of {})",
                    crate::facts::TARGETS.join(", ")
                ),
            ));
        }
    }
    for o in &raw.os {
        if !["windows", "linux", "macos"].contains(&o.as_str()) {
            return Err(invalid(
                id_at,
                format!("unknown os '{o}' (windows, linux, macos)"),
            ));
        }
    }
    let condition = raw.condition.compile().map_err(cond_err)?;
    let mut symptoms = Vec::new();
    for s in &raw.symptoms {
        let at = s.span().start;
        let r = s.get_ref();
        if !(0.0..=1.0).contains(&r.weight) {
            return Err(invalid(at, "symptom weight must be between 0 and 1".into()));
        }
        let code = match &r.code {
            Some(c) => Some(crate::symptom::codes::parse_code(c).ok_or_else(|| {
                invalid(
                    at,
                    format!("'{c}' is not an error code certdoctor can read"),
                )
            })?),
            None => None,
        };
        if let Some(m) = &r.message {
            if !crate::symptom::messages::pattern_ids().any(|id| id == m) {
                return Err(invalid(
                    at,
                    format!("unknown message id '{m}' (see data/messages.toml)"),
                ));
            }
        }
        if code.is_none() == r.message.is_none() {
            return Err(invalid(
                at,
                "a symptom has exactly one of 'code' or 'message'".into(),
            ));
        }
        symptoms.push(SymptomPattern {
            code,
            message: r.message.clone(),
            weight: r.weight,
        });
    }
    let mut evidence = Vec::new();
    for e in &raw.evidence {
        let at = e.span().start;
        let r = e.get_ref();
        let text = Text {
            en: r.en.clone(),
            zh: r.zh.clone(),
        };
        check_text(&text, "evidence", at)?;
        let when = compile_when(&r.when)?;
        evidence.push(Evidence { text, when });
    }
    let mut remediations = Vec::new();
    for rem in &raw.remediation {
        let at = rem.span().start;
        let r = rem.get_ref();
        check_text(&r.title, "remediation title", at)?;
        if r.steps.is_empty() {
            return Err(invalid(at, "a remediation needs at least one step".into()));
        }
        let mut steps = Vec::new();
        for s in &r.steps {
            let text = Text {
                en: s.en.clone(),
                zh: s.zh.clone(),
            };
            check_text(&text, "remediation step", at)?;
            if let Some(p) = s
                .windows
                .iter()
                .chain(&s.linux)
                .find_map(|c| unknown_placeholder(c))
            {
                return Err(invalid(
                    at,
                    format!("command placeholder '{{{{{p}}}}}' is not a known fact"),
                ));
            }
            steps.push(Step {
                text,
                windows: s.windows.clone(),
                linux: s.linux.clone(),
            });
        }
        let when = compile_when(&r.when)?;
        remediations.push(Remediation {
            title: r.title.clone(),
            when,
            steps,
        });
    }
    Ok(Rule {
        id,
        severity: raw.severity,
        kind: raw.kind,
        prior: raw.prior,
        targets: raw.targets,
        os: raw.os,
        explains: raw.explains,
        references: raw.references,
        corrects: raw.corrects,
        title: raw.title,
        explanation: raw.explanation,
        condition,
        symptoms,
        evidence,
        remediations,
        source: file.to_string(),
    })
}

/// An ordered set of rules with unique ids.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

impl RuleSet {
    /// An empty set.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The built-in rules. They are validated by the test suite; should one ever fail to load,
    /// it is left out rather than taking the program down (see [`RuleSet::builtin_checked`]).
    pub fn builtin() -> &'static RuleSet {
        static SET: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        SET.get_or_init(|| {
            let mut set = RuleSet::empty();
            for (name, text) in builtin::RULES {
                if let Ok(r) = parse_rule(name, text) {
                    set.rules.push(r);
                }
            }
            set.rules.sort_by(|a, b| a.id.cmp(&b.id));
            set
        })
    }

    /// Loads the built-in rules, failing on the first invalid one (used by tests and
    /// `certdoctor rules --check`).
    pub fn builtin_checked() -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::empty();
        for (name, text) in builtin::RULES {
            set.insert(parse_rule(name, text)?, false)?;
        }
        set.check_explains()?;
        Ok(set)
    }

    fn insert(&mut self, rule: Rule, replace: bool) -> Result<(), RuleError> {
        if let Some(i) = self.rules.iter().position(|r| r.id == rule.id) {
            if !replace {
                return Err(RuleError::Duplicate {
                    file: rule.source.clone(),
                    id: rule.id.clone(),
                    first: self.rules[i].source.clone(),
                });
            }
            self.rules[i] = rule;
        } else {
            self.rules.push(rule);
        }
        self.rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(())
    }

    fn check_explains(&self) -> Result<(), RuleError> {
        let ids: BTreeSet<&str> = self.rules.iter().map(|r| r.id.as_str()).collect();
        for r in &self.rules {
            for e in &r.explains {
                if !ids.contains(e.as_str()) {
                    return Err(RuleError::UnknownExplained {
                        file: r.source.clone(),
                        id: e.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Adds a user rule (or a `disable = [...]` list) from TOML text. A rule whose id is
    /// already in the set replaces it.
    ///
    /// ```
    /// let mut set = certdoctor::rules::RuleSet::builtin().clone();
    /// let n = set.len();
    /// set.add_toml("off.toml", r#"disable = ["cert.sha1_signature"]"#).unwrap();
    /// assert_eq!(set.len(), n - 1);
    /// assert!(set.add_toml("bad.toml", "id = 3").is_err());
    /// ```
    pub fn add_toml(&mut self, file: &str, text: &str) -> Result<(), RuleError> {
        if let Ok(d) = toml::from_str::<DisableFile>(text) {
            for id in d.disable {
                self.disable(&id);
            }
            return Ok(());
        }
        let rule = parse_rule(file, text)?;
        self.insert(rule, true)?;
        // Explains may name rules outside the set (e.g. disabled ones): ignored at run time.
        Ok(())
    }

    /// Adds every `*.toml` file of a folder (sorted by name), or one file.
    pub fn add_path(&mut self, path: &Path) -> Result<(), RuleError> {
        let io = |e: std::io::Error| RuleError::Io {
            path: path.display().to_string(),
            source: e,
        };
        if path.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            for f in files {
                self.add_path(&f)?;
            }
            return Ok(());
        }
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.len() > MAX_RULE_FILE as u64 {
            return Err(RuleError::Invalid {
                file: path.display().to_string(),
                line: 1,
                column: 1,
                message: format!("rule file larger than {MAX_RULE_FILE} bytes"),
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        let text = String::from_utf8(bytes).map_err(|_| RuleError::Invalid {
            file: path.display().to_string(),
            line: 1,
            column: 1,
            message: "rule file is not UTF-8 text".into(),
        })?;
        self.add_toml(&path.display().to_string(), &text)
    }

    /// Removes a rule by id (no effect when absent).
    pub fn disable(&mut self, id: &str) {
        self.rules.retain(|r| r.id != id);
    }

    /// The rules, sorted by id.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// One rule by id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "custom.example"
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

    #[test]
    fn a_good_rule_loads() {
        let r = parse_rule("x.toml", GOOD).unwrap();
        assert_eq!(r.id, "custom.example");
        assert_eq!(r.evidence.len(), 1);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let bad = GOOD.replace("fact = \"leaf.key_bits\"", "fact = \"leaf.nope\"");
        let e = parse_rule("x.toml", &bad).unwrap_err().to_string();
        assert!(
            e.starts_with("x.toml:12:8: unknown fact path 'leaf.nope'"),
            "{e}"
        );
        let bad = GOOD.replace("zh-CN = \"示例\"", "");
        let e = parse_rule("x.toml", &bad).unwrap_err().to_string();
        assert!(e.contains("x.toml:") && e.contains("zh-CN"), "{e}");
        let bad = GOOD.replace("{{leaf.key_bits}} bits", "{{leaf.bitz}} bits");
        let e = parse_rule("x.toml", &bad).unwrap_err().to_string();
        assert!(e.contains("x.toml:14:1") && e.contains("leaf.bitz"), "{e}");
        let e = parse_rule("x.toml", "id = [").unwrap_err().to_string();
        assert!(e.starts_with("x.toml:1:"), "{e}");
    }

    #[test]
    fn user_rules_replace_and_disable() {
        let mut set = RuleSet::empty();
        set.add_toml("a.toml", GOOD).unwrap();
        set.add_toml("b.toml", &GOOD.replace("Example rule.", "Changed."))
            .unwrap();
        assert_eq!(set.len(), 1);
        assert_eq!(set.rules()[0].explanation.en, "Changed.");
        set.add_toml("c.toml", r#"disable = ["custom.example"]"#)
            .unwrap();
        assert!(set.is_empty());
    }
}
