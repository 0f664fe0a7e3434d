//! The fact registry: every fact path a rule may test, with its type, meaning, and how to
//! collect it on a host (`data/facts.toml`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// The type of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactType {
    /// true / false
    Bool,
    /// a number
    Number,
    /// text
    String,
    /// a list of texts
    List,
    /// an RFC 3339 time
    Time,
    /// a dotted version
    Version,
}

/// How to find a fact on a host.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Ask {
    /// Command on Windows.
    #[serde(default)]
    pub windows: Option<String>,
    /// Command on Linux.
    #[serde(default)]
    pub linux: Option<String>,
}

/// One registered fact.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactDef {
    /// Dotted path.
    pub path: String,
    /// Type.
    #[serde(rename = "type")]
    pub ty: FactType,
    /// Meaning, English.
    pub en: String,
    /// Meaning, Simplified Chinese.
    #[serde(rename = "zh-CN")]
    pub zh: String,
    /// How to collect it.
    #[serde(default)]
    pub ask: Ask,
}

#[derive(Deserialize)]
struct File {
    fact: Vec<FactDef>,
}

/// The registry, parsed once from the embedded `data/facts.toml`.
pub fn registry() -> &'static BTreeMap<String, FactDef> {
    static REG: OnceLock<BTreeMap<String, FactDef>> = OnceLock::new();
    REG.get_or_init(|| {
        // The file is part of the crate and checked by tests; a parse failure here is a build
        // defect, reported as an empty registry (every rule then fails validation loudly).
        toml::from_str::<File>(include_str!("../../data/facts.toml"))
            .map(|f| f.fact.into_iter().map(|d| (d.path.clone(), d)).collect())
            .unwrap_or_default()
    })
}

/// Looks up one fact.
pub fn fact(path: &str) -> Option<&'static FactDef> {
    registry().get(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_parses_and_is_complete() {
        let raw: Result<File, _> = toml::from_str(include_str!("../../data/facts.toml"));
        let raw = raw.expect("facts.toml parses");
        assert_eq!(raw.fact.len(), registry().len(), "no duplicate paths");
        assert!(registry().len() > 150);
        for d in registry().values() {
            assert!(!d.en.is_empty(), "{} has an English meaning", d.path);
            if d.path.starts_with("host.") {
                assert!(
                    d.ask.windows.is_some() || d.ask.linux.is_some(),
                    "{} says how to collect it",
                    d.path
                );
            }
        }
    }
}
