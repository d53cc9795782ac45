//! Reading sources: JSONC with spans, line index, file discovery, the Bicep front-end.

pub mod bicep;
pub mod encoding;
pub mod escape;
pub mod file;
pub mod json;
pub mod limits;
pub mod line_index;
pub mod paths;
pub mod sources;

/// Shared immutable string (names, keys and string values are cloned often).
pub type Str = std::sync::Arc<str>;
