//! `acrlint lsp`: a Language Server over stdio. It shows `check`'s findings on the
//! editor's buffers as the author types (open buffers are laid over the disk, so an
//! unsaved module or parameter file counts), offers the fix engine's repairs and a
//! suppression comment as quick fixes, the rule's documentation on hover, and the
//! compliant registry starter in an empty template.
//!
//! The main thread reads the protocol and answers requests; a checker thread
//! ([`worker`]) checks documents after edits pause and publishes their diagnostics.

mod actions;
mod analysis;
mod diagnostics;
mod document;
mod hover;
mod settings;
mod worker;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification, request, CodeActionKind, CodeActionOptions, CodeActionParams,
    CodeActionProviderCapability, DidChangeConfigurationParams, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileSystemWatcher, GlobPattern, HoverParams, HoverProviderCapability, InitializeParams,
    PositionEncodingKind, PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};

use crate::check::CheckOptions;
use crate::load::Disk;
use crate::rules::engine::Engine;
use crate::source::file::SourceText;
use crate::source::sources::Sources;

use analysis::Checked;
use document::{path_of, Document};
use settings::Settings;
use worker::{Job, Shared};

/// Serve the protocol on stdin and stdout until the editor says `exit`.
pub fn run_stdio(engine: Engine) -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection, engine)?;
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())
}

/// Serve the protocol on `connection`.
pub fn serve(connection: &Connection, engine: Engine) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo {
            name: "acrlint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let settings = params
        .initialization_options
        .as_ref()
        .map(Settings::from_json)
        .unwrap_or_default();
    let shared = Arc::new(Shared::default());
    let engine = Arc::new(engine);
    let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
    let checker = {
        let (out, shared, engine) = (connection.sender.clone(), shared.clone(), engine.clone());
        std::thread::spawn(move || worker::run(queue, out, shared, engine))
    };
    let mut server = Server {
        out: connection.sender.clone(),
        docs: HashMap::new(),
        shared,
        engine,
        options: Arc::new(CheckOptions::default()),
        settings: Settings::default(),
        jobs,
    };
    server.configure(settings);
    if watches_files_dynamically(&params) {
        server.register_file_watchers();
    }
    let result = server.main_loop(connection);
    drop(server);
    let _ = checker.join();
    result
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                actions::fix_all_kind(),
                actions::starter_kind(),
            ]),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..Default::default()
    }
}

fn watches_files_dynamically(params: &InitializeParams) -> bool {
    params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files)
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
}

/// Configuration files: a change to one re-checks every open document.
fn is_configuration(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n == "acrlint.json" || n == "bicepconfig.json")
}

struct Server {
    out: crossbeam_channel::Sender<Message>,
    /// Open documents by URI.
    docs: HashMap<String, Document>,
    shared: Arc<Shared>,
    engine: Arc<Engine>,
    options: Arc<CheckOptions>,
    settings: Settings,
    jobs: crossbeam_channel::Sender<Job>,
}

impl Server {
    fn main_loop(&mut self, connection: &Connection) -> Result<(), String> {
        for message in &connection.receiver {
            match message {
                Message::Request(req) => {
                    if connection
                        .handle_shutdown(&req)
                        .map_err(|e| e.to_string())?
                    {
                        return Ok(());
                    }
                    self.request(req);
                }
                Message::Notification(n) if n.method == notification::Exit::METHOD => {
                    return Err("exit without shutdown".into());
                }
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
        Ok(())
    }

    fn send(&self, message: impl Into<Message>) {
        // The editor went away: the main loop ends when its input does.
        let _ = self.out.send(message.into());
    }

    /// Apply settings (initialization options or `didChangeConfiguration`); a fresh
    /// configuration lookup, so an edited `acrlint.json` is read again.
    fn configure(&mut self, settings: Settings) {
        match settings.check_options(self.engine.ids()) {
            Ok(options) => self.options = Arc::new(options),
            Err(e) => self.show_error(&e),
        }
        self.shared
            .debounce_ms
            .store(settings.debounce_ms, Ordering::Relaxed);
        self.settings = settings;
    }

    fn show_error(&self, message: &str) {
        let params = lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message: format!("acrlint: {message}"),
        };
        self.send(Notification::new(
            notification::ShowMessage::METHOD.into(),
            params,
        ));
    }

    fn register_file_watchers(&self) {
        let watchers = ["**/*.{json,jsonc,bicep,bicepparam}"]
            .iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let registration = Registration {
            id: "acrlint-watched-files".into(),
            method: notification::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        self.send(Request::new(
            "acrlint/register-watchers".to_string().into(),
            request::RegisterCapability::METHOD.into(),
            RegistrationParams {
                registrations: vec![registration],
            },
        ));
    }

    fn request(&mut self, req: Request) {
        let response = match req.method.as_str() {
            request::CodeActionRequest::METHOD => {
                match serde_json::from_value::<CodeActionParams>(req.params) {
                    Ok(p) => Response::new_ok(req.id, self.code_actions(p)),
                    Err(e) => invalid(req.id, e),
                }
            }
            request::HoverRequest::METHOD => {
                match serde_json::from_value::<HoverParams>(req.params) {
                    Ok(p) => Response::new_ok(req.id, self.hover(p)),
                    Err(e) => invalid(req.id, e),
                }
            }
            _ => Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("acrlint does not handle {}", req.method),
            ),
        };
        self.send(response);
    }

    fn notification(&mut self, n: Notification) {
        fn params<P: serde::de::DeserializeOwned>(value: serde_json::Value) -> Option<P> {
            serde_json::from_value(value).ok()
        }
        let Notification {
            method,
            params: value,
        } = n;
        match method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                if let Some(p) = params::<DidOpenTextDocumentParams>(value) {
                    self.did_open(p);
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                if let Some(p) = params::<DidChangeTextDocumentParams>(value) {
                    self.did_change(p);
                }
            }
            notification::DidSaveTextDocument::METHOD => {
                if let Some(p) = params::<DidSaveTextDocumentParams>(value) {
                    if path_of(&p.text_document.uri).is_some_and(|p| is_configuration(&p)) {
                        self.configure(self.settings.clone());
                        self.recheck_all();
                    }
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                if let Some(p) = params::<DidCloseTextDocumentParams>(value) {
                    self.did_close(p.text_document.uri);
                }
            }
            notification::DidChangeWatchedFiles::METHOD => {
                if let Some(p) = params::<DidChangeWatchedFilesParams>(value) {
                    self.files_changed(p);
                }
            }
            notification::DidChangeConfiguration::METHOD => {
                if let Some(p) = params::<DidChangeConfigurationParams>(value) {
                    let settings = Settings::from_json(&p.settings);
                    self.configure(settings);
                    self.recheck_all();
                }
            }
            _ => {}
        }
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) {
        let uri = p.text_document.uri;
        let Some(path) = path_of(&uri) else { return };
        let doc = Document {
            uri: uri.clone(),
            path: path.clone(),
            version: p.text_document.version,
            text: Arc::new(p.text_document.text),
        };
        self.set_version(&doc);
        self.docs.insert(uri.as_str().to_string(), doc);
        self.schedule(uri.as_str());
        self.recheck_dependants(&path);
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let key = p.text_document.uri.as_str().to_string();
        let Some(doc) = self.docs.get_mut(&key) else {
            return;
        };
        doc.apply_changes(p.content_changes);
        doc.version = p.text_document.version;
        let (doc, path) = (doc.clone(), doc.path.clone());
        self.set_version(&doc);
        self.schedule(&key);
        self.recheck_dependants(&path);
    }

    fn did_close(&mut self, uri: Uri) {
        let key = uri.as_str().to_string();
        let Some(doc) = self.docs.remove(&key) else {
            return;
        };
        {
            let versions = self.shared.versions.lock();
            if let Ok(mut versions) = versions {
                versions.remove(&key);
            }
            if let Ok(mut results) = self.shared.results.lock() {
                results.remove(&key);
            }
            self.send(Notification::new(
                notification::PublishDiagnostics::METHOD.into(),
                PublishDiagnosticsParams {
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                },
            ));
        }
        // Its dependants read it from disk now.
        self.recheck_dependants(&doc.path);
    }

    fn files_changed(&mut self, p: DidChangeWatchedFilesParams) {
        let paths: Vec<PathBuf> = p.changes.iter().filter_map(|c| path_of(&c.uri)).collect();
        if paths.iter().any(|p| is_configuration(p)) {
            self.configure(self.settings.clone());
            self.recheck_all();
            return;
        }
        for path in paths {
            self.recheck_dependants(&path);
        }
    }

    fn set_version(&self, doc: &Document) {
        if let Ok(mut versions) = self.shared.versions.lock() {
            versions.insert(doc.uri.as_str().to_string(), doc.version);
        }
    }

    /// The other open buffers, for a check of `key`.
    fn open_buffers(&self, key: &str) -> Vec<(PathBuf, SourceText)> {
        self.docs
            .iter()
            .filter(|(k, _)| k.as_str() != key)
            .map(|(_, d)| (d.path.clone(), d.checked_text()))
            .collect()
    }

    fn job(&self, key: &str) -> Option<Job> {
        let doc = self.docs.get(key)?;
        Some(Job {
            uri: doc.uri.clone(),
            path: doc.path.clone(),
            version: doc.version,
            buffer: doc.text.clone(),
            open: self.open_buffers(key),
            options: self.options.clone(),
        })
    }

    fn schedule(&self, key: &str) {
        if let Some(job) = self.job(key) {
            let _ = self.jobs.send(job);
        }
    }

    fn recheck_all(&self) {
        for key in self.docs.keys() {
            self.schedule(key);
        }
    }

    /// Re-check the open documents whose last check read `path` (a module, a
    /// parameter file, a loaded file), other than `path` itself.
    fn recheck_dependants(&self, path: &Path) {
        let changed = Disk.canonical(path);
        let dependants: Vec<String> = match self.shared.results.lock() {
            Ok(results) => results
                .iter()
                .filter(|(k, c)| {
                    c.reads.contains(&changed) && self.docs.get(*k).is_some_and(|d| d.path != path)
                })
                .map(|(k, _)| k.clone())
                .collect(),
            Err(_) => return,
        };
        for key in dependants {
            self.schedule(&key);
        }
    }

    /// The check of the document's current version: the checker's, or done now when
    /// it has not caught up.
    fn checked(&self, key: &str) -> Option<Checked> {
        let doc = self.docs.get(key)?;
        if let Ok(results) = self.shared.results.lock() {
            if let Some(c) = results.get(key).filter(|c| c.version == doc.version) {
                return Some(c.clone());
            }
        }
        Some(worker::run_job(&self.job(key)?, &self.engine))
    }

    fn code_actions(&self, p: CodeActionParams) -> Vec<lsp_types::CodeActionOrCommand> {
        let key = p.text_document.uri.as_str();
        let (Some(doc), Some(checked)) = (self.docs.get(key), self.checked(key)) else {
            return Vec::new();
        };
        let open = self.open_buffers(key);
        let cx = actions::Context {
            doc,
            checked: &checked,
            open: &open,
            engine: &self.engine,
            options: &self.options,
        };
        actions::code_actions(&cx, p.range, p.context.only.as_deref())
    }

    fn hover(&self, p: HoverParams) -> Option<lsp_types::Hover> {
        let position = p.text_document_position_params;
        let key = position.text_document.uri.as_str();
        let doc = self.docs.get(key)?;
        let checked = self.checked(key)?;
        let bom = doc.text.len() > checked.text.len();
        hover::hover(&checked, position.position, bom, &self.engine)
    }
}

fn invalid(id: lsp_server::RequestId, e: serde_json::Error) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string())
}
