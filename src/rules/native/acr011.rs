//! ACR011: a registry should be reached through Private Link: a
//! `Microsoft.Network/privateEndpoints` with `groupIds: ["registry"]` whose
//! `privateLinkServiceId` is the registry (or an approved
//! `registries/privateEndpointConnections`). Mirrors Azure Policy e8eef0a8, which
//! counts the registry's approved `privateEndpointConnections`: a read-only property
//! that Azure fills in once such an endpoint exists, so in a template the endpoint is
//! what can be checked.

use super::emit::{at_path, doubts_suffix, related_at};
use super::name_text;
use super::resolve::{deployed, is_type, private_links, registries, Deployed, Link};
use super::RuleInput;
use super::registry::{NativeRule, Reads};
use crate::rules::finding::{Finding, Status};

/// Reads registries and the private endpoints that may target them.
pub(super) const RULE: NativeRule = NativeRule {
    check,
    reads: Reads {
        registry_companions: &[super::resolve::PRIVATE_ENDPOINT],
        ..Reads::REGISTRIES
    },
};

pub fn check(input: &RuleInput) -> Vec<Finding> {
    let exp = input.expansion;
    let mut out = Vec::new();
    for (i, reg) in registries(exp) {
        let mut doubts = Vec::new();
        match deployed(exp, reg) {
            Deployed::No => continue,
            Deployed::Maybe(why) => doubts.push(format!("the registry's {why}")),
            Deployed::Yes => {}
        }
        let links = private_links(exp, i);
        if links.iter().any(|l| l.link == Link::Certain) {
            continue;
        }
        let mut related = Vec::new();
        for l in &links {
            if let Link::Maybe(why) = &l.link {
                doubts.push(why.clone());
                if let Some(pe) = exp.resources.get(l.resource) {
                    related.push(related_at(
                        input,
                        pe,
                        &["name"],
                        format!("private endpoint {} may connect to it", name_text(&pe.name)),
                    ));
                }
            }
        }
        let status = if doubts.is_empty() {
            Status::Fail
        } else {
            Status::Possible
        };
        let endpoints = exp
            .resources
            .iter()
            .filter(|r| is_type(r, super::resolve::PRIVATE_ENDPOINT))
            .count();
        let mut message = format!(
            "registry {} is not reached through Private Link: no private endpoint with groupIds [\"registry\"] in the template connects to it",
            name_text(&reg.name)
        );
        if endpoints > 0 && links.is_empty() {
            message.push_str(&format!(
                " ({endpoints} private endpoint(s) in the template connect to other resources)"
            ));
        }
        message.push_str(&doubts_suffix(&doubts));
        out.push(at_path(input, reg, &["name"], status, message, related));
    }
    out
}
