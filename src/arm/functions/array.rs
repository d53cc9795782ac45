//! ARM template functions: array.

use super::FnSpec;

pub const FUNCTIONS: &[FnSpec] = &[];
