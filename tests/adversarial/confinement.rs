//! Confinement: a checked tree never makes acrlint read a file outside its root (the
//! nearest repository root, or the directory given), whether through `..`, an
//! absolute path, or a symbolic link; and what it refuses it never quotes.

use std::process::Command;

use super::*;

/// What the secret files hold: it must appear in no output.
const SECRET: &str = "TOPSECRET-8c1f";

/// `outside/` holds secrets; `project/` is what is checked. Neither is in a
/// repository (the temporary directory is not).
fn layout(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let outside = dir.join("outside");
    let project = dir.join("project");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(&project).unwrap();
    write(&outside, "secret.txt", SECRET);
    write(
        &outside,
        "secret.json",
        format!(r#"{{"admin": true, "name": "{SECRET}"}}"#),
    );
    write(
        &outside,
        "evil.bicep",
        format!(
            "resource r 'Microsoft.ContainerRegistry/registries@2023-07-01' = {{\n  name: '{SECRET}'\n  location: 'westus'\n  sku: {{ name: 'Premium' }}\n  properties: {{ adminUserEnabled: true }}\n}}\n"
        ),
    );
    (outside, project)
}

/// A Bicep registry whose name is `name_expr` (an expression reading a file).
fn registry_named(name_expr: &str) -> String {
    format!(
        "resource r 'Microsoft.ContainerRegistry/registries@2023-07-01' = {{\n  name: {name_expr}\n  location: 'westus'\n  sku: {{ name: 'Premium' }}\n  properties: {{ adminUserEnabled: true }}\n}}\n"
    )
}

/// `acrlint ARGS` in every output format: (exit code, everything printed).
fn run_all_formats(args: &[&str]) -> Vec<(Option<i32>, String)> {
    ["text", "json", "sarif", "github", "junit"]
        .iter()
        .map(|format| {
            let out = Command::new(env!("CARGO_BIN_EXE_acrlint"))
                .args(args)
                .args(["--format", format])
                .output()
                .unwrap();
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            (out.status.code(), all)
        })
        .collect()
}

/// Check `project` in every format: nothing of the secret, and `refusal` said.
fn refused_everywhere(project: &Path, refusal: &str) {
    let p = project.to_str().unwrap();
    for (code, out) in run_all_formats(&["check", p]) {
        assert!(!out.contains(SECRET), "secret leaked:\n{out}");
        assert!(out.contains(refusal), "no `{refusal}`:\n{out}");
        // The registry itself is still checked.
        assert_eq!(code, Some(1), "{out}");
    }
    let main = project.join("main.bicep");
    let out = Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .arg("expand")
        .arg(&main)
        .output()
        .unwrap();
    let all =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(!all.contains(SECRET), "expand leaked:\n{all}");
}

/// `outside/p.json`, a parameter file that sets the secret, and `project/TEMPLATE`, a
/// registry named by that parameter.
fn parameters_outside_for_a_template_inside(outside: &Path, project: &Path, template_name: &str) {
    write(
        outside,
        "p.json",
        format!(
            r#"{{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {{"n": {{"value": "{SECRET}"}}}}}}"#
        ),
    );
    write(
        project,
        template_name,
        template(
            "{}",
            r#"[{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "[parameters('n')]",
                 "location": "westus", "sku": {"name": "Premium"}, "properties": {"adminUserEnabled": true}}]"#,
        )
        .replace(
            r#""variables": {},"#,
            r#""parameters": {"n": {"type": "string"}}, "variables": {},"#,
        ),
    );
}

#[test]
fn load_functions_may_not_climb_out_of_the_root() {
    let (_, project) = layout("confine-dotdot");
    write(
        &project,
        "main.bicep",
        registry_named("loadTextContent('../outside/secret.txt')")
            + "output o object = loadJsonContent('../outside/secret.json')\n"
            + "output b string = loadFileAsBase64('sub/../../outside/secret.txt')\n",
    );
    refused_everywhere(&project, "leaves the checked root");
}

#[test]
fn absolute_paths_are_refused() {
    let (outside, project) = layout("confine-absolute");
    let secret = outside.join("secret.txt");
    write(
        &project,
        "main.bicep",
        registry_named(&format!("loadTextContent('{}')", secret.display())),
    );
    refused_everywhere(&project, "BCP051");
}

#[test]
fn symbolic_links_out_of_the_root_are_not_followed() {
    let (outside, project) = layout("confine-symlink");
    std::os::unix::fs::symlink(outside.join("secret.txt"), project.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(&outside, project.join("linked-dir")).unwrap();
    write(
        &project,
        "main.bicep",
        registry_named("loadTextContent('link.txt')")
            + "output o object = loadJsonContent('linked-dir/secret.json')\n",
    );
    refused_everywhere(&project, "through a symbolic link");
}

#[test]
fn modules_outside_the_root_are_not_loaded() {
    let (_, project) = layout("confine-module");
    write(
        &project,
        "main.bicep",
        registry_named("'acr'") + "module m '../outside/evil.bicep' = {\n  name: 'm'\n}\n",
    );
    refused_everywhere(&project, "leaves the checked root");
}

#[test]
fn a_parameter_file_linked_from_outside_is_not_read() {
    let (outside, project) = layout("confine-params");
    parameters_outside_for_a_template_inside(&outside, &project, "azuredeploy.json");
    std::os::unix::fs::symlink(
        outside.join("p.json"),
        project.join("azuredeploy.parameters.json"),
    )
    .unwrap();
    // Walked, and named on the command line: the parameter file is found by its
    // name, refused, and said to be refused (never skipped in silence).
    let template = project.join("azuredeploy.json");
    for p in [project.to_str().unwrap(), template.to_str().unwrap()] {
        for (code, out) in run_all_formats(&["check", p]) {
            assert!(!out.contains(SECRET), "secret leaked:\n{out}");
            assert!(out.contains("outside the checked root"), "{out}");
            assert!(out.contains("azuredeploy.parameters.json"), "{out}");
            // A file that cannot be read: exit 2, as for any unreadable input.
            assert_eq!(code, Some(2), "{out}");
        }
    }
}

#[test]
fn a_linked_bicepparam_or_template_out_of_the_root_is_reported() {
    let (outside, project) = layout("confine-bicepparam");
    write(
        &outside,
        "main.bicepparam",
        format!("using 'main.bicep'\nparam n = '{SECRET}'\n"),
    );
    write(
        &project,
        "main.bicep",
        "param n string\n".to_string() + &registry_named("n"),
    );
    std::os::unix::fs::symlink(
        outside.join("main.bicepparam"),
        project.join("main.bicepparam"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.join("evil.bicep"), project.join("linked.bicep")).unwrap();
    let main = project.join("main.bicep");
    for p in [project.to_str().unwrap(), main.to_str().unwrap()] {
        for (code, out) in run_all_formats(&["check", p]) {
            assert!(!out.contains(SECRET), "secret leaked:\n{out}");
            assert!(out.contains("outside the checked root"), "{out}");
            assert!(out.contains("main.bicepparam"), "{out}");
            assert_eq!(code, Some(2), "{out}");
        }
    }
    // The walk names the linked template too.
    let (_, out) = &run_all_formats(&["check", project.to_str().unwrap()])[0];
    assert!(out.contains("linked.bicep"), "{out}");
}

#[test]
fn allow_path_widens_the_root_on_purpose() {
    let (outside, project) = layout("confine-allow");
    write(
        &project,
        "main.bicep",
        registry_named("'acr'")
            + "var cfg = loadJsonContent('../outside/secret.json')\noutput admin bool = cfg.admin\n",
    );
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_acrlint"))
            .arg("check")
            .arg(&project)
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(run(&[]).contains("leaves the checked root"));
    let allowed = run(&["--allow-path", outside.to_str().unwrap()]);
    assert!(!allowed.contains("leaves the checked root"), "{allowed}");
}

#[test]
fn a_repository_root_is_the_root_of_a_checked_subdirectory() {
    let (_, project) = layout("confine-repo");
    std::fs::create_dir_all(project.join(".git")).unwrap();
    let infra = project.join("infra");
    std::fs::create_dir_all(&infra).unwrap();
    write(&project, "common.txt", "acrcommon");
    write(
        &infra,
        "main.bicep",
        registry_named("loadTextContent('../common.txt')"),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .arg("check")
        .arg(&infra)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("leaves the checked root"), "{text}");
    assert!(text.contains("ACR001"), "{text}");
}

#[test]
fn a_using_target_out_of_the_root_is_refused() {
    let (_, project) = layout("confine-using");
    write(
        &project,
        "main.bicepparam",
        "using '../outside/evil.bicep'\n",
    );
    let p = project.join("main.bicepparam");
    for (code, out) in run_all_formats(&["check", p.to_str().unwrap()]) {
        assert!(!out.contains(SECRET), "secret leaked:\n{out}");
        assert!(out.contains("leaves the checked root"), "{out}");
        assert_eq!(code, Some(2), "{out}");
    }
}

#[test]
fn a_configured_parameter_file_out_of_the_root_fails_the_template() {
    let (outside, project) = layout("confine-config-params");
    parameters_outside_for_a_template_inside(&outside, &project, "main.json");
    let absolute = outside.join("p.json");
    for written in ["../outside/p.json", absolute.to_str().unwrap()] {
        write(
            &project,
            "acrlint.json",
            serde_json::json!({"parameters": {"main.json": written}}).to_string(),
        );
        for (code, out) in run_all_formats(&["check", project.to_str().unwrap()]) {
            assert!(!out.contains(SECRET), "secret leaked:\n{out}");
            assert!(out.contains("outside the checked root"), "{written}: {out}");
            assert!(out.contains("p.json"), "{out}");
            assert_eq!(code, Some(2), "{out}");
        }
    }
}

/// `link/..` is the parent of the link's target, not the folder the link is in: the
/// files the walk finds there are read there, never from the folder that the
/// spelling without `link/..` would name (which is outside the root checked).
#[test]
fn a_walked_path_through_a_link_and_dotdot_reads_where_it_leads() {
    let (outside, project) = layout("confine-link-dotdot");
    // The root checked is `outside/` (what `link/..` leads to); `project/sub` is
    // outside that root.
    std::fs::create_dir_all(outside.join("inner")).unwrap();
    std::fs::create_dir_all(outside.join("sub")).unwrap();
    std::fs::create_dir_all(project.join("sub")).unwrap();
    write(
        &project.join("sub"),
        "t.bicep",
        registry_named("'acrprojectsub'"),
    );
    write(
        &outside.join("sub"),
        "t.bicep",
        registry_named("'acrinside'"),
    );
    std::os::unix::fs::symlink(outside.join("inner"), project.join("link")).unwrap();
    for format in ["text", "json", "sarif"] {
        let out = Command::new(env!("CARGO_BIN_EXE_acrlint"))
            .current_dir(&project)
            .args(["check", "link/..", "--format", format])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains("acrprojectsub"),
            "read outside the root:\n{all}"
        );
        assert!(all.contains("acrinside"), "{all}");
        assert_eq!(out.status.code(), Some(1), "{all}");
    }
}
