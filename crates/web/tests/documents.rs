//! Documents: the capitalisation sheet of a partnership (notes, downloads in PDF, DOCX and
//! ODT), the cartography of a workspace, and all the sheets as a ZIP made in the
//! background. Downloads are checked by opening them: the PDF's header and page objects,
//! the DOCX and ODT parts parsed as XML with the partner's name, figures and the
//! "à compléter" of empty fields.

mod common;

use common::*;
use partinnov_domain::typology::Form;
use reqwest::StatusCode;
use serde_json::json;

/// A workspace with one partnership with Caisse d'Épargne, a donation and a hire.
async fn setup(db: &partinnov_store::testing::TestDb) -> (TestApp, Person, i64) {
    let app = spawn(&db.store).await;
    let me = person(&db.store, "envie", "Claire Envie").await;
    let ce = organisation(&db.store, "Caisse d'Épargne Grand Est Europe", 7).await;
    let p = partnership(
        &db.store,
        &me,
        &draft(
            "Soutien aux activités de recyclage",
            ce,
            Form::MecenatFinancier,
        ),
    )
    .await;
    let flow = app
        .post(
            &me.token,
            &format!("/api/v1/partnerships/{}/flows", p.0),
            &json!({"kind": "don_financier", "year": 2025, "amount": "12 500"}),
        )
        .await;
    assert_eq!(flow.status, StatusCode::CREATED, "{}", flow.text);
    (app, me, p.0)
}

/// The text runs of an XML part, joined: what a word processor shows (no-break spaces
/// read as spaces).
fn xml_text(xml: &str) -> String {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("")
        .replace(['\u{a0}', '\u{202f}'], " ")
}

partinnov_store::dual_test!(
    a_sheet_names_both_parties_and_what_the_team_learnt_in_every_format,
    |db| {
        let (app, me, p) = setup(&db).await;
        let put = app
            .put(
                &me.token,
                &format!("/api/v1/partnerships/{p}/capitalisation"),
                &json!({"success_factors": "Un administrateur de la Caisse siège au conseil d'Envie.",
                        "outlook": "Poursuivre le partenariat dans la durée.", "version": 0}),
            )
            .await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.text);
        assert_eq!(put.json["version"], 1);

        let (status, kind, pdf) = download(
            &app,
            Auth::Token(&me.token),
            &format!("/api/v1/partnerships/{p}/sheet"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(kind, "application/pdf");
        assert!(pdf.starts_with(b"%PDF-"), "a PDF");
        let text = pdf_extract::extract_text_from_mem(&pdf)
            .expect("the PDF reads back")
            .replace(['\u{a0}', '\u{202f}'], " ");
        assert!(text.contains("Épargne Grand Est Europe"), "{text}");
        assert!(text.contains("12 500 €"), "{text}");
        assert!(text.contains("Facteurs clés de succès"), "{text}");

        let (status, _, docx) = download(
            &app,
            Auth::Token(&me.token),
            &format!("/api/v1/partnerships/{p}/sheet?format=docx"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let text = xml_text(&zip_text(&docx, "word/document.xml"));
        assert!(text.contains("Épargne Grand Est Europe"), "{text}");
        assert!(text.contains("administrateur de la Caisse"), "{text}");
        assert!(text.contains("Poursuivre le partenariat"), "{text}");
        // The workspace's structure is not in the registry, difficulties are not written.
        assert!(text.contains("à compléter"), "{text}");
        assert!(text.contains("12 500 €"), "the donation: {text}");

        let (status, kind, odt) = download(
            &app,
            Auth::Token(&me.token),
            &format!("/api/v1/partnerships/{p}/sheet?format=odt"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(kind, "application/vnd.oasis.opendocument.text");
        let text = xml_text(&zip_text(&odt, "content.xml"));
        assert!(text.contains("Épargne Grand Est Europe"), "{text}");
        assert!(text.contains("Facteurs clés de succès"), "{text}");

        let bad = app
            .get(
                &me.token,
                &format!("/api/v1/partnerships/{p}/sheet?format=rtf"),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    }
);

partinnov_store::dual_test!(
    notes_are_saved_from_the_page_and_a_late_save_shows_both_versions,
    |db| {
        let (app, me, p) = setup(&db).await;
        let b = app.sign_in(&me.email).await;
        let path = format!("/espaces/envie/partenariats/{p}/fiche");
        let page = app.page(&b, &path).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.html();
        assert!(html.contains("Fiche de capitalisation"), "{html}");
        assert!(
            html.contains("encore à compléter"),
            "missing fields are counted"
        );
        assert!(html.contains("fiche/telecharger?format=docx"));
        let csrf = csrf_in(&page.text).unwrap();

        let saved = app
            .submit(
                &b,
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", "0"),
                    ("success_factors", "La confiance entre les directions."),
                    ("difficulties", ""),
                    ("outlook", ""),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
        assert!(
            app.page(&b, &path)
                .await
                .html()
                .contains("La confiance entre les directions.")
        );

        // A second person's form, read at version 0, is now stale.
        let late = app
            .submit(
                &b,
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", "0"),
                    ("success_factors", "Un calendrier tenu."),
                    ("difficulties", ""),
                    ("outlook", ""),
                ],
            )
            .await;
        assert_eq!(late.status, StatusCode::CONFLICT);
        let html = late.html();
        assert!(
            html.contains("La confiance entre les directions."),
            "saved value shown"
        );
        assert!(html.contains("Un calendrier tenu."), "typed value kept");
        let notes = app
            .get(
                &me.token,
                &format!("/api/v1/partnerships/{p}/capitalisation"),
            )
            .await;
        assert_eq!(
            notes.json["success_factors"],
            "La confiance entre les directions."
        );
        assert_eq!(notes.header("etag"), "\"1\"");

        // Too long: the message sits by the field and nothing changes.
        let long = "x".repeat(20_001);
        let refused = app
            .submit(
                &b,
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", "1"),
                    ("success_factors", "court"),
                    ("difficulties", &long),
                    ("outlook", ""),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text.contains("id=\"difficulties-error\""));
        assert!(refused.html().contains("20 000 caractères"));
        let notes = app
            .get(
                &me.token,
                &format!("/api/v1/partnerships/{p}/capitalisation"),
            )
            .await;
        assert_eq!(notes.json["version"], 1);
    }
);

partinnov_store::dual_test!(
    notes_and_sheets_stay_inside_their_workspace_and_readers_cannot_write,
    |db| {
        let (app, me, p) = setup(&db).await;
        let other = person(&db.store, "autre", "Paul Autre").await;
        for path in [
            format!("/api/v1/partnerships/{p}/sheet"),
            format!("/api/v1/partnerships/{p}/capitalisation"),
        ] {
            let a = app.get(&other.token, &path).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}");
        }
        let b = app.sign_in(&other.email).await;
        let page = app
            .page(&b, &format!("/espaces/envie/partenariats/{p}/fiche"))
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let put = app
            .put(
                &other.token,
                &format!("/api/v1/partnerships/{p}/capitalisation"),
                &json!({"success_factors": "intrus", "version": 0}),
            )
            .await;
        assert_eq!(put.status, StatusCode::NOT_FOUND);

        let reader = create_user(&db.store, "lecteur@example.org", "Léa Lectrice").await;
        add_member(
            &db.store,
            me.workspace,
            reader,
            partinnov_store::Role::Reader,
        )
        .await;
        let token = create_token(&db.store, reader, false).await;
        let put = app
            .put(
                &token,
                &format!("/api/v1/partnerships/{p}/capitalisation"),
                &json!({"success_factors": "lecture seule", "version": 0}),
            )
            .await;
        assert_eq!(put.status, StatusCode::FORBIDDEN, "{}", put.text);
        // With If-Match on a stale version: 412.
        let stale = app
            .client
            .put(app.url(&format!("/api/v1/partnerships/{p}/capitalisation")))
            .bearer_auth(&me.token)
            .header("if-match", "\"3\"")
            .json(&json!({"outlook": "plus tard"}))
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    }
);

partinnov_store::dual_test!(
    every_sheet_of_a_workspace_comes_as_one_zip_made_in_the_background,
    |db| {
        let (app, me, _) = setup(&db).await;
        for (i, name) in ["Mondial Tissus", "Protim"].into_iter().enumerate() {
            let org = organisation(&db.store, name, 20 + i as u64).await;
            partnership(
                &db.store,
                &me,
                &draft(&format!("Partenariat {name}"), org, Form::SousTraitance),
            )
            .await;
        }
        let start = app
            .post(
                &me.token,
                "/api/v1/workspaces/envie/documents/sheets?format=pdf",
                &json!({}),
            )
            .await;
        assert_eq!(start.status, StatusCode::ACCEPTED, "{}", start.text);
        let job = start.json["id"].as_str().unwrap().to_owned();
        let status_path = format!("/api/v1/workspaces/envie/documents/sheets/{job}");
        let mut state = String::new();
        for _ in 0..2_000 {
            let s = app.get(&me.token, &status_path).await;
            state = s.json["state"].as_str().unwrap_or_default().to_owned();
            if state != "running" {
                assert_eq!(s.json["done"], 3);
                assert_eq!(s.json["total"], 3);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert_eq!(state, "done");

        // Another person cannot follow or fetch it, even knowing its id.
        let other = person(&db.store, "autre", "Paul Autre").await;
        let peek = app
            .get(
                &other.token,
                &format!("/api/v1/workspaces/autre/documents/sheets/{job}"),
            )
            .await;
        assert_eq!(peek.status, StatusCode::NOT_FOUND);

        let (status, kind, bytes) =
            download(&app, Auth::Token(&me.token), &format!("{status_path}/zip")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(kind, "application/zip");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(zip.len(), 3);
        let mut names = vec![];
        for i in 0..zip.len() {
            use std::io::Read;
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().expect("an entry name").to_string();
            let mut head = [0u8; 5];
            f.read_exact(&mut head).unwrap();
            assert_eq!(&head, b"%PDF-", "{name}");
            names.push(name);
        }
        assert!(
            names.iter().any(|n| n.ends_with("-partenariat-protim.pdf")),
            "{names:?}"
        );
    }
);

partinnov_store::dual_test!(
    the_cartography_document_lists_the_partners_beside_its_pictures,
    |db| {
        let (app, me, _) = setup(&db).await;
        let (status, _, odt) = download(
            &app,
            Auth::Token(&me.token),
            "/api/v1/workspaces/envie/documents/cartography?format=odt",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let text = xml_text(&zip_text(&odt, "content.xml"));
        assert!(
            text.contains("Cartographie des partenariats de Espace envie"),
            "{text}"
        );
        assert!(text.contains("Épargne Grand Est Europe"), "{text}");

        let b = app.sign_in(&me.email).await;
        let page = app.page(&b, "/espaces/envie/documents").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html().contains("Toutes les fiches de capitalisation"));
        let (status, kind, pdf) = download(
            &app,
            Auth::Browser(&b),
            "/espaces/envie/documents/cartographie",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(kind, "application/pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        let bad = app
            .page(&b, "/espaces/envie/documents/cartographie?departement=999")
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
);
