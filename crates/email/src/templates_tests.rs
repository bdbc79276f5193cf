//! Unit tests of the embedded template table (private items).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

#[test]
fn missing_translation_falls_back_to_english_file() {
    let en = lookup("welcome/subject.en.txt").unwrap();
    assert_eq!(lookup("welcome/subject.fr.txt"), Some(en));
    assert_eq!(
        lookup("_layout/body.xx.html"),
        lookup("_layout/body.en.html")
    );
    assert_eq!(lookup("nope/subject.en.txt"), None);
    assert_eq!(lookup("garbage"), None);
}

/// Every template file on disk must be listed in `embed!`, otherwise a new
/// translation would silently never be used.
#[test]
fn every_file_on_disk_is_embedded() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut on_disk = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap();
        if !dir.file_type().unwrap().is_dir() {
            continue;
        }
        for file in std::fs::read_dir(dir.path()).unwrap() {
            let file = file.unwrap();
            on_disk.push(format!(
                "{}/{}",
                dir.file_name().to_string_lossy(),
                file.file_name().to_string_lossy()
            ));
        }
    }
    on_disk.sort();
    let mut embedded: Vec<String> = FILES.iter().map(|(n, _)| (*n).to_owned()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded);
    // 23 kinds x 4 locales x 3 files + layout 4 locales x 2 files.
    assert_eq!(
        embedded.len(),
        KINDS.len() * LOCALES.len() * 3 + LOCALES.len() * 2
    );
}

/// Strict mode: a value the typed context lacks fails the render instead of printing
/// as empty text (the bare "Hello," of issue 13).
#[test]
fn a_missing_value_is_an_error_not_empty_text() {
    let env = environment();
    let err = env
        .render_str("Hello {{ recipient_name }},", minijinja::context! {})
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UndefinedError);
    let err = env
        .render_str("{% if comment %}x{% endif %}", minijinja::context! {})
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UndefinedError);
    // Present but empty (`None`) is fine: optional facts are explicit.
    let ok = env.render_str(
        "{% if comment %}x{% endif %}",
        minijinja::context! { comment => () },
    );
    assert_eq!(ok.unwrap(), "");
}
