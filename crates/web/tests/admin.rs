//! Platform administration and passwords chosen by someone else: an administrator lists,
//! creates, deactivates, reactivates and resets accounts and workspaces from the pages and
//! the API; a deactivated account loses its sessions and tokens; anyone else gets "not
//! found" on every administration route; a workspace owner chooses a new password for a
//! member of their workspace only; bad input is refused where it was typed and changes
//! nothing.

mod common;

use common::*;
use partinnov_store::{Role, UserId, users::NewUser};
use reqwest::StatusCode;
use serde_json::json;

/// A platform administrator (no workspace) with a token and a signed-in browser.
struct Admin {
    id: UserId,
    email: String,
    token: String,
    browser: Browser,
    csrf: String,
}

async fn admin(app: &TestApp) -> Admin {
    let email = "ada@example.org".to_owned();
    let id = app
        .store
        .create_user(NewUser {
            email: &email,
            name: "Ada Admin",
            password: PASSWORD,
            is_admin: true,
        })
        .await
        .expect("admin");
    let token = create_token(&app.store, id, false).await;
    let browser = app.sign_in(&email).await;
    let csrf = app.csrf(&browser, "/admin/utilisateurs").await;
    Admin {
        id,
        email,
        token,
        browser,
        csrf,
    }
}

/// The account `email` in the administrators' API list.
async fn account(app: &TestApp, a: &Admin, email: &str) -> serde_json::Value {
    let list = app.get(&a.token, "/api/v1/admin/users").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    list.json["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["email"] == email)
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

/// Form fields typed into a page.
type Fields<'a> = &'a [(&'a str, &'a str)];

async fn signs_in(app: &TestApp, email: &str, password: &str) -> bool {
    app.sign_in_with(email, password).await.status == StatusCode::SEE_OTHER
}

partinnov_store::dual_test!(
    an_administrator_lists_creates_deactivates_reactivates_and_resets,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Alpha").await;
        let org = organisation(&db.store, "Partenaire Un", 1).await;
        partnership(
            &db.store,
            &alice,
            &draft("Projet", org, partinnov_domain::typology::Form::Jvs),
        )
        .await;
        let a = admin(&app).await;

        // Workspaces: listed with their members and partnerships, created by the API.
        let ws = app.get(&a.token, "/api/v1/admin/workspaces").await;
        assert_eq!(ws.status, StatusCode::OK, "{}", ws.text);
        assert_eq!(ws.json["total"], 1);
        assert_eq!(ws.json["items"][0]["slug"], "alpha");
        assert_eq!(ws.json["items"][0]["members"], 1);
        assert_eq!(ws.json["items"][0]["partnerships"], 1);
        assert!(ws.json["items"][0]["created_at"].is_string());
        let made = app
            .post(
                &a.token,
                "/api/v1/admin/workspaces",
                &json!({"name": "Espace gamma", "slug": "gamma"}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
        assert_eq!(made.json["members"], 1, "the administrator owns it");
        assert_eq!(app.total(&a.token, "/api/v1/admin/workspaces").await, 2);

        // An account made by the API without a password gets one, answered once.
        let made = app
            .post(
                &a.token,
                "/api/v1/admin/users",
                &json!({"name": "Nora Neuve", "email": "Nora@Example.org", "workspace": "alpha", "role": "editor"}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
        let generated = made.json["initial_password"]
            .as_str()
            .expect("generated")
            .to_owned();
        assert!(generated.len() >= 8);
        assert_eq!(made.json["memberships"][0]["slug"], "alpha");
        assert_eq!(made.json["memberships"][0]["role"], "editor");
        assert!(signs_in(&app, "nora@example.org", &generated).await);
        let nora = account(&app, &a, "nora@example.org").await;
        assert!(nora["initial_password"].is_null(), "shown once only");
        assert!(
            nora["last_sign_in_at"].is_string(),
            "the sign-in is recorded"
        );
        let nora_id = nora["id"].as_i64().unwrap();

        // The pages: the navigation leads there, the lists show what the API said.
        let home = app.page(&a.browser, "/").await;
        assert!(home.text.contains("href=\"/admin\""));
        let overview = app.page(&a.browser, "/admin").await;
        assert_eq!(overview.status, StatusCode::OK);
        assert!(overview.html().contains("2 espace(s)"), "{}", overview.text);
        let list = app.page(&a.browser, "/admin/espaces").await;
        assert!(list.html().contains("Espace alpha") && list.html().contains("Espace gamma"));
        let users = app.page(&a.browser, "/admin/utilisateurs").await;
        assert!(users.html().contains("alpha@example.org"));
        assert!(users.html().contains("Espace alpha (propriétaire)"));
        assert!(users.html().contains("Espace alpha (contributeur)"));

        // An account made from the page with a chosen password, in a workspace.
        let created = app
            .submit(
                &a.browser,
                "/admin/utilisateurs",
                &[
                    ("csrf", &a.csrf),
                    ("name", "Paul Page"),
                    ("email", "paul@example.org"),
                    ("password", "choisi-par-ada"),
                    ("workspace", "gamma"),
                    ("role", "reader"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.text);
        assert!(created.html().contains("Compte créé."));
        assert!(created.html().contains("Espace gamma (lecteur)"));
        assert!(signs_in(&app, "paul@example.org", "choisi-par-ada").await);

        // A workspace made from the page.
        let ws = app
            .submit(
                &a.browser,
                "/admin/espaces",
                &[
                    ("csrf", &a.csrf),
                    ("name", "Espace delta"),
                    ("slug", "delta"),
                ],
            )
            .await;
        assert_eq!(ws.status, StatusCode::SEE_OTHER, "{}", ws.text);
        assert!(
            app.page(&a.browser, "/admin/espaces")
                .await
                .html()
                .contains("Espace delta")
        );

        // Deactivate, reactivate, new password, new workspace: from Nora's page.
        let page = format!("/admin/utilisateurs/{nora_id}");
        let off = app
            .submit(
                &a.browser,
                &format!("{page}/desactiver"),
                &[("csrf", &a.csrf)],
            )
            .await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.text);
        assert!(off.html().contains("Compte désactivé"));
        assert!(!signs_in(&app, "nora@example.org", &generated).await);
        assert_eq!(
            account(&app, &a, "nora@example.org").await["enabled"],
            false
        );
        let on = app
            .submit(
                &a.browser,
                &format!("{page}/reactiver"),
                &[("csrf", &a.csrf)],
            )
            .await;
        assert!(on.html().contains("Compte réactivé"));
        assert!(signs_in(&app, "nora@example.org", &generated).await);
        let reset = app
            .submit(
                &a.browser,
                &format!("{page}/mot-de-passe"),
                &[("csrf", &a.csrf), ("password", "nouveau-pour-nora")],
            )
            .await;
        assert_eq!(reset.status, StatusCode::OK);
        assert!(reset.html().contains("Mot de passe changé"));
        assert!(!signs_in(&app, "nora@example.org", &generated).await);
        assert!(signs_in(&app, "nora@example.org", "nouveau-pour-nora").await);
        let joined = app
            .submit(
                &a.browser,
                &format!("{page}/espaces"),
                &[("csrf", &a.csrf), ("workspace", "delta"), ("role", "owner")],
            )
            .await;
        assert_eq!(joined.status, StatusCode::OK, "{}", joined.text);
        assert!(joined.html().contains("Espace delta (propriétaire)"));

        // The same through the API.
        let r = app
            .post(
                &a.token,
                &format!("/api/v1/admin/users/{nora_id}/password"),
                &json!({"password": "par-l-api-123"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        assert!(signs_in(&app, "nora@example.org", "par-l-api-123").await);
        let r = app
            .post(
                &a.token,
                &format!("/api/v1/admin/users/{nora_id}/memberships"),
                &json!({"workspace": "gamma", "role": "reader"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.json["memberships"].as_array().unwrap().len(), 3);

        // Every change is in the account's audit trail, without any password.
        let trail = db
            .store
            .admin_account_history(
                &app.store.caller_by_token(&a.token).await.unwrap().unwrap(),
                UserId(nora_id),
            )
            .await
            .expect("history");
        assert!(trail.len() >= 5, "{trail:?}");
        assert!(trail.iter().all(|e| e.user_id == Some(a.id.0)));
        assert!(trail.iter().all(|e| {
            !format!("{:?}{:?}", e.before_json, e.after_json).contains("nouveau-pour-nora")
        }));

        // The administrator reads that trail in French on the account's page, newest
        // first, and through the API.
        let html = app.page(&a.browser, &page).await.html();
        let said = |text: &str| {
            html.find(text)
                .unwrap_or_else(|| panic!("« {text} » missing from the trail:\n{html}"))
        };
        let disabled = said("Ada Admin a désactivé le compte le");
        let enabled = said("Ada Admin a réactivé le compte le");
        let password = said("Ada Admin a choisi un nouveau mot de passe le");
        let role = said("Ada Admin a donné le rôle propriétaire dans « Espace delta » le");
        // Deactivated, reactivated, then a new password and a role: newest first.
        assert!(
            role < enabled && password < enabled && enabled < disabled,
            "newest first"
        );
        let api = app
            .get(&a.token, &format!("/api/v1/admin/users/{nora_id}/history"))
            .await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.text);
        let changes: Vec<&str> = api
            .json
            .as_array()
            .expect("array")
            .iter()
            .map(|e| e["change"].as_str().expect("change"))
            .collect();
        assert_eq!(changes.len(), trail.len());
        assert!(changes[0].contains("a créé le compte"), "{changes:?}");
        assert!(
            changes
                .iter()
                .any(|c| c.contains("a donné le rôle lecteur dans « Espace gamma »")),
            "{changes:?}"
        );
        assert!(!api.text.contains("nouveau-pour-nora"));
        assert_eq!(
            app.get(&a.token, "/api/v1/admin/users/999999/history")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);

partinnov_store::dual_test!(
    a_deactivated_account_loses_its_sessions_and_tokens_and_cannot_sign_in,
    |db| {
        let app = spawn(&db.store).await;
        let bob = person(&db.store, "bravo", "Bob Bravo").await;
        let b = app.sign_in(&bob.email).await;
        let a = admin(&app).await;
        assert_eq!(
            app.get(&bob.token, "/api/v1/workspaces").await.status,
            StatusCode::OK
        );

        let off = app
            .post(
                &a.token,
                &format!("/api/v1/admin/users/{}/disable", bob.id.0),
                &json!({}),
            )
            .await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.text);
        assert_eq!(off.json["enabled"], false);
        let page = app.page(&b, "/espaces/bravo").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "the session is over");
        assert_eq!(page.location(), "/connexion");
        assert_eq!(
            app.get(&bob.token, "/api/v1/workspaces").await.status,
            StatusCode::UNAUTHORIZED,
            "the token is refused"
        );
        let refused = app.sign_in_with(&bob.email, PASSWORD).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(
            refused.html().contains("Ce compte est désactivé"),
            "{}",
            refused.text
        );
        assert!(refused.headers.get("set-cookie").is_none());
        let wrong = app.sign_in_with(&bob.email, "pas-le-bon-mot").await;
        assert_eq!(
            wrong.status,
            StatusCode::UNAUTHORIZED,
            "a wrong password learns nothing"
        );
        assert!(!wrong.html().contains("désactivé"));

        let on = app
            .post(
                &a.token,
                &format!("/api/v1/admin/users/{}/enable", bob.id.0),
                &json!({}),
            )
            .await;
        assert_eq!(on.json["enabled"], true);
        assert_eq!(
            app.get(&bob.token, "/api/v1/workspaces").await.status,
            StatusCode::OK
        );
        assert!(signs_in(&app, &bob.email, PASSWORD).await);

        // An administrator cannot deactivate themselves, page or API.
        let own = app
            .submit(
                &a.browser,
                &format!("/admin/utilisateurs/{}/desactiver", a.id.0),
                &[("csrf", &a.csrf)],
            )
            .await;
        assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            own.html()
                .contains("Vous ne pouvez pas désactiver votre propre compte")
        );
        let own = app
            .post(
                &a.token,
                &format!("/api/v1/admin/users/{}/disable", a.id.0),
                &json!({}),
            )
            .await;
        assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(own.error_fields(), vec!["user"]);
        assert!(signs_in(&app, &a.email, PASSWORD).await);
    }
);

partinnov_store::dual_test!(
    anyone_but_an_administrator_gets_not_found_on_every_administration_route,
    |db| {
        let app = spawn(&db.store).await;
        let a = admin(&app).await;
        let alice = person(&db.store, "alpha", "Alice Alpha").await;
        let b = app.sign_in(&alice.email).await;
        let csrf = app.csrf(&b, "/espaces/alpha/parametres").await;
        let target = a.id.0;
        let before = app.get(&a.token, "/api/v1/admin/users").await.text;

        assert!(
            !app.page(&b, "/espaces/alpha/parametres")
                .await
                .text
                .contains("href=\"/admin\""),
            "no link"
        );
        for path in [
            "/admin".to_owned(),
            "/admin/espaces".to_owned(),
            "/admin/utilisateurs".to_owned(),
            format!("/admin/utilisateurs/{target}"),
        ] {
            let r = app.page(&b, &path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "GET {path}");
            assert!(!r.text.contains("ada@example.org"), "GET {path} leaked");
        }
        for path in [
            "/admin/espaces".to_owned(),
            "/admin/utilisateurs".to_owned(),
            format!("/admin/utilisateurs/{target}/mot-de-passe"),
            format!("/admin/utilisateurs/{target}/desactiver"),
            format!("/admin/utilisateurs/{target}/reactiver"),
            format!("/admin/utilisateurs/{target}/espaces"),
        ] {
            let fields = [
                ("csrf", csrf.as_str()),
                ("name", "Pirate"),
                ("email", "pirate@example.org"),
                ("slug", "pirate"),
                ("password", "pirate-pirate"),
                ("workspace", "alpha"),
                ("role", "owner"),
            ];
            assert_eq!(
                app.submit(&b, &path, &fields).await.status,
                StatusCode::NOT_FOUND,
                "POST {path}"
            );
            // Without a CSRF token either: no hint that the route exists.
            assert_eq!(
                app.submit(&b, &path, &[]).await.status,
                StatusCode::NOT_FOUND,
                "POST {path} without csrf"
            );
        }
        let limited = app
            .store
            .create_token(a.id, "limité", Some(alice.workspace), false)
            .await
            .unwrap()
            .1;
        let api = [
            ("GET", "/api/v1/admin/workspaces".to_owned()),
            ("POST", "/api/v1/admin/workspaces".to_owned()),
            ("GET", "/api/v1/admin/users".to_owned()),
            ("POST", "/api/v1/admin/users".to_owned()),
            ("GET", format!("/api/v1/admin/users/{target}")),
            ("GET", format!("/api/v1/admin/users/{target}/history")),
            ("POST", format!("/api/v1/admin/users/{target}/password")),
            ("POST", format!("/api/v1/admin/users/{target}/disable")),
            ("POST", format!("/api/v1/admin/users/{target}/enable")),
            ("POST", format!("/api/v1/admin/users/{target}/memberships")),
        ];
        // A member's token, and an administrator's token limited to one workspace.
        for token in [&alice.token, &limited] {
            for (method, path) in &api {
                for body in [
                    json!({"name": "Pirate", "email": "pirate@example.org", "slug": "pirate", "password": "pirate-pirate", "workspace": "alpha", "role": "owner"}),
                    json!("not the expected shape"),
                ] {
                    let r = app
                        .client
                        .request(method.parse().unwrap(), app.url(path))
                        .bearer_auth(token)
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), StatusCode::NOT_FOUND, "{method} {path}");
                    assert!(!r.text().await.unwrap().contains("ada@example.org"));
                }
            }
        }
        // An administrator's read-only token reads but does not write.
        let read_only = create_token(&db.store, a.id, true).await;
        assert_eq!(
            app.get(&read_only, "/api/v1/admin/users").await.status,
            StatusCode::OK
        );
        let w = app
            .post(
                &read_only,
                "/api/v1/admin/workspaces",
                &json!({"name": "Lecture", "slug": "lecture"}),
            )
            .await;
        assert_eq!(w.status, StatusCode::FORBIDDEN);

        assert_eq!(
            app.get(&a.token, "/api/v1/admin/users").await.text,
            before,
            "nothing changed"
        );
        assert_eq!(app.total(&a.token, "/api/v1/admin/workspaces").await, 1);
        assert!(signs_in(&app, &a.email, PASSWORD).await);
    }
);

partinnov_store::dual_test!(
    an_owner_chooses_a_new_password_for_a_member_who_then_signs_in_with_it,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Alpha").await;
        let eve = create_user(&db.store, "eve@example.org", "Ève Équipe").await;
        add_member(&db.store, alice.workspace, eve, Role::Editor).await;
        let eve_browser = app.sign_in("eve@example.org").await;
        let b = app.sign_in(&alice.email).await;
        let settings = app.page(&b, "/espaces/alpha/parametres").await;
        let form = format!("/espaces/alpha/membres/{}/mot-de-passe", eve.0);
        assert!(settings.text.contains(&form), "a form in Ève's row");
        assert!(
            settings
                .html()
                .contains("Nouveau mot de passe de Ève Équipe")
        );
        let csrf = csrf_in(&settings.text).unwrap();

        let short = app
            .submit(&b, &form, &[("csrf", &csrf), ("password", "court")])
            .await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            short
                .text
                .contains(&format!("id=\"password-{}-error\"", eve.0))
        );
        assert!(short.html().contains("au moins 8 caractères"));
        assert!(
            signs_in(&app, "eve@example.org", PASSWORD).await,
            "unchanged"
        );

        let ok = app
            .submit(
                &b,
                &form,
                &[("csrf", &csrf), ("password", "choisi-par-alice")],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
        // The owner lands back on the members and reads whose password changed.
        let back = app.page(&b, ok.location()).await;
        assert!(
            back.html()
                .contains("Mot de passe de Ève Équipe changé : ses sessions ouvertes sont fermées"),
            "{}",
            back.text
        );
        assert!(
            !app.page(&b, "/espaces/alpha/parametres")
                .await
                .html()
                .contains("changé :"),
            "said once, after the reset only"
        );
        assert_eq!(
            app.page(&eve_browser, "/espaces/alpha").await.status,
            StatusCode::SEE_OTHER,
            "Ève's session is over"
        );
        assert!(!signs_in(&app, "eve@example.org", PASSWORD).await);
        assert!(signs_in(&app, "eve@example.org", "choisi-par-alice").await);

        let api = format!("/api/v1/workspaces/alpha/members/{}/password", eve.0);
        let short = app
            .post(&alice.token, &api, &json!({"password": "court"}))
            .await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(short.error_fields(), vec!["password"]);
        let ok = app
            .post(&alice.token, &api, &json!({"password": "par-l-api-456"}))
            .await;
        assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.text);
        assert!(!signs_in(&app, "eve@example.org", "choisi-par-alice").await);
        assert!(signs_in(&app, "eve@example.org", "par-l-api-456").await);
    }
);

partinnov_store::dual_test!(
    an_owner_reaches_only_members_of_their_workspace_and_an_editor_reaches_nobody,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Alpha").await;
        let bruno = person(&db.store, "beta", "Bruno Beta").await;
        let eve = create_user(&db.store, "eve@example.org", "Ève Équipe").await;
        add_member(&db.store, alice.workspace, eve, Role::Editor).await;
        let rita = create_user(&db.store, "rita@example.org", "Rita Deux").await;
        add_member(&db.store, alice.workspace, rita, Role::Reader).await;
        add_member(&db.store, bruno.workspace, rita, Role::Reader).await;
        let b = app.sign_in(&alice.email).await;
        let csrf = app.csrf(&b, "/espaces/alpha/parametres").await;
        let new = [("csrf", csrf.as_str()), ("password", "prise-de-controle")];

        // Bruno is not in alpha; alpha's owner is nobody in beta.
        for (slug, user) in [("alpha", bruno.id.0), ("beta", bruno.id.0), ("beta", eve.0)] {
            let page = app
                .submit(
                    &b,
                    &format!("/espaces/{slug}/membres/{user}/mot-de-passe"),
                    &new,
                )
                .await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{slug} {user}");
            let api = app
                .post(
                    &alice.token,
                    &format!("/api/v1/workspaces/{slug}/members/{user}/password"),
                    &json!({"password": "prise-de-controle"}),
                )
                .await;
            assert_eq!(api.status, StatusCode::NOT_FOUND, "{slug} {user}");
        }
        assert!(signs_in(&app, &bruno.email, PASSWORD).await);

        // Rita also belongs to beta, which Alice does not own: the administrators decide.
        let r = app
            .submit(
                &b,
                &format!("/espaces/alpha/membres/{}/mot-de-passe", rita.0),
                &new,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.html()
                .contains("aussi membre d'un espace dont vous n'êtes pas propriétaire")
        );
        // Her own password changes from her account page.
        let r = app
            .submit(
                &b,
                &format!("/espaces/alpha/membres/{}/mot-de-passe", alice.id.0),
                &new,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.html().contains("Mon compte"));
        assert!(signs_in(&app, "rita@example.org", PASSWORD).await);
        assert!(signs_in(&app, &alice.email, PASSWORD).await);

        // An editor may not, page or API.
        let e = app.sign_in("eve@example.org").await;
        let csrf = app.csrf(&e, "/espaces/alpha/parametres").await;
        let r = app
            .submit(
                &e,
                &format!("/espaces/alpha/membres/{}/mot-de-passe", alice.id.0),
                &[("csrf", &csrf), ("password", "prise-de-controle")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let eve_token = create_token(&db.store, eve, false).await;
        let r = app
            .post(
                &eve_token,
                &format!("/api/v1/workspaces/alpha/members/{}/password", alice.id.0),
                &json!({"password": "prise-de-controle"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(signs_in(&app, &alice.email, PASSWORD).await);
    }
);

partinnov_store::dual_test!(
    bad_input_is_refused_beside_its_field_and_changes_nothing,
    |db| {
        let app = spawn(&db.store).await;
        let a = admin(&app).await;
        person(&db.store, "alpha", "Alice Alpha").await;
        let users_before = app.get(&a.token, "/api/v1/admin/users").await.text;

        let cases: [(Fields, &str, &str); 5] = [
            (
                &[("name", ""), ("email", "x@example.org")],
                "u-name-error",
                "Ce champ est obligatoire",
            ),
            (
                &[("name", "X"), ("email", "pas-une-adresse")],
                "u-email-error",
                "Adresse électronique invalide",
            ),
            (
                &[
                    ("name", "X"),
                    ("email", "x@example.org"),
                    ("password", "court"),
                ],
                "u-password-error",
                "au moins 8 caractères",
            ),
            (
                &[
                    ("name", "X"),
                    ("email", "ALPHA@example.org"),
                    ("password", "assez-long"),
                ],
                "u-email-error",
                "Un compte existe déjà",
            ),
            (
                &[
                    ("name", "X"),
                    ("email", "x@example.org"),
                    ("workspace", "inconnu"),
                ],
                "u-workspace-error",
                "Aucun espace ne porte cet identifiant",
            ),
        ];
        for (fields, id, message) in cases {
            let mut form = vec![("csrf", a.csrf.as_str())];
            form.extend_from_slice(fields);
            let r = app.submit(&a.browser, "/admin/utilisateurs", &form).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
            assert!(
                r.text.contains(&format!("id=\"{id}\"")),
                "{fields:?}: located"
            );
            assert!(r.html().contains(message), "{fields:?}: {message}");
        }
        for (body, field) in [
            (json!({"name": " ", "email": "x@example.org"}), "name"),
            (json!({"name": "X", "email": "pas-une-adresse"}), "email"),
            (
                json!({"name": "X", "email": "x@example.org", "password": "court"}),
                "password",
            ),
            (json!({"name": "X", "email": "alpha@example.org"}), "email"),
            (
                json!({"name": "X", "email": "x@example.org", "workspace": "inconnu"}),
                "workspace",
            ),
            (
                json!({"name": "X", "email": "x@example.org", "workspace": "alpha", "role": "chef"}),
                "role",
            ),
        ] {
            let r = app.post(&a.token, "/api/v1/admin/users", &body).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {}",
                r.text
            );
            assert_eq!(r.header("content-type"), "application/problem+json");
            assert_eq!(r.error_fields(), vec![field], "{body}");
        }
        let r = app
            .post(
                &a.token,
                &format!("/api/v1/admin/users/{}/password", a.id.0),
                &json!({"password": "court"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), vec!["password"]);
        let r = app
            .submit(
                &a.browser,
                &format!("/admin/utilisateurs/{}/mot-de-passe", a.id.0),
                &[("csrf", &a.csrf), ("password", "court")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text.contains("id=\"password-error\""));
        assert_eq!(
            app.get(&a.token, "/api/v1/admin/users").await.text,
            users_before,
            "no account changed"
        );
        assert!(signs_in(&app, &a.email, PASSWORD).await);

        for (fields, id, message) in [
            (
                [("name", ""), ("slug", "neuf")],
                "ws-name-error",
                "Ce champ est obligatoire",
            ),
            (
                [("name", "Neuf"), ("slug", "Pas Bon!")],
                "ws-slug-error",
                "Identifiant invalide",
            ),
            (
                [("name", "Neuf"), ("slug", "alpha")],
                "ws-slug-error",
                "déjà pris",
            ),
        ] {
            let mut form = vec![("csrf", a.csrf.as_str())];
            form.extend_from_slice(&fields);
            let r = app.submit(&a.browser, "/admin/espaces", &form).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
            assert!(
                r.text.contains(&format!("id=\"{id}\"")),
                "{fields:?}: located"
            );
            assert!(r.html().contains(message), "{fields:?}");
        }
        let r = app
            .post(
                &a.token,
                "/api/v1/admin/workspaces",
                &json!({"name": "Neuf", "slug": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), vec!["slug"]);
        assert_eq!(
            app.total(&a.token, "/api/v1/admin/workspaces").await,
            1,
            "no workspace made"
        );
    }
);
