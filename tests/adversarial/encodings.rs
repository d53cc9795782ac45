//! Templates in other encodings than UTF-8: decoded when a byte order mark says what
//! they are (as the Azure CLI and PowerShell read them), reported naming the encoding
//! otherwise; a walked file that looks like a template is never skipped in silence.

use super::*;

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mark = bom.then_some(0xFEFF);
    mark.into_iter()
        .chain(text.encode_utf16())
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

fn utf32(text: &str, big_endian: bool) -> Vec<u8> {
    std::iter::once('\u{feff}')
        .chain(text.chars())
        .flat_map(|c| {
            let n = c as u32;
            if big_endian {
                n.to_be_bytes()
            } else {
                n.to_le_bytes()
            }
        })
        .collect()
}

#[test]
fn walked_templates_with_a_byte_order_mark_are_decoded_and_checked() {
    let dir = scratch("encodings");
    let text = good_template();
    let files = [
        ("le16.json", utf16(&text, false, true)),
        ("be16.json", utf16(&text, true, true)),
        ("le32.json", utf32(&text, false)),
        ("be32.json", utf32(&text, true)),
    ];
    for (name, bytes) in &files {
        write(&dir, name, bytes);
    }
    let result = check(
        std::slice::from_ref(&dir),
        &engine(),
        &CheckOptions::default(),
    );
    for (name, _) in &files {
        let f: Vec<&Finding> = result
            .report
            .findings
            .iter()
            .filter(|f| f.location.file == dir.join(name))
            .collect();
        assert!(
            f.iter()
                .any(|f| f.rule == "ACR001" && f.location.start.line == 11),
            "{name}: {f:#?}"
        );
        assert!(f.iter().all(|f| f.rule != "ACR000"), "{name}: {f:#?}");
    }
    assert_eq!(result.report.files.len(), 4);
}

#[test]
fn undecodable_template_looking_files_are_errors_naming_the_encoding() {
    let dir = scratch("encodings-bad");
    let text = good_template();
    let no_mark = write(&dir, "nomark.json", utf16(&text, false, false));
    let mut broken = utf16(&text, true, true);
    broken.extend([0xD8, 0x00]); // a lone high surrogate at the end
    let broken = write(&dir, "broken.json", broken);
    // Latin-1, with the schema far past the start: still looked for.
    let latin = format!("{{ \"description\": \"caf\u{e9} {}\",", "x".repeat(10_000))
        + &good_template()[1..];
    let latin: Vec<u8> = latin.chars().map(|c| c as u32 as u8).collect();
    let latin = write(&dir, "latin.json", latin);
    // Not a template: skipped, as any other JSON file.
    write(&dir, "other.json", utf16("{\"name\": \"x\"}", false, false));
    let result = check(
        std::slice::from_ref(&dir),
        &engine(),
        &CheckOptions::default(),
    );
    let message = |p: &Path| {
        let f: Vec<&Finding> = result
            .report
            .findings
            .iter()
            .filter(|f| f.location.file == p && f.rule == "ACR000")
            .collect();
        assert_eq!(f.len(), 1, "{}: {:#?}", p.display(), result.report.findings);
        assert_eq!(f[0].level, Level::Error);
        f[0].message.clone()
    };
    assert!(message(&no_mark).contains("UTF-16LE text without a byte order mark"));
    assert!(
        message(&broken).contains("not valid UTF-16BE with a byte order mark: unpaired surrogate")
    );
    assert!(message(&latin).contains("not valid UTF-8"));
    assert!(result.had_fatal);
    assert!(!result
        .report
        .findings
        .iter()
        .any(|f| f.location.file.ends_with("other.json")));
}

#[test]
fn a_parameter_file_that_cannot_be_parsed_is_reported() {
    let dir = scratch("params-broken");
    write(&dir, "main.json", good_template());
    let params = write(
        &dir,
        "main.parameters.json",
        "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\", \"parameters\": {",
    );
    let result = check(
        std::slice::from_ref(&dir),
        &engine(),
        &CheckOptions::default(),
    );
    assert!(
        result
            .report
            .findings
            .iter()
            .any(|f| f.location.file == params && f.rule == "ACR000" && f.level == Level::Error),
        "{:#?}",
        result.report.findings
    );
}
