//! ARM template functions: object.

use super::FnSpec;

pub const FUNCTIONS: &[FnSpec] = &[];
