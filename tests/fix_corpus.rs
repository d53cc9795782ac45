//! `acrlint fix` on every fixture and (with the `corpus` feature) on real corpus files
//! that enable the admin user (MANIFEST column `admin_user` = `true`), ARM and Bicep:
//! ACR001 is gone, only the offending spans changed, and a second run changes nothing.
//! Plus the CLI's exit codes and `--diff`.

mod fix_support;
mod tree_support;

use std::path::{Path, PathBuf};

use acrlint::{check_file, CheckOptions};
use acrlint::{fix_file, Engine, FixOptions, Level};

#[cfg(feature = "corpus")]
fn corpus() -> PathBuf {
    acrlint::test_support::shared("corpus")
}

#[cfg(feature = "corpus")]
fn admin_user_files() -> Vec<PathBuf> {
    let manifest = std::fs::read_to_string(corpus().join("MANIFEST.tsv")).unwrap();
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let admin = header.iter().position(|h| *h == "admin_user").unwrap();
    let path = header.iter().position(|h| *h == "corpus_path").unwrap();
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|cols| cols.get(admin) == Some(&"true"))
        .map(|cols| corpus().join(cols[path]))
        .collect()
}

/// Only ACR001's fix: the file's other findings have fixes of their own.
#[cfg(feature = "corpus")]
fn options() -> FixOptions {
    FixOptions {
        fail_on: Some(Level::Error),
        rules: vec!["ACR001".into()],
        ..Default::default()
    }
}

/// The changed lines of a line diff, as (removed, added) pairs.
#[cfg(feature = "corpus")]
fn changed_lines(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Delete => removed.push(change.value().to_string()),
            similar::ChangeTag::Insert => added.push(change.value().to_string()),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

#[cfg(feature = "corpus")]
#[test]
fn fix_disables_the_admin_user_in_every_corpus_file_that_enables_it() {
    let files = admin_user_files();
    assert!(files.len() >= 16, "{files:?}");
    let engine = Engine::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut bicep = 0;
    for (i, source) in files.iter().enumerate() {
        let name = source.file_name().unwrap().to_string_lossy().to_string();
        let copy = dir.path().join(format!("{i}-{name}"));
        let original = std::fs::read_to_string(source).unwrap();
        std::fs::write(&copy, &original).unwrap();
        let result = fix_file(&copy, &engine, &options(), true);
        assert!(
            result.error.is_none(),
            "{}: {:?}",
            source.display(),
            result.error
        );
        assert!(!result.skipped, "{}", source.display());
        assert!(
            result.applied >= 1,
            "{}: nothing fixed {:?}",
            source.display(),
            result.manual
        );
        let fixed = std::fs::read_to_string(&copy).unwrap();
        assert_eq!(fixed, result.fixed);
        // Only the values changed: every removed line comes back with true → false.
        let (removed, added) = changed_lines(&original, &fixed);
        assert!(!removed.is_empty(), "{}", source.display());
        assert_eq!(removed.len(), added.len(), "{}", source.display());
        for (r, a) in removed.iter().zip(&added) {
            assert!(
                r.contains("adminUserEnabled"),
                "{}: {r:?}",
                source.display()
            );
            assert_eq!(&r.replacen("true", "false", 1), a, "{}", source.display());
        }
        // Byte-identical elsewhere: same length apart from one byte per fix.
        assert_eq!(
            fixed.len(),
            original.len() + removed.len(),
            "{}",
            source.display()
        );
        if name.ends_with(".bicep") {
            bicep += 1;
            assert!(
                result.remaining.iter().all(|f| f.rule != "ACR001"),
                "{}",
                source.display()
            );
        } else {
            let outcome = check_file(&copy, true, &engine, &CheckOptions::default());
            let acr001: Vec<_> = outcome
                .findings
                .iter()
                .filter(|f| f.rule == "ACR001")
                .collect();
            assert!(acr001.is_empty(), "{}: {acr001:?}", source.display());
        }
        // A second run is a no-op.
        let again = fix_file(&copy, &engine, &options(), true);
        assert!(again.error.is_none());
        assert_eq!(again.applied, 0, "{}", source.display());
        assert_eq!(
            std::fs::read_to_string(&copy).unwrap(),
            fixed,
            "{}",
            source.display()
        );
    }
    assert!(
        bicep >= 5,
        "expected Bicep files among the corpus files, got {bicep}"
    );
}

/// `acrlint ARGS` in the test's own directory (the paths it is given are absolute).
fn acrlint(args: &[&str]) -> (i32, String, String) {
    fix_support::acrlint(Path::new("."), args)
}

#[cfg(feature = "corpus")]
#[test]
fn cli_diff_writes_nothing_then_fix_writes_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let source = corpus().join("acr/Azure__azure-quickstart-templates/quickstarts/microsoft.app/container-app-acr/containerRegistry.bicep");
    let path = dir.path().join("containerRegistry.bicep");
    std::fs::copy(&source, &path).unwrap();
    let before = std::fs::read_to_string(&path).unwrap();
    let p = path.to_str().unwrap();
    let (code, stdout, _) = acrlint(&["fix", "--diff", p]);
    assert_eq!(code, 1, "pending fixes count as findings with --diff");
    assert!(stdout.contains("-    adminUserEnabled: true"), "{stdout}");
    assert!(stdout.contains("+    adminUserEnabled: false"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let (code, _, stderr) = acrlint(&["fix", "--rule", "ACR001", p]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("fixed 1 issue"), "{stderr}");
    let (code, stdout, _) = acrlint(&["fix", "--diff", "--rule", "ACR001", p]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    // All fixes, unsafe ones too: public network access stays on and the export
    // policy as it is. This Standard registry (a Container App pulls from it) cannot
    // have private endpoints: turning public access off would cut it off.
    let (code, _, stderr) = acrlint(&["fix", "--unsafe-fixes", p]);
    assert_eq!(code, 0, "{stderr}");
    for rule in ["ACR005", "ACR007"] {
        assert!(
            stderr.contains(&format!(
                "{rule} not fixed: turning public network access off would cut the registry off: its SKU is Standard"
            )),
            "{stderr}"
        );
    }
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(!after.contains("'Disabled'"), "{after}");
    assert!(!after.contains("exportPolicy"), "{after}");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["containerRegistry.bicep"],
        "no scratch file is left behind"
    );
}

#[test]
fn cli_exit_codes_for_leftovers_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.bicep");
    std::fs::write(
        &path,
        "param admin bool = true\nresource acr 'Microsoft.ContainerRegistry/registries@2025-11-01' = {\n  name: 'contosoregistry'\n  location: 'westeurope'\n  sku: {\n    name: 'Premium'\n  }\n  properties: {\n    adminUserEnabled: admin\n  }\n}\noutput admin bool = admin\n",
    )
    .unwrap();
    let (code, _, stderr) = acrlint(&["fix", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("ACR001 not fixed"), "{stderr}");
    let (code, _, stderr) = acrlint(&["fix", "--rule", "ACR999", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--rule"), "{stderr}");
    let (code, _, _) = acrlint(&["fix", dir.path().join("missing.json").to_str().unwrap()]);
    assert_eq!(code, 2);
}

#[test]
fn cli_new_rejects_invalid_options_with_exit_code_2() {
    for (args, option) in [
        (vec!["new", "registry", "--name", "a-b"], "--name"),
        (vec!["new", "registry", "--location", "mars!"], "--location"),
        (
            vec!["new", "registry", "--pull-principal", "bob"],
            "--pull-principal",
        ),
        (
            vec!["new", "registry", "--sku", "basic", "--replica", "westus"],
            "--replica",
        ),
        (vec!["new", "params", "--private-endpoint"], "--subnet-id"),
    ] {
        let (code, stdout, stderr) = acrlint(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(option), "{args:?}: {stderr}");
    }
    let (code, stdout, _) = acrlint(&["new", "registry", "--format", "ARM", "--sku", "Premium"]);
    assert_eq!(code, 0);
    assert!(serde_json::from_str::<serde_json::Value>(&stdout).is_ok());
}

/// Every file under `dir`, hidden ones included.
fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                count_files(&e.path())
            } else {
                1
            }
        })
        .sum()
}

fn snapshot(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect()
}

/// Whether `check` cannot check `f` in full (a module cycle, a limit): fix then
/// refuses it with what to fix first, or leaves it alone. Any other file is fixed.
fn refused_as_unchecked(f: &Path, engine: &Engine, r: &acrlint::FileFix) -> bool {
    let unchecked = check_file(f, true, engine, &CheckOptions::default())
        .findings
        .iter()
        .any(|x| x.rule == "ACR000" && x.level == Level::Error);
    if unchecked {
        assert!(
            r.error
                .as_deref()
                .is_some_and(|e| e.ends_with("(fix it first)"))
                || r.error.is_none(),
            "{}: {:?}",
            f.display(),
            r.error
        );
    }
    unchecked
}

/// What a run over a tree did with the findings of `--policy` definitions.
#[derive(Debug, Default)]
#[cfg_attr(not(feature = "corpus"), allow(dead_code))]
struct PolicyCounts {
    /// Definite findings of the definitions before the fixes.
    findings: usize,
    /// Of those, gone after the fixes.
    fixed: usize,
    /// Refused fixes, by reason (the advice up to its first `:` or `(`).
    refused: std::collections::BTreeMap<String, usize>,
    /// Files whose unsafe fixes of a definition were left out.
    unsafe_left: usize,
}

/// What identifies a finding across edits.
fn finding_key(f: &acrlint::Finding) -> (String, Option<String>, Option<String>) {
    (
        f.rule.clone(),
        f.resource_type.clone(),
        f.resource_name.clone(),
    )
}

/// Every default fix on a copy of the tree `source` (modules keep their relative
/// paths): no file fails, what changed still parses, nothing is left behind, and a
/// second run changes nothing. Returns (files, files changed).
fn fix_tree_safely(source: &Path) -> (usize, usize) {
    let (files, changed, _) = fix_tree_safely_with(source, &Engine::builtin().unwrap(), &[]);
    (files, changed)
}

/// [`fix_tree_safely`] with `engine`'s rules and definitions; with `policies` (the
/// ids of `--policy` definitions) also: no fixed file has an error or warning it did
/// not have, and the definitions' findings are counted.
fn fix_tree_safely_with(
    source: &Path,
    engine: &Engine,
    policies: &[String],
) -> (usize, usize, PolicyCounts) {
    let dir = tempfile::tempdir().unwrap();
    tree_support::copy_tree(source, dir.path()).unwrap();
    let options = FixOptions {
        fail_on: Some(Level::Error),
        ..Default::default()
    };
    let (files, errors) = acrlint::files_to_fix(&[dir.path().to_path_buf()]);
    assert!(errors.is_empty(), "{errors:?}");
    let before = snapshot(&files);
    let mut changed = 0;
    let mut counts = PolicyCounts::default();
    let of_policy = |f: &acrlint::Finding| policies.contains(&f.rule);
    let checked = |f: &Path| {
        check_file(f, true, engine, &CheckOptions::default())
            .findings
            .into_iter()
            .filter(|x| x.suppression.is_none())
            .collect::<Vec<_>>()
    };
    for f in &files {
        let found = if policies.is_empty() {
            Vec::new()
        } else {
            checked(f)
        };
        let r = fix_file(f, engine, &options, true);
        if refused_as_unchecked(f, engine, &r) {
            continue;
        }
        assert!(r.error.is_none(), "{}: {:?}", f.display(), r.error);
        if !policies.is_empty() {
            let after = checked(f);
            let new = after.iter().find(|a| {
                a.level >= Level::Warning
                    && !found
                        .iter()
                        .any(|b| b.level >= a.level && finding_key(b) == finding_key(a))
            });
            assert!(new.is_none(), "{}: the fixes caused {new:?}", f.display());
            let definite = |fs: &[acrlint::Finding]| {
                fs.iter()
                    .filter(|x| of_policy(x) && x.status == acrlint::Status::Fail)
                    .map(finding_key)
                    .collect::<Vec<_>>()
            };
            let (was, is) = (definite(&found), definite(&after));
            counts.findings += was.len();
            counts.fixed += was.len().saturating_sub(is.len());
            for m in r.manual.iter().filter(|m| policies.contains(&m.rule)) {
                let reason = m.advice.split([':', '(']).next().unwrap_or("").trim();
                *counts.refused.entry(reason.to_string()).or_default() += 1;
            }
            if r.unsafe_left.iter().any(|u| policies.contains(u)) {
                counts.unsafe_left += 1;
            }
        }
        if r.changed() {
            changed += 1;
            let text = r.fixed.trim_start_matches('\u{feff}');
            if f.extension()
                .is_some_and(|e| e == "bicep" || e == "bicepparam")
            {
                assert!(
                    acrlint::syntax::bicep::parse(text).diagnostics.is_empty(),
                    "{}",
                    f.display()
                );
            } else {
                assert!(
                    acrlint::syntax::json::parse(text).is_ok(),
                    "{}",
                    f.display()
                );
            }
        }
    }
    let after_first = snapshot(&files);
    assert_eq!(changed > 0, before != after_first);
    for f in &files {
        let r = fix_file(f, engine, &options, true);
        if refused_as_unchecked(f, engine, &r) {
            continue;
        }
        assert!(r.error.is_none(), "{}: {:?}", f.display(), r.error);
        assert_eq!(r.applied, 0, "{}: second run fixed more", f.display());
    }
    assert_eq!(snapshot(&files), after_first);
    assert_eq!(
        count_files(dir.path()),
        count_files(source),
        "a scratch file was left behind"
    );
    (files.len(), changed, counts)
}

#[test]
fn fixing_every_fixture_is_safe_and_idempotent() {
    let (files, changed) = fix_tree_safely(Path::new("tests/fixtures"));
    assert!(files > 60, "only {files} files");
    assert!(changed >= 20, "only {changed} files changed");
}

#[cfg(feature = "corpus")]
#[test]
fn fixing_the_whole_acr_corpus_is_safe_and_idempotent() {
    // All 268 ACR corpus files.
    let (files, changed) = fix_tree_safely(&corpus().join("acr"));
    assert!(files > 200, "only {files} files");
    assert!(changed >= 30, "only {changed} files changed");
}

/// `acrlint fix --policy` with the ACR built-in definitions of the reference data
/// (the `Modify` ones are fixes) over the whole ACR corpus: as safe and idempotent as
/// the rules' own fixes, with no new error or warning, and the `Modify` findings
/// fixed or refused with a reason.
#[cfg(feature = "corpus")]
#[test]
fn fixing_the_whole_acr_corpus_with_the_acr_policies_is_safe_and_idempotent() {
    let policies = acrlint::test_support::shared("reference/azure-policy/container-registry");
    let mut engine = Engine::builtin().unwrap();
    engine.add_policies(&policies, None).unwrap();
    let modify: Vec<String> = acrlint::PolicyDefinition::load_path(&policies)
        .into_iter()
        .map(Result::unwrap)
        .filter(|d| d.effect == Some(acrlint::PolicyEffect::Modify))
        .map(|d| d.name)
        .collect();
    assert_eq!(modify.len(), 5, "{modify:?}");
    let (files, changed, counts) = fix_tree_safely_with(&corpus().join("acr"), &engine, &modify);
    eprintln!("{files} files, {changed} changed; Modify findings: {counts:#?}");
    assert!(files > 200, "only {files} files");
    assert!(counts.findings >= 100, "{counts:?}");
    assert!(counts.fixed >= 20, "{counts:?}");
    assert!(counts.unsafe_left >= 1, "{counts:?}");
    // What is not fixed is said: every reason names why, and the two refusals the
    // corpus has (a SKU without private endpoints, an apiVersion without the
    // property) are among them.
    assert!(counts.refused.keys().all(|r| !r.is_empty()), "{counts:?}");
    let refused = |why: &dyn Fn(&str) -> bool| {
        counts
            .refused
            .iter()
            .filter(|(r, _)| why(r))
            .map(|(_, n)| n)
            .sum::<usize>()
    };
    let cut_off = refused(&|r| r == "turning public network access off would cut the registry off");
    assert!(cut_off >= 10, "{counts:?}");
    let older_api = refused(&|r| {
        r.starts_with("microsoft.containerregistry/registries@")
            && r.ends_with(" has no properties.policies.azureADAuthenticationAsArmPolicy.status")
    });
    assert!(older_api >= 5, "{counts:?}");
}

#[test]
fn cli_honours_the_configuration() {
    // A rule switched off in acrlint.json is neither fixed nor counted.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.json");
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2025-11-01",
      "name": "contosoregistry",
      "location": "westeurope",
      "sku": { "name": "Premium" },
      "properties": { "adminUserEnabled": true }
    }
  ]
}
"#;
    std::fs::write(&path, template).unwrap();
    std::fs::write(
        dir.path().join("acrlint.json"),
        r#"{ "rules": { "ACR001": "off" } }"#,
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let (code, _, stderr) = acrlint(&["fix", "--rule", "ACR001", p]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), template);
    std::fs::remove_file(dir.path().join("acrlint.json")).unwrap();
    let (code, _, stderr) = acrlint(&["fix", "--rule", "ACR001", p]);
    assert_eq!(code, 0, "{stderr}");
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("\"adminUserEnabled\": false"));
}

#[test]
fn cli_writes_nothing_when_a_configuration_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let template =
        std::fs::read_to_string("tests/fixtures/policy-templates/admin-registry.json").unwrap();
    std::fs::write(dir.path().join("main.json"), &template).unwrap();
    for config in [r#"{ "rules": { "ACR0001": "off" } }"#, "{ \"rules\": "] {
        std::fs::write(dir.path().join("acrlint.json"), config).unwrap();
        let (code, stdout, stderr) = acrlint(&["fix", dir.path().to_str().unwrap()]);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stdout, "");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("main.json")).unwrap(),
            template
        );
    }
}

/// Every file under `dir` whose name passes `keep`.
#[cfg(feature = "corpus")]
fn files_under(dir: &Path, keep: &dyn Fn(&str) -> bool, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, keep, out);
        } else if path.file_name().and_then(|n| n.to_str()).is_some_and(keep) {
            out.push(path);
        }
    }
}

/// The template a corpus parameter file belongs to: a `.bicepparam`'s `using`
/// target; `x.json`, else `x.bicep`, beside `x.parameters[.<name>].json`.
#[cfg(feature = "corpus")]
fn template_of(parameter_file: &Path) -> Option<PathBuf> {
    let dir = parameter_file.parent()?;
    let name = parameter_file.file_name()?.to_str()?;
    if name.ends_with(".bicepparam") {
        let text = std::fs::read_to_string(parameter_file).ok()?;
        let re = regex::Regex::new(r"(?m)^using\s+'([^']+)'").unwrap();
        let target = re.captures(&text)?.get(1)?.as_str().to_string();
        return Some(dir.join(target)).filter(|t| t.is_file());
    }
    let (stem, _) = name.split_once(".parameters.")?;
    [format!("{stem}.json"), format!("{stem}.bicep")]
        .into_iter()
        .map(|t| dir.join(t))
        .find(|t| t.is_file())
}

/// The `bool` parameters a template declares.
#[cfg(feature = "corpus")]
fn bool_parameters(template: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(template).unwrap();
    if template.extension().is_some_and(|e| e == "bicep") {
        let re = regex::Regex::new(r"(?m)^param\s+(\w+)\s+bool\b").unwrap();
        return re.captures_iter(&text).map(|c| c[1].to_string()).collect();
    }
    let root: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .unwrap_or_else(|e| panic!("{}: {e}", template.display()));
    root["parameters"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(_, p)| {
                    p["type"]
                        .as_str()
                        .is_some_and(|t| t.eq_ignore_ascii_case("bool"))
                })
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// `text` of a parameter file with every parameter of `names` set to `true`.
#[cfg(feature = "corpus")]
fn with_flags_on(parameter_file: &Path, text: &str, names: &[String]) -> String {
    if parameter_file
        .extension()
        .is_some_and(|e| e == "bicepparam")
    {
        let mut out = text.to_string();
        for n in names {
            let re = regex::Regex::new(&format!(r"(?m)^param\s+{n}\s*=.*$")).unwrap();
            if re.is_match(&out) {
                out = re
                    .replace(&out, format!("param {n} = true").as_str())
                    .into_owned();
            } else {
                out.push_str(&format!("\nparam {n} = true\n"));
            }
        }
        return out;
    }
    let mut root: serde_json::Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
    for n in names {
        root["parameters"][n.as_str()] = serde_json::json!({ "value": true });
    }
    serde_json::to_string_pretty(&root).unwrap() + "\n"
}

/// The (rule, resource) of the fixable findings of a template checked with a
/// parameter file that hold because of a value the parameter file writes.
#[cfg(feature = "corpus")]
fn decided_by(
    parameter_file: &Path,
    engine: &Engine,
    options: &FixOptions,
) -> Vec<(String, Option<String>)> {
    let outcome = check_file(parameter_file, true, engine, &options.check);
    let name = parameter_file.file_name().unwrap().to_owned();
    outcome
        .findings
        .iter()
        .filter(|f| {
            f.status == acrlint::Status::Fail
                && f.level >= Level::Warning
                && f.suppression.is_none()
                && engine.meta(&f.rule).is_some_and(|m| m.fix.is_some())
                && f.related.iter().any(|r| {
                    r.location.file.file_name() == Some(name.as_os_str())
                        && r.message.contains("parameter file value")
                })
        })
        .map(|f| (f.rule.clone(), f.resource_name.clone()))
        .collect()
}

/// Every parameter file of the ACR corpus whose template is beside it (JSON ones by
/// name, `.bicepparam` ones by `using`), fixed in a copy of its folder with every
/// `bool` parameter its template declares set to `true` (an admin user turned on, as
/// a deployment may): the file still parses, its template is untouched, only
/// parameter values changed, the template's findings the fixed values decided are
/// gone unless left with advice, and a second run changes nothing.
#[cfg(feature = "corpus")]
#[test]
fn fixing_every_corpus_parameter_file_with_its_flags_on() {
    let mut parameter_files = Vec::new();
    files_under(
        &corpus().join("acr"),
        &|n| n.ends_with(".bicepparam") || (n.contains(".parameters.") && n.ends_with(".json")),
        &mut parameter_files,
    );
    let engine = Engine::builtin().unwrap();
    let options = FixOptions {
        fail_on: Some(Level::Error),
        ..Default::default()
    };
    let (mut checked, mut with_findings, mut fixed_files, mut fixed, mut left) = (0, 0, 0, 0, 0);
    for source in &parameter_files {
        let Some(template) = template_of(source) else {
            continue;
        };
        checked += 1;
        let dir = tempfile::tempdir().unwrap();
        let folder = source.parent().unwrap();
        tree_support::copy_tree(folder, dir.path()).unwrap();
        let copy = dir.path().join(source.file_name().unwrap());
        let template_copy = dir.path().join(template.strip_prefix(folder).unwrap());
        let template_text = std::fs::read_to_string(&template_copy).unwrap();
        let original = std::fs::read_to_string(&copy).unwrap();
        let mutated = with_flags_on(&copy, &original, &bool_parameters(&template));
        std::fs::write(&copy, &mutated).unwrap();
        let decided = decided_by(&copy, &engine, &options);
        if !decided.is_empty() {
            with_findings += 1;
        }
        let r = fix_file(&copy, &engine, &options, true);
        assert!(r.error.is_none(), "{}: {:?}", source.display(), r.error);
        assert!(!r.skipped, "{}", source.display());
        let text = std::fs::read_to_string(&copy).unwrap();
        assert_eq!(text, r.fixed, "{}", source.display());
        let body = text.trim_start_matches('\u{feff}');
        if copy.extension().is_some_and(|e| e == "bicepparam") {
            assert!(
                acrlint::syntax::bicep::parse(body).diagnostics.is_empty(),
                "{}",
                source.display()
            );
        } else {
            assert!(
                acrlint::syntax::json::parse(body).is_ok(),
                "{}",
                source.display()
            );
        }
        assert_eq!(
            std::fs::read_to_string(&template_copy).unwrap(),
            template_text,
            "{}: the template changed",
            source.display()
        );
        // Only values changed: each changed line is a value line changed in place.
        let (removed, added) = changed_lines(&mutated, &text);
        assert_eq!(removed.len(), added.len(), "{}", source.display());
        for (old, new) in removed.iter().zip(&added) {
            assert!(
                old.contains("\"value\"") || old.trim_start().starts_with("param "),
                "{}: {old:?}",
                source.display()
            );
            let key = |l: &str| l.split([':', '=']).next().unwrap_or("").to_string();
            assert_eq!(key(old), key(new), "{}", source.display());
        }
        assert_eq!(r.applied, removed.len(), "{}", source.display());
        if r.applied > 0 {
            fixed_files += 1;
            fixed += r.applied;
        }
        // What the values decided is gone, or left with advice at the value.
        let after = decided_by(&copy, &engine, &options);
        for (rule, resource) in &decided {
            if after.iter().any(|(r2, n)| r2 == rule && n == resource) {
                left += 1;
                assert!(
                    r.manual.iter().any(|m| &m.rule == rule) || r.unsafe_left.contains(rule),
                    "{}: {rule} {resource:?} neither fixed nor explained",
                    source.display()
                );
            }
        }
        let again = fix_file(&copy, &engine, &options, true);
        assert!(again.error.is_none(), "{}", source.display());
        assert_eq!(
            again.applied,
            0,
            "{}: second run fixed more",
            source.display()
        );
        assert_eq!(
            std::fs::read_to_string(&copy).unwrap(),
            text,
            "{}",
            source.display()
        );
    }
    eprintln!(
        "{checked} parameter files with their template, {with_findings} with findings their values decide, {fixed} fixed in {fixed_files}, {left} left with advice"
    );
    assert!(checked >= 25, "only {checked} parameter files");
    assert!(fixed_files >= 4, "only {fixed_files} parameter files fixed");
}
