//! ARM template functions: string.

use super::FnSpec;

pub const FUNCTIONS: &[FnSpec] = &[];
