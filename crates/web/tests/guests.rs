//! Guests of a workspace: an invited partner sees, comments and co-fills only the
//! partnerships of its organisation; an observer reads only aggregates; the owner invites
//! and removes them. Each test runs on SQLite and on PostgreSQL.

mod common;

use common::*;
use partinnov_domain::typology::Form;
use partinnov_store::{
    OrganisationId, PartnershipId, Role, guests::GuestRole, partnerships::PartnershipDraft,
};
use reqwest::StatusCode;
use serde_json::json;

struct Beta {
    owner: Person,
    fondation: OrganisationId,
    shared: PartnershipId,
    other: PartnershipId,
    evaluation: i64,
    /// A manual indicator of the shared partnership's evaluation.
    indicator: i64,
}

/// Workspace "beta": a partnership with "Fondation Horizon" (shared with its invited
/// partner, with an internal note) and one with "Entreprise Tierce" (not shared).
async fn beta(db: &partinnov_store::testing::TestDb, app: &TestApp) -> Beta {
    let owner = person(&db.store, "beta", "Bruno Beta").await;
    let fondation = organisation(&db.store, "Fondation Horizon", 31).await;
    let tierce = organisation(&db.store, "Entreprise Tierce", 32).await;
    let shared = partnership(
        &db.store,
        &owner,
        &PartnershipDraft {
            notes: "Note interne : budget fragile".into(),
            governance: "Comité de suivi semestriel".into(),
            ..draft(
                "Mécénat Fondation Horizon",
                fondation,
                Form::MecenatFinancier,
            )
        },
    )
    .await;
    let other = partnership(
        &db.store,
        &owner,
        &draft("Achats Entreprise Tierce", tierce, Form::AchatsResponsables),
    )
    .await;
    let e = app
        .post(
            &owner.token,
            &format!("/api/v1/partnerships/{}/evaluations", shared.0),
            &json!({"title": "Bilan 2026"}),
        )
        .await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.text);
    let indicator = e.json["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["indicators"].as_array().unwrap().iter())
        .find(|i| i["source"].is_null() && i["kind"] == "quantitatif")
        .expect("a manual quantitative indicator")["id"]
        .as_i64()
        .unwrap();
    Beta {
        owner,
        fondation,
        shared,
        other,
        evaluation: e.json["id"].as_i64().unwrap(),
        indicator,
    }
}

/// The owner creates an invitation link from the settings page; returns its secret.
async fn invite(app: &TestApp, owner: &Browser, role: &str, organisation: &str) -> String {
    let csrf = app.csrf(owner, "/espaces/beta/parametres").await;
    let a = app
        .submit(
            owner,
            "/espaces/beta/invitations",
            &[
                ("csrf", &csrf),
                ("role", role),
                ("organisation", organisation),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let start = a.text.find("/invitation/").expect("a link") + "/invitation/".len();
    let end = a.text[start..].find('"').unwrap();
    a.text[start..start + end].to_owned()
}

/// Someone new opens the link and creates an account.
async fn join(app: &TestApp, secret: &str, email: &str, name: &str) {
    let a = app
        .client
        .post(app.url(&format!("/invitation/{secret}/compte")))
        .form(&[("name", name), ("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), StatusCode::SEE_OTHER);
}

partinnov_store::dual_test!(
    an_invited_partner_sees_comments_and_measures_only_its_organisations_partnerships,
    |db| {
        let app = spawn(&db.store).await;
        let b = beta(&db, &app).await;
        let owner = app.sign_in(&b.owner.email).await;
        let secret = invite(&app, &owner, "partner", &b.fondation.0.to_string()).await;
        let page = app.page(&owner, "/espaces/beta/parametres").await;
        assert!(page.text.contains("partenaire invité (Fondation Horizon)"));
        join(&app, &secret, "paula@fondation.example", "Paula Fondation").await;
        let paula = app.sign_in("paula@fondation.example").await;

        // The partner's visit starts on its own page, which lists only its partnership.
        let home = app.page(&paula, "/espaces/beta").await;
        assert_eq!(home.status, StatusCode::SEE_OTHER);
        assert_eq!(home.location(), "/espaces/beta/partage");
        let list = app.page(&paula, "/espaces/beta/partage").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.text.contains("Mécénat Fondation Horizon"));
        assert!(!list.text.contains("Achats Entreprise Tierce"));
        assert!(!list.text.contains("Entreprise Tierce"));

        // What is shared, and not the team's internal note.
        let show = app
            .page(&paula, &format!("/espaces/beta/partage/{}", b.shared.0))
            .await;
        assert_eq!(show.status, StatusCode::OK);
        assert!(show.text.contains("Comité de suivi semestriel"));
        assert!(show.text.contains("Bilan 2026"));
        assert!(!show.text.contains("budget fragile"));
        let not_shared = app
            .page(&paula, &format!("/espaces/beta/partage/{}", b.other.0))
            .await;
        assert_eq!(not_shared.status, StatusCode::NOT_FOUND);
        assert!(!not_shared.text.contains("Tierce"));

        // A message to the team; an empty one is refused beside its field.
        let csrf = csrf_in(&show.text).unwrap();
        let path = format!("/espaces/beta/partage/{}/commentaires", b.shared.0);
        let empty = app
            .submit(&paula, &path, &[("csrf", &csrf), ("body", "  ")])
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.text.contains("Ce champ est obligatoire"));
        let sent = app
            .submit(
                &paula,
                &path,
                &[
                    ("csrf", &csrf),
                    ("body", "Pouvons-nous décaler le comité ?"),
                ],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
        let team_page = app
            .page(
                &owner,
                &format!("/espaces/beta/partenariats/{}", b.shared.0),
            )
            .await;
        assert!(team_page.text.contains("Pouvons-nous décaler le comité ?"));
        assert!(team_page.text.contains("Paula Fondation"));
        // The team answers; the partner reads it.
        let team_csrf = csrf_in(&team_page.text).unwrap();
        let answer = app
            .submit(
                &owner,
                &format!("/espaces/beta/partenariats/{}/commentaires", b.shared.0),
                &[("csrf", &team_csrf), ("body", "Oui, au 15 mars.")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        let show = app
            .page(&paula, &format!("/espaces/beta/partage/{}", b.shared.0))
            .await;
        assert!(show.text.contains("Oui, au 15 mars."));

        // The partner's own measurement, marked as the partner's.
        let eval_path = format!("/espaces/beta/partage/evaluations/{}", b.evaluation);
        let eval_page = app.page(&paula, &eval_path).await;
        assert_eq!(eval_page.status, StatusCode::OK);
        let measure = format!("{eval_path}/indicateurs/{}/mesures", b.indicator);
        let bad = app
            .submit(
                &paula,
                &measure,
                &[
                    ("csrf", &csrf),
                    ("measured_on", "2026-06-30"),
                    ("value", "beaucoup"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text.contains("aria-invalid"));
        let ok = app
            .submit(
                &paula,
                &measure,
                &[
                    ("csrf", &csrf),
                    ("measured_on", "2026-06-30"),
                    ("value", "12"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
        let e = app
            .get(
                &b.owner.token,
                &format!("/api/v1/evaluations/{}", b.evaluation),
            )
            .await;
        let measurements: Vec<_> = e.json["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["indicators"].as_array().unwrap().iter())
            .filter(|i| i["id"] == b.indicator)
            .flat_map(|i| i["measurements"].as_array().unwrap().iter())
            .collect();
        assert_eq!(measurements.len(), 1);
        assert_eq!(measurements[0]["filled_by"], "partenaire");
        assert_eq!(measurements[0]["author_name"], "Paula Fondation");

        // The team's pages and API are closed to the partner.
        for path in [
            "/espaces/beta/partenariats".to_owned(),
            format!("/espaces/beta/partenariats/{}", b.shared.0),
            "/espaces/beta/tableau-de-bord".to_owned(),
            "/espaces/beta/chiffres".to_owned(),
        ] {
            assert_eq!(
                app.page(&paula, &path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
    }
);

partinnov_store::dual_test!(
    the_partners_api_reads_its_partnerships_and_writes_to_the_team,
    |db| {
        let app = spawn(&db.store).await;
        let b = beta(&db, &app).await;
        let paula = create_user(&db.store, "paula@fondation.example", "Paula").await;
        db.store
            .add_guest_unchecked(
                b.owner.workspace,
                paula,
                GuestRole::Partner,
                Some(b.fondation),
            )
            .await
            .unwrap();
        let token = create_token(&db.store, paula, false).await;

        let list = app
            .get(&token, "/api/v1/workspaces/beta/shared/partnerships")
            .await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        let items = list.json.as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["title"], "Mécénat Fondation Horizon");
        assert!(items[0].get("notes").is_none() && items[0].get("priority").is_none());
        let other = app
            .get(
                &token,
                &format!("/api/v1/workspaces/beta/shared/partnerships/{}", b.other.0),
            )
            .await;
        assert_eq!(other.status, StatusCode::NOT_FOUND);
        let c = app
            .post(
                &token,
                &format!(
                    "/api/v1/workspaces/beta/shared/partnerships/{}/comments",
                    b.shared.0
                ),
                &json!({"body": "Merci pour le bilan."}),
            )
            .await;
        assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
        assert_eq!(c.json["from_partner"], true);
        let long = app
            .post(
                &token,
                &format!(
                    "/api/v1/workspaces/beta/shared/partnerships/{}/comments",
                    b.shared.0
                ),
                &json!({"body": "x".repeat(5001)}),
            )
            .await;
        assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(long.json["errors"][0]["field"], "body");
        let team = app
            .get(
                &b.owner.token,
                &format!("/api/v1/partnerships/{}/comments", b.shared.0),
            )
            .await;
        assert_eq!(team.json.as_array().unwrap().len(), 1);
        let m = app
            .post(
                &token,
                &format!(
                    "/api/v1/workspaces/beta/shared/indicators/{}/measurements",
                    b.indicator
                ),
                &json!({"measured_on": "2026-05-01", "value": "7,5"}),
            )
            .await;
        assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
        assert_eq!(m.json["filled_by"], "partenaire");

        // Nothing of the team's API, and no aggregates either.
        for path in [
            format!("/api/v1/partnerships/{}", b.shared.0),
            "/api/v1/workspaces/beta/partnerships".to_owned(),
            format!("/api/v1/evaluations/{}", b.evaluation),
            format!("/api/v1/partnerships/{}/comments", b.shared.0),
            "/api/v1/workspaces/beta/aggregates".to_owned(),
        ] {
            assert_eq!(
                app.get(&token, &path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let all = app.get(&token, "/api/v1/partnerships").await;
        assert_eq!(all.json["total"], 0);

        // A read-only token reads and writes nothing.
        let read_only = create_token(&db.store, paula, true).await;
        let refused = app
            .post(
                &read_only,
                &format!(
                    "/api/v1/workspaces/beta/shared/partnerships/{}/comments",
                    b.shared.0
                ),
                &json!({"body": "?"}),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
);

partinnov_store::dual_test!(an_observer_reads_only_aggregates, |db| {
    let app = spawn(&db.store).await;
    let b = beta(&db, &app).await;
    let owner = app.sign_in(&b.owner.email).await;
    let secret = invite(&app, &owner, "observer", "").await;
    join(&app, &secret, "olivier@reseau.example", "Olivier Réseau").await;
    let olivier = app.sign_in("olivier@reseau.example").await;

    let home = app.page(&olivier, "/espaces/beta").await;
    assert_eq!(home.location(), "/espaces/beta/chiffres");
    let figures = app.page(&olivier, "/espaces/beta/chiffres").await;
    assert_eq!(figures.status, StatusCode::OK, "{}", figures.text);
    assert!(figures.text.contains("Chiffres de l"));
    for secret in [
        "Fondation Horizon",
        "Entreprise Tierce",
        "Mécénat Fondation",
        "Bruno",
    ] {
        assert!(!figures.text.contains(secret), "{secret} leaked");
    }
    assert_eq!(
        app.page(&olivier, "/espaces/beta/partage").await.location(),
        "/espaces/beta/chiffres"
    );
    assert_eq!(
        app.page(&olivier, &format!("/espaces/beta/partage/{}", b.shared.0))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.page(&olivier, "/espaces/beta/partenariats")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let olivier_id = db
        .store
        .user_by_email("olivier@reseau.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let olivier_id = partinnov_store::UserId(olivier_id);
    let token = create_token(&db.store, olivier_id, true).await;
    let a = app.get(&token, "/api/v1/workspaces/beta/aggregates").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json["partnerships"], 2);
    assert_eq!(a.json["partner_organisations"], 2);
    assert!(!a.text.contains("Fondation") && !a.text.contains("Tierce"));
    assert_eq!(a.json["dashboard"]["revenue_by_partner"], json!([]));
    // The team sees the same figures.
    let team = app
        .get(&b.owner.token, "/api/v1/workspaces/beta/aggregates")
        .await;
    assert_eq!(team.json["partnerships"], 2);

    // The owner removes the observer: nothing is left to see.
    let csrf = app.csrf(&owner, "/espaces/beta/parametres").await;
    let removed = app
        .submit(
            &owner,
            &format!("/espaces/beta/invites/{}/retirer", olivier_id.0),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.page(&olivier, "/espaces/beta/chiffres").await.status,
        StatusCode::NOT_FOUND
    );
});

partinnov_store::dual_test!(
    a_guest_invitation_is_refused_with_a_located_message_and_changes_nothing,
    |db| {
        let app = spawn(&db.store).await;
        let b = beta(&db, &app).await;
        let owner = app.sign_in(&b.owner.email).await;
        let csrf = app.csrf(&owner, "/espaces/beta/parametres").await;
        let stranger = organisation(&db.store, "Organisation Étrangère", 33).await;
        for (organisation, message) in [
            (String::new(), "Ce champ est obligatoire"),
            (stranger.0.to_string(), "partie à aucun partenariat de l"),
        ] {
            let a = app
                .submit(
                    &owner,
                    "/espaces/beta/invitations",
                    &[
                        ("csrf", &csrf),
                        ("role", "partner"),
                        ("organisation", &organisation),
                    ],
                )
                .await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{organisation}");
            assert!(a.text.contains(message), "{organisation}: {}", a.text);
            assert!(a.text.contains("invite-org-err"));
            assert!(!a.text.contains("/invitation/"));
        }

        // A team member opening a guest's link is told why, and the link stays usable.
        let secret = invite(&app, &owner, "partner", &b.fondation.0.to_string()).await;
        let eddy = create_user(&db.store, "eddy@beta.example", "Eddy").await;
        add_member(&db.store, b.owner.workspace, eddy, Role::Editor).await;
        let eddy_browser = app.sign_in("eddy@beta.example").await;
        let page = app
            .page(&eddy_browser, &format!("/invitation/{secret}"))
            .await;
        let csrf = csrf_in(&page.text).unwrap();
        let refused = app
            .submit(
                &eddy_browser,
                &format!("/invitation/{secret}"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.text.contains("déjà membre"));
        assert_eq!(
            app.page(&eddy_browser, "/espaces/beta/partenariats")
                .await
                .status,
            StatusCode::OK,
            "still an editor"
        );
        join(&app, &secret, "paula@fondation.example", "Paula").await;
    }
);

partinnov_store::dual_test!(
    the_partner_answers_beside_the_structure_and_both_download_the_report,
    |db| {
        let app = spawn(&db.store).await;
        let b = beta(&db, &app).await;
        let paula = create_user(&db.store, "paula@fondation.example", "Paula").await;
        db.store
            .add_guest_unchecked(
                b.owner.workspace,
                paula,
                GuestRole::Partner,
                Some(b.fondation),
            )
            .await
            .unwrap();
        let partner = app.sign_in("paula@fondation.example").await;
        let path = format!("/espaces/beta/partage/evaluations/{}", b.evaluation);
        let page = app.page(&partner, &path).await;
        assert_eq!(page.status, StatusCode::OK);
        // The first question of the template, and the evaluation's version.
        let name_at = page.text.find("name=\"q_").expect("a question") + "name=\"".len();
        let field =
            page.text[name_at..page.text[name_at..].find('"').unwrap() + name_at].to_owned();
        let csrf = csrf_in(&page.text).unwrap();
        let e = app
            .get(
                &b.owner.token,
                &format!("/api/v1/evaluations/{}", b.evaluation),
            )
            .await;
        let version = e.json["version"].as_i64().unwrap().to_string();

        let saved = app
            .submit(
                &partner,
                &format!("{path}/reponses"),
                &[
                    ("csrf", &csrf),
                    ("version", &version),
                    (&field, "Notre lecture : un soutien durable"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
        // A second save on the old version is not applied; what was typed comes back.
        let stale = app
            .submit(
                &partner,
                &format!("{path}/reponses"),
                &[
                    ("csrf", &csrf),
                    ("version", &version),
                    (&field, "Texte concurrent"),
                ],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.text.contains("Texte concurrent"));
        assert!(stale.text.contains("modifiée entre-temps"));

        // The team sees the partner's answer beside its own, and its own save keeps it.
        let team = app
            .page(
                &app.sign_in(&b.owner.email).await,
                &format!(
                    "/espaces/beta/partenariats/{}/evaluation?e={}",
                    b.shared.0, b.evaluation
                ),
            )
            .await;
        assert!(team.text.contains("Notre lecture : un soutien durable"));
        assert!(team.text.contains("Réponse du partenaire"));
        let e = app
            .get(
                &b.owner.token,
                &format!("/api/v1/evaluations/{}", b.evaluation),
            )
            .await;
        let put = app
            .put(
                &b.owner.token,
                &format!("/api/v1/evaluations/{}", b.evaluation),
                &json!({"title": "Bilan 2026", "status": "brouillon", "version": e.json["version"], "answers": {}}),
            )
            .await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.text);
        assert!(
            put.text.contains("Notre lecture : un soutien durable"),
            "kept: {}",
            put.text
        );

        // Both download the report; the partner's answer is in it.
        let (status, _, pdf) = download(
            &app,
            Auth::Browser(&partner),
            &format!("{path}/rapport?format=pdf"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let text = pdf_extract::extract_text_from_mem(&pdf).expect("a PDF that parses");
        assert!(text.contains("soutien durable"), "{text}");
        assert!(text.contains("Fondation Horizon"));
        let (status, _, _) = download(
            &app,
            Auth::Token(&b.owner.token),
            &format!("/api/v1/evaluations/{}/report?format=odt", b.evaluation),
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        // Over the API, with If-Match: a stale version is 412.
        let token = create_token(&db.store, paula, false).await;
        let r = app
            .client
            .put(app.url(&format!(
                "/api/v1/workspaces/beta/shared/evaluations/{}/answers",
                b.evaluation
            )))
            .bearer_auth(&token)
            .header("if-match", "\"1\"")
            .json(&json!({"answers": {}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
        let unknown = app
            .put(
                &token,
                &format!(
                    "/api/v1/workspaces/beta/shared/evaluations/{}/answers",
                    b.evaluation
                ),
                &json!({"version": put.json["version"], "answers": {"nope": "x"}}),
            )
            .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
);
