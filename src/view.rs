//! The flat view of all facts that rules read: dotted paths to values.
//!
//! Artifact analysis, host facts and the symptom all end up here. A path that is absent is
//! *unknown*; rules treat it as such (never as false).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

/// One fact's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// true / false.
    Bool(bool),
    /// A number.
    Num(f64),
    /// Text (also versions).
    Str(String),
    /// A list of texts.
    List(Vec<String>),
    /// A time, unix seconds (printed as RFC 3339).
    #[serde(serialize_with = "ser_time")]
    Time(i64),
}

fn ser_time<S: serde::Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::time::format_rfc3339(*t))
}

impl Value {
    /// The value as display text (lists joined with ", ", times as RFC 3339).
    pub fn render(&self) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Value::Num(n) => format!("{n}"),
            Value::Str(s) => s.clone(),
            Value::List(v) => v.join(", "),
            Value::Time(t) => crate::time::format_rfc3339(*t),
        }
    }
}

/// All known facts by dotted path. Stored hashed (rules look paths up hundreds of times per
/// diagnosis); iterated and serialised in path order, so output stays deterministic.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FactView(HashMap<String, Value>);

impl Serialize for FactView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.iter().collect::<BTreeMap<_, _>>().serialize(s)
    }
}

impl FactView {
    /// An empty view.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets a fact.
    pub fn set(&mut self, path: &str, v: Value) {
        self.0.insert(path.to_string(), v);
    }
    /// Sets a boolean fact.
    pub fn bool(&mut self, path: &str, v: bool) {
        self.set(path, Value::Bool(v));
    }
    /// Sets a numeric fact.
    pub fn num(&mut self, path: &str, v: f64) {
        self.set(path, Value::Num(v));
    }
    /// Sets a text fact.
    pub fn str(&mut self, path: &str, v: impl Into<String>) {
        self.set(path, Value::Str(v.into()));
    }
    /// Sets a text fact when known.
    pub fn opt_str(&mut self, path: &str, v: Option<impl Into<String>>) {
        if let Some(v) = v {
            self.str(path, v);
        }
    }
    /// Sets a list fact.
    pub fn list(&mut self, path: &str, v: Vec<String>) {
        self.set(path, Value::List(v));
    }
    /// Sets a time fact.
    pub fn time(&mut self, path: &str, unix: i64) {
        self.set(path, Value::Time(unix));
    }
    /// Reads a fact.
    pub fn get(&self, path: &str) -> Option<&Value> {
        self.0.get(path)
    }
    /// Removes a fact (makes it unknown).
    pub fn remove(&mut self, path: &str) {
        self.0.remove(path);
    }
    /// Every fact, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        let mut all: Vec<(&String, &Value)> = self.0.iter().collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        all.into_iter()
    }
    /// Adds every leaf of a JSON value under `prefix` (objects become dotted paths; arrays of
    /// scalars become lists; nulls are skipped).
    pub fn merge_json(&mut self, prefix: &str, v: &serde_json::Value) {
        match v {
            serde_json::Value::Null => {}
            serde_json::Value::Bool(b) => self.bool(prefix, *b),
            serde_json::Value::Number(n) => {
                if let Some(f) = n.as_f64() {
                    self.num(prefix, f)
                }
            }
            serde_json::Value::String(s) => {
                if let Some(t) = crate::time::parse_rfc3339(s).filter(|_| s.len() >= 20) {
                    self.time(prefix, t)
                } else {
                    self.str(prefix, s.clone())
                }
            }
            serde_json::Value::Array(a) => self.list(
                prefix,
                a.iter()
                    .map(|x| match x {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect(),
            ),
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    self.merge_json(&p, x);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hashed storage, ordered output: the JSON and the iteration order do not depend on the
    /// order facts were set in.
    #[test]
    fn output_is_in_path_order_whatever_the_insertion_order() {
        let paths = [
            "leaf.expired",
            "chain.trusted",
            "host.os.name",
            "a",
            "leaf.cn",
        ];
        let mut fwd = FactView::new();
        let mut back = FactView::new();
        for p in paths {
            fwd.bool(p, true);
        }
        for p in paths.iter().rev() {
            back.bool(p, true);
        }
        let j1 = serde_json::to_string(&fwd).unwrap();
        let j2 = serde_json::to_string(&back).unwrap();
        assert_eq!(j1, j2);
        assert!(j1.starts_with(r#"{"a":true,"chain.trusted":true,"host.os.name""#));
        let order: Vec<&str> = fwd.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            order,
            [
                "a",
                "chain.trusted",
                "host.os.name",
                "leaf.cn",
                "leaf.expired"
            ]
        );
        fwd.remove("a");
        assert_eq!(fwd.get("a"), None);
        assert_eq!(fwd.get("leaf.cn"), Some(&Value::Bool(true)));
    }
}
