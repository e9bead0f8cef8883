//! Downloads: every row a person may see that matches the list's filters (all pages, never
//! another workspace's), as CSV, "Excel français" CSV, XLSX or JSON; the registry in the
//! data·inclusion schema; the dashboard's figures. Bad formats are refused by name.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::*;
use partinnov_domain::typology::Form;
use partinnov_interop::datainclusion::{Structure, validate};
use partinnov_store::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn bytes(app: &TestApp, token: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
    let r = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    let status = r.status();
    let disposition = r
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, disposition, r.bytes().await.expect("body").to_vec())
}

partinnov_store::dual_test!(
    a_filtered_export_holds_every_matching_row_of_every_page_and_nothing_else,
    |db| {
        let app = spawn(&db.store).await;
        let me = person(&db.store, "atelier", "Claire").await;
        let other = person(&db.store, "voisin", "Paul").await;
        let org = organisation(&db.store, "Mondial Tissus", 1).await;
        // 60 sponsorships (more than one page of the list) and 3 purchases.
        for i in 0..60 {
            partnership(
                &db.store,
                &me,
                &draft(&format!("Don n°{i:02}"), org, Form::MecenatNature),
            )
            .await;
        }
        for i in 0..3 {
            partnership(
                &db.store,
                &me,
                &draft(&format!("Achat {i}"), org, Form::AchatsResponsables),
            )
            .await;
        }
        partnership(
            &db.store,
            &other,
            &draft("Secret du voisin", org, Form::MecenatNature),
        )
        .await;

        let (status, disposition, body) = bytes(
            &app,
            &me.token,
            "/api/v1/workspaces/atelier/partnerships/export?format=csv-excel&form=mecenat_nature",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            disposition.contains("partenariats-atelier.csv"),
            "{disposition}"
        );
        assert!(body.starts_with(b"\xEF\xBB\xBF"), "BOM for French Excel");
        let text = String::from_utf8(body[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
        assert!(lines[0].starts_with("Identifiant;Intitulé;Partenaires;SIRET des partenaires"));
        assert_eq!(lines.len(), 61, "header + 60 rows, not the first 50");
        assert!(lines.iter().all(|l| !l.contains("Achat")));
        assert!(!text.contains("Secret du voisin"));
        assert!(
            text.contains(";mécénat en nature (depuis le 15/01/2024);"),
            "{}",
            lines[1]
        );

        // Another workspace's export is as unreachable as its list.
        let (status, _, _) = bytes(
            &app,
            &me.token,
            "/api/v1/workspaces/voisin/partnerships/export",
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
);

partinnov_store::dual_test!(xlsx_has_typed_cells_and_a_frozen_header, |db| {
    let app = spawn(&db.store).await;
    let me = person(&db.store, "atelier", "Claire").await;
    let org = organisation(&db.store, "Envie Rhône", 2).await;
    let id = partnership(
        &db.store,
        &me,
        &draft("Collecte D3E", org, Form::SousTraitance),
    )
    .await;
    let (status, disposition, body) = bytes(
        &app,
        &me.token,
        "/api/v1/workspaces/atelier/partnerships/export?format=xlsx",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.ends_with(".xlsx\""), "{disposition}");
    let mut book = Xlsx::new(std::io::Cursor::new(body.clone())).expect("a workbook");
    let range = book.worksheet_range("Partenariats").expect("the sheet");
    assert_eq!(range.get((0, 1)), Some(&Data::String("Intitulé".into())));
    assert_eq!(
        range.get((1, 0)),
        Some(&Data::Float(id.0 as f64)),
        "ids are numbers"
    );
    assert_eq!(
        range.get((1, 1)),
        Some(&Data::String("Collecte D3E".into()))
    );
    assert!(
        matches!(range.get((1, 13)), Some(Data::Bool(false))),
        "dormant is a boolean: {:?}",
        range.get((1, 13))
    );
    assert!(
        matches!(range.get((1, 17)), Some(Data::DateTime(_))),
        "the update day is a date: {:?}",
        range.get((1, 17))
    );
    // The header row stays on screen when scrolling.
    let sheet_xml = unzip_entry(&body, "xl/worksheets/sheet1.xml");
    assert!(sheet_xml.contains("ySplit=\"1\""), "frozen first row");
});

/// One file of the XLSX zip, read with calamine's own zip dependency.
fn unzip_entry(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = String::new();
    zip.by_name(name)
        .expect("entry")
        .read_to_string(&mut out)
        .expect("utf-8");
    out
}

partinnov_store::dual_test!(the_registry_goes_out_in_the_data_inclusion_schema, |db| {
    let app = spawn(&db.store).await;
    let me = person(&db.store, "atelier", "Claire").await;
    organisation(&db.store, "Tremplin Insertion.", 3).await;
    organisation(&db.store, "Boutique Boulot", 4).await;
    let a = app
        .get(
            &me.token,
            "/api/v1/organisations/export?format=datainclusion-json&q=tremplin",
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let list: Vec<Structure> = serde_json::from_value(a.json.clone()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].nom, "Tremplin Insertion", "no final full stop");
    assert_eq!(list[0].siret.as_deref().map(str::len), Some(14));
    assert_eq!(validate(&list[0]), vec![]);

    let csv = app
        .get(
            &me.token,
            "/api/v1/organisations/export?format=datainclusion-csv",
        )
        .await;
    let header = csv.text.lines().next().unwrap();
    assert!(
        header.starts_with("id,source,nom,siret,commune,code_postal,code_insee"),
        "{header}"
    );
    assert_eq!(csv.text.lines().count(), 3);

    // The data·inclusion formats exist for the registry only.
    let refused = app
        .get(
            &me.token,
            "/api/v1/workspaces/atelier/partnerships/export?format=datainclusion-json",
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.error_fields(), ["format"]);
});

partinnov_store::dual_test!(
    a_reader_downloads_from_the_page_with_the_lists_filters,
    |db| {
        let app = spawn(&db.store).await;
        let owner = person(&db.store, "atelier", "Claire").await;
        let reader = create_user(&db.store, "lecteur@example.org", "Léa").await;
        add_member(&db.store, owner.workspace, reader, Role::Reader).await;
        let org = organisation(&db.store, "Mondial Tissus", 1).await;
        partnership(
            &db.store,
            &owner,
            &draft("Tissus", org, Form::MecenatNature),
        )
        .await;
        partnership(
            &db.store,
            &owner,
            &draft("Achats", org, Form::AchatsResponsables),
        )
        .await;
        let b = app.sign_in("lecteur@example.org").await;
        let list = app
            .page(&b, "/espaces/atelier/partenariats?family=mecenat")
            .await;
        // The list offers the download with the same filters.
        assert!(
            list.html()
                .contains("/espaces/atelier/partenariats/export?family=mecenat&format=xlsx"),
            "download link keeps the filters: {}",
            list.html()
        );
        let json = app
            .page(
                &b,
                "/espaces/atelier/partenariats/export?family=mecenat&format=json",
            )
            .await;
        assert_eq!(json.status, StatusCode::OK);
        let rows = json.json.as_array().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["title"], "Tissus");
        assert_eq!(rows[0]["partners"], "Mondial Tissus");

        let bad = app
            .page(&b, "/espaces/atelier/partenariats/export?format=pdf")
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.html().contains("Format inconnu"), "{}", bad.text);
    }
);

partinnov_store::dual_test!(dashboard_figures_export_as_one_sheet_per_table, |db| {
    let app = spawn(&db.store).await;
    let me = person(&db.store, "atelier", "Claire").await;
    let org = organisation(&db.store, "Grand Acheteur", 31).await;
    let p = partnership(
        &db.store,
        &me,
        &draft("Ventes", org, Form::RelationCommerciale),
    )
    .await;
    let path = format!("/api/v1/partnerships/{}/flows", p.0);
    let sale = app
        .post(
            &me.token,
            &path,
            &json!({"kind": "vente", "year": 2026, "amount": "12 345,67"}),
        )
        .await;
    assert_eq!(sale.status, StatusCode::CREATED, "{}", sale.text);
    let a = app
        .get(
            &me.token,
            "/api/v1/workspaces/atelier/dashboard/export?format=json&from=2026-01-01&to=2026-12-31",
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let flows = &a.json["Flux"];
    assert_eq!(flows[0]["year"], 2026);
    assert_eq!(flows[0]["amount"], "12345.67", "exact cents");
    let revenue = &a.json["CA par partenaire"];
    assert_eq!(revenue[0]["partner"], "Grand Acheteur");
    let summary = a.json["Synthèse"].as_array().unwrap();
    assert!(
        summary
            .iter()
            .any(|r| r["indicator"] == "Début de la période" && r["value"] == "2026-01-01")
    );
    let (status, _, body) = bytes(
        &app,
        &me.token,
        "/api/v1/workspaces/atelier/dashboard/export?format=xlsx&from=2026-01-01&to=2026-12-31",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let book = Xlsx::new(std::io::Cursor::new(body)).expect("workbook");
    assert_eq!(
        book.sheet_names(),
        [
            "Synthèse",
            "Événements",
            "Sorties",
            "Flux",
            "CA par partenaire"
        ]
    );
    let _: Value = a.json;
});

partinnov_store::dual_test!(
    a_partnership_with_several_partners_travels_through_an_export_and_an_import,
    |db| {
        let app = spawn(&db.store).await;
        let me = person(&db.store, "atelier", "Claire").await;
        let neighbour = person(&db.store, "voisin", "Paul").await;
        let tissus = organisation(&db.store, "Mondial Tissus", 1).await;
        // The first partner has no SIRET and the second no commune: each column keeps
        // every value in its partner's place. Without a SIRET, the mairie is found again
        // by its name in its commune.
        let loader = db.store.loader().await.unwrap();
        let mairie = loader
            .organisation(&partinnov_store::organisations::OrganisationDraft {
                name: "Mairie de Vaux".into(),
                head_office: true,
                territory: Some(partinnov_store::organisations::Territory {
                    commune_code: "01053".into(),
                    commune_name: "Bourg-en-Bresse".into(),
                    epci_code: None,
                    departement_code: "01".into(),
                    region_code: "84".into(),
                }),
                ..Default::default()
            })
            .await
            .unwrap();
        loader.commit().await.unwrap();
        let mut d = draft("Achats groupés", mairie, Form::AchatsResponsables);
        d.partners.push(tissus);
        partnership(&db.store, &me, &d).await;

        let (status, _, body) = bytes(
            &app,
            &me.token,
            "/api/v1/workspaces/atelier/partnerships/export?format=csv-excel",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let text = String::from_utf8_lossy(&body).into_owned();
        let siret = partinnov_domain::identity::synthetic_siret(1);
        assert!(
            text.contains(&format!(
                "Mairie de Vaux; Mondial Tissus\";\"; {siret}\";\"Bourg-en-Bresse; \""
            )),
            "{text}"
        );

        // Imported by another structure of the network: the same two organisations.
        let imported = post_file(
            &app,
            &neighbour.token,
            "/api/v1/workspaces/voisin/imports/partnerships",
            body,
        )
        .await;
        assert_eq!(imported.status, StatusCode::OK, "{}", imported.text);
        let list = app
            .get(&neighbour.token, "/api/v1/workspaces/voisin/partnerships")
            .await;
        let partners: Vec<i64> = list.json["items"][0]["partners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
        assert_eq!(partners, [mairie.0, tissus.0]);
        assert_eq!(list.json["items"][0]["title"], "Achats groupés");
    }
);
