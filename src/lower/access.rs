//! Property and index access, resource and module references: `acr.id` →
//! `resourceId(...)`, `acr.properties.x` → `reference('acr').x`, `acr.location` →
//! `reference('acr', '<api>', 'full').location`, `m.outputs.x` →
//! `reference('m').outputs.x.value`, `.?`/`[?i]` → `tryGet(...)`.

use super::env::{Env, Lowerer};
use super::symbols::{Symbol, TargetScope};
use super::text::{call, property, quote};
use crate::source::bicep::{Expr, ExprKind};

/// API version the compiler gives module deployments.
pub(super) const DEPLOYMENTS_API: &str = "2025-04-01";
pub(super) const DEPLOYMENTS_TYPE: &str = "Microsoft.Resources/deployments";

/// An access chain being built: plain text, or a `tryGet` still taking segments.
pub(super) enum Chain {
    Plain(String),
    Try { base: String, path: Vec<String> },
}

impl Chain {
    pub fn finish(self) -> String {
        match self {
            Chain::Plain(s) => s,
            Chain::Try { base, mut path } => {
                path.insert(0, base);
                call("tryGet", &path)
            }
        }
    }

    fn push(self, segment: String, safe: bool, as_property: Option<&str>) -> Chain {
        if safe {
            return Chain::Try {
                base: self.finish(),
                path: vec![segment],
            };
        }
        match self {
            Chain::Plain(s) => Chain::Plain(match as_property {
                Some(name) => property(&s, name),
                None => format!("{s}[{segment}]"),
            }),
            Chain::Try { base, mut path } => {
                path.push(segment);
                Chain::Try { base, path }
            }
        }
    }
}

/// Where a resource (or module) is deployed, with ARM text for the scope values.
#[derive(Clone, Debug, Default)]
pub(super) enum ScopeRef {
    /// The file's own scope.
    #[default]
    Default,
    ResourceGroup {
        subscription: Option<String>,
        group: String,
    },
    Subscription(Option<String>),
    ManagementGroup(Option<String>),
    Tenant,
    /// An extension resource: the id of the resource it extends.
    Extension(String),
}

impl<'a> Lowerer<'a> {
    pub fn access(&mut self, e: &Expr, env: &Env) -> Chain {
        match &e.kind {
            ExprKind::Property { target, name, safe } => {
                if let Some(c) = self.special_property(target, &name.name, *safe, env) {
                    return c;
                }
                let t = self.access(target, env);
                t.push(quote(&name.name), *safe, Some(&name.name))
            }
            ExprKind::Index {
                target,
                index,
                safe,
                from_end,
            } => {
                if let Some(r) = self.collection_element(target, env) {
                    let i = self.tx(index, env);
                    return Chain::Plain(self.reference(r, Some(&i), true));
                }
                if let Some(m) = self
                    .sym
                    .module_ref(target)
                    .filter(|_| env_free(target, env))
                {
                    let i = self.tx(index, env);
                    return Chain::Plain(format!("{}.outputs", self.module_reference(m, Some(&i))));
                }
                let t = self.access(target, env);
                let i = self.tx(index, env);
                match (*from_end, *safe) {
                    (true, true) => Chain::Plain(call("tryIndexFromEnd", &[t.finish(), i])),
                    (true, false) => match t {
                        Chain::Plain(s) => Chain::Plain(call("indexFromEnd", &[s, i])),
                        chain => chain.push(
                            call(
                                "createObject",
                                &[quote("value"), i, quote("fromEnd"), "true()".into()],
                            ),
                            false,
                            None,
                        ),
                    },
                    (false, safe) => t.push(i, safe, None),
                }
            }
            ExprKind::ResourceAccess { .. } => match self.sym.resource_ref(e, env.resource) {
                Some(r) => Chain::Plain(self.reference(r, None, true)),
                None => Chain::Plain(self.unknown(e, "unknown nested resource")),
            },
            ExprKind::Call { .. } => Chain::Plain(self.tx_call(e, env)),
            _ => Chain::Plain(self.tx(e, env)),
        }
    }

    /// The resource collection `r` of an element access `r[i]`.
    fn collection_element(&self, target: &Expr, env: &Env) -> Option<usize> {
        if !env_free(target, env) {
            return None;
        }
        let r = self.sym.resource_ref(target, env.resource)?;
        self.sym.resources[r].for_expr.map(|_| r)
    }

    /// Resource and module properties that the compiler writes specially.
    fn special_property(
        &mut self,
        target: &Expr,
        name: &str,
        safe: bool,
        env: &Env,
    ) -> Option<Chain> {
        // acr.x / acrs[i].x
        let (resource, index) = match &target.kind {
            ExprKind::Index {
                target: t,
                index,
                safe: false,
                from_end: false,
            } if env_free(t, env) => (
                self.sym
                    .resource_ref(t, env.resource)
                    .filter(|r| self.sym.resources[*r].for_expr.is_some()),
                Some(&**index),
            ),
            _ if env_free(target, env) => (self.sym.resource_ref(target, env.resource), None),
            _ => (None, None),
        };
        if let Some(r) = resource {
            let i = index.map(|x| self.tx(x, env));
            return Some(self.resource_property(r, i.as_deref(), name, safe));
        }
        // m.name / m[i].name / m.outputs
        let (module, index) = match &target.kind {
            ExprKind::Index {
                target: t, index, ..
            } if env_free(t, env) => (self.sym.module_ref(t), Some(&**index)),
            _ if env_free(target, env) => (self.sym.module_ref(target), None),
            _ => (None, None),
        };
        if let Some(m) = module {
            let i = index.map(|x| self.tx(x, env));
            return Some(match name {
                "name" => Chain::Plain(self.module_name_text(m, i.as_deref())),
                _ => {
                    let reference = self.module_reference(m, i.as_deref());
                    Chain::Plain(reference).push(quote(name), safe, Some(name))
                }
            });
        }
        // m.outputs.x / m[i].outputs.x
        if let ExprKind::Property {
            target: inner,
            name: outputs,
            ..
        } = &target.kind
        {
            if &*outputs.name == "outputs" {
                let (module, index) = match &inner.kind {
                    ExprKind::Index {
                        target: t, index, ..
                    } if env_free(t, env) => (self.sym.module_ref(t), Some(&**index)),
                    _ if env_free(inner, env) => (self.sym.module_ref(inner), None),
                    _ => (None, None),
                };
                if let Some(m) = module {
                    let i = index.map(|x| self.tx(x, env));
                    let outputs = format!("{}.outputs", self.module_reference(m, i.as_deref()));
                    return Some(if safe {
                        Chain::Try {
                            base: call("tryGet", &[outputs, quote(name)]),
                            path: vec![quote("value")],
                        }
                    } else {
                        Chain::Plain(format!("{}.value", property(&outputs, name)))
                    });
                }
            }
        }
        // ns.variable (wildcard import)
        if let ExprKind::Var(ns) = &target.kind {
            if env.lookup(&ns.name).is_none() {
                if let Some(Symbol::Namespace(key)) = self.sym.names.get(&*ns.name).cloned() {
                    return Some(Chain::Plain(match self.import_variable(&key, name) {
                        Some(arm) => call("variables", &[quote(&arm)]),
                        None => {
                            self.unknown(target, format!("'{name}' is not an imported variable"))
                        }
                    }));
                }
            }
        }
        None
    }

    fn resource_property(
        &mut self,
        r: usize,
        index: Option<&str>,
        name: &str,
        safe: bool,
    ) -> Chain {
        let info = &self.sym.resources[r];
        match name {
            "id" => Chain::Plain(self.resource_id(r, index)),
            "name" => Chain::Plain(self.resource_own_name(r, index)),
            "type" => Chain::Plain(quote(&info.full_type)),
            "apiVersion" => Chain::Plain(quote(&info.api_version)),
            "properties" if !safe => Chain::Plain(self.reference(r, index, false)),
            _ => Chain::Plain(self.reference(r, index, true)).push(quote(name), safe, Some(name)),
        }
    }

    /// `reference(...)` of a resource (`full` gives the top-level properties).
    pub fn reference(&mut self, r: usize, index: Option<&str>, full: bool) -> String {
        let info = &self.sym.resources[r];
        let api = quote(&info.api_version);
        match index {
            None => {
                let sym = quote(&info.symbolic);
                if full {
                    call("reference", &[sym, api, quote("full")])
                } else {
                    call("reference", &[sym])
                }
            }
            Some(i) => {
                let id = self.resource_id(r, Some(i));
                if full {
                    call("reference", &[id, api, quote("full")])
                } else {
                    call("reference", &[id, api])
                }
            }
        }
    }

    /// The environment of a resource's own name: its loop variables bound to
    /// iteration `index` (`copyIndex()` when none is given).
    fn resource_name_env(&mut self, r: usize, index: Option<&str>) -> Env {
        let base = match self.sym.resources[r].nested_parent {
            Some(p) => Env::default().in_resource(p),
            None => Env::default(),
        }
        .in_resource(r);
        match self.sym.resources[r].for_expr {
            Some(f) => self.loop_env(f, &base, index.unwrap_or("copyIndex()")),
            None => base,
        }
    }

    /// The `name` property as written (what `r.name` returns).
    pub fn resource_own_name(&mut self, r: usize, index: Option<&str>) -> String {
        // A name that reads the resource's own id or name (`name: guid(acr.id)`)
        // would nest itself without end.
        if self.naming.contains(&r) {
            if let Some(n) = self.sym.resources[r].name_expr() {
                self.error(
                    n.span,
                    "the resource's name refers to the resource itself (a cycle through `name:`)",
                );
            }
            return call("acrlint.unknown", &[quote("a name that refers to itself")]);
        }
        let env = self.resource_name_env(r, index);
        self.naming.push(r);
        let name = match self.sym.resources[r].name_expr() {
            Some(n) => self.tx(n, &env),
            None => call("acrlint.unknown", &[quote("resource without a name")]),
        };
        self.naming.pop();
        name
    }

    /// Name segments for `resourceId()`: the parents' names, then this one's.
    pub fn resource_segments(&mut self, r: usize, index: Option<&str>) -> Vec<String> {
        self.depth += 1;
        if self.depth > 64 {
            self.depth -= 1;
            return vec![call("acrlint.unknown", &[quote("parent chain too deep")])];
        }
        let env = self.resource_name_env(r, index);
        let mut out = Vec::new();
        if let Some((p, pindex)) = self.sym.resources[r].parent() {
            let pi = pindex.map(|x| self.tx(x, &env));
            out = self.resource_segments(p, pi.as_deref());
        }
        let types = self.sym.resources[r].full_type.matches('/').count();
        let name = self.resource_own_name(r, index);
        if out.is_empty() && types > 1 {
            for i in 0..types {
                out.push(format!(
                    "{}[{i}]",
                    call("split", &[name.clone(), quote("/")])
                ));
            }
        } else {
            out.push(name);
        }
        self.depth -= 1;
        out
    }

    /// The full name written in the template (`format('{0}/{1}', parent, child)`).
    pub fn resource_full_name(&mut self, r: usize, index: Option<&str>) -> String {
        if self.sym.resources[r].parent().is_none() {
            return self.resource_own_name(r, index);
        }
        let segments = self.resource_segments(r, index);
        if segments.len() == 1 {
            return segments.into_iter().next().unwrap_or_default();
        }
        let format: Vec<String> = (0..segments.len()).map(|i| format!("{{{i}}}")).collect();
        let mut args = vec![quote(&format.join("/"))];
        args.extend(segments);
        call("format", &args)
    }

    /// Where a resource is deployed: its `scope:`, else its parent's, else the file's.
    pub fn resource_scope(&mut self, r: usize, index: Option<&str>) -> ScopeRef {
        // `scope:` (or a parent) may lead back to this resource.
        if self.scoping.contains(&r) {
            if let Some(scope) = self.sym.resources[r]
                .body
                .and_then(|b| b.property("scope"))
                .map(|p| &p.value)
            {
                self.error(
                    scope.span,
                    "the resource's scope refers back to itself (a cycle through `scope:`)",
                );
            }
            return ScopeRef::Default;
        }
        self.scoping.push(r);
        let s = self.resource_scope_inner(r, index);
        self.scoping.pop();
        s
    }

    fn resource_scope_inner(&mut self, r: usize, index: Option<&str>) -> ScopeRef {
        let info = &self.sym.resources[r];
        if let Some(scope) = info
            .body
            .and_then(|b| b.property("scope"))
            .map(|p| &p.value)
        {
            let env = self.resource_name_env(r, index);
            return self.scope_of(scope, &env);
        }
        if let Some((p, pindex)) = info.parent() {
            let env = self.resource_name_env(r, index);
            let pi = pindex.map(|x| self.tx(x, &env));
            self.depth += 1;
            let s = if self.depth > 64 {
                ScopeRef::Default
            } else {
                self.resource_scope(p, pi.as_deref())
            };
            self.depth -= 1;
            return s;
        }
        ScopeRef::Default
    }

    /// What a `scope:` expression designates.
    pub fn scope_of(&mut self, e: &Expr, env: &Env) -> ScopeRef {
        let file = self.sym.scope;
        if let ExprKind::Call { target, name, args } = &e.kind {
            let namespaced = target.as_deref().is_none_or(
                |t| matches!(&t.kind, ExprKind::Var(n) if matches!(&*n.name, "az" | "sys")),
            );
            if namespaced {
                let a: Vec<String> = args.iter().map(|x| self.tx(x, env)).collect();
                match (&*name.name, a.as_slice()) {
                    ("resourceGroup", []) if file == TargetScope::ResourceGroup => {
                        return ScopeRef::Default
                    }
                    ("resourceGroup", []) => {
                        return ScopeRef::ResourceGroup {
                            subscription: None,
                            group: "resourceGroup().name".into(),
                        }
                    }
                    ("resourceGroup", [g]) => {
                        return ScopeRef::ResourceGroup {
                            subscription: None,
                            group: g.clone(),
                        }
                    }
                    ("resourceGroup", [s, g, ..]) => {
                        return ScopeRef::ResourceGroup {
                            subscription: Some(s.clone()),
                            group: g.clone(),
                        }
                    }
                    ("subscription", []) if file == TargetScope::Subscription => {
                        return ScopeRef::Default
                    }
                    ("subscription", []) => return ScopeRef::Subscription(None),
                    ("subscription", [s, ..]) => return ScopeRef::Subscription(Some(s.clone())),
                    ("managementGroup", []) if file == TargetScope::ManagementGroup => {
                        return ScopeRef::Default
                    }
                    ("managementGroup", []) => return ScopeRef::ManagementGroup(None),
                    ("managementGroup", [m, ..]) => {
                        return ScopeRef::ManagementGroup(Some(m.clone()))
                    }
                    ("tenant", _) if file == TargetScope::Tenant => return ScopeRef::Default,
                    ("tenant", _) => return ScopeRef::Tenant,
                    _ => {}
                }
            }
        }
        let (target, index) = match &e.kind {
            ExprKind::Index { target, index, .. } => (&**target, Some(&**index)),
            _ => (e, None),
        };
        if let Some(r) = self.sym.resource_ref(target, env.resource) {
            let i = index.map(|x| self.tx(x, env));
            let ty = self.sym.resources[r].full_type.to_ascii_lowercase();
            if ty == "microsoft.resources/resourcegroups" {
                let group = self.resource_own_name(r, i.as_deref());
                return ScopeRef::ResourceGroup {
                    subscription: None,
                    group,
                };
            }
            if ty == "microsoft.management/managementgroups" {
                let name = self.resource_own_name(r, i.as_deref());
                return ScopeRef::ManagementGroup(Some(name));
            }
            return ScopeRef::Extension(self.resource_id(r, i.as_deref()));
        }
        ScopeRef::Extension(self.tx(e, env))
    }

    /// The fully qualified id of a resource.
    pub fn resource_id(&mut self, r: usize, index: Option<&str>) -> String {
        let scope = self.resource_scope(r, index);
        let segments = self.resource_segments(r, index);
        let ty = quote(&self.sym.resources[r].full_type);
        scoped_id(self.sym.scope, &scope, ty, segments)
    }
}

/// Compose the id of a resource of type `ty` (quoted) with `names` at `scope`.
pub(super) fn scoped_id(
    file: TargetScope,
    scope: &ScopeRef,
    ty: String,
    names: Vec<String>,
) -> String {
    let mut args = vec![ty];
    args.extend(names);
    match scope {
        ScopeRef::Default => match file {
            TargetScope::ResourceGroup => call("resourceId", &args),
            TargetScope::Subscription => call("subscriptionResourceId", &args),
            TargetScope::Tenant => call("tenantResourceId", &args),
            TargetScope::ManagementGroup => {
                args.insert(0, "managementGroup().id".into());
                call("extensionResourceId", &args)
            }
        },
        ScopeRef::ResourceGroup {
            subscription,
            group,
        } => {
            args.insert(0, group.clone());
            if let Some(s) = subscription {
                args.insert(0, s.clone());
            }
            call("resourceId", &args)
        }
        ScopeRef::Subscription(s) => {
            if let Some(s) = s {
                args.insert(0, s.clone());
            }
            call("subscriptionResourceId", &args)
        }
        ScopeRef::Tenant => call("tenantResourceId", &args),
        ScopeRef::ManagementGroup(m) => {
            let mg = match m {
                Some(m) => call(
                    "tenantResourceId",
                    &[quote("Microsoft.Management/managementGroups"), m.clone()],
                ),
                None => "managementGroup().id".into(),
            };
            args.insert(0, mg);
            call("extensionResourceId", &args)
        }
        ScopeRef::Extension(base) => {
            args.insert(0, base.clone());
            call("extensionResourceId", &args)
        }
    }
}

/// Whether `e` names a global symbol, not a local that shadows it.
fn env_free(e: &Expr, env: &Env) -> bool {
    match &e.kind {
        ExprKind::Var(id) => env.lookup(&id.name).is_none(),
        ExprKind::ResourceAccess { target, .. } => env_free(target, env),
        ExprKind::Paren(x) | ExprKind::NonNull(x) => env_free(x, env),
        _ => false,
    }
}
