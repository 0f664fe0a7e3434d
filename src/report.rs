//! The report: ranked diagnoses with evidence and remediations, observations, the decoded
//! symptom, questions, and what was read. Holds both languages; renderers pick one.

use serde::Serialize;

use crate::rules::{Severity, Text};
use crate::view::FactView;

/// How strongly a finding's evidence holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Proved by the artifacts themselves.
    Proved,
    /// Reported by host facts.
    Reported,
    /// Suggested by the symptom alone.
    Suggested,
}

/// A command line for one platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Command {
    /// windows or linux.
    pub platform: String,
    /// The command, placeholders filled in.
    pub line: String,
}

/// One step of a remediation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// What to do.
    pub text: Text,
    /// Commands to run.
    pub commands: Vec<Command>,
}

/// A remediation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Remediation {
    /// Title.
    pub title: Text,
    /// Steps, in order.
    pub steps: Vec<Step>,
}

/// A question whose answer would confirm or rule out a cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    /// The fact path (also the key to set in a facts file).
    pub fact: String,
    /// What the fact means.
    pub text: Text,
    /// How to find it.
    pub ask: Vec<Command>,
}

/// A finding folded under the finding that explains it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Folded {
    /// Rule id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Its evidence.
    pub evidence: Vec<Text>,
}

/// One diagnosis (or observation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    /// Rule id.
    pub id: String,
    /// 0..1.
    pub confidence: f64,
    /// Severity.
    pub severity: Severity,
    /// Proved, reported or suggested.
    pub strength: Strength,
    /// It explains the reported symptom.
    pub explains_symptom: bool,
    /// Title.
    pub title: Text,
    /// What, why, fix.
    pub explanation: Text,
    /// Evidence lines, values filled in.
    pub evidence: Vec<Text>,
    /// Remediations, in order.
    pub remediations: Vec<Remediation>,
    /// Findings explained by this one.
    pub folded: Vec<Folded>,
    /// Facts that would confirm or rule it out.
    pub questions: Vec<Question>,
    /// Correction to common advice.
    pub corrects: Option<String>,
    /// References.
    pub references: Vec<String>,
}

/// A decoded error code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeReport {
    /// 0x-prefixed hex.
    pub hex: String,
    /// Facility name.
    pub facility: String,
    /// Symbolic name.
    pub name: Option<String>,
    /// The system's message.
    pub message: Option<Text>,
}

/// A recognised message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageReport {
    /// Message id.
    pub id: String,
    /// Which program writes it.
    pub source: String,
    /// Meaning.
    pub meaning: Text,
}

/// The reported symptom, decoded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SymptomReport {
    /// As given.
    pub raw: String,
    /// Codes found.
    pub codes: Vec<CodeReport>,
    /// Messages recognised.
    pub messages: Vec<MessageReport>,
    /// Some diagnosis explains it.
    pub explained: bool,
}

/// What one input file held.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputSummary {
    /// File name.
    pub file: String,
    /// Detected format.
    pub format: String,
    /// What it holds, one item per line.
    pub holds: Vec<String>,
    /// Problems found in it.
    pub problems: Vec<String>,
}

/// General triage when no rule explains the reported error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fallback {
    /// Why this is shown.
    pub reason: Text,
    /// Ordered steps.
    pub steps: Vec<Step>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Problems, best first.
    pub diagnoses: Vec<Diagnosis>,
    /// Observations that are not problems.
    pub observations: Vec<Diagnosis>,
    /// The decoded symptom.
    pub symptom: Option<SymptomReport>,
    /// General triage when nothing explains the symptom.
    pub fallback: Option<Fallback>,
    /// What was read.
    pub inputs: Vec<InputSummary>,
    /// Every fact the rules saw.
    pub facts: FactView,
}

impl Report {
    /// The top diagnosis.
    pub fn top(&self) -> Option<&Diagnosis> {
        self.diagnoses.first()
    }

    /// True when nothing is wrong and no error was reported (exit status 0).
    pub fn is_clean(&self) -> bool {
        self.diagnoses.is_empty()
    }

    /// Finds a diagnosis (top-level or folded) by id.
    pub fn mentions(&self, id: &str) -> bool {
        self.diagnoses
            .iter()
            .any(|d| d.id == id || d.folded.iter().any(|f| f.id == id))
    }
}
