//! An ACI sees its recorded commercial receipts against the ceiling of 001:203 (30 % of
//! the costs of the activities, exceptionally 50 %), with a warning as it approaches or
//! passes it; owners enter the costs. Each partnership shows what it produced.

mod common;

use common::*;
use partinnov_domain::{kind::StructureKind, typology::Form};
use partinnov_store::{organisations::OrganisationDraft, workspaces::NewWorkspace};
use reqwest::StatusCode;
use serde_json::json;

/// An ACI's workspace, owned by `aci@example.org`, with one sales partnership.
async fn aci(db: &partinnov_store::testing::TestDb) -> (Person, i64) {
    structure(db, StructureKind::Aci).await
}

/// A workspace whose structure is of `kind`, owned by `aci@example.org`, with one sales
/// partnership.
async fn structure(db: &partinnov_store::testing::TestDb, kind: StructureKind) -> (Person, i64) {
    let store = &db.store;
    let owner = create_user(store, "aci@example.org", "Nadia Chantier").await;
    let loader = store.loader().await.unwrap();
    let structure = loader
        .organisation(&OrganisationDraft {
            name: "Chantier Vert".into(),
            kinds: vec![StructureKind::Asso, kind],
            ..Default::default()
        })
        .await
        .unwrap();
    loader.commit().await.unwrap();
    let workspace = store
        .create_workspace(
            owner,
            &NewWorkspace {
                slug: "chantier".into(),
                name: "Chantier Vert".into(),
                organisation_id: Some(structure),
                dormant_months: 12,
            },
        )
        .await
        .unwrap();
    let token = create_token(store, owner, false).await;
    let me = Person {
        id: owner,
        email: "aci@example.org".into(),
        name: "Nadia Chantier".into(),
        workspace,
        slug: "chantier".into(),
        token,
    };
    let buyer = organisation(store, "Mairie de Belley", 40).await;
    let p = partnership(
        store,
        &me,
        &draft(
            "Entretien des espaces verts",
            buyer,
            Form::RelationCommerciale,
        ),
    )
    .await;
    (me, p.0)
}

partinnov_store::dual_test!(
    an_aci_is_warned_near_and_above_its_ceiling_once_its_costs_are_entered,
    |db| {
        let app = spawn(&db.store).await;
        let (me, p) = aci(&db).await;
        let sale = app
            .post(
                &me.token,
                &format!("/api/v1/partnerships/{p}/flows"),
                &json!({"kind": "vente", "year": 2025, "amount": "28 000"}),
            )
            .await;
        assert_eq!(sale.status, StatusCode::CREATED, "{}", sale.text);
        let b = app.sign_in("aci@example.org").await;
        let page = app
            .page(
                &b,
                "/espaces/chantier/tableau-de-bord?from=2025-01-01&to=2025-12-31",
            )
            .await
            .html();
        assert!(page.contains("Recettes commerciales (ACI)"));
        assert!(page.contains("Charges non renseignées"), "no costs yet");

        // 28 000 € of sales for 100 000 € of costs: 28 %, near the 30 % ceiling.
        let csrf = csrf_in(&page).unwrap();
        let saved = app
            .submit(
                &b,
                "/espaces/chantier/tableau-de-bord/charges",
                &[
                    ("csrf", &csrf),
                    ("year", "2025"),
                    ("costs", "100 000"),
                    ("cap_pct", "30"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
        let page = app.page(&b, saved.location()).await.html();
        assert!(
            page.contains("atteignent 28,0\u{202f}% des charges, près du plafond de 30,0\u{202f}%"),
            "{page}"
        );

        // With the exceptional 50 % rate the same figures are comfortably within.
        let api = app
            .put(
                &me.token,
                "/api/v1/workspaces/chantier/commercial-costs/2025",
                &json!({"costs": "100 000", "cap_pct": 50}),
            )
            .await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.text);
        let d = app
            .get(
                &me.token,
                "/api/v1/workspaces/chantier/dashboard?from=2025-01-01&to=2025-12-31",
            )
            .await;
        assert_eq!(d.json["aci"], true);
        assert_eq!(d.json["commercial"][0]["check"]["level"], "within");

        // Above: another 30 000 € of sales at 30 %.
        app.put(
            &me.token,
            "/api/v1/workspaces/chantier/commercial-costs/2025",
            &json!({"costs": "100 000", "cap_pct": 30}),
        )
        .await;
        app.post(
            &me.token,
            &format!("/api/v1/partnerships/{p}/flows"),
            &json!({"kind": "sous_traitance", "year": 2025, "amount": "30 000"}),
        )
        .await;
        let page = app
            .page(
                &b,
                "/espaces/chantier/tableau-de-bord?from=2025-01-01&to=2025-12-31",
            )
            .await
            .html();
        assert!(
            page.contains("au-delà du plafond de 30,0\u{202f}%"),
            "{page}"
        );
    }
);

partinnov_store::dual_test!(
    refused_costs_say_why_next_to_the_field_and_only_owners_enter_them,
    |db| {
        let app = spawn(&db.store).await;
        let (me, _) = aci(&db).await;
        let b = app.sign_in("aci@example.org").await;
        let csrf = app.csrf(&b, "/espaces/chantier/tableau-de-bord").await;
        let refused = app
            .submit(
                &b,
                "/espaces/chantier/tableau-de-bord/charges",
                &[
                    ("csrf", &csrf),
                    ("year", "2025"),
                    ("costs", "12,345"),
                    ("cap_pct", "30"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.html();
        assert!(
            html.contains("id=\"cc-costs-err\""),
            "message next to the field"
        );
        assert!(html.contains("value=\"12,345\""), "what was typed is kept");
        assert!(
            html.contains("value=\"2025-01-01\""),
            "the page stays on the year being entered"
        );
        let rate = app
            .put(
                &me.token,
                "/api/v1/workspaces/chantier/commercial-costs/2025",
                &json!({"costs": "1000", "cap_pct": 40}),
            )
            .await;
        assert_eq!(rate.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(rate.error_fields(), ["cap_pct"]);
        assert_eq!(
            app.get(&me.token, "/api/v1/workspaces/chantier/commercial-costs")
                .await
                .json,
            json!([]),
            "nothing was recorded"
        );

        let editor = create_user(&db.store, "cip@example.org", "Camille").await;
        add_member(
            &db.store,
            me.workspace,
            editor,
            partinnov_store::Role::Editor,
        )
        .await;
        let token = create_token(&db.store, editor, false).await;
        let denied = app
            .put(
                &token,
                "/api/v1/workspaces/chantier/commercial-costs/2025",
                &json!({"costs": "1000"}),
            )
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);
    }
);

partinnov_store::dual_test!(
    a_partnership_shows_what_it_produced_and_a_workspace_without_aci_has_no_ceiling,
    |db| {
        let app = spawn(&db.store).await;
        let me = person(&db.store, "atelier", "Claire").await;
        let org = organisation(&db.store, "Mondial Tissus", 1).await;
        let p = partnership(&db.store, &me, &draft("Tissus", org, Form::MecenatNature)).await;
        let other = partnership(&db.store, &me, &draft("Autre", org, Form::MecenatNature)).await;
        for (id, person) in [(p.0, "P-001"), (p.0, "P-002"), (other.0, "P-003")] {
            let a = app
                .post(
                    &me.token,
                    &format!("/api/v1/partnerships/{id}/outcomes"),
                    &json!({"person_ref": person, "kind": "pmsmp", "started_on": "2026-03-02", "ended_on": "2026-03-13", "days": 10}),
                )
                .await;
            assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        }
        let d = app
            .get(
                &me.token,
                &format!("/api/v1/partnerships/{}/dashboard", p.0),
            )
            .await;
        assert_eq!(d.json["people"], 2, "only this partnership's people");
        assert_eq!(d.json["immersion_days"], 20);
        assert_eq!(d.json["aci"], false);
        assert_eq!(d.json["commercial"], json!([]));

        let b = app.sign_in("atelier@example.org").await;
        let page = app
            .page(&b, &format!("/espaces/atelier/partenariats/{}", p.0))
            .await
            .html();
        assert!(page.contains("Ce que ce partenariat a produit"));
        assert!(page.contains("<dd>20</dd>"), "20 days of immersion");
        let dashboard = app
            .page(&b, "/espaces/atelier/tableau-de-bord")
            .await
            .html();
        assert!(!dashboard.contains("Recettes commerciales (ACI)"));

        // Another workspace's partnership figures are not found.
        let stranger = person(&db.store, "voisin", "Paul").await;
        let hidden = app
            .get(
                &stranger.token,
                &format!("/api/v1/partnerships/{}/dashboard", p.0),
            )
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    }
);

partinnov_store::dual_test!(an_eiti_sees_hours_worked_as_full_time_equivalents, |db| {
    let app = spawn(&db.store).await;
    let (me, p) = structure(&db, StructureKind::Eiti).await;
    // 001:223: one full-time equivalent is 1,505 hours; 3,010 hours are 2 FTE.
    let lent = app
            .post(
                &me.token,
                &format!("/api/v1/partnerships/{p}/outcomes"),
                &json!({"person_ref": "T-001", "kind": "mise_a_disposition", "started_on": "2025-01-06", "ended_on": "2025-12-19", "hours": 3010}),
            )
            .await;
    assert_eq!(lent.status, StatusCode::CREATED, "{}", lent.text);
    let d = app
        .get(
            &me.token,
            "/api/v1/workspaces/chantier/dashboard?from=2025-01-01&to=2025-12-31",
        )
        .await;
    assert_eq!(d.json["fte_hundredths"], 200);
    assert_eq!(d.json["aci"], false, "an EITI has no ACI ceiling");
    let b = app.sign_in("aci@example.org").await;
    let page = app
        .page(
            &b,
            "/espaces/chantier/tableau-de-bord?from=2025-01-01&to=2025-12-31",
        )
        .await
        .html();
    assert!(page.contains("<dd>2,00 ETP</dd>"), "{page}");
    assert!(!page.contains("Recettes commerciales (ACI)"));
});
