//! The strategy page and API: suggestions with their reason and a link to the data, the
//! canvas saved with a conflict shown when someone saved meanwhile, the action plan with
//! its messages beside the fields, late actions on the home page; readers read, writers
//! write, another workspace's data is not found.

mod common;

use chrono::{Datelike, Days, NaiveDate, Utc};
use common::*;
use partinnov_domain::typology::{Form, PartnershipStatus};
use partinnov_store::{Role, partnerships::FormPeriod};
use reqwest::StatusCode;
use serde_json::json;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Alice's workspace "alpha" with a former donor asleep since 2024 and a buyer with this
/// year's sales who never hosted an immersion. Returns (donor, buyer) partnership ids.
async fn inventory(app: &TestApp, alice: &Person) -> (i64, i64) {
    let s = &app.store;
    let cartons = organisation(s, "Cartonnages de la Reyssouze", 11).await;
    let mut gift = draft("Don de cartons", cartons, Form::MecenatNature);
    gift.status = PartnershipStatus::EnSommeil;
    gift.forms = vec![FormPeriod {
        form: Form::MecenatNature,
        started_on: NaiveDate::from_ymd_opt(2024, 3, 5),
        ended_on: NaiveDate::from_ymd_opt(2024, 3, 5),
        note: String::new(),
    }];
    let donor = partnership(s, alice, &gift).await;
    let plasturgie = organisation(s, "Plasturgie Valserine", 12).await;
    let buyer = partnership(
        s,
        alice,
        &draft("Sous-traitance", plasturgie, Form::SousTraitance),
    )
    .await;
    let sale = app
        .post(
            &alice.token,
            &format!("/api/v1/partnerships/{buyer}/flows"),
            &json!({"kind": "sous_traitance", "year": today().year(), "amount": "12 000"}),
        )
        .await;
    assert_eq!(sale.status, StatusCode::CREATED, "{}", sale.text);
    (donor.0, buyer.0)
}

partinnov_store::dual_test!(
    a_person_sees_each_suggestion_with_its_reason_and_a_link_to_the_data,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let (donor, buyer) = inventory(&app, &alice).await;
        let b = app.sign_in(&alice.email).await;

        let home = app.page(&b, "/espaces/alpha").await;
        assert!(
            home.text.contains("href=\"/espaces/alpha/strategie\""),
            "linked from home"
        );

        let page = app.page(&b, "/espaces/alpha/strategie").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.html();
        assert!(
            html.contains(
                "Cartonnages de la Reyssouze a fait du mécénat et n'a pas été sollicité depuis"
            ),
            "{html}"
        );
        assert!(html.contains(&format!("href=\"/espaces/alpha/partenariats/{donor}\"")));
        assert!(
            html.contains(">ancien mécène à solliciter de nouveau</h3>"),
            "grouped by rule"
        );
        assert!(
            html.contains(&format!(
                "Plasturgie Valserine achète à la structure (12\u{202f}000 € en {}) mais n'a jamais accueilli d'immersion",
                today().year()
            )),
            "{html}"
        );
        assert!(html.contains(&format!("href=\"/espaces/alpha/partenariats/{buyer}\"")));
        assert!(html.contains("Aucune forme de la famille innovation sociétale"));
        assert!(html.contains("href=\"/espaces/alpha/partenariats?family=innovation_societale\""));
        // The eight questions, in the guide's order, each with its help.
        let first = html
            .find("1. Parmi les axes prioritaires")
            .expect("question 1");
        let last = html
            .find("8. Quelles relations existantes")
            .expect("question 8");
        assert!(first < last);

        let api = app
            .get(
                &alice.token,
                "/api/v1/workspaces/alpha/strategy/suggestions",
            )
            .await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.text);
        let rules: Vec<&str> = api
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["rule"].as_str().unwrap())
            .collect();
        assert!(rules.contains(&"ancien_mecene") && rules.contains(&"acheteur_sans_immersion"));
        let donor_json = api
            .json
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["rule"] == "ancien_mecene")
            .unwrap();
        assert_eq!(donor_json["partnership_id"], donor);
        assert!(
            donor_json["reason"]
                .as_str()
                .unwrap()
                .contains("Cartonnages")
        );

        // Setting the partnership's priority from the suggestion.
        let csrf = csrf_in(&page.text).unwrap();
        let set = app
            .submit(
                &b,
                &format!("/espaces/alpha/strategie/partenariats/{donor}/priorite"),
                &[("csrf", &csrf), ("priority", "haute")],
            )
            .await;
        assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.text);
        let p = app
            .get(&alice.token, &format!("/api/v1/partnerships/{donor}"))
            .await;
        assert_eq!(p.json["priority"], "haute");
    }
);

partinnov_store::dual_test!(
    an_answer_is_saved_and_a_stale_save_shows_both_texts_to_choose_from,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let julien = create_user(&db.store, "julien@example.org", "Julien Perrin").await;
        add_member(&db.store, alice.workspace, julien, Role::Editor).await;
        let a = app.sign_in(&alice.email).await;
        let j = app.sign_in("julien@example.org").await;
        let csrf_a = app.csrf(&a, "/espaces/alpha/strategie").await;
        let csrf_j = app.csrf(&j, "/espaces/alpha/strategie").await;

        // Both read the empty canvas (version 0); Julien saves first.
        let saved = app
            .submit(
                &j,
                "/espaces/alpha/strategie/reponses",
                &[
                    ("csrf", &csrf_j),
                    ("answer_axes", "Mobilité et emploi durable"),
                    ("version_axes", "0"),
                    ("answer_moyens", ""),
                    ("version_moyens", "0"),
                    ("only", "axes"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
        let page = app.page(&a, "/espaces/alpha/strategie").await.html();
        assert!(
            page.contains(">Mobilité et emploi durable</textarea>"),
            "{page}"
        );
        assert!(page.contains("Julien Perrin a modifié la réponse « 1. axes stratégiques »"));

        // Alice saves her own text on the version she read: both texts are shown.
        let stale = app
            .submit(
                &a,
                "/espaces/alpha/strategie/reponses",
                &[
                    ("csrf", &csrf_a),
                    ("answer_axes", "Recrutement dans la plasturgie"),
                    ("version_axes", "0"),
                ],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let html = stale.html();
        assert!(html.contains("Quelqu'un a modifié une réponse"), "{html}");
        assert!(html.contains("Mobilité et emploi durable"), "theirs");
        assert!(
            html.contains(">Recrutement dans la plasturgie</textarea>"),
            "mine"
        );
        assert!(html.contains("name=\"version_axes\" value=\"1\""));
        let s = app
            .get(&alice.token, "/api/v1/workspaces/alpha/strategy")
            .await;
        assert_eq!(s.json["answers"][0]["text"], "Mobilité et emploi durable");

        // She keeps hers: saved on the version the conflict showed.
        let kept = app
            .submit(
                &a,
                "/espaces/alpha/strategie/reponses",
                &[
                    ("csrf", &csrf_a),
                    ("answer_axes", "Recrutement dans la plasturgie"),
                    ("version_axes", "1"),
                    ("only", "axes"),
                ],
            )
            .await;
        assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.text);
        let s = app
            .get(&alice.token, "/api/v1/workspaces/alpha/strategy")
            .await;
        assert_eq!(
            s.json["answers"][0]["text"],
            "Recrutement dans la plasturgie"
        );
        assert_eq!(s.json["answers"][0]["version"], 2);

        // Priorities, one per line.
        let v = s.json["version"].as_i64().unwrap().to_string();
        let p = app
            .submit(
                &a,
                "/espaces/alpha/strategie/priorites",
                &[
                    ("csrf", &csrf_a),
                    (
                        "priorities",
                        "Filière plasturgie\n\nImmersions chez les clients",
                    ),
                    ("version", &v),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
        let s = app
            .get(&alice.token, "/api/v1/workspaces/alpha/strategy")
            .await;
        assert_eq!(
            s.json["priorities"],
            json!(["Filière plasturgie", "Immersions chez les clients"])
        );
        // A reader sees the answers but no form to change them.
        let rita = create_user(&db.store, "rita@example.org", "Rita Lecture").await;
        add_member(&db.store, alice.workspace, rita, Role::Reader).await;
        let r = app.sign_in("rita@example.org").await;
        let page = app.page(&r, "/espaces/alpha/strategie").await.html();
        assert!(page.contains("Recrutement dans la plasturgie"));
        assert!(!page.contains("name=\"answer_axes\""));
    }
);

partinnov_store::dual_test!(
    an_action_with_a_bad_date_is_refused_beside_its_field_and_nothing_is_saved,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let (_, buyer) = inventory(&app, &alice).await;
        let b = app.sign_in(&alice.email).await;
        let csrf = app.csrf(&b, "/espaces/alpha/strategie").await;
        let buyer_id = buyer.to_string();
        let owner = alice.id.0.to_string();
        let refused = app
            .submit(
                &b,
                "/espaces/alpha/strategie/actions",
                &[
                    ("csrf", &csrf),
                    ("title", "Proposer une immersion"),
                    ("partnership_id", &buyer_id),
                    ("owner_id", &owner),
                    ("due_on", "31/02/2026"),
                    ("status", "a_faire"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.html();
        assert!(
            html.contains("<span class=\"error\" id=\"due_on-error\">Date invalide"),
            "{html}"
        );
        assert!(
            html.contains("value=\"Proposer une immersion\""),
            "what was typed stays"
        );
        let list = app
            .get(&alice.token, "/api/v1/workspaces/alpha/actions")
            .await;
        assert_eq!(list.json, json!([]), "nothing saved");

        // Another workspace's partnership is refused beside its field too.
        let bruno = person(&db.store, "beta", "Bruno Beta").await;
        let org = organisation(&db.store, "Partenaire Confidentiel", 21).await;
        let foreign = partnership(&db.store, &bruno, &draft("Secret", org, Form::Jvs)).await;
        let foreign = foreign.0.to_string();
        let refused = app
            .submit(
                &b,
                "/espaces/alpha/strategie/actions",
                &[
                    ("csrf", &csrf),
                    ("title", "Proposer une immersion"),
                    ("partnership_id", &foreign),
                    ("due_on", "2026-12-01"),
                    ("status", "a_faire"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .html()
                .contains("id=\"partnership_id-error\">Ce partenariat n'existe pas")
        );

        // Corrected, it is saved and listed with its partnership.
        let ok = app
            .submit(
                &b,
                "/espaces/alpha/strategie/actions",
                &[
                    ("csrf", &csrf),
                    ("title", "Proposer une immersion"),
                    ("partnership_id", &buyer_id),
                    ("owner_id", &owner),
                    ("due_on", "2026-02-28"),
                    ("status", "a_faire"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
        let list = app
            .get(&alice.token, "/api/v1/workspaces/alpha/actions")
            .await;
        assert_eq!(list.json[0]["title"], "Proposer une immersion");
        assert_eq!(list.json[0]["partnership_title"], "Sous-traitance");
        assert_eq!(list.json[0]["owner_name"], "Alice Martin");
    }
);

partinnov_store::dual_test!(
    a_late_action_is_a_reminder_on_the_home_page_until_done,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let (donor, _) = inventory(&app, &alice).await;
        let yesterday = (today() - Days::new(1)).to_string();
        let created = app
        .post(
            &alice.token,
            "/api/v1/workspaces/alpha/actions",
            &json!({"title": "Relancer Cartonnages", "partnership_id": donor, "due_on": yesterday}),
        )
        .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        assert_eq!(created.json["late"], true);
        let id = created.json["id"].as_i64().unwrap();
        app.post(
            &alice.token,
            "/api/v1/workspaces/alpha/actions",
            &json!({"title": "Action à venir", "due_on": (today() + Days::new(10)).to_string()}),
        )
        .await;

        let b = app.sign_in(&alice.email).await;
        let home = app.page(&b, "/espaces/alpha").await.html();
        assert!(home.contains("Actions en retard"), "{home}");
        assert!(home.contains(&format!(
            "<a href=\"/espaces/alpha/strategie#action-{id}\">Relancer Cartonnages</a>"
        )));
        assert!(home.contains(&format!(
            "href=\"/espaces/alpha/partenariats/{donor}\">Don de cartons"
        )));
        assert!(!home.contains("Action à venir"), "not late yet");

        // Done from the plan's table: no longer a reminder.
        let csrf = csrf_in(&home).unwrap();
        let done = app
            .submit(
                &b,
                &format!("/espaces/alpha/strategie/actions/{id}/statut"),
                &[("csrf", &csrf), ("status", "fait"), ("version", "1")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
        let home = app.page(&b, "/espaces/alpha").await.html();
        assert!(!home.contains("Actions en retard"));
        let page = app.page(&b, "/espaces/alpha/strategie").await.html();
        assert!(
            page.contains("a modifié l'action « Relancer Cartonnages » (fait)"),
            "{page}"
        );
    }
);

partinnov_store::dual_test!(
    the_api_reads_and_writes_the_canvas_and_the_plan_with_versions,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let bruno = person(&db.store, "beta", "Bruno Beta").await;
        let s = app
            .get(&alice.token, "/api/v1/workspaces/alpha/strategy")
            .await;
        assert_eq!(s.status, StatusCode::OK);
        assert_eq!(s.header("etag"), "\"0\"");
        assert_eq!(s.json["answers"].as_array().unwrap().len(), 8);
        assert_eq!(s.json["answers"][7]["question"], "existant");
        assert_eq!(s.json["answers"][7]["source"], "001:556");

        let put = app
            .put(
                &alice.token,
                "/api/v1/workspaces/alpha/strategy",
                &json!({"version": 0, "answers": {"axes": "Mobilité"}, "priorities": ["Filière"]}),
            )
            .await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.text);
        assert_eq!(put.json["version"], 1);
        assert_eq!(put.json["answers"][0]["text"], "Mobilité");
        let stale = app
            .put(
                &alice.token,
                "/api/v1/workspaces/alpha/strategy",
                &json!({"version": 0, "answers": {"axes": "Autre chose"}}),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
        assert_eq!(stale.json["current_version"], 1);
        let if_match = app
            .client
            .put(app.url("/api/v1/workspaces/alpha/strategy"))
            .bearer_auth(&alice.token)
            .header("if-match", "\"0\"")
            .json(&json!({"answers": {"axes": "Autre chose"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(if_match.status(), StatusCode::PRECONDITION_FAILED);
        let unknown = app
            .put(
                &alice.token,
                "/api/v1/workspaces/alpha/strategy",
                &json!({"version": 1, "answers": {"vision": "x"}}),
            )
            .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(unknown.error_fields(), ["answers.vision"]);
        let s = app
            .get(&alice.token, "/api/v1/workspaces/alpha/strategy")
            .await;
        assert_eq!(s.json["answers"][0]["text"], "Mobilité", "nothing changed");

        // The plan.
        let bad = app
            .post(
                &alice.token,
                "/api/v1/workspaces/alpha/actions",
                &json!({"title": "Relancer", "due_on": "2026-13-01"}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["due_on"]);
        let created = app
            .post(
                &alice.token,
                "/api/v1/workspaces/alpha/actions",
                &json!({"title": "Relancer", "status": "en_cours"}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let id = created.json["id"].as_i64().unwrap();
        let path = format!("/api/v1/workspaces/alpha/actions/{id}");
        let got = app.get(&alice.token, &path).await;
        assert_eq!(
            (got.json["status"].as_str(), got.header("etag")),
            (Some("en_cours"), "\"1\"")
        );
        let upd = app
            .put(
                &alice.token,
                &path,
                &json!({"title": "Relancer vite", "status": "fait", "version": 1}),
            )
            .await;
        assert_eq!(upd.status, StatusCode::OK, "{}", upd.text);
        assert_eq!(upd.json["version"], 2);
        let stale = app
            .put(
                &alice.token,
                &path,
                &json!({"title": "Autre", "version": 1}),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(
            app.get(&alice.token, &path).await.json["title"],
            "Relancer vite"
        );

        // Another workspace: not found, whichever slug is used.
        for p in [
            format!("/api/v1/workspaces/beta/actions/{id}"),
            path.clone(),
        ] {
            let a = app.get(&bruno.token, &p).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{p}");
        }
        assert_eq!(
            app.get(&bruno.token, "/api/v1/workspaces/alpha/strategy")
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // A reader reads and may not write.
        let rita = create_user(&db.store, "rita@example.org", "Rita Lecture").await;
        add_member(&db.store, alice.workspace, rita, Role::Reader).await;
        let reader = create_token(&db.store, rita, false).await;
        assert_eq!(app.get(&reader, &path).await.status, StatusCode::OK);
        let w = app
            .put(
                &reader,
                "/api/v1/workspaces/alpha/strategy",
                &json!({"version": 1, "answers": {"axes": "x"}}),
            )
            .await;
        assert_eq!(w.status, StatusCode::FORBIDDEN);
        let w = app
            .post(
                &reader,
                "/api/v1/workspaces/alpha/actions",
                &json!({"title": "x"}),
            )
            .await;
        assert_eq!(w.status, StatusCode::FORBIDDEN);
        assert_eq!(
            app.delete(&reader, &path).await.status,
            StatusCode::FORBIDDEN
        );

        assert_eq!(
            app.delete(&alice.token, &path).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.get(&alice.token, &path).await.status,
            StatusCode::NOT_FOUND
        );
    }
);
