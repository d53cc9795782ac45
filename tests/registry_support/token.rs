//! A token service for the registry's token authentication (the flow MCR and ACR use):
//! RS256 tokens signed with a key that `openssl` makes, whose self-signed certificate
//! the registry trusts, handed out by a minimal responder on 127.0.0.1 that records
//! the requests it answers. Every token grants what its request's `scope` asks.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;

use super::{TOKEN_ISSUER, TOKEN_SERVICE};

pub struct TokenService {
    /// `http://127.0.0.1:<port>/token`.
    pub realm: String,
    /// The PEM certificate the registry trusts.
    pub certificate: PathBuf,
    key: PathBuf,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    addr: String,
    _dir: tempfile::TempDir,
}

fn openssl(args: &[&str], input: Option<&[u8]>) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("the token tests need the openssl command ({e})"));
    if let Some(bytes) = input {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(bytes)
            .expect("write to openssl");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl TokenService {
    pub fn start() -> TokenService {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = dir.path().join("key.pem");
        let certificate = dir.path().join("cert.pem");
        let (k, c) = (key.display().to_string(), certificate.display().to_string());
        openssl(
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &k,
                "-out",
                &c,
                "-days",
                "1",
                "-subj",
                "/CN=acrlint-test-issuer",
                "-addext",
                "keyUsage=digitalSignature,keyCertSign",
            ],
            None,
        );
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let service = TokenService {
            realm: format!("http://{addr}/token"),
            certificate,
            key,
            requests: Arc::new(Mutex::new(Vec::new())),
            stop: Arc::new(AtomicBool::new(false)),
            addr,
            _dir: dir,
        };
        let (requests, stop) = (service.requests.clone(), service.stop.clone());
        let signer = service.signer();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(s) = stream {
                    answer(s, &requests, &signer);
                }
            }
        });
        service
    }

    fn signer(&self) -> Signer {
        let pem = std::fs::read_to_string(&self.certificate).expect("certificate");
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        Signer {
            key: self.key.clone(),
            x5c: body,
        }
    }

    /// A token for `repository` with the given actions (for the tests' own pushes).
    pub fn token(&self, repository: &str, actions: &[&str]) -> String {
        self.signer().token(repository, actions)
    }

    /// The request lines answered so far (with the `Authorization` header's scheme, if
    /// one was sent).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("requests").clone()
    }
}

impl Drop for TokenService {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(&self.addr);
    }
}

struct Signer {
    key: PathBuf,
    /// The certificate, base64 DER.
    x5c: String,
}

impl Signer {
    fn token(&self, repository: &str, actions: &[&str]) -> String {
        static JTI: AtomicU64 = AtomicU64::new(0);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let header = serde_json::json!({"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]});
        let claims = serde_json::json!({
            "iss": TOKEN_ISSUER,
            "sub": "acrlint-test",
            "aud": TOKEN_SERVICE,
            "exp": now + 3600,
            "nbf": now - 60,
            "iat": now - 60,
            "jti": format!("{now}-{}", JTI.fetch_add(1, Ordering::SeqCst)),
            "access": [{"type": "repository", "name": repository, "actions": actions}],
        });
        let input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(claims.to_string().as_bytes())
        );
        let key = self.key.display().to_string();
        let signature = openssl(&["dgst", "-sha256", "-sign", &key], Some(input.as_bytes()));
        format!("{input}.{}", b64url(&signature))
    }
}

/// Answer one request for a token with `{"token": …}` for the scope it asks.
fn answer(mut s: TcpStream, requests: &Mutex<Vec<String>>, signer: &Signer) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let line = head.lines().next().unwrap_or("").to_string();
    let authorization = head.lines().find_map(|l| {
        l.split_once(':')
            .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.trim().split(' ').next().unwrap_or("").to_string())
    });
    let target = line.split(' ').nth(1).unwrap_or("");
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let param = |name: &str| {
        query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then(|| {
                percent_encoding::percent_decode_str(&v.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            })
        })
    };
    let scope = param("scope").unwrap_or_default();
    let recorded = format!(
        "{} scope={scope} service={} authorization={}",
        target.split('?').next().unwrap_or(""),
        param("service").unwrap_or_default(),
        authorization.unwrap_or_else(|| "none".into())
    );
    requests.lock().expect("requests").push(recorded);
    // scope = repository:<name>:<actions>
    let mut parts = scope.splitn(3, ':');
    let (_, name, actions) = (
        parts.next(),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let actions: Vec<&str> = actions.split(',').filter(|a| !a.is_empty()).collect();
    let body = serde_json::json!({"token": signer.token(name, &actions)}).to_string();
    let _ = write!(
        s,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}
