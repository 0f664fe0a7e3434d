//! Reading the report programmatically: the top cause and the exact commands to run for it,
//! as a deployment agent or a support desk tool would.

use certdoctor::{diagnose, Facts};

fn main() {
    // Only the symptom is known: causes come ranked by how common they are, each with the
    // questions that would confirm it.
    let facts = Facts {
        error: Some("0x80070005".into()),
        os: Some("windows-server-2019".into()),
        target: Some("iis".into()),
        ..Facts::default()
    };
    let report = diagnose(&facts);
    let top = report.top().expect("0x80070005 suggests causes");
    println!("top cause: {} ({:.0}%)", top.id, top.confidence * 100.0);
    for r in &top.remediations {
        println!("- {}", r.title.en);
        for s in &r.steps {
            for c in &s.commands {
                println!("    [{}] {}", c.platform, c.line);
            }
        }
    }
    for q in &top.questions {
        println!("? {}", q.text.en);
    }
    let json = certdoctor::render::json::to_json(&report, certdoctor::Lang::En);
    assert_eq!(json["diagnoses"][0]["id"], top.id.as_str());
}
