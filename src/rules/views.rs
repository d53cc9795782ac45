//! What conditions read of a resource: its evaluated body as an ARM value, with its
//! type, name, location and condition, built once per resource and shared by every
//! declarative rule and imported policy. Unknown values and candidate sets stay typed
//! ([`Value::Unknown`], [`Value::Candidates`]): a property that holds an object is an
//! object, whatever its keys.

use std::cell::OnceCell;

use crate::arm::expand::{ExpandedResource, Expansion};
use crate::arm::value::{Map, Str, Value};

/// Resource views of one expansion, built on first use.
pub struct ResourceViews<'e> {
    resources: &'e [ExpandedResource],
    cells: Vec<OnceCell<Value>>,
}

impl<'e> ResourceViews<'e> {
    pub fn new(exp: &'e Expansion) -> Self {
        ResourceViews {
            resources: &exp.resources,
            cells: (0..exp.resources.len()).map(|_| OnceCell::new()).collect(),
        }
    }

    /// The view of resource `i`.
    pub fn get(&self, i: usize) -> &Value {
        self.cells[i].get_or_init(|| resource_view(&self.resources[i]))
    }
}

/// The view of a resource that conditions read: the body plus type, name, location,
/// and `condition` (`true`, `false` or `"unknown"`).
pub fn resource_view(r: &ExpandedResource) -> Value {
    let mut view = match &r.body {
        Value::Object(m) => Map::clone(m),
        _ => Map::new(),
    };
    view.insert(Str::from("type"), Value::String(r.resource_type.clone()));
    view.insert(Str::from("name"), r.name.clone());
    if let Some(l) = &r.location {
        view.insert(Str::from("location"), l.clone());
    }
    view.insert(
        Str::from("condition"),
        match &r.condition {
            Value::Bool(b) => Value::Bool(*b),
            _ => Value::str("unknown"),
        },
    );
    Value::object(view)
}
