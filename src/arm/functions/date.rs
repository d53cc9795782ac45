//! ARM template functions: date.

use super::FnSpec;

pub const FUNCTIONS: &[FnSpec] = &[];
