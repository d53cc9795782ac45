//! Syntax tree of a Bicep (or `.bicepparam`) file.
//!
//! Every node carries a [`Span`]: byte offsets into the file text as given to
//! [`parse`](super::parse). The tree keeps what lowering needs (names, types,
//! decorators, bodies, string segments) and drops pure punctuation.

use crate::source::Str;

mod types;
pub use types::*;

/// Byte range `[start, end)` in the file text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub fn at(offset: u32) -> Span {
        Span::new(offset, offset)
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The covered text, or `""` when the span does not fit `text`.
    pub fn text(self, text: &str) -> &str {
        text.get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: Str,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct Program {
    pub statements: Vec<Statement>,
}

/// One top-level declaration (or a nested `resource` inside a resource body).
#[derive(Clone, Debug)]
pub struct Statement {
    pub decorators: Vec<Decorator>,
    pub kind: StatementKind,
    /// From the first decorator (or the keyword) to the end of the declaration.
    pub span: Span,
    /// The declaration keyword (`param`, `resource`, ...).
    pub keyword_span: Span,
}

impl Statement {
    /// The declared symbol, for declarations that have one.
    pub fn name(&self) -> Option<&Ident> {
        match &self.kind {
            StatementKind::Metadata { name, .. }
            | StatementKind::Param { name, .. }
            | StatementKind::Var { name, .. }
            | StatementKind::Output { name, .. }
            | StatementKind::Module { name, .. }
            | StatementKind::Test { name, .. }
            | StatementKind::Type { name, .. }
            | StatementKind::Func { name, .. }
            | StatementKind::Assert { name, .. } => Some(name),
            StatementKind::Resource(r) => Some(&r.name),
            _ => None,
        }
    }

    /// The first decorator called `name` (`sys.` prefix ignored).
    pub fn decorator(&self, name: &str) -> Option<&Decorator> {
        self.decorators.iter().find(|d| d.name() == Some(name))
    }
}

#[derive(Clone, Debug)]
pub enum StatementKind {
    /// `targetScope = 'subscription'`
    TargetScope {
        value: Expr,
    },
    /// `metadata name = value`
    Metadata {
        name: Ident,
        value: Expr,
    },
    /// `param name type = default`; in `.bicepparam` files `param name = value`
    /// (no type; the value is in `default`).
    Param {
        name: Ident,
        ty: Option<TypeExpr>,
        default: Option<Expr>,
    },
    /// `var name [type] = value`
    Var {
        name: Ident,
        ty: Option<TypeExpr>,
        value: Expr,
    },
    /// `output name type = value` (type may be `resource 'T@v'`).
    Output {
        name: Ident,
        ty: TypeExpr,
        value: Expr,
    },
    Resource(ResourceDecl),
    /// `module name 'path' = body`; `path` may be `br:`/`br/alias:`/`ts:`.
    Module {
        name: Ident,
        path: StringLit,
        body: Expr,
    },
    /// `test name 'path' = {...}` (Bicep test framework).
    Test {
        name: Ident,
        path: StringLit,
        body: Expr,
    },
    /// `type name = typeExpr`
    Type {
        name: Ident,
        value: TypeExpr,
    },
    /// `func name(a type, ...) returnType => body`
    Func {
        name: Ident,
        params: Vec<TypedParam>,
        return_type: TypeExpr,
        body: Expr,
    },
    /// `import {a, b as c} from 'x'` / `import * as ns from 'x'`
    Import {
        items: ImportItems,
        from: StringLit,
    },
    /// `extension az`, `extension 'br:...' with {...} as alias`, and the older
    /// `provider ...` / `import 'name@version' ...` spellings.
    Extension {
        keyword: ExtensionKeyword,
        spec: ExtensionSpec,
        config: Option<Expr>,
        alias: Option<Ident>,
    },
    /// `.bicepparam`: `using './main.bicep'` or `using none`.
    Using {
        target: UsingTarget,
        config: Option<Expr>,
    },
    /// `.bicepparam`: `extends './base.bicepparam'`
    Extends {
        path: StringLit,
    },
    /// `assert name = condition`
    Assert {
        name: Ident,
        value: Expr,
    },
    /// A `#disable-next-line` / `#disable-diagnostics` / `#restore-diagnostics`
    /// pragma between top-level declarations.
    Pragma(Pragma),
}

/// `resource name 'Type@version' [existing] = body`
#[derive(Clone, Debug)]
pub struct ResourceDecl {
    pub name: Ident,
    pub type_string: StringLit,
    pub existing: bool,
    /// An object, `if (cond) {...}` or `[for ...: ...]`.
    pub body: Expr,
}

/// `@expr` before a declaration, object-type property or tuple item. The
/// expression is a call (`description('x')`, `sys.secure()`) or a name.
#[derive(Clone, Debug)]
pub struct Decorator {
    pub expr: Expr,
    /// Includes the `@`.
    pub span: Span,
}

impl Decorator {
    /// The decorator's function name, without a `sys.` style namespace.
    pub fn name(&self) -> Option<&str> {
        match &self.expr.kind {
            ExprKind::Call { name, .. } | ExprKind::Var(name) => Some(&name.name),
            ExprKind::Property { name, .. } => Some(&name.name),
            _ => None,
        }
    }

    /// The call's arguments (empty for `@secure` without parentheses).
    pub fn args(&self) -> &[Expr] {
        match &self.expr.kind {
            ExprKind::Call { args, .. } => args,
            _ => &[],
        }
    }
}

/// A `func` parameter: `name type`.
#[derive(Clone, Debug)]
pub struct TypedParam {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ImportItems {
    Symbols(Vec<ImportedSymbol>),
    Wildcard { alias: Ident },
}

/// `name` or `name as alias` (the name may be a quoted string).
#[derive(Clone, Debug)]
pub struct ImportedSymbol {
    pub name: PropertyKey,
    pub alias: Option<Ident>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtensionKeyword {
    Extension,
    Provider,
    Import,
}

#[derive(Clone, Debug)]
pub enum ExtensionSpec {
    Name(Ident),
    Path(StringLit),
}

#[derive(Clone, Debug)]
pub enum UsingTarget {
    Path(StringLit),
    /// `using none`
    None(Span),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PragmaKind {
    /// `#disable-next-line codes...`: applies to the next line.
    DisableNextLine,
    /// `#disable-diagnostics codes...`: until `#restore-diagnostics` or the end.
    DisableDiagnostics,
    /// `#restore-diagnostics codes...`
    RestoreDiagnostics,
}

#[derive(Clone, Debug)]
pub struct Pragma {
    pub kind: PragmaKind,
    pub codes: Vec<Ident>,
    /// From `#` to the last code.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `// ...` (the span excludes the line break)
    Line,
    /// `/* ... */`
    Block,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    pub kind: CommentKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    /// The property `key` of an object literal (the last one when written twice,
    /// as ARM keeps the last). `None` for other expressions or a missing key.
    pub fn property(&self, key: &str) -> Option<&Property> {
        match &self.kind {
            ExprKind::Object(items) => items.iter().rev().find_map(|item| match item {
                ObjectItem::Property(p) if p.key.literal() == Some(key) => Some(p),
                _ => None,
            }),
            _ => None,
        }
    }

    /// [`Expr::property`] with the key compared as ARM compares property names,
    /// ignoring ASCII case.
    pub fn property_ignore_case(&self, key: &str) -> Option<&Property> {
        match &self.kind {
            ExprKind::Object(items) => items.iter().rev().find_map(|item| match item {
                ObjectItem::Property(p)
                    if p.key.literal().is_some_and(|k| k.eq_ignore_ascii_case(key)) =>
                {
                    Some(p)
                }
                _ => None,
            }),
            _ => None,
        }
    }

    /// Call `f` on this expression and every sub-expression (object values, array
    /// items, string holes, arguments, loop parts, nested resource bodies excluded).
    pub fn walk<'e>(&'e self, f: &mut dyn FnMut(&'e Expr)) {
        f(self);
        match &self.kind {
            ExprKind::String(s) => {
                for seg in &s.segments {
                    if let StringSegment::Expr(x) = seg {
                        x.walk(f);
                    }
                }
            }
            ExprKind::Array(items) => {
                for i in items {
                    match i {
                        ArrayItem::Value(v) | ArrayItem::Spread { expr: v, .. } => v.walk(f),
                    }
                }
            }
            ExprKind::Object(items) => {
                for i in items {
                    match i {
                        ObjectItem::Property(p) => {
                            if let PropertyKey::String(s) = &p.key {
                                for seg in &s.segments {
                                    if let StringSegment::Expr(x) = seg {
                                        x.walk(f);
                                    }
                                }
                            }
                            p.value.walk(f)
                        }
                        ObjectItem::Spread { expr, .. } => expr.walk(f),
                        ObjectItem::Resource(_) => {}
                    }
                }
            }
            ExprKind::Call { target, args, .. } => {
                if let Some(t) = target {
                    t.walk(f);
                }
                for a in args {
                    a.walk(f);
                }
            }
            ExprKind::Property { target, .. } | ExprKind::ResourceAccess { target, .. } => {
                target.walk(f)
            }
            ExprKind::Index { target, index, .. } => {
                target.walk(f);
                index.walk(f);
            }
            ExprKind::NonNull(x) | ExprKind::Paren(x) => x.walk(f),
            ExprKind::Unary { operand, .. } => operand.walk(f),
            ExprKind::Binary { left, right, .. } => {
                left.walk(f);
                right.walk(f);
            }
            ExprKind::Ternary {
                condition,
                then,
                otherwise,
            } => {
                condition.walk(f);
                then.walk(f);
                otherwise.walk(f);
            }
            ExprKind::Lambda { body, .. } => body.walk(f),
            ExprKind::For(fe) => {
                fe.iterable.walk(f);
                fe.body.walk(f);
            }
            ExprKind::If { condition, body } => {
                condition.walk(f);
                body.walk(f);
            }
            ExprKind::Int(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Var(_)
            | ExprKind::Error => {}
        }
    }

    /// The value of a string literal without interpolation.
    pub fn as_literal_string(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::String(s) => s.as_literal(),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    String(StringLit),
    /// Bicep has only integers; a minus sign is a [`UnaryOp::Minus`].
    Int(u64),
    Bool(bool),
    Null,
    Array(Vec<ArrayItem>),
    Object(Vec<ObjectItem>),
    /// A name: variable, parameter, resource, module, loop variable, namespace.
    Var(Ident),
    /// `name(args)`, `ns.name(args)` or `resource.name(args)`: `target` is the
    /// expression before the dot (a namespace such as `az`/`sys` or an instance).
    Call {
        target: Option<Box<Expr>>,
        name: Ident,
        args: Vec<Expr>,
    },
    /// `target.name`, or `target.?name` when `safe`.
    Property {
        target: Box<Expr>,
        name: Ident,
        safe: bool,
    },
    /// `target[index]`, `target[?index]` (`safe`), `target[^index]` (`from_end`).
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
        safe: bool,
        from_end: bool,
    },
    /// `parent::child`
    ResourceAccess {
        target: Box<Expr>,
        name: Ident,
    },
    /// Postfix `expr!`
    NonNull(Box<Expr>),
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `condition ? then : otherwise`
    Ternary {
        condition: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `x => body`, `(x, y) => body`, `() => body`
    Lambda {
        params: Vec<Ident>,
        body: Box<Expr>,
    },
    /// `(expr)`
    Paren(Box<Expr>),
    /// `[for item in iterable: body]` / `[for (item, index) in iterable: body]`
    For(Box<ForExpr>),
    /// `if (condition) {...}`: a conditional resource/module body.
    If {
        condition: Box<Expr>,
        body: Box<Expr>,
    },
    /// What could not be parsed (a diagnostic was reported).
    Error,
}

#[derive(Clone, Debug)]
pub struct ForExpr {
    pub item: Ident,
    pub index: Option<Ident>,
    pub iterable: Expr,
    /// Any expression; in resource/module bodies an object or an [`ExprKind::If`]
    /// (a filtered loop).
    pub body: Expr,
}

#[derive(Clone, Debug)]
pub enum ArrayItem {
    Value(Expr),
    /// `...expr`; `span` includes the `...`.
    Spread {
        expr: Expr,
        span: Span,
    },
}

#[derive(Clone, Debug)]
pub enum ObjectItem {
    Property(Property),
    /// `...expr`; `span` includes the `...`.
    Spread {
        expr: Expr,
        span: Span,
    },
    /// A nested `resource` declaration (only in resource bodies); its kind is
    /// always [`StatementKind::Resource`].
    Resource(Box<Statement>),
}

#[derive(Clone, Debug)]
pub struct Property {
    pub key: PropertyKey,
    pub value: Expr,
    pub span: Span,
}

/// An object key or imported symbol: a bare name or a quoted string.
#[derive(Clone, Debug)]
pub enum PropertyKey {
    Ident(Ident),
    String(StringLit),
}

impl PropertyKey {
    /// The key's text when it is known without evaluation.
    pub fn literal(&self) -> Option<&str> {
        match self {
            PropertyKey::Ident(i) => Some(&i.name),
            PropertyKey::String(s) => s.as_literal(),
        }
    }

    pub fn span(&self) -> Span {
        match self {
            PropertyKey::Ident(i) => i.span,
            PropertyKey::String(s) => s.span,
        }
    }
}

/// A string literal as segments, in order. A string without interpolation has
/// exactly one `Text` segment (possibly empty); an interpolated string keeps only
/// non-empty `Text` segments between its `Expr` holes.
#[derive(Clone, Debug)]
pub struct StringLit {
    pub segments: Vec<StringSegment>,
    /// Written with `'''` (no escapes; interpolation only with a `$` prefix).
    pub multiline: bool,
    pub span: Span,
}

impl StringLit {
    /// The value of a string without interpolation.
    pub fn as_literal(&self) -> Option<&str> {
        match self.segments.as_slice() {
            [StringSegment::Text { value, .. }] => Some(value),
            [] => Some(""),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub enum StringSegment {
    /// Unescaped text; `span` is the raw source text of the segment.
    Text { value: Str, span: Span },
    /// An interpolation hole `${expr}`.
    Expr(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!x`
    Not,
    /// `-x`
    Minus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Equals,
    NotEquals,
    /// `=~` (case-insensitive)
    EqualsInsensitive,
    /// `!~` (case-insensitive)
    NotEqualsInsensitive,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    /// `??`
    Coalesce,
}

impl BinaryOp {
    /// Binding strength as Bicep defines it; all operators are left-associative.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Multiply | BinaryOp::Divide | BinaryOp::Modulo => 100,
            BinaryOp::Add | BinaryOp::Subtract => 90,
            BinaryOp::Less
            | BinaryOp::LessOrEqual
            | BinaryOp::Greater
            | BinaryOp::GreaterOrEqual => 80,
            BinaryOp::Equals
            | BinaryOp::NotEquals
            | BinaryOp::EqualsInsensitive
            | BinaryOp::NotEqualsInsensitive => 70,
            BinaryOp::And => 50,
            BinaryOp::Or => 40,
            BinaryOp::Coalesce => 30,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Equals => "==",
            BinaryOp::NotEquals => "!=",
            BinaryOp::EqualsInsensitive => "=~",
            BinaryOp::NotEqualsInsensitive => "!~",
            BinaryOp::Less => "<",
            BinaryOp::LessOrEqual => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterOrEqual => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Modulo => "%",
            BinaryOp::Coalesce => "??",
        }
    }
}
