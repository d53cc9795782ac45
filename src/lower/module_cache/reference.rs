//! Module references as a Bicep `module` statement writes them: `br:registry/repo:tag`,
//! `br:registry/repo@sha256:…`, `br/alias:path:tag` and the template specs `ts:…`,
//! `ts/alias:…`. The grammar follows the Bicep compiler's `OciArtifactAddressComponents`
//! (repository segments, tag and digest patterns of the OCI distribution spec).

use super::config::BicepConfig;

/// Longest registry name (host and port), repository and tag the compiler accepts.
const MAX_REGISTRY_LENGTH: usize = 255;
const MAX_REPOSITORY_LENGTH: usize = 255;
pub const MAX_TAG_LENGTH: usize = 128;

/// What a module path names, once aliases are resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleReference {
    /// An OCI artifact in a container registry (`br:`).
    Oci(OciReference),
    /// A template spec (`ts:`): resolving it needs Azure.
    TemplateSpec(String),
}

/// An OCI artifact: registry (`host[:port]`), repository, and a tag or a digest.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OciReference {
    pub registry: String,
    pub repository: String,
    pub version: Version,
}

/// The tag or the digest of an [`OciReference`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    Tag(String),
    /// `sha256:<64 lower-case hex digits>`.
    Digest(String),
}

impl OciReference {
    /// A reference by tag (for tests).
    #[cfg(test)]
    pub(crate) fn tagged(registry: &str, repository: &str, tag: &str) -> OciReference {
        OciReference {
            registry: registry.into(),
            repository: repository.into(),
            version: Version::Tag(tag.into()),
        }
    }

    /// `registry/repository:tag` or `registry/repository@sha256:…`.
    pub fn artifact_id(&self) -> String {
        match &self.version {
            Version::Tag(t) => format!("{}/{}:{t}", self.registry, self.repository),
            Version::Digest(d) => format!("{}/{}@{d}", self.registry, self.repository),
        }
    }

    /// The tag or digest as it goes into a manifest URL.
    pub fn tag_or_digest(&self) -> &str {
        match &self.version {
            Version::Tag(s) | Version::Digest(s) => s,
        }
    }
}

impl std::fmt::Display for OciReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "br:{}", self.artifact_id())
    }
}

/// Whether a module path is a registry or template spec reference (rather than a
/// path to a local file).
pub fn is_external(written: &str) -> bool {
    ["br:", "br/", "ts:", "ts/"]
        .iter()
        .any(|p| written.starts_with(p))
}

/// Parse a module path written in a file whose `bicepconfig.json` is `config`.
/// `Ok(None)`: a local path. `Err`: a registry reference that is malformed or names an
/// alias the configuration does not define (the message says which).
pub fn parse(written: &str, config: &BicepConfig) -> Result<Option<ModuleReference>, String> {
    if written.starts_with("ts:") || written.starts_with("ts/") {
        return Ok(Some(ModuleReference::TemplateSpec(written.to_string())));
    }
    let unqualified = if let Some(rest) = written.strip_prefix("br:") {
        rest.to_string()
    } else if let Some(rest) = written.strip_prefix("br/") {
        let Some((alias, path)) = rest.split_once(':') else {
            return Err(format!(
                "'{written}' is not a valid module reference: expected br/<alias>:<path>:<tag>"
            ));
        };
        let target = config.oci_alias(alias).ok_or_else(|| {
            format!(
                "the module alias '{alias}' of '{written}' is not defined in {}",
                config.describe_source()
            )
        })?;
        format!("{target}/{path}")
    } else {
        return Ok(None);
    };
    parse_unqualified(&unqualified)
        .map(|r| Some(ModuleReference::Oci(r)))
        .map_err(|why| format!("'{written}' is not a valid module reference: {why}"))
}

/// `registry/seg/…/name:tag` or `registry/seg/…/name@sha256:…`.
fn parse_unqualified(s: &str) -> Result<OciReference, String> {
    let (registry, path) = s
        .split_once('/')
        .ok_or("expected <registry>/<repository>:<tag>")?;
    if registry.is_empty() || registry.len() > MAX_REGISTRY_LENGTH || !is_registry(registry) {
        return Err(format!("'{registry}' is not a registry host name"));
    }
    let (name_path, last) = match path.rsplit_once('/') {
        Some((dirs, last)) => (Some(dirs), last),
        None => (None, path),
    };
    let (name, version) = match last.find([':', '@']) {
        Some(i) => (&last[..i], Some((last.as_bytes()[i], &last[i + 1..]))),
        None => (last, None),
    };
    let mut repository = String::with_capacity(path.len());
    for segment in name_path.into_iter().flat_map(|p| p.split('/')) {
        if !is_namespace_segment(segment) {
            return Err(format!(
                "'{segment}' is not a valid repository path segment"
            ));
        }
        repository.push_str(segment);
        repository.push('/');
    }
    if !is_namespace_segment(name) {
        return Err(format!("'{name}' is not a valid repository path segment"));
    }
    repository.push_str(name);
    if repository.len() > MAX_REPOSITORY_LENGTH {
        return Err(format!(
            "the repository is longer than {MAX_REPOSITORY_LENGTH} characters"
        ));
    }
    let version = match version {
        None | Some((_, "")) => return Err("a tag or digest is missing".into()),
        Some((b':', tag)) if is_tag(tag) => Version::Tag(tag.to_string()),
        Some((b':', tag)) => return Err(format!("'{tag}' is not a valid tag")),
        Some((_, digest)) if is_digest(digest) => Version::Digest(digest.to_string()),
        Some((_, digest)) => return Err(format!("'{digest}' is not a valid sha256 digest")),
    };
    Ok(OciReference {
        registry: registry.to_string(),
        repository,
        version,
    })
}

/// A host name, IPv4 address or bracketed IPv6 address, with an optional port.
fn is_registry(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._:[]".contains(&b))
        && !s.starts_with(['.', '-', ':'])
}

/// `[a-z0-9]+([._-][a-z0-9]+)*`
fn is_namespace_segment(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && alnum(b[0])
        && alnum(b[b.len() - 1])
        && b.iter().all(|&c| alnum(c) || b"._-".contains(&c))
        && !b.windows(2).any(|w| !alnum(w[0]) && !alnum(w[1]))
}

/// `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`
fn is_tag(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_TAG_LENGTH
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || b"._-".contains(&c))
}

/// `sha256:[a-f0-9]{64}`
pub fn is_digest(s: &str) -> bool {
    s.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oci(written: &str) -> OciReference {
        match parse(written, &BicepConfig::default()) {
            Ok(Some(ModuleReference::Oci(r))) => r,
            other => panic!("{written}: {other:?}"),
        }
    }

    #[test]
    fn explicit_registry_with_tag_and_digest() {
        let r = oci("br:contoso.azurecr.io/bicep/modules/storage:v1.0");
        assert_eq!(r.registry, "contoso.azurecr.io");
        assert_eq!(r.repository, "bicep/modules/storage");
        assert_eq!(r.version, Version::Tag("v1.0".into()));
        let digest = format!("sha256:{}", "ab".repeat(32));
        let r = oci(&format!("br:127.0.0.1:5000/storage@{digest}"));
        assert_eq!(r.registry, "127.0.0.1:5000");
        assert_eq!(r.repository, "storage");
        assert_eq!(r.version, Version::Digest(digest.clone()));
        assert_eq!(r.artifact_id(), format!("127.0.0.1:5000/storage@{digest}"));
        assert_eq!(r.tag_or_digest(), digest);
    }

    #[test]
    fn public_alias_is_built_in() {
        let r = oci("br/public:avm/res/container-registry/registry:0.12.1");
        assert_eq!(r.registry, "mcr.microsoft.com");
        assert_eq!(r.repository, "bicep/avm/res/container-registry/registry");
        assert_eq!(r.version, Version::Tag("0.12.1".into()));
        assert_eq!(
            r.to_string(),
            "br:mcr.microsoft.com/bicep/avm/res/container-registry/registry:0.12.1"
        );
    }

    #[test]
    fn template_specs_and_local_paths() {
        let c = BicepConfig::default();
        assert_eq!(
            parse("ts:0000/rg/spec:1.0", &c),
            Ok(Some(ModuleReference::TemplateSpec(
                "ts:0000/rg/spec:1.0".into()
            )))
        );
        assert!(matches!(
            parse("ts/corp:spec:1.0", &c),
            Ok(Some(ModuleReference::TemplateSpec(_)))
        ));
        assert_eq!(parse("./modules/acr.bicep", &c), Ok(None));
        assert!(is_external("br/public:x:1") && !is_external("../br.bicep"));
    }

    #[test]
    fn malformed_references_say_why() {
        let c = BicepConfig::default();
        let why = |w: &str| parse(w, &c).expect_err(w);
        assert!(why("br:contoso.azurecr.io/storage").contains("tag or digest is missing"));
        assert!(why("br:contoso.azurecr.io/Storage:v1").contains("'Storage'"));
        assert!(why("br:contoso.azurecr.io/storage:").contains("missing"));
        assert!(why("br:contoso.azurecr.io/storage:-v1").contains("not a valid tag"));
        assert!(why("br:contoso.azurecr.io/storage@sha256:abc").contains("digest"));
        assert!(why("br:contoso.azurecr.io/a//b:v1").contains("''"));
        assert!(why("br:storage:v1").contains("expected <registry>"));
        assert!(why("br/nope:storage:v1").contains("alias 'nope'"));
        assert!(why(&format!("br:r.io/s:{}", "t".repeat(129))).contains("not a valid tag"));
    }

    #[test]
    fn segments_follow_the_oci_grammar() {
        for ok in ["a", "a0", "a.b", "a_b", "a-b", "a--b"] {
            // `a--b`: the distribution spec allows `-` runs; the compiler's pattern
            // takes one separator between alphanumerics.
            assert_eq!(is_namespace_segment(ok), ok != "a--b", "{ok}");
        }
        for bad in ["", "A", "-a", "a-", "a..b", "a/b"] {
            assert!(!is_namespace_segment(bad), "{bad}");
        }
    }
}
