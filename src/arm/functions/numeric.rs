//! ARM template functions: numeric.

use super::FnSpec;

pub const FUNCTIONS: &[FnSpec] = &[];
