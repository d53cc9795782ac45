//! ARM template functions: compare.

use super::FnSpec;

pub const FUNCTIONS: &[FnSpec] = &[];
