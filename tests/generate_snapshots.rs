//! Snapshots of generated files for a few option sets: reviewers read these.

use acrlint::{render_params, render_registry, RegistryRequest, Sku, TemplateFormat};

fn hardened() -> RegistryRequest {
    RegistryRequest {
        name: Some("contosoregistry".into()),
        location: Some("westeurope".into()),
        replicas: vec!["northeurope".into(), "swedencentral".into()],
        private_endpoint: true,
        cmk: true,
        pull_principals: vec!["6b1d3f6e-2c55-4a8e-9d6b-0f4e3a2b1c01".into()],
        push_principals: vec!["0c9e8d7f-6a5b-4c3d-8e2f-1a0b9c8d7e02".into()],
        tags: vec!["environment=production".into(), "cost-center=4711".into()],
        diagnostics: Some("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/monitoring/providers/Microsoft.OperationalInsights/workspaces/central-logs".into()),
        complete_mode_safe: true,
        quarantine: true,
        content_trust: true,
        subnet_id: Some("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/network/providers/Microsoft.Network/virtualNetworks/hub/subnets/private-endpoints".into()),
        key_vault_name: Some("contoso-keys".into()),
        key_name: Some("acr-cmk".into()),
        ..Default::default()
    }
}

#[test]
fn default_bicep() {
    let text = render_registry(&RegistryRequest::default(), TemplateFormat::Bicep).unwrap();
    insta::assert_snapshot!("default.bicep", text);
}

#[test]
fn default_arm() {
    let text = render_registry(&RegistryRequest::default(), TemplateFormat::Arm).unwrap();
    insta::assert_snapshot!("default.json", text);
}

#[test]
fn hardened_bicep() {
    let text = render_registry(&hardened(), TemplateFormat::Bicep).unwrap();
    insta::assert_snapshot!("hardened.bicep", text);
}

#[test]
fn hardened_arm() {
    let text = render_registry(&hardened(), TemplateFormat::Arm).unwrap();
    insta::assert_snapshot!("hardened.json", text);
}

#[test]
fn hardened_params() {
    let bicep = render_params(&hardened(), TemplateFormat::Bicep, "./main.bicep").unwrap();
    insta::assert_snapshot!("hardened.bicepparam", bicep);
    let arm = render_params(&hardened(), TemplateFormat::Arm, "").unwrap();
    insta::assert_snapshot!("hardened.parameters.json", arm);
}

#[test]
fn basic_with_roles_bicep() {
    let request = RegistryRequest {
        sku: Some(Sku::Basic),
        pull_principals: vec!["6b1d3f6e-2c55-4a8e-9d6b-0f4e3a2b1c01".into()],
        tags: vec!["team=platform".into()],
        ..Default::default()
    };
    let text = render_registry(&request, TemplateFormat::Bicep).unwrap();
    insta::assert_snapshot!("basic_with_roles.bicep", text);
}
