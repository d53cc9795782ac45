//! No input makes the parser panic, loop, overflow the stack or produce a span
//! that cannot slice the file.

use super::*;
use crate::source::bicep::{parse, MAX_DIAGNOSTICS};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Run `work` on its own thread with the default test stack; fail if it panics
/// or does not finish within `limit` (an infinite loop would otherwise hang).
fn within(limit: Duration, work: impl FnOnce() + Send + 'static) {
    let (done, wait) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            work();
            let _ = done.send(());
        })
        .unwrap_or_else(|e| panic!("cannot spawn: {e}"));
    match wait.recv_timeout(limit) {
        Ok(()) => {
            let _ = handle.join();
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let result = handle.join();
            panic!(
                "parser thread panicked: {:?}",
                result.err().map(|e| format!("{e:?}"))
            );
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("parsing did not finish within {limit:?}"),
    }
}

/// Every span in the tree slices `text`.
fn check_spans(text: &str, parsed: &ParsedFile) {
    let ok = |s: Span, what: &str| {
        assert!(
            s.start <= s.end && text.get(s.start as usize..s.end as usize).is_some(),
            "bad {what} span {s:?} in a {}-byte text",
            text.len()
        );
    };
    for d in &parsed.diagnostics {
        ok(d.span, "diagnostic");
    }
    for c in &parsed.comments {
        ok(c.span, "comment");
    }
    for p in &parsed.pragmas {
        ok(p.span, "pragma");
    }
    for s in &parsed.program.statements {
        statement_spans(s, &ok);
    }
}

fn statement_spans(s: &Statement, ok: &dyn Fn(Span, &str)) {
    ok(s.span, "statement");
    ok(s.keyword_span, "keyword");
    for d in &s.decorators {
        ok(d.span, "decorator");
        expr_spans(&d.expr, ok);
    }
    if let Some(n) = s.name() {
        ok(n.span, "name");
    }
    match &s.kind {
        StatementKind::TargetScope { value }
        | StatementKind::Metadata { value, .. }
        | StatementKind::Assert { value, .. } => expr_spans(value, ok),
        StatementKind::Param { ty, default, .. } => {
            ty.iter().for_each(|t| type_spans(t, ok));
            default.iter().for_each(|e| expr_spans(e, ok));
        }
        StatementKind::Var { ty, value, .. } => {
            ty.iter().for_each(|t| type_spans(t, ok));
            expr_spans(value, ok);
        }
        StatementKind::Output { ty, value, .. } => {
            type_spans(ty, ok);
            expr_spans(value, ok);
        }
        StatementKind::Resource(r) => {
            string_spans(&r.type_string, ok);
            expr_spans(&r.body, ok);
        }
        StatementKind::Module { path, body, .. } | StatementKind::Test { path, body, .. } => {
            string_spans(path, ok);
            expr_spans(body, ok);
        }
        StatementKind::Type { value, .. } => type_spans(value, ok),
        StatementKind::Func {
            params,
            return_type,
            body,
            ..
        } => {
            for p in params {
                ok(p.span, "func param");
                type_spans(&p.ty, ok);
            }
            type_spans(return_type, ok);
            expr_spans(body, ok);
        }
        StatementKind::Import { from, .. } | StatementKind::Extends { path: from } => {
            string_spans(from, ok)
        }
        StatementKind::Extension { config, .. } | StatementKind::Using { config, .. } => {
            config.iter().for_each(|e| expr_spans(e, ok));
        }
        StatementKind::Pragma(p) => ok(p.span, "pragma"),
    }
}

fn string_spans(s: &StringLit, ok: &dyn Fn(Span, &str)) {
    ok(s.span, "string");
    for seg in &s.segments {
        match seg {
            StringSegment::Text { span, .. } => ok(*span, "string text"),
            StringSegment::Expr(e) => expr_spans(e, ok),
        }
    }
}

fn expr_spans(e: &Expr, ok: &dyn Fn(Span, &str)) {
    ok(e.span, "expression");
    match &e.kind {
        ExprKind::String(s) => string_spans(s, ok),
        ExprKind::Array(items) => {
            for i in items {
                match i {
                    ArrayItem::Value(v) => expr_spans(v, ok),
                    ArrayItem::Spread { expr, span } => {
                        ok(*span, "spread");
                        expr_spans(expr, ok);
                    }
                }
            }
        }
        ExprKind::Object(items) => {
            for i in items {
                match i {
                    ObjectItem::Property(p) => {
                        ok(p.span, "property");
                        ok(p.key.span(), "key");
                        expr_spans(&p.value, ok);
                    }
                    ObjectItem::Spread { expr, span } => {
                        ok(*span, "spread");
                        expr_spans(expr, ok);
                    }
                    ObjectItem::Resource(s) => statement_spans(s, ok),
                }
            }
        }
        ExprKind::Call { target, args, name } => {
            ok(name.span, "call name");
            target.iter().for_each(|t| expr_spans(t, ok));
            args.iter().for_each(|a| expr_spans(a, ok));
        }
        ExprKind::Property { target, .. } | ExprKind::ResourceAccess { target, .. } => {
            expr_spans(target, ok)
        }
        ExprKind::Index { target, index, .. } => {
            expr_spans(target, ok);
            expr_spans(index, ok);
        }
        ExprKind::NonNull(x) | ExprKind::Paren(x) | ExprKind::Unary { operand: x, .. } => {
            expr_spans(x, ok)
        }
        ExprKind::Binary { left, right, .. } => {
            expr_spans(left, ok);
            expr_spans(right, ok);
        }
        ExprKind::Ternary {
            condition,
            then,
            otherwise,
        } => {
            expr_spans(condition, ok);
            expr_spans(then, ok);
            expr_spans(otherwise, ok);
        }
        ExprKind::Lambda { params, body } => {
            params.iter().for_each(|p| ok(p.span, "lambda param"));
            expr_spans(body, ok);
        }
        ExprKind::For(f) => {
            ok(f.item.span, "loop item");
            expr_spans(&f.iterable, ok);
            expr_spans(&f.body, ok);
        }
        ExprKind::If { condition, body } => {
            expr_spans(condition, ok);
            expr_spans(body, ok);
        }
        ExprKind::Int(_)
        | ExprKind::Bool(_)
        | ExprKind::Null
        | ExprKind::Var(_)
        | ExprKind::Error => {}
    }
}

fn type_spans(t: &TypeExpr, ok: &dyn Fn(Span, &str)) {
    ok(t.span, "type");
    match &t.kind {
        TypeKind::Property { target, .. }
        | TypeKind::Items(target)
        | TypeKind::AdditionalProperties(target)
        | TypeKind::Array(target)
        | TypeKind::Nullable(target)
        | TypeKind::NonNull(target)
        | TypeKind::Paren(target)
        | TypeKind::Unary {
            operand: target, ..
        } => type_spans(target, ok),
        TypeKind::Parameterized { target, args, .. } => {
            target.iter().for_each(|t| type_spans(t, ok));
            args.iter().for_each(|a| type_spans(a, ok));
        }
        TypeKind::Index { target, index } => {
            type_spans(target, ok);
            expr_spans(index, ok);
        }
        TypeKind::Union(members) => members.iter().for_each(|m| type_spans(m, ok)),
        TypeKind::Object(members) => {
            for m in members {
                ok(m.span, "type member");
                m.decorators.iter().for_each(|d| expr_spans(&d.expr, ok));
                type_spans(&m.value, ok);
            }
        }
        TypeKind::Tuple(items) => {
            for i in items {
                ok(i.span, "tuple item");
                type_spans(&i.value, ok);
            }
        }
        TypeKind::String(s) | TypeKind::Resource(Some(s)) => string_spans(s, ok),
        _ => {}
    }
}

fn parse_checked(text: &str) -> ParsedFile {
    let parsed = parse(text);
    check_spans(text, &parsed);
    assert!(parsed.diagnostics.len() <= MAX_DIAGNOSTICS);
    parsed
}

/// Deterministic xorshift, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[cfg(feature = "corpus")]
fn baseline(name: &str) -> String {
    read(
        &corpus()
            .join("bicep-baselines")
            .join(name)
            .join("main.bicep"),
    )
}

#[cfg(feature = "corpus")]
#[test]
fn the_whole_corpus_has_valid_spans() {
    let files = files_under(&corpus(), &|p: &std::path::Path| {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("bicep" | "bicepparam")
        )
    });
    assert!(files.len() > 200);
    for f in files {
        parse_checked(&read(&f));
    }
}

/// Every prefix (every `stride`-th byte) of each text parses without a panic.
fn every_prefix_parses(texts: Vec<(String, usize)>) {
    within(Duration::from_secs(120), move || {
        for (text, stride) in texts {
            let mut cut = 0;
            while cut < text.len() {
                if text.is_char_boundary(cut) {
                    parse_checked(&text[..cut]);
                }
                cut += stride;
            }
        }
    });
}

/// Random ASCII byte mutations of each text parse without a panic, quickly.
fn byte_mutations_parse(texts: Vec<(&'static str, String)>) {
    const INTERESTING: &[u8] = b"{}[]()'$\n\r:=@#/*!?.,|<>^&-+ \\x0";
    within(Duration::from_secs(120), move || {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for (name, text) in texts {
            let original = text.into_bytes();
            for _ in 0..150 {
                let mut bytes = original.clone();
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(bytes.len());
                    // Only ASCII bytes are replaced, by ASCII: the text stays UTF-8.
                    if bytes[at].is_ascii() {
                        bytes[at] = INTERESTING[rng.below(INTERESTING.len())];
                    }
                }
                let text = String::from_utf8(bytes)
                    .unwrap_or_else(|e| panic!("mutation broke UTF-8: {e}"));
                let started = Instant::now();
                parse_checked(&text);
                assert!(
                    started.elapsed() < Duration::from_secs(2),
                    "slow parse of a mutated {name}"
                );
            }
        }
    });
}

#[test]
fn every_prefix_of_the_syntax_fixtures_parses_without_panic() {
    let tour = syntax_fixture("main.bicep");
    // The fixture itself is valid Bicep: a prefix test on broken text proves less.
    parse_ok(&tour);
    parse_ok(&syntax_fixture("crlf.bicep"));
    every_prefix_parses(vec![(tour, 1), (syntax_fixture("crlf.bicep"), 1)]);
}

#[test]
fn byte_mutations_of_the_syntax_fixtures_parse_without_panic() {
    byte_mutations_parse(vec![
        ("main.bicep", syntax_fixture("main.bicep")),
        ("crlf.bicep", syntax_fixture("crlf.bicep")),
        ("types.bicep", syntax_fixture("types.bicep")),
    ]);
}

#[cfg(feature = "corpus")]
#[test]
fn every_prefix_of_corpus_files_parses_without_panic() {
    every_prefix_parses(
        [
            ("MultilineStrings_LF", 1),
            ("Lambdas_LF", 1),
            ("TypeDeclarations_LF", 1),
            ("Unicode_LF", 1),
            ("NewlineSensitivity_LF", 1),
            ("Resources_CRLF", 7),
        ]
        .into_iter()
        .map(|(name, stride)| (baseline(name), stride))
        .collect(),
    );
}

#[cfg(feature = "corpus")]
#[test]
fn byte_mutations_of_corpus_files_parse_without_panic() {
    byte_mutations_parse(
        [
            "Loops_LF",
            "TypeDeclarations_LF",
            "Modules_CRLF",
            "Functions_LF",
            "Variables_LF",
        ]
        .into_iter()
        .map(|name| (name, baseline(name)))
        .collect(),
    );
}

#[test]
fn random_token_soup_parses_without_panic() {
    const VOCABULARY: &[&str] = &[
        "param ",
        "var ",
        "resource ",
        "module ",
        "output ",
        "type ",
        "func ",
        "import ",
        "using ",
        "if ",
        "for ",
        "in ",
        "existing ",
        "x ",
        "y ",
        "'s' ",
        "'a${",
        "}",
        "'''m''' ",
        "$'''${",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ",",
        ":",
        "::",
        "=",
        "=>",
        "==",
        "?",
        "??",
        ".",
        ".?",
        "!",
        "...",
        "@",
        "@d()\n",
        "#disable-next-line x\n",
        "\n",
        "\r\n",
        "1",
        "-",
        "+",
        "&&",
        "||",
        "|",
        "<",
        ">",
        "/*",
        "*/",
        "//",
        "'T@1' ",
        "true ",
        "null ",
        "*",
        "^",
        "\\",
        "\"",
    ];
    within(Duration::from_secs(120), || {
        let mut rng = Rng(42);
        for _ in 0..3000 {
            let n = 1 + rng.below(60);
            let text: String = (0..n)
                .map(|_| VOCABULARY[rng.below(VOCABULARY.len())])
                .collect();
            parse_checked(&text);
        }
    });
}

#[test]
fn deep_nesting_is_reported_not_a_stack_overflow() {
    within(Duration::from_secs(60), || {
        let n = 20_000;
        let cases = [
            format!("var x = {}", "[".repeat(n)),
            format!("var x = {}1{}", "(".repeat(n), ")".repeat(n)),
            format!("var x = {}", "{a:".repeat(n)),
            format!("var x = {}", "{\na: ".repeat(n)),
            format!("var x = {}", "'${".repeat(n)),
            format!("var x = {}", "a ? b : ".repeat(n)),
            format!("var x = {}", "f(".repeat(n)),
            format!("var x = {}", "x => ".repeat(n)),
            format!("type t = {}", "(".repeat(n)),
            format!("type t = {}", "{a: ".repeat(n)),
            format!("type t = {}", "[".repeat(n)),
            format!("type t = {}", "x<".repeat(n)),
            "resource r 'T@1' = {\nresource c 'T@1' = {\n".repeat(n / 2),
        ];
        for text in &cases {
            let parsed = parse_checked(text);
            assert!(
                parsed
                    .diagnostics
                    .iter()
                    .any(|d| d.message.contains("nesting deeper")),
                "no depth diagnostic for {:?}...",
                &text[..40]
            );
        }
        // Chains are parsed by loops, but each link nests the tree one level deeper,
        // so they are bounded too: the tree stays shallow enough to walk and drop.
        let chains = [
            format!("var x = !{}a", "!".repeat(n)),
            format!("var x = a{}", ".b".repeat(n)),
            format!("var x = a{}", "!".repeat(n)),
            format!("var x = 1{}", " + 1".repeat(n)),
            format!("type t = int{}", "[]".repeat(n)),
            format!("type t = int{}", " ?".repeat(n)),
            format!("type t = {}int", "-".repeat(n)),
        ];
        for text in &chains {
            let parsed = parse_checked(text);
            assert!(
                parsed
                    .diagnostics
                    .iter()
                    .any(|d| d.message.contains("nesting deeper")),
                "{:?}",
                &text[..30]
            );
        }
        // Realistic chains are far below the limit.
        parse_ok(&format!("var x = a{}\n", " && a".repeat(60)));
        parse_ok(&format!("var x = a{}\n", ".b[0]".repeat(30)));
        // Wide structures are lists, not nesting: no limit.
        let wide = [
            format!("var x = [{}]", "1, ".repeat(n)),
            format!("var x = {{{}}}", "a: 1\n".repeat(n)),
            format!("var x = '{}'", "${a}".repeat(n)),
            format!("type t = {}", "'a' | ".repeat(n) + "'b'"),
            "param p string\n".repeat(n),
        ];
        for text in &wide {
            let parsed = parse_checked(text);
            assert!(
                parsed.diagnostics.is_empty(),
                "{:?}",
                parsed.diagnostics.first()
            );
        }
    });
}

#[test]
fn garbage_input_keeps_diagnostics_bounded() {
    let text: String = "\u{1}\"§ ".repeat(100_000);
    let parsed = parse_checked(&text);
    assert_eq!(parsed.diagnostics.len(), MAX_DIAGNOSTICS);
    assert!(parsed.program.statements.is_empty());
    for tiny in [
        "", "\u{feff}", "@", "'", "'''", "$'''${", "}", "#", "/*", "resource", "param x", "\r",
    ] {
        parse_checked(tiny);
    }
}

/// Timing of the largest corpus files (run with `--ignored --nocapture`).
#[cfg(feature = "corpus")]
#[test]
#[ignore]
fn timing_of_the_largest_files() {
    let mut files: Vec<(u64, std::path::PathBuf)> =
        files_under(&corpus(), &|p: &std::path::Path| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("bicep" | "bicepparam")
            )
        })
        .into_iter()
        .map(|p| (std::fs::metadata(&p).map_or(0, |m| m.len()), p))
        .collect();
    files.sort();
    for (size, path) in files.iter().rev().take(5) {
        let text = read(path);
        let runs = 20;
        let started = Instant::now();
        for _ in 0..runs {
            std::hint::black_box(parse(&text));
        }
        let each = started.elapsed() / runs;
        println!("{size:>7} bytes  {each:>10.2?}  {}", path.display());
    }
    // Linear, not quadratic: 16 copies of a large ACR file take ~16x as long
    // (measured per copy at 1, 4, 16 and 64 copies: flat, within machine noise).
    if let Some((_, path)) = files.iter().rev().nth(1) {
        let one = read(path);
        let many = one.repeat(16);
        let time = |text: &str| {
            let started = Instant::now();
            for _ in 0..5 {
                std::hint::black_box(parse(text));
            }
            started.elapsed() / 5
        };
        let (t1, t16) = (time(&one), time(&many));
        println!(
            "1 copy {t1:.2?}, 16 copies {t16:.2?} (ratio {:.1})",
            t16.as_secs_f64() / t1.as_secs_f64()
        );
    }
}
