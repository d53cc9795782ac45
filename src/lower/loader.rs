//! Reading the files of a Bicep project: the entry file, local modules (Bicep or
//! JSON, recursively, with cycle and depth checks) and files named by `import`, all
//! through [`Sources`].

use crate::source::file::SourceText;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::module_cache::{Resolved, Resolver};
use super::{
    import_key, is_registry_path, to_span, BicepProject, ImportedFile, Input, LoadError,
    ModuleTarget, Severity, FILE_MARKER,
};
use crate::arm::eval::{FileId, UnresolvedKind, UnresolvedModule};
use crate::source::bicep::{self, FileKind, ParsedFile, Pragma, StatementKind};
use crate::source::bicep::{Expr, ExprKind, ObjectItem};
use crate::source::file::{Language, LoadedFile, RegistryUse, SourceFile};
use crate::source::json::{self, Member, Node, NodeKind, Span};
use crate::source::sources::Sources;

/// A file's text and its parse.
type ParsedText = (SourceText, Arc<ParsedFile>);

pub(super) struct Loader<'s> {
    /// Where files are read.
    input: &'s dyn Sources,
    pub sources: Vec<Arc<SourceFile>>,
    pub roots: Vec<Option<Arc<Node>>>,
    by_path: HashMap<PathBuf, FileId>,
    /// Lowered templates by file (with the marker).
    templates: HashMap<FileId, (Arc<Node>, super::symbols::TargetScope)>,
    /// Files being lowered, outermost first (cycle detection).
    stack: Vec<PathBuf>,
    /// Parsed files for imports, by canonical path.
    parsed: HashMap<PathBuf, Option<ParsedText>>,
    pub diagnostics: Vec<(FileId, Span, String, Severity)>,
    pub pragmas: Vec<(FileId, Pragma)>,
    /// Suppression directives of each file, by file id.
    pub directives: Vec<Vec<crate::source::json::DirectiveComment>>,
    /// Whether each file's tree is lowered from Bicep (not read as JSON), by file id.
    lowered: Vec<bool>,
    /// Registry module references, with the `bicepconfig.json` of each folder.
    registry: Resolver,
    /// Files read from the Bicep module cache.
    registry_files: std::collections::HashSet<FileId>,
    /// `module` statements using them: (module file, use).
    registry_uses: Vec<(FileId, RegistryUse)>,
}

impl<'s> Loader<'s> {
    pub fn new(input: Input<'s>) -> Loader<'s> {
        Loader {
            input: input.sources,
            registry: Resolver::new(input.home.map(Path::to_path_buf)),
            registry_files: std::collections::HashSet::new(),
            registry_uses: Vec::new(),
            sources: Vec::new(),
            roots: Vec::new(),
            by_path: HashMap::new(),
            templates: HashMap::new(),
            stack: Vec::new(),
            parsed: HashMap::new(),
            diagnostics: Vec::new(),
            pragmas: Vec::new(),
            directives: Vec::new(),
            lowered: Vec::new(),
        }
    }

    /// Read a file named by the user (the entry file).
    pub fn read(&self, path: &Path) -> Result<Arc<SourceFile>, LoadError> {
        self.input.read(path).map_err(|e| LoadError {
            path: path.to_path_buf(),
            message: e.message,
        })
    }

    /// The file a relative path written in `from` names.
    pub fn resolve(&self, from: &Path, written: &str) -> Result<PathBuf, String> {
        self.input.resolve(from, written)
    }

    fn register(&mut self, source: Arc<SourceFile>) -> FileId {
        let id = self.sources.len() as FileId;
        self.by_path.insert(self.input.canonical(&source.path), id);
        self.sources.push(source);
        self.roots.push(None);
        self.directives.push(Vec::new());
        self.lowered.push(false);
        id
    }

    /// Load the entry `.bicep` file (it becomes file 0 when loaded first).
    pub fn entry(&mut self, path: &Path) -> Result<FileId, LoadError> {
        let source = self.read(path)?;
        Ok(self.bicep_file(source))
    }

    /// Load a JSON template as the entry file (a `.bicepparam` may use one).
    pub fn entry_json(&mut self, path: &Path) -> Result<FileId, LoadError> {
        let source = self.read(path)?;
        let id = self.register(source);
        let text = self.sources[id as usize].text.clone();
        let root = json::parse(&text).map_err(|e| LoadError {
            path: path.to_path_buf(),
            message: e.message,
        })?;
        self.roots[id as usize] = Some(Arc::new(root));
        Ok(id)
    }

    /// Parse and lower a Bicep template that is already read.
    fn bicep_file(&mut self, source: Arc<SourceFile>) -> FileId {
        let path = source.path.clone();
        let id = self.register(source);
        self.lowered[id as usize] = true;
        let text = self.sources[id as usize].text.clone();
        let parsed = Arc::new(bicep::parse_as(&text, FileKind::Bicep));
        for d in &parsed.diagnostics {
            self.diagnostics
                .push((id, to_span(d.span), d.message.clone(), Severity::Syntax));
        }
        self.pragmas
            .extend(parsed.pragmas.iter().map(|p| (id, p.clone())));
        if let Some(d) = self.directives.get_mut(id as usize) {
            *d = suppression_directives(&text, &parsed);
        }
        self.stack.push(self.input.canonical(&path));
        let modules = self.modules_of(id, &path, &parsed);
        let imports = self.imports_of(id, &path, &parsed);
        self.stack.pop();
        let lowered = super::template::lower_file(super::template::FileInput {
            file: id,
            path: &path,
            text: &text,
            parsed: &parsed,
            modules: &modules,
            imports: &imports,
            input: self.input,
        });
        for (span, message, severity) in lowered.diagnostics {
            self.diagnostics.push((id, span, message, severity));
        }
        let template = Arc::new(with_marker(lowered.template, id));
        self.roots[id as usize] = Some(template.clone());
        self.templates.insert(id, (template, lowered.scope));
        id
    }

    /// Load every local module of a file; keyed by the path as written.
    fn modules_of(
        &mut self,
        id: FileId,
        path: &Path,
        parsed: &ParsedFile,
    ) -> HashMap<String, ModuleTarget> {
        let mut out: HashMap<String, ModuleTarget> = HashMap::new();
        for s in &parsed.program.statements {
            let StatementKind::Module { path: p, body, .. } = &s.kind else {
                continue;
            };
            let Some(written) = p.as_literal() else {
                self.diagnostics.push((
                    id,
                    to_span(p.span),
                    "a module path must be a literal string".into(),
                    Severity::Error,
                ));
                continue;
            };
            let statement = (to_span(s.span), to_span(p.span));
            if let Some(target) = out.get(written) {
                if let ModuleTarget::Unresolved { kind, message, .. } = target {
                    // Every statement that uses an unresolved module is reported.
                    let d = unresolved(*kind, message, written, body);
                    self.diagnostics.push((id, to_span(p.span), d.0, d.1));
                }
                let target = target.clone();
                self.note_registry_use(id, statement, written, &target);
                continue;
            }
            let target = self.module(path, written);
            self.note_registry_use(id, statement, written, &target);
            match &target {
                ModuleTarget::Failed(why) => {
                    self.diagnostics
                        .push((id, to_span(p.span), why.clone(), Severity::Error))
                }
                ModuleTarget::Capped(why) => {
                    self.diagnostics
                        .push((id, to_span(p.span), why.clone(), Severity::Limit))
                }
                ModuleTarget::Unresolved { kind, message, .. } => {
                    let d = unresolved(*kind, message, written, body);
                    self.diagnostics.push((id, to_span(p.span), d.0, d.1));
                }
                ModuleTarget::Template { .. } => {}
            }
            out.insert(written.to_string(), target);
        }
        out
    }

    /// Remember a `module` statement (whole span, path span) of file `id` that uses a
    /// registry module read from the cache.
    fn note_registry_use(
        &mut self,
        id: FileId,
        statement: (Span, Span),
        written: &str,
        target: &ModuleTarget,
    ) {
        let ModuleTarget::Template { template, .. } = target else {
            return;
        };
        let module = template.get(FILE_MARKER).and_then(|n| match n.kind {
            NodeKind::Int(i) => FileId::try_from(i).ok(),
            _ => None,
        });
        if let Some(m) = module.filter(|m| self.registry_files.contains(m)) {
            self.registry_uses.push((
                m,
                RegistryUse {
                    file: id,
                    statement: statement.0,
                    path: statement.1,
                    reference: written.to_string(),
                },
            ));
        }
    }

    /// The cached `main.json` of a registry module written in `from`, or why there is
    /// none (`Ok(None)`: a local path).
    pub fn registry_module(
        &mut self,
        from: &Path,
        written: &str,
    ) -> Result<Option<PathBuf>, ModuleTarget> {
        match self.registry.resolve(self.input, from, written) {
            Resolved::Local => Ok(None),
            Resolved::Cached(main) => Ok(Some(main)),
            other => Err(registry_target(other, from, written)),
        }
    }

    /// Load the template a module path names (relative to the file `from`).
    pub fn module(&mut self, from: &Path, written: &str) -> ModuleTarget {
        // A registry module is looked up in the Bicep module cache, and its cached
        // file read through the sources like any other module.
        let (target, from_cache) = match self.registry_module(from, written) {
            Ok(Some(main)) => (main, true),
            Ok(None) => match self.resolve(from, written) {
                Ok(t) => (t, false),
                Err(why) => return ModuleTarget::Failed(format!("module '{written}': {why}")),
            },
            Err(target) => return target,
        };
        let k = self.input.canonical(&target);
        if let Some(pos) = self.stack.iter().position(|p| *p == k) {
            let chain: Vec<String> = self.stack[pos..]
                .iter()
                .chain(std::iter::once(&k))
                .map(|p| {
                    p.file_name()
                        .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
                })
                .collect();
            return ModuleTarget::Capped(format!(
                "module cycle: {} (the module is not followed)",
                chain.join(" → ")
            ));
        }
        let max = crate::arm::limits::current().deployment_depth;
        if self.stack.len() > max {
            return ModuleTarget::Capped(format!(
                "modules nested deeper than {max} levels are not followed {}",
                crate::arm::limits::raise_with("deployment-depth", max)
            ));
        }
        if let Some(id) = self.by_path.get(&k) {
            return match self.templates.get(id) {
                Some((t, scope)) => ModuleTarget::Template {
                    template: t.clone(),
                    scope: *scope,
                },
                None => ModuleTarget::Failed(format!("module '{written}' could not be loaded")),
            };
        }
        let source = match self.input.read(&target) {
            Ok(s) => s,
            Err(e) => {
                return ModuleTarget::Unresolved {
                    kind: UnresolvedKind::MissingFile,
                    message: format!("module '{written}' could not be read ({})", e.message),
                    link: None,
                };
            }
        };
        if Language::of(&target) == Some(Language::Json) {
            if from_cache {
                self.registry_files.insert(self.sources.len() as FileId);
            }
            return self.json_module(source, written);
        }
        let id = self.bicep_file(source);
        match self.templates.get(&id) {
            Some((t, scope)) => ModuleTarget::Template {
                template: t.clone(),
                scope: *scope,
            },
            None => ModuleTarget::Failed(format!("module '{written}' could not be lowered")),
        }
    }

    fn json_module(&mut self, source: Arc<SourceFile>, written: &str) -> ModuleTarget {
        let id = self.register(source);
        let text = self.sources[id as usize].text.clone();
        match json::parse(&text) {
            Ok(root) => {
                let scope = super::symbols::TargetScope::from_schema(
                    root.get("$schema").and_then(Node::as_str).unwrap_or(""),
                );
                self.roots[id as usize] = Some(Arc::new(root.clone()));
                let template = Arc::new(with_marker(root, id));
                self.templates.insert(id, (template.clone(), scope));
                ModuleTarget::Template { template, scope }
            }
            Err(e) => {
                self.diagnostics
                    .push((id, e.span, e.message.clone(), Severity::Syntax));
                ModuleTarget::Failed(format!(
                    "module '{written}' is not valid JSON: {}",
                    e.message
                ))
            }
        }
    }

    /// Parse the local files named by `import` statements (recursively).
    fn imports_of(
        &mut self,
        id: FileId,
        path: &Path,
        parsed: &ParsedFile,
    ) -> HashMap<String, ImportedFile> {
        let mut out = HashMap::new();
        let mut queue: Vec<(PathBuf, Arc<ParsedFile>)> = Vec::new();
        let visit = |loader: &mut Loader,
                     from: &Path,
                     program: &ParsedFile,
                     out: &mut HashMap<String, ImportedFile>,
                     report: bool| {
            let mut found = Vec::new();
            for s in &program.program.statements {
                let StatementKind::Import { from: f, .. } = &s.kind else {
                    continue;
                };
                let Some(written) = f.as_literal() else {
                    continue;
                };
                if is_registry_path(written) {
                    continue;
                }
                let Ok(target) = loader.resolve(from, written) else {
                    if report {
                        loader.diagnostics.push((
                            id,
                            to_span(f.span),
                            format!("cannot read the imported file '{written}'"),
                            Severity::Error,
                        ));
                    }
                    continue;
                };
                let k = loader.input.canonical(&target);
                let input = loader.input;
                let entry = loader
                    .parsed
                    .entry(k)
                    .or_insert_with(|| {
                        input.read(&target).ok().map(|src| {
                            let parsed = Arc::new(bicep::parse_as(&src.text, FileKind::Bicep));
                            (src.text.clone(), parsed)
                        })
                    })
                    .clone();
                match entry {
                    Some((text, p)) => {
                        if let std::collections::hash_map::Entry::Vacant(slot) =
                            out.entry(import_key(from, written))
                        {
                            slot.insert(ImportedFile {
                                path: target.clone(),
                                text,
                                parsed: p.clone(),
                            });
                            found.push((target, p));
                        }
                    }
                    None if report => loader.diagnostics.push((
                        id,
                        to_span(f.span),
                        format!("cannot read the imported file '{written}'"),
                        Severity::Error,
                    )),
                    None => {}
                }
            }
            found
        };
        queue.extend(visit(self, path, parsed, &mut out, true));
        let mut guard = 0;
        while let Some((p, program)) = queue.pop() {
            guard += 1;
            if guard > 256 {
                break;
            }
            queue.extend(visit(self, &p, &program, &mut out, false));
        }
        out
    }

    /// Register an already read file (the `.bicepparam`) with its root node.
    pub fn add_file(&mut self, source: Arc<SourceFile>, root: Option<Node>) -> FileId {
        let id = self.register(source);
        self.lowered[id as usize] = true;
        self.roots[id as usize] = root.map(Arc::new);
        id
    }

    pub fn set_root(&mut self, id: FileId, root: Node) {
        if let Some(slot) = self.roots.get_mut(id as usize) {
            *slot = Some(Arc::new(root));
        }
    }

    pub fn finish(mut self, param_file: Option<FileId>) -> BicepProject {
        let mut uses: Vec<Vec<RegistryUse>> = vec![Vec::new(); self.sources.len()];
        for (module, u) in self.registry_uses.drain(..) {
            if let Some(slot) = uses.get_mut(module as usize) {
                slot.push(u);
            }
        }
        let files = self
            .sources
            .into_iter()
            .zip(self.roots)
            .zip(self.directives)
            .zip(self.lowered)
            .zip(uses)
            .map(
                |((((source, root), directives), lowered), registry_uses)| LoadedFile {
                    source,
                    directives,
                    lowered,
                    registry_uses,
                    root: root.unwrap_or_else(|| {
                        Arc::new(Node {
                            kind: NodeKind::Object(Vec::new()),
                            span: Span::default(),
                        })
                    }),
                },
            )
            .collect();
        BicepProject {
            files,
            param_file,
            diagnostics: self.diagnostics,
            pragmas: self.pragmas,
        }
    }
}

/// The target of a registry module or template spec that is not in the cache.
fn registry_target(resolved: Resolved, from: &Path, written: &str) -> ModuleTarget {
    let restore = format!(
        "restore it with `acrlint restore {}` or check with --restore",
        from.display()
    );
    let (kind, message) = match resolved {
        Resolved::NotRestored { cache, .. } => (
            UnresolvedKind::NotRestored,
            match cache {
                Some(dir) => format!(
                    "registry module '{written}' is not in the Bicep module cache ({}); {restore}",
                    dir.display()
                ),
                None => format!(
                    "registry module '{written}' cannot be looked up: no module cache (no home directory and no cacheRootDirectory in bicepconfig.json)"
                ),
            },
        ),
        Resolved::TemplateSpec => (
            UnresolvedKind::TemplateSpec,
            format!("template spec module '{written}' is resolved by Azure at deployment, not by acrlint"),
        ),
        Resolved::Invalid(why) => (UnresolvedKind::InvalidReference, why),
        Resolved::Local | Resolved::Cached(_) => (
            UnresolvedKind::MissingFile,
            format!("module '{written}' could not be followed"),
        ),
    };
    ModuleTarget::Unresolved {
        kind,
        message,
        link: Some(written.to_string()),
    }
}

/// The diagnostic of a `module` statement whose module was not followed: what was not
/// checked, said first, then why (`message`).
fn unresolved(
    kind: UnresolvedKind,
    message: &str,
    written: &str,
    body: &Expr,
) -> (String, Severity) {
    let parameters = body
        .property("params")
        .map(|p| match &p.value.kind {
            ExprKind::Object(items) => items
                .iter()
                .filter_map(|i| match i {
                    ObjectItem::Property(p) => p.key.literal(),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default();
    let deploys_registry = super::module_cache::looks_like_registry(written, parameters);
    let what = if deploys_registry {
        "the container registry it deploys or uses could not be checked against the registry policies"
    } else if kind == UnresolvedKind::TemplateSpec {
        "its resources are unknown"
    } else {
        "its resources were not checked"
    };
    (
        format!("{what}: {message}"),
        Severity::Unresolved(UnresolvedModule {
            kind,
            deploys_registry,
        }),
    )
}

/// A template node with `"$acrlintFile": id` added to its root object.
fn with_marker(mut node: Node, id: FileId) -> Node {
    if let NodeKind::Object(members) = &mut node.kind {
        members.retain(|m| &*m.key != FILE_MARKER);
        members.push(Member::new(
            FILE_MARKER.into(),
            Span::default(),
            Node {
                kind: NodeKind::Int(i64::from(id)),
                span: Span::default(),
            },
        ));
    }
    node
}

/// acrlint suppressions written in a Bicep file: `// acrlint-disable-next-line ACR001
/// why` comments and `#disable-next-line acrlint:ACR001 why` pragmas, in the same form
/// as the JSON ones.
fn suppression_directives(
    text: &str,
    parsed: &bicep::ParsedFile,
) -> Vec<crate::source::json::DirectiveComment> {
    let mut out = Vec::new();
    for c in &parsed.comments {
        let body = text
            .get(c.span.start as usize..c.span.end as usize)
            .unwrap_or("");
        if body.contains("acrlint-") {
            out.push(crate::source::json::DirectiveComment {
                span: to_span(c.span),
                text: body.to_string(),
            });
        }
    }
    for p in &parsed.pragmas {
        if p.kind != bicep::PragmaKind::DisableNextLine {
            continue;
        }
        let start = p.span.start as usize;
        let end = text[start.min(text.len())..]
            .find(['\n', '\r'])
            .map_or(text.len(), |e| start + e);
        let line = text.get(start..end).unwrap_or("");
        if !line.contains("acrlint:") {
            continue;
        }
        let rest = line
            .trim_start_matches("#disable-next-line")
            .replace("acrlint:", "");
        out.push(crate::source::json::DirectiveComment {
            span: Span {
                start: start as u32,
                end: end as u32,
            },
            text: format!("acrlint-disable-next-line {}", rest.trim()),
        });
    }
    out
}
