//! Bicep programs that loop through modules, scopes or names.

use super::*;

#[test]
fn bicep_module_cycles_are_named() {
    let dir = scratch("bicep-cycle");
    write(
        &dir,
        "a.bicep",
        "module b './b.bicep' = {\n  name: 'b'\n}\n",
    );
    write(
        &dir,
        "b.bicep",
        "module a './a.bicep' = {\n  name: 'a'\n}\n",
    );
    let o = check_one(&dir.join("a.bicep"));
    assert!(
        o.findings
            .iter()
            .any(|f| f.rule == "ACR000" && f.message.contains("module cycle")),
        "{:#?}",
        o.findings
    );
}

#[test]
fn bicep_resources_scoped_to_each_other_do_not_recurse_forever() {
    // Found by fuzzing (fuzz/fuzz_targets/bicep.rs): `scope:` cycles overflowed the
    // stack while the resource ids were composed.
    let dir = scratch("bicep-scope-cycle");
    let path = write(
        &dir,
        "main.bicep",
        "resource a 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'a'\n  scope: b\n}\n\
         resource b 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'b'\n  scope: a\n}\n\
         resource c 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'c'\n  scope: c\n}\n",
    );
    let exp = acrlint::expand(&path, &ExpandOptions::default()).unwrap();
    assert!(
        exp.diagnostics
            .iter()
            .any(|d| d.message.contains("cycle through `scope:`")),
        "{:?}",
        exp.diagnostics
    );
    assert!(check_one(&path).checked);
}

#[test]
fn a_broken_bicep_file_whose_names_and_scopes_loop_lowers_quickly() {
    // Found by fuzzing (a timeout): with the braces of `storage` left open, the role
    // assignment ends up inside it, scoped to it and named from its id; resolving the
    // scope and the name branched without end.
    let dir = scratch("bicep-name-scope-loop");
    let path = write(
        &dir,
        "main.bicep",
        "resource storage 'Microsoft.Storage/storageAccounts@2022-09-01' = {\n  properties: {\n    encryption: {\n}\n\
         resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (userObjectId != '') {\n  \
         name: guid(storage.id, userObjectId, role.id)\n  scope: storage\n",
    );
    let started = Instant::now();
    let o = check_one(&path);
    assert!(started.elapsed() < Duration::from_secs(10));
    // The file is reported for its syntax errors, placed on their lines.
    let lines: Vec<u32> = acr000(&o).iter().map(|f| f.location.start.line).collect();
    assert!(
        lines.contains(&1) && lines.contains(&5),
        "{:#?}",
        o.findings
    );
}

#[test]
fn a_bicep_resource_named_from_its_own_id_does_not_exhaust_memory() {
    // Found by fuzzing (out of memory): `name: guid(acr.id)` on `acr` itself nested
    // its own name into its id without end.
    let dir = scratch("bicep-self-name");
    let path = write(
        &dir,
        "main.bicep",
        "resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n  scope: acr\n  name: guid(acr.id, 'x')\n}\n",
    );
    let exp = acrlint::expand(&path, &ExpandOptions::default()).unwrap();
    assert!(
        exp.diagnostics
            .iter()
            .any(|d| d.message.contains("cycle through `name:`")),
        "{:?}",
        exp.diagnostics
    );
    assert!(check_one(&path).checked);
}
