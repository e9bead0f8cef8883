//! The JSON API over HTTP, on SQLite and PostgreSQL: what a client sees (status, body,
//! problem+json fields) and what the server holds afterwards.

mod common;

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate, Utc};
use common::{
    add_member, create_token, create_user, create_workspace, draft, organisation, partnership,
    partnership_created_on, person, spawn,
};
use partinnov_domain::typology::{Form, PartnershipStatus};
use partinnov_store::{Role, dual_test};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PROBLEM: &str = "application/problem+json";

fn ids(list: &Value) -> BTreeSet<i64> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["id"].as_i64().expect("id"))
        .collect()
}

/// Ids of the partnerships a list with query `q` answers.
async fn list_ids(app: &common::TestApp, token: &str, base: &str, q: &str) -> BTreeSet<i64> {
    let a = app.get(token, &format!("{base}?{q}")).await;
    assert_eq!(a.status, StatusCode::OK, "{q}: {}", a.text);
    ids(&a.json)
}

fn partnership_body(title: &str, partner: i64) -> Value {
    json!({
        "title": title,
        "status": "actif",
        "partners": [partner],
        "forms": [
            {"form": "mecenat_nature", "started_on": "2024-01-15", "ended_on": "2025-06-30", "note": "palettes"},
            {"form": "clauses_sociales", "started_on": "2024-03-01"}
        ],
        "objectives": [
            {"party": "structure", "text": "Former deux salariés en insertion"},
            {"party": "partenaire", "rank": 2, "text": "Réduire les déchets"}
        ]
    })
}

dual_test!(healthz_answers_200_when_the_database_answers, |db| {
    let app = spawn(&db.store).await;
    let r = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::OK);
});

dual_test!(
    a_request_without_a_token_is_refused_with_401_problem_and_a_bearer_challenge,
    |db| {
        let app = spawn(&db.store).await;
        let r = app
            .client
            .get(app.url("/api/v1/workspaces"))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let h = r.headers().clone();
        assert_eq!(h["www-authenticate"], "Bearer");
        assert_eq!(h["content-type"], PROBLEM);
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["type"], "/problems/unauthenticated");
        assert_eq!(body["status"], 401);

        let wrong = app.get("pi_not-a-token", "/api/v1/partnerships").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.header("www-authenticate"), "Bearer");
    }
);

dual_test!(
    workspaces_lists_only_the_callers_workspaces_with_slug_and_role,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        let _bob = person(s, "beta", "Bob Durand").await;
        let carol = create_user(s, "carol@example.org", "Carol Petit").await;
        let gamma = create_workspace(s, carol, "gamma", "Espace gamma").await;
        add_member(s, gamma, alice.id, Role::Reader).await;

        let a = app.get(&alice.token, "/api/v1/workspaces").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let seen: BTreeSet<(String, String)> = a.json["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|w| {
                (
                    w["slug"].as_str().expect("slug").to_owned(),
                    w["role"].as_str().expect("role").to_owned(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            BTreeSet::from([
                ("alpha".to_owned(), "owner".to_owned()),
                ("gamma".to_owned(), "reader".to_owned())
            ])
        );
        assert_eq!(a.json["total"], 2);
        assert_eq!(a.json["page"], 1);
    }
);

dual_test!(
    an_organisation_is_created_with_its_siret_normalised_and_its_territory_resolved,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let before = app.total(&alice.token, "/api/v1/organisations").await;

        let a = app
        .post(
            &alice.token,
            "/api/v1/organisations",
            &json!({"name": "Atelier du Lien", "siret": "732 829 320 00074", "commune_code": "01053", "kinds": ["EI"]}),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        assert_eq!(a.json["siret"], "73282932000074");
        assert_eq!(a.json["siren_derived"], "732829320");
        assert_eq!(a.json["commune_code"], "01053");
        assert_eq!(a.json["departement_code"], "01");
        assert_eq!(a.json["region_code"], "84");
        assert_eq!(a.json["version"], 1);
        assert_eq!(a.header("etag"), "\"1\"");

        let id = a.json["id"].as_i64().expect("id");
        let back = app
            .get(&alice.token, &format!("/api/v1/organisations/{id}"))
            .await;
        assert_eq!(back.status, StatusCode::OK);
        assert_eq!(back.json["name"], "Atelier du Lien");
        assert_eq!(back.json["siret"], "73282932000074");
        assert_eq!(
            app.total(&alice.token, "/api/v1/organisations").await,
            before + 1
        );
    }
);

dual_test!(
    an_invalid_siret_is_refused_naming_the_field_and_nothing_is_created,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let before = app.total(&alice.token, "/api/v1/organisations").await;

        let a = app
            .post(
                &alice.token,
                "/api/v1/organisations",
                &json!({"name": "Atelier du Lien", "siret": "732 829 320 00075"}),
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
        assert_eq!(a.header("content-type"), PROBLEM);
        assert_eq!(a.json["type"], "/problems/validation");
        assert_eq!(a.json["errors"][0]["field"], "siret");
        assert_eq!(a.json["errors"][0]["code"], "siret_checksum");
        assert!(
            a.json["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("SIRET n'est pas valide"))
        );
        assert_eq!(
            app.total(&alice.token, "/api/v1/organisations").await,
            before
        );
    }
);

dual_test!(
    a_siret_already_in_the_registry_is_refused_naming_the_siret_field,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let body = json!({"name": "Atelier du Lien", "siret": "73282932000074"});
        let first = app.post(&alice.token, "/api/v1/organisations", &body).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);

        let again = app
            .post(
                &alice.token,
                "/api/v1/organisations",
                &json!({"name": "Atelier du Lien (doublon)", "siret": "732 829 320 00074"}),
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            again.text
        );
        assert_eq!(again.header("content-type"), PROBLEM);
        assert_eq!(again.error_fields(), ["siret"]);
        assert_eq!(again.json["errors"][0]["code"], "duplicate_siret");
        assert_eq!(
            app.total(&alice.token, "/api/v1/organisations?q=doublon")
                .await,
            0
        );
    }
);

dual_test!(an_unknown_commune_is_refused_naming_commune_code, |db| {
    let app = spawn(&db.store).await;
    let alice = person(&db.store, "alpha", "Alice Martin").await;
    let before = app.total(&alice.token, "/api/v1/organisations").await;
    let a = app
        .post(
            &alice.token,
            "/api/v1/organisations",
            &json!({"name": "Atelier du Lien", "commune_code": "99999"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
    assert_eq!(a.error_fields(), ["commune_code"]);
    assert_eq!(
        app.total(&alice.token, "/api/v1/organisations").await,
        before
    );
});

dual_test!(
    a_partnership_is_created_in_a_workspace_with_its_dated_forms_and_objectives,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let org = organisation(&db.store, "Société Générale des Ateliers", 1).await;

        let a = app
            .post(
                &alice.token,
                "/api/v1/workspaces/alpha/partnerships",
                &partnership_body("Palettes et clauses", org.0),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let p = &a.json;
        assert_eq!(p["version"], 1);
        assert_eq!(a.header("etag"), "\"1\"");
        assert_eq!(p["workspace"], "alpha");
        assert_eq!(p["title"], "Palettes et clauses");
        assert_eq!(p["partners"][0]["id"], org.0);
        assert_eq!(p["partners"][0]["name"], "Société Générale des Ateliers");
        assert_eq!(p["forms"][0]["form"], "mecenat_nature");
        assert_eq!(p["forms"][0]["family"], "mecenat");
        assert_eq!(p["forms"][0]["started_on"], "2024-01-15");
        assert_eq!(p["forms"][0]["ended_on"], "2025-06-30");
        assert_eq!(p["forms"][0]["current"], false);
        assert_eq!(p["forms"][1]["form"], "clauses_sociales");
        assert_eq!(p["forms"][1]["current"], true);
        assert_eq!(p["families"], json!(["pratiques_responsables"]));
        assert_eq!(p["objectives"][0]["party"], "structure");
        assert_eq!(p["objectives"][0]["rank"], 1);
        assert_eq!(p["objectives"][1]["text"], "Réduire les déchets");

        let id = p["id"].as_i64().expect("id");
        let list = app
            .get(&alice.token, "/api/v1/workspaces/alpha/partnerships")
            .await;
        assert_eq!(ids(&list.json), BTreeSet::from([id]));
    }
);

dual_test!(
    a_form_ending_before_it_starts_is_refused_and_nothing_is_created,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let org = organisation(&db.store, "Société Générale des Ateliers", 1).await;
        let list = "/api/v1/workspaces/alpha/partnerships";
        let before = app.total(&alice.token, list).await;

        let mut body = partnership_body("À l'envers", org.0);
        body["forms"] = json!([{"form": "mecenat_nature", "started_on": "2024-05-01", "ended_on": "2023-01-01"}]);
        let a = app.post(&alice.token, list, &body).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
        assert_eq!(a.header("content-type"), PROBLEM);
        assert_eq!(a.json["errors"][0]["field"], "forms[0].ended_on");
        assert_eq!(a.json["errors"][0]["code"], "end_before_start");
        assert_eq!(app.total(&alice.token, list).await, before);
    }
);

dual_test!(
    an_unknown_form_code_is_refused_and_nothing_is_created,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let org = organisation(&db.store, "Société Générale des Ateliers", 1).await;
        let list = "/api/v1/workspaces/alpha/partnerships";
        let before = app.total(&alice.token, list).await;

        let mut body = partnership_body("Forme imaginaire", org.0);
        body["forms"] = json!([{"form": "mecenat_imaginaire"}]);
        let a = app.post(&alice.token, list, &body).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
        assert_eq!(a.json["errors"][0]["field"], "forms[0].form");
        assert_eq!(app.total(&alice.token, list).await, before);
    }
);

dual_test!(
    lists_filter_by_family_status_accentless_text_and_dormancy_and_paginate,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        let org = organisation(s, "Société Générale des Ateliers", 1).await;
        let eco = partnership(
            s,
            &alice,
            &draft("Atelier Éco-Conception", org, Form::MecenatNature),
        )
        .await;
        let mut asleep = draft("Clauses du port", org, Form::ClausesSociales);
        asleep.status = PartnershipStatus::EnSommeil;
        let asleep = partnership(s, &alice, &asleep).await;
        let two_years_ago = Utc::now().date_naive() - Days::new(730);
        let old = partnership_created_on(
            s,
            &alice,
            &draft("Sous-traitance oubliée", org, Form::SousTraitance),
            two_years_ago,
        )
        .await;
        let base = "/api/v1/workspaces/alpha/partnerships";
        let found = |q: &'static str| list_ids(&app, &alice.token, base, q);
        assert_eq!(found("family=mecenat").await, BTreeSet::from([eco.0]));
        assert_eq!(
            found("family=cooperation_economique").await,
            BTreeSet::from([old.0])
        );
        assert_eq!(found("status=en_sommeil").await, BTreeSet::from([asleep.0]));
        assert_eq!(found("q=eco").await, BTreeSet::from([eco.0]));
        assert_eq!(
            found("q=%C3%89CO-conception").await,
            BTreeSet::from([eco.0])
        );
        assert_eq!(
            found("q=societe%20generale").await,
            BTreeSet::from([eco.0, asleep.0, old.0])
        );
        assert_eq!(found("dormant=true").await, BTreeSet::from([old.0]));
        assert_eq!(
            found("dormant=false").await,
            BTreeSet::from([eco.0, asleep.0])
        );

        let first = app.get(&alice.token, &format!("{base}?per_page=2")).await;
        assert_eq!(first.json["total"], 3);
        assert_eq!(first.json["page"], 1);
        assert_eq!(first.json["per_page"], 2);
        assert_eq!(first.json["items"].as_array().map(Vec::len), Some(2));
        let second = app
            .get(&alice.token, &format!("{base}?per_page=2&page=2"))
            .await;
        assert_eq!(second.json["page"], 2);
        assert_eq!(second.json["items"].as_array().map(Vec::len), Some(1));
        let mut all = ids(&first.json);
        all.extend(ids(&second.json));
        assert_eq!(all.len(), 3, "pages overlap: {all:?}");

        let visible = app
            .get(&alice.token, "/api/v1/partnerships?family=mecenat")
            .await;
        assert_eq!(ids(&visible.json), BTreeSet::from([eco.0]));
    }
);

dual_test!(
    a_page_size_of_zero_or_an_unknown_filter_code_is_refused_naming_the_parameter,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        for path in [
            "/api/v1/workspaces/alpha/partnerships?per_page=0",
            "/api/v1/partnerships?per_page=0",
        ] {
            let a = app.get(&alice.token, path).await;
            assert_eq!(
                a.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path}: {}",
                a.text
            );
            assert_eq!(a.header("content-type"), PROBLEM);
            assert_eq!(a.error_fields(), ["per_page"], "{path}");
        }
        let a = app
            .get(&alice.token, "/api/v1/partnerships?family=philatelie")
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(a.error_fields(), ["family"]);
    }
);

dual_test!(a_partnership_is_read_by_id_with_its_version_as_etag, |db| {
    let app = spawn(&db.store).await;
    let alice = person(&db.store, "alpha", "Alice Martin").await;
    let org = organisation(&db.store, "Société Générale des Ateliers", 1).await;
    let id = partnership(
        &db.store,
        &alice,
        &draft("Palettes", org, Form::MecenatNature),
    )
    .await;

    let a = app
        .get(&alice.token, &format!("/api/v1/partnerships/{id}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json["id"], id.0);
    assert_eq!(a.json["title"], "Palettes");
    assert_eq!(a.json["version"], 1);
    assert_eq!(a.header("etag"), "\"1\"");
});

dual_test!(
    an_update_saves_bumps_the_version_and_a_stale_one_is_refused_without_changing_anything,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let org = organisation(&db.store, "Société Générale des Ateliers", 1).await;
        let created = app
            .post(
                &alice.token,
                "/api/v1/workspaces/alpha/partnerships",
                &partnership_body("Palettes", org.0),
            )
            .await;
        let id = created.json["id"].as_i64().expect("id");
        let path = format!("/api/v1/partnerships/{id}");

        let mut body = partnership_body("Palettes et cartons", org.0);
        body["version"] = json!(1);
        let ok = app.put(&alice.token, &path, &body).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        assert_eq!(ok.json["version"], 2);
        assert_eq!(ok.json["title"], "Palettes et cartons");
        assert_eq!(ok.header("etag"), "\"2\"");

        // The body still says version 1: someone saved in between.
        let mut stale = partnership_body("Écrasé par erreur", org.0);
        stale["version"] = json!(1);
        let conflict = app.put(&alice.token, &path, &stale).await;
        assert_eq!(conflict.status, StatusCode::CONFLICT, "{}", conflict.text);
        assert_eq!(conflict.header("content-type"), PROBLEM);
        assert_eq!(conflict.json["type"], "/problems/conflict");
        assert_eq!(conflict.json["current_version"], 2);

        let precondition = app
            .client
            .put(app.url(&path))
            .bearer_auth(&alice.token)
            .header("if-match", "\"1\"")
            .json(&partnership_body("Écrasé par erreur", org.0))
            .send()
            .await
            .expect("request");
        assert_eq!(precondition.status(), StatusCode::PRECONDITION_FAILED);
        let problem: Value = precondition.json().await.expect("json");
        assert_eq!(problem["type"], "/problems/precondition_failed");
        assert_eq!(problem["current_version"], 2);

        let now = app.get(&alice.token, &path).await;
        assert_eq!(now.json["title"], "Palettes et cartons");
        assert_eq!(now.json["version"], 2);

        let with_if_match = app
            .client
            .put(app.url(&path))
            .bearer_auth(&alice.token)
            .header("if-match", "\"2\"")
            .json(&partnership_body("Palettes, cartons et bois", org.0))
            .send()
            .await
            .expect("request");
        assert_eq!(with_if_match.status(), StatusCode::OK);
        assert_eq!(with_if_match.headers()["etag"], "\"3\"");
    }
);

dual_test!(a_deleted_partnership_is_no_longer_found, |db| {
    let app = spawn(&db.store).await;
    let alice = person(&db.store, "alpha", "Alice Martin").await;
    let org = organisation(&db.store, "Société Générale des Ateliers", 1).await;
    let id = partnership(
        &db.store,
        &alice,
        &draft("Palettes", org, Form::MecenatNature),
    )
    .await;
    let path = format!("/api/v1/partnerships/{id}");

    let gone = app.delete(&alice.token, &path).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert!(gone.text.is_empty());
    let a = app.get(&alice.token, &path).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.header("content-type"), PROBLEM);
    assert_eq!(a.json["type"], "/problems/not_found");
    assert_eq!(
        app.total(&alice.token, "/api/v1/workspaces/alpha/partnerships")
            .await,
        0
    );
});

dual_test!(
    history_tells_in_french_who_created_the_partnership_and_changed_its_status,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let org = organisation(&db.store, "Société Générale des Ateliers", 1).await;
        let created = app
            .post(
                &alice.token,
                "/api/v1/workspaces/alpha/partnerships",
                &partnership_body("Palettes", org.0),
            )
            .await;
        let id = created.json["id"].as_i64().expect("id");
        let mut body = partnership_body("Palettes", org.0);
        body["status"] = json!("en_sommeil");
        body["version"] = json!(1);
        let updated = app
            .put(&alice.token, &format!("/api/v1/partnerships/{id}"), &body)
            .await;
        assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);

        let h = app
            .get(&alice.token, &format!("/api/v1/partnerships/{id}/history"))
            .await;
        assert_eq!(h.status, StatusCode::OK, "{}", h.text);
        let entries = h.json.as_array().expect("array");
        let actions: BTreeSet<&str> = entries
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert_eq!(actions, BTreeSet::from(["create", "update"]));
        let update = entries
            .iter()
            .find(|e| e["action"] == "update")
            .expect("update entry");
        assert_eq!(update["user"], "Alice Martin");
        let changes: Vec<&str> = update["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(changes.len(), 1, "only the status changed: {changes:?}");
        assert!(
            changes[0].starts_with("Alice Martin a passé statut de actif à en sommeil le "),
            "{changes:?}"
        );
        let create = entries
            .iter()
            .find(|e| e["action"] == "create")
            .expect("create entry");
        assert!(
            create["changes"][0]
                .as_str()
                .is_some_and(|c| c.starts_with("Alice Martin a créé la fiche le ")),
            "{create}"
        );
    }
);

dual_test!(
    another_workspaces_partnership_is_not_found_rather_than_forbidden_and_never_listed,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        let bob = person(s, "beta", "Bob Durand").await;
        let org = organisation(s, "Société Générale des Ateliers", 1).await;
        let mine = partnership(s, &alice, &draft("Chez Alice", org, Form::MecenatNature)).await;
        let theirs = partnership(s, &bob, &draft("Chez Bob", org, Form::MecenatNature)).await;

        let t = &alice.token;
        let mut body = partnership_body("Volé", org.0);
        body["version"] = json!(1);
        let answers = [
            (
                "GET partnership",
                app.get(t, &format!("/api/v1/partnerships/{theirs}")).await,
            ),
            (
                "PUT partnership",
                app.put(t, &format!("/api/v1/partnerships/{theirs}"), &body)
                    .await,
            ),
            (
                "DELETE partnership",
                app.delete(t, &format!("/api/v1/partnerships/{theirs}"))
                    .await,
            ),
            (
                "history",
                app.get(t, &format!("/api/v1/partnerships/{theirs}/history"))
                    .await,
            ),
            (
                "interactions",
                app.get(t, &format!("/api/v1/partnerships/{theirs}/interactions"))
                    .await,
            ),
            (
                "workspace list",
                app.get(t, "/api/v1/workspaces/beta/partnerships").await,
            ),
            (
                "workspace create",
                app.post(t, "/api/v1/workspaces/beta/partnerships", &body)
                    .await,
            ),
            (
                "unknown workspace",
                app.get(t, "/api/v1/workspaces/nulle-part/partnerships")
                    .await,
            ),
        ];
        for (what, a) in &answers {
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{what}: {}", a.text);
            assert_eq!(a.json["type"], "/problems/not_found", "{what}");
        }
        assert_eq!(
            answers[0].1.text, answers[7].1.text,
            "no hint that it exists"
        );

        let visible = app.get(t, "/api/v1/partnerships").await;
        assert_eq!(ids(&visible.json), BTreeSet::from([mine.0]));
        assert_eq!(visible.json["total"], 1);
        let searched = app.get(t, "/api/v1/partnerships?q=bob").await;
        assert_eq!(searched.json["total"], 0);

        let still = app
            .get(&bob.token, &format!("/api/v1/partnerships/{theirs}"))
            .await;
        assert_eq!(still.status, StatusCode::OK);
        assert_eq!(still.json["title"], "Chez Bob");
        assert_eq!(still.json["version"], 1);
    }
);

dual_test!(a_read_only_token_or_a_reader_may_read_but_not_write, |db| {
    let s = &db.store;
    let app = spawn(s).await;
    let alice = person(s, "alpha", "Alice Martin").await;
    let org = organisation(s, "Société Générale des Ateliers", 1).await;
    let id = partnership(s, &alice, &draft("Palettes", org, Form::MecenatNature)).await;
    let read_only = create_token(s, alice.id, true).await;
    let dan = create_user(s, "dan@example.org", "Dan Leroy").await;
    add_member(s, alice.workspace, dan, Role::Reader).await;
    let reader = create_token(s, dan, false).await;
    let list = "/api/v1/workspaces/alpha/partnerships";

    for token in [&read_only, &reader] {
        assert_eq!(app.total(token, list).await, 1);
        let a = app
            .post(token, list, &partnership_body("Interdit", org.0))
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text);
        assert_eq!(a.header("content-type"), PROBLEM);
        assert_eq!(a.json["type"], "/problems/forbidden");
        let d = app
            .delete(token, &format!("/api/v1/partnerships/{id}"))
            .await;
        assert_eq!(d.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(app.total(&alice.token, list).await, 1);
    let o = app
        .post(
            &read_only,
            "/api/v1/organisations",
            &json!({"name": "Interdite"}),
        )
        .await;
    assert_eq!(o.status, StatusCode::FORBIDDEN, "{}", o.text);
});

dual_test!(
    malformed_json_is_a_400_problem_and_wrong_types_a_422_problem,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let list = "/api/v1/workspaces/alpha/partnerships";

        let broken = app.post_raw(&alice.token, list, "{\"title\": ").await;
        assert_eq!(broken.status, StatusCode::BAD_REQUEST, "{}", broken.text);
        assert_eq!(broken.header("content-type"), PROBLEM);
        assert_eq!(broken.json["type"], "/problems/bad_request");

        let wrong = app
            .post_raw(
                &alice.token,
                list,
                r#"{"title": 12, "status": "actif", "partners": "un"}"#,
            )
            .await;
        assert_eq!(
            wrong.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            wrong.text
        );
        assert_eq!(wrong.header("content-type"), PROBLEM);
        assert_eq!(wrong.json["type"], "/problems/validation");
        assert_eq!(wrong.error_fields(), ["body"]);
        assert_eq!(app.total(&alice.token, list).await, 0);
    }
);

dual_test!(
    the_typology_has_four_families_and_every_form_is_labelled_in_french_and_english,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let a = app.get(&alice.token, "/api/v1/typology").await;
        assert_eq!(a.status, StatusCode::OK);
        let families: BTreeSet<&str> = a.json["families"]
            .as_array()
            .expect("families")
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        assert_eq!(
            families,
            BTreeSet::from([
                "mecenat",
                "pratiques_responsables",
                "cooperation_economique",
                "innovation_societale"
            ])
        );
        let forms = a.json["forms"].as_array().expect("forms");
        assert_eq!(forms.len(), Form::ALL.len());
        for f in forms {
            for lang in ["fr", "en"] {
                assert!(
                    f[lang].as_str().is_some_and(|l| !l.trim().is_empty()),
                    "{f} has no {lang} label"
                );
            }
            assert!(
                families.contains(f["family"].as_str().unwrap_or("")),
                "{f} has no known family"
            );
        }
        let nature = forms
            .iter()
            .find(|f| f["code"] == "mecenat_nature")
            .expect("mecenat_nature");
        assert_eq!(nature["fr"], "mécénat en nature");
        assert_eq!(nature["en"], "in-kind giving");
    }
);

/// Every route under `/api/v1` that the router serves, as (method, OpenAPI path). The
/// document does not describe itself (`/api/v1/openapi.json`).
const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/workspaces"),
    ("post", "/api/v1/workspaces/{slug}/imports/{kind}"),
    ("get", "/api/v1/workspaces/{slug}/import-mappings/{kind}"),
    (
        "put",
        "/api/v1/workspaces/{slug}/import-mappings/{kind}/{name}",
    ),
    (
        "delete",
        "/api/v1/workspaces/{slug}/import-mappings/{kind}/{name}",
    ),
    ("get", "/api/v1/typology"),
    ("get", "/api/v1/communes"),
    ("get", "/api/v1/workspaces/{slug}/contacts"),
    ("post", "/api/v1/workspaces/{slug}/contacts"),
    ("put", "/api/v1/workspaces/{slug}/contacts/{id}"),
    ("delete", "/api/v1/workspaces/{slug}/contacts/{id}"),
    ("get", "/api/v1/workspaces/{slug}/contacts/{id}/export"),
    ("post", "/api/v1/workspaces/{slug}/contacts/{id}/anonymise"),
    ("get", "/api/v1/organisations"),
    ("post", "/api/v1/organisations"),
    ("get", "/api/v1/organisations/{id}"),
    ("put", "/api/v1/organisations/{id}"),
    ("get", "/api/v1/organisations/{id}/history"),
    ("get", "/api/v1/workspaces/{slug}/partnerships"),
    ("post", "/api/v1/workspaces/{slug}/partnerships"),
    ("get", "/api/v1/partnerships"),
    // Evaluations: {id} is the evaluation, a criterion or an indicator as the path says
    // (see the id mapping below). Listed before the partnership's deletion, which would
    // hide them.
    ("get", "/api/v1/evaluation-templates"),
    ("post", "/api/v1/workspaces/{slug}/evaluation-templates"),
    ("get", "/api/v1/partnerships/{id}/evaluations"),
    ("post", "/api/v1/partnerships/{id}/evaluations"),
    ("get", "/api/v1/evaluations/{id}"),
    ("put", "/api/v1/evaluations/{id}"),
    ("post", "/api/v1/evaluations/{id}/criteria"),
    ("post", "/api/v1/evaluations/{id}/refresh"),
    ("post", "/api/v1/criteria/{id}/indicators"),
    ("put", "/api/v1/indicators/{id}"),
    ("post", "/api/v1/indicators/{id}/measurements"),
    ("delete", "/api/v1/indicators/{id}"),
    ("delete", "/api/v1/criteria/{id}"),
    ("delete", "/api/v1/evaluations/{id}"),
    ("get", "/api/v1/partnerships/{id}"),
    ("put", "/api/v1/partnerships/{id}"),
    ("delete", "/api/v1/partnerships/{id}"),
    ("get", "/api/v1/partnerships/{id}/history"),
    ("get", "/api/v1/partnerships/{id}/interactions"),
    ("post", "/api/v1/partnerships/{id}/interactions"),
    ("put", "/api/v1/interactions/{id}"),
    ("delete", "/api/v1/interactions/{id}"),
    ("get", "/api/v1/partnerships/{id}/outcomes"),
    ("post", "/api/v1/partnerships/{id}/outcomes"),
    ("get", "/api/v1/partnerships/{id}/flows"),
    ("post", "/api/v1/partnerships/{id}/flows"),
    ("get", "/api/v1/workspaces/{slug}/dashboard"),
    ("get", "/api/v1/network/figures"),
    ("get", "/api/v1/organisations/export"),
    ("get", "/api/v1/workspaces/{slug}/partnerships/export"),
    ("get", "/api/v1/workspaces/{slug}/contacts/export"),
    ("get", "/api/v1/workspaces/{slug}/dashboard/export"),
    ("get", "/api/v1/partnerships/{id}/dashboard"),
    ("get", "/api/v1/workspaces/{slug}/commercial-costs"),
    ("put", "/api/v1/workspaces/{slug}/commercial-costs/{year}"),
    ("get", "/api/v1/organisations/duplicates"),
    ("post", "/api/v1/organisations/{id}/merge"),
    ("get", "/api/v1/workspaces/{slug}/graph"),
    ("get", "/api/v1/partnerships/{id}/sheet"),
    ("get", "/api/v1/workspaces/{slug}/documents/strategy"),
    ("get", "/api/v1/evaluations/{id}/report"),
    ("get", "/api/v1/partnerships/{id}/capitalisation"),
    ("put", "/api/v1/partnerships/{id}/capitalisation"),
    ("get", "/api/v1/workspaces/{slug}/documents/cartography"),
    ("post", "/api/v1/workspaces/{slug}/documents/sheets"),
    ("get", "/api/v1/workspaces/{slug}/documents/sheets/{job}"),
    (
        "get",
        "/api/v1/workspaces/{slug}/documents/sheets/{job}/zip",
    ),
    ("get", "/api/v1/workspaces/{slug}/strategy"),
    ("put", "/api/v1/workspaces/{slug}/strategy"),
    ("get", "/api/v1/workspaces/{slug}/strategy/suggestions"),
    ("get", "/api/v1/workspaces/{slug}/actions"),
    ("post", "/api/v1/workspaces/{slug}/actions"),
    ("get", "/api/v1/workspaces/{slug}/actions/{id}"),
    ("put", "/api/v1/workspaces/{slug}/actions/{id}"),
    ("delete", "/api/v1/workspaces/{slug}/actions/{id}"),
    ("get", "/api/v1/workspaces/{slug}/shared/partnerships"),
    ("get", "/api/v1/workspaces/{slug}/shared/partnerships/{id}"),
    (
        "get",
        "/api/v1/workspaces/{slug}/shared/partnerships/{id}/comments",
    ),
    (
        "post",
        "/api/v1/workspaces/{slug}/shared/partnerships/{id}/comments",
    ),
    ("get", "/api/v1/workspaces/{slug}/shared/evaluations/{id}"),
    (
        "put",
        "/api/v1/workspaces/{slug}/shared/evaluations/{id}/answers",
    ),
    (
        "post",
        "/api/v1/workspaces/{slug}/shared/indicators/{id}/measurements",
    ),
    ("get", "/api/v1/workspaces/{slug}/aggregates"),
    ("get", "/api/v1/partnerships/{id}/comments"),
    ("post", "/api/v1/partnerships/{id}/comments"),
    ("get", "/api/v1/admin/workspaces"),
    ("post", "/api/v1/admin/workspaces"),
    ("get", "/api/v1/admin/users"),
    ("post", "/api/v1/admin/users"),
    ("get", "/api/v1/admin/users/{id}"),
    ("get", "/api/v1/admin/users/{id}/history"),
    ("post", "/api/v1/admin/users/{id}/password"),
    ("post", "/api/v1/admin/users/{id}/disable"),
    ("post", "/api/v1/admin/users/{id}/enable"),
    ("post", "/api/v1/admin/users/{id}/memberships"),
    ("post", "/api/v1/workspaces/{slug}/members/{user}/password"),
];

dual_test!(
    the_openapi_document_matches_the_routes_the_server_serves,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        let org = organisation(s, "Société Générale des Ateliers", 1).await;
        let pid = partnership(s, &alice, &draft("Palettes", org, Form::MecenatNature)).await;
        let contact = app
            .post(
                &alice.token,
                "/api/v1/workspaces/alpha/contacts",
                &json!({"name": "Chloé Bernard", "organisation_id": org.0}),
            )
            .await;
        assert_eq!(contact.status, StatusCode::CREATED, "{}", contact.text);
        let cid = contact.json["id"].as_i64().expect("contact id");
        let interaction = app
            .post(
                &alice.token,
                &format!("/api/v1/partnerships/{}/interactions", pid.0),
                &json!({"kind": "appel", "occurred_on": "2026-01-05"}),
            )
            .await;
        let iid = interaction.json["id"].as_i64().expect("interaction id");
        let action = app
            .post(
                &alice.token,
                "/api/v1/workspaces/alpha/actions",
                &json!({"title": "Proposer une immersion"}),
            )
            .await;
        let aid = action.json["id"].as_i64().expect("action id");
        let evaluation = app
            .post(
                &alice.token,
                &format!("/api/v1/partnerships/{}/evaluations", pid.0),
                &json!({}),
            )
            .await;
        let eid = evaluation.json["id"].as_i64().expect("evaluation id");
        let criterion = evaluation.json["criteria"][0]["id"]
            .as_i64()
            .expect("criterion id");
        let indicator = evaluation.json["criteria"][0]["indicators"][0]["id"]
            .as_i64()
            .expect("indicator id");

        let doc = app
            .client
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .expect("request");
        assert_eq!(doc.status(), StatusCode::OK);
        let doc: Value = serde_json::from_str(&doc.text().await.expect("text"))
            .expect("openapi.json is valid JSON");
        assert!(
            doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')),
            "not an OpenAPI 3 document"
        );
        let documented: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .into_iter()
                    .flat_map(|ops| ops.keys())
                    .filter(|m| ["get", "post", "put", "delete", "patch"].contains(&m.as_str()))
                    .map(move |m| (m.clone(), path.clone()))
            })
            .collect();
        let served: BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        assert_eq!(
            documented.difference(&served).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "documented but not in the list of served routes"
        );
        assert_eq!(
            served.difference(&documented).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "served but missing from openapi.json"
        );

        // Each listed route is really served: with real ids it never answers 404 or 405.
        // Deletions go last so the other calls still find their objects.
        let mut ordered: Vec<&(&str, &str)> = ROUTES.iter().collect();
        ordered.sort_by_key(|(m, _)| *m == "delete");
        // A background job of Alice's, for the routes that follow one.
        let job = app
            .post(
                &alice.token,
                "/api/v1/workspaces/alpha/documents/sheets",
                &json!({}),
            )
            .await;
        assert_eq!(job.status, StatusCode::ACCEPTED, "{}", job.text);
        let job = job.json["id"].as_str().expect("job id").to_owned();
        // The shared routes answer the invited partner of the partnership's organisation.
        let guest = create_user(s, "rse@ateliers.example", "Invitée").await;
        s.add_guest_unchecked(
            alice.workspace,
            guest,
            partinnov_store::guests::GuestRole::Partner,
            Some(org),
        )
        .await
        .expect("guest");
        let guest_token = create_token(s, guest, false).await;
        // Administration routes answer "not found" to anyone but an administrator.
        let admin = s
            .create_user(partinnov_store::users::NewUser {
                email: "ada@example.org",
                name: "Ada Admin",
                password: "mot-de-passe-solide",
                is_admin: true,
            })
            .await
            .expect("admin");
        let admin_token = create_token(s, admin, false).await;
        for (method, path) in ordered {
            let url = path
                .replace("{slug}", "alpha")
                .replace("{job}", &job)
                .replace("{user}", &alice.id.0.to_string())
                .replace(
                    "{id}",
                    &if path.starts_with("/api/v1/admin/users/") {
                        admin.0
                    } else if path.contains("contacts") {
                        cid
                    } else if path.starts_with("/api/v1/interactions/") {
                        iid
                    } else if path.contains("/actions/") {
                        aid
                    } else if path.starts_with("/api/v1/evaluations/")
                        || path.contains("/shared/evaluations/")
                    {
                        eid
                    } else if path.starts_with("/api/v1/criteria/") {
                        criterion
                    } else if path.starts_with("/api/v1/indicators/")
                        || path.contains("/shared/indicators/")
                    {
                        indicator
                    } else if path.contains("organisations") {
                        org.0
                    } else {
                        pid.0
                    }
                    .to_string(),
                );
            let method =
                reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let token = if path.contains("/shared/") {
                &guest_token
            } else if path.starts_with("/api/v1/admin/") {
                &admin_token
            } else {
                &alice.token
            };
            let mut req = app
                .client
                .request(method.clone(), app.url(&url))
                .bearer_auth(token);
            if method == reqwest::Method::POST || method == reqwest::Method::PUT {
                req = req.json(&json!({}));
            }
            let status = req.send().await.expect("request").status();
            assert!(
                status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {url} answered {status}"
            );
        }
    }
);

dual_test!(
    an_interaction_is_recorded_listed_and_dates_the_last_contact,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let org = organisation(&db.store, "Société Générale des Ateliers", 1).await;
        let id = partnership(
            &db.store,
            &alice,
            &draft("Palettes", org, Form::MecenatNature),
        )
        .await;
        let path = format!("/api/v1/partnerships/{id}/interactions");
        let on: NaiveDate = Utc::now().date_naive() - Days::new(3);

        let a = app
        .post(
            &alice.token,
            &path,
            &json!({"kind": "visite", "occurred_on": on.to_string(), "participants": "Alice, M. Roux", "note": "Visite de l'entrepôt"}),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        assert_eq!(a.json["kind"], "visite");
        assert_eq!(a.json["occurred_on"], on.to_string());
        assert_eq!(a.json["partnership_id"], id.0);
        assert_eq!(a.json["author"], "Alice Martin");

        let bad = app
            .post(
                &alice.token,
                &path,
                &json!({"kind": "pigeon_voyageur", "occurred_on": on.to_string()}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
        assert_eq!(bad.error_fields(), ["kind"]);

        let list = app.get(&alice.token, &path).await;
        assert_eq!(list.status, StatusCode::OK);
        let items = list.json.as_array().expect("array");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["note"], "Visite de l'entrepôt");
        let p = app
            .get(&alice.token, &format!("/api/v1/partnerships/{id}"))
            .await;
        assert_eq!(p.json["last_interaction_on"], on.to_string());
    }
);
