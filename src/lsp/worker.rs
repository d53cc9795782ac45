//! The checker thread: checks wait until edits pause (debounce; never longer than
//! the last check took, so cheap checks are not delayed), a document queued again
//! before its check started is checked once, and a check whose document has
//! moved on by the time it ends is dropped instead of published (its newer version
//! is queued already).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_server::{Message, Notification};
use lsp_types::{PublishDiagnosticsParams, Uri};

use super::analysis::{check_document, Checked};
use super::diagnostics::diagnostics;
use crate::check::CheckOptions;
use crate::rules::engine::Engine;
use crate::source::file::SourceText;

/// One document to check.
pub struct Job {
    pub uri: Uri,
    pub path: PathBuf,
    pub version: i32,
    /// The buffer (a byte order mark included, if any).
    pub buffer: SourceText,
    /// The other open buffers.
    pub open: Vec<(PathBuf, SourceText)>,
    pub options: Arc<CheckOptions>,
}

/// What the checker and the request handlers share.
#[derive(Default)]
pub struct Shared {
    /// The version of each open document (by URI); the checker publishes only for
    /// these versions.
    pub versions: Mutex<HashMap<String, i32>>,
    /// The last check of each open document.
    pub results: Mutex<HashMap<String, Checked>>,
    /// The pause after an edit before checking, in milliseconds.
    pub debounce_ms: AtomicU64,
}

impl Shared {
    pub fn is_current(&self, uri: &str, version: i32) -> bool {
        self.versions
            .lock()
            .is_ok_and(|v| v.get(uri) == Some(&version))
    }
}

/// Check `job` (the buffer without its byte order mark).
pub fn run_job(job: &Job, engine: &Engine) -> Checked {
    let text = match job.buffer.strip_prefix('\u{feff}') {
        Some(rest) => Arc::new(rest.to_string()),
        None => job.buffer.clone(),
    };
    check_document(
        &job.path,
        job.version,
        text,
        &job.open,
        engine,
        &job.options,
    )
}

/// Run the checker until `jobs` closes.
pub fn run(jobs: Receiver<Job>, out: Sender<Message>, shared: Arc<Shared>, engine: Arc<Engine>) {
    let mut pending: Vec<Job> = Vec::new();
    let queue = |pending: &mut Vec<Job>, job: Job| {
        pending.retain(|p| p.uri != job.uri);
        pending.push(job);
    };
    // How long the last check took: waiting longer than a check takes saves nothing.
    let mut last_check = Duration::ZERO;
    while let Ok(first) = jobs.recv() {
        queue(&mut pending, first);
        // Wait for the edits to pause.
        let pause =
            Duration::from_millis(shared.debounce_ms.load(Ordering::Relaxed)).min(last_check);
        let mut deadline = Instant::now() + pause;
        loop {
            match jobs.recv_deadline(deadline) {
                Ok(job) => {
                    queue(&mut pending, job);
                    deadline = Instant::now() + pause;
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        while !pending.is_empty() {
            let job = pending.remove(0);
            let key = job.uri.as_str().to_string();
            if !shared.is_current(&key, job.version) {
                continue;
            }
            let started = Instant::now();
            let checked = run_job(&job, &engine);
            last_check = started.elapsed();
            // Edits that came in meanwhile: a newer check of this document is queued.
            while let Ok(next) = jobs.try_recv() {
                queue(&mut pending, next);
            }
            if pending.iter().any(|p| p.uri == job.uri) {
                continue;
            }
            let bom = job.buffer.len() > checked.text.len();
            let params = PublishDiagnosticsParams {
                uri: job.uri.clone(),
                diagnostics: diagnostics(&checked, &job.uri, bom, &engine),
                version: Some(job.version),
            };
            // Held while publishing: a document closed meanwhile gets no diagnostics
            // after the empty ones its closing published.
            let Ok(versions) = shared.versions.lock() else {
                return;
            };
            if versions.get(&key) != Some(&job.version) {
                continue;
            }
            if let Ok(mut results) = shared.results.lock() {
                results.insert(key, checked);
            }
            let note = Notification::new("textDocument/publishDiagnostics".into(), params);
            let sent = out.send(note.into());
            drop(versions);
            if sent.is_err() {
                return;
            }
        }
    }
}
