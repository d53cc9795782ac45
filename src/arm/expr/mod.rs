//! The ARM expression language: syntax tree and parser.

pub mod ast;
pub mod parser;
