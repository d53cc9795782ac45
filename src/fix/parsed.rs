//! A file's syntax tree, JSON or Bicep, for planning fixes on it and for
//! rendering the members several fixes add to one object as one insertion.

use std::path::Path;

use super::edit::Planned;
use super::guard::Home;
use super::spec::{FixSpec, SetProperty};
use super::{bicep, json, Finding};
use crate::source::file::Language;

/// A file's syntax tree, for planning fixes on it.
pub(super) enum Parsed {
    Json(crate::source::json::Node),
    Bicep(crate::source::bicep::ParsedFile),
}

impl Parsed {
    pub(super) fn of(language: Language, path: &Path, text: &str) -> Result<Parsed, String> {
        Ok(match language {
            Language::Json => Parsed::Json(
                crate::source::json::parse(text)
                    .map_err(|e| format!("{}: {}", path.display(), e.message))?,
            ),
            Language::Bicep | Language::BicepParam => {
                Parsed::Bicep(crate::source::bicep::parse(text))
            }
        })
    }

    /// The repair of one finding under its rule's `spec`; `sets` says whether the
    /// template's parameter file sets a parameter; `home`: the registry of a replica
    /// to guard.
    pub(super) fn plan(
        &self,
        text: &str,
        f: &Finding,
        spec: &FixSpec,
        sets: &dyn Fn(&str) -> bool,
        home: Option<&Home>,
    ) -> Planned {
        match self {
            Parsed::Json(root) => json::plan(
                &json::JsonFile {
                    text,
                    root,
                    param_file_sets: sets,
                },
                f,
                spec,
                home,
            ),
            Parsed::Bicep(p) => bicep::plan(text, &p.program, f, spec, sets, home),
        }
    }

    /// The parameter that decides `set.path` of the resource `f` is about, and the
    /// value it must have for the property to be `set.value`; `Err`: what decides
    /// it instead, or why it cannot be followed. `sets`: whether the parameter file
    /// sets a parameter.
    pub(super) fn deciding_parameter(
        &self,
        text: &str,
        f: &Finding,
        set: &SetProperty,
        sets: &dyn Fn(&str) -> bool,
    ) -> Result<(String, serde_json::Value), String> {
        match self {
            Parsed::Json(root) => json::deciding_parameter(
                &json::JsonFile {
                    text,
                    root,
                    param_file_sets: sets,
                },
                f,
                set,
            ),
            Parsed::Bicep(p) => bicep::deciding_parameter(text, &p.program, f, set, sets),
        }
    }

    /// Members added to the object spanning `object`, as one insertion.
    pub(super) fn insert_members(
        &self,
        text: &str,
        object: (u32, u32),
        members: &[(String, serde_json::Value)],
    ) -> Planned {
        let missing = || Planned::Manual("the object to extend could not be located".into());
        match self {
            Parsed::Json(root) => match json::object_at(root, object) {
                Some(node) => json::insert_members(text, node, members),
                None => missing(),
            },
            Parsed::Bicep(p) => match bicep::object_at(&p.program, object) {
                Some(expr) => bicep::insert_properties(text, expr, members),
                None => missing(),
            },
        }
    }
}
