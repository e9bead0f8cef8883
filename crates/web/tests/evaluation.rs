//! The evaluation of a partnership over HTTP: a person starts one from the guide's
//! template, answers a step, records measurements (a bad value is explained beside its
//! field and nothing is saved) and sees the chart and its table; the API creates, updates
//! with optimistic concurrency, keeps workspaces apart and readers out of writing; a
//! template that is not valid is refused with where it is wrong.

mod common;

use common::*;
use partinnov_domain::typology::Form;
use partinnov_store::{Role, dual_test};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// `envie@example.org` with a partnership; returns the person and the partnership id.
async fn envie(db: &partinnov_store::testing::TestDb) -> (Person, i64) {
    let me = person(&db.store, "envie", "Élise Envie").await;
    let ce = organisation(&db.store, "Caisse d'Épargne Grand Est Europe", 31).await;
    let p = partnership(
        &db.store,
        &me,
        &draft("Envie × Caisse d'Épargne", ce, Form::MecenatFinancier),
    )
    .await;
    (me, p.0)
}

fn multipart(fields: &[(&str, &str)], file: &str) -> (String, Vec<u8>) {
    let boundary = "----partinnovevaluation0123456789";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"grille.json\"\r\nContent-Type: application/json\r\n\r\n{file}\r\n--{boundary}--\r\n"
    ));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

/// The id of the first indicator of the first criterion of evaluation `e`.
async fn first_indicator(app: &TestApp, token: &str, e: i64) -> i64 {
    let got = app.get(token, &format!("/api/v1/evaluations/{e}")).await;
    got.json["criteria"][0]["indicators"][0]["id"]
        .as_i64()
        .expect("indicator id")
}

dual_test!(
    a_person_starts_from_the_guide_fills_a_step_and_follows_an_indicator_over_time,
    |db| {
        let app = spawn(&db.store).await;
        let (me, p) = envie(&db).await;
        let b = app.sign_in(&me.email).await;
        let show = app
            .page(&b, &format!("/espaces/envie/partenariats/{p}"))
            .await;
        assert!(
            show.text
                .contains(&format!("/espaces/envie/partenariats/{p}/evaluation"))
        );
        let base = format!("/espaces/envie/partenariats/{p}/evaluation");
        let empty = app.page(&b, &base).await;
        assert_eq!(empty.status, StatusCode::OK);
        assert!(empty.html().contains("Aucune évaluation"));
        let csrf = csrf_in(&empty.text).unwrap();

        let started = app
            .submit(
                &b,
                &base,
                &[
                    ("csrf", &csrf),
                    ("template", "guide-quatre-etapes"),
                    ("title", ""),
                ],
            )
            .await;
        assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text);
        let e: i64 = started
            .location()
            .rsplit("e=")
            .next()
            .and_then(|v| v.parse().ok())
            .expect("evaluation id in the redirect");
        let page = app.page(&b, started.location()).await.html();
        for expected in [
            "1. Cadre",
            "2. Contenu",
            "3. Résultats",
            "4. Perspectives",
            "Objectifs pour le territoire",
            "436 000 sociétaires",
            "C1 — Le partenariat a permis l'identification et la mise en pratique d'idées innovantes",
            "(C1, I1) Nombre d'études de faisabilité",
            "(C1, I4) Perception du caractère innovant",
        ] {
            assert!(page.contains(expected), "{expected} missing");
        }

        let saved = app
            .submit(
                &b,
                &format!("{base}/{e}/etapes"),
                &[
                    ("csrf", &csrf),
                    ("version", "1"),
                    ("title", "Évaluation 2026"),
                    ("status", "brouillon"),
                    (
                        "q_objectifs_territoire",
                        "Développer l'économie circulaire en Grand Est",
                    ),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
        let page = app.page(&b, &format!("{base}?e={e}")).await.html();
        assert!(page.contains("Développer l'économie circulaire en Grand Est"));
        assert!(page.contains("Évaluation 2026"));

        let i = first_indicator(&app, &me.token, e).await;
        let refused = app
            .submit(
                &b,
                &format!("{base}/{e}/indicateurs/{i}/mesures"),
                &[
                    ("csrf", &csrf),
                    ("measured_on", "2026-01-10"),
                    ("value", "douze"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.html();
        assert!(
            html.contains(&format!("id=\"m{i}-value-err\">Nombre invalide.")),
            "message next to the field"
        );
        assert!(html.contains("value=\"douze\""), "what was typed is kept");
        let stored = app
            .get(&me.token, &format!("/api/v1/evaluations/{e}"))
            .await;
        assert_eq!(
            stored.json["criteria"][0]["indicators"][0]["measurements"],
            json!([]),
            "nothing saved"
        );

        for (on, value) in [("2026-01-10", "2"), ("2026-06-10", "3")] {
            let ok = app
                .submit(
                    &b,
                    &format!("{base}/{e}/indicateurs/{i}/mesures"),
                    &[
                        ("csrf", &csrf),
                        ("measured_on", on),
                        ("value", value),
                        ("note", ""),
                    ],
                )
                .await;
            assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
        }
        let page = app.page(&b, &format!("{base}?e={e}")).await.html();
        let card = &page[page.find(&format!("id=\"indicateur-{i}\"")).unwrap()..];
        let card = &card[..card.find("</table>").unwrap()];
        assert_eq!(card.matches("<rect").count(), 2, "one bar per measurement");
        assert!(
            card.contains("<td>10/06/2026</td><td class=\"num\">3</td>"),
            "table beside the chart"
        );
        assert!(card.contains("mesuré, sans cible chiffrée"));

        // A target set through the page: 3 of 4 studies is on the way, at 75 %.
        let target = app
            .submit(
                &b,
                &format!("{base}/{e}/indicateurs/{i}/modifier"),
                &[
                    ("csrf", &csrf),
                    ("version", "1"),
                    (
                        "text",
                        "Nombre d'études de faisabilité sur l'économie circulaire réalisées",
                    ),
                    ("target", "4"),
                    ("target_text", ""),
                ],
            )
            .await;
        assert_eq!(target.status, StatusCode::SEE_OTHER, "{}", target.text);
        let page = app.page(&b, &format!("{base}?e={e}")).await.html();
        assert!(
            page.contains("en cours (75\u{202f}%)"),
            "progress against the target"
        );
        let stale = app
            .submit(
                &b,
                &format!("{base}/{e}/indicateurs/{i}/modifier"),
                &[
                    ("csrf", &csrf),
                    ("version", "1"),
                    ("text", "Autre"),
                    ("target", "9"),
                ],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(
            stale
                .html()
                .contains(&format!("id=\"x{i}-text-err\">Quelqu'un a modifié")),
            "the conflict is said beside the form"
        );

        // Kind, unit and source are edited on the page too. A measured indicator keeps its
        // kind (its measurements were taken as numbers), said beside the field…
        let edit_with_source = |version: &'static str,
                                id: i64,
                                kind: &'static str,
                                unit: &'static str,
                                source: &'static str| {
            let (app, b, csrf, base) = (&app, &b, csrf.clone(), base.clone());
            async move {
                app.submit(
                    b,
                    &format!("{base}/{e}/indicateurs/{id}/modifier"),
                    &[
                        ("csrf", csrf.as_str()),
                        ("version", version),
                        ("text", "Études réalisées"),
                        ("kind", kind),
                        ("unit", unit),
                        ("source", source),
                        ("target", ""),
                        ("target_text", ""),
                    ],
                )
                .await
            }
        };
        let edit = |version: &'static str, id: i64, kind: &'static str, unit: &'static str| {
            edit_with_source(version, id, kind, unit, "")
        };
        let measured = edit("2", i, "qualitatif", "").await;
        assert_eq!(measured.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            measured.html().contains(&format!(
                "id=\"x{i}-kind-err\">Cet indicateur a déjà des mesures"
            )),
            "{}",
            measured.text
        );
        // … but its unit can be corrected.
        assert_eq!(
            edit("2", i, "quantitatif", "heures").await.status,
            StatusCode::SEE_OTHER
        );
        let after = app
            .get(&me.token, &format!("/api/v1/evaluations/{e}"))
            .await;
        let first = &after.json["criteria"][0]["indicators"][0];
        assert_eq!(first["unit"], "heures", "{first}");
        assert_eq!(first["measurements"].as_array().unwrap().len(), 2);
        // An indicator not measured yet changes kind freely; a qualitative one is never
        // read from the partnership's data.
        let criterion = after.json["criteria"][0]["id"].as_i64().unwrap();
        let fresh = app
            .post(
                &me.token,
                &format!("/api/v1/criteria/{criterion}/indicators"),
                &json!({"text": "Nombre de rencontres", "kind": "quantitatif", "unit": "nombre"}),
            )
            .await;
        assert_eq!(fresh.status, StatusCode::CREATED, "{}", fresh.text);
        let fresh = fresh.json["id"].as_i64().unwrap();
        let wrong = edit_with_source("1", fresh, "qualitatif", "", "embauches").await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.html().contains("Un indicateur qualitatif n"));
        assert!(
            wrong
                .html()
                .contains("<option value=\"qualitatif\" selected>"),
            "what was chosen is kept"
        );
        assert_eq!(
            edit("1", fresh, "qualitatif", "").await.status,
            StatusCode::SEE_OTHER
        );
        let after = app
            .get(&me.token, &format!("/api/v1/evaluations/{e}"))
            .await;
        let changed = after.json["criteria"][0]["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == fresh)
            .expect("the new indicator")
            .clone();
        assert_eq!(changed["kind"], "qualitatif", "{changed}");
    }
);

dual_test!(
    a_concurrent_save_of_the_steps_shows_both_texts_and_keeps_the_first,
    |db| {
        let app = spawn(&db.store).await;
        let (me, p) = envie(&db).await;
        let created = app
            .post(
                &me.token,
                &format!("/api/v1/partnerships/{p}/evaluations"),
                &json!({}),
            )
            .await;
        let e = created.json["id"].as_i64().unwrap();
        let b = app.sign_in(&me.email).await;
        let base = format!("/espaces/envie/partenariats/{p}/evaluation");
        let csrf = app.csrf(&b, &base).await;
        let save = |text: &'static str| {
            let (app, b, csrf, base) = (&app, &b, csrf.clone(), base.clone());
            async move {
                app.submit(
                    b,
                    &format!("{base}/{e}/etapes"),
                    &[
                        ("csrf", csrf.as_str()),
                        ("version", "1"),
                        ("title", "Évaluation"),
                        ("status", "brouillon"),
                        ("q_genese", text),
                    ],
                )
                .await
            }
        };
        assert_eq!(save("Depuis 1997").await.status, StatusCode::SEE_OTHER);
        let late = save("Depuis 2001").await;
        assert_eq!(late.status, StatusCode::CONFLICT);
        let html = late.html();
        assert!(
            html.contains("<td>Depuis 1997</td><td>Depuis 2001</td>"),
            "{html}"
        );
        assert!(
            html.contains("name=\"version\" value=\"2\""),
            "saving again keeps mine"
        );
        let now = app
            .get(&me.token, &format!("/api/v1/evaluations/{e}"))
            .await;
        assert_eq!(now.json["answers"]["genese"]["text"], "Depuis 1997");
    }
);

dual_test!(
    the_api_creates_updates_with_conflicts_and_keeps_workspaces_and_readers_apart,
    |db| {
        let app = spawn(&db.store).await;
        let (me, p) = envie(&db).await;
        let templates = app.get(&me.token, "/api/v1/evaluation-templates").await;
        assert_eq!(templates.json.as_array().map(Vec::len), Some(2));
        let created = app
            .post(
                &me.token,
                &format!("/api/v1/partnerships/{p}/evaluations"),
                &json!({"template": "observatoire-impacts", "title": "Grille 2026"}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        assert_eq!(created.json["criteria"].as_array().unwrap().len(), 7);
        let e = created.json["id"].as_i64().unwrap();
        let path = format!("/api/v1/evaluations/{e}");
        let unknown = app
            .post(
                &me.token,
                &format!("/api/v1/partnerships/{p}/evaluations"),
                &json!({"template": "inconnu"}),
            )
            .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(unknown.error_fields(), ["template"]);

        let body = |v: i64, text: &str| json!({"title": "Grille 2026", "status": "brouillon", "answers": {"phase": text}, "version": v});
        let ok = app.put(&me.token, &path, &body(1, "Expérimentation")).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        assert_eq!(ok.json["version"], 2);
        assert_eq!(ok.header("etag"), "\"2\"");
        let stale = app.put(&me.token, &path, &body(1, "Déploiement")).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(stale.json["current_version"], 2);
        let if_match = app
            .client
            .put(app.url(&path))
            .bearer_auth(&me.token)
            .header("if-match", "\"1\"")
            .json(&body(1, "Déploiement"))
            .send()
            .await
            .unwrap();
        assert_eq!(if_match.status(), StatusCode::PRECONDITION_FAILED);
        let bad = app
            .put(
                &me.token,
                &path,
                &json!({"title": "x", "status": "finie", "answers": {"zzz": "?"}, "version": 2}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["status", "answers.zzz"]);
        let now = app.get(&me.token, &path).await;
        assert_eq!(now.json["answers"]["phase"]["text"], "Expérimentation");

        let c = app
            .post(
                &me.token,
                &format!("{path}/criteria"),
                &json!({"text": "Emploi"}),
            )
            .await;
        assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
        assert_eq!(c.json["code"], "C8");
        let i = app
            .post(
                &me.token,
                &format!("/api/v1/criteria/{}/indicators", c.json["id"]),
                &json!({"text": "Taux d'expérimentations pérennisées", "kind": "quantitatif", "unit": "pourcentage", "target": "50 %"}),
            )
            .await;
        assert_eq!(i.status, StatusCode::CREATED, "{}", i.text);
        assert_eq!(
            (i.json["code"].clone(), i.json["target"].clone()),
            (json!("I1"), json!(5000))
        );
        let iid = i.json["id"].as_i64().unwrap();
        let m_path = format!("/api/v1/indicators/{iid}/measurements");
        let wrong = app
            .post(
                &me.token,
                &m_path,
                &json!({"measured_on": "2026-02-01", "value": "beaucoup"}),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(wrong.error_fields(), ["value"]);
        let m = app
            .post(
                &me.token,
                &m_path,
                &json!({"measured_on": "2026-02-01", "value": 12.5}),
            )
            .await;
        assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
        assert_eq!(m.json["value"], json!({"number": 1250}));

        // Another workspace: not found, whatever the route.
        let other = person(&db.store, "autre", "Omar Autre").await;
        for (method, url) in [
            ("GET", path.clone()),
            ("PUT", path.clone()),
            ("POST", m_path.clone()),
            ("GET", format!("/api/v1/partnerships/{p}/evaluations")),
        ] {
            let r = app
                .client
                .request(method.parse().unwrap(), app.url(&url))
                .bearer_auth(&other.token)
                .json(&body(2, "x"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{method} {url}");
        }
        // A reader reads, and may not write.
        let rita = create_user(&db.store, "rita@example.org", "Rita Lecture").await;
        add_member(&db.store, me.workspace, rita, Role::Reader).await;
        let reader = create_token(&db.store, rita, false).await;
        assert_eq!(app.get(&reader, &path).await.status, StatusCode::OK);
        assert_eq!(
            app.put(&reader, &path, &body(2, "x")).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post(
                &reader,
                &m_path,
                &json!({"measured_on": "2026-02-01", "value": 1})
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        let after = app.get(&me.token, &path).await;
        assert_eq!(after.json["version"], 2, "nothing changed");
    }
);

dual_test!(
    an_invalid_template_is_refused_with_where_it_is_wrong_and_a_valid_one_is_offered,
    |db| {
        let app = spawn(&db.store).await;
        let (me, p) = envie(&db).await;
        let b = app.sign_in(&me.email).await;
        let page = "/espaces/envie/modeles-evaluation";
        let listed = app.page(&b, page).await.html();
        assert!(listed.contains("Grille performance, innovation, confiance"));
        let csrf = csrf_in(&listed).unwrap();
        let send = |file: &'static str| {
            let (app, b, csrf) = (&app, &b, csrf.clone());
            async move {
                let (content_type, body) = multipart(&[("csrf", &csrf)], file);
                let r = app
                    .client
                    .post(app.url(page))
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
        };
        let (status, _, html) = send(
            r#"{"code": "grille-ain", "name": "Grille de l'Ain", "steps": [{"step": "cadre"}, {"step": "bilan"}]}"#,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("Modèle refusé, à l'endroit steps[1].step : étape inconnue « bilan »"),
            "{html}"
        );
        let (status, _, html) = send("{\"code\": \"x\",\n \"name\": }").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("ligne 2, colonne"), "{html}");

        let (status, location, _) = send(
            r#"{"code": "grille-ain", "name": "Grille de l'Ain", "steps": [{"step": "cadre", "questions": [{"code": "q", "label": "Pourquoi ?"}]}],
                "criteria": [{"code": "C1", "label": "Emploi", "indicators": [{"code": "I1", "label": "Embauches", "kind": "quantitatif", "source": "embauches"}]}]}"#,
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let listed = app.page(&b, &location).await.html();
        assert!(listed.contains("Modèle « Grille de l'Ain » ajouté."));
        let start = app
            .page(&b, &format!("/espaces/envie/partenariats/{p}/evaluation"))
            .await
            .html();
        assert!(start.contains("<option value=\"grille-ain\">Grille de l'Ain</option>"));

        let api = app
            .client
            .post(app.url("/api/v1/workspaces/envie/evaluation-templates"))
            .bearer_auth(&me.token)
            .header("content-type", "application/json")
            .body(r#"{"code": "y", "name": "Y", "criteria": [{"code": "C1"}]}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: Value = serde_json::from_str(&api.text().await.unwrap()).unwrap();
        assert_eq!(problem["errors"][0]["field"], "criteria[0].label");
        let listed = app
            .get(&me.token, "/api/v1/evaluation-templates?workspace=envie")
            .await;
        assert_eq!(listed.json.as_array().map(Vec::len), Some(3));
    }
);
