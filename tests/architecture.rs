//! The architecture's invariants (ARCHITECTURE.md), checked on the source tree.
//!
//! Every path in `src/` that names a module of the crate (`crate::…`, `super::…`,
//! `self::…`, in `use` items, grouped or not, and in expressions) is an edge from the
//! module whose file holds it to the module it names. Two rules hold:
//!
//! - **Floors**: a top-level module imports only from the floors below it (or from
//!   itself); floors of one rank do not import each other.
//! - **No cycles between siblings**: inside any folder, the modules (files or
//!   sub-folders) never import each other in a cycle. A module and its own
//!   sub-modules are exempt (a parent re-exports its children, children read their
//!   parent's items), and so is test code (`#[cfg(test)]` items and modules): a unit
//!   test of a lower piece may drive it through a higher one. Test code still keeps
//!   to the floors.
//!
//! - **Nothing below `load` touches the file system**: `source`, `arm` and `lower`
//!   read files only through the `Sources` they are given (`std::fs`, `File`,
//!   `OpenOptions` and `Path`'s own `is_file()`, `exists()`, `metadata()`,
//!   `canonicalize()`, `read_dir()` do not appear outside their test code).
//!
//! A scan rather than one crate per floor: the floors stay one crate, so `pub(crate)`
//! keeps working, the build stays one compilation unit, and a floor is a folder that
//! can be split or moved with `git mv`; and the same scan also catches cycles inside a
//! floor, which crates would not.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The floors, lowest first. Each may import only from the ranks before it.
/// `test_support` (compiled for tests only) imports nothing and serves every floor.
const FLOORS: &[&[&str]] = &[
    &["test_support"],
    &["source"],
    &["arm"],
    &["lower"],
    &["load"],
    &["rules"],
    &["check"],
    &["fix", "new", "registry"],
    &["report"],
    &["lsp"],
    &["cli"],
];

type ModPath = Vec<String>;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Punct(&'static str),
    /// A string literal's text between its quotes (escapes left as written).
    Str(String),
    Other,
}

/// Tokens of a Rust file with their line numbers; comments and character literals are
/// dropped, strings are one token (they may mention `crate::` without importing
/// anything).
fn tokens(text: &str) -> Vec<(Tok, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let n = chars.len();
    let count_lines =
        |from: usize, to: usize| chars[from..to].iter().filter(|c| **c == '\n').count();
    while i < n {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < n && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let start = i;
            let mut depth = 0;
            while i < n {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            line += count_lines(start, i.min(n));
        } else if let Some(end) = raw_string_end(&chars, i) {
            line += count_lines(i, end);
            let text: String = chars[i..end].iter().collect();
            let body = text.trim_start_matches(['b', 'r']).trim_matches('#');
            let body = body.strip_prefix('"').unwrap_or(body);
            let body = body.strip_suffix('"').unwrap_or(body);
            out.push((Tok::Str(body.to_string()), line));
            i = end;
        } else if c == '"' || (c == 'b' && chars.get(i + 1) == Some(&'"')) {
            let start = i;
            i += if c == 'b' { 2 } else { 1 };
            while i < n && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            line += count_lines(start, i.min(n));
            let body = start + if c == 'b' { 2 } else { 1 };
            let text: String = chars[body.min(n)..(i - 1).clamp(body.min(n), n)]
                .iter()
                .collect();
            out.push((Tok::Str(text), line));
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{1F600}') or a lifetime ('a).
            if chars.get(i + 1) == Some(&'\\') {
                i += 3;
                while i < n && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
            out.push((Tok::Other, line));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < n && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // Raw identifiers: r#name.
            if word == "r" && chars.get(i) == Some(&'#') {
                i += 1;
                continue;
            }
            out.push((Tok::Ident(word), line));
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push((Tok::Punct("::"), line));
            i += 2;
        } else {
            let p = match c {
                '{' => Some("{"),
                '}' => Some("}"),
                ',' => Some(","),
                ';' => Some(";"),
                '*' => Some("*"),
                '#' => Some("#"),
                '[' => Some("["),
                ']' => Some("]"),
                '=' => Some("="),
                '.' => Some("."),
                '(' => Some("("),
                ')' => Some(")"),
                _ => None,
            };
            out.push((p.map_or(Tok::Other, Tok::Punct), line));
            i += 1;
        }
    }
    out
}

/// The end of a raw string (`r"…"`, `r#"…"#`, `br#"…"#`) starting at `i`.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    // Not the tail of an identifier (`bar"` is not a raw string).
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(chars.len())
}

/// One `.rs` file of the crate and the module it is.
struct SourceFile {
    path: PathBuf,
    module: ModPath,
    tokens: Vec<(Tok, usize)>,
    /// Compiled for tests only (declared under `#[cfg(test)]`, or inside such a module).
    test: bool,
}

/// Token ranges of `#[cfg(test)]` items (each attribute through the end of its item),
/// and the modules declared there as files (`#[cfg(test)] mod tests;`).
fn test_items(t: &[(Tok, usize)]) -> (Vec<(usize, usize)>, Vec<String>) {
    let mut ranges = Vec::new();
    let mut modules = Vec::new();
    let is = |i: usize, p: &str| matches!(t.get(i), Some((Tok::Punct(q), _)) if *q == p);
    let word = |i: usize, w: &str| matches!(t.get(i), Some((Tok::Ident(s), _)) if s == w);
    for i in 0..t.len() {
        let attribute = is(i, "#")
            && is(i + 1, "[")
            && word(i + 2, "cfg")
            && is(i + 3, "(")
            && word(i + 4, "test")
            && is(i + 5, ")")
            && is(i + 6, "]");
        if !attribute {
            continue;
        }
        // The item ends at its first `;` before any `{`, or at the `}` matching it.
        let mut j = i + 7;
        let mut depth = 0usize;
        let mut opened = false;
        while j < t.len() {
            if is(j, "{") {
                depth += 1;
                opened = true;
            } else if is(j, "}") {
                depth = depth.saturating_sub(1);
                if opened && depth == 0 {
                    break;
                }
            } else if is(j, ";") && !opened {
                if word(j.wrapping_sub(2), "mod") {
                    if let Some((Tok::Ident(name), _)) = t.get(j - 1) {
                        modules.push(name.clone());
                    }
                }
                break;
            }
            j += 1;
        }
        ranges.push((i, j));
    }
    (ranges, modules)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The module a file is by its place in the tree (`src/a/b.rs` and `src/a/b/mod.rs`
/// are `a::b`), before `#[path]` attributes are taken into account.
fn module_of(src: &Path, file: &Path) -> ModPath {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let mut parts: ModPath = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if stem != "mod" && stem != "lib" {
            parts.push(stem.to_string());
        }
    }
    parts
}

/// The crate's files with their modules (`#[path = "x.rs"] mod tests;` honoured).
fn crate_files(src: &Path) -> Vec<SourceFile> {
    let mut paths = Vec::new();
    rust_files(src, &mut paths);
    let mut files: Vec<SourceFile> = paths
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "main.rs"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            SourceFile {
                module: module_of(src, &path),
                tokens: tokens(&text),
                path,
                test: false,
            }
        })
        .collect();
    let mut renamed: HashMap<PathBuf, ModPath> = HashMap::new();
    for f in &files {
        let t = &f.tokens;
        for i in 0..t.len() {
            // # [ path = "file.rs" ] ... mod name ;
            if t[i].0 != Tok::Ident("path".into()) || i < 2 || t[i - 1].0 != Tok::Punct("[") {
                continue;
            }
            let Some(j) = (i..t.len().min(i + 12)).find(|&j| t[j].0 == Tok::Ident("mod".into()))
            else {
                continue;
            };
            let Some((Tok::Ident(name), _)) = t.get(j + 1) else {
                continue;
            };
            // The attribute's file sits beside the declaring file (for a non-mod.rs
            // file, in the folder of its module, as rustc resolves it).
            let text = std::fs::read_to_string(&f.path).unwrap();
            let Some(target) = text
                .lines()
                .nth(t[i].1 - 1)
                .and_then(|l| l.split('"').nth(1))
            else {
                continue;
            };
            let dir = f.path.parent().unwrap_or(src);
            let mut module = f.module.clone();
            module.push(name.clone());
            renamed.insert(dir.join(target), module);
        }
    }
    for f in &mut files {
        if let Some(m) = renamed.get(&f.path) {
            f.module = m.clone();
        }
    }
    let test_modules: Vec<ModPath> = files
        .iter()
        .flat_map(|f| {
            test_items(&f.tokens).1.into_iter().map(|name| {
                let mut m = f.module.clone();
                m.push(name);
                m
            })
        })
        .collect();
    for f in &mut files {
        f.test = test_modules.iter().any(|m| f.module.starts_with(m));
    }
    files
}

/// One import: from the file's module to the module a path names.
struct Edge {
    from: ModPath,
    to: ModPath,
    file: PathBuf,
    line: usize,
    /// The import is in test code.
    test: bool,
}

fn ident(t: &[(Tok, usize)], i: usize) -> Option<&str> {
    match t.get(i) {
        Some((Tok::Ident(s), _)) => Some(s),
        _ => None,
    }
}

fn punct(t: &[(Tok, usize)], i: usize, p: &str) -> bool {
    matches!(t.get(i), Some((Tok::Punct(q), _)) if *q == p)
}

/// The paths of a use tree starting at token `i` (after the prefix), expanding groups;
/// returns them with the index after the tree.
fn use_tree(
    t: &[(Tok, usize)],
    mut i: usize,
    prefix: ModPath,
    module: &ModPath,
) -> (Vec<ModPath>, usize) {
    let mut path = prefix;
    loop {
        if punct(t, i, "{") {
            let mut all = Vec::new();
            i += 1;
            while i < t.len() && !punct(t, i, "}") {
                let (paths, next) = use_tree(t, i, path.clone(), module);
                all.extend(paths);
                i = next;
                if punct(t, i, ",") {
                    i += 1;
                } else if !punct(t, i, "}") {
                    break;
                }
            }
            return (all, i + 1);
        }
        if punct(t, i, "*") {
            return (vec![path], i + 1);
        }
        let Some(seg) = ident(t, i) else {
            return (vec![path], i);
        };
        match seg {
            "crate" => path.clear(),
            "super" => {
                path.pop();
            }
            "self" => {}
            s => path.push(s.to_string()),
        }
        i += 1;
        if punct(t, i, "::") {
            i += 1;
            continue;
        }
        // `as name`
        if ident(t, i) == Some("as") {
            i += 2;
        }
        let _ = module;
        return (vec![path], i);
    }
}

/// Every import edge of a file.
fn edges_of(file: &SourceFile, modules: &BTreeSet<ModPath>) -> Vec<Edge> {
    let t = &file.tokens;
    let mut out = Vec::new();
    let test_ranges = test_items(t).0;
    // Inline modules (`mod tests { … }`) change what `self` and `super` mean.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < t.len() {
        if punct(t, i, "{") {
            depth += 1;
        } else if punct(t, i, "}") {
            depth = depth.saturating_sub(1);
            while inline.last().is_some_and(|(_, d)| *d > depth) {
                inline.pop();
            }
        } else if ident(t, i) == Some("mod") && punct(t, i + 2, "{") {
            if let Some(name) = ident(t, i + 1) {
                inline.push((name.to_string(), depth + 1));
            }
        }
        let starts_path = matches!(ident(t, i), Some("crate" | "super" | "self"))
            && punct(t, i + 1, "::")
            && !punct(t, i.wrapping_sub(1), "::");
        if !starts_path {
            i += 1;
            continue;
        }
        let mut here = file.module.clone();
        here.extend(inline.iter().map(|(n, _)| n.clone()));
        let line = t[i].1;
        let (paths, next) = use_tree(t, i, here.clone(), &here);
        for p in paths {
            // The longest prefix that is a module of the crate.
            let to = (0..=p.len())
                .rev()
                .map(|k| p[..k].to_vec())
                .find(|m| modules.contains(m))
                .unwrap_or_default();
            out.push(Edge {
                from: file.module.clone(),
                to,
                file: file.path.clone(),
                line,
                test: file.test || test_ranges.iter().any(|(a, b)| (*a..=*b).contains(&i)),
            });
        }
        i = next.max(i + 1);
    }
    out
}

fn all_edges() -> Vec<Edge> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = crate_files(&src);
    let modules: BTreeSet<ModPath> = files.iter().map(|f| f.module.clone()).collect();
    files.iter().flat_map(|f| edges_of(f, &modules)).collect()
}

fn rank(floor: &str) -> Option<usize> {
    FLOORS.iter().position(|r| r.contains(&floor))
}

fn show(e: &Edge) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    format!(
        "{}:{}: {} uses {}",
        e.file.strip_prefix(root).unwrap_or(&e.file).display(),
        e.line,
        e.from.join("::"),
        e.to.join("::")
    )
}

fn floor_violations(edges: &[Edge]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for e in edges {
        let (Some(from), Some(to)) = (e.from.first(), e.to.first()) else {
            continue;
        };
        if from == to {
            continue;
        }
        match (rank(from), rank(to)) {
            (Some(a), Some(b)) if b < a => false,
            (None, _) | (_, None) => out.insert(format!(
                "{}: a top-level module that is not a floor (add it to FLOORS and ARCHITECTURE.md)",
                show(e)
            )),
            _ => out.insert(format!("{}: `{from}` may not import from `{to}`", show(e))),
        };
    }
    out.into_iter().collect()
}

/// Cycles between sibling modules: for each folder, the graph of its children.
fn sibling_cycles(edges: &[Edge]) -> Vec<String> {
    // parent -> (child -> (child -> example edge))
    let mut graphs: BTreeMap<ModPath, BTreeMap<String, BTreeMap<String, &Edge>>> = BTreeMap::new();
    for e in edges.iter().filter(|e| !e.test) {
        let common = e.from.iter().zip(&e.to).take_while(|(a, b)| a == b).count();
        let (Some(a), Some(b)) = (e.from.get(common), e.to.get(common)) else {
            continue; // one contains the other
        };
        graphs
            .entry(e.from[..common].to_vec())
            .or_default()
            .entry(a.clone())
            .or_default()
            .entry(b.clone())
            .or_insert(e);
    }
    let mut out = Vec::new();
    for (parent, graph) in &graphs {
        for component in strongly_connected(graph) {
            if component.len() < 2 {
                continue;
            }
            let mut lines = vec![format!(
                "cycle in `{}`: {}",
                if parent.is_empty() {
                    "crate".into()
                } else {
                    parent.join("::")
                },
                component.iter().cloned().collect::<Vec<_>>().join(", ")
            )];
            for a in &component {
                for (b, e) in graph.get(a).into_iter().flatten() {
                    if component.contains(b) {
                        lines.push(format!("    {}", show(e)));
                    }
                }
            }
            out.push(lines.join("\n"));
        }
    }
    out
}

/// Tarjan's strongly connected components.
fn strongly_connected<V>(graph: &BTreeMap<String, BTreeMap<String, V>>) -> Vec<BTreeSet<String>> {
    struct State<'g> {
        index: HashMap<&'g str, usize>,
        low: HashMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'g, V>(v: &'g str, g: &'g BTreeMap<String, BTreeMap<String, V>>, s: &mut State<'g>) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in g.get(v).into_iter().flat_map(|m| m.keys()) {
            if !s.index.contains_key(w.as_str()) {
                visit(w, g, s);
                let lw = s.low[w.as_str()];
                let lv = s.low[v];
                s.low.insert(v, lv.min(lw));
            } else if s.on_stack.contains(w.as_str()) {
                let iw = s.index[w.as_str()];
                let lv = s.low[v];
                s.low.insert(v, lv.min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            s.out.push(component);
        }
    }
    let mut s = State {
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(v, graph, &mut s);
        }
    }
    s.out
}

/// The floors below `load`: analysis, which does no IO.
const NO_IO_BELOW: &str = "load";

/// Uses of the file system in the non-test code of the floors below `load`.
fn file_system_uses(files: &[SourceFile]) -> Vec<String> {
    let limit = rank(NO_IO_BELOW).unwrap_or(0);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for f in files {
        let below = f
            .module
            .first()
            .and_then(|m| rank(m))
            .is_some_and(|r| r < limit);
        // `test_support` is compiled for tests only: it locates the shared data.
        let test_only = f.module.first().is_some_and(|m| m == "test_support");
        if !below || f.test || test_only {
            continue;
        }
        let t = &f.tokens;
        let tests = test_items(t).0;
        for i in 0..t.len() {
            let found = match ident(t, i) {
                Some("fs" | "File") => punct(t, i + 1, "::"),
                Some("OpenOptions") => true,
                Some(
                    "is_file" | "is_dir" | "exists" | "metadata" | "canonicalize" | "read_dir",
                ) => {
                    punct(t, i.wrapping_sub(1), ".")
                        && ident(t, i.wrapping_sub(2)) != Some("self")
                        && punct(t, i + 1, "(")
                        && punct(t, i + 2, ")")
                }
                _ => false,
            };
            if found && !tests.iter().any(|(a, b)| (*a..=*b).contains(&i)) {
                out.push(format!(
                    "{}:{}: file system access below `{NO_IO_BELOW}` (read through `Sources`)",
                    f.path.strip_prefix(root).unwrap_or(&f.path).display(),
                    t[i].1
                ));
            }
        }
    }
    out
}

#[test]
fn nothing_below_load_touches_the_file_system() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = file_system_uses(&crate_files(&src));
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The scan sees what it looks for.
    let sample = SourceFile {
        path: PathBuf::from("src/arm/x.rs"),
        module: vec!["arm".into(), "x".into()],
        tokens: tokens(
            "fn f(p: &Path) { std::fs::read(p); p.is_file(); sources.is_file(p); self.metadata(); }\n#[cfg(test)] mod tests { fn g() { std::fs::read(\"x\"); } }",
        ),
        test: false,
    };
    assert_eq!(file_system_uses(&[sample]).len(), 2);
}

#[test]
fn floors_import_only_from_below() {
    let edges = all_edges();
    assert!(
        edges.len() > 500,
        "the scan found only {} imports",
        edges.len()
    );
    let bad = floor_violations(&edges);
    assert!(
        bad.is_empty(),
        "imports against the floors:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_import_cycles_between_sibling_modules() {
    let bad = sibling_cycles(&all_edges());
    assert!(bad.is_empty(), "import cycles:\n{}", bad.join("\n"));
}

/// The scanner itself: grouped imports, `super` chains, inline modules, and text that
/// only looks like a path.
#[test]
fn the_scan_reads_every_form_of_path() {
    let text = r##"
        use crate::a::{b::{self, C}, d as e};
        use super::super::f::G;
        // use crate::commented::Out;
        const S: &str = "crate::in_string::X";
        const R: &str = r#"crate::in_raw::X"#;
        fn f<'a>(x: &'a str) -> char { let _ = crate::inline::call(); 'c' }
        #[cfg(test)] mod tests {
            use super::*;
            use super::sibling_of_tests::X;
        }
        pub(crate) fn g() { crate::a::b::f() }
        #[cfg(test)]
        #[path = "z_tests.rs"]
        mod file_tests;
    "##;
    let modules: BTreeSet<ModPath> = [
        vec![],
        vec!["a".to_string()],
        vec!["a".to_string(), "b".to_string()],
        vec!["a".to_string(), "d".to_string()],
        vec!["x".to_string()],
        vec!["x".to_string(), "y".to_string()],
        vec!["x".to_string(), "f".to_string()],
        vec!["inline".to_string()],
        vec!["x".to_string(), "y".to_string(), "z".to_string()],
        vec![
            "x".to_string(),
            "y".to_string(),
            "z".to_string(),
            "sibling_of_tests".to_string(),
        ],
    ]
    .into_iter()
    .collect();
    let file = SourceFile {
        path: PathBuf::from("x/y/z.rs"),
        module: vec!["x".into(), "y".into(), "z".into()],
        tokens: tokens(text),
        test: false,
    };
    let found: BTreeSet<String> = edges_of(&file, &modules)
        .iter()
        .map(|e| {
            format!(
                "{}@{}{}",
                e.to.join("::"),
                e.line,
                if e.test { " test" } else { "" }
            )
        })
        .collect();
    let expected: BTreeSet<String> = [
        "a::b@2",
        "a::d@2",
        "x::f@3",
        "inline@7",
        "x::y::z@9 test",
        "x::y::z::sibling_of_tests@10 test",
        "a::b@12",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(found, expected);
    assert_eq!(test_items(&file.tokens).1, ["file_tests"]);
}

#[test]
fn a_cycle_between_siblings_is_reported_with_its_imports() {
    let edge = |from: &[&str], to: &[&str], line| Edge {
        from: from.iter().map(|s| s.to_string()).collect(),
        to: to.iter().map(|s| s.to_string()).collect(),
        file: PathBuf::from("src/x.rs"),
        line,
        test: false,
    };
    let edges = vec![
        edge(&["arm", "expr", "ast"], &["arm", "value"], 1),
        edge(&["arm", "value"], &["arm", "expr", "ast"], 2),
        edge(&["arm", "eval"], &["arm"], 3),
        edge(&["arm"], &["arm", "eval"], 4),
    ];
    let cycles = sibling_cycles(&edges);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].starts_with("cycle in `arm`: expr, value"),
        "{}",
        cycles[0]
    );
    assert!(cycles[0].contains("src/x.rs:1") && cycles[0].contains("src/x.rs:2"));
    let floors = floor_violations(&[
        edge(&["arm", "expand"], &["lower"], 5),
        edge(&["lower"], &["arm"], 6),
    ]);
    assert_eq!(floors.len(), 1, "{floors:?}");
    assert!(
        floors[0].contains("`arm` may not import from `lower`"),
        "{}",
        floors[0]
    );
}

/// A rule id: `ACR` and three digits.
fn is_rule_id(s: &str) -> bool {
    s.len() == 6 && s.starts_with("ACR") && s[3..].bytes().all(|b| b.is_ascii_digit())
}

/// The file that holds the rule registry, the one list of rules.
const REGISTRY: &str = "src/rules/native/mod.rs";

/// Places in non-test code that name rules or embed rule files, other than the
/// registry: a rule id as a string (a match arm, a list), an identifier that is a rule
/// id (a table), or `rules/` in an `include_str!`. The driver's own rule is named once,
/// as `UNREADABLE`.
fn rule_enumerations(files: &[SourceFile]) -> Vec<String> {
    let mut out = Vec::new();
    for_each_code_token(files, |rel, t, i| {
        let why = match &t[i].0 {
            Tok::Str(s) if is_rule_id(s) => {
                let driver = rel == "src/rules/native/registry.rs"
                    && t[i.saturating_sub(6)..i]
                        .iter()
                        .any(|(k, _)| *k == Tok::Ident("UNREADABLE".into()));
                (!driver).then(|| format!("names rule {s}"))
            }
            Tok::Ident(s) if is_rule_id(s) && rel != REGISTRY => Some(format!("names rule {s}")),
            Tok::Ident(s) if s == "include_str" && rel != REGISTRY => t[i..t.len().min(i + 12)]
                .iter()
                .any(|(k, _)| matches!(k, Tok::Str(s) if s.contains("rules/")))
                .then(|| "embeds a rule file".to_string()),
            _ => None,
        };
        if let Some(why) = why {
            out.push(format!(
                "{rel}:{}: {why} outside the registry ({REGISTRY})",
                t[i].1
            ));
        }
    });
    out
}

/// Calls `f` with each token of non-test code (its file's path relative to the crate
/// root, the file's tokens and the token's index), leaving out test files and
/// `#[cfg(test)]` items.
fn for_each_code_token(files: &[SourceFile], mut f: impl FnMut(&str, &[(Tok, usize)], usize)) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in files.iter().filter(|file| !file.test) {
        let rel = file.path.strip_prefix(root).unwrap_or(&file.path);
        let rel = rel.to_string_lossy().replace('\\', "/");
        let tests = test_items(&file.tokens).0;
        for i in 0..file.tokens.len() {
            if !tests.iter().any(|(a, b)| (*a..=*b).contains(&i)) {
                f(&rel, &file.tokens, i);
            }
        }
    }
}

#[test]
fn only_the_registry_enumerates_rules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = crate_files(&src);
    let bad = rule_enumerations(&files);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The registry is where the scan expects it, and names the rules.
    let registry = files
        .iter()
        .find(|f| f.path.ends_with(REGISTRY))
        .expect("the registry file");
    let named = registry
        .tokens
        .iter()
        .filter(|(t, _)| matches!(t, Tok::Ident(s) if is_rule_id(s)))
        .count();
    assert!(named >= 24, "the registry names {named} rules");
    // The scan sees what it looks for.
    let sample = SourceFile {
        path: Path::new(env!("CARGO_MANIFEST_DIR")).join("src/check/x.rs"),
        module: vec!["check".into(), "x".into()],
        tokens: tokens(
            r##"fn kind(id: &str) -> u8 { match id { "ACR002" => 1, _ => 0 } }
            const FILES: &[&str] = &[include_str!("../../rules/ACR001.json"), r#"ACR003"#];
            // "ACR004" in a comment, "ACR0055" and "xACR006" are not ids
            const M: &str = "ACR0055 xACR006";
            #[cfg(test)] mod tests { const T: &str = "ACR007"; }"##,
        ),
        test: false,
    };
    let found = rule_enumerations(&[sample]);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found[0].starts_with("src/check/x.rs:1: names rule ACR002"),
        "{found:?}"
    );
    assert!(found[1].contains(":2: embeds a rule file"), "{found:?}");
    assert!(found[2].contains(":2: names rule ACR003"), "{found:?}");
}

/// The file that writes unknown values and candidate sets as JSON (`Value::to_json`,
/// for the `expand` command's output).
const MARKER_WRITER: &str = "src/arm/value.rs";

/// Places in non-test code, other than [`MARKER_WRITER`], that spell the JSON shape of
/// an unknown value or a candidate set (`"$unknown"`, `"$candidates"`): code that reads
/// that output back instead of the typed `Value::Unknown`/`Value::Candidates`.
fn marker_readers(files: &[SourceFile]) -> Vec<String> {
    let mut out = Vec::new();
    for_each_code_token(files, |rel, t, i| {
        if let (Tok::Str(s), line) = &t[i] {
            if rel != MARKER_WRITER && (s.contains("$unknown") || s.contains("$candidates")) {
                out.push(format!(
                    "{rel}:{line}: reads the JSON shape of an unknown value"
                ));
            }
        }
    });
    out
}

#[test]
fn unknown_values_are_read_typed() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = crate_files(&src);
    let bad = marker_readers(&files);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The writer is where the scan expects it.
    assert!(files.iter().any(|f| f.path.ends_with(MARKER_WRITER)));
    // The scan sees what it looks for, and not in comments or test code.
    let sample = SourceFile {
        path: Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules/x.rs"),
        module: vec!["rules".into(), "x".into()],
        tokens: tokens(
            r##"fn why(m: &Map) -> Option<&J> { m.get("$unknown") }
            // {"$candidates": …} in a comment
            #[cfg(test)] mod tests { const T: &str = r#"{"$candidates": []}"#; }"##,
        ),
        test: false,
    };
    let found = marker_readers(&[sample]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("src/rules/x.rs:1:"), "{found:?}");
}
