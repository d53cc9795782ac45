//! Caps on what is read and parsed, so that hostile or broken input stays bounded.
//! Each cap produces a clear message naming it, never a crash. (Evaluation has its
//! own caps, in `arm::limits`.)

/// Largest file read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Deepest JSON nesting the loader accepts.
pub const MAX_JSON_DEPTH: usize = 256;
