//! `partinnov export` on a generated database: the same files as the pages' downloads,
//! written whole or not at all; bad input is one line on stderr and a non-zero exit.

#[allow(dead_code)]
mod support;

use support::{Scratch, bin, import_report, rejected_cells};

fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = bin().args(args).output().expect("run partinnov");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn exports_a_workspace_and_the_registry_and_refuses_bad_input_in_one_line() {
    let dir = Scratch::new("export");
    let url = dir.sqlite_url();
    let (code, _, err) = run(&["gen", "--database-url", &url, "--scale", "1"]);
    assert_eq!(code, 0, "{err}");

    // Every partnership of the workspace, as French Excel reads it.
    let out = dir.path().join("partenariats.csv");
    let out_s = out.to_str().unwrap();
    let (code, _, err) = run(&[
        "export",
        "partnerships",
        "--database-url",
        &url,
        "--workspace",
        "structure-1",
        "--format",
        "csv-excel",
        "--out",
        out_s,
    ]);
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let rows = text.trim_end().split("\r\n").count() - 1;
    assert!(rows >= 50, "all of the generated inventory, got {rows}");

    // A filter narrows it; JSON to standard output.
    let (code, stdout, err) = run(&[
        "export",
        "partnerships",
        "--database-url",
        &url,
        "--workspace",
        "structure-1",
        "--format",
        "json",
        "--filter",
        "status=actif",
        "--out",
        "-",
    ]);
    assert_eq!(code, 0, "{err}");
    let list: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    let list = list.as_array().unwrap();
    assert!(!list.is_empty() && list.len() < rows);
    assert!(list.iter().all(|p| p["status"] == "actif"));

    // The registry in the national schema.
    let (code, stdout, err) = run(&[
        "export",
        "organisations",
        "--database-url",
        &url,
        "--format",
        "datainclusion-json",
        "--out",
        "-",
    ]);
    assert_eq!(code, 0, "{err}");
    let list: Vec<partinnov_interop::datainclusion::Structure> =
        serde_json::from_slice(&stdout).unwrap();
    assert!(!list.is_empty());
    assert!(
        list.iter()
            .all(|s| partinnov_interop::datainclusion::validate(s).is_empty())
    );

    // Refusals: one line, non-zero, and no file left behind.
    let missing = dir.path().join("jamais.csv");
    for (args, needle) in [
        (vec!["--workspace", "inconnu"], "inconnu"),
        (
            vec!["--workspace", "structure-1", "--format", "pdf"],
            "format",
        ),
        (
            vec!["--workspace", "structure-1", "--filter", "family=troc"],
            "family",
        ),
        (
            vec!["--workspace", "structure-1", "--filter", "sans-egal"],
            "CLÉ=VALEUR",
        ),
    ] {
        let mut all = vec![
            "export",
            "partnerships",
            "--database-url",
            &url,
            "--out",
            missing.to_str().unwrap(),
        ];
        all.extend(args.iter().copied());
        let (code, _, err) = run(&all);
        assert_ne!(code, 0, "{args:?}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!missing.exists());
    }
}

#[test]
fn dedup_lists_candidate_groups_as_json() {
    let dir = Scratch::new("dedup");
    let url = dir.sqlite_url();
    let (code, _, err) = run(&["gen", "--database-url", &url, "--scale", "1"]);
    assert_eq!(code, 0, "{err}");
    let (code, stdout, err) = run(&["dedup", "--database-url", &url, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_slice(&stdout).expect("JSON on stdout");
    for g in v["groups"].as_array().expect("a list of groups") {
        assert!(g["organisations"].as_array().unwrap().len() >= 2);
        for p in g["pairs"].as_array().unwrap() {
            assert!(p["score"].as_u64().unwrap() <= 100);
            assert!(!p["reason"].as_str().unwrap().is_empty());
        }
    }
    let (code, _, err) = run(&["dedup", "--database-url", &url, "--format", "xml"]);
    assert_ne!(code, 0);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

/// Export then import gives back the same data: the registry leaves one database as a
/// French Excel CSV and as XLSX, arrives whole in another through `partinnov import`, and
/// the second export is the first one, identifiers aside. Then the workspace's
/// partnerships make the same trip, each form with its own period.
/// A new database with one owner and one empty workspace `slug`.
fn empty_workspace(url: &str, slug: &str) {
    for args in [
        vec!["migrate", "--database-url", url],
        vec![
            "user",
            "create",
            "--database-url",
            url,
            "--email",
            "dir@example.org",
            "--name",
            "Directrice",
            "--password",
            "motdepasse-long",
        ],
        vec![
            "workspace",
            "create",
            "--database-url",
            url,
            "--slug",
            slug,
            "--name",
            "Réseau",
            "--owner",
            "dir@example.org",
        ],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
}

/// `partinnov export organisations` of `url` in `format` into `out`, which must succeed.
fn export_organisations(url: &str, format: &str, out: &std::path::Path) {
    let (code, _, err) = run(&[
        "export",
        "organisations",
        "--database-url",
        url,
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "export {format}: {err}");
}

/// `partinnov import organisations FILE` into the workspace `reseau` of `url`, with
/// `extra` options: exit code, standard output, standard error.
fn import_organisations(
    url: &str,
    file: &std::path::Path,
    extra: &[&str],
) -> (i32, String, String) {
    let mut args = vec![
        "import",
        "organisations",
        file.to_str().unwrap(),
        "--workspace",
        "reseau",
        "--database-url",
        url,
    ];
    args.extend(extra);
    let (code, stdout, err) = run(&args);
    (code, String::from_utf8_lossy(&stdout).into_owned(), err)
}

#[test]
fn the_registry_travels_in_the_data_inclusion_schema_and_its_rules_are_checked() {
    use partinnov_interop::datainclusion::{Structure, validate};
    let dir = Scratch::new("datainclusion");
    let first = dir.sqlite_url();
    let (code, _, err) = run(&["gen", "--database-url", &first, "--scale", "1"]);
    assert_eq!(code, 0, "{err}");
    let structures = |url: &str, file: &str| -> Vec<Structure> {
        let out = dir.path().join(file);
        export_organisations(url, "datainclusion-json", &out);
        let mut list: Vec<Structure> =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert!(list.iter().all(|s| validate(s).is_empty()));
        // The identifiers and the days of last change are each database's own.
        for s in &mut list {
            s.id.clear();
            s.date_maj = None;
        }
        list.sort_by(|a, b| (&a.nom, &a.siret).cmp(&(&b.nom, &b.siret)));
        list
    };
    let mut original = structures(&first, "structures.json");
    assert!(original.len() > 20);
    // A company's size is not in the national typology: « établissement privé » comes
    // back as an organisation of no particular kind, which is exported without a code.
    let companies = original
        .iter_mut()
        .filter(|s| s.typologie.as_deref() == Some("ETABL_PRI"))
        .map(|s| s.typologie = None)
        .count();
    assert!(companies > 0);
    for (n, format) in ["datainclusion-json", "datainclusion-csv"]
        .into_iter()
        .enumerate()
    {
        let sent = dir.path().join(format!("envoi-{n}"));
        export_organisations(&first, format, &sent);
        let second = format!(
            "sqlite:{}",
            dir.path().join(format!("autre-{n}.sqlite")).display()
        );
        empty_workspace(&second, "reseau");
        let (code, stdout, err) = import_organisations(&second, &sent, &[]);
        assert_eq!(code, 0, "import {format}: {err} {stdout}");
        if format == "datainclusion-json" {
            assert!(stdout.contains("JSON au schéma data·inclusion"), "{stdout}");
        }
        assert_eq!(
            structures(&second, &format!("retour-{n}.json")),
            original,
            "{format}: the same structures after the trip"
        );
    }

    // A file from elsewhere that breaks the schema's rules: each refusal located, nothing
    // written.
    let third = format!("sqlite:{}", dir.path().join("troisieme.sqlite").display());
    empty_workspace(&third, "reseau");
    let broken = dir.path().join("structures-cassees.json");
    std::fs::write(
        &broken,
        r#"{"items": [
  {"id": "a1", "nom": "Envie Rhône", "siret": "13003013300016", "code_postal": 69003, "commune": "Lyon", "typologie": "EI"},
  {"id": "a2", "nom": "AB", "code_postal": "69003", "commune": "Lyon"},
  {"id": "", "nom": "Les Ateliers du Rhône", "code_postal": "69003", "commune": "Lyon"},
  {"id": "a4", "nom": "Régie de quartier.", "code_postal": "69003", "commune": "Lyon",
   "site_web": "www.regie.fr"}
]}"#,
    )
    .unwrap();
    let report = dir.path().join("rapport.json");
    let (code, _, err) =
        import_organisations(&third, &broken, &["--report", report.to_str().unwrap()]);
    assert_ne!(code, 0, "{err}");
    let report = import_report(&report);
    assert_eq!(
        rejected_cells(&report),
        [(3, "nom"), (4, "id"), (5, "nom"), (5, "site_web")],
        "{report:#}"
    );
    assert!(
        report["rejected"][0]["message"]
            .as_str()
            .unwrap()
            .contains("entre 3 et 150 caractères (2 ici) (règle du schéma data·inclusion)")
    );
    assert_eq!(structures(&third, "vide.json"), vec![], "nothing written");
}

#[test]
fn an_exported_registry_imported_elsewhere_gives_back_the_same_data() {
    let dir = Scratch::new("roundtrip");
    let first = dir.sqlite_url();
    let (code, _, err) = run(&["gen", "--database-url", &first, "--scale", "1"]);
    assert_eq!(code, 0, "{err}");
    let export = |url: &str, format: &str, file: &str| {
        let out = dir.path().join(file);
        export_organisations(url, format, &out);
        out
    };
    // Every column but the identifier, row by row, in a stable order.
    let rows = |path: &std::path::Path| -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new().from_path(path).unwrap();
        let id = reader
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "Identifiant")
            .unwrap();
        let mut rows: Vec<String> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                r.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != id)
                    .map(|(_, v)| v.to_owned())
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        rows.sort();
        rows
    };
    let original = rows(&export(&first, "csv", "organisations.csv"));
    assert!(original.len() > 20);
    for (n, (format, file)) in [
        ("csv-excel", "organisations.csv"),
        ("xlsx", "organisations.xlsx"),
    ]
    .into_iter()
    .enumerate()
    {
        let second = format!(
            "sqlite:{}",
            dir.path().join(format!("autre-{n}.sqlite")).display()
        );
        let sent = export(&first, format, &format!("envoi-{file}"));
        empty_workspace(&second, "reseau");
        let (code, stdout, err) = import_organisations(&second, &sent, &[]);
        assert_eq!(code, 0, "import {format}: {err} {stdout}");
        let back = rows(&export(&second, "csv", &format!("retour-{n}.csv")));
        assert_eq!(back, original, "{format}: same registry after the trip");

        // The partnerships of one structure, into the second database's workspace. The
        // team members are not there (their column is left out with a mapping), and the
        // registry already knows each partner by its SIRET.
        let partnerships = |url: &str, slug: &str, format: &str, file: &str| {
            let out = dir.path().join(file);
            let (code, _, err) = run(&[
                "export",
                "partnerships",
                "--database-url",
                url,
                "--workspace",
                slug,
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
            ]);
            assert_eq!(code, 0, "export partnerships: {err}");
            out
        };
        let sent = partnerships(
            &first,
            "structure-1",
            format,
            &format!("envoi-partenariats-{file}"),
        );
        let mapping = dir.path().join("correspondance.json");
        std::fs::write(
            &mapping,
            r#"{"columns": {"Référents": null, "Communes des partenaires": null}}"#,
        )
        .unwrap();
        let (code, stdout, err) = run(&[
            "import",
            "partnerships",
            sent.to_str().unwrap(),
            "--workspace",
            "reseau",
            "--database-url",
            &second,
            "--mapping",
            mapping.to_str().unwrap(),
        ]);
        assert_eq!(
            code,
            0,
            "import partnerships {format}: {err} {}",
            String::from_utf8_lossy(&stdout)
        );
        // What a partnership is, as the export says it; not who holds it nor what the
        // exchanges since made of it.
        let kept = [
            "Intitulé",
            "Partenaires",
            "SIRET des partenaires",
            "Communes des partenaires",
            "Statut",
            "Familles actuelles",
            "Formes",
            "Degré d'implication",
            "Priorité",
            "Potentiel",
            "Moyens",
            "Gouvernance",
            "Notes",
        ];
        let described = |path: &std::path::Path| -> Vec<String> {
            let mut reader = csv::ReaderBuilder::new().from_path(path).unwrap();
            let headers = reader.headers().unwrap().clone();
            let at: Vec<usize> = kept
                .iter()
                .map(|k| {
                    headers
                        .iter()
                        .position(|h| h == *k)
                        .unwrap_or_else(|| panic!("{k}"))
                })
                .collect();
            let mut rows: Vec<String> = reader
                .records()
                .map(|r| {
                    let r = r.unwrap();
                    at.iter().map(|i| &r[*i]).collect::<Vec<_>>().join("|")
                })
                .collect();
            rows.sort();
            rows
        };
        let before = described(&partnerships(
            &first,
            "structure-1",
            "csv",
            "partenariats-avant.csv",
        ));
        let after = described(&partnerships(
            &second,
            "reseau",
            "csv",
            &format!("partenariats-apres-{n}.csv"),
        ));
        assert!(before.len() > 20);
        assert!(
            before.iter().any(|r| r.contains("(depuis le ")),
            "dated forms travel: {before:?}"
        );
        let differ: Vec<(&String, &String)> =
            before.iter().zip(&after).filter(|(a, b)| a != b).collect();
        assert_eq!(
            (after.len(), differ),
            (before.len(), vec![]),
            "{format}: same partnerships after the trip"
        );
    }
}

/// `partinnov sirene import`: the registry's establishments take the stock's address,
/// commune and NAF; the rest of the file is skipped; a file that is not the stock changes
/// nothing.
#[test]
fn sirene_stock_enriches_the_registry_and_a_wrong_file_changes_nothing() {
    let dir = Scratch::new("sirene");
    let url = dir.sqlite_url();
    let (code, _, err) = run(&["gen", "--database-url", &url, "--scale", "1"]);
    assert_eq!(code, 0, "{err}");
    let registry = |url: &str| -> serde_json::Value {
        let (code, stdout, err) = run(&[
            "export",
            "organisations",
            "--database-url",
            url,
            "--format",
            "json",
            "--out",
            "-",
        ]);
        assert_eq!(code, 0, "{err}");
        serde_json::from_slice(&stdout).unwrap()
    };
    let before = registry(&url);
    let siret = before
        .as_array()
        .unwrap()
        .iter()
        .find_map(|o| o["siret"].as_str())
        .expect("a SIRET in the generated registry")
        .to_owned();
    let header = "siren,nic,siret,statutDiffusionEtablissement,etablissementSiege,numeroVoieEtablissement,indiceRepetitionEtablissement,typeVoieEtablissement,libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,codeCommuneEtablissement,etatAdministratifEtablissement,activitePrincipaleEtablissement";
    let mut stock = format!("{header}\n");
    for i in 0..5_000u64 {
        stock.push_str(&format!(
            "{:09},{:05},{:014},O,false,1,,RUE,DU TEST,01000,BOURG,01053,A,62.01Z\n",
            i,
            i,
            10_000_000_000_000 + i
        ));
    }
    // Named twice (an older line first): the last line counts, and nothing is stale.
    for street in ["DES ROSES", "DES LILAS"] {
        stock.push_str(&format!(
            "{},{},{siret},O,true,12,B,RUE,{street},01300,BELLEY,01034,A,88.10B\n",
            &siret[..9],
            &siret[9..]
        ));
    }
    let file = dir.path().join("StockEtablissement_utf8.csv");
    std::fs::write(&file, stock).unwrap();
    let (code, stdout, err) = run(&[
        "sirene",
        "import",
        file.to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    assert_eq!(code, 0, "{err}");
    let said = String::from_utf8_lossy(&stdout);
    assert!(said.contains("5002 lignes lues"), "{said}");
    assert!(said.contains("1 fiches mises à jour"), "{said}");
    let after = registry(&url);
    let org = after
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["siret"] == siret.as_str())
        .unwrap();
    assert_eq!(org["address"], "12 B RUE DES LILAS");
    assert_eq!(org["commune"], "Belley");
    assert_eq!(org["naf"], "88.10B");
    assert_eq!(org["head_office"], true);

    // Not the stock: one line, non-zero, registry unchanged.
    let wrong = dir.path().join("liste.csv");
    std::fs::write(&wrong, "nom;siret\nEnvie;12345678900011\n").unwrap();
    let (code, _, err) = run(&[
        "sirene",
        "import",
        wrong.to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    assert_ne!(code, 0);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("colonne « siret »"), "{err}");
    assert_eq!(registry(&url), after);
}
