//! `partinnov render` on a generated database: a partnership's sheet, all of a workspace's
//! sheets as a ZIP, and its cartography; bad input is one line on stderr, a non-zero exit
//! and no file left behind.

#[allow(dead_code)]
mod support;

use std::io::Read;

use support::{Scratch, bin};

fn run(args: &[&str]) -> (i32, String) {
    let out = bin().args(args).output().expect("run partinnov");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn renders_sheets_and_the_cartography_and_refuses_bad_input_in_one_line() {
    let dir = Scratch::new("render");
    let url = dir.sqlite_url();
    let (code, err) = run(&["gen", "--database-url", &url, "--scale", "1"]);
    assert_eq!(code, 0, "{err}");

    let sheet = dir.path().join("fiche.pdf");
    let (code, err) = run(&[
        "render",
        "sheet",
        "--database-url",
        &url,
        "--partnership",
        "1",
        "--out",
        sheet.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&sheet).unwrap().starts_with(b"%PDF-"));

    let odt = dir.path().join("fiche.odt");
    let (code, err) = run(&[
        "render",
        "sheet",
        "--database-url",
        &url,
        "--partnership",
        "1",
        "--format",
        "odt",
        "--out",
        odt.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&odt).unwrap()).unwrap();
    let mut content = String::new();
    zip.by_name("content.xml")
        .unwrap()
        .read_to_string(&mut content)
        .unwrap();
    assert!(content.contains("Fiche de capitalisation"), "{content}");

    let all = dir.path().join("fiches.zip");
    let (code, err) = run(&[
        "render",
        "sheets",
        "--database-url",
        &url,
        "--workspace",
        "structure-1",
        "--format",
        "docx",
        "--out",
        all.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let zip = zip::ZipArchive::new(std::fs::File::open(&all).unwrap()).unwrap();
    assert!(
        zip.len() >= 50,
        "one sheet per generated partnership: {}",
        zip.len()
    );

    let carto = dir.path().join("carte.pdf");
    let (code, err) = run(&[
        "render",
        "cartography",
        "--database-url",
        &url,
        "--workspace",
        "structure-1",
        "--out",
        carto.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&carto).unwrap().starts_with(b"%PDF-"));

    let strategy = dir.path().join("strategie.odt");
    let (code, err) = run(&[
        "render",
        "strategy",
        "--database-url",
        &url,
        "--workspace",
        "structure-1",
        "--format",
        "odt",
        "--out",
        strategy.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&strategy).unwrap()).unwrap();
    let mut content = String::new();
    zip.by_name("content.xml")
        .unwrap()
        .read_to_string(&mut content)
        .unwrap();
    assert!(
        content.contains("compléter"),
        "an empty canvas is to be completed"
    );

    // Bad input: one line, non-zero, nothing written.
    let nowhere = dir.path().join("rien.pdf");
    for args in [
        vec!["--partnership", "999999"],
        vec!["--partnership", "1", "--format", "rtf"],
    ] {
        let mut all_args = vec![
            "render",
            "sheet",
            "--database-url",
            &url,
            "--out",
            nowhere.to_str().unwrap(),
        ];
        all_args.extend(args);
        let (code, err) = run(&all_args);
        assert_ne!(code, 0);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!nowhere.exists());
    }
    let (code, err) = run(&[
        "render",
        "cartography",
        "--database-url",
        &url,
        "--workspace",
        "nulle-part",
        "--out",
        nowhere.to_str().unwrap(),
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("espace « nulle-part » introuvable"), "{err}");
    let (code, err) = run(&[
        "render",
        "sheet",
        "--database-url",
        &url,
        "--partnership",
        "999999",
        "--out",
        nowhere.to_str().unwrap(),
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("partenariat 999999 introuvable"), "{err}");
}
