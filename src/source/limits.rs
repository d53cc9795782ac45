//! Caps on what is read, parsed and evaluated, so that hostile or broken input stays
//! bounded. Each cap produces a clear message naming it, never a crash. The limits a
//! run may raise are [`Limits`] (the evaluator's fixed stack bounds and ARM's own
//! caps are in `arm::limits`).

use std::cell::RefCell;

/// Largest file read, unless raised.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Deepest JSON nesting the loader accepts.
pub const MAX_JSON_DEPTH: usize = 256;

/// The limits a run may raise, per checked file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub file_bytes: u64,
    /// Deepest chain of nested deployments (or Bicep modules) followed. ARM sets no
    /// depth of its own: each nested template may hold its own 800 resources.
    pub deployment_depth: usize,
    /// Evaluation steps per file (expressions, nodes and resources evaluated): the
    /// bound on time.
    pub eval_steps: u64,
    /// Value cells per file (items, members, 16 bytes of string, resources) made
    /// while evaluating: the bound on memory.
    pub value_cells: u64,
    /// Largest value one expression or variable may produce, counted in nodes as
    /// written out (a shared part counts once per use: `createArray(x, x)` doubles).
    pub value_nodes: usize,
    /// Largest string a function may produce (`padLeft`, `format`, `concat`).
    pub string_bytes: usize,
    /// Largest array a function may produce.
    pub array_items: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            file_bytes: MAX_FILE_BYTES,
            deployment_depth: 64,
            eval_steps: 20_000_000,
            value_cells: 5_000_000,
            value_nodes: 1_000_000,
            string_bytes: 4 * 1024 * 1024,
            array_items: 100_000,
        }
    }
}

/// The names `--limit` knows, with what each bounds.
pub const LIMIT_NAMES: [(&str, &str); 7] = [
    ("file-bytes", "largest file read, in bytes"),
    (
        "deployment-depth",
        "deepest chain of nested deployments or modules followed",
    ),
    ("eval-steps", "evaluation steps per file (time)"),
    (
        "value-cells",
        "values made while evaluating one file (memory)",
    ),
    (
        "value-nodes",
        "largest value of one expression or variable, in nodes",
    ),
    (
        "string-bytes",
        "largest string a function may produce, in bytes",
    ),
    ("array-items", "largest array a function may produce"),
];

impl Limits {
    /// Set one limit from `NAME=VALUE` (as `--limit` is given).
    pub fn set(&mut self, assignment: &str) -> Result<(), String> {
        let names = || {
            LIMIT_NAMES
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (name, value) = assignment
            .split_once('=')
            .ok_or_else(|| format!("`{assignment}` is not NAME=VALUE (names: {})", names()))?;
        let value: u64 = value
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|_| format!("`{value}` is not a whole number"))?;
        let size = usize::try_from(value).map_err(|_| format!("{value} is too large"))?;
        match name.trim() {
            "file-bytes" => self.file_bytes = value,
            "deployment-depth" => self.deployment_depth = size,
            "eval-steps" => self.eval_steps = value,
            "value-cells" => self.value_cells = value,
            "value-nodes" => self.value_nodes = size,
            "string-bytes" => self.string_bytes = size,
            "array-items" => self.array_items = size,
            other => return Err(format!("no limit `{other}` (names: {})", names())),
        }
        Ok(())
    }
}

/// How a limit's message ends: its name, its value and how to raise it.
pub fn raise_with(name: &str, value: impl std::fmt::Display) -> String {
    format!("(limit {name}={value}; raise it with --limit {name}=N)")
}

thread_local! {
    static CURRENT: RefCell<Limits> = RefCell::new(Limits::default());
}

/// The limits of the file being evaluated on this thread (the function library reads
/// its caps from here).
pub fn current() -> Limits {
    CURRENT.with(|c| c.borrow().clone())
}

/// The function library's caps on strings and arrays, as [`current`] holds them.
pub fn string_bytes() -> usize {
    CURRENT.with(|c| c.borrow().string_bytes)
}

pub fn array_items() -> usize {
    CURRENT.with(|c| c.borrow().array_items)
}

/// Run `f` with `limits` as this thread's current limits.
pub fn with<R>(limits: &Limits, f: impl FnOnce() -> R) -> R {
    let saved = CURRENT.with(|c| c.replace(limits.clone()));
    struct Restore(Option<Limits>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(l) = self.0.take() {
                CURRENT.with(|c| *c.borrow_mut() = l);
            }
        }
    }
    let _restore = Restore(Some(saved));
    f()
}

/// A read error, with how to raise the size limit when that is what stopped it.
pub fn with_size_limit(message: String, cap: u64) -> String {
    if message.contains("byte limit") {
        format!("{message} {}", raise_with("file-bytes", cap))
    } else {
        message
    }
}
