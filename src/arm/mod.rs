//! The template language: expressions, values, the function library and expansion.

pub mod eval;
pub mod expand;
pub mod expr;
pub mod functions;
pub mod limits;
pub mod value;
