//! Reading sources: JSONC with spans, line index, file discovery.

pub mod discover;
pub mod file;
pub mod json;
pub mod line_index;
