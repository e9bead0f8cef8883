//! `partinnov export graph`: the real binary writes the graph of a generated workspace in
//! every format, and refuses bad input with one line and a non-zero exit, writing nothing.

#[allow(dead_code)]
mod support;

use support::{Scratch, bin};

fn run(args: &[&str]) -> std::process::Output {
    bin().args(args).output().expect("run partinnov")
}

#[test]
fn export_graph_writes_each_format_and_refuses_bad_input() {
    let scratch = Scratch::new("export-graph");
    let url = scratch.sqlite_url();
    let generated = run(&["gen", "--database-url", &url, "--scale", "1"]);
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );

    for format in ["gexf", "graphml", "svg", "png", "json"] {
        let out = scratch.path().join(format!("graphe.{format}"));
        let o = run(&[
            "export",
            "graph",
            "--workspace",
            "structure-1",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
            "--database-url",
            &url,
        ]);
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(stdout.starts_with("graphe écrit : "), "{stdout}");
        let bytes = std::fs::read(&out).expect("file written");
        match format {
            "png" => assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n"),
            "json" => {
                let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
                assert!(
                    !v["partners"].as_array().unwrap().is_empty(),
                    "partners drawn"
                );
            }
            _ => {
                let text = String::from_utf8(bytes).expect("UTF-8");
                assert!(text.contains("Structure") || text.contains("structure-1"));
                // A real XML document: a parser reads it to the end.
                let elements = xml_elements(&text);
                assert!(elements > 10, "{format}: {elements} elements");
            }
        }
    }
    let gexf = std::fs::read_to_string(scratch.path().join("graphe.gexf")).unwrap();
    assert!(gexf.contains("mode=\"dynamic\"") && gexf.contains("<spell "));

    // The map, by région over France, then zoomed on one région by commune, and as PNG.
    for (extra, format, expect) in [
        (
            vec!["--level", "region"],
            "map-svg",
            "Partenaires par région",
        ),
        (
            vec!["--region", "84", "--level", "commune"],
            "map-svg",
            "Auvergne-Rhône-Alpes (84)",
        ),
        (vec!["--departement", "69"], "map-png", ""),
    ] {
        let out = scratch
            .path()
            .join(format!("carte-{}.{format}", extra.len()));
        let mut full = vec![
            "export",
            "graph",
            "--workspace",
            "structure-1",
            "--format",
            format,
        ];
        full.extend(extra.iter().copied());
        full.extend(["--out", out.to_str().unwrap(), "--database-url", &url]);
        let o = run(&full);
        assert!(
            o.status.success(),
            "{full:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let bytes = std::fs::read(&out).expect("map written");
        if format == "map-png" {
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
            continue;
        }
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert!(xml_elements(&text) > 18);
        assert!(text.contains(expect), "{full:?}");
    }

    // Bad input: one line on stderr, non-zero exit, no file.
    let missing = scratch.path().join("absent.gexf");
    for (args, expected) in [
        (
            vec!["--workspace", "inconnu", "--format", "gexf"],
            "inconnu",
        ),
        (vec!["--workspace", "structure-1", "--format", "pdf"], "pdf"),
        (
            vec![
                "--workspace",
                "structure-1",
                "--format",
                "gexf",
                "--date",
                "31/02/2024",
            ],
            "Date invalide",
        ),
        (
            vec![
                "--workspace",
                "structure-1",
                "--format",
                "map-svg",
                "--region",
                "99",
            ],
            "--region : Région inconnue",
        ),
        (
            vec![
                "--workspace",
                "structure-1",
                "--format",
                "map-svg",
                "--level",
                "canton",
            ],
            "--level : Niveau de carte inconnu",
        ),
    ] {
        let mut full = vec!["export", "graph"];
        full.extend(args.iter().copied());
        full.extend(["--out", missing.to_str().unwrap(), "--database-url", &url]);
        let o = run(&full);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{full:?} succeeded");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("erreur") && stderr.contains(expected),
            "{stderr}"
        );
        assert!(!missing.exists());
    }
}

/// Counts the elements of an XML document, failing on any syntax error.
fn xml_elements(text: &str) -> usize {
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not XML: {e}"));
    doc.descendants().filter(|n| n.is_element()).count()
}
