//! Every output format (text, JSON, SARIF, JUnit, GitHub) fed findings built from any
//! bytes: odd paths, control characters and bidirectional or invisible code points,
//! long lines (sources and messages of up to 64 KB, a line repeated), positions past
//! the end of the source. Checked: no panic; text, GitHub and JUnit output hold no
//! hazardous character (see `acrlint::hygiene`); JUnit holds no character
//! XML 1.0 forbids; source snippets are clipped (output stays proportional to the
//! findings, not to the length of the lines they are on).
#![no_main]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use acrlint::hygiene;
use acrlint::{
    render, Engine, Finding, Format, Level, LineCol, Location, Related, RenderOptions, Report,
    Status, Suppression,
};
use libfuzzer_sys::fuzz_target;

/// Reads little pieces off the input.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }
    fn num(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte() % 16, 0])
    }
    /// Text of any length the input holds (up to 64 KB); sometimes repeated into a
    /// long line.
    fn text(&mut self) -> String {
        let n = u16::from_le_bytes([self.byte(), self.byte()]) as usize;
        let n = n.min(self.0.len());
        let (t, rest) = self.0.split_at(n);
        self.0 = rest;
        let text = String::from_utf8_lossy(t).into_owned();
        match self.byte() % 8 {
            0 => text
                .repeat(1 + self.byte() as usize * 64)
                .chars()
                .take(1 << 20)
                .collect(),
            1 => format!("{text}\u{202e}\u{1b}[2J\u{7}\u{0}\u{2028}\u{feff}\u{fffe}\u{ffff}\u{85}"),
            _ => text,
        }
    }
    fn location(&mut self, files: &[PathBuf]) -> Location {
        let file = files[self.byte() as usize % files.len()].clone();
        let (l1, c1, l2, c2) = (self.num(), self.num(), self.num(), self.num());
        Location {
            file,
            start: LineCol {
                line: l1,
                column: c1,
            },
            end: LineCol {
                line: l2,
                column: c2,
            },
            byte_start: self.num(),
            byte_end: self.num(),
        }
    }
}

fn rules() -> &'static Vec<acrlint::RuleMeta> {
    static RULES: OnceLock<Vec<acrlint::RuleMeta>> = OnceLock::new();
    RULES.get_or_init(|| Engine::builtin().map(|e| e.metas()).unwrap_or_default())
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let files: Vec<PathBuf> = (0..3)
        .map(|i| PathBuf::from(format!("dir {i}/{}.json", b.text())))
        .collect();
    let mut report = Report {
        rules: rules().clone(),
        files: files.clone(),
        ..Default::default()
    };
    for f in &files {
        if b.byte() % 2 == 0 {
            report.sources.insert(f.clone(), Arc::from(b.text()));
        }
    }
    let rules = ["ACR000", "ACR001", "ACR003", "NOPE", ""];
    while !b.0.is_empty() && report.findings.len() < 20 {
        let rule = rules[b.byte() as usize % rules.len()].to_string();
        let level = [Level::Error, Level::Warning, Level::Note][b.byte() as usize % 3];
        let status = if b.byte() % 2 == 0 {
            Status::Fail
        } else {
            Status::Possible
        };
        let location = b.location(&files);
        let related = (0..b.byte() % 3)
            .map(|_| Related {
                location: b.location(&files),
                message: b.text(),
            })
            .collect();
        let suppression = (b.byte() % 4 == 0).then(|| Suppression {
            kind: "inSource".into(),
            justification: Some(b.text()),
        });
        report.findings.push(Finding {
            rule,
            level,
            status,
            location,
            resource_type: Some(b.text()),
            resource_name: Some(b.text()),
            message: b.text(),
            related,
            fingerprint: b.text(),
            suppression,
            repair: None,
        });
    }
    report.findings.sort_by_key(Finding::sort_key);
    for format in [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
    ] {
        let colored = RenderOptions {
            color: true,
            ..RenderOptions::default()
        };
        let _ = render(&report, format, &colored);
        let Ok(out) = render(&report, format, &RenderOptions::default()) else {
            continue;
        };
        if matches!(format, Format::Text | Format::Github | Format::Junit) {
            let bad: Vec<char> = out
                .chars()
                .filter(|&c| hygiene::is_hazard(c) && c != '\n' && c != '\t' && c != '\r')
                .collect();
            assert!(bad.is_empty(), "{format:?}: {bad:?}");
        }
        if format == Format::Junit {
            assert!(out.chars().all(|c| {
                let n = c as u32;
                matches!(n, 0x9 | 0xA | 0xD)
                    || (0x20..=0xD7FF).contains(&n)
                    || (0xE000..=0xFFFD).contains(&n)
                    || n >= 0x10000
            }));
        }
        // Snippets are windows: each finding costs a bounded amount of output beyond
        // its own strings (messages, names and paths are shown whole).
        if format == Format::Text {
            let strings: usize = report
                .findings
                .iter()
                .map(|f| {
                    f.message.len() * 8
                        + f.related
                            .iter()
                            .map(|r| r.message.len() * 8 + 64)
                            .sum::<usize>()
                        + f.location.file.as_os_str().len() * 16
                })
                .sum();
            assert!(
                out.len() <= 64 * 1024 + strings + report.findings.len() * 16 * 1024,
                "{} bytes of text for {} findings",
                out.len(),
                report.findings.len()
            );
        }
    }
});
