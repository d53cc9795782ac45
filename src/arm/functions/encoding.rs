//! ARM template functions: encoding.

use super::FnSpec;

pub const FUNCTIONS: &[FnSpec] = &[];
