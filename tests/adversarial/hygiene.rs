//! What templates write reaches terminals, CI logs, pull-request annotations and test
//! views: control, bidirectional and invisible characters are shown escaped, JUnit
//! stays well-formed XML 1.0, numbers out of range are unknowns that say so, and keys
//! that differ only in case are a warning and checked both ways.

use super::*;
use acrlint::Value;

/// Characters that act instead of showing: C0 (but line feed and tab), DEL, C1,
/// bidirectional controls, line and paragraph separators, zero-width characters,
/// byte order marks, noncharacters.
fn hazards(s: &str) -> Vec<char> {
    s.chars()
        .filter(|&c| {
            let n = c as u32;
            (c.is_control() && c != '\n' && c != '\t')
                || (0x202A..=0x202E).contains(&n)
                || (0x2066..=0x2069).contains(&n)
                || (0x200B..=0x200F).contains(&n)
                || matches!(n, 0x2028 | 0x2029 | 0xFEFF | 0xFFFE | 0xFFFF)
        })
        .collect()
}

const NASTY: &str = "acr\u{1b}[31mred\u{7}\u{0}\u{85}\u{202e}gnp.exe\u{2028}\u{2029}\u{feff}\u{200b}\u{fffe}\u{ffff}";

#[test]
fn hostile_strings_are_escaped_in_text_github_and_junit_output() {
    let dir = scratch("hygiene");
    let name = serde_json::to_string(NASTY).unwrap();
    let text = template(
        "{}",
        &format!(
            r#"[{{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
                 "name": {name}, "location": "westus", "sku": {{"name": "Basic"}},
                 "properties": {{"adminUserEnabled": true, "x": "\u001b]0;title\u0007 \u202e"}}}}]"#
        ),
    );
    // Escapes in the template's strings; raw characters in its file name.
    let path = write(&dir, "t\u{1b}[1m\u{202e}.json", text);
    let result = check(&[path], &engine(), &CheckOptions::default());
    assert!(result.report.findings.iter().any(|f| f.rule == "ACR001"));
    for format in [Format::Text, Format::Github, Format::Junit] {
        let out = render(&result.report, format, &acrlint::RenderOptions::default()).unwrap();
        assert!(hazards(&out).is_empty(), "{format:?}: {:?}", hazards(&out));
        assert!(out.contains("\\u{1b}[31mred"), "{format:?}: {out}");
        assert!(out.contains("\\u{202e}"), "{format:?}");
    }
    // The Markdown summary drops control characters and escapes the rest.
    let markdown = render(
        &result.report,
        Format::Markdown,
        &acrlint::RenderOptions::default(),
    )
    .unwrap();
    assert!(hazards(&markdown).is_empty(), "{:?}", hazards(&markdown));
    // Colour, when asked for, is the only escape sequence in text output.
    let coloured = render(
        &result.report,
        Format::Text,
        &acrlint::RenderOptions {
            color: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!coloured.contains("\u{1b}[31mred"));
    // JSON and SARIF escape what JSON must; their consumers render the strings.
    for format in [Format::Json, Format::Sarif, Format::Gitlab] {
        let out = render(&result.report, format, &acrlint::RenderOptions::default()).unwrap();
        assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
        assert!(!out.contains('\u{1b}') && !out.contains('\u{0}'));
    }
}

#[test]
fn junit_output_is_well_formed_xml_whatever_the_messages_hold() {
    let mut report = acrlint::Report::default();
    let dir = scratch("junit");
    let path = write(&dir, "t.json", good_template());
    let mut result = check(&[path], &engine(), &CheckOptions::default());
    for f in &mut result.report.findings {
        f.message = format!("{} {NASTY} \u{1}\u{b}\u{c}\u{1f}", f.message);
    }
    std::mem::swap(&mut report, &mut result.report);
    let xml = render(&report, Format::Junit, &acrlint::RenderOptions::default()).unwrap();
    // Every character XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    let forbidden: Vec<char> = xml
        .chars()
        .filter(|&c| {
            let n = c as u32;
            !(matches!(n, 0x9 | 0xA | 0xD)
                || (0x20..=0xD7FF).contains(&n)
                || (0xE000..=0xFFFD).contains(&n)
                || n >= 0x10000)
        })
        .collect();
    assert!(forbidden.is_empty(), "{forbidden:?}");
    assert!(
        !xml.contains("&#x"),
        "character references to forbidden characters"
    );
    assert!(xml.contains("\\u{fffe}"));
}

#[test]
fn numbers_out_of_range_are_unknowns_with_a_reason() {
    let dir = scratch("numbers");
    let path = write(
        &dir,
        "t.json",
        template(
            r#"{"big": "[json('1e400')]", "big2": "[json('[1, -1e999]')]",
                "sum": "[add(9223372036854775807, 1)]", "cast": "[add(json('1e300'), 1)]"}"#,
            r#"[{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "st",
                 "properties": {"big": "[variables('big')]", "big2": "[variables('big2')]",
                                "sum": "[variables('sum')]", "cast": "[variables('cast')]"}}]"#,
        ),
    );
    let exp = expand(&path, &ExpandOptions::default()).unwrap();
    let props = exp.resources[0].body.get("properties").unwrap();
    let why = |v: Option<&Value>| match v {
        Some(Value::Unknown(u)) => u.why.clone(),
        other => panic!("not an unknown: {other:?}"),
    };
    assert!(why(props.get("big")).contains("1e400 is outside the range of a 64-bit float"));
    let big2 = props.get("big2").and_then(Value::as_array).unwrap();
    assert!(why(big2.get(1)).contains("-1e999"));
    assert!(why(props.get("sum")).contains("does not fit in a 64-bit integer"));
    assert!(why(props.get("cast")).contains("outside the range of a 64-bit integer"));
    // Never null, never i64::MAX, in what expand prints.
    let json = acrlint::expansion_to_json(&exp);
    let printed = json["resources"][0]["properties"].to_string();
    assert!(
        !printed.contains("null") && !printed.contains(":9223372036854775807"),
        "{printed}"
    );
}

#[test]
fn keys_differing_only_in_case_warn_and_are_checked_both_ways() {
    let dir = scratch("case-twins");
    let path = write(
        &dir,
        "t.json",
        template(
            "{}",
            r#"[{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
                 "name": "acr", "location": "westus", "sku": {"name": "Premium"},
                 "properties": {"adminUserEnabled": false,
                                "AdminUserEnabled": true}}]"#,
        ),
    );
    let o = check_one(&path);
    let warning = acr000(&o);
    assert_eq!(warning.len(), 1, "{:#?}", o.findings);
    assert_eq!(warning[0].level, Level::Warning);
    assert_eq!(at(warning[0]), (8, 33));
    assert!(
        warning[0].message.contains(
            "property names 'adminUserEnabled' and 'AdminUserEnabled' differ only in case"
        ),
        "{}",
        warning[0].message
    );
    // The true one is found (as possible: ARM may take either).
    let admin: Vec<&Finding> = o.findings.iter().filter(|f| f.rule == "ACR001").collect();
    assert_eq!(admin.len(), 1, "{:#?}", o.findings);
    assert!(
        admin[0].message.contains("written twice in different case"),
        "{}",
        admin[0].message
    );
    // Both false: one value, no rule finding, still the warning.
    let same = write(
        &dir,
        "same.json",
        std::fs::read_to_string(&path)
            .unwrap()
            .replace("true", "false"),
    );
    let o = check_one(&same);
    assert_eq!(acr000(&o).len(), 1);
    assert!(o.findings.iter().all(|f| f.rule != "ACR001"));
}

#[test]
fn duplicate_keys_in_a_large_object_keep_the_last_value() {
    // Exact duplicates (the last wins, as in ARM) found through the hash table.
    let keys: Vec<String> = (0..50).map(|i| format!("\"k{i}\": {i}")).collect();
    let text = format!("{{{}, \"k7\": \"last\", \"K7\": 1}}", keys.join(","));
    let root = acrlint::syntax::json::parse(&text).unwrap();
    let members = root.as_object().unwrap();
    assert_eq!(members.len(), 51);
    assert_eq!(root.get("k7").and_then(|n| n.as_str()), Some("last"));
    let twins: Vec<&str> = members
        .iter()
        .filter(|m| m.case_twin)
        .map(|m| &*m.key)
        .collect();
    assert_eq!(twins, ["K7"]);
}
