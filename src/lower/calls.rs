//! Function calls: ARM functions pass through; Bicep-only functions are resolved at
//! lowering time like the compiler does (`any`, `load*Content`, `nameof`); user
//! functions become `__bicep.name(...)`; resource methods (`acr.listCredentials()`)
//! become `listCredentials('acr', '<api>')`.

use base64::Engine;

use super::env::{Env, Lowerer};
use super::symbols::Symbol;
use super::text::{call, quote};
use crate::source::bicep::{Expr, ExprKind};

/// Largest file a `load*Content` function reads (the compiler's own limit is lower).
const MAX_LOADED_BYTES: u64 = 4 * 1024 * 1024;

impl<'a> Lowerer<'a> {
    pub fn tx_call(&mut self, e: &Expr, env: &Env) -> String {
        let ExprKind::Call { target, name, args } = &e.kind else {
            return self.tx(e, env);
        };
        let fname = &*name.name;
        match target.as_deref() {
            None => {}
            Some(t) => {
                if let ExprKind::Var(ns) = &t.kind {
                    if env.lookup(&ns.name).is_none() {
                        match self.sym.names.get(&*ns.name).cloned() {
                            Some(Symbol::Namespace(key)) => {
                                return self.imported_call(e, &key, fname, args, env)
                            }
                            None if matches!(&*ns.name, "az" | "sys") => {
                                return self.builtin_call(e, fname, args, env)
                            }
                            _ => {}
                        }
                    }
                }
                return self.method_call(e, t, fname, args, env);
            }
        }
        if env.lookup(fname).is_none() {
            match self.sym.names.get(fname).cloned() {
                Some(Symbol::Func) => {
                    self.note_own_function(fname);
                    let a: Vec<String> = args.iter().map(|x| self.tx(x, env)).collect();
                    return call(&format!("__bicep.{}", self.func_name(fname)), &a);
                }
                Some(Symbol::Import {
                    key,
                    name: original,
                }) => {
                    return self.imported_call(e, &key, &original, args, env);
                }
                _ => {}
            }
        }
        self.builtin_call(e, fname, args, env)
    }

    fn imported_call(
        &mut self,
        e: &Expr,
        key: &str,
        name: &str,
        args: &[Expr],
        env: &Env,
    ) -> String {
        match self.import_function(key, name) {
            Some(arm) => {
                let a: Vec<String> = args.iter().map(|x| self.tx(x, env)).collect();
                call(&format!("__bicep.{arm}"), &a)
            }
            None => self.unknown(e, format!("'{name}' is not an imported function")),
        }
    }

    /// `resource.method(...)`: `list*` calls; `getSecret` outside module parameters.
    fn method_call(
        &mut self,
        e: &Expr,
        target: &Expr,
        fname: &str,
        args: &[Expr],
        env: &Env,
    ) -> String {
        let (base, index) = match &target.kind {
            ExprKind::Index {
                target: t, index, ..
            } => (&**t, Some(&**index)),
            _ => (target, None),
        };
        let Some(r) = self.sym.resource_ref(base, env.resource) else {
            return self.unknown(e, format!("cannot call '{fname}' on this value"));
        };
        if !fname.to_ascii_lowercase().starts_with("list") {
            return self.unknown(
                e,
                format!("'{fname}()' of a resource is known only at deployment"),
            );
        }
        let collection = self.sym.resources[r].for_expr.is_some();
        let resource = match (collection, index) {
            (true, Some(i)) => {
                let i = self.tx(i, env);
                self.resource_id(r, Some(&i))
            }
            _ => quote(&self.sym.resources[r].symbolic),
        };
        let mut a = vec![resource];
        if args.is_empty() {
            a.push(quote(&self.sym.resources[r].api_version));
        } else {
            a.extend(args.iter().map(|x| self.tx(x, env)));
        }
        call(fname, &a)
    }

    fn builtin_call(&mut self, e: &Expr, fname: &str, args: &[Expr], env: &Env) -> String {
        match fname {
            "any" if args.len() == 1 => return self.tx(&args[0], env),
            "nameof" => {
                return match args.first().and_then(last_name) {
                    Some(n) => quote(n),
                    None => self.unknown(e, "nameof() needs a symbol or property"),
                }
            }
            "loadTextContent" => return self.load_text(e, args),
            "loadFileAsBase64" => return self.load_base64(e, args),
            "loadJsonContent" => return self.load_json(e, args),
            "loadYamlContent" | "loadDirectoryFileInfo" | "loadResourceTypes" => {
                return self.unknown(
                    e,
                    format!("{fname}() is not supported: the value is unknown"),
                )
            }
            "externalInput" | "readEnvironmentVariable" | "readCliArg" => {
                return self.unknown(
                    e,
                    format!("{fname}() is known only when the deployment is prepared"),
                )
            }
            _ => {}
        }
        let a: Vec<String> = args.iter().map(|x| self.tx(x, env)).collect();
        call(fname, &a)
    }

    /// The text of a file named relative to this one, or a diagnostic.
    fn read_relative(&mut self, e: &Expr, args: &[Expr]) -> Option<Vec<u8>> {
        let Some(rel) = args.first().and_then(Expr::as_literal_string) else {
            self.warn(e.span, "the file path must be a literal string");
            return None;
        };
        let read = self
            .input
            .resolve(self.path, rel)
            .and_then(|path| self.input.read_bytes(&path, MAX_LOADED_BYTES));
        match read {
            Ok(b) => Some(b),
            Err(err) => {
                self.warn(e.span, format!("'{rel}': {err}"));
                None
            }
        }
    }

    fn load_text(&mut self, e: &Expr, args: &[Expr]) -> String {
        match self.read_relative(e, args) {
            Some(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                quote(text.strip_prefix('\u{feff}').unwrap_or(&text))
            }
            None => call(
                "acrlint.unknown",
                &[quote("file content could not be loaded")],
            ),
        }
    }

    fn load_base64(&mut self, e: &Expr, args: &[Expr]) -> String {
        match self.read_relative(e, args) {
            Some(bytes) => quote(&base64::engine::general_purpose::STANDARD.encode(bytes)),
            None => call(
                "acrlint.unknown",
                &[quote("file content could not be loaded")],
            ),
        }
    }

    fn load_json(&mut self, e: &Expr, args: &[Expr]) -> String {
        if args.len() > 1
            && args[1]
                .as_literal_string()
                .is_some_and(|p| p != "$" && !p.is_empty())
        {
            return self.unknown(e, "loadJsonContent() with a JSON path is not supported");
        }
        let Some(bytes) = self.read_relative(e, args) else {
            return call(
                "acrlint.unknown",
                &[quote("file content could not be loaded")],
            );
        };
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        match crate::source::json::parse(text) {
            Ok(node) => {
                let json = crate::arm::value::Value::from_node(&node).to_json();
                call("json", &[quote(&json.to_string())])
            }
            Err(err) => self.unknown(e, format!("the loaded file is not JSON: {}", err.message)),
        }
    }
}

/// The last identifier of `a.b.c` (for `nameof`).
fn last_name(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Var(id) => Some(&id.name),
        ExprKind::Property { name, .. } | ExprKind::ResourceAccess { name, .. } => Some(&name.name),
        ExprKind::Index { index, .. } => index.as_literal_string(),
        ExprKind::Paren(x) | ExprKind::NonNull(x) => last_name(x),
        _ => None,
    }
}
