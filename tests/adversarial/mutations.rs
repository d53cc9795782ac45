//! A property over mutated inputs: whatever a template becomes (bytes flipped, cut,
//! repeated, or hostile tokens spliced in), checking it and rendering the result in
//! every format never panics, and a run ends within the work budget. The inputs are
//! the repository's fixtures (and, with the corpus switch, the corpus's templates);
//! the mutations come from a fixed seed, so a failure names an input that reproduces.

use std::sync::Arc;

use acrlint::{check_source, Disk, Overlay, Report};

use super::*;

/// Tokens that stress the parsers and the evaluator.
const HOSTILE: &[&str] = &[
    "[",
    "]",
    "'",
    "\"",
    "{",
    "}",
    ",",
    "..",
    "../../",
    "/etc/passwd",
    "[range(0, 10000)]",
    "[concat(variables('x'), variables('x'))]",
    "\u{202e}",
    "\u{0}",
    "\u{1b}[31m",
    "\u{feff}",
    "\\u0000",
    "1e400",
    "-9223372036854775808",
    "${",
    "loadTextContent('../../x')",
    "module m '../m.bicep' = {}",
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `text` changed in one of a few ways, at places `rng` picks (on character
/// boundaries: the checked text is UTF-8, as a decoded file is).
fn mutate(text: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let at = rng.below(n + 1);
    let len = rng.below(64).min(n - at.min(n));
    let mut out: Vec<char> = chars[..at].to_vec();
    match rng.below(5) {
        // Cut a range.
        0 => out.extend(&chars[at + len..]),
        // Repeat a range many times.
        1 => {
            for _ in 0..(1 + rng.below(50)) {
                out.extend(&chars[at..at + len]);
            }
            out.extend(&chars[at..]);
        }
        // Replace a character by another byte-sized one.
        2 => {
            out.push(char::from(rng.below(128) as u8));
            out.extend(chars.iter().skip(at + 1));
        }
        // Splice a hostile token in.
        3 => {
            out.extend(HOSTILE[rng.below(HOSTILE.len())].chars());
            out.extend(&chars[at..]);
        }
        // Swap two ranges (structure moves).
        _ => {
            let other = rng.below(n + 1);
            let (a, b) = (at.min(other), at.max(other));
            out = chars[..a].to_vec();
            out.extend(&chars[b..]);
            out.extend(&chars[a..b]);
        }
    }
    out.into_iter().collect()
}

fn inputs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    #[allow(unused_mut)]
    let mut roots = vec![PathBuf::from("tests/fixtures")];
    #[cfg(feature = "corpus")]
    roots.push(acrlint::test_support::shared("corpus/acr"));
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "bicep" | "bicepparam")
            ) && p.metadata().is_ok_and(|m| m.len() < 64 * 1024)
            {
                out.push(p);
            }
        }
    }
    for r in roots {
        walk(&r, &mut out);
    }
    out
}

#[test]
fn mutated_templates_never_panic() {
    let engine = engine();
    let options = CheckOptions {
        expand: ExpandOptions {
            limits: acrlint::limits::Limits {
                eval_steps: 2_000_000,
                value_cells: 1_000_000,
                ..Default::default()
            },
            ..Default::default()
        },
        ..Default::default()
    };
    let files = inputs();
    assert!(files.len() > 20, "too few inputs: {}", files.len());
    let per_file = if cfg!(feature = "corpus") { 3 } else { 6 };
    let mut checked = 0;
    for (i, path) in files.iter().enumerate() {
        let Ok(original) = std::fs::read_to_string(path) else {
            continue;
        };
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1));
        for round in 0..per_file {
            let mut text = mutate(&original, &mut rng);
            if round % 2 == 1 {
                text = mutate(&text, &mut rng);
            }
            let mut overlay = Overlay::new(&Disk);
            overlay.set(path, Arc::new(text.clone()));
            let started = Instant::now();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let o = check_source(path, &overlay, true, &engine, &options);
                let mut report = Report::default();
                report.files.push(path.clone());
                if let Some(s) = &o.source {
                    report.sources.insert(path.clone(), s.clone());
                }
                report.findings = o.findings.clone();
                for format in [
                    Format::Text,
                    Format::Json,
                    Format::Sarif,
                    Format::Junit,
                    Format::Github,
                    Format::Gitlab,
                    Format::Markdown,
                ] {
                    let _ = render(&report, format, &acrlint::RenderOptions::default());
                }
            }));
            assert!(
                outcome.is_ok(),
                "{} (input {i}, round {round}) panicked on:\n{text}",
                path.display()
            );
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{} (input {i}, round {round}) took {:?}",
                path.display(),
                started.elapsed()
            );
            checked += 1;
        }
    }
    assert!(checked >= files.len() * per_file / 2, "{checked} checked");
}
