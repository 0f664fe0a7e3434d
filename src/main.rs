//! The `certdoctor` command line. Contract: `shared/design.md` ("Command-line contract").
//! Exit status: 0 nothing wrong found, 1 findings, 2 bad invocation or unreadable input.

#![forbid(unsafe_code)]

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use certdoctor::render::text::{render, TextOptions};
use certdoctor::{Facts, InputFile, Lang, Password, RuleSet};
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "certdoctor",
    version,
    about = "Tells you why a certificate installation failed and what to do about it, in order."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Diagnose the files (or folders) of ONE installation.
    Diagnose {
        /// Certificate, key, CSR, chain, PKCS#12 or PKCS#7 files, or folders of them (none is
        /// fine when --error or --facts says what happened).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        opts: Opts,
    },
    /// Fleet mode: every sub-folder of ROOT is one installation.
    Scan {
        /// The folder whose sub-folders are installations.
        root: PathBuf,
        #[command(flatten)]
        opts: Opts,
    },
    /// List the rule set.
    Rules {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// Language: en or zh-CN.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Extra rule files or folders.
        #[arg(long)]
        rules: Vec<PathBuf>,
    },
    /// Explain a rule by id, or decode an error code or message.
    Explain {
        /// A rule id (pfx.cipher_unsupported), a code (0x80070424, -2147024891,
        /// NTE_BAD_KEYSET) or a message.
        #[arg(allow_hyphen_values = true)]
        what: String,
        /// Language: en or zh-CN.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Clone)]
struct Opts {
    /// Machine-readable report.
    #[arg(long)]
    json: bool,
    /// Language of the report: en or zh-CN.
    #[arg(long, default_value = "en")]
    lang: String,
    /// Password for PKCS#12 files and encrypted keys: pass:X, env:VAR, file:PATH or stdin.
    #[arg(long)]
    passin: Option<String>,
    /// Reference time, RFC 3339 (default: now).
    #[arg(long)]
    now: Option<String>,
    /// The observed error: a code in any form (0x80070005, -2147024891, E_ACCESSDENIED), or a
    /// log line.
    #[arg(long, allow_hyphen_values = true)]
    error: Option<String>,
    /// iis, exchange, nginx, apache, codesign, java or generic.
    #[arg(long)]
    target: Option<String>,
    /// OS name, e.g. windows-server-2016, windows-10-1607, ubuntu-24.04.
    #[arg(long)]
    os: Option<String>,
    /// Host name the certificate must cover.
    #[arg(long = "host")]
    host_name: Option<String>,
    /// Extra trusted root certificates (files or folders).
    #[arg(long)]
    trust: Vec<PathBuf>,
    /// Host facts JSON file.
    #[arg(long)]
    facts: Option<PathBuf>,
    /// Extra rule files or folders.
    #[arg(long)]
    rules: Vec<PathBuf>,
}

/// A one-line error for exit status 2.
struct Fatal(String);

fn lang(s: &str) -> Result<Lang, Fatal> {
    s.parse::<Lang>().map_err(Fatal)
}

const FACTS_FILE: &str = "facts.json";

/// Reads files, and folders one level deep (sorted), skipping `facts.json`.
fn read_inputs(
    paths: &[PathBuf],
    limit: usize,
) -> Result<(Vec<InputFile>, Option<PathBuf>), Fatal> {
    let mut out = Vec::new();
    let mut facts = None;
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| Fatal(format!("{}: {e}", p.display())))?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Fatal(format!("{}: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|e| e.is_file())
                .collect();
            entries.sort();
            for e in entries {
                if e.file_name().is_some_and(|n| n == FACTS_FILE) {
                    facts = Some(e);
                    continue;
                }
                out.push(read_file(&e, limit)?);
            }
        } else {
            out.push(read_file(p, limit)?);
        }
    }
    Ok((out, facts))
}

fn read_file(p: &Path, limit: usize) -> Result<InputFile, Fatal> {
    use std::io::Read;
    let f = std::fs::File::open(p).map_err(|e| Fatal(format!("{}: {e}", p.display())))?;
    let mut bytes = Vec::new();
    // Read one byte past the limit so the library can report the file as too large.
    f.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Fatal(format!("{}: {e}", p.display())))?;
    Ok(InputFile::new(p.display().to_string(), bytes))
}

fn password(spec: &str) -> Result<Password, Fatal> {
    let trim_nl = |mut s: String| {
        while s.ends_with('\n') || s.ends_with('\r') {
            s.pop();
        }
        s
    };
    if let Some(v) = spec.strip_prefix("pass:") {
        return Ok(Password::new(v));
    }
    if let Some(var) = spec.strip_prefix("env:") {
        return std::env::var(var)
            .map(Password::new)
            .map_err(|_| Fatal(format!("--passin env:{var}: the variable is not set")));
    }
    if let Some(path) = spec.strip_prefix("file:") {
        let s = std::fs::read_to_string(path)
            .map_err(|e| Fatal(format!("--passin file:{path}: {e}")))?;
        let first = s.lines().next().unwrap_or_default().to_string();
        return Ok(Password::new(trim_nl(first)));
    }
    if spec == "stdin" {
        let mut s = String::new();
        std::io::stdin()
            .read_line(&mut s)
            .map_err(|e| Fatal(format!("--passin stdin: {e}")))?;
        return Ok(Password::new(trim_nl(s)));
    }
    Err(Fatal(
        "--passin takes pass:PASSWORD, env:VAR, file:PATH or stdin".to_string(),
    ))
}

fn load_facts_file(p: &Path) -> Result<Facts, Fatal> {
    let text = std::fs::read_to_string(p).map_err(|e| Fatal(format!("{}: {e}", p.display())))?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize::<_, Facts>(de).map_err(|e| {
        let path = e.path().to_string();
        Fatal(format!(
            "{}: invalid facts at '{}': {}",
            p.display(),
            if path == "." {
                "(top level)".to_string()
            } else {
                path
            },
            e.inner()
        ))
    })
}

fn rule_set(extra: &[PathBuf]) -> Result<RuleSet, Fatal> {
    let mut set = RuleSet::builtin().clone();
    for p in extra {
        set.add_path(p).map_err(|e| Fatal(e.to_string()))?;
    }
    Ok(set)
}

/// Builds the facts for one installation.
/// `--trust` files are read into the facts unless `with_trust` is false (a scan parses them
/// once for every installation).
fn build_facts(
    paths: &[PathBuf],
    o: &Opts,
    now_default: &str,
    with_trust: bool,
) -> Result<Facts, Fatal> {
    let limits = certdoctor::Limits::default();
    let (files, local_facts) = read_inputs(paths, limits.max_file_size)?;
    let mut facts = match o.facts.as_ref().or(local_facts.as_ref()) {
        Some(p) => load_facts_file(p)?,
        None => Facts::default(),
    };
    facts.files.extend(files);
    if with_trust {
        let (trust, _) = read_inputs(&o.trust, limits.max_file_size)?;
        facts.trust.extend(trust);
    }
    if let Some(p) = &o.passin {
        facts.passwords.push(password(p)?);
    }
    if let Some(t) = &o.target {
        let t = t.to_ascii_lowercase();
        if !certdoctor::facts::TARGETS.contains(&t.as_str()) {
            return Err(Fatal(format!(
                "--target {t}: one of {}",
                certdoctor::facts::TARGETS.join(", ")
            )));
        }
        facts.target = Some(t);
    }
    if let Some(os) = &o.os {
        if certdoctor::facts::os_info(os).is_none() {
            return Err(Fatal(format!(
                "--os {os}: not an OS name certdoctor knows (e.g. windows-server-2016, windows-10-1607, ubuntu-24.04)"
            )));
        }
        facts.os = Some(os.clone());
    }
    if let Some(e) = &o.error {
        facts.error = Some(e.clone());
    }
    if let Some(h) = &o.host_name {
        facts.host_name = Some(h.clone());
    }
    match &o.now {
        Some(n) => {
            if certdoctor::time::parse_rfc3339(n).is_none() {
                return Err(Fatal(format!(
                    "--now {n}: not an RFC 3339 time (e.g. 2026-06-01T00:00:00Z)"
                )));
            }
            facts.now = Some(n.clone());
        }
        None => {
            if facts.now.is_none() {
                facts.now = Some(now_default.to_string());
            }
        }
    }
    Ok(facts)
}

fn system_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    certdoctor::time::format_rfc3339(secs)
}

fn color_on(json: bool) -> bool {
    !json && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn print(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
}

fn run_diagnose(paths: &[PathBuf], o: &Opts) -> Result<u8, Fatal> {
    let lang = lang(&o.lang)?;
    if paths.is_empty() && o.error.is_none() && o.facts.is_none() {
        return Err(Fatal(
            "nothing to diagnose: give the installation's files, --error or --facts".into(),
        ));
    }
    let rules = rule_set(&o.rules)?;
    let facts = build_facts(paths, o, &system_now(), true)?;
    let report = certdoctor::diagnose_with(&facts, &rules);
    if o.json {
        let v = certdoctor::render::json::to_json(&report, lang);
        print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
    } else {
        print(&render(
            &report,
            TextOptions {
                lang,
                color: color_on(false),
            },
        ));
    }
    Ok(if report.is_clean() { 0 } else { 1 })
}

/// How one installation of a scan came out.
enum Outcome {
    Clean,
    /// With the id of the top diagnosis, if any.
    Findings(Option<String>),
    Unreadable,
}

/// One installation's entry in the scan output: a JSON line, or a heading and the report.
fn scan_entry(name: &str, rep: &certdoctor::Report, json: bool, lang: Lang, color: bool) -> String {
    if json {
        let mut v = certdoctor::render::json::to_json_without_facts(rep, lang);
        if let Some(m) = v.as_object_mut() {
            m.insert("installation".into(), name.into());
        }
        return format!("{}\n", serde_json::to_string(&v).unwrap_or_default());
    }
    let head = match rep.top() {
        Some(t) => format!(
            "{} ({}%)",
            t.title.get(lang),
            (t.confidence * 100.0).round()
        ),
        None => match lang {
            Lang::En => "clean".into(),
            Lang::ZhCn => "正常".into(),
        },
    };
    let mut out = format!("== {name}: {head}\n");
    if !rep.is_clean() {
        out.push_str(&render(rep, TextOptions { lang, color }));
    }
    out
}

fn run_scan(root: &Path, o: &Opts) -> Result<u8, Fatal> {
    use rayon::prelude::*;
    let lang = lang(&o.lang)?;
    // The rule set and the Mozilla-root tables are built once, side by side.
    let (rules, _) = rayon::join(
        || rule_set(&o.rules),
        certdoctor::analyse::chain::AnchorTable::mozilla,
    );
    let rules = rules?;
    if let Some(p) = &o.passin {
        password(p)?; // validate once up front
    }
    // --trust is read and parsed once for every installation.
    let limits = certdoctor::Limits::default();
    let (trust_files, _) = read_inputs(&o.trust, limits.max_file_size)?;
    let trust = certdoctor::TrustAnchors::parse(&trust_files, &limits);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .map_err(|e| Fatal(format!("{}: {e}", root.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        // Hidden folders (.git, .snapshot, ...) are not installations.
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    dirs.sort();
    let now = system_now();
    let progress = if std::io::stderr().is_terminal() {
        let pb = indicatif::ProgressBar::new(dirs.len() as u64);
        pb.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(pb)
    } else {
        None
    };
    let mut clean = 0usize;
    let mut with_findings = 0usize;
    let mut unreadable = 0usize;
    let mut causes: std::collections::BTreeMap<String, usize> = Default::default();
    let color = color_on(o.json);
    // Chunks keep memory flat and output in folder order while both cores work.
    // Each installation is diagnosed and rendered on the worker threads; the main thread only
    // counts and prints, in folder order.
    for chunk in dirs.chunks(256) {
        let results: Vec<(Outcome, String)> = chunk
            .par_iter()
            .map(|d| {
                let name = d
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                match build_facts(std::slice::from_ref(d), o, &now, false) {
                    Ok(f) => {
                        let rep = certdoctor::diagnose_trusting(&f, &rules, &trust);
                        let outcome = if rep.is_clean() {
                            Outcome::Clean
                        } else {
                            Outcome::Findings(rep.top().map(|t| t.id.clone()))
                        };
                        (outcome, scan_entry(&name, &rep, o.json, lang, color))
                    }
                    Err(Fatal(e)) => {
                        let line = if o.json {
                            format!(
                                "{}\n",
                                serde_json::json!({"installation": name, "error": e})
                            )
                        } else {
                            format!("== {name}: unreadable: {e}\n")
                        };
                        (Outcome::Unreadable, line)
                    }
                }
            })
            .collect();
        let mut out = String::new();
        for (outcome, text) in results {
            match outcome {
                Outcome::Clean => clean += 1,
                Outcome::Findings(top) => {
                    with_findings += 1;
                    if let Some(id) = top {
                        *causes.entry(id).or_default() += 1;
                    }
                }
                Outcome::Unreadable => unreadable += 1,
            }
            out.push_str(&text);
            if let Some(pb) = &progress {
                pb.inc(1);
            }
        }
        print(&out);
    }
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    let mut top: Vec<(String, usize)> = causes.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut summary = format!(
        "\n{:<40} {:>8}\n{:<40} {:>8}\n{:<40} {:>8}\n{:<40} {:>8}\n",
        "installations",
        dirs.len(),
        "clean",
        clean,
        "with findings",
        with_findings,
        "unreadable",
        unreadable
    );
    if !top.is_empty() {
        summary.push_str("\ntop causes:\n");
        for (id, n) in top.iter().take(10) {
            summary.push_str(&format!("  {id:<38} {n:>8}\n"));
        }
    }
    if o.json {
        eprint!("{summary}");
    } else {
        print(&summary);
    }
    Ok(if with_findings > 0 || unreadable > 0 {
        1
    } else {
        0
    })
}

fn run_rules(json: bool, lang_s: &str, extra: &[PathBuf]) -> Result<u8, Fatal> {
    let lang = lang(lang_s)?;
    let set = rule_set(extra)?;
    if json {
        let v: Vec<_> = set
            .rules()
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "title": r.title.get(lang), "severity": r.severity,
                    "kind": r.kind, "targets": r.targets, "os": r.os,
                })
            })
            .collect();
        print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
    } else {
        let mut s = String::new();
        for r in set.rules() {
            s.push_str(&format!("{:<34} {}\n", r.id, r.title.get(lang)));
        }
        print(&s);
    }
    Ok(0)
}

fn run_explain(what: &str, lang_s: &str, json: bool) -> Result<u8, Fatal> {
    let lang = lang(lang_s)?;
    let set = RuleSet::builtin();
    if let Some(r) = set.get(what) {
        let v = certdoctor::render::explain::rule(r, lang);
        if json {
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v.1).unwrap_or_default()
            ));
        } else {
            print(&v.0);
        }
        return Ok(0);
    }
    let s = certdoctor::symptom::read(what);
    if s.codes.is_empty() && s.messages.is_empty() {
        return Err(Fatal(format!(
            "'{what}' is neither a rule id (see `certdoctor rules`) nor an error code or message certdoctor recognises"
        )));
    }
    let (text, v) = certdoctor::render::explain::symptom(&s, set, lang);
    if json {
        print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
    } else {
        print(&text);
    }
    Ok(0)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let r = match &cli.cmd {
        Cmd::Diagnose { paths, opts } => run_diagnose(paths, opts),
        Cmd::Scan { root, opts } => run_scan(root, opts),
        Cmd::Rules { json, lang, rules } => run_rules(*json, lang, rules),
        Cmd::Explain { what, lang, json } => run_explain(what, lang, *json),
    };
    match r {
        Ok(c) => ExitCode::from(c),
        Err(Fatal(msg)) => {
            eprintln!("certdoctor: {msg}");
            ExitCode::from(2)
        }
    }
}
