//! The command-line path of `check` on a generated directory tree: the walk (ignore
//! files, links, odd names), configuration discovery (`acrlint.json` at any level,
//! valid or not, `--isolated`), parameter files by convention, and file encodings
//! (byte order marks, UTF-16/32 with and without them, invalid bytes). Every output
//! format is rendered. Checked: no panic, and no template-looking file is skipped in
//! silence (with `--isolated` and no ignore file, every such file is checked or has
//! an ACR000 finding).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use acrlint::{check, render, CheckOptions, ConfigResolver, Engine, Format, RenderOptions};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::builtin().expect("built-in rules load"))
}

const TEMPLATE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "admin": { "type": "bool", "defaultValue": ADMIN } },
  "resources": [{ "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
    "name": "NAME", "location": "westus", "sku": { "name": "Premium" },
    "properties": { "adminUserEnabled": "[parameters('admin')]" } }]
}"#;

const PARAMETERS: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "admin": { "value": ADMIN } }
}"#;

const BICEP: &str = "param admin bool = ADMIN\nresource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n  name: 'NAME'\n  location: 'westus'\n  sku: { name: 'Premium' }\n  properties: { adminUserEnabled: admin }\n}\n";

const CONFIGS: [&str; 6] = [
    r#"{"rules": {"ACR001": "off"}}"#,
    r#"{"exclude": ["**/main.json"], "failOn": "warning"}"#,
    r#"{"parameters": {"*.json": "main.parameters.json"}, "context": {"location": "westus"}}"#,
    r#"{"rulez": {}}"#,
    r#"{"rules": {"ACR001": {"effect": "Audit"}}, // comment
       "exclude": ["[bad glob"]}"#,
    "",
];

const NAMES: [&str; 12] = [
    "main.json",
    "main.parameters.json",
    "main.parameters.prod.json",
    "acrlint.json",
    "azuredeploy.json",
    "module.bicep",
    "main.bicepparam",
    ".gitignore",
    "x y\u{202e}.json",
    "node_modules",
    "UPPER.JSON",
    "other.jsonc",
];

const DIRS: [&str; 4] = ["", "infra", "infra/nested", "ignored"];

/// Reads little pieces off the input.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }
    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.byte() as usize % items.len()]
    }
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = (self.byte() as usize * 4).min(max).min(self.0.len());
        let (t, rest) = self.0.split_at(n);
        self.0 = rest;
        t.to_vec()
    }
}

/// Text in an encoding the input picks: (bytes, whether a reader decodes it).
fn encode(text: &str, b: &mut Bytes) -> (Vec<u8>, bool) {
    let wide16 = |big: bool, bom: bool| -> Vec<u8> {
        bom.then_some(0xFEFFu16)
            .into_iter()
            .chain(text.encode_utf16())
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    let wide32 = |big: bool| -> Vec<u8> {
        std::iter::once('\u{feff}')
            .chain(text.chars())
            .flat_map(|c| {
                let n = c as u32;
                if big {
                    n.to_be_bytes()
                } else {
                    n.to_le_bytes()
                }
            })
            .collect()
    };
    match b.byte() % 9 {
        0 | 1 => (text.as_bytes().to_vec(), true),
        2 => ([&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(), true),
        3 => (wide16(false, true), true),
        4 => (wide16(true, true), true),
        5 => (wide32(b.byte() % 2 == 0), true),
        6 => (wide16(false, false), false),
        7 => {
            let mut bytes = text.as_bytes().to_vec();
            let at = b.byte() as usize % bytes.len().max(1);
            bytes.insert(at.min(bytes.len()), 0xFF);
            (bytes, false)
        }
        _ => {
            let mut bytes = text.as_bytes().to_vec();
            bytes.extend(b.bytes(256));
            (bytes, false)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let Ok(root) = tempfile::tempdir() else {
        return;
    };
    let isolated = b.byte() % 2 == 0;
    let mut has_ignore_file = false;
    let mut templates: Vec<PathBuf> = Vec::new();
    for _ in 0..(b.byte() % 10) {
        let dir = root.path().join(b.pick(&DIRS));
        let _ = std::fs::create_dir_all(&dir);
        let name = *b.pick(&NAMES);
        let path = dir.join(name);
        let admin = if b.byte() % 2 == 0 { "true" } else { "false" };
        let registry = String::from_utf8_lossy(&b.bytes(24))
            .replace(['"', '\\', '\''], "")
            .chars()
            .filter(|c| !c.is_control())
            .collect::<String>();
        let text = match name {
            ".gitignore" => {
                has_ignore_file = true;
                "ignored/\n*.parameters.prod.json\n".to_string()
            }
            "acrlint.json" => b.pick(&CONFIGS).to_string(),
            n if n.contains(".parameters.") => PARAMETERS.replace("ADMIN", admin),
            n if n.ends_with(".bicep") => BICEP.replace("ADMIN", admin).replace("NAME", &registry),
            n if n.ends_with(".bicepparam") => {
                format!("using 'module.bicep'\nparam admin = {admin}\n")
            }
            _ => match b.byte() % 4 {
                0 => String::from_utf8_lossy(&b.bytes(1024)).into_owned(),
                1 => TEMPLATE.replace("ADMIN", admin).replace("NAME", &registry)[..40].to_string(),
                _ => TEMPLATE.replace("ADMIN", admin).replace("NAME", &registry),
            },
        };
        let (bytes, decodable) = encode(&text, &mut b);
        match b.byte() % 16 {
            // A link to a sibling, to the root (a loop), or out of the tree.
            0 => {
                let target = match b.byte() % 3 {
                    0 => root.path().join("main.json"),
                    1 => root.path().to_path_buf(),
                    _ => PathBuf::from("/etc/hostname"),
                };
                #[cfg(unix)]
                let _ = std::os::unix::fs::symlink(target, &path);
                continue;
            }
            _ => {
                if std::fs::write(&path, &bytes).is_err() {
                    continue;
                }
            }
        }
        let looks_like_template = decodable && text.contains("deploymentTemplate.json");
        let json = name.ends_with(".json") || name.ends_with(".JSON") || name.ends_with(".jsonc");
        if looks_like_template && json && !name.contains(".parameters.") && name != "acrlint.json" {
            templates.push(path);
        }
    }
    let Ok(resolver) = ConfigResolver::from_option(None, engine().ids(), isolated) else {
        return;
    };
    let options = CheckOptions {
        config: Some(Arc::new(resolver)),
        jobs: Some(1),
        // As the command line reads: inside the tree only.
        confined: Some(acrlint::Confined::new(&[root.path().to_path_buf()], &[])),
        ..Default::default()
    };
    let result = check(&[root.path().to_path_buf()], engine(), &options);
    for format in [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
    ] {
        let _ = render(&result.report, format, &RenderOptions::default());
    }
    // Nothing that looks like a template is skipped in silence.
    if isolated && !has_ignore_file {
        let seen = |p: &Path| {
            result.report.files.iter().any(|f| f == p)
                || result
                    .report
                    .findings
                    .iter()
                    .any(|f| f.location.file == p && f.rule == "ACR000")
        };
        for t in templates {
            // A later entry may have replaced it by a link or another file.
            let still = std::fs::read(&t).is_ok_and(|bytes| {
                acrlint::syntax::encoding::decode(bytes)
                    .is_ok_and(|(text, _)| text.contains("deploymentTemplate.json"))
            });
            let under_ignored_name = t.components().any(|c| c.as_os_str() == "node_modules");
            if still
                && !under_ignored_name
                && std::fs::symlink_metadata(&t).is_ok_and(|m| m.is_file())
            {
                assert!(
                    seen(&t),
                    "{} was skipped: {:#?}",
                    t.display(),
                    result.report.findings
                );
            }
        }
    }
});
