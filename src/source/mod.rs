//! Reading sources: JSONC with spans, line index, file discovery, the Bicep front-end.

pub mod bicep;
pub mod discover;
pub mod encoding;
pub mod file;
pub mod json;
pub mod line_index;
pub mod write;
