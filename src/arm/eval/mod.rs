//! The expression evaluator.
//!
//! A [`Scope`] holds what one template level can see (parameters, variables, user
//! functions, declared resources, the deployment context); an [`Evaluator`] walks JSON
//! nodes and expressions against it, carrying the dynamic state (copy loops, lambda
//! variables, user-function arguments) and recording which parameters and variables a
//! value came through (provenance).

mod budget;
mod builtins;
mod context;
mod deferred;
mod provenance;
mod resources;

pub use budget::{fresh_cells, Budget};
pub use context::{DeploymentContext, ScopeKind};
pub use deferred::{is_resource_frame_key, PendingBody};
pub use provenance::{Provenance, ProvenanceKind};
pub use resources::{name_key, parse_resource_id, DeclaredResource};

use crate::source::file::SourceText;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::arm::expr::ast::{Expr, ExprSpan};
use crate::arm::expr::parser::{classify, parse, StringForm};
use crate::arm::functions::{self, FnError, FnResult, Host};
use crate::arm::limits::{MAX_CALL_DEPTH, MAX_CANDIDATE_COMBINATIONS, MAX_VALUE_DEPTH};
use crate::arm::value::{map_get, Candidates, Lambda, Map, Str, Unknown, Value, CASE_TWIN_ORIGIN};
use crate::source::json::{token_offset_to_file, Node, NodeKind, Span};

/// Functions a host adds to the language (name in lower case, argument values).
pub type HostFunctions<'a> = dyn Fn(&str, &[Value]) -> Option<Value> + 'a;

pub use crate::source::file::FileId;

/// Marks a copy iteration whose index is unknown (the count could not be evaluated).
pub const UNKNOWN_COPY_INDEX: i64 = i64::MIN;

/// A problem found while evaluating (expression syntax errors, deployment-time errors
/// such as `fail()` or type mismatches, caps reached).
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub file: FileId,
    pub span: Span,
    pub message: String,
    pub kind: DiagnosticKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagnosticKind {
    /// The template text is malformed (becomes ACR000).
    Syntax,
    /// ARM would reject the deployment with this error.
    Evaluation,
    /// A cap was reached: what it stopped is not checked (an error: fail closed).
    Limit,
    /// The template says something two ways and ARM's choice between them is not
    /// defined (keys that differ only in case); both are checked.
    Ambiguity,
    /// A module that was not followed: its resources are not checked.
    UnresolvedModule(UnresolvedModule),
}

/// A module that could not be followed, and what it seems to deploy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnresolvedModule {
    pub kind: UnresolvedKind,
    /// Its path or parameters show that it deploys a container registry.
    pub deploys_registry: bool,
}

/// Why a module was not followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnresolvedKind {
    /// A local module file that is missing or unreadable.
    MissingFile,
    /// A malformed registry reference or an undefined alias.
    InvalidReference,
    /// A registry module not in the Bicep module cache.
    NotRestored,
    /// A template spec, which only Azure resolves.
    TemplateSpec,
}

/// A parameter as seen by expressions.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: Str,
    pub value: Value,
    pub provenance: Arc<Provenance>,
    pub secure: bool,
}

enum VarState {
    InProgress,
    Done(Value, Arc<Provenance>),
}

/// One user-defined function (`functions[].members`).
#[derive(Clone, Debug)]
pub struct UserFunction<'t> {
    pub params: Vec<Str>,
    pub output: &'t Node,
}

/// A string's parse: `Ok(None)` for a literal, `Err(())` for a syntax error.
type Parsed = Result<Option<Rc<Expr>>, ()>;

/// What one template level can see.
pub struct Scope<'t> {
    pub file: FileId,
    pub text: SourceText,
    pub params: HashMap<String, Param>,
    pub variables: HashMap<String, &'t Node>,
    /// `variables.copy` entries by variable name.
    pub variable_copies: HashMap<String, &'t Node>,
    pub functions: HashMap<String, UserFunction<'t>>,
    pub context: Arc<DeploymentContext>,
    pub scope_kind: ScopeKind,
    /// Resources declared in this template, for `reference()` and symbolic names.
    pub declared: RefCell<Vec<DeclaredResource>>,
    /// languageVersion 2.0 symbolic names → index into `declared`.
    pub symbols: RefCell<HashMap<String, usize>>,
    pub diagnostics: RefCell<Vec<Diagnostic>>,
    /// Bodies of declared resources whose evaluation was deferred (no rule reads them),
    /// by index into `declared`: evaluated if `reference()` reads them.
    pub pending_bodies: RefCell<HashMap<usize, PendingBody<'t>>>,
    var_cache: RefCell<HashMap<String, VarState>>,
    /// The work budget of the file (shared by the scopes of its nested templates).
    pub budget: Rc<Budget>,
    /// Results of user-defined function calls by function and arguments: a function's
    /// value depends on its arguments alone (functions that call the next one twice,
    /// 40 deep, would otherwise take 2^40 calls).
    fn_memo: RefCell<HashMap<String, Value>>,
    /// Parses by string offset: `Ok(None)` a literal, `Err(())` a syntax error
    /// (reported once; the string evaluates to an unknown every time).
    parsed: RefCell<HashMap<u32, Parsed>>,
}

impl<'t> Scope<'t> {
    pub fn new(
        file: FileId,
        text: SourceText,
        context: Arc<DeploymentContext>,
        scope_kind: ScopeKind,
    ) -> Self {
        Scope {
            file,
            text,
            params: HashMap::new(),
            variables: HashMap::new(),
            variable_copies: HashMap::new(),
            functions: HashMap::new(),
            context,
            scope_kind,
            declared: RefCell::new(Vec::new()),
            symbols: RefCell::new(HashMap::new()),
            diagnostics: RefCell::new(Vec::new()),
            pending_bodies: RefCell::new(HashMap::new()),
            var_cache: RefCell::new(HashMap::new()),
            budget: Rc::new(Budget::default()),
            fn_memo: RefCell::new(HashMap::new()),
            parsed: RefCell::new(HashMap::new()),
        }
    }

    pub fn diagnose(&self, span: Span, kind: DiagnosticKind, message: impl Into<String>) {
        let message = message.into();
        let mut diags = self.diagnostics.borrow_mut();
        if !diags.iter().any(|d| d.span == span && d.message == message) {
            diags.push(Diagnostic {
                file: self.file,
                span,
                message,
                kind,
            });
        }
    }

    /// Offsets of the strings parsed so far (by [`Scope::expression_at`]).
    pub(crate) fn parsed_offsets(&self) -> Vec<u32> {
        self.parsed.borrow().keys().copied().collect()
    }

    /// Parse (once) the expression in a string node; `None` for literals.
    pub(crate) fn expression_at(&self, s: &str, span: Span) -> Result<Option<Rc<Expr>>, ()> {
        if let Some(cached) = self.parsed.borrow().get(&span.start) {
            return cached.clone();
        }
        let parsed = match classify(s) {
            StringForm::Literal(_) => None,
            StringForm::Expression(inner, offset) => match parse(inner, offset) {
                Ok(e) => Some(Rc::new(e)),
                Err(err) => {
                    let at = self.file_offset(span, err.offset);
                    self.diagnose(
                        Span {
                            start: at,
                            end: at + 1,
                        },
                        DiagnosticKind::Syntax,
                        format!("invalid template expression: {}", err.message),
                    );
                    self.parsed.borrow_mut().insert(span.start, Err(()));
                    return Err(());
                }
            },
        };
        self.parsed
            .borrow_mut()
            .insert(span.start, Ok(parsed.clone()));
        Ok(parsed)
    }

    /// File offset of an offset inside the decoded string whose token spans `span`.
    pub fn file_offset(&self, span: Span, offset_in_string: u32) -> u32 {
        token_offset_to_file(&self.text, span, offset_in_string)
    }
}

/// Walks nodes and expressions against a [`Scope`].
pub struct Evaluator<'s, 't> {
    pub scope: &'s Scope<'t>,
    /// Active copy loops, innermost last: (loop name, index).
    pub copy: Vec<(Option<Str>, i64)>,
    lambda_vars: Vec<(Str, Value)>,
    fn_params: Option<Vec<(Str, Value)>>,
    /// User functions being evaluated, outermost first.
    fn_stack: Vec<Str>,
    trace: Vec<Arc<Provenance>>,
    depth: usize,
    /// Span of the string node being evaluated (to place diagnostics).
    current: Span,
    /// When set, the parameters and variables read by each expression string are
    /// recorded with the string's span (provenance of resource properties).
    pub node_traces: Option<Vec<(Span, Vec<Arc<Provenance>>)>>,
    /// Do not record evaluation errors (the value is not deployed).
    pub quiet: bool,
    /// How many of the innermost `copy` entries are property loops: an unnamed
    /// `copyIndex()` skips them and reads the resource's own loop.
    property_loops: usize,
    /// Functions supplied by the host (Azure Policy's `field()`/`current()` when a
    /// policy expression is evaluated); consulted before reporting a function as
    /// unsupported.
    pub host_functions: Option<&'s HostFunctions<'s>>,
}

impl<'s, 't> Evaluator<'s, 't> {
    pub fn new(scope: &'s Scope<'t>) -> Self {
        Evaluator {
            scope,
            copy: Vec::new(),
            lambda_vars: Vec::new(),
            fn_params: None,
            fn_stack: Vec::new(),
            trace: Vec::new(),
            depth: 0,
            current: Span::default(),
            node_traces: None,
            quiet: false,
            property_loops: 0,
            host_functions: None,
        }
    }

    /// Parameters and variables read since the last call (deduplicated, in order).
    pub fn take_trace(&mut self) -> Vec<Arc<Provenance>> {
        std::mem::take(&mut self.trace)
    }

    fn record(&mut self, p: &Arc<Provenance>) {
        if !self.trace.iter().any(|t| Arc::ptr_eq(t, p)) {
            self.trace.push(p.clone());
        }
    }

    /// Evaluate a JSON node: strings that are expressions are evaluated, objects and
    /// arrays recursively. Property `copy` arrays are expanded when `property_copy`.
    pub fn eval_node(&mut self, node: &Node, property_copy: bool) -> Value {
        let cells = match &node.kind {
            NodeKind::Array(items) => items.len() as u64,
            NodeKind::Object(members) => 2 * members.len() as u64,
            _ => 0,
        };
        let file = self.scope.file;
        if !self.scope.budget.spend(1, cells, || (file, node.span)) {
            return Value::Unknown(Budget::spent_value());
        }
        match &node.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(i) => Value::Int(*i),
            NodeKind::Float(f) => Value::Float(*f),
            NodeKind::String(s) => self.eval_string(s, node.span),
            NodeKind::Array(items) => Value::array(
                items
                    .iter()
                    .map(|n| self.eval_node(n, property_copy))
                    .collect(),
            ),
            NodeKind::Object(members) => {
                let mut map = Map::with_capacity(members.len());
                for m in members {
                    if property_copy && m.key.eq_ignore_ascii_case("copy") {
                        if let Some(loops) = m.value.as_array() {
                            if loops
                                .iter()
                                .all(|l| l.get("input").is_some() && l.get("name").is_some())
                            {
                                for l in loops {
                                    self.property_copy(l, &mut map);
                                }
                                continue;
                            }
                        }
                    }
                    let v = self.eval_node(&m.value, property_copy);
                    if m.case_twin {
                        self.case_twin(&mut map, m, v);
                    } else {
                        map.insert(m.key.clone(), v);
                    }
                }
                Value::object(map)
            }
        }
    }

    /// A member whose key equals an earlier one's but for case: ARM may take either
    /// value, so the property becomes the set of both (rules report what either would
    /// do), and a warning says so.
    fn case_twin(&mut self, map: &mut Map, m: &crate::source::json::Member, v: Value) {
        let Some((first, old)) = map.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(&m.key))
        else {
            map.insert(m.key.clone(), v);
            return;
        };
        self.scope.diagnose(
            m.key_span,
            DiagnosticKind::Ambiguity,
            case_twin_message(first, &m.key),
        );
        let mut values = match std::mem::replace(old, Value::Null) {
            Value::Candidates(c) if c.parameter.starts_with(CASE_TWIN_ORIGIN) => c.values.clone(),
            other => vec![other],
        };
        if !values.iter().any(|x| x.term() == v.term()) {
            values.push(v);
        }
        *old = match values.len() {
            1 => values.pop().unwrap_or(Value::Null),
            _ => Value::Candidates(Arc::new(Candidates {
                values,
                parameter: Str::from(format!("{CASE_TWIN_ORIGIN}{first}")),
            })),
        };
    }

    /// `"copy": [{"name": "x", "count": n, "input": {...}}]` inside properties.
    fn property_copy(&mut self, l: &Node, out: &mut Map) {
        let name = match l.get("name").map(|n| self.eval_node(n, false)) {
            Some(Value::String(s)) => s,
            _ => return,
        };
        let Some(input) = l.get("input") else { return };
        let value = match self.copy_count(l.get("count")) {
            Ok(count) => {
                let mut items = Vec::with_capacity(count as usize);
                self.property_loops += 1;
                for i in 0..count {
                    self.copy.push((Some(name.clone()), i));
                    items.push(self.eval_node(input, true));
                    self.copy.pop();
                }
                self.property_loops -= 1;
                Value::array(items)
            }
            Err(u) => u,
        };
        out.insert(name, value);
    }

    /// Evaluate a `copy.count`, enforcing ARM's cap; an unknown count gives an unknown.
    pub fn copy_count(&mut self, count: Option<&Node>) -> Result<i64, Value> {
        let Some(node) = count else {
            return Err(Value::unknown("copy loop without a count"));
        };
        match self.eval_node(node, false) {
            Value::Int(n) if (0..=crate::arm::limits::MAX_COPY_COUNT).contains(&n) => Ok(n),
            Value::Int(n) => {
                self.scope.diagnose(
                    node.span,
                    DiagnosticKind::Limit,
                    format!(
                        "copy count {n} is outside 0..={} (ARM's limit)",
                        crate::arm::limits::MAX_COPY_COUNT
                    ),
                );
                Err(Value::unknown(format!(
                    "copy count {n} exceeds ARM's limit of 800"
                )))
            }
            Value::Float(f) if f.fract() == 0.0 && (0.0..=800.0).contains(&f) => Ok(f as i64),
            Value::Unknown(u) => Err(Value::Unknown(u)),
            Value::Candidates(_) => Err(Value::unknown(
                "copy count depends on a parameter with several allowed values",
            )),
            other => Err(Value::unknown(format!(
                "copy count is not an integer ({})",
                other.type_name()
            ))),
        }
    }

    /// Evaluate a template string (literal, `[[` escape or expression).
    pub fn eval_string(&mut self, s: &Str, span: Span) -> Value {
        if !s.starts_with('[') {
            return Value::String(s.clone());
        }
        let expr = match self.scope.expression_at(s, span) {
            Ok(Some(e)) => e,
            Ok(None) => {
                return match classify(s) {
                    StringForm::Literal(l) => Value::string(l.into_owned()),
                    StringForm::Expression(..) => Value::String(s.clone()),
                }
            }
            Err(()) => return Value::unknown("invalid template expression"),
        };
        let saved = self.current;
        self.current = span;
        let outer_trace = self
            .node_traces
            .is_some()
            .then(|| std::mem::take(&mut self.trace));
        let v = match self.eval_expr(&expr) {
            Ok(v) => self.bounded(v, span),
            Err(FnError::Unknown(u)) => Value::Unknown(u),
            Err(FnError::Invalid(msg)) => {
                if !self.quiet {
                    self.scope
                        .diagnose(span, DiagnosticKind::Evaluation, msg.clone());
                }
                Value::unknown(format!("error: {msg}"))
            }
            Err(FnError::Limit(msg)) => {
                self.scope
                    .diagnose(span, DiagnosticKind::Limit, msg.clone());
                Value::unknown(msg)
            }
        };
        self.current = saved;
        if let Some(outer) = outer_trace {
            let inner = std::mem::replace(&mut self.trace, outer);
            for p in &inner {
                self.record(p);
            }
            if let Some(traces) = self.node_traces.as_mut() {
                traces.push((span, inner));
            }
        }
        v
    }

    /// Evaluate an expression string that is not tied to a node (policy values, tests).
    pub fn eval_text(&mut self, s: &str) -> Value {
        match classify(s) {
            StringForm::Literal(l) => Value::string(l.into_owned()),
            StringForm::Expression(inner, offset) => match parse(inner, offset) {
                Ok(e) => match self.eval_expr(&e) {
                    Ok(v) => v,
                    Err(FnError::Unknown(u)) => Value::Unknown(u),
                    Err(FnError::Invalid(msg)) => Value::unknown(format!("error: {msg}")),
                    Err(FnError::Limit(msg)) => Value::unknown(msg),
                },
                Err(err) => Value::unknown(format!("invalid template expression: {}", err.message)),
            },
        }
    }

    pub fn diagnostic_span(&self, at: ExprSpan) -> Span {
        let start = self.scope.file_offset(self.current, at.start);
        let end = self.scope.file_offset(self.current, at.end).max(start);
        Span { start, end }
    }

    /// Count work done at the expression being evaluated; false when the file's
    /// budget is spent.
    fn spend(&self, steps: u64, cells: u64) -> bool {
        let (file, span) = (self.scope.file, self.current);
        self.scope.budget.spend(steps, cells, || (file, span))
    }

    pub fn eval_expr(&mut self, e: &Expr) -> FnResult {
        if !self.spend(1, 0) {
            return Err(FnError::Unknown(Budget::spent_value()));
        }
        match e {
            Expr::String(s, _) => Ok(Value::String(s.clone())),
            Expr::Int(i, _) => Ok(Value::Int(*i)),
            Expr::Float(f, _) => Ok(Value::Float(*f)),
            Expr::Bool(b, _) => Ok(Value::Bool(*b)),
            Expr::Null(_) => Ok(Value::Null),
            Expr::Property { target, name, .. } => {
                let t = self.eval_expr(target)?;
                access(&t, &Value::String(name.clone()), true)
            }
            Expr::Index { target, index, .. } => {
                let t = self.eval_expr(target)?;
                let i = self.eval_expr(index)?;
                access(&t, &i, false)
            }
            Expr::Call {
                name, args, span, ..
            } => {
                self.depth += 1;
                if self.depth > MAX_EVAL_DEPTH {
                    self.depth -= 1;
                    return Err(FnError::Limit(format!(
                        "expression evaluation nested deeper than {MAX_EVAL_DEPTH} calls (a fixed limit: the evaluator's stack)"
                    )));
                }
                let r = self.call(name, args, *span);
                self.depth -= 1;
                r
            }
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], span: ExprSpan) -> FnResult {
        let result = self.call_inner(name, args, span);
        match result {
            Ok(v) => {
                // What the call made counts against the budget; what it only passed
                // on (a variable's value) does not.
                if self.spend(0, fresh_cells(&v)) {
                    Ok(v)
                } else {
                    Err(FnError::Unknown(Budget::spent_value()))
                }
            }
            // A limit of the function library: the file fails, here; the value is
            // unknown.
            Err(FnError::Limit(why)) => {
                let at = self.diagnostic_span(span);
                self.scope.diagnose(at, DiagnosticKind::Limit, why.clone());
                Err(FnError::Unknown(Arc::new(Unknown {
                    why,
                    ..Default::default()
                })))
            }
            Err(e) => Err(e),
        }
    }

    fn call_inner(&mut self, name: &str, args: &[Expr], span: ExprSpan) -> FnResult {
        let lower = name.to_ascii_lowercase();
        if let Some(result) = self.special_form(&lower, args, span) {
            return result;
        }
        if lower.contains('.') {
            return self.call_user_function(&lower, name, args);
        }
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval_expr(a)?);
        }
        if let Some(result) = self.builtin(&lower, &values, span) {
            return result;
        }
        let Some(spec) = functions::lookup(&lower) else {
            if let Some(v) = self.host_functions.and_then(|h| h(&lower, &values)) {
                return Ok(v);
            }
            return Ok(Value::unknown(format!("unsupported function {name}")));
        };
        if values.len() < spec.min_args || spec.max_args.is_some_and(|m| values.len() > m) {
            return Err(functions::invalid(format!(
                "{}: expects {} argument(s), got {}",
                spec.name,
                match spec.max_args {
                    Some(m) if m == spec.min_args => m.to_string(),
                    Some(m) => format!("{}..{}", spec.min_args, m),
                    None => format!("at least {}", spec.min_args),
                },
                values.len()
            )));
        }
        self.apply(spec.name, &values, |ev, vals| {
            if !spec.accepts_unknown {
                if let Some(u) = vals.iter().find_map(|v| match v {
                    Value::Unknown(u) => Some(u.clone()),
                    _ => None,
                }) {
                    return Err(FnError::Unknown(u));
                }
            }
            (spec.imp)(ev, vals)
        })
    }

    /// Apply `f` to argument values, lifting candidate sets (each combination is tried)
    /// and giving unknown results a canonical term.
    pub fn apply(
        &mut self,
        fname: &str,
        values: &[Value],
        f: impl Fn(&mut Self, &[Value]) -> FnResult,
    ) -> FnResult {
        if values.iter().any(|v| matches!(v, Value::Candidates(_))) {
            return self.lift_candidates(fname, values, &f);
        }
        match f(self, values) {
            Err(FnError::Unknown(u)) => Ok(Value::Unknown(Arc::new(Unknown {
                why: u.why.clone(),
                term: Some(call_term(fname, values)),
                resource: None,
                partial: None,
            }))),
            other => other,
        }
    }

    fn lift_candidates(
        &mut self,
        fname: &str,
        values: &[Value],
        f: &dyn Fn(&mut Self, &[Value]) -> FnResult,
    ) -> FnResult {
        let mut combos: Vec<Vec<Value>> = vec![Vec::new()];
        let mut params: Vec<Str> = Vec::new();
        for v in values {
            match v {
                Value::Candidates(c) => {
                    if !params.contains(&c.parameter) {
                        params.push(c.parameter.clone());
                    }
                    let mut next = Vec::new();
                    for combo in &combos {
                        for cand in &c.values {
                            let mut n = combo.clone();
                            n.push(cand.clone());
                            next.push(n);
                        }
                    }
                    combos = next;
                    if combos.len() > MAX_CANDIDATE_COMBINATIONS {
                        return Ok(Value::unknown_term(
                            format!("depends on parameters {} (too many combinations of allowed values)", params.join(", ")),
                            call_term(fname, values),
                        ));
                    }
                }
                other => combos.iter_mut().for_each(|c| c.push(other.clone())),
            }
        }
        let mut results: Vec<Value> = Vec::new();
        for combo in combos {
            let r = match f(self, &combo) {
                Ok(v) => v,
                Err(FnError::Unknown(u)) => Value::Unknown(u),
                Err(e @ (FnError::Invalid(_) | FnError::Limit(_))) => return Err(e),
            };
            let flat: Vec<Value> = match r {
                Value::Candidates(c) => c.values.clone(),
                v => vec![v],
            };
            for v in flat {
                let t = v.term();
                if !results.iter().any(|r| r.term() == t) {
                    results.push(v);
                }
            }
        }
        if results.len() == 1 {
            return Ok(results.pop().unwrap_or(Value::Null));
        }
        Ok(Value::Candidates(Arc::new(Candidates {
            values: results,
            parameter: Str::from(params.join(", ")),
        })))
    }

    fn call_user_function(&mut self, lower: &str, name: &str, args: &[Expr]) -> FnResult {
        let Some(func) = self.scope.functions.get(lower).cloned() else {
            return Ok(Value::unknown(format!("unsupported function {name}")));
        };
        if args.len() != func.params.len() {
            return Err(functions::invalid(format!(
                "{name}: expects {} argument(s), got {}",
                func.params.len(),
                args.len()
            )));
        }
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval_expr(a)?);
        }
        // Functions calling functions (or themselves, ending through a lazy `if`) are
        // followed up to the evaluator's stack; past it the file fails.
        if self.fn_stack.len() >= MAX_CALL_DEPTH {
            return Err(FnError::Limit(format!(
                "{name}: user functions nested deeper than {MAX_CALL_DEPTH} calls (a fixed limit: the evaluator's stack)"
            )));
        }
        let key = memo_key(lower, &values);
        if let Some(v) = key
            .as_ref()
            .and_then(|k| self.scope.fn_memo.borrow().get(k).cloned())
        {
            return Ok(v);
        }
        let bound: Vec<(Str, Value)> = func.params.iter().cloned().zip(values).collect();
        let saved_params = self.fn_params.replace(bound);
        let saved_lambda = std::mem::take(&mut self.lambda_vars);
        let saved_copy = std::mem::take(&mut self.copy);
        let saved_property_loops = std::mem::take(&mut self.property_loops);
        self.fn_stack.push(Str::from(lower));
        let v = self.eval_node(func.output, false);
        self.fn_stack.pop();
        self.fn_params = saved_params;
        self.lambda_vars = saved_lambda;
        self.copy = saved_copy;
        self.property_loops = saved_property_loops;
        // A value made after the budget ran out is not the function's value.
        if let (Some(k), false) = (key, self.scope.budget.is_spent()) {
            let mut memo = self.scope.fn_memo.borrow_mut();
            if memo.len() < MAX_MEMO_ENTRIES {
                memo.insert(k, v.clone());
            }
        }
        Ok(v)
    }

    /// The value of `variables(name)`, evaluated once and cached.
    pub fn variable(&mut self, name: &str) -> FnResult {
        let key = name.to_ascii_lowercase();
        match self.scope.var_cache.borrow().get(&key) {
            Some(VarState::Done(v, p)) => {
                let (v, p) = (v.clone(), p.clone());
                self.record(&p);
                return Ok(v);
            }
            Some(VarState::InProgress) => {
                return Err(functions::invalid(format!(
                    "variable '{name}' refers to itself (a cycle through variables)"
                )))
            }
            None => {}
        }
        let (node, is_copy) = match (
            self.scope.variables.get(&key),
            self.scope.variable_copies.get(&key),
        ) {
            (Some(n), _) => (*n, false),
            (None, Some(n)) => (*n, true),
            (None, None) => {
                return Err(functions::invalid(format!(
                    "variable '{name}' is not defined"
                )))
            }
        };
        self.scope
            .var_cache
            .borrow_mut()
            .insert(key.clone(), VarState::InProgress);
        let saved_trace = std::mem::take(&mut self.trace);
        let saved_copy = std::mem::take(&mut self.copy);
        let saved_property_loops = std::mem::take(&mut self.property_loops);
        let saved_lambda = std::mem::take(&mut self.lambda_vars);
        let value = if is_copy {
            self.variable_copy(node, name)
        } else {
            self.eval_node(node, false)
        };
        let value = self.bounded(value, node.span);
        let upstream = std::mem::replace(&mut self.trace, saved_trace);
        self.copy = saved_copy;
        self.property_loops = saved_property_loops;
        self.lambda_vars = saved_lambda;
        let prov = Arc::new(Provenance {
            kind: ProvenanceKind::Variable,
            name: Str::from(name),
            file: self.scope.file,
            span: node.span,
            upstream,
        });
        self.scope
            .var_cache
            .borrow_mut()
            .insert(key, VarState::Done(value.clone(), prov.clone()));
        self.record(&prov);
        Ok(value)
    }

    fn variable_copy(&mut self, node: &Node, name: &str) -> Value {
        let Some(input) = node.get("input") else {
            return Value::unknown(format!("variable copy '{name}' has no input"));
        };
        match self.copy_count(node.get("count")) {
            Ok(count) => {
                let mut items = Vec::with_capacity(count as usize);
                for i in 0..count {
                    self.copy.push((Some(Str::from(name)), i));
                    items.push(self.eval_node(input, false));
                    self.copy.pop();
                }
                Value::array(items)
            }
            Err(u) => u,
        }
    }

    pub fn parameter(&mut self, name: &str) -> FnResult {
        if let Some(bound) = &self.fn_params {
            return match bound.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                Some((_, v)) => Ok(v.clone()),
                None => Err(functions::invalid(format!(
                    "parameter '{name}' is not a parameter of this function"
                ))),
            };
        }
        let key = name.to_ascii_lowercase();
        match self.scope.params.get(&key) {
            Some(p) => {
                let p = p.clone();
                self.record(&p.provenance);
                Ok(p.value)
            }
            None => Err(functions::invalid(format!(
                "parameter '{name}' is not defined"
            ))),
        }
    }

    fn lambda_variable(&self, name: &str) -> FnResult {
        self.lambda_vars
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .ok_or_else(|| functions::invalid(format!("lambda variable '{name}' is not defined")))
    }

    /// Calls that are not ordinary functions of values: lazy `if`, `lambda`, and the
    /// functions that read the scope.
    fn special_form(&mut self, lower: &str, args: &[Expr], span: ExprSpan) -> Option<FnResult> {
        Some(match lower {
            "if" => self.lazy_if(args),
            "lambda" => self.make_lambda(args),
            "lambdavariables" => match args.first().map(|a| self.eval_expr(a)) {
                Some(Ok(Value::String(s))) => self.lambda_variable(&s),
                Some(Err(e)) => Err(e),
                _ => Err(functions::invalid(
                    "lambdaVariables: expects a variable name",
                )),
            },
            "parameters" | "variables" => {
                let arg = match args.first().map(|a| self.eval_expr(a)) {
                    Some(Ok(v)) => v,
                    Some(Err(e)) => return Some(Err(e)),
                    None => {
                        return Some(Err(functions::invalid(format!("{lower}: expects a name"))))
                    }
                };
                match arg {
                    Value::String(s) if lower == "parameters" => self.parameter(&s),
                    Value::String(s) => self.variable(&s),
                    Value::Unknown(u) => Err(FnError::Unknown(u)),
                    other => Err(functions::invalid(format!(
                        "{lower}: the name must be a string, got {}",
                        other.type_name()
                    ))),
                }
            }
            "copyindex" => self.copy_index(args),
            _ => {
                let _ = span;
                return None;
            }
        })
    }

    fn lazy_if(&mut self, args: &[Expr]) -> FnResult {
        if args.len() != 3 {
            return Err(functions::invalid(format!(
                "if: expects 3 arguments, got {}",
                args.len()
            )));
        }
        let cond = self.eval_expr(&args[0])?;
        match cond {
            Value::Bool(true) => self.eval_expr(&args[1]),
            Value::Bool(false) => self.eval_expr(&args[2]),
            Value::Candidates(c) => {
                let mut out: Vec<Value> = Vec::new();
                let mut unknown = false;
                for v in &c.values {
                    match v {
                        Value::Bool(true) => out.push(self.eval_expr(&args[1])?),
                        Value::Bool(false) => out.push(self.eval_expr(&args[2])?),
                        _ => unknown = true,
                    }
                }
                if unknown {
                    return Ok(Value::unknown("if(): condition is not a bool"));
                }
                let mut dedup: Vec<Value> = Vec::new();
                for v in out {
                    let flat = match v {
                        Value::Candidates(c) => c.values.clone(),
                        v => vec![v],
                    };
                    for v in flat {
                        if !dedup.iter().any(|d| d.term() == v.term()) {
                            dedup.push(v);
                        }
                    }
                }
                if dedup.len() == 1 {
                    return Ok(dedup.pop().unwrap_or(Value::Null));
                }
                Ok(Value::Candidates(Arc::new(Candidates {
                    values: dedup,
                    parameter: c.parameter.clone(),
                })))
            }
            Value::Unknown(u) => {
                // Both branches may be taken: when they agree the result is known.
                let a = self
                    .eval_expr(&args[1])
                    .unwrap_or_else(|_| Value::unknown(u.why.clone()));
                let b = self
                    .eval_expr(&args[2])
                    .unwrap_or_else(|_| Value::unknown(u.why.clone()));
                if a.arm_equals(&b) == Some(true) {
                    return Ok(a);
                }
                Ok(Value::Unknown(Arc::new(Unknown {
                    why: u.why.clone(),
                    term: Some(call_term("if", &[Value::Unknown(u.clone()), a, b])),
                    resource: None,
                    partial: None,
                })))
            }
            other => Err(functions::invalid(format!(
                "if: the condition must be a bool, got {}",
                other.type_name()
            ))),
        }
    }

    fn make_lambda(&mut self, args: &[Expr]) -> FnResult {
        let Some((body, names)) = args.split_last() else {
            return Err(functions::invalid(
                "lambda: expects parameter names and a body",
            ));
        };
        let mut params = Vec::with_capacity(names.len());
        for n in names {
            match n {
                Expr::String(s, _) => params.push(s.clone()),
                _ => {
                    return Err(functions::invalid(
                        "lambda: parameter names must be string literals",
                    ))
                }
            }
        }
        Ok(Value::Lambda(Arc::new(Lambda {
            params,
            body: Arc::new(body.clone()),
            captured: self.lambda_vars.clone(),
        })))
    }

    fn copy_index(&mut self, args: &[Expr]) -> FnResult {
        let mut values = Vec::new();
        for a in args {
            values.push(self.eval_expr(a)?);
        }
        let (name, offset) = match values.as_slice() {
            [] => (None, 0),
            [Value::Int(o)] => (None, *o),
            [Value::String(n)] => (Some(n.clone()), 0),
            [Value::String(n), Value::Int(o)] => (Some(n.clone()), *o),
            [Value::Unknown(u), ..] | [_, Value::Unknown(u)] => {
                return Err(FnError::Unknown(u.clone()))
            }
            _ => {
                return Err(functions::invalid(
                    "copyIndex: expects (loopName?, offset?)",
                ))
            }
        };
        let found = match &name {
            None => self.copy[..self.copy.len().saturating_sub(self.property_loops)].last(),
            Some(n) => self
                .copy
                .iter()
                .rev()
                .find(|(l, _)| l.as_ref().is_some_and(|l| l.eq_ignore_ascii_case(n))),
        };
        match found {
            Some((_, i)) if *i == UNKNOWN_COPY_INDEX => Err(FnError::Unknown(Arc::new(Unknown {
                why: "copy index of a loop whose count is unknown".into(),
                ..Default::default()
            }))),
            Some((_, i)) => i
                .checked_add(offset)
                .map(Value::Int)
                .ok_or_else(|| functions::invalid("copyIndex: offset overflows")),
            None => Err(functions::invalid(match name {
                Some(n) => format!("copyIndex('{n}') is used outside the copy loop '{n}'"),
                None => "copyIndex() is used outside a copy loop".to_string(),
            })),
        }
    }
}

impl Host for Evaluator<'_, '_> {
    fn call_lambda(&mut self, lambda: &Lambda, args: &[Value]) -> FnResult {
        let saved = self.lambda_vars.len();
        self.lambda_vars.extend(lambda.captured.iter().cloned());
        for (p, v) in lambda.params.iter().zip(args.iter()) {
            self.lambda_vars.push((p.clone(), v.clone()));
        }
        self.depth += 1;
        let r = if self.depth > MAX_EVAL_DEPTH {
            Err(FnError::Limit(format!(
                "lambdas nested deeper than {MAX_EVAL_DEPTH} calls (a fixed limit: the evaluator's stack)"
            )))
        } else {
            self.eval_expr(&lambda.body).and_then(|v| {
                let max = crate::arm::limits::current().value_nodes;
                match v.size_within(max, MAX_VALUE_DEPTH) {
                    Err(why) => Err(FnError::Limit(format!("lambda result: {why}"))),
                    Ok(nodes) if self.spend(nodes as u64, 0) => Ok(v),
                    Ok(_) => Err(FnError::Unknown(Budget::spent_value())),
                }
            })
        };
        self.depth -= 1;
        self.lambda_vars.truncate(saved);
        r
    }
}

/// The warning for keys that differ only in case.
pub fn case_twin_message(first: &str, second: &str) -> String {
    format!(
        "property names '{first}' and '{second}' differ only in case: ARM reads them as one property and which value it takes is not defined; both are checked"
    )
}

/// Deepest nesting of calls and lambdas the evaluator follows (each is a few stack
/// frames; an expression is at most 128 deep, but calls through variables and user
/// functions nest further).
const MAX_EVAL_DEPTH: usize = MAX_CALL_DEPTH * 4;

/// Most user-function results remembered per template scope.
const MAX_MEMO_ENTRIES: usize = 16 * 1024;
/// Longest argument list (written out) a user-function result is remembered for.
const MAX_MEMO_KEY_BYTES: usize = 16 * 1024;

/// A key that tells user-function calls apart exactly: the function and its argument
/// values written out in full (unknowns by term and reason, candidates with their
/// values). `None` for arguments that cannot be compared (lambdas) or that are long.
fn memo_key(fname: &str, args: &[Value]) -> Option<String> {
    fn write(v: &Value, out: &mut String) -> bool {
        if out.len() > MAX_MEMO_KEY_BYTES {
            return false;
        }
        match v {
            Value::Lambda(_) => return false,
            Value::Array(items) => {
                out.push('[');
                for i in items.iter() {
                    if !write(i, out) {
                        return false;
                    }
                    out.push(',');
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (k, v) in map.iter() {
                    out.push_str(&Value::String(k.clone()).term());
                    out.push(':');
                    if !write(v, out) {
                        return false;
                    }
                    out.push(',');
                }
                out.push('}');
            }
            Value::Candidates(c) => {
                out.push_str(&v.term());
                for c in &c.values {
                    out.push('|');
                    if !write(c, out) {
                        return false;
                    }
                }
            }
            Value::Unknown(u) => {
                out.push_str(&v.term());
                out.push_str(&u.why);
                if let Some(p) = &u.partial {
                    out.push('~');
                    if !write(p, out) {
                        return false;
                    }
                }
            }
            other => out.push_str(&other.term()),
        }
        true
    }
    let mut key = format!("{fname}(");
    for a in args {
        if !write(a, &mut key) {
            return None;
        }
        key.push(',');
    }
    Some(key)
}

/// Canonical term of a call: `name(arg terms…)`.
pub fn call_term(fname: &str, args: &[Value]) -> Str {
    let mut s = String::with_capacity(16 + args.len() * 8);
    s.push_str(&fname.to_ascii_lowercase());
    s.push('(');
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&a.term());
    }
    s.push(')');
    // Terms nest: an unknown built from unknowns holds their terms, so a chain of
    // `concat(x, x)` doubles its term at every step. A long term is replaced by a
    // digest of itself, which compares the same way.
    if s.len() > MAX_TERM_BYTES {
        use sha1::{Digest, Sha1};
        let digest = Sha1::digest(s.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        return Str::from(format!("{}(#{hex})", fname.to_ascii_lowercase()));
    }
    Str::from(s)
}

/// Longest canonical term kept as written (see [`call_term`]).
const MAX_TERM_BYTES: usize = 16 * 1024;

/// `target.name` (`property`) or `target[index]`.
pub fn access(target: &Value, index: &Value, property: bool) -> FnResult {
    match (target, index) {
        (Value::Object(map), Value::String(k)) => map_get(map, k).cloned().ok_or_else(|| {
            functions::invalid(format!(
                "the language expression property '{k}' doesn't exist, available properties are '{}'",
                map.keys().map(|k| k.as_ref()).collect::<Vec<_>>().join(", ")
            ))
        }),
        (Value::Array(items), Value::Int(i)) => usize::try_from(*i)
            .ok()
            .and_then(|i| items.get(i))
            .cloned()
            .ok_or_else(|| {
                functions::invalid(format!(
                    "the index {i} is out of range for an array of length {}",
                    items.len()
                ))
            }),
        (Value::Unknown(u), idx) if !idx.is_unknown() => {
            let step = match idx {
                Value::String(k) if property => format!(".{k}"),
                other => format!("[{}]", other.term()),
            };
            let from_partial = match (&u.partial, idx) {
                (Some(partial), Value::String(k)) => partial.get(k),
                (Some(Value::Array(items)), Value::Int(i)) => usize::try_from(*i).ok().and_then(|i| items.get(i)),
                _ => None,
            };
            if u.partial.is_some() {
                match from_partial {
                    // An object read from a partly known value stays partly known:
                    // the runtime adds properties the template does not set.
                    Some(v @ (Value::Object(_) | Value::Array(_))) => {
                        return Ok(Value::Unknown(Arc::new(Unknown {
                            why: u.why.clone(),
                            term: u.term.as_ref().map(|t| Str::from(format!("{t}{step}"))),
                            resource: u.resource.clone(),
                            partial: Some(v.clone()),
                        })))
                    }
                    Some(v) => return Ok(v.clone()),
                    None => {}
                }
            }
            Ok(Value::Unknown(Arc::new(Unknown {
                why: u.why.clone(),
                term: u.term.as_ref().map(|t| Str::from(format!("{t}{step}"))),
                // Keep what the value is about: `listCredentials(acr).passwords[0].value`
                // still reads registry `acr`.
                resource: u.resource.clone(),
                partial: None,
            })))
        }
        (Value::Unknown(u), _) | (_, Value::Unknown(u)) => Err(FnError::Unknown(u.clone())),
        (Value::Candidates(c), idx) => {
            let mut out: Vec<Value> = Vec::new();
            for v in &c.values {
                let r = access(v, idx, property)?;
                if !out.iter().any(|o| o.term() == r.term()) {
                    out.push(r);
                }
            }
            if out.len() == 1 {
                return Ok(out.pop().unwrap_or(Value::Null));
            }
            Ok(Value::Candidates(Arc::new(Candidates {
                values: out,
                parameter: c.parameter.clone(),
            })))
        }
        (_, Value::Candidates(c)) => Err(FnError::Unknown(Arc::new(Unknown {
            why: format!("index depends on parameter '{}'", c.parameter),
            ..Default::default()
        }))),
        (Value::Null, Value::String(k)) => Err(functions::invalid(format!(
            "cannot read property '{k}' of null"
        ))),
        (t, i) => Err(functions::invalid(format!(
            "cannot index a {} with a {}",
            t.type_name(),
            i.type_name()
        ))),
    }
}
