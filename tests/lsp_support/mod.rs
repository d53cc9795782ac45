//! A minimal editor for the Language Server tests: it starts `acrlint lsp`, speaks
//! JSON-RPC over its stdio, and waits for what the server publishes.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::BufReader;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};
use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

/// How long any answer may take before the test fails (checks of a large template
/// on a busy machine take seconds).
const PATIENCE: Duration = Duration::from_secs(60);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Message>,
    /// Notifications read while waiting for something else.
    backlog: VecDeque<Notification>,
    next_id: i32,
}

impl Client {
    /// Start the server and initialize it for the workspace at `root`.
    pub fn start(root: &Path) -> Client {
        Client::start_with(root, json!({"debounceMs": 5}))
    }

    pub fn start_with(root: &Path, options: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_acrlint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start acrlint lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = crossbeam_channel::unbounded();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Ok(Some(message)) = Message::read(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            backlog: VecDeque::new(),
            next_id: 0,
        };
        let root_uri = format!("file://{}", root.display());
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": {
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                    "textDocument": {"publishDiagnostics": {"relatedInformation": true}}
                },
                "initializationOptions": options,
            }),
        );
        assert_eq!(
            result["capabilities"]["textDocumentSync"]["change"], 2,
            "incremental sync: {result}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Message) {
        message
            .write(&mut self.stdin)
            .expect("write to acrlint lsp");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(Notification::new(method.into(), params).into());
    }

    fn receive(&mut self) -> Message {
        match self.incoming.recv_timeout(PATIENCE) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => panic!("acrlint lsp said nothing for {PATIENCE:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("acrlint lsp closed its output"),
        }
    }

    /// Handle what the server asks of the editor (it registers file watchers).
    fn answer(&mut self, req: Request) {
        self.send(Response::new_ok(req.id, Value::Null).into());
    }

    /// Send a request and wait for its result (a failed request fails the test).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.into(), params).into());
        loop {
            match self.receive() {
                Message::Response(r) if r.id == id => {
                    if let Some(e) = r.error {
                        panic!("{method} failed: {} {}", e.code, e.message);
                    }
                    return r.result.unwrap_or(Value::Null);
                }
                Message::Response(_) => {}
                Message::Request(req) => self.answer(req),
                Message::Notification(n) => self.backlog.push_back(n),
            }
        }
    }

    pub fn open(&mut self, path: &Path, language: &str, text: &str) -> String {
        let uri = format!("file://{}", path.display());
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        uri
    }

    pub fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    pub fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }

    /// The next diagnostics published for `uri` that match `wanted`.
    fn diagnostics_where(&mut self, uri: &str, wanted: impl Fn(&Value) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(i) = self.backlog.iter().position(|n| {
                n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == uri
                    && wanted(&n.params)
            }) {
                let n = self.backlog.remove(i).unwrap();
                // Older diagnostics of the same document are stale now.
                self.backlog.retain(|m| m.params["uri"] != uri);
                return n.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            assert!(
                Instant::now() < deadline,
                "no diagnostics for {uri} in {PATIENCE:?}"
            );
            match self.receive() {
                Message::Notification(n) => self.backlog.push_back(n),
                Message::Request(req) => self.answer(req),
                Message::Response(_) => {}
            }
        }
    }

    /// The diagnostics published for version `version` of `uri`.
    pub fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Value> {
        self.diagnostics_where(uri, |p| p["version"] == version)
    }

    /// The next diagnostics published for `uri`, whatever the version.
    pub fn diagnostics_any_version(&mut self, uri: &str) -> Vec<Value> {
        self.diagnostics_where(uri, |_| true)
    }

    /// The last diagnostics published for `uri` once the server has been quiet for
    /// a while (every re-check it queued has ended).
    pub fn settled_diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            match self.incoming.recv_timeout(Duration::from_millis(1500)) {
                Ok(Message::Notification(n)) => self.backlog.push_back(n),
                Ok(Message::Request(req)) => self.answer(req),
                Ok(Message::Response(_)) => {}
                Err(_) => break,
            }
        }
        let last = self
            .backlog
            .iter()
            .rposition(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
            .unwrap_or_else(|| panic!("no diagnostics for {uri}"));
        let n = self.backlog.remove(last).unwrap();
        self.backlog.retain(|m| m.params["uri"] != uri);
        n.params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn code_actions(&mut self, uri: &str, range: &Value) -> Vec<Value> {
        let result = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
        );
        result.as_array().cloned().unwrap_or_default()
    }

    /// `shutdown`, `exit`, and the server ends with status 0.
    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for acrlint lsp") {
                assert!(status.success(), "acrlint lsp exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "acrlint lsp did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Apply the protocol's text edits (ranges into `text`, ASCII positions) to `text`.
pub fn apply_edits(text: &str, edits: &Value) -> String {
    let offset = |p: &Value| {
        let (line, character) = (
            p["line"].as_u64().unwrap(),
            p["character"].as_u64().unwrap(),
        );
        let mut start = 0usize;
        for _ in 0..line {
            start += text[start..]
                .find('\n')
                .map_or(text.len() - start, |i| i + 1);
        }
        start + character as usize
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .as_array()
        .expect("text edits")
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // From the end, so earlier offsets stay valid; equal starts keep their order.
    edits.sort_by_key(|(start, end, _)| (*start, *end));
    let mut out = text.to_string();
    for (start, end, new) in edits.into_iter().rev() {
        out.replace_range(start..end, &new);
    }
    out
}
