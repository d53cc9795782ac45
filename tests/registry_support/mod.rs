//! A real OCI registry for tests: Debian's `docker-registry` (the CNCF Distribution
//! registry) started on 127.0.0.1 at a free port, with or without htpasswd basic
//! authentication, and a client that pushes Bicep modules to it with the media types
//! `bicep publish` uses. The binary is required: a missing one fails the test, naming
//! the package to install (`.ci/run` installs it).

#![allow(dead_code)]

pub mod token;

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use sha2::{Digest as _, Sha256};

pub const USER: &str = "acrlint";
pub const PASSWORD: &str = "registry-test-password";
/// `htpasswd -nbB acrlint registry-test-password` (bcrypt, as the registry requires).
const HTPASSWD: &str = "acrlint:$2y$05$8peUywWisPRiLqVmzL5ZZujegngiLKB2SmlQvKYUlBpeTkGcTrpO2\n";

/// The `service` and `issuer` of token authentication.
pub const TOKEN_SERVICE: &str = "acrlint-test-registry";
pub const TOKEN_ISSUER: &str = "acrlint-test-issuer";

pub const ARTIFACT_TYPE: &str = "application/vnd.ms.bicep.module.artifact";
pub const CONFIG_TYPE: &str = "application/vnd.ms.bicep.module.config.v1+json";
pub const LAYER_TYPE: &str = "application/vnd.ms.bicep.module.layer.v1+json";
const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

/// Proxy variables are removed from the registry's and acrlint's environment: the
/// tests talk to 127.0.0.1 only.
pub const PROXY_VARIABLES: &[&str] = &[
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// A running registry; stopped when dropped.
pub struct Registry {
    child: Option<Child>,
    /// `127.0.0.1:<port>`.
    pub addr: String,
    dir: tempfile::TempDir,
    /// The `Authorization` value the tests push with.
    push_authorization: Option<String>,
}

/// How the registry authenticates.
pub enum Auth {
    None,
    /// htpasswd basic authentication of the test user.
    Basic,
    /// Distribution token authentication: tokens from `realm`, signed by the key of
    /// the certificate in `certificate` (PEM); the tests push with `push_token`.
    Token {
        realm: String,
        certificate: PathBuf,
        push_token: String,
    },
}

/// `sha256:<hex>`.
pub fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn binary() -> PathBuf {
    let name = std::env::var_os("REGISTRY_BINARY").unwrap_or_else(|| "docker-registry".into());
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(&name))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "the registry-server tests need the CNCF Distribution registry: `apt-get install docker-registry` (or set REGISTRY_BINARY); {name:?} is not on PATH"
        )
    })
}

fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(30)))
        .build();
    ureq::Agent::new_with_config(config)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

impl Registry {
    /// Start a registry, with htpasswd basic authentication when `with_auth`.
    pub fn start(with_auth: bool) -> Registry {
        Registry::start_with(if with_auth { Auth::Basic } else { Auth::None })
    }

    /// Start a registry with the given authentication.
    pub fn start_with(auth: Auth) -> Registry {
        let bin = binary();
        // A port found free can be taken before the registry binds it: try again.
        for _ in 0..5 {
            let dir = tempfile::tempdir().expect("temp dir");
            let addr = format!("127.0.0.1:{}", free_port());
            let mut config = format!(
                "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {addr}\n  secret: acrlint-test\n",
                dir.path().join("data").display()
            );
            let push_authorization = match &auth {
                Auth::None => None,
                Auth::Basic => {
                    std::fs::write(dir.path().join("htpasswd"), HTPASSWD).expect("htpasswd");
                    config.push_str(&format!(
                        "auth:\n  htpasswd:\n    realm: acrlint-test\n    path: {}\n",
                        dir.path().join("htpasswd").display()
                    ));
                    Some(basic())
                }
                Auth::Token {
                    realm,
                    certificate,
                    push_token,
                } => {
                    config.push_str(&format!(
                        "auth:\n  token:\n    realm: {realm}\n    service: {TOKEN_SERVICE}\n    issuer: {TOKEN_ISSUER}\n    rootcertbundle: {}\n",
                        certificate.display()
                    ));
                    Some(format!("Bearer {push_token}"))
                }
            };
            let config_path = dir.path().join("config.yml");
            std::fs::write(&config_path, config).expect("config");
            let mut command = Command::new(&bin);
            command
                .arg("serve")
                .arg(&config_path)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            for v in PROXY_VARIABLES {
                command.env_remove(v);
            }
            let child = command.spawn().expect("start the registry");
            let mut registry = Registry {
                child: Some(child),
                addr,
                dir,
                push_authorization,
            };
            if registry.wait_ready() {
                return registry;
            }
            let why = registry.stop_with_output();
            eprintln!("registry did not start, trying another port: {why}");
        }
        panic!("the registry did not start on 127.0.0.1");
    }

    /// Poll `/v2/` until the registry answers (200, or 401 with authentication).
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        let agent = agent();
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(_)) = child.try_wait() {
                    return false;
                }
            }
            if let Ok(r) = agent.get(&format!("http://{}/v2/", self.addr)).call() {
                if [200, 401].contains(&r.status().as_u16()) {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    fn stop_with_output(&mut self) -> String {
        let Some(mut child) = self.child.take() else {
            return String::new();
        };
        let _ = child.kill();
        let _ = child.wait();
        let mut err = String::new();
        if let Some(mut s) = child.stderr.take() {
            let _ = s.read_to_string(&mut err);
        }
        err
    }

    /// Stop the registry (its port then refuses connections).
    pub fn stop(&mut self) {
        self.stop_with_output();
    }

    fn authorize(
        &self,
        request: ureq::RequestBuilder<ureq::typestate::WithBody>,
    ) -> ureq::RequestBuilder<ureq::typestate::WithBody> {
        match &self.push_authorization {
            Some(a) => request.header("Authorization", a),
            None => request,
        }
    }

    /// Upload a blob (POST, then PUT with the digest); returns its digest.
    pub fn push_blob(&self, repository: &str, bytes: &[u8]) -> String {
        let d = digest(bytes);
        let agent = agent();
        let start = self
            .authorize(agent.post(&format!(
                "http://{}/v2/{repository}/blobs/uploads/",
                self.addr
            )))
            .send_empty()
            .expect("start an upload");
        assert_eq!(start.status().as_u16(), 202, "upload start");
        let location = start
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .expect("upload location")
            .to_string();
        let url = if location.starts_with("http") {
            location
        } else {
            format!("http://{}{location}", self.addr)
        };
        let sep = if url.contains('?') { '&' } else { '?' };
        let put = self
            .authorize(agent.put(&format!("{url}{sep}digest={d}")))
            .header("Content-Type", "application/octet-stream")
            .send(bytes)
            .expect("upload");
        assert_eq!(put.status().as_u16(), 201, "blob upload");
        d
    }

    /// Put a manifest under a tag (or digest); returns its digest.
    pub fn push_manifest(&self, repository: &str, reference: &str, manifest: &[u8]) -> String {
        let put = self
            .authorize(agent().put(&format!(
                "http://{}/v2/{repository}/manifests/{reference}",
                self.addr
            )))
            .header("Content-Type", MANIFEST_TYPE)
            .send(manifest)
            .expect("manifest upload");
        assert_eq!(put.status().as_u16(), 201, "manifest upload");
        digest(manifest)
    }

    /// Publish a module as `bicep publish` does: config `{}`, the compiled template as
    /// the first layer. Returns the manifest and its digest.
    pub fn push_module(&self, repository: &str, tag: &str, main_json: &[u8]) -> (Vec<u8>, String) {
        self.push_artifact(repository, tag, main_json, Some(ARTIFACT_TYPE), LAYER_TYPE)
    }

    /// Publish an artifact with the given artifact and layer media types.
    pub fn push_artifact(
        &self,
        repository: &str,
        tag: &str,
        layer: &[u8],
        artifact_type: Option<&str>,
        layer_type: &str,
    ) -> (Vec<u8>, String) {
        let config = b"{}";
        let config_digest = self.push_blob(repository, config);
        let layer_digest = self.push_blob(repository, layer);
        let mut manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": MANIFEST_TYPE,
            "config": {"mediaType": CONFIG_TYPE, "digest": config_digest, "size": config.len()},
            "layers": [{
                "mediaType": layer_type,
                "digest": layer_digest,
                "size": layer.len(),
                "annotations": {"org.opencontainers.image.title": "Compiled ARM template"}
            }],
            "annotations": {"org.opencontainers.image.description": "acrlint test module"}
        });
        if let Some(t) = artifact_type {
            manifest["artifactType"] = t.into();
        }
        let bytes = serde_json::to_vec(&manifest).expect("json");
        let d = self.push_manifest(repository, tag, &bytes);
        (bytes, d)
    }

    /// Where the filesystem storage keeps a blob's bytes.
    pub fn blob_file(&self, digest: &str) -> PathBuf {
        let hex = digest.trim_start_matches("sha256:");
        self.dir
            .path()
            .join("data/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `Basic base64(user:password)` for the test user.
pub fn basic() -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    )
}

/// A Docker config.json with the test user's credentials for `addr`.
pub fn docker_config(dir: &Path, addr: &str) -> PathBuf {
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    let config = serde_json::json!({"auths": {addr: {"auth": auth}}});
    std::fs::create_dir_all(dir).expect("docker config dir");
    std::fs::write(dir.join("config.json"), config.to_string()).expect("docker config");
    dir.to_path_buf()
}

/// `(rule, level, line, column)` of the findings of a `check --format json` run, sorted.
pub fn findings(o: &Output) -> Vec<(String, String, u64, u64)> {
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let mut out: Vec<_> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["level"].as_str().unwrap_or("").to_string(),
                f["startLine"].as_u64().unwrap_or(0),
                f["startColumn"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    out.sort();
    out
}

/// A user's folder for running acrlint: a HOME of its own (holding the default cache
/// `~/.bicep`), an empty Docker configuration, no proxy variables.
pub struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        let w = Workspace {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        std::fs::create_dir_all(w.home()).expect("home");
        std::fs::create_dir_all(w.docker()).expect("docker");
        w
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    pub fn docker(&self) -> PathBuf {
        self.path().join("docker")
    }

    /// The default module cache, `~/.bicep`.
    pub fn cache(&self) -> PathBuf {
        self.home().join(".bicep")
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path().join(name);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
        p
    }

    pub fn acrlint(&self, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_acrlint"));
        c.args(args)
            .current_dir(self.path())
            .env("HOME", self.home())
            .env("DOCKER_CONFIG", self.docker())
            .env("NO_COLOR", "1");
        for v in PROXY_VARIABLES {
            c.env_remove(v);
        }
        c.output().expect("run acrlint")
    }
}
