//! ARM template functions: format.

use super::FnSpec;

pub const FUNCTIONS: &[FnSpec] = &[];
