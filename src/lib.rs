//! # certdoctor
//!
//! Tells a person why a certificate installation failed and what to do about it, in order.
//!
//! ```
//! use certdoctor::{diagnose, Facts, InputFile};
//!
//! let facts = Facts {
//!     error: Some("0x80070056".into()),
//!     os: Some("windows-server-2016".into()),
//!     ..Facts::default()
//! };
//! let report = diagnose(&facts);
//! // With the symptom alone, causes come ranked by how common they are, each with the
//! // question that would confirm it.
//! assert!(report.diagnoses.iter().any(|d| d.id == "pfx.wrong_password"));
//! ```
//!
//! The pipeline, one module each: [`ingest`] (bytes → artifacts) → [`analyse`] (artifacts →
//! derived facts) → [`view`] (all facts as dotted paths) → [`rules`] (declarative causes) →
//! [`rank`] (findings, ranked and folded) → [`report`] → [`render`] (text | JSON, en | zh-CN).
//!
//! `diagnose` is pure: no I/O, no clock, no network. Same facts, same report.
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `cli` | yes | the `certdoctor` program (clap, rayon, indicatif) |

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod analyse;
pub mod facts;
pub mod ingest;
pub mod limits;
pub mod rank;
pub mod render;
pub mod report;
pub mod rules;
pub mod secret;
pub mod symptom;
pub mod time;
pub mod view;

pub use facts::{Facts, HostFacts, InputFile};
pub use limits::Limits;
pub use report::Report;
pub use rules::RuleSet;
pub use secret::Password;

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "en-us" | "en-gb" | "english" => Ok(Lang::En),
            "zh-cn" | "zh" | "zh-hans" | "cn" => Ok(Lang::ZhCn),
            _ => Err(format!("unknown language '{s}' (en or zh-CN)")),
        }
    }
}

/// Diagnoses one installation with the built-in rules.
pub fn diagnose(facts: &Facts) -> Report {
    diagnose_with(facts, RuleSet::builtin())
}

/// Extra trust anchors (a private root, `--trust` files) parsed once and shared by many
/// diagnoses: a fleet scan or a monitoring agent checks thousands of installations against the
/// same roots. They add to the built-in Mozilla roots and to each installation's own
/// [`Facts::trust`].
///
/// ```
/// use certdoctor::{diagnose_trusting, Facts, InputFile, Limits, RuleSet, TrustAnchors};
///
/// let root = std::fs::read("samples/test-root.pem").unwrap();
/// let trust = TrustAnchors::parse(&[InputFile::new("root.pem", root)], &Limits::default());
/// assert_eq!(trust.len(), 1);
/// let chain = std::fs::read("samples/nginx-broken/fullchain.pem").unwrap();
/// let facts = Facts {
///     files: vec![InputFile::new("fullchain.pem", chain)],
///     now: Some("2026-06-01T00:00:00Z".into()),
///     ..Facts::default()
/// };
/// let report = diagnose_trusting(&facts, RuleSet::builtin(), &trust);
/// assert!(report.facts.get("chain.trusted").is_some());
/// ```
#[derive(Debug, Default)]
pub struct TrustAnchors {
    certs: Vec<analyse::chain::ChainCert>,
}

impl TrustAnchors {
    /// Reads every certificate in `files` (PEM, DER, PKCS#7), within `limits`.
    pub fn parse(files: &[InputFile], limits: &Limits) -> Self {
        TrustAnchors {
            certs: ingest::certificates_only(files, limits),
        }
    }

    /// Number of certificates read.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// No certificates were read.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }
}

/// Builds the fact view the rules read (artifacts analysed, host facts, symptom, context).
/// Exposed for tools that want the facts without the rules.
pub fn fact_view(facts: &Facts) -> (view::FactView, ingest::Ingested, Option<symptom::Symptom>) {
    fact_view_trusting(facts, &TrustAnchors::default())
}

/// [`fact_view`] with shared extra trust anchors.
pub fn fact_view_trusting(
    facts: &Facts,
    trust: &TrustAnchors,
) -> (view::FactView, ingest::Ingested, Option<symptom::Symptom>) {
    let limits = &facts.limits;
    let now = facts.now.as_deref().and_then(time::parse_rfc3339);
    let ingested = ingest::ingest(&facts.files, &facts.passwords, limits);
    let own = ingest::certificates_only(&facts.trust, limits);
    let anchors = analyse::chain::Anchors::mozilla_and(trust.certs.iter().chain(own.iter()));
    let host_clock = facts
        .host
        .clock
        .as_ref()
        .and_then(|c| c.now.as_deref())
        .and_then(time::parse_rfc3339);
    let given: Vec<&Password> = facts.passwords.iter().filter(|p| !p.is_empty()).collect();
    let ctx = analyse::Context {
        now,
        host_clock,
        host_name: facts.host_name.clone(),
        password_given: !given.is_empty(),
        password_non_ascii: given.iter().any(|p| !p.expose().is_ascii()),
        password_has_special: given.iter().any(|p| !p.is_plain_alphanumeric()),
    };
    let mut v = view::FactView::new();
    analyse::derive(&ingested, &anchors, &ctx, limits, &mut v);

    // Host facts, with the OS name filled in from --os when the collector did not say.
    let mut host = facts.host.clone();
    if let Some(info) = facts.os.as_deref().and_then(facts::os_info) {
        let os = host.os.get_or_insert_with(Default::default);
        os.family.get_or_insert_with(|| info.family.to_string());
        if os.name.is_none() {
            os.name = facts.os.clone();
        }
        if os.version.is_none() {
            os.version = info.version.map(str::to_string);
        }
        if os.build.is_none() {
            os.build = info.build;
        }
    }
    if let Ok(j) = serde_json::to_value(&host) {
        v.merge_json("host", &j);
    }
    // Context.
    if let Some(t) = &facts.target {
        v.str("context.target", t.to_ascii_lowercase());
    }
    // The OS family, else what the target implies (IIS, Exchange and code signing run on
    // Windows; nginx and Apache on Linux), so commands are shown for the right platform.
    let family = host.os.as_ref().and_then(|o| o.family.clone()).or_else(|| {
        match facts
            .target
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("iis" | "exchange" | "codesign") => Some("windows".to_string()),
            Some("nginx" | "apache") => Some("linux".to_string()),
            _ => None,
        }
    });
    if let Some(f) = family {
        v.str("context.os_family", f.to_ascii_lowercase());
    }
    if let Some(h) = &facts.host_name {
        v.str("context.host_name", h.clone());
    }
    if let Some(n) = now {
        v.time("context.now", n);
    }
    v.bool("context.password_given", ctx.password_given);
    let symptom = facts.error.as_deref().map(symptom::read);
    v.bool("symptom.present", symptom.is_some());
    if let Some(s) = &symptom {
        v.list(
            "symptom.codes",
            s.codes.iter().map(|c| format!("0x{c:08X}")).collect(),
        );
        v.list("symptom.messages", s.messages.clone());
    }
    (v, ingested, symptom)
}

/// Diagnoses one installation with a given rule set.
pub fn diagnose_with(facts: &Facts, rules: &RuleSet) -> Report {
    diagnose_trusting(facts, rules, &TrustAnchors::default())
}

/// Diagnoses one installation with a given rule set and shared extra trust anchors (see
/// [`TrustAnchors`]).
pub fn diagnose_trusting(facts: &Facts, rules: &RuleSet, trust: &TrustAnchors) -> Report {
    let (view, ingested, symptom) = fact_view_trusting(facts, trust);
    let keys = rank::SymptomKeys {
        codes: symptom
            .as_ref()
            .map(|s| s.codes.clone())
            .unwrap_or_default(),
        messages: symptom
            .as_ref()
            .map(|s| s.messages.clone())
            .unwrap_or_default(),
    };
    let (diagnoses, observations) = rank::evaluate(rules, &view, &keys);
    let explained = diagnoses.iter().any(|d| d.explains_symptom);
    let fallback = match &symptom {
        Some(s) if !explained => Some(render::fallback::triage(&view, s)),
        _ => None,
    };
    Report {
        diagnoses,
        observations,
        symptom: symptom.as_ref().map(|s| symptom::report(s, explained)),
        fallback,
        inputs: ingested
            .files
            .iter()
            .map(|f| report::InputSummary {
                file: f.name.clone(),
                format: f.format.clone(),
                holds: f.holds.clone(),
                problems: {
                    let mut p: Vec<String> = Vec::new();
                    for x in f
                        .text_issues
                        .iter()
                        .map(|i| i.describe())
                        .chain(f.corrupt.iter().cloned())
                        .chain(f.not_crypto.iter().cloned())
                    {
                        if !p.contains(&x) {
                            p.push(x);
                        }
                    }
                    p
                },
            })
            .collect(),
        facts: view,
    }
}
