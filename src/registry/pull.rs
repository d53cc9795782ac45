//! Pulling a Bicep module over the OCI Distribution API, as the Bicep CLI does
//! (`AzureContainerRegistryManager.PullArtifactAsync`):
//!
//! 1. `GET /v2/<repository>/manifests/<tag or digest>`; the manifest's sha256 must
//!    match the digest asked for and the `Docker-Content-Digest` the registry sent.
//! 2. The manifest must be a Bicep module: `artifactType` absent (Bicep before 0.14)
//!    or `application/vnd.ms.bicep.module.artifact`, config
//!    `application/vnd.ms.bicep.module.config.v1+json`, first layer
//!    `application/vnd.ms.bicep.module.layer.v1+json` (later layers, such as the
//!    source archive, are not needed).
//! 3. The config and the first layer are fetched and checked against their
//!    descriptors' size and digest. The layer is the module's `main.json`.
//!
//! A 401 answer is met once: `Bearer` challenges get a token from the realm
//! (anonymously, with Basic credentials or with an identity token from the Docker
//! configuration), `Basic` challenges get the configured credentials. HTTP and TLS
//! are ureq's (rustls, webpki roots, `HTTPS_PROXY`/`NO_PROXY` from the environment);
//! every request has timeouts and every body a size bound. Registries on a loopback
//! address are spoken to over plain HTTP, as Docker does by default.

use std::time::Duration;

use sha2::{Digest as _, Sha256};

use super::auth::{parse_challenge, Challenge, Credentials, DockerCredentials};
use crate::lower::module_cache::reference::{self, OciReference};

pub const MODULE_ARTIFACT_TYPE: &str = "application/vnd.ms.bicep.module.artifact";
pub const MODULE_CONFIG_TYPE: &str = "application/vnd.ms.bicep.module.config.v1+json";
pub const MODULE_LAYER_TYPE: &str = "application/vnd.ms.bicep.module.layer.v1+json";
const MANIFEST_TYPES: &str =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

/// The Distribution spec's manifest size limit.
const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
const MAX_TOKEN_BYTES: u64 = 1024 * 1024;
/// A module layer becomes a template file: the same cap as any template read.
pub const MAX_LAYER_BYTES: u64 = crate::source::limits::MAX_FILE_BYTES;

/// Why a pull failed. `Display` is one line without the module reference (the caller
/// names it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullError {
    /// 401: no credentials, or the ones configured were refused.
    Unauthorized {
        registry: String,
        had_credentials: bool,
    },
    /// 403.
    Forbidden {
        registry: String,
    },
    /// 404 for the manifest or a blob.
    NotFound {
        what: String,
    },
    /// Content whose sha256 or size is not what its descriptor or the reference says.
    DigestMismatch {
        what: String,
        expected: String,
        actual: String,
    },
    /// Not a Bicep module (or not an image manifest).
    MediaType {
        what: String,
        found: String,
        expected: String,
    },
    /// The registry could not be reached (refused, unknown host, timeout, TLS).
    Connect {
        registry: String,
        why: String,
    },
    TooLarge {
        what: String,
        limit: u64,
    },
    /// Another HTTP status.
    Status {
        what: String,
        code: u16,
    },
    /// A malformed answer.
    Invalid(String),
}

impl std::fmt::Display for PullError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PullError::Unauthorized {
                registry,
                had_credentials: false,
            } => write!(
                f,
                "{registry} requires authentication (401 Unauthorized) and the Docker config.json has no credentials for it: run `docker login {registry}` (or `az acr login`)"
            ),
            PullError::Unauthorized { registry, .. } => write!(
                f,
                "{registry} refused the credentials of the Docker config.json (401 Unauthorized)"
            ),
            PullError::Forbidden { registry } => {
                write!(f, "{registry} denied access (403 Forbidden)")
            }
            PullError::NotFound { what } => write!(f, "{what} not found in the registry (404)"),
            PullError::DigestMismatch {
                what,
                expected,
                actual,
            } => write!(
                f,
                "{what} does not match its digest (expected {expected}, got {actual}): refused, nothing written"
            ),
            PullError::MediaType {
                what,
                found,
                expected,
            } => write!(
                f,
                "not a Bicep module: {what} has media type '{found}', expected '{expected}'"
            ),
            PullError::Connect { registry, why } => write!(f, "cannot reach {registry}: {why}"),
            PullError::TooLarge { what, limit } => {
                write!(f, "{what} is larger than the {limit} byte limit")
            }
            PullError::Status { what, code } => {
                write!(f, "the registry answered HTTP {code} for {what}")
            }
            PullError::Invalid(why) => write!(f, "{why}"),
        }
    }
}

/// A pulled module, verified.
#[derive(Debug)]
pub struct Pulled {
    /// The manifest exactly as sent.
    pub manifest: Vec<u8>,
    pub manifest_digest: String,
    /// The module layer (`main.json`).
    pub main: Vec<u8>,
}

/// An HTTP client for registries, with the user's Docker credentials.
pub struct Client {
    agent: ureq::Agent,
    credentials: DockerCredentials,
}

impl Client {
    pub fn new(credentials: DockerCredentials) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(concat!("acrlint/", env!("CARGO_PKG_VERSION")))
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_recv_response(Some(Duration::from_secs(60)))
            .timeout_recv_body(Some(Duration::from_secs(300)))
            .max_redirects(5)
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            credentials,
        }
    }

    /// Fetch and verify a module's manifest, config and layer.
    pub fn pull(&self, r: &OciReference) -> Result<Pulled, PullError> {
        let mut session = Session {
            agent: &self.agent,
            reference: r,
            base: format!(
                "{}://{}/v2/{}",
                scheme(&r.registry),
                r.registry,
                r.repository
            ),
            credentials: self.credentials.for_registry(&r.registry),
            authorization: None,
        };
        let (manifest, sent_digest) = session.get(
            &format!("manifests/{}", r.tag_or_digest()),
            Some(MANIFEST_TYPES),
            MAX_MANIFEST_BYTES,
            "the manifest",
        )?;
        let manifest_digest = sha256_digest(&manifest);
        let expected = match &r.version {
            reference::Version::Digest(d) => Some(d.clone()),
            reference::Version::Tag(_) => sent_digest,
        };
        if let Some(expected) = expected.filter(|e| *e != manifest_digest) {
            return Err(PullError::DigestMismatch {
                what: "the manifest".into(),
                expected,
                actual: manifest_digest,
            });
        }
        let module = check_manifest(&manifest)?;
        let config = session.blob(&module.config, MAX_CONFIG_BYTES, "the config")?;
        drop(config);
        let main = session.blob(&module.layer, MAX_LAYER_BYTES, "the module layer")?;
        Ok(Pulled {
            manifest,
            manifest_digest,
            main,
        })
    }
}

/// Plain HTTP for registries on the loopback interface (test and mirror registries,
/// as Docker treats 127.0.0.0/8 as insecure by default); HTTPS everywhere else.
fn scheme(registry: &str) -> &'static str {
    let host = match registry.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => registry.rsplit_once(':').map_or(registry, |(h, _)| h),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        "http"
    } else {
        "https"
    }
}

/// `sha256:<hex>` of some bytes.
pub fn sha256_digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in hash {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A content descriptor the manifest points at.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Blob {
    digest: String,
    size: u64,
}

/// The blobs of a Bicep module manifest.
#[derive(Debug, PartialEq, Eq)]
struct ModuleManifest {
    config: Blob,
    layer: Blob,
}

/// Check that a manifest describes a Bicep module; its config and module layer.
fn check_manifest(bytes: &[u8]) -> Result<ModuleManifest, PullError> {
    use oci_spec::image::ImageManifest;
    let raw: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| PullError::Invalid(format!("the manifest is not JSON: {e}")))?;
    let media_type = raw.get("mediaType").and_then(|m| m.as_str());
    if let Some(m) = media_type {
        let known = [
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
        ];
        if !known.iter().any(|k| k.eq_ignore_ascii_case(m)) {
            return Err(PullError::MediaType {
                what: "the manifest".into(),
                found: m.to_string(),
                expected: known[0].into(),
            });
        }
    }
    let manifest: ImageManifest = serde_json::from_value(raw)
        .map_err(|e| PullError::Invalid(format!("the manifest is not an image manifest: {e}")))?;
    if let Some(t) = manifest.artifact_type() {
        let t = t.to_string();
        if !t.eq_ignore_ascii_case(MODULE_ARTIFACT_TYPE) {
            return Err(PullError::MediaType {
                what: "the artifact".into(),
                found: t,
                expected: MODULE_ARTIFACT_TYPE.into(),
            });
        }
    }
    let descriptor = |d: &oci_spec::image::Descriptor, what: &str, expected: &str| {
        let found = d.media_type().to_string();
        if !found.eq_ignore_ascii_case(expected) {
            return Err(PullError::MediaType {
                what: what.into(),
                found,
                expected: expected.into(),
            });
        }
        let digest = d.digest().to_string();
        if !reference::is_digest(&digest) {
            return Err(PullError::Invalid(format!(
                "{what} has digest '{digest}': only sha256 is supported"
            )));
        }
        Ok(Blob {
            digest,
            size: d.size(),
        })
    };
    let config = descriptor(manifest.config(), "the config", MODULE_CONFIG_TYPE)?;
    let first = manifest
        .layers()
        .first()
        .ok_or_else(|| PullError::Invalid("the manifest has no layer".into()))?;
    let layer = descriptor(first, "the module layer", MODULE_LAYER_TYPE)?;
    Ok(ModuleManifest { config, layer })
}

/// Requests for one repository, remembering the authorization a challenge earned.
struct Session<'a> {
    agent: &'a ureq::Agent,
    reference: &'a OciReference,
    base: String,
    credentials: Option<&'a Credentials>,
    authorization: Option<String>,
}

impl Session<'_> {
    fn connect_error(&self, e: ureq::Error) -> PullError {
        let why = match &e {
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                "connection refused".to_string()
            }
            ureq::Error::ConnectionFailed => "connection failed".to_string(),
            ureq::Error::HostNotFound => "host not found".to_string(),
            ureq::Error::Timeout(t) => format!("timed out ({t})"),
            other => other.to_string(),
        };
        PullError::Connect {
            registry: self.reference.registry.clone(),
            why,
        }
    }

    /// A blob, checked against its descriptor.
    fn blob(&mut self, blob: &Blob, cap: u64, what: &str) -> Result<Vec<u8>, PullError> {
        if blob.size > cap {
            return Err(PullError::TooLarge {
                what: what.into(),
                limit: cap,
            });
        }
        // A body longer than its descriptor says is refused before it is all read.
        let (bytes, _) = self
            .get(&format!("blobs/{}", blob.digest), None, blob.size, what)
            .map_err(|e| match e {
                PullError::TooLarge { .. } => PullError::DigestMismatch {
                    what: what.into(),
                    expected: format!("{} ({} bytes)", blob.digest, blob.size),
                    actual: format!("more than {} bytes", blob.size),
                },
                other => other,
            })?;
        let actual = sha256_digest(&bytes);
        if actual != blob.digest || bytes.len() as u64 != blob.size {
            return Err(PullError::DigestMismatch {
                what: what.into(),
                expected: format!("{} ({} bytes)", blob.digest, blob.size),
                actual: format!("{actual} ({} bytes)", bytes.len()),
            });
        }
        Ok(bytes)
    }

    /// GET `<base>/<path>`: the body (at most `cap` bytes) and the
    /// `Docker-Content-Digest` header. A 401 is answered once.
    fn get(
        &mut self,
        path: &str,
        accept: Option<&str>,
        cap: u64,
        what: &str,
    ) -> Result<(Vec<u8>, Option<String>), PullError> {
        let url = format!("{}/{path}", self.base);
        let mut challenged = false;
        loop {
            let mut request = self.agent.get(&url);
            if let Some(a) = accept {
                request = request.header("Accept", a);
            }
            if let Some(auth) = &self.authorization {
                request = request.header("Authorization", auth);
            }
            let mut response = request.call().map_err(|e| self.connect_error(e))?;
            let status = response.status().as_u16();
            match status {
                200 => {
                    let digest = header(&response, "docker-content-digest");
                    let body = read_body(&mut response, cap, what)
                        .map_err(|e| e.unwrap_or_else(|e| self.connect_error(e)))?;
                    return Ok((body, digest));
                }
                401 if !challenged => {
                    challenged = true;
                    let challenge = header(&response, "www-authenticate")
                        .as_deref()
                        .and_then(parse_challenge);
                    self.authorization = Some(self.answer(challenge)?);
                }
                _ => return Err(self.status_error(status, what)),
            }
        }
    }

    fn status_error(&self, status: u16, what: &str) -> PullError {
        let registry = self.reference.registry.clone();
        match status {
            401 => PullError::Unauthorized {
                registry,
                had_credentials: self.credentials.is_some(),
            },
            403 => PullError::Forbidden { registry },
            404 => PullError::NotFound {
                what: if what == "the manifest" {
                    format!("{} (tag or digest)", self.reference.tag_or_digest())
                } else {
                    what.to_string()
                },
            },
            code => PullError::Status {
                what: what.into(),
                code,
            },
        }
    }

    /// The `Authorization` value that answers a challenge.
    fn answer(&self, challenge: Option<Challenge>) -> Result<String, PullError> {
        let unauthorized = || PullError::Unauthorized {
            registry: self.reference.registry.clone(),
            had_credentials: self.credentials.is_some(),
        };
        match challenge {
            Some(Challenge::Basic) => self
                .credentials
                .and_then(Credentials::basic_header)
                .ok_or_else(unauthorized),
            Some(Challenge::Bearer {
                realm,
                service,
                scope,
            }) => {
                let scope = scope
                    .unwrap_or_else(|| format!("repository:{}:pull", self.reference.repository));
                self.token(&realm, service.as_deref(), &scope)
                    .map(|t| format!("Bearer {t}"))
            }
            None => Err(unauthorized()),
        }
    }

    /// A bearer token from the realm (distribution token authentication).
    fn token(&self, realm: &str, service: Option<&str>, scope: &str) -> Result<String, PullError> {
        let mut response = match self.credentials {
            Some(Credentials::IdentityToken(refresh)) => {
                let mut form = vec![
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh.as_str()),
                    ("scope", scope),
                ];
                if let Some(s) = service {
                    form.push(("service", s));
                }
                self.agent.post(realm).send_form(form)
            }
            other => {
                let mut request = self.agent.get(realm).query("scope", scope);
                if let Some(s) = service {
                    request = request.query("service", s);
                }
                if let Some(basic) = other.and_then(Credentials::basic_header) {
                    request = request.header("Authorization", basic);
                }
                request.call()
            }
        }
        .map_err(|e| self.connect_error(e))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(self.status_error(status, "the token request"));
        }
        let body = read_body(&mut response, MAX_TOKEN_BYTES, "the token")
            .map_err(|e| e.unwrap_or_else(|e| self.connect_error(e)))?;
        let json: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|_| PullError::Invalid("the token answer is not JSON".into()))?;
        ["token", "access_token"]
            .iter()
            .find_map(|k| json.get(k).and_then(|t| t.as_str()))
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .ok_or_else(|| PullError::Invalid("the token answer has no token".into()))
    }
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A body of at most `cap` bytes. `Err(Ok(_))`: too large; `Err(Err(_))`: transport.
fn read_body(
    response: &mut ureq::http::Response<ureq::Body>,
    cap: u64,
    what: &str,
) -> Result<Vec<u8>, Result<PullError, ureq::Error>> {
    // One byte past the cap tells "exactly cap" from "more".
    match response
        .body_mut()
        .with_config()
        .limit(cap + 1)
        .read_to_vec()
    {
        Ok(b) if b.len() as u64 > cap => Err(Ok(PullError::TooLarge {
            what: what.into(),
            limit: cap,
        })),
        Ok(b) => Ok(b),
        Err(ureq::Error::BodyExceedsLimit(_)) => Err(Ok(PullError::TooLarge {
            what: what.into(),
            limit: cap,
        })),
        Err(e) => Err(Err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(artifact: Option<&str>, config: &str, layer: &str) -> Vec<u8> {
        let digest = format!("sha256:{}", "a".repeat(64));
        let mut m = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": config, "digest": digest, "size": 2},
            "layers": [{"mediaType": layer, "digest": digest, "size": 10}],
        });
        if let Some(a) = artifact {
            m["artifactType"] = a.into();
        }
        serde_json::to_vec(&m).expect("json")
    }

    #[test]
    fn bicep_module_manifests_are_recognised() {
        let ok = check_manifest(&manifest(
            Some(MODULE_ARTIFACT_TYPE),
            MODULE_CONFIG_TYPE,
            MODULE_LAYER_TYPE,
        ))
        .expect("a module");
        assert_eq!(ok.layer.size, 10);
        // Bicep before 0.14 wrote no artifactType.
        assert!(check_manifest(&manifest(None, MODULE_CONFIG_TYPE, MODULE_LAYER_TYPE)).is_ok());
    }

    #[test]
    fn other_artifacts_are_refused_naming_the_media_type() {
        let err = check_manifest(&manifest(
            Some("application/vnd.cncf.helm.chart"),
            MODULE_CONFIG_TYPE,
            MODULE_LAYER_TYPE,
        ))
        .expect_err("helm");
        assert!(
            err.to_string().contains("application/vnd.cncf.helm.chart"),
            "{err}"
        );
        let err = check_manifest(&manifest(
            None,
            "application/vnd.oci.image.config.v1+json",
            "application/vnd.oci.image.layer.v1.tar+gzip",
        ))
        .expect_err("image");
        assert!(err.to_string().contains("the config"), "{err}");
        let index = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
        assert!(matches!(
            check_manifest(index),
            Err(PullError::MediaType { .. })
        ));
        assert!(matches!(check_manifest(b"[1"), Err(PullError::Invalid(_))));
    }

    #[test]
    fn loopback_registries_use_plain_http() {
        for r in [
            "127.0.0.1:5000",
            "localhost:5000",
            "[::1]:5000",
            "127.1.2.3",
        ] {
            assert_eq!(scheme(r), "http", "{r}");
        }
        for r in [
            "mcr.microsoft.com",
            "contoso.azurecr.io:443",
            "10.0.0.1:5000",
        ] {
            assert_eq!(scheme(r), "https", "{r}");
        }
    }

    #[test]
    fn digests_are_sha256_in_lower_case_hex() {
        assert_eq!(
            sha256_digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
