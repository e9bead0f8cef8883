//! The permission table: every route of the HTML and JSON sides, walked by people of each
//! role in two workspaces. An outsider gets "not found" for everything of the other
//! workspace (never a hint that it exists) and a reader may read but not write; after
//! the walk, the other workspace's data is unchanged.

mod common;

use common::*;
use partinnov_domain::typology::Form;
use partinnov_store::{Role, guests::GuestRole};
use reqwest::StatusCode;
use serde_json::json;

/// HTML routes of a workspace: (method, path with {slug}, {id} = a partnership, {contact},
/// {user}, {action} = an action of the strategy's plan).
const PAGES: &[(&str, &str)] = &[
    ("GET", "/espaces/{slug}"),
    ("GET", "/espaces/{slug}/partenariats"),
    ("GET", "/espaces/{slug}/partenariats/nouveau"),
    ("GET", "/espaces/{slug}/partenariats/{id}"),
    ("GET", "/espaces/{slug}/partenariats/{id}/modifier"),
    ("GET", "/espaces/{slug}/contacts"),
    ("GET", "/espaces/{slug}/contacts/{contact}/export"),
    ("GET", "/espaces/{slug}/partenariats/export"),
    ("GET", "/espaces/{slug}/contacts/export"),
    ("GET", "/espaces/{slug}/tableau-de-bord/export"),
    ("GET", "/espaces/{slug}/parametres"),
    ("GET", "/espaces/{slug}/partenariats/{id}/evaluation"),
    ("GET", "/espaces/{slug}/modeles-evaluation"),
    ("GET", "/espaces/{slug}/cartographie"),
    ("GET", "/espaces/{slug}/strategie"),
    (
        "GET",
        "/espaces/{slug}/cartographie/telecharger?format=gexf",
    ),
    ("GET", "/espaces/{slug}/partenariats/{id}/fiche"),
    ("GET", "/espaces/{slug}/documents"),
    ("POST", "/espaces/{slug}/partenariats/{id}/fiche"),
    ("POST", "/espaces/{slug}/partenariats/nouveau"),
    ("POST", "/espaces/{slug}/partenariats/{id}/modifier"),
    ("POST", "/espaces/{slug}/partenariats/{id}/interactions"),
    ("POST", "/espaces/{slug}/partenariats/{id}/resultats"),
    ("POST", "/espaces/{slug}/partenariats/{id}/restaurer"),
    ("POST", "/espaces/{slug}/partenariats/{id}/evaluation"),
    (
        "POST",
        "/espaces/{slug}/partenariats/{id}/evaluation/{evaluation}/etapes",
    ),
    (
        "POST",
        "/espaces/{slug}/partenariats/{id}/evaluation/{evaluation}/criteres",
    ),
    (
        "POST",
        "/espaces/{slug}/partenariats/{id}/evaluation/{evaluation}/indicateurs/{indicator}/mesures",
    ),
    (
        "POST",
        "/espaces/{slug}/partenariats/{id}/evaluation/{evaluation}/actualiser",
    ),
    (
        "POST",
        "/espaces/{slug}/partenariats/{id}/evaluation/{evaluation}/indicateurs/{indicator}/modifier",
    ),
    (
        "POST",
        "/espaces/{slug}/partenariats/{id}/evaluation/{evaluation}/indicateurs/{indicator}/supprimer",
    ),
    ("POST", "/espaces/{slug}/modeles-evaluation"),
    ("POST", "/espaces/{slug}/contacts"),
    ("POST", "/espaces/{slug}/contacts/{contact}/anonymiser"),
    ("POST", "/espaces/{slug}/parametres"),
    ("POST", "/espaces/{slug}/membres/{user}"),
    ("POST", "/espaces/{slug}/membres/{user}/mot-de-passe"),
    ("POST", "/espaces/{slug}/invitations"),
    ("POST", "/espaces/{slug}/import"),
    ("POST", "/espaces/{slug}/strategie/reponses"),
    ("POST", "/espaces/{slug}/strategie/priorites"),
    ("POST", "/espaces/{slug}/strategie/actions"),
    ("POST", "/espaces/{slug}/strategie/actions/{action}"),
    ("POST", "/espaces/{slug}/strategie/actions/{action}/statut"),
    (
        "POST",
        "/espaces/{slug}/strategie/partenariats/{id}/priorite",
    ),
    (
        "POST",
        "/espaces/{slug}/strategie/actions/{action}/supprimer",
    ),
    ("POST", "/espaces/{slug}/contacts/{contact}/supprimer"),
    ("POST", "/espaces/{slug}/partenariats/{id}/supprimer"),
];

/// API routes of a workspace's data: (method, path).
const API: &[(&str, &str)] = &[
    ("GET", "/api/v1/workspaces/{slug}/partnerships"),
    ("GET", "/api/v1/partnerships/{id}"),
    ("GET", "/api/v1/partnerships/{id}/history"),
    ("GET", "/api/v1/partnerships/{id}/interactions"),
    ("GET", "/api/v1/partnerships/{id}/outcomes"),
    ("GET", "/api/v1/partnerships/{id}/evaluations"),
    ("GET", "/api/v1/evaluations/{evaluation}"),
    ("GET", "/api/v1/evaluation-templates?workspace={slug}"),
    ("GET", "/api/v1/workspaces/{slug}/contacts"),
    ("GET", "/api/v1/workspaces/{slug}/contacts/{contact}/export"),
    ("GET", "/api/v1/workspaces/{slug}/partnerships/export"),
    ("GET", "/api/v1/workspaces/{slug}/contacts/export"),
    ("GET", "/api/v1/workspaces/{slug}/dashboard/export"),
    ("GET", "/api/v1/workspaces/{slug}/graph?format=graphml"),
    ("GET", "/api/v1/partnerships/{id}/capitalisation"),
    ("PUT", "/api/v1/partnerships/{id}/capitalisation"),
    ("GET", "/api/v1/workspaces/{slug}/strategy"),
    ("GET", "/api/v1/workspaces/{slug}/strategy/suggestions"),
    ("GET", "/api/v1/workspaces/{slug}/actions"),
    ("GET", "/api/v1/workspaces/{slug}/actions/{action}"),
    ("PUT", "/api/v1/workspaces/{slug}/strategy"),
    ("POST", "/api/v1/workspaces/{slug}/actions"),
    ("PUT", "/api/v1/workspaces/{slug}/actions/{action}"),
    ("POST", "/api/v1/workspaces/{slug}/partnerships"),
    ("PUT", "/api/v1/partnerships/{id}"),
    ("POST", "/api/v1/partnerships/{id}/interactions"),
    ("POST", "/api/v1/partnerships/{id}/outcomes"),
    ("POST", "/api/v1/partnerships/{id}/evaluations"),
    ("PUT", "/api/v1/evaluations/{evaluation}"),
    ("POST", "/api/v1/evaluations/{evaluation}/criteria"),
    ("POST", "/api/v1/evaluations/{evaluation}/refresh"),
    ("POST", "/api/v1/indicators/{indicator}/measurements"),
    ("PUT", "/api/v1/indicators/{indicator}"),
    ("POST", "/api/v1/workspaces/{slug}/evaluation-templates"),
    ("POST", "/api/v1/workspaces/{slug}/contacts"),
    ("POST", "/api/v1/workspaces/{slug}/members/{user}/password"),
    ("POST", "/api/v1/workspaces/{slug}/imports/partnerships"),
    (
        "GET",
        "/api/v1/workspaces/{slug}/import-mappings/partnerships",
    ),
    (
        "PUT",
        "/api/v1/workspaces/{slug}/import-mappings/partnerships/Liste du réseau",
    ),
    (
        "DELETE",
        "/api/v1/workspaces/{slug}/import-mappings/partnerships/Liste du réseau",
    ),
    ("PUT", "/api/v1/workspaces/{slug}/contacts/{contact}"),
    (
        "POST",
        "/api/v1/workspaces/{slug}/contacts/{contact}/anonymise",
    ),
    ("DELETE", "/api/v1/workspaces/{slug}/contacts/{contact}"),
    ("DELETE", "/api/v1/workspaces/{slug}/actions/{action}"),
    ("DELETE", "/api/v1/indicators/{indicator}"),
    ("DELETE", "/api/v1/evaluations/{evaluation}"),
    ("DELETE", "/api/v1/partnerships/{id}"),
];

struct Target {
    slug: String,
    partnership: i64,
    contact: i64,
    member: i64,
    action: i64,
    evaluation: i64,
    indicator: i64,
}

impl Target {
    fn path(&self, template: &str) -> String {
        template
            .replace("{slug}", &self.slug)
            .replace("{id}", &self.partnership.to_string())
            .replace("{contact}", &self.contact.to_string())
            .replace("{user}", &self.member.to_string())
            .replace("{action}", &self.action.to_string())
            .replace("{evaluation}", &self.evaluation.to_string())
            .replace("{indicator}", &self.indicator.to_string())
    }
}

/// Workspace "beta" with a secretly named partnership and contact, and its owner.
async fn beta(db: &partinnov_store::testing::TestDb, app: &TestApp) -> (Person, Target) {
    let bruno = person(&db.store, "beta", "Bruno Beta").await;
    let org = organisation(&db.store, "Partenaire Confidentiel", 21).await;
    let p = partnership(
        &db.store,
        &bruno,
        &draft("Projet Secret Beta", org, Form::Jvs),
    )
    .await;
    let c = app
        .post(
            &bruno.token,
            "/api/v1/workspaces/beta/contacts",
            &json!({"name": "Contact Secret Beta"}),
        )
        .await;
    let a = app
        .post(
            &bruno.token,
            "/api/v1/workspaces/beta/actions",
            &json!({"title": "Action Secret Beta", "partnership_id": p.0}),
        )
        .await;
    let e = app
        .post(
            &bruno.token,
            &format!("/api/v1/partnerships/{}/evaluations", p.0),
            &json!({"title": "Évaluation Secret Beta"}),
        )
        .await;
    let target = Target {
        slug: "beta".into(),
        partnership: p.0,
        contact: c.json["id"].as_i64().unwrap(),
        member: bruno.id.0,
        action: a.json["id"].as_i64().unwrap(),
        evaluation: e.json["id"].as_i64().unwrap(),
        indicator: e.json["criteria"][0]["indicators"][0]["id"]
            .as_i64()
            .unwrap(),
    };
    (bruno, target)
}

/// What beta holds, read by its owner, to compare before and after the walk.
async fn snapshot(app: &TestApp, owner: &Person, t: &Target) -> String {
    let p = app
        .get(
            &owner.token,
            &format!("/api/v1/partnerships/{}", t.partnership),
        )
        .await;
    let c = app
        .get(&owner.token, "/api/v1/workspaces/beta/contacts")
        .await;
    let a = app
        .get(&owner.token, "/api/v1/workspaces/beta/actions")
        .await;
    let s = app
        .get(&owner.token, "/api/v1/workspaces/beta/strategy")
        .await;
    let e = app
        .get(
            &owner.token,
            &format!("/api/v1/evaluations/{}", t.evaluation),
        )
        .await;
    format!(
        "{}|{}|{}|{}|{}|{}|{}",
        p.json["version"],
        p.json["title"],
        c.json["items"],
        a.json,
        s.json["version"],
        e.json["version"],
        e.json["criteria"]
    )
}

partinnov_store::dual_test!(
    an_outsider_gets_not_found_on_every_route_of_another_workspace,
    |db| {
        let app = spawn(&db.store).await;
        let (bruno, target) = beta(&db, &app).await;
        let before = snapshot(&app, &bruno, &target).await;
        let alice = person(&db.store, "alpha", "Alice Alpha").await;
        let b = app.sign_in(&alice.email).await;
        let csrf = app.csrf(&b, "/espaces/alpha/parametres").await;

        for (method, template) in PAGES {
            let path = target.path(template);
            let a = if *method == "GET" {
                app.page(&b, &path).await
            } else {
                app.submit(
                    &b,
                    &path,
                    &[("csrf", &csrf), ("title", "x"), ("role", "reader")],
                )
                .await
            };
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{method} {path}");
            assert!(
                !a.text.contains("Secret Beta") && !a.text.contains("Espace beta"),
                "{method} {path} leaked: {}",
                a.text
            );
        }
        // Beta's ids inside Alice's own workspace are not found either.
        let own = Target {
            slug: "alpha".into(),
            ..target
        };
        for (method, template) in PAGES.iter().filter(|(_, p)| {
            p.contains("{id}") || p.contains("{contact}") || p.contains("{action}")
        }) {
            let path = own.path(template);
            let a = if *method == "GET" {
                app.page(&b, &path).await
            } else {
                app.submit(&b, &path, &[("csrf", &csrf)]).await
            };
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{method} {path}");
        }
        let target = Target {
            slug: "beta".into(),
            ..own
        };
        for (method, template) in API {
            let path = target.path(template);
            let req = app.client.request(method.parse().unwrap(), app.url(&path)).bearer_auth(&alice.token).json(&json!({"title": "x", "status": "actif", "partners": [1], "version": 1, "name": "x", "person_ref": "P1", "kind": "pmsmp", "occurred_on": "2026-01-01"}));
            let r = req.send().await.unwrap();
            let status = r.status();
            let text = r.text().await.unwrap();
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {text}");
            assert!(!text.contains("Secret Beta"), "{method} {path} leaked");
        }
        // Lists and counts of Alice's own views never include beta.
        let all = app
            .get(&alice.token, "/api/v1/partnerships?per_page=500")
            .await;
        assert_eq!(all.json["total"], 0);
        assert!(
            !app.page(&b, "/espaces/alpha")
                .await
                .text
                .contains("Secret Beta")
        );
        assert!(!app.page(&b, "/").await.text.contains("Espace beta"));
        // The network view across Alice's workspaces knows nothing of beta.
        for path in ["/reseau", "/reseau/telecharger?format=gexf"] {
            let a = app.page(&b, path).await;
            assert_eq!(a.status, StatusCode::OK, "{path}");
            assert!(
                !a.text.contains("Confidentiel")
                    && !a.text.contains("Secret Beta")
                    && !a.text.contains("Espace beta"),
                "{path} leaked"
            );
        }
        assert_eq!(
            snapshot(&app, &bruno, &target).await,
            before,
            "beta is unchanged"
        );
    }
);

partinnov_store::dual_test!(
    a_reader_and_a_read_only_token_read_everything_and_write_nothing,
    |db| {
        let app = spawn(&db.store).await;
        let (bruno, target) = beta(&db, &app).await;
        let before = snapshot(&app, &bruno, &target).await;
        let reader = create_user(&db.store, "rita@example.org", "Rita Lecture").await;
        add_member(&db.store, bruno.workspace, reader, Role::Reader).await;
        let b = app.sign_in("rita@example.org").await;
        let csrf = app.csrf(&b, "/espaces/beta/parametres").await;
        let reader_token = create_token(&db.store, reader, false).await;
        let read_only = create_token(&db.store, bruno.id, true).await;

        for (method, template) in PAGES {
            let path = target.path(template);
            if *method == "GET" {
                let status = app.page(&b, &path).await.status;
                let expected = if path.ends_with("/nouveau") || path.ends_with("/modifier") {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::OK
                };
                assert_eq!(status, expected, "GET {path}");
            } else {
                let a = app
                    .submit(
                        &b,
                        &path,
                        &[
                            ("csrf", &csrf),
                            ("title", "x"),
                            ("role", "reader"),
                            ("name", "x"),
                            ("kind", "reunion"),
                            ("occurred_on", "2026-01-01"),
                            ("person_ref", "P1"),
                            ("outcome_kind", "pmsmp"),
                            ("dormant_months", "3"),
                            ("version", "1"),
                        ],
                    )
                    .await;
                assert_eq!(a.status, StatusCode::FORBIDDEN, "POST {path}: {}", a.text);
            }
        }
        for token in [&reader_token, &read_only] {
            for (method, template) in API {
                let path = target.path(template);
                let r = app
                .client
                .request(method.parse().unwrap(), app.url(&path))
                .bearer_auth(token)
                .json(&json!({"title": "x", "status": "actif", "partners": [1], "version": 1, "name": "x", "person_ref": "P1", "kind": "pmsmp", "occurred_on": "2026-01-01"}))
                .send()
                .await
                .unwrap();
                let expected = if *method == "GET" {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                };
                assert_eq!(r.status(), expected, "{method} {path}");
            }
        }
        assert_eq!(
            snapshot(&app, &bruno, &target).await,
            before,
            "nothing changed"
        );
    }
);

partinnov_store::dual_test!(
    a_partner_and_an_observer_get_not_found_on_every_route_of_the_team,
    |db| {
        let app = spawn(&db.store).await;
        let (bruno, target) = beta(&db, &app).await;
        let before = snapshot(&app, &bruno, &target).await;
        let p = app
            .get(
                &bruno.token,
                &format!("/api/v1/partnerships/{}", target.partnership),
            )
            .await;
        let org = partinnov_store::OrganisationId(
            p.json["partners"][0]["id"].as_i64().expect("a partner"),
        );
        let guests = [
            ("paula@example.org", GuestRole::Partner, Some(org)),
            ("olivier@example.org", GuestRole::Observer, None),
        ];
        for (email, role, organisation) in guests {
            let id = create_user(&db.store, email, "Invité").await;
            db.store
                .add_guest_unchecked(bruno.workspace, id, role, organisation)
                .await
                .unwrap();
            let b = app.sign_in(email).await;
            let csrf = csrf_in(&app.page(&b, "/compte").await.text).expect("csrf");
            for (method, template) in PAGES {
                let path = target.path(template);
                let a = if *method == "GET" {
                    app.page(&b, &path).await
                } else {
                    app.submit(
                        &b,
                        &path,
                        &[("csrf", &csrf), ("title", "x"), ("role", "reader")],
                    )
                    .await
                };
                // The workspace's home sends a guest to its own page; nothing else answers.
                if path == "/espaces/beta" {
                    assert_eq!(a.status, StatusCode::SEE_OTHER, "{role} GET {path}");
                    continue;
                }
                assert_eq!(a.status, StatusCode::NOT_FOUND, "{role} {method} {path}");
                assert!(
                    !a.text.contains("Secret Beta"),
                    "{role} {method} {path} leaked"
                );
            }
            let token = create_token(&db.store, id, false).await;
            for (method, template) in API {
                let path = target.path(template);
                let r = app
                    .client
                    .request(method.parse().unwrap(), app.url(&path))
                    .bearer_auth(&token)
                    .json(&json!({"title": "x", "status": "actif", "partners": [1], "version": 1, "name": "x", "person_ref": "P1", "kind": "pmsmp", "occurred_on": "2026-01-01"}))
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                let text = r.text().await.unwrap();
                assert_eq!(
                    status,
                    StatusCode::NOT_FOUND,
                    "{role} {method} {path}: {text}"
                );
                assert!(
                    !text.contains("Secret Beta"),
                    "{role} {method} {path} leaked"
                );
            }
            // The registry is the teams' list: closed to guests, pages and API alike.
            let o = org.0;
            for path in [
                "/organisations".to_owned(),
                "/organisations/nouvelle".to_owned(),
                "/organisations/doublons".to_owned(),
                "/organisations/export?format=csv".to_owned(),
                format!("/organisations/{o}"),
                format!("/organisations/{o}/modifier"),
            ] {
                let a = app.page(&b, &path).await;
                assert_eq!(a.status, StatusCode::NOT_FOUND, "{role} GET {path}");
                assert!(!a.text.contains("Secret Beta"), "{role} GET {path} leaked");
            }
            for path in [
                "/organisations/nouvelle".to_owned(),
                format!("/organisations/{o}/modifier"),
                format!("/organisations/{o}/fusionner"),
            ] {
                let a = app
                    .submit(&b, &path, &[("csrf", &csrf), ("name", "x"), ("drop", "1")])
                    .await;
                assert_eq!(a.status, StatusCode::NOT_FOUND, "{role} POST {path}");
            }
            for (method, path) in [
                ("GET", "/api/v1/organisations".to_owned()),
                ("GET", "/api/v1/organisations/export".to_owned()),
                ("GET", "/api/v1/organisations/duplicates".to_owned()),
                ("GET", format!("/api/v1/organisations/{o}")),
                ("GET", format!("/api/v1/organisations/{o}/history")),
                ("POST", "/api/v1/organisations".to_owned()),
                ("PUT", format!("/api/v1/organisations/{o}")),
                ("POST", format!("/api/v1/organisations/{o}/merge")),
            ] {
                let r = app
                    .client
                    .request(method.parse().unwrap(), app.url(&path))
                    .bearer_auth(&token)
                    .json(&json!({"name": "x", "version": 1, "drop": 1}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::NOT_FOUND, "{role} {method} {path}");
            }
            let all = app.get(&token, "/api/v1/partnerships?per_page=500").await;
            assert_eq!(all.json["total"], 0, "{role}");
            let network = app.page(&b, "/reseau").await;
            assert!(
                !network.text.contains("Secret Beta"),
                "{role} /reseau leaked"
            );
            // The network's figures hold the team's workspaces only: none for a guest.
            let figures = app.page(&b, "/reseau/chiffres").await.html();
            assert!(
                figures.contains("Vous n'êtes membre d'aucun espace."),
                "{role} /reseau/chiffres"
            );
            let api = app.get(&token, "/api/v1/network/figures").await;
            assert_eq!(api.json["lines"], json!([]), "{role}");
        }
        assert_eq!(
            snapshot(&app, &bruno, &target).await,
            before,
            "beta is unchanged"
        );
    }
);
