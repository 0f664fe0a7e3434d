//! Render a report: plain text (optionally coloured) or JSON, in English or Chinese.

pub mod explain;
pub mod fallback;
pub mod json;
pub mod text;
