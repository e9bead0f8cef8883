//! The registry's duplicates: proposed with a score and a reason, never across two
//! SIRETs, never "certain" for look-alike names; merged by a person, keeping every link
//! and both histories.

mod common;

use common::*;
use partinnov_domain::{identity::synthetic_siret, typology::Form};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn pair_of(groups: &Value, a: i64, b: i64) -> Option<&Value> {
    groups.as_array()?.iter().find_map(|g| {
        g["pairs"]
            .as_array()?
            .iter()
            .find(|p| p["a"] == a.min(b) && p["b"] == a.max(b))
    })
}

partinnov_store::dual_test!(
    duplicates_are_proposed_with_a_reason_and_merged_keeping_links_and_history,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let me = person(s, "atelier", "Claire").await;
        let keep = located(
            s,
            "SARL Les Jardins d'Éole",
            Some(synthetic_siret(7)),
            "01034",
        )
        .await;
        let dup = located(s, "Jardins Eole (Les)", None, "01034").await;
        let anjou = located(s, "Envie Anjou", None, "49007").await;
        let autonomie = located(s, "Envie Autonomie", None, "49007").await;
        let e1 = located(s, "Envie Rhône", Some(synthetic_siret(8)), "69123").await;
        let e2 = located(s, "Envie Rhône", Some(synthetic_siret(9)), "69123").await;

        let groups = app.get(&me.token, "/api/v1/organisations/duplicates").await;
        assert_eq!(groups.status, StatusCode::OK, "{}", groups.text);
        let p = pair_of(&groups.json, keep.0, dup.0).expect("the two Jardins");
        assert_eq!(p["confidence"], "certain");
        assert!(p["reason"].as_str().unwrap().contains("même commune"));
        if let Some(p) = pair_of(&groups.json, anjou.0, autonomie.0) {
            assert_eq!(p["confidence"], "possible", "look-alikes are never certain");
        }
        assert!(
            pair_of(&groups.json, e1.0, e2.0).is_none(),
            "two SIRETs, two establishments"
        );

        // The duplicate is a partner and has a contact; a partnership names both.
        let p1 = partnership(s, &me, &draft("Jardinage", dup, Form::MecenatNature)).await;
        let mut both = draft("Chantier commun", keep, Form::SousTraitance);
        both.partners.push(dup);
        let p2 = partnership(s, &me, &both).await;
        let contact = app
            .post(
                &me.token,
                "/api/v1/workspaces/atelier/contacts",
                &json!({"name": "Rémi Jardin", "organisation_id": dup.0}),
            )
            .await;
        assert_eq!(contact.status, StatusCode::CREATED, "{}", contact.text);

        let b = app.sign_in("atelier@example.org").await;
        let queue = app.page(&b, "/organisations/doublons").await;
        assert_eq!(queue.status, StatusCode::OK);
        assert!(queue.html().contains("doublon certain"));
        let csrf = csrf_in(&queue.text).unwrap();
        let merged = app
            .submit(
                &b,
                &format!("/organisations/{}/fusionner", keep.0),
                &[("csrf", &csrf), ("drop", &dup.0.to_string())],
            )
            .await;
        assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.text);

        let gone = app
            .get(&me.token, &format!("/api/v1/organisations/{}", dup.0))
            .await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        let moved = app
            .get(&me.token, &format!("/api/v1/partnerships/{}", p1.0))
            .await;
        let ids = |v: &Value| -> Vec<i64> {
            v["partners"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_i64().unwrap())
                .collect()
        };
        assert_eq!(ids(&moved.json), [keep.0], "{}", moved.text);
        let joined = app
            .get(&me.token, &format!("/api/v1/partnerships/{}", p2.0))
            .await;
        assert_eq!(ids(&joined.json), [keep.0], "one line, not two");
        let contacts = app
            .get(&me.token, "/api/v1/workspaces/atelier/contacts")
            .await;
        assert_eq!(contacts.json["items"][0]["organisation_id"], keep.0);
        // Both creations are in the kept record's history, then the merge.
        let history = app
            .get(
                &me.token,
                &format!("/api/v1/organisations/{}/history", keep.0),
            )
            .await;
        let entries = history.json.as_array().expect("history");
        assert!(entries.len() >= 3, "{}", history.text);
    }
);

partinnov_store::dual_test!(
    two_sirets_are_refused_and_only_registry_editors_merge,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let me = person(s, "atelier", "Claire").await;
        let e1 = located(s, "Envie Rhône", Some(synthetic_siret(8)), "69123").await;
        let e2 = located(s, "Envie Rhône Est", Some(synthetic_siret(9)), "69123").await;
        let refused = app
            .post(
                &me.token,
                &format!("/api/v1/organisations/{}/merge", e1.0),
                &json!({"drop": e2.0}),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.error_fields(), ["drop"]);
        assert!(
            refused.text.contains("deux établissements"),
            "{}",
            refused.text
        );

        // A reader, who edits no workspace, sees no queue and merges nothing (403);
        // an account with no workspace at all does not even see the registry (404).
        let reader = create_user(s, "lecteur@example.org", "Léa").await;
        add_member(s, me.workspace, reader, partinnov_store::Role::Reader).await;
        let outsider = create_user(s, "dehors@example.org", "Oscar").await;
        for (user, status) in [
            (reader, StatusCode::FORBIDDEN),
            (outsider, StatusCode::NOT_FOUND),
        ] {
            let token = create_token(s, user, false).await;
            assert_eq!(
                app.get(&token, "/api/v1/organisations/duplicates")
                    .await
                    .status,
                status
            );
            let denied = app
                .post(
                    &token,
                    &format!("/api/v1/organisations/{}/merge", e1.0),
                    &json!({"drop": e2.0}),
                )
                .await;
            assert_eq!(denied.status, status);
        }
        assert_eq!(
            app.get(&me.token, &format!("/api/v1/organisations/{}", e2.0))
                .await
                .status,
            StatusCode::OK,
            "nothing was merged"
        );
    }
);
