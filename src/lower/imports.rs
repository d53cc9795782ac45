//! `import {x} from './y.bicep'` and `import * as ns from './y.bicep'`: exported
//! variables and functions are copied into the importing template under a prefix
//! derived from the file (with the declarations they use), as the compiler does.
//! Types are dropped: they do not change values.
//!
//! An imported declaration has no place in the importing file, yet the engine
//! needs distinct span starts for distinct expressions: its nodes get synthetic
//! spans past the end of the importing file (they render at its last line).

use super::env::Lowerer;
use super::symbols::{Symbol, Symbols};
use crate::source::json::{Node, NodeKind};

/// Most declarations copied from one imported file.
const MAX_IMPORTED_DECLARATIONS: usize = 10_000;

impl<'a> Lowerer<'a> {
    /// Called when this file's variable `name` is used (for import closures).
    pub fn note_own_variable(&mut self, name: &str) {
        if !self.prefix.is_empty() && !self.needed_vars.iter().any(|n| n == name) {
            self.needed_vars.push(name.to_string());
        }
    }

    pub fn note_own_function(&mut self, name: &str) {
        if !self.prefix.is_empty() && !self.needed_funcs.iter().any(|n| n == name) {
            self.needed_funcs.push(name.to_string());
        }
    }

    /// ARM variable name of an imported variable (copying it in on first use).
    pub fn import_variable(&mut self, key: &str, name: &str) -> Option<String> {
        self.import_symbol(key, name, false)
    }

    /// ARM function name (without `__bicep.`) of an imported function.
    pub fn import_function(&mut self, key: &str, name: &str) -> Option<String> {
        self.import_symbol(key, name, true)
    }

    fn import_symbol(&mut self, key: &str, name: &str, func: bool) -> Option<String> {
        let cache_key = (
            key.to_string(),
            format!("{}{name}", if func { "f:" } else { "v:" }),
        );
        if let Some(hit) = self.import_cache.get(&cache_key) {
            return hit.clone();
        }
        let result = self.import_symbol_uncached(key, name, func);
        self.import_cache.insert(cache_key, result.clone());
        result
    }

    fn import_symbol_uncached(&mut self, key: &str, name: &str, func: bool) -> Option<String> {
        if self.import_stack.iter().any(|k| k == key) || self.import_stack.len() > 16 {
            return None;
        }
        let file = self.imports.get(key)?.clone();
        let sym = Symbols::build(&file.parsed.program, &file.path);
        let found = match sym.names.get(name) {
            Some(Symbol::Var(_)) => !func,
            Some(Symbol::Func { .. }) => func,
            _ => false,
        };
        if !found {
            return None;
        }
        let mut sub = Lowerer::new(
            &file.text,
            &file.path,
            sym,
            self.modules,
            self.imports,
            self.input,
        );
        sub.prefix = format!("_{:08x}.", fnv(key));
        sub.import_stack = self.import_stack.clone();
        sub.import_stack.push(key.to_string());
        let arm = if func {
            sub.needed_funcs.push(name.to_string());
            sub.func_name(name)
        } else {
            sub.needed_vars.push(name.to_string());
            sub.var_name(name)
        };
        let mut done_vars: Vec<String> = Vec::new();
        let mut done_funcs: Vec<String> = Vec::new();
        let mut vars: Vec<(String, Node)> = Vec::new();
        let mut funcs: Vec<(String, Node)> = Vec::new();
        let statements = &file.parsed.program.statements;
        while done_vars.len() + done_funcs.len() < MAX_IMPORTED_DECLARATIONS {
            if let Some(v) = sub
                .needed_vars
                .iter()
                .find(|v| !done_vars.contains(v))
                .cloned()
            {
                done_vars.push(v.clone());
                let decl = statements.iter().find_map(|s| match &s.kind {
                    crate::source::bicep::StatementKind::Var { name, value, .. }
                        if *name.name == *v =>
                    {
                        Some((name.span, value))
                    }
                    _ => None,
                });
                if let Some((sp, value)) = decl {
                    if let Some(m) = sub.variable_member(&v, super::env::span(sp), value) {
                        vars.push((m.key.to_string(), m.value));
                    }
                }
                continue;
            }
            if let Some(f) = sub
                .needed_funcs
                .iter()
                .find(|f| !done_funcs.contains(f))
                .cloned()
            {
                done_funcs.push(f.clone());
                let decl = statements.iter().find(|s| {
                    matches!(&s.kind, crate::source::bicep::StatementKind::Func { name, .. } if *name.name == *f)
                });
                if let Some(node) = decl.and_then(|s| sub.function_member(s)) {
                    funcs.push((sub.func_name(&f), node));
                }
                continue;
            }
            break;
        }
        vars.append(&mut sub.extra_vars);
        funcs.append(&mut sub.extra_funcs);
        let import_note = sub.diags.len();
        for (k, mut n) in vars {
            if k != "copy" && self.extra_vars.iter().any(|(e, _)| *e == k) {
                continue;
            }
            self.respan(&mut n);
            self.extra_vars.push((k, n));
        }
        for (k, mut n) in funcs {
            if self.extra_funcs.iter().any(|(e, _)| *e == k) {
                continue;
            }
            self.respan(&mut n);
            self.extra_funcs.push((k, n));
        }
        if import_note > 0 {
            let first = sub.diags[0].1.clone();
            self.diags.push((
                crate::source::json::Span::default(),
                format!("imported file {}: {first}", file.path.display()),
                super::Severity::Warning,
            ));
        }
        Some(arm)
    }

    /// Give every node of an imported declaration a fresh synthetic span.
    fn respan(&mut self, n: &mut Node) {
        n.span = self.synthetic_span();
        match &mut n.kind {
            NodeKind::Array(items) => {
                for i in items {
                    self.respan(i);
                }
            }
            NodeKind::Object(members) => {
                for m in members {
                    self.respan(&mut m.value);
                    m.key_span = m.value.span;
                }
            }
            _ => {}
        }
    }
}

/// FNV-1a of a file key: a stable prefix for its imported declarations.
fn fnv(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}
