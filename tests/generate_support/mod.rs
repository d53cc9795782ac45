//! Shared by the `acrlint new` tests: one bit per option of `new registry`, and the
//! request a combination of them makes.

#![allow(dead_code)]

use acrlint::{RegistryRequest, Sku};

pub const PRINCIPAL: &str = "00000000-0000-0000-0000-0000000000a1";
pub const PUSHER: &str = "00000000-0000-0000-0000-0000000000b2";
pub const WORKSPACE: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/monitoring/providers/Microsoft.OperationalInsights/workspaces/central-logs";

pub const SWITCHES: [&str; 12] = [
    "replica",
    "private-endpoint",
    "cmk",
    "pull",
    "push",
    "tag",
    "diagnostics",
    "complete-mode-safe",
    "quarantine",
    "content-trust",
    "name",
    "location",
];

/// The switches a combination turns on.
#[derive(Clone, Copy, Debug)]
pub struct Combo(pub u32);

impl Combo {
    /// Every combination of the switches.
    pub fn all() -> impl Iterator<Item = Combo> {
        (0..(1u32 << SWITCHES.len())).map(Combo)
    }

    pub fn on(self, switch: &str) -> bool {
        SWITCHES
            .iter()
            .position(|s| *s == switch)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }

    /// The request of this combination; `tags` are used when "tag" is on.
    pub fn request(self, sku: Option<Sku>, tags: &[&str]) -> RegistryRequest {
        let when = |switch: &str, values: &[&str]| -> Vec<String> {
            if self.on(switch) {
                values.iter().map(|v| v.to_string()).collect()
            } else {
                Vec::new()
            }
        };
        RegistryRequest {
            name: self.on("name").then(|| "contosoregistry".into()),
            location: self.on("location").then(|| "westeurope".into()),
            sku,
            replicas: when("replica", &["northeurope", "East US 2"]),
            private_endpoint: self.on("private-endpoint"),
            cmk: self.on("cmk"),
            pull_principals: when("pull", &[PRINCIPAL]),
            push_principals: when("push", &[PUSHER]),
            tags: when("tag", tags),
            diagnostics: self.on("diagnostics").then(|| WORKSPACE.into()),
            complete_mode_safe: self.on("complete-mode-safe"),
            quarantine: self.on("quarantine"),
            content_trust: self.on("content-trust"),
            ..Default::default()
        }
    }
}
