//! Caps that keep evaluation bounded on hostile or broken input. Each cap produces a
//! clear message naming it, never a crash.

/// ARM's own cap on `copy` counts.
pub const MAX_COPY_COUNT: i64 = 800;
/// Largest string a function may produce (`padLeft`, `format`, `concat` blow-ups).
pub const MAX_STRING_BYTES: usize = 4 * 1024 * 1024;
/// Largest array a function may produce (`range` is capped at 10,000 by ARM too).
pub const MAX_ARRAY_ITEMS: usize = 100_000;
/// ARM's cap on `range` counts.
pub const MAX_RANGE_COUNT: i64 = 10_000;
/// Deepest expression nesting the parser accepts.
pub const MAX_EXPRESSION_DEPTH: usize = 128;
/// Deepest JSON nesting the loader accepts.
pub const MAX_JSON_DEPTH: usize = 256;
/// Largest file read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Deepest chain of nested deployments followed.
pub const MAX_DEPLOYMENT_DEPTH: usize = 16;
/// Most resources one file may expand to.
pub const MAX_EXPANDED_RESOURCES: usize = 50_000;
/// Most combinations tried when a function is applied to candidate sets.
pub const MAX_CANDIDATE_COMBINATIONS: usize = 64;
/// Deepest recursion through user functions and variables.
pub const MAX_CALL_DEPTH: usize = 64;
/// Largest value an expression or variable may produce, counted in nodes as written
/// out (a shared part counts once per use: `createArray(x, x)` doubles).
pub const MAX_VALUE_NODES: usize = 1_000_000;
/// Deepest value an expression or variable may produce (dropping, printing and
/// comparing values recurse through them).
pub const MAX_VALUE_DEPTH: usize = 512;
