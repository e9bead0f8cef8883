//! `partinnov import` on real files, with the real binary: the director's Excel list
//! (Windows-1252, `;`, French headers, duplicates, bad SIRETs), a re-import that changes
//! nothing, a real XLSX with number and date cells, and files that are not tables.

// Each test binary uses its own part of the shared module.
#[allow(dead_code)]
mod support;

use partinnov_store::{
    DatabaseUrl, Store, organisations::OrganisationQuery, partnerships::PartnershipQuery,
    users::NewUser, workspaces::NewWorkspace,
};
use support::{Scratch, bin, import_report as report, rejected_cells};

/// A database with one workspace `aci` owned by `direction@exemple.fr`, and its scope.
async fn setup(url: &str) -> (Store, partinnov_store::WorkspaceScope) {
    let store = Store::open(&DatabaseUrl::parse(url).unwrap())
        .await
        .unwrap();
    let owner = store
        .create_user(NewUser {
            email: "direction@exemple.fr",
            name: "Élise Direction",
            password: "motdepasse-long",
            is_admin: false,
        })
        .await
        .unwrap();
    store
        .create_workspace(
            owner,
            &NewWorkspace {
                slug: "aci".into(),
                name: "ACI du Lac".into(),
                organisation_id: None,
                dormant_months: 12,
            },
        )
        .await
        .unwrap();
    let caller = partinnov_store::Caller {
        user_id: owner,
        name: "Élise Direction".into(),
        email: "direction@exemple.fr".into(),
        is_admin: false,
        only_workspace: None,
        read_only: false,
    };
    let scope = store.scope(&caller, "aci").await.unwrap();
    (store, scope)
}

fn import(url: &str, args: &[&str]) -> (i32, String, String) {
    let out = bin()
        .arg("import")
        .args(args)
        .args(["--workspace", "aci", "--database-url", url])
        .output()
        .expect("run partinnov");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn organisations(store: &Store) -> i64 {
    store
        .organisations(&OrganisationQuery::default())
        .await
        .unwrap()
        .total
}

/// The list the team kept in Excel, saved as "CSV (séparateur : point-virgule)".
fn director_list() -> Vec<u8> {
    let text = "Raison sociale;N° SIRET;Code postal;Ville;Forme(s) de partenariat;Date de début;Statut;Commentaires\r\n\
Boulangerie Éole;732 829 320 00074;1000;Bourg-en-Bresse;Don en nature, PMSMP;15/03/2021;actif;\"Tissus donnés; contact: Mme Roux\"\r\n\
SARL Les Jardins d'Anjou;;49000;Angers;achats responsables;01/09/2020;;\r\n\
;;;;;;;\r\n\
Jardins d'Anjou (Les);;49000;Angers;sous-traitance;;;doublon\r\n\
Garage Martin;123 456 789 00012;49100;Angers;recrutement;;;\r\n\
Envie Autonomie;;49000;Angers;mécénat de compétences;01/02/2022;en cours;\r\n\
Envie Anjou;;49000;Angers;sous-traitance;03/04/2019;terminé;\r\n\
Menuiserie Dupré;12345;49000;Angers;;;;\r\n";
    let (bytes, _, bad) = encoding_rs_like_cp1252(text);
    assert!(!bad);
    bytes
}

/// Windows-1252 encoding of French text (the characters used here are all in Latin-1).
fn encoding_rs_like_cp1252(text: &str) -> (Vec<u8>, (), bool) {
    let mut bad = false;
    let bytes = text
        .chars()
        .map(|c| {
            let n = c as u32;
            if n < 256 {
                n as u8
            } else {
                bad = true;
                b'?'
            }
        })
        .collect();
    (bytes, (), bad)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directors_list_is_reported_row_by_row_then_imported_and_a_reimport_changes_nothing() {
    let dir = Scratch::new("import");
    let url = dir.sqlite_url();
    let (store, scope) = setup(&url).await;
    let file = dir.path().join("entreprises rencontrées.csv");
    std::fs::write(&file, director_list()).unwrap();
    let report_path = dir.path().join("rapport.json");
    let f = file.to_str().unwrap();
    let r = report_path.to_str().unwrap();

    // Rejected rows, no --skip-invalid: the report, one error line, exit 1, nothing written.
    let (code, out, err) = import(&url, &["partnerships", f, "--report", r]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("rien n'a été importé") && err.contains("--skip-invalid"),
        "{err}"
    );
    assert!(
        out.contains("Windows-1252, séparateur point-virgule"),
        "{out}"
    );
    assert_eq!(organisations(&store).await, 0);
    let rep = report(&report_path);
    let keys: Vec<&str> = rep
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["created", "rejected", "rows", "unchanged", "updated"]
    );
    assert_eq!(rep["rows"], 7, "the empty line is not a row");
    let rejected = rejected_cells(&rep);
    assert_eq!(
        rejected,
        [(5, "Raison sociale"), (6, "N° SIRET"), (9, "N° SIRET")],
        "{rep:#}"
    );
    let siret = &rep["rejected"][1];
    assert_eq!(siret["value"], "123 456 789 00012");
    assert!(
        siret["message"]
            .as_str()
            .unwrap()
            .contains("clé de contrôle")
    );
    assert!(
        rep["rejected"][0]["message"]
            .as_str()
            .unwrap()
            .contains("doublon de la ligne 3")
    );
    assert!(
        rep["rejected"][2]["message"]
            .as_str()
            .unwrap()
            .contains("5 chiffres au lieu de 14")
    );

    // The valid rows.
    let (code, out, err) = import(&url, &["partnerships", f, "--skip-invalid", "--report", r]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("7 lignes : 4 créées, 0 mises à jour, 0 inchangées, 3 refusées"),
        "{out}"
    );
    let rep = report(&report_path);
    assert_eq!(
        (rep["created"].as_u64(), rep["unchanged"].as_u64()),
        (Some(4), Some(0))
    );
    assert_eq!(organisations(&store).await, 4);
    let list = store
        .partnerships(
            &scope,
            &PartnershipQuery {
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let eole = list
        .items
        .iter()
        .find(|p| p.data.title == "Boulangerie Éole")
        .unwrap();
    assert_eq!(
        eole.partner_refs[0].commune_name.as_deref(),
        Some("Bourg-en-Bresse")
    );
    assert_eq!(eole.data.notes, "Tissus donnés; contact: Mme Roux");
    assert_eq!(eole.data.forms.len(), 2);
    let ended = list
        .items
        .iter()
        .find(|p| p.data.title == "Envie Anjou")
        .unwrap();
    assert_eq!(ended.data.status.as_str(), "termine");

    // Re-importing the same file: every valid row unchanged, nothing written.
    let history = store
        .partnership_history(&scope, eole.id)
        .await
        .unwrap()
        .len();
    let (code, out, _) = import(&url, &["partnerships", f, "--skip-invalid", "--report", r]);
    assert_eq!(code, 0, "{out}");
    let rep = report(&report_path);
    assert_eq!(
        (
            rep["created"].as_u64(),
            rep["updated"].as_u64(),
            rep["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(4))
    );
    assert_eq!(
        store
            .partnership_history(&scope, eole.id)
            .await
            .unwrap()
            .len(),
        history
    );
    assert_eq!(organisations(&store).await, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_xlsx_with_numbers_dates_and_a_formula_imports_organisations() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
    let dir = Scratch::new("import-xlsx");
    let url = dir.sqlite_url();
    let (store, _) = setup(&url).await;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (i, h) in [
        "Dénomination",
        "SIRET",
        "CP",
        "Commune",
        "Date de début",
        "Effectif",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, i as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "Boulangerie Éole").unwrap();
    // Typed as numbers by the spreadsheet: the SIRET and a postcode without its zero.
    sheet.write_number(1, 1, 73_282_932_000_074.0).unwrap();
    sheet.write_number(1, 2, 1000.0).unwrap();
    sheet.write_string(1, 3, "Bourg-en-Bresse").unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .write_datetime_with_format(1, 4, ExcelDateTime::from_ymd(2021, 3, 15).unwrap(), &date)
        .unwrap();
    sheet.write_string(2, 0, "Ferme du Lac").unwrap();
    sheet
        .write_formula(2, 2, Formula::new("=49000+0").set_result("49000"))
        .unwrap();
    sheet.write_string(2, 3, "Angers").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let file = dir.path().join("liste.xlsx");
    std::fs::write(&file, &bytes).unwrap();
    let (code, out, err) = import(&url, &["organisations", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("classeur Excel (XLSX)"), "{out}");
    assert!(out.contains("2 lignes : 2 créées"), "{out}");
    let page = store
        .organisations(&OrganisationQuery {
            per_page: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    let eole = page
        .items
        .iter()
        .find(|o| o.data.name == "Boulangerie Éole")
        .unwrap();
    assert_eq!(eole.data.siret.as_ref().unwrap().as_str(), "73282932000074");
    assert_eq!(eole.data.postcode.as_deref(), Some("01000"));
    let ferme = page
        .items
        .iter()
        .find(|o| o.data.name == "Ferme du Lac")
        .unwrap();
    assert_eq!(ferme.data.territory.as_ref().unwrap().commune_code, "49007");

    // The same workbook cut in the middle: a clear error, nothing written.
    let cut = dir.path().join("coupé.xlsx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (code, _, err) = import(&url, &["organisations", cut.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("classeur illisible"), "{err}");
    assert_eq!(organisations(&store).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_that_are_not_tables_are_refused_in_one_line_and_change_nothing() {
    let dir = Scratch::new("import-bad");
    let url = dir.sqlite_url();
    let (store, _) = setup(&url).await;
    let junk = dir.path().join("photo.csv");
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&junk, bytes).unwrap();
    let header_only = dir.path().join("vide.csv");
    std::fs::write(&header_only, "Raison sociale;SIRET\r\n").unwrap();
    let one_line = dir.path().join("une-ligne.csv");
    std::fs::write(&one_line, "a".repeat(3 * 1024 * 1024)).unwrap();
    let no_name = dir.path().join("colonnes.csv");
    std::fs::write(&no_name, "Ville;CP\nAngers;49000\n").unwrap();
    for (file, kind, expected) in [
        (&junk, "organisations", "contenu binaire"),
        (&header_only, "organisations", "que la ligne d'en-tête"),
        (&one_line, "organisations", "ligne de plus de 1 Mo"),
        (&no_name, "organisations", "aucune colonne ne donne le nom"),
    ] {
        let (code, out, err) = import(&url, &[kind, file.to_str().unwrap()]);
        assert_eq!(code, 1, "{file:?}: {out}{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(expected), "{file:?}: {err}");
    }
    let (code, _, err) = import(&url, &["organisations", "/nulle/part.csv"]);
    assert_eq!(code, 1);
    assert!(err.contains("impossible d'ouvrir"), "{err}");
    let (code, _, err) = bin()
        .args([
            "import",
            "organisations",
            header_only.to_str().unwrap(),
            "--workspace",
            "inconnu",
            "--database-url",
            &url,
        ])
        .output()
        .map(|o| {
            (
                o.status.code().unwrap_or(-1),
                (),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert_eq!(code, 1);
    assert!(
        err.contains("que la ligne d'en-tête") || err.contains("espace inconnu"),
        "{err}"
    );
    assert_eq!(organisations(&store).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_mapping_names_the_columns_a_header_does_not() {
    let dir = Scratch::new("import-mapping");
    let url = dir.sqlite_url();
    let (store, _) = setup(&url).await;
    let file = dir.path().join("export-crm.csv");
    std::fs::write(
        &file,
        "Col A,Col B,Col C\n\"Ferme du Lac\",Angers,Sans intérêt\n\"Boulangerie Éole\",Bourg-en-Bresse,x\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    // Without a mapping, no column says what the organisation is called.
    let (code, _, err) = import(&url, &["organisations", f]);
    assert_eq!(code, 1);
    assert!(err.contains("Col A, Col B, Col C"), "{err}");
    let mapping = dir.path().join("correspondance.json");
    std::fs::write(
        &mapping,
        r#"{"columns": {"Col A": "name", "col b": "commune", "Col C": null}}"#,
    )
    .unwrap();
    let m = mapping.to_str().unwrap();
    let (code, out, err) = import(&url, &["organisations", f, "--mapping", m]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2 créées"), "{out}");
    assert_eq!(organisations(&store).await, 2);
    std::fs::write(&mapping, r#"{"columns": {"Col A": "licorne"}}"#).unwrap();
    let (code, _, err) = import(&url, &["organisations", f, "--mapping", m]);
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1);
    assert!(err.contains("correspondance illisible"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcomes_from_a_spreadsheet_land_on_the_partnership_and_are_classified() {
    let dir = Scratch::new("import-outcomes");
    let url = dir.sqlite_url();
    let (store, scope) = setup(&url).await;
    let partners = dir.path().join("partenaires.csv");
    std::fs::write(
        &partners,
        "Raison sociale;CP;Ville;Forme(s) de partenariat\nMondial Tissus;49000;Angers;don en nature\n",
    )
    .unwrap();
    let (code, out, err) = import(&url, &["partnerships", partners.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");

    let sheet = dir.path().join("suivi des sorties.csv");
    std::fs::write(
        &sheet,
        "Partenaire;Référence;Type;Date;Contrat;Durée\n\
Mondial Tissus;P-001;embauche;01/04/2026;CDD;4 mois\n\
Mondial Tissus;P-002;embauche;01/04/2026;CDD;4 lunes\n",
    )
    .unwrap();
    let (f, report_path) = (sheet.to_str().unwrap(), dir.path().join("rapport.json"));
    let r = report_path.to_str().unwrap();
    let (code, out, err) = import(&url, &["outcomes", f, "--report", r]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let rep = report(&report_path);
    assert_eq!(
        (rep["rows"].as_u64(), rep["created"].as_u64()),
        (Some(2), Some(1)),
        "{rep:#}"
    );
    assert_eq!(rep["rejected"][0]["line"], 3);
    assert_eq!(rep["rejected"][0]["column"], "Durée");
    assert_eq!(rep["rejected"][0]["value"], "4 lunes");

    let (code, out, err) = import(&url, &["outcomes", f, "--skip-invalid", "--report", r]);
    assert_eq!(code, 0, "{out}{err}");
    let partnership = store
        .partnerships(&scope, &PartnershipQuery::default())
        .await
        .unwrap()
        .items
        .remove(0);
    let outcomes = store.outcomes(&scope, partnership.id).await.unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].data.person_ref.as_str(), "P-001");
    assert_eq!(
        outcomes[0].category.map(|c| c.as_str()),
        Some("emploi_transition"),
        "a CDD of four months is a transition job"
    );
    let (code, _, _) = import(&url, &["outcomes", f, "--skip-invalid", "--report", r]);
    assert_eq!(code, 0);
    assert_eq!(report(&report_path)["unchanged"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mapping_saved_in_the_workspace_is_applied_by_name() {
    let dir = Scratch::new("import-saved-mapping");
    let url = dir.sqlite_url();
    let (store, scope) = setup(&url).await;
    store
        .save_import_mapping(
            &scope,
            "organisations",
            "Liste du réseau",
            r#"{"columns": {"Adhérent": "name", "Localité": "commune", "Divers": null}}"#,
        )
        .await
        .unwrap();
    let file = dir.path().join("reseau.csv");
    std::fs::write(&file, "Adhérent;Localité;Divers\nGarage Martin;Angers;x\n").unwrap();
    let f = file.to_str().unwrap();
    let (code, _, err) = import(&url, &["organisations", f]);
    assert_ne!(code, 0, "no header is known without the mapping");
    assert_eq!(err.lines().count(), 1, "{err}");
    let (code, _, err) = import(&url, &["organisations", f, "--saved-mapping", "Autre"]);
    assert_ne!(code, 0);
    assert!(err.contains("aucune correspondance « Autre »"), "{err}");
    assert_eq!(organisations(&store).await, 0);
    let (code, out, err) = import(
        &url,
        &["organisations", f, "--saved-mapping", "Liste du réseau"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(organisations(&store).await, 1);
}
