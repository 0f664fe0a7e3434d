//! `certdoctor explain`: one rule in full, or what an error code or message means and which
//! causes it points at.

use std::fmt::Write;

use serde_json::{json, Value};

use crate::rules::{Rule, RuleSet};
use crate::symptom::Symptom;
use crate::Lang;

/// A rule as text and JSON.
pub fn rule(r: &Rule, lang: Lang) -> (String, Value) {
    let mut s = String::new();
    let _ = writeln!(s, "{}  [{}]", r.title.get(lang), r.id);
    let _ = writeln!(
        s,
        "severity: {:?}; targets: {}; os: {}",
        r.severity,
        if r.targets.is_empty() {
            "all".to_string()
        } else {
            r.targets.join(", ")
        },
        if r.os.is_empty() {
            "all".to_string()
        } else {
            r.os.join(", ")
        }
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "{}", r.explanation.get(lang));
    if let Some(c) = &r.corrects {
        let _ = writeln!(s, "\nCorrection: {c}");
    }
    let codes: Vec<String> = r
        .symptoms
        .iter()
        .map(|p| match (&p.code, &p.message) {
            (Some(c), _) => format!("0x{c:08X} (weight {})", p.weight),
            (_, Some(m)) => format!("{m} (weight {})", p.weight),
            _ => String::new(),
        })
        .collect();
    if !codes.is_empty() {
        let _ = writeln!(s, "\nSymptoms: {}", codes.join(", "));
    }
    for (i, rem) in r.remediations.iter().enumerate() {
        let _ = writeln!(s, "\n{}. {}", i + 1, rem.title.get(lang));
        for (j, st) in rem.steps.iter().enumerate() {
            let _ = writeln!(s, "   {}.{} {}", i + 1, j + 1, st.text.get(lang));
            for c in &st.windows {
                let _ = writeln!(s, "       [windows] {c}");
            }
            for c in &st.linux {
                let _ = writeln!(s, "       [linux] {c}");
            }
        }
    }
    for rf in &r.references {
        let _ = writeln!(s, "\nReference: {rf}");
    }
    let v = json!({
        "id": r.id, "title": r.title.get(lang), "explanation": r.explanation.get(lang),
        "severity": r.severity, "targets": r.targets, "os": r.os, "symptoms": codes,
        "corrects": r.corrects, "references": r.references,
        "remediations": r.remediations.iter().map(|rem| json!({
            "title": rem.title.get(lang),
            "steps": rem.steps.iter().map(|st| json!({
                "text": st.text.get(lang), "windows": st.windows, "linux": st.linux,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    (s, v)
}

/// A decoded symptom as text and JSON, with the causes it points at, most likely first.
pub fn symptom(sym: &Symptom, set: &RuleSet, lang: Lang) -> (String, Value) {
    let mut s = String::new();
    let rep = crate::symptom::report(sym, false);
    for c in &rep.codes {
        let _ = writeln!(
            s,
            "{} = {} ({})",
            c.hex,
            c.name.as_deref().unwrap_or("unknown code"),
            c.facility
        );
        if let Some(m) = &c.message {
            let _ = writeln!(s, "  {}", m.get(lang));
        }
    }
    for m in &rep.messages {
        let _ = writeln!(s, "[{}] {}: {}", m.source, m.id, m.meaning.get(lang));
    }
    let mut causes: Vec<(f64, &Rule)> = set
        .rules()
        .iter()
        .filter_map(|r| {
            let w = r
                .symptoms
                .iter()
                .filter(|p| {
                    p.code.is_some_and(|c| sym.codes.contains(&c))
                        || p.message.as_ref().is_some_and(|m| sym.messages.contains(m))
                })
                .map(|p| p.weight)
                .fold(0.0, f64::max);
            (w > 0.0).then_some((w * r.prior, r))
        })
        .collect();
    causes.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    if !causes.is_empty() {
        let _ = writeln!(
            s,
            "\n{}",
            match lang {
                Lang::En => "Causes it points at, most likely first:",
                Lang::ZhCn => "可能的原因（按可能性从高到低）：",
            }
        );
        for (_, r) in &causes {
            let _ = writeln!(s, "  {:<34} {}", r.id, r.title.get(lang));
            if let Some(c) = &r.corrects {
                let _ = writeln!(s, "  {:<34} (note: {c})", "");
            }
        }
    }
    let v = json!({
        "codes": rep.codes.iter().map(|c| json!({"hex": c.hex, "facility": c.facility, "name": c.name, "message": c.message.as_ref().map(|m| m.get(lang))})).collect::<Vec<_>>(),
        "messages": rep.messages.iter().map(|m| json!({"id": m.id, "source": m.source, "meaning": m.meaning.get(lang)})).collect::<Vec<_>>(),
        "causes": causes.iter().map(|(score, r)| json!({"id": r.id, "title": r.title.get(lang), "score": (score * 1000.0).round() / 1000.0})).collect::<Vec<_>>(),
    });
    (s, v)
}
