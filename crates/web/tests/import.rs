//! The import pages and API over HTTP: upload → preview with the columns' fields →
//! row-level report → corrections in the page → import of the valid rows; the API answers
//! the report; unreadable files, other people's uploads and missing CSRF tokens are refused.

mod common;

use common::*;
use partinnov_store::{Role, dual_test};
use reqwest::StatusCode;

/// The director's list: Windows-1252, `;`, French headers, a duplicate, a bad SIRET, a
/// commune that does not match its postcode.
fn director_list() -> Vec<u8> {
    let text = "Raison sociale;N° SIRET;CP;Ville;Forme(s) de partenariat;Date de début;Statut\r\n\
Boulangerie Éole;732 829 320 00074;1000;Bourg-en-Bresse;Don en nature, PMSMP;15/03/2021;actif\r\n\
SARL Les Jardins d'Anjou;;49000;Angers;achats responsables;01/09/2020;\r\n\
Jardins d'Anjou (Les);;49000;Angers;sous-traitance;;\r\n\
Garage Martin;123 456 789 00012;49100;Angers;recrutement;;\r\n\
Envie Autonomie;;49000;Angres;mécénat de compétences;01/02/2022;en cours\r\n";
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect()
}

/// A `multipart/form-data` body as a browser sends it.
fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----partinnovboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &TestApp,
    b: &Browser,
    slug: &str,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> (StatusCode, String, String) {
    let (content_type, body) = multipart(fields, file);
    let r = app
        .client
        .post(app.url(&format!("/espaces/{slug}/import")))
        .header("cookie", b.cookie_header())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, location, unescape(&r.text().await.unwrap()))
}

/// `(name, value)` of every `<select name="col_N">` with its selected option.
fn selected_columns(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in html.split("<select id=\"col_").skip(1) {
        let name = format!("col_{}", &part[..part.find('"').unwrap()]);
        let select = &part[..part.find("</select>").unwrap()];
        let value = select
            .split("<option ")
            .find(|o| o.contains(" selected"))
            .and_then(|o| o.strip_prefix("value=\""))
            .map(|o| o[..o.find('"').unwrap()].to_owned())
            .unwrap_or_default();
        out.push((name, value));
    }
    out
}

dual_test!(
    the_director_uploads_checks_fixes_two_lines_in_the_browser_and_imports,
    |db| {
        let app = spawn(&db.store).await;
        let dir = person(&db.store, "aci", "Élise Direction").await;
        let b = app.sign_in(&dir.email).await;
        let home = app.page(&b, "/espaces/aci").await;
        assert!(
            home.text.contains("href=\"/espaces/aci/import\""),
            "the menu offers the import"
        );
        let csrf = app.csrf(&b, "/espaces/aci/import").await;

        let (status, location, _) = upload(
            &app,
            &b,
            "aci",
            &[("csrf", &csrf), ("kind", "partnerships")],
            ("entreprises.csv", &director_list()),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(location.starts_with("/espaces/aci/import/"), "{location}");
        let id = location.rsplit('/').next().unwrap().to_owned();

        // Preview: how the file was read, and each column's field chosen from its header.
        let preview = app.page(&b, &location).await;
        assert_eq!(preview.status, StatusCode::OK);
        let html = preview.html();
        assert!(
            html.contains("Windows-1252, séparateur point-virgule"),
            "{html}"
        );
        assert!(html.contains("5 ligne(s) de données"));
        assert!(html.contains("Boulangerie Éole"));
        let columns = selected_columns(&html);
        let chosen: Vec<&str> = columns.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(
            chosen,
            [
                "name",
                "siret",
                "postcode",
                "commune",
                "forms",
                "started_on",
                "status"
            ]
        );

        // Check: the report, line by line, nothing written yet.
        let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        form.extend(columns.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let check = app
            .submit(&b, &format!("/espaces/aci/import/{id}/verifier"), &form)
            .await;
        assert_eq!(check.status, StatusCode::OK, "{}", check.text);
        let html = check.html();
        for expected in [
            "doublon de la ligne 3",
            "clé de contrôle",
            "n'a pas le code postal 49000",
            "3 ligne(s) refusée(s)",
            "2 à créer",
        ] {
            assert!(html.contains(expected), "{expected}: {html}");
        }
        assert_eq!(
            app.total(&dir.token, "/api/v1/workspaces/aci/partnerships")
                .await,
            0
        );

        // Two lines fixed in the page: the SIRET emptied, the commune's typo corrected.
        assert!(html.contains("name=\"fix:5:1\""), "{html}");
        assert!(html.contains("name=\"fix:6:3\""));
        let recheck = app
            .submit(
                &b,
                &format!("/espaces/aci/import/{id}/verifier"),
                &[("csrf", &csrf), ("fix:5:1", ""), ("fix:6:3", "Angers")],
            )
            .await;
        let html = recheck.html();
        assert!(html.contains("1 ligne(s) refusée(s)"), "{html}");
        assert!(html.contains("4 à créer"), "{html}");
        assert!(html.contains("Importer les lignes valides"));

        let done = app
            .submit(
                &b,
                &format!("/espaces/aci/import/{id}/importer"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        let html = done.html();
        assert!(
            html.contains("4 créée(s)") && html.contains("1 ligne(s) refusée(s), non importée(s)"),
            "{html}"
        );
        assert!(html.contains("href=\"/espaces/aci/partenariats\""));
        assert_eq!(
            app.total(&dir.token, "/api/v1/workspaces/aci/partnerships")
                .await,
            4
        );
        let list = app
            .get(&dir.token, "/api/v1/workspaces/aci/partnerships?q=envie")
            .await;
        assert_eq!(list.json["items"][0]["partners"][0]["commune"], "Angers");
        // The file is forgotten once imported.
        assert_eq!(app.page(&b, &location).await.status, StatusCode::NOT_FOUND);
    }
);

dual_test!(
    uploads_are_private_checked_for_csrf_and_unreadable_files_say_why,
    |db| {
        let app = spawn(&db.store).await;
        let dir = person(&db.store, "aci", "Élise Direction").await;
        let b = app.sign_in(&dir.email).await;
        let csrf = app.csrf(&b, "/espaces/aci/import").await;

        let junk: Vec<u8> = (0..5000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        let (status, _, html) = upload(
            &app,
            &b,
            "aci",
            &[("csrf", &csrf), ("kind", "organisations")],
            ("photo.csv", &junk),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("contenu binaire"), "{html}");
        let (status, _, _) = upload(
            &app,
            &b,
            "aci",
            &[("csrf", "faux"), ("kind", "organisations")],
            ("liste.csv", &director_list()),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, location, _) = upload(
            &app,
            &b,
            "aci",
            &[("csrf", &csrf), ("kind", "organisations")],
            ("liste.csv", &director_list()),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let id = location.rsplit('/').next().unwrap().to_owned();
        // Another editor of the same workspace does not see this upload; nor does an outsider.
        let eve = create_user(&db.store, "eve@example.org", "Ève Équipe").await;
        add_member(&db.store, dir.workspace, eve, Role::Editor).await;
        let e = app.sign_in("eve@example.org").await;
        assert_eq!(app.page(&e, &location).await.status, StatusCode::NOT_FOUND);
        let e_csrf = app.csrf(&e, "/espaces/aci/import").await;
        let stolen = app
            .submit(
                &e,
                &format!("/espaces/aci/import/{id}/importer"),
                &[("csrf", &e_csrf)],
            )
            .await;
        assert_eq!(stolen.status, StatusCode::NOT_FOUND);
        let rita = create_user(&db.store, "rita@example.org", "Rita Lecture").await;
        add_member(&db.store, dir.workspace, rita, Role::Reader).await;
        let r = app.sign_in("rita@example.org").await;
        assert_eq!(
            app.page(&r, "/espaces/aci/import").await.status,
            StatusCode::FORBIDDEN
        );
        assert!(
            !app.page(&r, "/espaces/aci")
                .await
                .text
                .contains("/espaces/aci/import")
        );
        // Without its token, the import does not happen; cancelling forgets the file.
        let no_csrf = app
            .submit(&b, &format!("/espaces/aci/import/{id}/importer"), &[])
            .await;
        assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
        let cancel = app
            .submit(
                &b,
                &format!("/espaces/aci/import/{id}/annuler"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(cancel.status, StatusCode::SEE_OTHER);
        assert_eq!(app.page(&b, &location).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.total(&dir.token, "/api/v1/organisations").await, 0);
    }
);

dual_test!(
    the_api_answers_the_report_and_writes_all_valid_rows_or_nothing,
    |db| {
        let app = spawn(&db.store).await;
        let dir = person(&db.store, "aci", "Élise Direction").await;
        let path = "/api/v1/workspaces/aci/imports/partnerships";
        let refused = post_file(&app, &dir.token, path, director_list()).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text
        );
        let keys: Vec<&String> = refused.json.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["created", "rejected", "rows", "unchanged", "updated"]
        );
        assert_eq!(refused.json["rows"], 5);
        assert_eq!(refused.json["rejected"][1]["line"], 5);
        assert_eq!(refused.json["rejected"][1]["column"], "N° SIRET");
        assert_eq!(refused.json["rejected"][1]["value"], "123 456 789 00012");
        assert_eq!(
            app.total(&dir.token, "/api/v1/workspaces/aci/partnerships")
                .await,
            0
        );

        let dry = post_file(
            &app,
            &dir.token,
            &format!("{path}?dry_run=true"),
            director_list(),
        )
        .await;
        assert_eq!(
            (dry.status, dry.json["created"].as_u64()),
            (StatusCode::OK, Some(2))
        );
        assert_eq!(
            app.total(&dir.token, "/api/v1/workspaces/aci/partnerships")
                .await,
            0
        );

        let done = post_file(
            &app,
            &dir.token,
            &format!("{path}?skip_invalid=true"),
            director_list(),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        assert_eq!(done.json["created"], 2);
        assert_eq!(
            app.total(&dir.token, "/api/v1/workspaces/aci/partnerships")
                .await,
            2
        );
        let again = post_file(
            &app,
            &dir.token,
            &format!("{path}?skip_invalid=true"),
            director_list(),
        )
        .await;
        assert_eq!(
            (
                again.json["created"].as_u64(),
                again.json["unchanged"].as_u64()
            ),
            (Some(0), Some(2))
        );

        let junk = post_file(&app, &dir.token, path, vec![0, 159, 146, 150, 0, 1, 2, 3]).await;
        assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            junk.header("content-type")
                .starts_with("application/problem+json")
        );
        assert_eq!(junk.error_fields(), ["file"]);
        let unknown = post_file(
            &app,
            &dir.token,
            "/api/v1/workspaces/aci/imports/licornes",
            director_list(),
        )
        .await;
        assert_eq!(unknown.error_fields(), ["kind"]);

        let outsider = person(&db.store, "autre", "Olga Autre").await;
        assert_eq!(
            post_file(&app, &outsider.token, path, director_list())
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let reader = create_user(&db.store, "rita@example.org", "Rita Lecture").await;
        add_member(&db.store, dir.workspace, reader, Role::Reader).await;
        let token = create_token(&db.store, reader, false).await;
        assert_eq!(
            post_file(&app, &token, path, director_list()).await.status,
            StatusCode::FORBIDDEN
        );
    }
);

/// The CIP's follow-up sheet: what partnerships produced for people, one row per event,
/// partners named as the team writes them, and six rows a person would get wrong.
fn follow_up_sheet() -> Vec<u8> {
    "Partenaire;Référence;Type;Date;Date de fin;Jours;Heures;Contrat;Durée;Aidé;Temps de travail;Commentaire\n\
Mondial Tissus;P-001;Immersion;02/03/2026;13/03/2026;10;;;;;;Atelier couture\n\
Mondial Tissus;P-001;Embauche;01/04/2026;;;;CDD;6 mois;non;80 %;\n\
Protim;P-002;mise à disposition;01/02/2026;28/02/2026;;120;;;;;\n\
Protim;P-003;embauche;01/05/2026;30/04/2026;;;CDI;;;;\n\
Protim;Jean Dupont;PMSMP;01/05/2026;;5;;;;;;\n\
Protim;P-004;embauche;01/05/2026;;;;CDD;;;;\n\
Protim;P-005;mise à disposition;01/02/2026;;;-3;;;;;\n\
Protim;P-006;embauche;01/05/2026;;;;CDD;6 lunes;;;\n\
Garage Martin;P-007;mise en relation;01/05/2026;;;;;;;;\n"
        .as_bytes()
        .to_vec()
}

dual_test!(
    outcomes_and_interactions_go_on_existing_partnerships_with_the_same_row_level_report,
    |db| {
        let app = spawn(&db.store).await;
        let dir = person(&db.store, "aci", "Élise Direction").await;
        let partnerships = "Raison sociale;CP;Ville;Forme(s) de partenariat\n\
Mondial Tissus;49000;Angers;don en nature\n\
Protim;49100;Angers;sous-traitance\n";
        let done = post_file(
            &app,
            &dir.token,
            "/api/v1/workspaces/aci/imports/partnerships",
            partnerships.as_bytes().to_vec(),
        )
        .await;
        assert_eq!(done.json["created"], 2, "{}", done.text);
        // Garage Martin is in the registry, a partner of another workspace only.
        let other = person(&db.store, "autre", "Olga Autre").await;
        let done = post_file(
            &app,
            &other.token,
            "/api/v1/workspaces/autre/imports/partnerships",
            b"Raison sociale;CP;Ville\nGarage Martin;49100;Angers\n".to_vec(),
        )
        .await;
        assert_eq!(done.json["created"], 1, "{}", done.text);

        let path = "/api/v1/workspaces/aci/imports/outcomes";
        let refused = post_file(&app, &dir.token, path, follow_up_sheet()).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text
        );
        assert_eq!(refused.json["rows"], 9);
        let rejected: Vec<(u64, String, String)> = refused.json["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["line"].as_u64().unwrap(),
                    p["column"].as_str().unwrap().to_owned(),
                    p["message"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expect = [
            (5, "Date de fin", "avant la date de début"),
            (6, "Référence", "jamais le nom de la personne"),
            (7, "Durée", "un CDD se classe selon sa durée"),
            (8, "Heures", "négatif"),
            (9, "Durée", "unité de durée inconnue « lunes »"),
            (10, "Partenaire", "pas de partenaire « Garage Martin »"),
        ];
        assert_eq!(rejected.len(), expect.len(), "{rejected:?}");
        for ((line, column, message), (l, c, m)) in rejected.iter().zip(expect) {
            assert_eq!((*line, column.as_str()), (l, c), "{message}");
            assert!(message.contains(m), "line {line}: {message}");
        }
        let dashboard = "/api/v1/workspaces/aci/dashboard?from=2026-01-01&to=2026-12-31";
        assert_eq!(
            app.get(&dir.token, dashboard).await.json["people"],
            0,
            "a refused file writes nothing"
        );

        let done = post_file(
            &app,
            &dir.token,
            &format!("{path}?skip_invalid=true"),
            follow_up_sheet(),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        assert_eq!(done.json["created"], 3);
        let d = app.get(&dir.token, dashboard).await;
        assert_eq!(d.json["people"], 2, "{}", d.text);
        assert_eq!(d.json["immersion_days"], 10);
        assert_eq!(d.json["lending_hours"], 120);
        assert_eq!(
            d.json["durable_rate_permille"], 1000,
            "a non-aided CDD of six months is a durable job"
        );
        let again = post_file(
            &app,
            &dir.token,
            &format!("{path}?skip_invalid=true"),
            follow_up_sheet(),
        )
        .await;
        assert_eq!(
            (
                again.json["created"].as_u64(),
                again.json["unchanged"].as_u64()
            ),
            (Some(0), Some(3)),
            "{}",
            again.text
        );
        // A correction with --update: the hire was at 90 %, and only that changes.
        let fixed = "Partenaire;Référence;Type;Date;Temps de travail\n\
Mondial Tissus;P-001;Embauche;01/04/2026;90 %\n";
        let updated = post_file(
            &app,
            &dir.token,
            &format!("{path}?update=true"),
            fixed.as_bytes().to_vec(),
        )
        .await;
        assert_eq!(updated.json["updated"], 1, "{}", updated.text);
        let list = app
            .get(&dir.token, "/api/v1/workspaces/aci/partnerships?q=mondial")
            .await;
        let id = list.json["items"][0]["id"].as_i64().unwrap();
        let outcomes = app
            .get(&dir.token, &format!("/api/v1/partnerships/{id}/outcomes"))
            .await;
        let hire = outcomes
            .json
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["kind"] == "embauche")
            .expect("the hire")
            .clone();
        assert_eq!(hire["working_time_pct"], 90);
        assert_eq!(hire["duration_days"], 183, "6 × 30.4375 days, kept");
        assert_eq!(hire["category"], "emploi_durable");

        // Interactions: the partnership's last exchange follows; a reimport changes nothing.
        let meetings = "Partenaire;Type d'échange;Date;Participants;Objet\n\
Mondial Tissus;RDV;12/01/2026;Mme Roux;Bilan des immersions\n\
Mondial Tissus;téléphone;20/01/2026;;Relance\n\
Protim;visio;15/01/2026;;\n\
Protim;pigeon voyageur;15/01/2026;;\n";
        let path = "/api/v1/workspaces/aci/imports/interactions";
        let refused = post_file(&app, &dir.token, path, meetings.as_bytes().to_vec()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json["rejected"][0]["line"], 5);
        assert_eq!(refused.json["rejected"][0]["column"], "Type d'échange");
        let done = post_file(
            &app,
            &dir.token,
            &format!("{path}?skip_invalid=true"),
            meetings.as_bytes().to_vec(),
        )
        .await;
        assert_eq!(done.json["created"], 3, "{}", done.text);
        let list = app
            .get(&dir.token, "/api/v1/workspaces/aci/partnerships?q=mondial")
            .await;
        assert_eq!(
            list.json["items"][0]["last_interaction_on"], "2026-01-20",
            "{}",
            list.text
        );
        let again = post_file(
            &app,
            &dir.token,
            &format!("{path}?skip_invalid=true"),
            meetings.as_bytes().to_vec(),
        )
        .await;
        assert_eq!(again.json["unchanged"], 3, "{}", again.text);

        // The other workspace's partner cannot receive this workspace's outcomes.
        let theirs = post_file(
            &app,
            &other.token,
            "/api/v1/workspaces/autre/imports/outcomes",
            follow_up_sheet(),
        )
        .await;
        assert_eq!(theirs.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            theirs.text.contains("pas de partenaire « Mondial Tissus »"),
            "{}",
            theirs.text
        );
    }
);

/// The network's monthly list: headers no synonym knows.
fn network_list(name: &str) -> Vec<u8> {
    format!("Adhérent;Sorte;Localité;Divers\n{name};sous-traitance;Angers;x\n").into_bytes()
}

dual_test!(
    a_team_saves_its_column_choices_and_applies_them_to_the_next_file,
    |db| {
        let app = spawn(&db.store).await;
        let dir = person(&db.store, "aci", "Élise Direction").await;
        let b = app.sign_in(&dir.email).await;
        let csrf = app.csrf(&b, "/espaces/aci/import").await;
        let (_, location, _) = upload(
            &app,
            &b,
            "aci",
            &[("csrf", &csrf), ("kind", "partnerships")],
            ("reseau-janvier.csv", &network_list("Garage Martin")),
        )
        .await;
        let id = location.rsplit('/').next().unwrap().to_owned();
        let preview = app.page(&b, &location).await;
        assert!(
            !preview.text.contains("id=\"correspondances\""),
            "nothing saved yet"
        );
        let chosen = [
            ("col_0", "name"),
            ("col_1", "forms"),
            ("col_2", "commune"),
            ("col_3", ""),
        ];
        let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf), ("save_as", "Liste du réseau")];
        form.extend(chosen);
        let check = app
            .submit(&b, &format!("/espaces/aci/import/{id}/verifier"), &form)
            .await;
        assert_eq!(check.status, StatusCode::OK, "{}", check.text);
        assert!(
            check
                .html()
                .contains("Correspondance « Liste du réseau » enregistrée."),
            "{}",
            check.text
        );
        let too_long = "x".repeat(81);
        let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf), ("save_as", &too_long)];
        form.extend(chosen);
        let refused = app
            .submit(&b, &format!("/espaces/aci/import/{id}/verifier"), &form)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.html().contains("de 1 à 80 caractères"));

        // February's file: the saved choices are offered, and applied on request.
        let (_, location, _) = upload(
            &app,
            &b,
            "aci",
            &[("csrf", &csrf), ("kind", "partnerships")],
            ("reseau-fevrier.csv", &network_list("Boulangerie Éole")),
        )
        .await;
        let preview = app.page(&b, &location).await;
        assert!(preview.html().contains("<option value=\"Liste du réseau\""));
        assert_ne!(selected_columns(&preview.html())[0].1, "name");
        let applied = app
            .page(
                &b,
                &format!("{location}?correspondance=Liste+du+r%C3%A9seau"),
            )
            .await;
        let got: Vec<(String, String)> = selected_columns(&applied.html());
        let want: Vec<(String, String)> = chosen
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want);
        let gone = app
            .page(&b, &format!("{location}?correspondance=Autre"))
            .await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        assert!(gone.html().contains("n'existe pas"));

        // The API lists it, imports with it, and refuses what does not fit.
        let list = app
            .get(
                &dir.token,
                "/api/v1/workspaces/aci/import-mappings/partnerships",
            )
            .await;
        assert_eq!(list.json[0]["name"], "Liste du réseau", "{}", list.text);
        assert_eq!(list.json[0]["mapping"]["columns"]["Sorte"], "forms");
        assert_eq!(list.json[0]["author_name"], "Élise Direction");
        let done = post_file(
            &app,
            &dir.token,
            "/api/v1/workspaces/aci/imports/partnerships?mapping=Liste%20du%20r%C3%A9seau",
            network_list("Menuiserie Dupré"),
        )
        .await;
        assert_eq!(done.json["created"], 1, "{}", done.text);
        let unknown = post_file(
            &app,
            &dir.token,
            "/api/v1/workspaces/aci/imports/partnerships?mapping=Autre",
            network_list("Menuiserie Dupré"),
        )
        .await;
        assert_eq!(unknown.error_fields(), ["mapping"]);
        let path = "/api/v1/workspaces/aci/import-mappings/contacts/Annuaire";
        let wrong = app
            .put(
                &dir.token,
                path,
                &serde_json::json!({"columns": {"Sorte": "forms"}}),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wrong
                .text
                .contains("n'existe pas pour un import de contacts")
        );
        let saved = app
            .put(
                &dir.token,
                path,
                &serde_json::json!({"columns": {"Qui": "contact", "Bruit": null}}),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
        assert_eq!(
            app.delete(&dir.token, path).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.delete(&dir.token, path).await.status,
            StatusCode::NOT_FOUND
        );

        // Readers see the team's mappings but do not change them; other workspaces do not
        // see them at all.
        let reader = create_user(&db.store, "rita@example.org", "Rita Lecture").await;
        add_member(&db.store, dir.workspace, reader, Role::Reader).await;
        let token = create_token(&db.store, reader, false).await;
        let named = "/api/v1/workspaces/aci/import-mappings/partnerships/Liste du réseau";
        assert_eq!(
            app.delete(&token, named).await.status,
            StatusCode::FORBIDDEN
        );
        let seen = app
            .get(
                &token,
                "/api/v1/workspaces/aci/import-mappings/partnerships",
            )
            .await;
        assert_eq!(seen.json[0]["name"], "Liste du réseau");
        let outsider = person(&db.store, "autre", "Olga Autre").await;
        assert_eq!(
            app.get(
                &outsider.token,
                "/api/v1/workspaces/aci/import-mappings/partnerships"
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        let theirs = app
            .get(
                &outsider.token,
                "/api/v1/workspaces/autre/import-mappings/partnerships",
            )
            .await;
        assert_eq!(theirs.json, serde_json::json!([]));
    }
);

dual_test!(
    a_data_inclusion_json_is_previewed_in_the_browser_and_imported_by_the_api,
    |db| {
        let app = spawn(&db.store).await;
        let dir = person(&db.store, "aci", "Élise Direction").await;
        let structures = r#"[
  {"id": "di-1", "nom": "Envie Rhône", "code_postal": "69003", "commune": "Lyon", "typologie": "EI",
   "site_web": "https://envie.fr", "thematiques": ["mobilite"]},
  {"id": "di-2", "nom": "AB", "code_postal": "01000", "commune": "Bourg-en-Bresse", "typologie": "MUNI"}
]"#
        .as_bytes();
        // The page reads it as a table of the schema's fields.
        let b = app.sign_in(&dir.email).await;
        let csrf = app.csrf(&b, "/espaces/aci/import").await;
        let (status, location, _) = upload(
            &app,
            &b,
            "aci",
            &[("csrf", &csrf), ("kind", "organisations")],
            ("structures.json", structures),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let html = app.page(&b, &location).await.html();
        assert!(
            html.contains("JSON au schéma data·inclusion, 2 structure(s)"),
            "{html}"
        );
        let chosen: Vec<(String, String)> = selected_columns(&html)
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let fields: Vec<&str> = chosen.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "siret",
                "commune",
                "postcode",
                "commune_code",
                "address",
                "website",
                "kind"
            ]
        );

        // The API: the schema's rule on names refuses line 4, located; the rest goes in.
        let path = "/api/v1/workspaces/aci/imports/organisations";
        let refused = post_file(&app, &dir.token, path, structures.to_vec()).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text
        );
        assert_eq!(refused.json["rejected"][0]["line"], 4);
        assert_eq!(refused.json["rejected"][0]["column"], "nom");
        assert_eq!(app.total(&dir.token, "/api/v1/organisations").await, 0);
        let done = post_file(
            &app,
            &dir.token,
            &format!("{path}?skip_invalid=true"),
            structures.to_vec(),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        assert_eq!(done.json["created"], 1);
        let list = app.get(&dir.token, "/api/v1/organisations").await;
        assert_eq!(list.json["items"][0]["name"], "Envie Rhône");
        assert_eq!(list.json["items"][0]["kinds"], serde_json::json!(["EI"]));
    }
);
