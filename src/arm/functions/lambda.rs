//! ARM template functions: lambda.

use super::FnSpec;

pub const FUNCTIONS: &[FnSpec] = &[];
