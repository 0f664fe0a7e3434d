//! Rules → findings → ranked report sections.
//!
//! Score = how strongly the evidence holds (proved by artifacts › reported by host facts ›
//! suggested by the symptom alone) combined with how well the cause explains the symptom.
//! Findings explained by another firing finding are folded under it.

use std::collections::{BTreeMap, BTreeSet};

use crate::report::{Command, Diagnosis, Folded, Question, Remediation, Step, Strength};
use crate::rules::cond::{Cond, Tri};
use crate::rules::{registry, Kind, Rule, RuleSet, Severity, Text};
use crate::view::FactView;

/// The symptom as rules match it.
#[derive(Debug, Clone, Default)]
pub struct SymptomKeys {
    /// Codes found in the symptom.
    pub codes: Vec<u32>,
    /// Message ids recognised.
    pub messages: Vec<String>,
}

impl SymptomKeys {
    /// True when any symptom was reported.
    pub fn present(&self) -> bool {
        !self.codes.is_empty() || !self.messages.is_empty()
    }
}

fn applies(rule: &Rule, view: &FactView) -> bool {
    let in_list = |list: &[String], path: &str| match view.get(path) {
        Some(crate::view::Value::Str(v)) if !list.is_empty() => {
            list.iter().any(|x| x.eq_ignore_ascii_case(v))
        }
        _ => true,
    };
    // "generic" as a target means: no specific platform, so every rule applies.
    let target_generic =
        matches!(view.get("context.target"), Some(crate::view::Value::Str(t)) if t == "generic");
    (target_generic || in_list(&rule.targets, "context.target"))
        && in_list(&rule.os, "context.os_family")
}

fn symptom_weight(rule: &Rule, s: &SymptomKeys) -> f64 {
    rule.symptoms
        .iter()
        .filter(|p| {
            p.code.is_some_and(|c| s.codes.contains(&c))
                || p.message.as_ref().is_some_and(|m| s.messages.contains(m))
        })
        .map(|p| p.weight)
        .fold(0.0, f64::max)
}

fn strength_of(used: &[String]) -> Strength {
    if used.iter().any(|p| p.starts_with("host.")) {
        Strength::Reported
    } else if used.iter().any(|p| p.starts_with("symptom.")) {
        Strength::Suggested
    } else {
        Strength::Proved
    }
}

/// Pipeline stage of a fact: a problem found earlier in the pipeline (the file cannot be read)
/// comes before one found later (the chain) when both are equally certain.
fn stage(used: &[String]) -> u8 {
    used.iter()
        .map(|p| match p.split('.').next().unwrap_or_default() {
            "input" => 0,
            "pfx" | "keys" | "csr" | "pem" => 1,
            "leaf" => 2,
            "chain" => 3,
            "host" => 4,
            _ => 5,
        })
        .min()
        .unwrap_or(5)
}

fn confidence(
    strength: Strength,
    severity: Severity,
    prior: f64,
    weight: f64,
    symptom_present: bool,
    support: usize,
) -> f64 {
    let c = match strength {
        Strength::Suggested => {
            // Facts already established for the cause raise it above causes for which the
            // symptom is the only clue.
            let boost = 1.0 + 0.5 * support.min(3) as f64;
            ((0.05 + 0.6 * weight * prior) * boost).min(0.6)
        }
        Strength::Proved | Strength::Reported => {
            let base = match (strength, severity) {
                (Strength::Proved, Severity::Error) => 0.88,
                (Strength::Proved, Severity::Warning) => 0.72,
                (Strength::Reported, Severity::Error) => 0.76,
                (Strength::Reported, Severity::Warning) => 0.64,
                (_, _) => 0.5,
            };
            if !symptom_present {
                base
            } else if weight > 0.0 {
                base + 0.1 * weight
            } else {
                base - 0.15
            }
        }
    };
    (c.clamp(0.0, 0.99) * 100.0).round() / 100.0
}

/// Fills `{{path}}` placeholders. `None` when a placeholder is unknown and `keep_unknown` is
/// false; with `keep_unknown`, unknown ones become `<path>`.
pub fn fill(template: &str, view: &FactView, keep_unknown: bool) -> Option<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else {
            out.push_str(&rest[i..]);
            return Some(out);
        };
        let path = after[..j].trim();
        match view.get(path) {
            Some(v) => out.push_str(&v.render()),
            None if keep_unknown => {
                out.push('<');
                out.push_str(path);
                out.push('>');
            }
            None => return None,
        }
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    Some(out)
}

fn fill_text(t: &Text, view: &FactView) -> Option<Text> {
    Some(Text {
        en: fill(&t.en, view, false)?,
        zh: fill(&t.zh, view, false)?,
    })
}

fn fill_text_keep(t: &Text, view: &FactView) -> Text {
    Text {
        en: fill(&t.en, view, true).unwrap_or_default(),
        zh: fill(&t.zh, view, true).unwrap_or_default(),
    }
}

fn not_false(c: &Option<Cond>, view: &FactView) -> bool {
    c.as_ref().is_none_or(|c| c.eval(view).truth != Tri::False)
}

fn platforms(view: &FactView) -> Vec<&'static str> {
    match view.get("context.os_family") {
        Some(crate::view::Value::Str(s)) if s == "windows" => vec!["windows"],
        Some(crate::view::Value::Str(s)) if s == "linux" || s == "macos" => vec!["linux"],
        _ => vec!["windows", "linux"],
    }
}

/// Ask commands for a fact, for the platforms in view.
pub fn question(path: &str, view: &FactView) -> Question {
    let def = registry::fact(path);
    let mut ask = Vec::new();
    if let Some(d) = def {
        for p in platforms(view) {
            let cmd = if p == "windows" {
                &d.ask.windows
            } else {
                &d.ask.linux
            };
            if let Some(c) = cmd {
                ask.push(Command {
                    platform: p.to_string(),
                    line: fill(c, view, true).unwrap_or_default(),
                });
            }
        }
    }
    Question {
        fact: path.to_string(),
        text: def
            .map(|d| Text {
                en: d.en.clone(),
                zh: if d.zh.is_empty() {
                    d.en.clone()
                } else {
                    d.zh.clone()
                },
            })
            .unwrap_or_default(),
        ask,
    }
}

fn build(
    rule: &Rule,
    view: &FactView,
    strength: Strength,
    conf: f64,
    weight: f64,
    missing: &[String],
) -> Diagnosis {
    // Evidence states facts: a line is shown only when what it states is established (its
    // `when` holds; without `when`, when the cause itself holds rather than being suggested).
    let evidence = rule
        .evidence
        .iter()
        .filter(|e| match &e.when {
            Some(c) => c.eval(view).truth == Tri::True,
            None => strength != Strength::Suggested,
        })
        .filter_map(|e| fill_text(&e.text, view))
        .collect();
    let plats = platforms(view);
    let remediations = rule
        .remediations
        .iter()
        .filter(|r| not_false(&r.when, view))
        .map(|r| Remediation {
            title: fill_text_keep(&r.title, view),
            steps: r
                .steps
                .iter()
                .map(|s| {
                    let mut commands = Vec::new();
                    for p in &plats {
                        let list = if *p == "windows" {
                            &s.windows
                        } else {
                            &s.linux
                        };
                        for c in list {
                            commands.push(Command {
                                platform: p.to_string(),
                                line: fill(c, view, true).unwrap_or_default(),
                            });
                        }
                    }
                    Step {
                        text: fill_text_keep(&s.text, view),
                        commands,
                    }
                })
                .collect(),
        })
        .collect();
    Diagnosis {
        id: rule.id.clone(),
        confidence: conf,
        severity: rule.severity,
        strength,
        explains_symptom: weight > 0.0,
        title: fill_text_keep(&rule.title, view),
        explanation: fill_text_keep(&rule.explanation, view),
        evidence,
        remediations,
        folded: Vec::new(),
        questions: missing.iter().map(|m| question(m, view)).collect(),
        corrects: rule.corrects.clone(),
        references: rule.references.clone(),
    }
}

/// Evaluates every rule and returns (diagnoses, observations), ranked and folded.
pub fn evaluate(
    rules: &RuleSet,
    view: &FactView,
    symptom: &SymptomKeys,
) -> (Vec<Diagnosis>, Vec<Diagnosis>) {
    let present = symptom.present();
    let mut found: Vec<(Diagnosis, &Rule)> = Vec::new();
    let mut stages: BTreeMap<String, u8> = BTreeMap::new();
    for rule in rules.rules() {
        if !applies(rule, view) {
            continue;
        }
        let o = rule.condition.eval(view);
        let weight = symptom_weight(rule, symptom);
        let (strength, missing) = match o.truth {
            Tri::True => (strength_of(&o.used), vec![]),
            Tri::Unknown if weight > 0.0 => (Strength::Suggested, o.missing),
            _ => continue,
        };
        // Partial support: established facts of an undecided condition, other than mere
        // presence and context.
        let support = if strength == Strength::Suggested {
            let mut s: Vec<&String> = o
                .used
                .iter()
                .filter(|p| {
                    !p.ends_with(".present")
                        && !p.starts_with("context.")
                        && !p.starts_with("symptom.")
                })
                .collect();
            s.sort();
            s.dedup();
            s.len()
        } else {
            0
        };
        let conf = confidence(
            strength,
            rule.severity,
            rule.prior,
            weight,
            present,
            support,
        );
        stages.insert(rule.id.clone(), stage(&o.used));
        found.push((build(rule, view, strength, conf, weight, &missing), rule));
    }
    // Fold: B goes under the top-most firing ancestor A (A.explains ∋ B, transitively), as long
    // as A itself holds (proved or reported), not merely suggested.
    let ids: BTreeSet<String> = found.iter().map(|(d, _)| d.id.clone()).collect();
    let mut parent: BTreeMap<String, String> = BTreeMap::new();
    for (d, r) in &found {
        if d.strength == Strength::Suggested {
            continue;
        }
        for e in &r.explains {
            if ids.contains(e) && e != &d.id {
                parent.entry(e.clone()).or_insert_with(|| d.id.clone());
            }
        }
    }
    let root = |id: &str| {
        let mut cur = id.to_string();
        let mut steps = 0;
        while let Some(p) = parent.get(&cur) {
            if steps > 64 || p == id {
                break;
            }
            cur = p.clone();
            steps += 1;
        }
        cur
    };
    let mut top: Vec<Diagnosis> = Vec::new();
    let mut folded: Vec<(String, Diagnosis)> = Vec::new();
    for (d, _) in found {
        let r = root(&d.id);
        if r != d.id {
            folded.push((r, d));
        } else {
            top.push(d);
        }
    }
    for (r, d) in folded {
        if let Some(t) = top.iter_mut().find(|t| t.id == r) {
            // The root cause inherits what its consequence explains.
            if d.confidence > t.confidence {
                t.confidence = d.confidence;
            }
            t.explains_symptom |= d.explains_symptom;
            t.folded.push(Folded {
                id: d.id,
                title: d.title,
                evidence: d.evidence,
            });
        }
    }
    for t in &mut top {
        t.folded.sort_by(|a, b| a.id.cmp(&b.id));
    }
    top.sort_by(|a, b| {
        let st = |d: &Diagnosis| stages.get(&d.id).copied().unwrap_or(5);
        b.confidence
            .total_cmp(&a.confidence)
            .then(st(a).cmp(&st(b)))
            .then(a.strength.cmp(&b.strength))
            .then(a.severity.cmp(&b.severity))
            .then(a.id.cmp(&b.id))
    });
    let kind_of = |id: &str| rules.get(id).map(|r| r.kind).unwrap_or_default();
    let (obs, diag): (Vec<_>, Vec<_>) = top
        .into_iter()
        .partition(|d| kind_of(&d.id) == Kind::Observation);
    (diag, obs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_and_reports_unknowns() {
        let mut v = FactView::new();
        v.str("leaf.serial", "0a1b");
        v.list(
            "chain.revocation_hosts",
            vec!["a.test".into(), "b.test".into()],
        );
        assert_eq!(
            fill("certutil -repairstore my {{leaf.serial}}", &v, false).unwrap(),
            "certutil -repairstore my 0a1b"
        );
        assert_eq!(
            fill("{{chain.revocation_hosts}}", &v, false).unwrap(),
            "a.test, b.test"
        );
        assert_eq!(fill("x {{leaf.file}}", &v, false), None);
        assert_eq!(fill("x {{leaf.file}}", &v, true).unwrap(), "x <leaf.file>");
        assert_eq!(
            fill("Get-ChildItem | Where-Object { $_.X }", &v, false).unwrap(),
            "Get-ChildItem | Where-Object { $_.X }"
        );
    }

    #[test]
    fn confidence_orders_strengths() {
        let p = confidence(Strength::Proved, Severity::Error, 0.3, 0.9, true, 0);
        let r = confidence(Strength::Reported, Severity::Error, 0.3, 0.9, true, 0);
        let s = confidence(Strength::Suggested, Severity::Error, 0.5, 0.9, true, 0);
        let unexplained = confidence(Strength::Proved, Severity::Error, 0.3, 0.0, true, 0);
        let supported = confidence(Strength::Suggested, Severity::Error, 0.2, 0.9, true, 2);
        let bare = confidence(Strength::Suggested, Severity::Error, 0.3, 0.9, true, 0);
        assert!(
            supported > bare,
            "established facts raise a suggested cause"
        );
        assert!(p > r && r > s, "{p} {r} {s}");
        assert!(
            r > unexplained,
            "a reported cause of the error outranks an unrelated proof"
        );
        assert!(s <= 0.6);
    }
}
