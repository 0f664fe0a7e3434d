//! Conditions over facts, and their three-valued evaluation.

use std::cmp::Ordering;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::rules::registry::{self, FactType};
use crate::view::{FactView, Value};

/// A condition as written in a rule file.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawCond {
    all: Option<Vec<RawCond>>,
    any: Option<Vec<RawCond>>,
    not: Option<Box<RawCond>>,
    fact: Option<Spanned<String>>,
    is: Option<toml::Value>,
    is_not: Option<toml::Value>,
    gt: Option<f64>,
    ge: Option<f64>,
    lt: Option<f64>,
    le: Option<f64>,
    one_of: Option<Vec<toml::Value>>,
    contains: Option<toml::Value>,
    contains_any: Option<Vec<toml::Value>>,
    matches: Option<String>,
    nonempty: Option<bool>,
    exists: Option<bool>,
    version_lt: Option<String>,
    version_ge: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

/// A literal a fact is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// Boolean.
    Bool(bool),
    /// Number.
    Num(f64),
    /// Text.
    Str(String),
}

/// A test on one fact.
#[derive(Debug, Clone)]
pub enum Test {
    /// Equal.
    Is(Lit),
    /// Known and different.
    IsNot(Lit),
    /// Number comparison with the given ordering(s) accepted.
    Cmp(Vec<Ordering>, f64),
    /// Equal to one of.
    OneOf(Vec<Lit>),
    /// List contains.
    Contains(Lit),
    /// List contains any of.
    ContainsAny(Vec<Lit>),
    /// Regex match.
    Matches(Regex),
    /// List non-empty (or empty when false).
    NonEmpty(bool),
    /// Known or not.
    Exists(bool),
    /// Version less than.
    VersionLt(String),
    /// Version greater or equal.
    VersionGe(String),
    /// Time before.
    Before(i64),
    /// Time after.
    After(i64),
}

/// A compiled condition.
#[derive(Debug, Clone)]
pub enum Cond {
    /// Every one holds.
    All(Vec<Cond>),
    /// At least one holds.
    Any(Vec<Cond>),
    /// The opposite.
    Not(Box<Cond>),
    /// A test on one fact.
    Fact {
        /// Dotted path.
        path: String,
        /// The test.
        test: Test,
    },
}

/// A condition that could not be compiled; `at` is a byte offset in the rule file when known.
#[derive(Debug, Clone)]
pub struct CondError {
    /// Byte offset of the offending `fact` value.
    pub at: Option<usize>,
    /// What is wrong.
    pub message: String,
}

fn lit(v: &toml::Value) -> Result<Lit, String> {
    match v {
        toml::Value::Boolean(b) => Ok(Lit::Bool(*b)),
        toml::Value::Integer(i) => Ok(Lit::Num(*i as f64)),
        toml::Value::Float(f) => Ok(Lit::Num(*f)),
        toml::Value::String(s) => Ok(Lit::Str(s.clone())),
        other => Err(format!(
            "a value to compare with must be a boolean, number or string, not {}",
            other.type_str()
        )),
    }
}

impl RawCond {
    /// Compiles and validates against the fact registry.
    pub fn compile(&self) -> Result<Cond, CondError> {
        let err = |at: Option<usize>, m: String| CondError { at, message: m };
        let fact_at = self.fact.as_ref().map(|f| f.span().start);
        let combinators = [self.all.is_some(), self.any.is_some(), self.not.is_some()]
            .iter()
            .filter(|x| **x)
            .count();
        if combinators > 0 {
            if combinators > 1 || self.fact.is_some() {
                return Err(err(
                    fact_at,
                    "a condition is exactly one of: all, any, not, or a fact test".into(),
                ));
            }
            if let Some(v) = &self.all {
                return Ok(Cond::All(
                    v.iter().map(RawCond::compile).collect::<Result<_, _>>()?,
                ));
            }
            if let Some(v) = &self.any {
                return Ok(Cond::Any(
                    v.iter().map(RawCond::compile).collect::<Result<_, _>>()?,
                ));
            }
            if let Some(c) = &self.not {
                return Ok(Cond::Not(Box::new(c.compile()?)));
            }
        }
        let Some(fact) = &self.fact else {
            return Err(err(
                None,
                "empty condition: give all, any, not, or fact with a test".into(),
            ));
        };
        let path = fact.get_ref().clone();
        let Some(def) = registry::fact(&path) else {
            return Err(err(
                fact_at,
                format!("unknown fact path '{path}' (see data/facts.toml)"),
            ));
        };
        let mut tests = Vec::new();
        let e = |m: String| err(fact_at, m);
        if let Some(v) = &self.is {
            tests.push(Test::Is(lit(v).map_err(e)?));
        }
        if let Some(v) = &self.is_not {
            tests.push(Test::IsNot(lit(v).map_err(e)?));
        }
        if let Some(n) = self.gt {
            tests.push(Test::Cmp(vec![Ordering::Greater], n));
        }
        if let Some(n) = self.ge {
            tests.push(Test::Cmp(vec![Ordering::Greater, Ordering::Equal], n));
        }
        if let Some(n) = self.lt {
            tests.push(Test::Cmp(vec![Ordering::Less], n));
        }
        if let Some(n) = self.le {
            tests.push(Test::Cmp(vec![Ordering::Less, Ordering::Equal], n));
        }
        if let Some(v) = &self.one_of {
            tests.push(Test::OneOf(
                v.iter().map(lit).collect::<Result<_, _>>().map_err(e)?,
            ));
        }
        if let Some(v) = &self.contains {
            tests.push(Test::Contains(lit(v).map_err(e)?));
        }
        if let Some(v) = &self.contains_any {
            tests.push(Test::ContainsAny(
                v.iter().map(lit).collect::<Result<_, _>>().map_err(e)?,
            ));
        }
        if let Some(r) = &self.matches {
            tests.push(Test::Matches(compile_regex(r).map_err(e)?));
        }
        if let Some(b) = self.nonempty {
            tests.push(Test::NonEmpty(b));
        }
        if let Some(b) = self.exists {
            tests.push(Test::Exists(b));
        }
        if let Some(v) = &self.version_lt {
            tests.push(Test::VersionLt(v.clone()));
        }
        if let Some(v) = &self.version_ge {
            tests.push(Test::VersionGe(v.clone()));
        }
        for (t, ctor) in [
            (&self.before, Test::Before as fn(i64) -> Test),
            (&self.after, Test::After),
        ] {
            if let Some(s) = t {
                let at = crate::time::parse_rfc3339(s)
                    .ok_or_else(|| e(format!("'{s}' is not an RFC 3339 time")))?;
                tests.push(ctor(at));
            }
        }
        if tests.len() != 1 {
            return Err(e(format!(
                "a fact test on '{path}' needs exactly one operator (is, is_not, gt, ge, lt, le, one_of, contains, contains_any, matches, nonempty, exists, version_lt, version_ge, before, after); found {}",
                tests.len()
            )));
        }
        let test = tests.remove(0);
        check_type(&path, def.ty, &test).map_err(e)?;
        Ok(Cond::Fact { path, test })
    }
}

fn check_type(path: &str, ty: FactType, test: &Test) -> Result<(), String> {
    let ok = match test {
        Test::Is(l) | Test::IsNot(l) => matches!(
            (ty, l),
            (FactType::Bool, Lit::Bool(_))
                | (FactType::Number, Lit::Num(_))
                | (FactType::String | FactType::Version, Lit::Str(_))
        ),
        Test::OneOf(ls) => ls.iter().all(|l| {
            matches!(
                (ty, l),
                (FactType::Number, Lit::Num(_))
                    | (FactType::String | FactType::Version, Lit::Str(_))
            )
        }),
        Test::Cmp(..) => ty == FactType::Number,
        Test::Contains(_) | Test::ContainsAny(_) | Test::NonEmpty(_) => ty == FactType::List,
        Test::Matches(_) => matches!(ty, FactType::String | FactType::List | FactType::Version),
        Test::Exists(_) => true,
        Test::VersionLt(_) | Test::VersionGe(_) => {
            matches!(ty, FactType::Version | FactType::String)
        }
        Test::Before(_) | Test::After(_) => ty == FactType::Time,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "the test {test:?} does not fit '{path}', which is a {ty:?}"
        ))
    }
}

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// Cannot be decided: a needed fact is unknown.
    Unknown,
}

/// The result of evaluating a condition: its truth, the facts that decided it, and the unknown
/// facts that would decide it.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Truth value.
    pub truth: Tri,
    /// Facts that decided the result (when true or false); when unknown, the facts of the
    /// parts of an `all` that already hold (partial support).
    pub used: Vec<String>,
    /// Unknown facts that would decide it (when unknown).
    pub missing: Vec<String>,
}

fn eq_lit(v: &Value, l: &Lit) -> bool {
    match (v, l) {
        (Value::Bool(a), Lit::Bool(b)) => a == b,
        (Value::Num(a), Lit::Num(b)) => (a - b).abs() < 1e-9,
        (Value::Str(a), Lit::Str(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

fn list_has(v: &Value, l: &Lit) -> bool {
    match (v, l) {
        (Value::List(items), Lit::Str(s)) => items.iter().any(|i| i.eq_ignore_ascii_case(s)),
        _ => false,
    }
}

/// Compares dotted versions numerically (`10.0.14393` < `10.0.16299`); non-numeric parts
/// compare as text.
pub fn version_cmp(a: &str, b: &str) -> Ordering {
    let pa: Vec<&str> = a.split(['.', '-']).collect();
    let pb: Vec<&str> = b.split(['.', '-']).collect();
    for i in 0..pa.len().max(pb.len()) {
        let x = pa.get(i).copied().unwrap_or("0");
        let y = pb.get(i).copied().unwrap_or("0");
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            _ => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn test_value(test: &Test, v: &Value) -> bool {
    match test {
        Test::Is(l) => eq_lit(v, l),
        Test::IsNot(l) => !eq_lit(v, l),
        Test::Cmp(ords, n) => match v {
            Value::Num(x) => x.partial_cmp(n).is_some_and(|o| ords.contains(&o)),
            _ => false,
        },
        Test::OneOf(ls) => ls.iter().any(|l| eq_lit(v, l)),
        Test::Contains(l) => list_has(v, l),
        Test::ContainsAny(ls) => ls.iter().any(|l| list_has(v, l)),
        Test::Matches(re) => match v {
            Value::Str(s) => re.is_match(s),
            Value::List(items) => items.iter().any(|s| re.is_match(s)),
            _ => false,
        },
        Test::NonEmpty(want) => match v {
            Value::List(items) => items.is_empty() != *want,
            _ => false,
        },
        Test::Exists(want) => *want,
        Test::VersionLt(b) => match v {
            Value::Str(s) => version_cmp(s, b) == Ordering::Less,
            Value::Num(n) => version_cmp(&n.to_string(), b) == Ordering::Less,
            _ => false,
        },
        Test::VersionGe(b) => match v {
            Value::Str(s) => version_cmp(s, b) != Ordering::Less,
            Value::Num(n) => version_cmp(&n.to_string(), b) != Ordering::Less,
            _ => false,
        },
        Test::Before(t) => matches!(v, Value::Time(x) if x < t),
        Test::After(t) => matches!(v, Value::Time(x) if x > t),
    }
}

impl Cond {
    /// Evaluates against the facts.
    pub fn eval(&self, view: &FactView) -> Outcome {
        match self {
            Cond::Fact { path, test } => match (view.get(path), test) {
                (None, Test::Exists(want)) => Outcome {
                    truth: if *want { Tri::False } else { Tri::True },
                    used: vec![],
                    missing: vec![],
                },
                (None, _) => Outcome {
                    truth: Tri::Unknown,
                    used: vec![],
                    missing: vec![path.clone()],
                },
                (Some(v), t) => Outcome {
                    truth: if test_value(t, v) {
                        Tri::True
                    } else {
                        Tri::False
                    },
                    used: vec![path.clone()],
                    missing: vec![],
                },
            },
            Cond::Not(c) => {
                let mut o = c.eval(view);
                o.truth = match o.truth {
                    Tri::True => Tri::False,
                    Tri::False => Tri::True,
                    Tri::Unknown => {
                        o.used.clear();
                        Tri::Unknown
                    }
                };
                o
            }
            Cond::All(cs) => combine(cs, view, Tri::False),
            Cond::Any(cs) => combine(cs, view, Tri::True),
        }
    }

    /// Every fact path the condition mentions.
    pub fn paths(&self, out: &mut Vec<String>) {
        match self {
            Cond::Fact { path, .. } => out.push(path.clone()),
            Cond::Not(c) => c.paths(out),
            Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| c.paths(out)),
        }
    }
}

/// `all` (decisive = False) and `any` (decisive = True).
fn combine(cs: &[Cond], view: &FactView, decisive: Tri) -> Outcome {
    let mut unknown = Vec::new();
    let mut used = Vec::new();
    for c in cs {
        let o = c.eval(view);
        if o.truth == decisive {
            return Outcome {
                truth: decisive,
                used: o.used,
                missing: vec![],
            };
        }
        if o.truth == Tri::Unknown {
            unknown.extend(o.missing);
        } else {
            used.extend(o.used);
        }
    }
    if !unknown.is_empty() {
        unknown.sort();
        unknown.dedup();
        // For `all`, the parts that already hold are partial support for the cause.
        let support = if decisive == Tri::False { used } else { vec![] };
        return Outcome {
            truth: Tri::Unknown,
            used: support,
            missing: unknown,
        };
    }
    Outcome {
        truth: if decisive == Tri::True {
            Tri::False
        } else {
            Tri::True
        },
        used,
        missing: vec![],
    }
}

/// Compiles a rule regex (case-insensitive, size-limited). The same pattern recurs across rule
/// files (provider names, OS names), so compiled regexes are shared per process: a `Regex`
/// clone shares the compiled program.
fn compile_regex(pattern: &str) -> Result<Regex, String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(re) = cache.lock().ok().and_then(|c| c.get(pattern).cloned()) {
        return Ok(re);
    }
    let re = regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|x| format!("bad regex: {x}"))?;
    if let Ok(mut c) = cache.lock() {
        // Bounded: user rule files could otherwise grow it without limit in a long-lived host.
        if c.len() < 1024 {
            c.insert(pattern.to_string(), re.clone());
        }
    }
    Ok(re)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(src: &str) -> Result<Cond, CondError> {
        let raw: RawCond = toml::from_str(src).expect("toml");
        raw.compile()
    }

    #[test]
    fn three_valued_logic() {
        let c = compile(
            r#"all = [{ fact = "keys.count", gt = 0 }, { fact = "keys.match_leaf", is = false }]"#,
        )
        .unwrap();
        let mut v = FactView::new();
        assert_eq!(c.eval(&v).truth, Tri::Unknown);
        v.num("keys.count", 0.0);
        let o = c.eval(&v);
        assert_eq!(o.truth, Tri::False, "false short-circuits the unknown");
        v.num("keys.count", 2.0);
        let o = c.eval(&v);
        assert_eq!(
            (o.truth, o.missing.clone()),
            (Tri::Unknown, vec!["keys.match_leaf".to_string()])
        );
        v.bool("keys.match_leaf", false);
        let o = c.eval(&v);
        assert_eq!(o.truth, Tri::True);
        assert_eq!(o.used, vec!["keys.count", "keys.match_leaf"]);
    }

    #[test]
    fn operators() {
        let mut v = FactView::new();
        v.str("host.os.version", "10.0.14393");
        v.list("leaf.eku", vec!["client_auth".into()]);
        v.str("context.target", "IIS");
        v.time(
            "leaf.not_before",
            crate::time::parse_rfc3339("2024-01-01").unwrap(),
        );
        let t = |s: &str| compile(s).unwrap().eval(&v).truth;
        assert_eq!(
            t(r#"fact = "host.os.version"
version_lt = "10.0.16299""#),
            Tri::True
        );
        assert_eq!(
            t(r#"fact = "host.os.version"
version_ge = "10.0.16299""#),
            Tri::False
        );
        assert_eq!(
            t(r#"fact = "leaf.eku"
contains = "server_auth""#),
            Tri::False
        );
        assert_eq!(
            t(r#"fact = "leaf.eku"
contains_any = ["server_auth", "CLIENT_AUTH"]"#),
            Tri::True
        );
        assert_eq!(
            t(r#"fact = "context.target"
one_of = ["iis", "exchange"]"#),
            Tri::True
        );
        assert_eq!(
            t(r#"fact = "leaf.not_before"
after = "2023-06-01T00:00:00Z""#),
            Tri::True
        );
        assert_eq!(
            t(r#"not = { fact = "leaf.eku", nonempty = true }"#),
            Tri::False
        );
        assert_eq!(
            t(r#"fact = "keys.count"
exists = true"#),
            Tri::False
        );
        assert_eq!(
            t(
                r#"any = [{ fact = "keys.count", gt = 1 }, { fact = "leaf.eku", matches = "^client" }]"#
            ),
            Tri::True
        );
    }

    #[test]
    fn bad_conditions_are_rejected_with_a_location() {
        let e = compile(
            r#"fact = "no.such.fact"
is = true"#,
        )
        .unwrap_err();
        assert!(e.message.contains("unknown fact path"));
        assert_eq!(e.at, Some(7));
        assert!(compile(
            r#"fact = "keys.count"
is = "x""#
        )
        .is_err());
        assert!(compile(
            r#"fact = "leaf.subject"
matches = "(""#
        )
        .is_err());
        assert!(compile(
            r#"fact = "keys.count"
gt = 1
lt = 3"#
        )
        .is_err());
        assert!(compile("").is_err());
    }

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(version_cmp("10.0.9600", "10.0.14393"), Ordering::Less);
        assert_eq!(version_cmp("5.2", "5.2.0"), Ordering::Equal);
    }
}
