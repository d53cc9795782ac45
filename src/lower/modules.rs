//! `module` declarations to `Microsoft.Resources/deployments` entries with an inner
//! expression scope, `parameters` from `params:`, and the lowered module template
//! inline (or a `templateLink` for registry modules).

use super::access::{scoped_id, ScopeRef, DEPLOYMENTS_API, DEPLOYMENTS_TYPE};
use super::env::{span, Env, Lowerer};
use super::symbols::TargetScope;
use super::text::{call, expression_node, member, object, quote, str_node};
use super::values::Place;
use super::ModuleTarget;
use crate::source::bicep::{Expr, ExprKind, ObjectItem};
use crate::source::json::{Member, Node};

impl<'a> Lowerer<'a> {
    /// Bindings of a module's loop variables for iteration `index`.
    fn module_env(&mut self, m: usize, index: Option<&str>) -> Env {
        match self.sym.modules[m].for_expr {
            Some(f) => {
                let mut env = self.loop_env(f, &Env::default(), index.unwrap_or("copyIndex()"));
                if index.is_none() {
                    env.loop_name = Some(self.sym.modules[m].symbolic.to_string());
                }
                env
            }
            None => Env::default(),
        }
    }

    /// The deployment name of a module (the compiler's generated one when absent).
    pub fn module_name_text(&mut self, m: usize, index: Option<&str>) -> String {
        let env = self.module_env(m, index);
        match self.sym.modules[m].body.and_then(|b| b.property("name")) {
            Some(p) => self.tx(&p.value, &env),
            None => generated_name(self.sym.modules[m].symbolic),
        }
    }

    /// `reference(...)` of a module's deployment (`.outputs.x.value` follows).
    pub fn module_reference(&mut self, m: usize, index: Option<&str>) -> String {
        match index {
            None => call("reference", &[quote(self.sym.modules[m].symbolic)]),
            Some(i) => {
                let env = self.module_env(m, Some(i));
                let scope = match self.sym.modules[m].body.and_then(|b| b.property("scope")) {
                    Some(p) => self.scope_of(&p.value, &env),
                    None => ScopeRef::Default,
                };
                let name = self.module_name_text(m, Some(i));
                let id = scoped_id(self.sym.scope, &scope, quote(DEPLOYMENTS_TYPE), vec![name]);
                call("reference", &[id, quote(DEPLOYMENTS_API)])
            }
        }
    }

    pub fn module_entries(&mut self) -> Vec<Member> {
        let mut out = Vec::with_capacity(self.sym.modules.len());
        for m in 0..self.sym.modules.len() {
            let entry = self.module_entry(m);
            let info = &self.sym.modules[m];
            let key_span = match &info.stmt.kind {
                crate::source::bicep::StatementKind::Module { name, .. } => span(name.span),
                _ => span(info.stmt.span),
            };
            out.push(member(info.symbolic, key_span, entry));
        }
        out
    }

    fn module_entry(&mut self, m: usize) -> Node {
        let env = self.module_env(m, None);
        let info = &self.sym.modules[m];
        let (stmt, path, for_expr, condition, body) = (
            info.stmt,
            info.path,
            info.for_expr,
            info.condition,
            info.body,
        );
        let symbolic = info.symbolic;
        let at = span(stmt.keyword_span);
        let mut members = Vec::new();
        if let Some(c) = condition {
            let n = self.value(c, &env, Place::Plain);
            members.push(member("condition", n.span, n));
        }
        if let Some(f) = for_expr {
            members.push(self.copy_member(symbolic, f, stmt, &Env::default()));
        }
        members.push(member("type", at, str_node(DEPLOYMENTS_TYPE, at)));
        members.push(member("apiVersion", at, str_node(DEPLOYMENTS_API, at)));
        let target = path
            .as_literal()
            .and_then(|p| self.modules.get(p))
            .cloned()
            .unwrap_or_else(|| ModuleTarget::Failed("module path not loaded".into()));
        let scope_expr = body.and_then(|b| b.property("scope")).map(|p| &p.value);
        if let Some(s) = scope_expr {
            members.extend(self.scope_members(s, &env, true));
        }
        let module_scope = match &target {
            ModuleTarget::Template { scope, .. } => Some(*scope),
            _ => scope_expr.and_then(scope_call_target).or(match scope_expr {
                None => Some(self.sym.scope),
                Some(_) => None,
            }),
        };
        if let Some(scope) = module_scope {
            if scope != TargetScope::ResourceGroup {
                // `deployment()` has no location in a resource group deployment.
                let location = if self.sym.scope == TargetScope::ResourceGroup {
                    "resourceGroup().location"
                } else {
                    "deployment().location"
                };
                members.push(member(
                    "location",
                    at,
                    expression_node(location, span(path.span)),
                ));
            }
        }
        let name = match body.and_then(|b| b.property("name")) {
            Some(p) => self.value(&p.value, &env, Place::Plain),
            None => expression_node(&generated_name(symbolic), at),
        };
        members.push(member("name", name.span, name));
        let body_span = body.map_or(span(stmt.span), |b| span(b.span));
        let mut props = vec![
            member(
                "expressionEvaluationOptions",
                body_span,
                object(
                    vec![member("scope", body_span, str_node("inner", body_span))],
                    body_span,
                ),
            ),
            member("mode", body_span, str_node("Incremental", body_span)),
        ];
        let params = body.and_then(|b| b.property("params"));
        if let Some(p) = params {
            let n = self.module_parameters(&p.value, &env);
            props.push(member("parameters", span(p.key.span()), n));
        }
        if let Some(p) = body.and_then(|b| b.property("extensionConfigs")) {
            let n = self.extension_configs(&p.value, &env);
            props.push(member("extensionConfigs", span(p.key.span()), n));
        }
        match &target {
            ModuleTarget::Template { template, .. } => {
                props.push(member("template", span(path.span), (**template).clone()));
            }
            ModuleTarget::Unresolved { link: Some(r), .. } => {
                let ps = span(path.span);
                props.push(member(
                    "templateLink",
                    ps,
                    object(vec![member("id", ps, str_node(r, ps))], ps),
                ));
            }
            ModuleTarget::Unresolved { link: None, .. }
            | ModuleTarget::Failed(_)
            | ModuleTarget::Capped(_) => {}
        }
        members.push(member("properties", body_span, object(props, body_span)));
        if let Some(d) = self.description_metadata(stmt, &members) {
            members.push(d);
        }
        object(members, span(stmt.span))
    }

    /// `{"p": {"value": ...}}` from a module's `params:` object.
    fn module_parameters(&mut self, params: &Expr, env: &Env) -> Node {
        let ExprKind::Object(items) = &params.kind else {
            self.warn(
                params.span,
                "module parameters that are not an object literal are not lowered",
            );
            return object(Vec::new(), span(params.span));
        };
        let mut members = Vec::with_capacity(items.len());
        for item in items {
            match item {
                ObjectItem::Property(p) => {
                    let Some(key) = p.key.literal() else {
                        self.warn(p.key.span(), "a computed parameter name is not lowered");
                        continue;
                    };
                    let ps = span(p.span);
                    let entry = if let Some(reference) = self.key_vault_reference(&p.value, env) {
                        object(vec![member("reference", ps, reference)], ps)
                    } else if reads_secret(&p.value) {
                        // `c ? kv.getSecret('s') : x`: the whole entry is chosen, as
                        // the compiler writes it.
                        let text = self.parameter_entry_text(&p.value, env);
                        expression_node(&text, span(p.value.span))
                    } else {
                        let v = self.value(&p.value, env, Place::PropertyCopy);
                        object(vec![member("value", ps, v)], ps)
                    };
                    members.retain(|m: &Member| &*m.key != key);
                    members.push(member(key, span(p.key.span()), entry));
                }
                ObjectItem::Spread { span: s, .. } => {
                    self.warn(*s, "a spread in module parameters is not lowered");
                }
                ObjectItem::Resource(_) => {}
            }
        }
        object(members, span(params.span))
    }

    /// A module's `extensionConfigs`: each setting wrapped as `{"value": ...}` (or
    /// a Key Vault reference), inherited configurations (`k8s.config...`) as they are.
    fn extension_configs(&mut self, e: &Expr, env: &Env) -> Node {
        let ExprKind::Object(items) = &e.kind else {
            return self.value(e, env, Place::Plain);
        };
        let mut members = Vec::new();
        for item in items {
            let ObjectItem::Property(p) = item else {
                continue;
            };
            let Some(key) = p.key.literal() else { continue };
            let n = match &p.value.kind {
                ExprKind::Object(settings) => {
                    let mut inner = Vec::new();
                    for s in settings {
                        let ObjectItem::Property(sp) = s else {
                            continue;
                        };
                        let Some(k) = sp.key.literal() else { continue };
                        let v = self.extension_setting(&sp.value, env);
                        inner.push(member(k, span(sp.key.span()), v));
                    }
                    object(inner, span(p.value.span))
                }
                _ => self.value(&p.value, env, Place::Plain),
            };
            members.push(member(key, span(p.key.span()), n));
        }
        object(members, span(e.span))
    }

    fn extension_setting(&mut self, e: &Expr, env: &Env) -> Node {
        let at = span(e.span);
        if self.is_extension_access(e, env) {
            return self.value(e, env, Place::Plain);
        }
        if let Some(reference) = self.key_vault_reference(e, env) {
            return object(vec![member("keyVaultReference", at, reference)], at);
        }
        if let ExprKind::Ternary {
            condition,
            then,
            otherwise,
        } = &e.kind
        {
            let c = self.tx(condition, env);
            let wrap = |x: &Expr, l: &mut Self| {
                let t = l.tx(x, env);
                if l.is_extension_access(x, env) {
                    t
                } else {
                    call("createObject", &[quote("value"), t])
                }
            };
            let t = wrap(then, self);
            let o = wrap(otherwise, self);
            return expression_node(&call("if", &[c, t, o]), at);
        }
        let v = self.value(e, env, Place::Plain);
        object(vec![member("value", at, v)], at)
    }

    /// `alias.config...` of an `extension` declaration.
    fn is_extension_access(&self, e: &Expr, env: &Env) -> bool {
        match &e.kind {
            ExprKind::Var(id) => {
                env.lookup(&id.name).is_none()
                    && matches!(
                        self.sym.names.get(&*id.name),
                        Some(super::symbols::Symbol::Extension)
                    )
            }
            ExprKind::Property { target, .. } | ExprKind::Index { target, .. } => {
                self.is_extension_access(target, env)
            }
            _ => false,
        }
    }

    /// A module parameter entry as an expression: `createObject('value', x)`,
    /// `createObject('reference', ...)` for a secret, `if(...)` over a ternary.
    fn parameter_entry_text(&mut self, e: &Expr, env: &Env) -> String {
        match &e.kind {
            ExprKind::Ternary {
                condition,
                then,
                otherwise,
            } => {
                let c = self.tx(condition, env);
                let t = self.parameter_entry_text(then, env);
                let o = self.parameter_entry_text(otherwise, env);
                call("if", &[c, t, o])
            }
            ExprKind::Paren(inner) => self.parameter_entry_text(inner, env),
            _ => match self.secret_reference_text(e, env) {
                Some(r) => call("createObject", &[quote("reference"), r]),
                None => {
                    let v = self.tx(e, env);
                    call("createObject", &[quote("value"), v])
                }
            },
        }
    }

    /// `createObject('keyVault', createObject('id', ...), 'secretName', ...)`.
    fn secret_reference_text(&mut self, e: &Expr, env: &Env) -> Option<String> {
        let (id, _, args) = self.get_secret(e, env)?;
        let mut parts = vec![quote("keyVault"), call("createObject", &[quote("id"), id])];
        if let Some(secret) = args.first() {
            parts.push(quote("secretName"));
            parts.push(self.tx(secret, env));
        }
        if let Some(version) = args.get(1) {
            parts.push(quote("secretVersion"));
            parts.push(self.tx(version, env));
        }
        Some(call("createObject", &parts))
    }

    /// For `kv.getSecret(name[, version])` (or `kvs[i].getSecret(...)`): the vault's
    /// resource id expression, the vault expression and the call's arguments.
    fn get_secret<'e>(&mut self, e: &'e Expr, env: &Env) -> Option<(String, &'e Expr, &'e [Expr])> {
        let ExprKind::Call {
            target: Some(t),
            name,
            args,
        } = &e.kind
        else {
            return None;
        };
        if &*name.name != "getSecret" {
            return None;
        }
        let (base, index) = match &t.kind {
            ExprKind::Index { target, index, .. } => (&**target, Some(&**index)),
            _ => (&**t, None),
        };
        let r = self.sym.resource_ref(base, env.resource)?;
        let i = index.map(|x| self.tx(x, env));
        Some((self.resource_id(r, i.as_deref()), &**t, args))
    }

    /// `kv.getSecret('name')` as a module parameter: a Key Vault reference.
    fn key_vault_reference(&mut self, e: &Expr, env: &Env) -> Option<Node> {
        let (id, t, args) = self.get_secret(e, env)?;
        let at = span(e.span);
        let mut members = vec![member(
            "keyVault",
            at,
            object(
                vec![member("id", at, expression_node(&id, span(t.span)))],
                at,
            ),
        )];
        if let Some(secret) = args.first() {
            members.push(member(
                "secretName",
                at,
                self.value(secret, env, Place::Plain),
            ));
        }
        if let Some(version) = args.get(1) {
            members.push(member(
                "secretVersion",
                at,
                self.value(version, env, Place::Plain),
            ));
        }
        Some(object(members, at))
    }
}

/// Whether a module parameter value chooses a Key Vault secret in a ternary.
fn reads_secret(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Ternary {
            then, otherwise, ..
        } => reads_secret(then) || reads_secret(otherwise),
        ExprKind::Paren(inner) => reads_secret(inner),
        ExprKind::Call {
            target: Some(_),
            name,
            ..
        } => &*name.name == "getSecret",
        _ => false,
    }
}

/// The scope a `scope:` call targets (`subscription(...)` → subscription).
fn scope_call_target(e: &Expr) -> Option<TargetScope> {
    match &e.kind {
        ExprKind::Call { name, .. } => TargetScope::from_name(&name.name),
        _ => None,
    }
}

/// The name the compiler gives a module without one.
fn generated_name(symbolic: &str) -> String {
    call(
        "format",
        &[
            quote(&format!("{}-{{0}}", super::text::escape_format(symbolic))),
            call(
                "uniqueString",
                &[quote(symbolic), "deployment().name".into()],
            ),
        ],
    )
}
