//! The declarations of one Bicep file: parameters, variables, functions, resources
//! (nested ones flattened with `parent::child` symbolic names), modules, imports.

use std::collections::{HashMap, HashSet};

use crate::source::bicep::{
    Expr, ExprKind, ForExpr, ImportItems, ObjectItem, Program, Statement, StatementKind, StringLit,
};

/// Where a template is deployed (`targetScope`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum TargetScope {
    #[default]
    ResourceGroup,
    Subscription,
    ManagementGroup,
    Tenant,
}

impl TargetScope {
    pub fn from_schema(schema: &str) -> TargetScope {
        match crate::arm::eval::ScopeKind::from_schema(schema) {
            crate::arm::eval::ScopeKind::ResourceGroup => TargetScope::ResourceGroup,
            crate::arm::eval::ScopeKind::Subscription => TargetScope::Subscription,
            crate::arm::eval::ScopeKind::ManagementGroup => TargetScope::ManagementGroup,
            crate::arm::eval::ScopeKind::Tenant => TargetScope::Tenant,
        }
    }

    pub fn from_name(name: &str) -> Option<TargetScope> {
        Some(match name {
            "resourceGroup" => TargetScope::ResourceGroup,
            "subscription" => TargetScope::Subscription,
            "managementGroup" => TargetScope::ManagementGroup,
            "tenant" => TargetScope::Tenant,
            _ => return None,
        })
    }

    pub fn schema(self) -> &'static str {
        match self {
            TargetScope::ResourceGroup => {
                "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
            }
            TargetScope::Subscription => {
                "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"
            }
            TargetScope::ManagementGroup => {
                "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#"
            }
            TargetScope::Tenant => {
                "https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#"
            }
        }
    }
}

/// A `resource` declaration (top-level or nested).
pub(super) struct ResourceInfo<'a> {
    /// `acr`, or `acr::replica` for a nested declaration.
    pub symbolic: String,
    pub short: &'a str,
    pub stmt: &'a Statement,
    /// Fully qualified type (`Microsoft.ContainerRegistry/registries/replications`).
    pub full_type: String,
    pub api_version: String,
    pub existing: bool,
    /// The extension the type comes from (`az` when the file declares
    /// `extension az`, or the `alias:` prefix of the type string).
    pub extension: Option<String>,
    /// The declaration this one is nested in.
    pub nested_parent: Option<usize>,
    pub for_expr: Option<&'a ForExpr>,
    pub condition: Option<&'a Expr>,
    /// The object body (absent when it could not be parsed).
    pub body: Option<&'a Expr>,
    /// Resolved `parent:` property: the parent and the index expression when the
    /// parent is an element of a collection (`parent: acrs[i]`).
    pub parent_prop: Option<(usize, Option<&'a Expr>)>,
}

impl<'a> ResourceInfo<'a> {
    /// The `name` property as written.
    pub fn name_expr(&self) -> Option<&'a Expr> {
        self.body?.property("name").map(|p| &p.value)
    }

    /// The parent whose name prefixes this resource's (nested or `parent:`).
    pub fn parent(&self) -> Option<(usize, Option<&'a Expr>)> {
        self.nested_parent.map(|p| (p, None)).or(self.parent_prop)
    }
}

/// A `module` declaration.
pub(super) struct ModuleInfo<'a> {
    pub symbolic: &'a str,
    pub stmt: &'a Statement,
    pub path: &'a StringLit,
    pub for_expr: Option<&'a ForExpr>,
    pub condition: Option<&'a Expr>,
    pub body: Option<&'a Expr>,
}

/// What a top-level name refers to.
#[derive(Clone, Debug)]
pub(super) enum Symbol<'a> {
    Param,
    Var(&'a Expr),
    Resource(usize),
    Module(usize),
    Func,
    /// `import {name as local} from './file.bicep'`: the imported file's key and
    /// the symbol's name there.
    Import {
        key: String,
        name: String,
    },
    /// `import * as ns from './file.bicep'`: the key of the imported file.
    Namespace(String),
    /// A type, or a symbol imported from a registry (types only).
    Type,
    /// An `extension` declaration's name or alias (`extensions('alias')`).
    Extension,
}

#[derive(Default)]
pub(super) struct Symbols<'a> {
    pub names: HashMap<&'a str, Symbol<'a>>,
    pub resources: Vec<ResourceInfo<'a>>,
    pub modules: Vec<ModuleInfo<'a>>,
    pub scope: TargetScope,
    /// Parameter declarations in order (name, type, default).
    pub params: Vec<&'a Statement>,
    /// Alias of an explicit `extension az` declaration.
    pub az_extension: Option<String>,
}

/// Split a body into (loop, condition, object).
pub(super) fn unwrap_body(body: &Expr) -> (Option<&ForExpr>, Option<&Expr>, Option<&Expr>) {
    match &body.kind {
        ExprKind::For(f) => match &f.body.kind {
            ExprKind::If { condition, body } => (Some(f), Some(condition), object(body)),
            _ => (Some(f), None, object(&f.body)),
        },
        ExprKind::If { condition, body } => (None, Some(condition), object(body)),
        _ => (None, None, object(body)),
    }
}

fn object(e: &Expr) -> Option<&Expr> {
    matches!(e.kind, ExprKind::Object(_)).then_some(e)
}

/// `'Microsoft.X/y@2020-01-01'` → (type, api version).
pub(super) fn split_type(s: &str) -> (String, String) {
    match s.split_once('@') {
        Some((t, v)) => (t.to_string(), v.to_string()),
        None => (s.to_string(), String::new()),
    }
}

impl<'a> Symbols<'a> {
    pub fn build(program: &'a Program, path: &std::path::Path) -> Symbols<'a> {
        let mut s = Symbols::default();
        for stmt in &program.statements {
            if let StatementKind::Extension {
                spec: crate::source::bicep::ExtensionSpec::Name(n),
                alias,
                ..
            } = &stmt.kind
            {
                if &*n.name == "az" {
                    s.az_extension = Some(alias.as_ref().map_or("az", |a| &a.name).to_string());
                }
            }
            if let StatementKind::Extension { spec, alias, .. } = &stmt.kind {
                let local = match (alias, spec) {
                    (Some(a), _) => Some(&*a.name),
                    (None, crate::source::bicep::ExtensionSpec::Name(n)) => Some(&*n.name),
                    _ => None,
                };
                if let Some(local) = local.filter(|l| !matches!(*l, "az" | "sys")) {
                    s.names.insert(local, Symbol::Extension);
                }
            }
        }
        for stmt in &program.statements {
            match &stmt.kind {
                StatementKind::TargetScope { value } => {
                    if let Some(scope) = value.as_literal_string().and_then(TargetScope::from_name)
                    {
                        s.scope = scope;
                    }
                }
                StatementKind::Param { name, .. } => {
                    s.names.insert(&name.name, Symbol::Param);
                    s.params.push(stmt);
                }
                StatementKind::Var { name, value, .. } => {
                    s.names.insert(&name.name, Symbol::Var(value));
                }
                StatementKind::Func { name, .. } => {
                    s.names.insert(&name.name, Symbol::Func);
                }
                StatementKind::Type { name, .. } => {
                    s.names.insert(&name.name, Symbol::Type);
                }
                StatementKind::Resource(_) => {
                    if let Some(i) = s.add_resource(stmt, None) {
                        if let Some(n) = stmt.name() {
                            s.names.insert(&n.name, Symbol::Resource(i));
                        }
                    }
                }
                StatementKind::Module { name, path, body } => {
                    let (for_expr, condition, body) = unwrap_body(body);
                    s.modules.push(ModuleInfo {
                        symbolic: &name.name,
                        stmt,
                        path,
                        for_expr,
                        condition,
                        body,
                    });
                    s.names
                        .insert(&name.name, Symbol::Module(s.modules.len() - 1));
                }
                StatementKind::Import { items, from } => {
                    let key = from
                        .as_literal()
                        .filter(|w| !super::is_registry_path(w))
                        .map(|w| super::import_key(path, w));
                    match items {
                        ImportItems::Symbols(list) => {
                            for item in list {
                                let Some(name) = item.name.literal() else {
                                    continue;
                                };
                                let local = item.alias.as_ref().map_or(name, |a| &*a.name);
                                let sym = match &key {
                                    Some(k) => Symbol::Import {
                                        key: k.clone(),
                                        name: name.to_string(),
                                    },
                                    None => Symbol::Type,
                                };
                                s.names.insert(local, sym);
                            }
                        }
                        ImportItems::Wildcard { alias } => {
                            let sym = match &key {
                                Some(k) => Symbol::Namespace(k.clone()),
                                None => Symbol::Type,
                            };
                            s.names.insert(&alias.name, sym);
                        }
                    }
                }
                _ => {}
            }
        }
        s.resolve_parents();
        s
    }

    fn add_resource(&mut self, stmt: &'a Statement, nested_parent: Option<usize>) -> Option<usize> {
        let StatementKind::Resource(decl) = &stmt.kind else {
            return None;
        };
        let written = decl.type_string.as_literal().unwrap_or("");
        // `alias:Type@version` names the extension the type comes from.
        let (prefix, written) = match written.split_once(':') {
            Some((p, rest)) if !p.contains('/') && !p.contains('@') => (Some(p), rest),
            _ => (None, written),
        };
        let extension = prefix
            .map(String::from)
            .or_else(|| self.az_extension.clone());
        let (ty, api) = split_type(written);
        let (full_type, api_version) = match nested_parent.and_then(|p| self.resources.get(p)) {
            Some(parent) if !ty.contains('/') => (
                format!("{}/{}", parent.full_type, ty),
                if api.is_empty() {
                    parent.api_version.clone()
                } else {
                    api
                },
            ),
            Some(parent) if api.is_empty() => (ty, parent.api_version.clone()),
            _ => (ty, api),
        };
        let (for_expr, condition, body) = unwrap_body(&decl.body);
        let symbolic = match nested_parent.and_then(|p| self.resources.get(p)) {
            Some(parent) => format!("{}::{}", parent.symbolic, decl.name.name),
            None => decl.name.name.to_string(),
        };
        self.resources.push(ResourceInfo {
            symbolic,
            short: &decl.name.name,
            stmt,
            full_type,
            api_version,
            existing: decl.existing,
            extension,
            nested_parent,
            for_expr,
            condition,
            body,
            parent_prop: None,
        });
        let index = self.resources.len() - 1;
        if let Some(ExprKind::Object(items)) = body.map(|b| &b.kind) {
            for item in items {
                if let ObjectItem::Resource(child) = item {
                    self.add_resource(child, Some(index));
                }
            }
        }
        Some(index)
    }

    /// Resolve `parent:` properties and complete the child types they imply.
    fn resolve_parents(&mut self) {
        for i in 0..self.resources.len() {
            let Some(parent_expr) = self.resources[i]
                .body
                .and_then(|b| b.property("parent"))
                .map(|p| &p.value)
            else {
                continue;
            };
            let (target, index) = match &parent_expr.kind {
                ExprKind::Index { target, index, .. } => (&**target, Some(&**index)),
                _ => (parent_expr, None),
            };
            if let Some(p) = self.resource_ref(target, Some(i)) {
                if p != i {
                    self.resources[i].parent_prop = Some((p, index));
                }
            }
        }
    }

    /// The resource a name or `a::b` chain designates, seen from resource `from`
    /// (nested resources are visible by their short name inside their parents).
    pub fn resource_ref(&self, e: &Expr, from: Option<usize>) -> Option<usize> {
        match &e.kind {
            ExprKind::Var(id) => {
                if let Some(i) = self.nested_visible(&id.name, from) {
                    return Some(i);
                }
                match self.names.get(&*id.name) {
                    Some(Symbol::Resource(i)) => Some(*i),
                    _ => None,
                }
            }
            ExprKind::ResourceAccess { target, name } => {
                let parent = self.resource_ref(target, from)?;
                self.resources
                    .iter()
                    .position(|r| r.nested_parent == Some(parent) && r.short == &*name.name)
            }
            ExprKind::Paren(inner) | ExprKind::NonNull(inner) => self.resource_ref(inner, from),
            _ => None,
        }
    }

    /// A nested resource named `name` visible from resource `from`: a child of
    /// `from` or of one of its enclosing declarations, or an enclosing declaration.
    fn nested_visible(&self, name: &str, from: Option<usize>) -> Option<usize> {
        let mut current = from;
        let mut guard = 0;
        while let Some(c) = current {
            guard += 1;
            if guard > 64 {
                return None;
            }
            let r = self.resources.get(c)?;
            if r.nested_parent.is_some() && r.short == name {
                return Some(c);
            }
            if let Some(i) = self
                .resources
                .iter()
                .position(|x| x.nested_parent == Some(c) && x.short == name)
            {
                return Some(i);
            }
            current = r.nested_parent;
        }
        None
    }

    pub fn module_ref(&self, e: &Expr) -> Option<usize> {
        match &e.kind {
            ExprKind::Var(id) => match self.names.get(&*id.name) {
                Some(Symbol::Module(i)) => Some(*i),
                _ => None,
            },
            ExprKind::Paren(inner) | ExprKind::NonNull(inner) => self.module_ref(inner),
            _ => None,
        }
    }
}

/// Call `f` on `e` and every sub-expression ([`Expr::walk`]).
pub(super) fn walk<'e>(e: &'e Expr, f: &mut dyn FnMut(&'e Expr)) {
    e.walk(f)
}

/// Whether an expression reads runtime state directly: a resource's properties or
/// the resource itself, a module's outputs, `reference()`/`list*()` calls.
fn reads_runtime(e: &Expr, sym: &Symbols) -> bool {
    let mut found = false;
    walk(e, &mut |x| {
        if found {
            return;
        }
        match &x.kind {
            ExprKind::Call { target, name, .. } => {
                let n = name.name.to_ascii_lowercase();
                let on_resource = target.as_deref().is_some_and(|t| is_resource_like(t, sym));
                if on_resource || n.starts_with("list") || n == "reference" {
                    found = true;
                }
            }
            ExprKind::Property { target, name, .. } => {
                let static_prop = matches!(&*name.name, "id" | "name" | "type" | "apiVersion");
                if is_resource_like(target, sym) && !static_prop {
                    found = true;
                }
                if is_module_like(target, sym) && &*name.name != "name" {
                    found = true;
                }
            }
            _ => {}
        }
    });
    found
}

fn is_resource_like(e: &Expr, sym: &Symbols) -> bool {
    match &e.kind {
        ExprKind::Index { target, .. } => sym.resource_ref(target, None).is_some(),
        _ => sym.resource_ref(e, None).is_some(),
    }
}

fn is_module_like(e: &Expr, sym: &Symbols) -> bool {
    match &e.kind {
        ExprKind::Index { target, .. } => sym.module_ref(target).is_some(),
        _ => sym.module_ref(e).is_some(),
    }
}

/// Names of the variables the compiler inlines (they read runtime state, directly
/// or through other variables).
pub(super) fn runtime_variables<'a>(sym: &Symbols<'a>) -> HashSet<&'a str> {
    let vars: Vec<(&'a str, &'a Expr)> = sym
        .names
        .iter()
        .filter_map(|(n, s)| match s {
            Symbol::Var(v) => Some((*n, *v)),
            _ => None,
        })
        .collect();
    let mut runtime: HashSet<&'a str> = vars
        .iter()
        .filter(|(_, v)| reads_runtime(v, sym))
        .map(|(n, _)| *n)
        .collect();
    loop {
        let before = runtime.len();
        for (n, v) in &vars {
            if runtime.contains(n) {
                continue;
            }
            let mut uses = false;
            walk(v, &mut |x| {
                if let ExprKind::Var(id) = &x.kind {
                    if runtime.contains(&*id.name) {
                        uses = true;
                    }
                }
            });
            if uses {
                runtime.insert(n);
            }
        }
        if runtime.len() == before {
            return runtime;
        }
    }
}
