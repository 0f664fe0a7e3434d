//! The text report a person reads: the best diagnosis first, evidence in plain words,
//! numbered remediation steps with copy-paste commands, folded findings, questions, and a short
//! summary of what was read.

use std::fmt::Write;

use crate::report::{Diagnosis, Report, Strength};
use crate::Lang;

/// Output options.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Language.
    pub lang: Lang,
    /// ANSI colours.
    pub color: bool,
}

struct L {
    lang: Lang,
}

impl L {
    fn s<'a>(&self, en: &'a str, zh: &'a str) -> &'a str {
        match self.lang {
            Lang::En => en,
            Lang::ZhCn => zh,
        }
    }
}

fn paint(on: bool, code: &str, s: &str) -> String {
    if on {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

fn strength(l: &L, s: Strength) -> &'static str {
    match s {
        Strength::Proved => l.s("proved by the files", "由文件证实"),
        Strength::Reported => l.s("reported by the host facts", "由主机信息证实"),
        Strength::Suggested => l.s("suggested by the error alone", "仅由错误代码推测"),
    }
}

fn diagnosis(out: &mut String, d: &Diagnosis, n: usize, o: TextOptions, l: &L) {
    let lang = o.lang;
    let pct = (d.confidence * 100.0).round() as u32;
    let _ = writeln!(
        out,
        "{} {}  [{}]",
        paint(o.color, "1", &format!("{n}.")),
        paint(o.color, "1;31", d.title.get(lang)),
        d.id
    );
    let _ = writeln!(
        out,
        "   {}: {pct}% ({})",
        l.s("confidence", "置信度"),
        strength(l, d.strength)
    );
    let _ = writeln!(out);
    for line in wrap(d.explanation.get(lang), 92) {
        let _ = writeln!(out, "   {line}");
    }
    if !d.evidence.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "   {}",
            paint(o.color, "1", l.s("Evidence:", "证据："))
        );
        for e in &d.evidence {
            let _ = writeln!(out, "   - {}", e.get(lang));
        }
    }
    if let Some(c) = &d.corrects {
        if lang == Lang::En {
            let _ = writeln!(out, "   Note: {c}");
        }
    }
    if !d.remediations.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "   {}",
            paint(o.color, "1", l.s("What to do:", "处理方法："))
        );
        for (i, r) in d.remediations.iter().enumerate() {
            let _ = writeln!(out, "   {}. {}", i + 1, r.title.get(lang));
            for (j, s) in r.steps.iter().enumerate() {
                let _ = writeln!(out, "      {}.{} {}", i + 1, j + 1, s.text.get(lang));
                for c in &s.commands {
                    let _ = writeln!(
                        out,
                        "          {} {}",
                        paint(o.color, "2", &format!("[{}]", c.platform)),
                        paint(o.color, "36", &c.line)
                    );
                }
            }
        }
    }
    if !d.folded.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "   {}",
            l.s(
                "Also seen, explained by this cause:",
                "同时发现（均由此原因导致）："
            )
        );
        for f in &d.folded {
            let _ = writeln!(out, "   - {} [{}]", f.title.get(lang), f.id);
        }
    }
    if !d.questions.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "   {}",
            paint(
                o.color,
                "1",
                l.s(
                    "To confirm or rule this out, find out (and pass with --facts):",
                    "如需确认或排除，请查明以下信息（用 --facts 传入）："
                )
            )
        );
        for q in &d.questions {
            let _ = writeln!(out, "   ? {} ({})", q.text.get(lang), q.fact);
            for c in &q.ask {
                let _ = writeln!(out, "       [{}] {}", c.platform, c.line);
            }
        }
    }
    let _ = writeln!(out);
}

/// Display width of a character: East Asian wide characters take two columns.
fn char_width(c: char) -> usize {
    let u = c as u32;
    if (0x1100..=0x115F).contains(&u)
        || (0x2E80..=0xA4CF).contains(&u)
        || (0xAC00..=0xD7A3).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFE30..=0xFE4F).contains(&u)
        || (0xFF00..=0xFF60).contains(&u)
        || (0xFFE0..=0xFFE6).contains(&u)
    {
        2
    } else {
        1
    }
}

/// Greedy wrapping by display width. Latin words are kept whole; a line may break between any
/// two wide (CJK) characters, as Chinese text is written without spaces.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in s.lines() {
        // Units: a wide character alone, or a run of narrow characters up to and including a
        // space.
        let mut units: Vec<String> = Vec::new();
        let mut cur = String::new();
        for c in para.chars() {
            if char_width(c) == 2 {
                if !cur.is_empty() {
                    units.push(std::mem::take(&mut cur));
                }
                units.push(c.to_string());
            } else {
                cur.push(c);
                if c == ' ' {
                    units.push(std::mem::take(&mut cur));
                }
            }
        }
        if !cur.is_empty() {
            units.push(cur);
        }
        let mut line = String::new();
        let mut w = 0usize;
        for u in units {
            let uw: usize = u.chars().map(char_width).sum();
            let visible: usize = u.trim_end().chars().map(char_width).sum();
            if w + visible > width && !line.trim().is_empty() {
                lines.push(line.trim_end().to_string());
                line.clear();
                w = 0;
            }
            line.push_str(&u);
            w += uw;
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Renders the report as text.
pub fn render(r: &Report, o: TextOptions) -> String {
    let l = L { lang: o.lang };
    let lang = o.lang;
    let mut out = String::new();
    if let Some(s) = &r.symptom {
        let _ = writeln!(
            out,
            "{} {}",
            paint(o.color, "1", l.s("Error reported:", "报告的错误：")),
            s.raw
        );
        for c in &s.codes {
            let _ = writeln!(
                out,
                "  {} = {} ({}){}",
                c.hex,
                c.name.as_deref().unwrap_or(l.s("unknown code", "未知代码")),
                c.facility,
                c.message
                    .as_ref()
                    .map(|m| format!(": {}", m.get(lang)))
                    .unwrap_or_default()
            );
        }
        for m in &s.messages {
            let _ = writeln!(out, "  [{}] {}", m.source, m.meaning.get(lang));
        }
        let _ = writeln!(out);
    }
    if r.diagnoses.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            paint(o.color, "1;32", l.s("No problem found.", "未发现问题。"))
        );
        let _ = writeln!(out);
    } else {
        let _ = writeln!(
            out,
            "{}",
            paint(
                o.color,
                "1",
                &match lang {
                    Lang::En => format!(
                        "Diagnosis ({} found, most likely first):",
                        r.diagnoses.len()
                    ),
                    Lang::ZhCn => format!(
                        "诊断结果（共 {} 项，按可能性从高到低）：",
                        r.diagnoses.len()
                    ),
                }
            )
        );
        let _ = writeln!(out);
        for (i, d) in r.diagnoses.iter().enumerate() {
            diagnosis(&mut out, d, i + 1, o, &l);
        }
    }
    if let Some(f) = &r.fallback {
        let _ = writeln!(
            out,
            "{}",
            paint(
                o.color,
                "1",
                l.s("General troubleshooting:", "通用排查步骤：")
            )
        );
        let _ = writeln!(out, "  {}", f.reason.get(lang));
        for (i, s) in f.steps.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}", i + 1, s.text.get(lang));
            for c in &s.commands {
                let _ = writeln!(
                    out,
                    "       [{}] {}",
                    c.platform,
                    paint(o.color, "36", &c.line)
                );
            }
        }
        let _ = writeln!(out);
    }
    if !r.observations.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            paint(
                o.color,
                "1",
                l.s("Notes (not problems):", "提示（非故障）：")
            )
        );
        for d in &r.observations {
            let _ = writeln!(out, "  - {} [{}]", d.title.get(lang), d.id);
            for e in &d.evidence {
                let _ = writeln!(out, "      {}", e.get(lang));
            }
        }
        let _ = writeln!(out);
    }
    if !r.inputs.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            paint(o.color, "1", l.s("Files read:", "已读取的文件："))
        );
        for f in &r.inputs {
            let _ = writeln!(out, "  {} ({})", f.file, f.format);
            for h in &f.holds {
                let _ = writeln!(out, "    - {h}");
            }
            for p in &f.problems {
                let _ = writeln!(out, "    ! {p}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_latin_by_words_and_chinese_by_characters() {
        let l = wrap("aaa bbb ccc", 7);
        assert_eq!(l, vec!["aaa bbb", "ccc"]);
        let zh = wrap("证书链不完整证书链不完整", 10);
        assert_eq!(zh, vec!["证书链不完", "整证书链不", "完整"]);
        let mixed = wrap("请运行 certutil -verify 检查", 12);
        assert!(
            mixed
                .iter()
                .all(|x| x.chars().map(super::char_width).sum::<usize>() <= 12),
            "{mixed:?}"
        );
    }
}
