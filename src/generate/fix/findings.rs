//! The findings `check` reports on a file's text, for the fixer's passes: ARM JSON is
//! checked in memory; Bicep is checked from disk (the lowering reads the file and
//! its modules), so a text that is not the file's content is checked as a hidden
//! sibling file that is removed again.

use std::path::Path;
use std::sync::Arc;

use super::{is_bicep, BOM};
use crate::arm::expand::{expand_loaded, load_text};
use crate::check::{check_file, diagnostic_findings, CheckOptions};
use crate::rules::engine::{Engine, EngineInput};
use crate::rules::finding::{Finding, Level};
use crate::source::discover::{classify, parameter_file_for, JsonFileKind};
use crate::source::file::SourceFile;
use crate::source::json::Node;

/// Findings in `path` when its content is `text` (BOM removed); `None` when the file
/// is not a template.
pub(crate) fn of_text(
    path: &Path,
    text: &str,
    engine: &Engine,
    options: &CheckOptions,
) -> Result<Option<Vec<Finding>>, String> {
    if is_bicep(path) {
        bicep(path, text, engine, options).map(Some)
    } else {
        json(path, text, engine, options)
    }
}

fn json(
    path: &Path,
    text: &str,
    engine: &Engine,
    options: &CheckOptions,
) -> Result<Option<Vec<Finding>>, String> {
    let source = Arc::new(SourceFile::from_text(path, text));
    let loaded = match load_text(source) {
        Ok(l) => l,
        // Like `check`: broken JSON is only an error when it looks like a template.
        Err(e)
            if text
                .to_ascii_lowercase()
                .contains("deploymenttemplate.json") =>
        {
            return Err(e.render())
        }
        Err(_) => return Ok(None),
    };
    if classify(&loaded.root) != JsonFileKind::Template {
        return Ok(None);
    }
    // The configuration's parameter mapping and context apply where the command line
    // did not say, as in `check`.
    let config = options.config.as_ref().and_then(|r| r.for_file(path));
    let mut expand = options.expand.clone();
    if let Some(c) = &config {
        if expand.parameters.is_none() {
            expand.parameters = c.parameter_file_for(path);
        }
        let (ctx, cc) = (&mut expand.context, &c.file.context);
        ctx.location = ctx.location.take().or_else(|| cc.location.clone());
        ctx.resource_group = ctx
            .resource_group
            .take()
            .or_else(|| cc.resource_group.clone());
        ctx.subscription_id = ctx
            .subscription_id
            .take()
            .or_else(|| cc.subscription_id.clone());
    }
    let expansion = expand_loaded(loaded, &expand).map_err(|e| e.render())?;
    let mut findings = diagnostic_findings(&expansion);
    if let Some(f) = findings.iter().find(|f| f.level == Level::Error) {
        return Err(format!(
            "{}:{}: {} (fix it first)",
            f.location.start.line, f.location.start.column, f.message
        ));
    }
    let input = EngineInput {
        expansion: &expansion,
        options: &expand,
        mode: options.mode,
        template_path: path,
    };
    findings.extend(engine.run(&input));
    if let Some(c) = &config {
        c.apply(&mut findings);
    }
    crate::check::suppress::apply(&expansion, &mut findings);
    findings.retain(|f| f.location.file == path);
    Ok(Some(findings))
}

fn bicep(
    path: &Path,
    text: &str,
    engine: &Engine,
    options: &CheckOptions,
) -> Result<Vec<Finding>, String> {
    let on_disk = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    // The fixed text is checked from a scratch copy next to the file (its modules are
    // found relative to it), created with a random name and O_EXCL: never an existing
    // file or a link planted there. Removed when dropped.
    let mut _scratch = None;
    let load_path = if on_disk.strip_prefix(BOM).unwrap_or(&on_disk) == text {
        path.to_path_buf()
    } else {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let scratch = crate::source::write::scratch_file(
            dir,
            &format!(".{name}.acrlint-fix-"),
            ".bicep",
            text.as_bytes(),
        )
        .map_err(|e| {
            format!("cannot write a scratch copy next to the file to check the fixes: {e}")
        })?;
        let load_path = scratch.path().to_path_buf();
        _scratch = Some(scratch);
        load_path
    };
    let outcome = check_file(&load_path, true, engine, options);
    let broken = |f: &Finding| f.rule == "ACR000" && f.level == Level::Error;
    if outcome.fatal || outcome.findings.iter().any(broken) {
        let why = outcome
            .findings
            .iter()
            .find(|f| broken(f))
            .map(|f| {
                format!(
                    "{}:{}: {}",
                    f.location.start.line, f.location.start.column, f.message
                )
            })
            .unwrap_or_else(|| "the file could not be checked".into());
        return Err(format!("{why} (fix it first)"));
    }
    let mut findings = outcome.findings;
    findings.retain(|f| f.location.file == load_path);
    for f in &mut findings {
        f.location.file = path.to_path_buf();
    }
    Ok(findings)
}

/// Parameters the template's parameter file sets (explicit or by convention).
pub(crate) fn parameter_file_names(path: &Path, options: &CheckOptions) -> Vec<String> {
    let configured = options
        .config
        .as_ref()
        .and_then(|r| r.for_file(path))
        .and_then(|c| c.parameter_file_for(path));
    let file = match (options.expand.parameters.clone(), configured) {
        (Some(p), _) | (None, Some(p)) => Some(p),
        (None, None) if options.expand.no_parameter_discovery => None,
        (None, None) => parameter_file_for(path),
    };
    let Some(text) = file.and_then(|f| std::fs::read_to_string(f).ok()) else {
        return Vec::new();
    };
    let text = text.strip_prefix(BOM).unwrap_or(&text);
    crate::source::json::parse(text)
        .ok()
        .and_then(|root| {
            root.get("parameters")
                .and_then(Node::as_object)
                .map(|m| m.iter().map(|m| m.key.to_string()).collect())
        })
        .unwrap_or_default()
}
