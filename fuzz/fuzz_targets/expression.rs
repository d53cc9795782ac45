//! The expression parser and evaluator on any expression text, with a few parameters
//! and variables in scope (one of them with allowed values, one a cycle).
#![no_main]

use std::sync::{Arc, OnceLock};

use acrlint::{expand_loaded, load_text, Evaluator, ExpandOptions, Scope, SourceFile};
use libfuzzer_sys::fuzz_target;

const TEMPLATE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "name": { "type": "string", "defaultValue": "acr" },
    "sku": { "type": "string", "allowedValues": ["Basic", "Premium"] },
    "count": { "type": "int", "defaultValue": 3 },
    "obj": { "type": "object", "defaultValue": { "a": [1, 2, { "b": "c" }] } }
  },
  "variables": { "v": "[parameters('name')]", "loop": "[variables('loop')]" },
  "resources": [],
  "outputs": { "o": { "type": "string", "value": "EXPR" } }
}"#;

fn parse_only(text: &str) {
    let _ = acrlint::syntax::expression::parse(text, 1);
}

fn evaluate(text: &str) {
    // The expression is evaluated as the value of an output, with the template's
    // parameters and variables in scope.
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if (c as u32) < 0x20 => format!("\\u{:04x}", c as u32).chars().collect(),
            c => vec![c],
        })
        .collect();
    let template = TEMPLATE.replace("EXPR", &format!("[{escaped}]"));
    let source = Arc::new(SourceFile::from_text("/nonexistent/fuzz.json", &template));
    let Ok(loaded) = load_text(source) else {
        return;
    };
    let options = ExpandOptions {
        no_parameter_discovery: true,
        ..Default::default()
    };
    let _ = expand_loaded(loaded, &options);
}

fn eval_text(text: &str) {
    static CTX: OnceLock<Arc<acrlint::DeploymentContext>> = OnceLock::new();
    let ctx = CTX.get_or_init(|| Arc::new(Default::default())).clone();
    let scope = Scope::new(0, Arc::new(String::new()), ctx, Default::default());
    let mut ev = Evaluator::new(&scope);
    let _ = ev.eval_text(&format!("[{text}]"));
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    parse_only(text);
    eval_text(text);
    evaluate(text);
});
