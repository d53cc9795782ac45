//! Registry credentials and challenges: the `auths` of the Docker `config.json`
//! (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`), and the
//! `WWW-Authenticate` challenge of a 401 answer (`Bearer realm=…,service=…,scope=…`
//! as MCR and ACR send it, or `Basic realm=…` as a registry with htpasswd does).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::source::sources::Sources as _;

/// Largest Docker `config.json` read.
const MAX_DOCKER_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// How to log in to one registry.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A user name and password (or access token), sent as Basic credentials.
    Password { username: String, password: String },
    /// A refresh token (`identitytoken`, as `az acr login` writes it), exchanged at
    /// the token endpoint with the OAuth2 refresh-token grant.
    IdentityToken(String),
}

impl std::fmt::Debug for Credentials {
    /// Never prints a secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Password { username, .. } => write!(f, "Password({username}, …)"),
            Credentials::IdentityToken(_) => write!(f, "IdentityToken(…)"),
        }
    }
}

impl Credentials {
    /// The `Authorization` value for Basic authentication.
    pub fn basic_header(&self) -> Option<String> {
        match self {
            Credentials::Password { username, password } => Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
            )),
            Credentials::IdentityToken(_) => None,
        }
    }
}

/// The `auths` of a Docker configuration, by registry host (lower case, with port).
#[derive(Clone, Debug, Default)]
pub struct DockerCredentials {
    by_registry: BTreeMap<String, Credentials>,
    /// Where they were read from, for messages.
    pub source: Option<PathBuf>,
}

impl DockerCredentials {
    /// The Docker configuration of this user: `$DOCKER_CONFIG/config.json`, else
    /// `~/.docker/config.json`. A missing file means no credentials; a malformed one
    /// is an error naming it.
    pub fn from_environment() -> Result<DockerCredentials, String> {
        let dir = match std::env::var_os("DOCKER_CONFIG").filter(|v| !v.is_empty()) {
            Some(d) => PathBuf::from(d),
            None => match crate::load::home_dir() {
                Some(h) => h.join(".docker"),
                None => return Ok(DockerCredentials::default()),
            },
        };
        let path = dir.join("config.json");
        let disk = crate::load::Disk;
        if !disk.is_file(&path) {
            return Ok(DockerCredentials::default());
        }
        let bytes = disk
            .read_bytes(&path, MAX_DOCKER_CONFIG_BYTES)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let text =
            String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
        DockerCredentials::parse(&path, &text)
    }

    /// Read the `auths` object: each entry has `auth` (base64 of `user:password`),
    /// or `username` and `password`, or `identitytoken`. Keys may be URLs
    /// (`https://host/v1/`); only the host and port count.
    pub fn parse(path: &Path, text: &str) -> Result<DockerCredentials, String> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut by_registry = BTreeMap::new();
        let Some(auths) = json.get("auths").and_then(|a| a.as_object()) else {
            return Ok(DockerCredentials {
                by_registry,
                source: Some(path.to_path_buf()),
            });
        };
        for (key, entry) in auths {
            let field = |k: &str| {
                entry
                    .get(k)
                    .and_then(|v| v.as_str())
                    .filter(|s| !s.is_empty())
            };
            let credentials = if let Some(token) = field("identitytoken") {
                Credentials::IdentityToken(token.to_string())
            } else if let (Some(u), Some(p)) = (field("username"), field("password")) {
                Credentials::Password {
                    username: u.to_string(),
                    password: p.to_string(),
                }
            } else if let Some(encoded) = field("auth") {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(encoded.trim())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| {
                        format!(
                            "{}: auths.{key}.auth is not base64 of user:password",
                            path.display()
                        )
                    })?;
                let (u, p) = decoded.split_once(':').ok_or_else(|| {
                    format!(
                        "{}: auths.{key}.auth is not base64 of user:password",
                        path.display()
                    )
                })?;
                Credentials::Password {
                    username: u.to_string(),
                    password: p.to_string(),
                }
            } else {
                // Entries kept for a credential helper carry no secret here.
                continue;
            };
            by_registry.insert(registry_key(key), credentials);
        }
        Ok(DockerCredentials {
            by_registry,
            source: Some(path.to_path_buf()),
        })
    }

    /// The credentials for a registry (`host[:port]`), if any.
    pub fn for_registry(&self, registry: &str) -> Option<&Credentials> {
        self.by_registry.get(&registry_key(registry))
    }
}

/// `https://Host:443/v1/` → `host:443`.
fn registry_key(key: &str) -> String {
    let without_scheme = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    without_scheme
        .split('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// What a 401 answer asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Challenge {
    /// Get a token from `realm` (distribution token authentication).
    Bearer {
        realm: String,
        service: Option<String>,
        scope: Option<String>,
    },
    /// Send Basic credentials.
    Basic,
}

/// The first challenge acrlint can answer in a `WWW-Authenticate` value.
pub fn parse_challenge(header: &str) -> Option<Challenge> {
    let challenges = http_auth::parse_challenges(header).ok()?;
    let param = |c: &http_auth::ChallengeRef, name: &str| {
        c.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_unescaped())
    };
    for c in &challenges {
        if c.scheme.eq_ignore_ascii_case("bearer") {
            if let Some(realm) = param(c, "realm") {
                return Some(Challenge::Bearer {
                    realm,
                    service: param(c, "service"),
                    scope: param(c, "scope"),
                });
            }
        }
    }
    challenges
        .iter()
        .any(|c| c.scheme.eq_ignore_ascii_case("basic"))
        .then_some(Challenge::Basic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_challenges_as_mcr_and_acr_send_them() {
        assert_eq!(
            parse_challenge(
                r#"Bearer realm="https://mcr.microsoft.com/oauth2/token",service="mcr.microsoft.com",scope="repository:bicep/avm/res/container-registry/registry:pull""#
            ),
            Some(Challenge::Bearer {
                realm: "https://mcr.microsoft.com/oauth2/token".into(),
                service: Some("mcr.microsoft.com".into()),
                scope: Some("repository:bicep/avm/res/container-registry/registry:pull".into()),
            })
        );
        assert_eq!(
            parse_challenge(r#"Basic realm="basic-realm""#),
            Some(Challenge::Basic)
        );
        assert_eq!(
            parse_challenge(r#"Basic realm="x", Bearer realm="https://t/token""#),
            Some(Challenge::Bearer {
                realm: "https://t/token".into(),
                service: None,
                scope: None
            })
        );
        assert_eq!(parse_challenge("Negotiate"), None);
        assert_eq!(parse_challenge("Bearer realm="), None);
    }

    #[test]
    fn docker_auths_in_every_form() {
        let text = r#"{
          "auths": {
            "https://Contoso.azurecr.io/v1/": { "auth": "dXNlcjpwYTpzcw==" },
            "127.0.0.1:5000": { "username": "ci", "password": "secret" },
            "corp.azurecr.io": { "auth": "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==", "identitytoken": "refresh" },
            "helper.io": {}
          },
          "credsStore": "desktop"
        }"#;
        let c = DockerCredentials::parse(Path::new("config.json"), text).expect("parses");
        assert_eq!(
            c.for_registry("contoso.azurecr.io"),
            Some(&Credentials::Password {
                username: "user".into(),
                password: "pa:ss".into()
            })
        );
        let local = c.for_registry("127.0.0.1:5000").expect("local");
        assert_eq!(local.basic_header().as_deref(), Some("Basic Y2k6c2VjcmV0"));
        assert_eq!(
            c.for_registry("corp.azurecr.io"),
            Some(&Credentials::IdentityToken("refresh".into()))
        );
        assert_eq!(c.for_registry("helper.io"), None);
        assert_eq!(c.for_registry("127.0.0.1:5001"), None);
        assert!(!format!("{local:?}").contains("secret"));
    }

    #[test]
    fn malformed_docker_configs_name_the_file() {
        let err = |t: &str| DockerCredentials::parse(Path::new("d/config.json"), t).unwrap_err();
        assert!(err("{").starts_with("d/config.json"));
        assert!(err(r#"{"auths": {"r.io": {"auth": "!!"}}}"#).contains("auths.r.io.auth"));
    }
}
