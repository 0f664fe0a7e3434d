//! Embedding certdoctor: diagnose the files of one installation in a few lines.
//!
//! Run: `cargo run --example diagnose_files -- samples/nginx-broken/fullchain.pem samples/nginx-broken/privkey.pem`

use certdoctor::{diagnose, Facts, InputFile};

fn main() -> std::io::Result<()> {
    let mut paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        let root = env!("CARGO_MANIFEST_DIR");
        paths = vec![
            format!("{root}/samples/nginx-broken/fullchain.pem"),
            format!("{root}/samples/nginx-broken/privkey.pem"),
        ];
    }
    let mut facts = Facts {
        target: Some("nginx".into()),
        now: Some("2026-06-01T00:00:00Z".into()), // the library never reads the clock
        ..Facts::default()
    };
    for p in &paths {
        facts
            .files
            .push(InputFile::new(p.as_str(), std::fs::read(p)?));
    }
    let report = diagnose(&facts);
    for d in &report.diagnoses {
        println!("{:>4.0}%  {}  {}", d.confidence * 100.0, d.id, d.title.en);
    }
    Ok(())
}
