//! The JSON report: one object, `diagnoses` sorted best first, each with `id`, `confidence`,
//! `title`, `evidence`, `remediations` (each with `title` and `steps`). Other keys may be
//! added; these keep their meaning.

use serde_json::{json, Value};

use crate::report::{Command, Diagnosis, Report, Step};
use crate::Lang;

fn cmds(c: &[Command]) -> Value {
    Value::Array(
        c.iter()
            .map(|c| json!({"platform": c.platform, "line": c.line}))
            .collect(),
    )
}

fn steps(s: &[Step], lang: Lang) -> Value {
    Value::Array(
        s.iter()
            .map(|s| json!({"text": s.text.get(lang), "commands": cmds(&s.commands)}))
            .collect(),
    )
}

fn diagnosis(d: &Diagnosis, lang: Lang) -> Value {
    json!({
        "id": d.id,
        "confidence": d.confidence,
        "severity": d.severity,
        "strength": d.strength,
        "explains_symptom": d.explains_symptom,
        "title": d.title.get(lang),
        "explanation": d.explanation.get(lang),
        "evidence": d.evidence.iter().map(|e| e.get(lang)).collect::<Vec<_>>(),
        "remediations": d.remediations.iter().map(|r| json!({
            "title": r.title.get(lang),
            "steps": steps(&r.steps, lang),
        })).collect::<Vec<_>>(),
        "folded": d.folded.iter().map(|f| json!({
            "id": f.id,
            "title": f.title.get(lang),
            "evidence": f.evidence.iter().map(|e| e.get(lang)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "questions": d.questions.iter().map(|q| json!({
            "fact": q.fact,
            "text": q.text.get(lang),
            "ask": cmds(&q.ask),
        })).collect::<Vec<_>>(),
        "corrects": d.corrects,
        "references": d.references,
    })
}

/// The report as a JSON value in one language.
pub fn to_json(r: &Report, lang: Lang) -> Value {
    let mut v = to_json_without_facts(r, lang);
    if let (Some(m), Ok(facts)) = (v.as_object_mut(), serde_json::to_value(&r.facts)) {
        m.insert("facts".into(), facts);
    }
    v
}

/// [`to_json`] without the `facts` object (the bulk of a report): one line per installation in
/// a fleet scan.
pub fn to_json_without_facts(r: &Report, lang: Lang) -> Value {
    json!({
        "certdoctor": env!("CARGO_PKG_VERSION"),
        "lang": match lang { Lang::En => "en", Lang::ZhCn => "zh-CN" },
        "diagnoses": r.diagnoses.iter().map(|d| diagnosis(d, lang)).collect::<Vec<_>>(),
        "observations": r.observations.iter().map(|d| diagnosis(d, lang)).collect::<Vec<_>>(),
        "symptom": r.symptom.as_ref().map(|s| json!({
            "raw": s.raw,
            "explained": s.explained,
            "codes": s.codes.iter().map(|c| json!({
                "hex": c.hex,
                "facility": c.facility,
                "name": c.name,
                "message": c.message.as_ref().map(|m| m.get(lang)),
            })).collect::<Vec<_>>(),
            "messages": s.messages.iter().map(|m| json!({
                "id": m.id, "source": m.source, "meaning": m.meaning.get(lang),
            })).collect::<Vec<_>>(),
        })),
        "fallback": r.fallback.as_ref().map(|f| json!({
            "reason": f.reason.get(lang),
            "steps": steps(&f.steps, lang),
        })),
        "inputs": r.inputs,
    })
}
