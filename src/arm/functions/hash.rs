//! ARM template functions: hash.

use super::FnSpec;

pub const FUNCTIONS: &[FnSpec] = &[];
