//! `kv.getSecret(...)` passed to a Bicep module parameter becomes a Key Vault
//! reference of the nested deployment, written directly or chosen in a ternary.

use acrlint::{expand, expansion_to_json, DeploymentContext, ExpandOptions};

#[test]
fn get_secret_module_parameters_are_key_vault_references() {
    let dir = std::env::temp_dir().join(format!("acrlint-kv-module-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("main.bicep"),
        "resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {\n  name: 'vault1'\n}\n\
         module app './app.bicep' = {\n  name: 'app'\n  params: {\n    \
         password: kv.getSecret('acr-password', 'v1')\n    \
         chosen: true ? kv.getSecret('a') : kv.getSecret('b')\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("app.bicep"),
        "@secure()\nparam password string\n@secure()\nparam chosen string\n",
    )
    .unwrap();
    let options = ExpandOptions {
        context: DeploymentContext {
            subscription_id: Some("00000000-0000-0000-0000-000000000001".into()),
            resource_group: Some("rg".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let exp = expand(&dir.join("main.bicep"), &options).unwrap();
    let json = expansion_to_json(&exp);
    let deployment = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "Microsoft.Resources/deployments")
        .expect("the module is a nested deployment");
    let params = &deployment["properties"]["parameters"];
    let vault = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/vault1";
    assert_eq!(
        params["password"]["reference"]["keyVault"]["id"], vault,
        "{params:#}"
    );
    assert_eq!(
        params["password"]["reference"]["secretName"],
        "acr-password"
    );
    assert_eq!(params["password"]["reference"]["secretVersion"], "v1");
    assert_eq!(
        params["chosen"]["reference"]["keyVault"]["id"], vault,
        "{params:#}"
    );
    assert_eq!(params["chosen"]["reference"]["secretName"], "a");
    std::fs::remove_dir_all(&dir).ok();
}
