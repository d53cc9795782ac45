//! Files that cannot be read or parsed as they are.

use super::*;

#[test]
fn deep_json_nesting_is_refused_with_its_position() {
    let dir = scratch("deep-json");
    let deep = "[".repeat(5000) + &"]".repeat(5000);
    let bad = write(
        &dir,
        "deep.json",
        template("{}", &format!("[\n  {{ \"x\": {deep} }}\n]")),
    );
    let (result, found) = run_with_good_neighbour(&dir, &bad);
    assert!(result.had_fatal);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("nested deeper than 256"),
        "{}",
        found[0].message
    );
    // Line 6 holds the deep array; the limit is met 256 levels in (the template
    // object and the resources array are two of them).
    assert_eq!(found[0].location.start.line, 6);
    assert_eq!(found[0].level, Level::Error);
}

#[test]
fn a_ten_megabyte_string_is_checked() {
    let dir = scratch("big-string");
    let big = "x".repeat(10 * 1024 * 1024);
    let path = write(
        &dir,
        "big.json",
        template(
            &format!("{{\"big\": \"{big}\", \"len\": \"[length(variables('big'))]\"}}"),
            "[]",
        ),
    );
    let started = Instant::now();
    let o = check_one(&path);
    assert!(o.checked && !o.fatal);
    assert!(acr000(&o).is_empty(), "{:#?}", o.findings);
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte() {
    let dir = scratch("utf8");
    let mut bytes = template("{}", "[]").into_bytes();
    // Line 3 is `  "contentVersion": "1.0.0.0",`: break it after the first quote.
    let at_byte = bytes
        .windows(16)
        .position(|w| w == b"\"contentVersion\"")
        .unwrap()
        + 1;
    bytes.insert(at_byte, 0xFF);
    let bad = write(&dir, "bad.json", &bytes);
    let (result, found) = run_with_good_neighbour(&dir, &bad);
    let _ = result;
    // A walked file is reported when it looks like a template.
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("not valid UTF-8"),
        "{}",
        found[0].message
    );
    assert_eq!(at(&found[0]), (3, 4));
}

#[test]
fn empty_bom_only_and_nul_files_are_clear_errors() {
    let dir = scratch("empty");
    let empty = write(&dir, "empty.json", "");
    let bom = write(&dir, "bom.json", "\u{feff}");
    let nul = write(
        &dir,
        "nul.json",
        template("{}", "[]").replace("\"resources\"", "\"res\u{0}ources\"x"),
    );
    for (path, want) in [(&empty, "the file is empty"), (&bom, "the file is empty")] {
        let o = check_one(path);
        assert!(o.fatal, "{}", path.display());
        let f = acr000(&o);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains(want), "{}", f[0].message);
        assert_eq!(at(f[0]), (1, 1));
    }
    let o = check_one(&nul);
    assert!(o.fatal);
    let f = acr000(&o);
    assert_eq!(f.len(), 1, "{:#?}", o.findings);
    assert_eq!(f[0].location.start.line, 5, "{}", f[0].message);
    // Walked (not named), empty files and files that are not templates are skipped
    // quietly; the NUL one looks like a template and is reported; the good one is
    // checked.
    let (_, found) = run_with_good_neighbour(&dir, &nul);
    assert_eq!(found.len(), 1);
}

#[test]
fn a_missing_parameter_file_or_template_is_named() {
    let dir = scratch("missing");
    let good = write(&dir, "good.json", good_template());
    let missing_params = dir.join("nope.parameters.json");
    let options = CheckOptions {
        expand: ExpandOptions {
            parameters: Some(missing_params.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let o = check_file(&good, true, &engine(), &options);
    assert!(o.fatal);
    let f = acr000(&o);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("cannot read"), "{}", f[0].message);
    assert_eq!(f[0].location.file, missing_params);

    // A template that does not exist, named with a parameter file: an error for the
    // template, and the run goes on with the other path.
    let result = check(
        &[dir.join("missing.json"), good.clone()],
        &engine(),
        &CheckOptions::default(),
    );
    assert!(result.had_fatal);
    assert!(result.report.findings.iter().any(|f| f.rule == "ACR001"));

    // A .bicepparam whose `using` names a file that does not exist.
    let bp = write(
        &dir,
        "main.bicepparam",
        "using './missing.bicep'\nparam x = 1\n",
    );
    let o = check_one(&bp);
    assert!(o.fatal, "{:#?}", o.findings);
    let f = acr000(&o);
    assert!(!f.is_empty());
    // The finding is placed in the missing file, which the output names.
    assert!(
        f[0].location.file.ends_with("missing.bicep") || f[0].message.contains("missing.bicep"),
        "{:#?}",
        f[0]
    );
}

#[cfg(unix)]
#[test]
fn devices_are_not_read_as_files() {
    // /dev/zero never ends: as a parameter file, or loaded by a Bicep file.
    let dir = scratch("devices");
    let good = write(&dir, "good.json", good_template());
    let options = CheckOptions {
        expand: ExpandOptions {
            parameters: Some(PathBuf::from("/dev/zero")),
            ..Default::default()
        },
        ..Default::default()
    };
    let o = check_file(&good, true, &engine(), &options);
    let f = acr000(&o);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("not a regular file"),
        "{}",
        f[0].message
    );

    let bicep = write(
        &dir,
        "main.bicep",
        "var z = loadTextContent('/dev/zero')\nvar b = loadFileAsBase64('/dev/zero')\noutput o string = z\n",
    );
    let started = Instant::now();
    let o = check_one(&bicep);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(o.checked);
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang_the_walk() {
    use std::os::unix::fs::symlink;
    let dir = scratch("symlinks");
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    symlink(&dir, sub.join("back-to-top")).unwrap();
    symlink("loop-b.json", dir.join("loop-a.json")).unwrap();
    symlink("loop-a.json", dir.join("loop-b.json")).unwrap();
    let good = write(&dir, "good.json", good_template());
    symlink(&good, sub.join("linked.json")).unwrap();

    let started = Instant::now();
    let result = check(
        std::slice::from_ref(&dir),
        &engine(),
        &CheckOptions::default(),
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    // A link to a file the walk meets anyway is not taken: the good file is checked
    // once. The two links that loop are reported, not skipped.
    let acr001: Vec<_> = result
        .report
        .findings
        .iter()
        .filter(|f| f.rule == "ACR001")
        .collect();
    assert_eq!(acr001.len(), 1, "{acr001:#?}");
    for name in ["loop-a.json", "loop-b.json"] {
        assert!(
            result
                .report
                .findings
                .iter()
                .any(|f| f.rule == "ACR000" && f.location.file.ends_with(name)),
            "{name} not reported"
        );
    }

    // Named explicitly, a symlink to a template is checked; a symlink loop is an error.
    let o = check_one(&sub.join("linked.json"));
    assert!(o.findings.iter().any(|f| f.rule == "ACR001"));
    let result = check(
        &[dir.join("loop-a.json"), good.clone()],
        &engine(),
        &CheckOptions::default(),
    );
    assert!(result.had_fatal);
    assert!(result.report.findings.iter().any(|f| f.rule == "ACR001"));
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it() {
    let dir = scratch("huge");
    let path = dir.join("huge.json");
    let f = std::fs::File::create(&path).unwrap();
    // Sparse: no disk space is used.
    f.set_len(acrlint::limits::Limits::default().file_bytes + 1)
        .unwrap();
    drop(f);
    let o = check_one(&path);
    assert!(o.fatal);
    let f = acr000(&o);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("larger than the 67108864 byte limit")
            && f[0].message.contains("--limit file-bytes=N"),
        "{}",
        f[0].message
    );
    std::fs::remove_file(&path).ok();
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = scratch("fifo");
    let good = write(&dir, "good.json", good_template());
    let fifo = dir.join("params.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("note: mkfifo is not available; skipped");
        return;
    }
    // Checked on another thread: a blocking open would never return.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let options = CheckOptions {
            expand: ExpandOptions {
                parameters: Some(fifo),
                ..Default::default()
            },
            ..Default::default()
        };
        let o = check_file(&good, true, &engine(), &options);
        let messages: Vec<String> = acr000(&o).iter().map(|f| f.message.clone()).collect();
        let _ = tx.send(messages);
    });
    let messages = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("reading a FIFO must not block");
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("not a regular file"), "{messages:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
