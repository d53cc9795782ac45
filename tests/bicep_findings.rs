//! Differential test of findings: for every Bicep file with its compiled template
//! (the shared corpus's `bicep-baselines/`, whose samples carry `main.json` and
//! `main.symbolicnames.json`, and the `main.bicep` files of `acr/` with a `main.json`
//! or `azuredeploy.json` beside them), `check` on the Bicep file and on the compiled
//! file gives the same findings: rule, status, level, resource type, evaluated name
//! and property path (the keys from the resource down to the reported node).
//!
//! Both sides are checked alone (no parameter file discovered, no deployment
//! context), so each finding depends on the template only. A difference that cannot
//! be removed is listed in `KNOWN` with its reason; a new difference fails the test,
//! and so does a listed one that no longer occurs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use acrlint::syntax::json::{Node, NodeKind};
use acrlint::test_support::shared;
use acrlint::{
    check_file, name_text, CheckOptions, Engine, ExpandOptions, Expansion, Finding, Loader,
};

/// Differences that remain, each with its reason: (path suffix of the `.bicep`,
/// compiled file name or `*` for both, the finding as [`key`] writes it with `+` when
/// only the Bicep file has it and `-` when only the compiled file has it, where `*`
/// stands for any text, reason). Each entry must still match a difference.
const KNOWN: &[(&str, &str, &str, &str)] = &[
    // Files the compiled template holds but the corpus does not: the Bicep side
    // reports that it could not read them (ACR000, ACR100), the compiled side has
    // their content inline.
    ("bicep-baselines/Extensions_CRLF/main.bicep", "*", "+ACR100 *", "the local module files are not part of the corpus"),
    ("bicep-baselines/Lambdas_LF/main.bicep", "*", "+ACR100 *", "the local module file is not part of the corpus"),
    ("bicep-baselines/LoadFunctions_CRLF/main.bicep", "*", "+ACR100 *", "the local module files are not part of the corpus"),
    ("bicep-baselines/LoadFunctions_CRLF/main.bicep", "*", "+ACR000 *", "the files loadTextContent/loadJsonContent read (Assets/...) are not part of the corpus"),
    ("bicep-baselines/Functions_LF/main.bicep", "*", "+ACR000 *", "repro-data.json, which loadJsonContent reads, is not part of the corpus"),
    ("bicep-baselines/LoopsIndexed_LF/main.bicep", "*", "+ACR100 *", "the local module files are not part of the corpus"),
    ("bicep-baselines/Loops_LF/main.bicep", "*", "+ACR100 *", "the local module files are not part of the corpus"),
    ("bicep-baselines/ModulesSubscription_LF/main.bicep", "*", "+ACR100 *", "the local module files are not part of the corpus"),
    ("bicep-baselines/ModulesWithScopes_LF/main.bicep", "*", "+ACR100 *", "the local module files are not part of the corpus"),
    ("bicep-baselines/Modules_CRLF/main.bicep", "*", "+ACR100 *", "the local module files are not part of the corpus"),
    ("bicep-baselines/Registry_LF/main.bicep", "*", "+ACR100 *", "registry modules (mock registries) and template specs are not fetched"),
    ("AKS-Construction/samples/peered-vnet/main.bicep", "main.json", "+ACR100 *", "the AKS-Construction modules it uses are outside the sample and not read"),
    ("AKS-Construction/samples/shared-acr/main.bicep", "main.json", "+ACR100 *", "the AKS-Construction module it uses is outside the sample and not read"),
    ("microsoft.app/container-app-acr/main.bicep", "azuredeploy.json", "+ACR100 *", "registry module br/public:deployment-scripts/import-acr is not fetched"),
    ("microsoft.app/container-app-acr/main.bicep", "azuredeploy.json", "-ACR020 *", "the Contributor role assignment is inside the registry module import-acr, which the compiled file has inline"),
    ("microsoft.app/container-app-dapr-pubsub-servicebus/main.bicep", "azuredeploy.json", "+ACR100 *", "registry modules br/public:... are not fetched"),
    ("microsoft.app/container-app-dapr-pubsub-servicebus/main.bicep", "azuredeploy.json", "-ACR020 *", "the Contributor role assignment is inside the registry module import-acr, which the compiled file has inline"),
    ("avm/ptn/azd/acr-container-app/main.bicep", "main.json", "+ACR100 *", "registry modules br/public:avm/... are not fetched"),
    ("avm/ptn/deployment-script/import-image-to-acr/main.bicep", "main.json", "+ACR100 *", "registry modules br/public:avm/... are not fetched"),
    ("avm/ptn/dev-ops/cicd-agents-and-runners/main.bicep", "main.json", "+ACR100 *", "registry modules br/public:avm/... are not fetched"),
    ("avm/ptn/dev-ops/cicd-agents-and-runners/main.bicep", "main.json", "+ACR000 *", "a file loadTextContent reads is not part of the corpus"),
    ("avm/ptn/dev-ops/cicd-agents-and-runners/main.bicep", "main.json", "-ACR0* *namingprefix*", "module parameters given by a ternary on an unknown: the compiler's if(c, createObject('value', a), ...) entry is not bound, so the compiled side falls back to the module's defaults (see bicep_corpus)"),
    ("avm/res/container-registry/registry/main.bicep", "main.json", "+ACR100 *", "registry modules br/public:avm/... are not fetched"),
    // Stale compiled files.
    ("AKS-Construction/samples/peered-vnet/main.bicep", "main.json", "+ACR0* *gridstest*", "main.json is stale: compiled from an older main.bicep (see bicep_corpus)"),
    ("AKS-Construction/samples/peered-vnet/main.bicep", "main.json", "-ACR0* *appstest*", "main.json is stale: compiled from an older main.bicep (see bicep_corpus)"),
];

/// Whether `text` matches `pattern`, where `*` stands for any text.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().unwrap_or((&"", &[]));
    let Some(mut tail) = text.strip_prefix(first) else {
        return false;
    };
    for (i, part) in rest.iter().enumerate() {
        if i + 1 == rest.len() {
            return tail.ends_with(part);
        }
        match tail.find(part) {
            Some(at) => tail = &tail[at + part.len()..],
            None => return false,
        }
    }
    tail.is_empty()
}

fn options() -> CheckOptions {
    CheckOptions {
        expand: ExpandOptions {
            no_parameter_discovery: true,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// The (Bicep, compiled) pairs.
fn pairs() -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    let baselines = shared("corpus/bicep-baselines");
    let mut samples: Vec<PathBuf> = std::fs::read_dir(&baselines)
        .expect("bicep-baselines is a folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("main.bicep").is_file())
        .collect();
    samples.sort();
    for dir in samples {
        for compiled in ["main.json", "main.symbolicnames.json"] {
            if dir.join(compiled).is_file() {
                out.push((dir.join("main.bicep"), dir.join(compiled)));
            }
        }
    }
    let mut bicep = Vec::new();
    files(
        &shared("corpus/acr"),
        &|p| p.file_name().is_some_and(|n| n == "main.bicep"),
        &mut bicep,
    );
    bicep.sort();
    for b in bicep {
        let dir = b.parent().unwrap_or(Path::new("."));
        for compiled in ["main.json", "azuredeploy.json"] {
            if dir.join(compiled).is_file() {
                out.push((b.clone(), dir.join(compiled)));
            }
        }
    }
    out
}

/// The files under `dir` (at any depth) that `keep` accepts.
fn files(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, keep, out);
        } else if keep(&p) {
            out.push(p);
        }
    }
}

/// Each finding of `check` on `path` as one comparable line.
fn findings(path: &Path, engine: &Engine) -> Vec<String> {
    let options = options();
    let outcome = check_file(path, true, engine, &options);
    let exp = Loader::new(&acrlint::Disk)
        .expand(path, &options.expand)
        .ok();
    let mut out: Vec<String> = outcome
        .findings
        .iter()
        .map(|f| key(f, exp.as_ref()))
        .collect();
    out.sort();
    out
}

/// `rule status level type name path`: the name evaluated (unknown parts as their
/// terms) and the path of member keys inside the resource, in lower case.
fn key(f: &Finding, exp: Option<&Expansion>) -> String {
    let (name, path) = exp
        .and_then(|exp| resource_and_path(f, exp))
        .unwrap_or_else(|| (f.resource_name.clone().unwrap_or_default(), String::new()));
    format!(
        "{} {} {} {} {} {}",
        f.rule,
        f.status.as_str(),
        f.level.as_str(),
        f.resource_type
            .as_deref()
            .unwrap_or("-")
            .to_ascii_lowercase(),
        name.to_ascii_lowercase(),
        path.to_ascii_lowercase()
    )
}

/// The evaluated name of the resource a finding points into (the innermost declared
/// resource whose text holds the finding), and the path from it to the finding.
fn resource_and_path(f: &Finding, exp: &Expansion) -> Option<(String, String)> {
    let ty = f.resource_type.as_deref()?;
    let (start, end) = (f.location.byte_start, f.location.byte_end);
    let mut best: Option<&acrlint::ExpandedResource> = None;
    for r in &exp.resources {
        let Some(file) = exp.file(r.file) else {
            continue;
        };
        if file.source.path != f.location.file
            || !r.resource_type.eq_ignore_ascii_case(ty)
            || r.span.start > start
            || end > r.span.end
        {
            continue;
        }
        let tighter = best.is_none_or(|b| r.span.end - r.span.start < b.span.end - b.span.start);
        let same_name = f.resource_name.as_deref() == Some(&name_text(&r.name));
        if tighter || (same_name && best.is_some_and(|b| b.span == r.span)) {
            best = Some(r);
        }
    }
    let r = best?;
    let file = exp.file(r.file)?;
    let node = node_at(&file.root, r.span.start, r.span.end, 0)?;
    let mut path = Vec::new();
    descend(node, start, end, &mut path, 0);
    Some((name_text(&r.name), path.join(".")))
}

/// The node with exactly this byte range.
fn node_at(node: &Node, start: u32, end: u32, depth: usize) -> Option<&Node> {
    if node.span.start == start && node.span.end == end {
        return Some(node);
    }
    if depth > 64 {
        return None;
    }
    match &node.kind {
        NodeKind::Object(members) => members
            .iter()
            .find_map(|m| node_at(&m.value, start, end, depth + 1)),
        NodeKind::Array(items) => items.iter().find_map(|i| node_at(i, start, end, depth + 1)),
        _ => None,
    }
}

/// The member keys (and `[i]` items) from `node` down to the innermost node that holds
/// the byte range `start..end`.
fn descend(node: &Node, start: u32, end: u32, path: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match &node.kind {
        NodeKind::Object(members) => {
            for m in members {
                let in_value = m.value.span.start <= start && end <= m.value.span.end;
                let at_key = m.key_span.start <= start && end <= m.key_span.end;
                if in_value || at_key {
                    path.push(m.key.to_string());
                    if in_value && m.value.span != node.span {
                        descend(&m.value, start, end, path, depth + 1);
                    }
                    return;
                }
            }
        }
        NodeKind::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if item.span.start <= start && end <= item.span.end {
                    path.push(format!("[{i}]"));
                    descend(item, start, end, path, depth + 1);
                    return;
                }
            }
        }
        _ => {}
    }
}

/// `a` minus `b`, as multisets.
fn minus(a: &[String], b: &[String]) -> Vec<String> {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for x in b {
        *counts.entry(x).or_default() += 1;
    }
    let mut out = Vec::new();
    for x in a {
        let c = counts.entry(x).or_default();
        if *c > 0 {
            *c -= 1;
        } else {
            out.push(x.clone());
        }
    }
    out
}

#[test]
fn bicep_and_compiled_templates_give_the_same_findings() {
    let engine = Engine::builtin().expect("built-in rules load");
    let pairs = pairs();
    assert!(pairs.len() >= 39 * 2 + 25, "only {} pairs", pairs.len());
    let mut failures = Vec::new();
    let mut seen = vec![false; KNOWN.len()];
    let mut compared = 0;
    for (bicep, compiled) in &pairs {
        let ours = findings(bicep, &engine);
        let theirs = findings(compiled, &engine);
        compared += ours.len();
        let rel = bicep.to_string_lossy().replace('\\', "/");
        let compiled_name = compiled
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let only_ours = minus(&ours, &theirs).into_iter().map(|k| format!("+{k}"));
        let only_theirs = minus(&theirs, &ours).into_iter().map(|k| format!("-{k}"));
        for difference in only_ours.chain(only_theirs) {
            let known = KNOWN.iter().position(|(suffix, c, k, _)| {
                rel.ends_with(suffix) && (*c == "*" || *c == compiled_name) && glob(k, &difference)
            });
            match known {
                Some(i) => seen[i] = true,
                None => failures.push(format!("{rel} vs {compiled_name}: {difference}")),
            }
        }
    }
    for (i, s) in seen.iter().enumerate() {
        if !s {
            let (suffix, c, k, _) = KNOWN[i];
            failures.push(format!(
                "listed in KNOWN but no longer differs: {suffix} vs {c}: {k}"
            ));
        }
    }
    eprintln!("{} pairs, {compared} findings compared", pairs.len());
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared > 300, "only {compared} findings compared");
}

/// ARM syntax a message or hint about a Bicep file must not show: a quoted key and a
/// colon (`"adminUserEnabled": false`), an ARM expression string or call the lowering
/// wrote (`"[format(...)]"`, `parameters('x')`), or the evaluator's notation.
fn arm_syntax(text: &str) -> Option<String> {
    let quoted_key = regex::Regex::new(r#"\\?"[A-Za-z][A-Za-z0-9.]*\\?"\s*:\s"#).ok()?;
    let expression = regex::Regex::new(r#""\[[A-Za-z.]+\("#).ok()?;
    if let Some(m) = quoted_key.find(text).or_else(|| expression.find(text)) {
        return Some(m.as_str().to_string());
    }
    [
        "parameters('",
        "variables('",
        "format('{0}",
        "⟦",
        "?error",
        "acrlint.unknown",
    ]
    .iter()
    .find(|p| text.contains(*p))
    .map(|p| p.to_string())
}

/// `check` on every `.bicep` file of the corpus: no finding shows ARM syntax in its
/// message, related notes or help, and no output format shows it where it renders
/// them (the source snippets of the text format, and the rules' documentation in
/// SARIF, whose examples are ARM templates, are left out).
#[test]
fn bicep_findings_speak_bicep_in_every_format() {
    let engine = Engine::builtin().expect("built-in rules load");
    let mut bicep = Vec::new();
    files(
        &shared("corpus/acr"),
        &|p| p.extension().is_some_and(|x| x == "bicep"),
        &mut bicep,
    );
    bicep.sort();
    assert!(bicep.len() > 150, "only {} .bicep files", bicep.len());
    let result = acrlint::check(&bicep, &engine, &options());
    let report = &result.report;
    assert!(
        report.findings.len() > 300,
        "only {} findings",
        report.findings.len()
    );
    let mut failures = Vec::new();
    for f in &report.findings {
        let help = engine
            .meta(&f.rule)
            .map(|m| m.recommendation_for(&f.location.file).to_string())
            .unwrap_or_default();
        let texts = std::iter::once(&f.message)
            .chain(f.related.iter().map(|r| &r.message))
            .chain(std::iter::once(&help));
        for t in texts {
            if let Some(found) = arm_syntax(t) {
                failures.push(format!(
                    "{}:{}: {} shows {found}: {t}",
                    f.location.file.display(),
                    f.location.start.line,
                    f.rule
                ));
            }
        }
    }
    for format in acrlint::Format::ALL {
        let out =
            acrlint::render(report, format, &acrlint::RenderOptions::default()).expect("renders");
        let shown: Vec<String> = match serde_json::from_str::<serde_json::Value>(&out) {
            // JSON, SARIF and GitLab: every string, but SARIF's rule documentation.
            Ok(mut json) => {
                if let Some(runs) = json.get_mut("runs").and_then(|r| r.as_array_mut()) {
                    for run in runs {
                        if let Some(o) = run.as_object_mut() {
                            o.remove("tool");
                        }
                    }
                }
                let mut strings = Vec::new();
                json_strings(&json, &mut strings);
                strings
            }
            // Text, GitHub, JUnit, Markdown: the lines, but the quoted source.
            Err(_) => out
                .lines()
                .filter(|l| !l.contains(" | ") && !l.trim_start().starts_with('|'))
                .map(str::to_string)
                .collect(),
        };
        for l in shown {
            if let Some(found) = arm_syntax(&l) {
                failures.push(format!("{format:?}: shows {found}: {l}"));
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} places:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|i| json_strings(i, out)),
        serde_json::Value::Object(m) => m.values().for_each(|i| json_strings(i, out)),
        _ => {}
    }
}
