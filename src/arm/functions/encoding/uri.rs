//! `uri(baseUri, relativeUri)`: RFC 3986 §5 reference resolution, then the
//! normalisation .NET's `Uri.AbsoluteUri` applies (lower-case scheme and host, default
//! port dropped, `/` for an empty http path, unsafe characters percent-encoded).

/// A URI reference split into its five components.
#[derive(Debug, Default, Clone)]
struct Parts {
    scheme: Option<String>,
    authority: Option<String>,
    path: String,
    query: Option<String>,
    fragment: Option<String>,
}

/// Schemes whose URIs .NET treats as hierarchical "server" URIs with known defaults.
fn default_port(scheme: &str) -> Option<&'static str> {
    match scheme {
        "http" | "ws" => Some("80"),
        "https" | "wss" => Some("443"),
        "ftp" => Some("21"),
        _ => None,
    }
}

fn is_special(scheme: &str) -> bool {
    default_port(scheme).is_some() || scheme == "file"
}

/// `scheme:` at the start of a reference, if any.
fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let colon = s.find(':')?;
    let scheme = &s[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| (scheme, &s[colon + 1..]))
}

fn parse(reference: &str) -> Parts {
    let mut parts = Parts::default();
    let (rest, fragment) = match reference.split_once('#') {
        Some((r, f)) => (r, Some(f.to_string())),
        None => (reference, None),
    };
    parts.fragment = fragment;
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q.to_string())),
        None => (rest, None),
    };
    parts.query = query;
    let rest = match split_scheme(rest) {
        Some((scheme, rest)) => {
            parts.scheme = Some(scheme.to_ascii_lowercase());
            rest
        }
        None => rest,
    };
    let special = parts.scheme.as_deref().is_none_or(is_special);
    // .NET reads `\` as `/` in http-like URIs (and in relative references to them).
    let rest = if special {
        rest.replace('\\', "/")
    } else {
        rest.to_string()
    };
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find('/').unwrap_or(after.len());
        parts.authority = Some(after[..end].to_string());
        parts.path = after[end..].to_string();
    } else {
        parts.path = rest;
    }
    parts
}

/// RFC 3986 §5.2.4: resolve `.` and `..` segments.
fn remove_dot_segments(path: &str) -> String {
    fn pop_segment(out: &mut String) {
        match out.rfind('/') {
            Some(i) => out.truncate(i),
            None => out.clear(),
        }
    }
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("../") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else if rest.starts_with("/./") {
            rest = &rest[2..];
        } else if rest == "/." {
            rest = "/";
        } else if rest.starts_with("/../") {
            rest = &rest[3..];
            pop_segment(&mut out);
        } else if rest == "/.." {
            rest = "/";
            pop_segment(&mut out);
        } else if rest == "." || rest == ".." {
            break;
        } else {
            let skip = usize::from(rest.starts_with('/'));
            let end = rest[skip..].find('/').map_or(rest.len(), |i| i + skip);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

fn merge(base: &Parts, relative_path: &str) -> String {
    if base.authority.is_some() && base.path.is_empty() {
        return format!("/{relative_path}");
    }
    match base.path.rfind('/') {
        Some(i) => format!("{}{}", &base.path[..=i], relative_path),
        None => relative_path.to_string(),
    }
}

fn resolve(base: &Parts, r: &Parts) -> Parts {
    let mut t = Parts {
        fragment: r.fragment.clone(),
        ..Parts::default()
    };
    if r.scheme.is_some() {
        t.scheme = r.scheme.clone();
        t.authority = r.authority.clone();
        t.path = remove_dot_segments(&r.path);
        t.query = r.query.clone();
        return t;
    }
    t.scheme = base.scheme.clone();
    if r.authority.is_some() {
        t.authority = r.authority.clone();
        t.path = remove_dot_segments(&r.path);
        t.query = r.query.clone();
        return t;
    }
    t.authority = base.authority.clone();
    if r.path.is_empty() {
        t.path = base.path.clone();
        t.query = r.query.clone().or_else(|| base.query.clone());
    } else {
        t.path = if r.path.starts_with('/') {
            remove_dot_segments(&r.path)
        } else {
            remove_dot_segments(&merge(base, &r.path))
        };
        t.query = r.query.clone();
    }
    t
}

/// Percent-encode what .NET escapes in `AbsoluteUri`; keep valid `%XX` escapes.
fn escape(component: &str) -> String {
    let bytes = component.as_bytes();
    let mut out = String::with_capacity(component.len());
    for (i, c) in component.char_indices() {
        let keep = match c {
            '%' => {
                let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
                hex(i + 1) && hex(i + 2)
            }
            ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => false,
            c => c.is_ascii() && !c.is_ascii_control(),
        };
        if keep {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn normalize_authority(scheme: &str, authority: &str) -> String {
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    // The port is after the last ':' unless that ':' is inside an IPv6 literal.
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        _ => (host_port, None),
    };
    let mut out = String::new();
    if let Some(u) = userinfo {
        out.push_str(&escape(u));
        out.push('@');
    }
    out.push_str(&host.to_lowercase());
    if let Some(p) = port {
        let p = p.trim_start_matches('0');
        let p = if p.is_empty() { "0" } else { p };
        if default_port(scheme) != Some(p) {
            out.push(':');
            out.push_str(p);
        }
    }
    out
}

fn to_absolute_string(t: &Parts) -> String {
    let scheme = t.scheme.as_deref().unwrap_or("");
    let mut out = format!("{scheme}:");
    if let Some(authority) = &t.authority {
        out.push_str("//");
        out.push_str(&normalize_authority(scheme, authority));
    }
    if t.path.is_empty() && t.authority.is_some() && is_special(scheme) {
        out.push('/');
    }
    out.push_str(&escape(&t.path));
    if let Some(q) = &t.query {
        out.push('?');
        out.push_str(&escape(q));
    }
    if let Some(f) = &t.fragment {
        out.push('#');
        out.push_str(&escape(f));
    }
    out
}

/// Resolve `relative` against `base`; `Err` says why `base` is not an absolute URI.
pub fn combine(base: &str, relative: &str) -> Result<String, String> {
    if base.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("the base URI '{base}' is not well formed"));
    }
    let base_parts = parse(base);
    let Some(scheme) = base_parts.scheme.as_deref() else {
        return Err(format!("the base URI '{base}' is not an absolute URI"));
    };
    if is_special(scheme) && scheme != "file" {
        let host_missing = base_parts.authority.as_deref().is_none_or(|a| {
            let host = a.rsplit_once('@').map_or(a, |(_, h)| h);
            host.is_empty() || host.starts_with(':')
        });
        if host_missing {
            return Err(format!("the base URI '{base}' has no host"));
        }
    }
    let resolved = resolve(&base_parts, &parse(relative));
    Ok(to_absolute_string(&resolved))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(base: &str, relative: &str) -> String {
        combine(base, relative).unwrap_or_else(|e| panic!("{base} + {relative}: {e}"))
    }

    #[test]
    fn rfc3986_normal_examples() {
        // RFC 3986 §5.4.1 with base http://a/b/c/d;p?q
        let base = "http://a/b/c/d;p?q";
        let cases = [
            ("g:h", "g:h"),
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g/"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("g#s", "http://a/b/c/g#s"),
            (";x", "http://a/b/c/;x"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("g/../h", "http://a/b/c/h"),
        ];
        for (relative, expected) in cases {
            assert_eq!(ok(base, relative), expected, "{relative}");
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(ok("HTTP://Example.COM:80/A", "b"), "http://example.com/b");
        assert_eq!(ok("https://x.org:8443/a/", "b"), "https://x.org:8443/a/b");
        assert_eq!(ok("https://x.org:443", "b"), "https://x.org/b");
        assert_eq!(
            ok("https://x.org/a/", "my file.json"),
            "https://x.org/a/my%20file.json"
        );
        assert_eq!(
            ok("https://x.org/a/", "ü.json"),
            "https://x.org/a/%C3%BC.json"
        );
        assert_eq!(ok("https://x.org/a/", "b%20c"), "https://x.org/a/b%20c");
        assert_eq!(ok("https://x.org/a/", "100%"), "https://x.org/a/100%25");
        assert_eq!(
            ok("https://x.org/a/", "sub\\file.json"),
            "https://x.org/a/sub/file.json"
        );
        assert_eq!(ok("https://x.org", ""), "https://x.org/");
    }

    #[test]
    fn base_must_be_absolute() {
        assert!(combine("relative/path", "x").is_err());
        assert!(combine("", "x").is_err());
        assert!(combine("https://", "x").is_err());
        assert!(combine("https://x .org/", "x").is_err());
    }
}
