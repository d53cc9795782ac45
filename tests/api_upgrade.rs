//! The apiVersion upgrade (`--features corpus`): the schema acrlint carries for the
//! upgrade target is the reference data's, and real corpus registries on old
//! apiVersions are upgraded and fixed with `--unsafe-fixes`, and told how without it.

mod fix_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use acrlint::test_support::shared;
use acrlint::{
    api_upgrade_target_paths, fix_text, registry_property_paths, Engine, FixOptions, Level,
    API_UPGRADE_TARGET,
};
use fix_support::acrlint;
use serde_json::Value;

/// The paths acrlint carries, lowercase.
fn carried() -> BTreeSet<String> {
    api_upgrade_target_paths()
        .map(str::to_ascii_lowercase)
        .collect()
}

/// `prefix.name` (`name` at the top).
fn member(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn bicep_types_dir() -> PathBuf {
    shared("reference/bicep-types-az/generated/containerregistry_0/microsoft.containerregistry")
}

fn rest_spec_dir() -> PathBuf {
    shared("reference/azure-rest-api-specs/specification/containerregistry/resource-manager/Microsoft.ContainerRegistry/Registry/stable")
}

/// Every property path of a Bicep types object type (`index` in `types`).
fn bicep_paths(
    types: &[Value],
    index: usize,
    prefix: &str,
    depth: usize,
    out: &mut BTreeSet<String>,
) {
    assert!(depth < 16, "{prefix}: too deep");
    let of = |r: &Value| -> usize {
        r["$ref"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let t = &types[index];
    match t["$type"].as_str().unwrap() {
        "ObjectType" => {
            for (name, p) in t["properties"].as_object().into_iter().flatten() {
                let path = member(prefix, name);
                out.insert(path.to_ascii_lowercase());
                bicep_paths(types, of(&p["type"]), &path, depth + 1, out);
            }
            if let Some(a) = t.get("additionalProperties") {
                let path = format!("{prefix}.*");
                out.insert(path.to_ascii_lowercase());
                bicep_paths(types, of(a), &path, depth + 1, out);
            }
        }
        "ArrayType" => bicep_paths(
            types,
            of(&t["itemType"]),
            &format!("{prefix}[]"),
            depth + 1,
            out,
        ),
        "DiscriminatedObjectType" | "AnyType" => {
            panic!("{prefix}: a type the list cannot describe")
        }
        _ => {}
    }
}

/// The property paths of a REST spec schema (`properties`, `allOf`,
/// `additionalProperties`, `items`, local `$ref`s); a path whose schema is in another
/// file (common-types) goes into `external`.
fn rest_paths(
    definitions: &Value,
    schema: &Value,
    prefix: &str,
    depth: usize,
    out: &mut BTreeSet<String>,
    external: &mut BTreeSet<String>,
) {
    assert!(depth < 16, "{prefix}: too deep");
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        match r.strip_prefix("#/definitions/") {
            Some(name) => rest_paths(
                definitions,
                &definitions[name],
                prefix,
                depth + 1,
                out,
                external,
            ),
            None => {
                external.insert(prefix.to_ascii_lowercase());
            }
        }
        return;
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        rest_paths(definitions, part, prefix, depth + 1, out, external);
    }
    for (name, p) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let path = member(prefix, name);
        out.insert(path.to_ascii_lowercase());
        rest_paths(definitions, p, &path, depth + 1, out, external);
    }
    if let Some(a) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        let path = format!("{prefix}.*");
        out.insert(path.to_ascii_lowercase());
        rest_paths(definitions, a, &path, depth + 1, out, external);
    }
    if let Some(items) = schema.get("items") {
        rest_paths(
            definitions,
            items,
            &format!("{prefix}[]"),
            depth + 1,
            out,
            external,
        );
    }
}

#[test]
fn the_target_is_the_newest_stable_version_in_the_reference_data() {
    let stable = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| !n.contains("preview"))
            .collect();
        v.sort();
        v
    };
    let types = stable(&bicep_types_dir());
    let rest = stable(&rest_spec_dir());
    assert_eq!(
        types.last().map(String::as_str),
        Some(API_UPGRADE_TARGET),
        "{types:?}"
    );
    assert_eq!(
        rest.last().map(String::as_str),
        Some(API_UPGRADE_TARGET),
        "{rest:?}"
    );
}

#[test]
fn the_carried_schema_is_the_bicep_types_schema() {
    let text = std::fs::read_to_string(
        bicep_types_dir()
            .join(API_UPGRADE_TARGET)
            .join("types.json"),
    )
    .unwrap();
    let types: Vec<Value> = serde_json::from_str(&text).unwrap();
    let want = format!("Microsoft.ContainerRegistry/registries@{API_UPGRADE_TARGET}");
    let resource = types
        .iter()
        .find(|t| t["$type"] == "ResourceType" && t["name"] == want.as_str())
        .unwrap_or_else(|| panic!("{want} not in types.json"));
    let body: usize = resource["body"]["$ref"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let mut paths = BTreeSet::new();
    bicep_paths(&types, body, "", 0, &mut paths);
    let carried = carried();
    let missing: Vec<&String> = paths.difference(&carried).collect();
    let extra: Vec<&String> = carried.difference(&paths).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, not in the types {extra:?}"
    );
    // Every property a fix adds is there.
    for p in registry_property_paths() {
        assert!(paths.contains(p), "{p}");
    }
}

#[test]
fn the_carried_schema_agrees_with_the_rest_spec() {
    let file = rest_spec_dir()
        .join(API_UPGRADE_TARGET)
        .join("containerregistry.json");
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let definitions = &spec["definitions"];
    let mut paths = BTreeSet::new();
    let mut external = BTreeSet::new();
    rest_paths(
        definitions,
        &definitions["Registry"],
        "",
        0,
        &mut paths,
        &mut external,
    );
    assert!(paths.len() > 40, "{paths:?}");
    let carried = carried();
    // What the spec file describes is carried…
    let missing: Vec<&String> = paths.difference(&carried).collect();
    assert!(
        missing.is_empty(),
        "in the REST spec, not carried: {missing:?}"
    );
    // …and what is carried is in the spec file, or under a schema of another file:
    // the resource envelope (`TrackedResource`: id, name, type, tags, location,
    // systemData; `apiVersion` is the Bicep types' own) and private link types.
    let own = ["properties", "sku", "identity"];
    let under_external = |p: &str| {
        external.iter().any(|e| {
            if e.is_empty() {
                let first = p.split(['.', '[']).next().unwrap_or("");
                !own.contains(&first)
            } else {
                p.starts_with(&format!("{e}.")) || p.starts_with(&format!("{e}["))
            }
        })
    };
    for p in &carried {
        assert!(
            paths.contains(p) || under_external(p),
            "carried but not in the REST spec: {p}"
        );
    }
}

/// Corpus registries on old apiVersions whose ACR008 fix (the Entra token policy,
/// from 2022-12-01 or 2021-08-01-preview) needs a newer one: (file, old version).
const OLD_REGISTRIES: &[(&str, &str)] = &[
    (
        "Azure__azure-quickstart-templates/quickstarts/microsoft.machinelearningservices/machine-learning-end-to-end-secure/azuredeploy.json",
        "2021-09-01",
    ),
    (
        "Azure__azure-quickstart-templates/demos/private-aks-cluster-with-public-dns-zone/azuredeploy.json",
        "2019-12-01-preview",
    ),
    (
        "Azure__azure-quickstart-templates/quickstarts/microsoft.machinelearningservices/machine-learning-end-to-end-secure/modules/containerregistry.bicep",
        "2021-09-01",
    ),
    (
        "Azure__bicep/src/Bicep.LangServer.IntegrationTests/Files/SnippetTemplates/res-container-registry/main.combined.bicep",
        "2021-06-01-preview",
    ),
];

fn options(unsafe_fixes: bool) -> FixOptions {
    FixOptions {
        fail_on: Some(Level::Warning),
        unsafe_fixes,
        ..Default::default()
    }
}

/// The registry's apiVersion as written: the `"apiVersion"` member after the
/// registry's type in JSON, the `@version` of its type string in Bicep.
fn written_versions(text: &str) -> Vec<String> {
    let json = regex::Regex::new(
        r#"(?is)"type":\s*"Microsoft\.ContainerRegistry/registries",\s*"apiVersion":\s*"([^"]+)""#,
    )
    .unwrap();
    let bicep =
        regex::Regex::new(r"(?i)'Microsoft\.ContainerRegistry/registries@([^']+)'").unwrap();
    json.captures_iter(text)
        .chain(bicep.captures_iter(text))
        .map(|c| c[1].to_string())
        .collect()
}

#[test]
fn old_registries_are_upgraded_with_unsafe_fixes_and_told_how_without() {
    let engine = Engine::builtin().unwrap();
    for (rel, old) in OLD_REGISTRIES {
        let path = shared(&format!("corpus/acr/{rel}"));
        let original = std::fs::read_to_string(&path).unwrap();
        assert_eq!(written_versions(&original), [*old], "{rel}");
        // Without --unsafe-fixes: not upgraded, and the reason names the upgrade.
        let safe = fix_text(&path, &original, &engine, &options(false));
        assert!(safe.error.is_none(), "{rel}: {:?}", safe.error);
        assert_eq!(written_versions(&safe.fixed), [*old], "{rel}");
        let advice = safe
            .manual
            .iter()
            .find(|m| m.rule == "ACR008")
            .unwrap_or_else(|| panic!("{rel}: ACR008 not refused: {:?}", safe.manual));
        let upgrade = format!("upgrade the apiVersion {old} → {API_UPGRADE_TARGET}");
        assert!(
            advice.advice.contains(&upgrade) && advice.advice.contains("--unsafe-fixes"),
            "{rel}: {}",
            advice.advice
        );
        assert!(safe.remaining.iter().any(|f| f.rule == "ACR008"), "{rel}");
        // With it: upgraded, and the property written.
        let fixed = fix_text(&path, &original, &engine, &options(true));
        assert!(fixed.error.is_none(), "{rel}: {:?}", fixed.error);
        assert_eq!(
            written_versions(&fixed.fixed),
            [API_UPGRADE_TARGET],
            "{rel}"
        );
        assert!(
            fixed.fixed.contains("azureADAuthenticationAsArmPolicy"),
            "{rel}"
        );
        assert!(
            !fixed.remaining.iter().any(|f| f.rule == "ACR008")
                && !fixed.manual.iter().any(|m| m.rule == "ACR008"),
            "{rel}: {:?} {:?}",
            fixed.remaining,
            fixed.manual
        );
        assert!(fixed.applied > safe.applied, "{rel}");
        assert!(!fixed.deferred, "{rel}");
        // The apiVersion and the fixes' lines are all that changed.
        let changed: Vec<String> = similar::TextDiff::from_lines(&safe.fixed, &fixed.fixed)
            .iter_all_changes()
            .filter(|c| c.tag() == similar::ChangeTag::Delete)
            .map(|c| c.value().to_string())
            .collect();
        assert!(
            changed.iter().any(|l| l.contains(old)),
            "{rel}: {changed:?}"
        );
        // A second run changes nothing.
        let again = fix_text(&path, &fixed.fixed, &engine, &options(true));
        assert!(again.error.is_none(), "{rel}: {:?}", again.error);
        assert_eq!(
            again.fixed, fixed.fixed,
            "{rel}: second run changed the file"
        );
        assert_eq!(again.applied, 0, "{rel}");
    }
}

/// A registry whose fix cannot apply anyway (its policies are a parameter) is not
/// upgraded for nothing: the advice says what to change, the apiVersion included.
#[test]
fn a_registry_whose_fix_cannot_apply_is_not_upgraded() {
    let engine = Engine::builtin().unwrap();
    for rel in [
        "Azure__azure-quickstart-templates/quickstarts/microsoft.containerregistry/container-registry-with-policies-and-diagnostics/azuredeploy.json",
        "Azure__azure-quickstart-templates/quickstarts/microsoft.containerregistry/container-registry-with-policies-and-diagnostics/main.bicep",
    ] {
        let path = shared(&format!("corpus/acr/{rel}"));
        let original = std::fs::read_to_string(&path).unwrap();
        let r = fix_text(&path, &original, &engine, &options(true));
        assert!(r.error.is_none(), "{rel}: {:?}", r.error);
        assert_eq!(written_versions(&r.fixed), ["2021-06-01-preview"], "{rel}");
        let advice = &r.manual.iter().find(|m| m.rule == "ACR008").unwrap().advice;
        assert!(
            advice.contains("computed") && advice.contains("upgrade the apiVersion too"),
            "{rel}: {advice}"
        );
    }
}

/// The CLI: `--diff --unsafe-fixes` shows the upgrade and writes nothing, `fix`
/// names it, `fix --unsafe-fixes` writes it, and a second run has nothing to do.
#[test]
fn cli_shows_names_and_applies_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    for (i, (rel, old)) in OLD_REGISTRIES.iter().enumerate() {
        let source = shared(&format!("corpus/acr/{rel}"));
        let name = format!("{i}-{}", source.file_name().unwrap().to_string_lossy());
        let original = std::fs::read_to_string(&source).unwrap();
        std::fs::write(dir.path().join(&name), &original).unwrap();
        let (code, diff, _) = acrlint(dir.path(), &["fix", "--diff", "--unsafe-fixes", &name]);
        assert_eq!(code, 1, "{rel}");
        assert!(
            diff.lines().any(|l| l.starts_with('-') && l.contains(old))
                && diff
                    .lines()
                    .any(|l| l.starts_with('+') && l.contains(API_UPGRADE_TARGET)),
            "{rel}: {diff}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&name)).unwrap(),
            original
        );
        let (_, diff, err) = acrlint(dir.path(), &["fix", "--diff", &name]);
        assert!(!diff.contains(API_UPGRADE_TARGET), "{rel}: {diff}");
        assert!(
            err.contains(&format!("{old} → {API_UPGRADE_TARGET}")),
            "{rel}: {err}"
        );
        acrlint(dir.path(), &["fix", "--unsafe-fixes", &name]);
        let written = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        assert_eq!(written_versions(&written), [API_UPGRADE_TARGET], "{rel}");
        let (_, diff, err) = acrlint(dir.path(), &["fix", "--diff", "--unsafe-fixes", &name]);
        assert!(diff.is_empty(), "{rel}: second run: {diff}");
        assert!(!err.contains("ACR008"), "{rel}: {err}");
    }
}
