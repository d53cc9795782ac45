//! ARM template functions: cidr.

use super::FnSpec;

pub const FUNCTIONS: &[FnSpec] = &[];
