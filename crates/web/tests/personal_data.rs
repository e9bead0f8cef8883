//! Personal data about company contacts: everything held about one person can be
//! exported, and a contact can be anonymised without breaking the history.

mod common;

use common::*;
use partinnov_domain::typology::Form;
use reqwest::StatusCode;
use serde_json::json;

partinnov_store::dual_test!(
    a_contact_is_exported_whole_then_anonymised_everywhere,
    |db| {
        let app = spawn(&db.store).await;
        let me = person(&db.store, "atelier", "Claire Direction").await;
        let org = organisation(&db.store, "Tissus de l'Ain", 5).await;
        let p = partnership(
            &db.store,
            &me,
            &draft("Dons de tissu", org, Form::MecenatNature),
        )
        .await;
        let c = app
        .post(&me.token, "/api/v1/workspaces/atelier/contacts", &json!({"name": "Élodie Achat", "email": "elodie@tissus.example", "organisation_id": org.0, "job_title": "Acheteuse"}))
        .await;
        assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
        let cid = c.json["id"].as_i64().unwrap();
        let i = app
        .post(&me.token, &format!("/api/v1/partnerships/{}/interactions", p.0), &json!({"kind": "reunion", "occurred_on": "2026-06-02", "participants": "élodie achat, Claire"}))
        .await;
        assert_eq!(i.status, StatusCode::CREATED);

        let export = app
            .get(
                &me.token,
                &format!("/api/v1/workspaces/atelier/contacts/{cid}/export"),
            )
            .await;
        assert_eq!(export.status, StatusCode::OK);
        assert_eq!(export.json["contact"]["email"], "elodie@tissus.example");
        assert_eq!(
            export.json["mentioned_in"].as_array().unwrap().len(),
            1,
            "the meeting she attended, found without regard to accents or case"
        );
        assert!(
            export.text.contains("Acheteuse"),
            "the audit trail holds what was recorded"
        );

        let anon = app
            .post(
                &me.token,
                &format!("/api/v1/workspaces/atelier/contacts/{cid}/anonymise"),
                &json!({}),
            )
            .await;
        assert_eq!(anon.status, StatusCode::OK, "{}", anon.text);
        assert!(
            anon.json["name"]
                .as_str()
                .unwrap()
                .starts_with("Contact anonymisé")
        );
        assert_eq!(anon.json["email"], "");
        let after = app
            .get(
                &me.token,
                &format!("/api/v1/workspaces/atelier/contacts/{cid}/export"),
            )
            .await;
        assert!(
            !after.text.contains("Élodie")
                && !after.text.contains("elodie@")
                && !after.text.contains("Acheteuse"),
            "{}",
            after.text
        );
        // The partnership and its history are untouched.
        assert_eq!(
            app.get(&me.token, &format!("/api/v1/partnerships/{}", p.0))
                .await
                .status,
            StatusCode::OK
        );
    }
);

partinnov_store::dual_test!(
    another_workspace_cannot_export_or_anonymise_a_contact,
    |db| {
        let app = spawn(&db.store).await;
        let a = person(&db.store, "alpha", "Alice").await;
        let b = person(&db.store, "beta", "Bruno").await;
        let c = app
            .post(
                &b.token,
                "/api/v1/workspaces/beta/contacts",
                &json!({"name": "Paul Privé"}),
            )
            .await;
        let cid = c.json["id"].as_i64().unwrap();
        assert_eq!(
            app.get(
                &a.token,
                &format!("/api/v1/workspaces/beta/contacts/{cid}/export")
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(
                &a.token,
                &format!("/api/v1/workspaces/alpha/contacts/{cid}/export")
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.post(
                &a.token,
                &format!("/api/v1/workspaces/alpha/contacts/{cid}/anonymise"),
                &json!({})
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        let still = app
            .get(
                &b.token,
                &format!("/api/v1/workspaces/beta/contacts/{cid}/export"),
            )
            .await;
        assert_eq!(still.json["contact"]["name"], "Paul Privé");
    }
);
