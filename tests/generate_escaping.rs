//! Property tests of the escaping filters: hostile strings (quotes, `${`, `[`,
//! newlines, control characters, unicode) used as tag names and values always come
//! back exactly, through our JSONC loader and expansion (ARM) and through the Bicep
//! parser's string segments.

use acrlint::syntax::bicep::{self, ExprKind, ObjectItem, StatementKind};
use acrlint::syntax::expression::{classify, StringForm};
use acrlint::{
    expand, render_params, render_registry, ExpandOptions, RegistryRequest, TemplateFormat,
};

/// Small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "\"",
    "'",
    "\\",
    "${",
    "${x}",
    "$",
    "{",
    "}",
    "[",
    "]",
    "[[",
    "]]",
    "[parameters('x')]",
    "\n",
    "\r\n",
    "\t",
    "\u{0}",
    "\u{1f}",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "é",
    "☃",
    "😀",
    "\u{feff}",
    "'''",
    "//",
    "/*",
    "*/",
    ",",
    ":",
    " ",
    "a",
    "Z",
    "0",
    "=",
    "\", \"adminUserEnabled\": true",
    "' adminUserEnabled: true '",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
];

fn hostile(rng: &mut Rng, max_pieces: usize) -> String {
    let n = rng.below(max_pieces + 1);
    (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect()
}

/// Tag names may not contain `<>%&\?/` or control characters (Azure's limits), and
/// are unique case-insensitively; `=` separates name and value on the command line.
fn hostile_key(rng: &mut Rng, taken: &[String]) -> String {
    loop {
        let k: String = hostile(rng, 6)
            .chars()
            .filter(|c| !"<>%&\\?/=".contains(*c) && !c.is_control())
            .collect();
        if !k.is_empty() && !taken.iter().any(|t| t.eq_ignore_ascii_case(&k)) {
            return k;
        }
    }
}

fn cases(seed: u64, count: usize) -> Vec<Vec<(String, String)>> {
    let mut rng = Rng(seed);
    let mut fixed: Vec<Vec<(String, String)>> = PIECES
        .iter()
        .map(|p| vec![("k".to_string(), p.to_string())])
        .collect();
    fixed.push(vec![
        (
            "x\", \"adminUserEnabled\": true".into(),
            "x\", \"adminUserEnabled\": true".into(),
        ),
        ("'${x}'".into(), "'${x}'".into()),
        ("[a]".into(), "[a]".into()),
    ]);
    for _ in 0..count {
        let mut tags: Vec<(String, String)> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for _ in 0..1 + rng.below(4) {
            let k = hostile_key(&mut rng, &keys);
            keys.push(k.clone());
            let v: String = hostile(&mut rng, 12).chars().take(256).collect();
            tags.push((k, v));
        }
        fixed.push(tags);
    }
    fixed
}

fn request(tags: &[(String, String)]) -> RegistryRequest {
    RegistryRequest {
        name: Some("contosoregistry".into()),
        location: Some("westeurope".into()),
        tags: tags.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        ..Default::default()
    }
}

#[test]
fn hostile_tags_round_trip_through_arm_loading_and_expansion() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.json");
    for tags in cases(0x5eed_0001, 300) {
        let text = render_registry(&request(&tags), TemplateFormat::Arm)
            .unwrap_or_else(|e| panic!("{tags:?}: {e}"));
        std::fs::write(&path, &text).unwrap();
        let options = ExpandOptions {
            no_parameter_discovery: true,
            ..Default::default()
        };
        let expansion =
            expand(&path, &options).unwrap_or_else(|e| panic!("{tags:?}: {}", e.render()));
        assert!(
            expansion.syntax_errors().next().is_none(),
            "{tags:?}: {:?}",
            expansion.diagnostics
        );
        let json = acrlint::expansion_to_json(&expansion);
        let registry = json["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == "Microsoft.ContainerRegistry/registries")
            .unwrap_or_else(|| panic!("{tags:?}: no registry\n{text}"));
        let got = registry["tags"]
            .as_object()
            .unwrap_or_else(|| panic!("{tags:?}: {registry}"));
        assert_eq!(got.len(), tags.len(), "{tags:?}: {got:?}");
        for (k, v) in &tags {
            let value = got
                .iter()
                .find(|(key, _)| arm_key(key) == *k)
                .and_then(|(_, x)| x.as_str());
            assert_eq!(value, Some(v.as_str()), "{tags:?}\n{got:?}");
        }
        // Nothing leaked into the registry's properties.
        assert_eq!(
            registry["properties"]["adminUserEnabled"], false,
            "{tags:?}"
        );
        // No private endpoint asked for: public access stays on, so it is reachable.
        assert_eq!(
            registry["properties"]["publicNetworkAccess"], "Enabled",
            "{tags:?}"
        );
    }
}

/// What ARM reads for a property name: the expansion keeps names as written, so the
/// `[[` escape is applied here as ARM applies it.
fn arm_key(key: &str) -> String {
    match classify(key) {
        StringForm::Literal(l) => l.into_owned(),
        StringForm::Expression(..) => format!("<expression {key}>"),
    }
}

#[test]
fn hostile_tags_round_trip_through_a_parameter_file() {
    // Parameter file values are not evaluated: they are written with JSON escapes only
    // and must reach the resource unchanged.
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("main.json");
    let params = dir.path().join("main.parameters.json");
    for tags in cases(0x5eed_0003, 100) {
        let req = request(&tags);
        std::fs::write(
            &template,
            render_registry(&req, TemplateFormat::Arm).unwrap(),
        )
        .unwrap();
        std::fs::write(
            &params,
            render_params(&req, TemplateFormat::Arm, "").unwrap(),
        )
        .unwrap();
        let expansion = expand(&template, &ExpandOptions::default()).unwrap();
        assert_eq!(expansion.parameter_file.as_deref(), Some(params.as_path()));
        let json = acrlint::expansion_to_json(&expansion);
        let registry = json["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == "Microsoft.ContainerRegistry/registries")
            .unwrap();
        let got = registry["tags"]
            .as_object()
            .unwrap_or_else(|| panic!("{tags:?}: {registry}"));
        for (k, v) in &tags {
            assert_eq!(
                got.get(k).and_then(|x| x.as_str()),
                Some(v.as_str()),
                "{tags:?}"
            );
        }
    }
}

#[test]
fn hostile_tags_round_trip_through_the_bicep_parser() {
    for tags in cases(0x5eed_0002, 300) {
        let text = render_registry(&request(&tags), TemplateFormat::Bicep)
            .unwrap_or_else(|e| panic!("{tags:?}: {e}"));
        let parsed = bicep::parse(&text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{tags:?}: {:?}\n{text}",
            parsed.diagnostics
        );
        let default = parsed
            .program
            .statements
            .iter()
            .find_map(|s| match &s.kind {
                StatementKind::Param {
                    name,
                    default: Some(d),
                    ..
                } if &*name.name == "tags" => Some(d),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{tags:?}: no tags parameter\n{text}"));
        let ExprKind::Object(items) = &default.kind else {
            panic!("{tags:?}: tags default is not an object");
        };
        let got: Vec<(String, String)> = items
            .iter()
            .map(|item| match item {
                ObjectItem::Property(p) => (
                    p.key
                        .literal()
                        .unwrap_or_else(|| panic!("{tags:?}: key not literal"))
                        .to_string(),
                    p.value
                        .as_literal_string()
                        .unwrap_or_else(|| panic!("{tags:?}: value not a literal string\n{text}"))
                        .to_string(),
                ),
                other => panic!("{tags:?}: unexpected {other:?}"),
            })
            .collect();
        assert_eq!(got, tags, "\n{text}");
        // The registry body is untouched: exactly the hardened admin setting.
        assert_eq!(
            text.matches("adminUserEnabled: false").count(),
            1,
            "{tags:?}"
        );
    }
}

#[test]
fn hostile_tags_round_trip_through_bicep_lowering_and_expansion() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.bicep");
    for tags in cases(0x5eed_0004, 150) {
        std::fs::write(
            &path,
            render_registry(&request(&tags), TemplateFormat::Bicep).unwrap(),
        )
        .unwrap();
        let options = ExpandOptions {
            no_parameter_discovery: true,
            ..Default::default()
        };
        let expansion =
            acrlint::expand(&path, &options).unwrap_or_else(|e| panic!("{tags:?}: {}", e.render()));
        let json = acrlint::expansion_to_json(&expansion);
        let registry = json["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == "Microsoft.ContainerRegistry/registries")
            .unwrap();
        let got = registry["tags"]
            .as_object()
            .unwrap_or_else(|| panic!("{tags:?}: {registry}"));
        assert_eq!(got.len(), tags.len(), "{tags:?}: {got:?}");
        for (k, v) in &tags {
            let value = got
                .iter()
                .find(|(key, _)| arm_key(key) == *k)
                .and_then(|(_, x)| x.as_str());
            assert_eq!(value, Some(v.as_str()), "{tags:?}\n{got:?}");
        }
        assert_eq!(
            registry["properties"]["adminUserEnabled"], false,
            "{tags:?}"
        );
    }
}
