//! ARM template functions: format.

pub mod number;

use super::FnSpec;

pub const FUNCTIONS: &[FnSpec] = &[];
