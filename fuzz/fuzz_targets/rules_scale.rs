//! Every rule over many generated resources (up to a few thousand registries,
//! replications, webhooks, private endpoints and their connections, role
//! assignments, tasks, scope maps, nested deployments) whose names, parents,
//! `dependsOn`, conditions and ids refer to each other as the input says. A rule whose
//! cost grows faster than the number of resources (a scan of every resource for each
//! registry, for each resource) shows as a slow input: it fails here past a time
//! budget linear in the number of resources, and under libFuzzer's `-timeout`.
#![no_main]

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use acrlint::{expand_loaded, load_text, Engine, EngineInput, ExpandOptions, SourceFile};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::builtin().expect("built-in rules load"))
}

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }
    fn index(&mut self, n: usize) -> usize {
        (u16::from_le_bytes([self.byte(), self.byte()]) as usize) % n.max(1)
    }
}

const REG: &str = "Microsoft.ContainerRegistry/registries";
const LOCATIONS: [&str; 4] = ["westus", "eastus", "West US", "[resourceGroup().location]"];
const ROLES: [&str; 4] = [
    "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    "8311e382-0749-4cb8-b61a-304f252e45ec",
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "b24988ac-6180-42a0-ab88-20f7382dd24c",
];

/// One generated resource, as JSON text, referring to registry `r` (`acr{r}`).
fn resource(b: &mut Bytes, i: usize, registries: usize) -> String {
    let r = b.index(registries);
    let loc = LOCATIONS[b.byte() as usize % LOCATIONS.len()];
    let condition = match b.byte() % 8 {
        0 => r#""condition": false,"#,
        1 => r#""condition": "[parameters('on')]","#,
        _ => "",
    };
    let id = format!("[resourceId('{REG}', 'acr{r}')]");
    match b.byte() % 9 {
        0 | 1 => format!(
            r#"{{{condition} "type": "{REG}", "apiVersion": "2023-07-01", "name": "acr{i}", "location": "{loc}",
                "sku": {{"name": "{}"}}, "properties": {{"adminUserEnabled": {}, "publicNetworkAccess": "Disabled"}}}}"#,
            ["Basic", "Standard", "Premium", "[parameters('sku')]"][b.byte() as usize % 4],
            b.byte() % 2 == 0
        ),
        2 => format!(
            r#"{{{condition} "type": "{REG}/replications", "apiVersion": "2023-07-01", "name": "acr{r}/rep{i}",
                "location": "{loc}", "dependsOn": ["{id}"], "properties": {{}}}}"#
        ),
        3 => format!(
            r#"{{"type": "{REG}/webhooks", "apiVersion": "2023-07-01", "name": "acr{r}/hook{i}", "location": "{loc}",
                "copy": {{"name": "w{i}", "count": {}}}, "properties": {{"serviceUri": "https://x", "actions": ["push"]}}}}"#,
            b.byte() % 4
        ),
        4 => format!(
            r#"{{{condition} "type": "Microsoft.Network/privateEndpoints", "apiVersion": "2023-04-01", "name": "pe{i}",
                "location": "{loc}", "properties": {{"privateLinkServiceConnections": [{{"name": "c",
                "properties": {{"privateLinkServiceId": "{id}", "groupIds": ["registry"]}}}}]}}}}"#
        ),
        5 => format!(
            r#"{{"type": "{REG}/privateEndpointConnections", "apiVersion": "2023-07-01", "name": "acr{r}/pec{i}",
                "properties": {{"privateLinkServiceConnectionState": {{"status": "Approved"}}}}}}"#
        ),
        6 => format!(
            r#"{{"type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "[guid('{i}')]",
                "scope": "[format('{REG}/{{0}}', 'acr{r}')]", "properties": {{"principalId": "p",
                "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{}')]"}}}}"#,
            ROLES[b.byte() as usize % ROLES.len()]
        ),
        7 => format!(
            r#"{{"type": "{REG}/tasks", "apiVersion": "2019-06-01-preview", "name": "acr{r}/task{i}", "location": "{loc}",
                "properties": {{"platform": {{"os": "Linux"}}, "step": {{"type": "Docker", "imageNames": ["Img{i}:v1"]}},
                "trigger": {{"sourceTriggers": [{{"name": "s", "sourceRepository": {{"sourceControlType": "GitLab"}}}}]}}}}}}"#
        ),
        _ => format!(
            r#"{{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d{i}",
                "properties": {{"mode": "Incremental", "template": {{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0", "resources": [{{"type": "{REG}/scopeMaps", "apiVersion": "2023-07-01",
                "name": "acr{r}/map{i}", "properties": {{"actions": ["repositories/Repo{i}/content/read"]}}}}],
                "outputs": {{"o": {{"type": "string", "value": "[listCredentials('{id}', '2023-07-01').passwords[0].value]"}}}}}}}}}}"#
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    // Up to 3,000 resources: a quadratic rule takes seconds, a cubic one forever.
    let n = (u16::from_le_bytes([b.byte(), b.byte()]) as usize % 3000) + 1;
    let registries = (n / (1 + b.byte() as usize % 8)).max(1);
    let mut resources = Vec::with_capacity(n);
    for i in 0..n {
        resources.push(resource(&mut b, i, registries));
    }
    let text = format!(
        r#"{{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{"on": {{"type": "bool"}}, "sku": {{"type": "string", "allowedValues": ["Basic", "Premium"]}}}},
  "resources": [{}]}}"#,
        resources.join(",\n")
    );
    let source = Arc::new(SourceFile::from_text("/nonexistent/fuzz/scale.json", &text));
    let Ok(loaded) = load_text(source) else { return };
    let options = ExpandOptions {
        no_parameter_discovery: true,
        bodies: engine().bodies(),
        ..Default::default()
    };
    let started = Instant::now();
    let Ok(expansion) = expand_loaded(loaded, &options) else { return };
    let input = EngineInput {
        expansion: &expansion,
        options: &options,
        mode: if n % 2 == 0 { Default::default() } else { acrlint::DeploymentMode::Complete },
        template_path: std::path::Path::new("/nonexistent/fuzz/scale.json"),
        sources: &acrlint::Disk,
    };
    let findings = engine().run(&input);
    // Linear: a few milliseconds per resource is already far more than it takes.
    let took = started.elapsed();
    let allowed = Duration::from_millis(2_000 + 3 * n as u64);
    assert!(
        took < allowed,
        "{n} resources ({registries} registries) took {took:?}: super-linear rule cost?"
    );
    let _ = findings;
});
