//! What conditions read of a resource: its evaluated body as JSON, with its type,
//! name, location and condition, built once per resource and shared by every
//! declarative rule and imported policy.

use crate::arm::expand::{ExpandedResource, Expansion};
use crate::arm::value::Value;

/// Resource views of one expansion, built on first use.
pub struct ResourceViews<'e> {
    resources: &'e [ExpandedResource],
    cells: Vec<std::cell::OnceCell<serde_json::Value>>,
}

impl<'e> ResourceViews<'e> {
    pub fn new(exp: &'e Expansion) -> Self {
        ResourceViews {
            resources: &exp.resources,
            cells: (0..exp.resources.len())
                .map(|_| std::cell::OnceCell::new())
                .collect(),
        }
    }

    /// The view of resource `i`.
    pub fn get(&self, i: usize) -> &serde_json::Value {
        self.cells[i].get_or_init(|| resource_view(&self.resources[i]))
    }
}

/// The view of a resource that conditions read: the body plus type, name, location.
pub fn resource_view(r: &ExpandedResource) -> serde_json::Value {
    let mut view = match r.body.to_json() {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    view.insert(
        "type".into(),
        serde_json::Value::String(r.resource_type.to_string()),
    );
    view.insert("name".into(), r.name.to_json());
    if let Some(l) = &r.location {
        view.insert("location".into(), l.to_json());
    }
    view.insert(
        "condition".into(),
        match &r.condition {
            Value::Bool(b) => serde_json::Value::Bool(*b),
            _ => serde_json::Value::String("unknown".into()),
        },
    );
    serde_json::Value::Object(view)
}
