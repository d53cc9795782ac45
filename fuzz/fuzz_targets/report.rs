//! Every output format (text, JSON, SARIF, JUnit, GitHub) fed findings built from any
//! bytes: odd paths, control characters, positions past the end of the source.
#![no_main]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use acrlint::{
    render, Engine, Finding, Format, Level, LineCol, Location, Related, Report, Status, Suppression,
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
        u32::from_le_bytes([self.byte(), self.byte(), 0, 0]) % 5000
    }
    fn text(&mut self) -> String {
        let n = (self.byte() % 40) as usize;
        let n = n.min(self.0.len());
        let (t, rest) = self.0.split_at(n);
        self.0 = rest;
        String::from_utf8_lossy(t).into_owned()
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
        let _ = render(&report, format, false);
        let _ = render(&report, format, true);
    }
});
