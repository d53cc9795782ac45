//! `resource` declarations to languageVersion 2.0 resource entries: nested
//! declarations flattened (`parent::child`, full type, `format('{0}/{1}', ...)`
//! names, conditions combined with `and`), loops to `copy`, filtered loops to a
//! per-iteration `condition`, `existing`, `scope:` to `scope`/`resourceGroup`/
//! `subscriptionId`.

use super::env::{span, Env, Lowerer};
use super::text::{
    call, escape_format, expression_node, literal_string_node, member, node, object, quote,
    str_node,
};
use super::values::Place;
use crate::source::bicep::{Expr, ExprKind, ForExpr, ObjectItem, Statement};
use crate::source::json::{Member, Node, NodeKind};

/// Body properties the compiler does not copy into the resource entry.
const NOT_COPIED: &[&str] = &["name", "parent", "scope", "dependsOn"];

impl<'a> Lowerer<'a> {
    /// Resource entries in the compiler's order: the nested declarations of each
    /// top-level resource (deepest first), then the top-level resources. The
    /// order matters to the engine: `reference()` sees the bodies written before.
    pub fn resource_entries(&mut self) -> Vec<Member> {
        let mut out = Vec::with_capacity(self.sym.resources.len());
        for r in self.resource_order() {
            let entry = self.resource_entry(r);
            let info = &self.sym.resources[r];
            let key_span = match &info.stmt.kind {
                crate::source::bicep::StatementKind::Resource(d) => span(d.name.span),
                _ => span(info.stmt.span),
            };
            out.push(member(&info.symbolic.clone(), key_span, entry));
        }
        out
    }

    fn resource_order(&self) -> Vec<usize> {
        fn post_order(s: &super::symbols::Symbols, r: usize, out: &mut Vec<usize>, depth: usize) {
            if depth > 64 {
                return;
            }
            for (c, info) in s.resources.iter().enumerate() {
                if info.nested_parent == Some(r) {
                    post_order(s, c, out, depth + 1);
                    out.push(c);
                }
            }
        }
        let tops: Vec<usize> = (0..self.sym.resources.len())
            .filter(|r| self.sym.resources[*r].nested_parent.is_none())
            .collect();
        let mut order = Vec::with_capacity(self.sym.resources.len());
        for t in &tops {
            post_order(&self.sym, *t, &mut order, 0);
        }
        order.extend(tops);
        order
    }

    /// The environment of a resource's body (loop variables bound to `copyIndex()`).
    fn resource_body_env(&mut self, r: usize) -> Env {
        let mut env = Env::default().in_resource(r);
        if let Some(f) = self.sym.resources[r].for_expr {
            env = self.loop_env(f, &env, "copyIndex()");
            env.loop_name = Some(self.sym.resources[r].symbolic.clone());
        }
        env
    }

    fn resource_entry(&mut self, r: usize) -> Node {
        let env = self.resource_body_env(r);
        let info = &self.sym.resources[r];
        let (stmt, for_expr, body, existing) = (info.stmt, info.for_expr, info.body, info.existing);
        let full_type = info.full_type.clone();
        let api = info.api_version.clone();
        let type_span = match &stmt.kind {
            crate::source::bicep::StatementKind::Resource(d) => span(d.type_string.span),
            _ => span(stmt.keyword_span),
        };
        let mut members = Vec::new();
        if let Some(c) = self.resource_condition(r) {
            members.push(member("condition", c.span, c));
        }
        if let Some(f) = for_expr {
            let name = self.sym.resources[r].symbolic.clone();
            members.push(self.copy_member(&name, f, stmt, &Env::default().in_resource(r)));
        }
        if existing {
            members.push(member(
                "existing",
                span(stmt.keyword_span),
                node(NodeKind::Bool(true), span(stmt.keyword_span)),
            ));
        }
        if let Some(ext) = self.sym.resources[r].extension.clone() {
            members.push(member("extension", type_span, str_node(&ext, type_span)));
        }
        members.push(member("type", type_span, str_node(&full_type, type_span)));
        members.push(member("apiVersion", type_span, str_node(&api, type_span)));
        if let Some(scope) = body.and_then(|b| b.property("scope")) {
            members.extend(self.scope_members(&scope.value, &env, false));
        } else if let Some((p, scope)) = self.inherited_scope(r) {
            // A child declared with `parent:` is deployed where its parent is.
            let penv = self.resource_body_env(p);
            members.extend(self.scope_members(scope, &penv, false));
        }
        let name_node = self.resource_name_node(r, &env);
        members.push(member("name", name_node.span, name_node));
        if let Some(deps) = self.depends_on_member(r, &env) {
            members.push(deps);
        }
        if let Some(ExprKind::Object(items)) = body.map(|b| &b.kind) {
            for item in items {
                match item {
                    ObjectItem::Property(p) => {
                        let Some(key) = p.key.literal() else {
                            self.warn(p.key.span(), "a computed property name is not lowered");
                            continue;
                        };
                        if NOT_COPIED.contains(&key) {
                            continue;
                        }
                        let value = self.value(&p.value, &env, Place::PropertyCopy);
                        members.retain(|m: &Member| &*m.key != key);
                        members.push(member(key, span(p.key.span()), value));
                    }
                    ObjectItem::Spread { span: s, .. } => {
                        self.warn(*s, "a spread in a resource body is not lowered");
                    }
                    ObjectItem::Resource(_) => {}
                }
            }
        }
        if let Some(m) = self.description_metadata(stmt, &members) {
            members.push(m);
        }
        object(members, span(stmt.span))
    }

    /// `dependsOn` as the compiler writes it in languageVersion 2.0: the parent
    /// (`parent:` or the enclosing declaration) and the resources and modules listed in
    /// `dependsOn:`, by symbolic name (`'acr'`, or `format('acrs[{0}]', i)` for an
    /// element of a collection). Rules read it to tell which registry a child belongs
    /// to when names are only known at deployment.
    fn depends_on_member(&mut self, r: usize, env: &Env) -> Option<Member> {
        let info = &self.sym.resources[r];
        let (body, stmt) = (info.body, info.stmt);
        let mut targets: Vec<(String, Option<&'a Expr>, crate::source::json::Span)> = Vec::new();
        if let Some((p, index)) = info.parent() {
            let at = body
                .and_then(|b| b.property("parent"))
                .map_or(span(stmt.keyword_span), |x| span(x.value.span));
            targets.push((self.sym.resources[p].symbolic.clone(), index, at));
        }
        let listed = body
            .and_then(|b| b.property("dependsOn"))
            .map(|d| &d.value.kind);
        if let Some(ExprKind::Array(items)) = listed {
            for item in items {
                let crate::source::bicep::ArrayItem::Value(item) = item else {
                    continue;
                };
                let (target, index) = match &item.kind {
                    ExprKind::Index { target, index, .. } => (&**target, Some(&**index)),
                    _ => (item, None),
                };
                let symbolic = match self.sym.resource_ref(target, Some(r)) {
                    Some(d) => self.sym.resources[d].symbolic.clone(),
                    None => match self.sym.module_ref(target) {
                        Some(m) => self.sym.modules[m].symbolic.to_string(),
                        None => continue,
                    },
                };
                targets.push((symbolic, index, span(item.span)));
            }
        }
        if targets.is_empty() {
            return None;
        }
        let at = targets[0].2;
        let items = targets
            .into_iter()
            .map(|(symbolic, index, at)| match index {
                None => str_node(&symbolic, at),
                Some(ix) => {
                    // At the index expression: a start no other expression node uses.
                    let at = span(ix.span);
                    let i = self.tx(ix, env);
                    let fmt = quote(&format!("{}[{{0}}]", escape_format(&symbolic)));
                    expression_node(&call("format", &[fmt, i]), at)
                }
            })
            .collect();
        Some(member("dependsOn", at, node(NodeKind::Array(items), at)))
    }

    /// The `scope:` of the nearest ancestor that has one.
    fn inherited_scope(&self, r: usize) -> Option<(usize, &'a Expr)> {
        let mut current = self.sym.resources[r].parent().map(|(p, _)| p);
        let mut guard = 0;
        while let Some(p) = current {
            guard += 1;
            if guard > 64 {
                return None;
            }
            let info = &self.sym.resources[p];
            if let Some(s) = info.body.and_then(|b| b.property("scope")) {
                return Some((p, &s.value));
            }
            current = info.parent().map(|(q, _)| q);
        }
        None
    }

    /// The `name` member: the name as written, or the full `parent/child` name.
    fn resource_name_node(&mut self, r: usize, env: &Env) -> Node {
        let info = &self.sym.resources[r];
        let name_expr = info.name_expr();
        let at = name_expr.map_or(span(info.stmt.keyword_span), |n| span(n.span));
        if info.parent().is_none() {
            return match name_expr {
                Some(n) => self.value(n, env, Place::Plain),
                None => {
                    self.error(info.stmt.keyword_span, "resource without a name");
                    expression_node(&call("acrlint.unknown", &[quote("no name")]), at)
                }
            };
        }
        let text = self.resource_full_name(r, None);
        expression_node(&text, at)
    }

    /// Own condition (a filtered loop's or `if`), combined with the conditions of
    /// the declarations this one is nested in.
    fn resource_condition(&mut self, r: usize) -> Option<Node> {
        self.depth += 1;
        if self.depth > 64 {
            self.depth -= 1;
            return None;
        }
        let info = &self.sym.resources[r];
        let (own_expr, parent) = (info.condition, info.nested_parent);
        let own = own_expr.map(|c| {
            let env = self.resource_body_env(r);
            self.value(c, &env, Place::Plain)
        });
        let inherited = parent.and_then(|p| self.resource_condition(p));
        self.depth -= 1;
        match (inherited, own) {
            (None, own) => own,
            (Some(p), None) => Some(p),
            (Some(p), Some(o)) => {
                let text = call("and", &[condition_text(&p), condition_text(&o)]);
                Some(expression_node(&text, o.span))
            }
        }
    }

    /// `"copy": {"name": ..., "count": "[length(xs)]"}` (with `@batchSize`).
    pub fn copy_member(&mut self, name: &str, f: &ForExpr, stmt: &Statement, env: &Env) -> Member {
        let iterable = self.tx(&f.iterable, env);
        let at = span(f.iterable.span);
        let mut members = vec![
            member("name", at, str_node(name, at)),
            member(
                "count",
                at,
                expression_node(&call("length", &[iterable]), at),
            ),
        ];
        if let Some(d) = stmt.decorator("batchSize") {
            if let Some(arg) = d.args().first() {
                members.push(member(
                    "mode",
                    span(d.span),
                    str_node("serial", span(d.span)),
                ));
                let size = self.value(arg, &Env::default(), Place::Plain);
                members.push(member("batchSize", span(d.span), size));
            }
        }
        member("copy", at, object(members, span(f.iterable.span)))
    }

    /// `"metadata": {"description": ...}` from `@description(...)`.
    pub fn description_metadata(&mut self, stmt: &Statement, members: &[Member]) -> Option<Member> {
        let d = stmt.decorator("description")?;
        let arg = d.args().first()?;
        if members.iter().any(|m| &*m.key == "metadata") {
            return None;
        }
        let value = self.value(arg, &Env::default(), Place::Plain);
        let at = span(d.span);
        Some(member(
            "metadata",
            at,
            object(vec![member("description", at, value)], at),
        ))
    }

    /// Members that place a resource or module: `scope`, `resourceGroup`,
    /// `subscriptionId` (as the compiler writes them).
    pub fn scope_members(&mut self, e: &Expr, env: &Env, module: bool) -> Vec<Member> {
        let file = self.sym.scope;
        let at = span(e.span);
        if let ExprKind::Call { target, name, args } = &e.kind {
            let plain = target.as_deref().is_none_or(
                |t| matches!(&t.kind, ExprKind::Var(n) if matches!(&*n.name, "az" | "sys") && env.lookup(&n.name).is_none()),
            );
            if plain {
                use super::symbols::TargetScope as T;
                match (&*name.name, args.as_slice()) {
                    ("resourceGroup", []) if file == T::ResourceGroup => return Vec::new(),
                    ("resourceGroup", [g]) => {
                        return vec![member(
                            "resourceGroup",
                            at,
                            self.value(g, env, Place::Plain),
                        )]
                    }
                    ("resourceGroup", [s, g, ..]) => {
                        return vec![
                            member("subscriptionId", at, self.value(s, env, Place::Plain)),
                            member("resourceGroup", at, self.value(g, env, Place::Plain)),
                        ]
                    }
                    ("subscription", []) if file == T::Subscription => return Vec::new(),
                    ("subscription", []) => {
                        return vec![member(
                            "subscriptionId",
                            at,
                            expression_node("subscription().subscriptionId", at),
                        )]
                    }
                    ("subscription", [s, ..]) => {
                        return vec![member(
                            "subscriptionId",
                            at,
                            self.value(s, env, Place::Plain),
                        )]
                    }
                    ("tenant", _) if file == T::Tenant => return Vec::new(),
                    ("tenant", _) => {
                        return vec![member("scope", at, literal_string_node("/", at))]
                    }
                    ("managementGroup", []) if file == T::ManagementGroup => return Vec::new(),
                    ("managementGroup", [m, ..]) => {
                        let m = self.tx(m, env);
                        let text = call(
                            "format",
                            &[quote("Microsoft.Management/managementGroups/{0}"), m],
                        );
                        return vec![member("scope", at, expression_node(&text, at))];
                    }
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
                let g = self.resource_own_name(r, i.as_deref());
                return vec![member("resourceGroup", at, expression_node(&g, at))];
            }
            let id = self.resource_id(r, i.as_deref());
            return vec![member("scope", at, expression_node(&id, at))];
        }
        if module {
            self.warn(
                e.span,
                "this module scope is not understood; the module is evaluated in the current scope",
            );
            return Vec::new();
        }
        vec![member("scope", at, self.value(e, env, Place::Plain))]
    }
}

/// The ARM text of a condition node (`true()` for a literal `true`).
fn condition_text(n: &Node) -> String {
    match &n.kind {
        NodeKind::Bool(true) => "true()".into(),
        NodeKind::Bool(false) => "false()".into(),
        NodeKind::String(s) if s.starts_with('[') && s.ends_with(']') && !s.starts_with("[[") => {
            s[1..s.len() - 1].to_string()
        }
        NodeKind::String(s) => quote(s),
        _ => "null()".into(),
    }
}
