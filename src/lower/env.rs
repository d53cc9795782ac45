//! The lowering context of one file and the environment of local names (loop
//! variables, lambda parameters, function parameters).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::symbols::Symbols;
use super::Severity;
use super::{ImportedFile, ModuleTarget};
use crate::arm::value::Str;
use crate::source::bicep::{self, Expr};
use crate::source::json::{Node, Span};
use crate::source::sources::Sources;

/// Local names in scope and what they lower to.
#[derive(Clone, Default)]
pub(super) struct Env {
    /// Bicep name → ARM expression text, innermost last.
    locals: Vec<(Str, String)>,
    /// The resource whose body is being lowered (nested resources are visible by
    /// their short names inside it).
    pub resource: Option<usize>,
    /// Name of the loop an unnamed `copyIndex()` in the locals refers to (the
    /// resource or module loop), to name it inside property loops.
    pub loop_name: Option<String>,
}

impl Env {
    pub fn with(&self, name: &Str, text: String) -> Env {
        let mut env = self.clone();
        env.locals.push((name.clone(), text));
        env
    }

    pub fn in_resource(&self, r: usize) -> Env {
        let mut env = self.clone();
        env.resource = Some(r);
        env
    }

    pub fn lookup(&self, name: &str) -> Option<&str> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| &**n == name)
            .map(|(_, t)| t.as_str())
    }

    /// Rewrite the text of every local (used when a loop body moves into a named
    /// property copy: enclosing loop variables must name their loop).
    pub fn map_locals(&self, f: impl Fn(&str) -> String) -> Env {
        let mut env = self.clone();
        env.loop_name = None;
        for (_, t) in &mut env.locals {
            *t = f(t);
        }
        env
    }
}

/// Everything needed to lower one file.
pub(super) struct Lowerer<'a> {
    pub text: &'a str,
    pub path: &'a Path,
    pub sym: Symbols<'a>,
    pub diags: Vec<(Span, String, Severity)>,
    pub modules: &'a HashMap<String, ModuleTarget>,
    pub imports: &'a HashMap<String, ImportedFile>,
    /// Where files named by `loadTextContent()` and the like are read.
    pub input: &'a dyn Sources,
    /// Variables that read runtime state (`reference`, `list*`, module outputs):
    /// inlined at each use, as the compiler does.
    pub inline_vars: HashSet<&'a str>,
    /// Prefix of this file's variable and function names in the template being
    /// built (non-empty when the file's declarations are imported into another).
    pub prefix: String,
    /// Variables and functions brought in by imports: (ARM name, node).
    pub extra_vars: Vec<(String, Node)>,
    pub extra_funcs: Vec<(String, Node)>,
    /// Next synthetic offset past the end of the file (imported declarations have
    /// no place in this file; each of their nodes still needs a distinct start).
    pub synth: u32,
    /// Own variables and functions referenced while lowering an imported file (its
    /// declarations are copied on demand).
    pub needed_vars: Vec<String>,
    pub needed_funcs: Vec<String>,
    /// Imported symbols already resolved: (file key, name) → ARM name.
    pub import_cache: std::collections::HashMap<(String, String), Option<String>>,
    /// Variables being inlined (cycle guard).
    pub inlining: Vec<Str>,
    /// Depth of nested translations (stack guard).
    pub depth: usize,
    /// Translations done so far (work guard: cycles through names and scopes branch,
    /// so a depth bound alone still allows exponential work).
    pub work: usize,
    /// Resources whose scope is being resolved (cycle guard).
    pub scoping: Vec<usize>,
    /// Resources whose name is being translated (cycle guard).
    pub naming: Vec<usize>,
    /// Imported files being lowered (cycle guard), by key.
    pub import_stack: Vec<String>,
}

pub(super) fn span(s: bicep::Span) -> Span {
    super::to_span(s)
}

impl<'a> Lowerer<'a> {
    pub fn new(
        text: &'a str,
        path: &'a Path,
        sym: Symbols<'a>,
        modules: &'a HashMap<String, ModuleTarget>,
        imports: &'a HashMap<String, ImportedFile>,
        input: &'a dyn Sources,
    ) -> Self {
        let mut l = Lowerer {
            text,
            path,
            sym,
            diags: Vec::new(),
            modules,
            imports,
            input,
            inline_vars: HashSet::new(),
            prefix: String::new(),
            extra_vars: Vec::new(),
            extra_funcs: Vec::new(),
            synth: u32::try_from(text.len())
                .unwrap_or(u32::MAX / 2)
                .saturating_add(1),
            needed_vars: Vec::new(),
            needed_funcs: Vec::new(),
            import_cache: HashMap::new(),
            inlining: Vec::new(),
            depth: 0,
            work: 0,
            scoping: Vec::new(),
            naming: Vec::new(),
            import_stack: Vec::new(),
        };
        l.inline_vars = super::symbols::runtime_variables(&l.sym);
        l
    }

    pub fn error(&mut self, at: bicep::Span, message: impl Into<String>) {
        self.diags.push((span(at), message.into(), Severity::Error));
    }

    pub fn warn(&mut self, at: bicep::Span, message: impl Into<String>) {
        self.diags
            .push((span(at), message.into(), Severity::Warning));
    }

    /// An ARM expression whose value is unknown, with a diagnostic saying why.
    pub fn unknown(&mut self, at: &Expr, why: impl Into<String>) -> String {
        let why = why.into();
        self.warn(at.span, why.clone());
        super::text::call("acrlint.unknown", &[super::text::quote(&why)])
    }

    /// ARM name of one of this file's variables.
    pub fn var_name(&self, name: &str) -> String {
        format!("{}{}", self.prefix, name)
    }

    /// ARM name of one of this file's functions (`__bicep.` namespace added by the caller).
    pub fn func_name(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}{}", self.prefix.replace('.', "_"), name)
        }
    }

    /// A fresh span past the end of the file.
    pub fn synthetic_span(&mut self) -> Span {
        let s = self.synth;
        self.synth = self.synth.saturating_add(1);
        Span { start: s, end: s }
    }
}
