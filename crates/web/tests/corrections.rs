//! Correcting the record: a timeline entry is corrected or deleted (the last interaction
//! day follows), and a contact is edited in the page, with stale edits refused.

mod common;

use common::*;
use partinnov_domain::typology::Form;
use reqwest::StatusCode;
use serde_json::json;

partinnov_store::dual_test!(
    an_interaction_is_corrected_with_its_version_and_deleted,
    |db| {
        let app = spawn(&db.store).await;
        let me = person(&db.store, "atelier", "Claire").await;
        let org = organisation(&db.store, "Partenaire", 61).await;
        let p = partnership(&db.store, &me, &draft("Suivi", org, Form::Recrutement)).await;
        let made = app
            .post(
                &me.token,
                &format!("/api/v1/partnerships/{}/interactions", p.0),
                &json!({"kind": "appel", "occurred_on": "2026-02-03"}),
            )
            .await;
        let id = made.json["id"].as_i64().unwrap();
        let path = format!("/api/v1/interactions/{id}");

        let fixed = app.put(&me.token, &path, &json!({"kind": "visite", "occurred_on": "2026-03-04", "note": "sur site", "version": 1})).await;
        assert_eq!(fixed.status, StatusCode::OK, "{}", fixed.text);
        assert_eq!(fixed.json["kind"], "visite");
        assert_eq!(
            app.get(&me.token, &format!("/api/v1/partnerships/{}", p.0))
                .await
                .json["last_interaction_on"],
            "2026-03-04"
        );
        let stale = app
            .put(
                &me.token,
                &path,
                &json!({"kind": "appel", "occurred_on": "2026-03-05", "version": 1}),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(stale.json["current_version"], 2);

        let outsider = person(&db.store, "ailleurs", "Autre").await;
        assert_eq!(
            app.delete(&outsider.token, &path).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.delete(&me.token, &path).await.status,
            StatusCode::NO_CONTENT
        );
        assert!(
            app.get(&me.token, &format!("/api/v1/partnerships/{}", p.0))
                .await
                .json["last_interaction_on"]
                .is_null()
        );
    }
);

partinnov_store::dual_test!(
    a_contact_is_edited_in_the_page_and_a_stale_edit_is_refused,
    |db| {
        let app = spawn(&db.store).await;
        let me = person(&db.store, "atelier", "Claire").await;
        let c = app
            .post(
                &me.token,
                "/api/v1/workspaces/atelier/contacts",
                &json!({"name": "Jean Achat", "job_title": "Acheteur"}),
            )
            .await;
        let id = c.json["id"].as_i64().unwrap();
        let b = app.sign_in(&me.email).await;
        let form = app
            .page(&b, &format!("/espaces/atelier/contacts/{id}/modifier"))
            .await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.html().contains("Jean Achat") && form.html().contains("Modifier le contact"));
        let csrf = csrf_in(&form.text).unwrap();
        let saved = app
            .submit(
                &b,
                &format!("/espaces/atelier/contacts/{id}/modifier"),
                &[
                    ("csrf", &csrf),
                    ("version", "1"),
                    ("name", "Jean Achat"),
                    ("job_title", "Directeur des achats"),
                    ("organisation", ""),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
        let again = app
            .submit(
                &b,
                &format!("/espaces/atelier/contacts/{id}/modifier"),
                &[
                    ("csrf", &csrf),
                    ("version", "1"),
                    ("name", "Jean Achat"),
                    ("job_title", "Stagiaire"),
                    ("organisation", ""),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        let list = app
            .get(&me.token, "/api/v1/workspaces/atelier/contacts")
            .await;
        assert_eq!(
            list.json["items"][0]["job_title"], "Directeur des achats",
            "the stale edit changed nothing"
        );
    }
);
