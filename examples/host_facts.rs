//! Diagnosing a host-facts JSON file such as a Windows collector script would produce,
//! together with the PFX that failed to import.

use certdoctor::{diagnose, Facts, InputFile, Password};

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let json = std::fs::read_to_string(format!("{root}/examples/data/windows-iis-host.json"))
        .expect("example facts");
    let mut facts: Facts = serde_json::from_str(&json).expect("facts JSON matches the schema");
    let pfx = std::fs::read(format!(
        "{root}/samples/iis-failed-import/www.example.test.pfx"
    ))
    .expect("sample PFX");
    facts
        .files
        .push(InputFile::new("www.example.test.pfx", pfx));
    facts.passwords.push(Password::new("correct horse"));
    let report = diagnose(&facts);
    let top = report.top().expect("a diagnosis");
    println!(
        "{} ({:.0}%): {}",
        top.id,
        top.confidence * 100.0,
        top.title.en
    );
}
