//! Type expressions in the syntax tree.

use super::{Decorator, Expr, Ident, PropertyKey, Span, StringLit, UnaryOp};

/// A type expression (parameter, output, variable, `type` and `func` types).
#[derive(Clone, Debug)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TypeKind {
    /// `string`, `int`, `object`, `myType`, ...
    Named(Ident),
    /// `sys.string`, `importedNs.myType`, `myType.property`
    Property {
        target: Box<TypeExpr>,
        name: Ident,
    },
    /// `resourceInput<'T@v'>`, `sys.resourceOutput<'T@v'>`
    Parameterized {
        target: Option<Box<TypeExpr>>,
        name: Ident,
        args: Vec<TypeExpr>,
    },
    /// `tuple[1]`
    Index {
        target: Box<TypeExpr>,
        index: Box<Expr>,
    },
    /// `array[*]`
    Items(Box<TypeExpr>),
    /// `dictionary.*`
    AdditionalProperties(Box<TypeExpr>),
    /// `T[]`
    Array(Box<TypeExpr>),
    /// `T?`
    Nullable(Box<TypeExpr>),
    /// `T!`
    NonNull(Box<TypeExpr>),
    /// `A | B | C`
    Union(Vec<TypeExpr>),
    /// `{ prop: T, *: T }`
    Object(Vec<ObjectTypeMember>),
    /// `[T1, T2]`
    Tuple(Vec<TupleTypeItem>),
    String(StringLit),
    Int(u64),
    Bool(bool),
    Null,
    /// `-10`, `!true`
    Unary {
        op: UnaryOp,
        operand: Box<TypeExpr>,
    },
    /// `(T)`
    Paren(Box<TypeExpr>),
    /// `resource 'T@v'`; the string is optional for outputs.
    Resource(Option<StringLit>),
    Error,
}

#[derive(Clone, Debug)]
pub struct ObjectTypeMember {
    pub decorators: Vec<Decorator>,
    pub key: TypeMemberKey,
    pub value: TypeExpr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TypeMemberKey {
    Name(PropertyKey),
    /// `*: T` (additional properties)
    Wildcard(Span),
}

#[derive(Clone, Debug)]
pub struct TupleTypeItem {
    pub decorators: Vec<Decorator>,
    pub value: TypeExpr,
    pub span: Span,
}
