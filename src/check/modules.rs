//! Findings inside a registry module (a `main.json` in the Bicep module cache) are
//! reported where the user can act: at the value the user's file passes to the module
//! (`acrAdminUserEnabled: true`), or, when the module's own default is at fault, at the
//! `module` statement. The module reference and the place in the module's template
//! become related locations.

use std::path::Path;

use crate::arm::expand::Expansion;
use crate::rules::finding::{fingerprint, Finding, Location, Related};
use crate::rules::native::name_text;
use crate::source::file::{FileId, RegistryUse};

/// Move the findings located in registry modules of `exp` into the files using them.
pub fn report_in_callers(exp: &Expansion, findings: &mut [Finding]) {
    let modules: Vec<(FileId, &Path, &[RegistryUse])> = exp
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.registry_uses.is_empty())
        .map(|(i, f)| {
            (
                i as FileId,
                f.source.path.as_path(),
                f.registry_uses.as_slice(),
            )
        })
        .collect();
    if modules.is_empty() {
        return;
    }
    let in_module = |l: &Location| modules.iter().any(|(_, p, _)| *p == l.file);
    for f in findings.iter_mut() {
        let Some((module, module_path, uses)) =
            modules.iter().find(|(_, p, _)| *p == f.location.file)
        else {
            continue;
        };
        // The value the using statement passes in, when the finding's value came
        // through a module parameter (its own upstream stays related).
        let passed = f.related.iter().position(|r| {
            !in_module(&r.location) && r.message.contains("passed by the enclosing deployment")
        });
        let passed_location = passed.map(|i| f.related[i].location.clone());
        let using = passed_location
            .as_ref()
            .and_then(|l| uses.iter().find(|u| contains(exp, u, l)))
            .or_else(|| deploying_use(exp, *module, uses, f))
            .or_else(|| uses.first());
        let Some(using) = using else { continue };
        let Some(statement) = location(exp, using.file, using.path) else {
            continue;
        };
        let inside = std::mem::replace(
            &mut f.location,
            passed_location.clone().unwrap_or_else(|| statement.clone()),
        );
        if let Some(i) = passed {
            f.related.remove(i);
        }
        f.related.insert(
            0,
            Related {
                location: inside.clone(),
                message: format!("in registry module {}", using.reference),
            },
        );
        f.related.insert(
            0,
            Related {
                location: statement,
                message: format!("module {}", using.reference),
            },
        );
        let user_file = f.location.file.to_string_lossy().replace('\\', "/");
        let within = cache_relative(module_path);
        let at = format!("{}:{}", inside.start.line, inside.start.column);
        f.fingerprint = fingerprint(&[
            &f.rule,
            &user_file,
            &using.reference,
            &within,
            &at,
            f.resource_name.as_deref().unwrap_or(""),
        ]);
    }
}

/// The statement whose deployment holds the finding's resource (a module used by
/// several statements is one file; its resources carry their deployment's name).
fn deploying_use<'u>(
    exp: &Expansion,
    module: FileId,
    uses: &'u [RegistryUse],
    f: &Finding,
) -> Option<&'u RegistryUse> {
    let (rtype, rname) = (f.resource_type.as_deref()?, f.resource_name.as_deref()?);
    let inner = exp.resources.iter().find(|r| {
        r.file == module
            && r.resource_type.eq_ignore_ascii_case(rtype)
            && name_text(&r.name) == rname
    })?;
    let deployment = inner.deployment.rsplit('/').next()?;
    uses.iter().find(|u| {
        exp.resources.iter().any(|d| {
            d.file == u.file
                && d.resource_type
                    .eq_ignore_ascii_case("Microsoft.Resources/deployments")
                && u.statement.start <= d.span.start
                && d.span.end <= u.statement.end
                && name_text(&d.name) == deployment
        })
    })
}

/// Whether `l` lies inside the `module` statement `u`.
fn contains(exp: &Expansion, u: &RegistryUse, l: &Location) -> bool {
    exp.file(u.file).is_some_and(|f| {
        f.source.path == l.file
            && u.statement.start <= l.byte_start
            && l.byte_end <= u.statement.end
    })
}

fn location(exp: &Expansion, file: FileId, span: crate::source::json::Span) -> Option<Location> {
    let f = exp.file(file)?;
    Some(Location {
        file: f.source.path.clone(),
        start: f.source.line_col(span.start),
        end: f.source.line_col(span.end),
        byte_start: span.start,
        byte_end: span.end,
    })
}

/// The module file's path from the cache's `br` folder on (the same on every machine).
fn cache_relative(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.iter().rposition(|p| p == "br") {
        Some(i) => parts[i..].join("/"),
        None => path.to_string_lossy().replace('\\', "/"),
    }
}
