//! Journey 3: after an immersion, a job coach records a PMSMP then a hire for a person
//! known only by a pseudonymous reference, and sees the official exit category and why.

mod common;

use common::*;
use partinnov_domain::typology::Form;
use reqwest::StatusCode;
use serde_json::json;

partinnov_store::dual_test!(
    a_pmsmp_then_a_seven_month_cdd_shows_emploi_durable_and_why,
    |db| {
        let app = spawn(&db.store).await;
        let cip = person(&db.store, "atelier", "Camille CIP").await;
        let partner = organisation(&db.store, "Menuiserie du Bugey", 11).await;
        let p = partnership(
            &db.store,
            &cip,
            &draft("Menuiserie du Bugey", partner, Form::AccueilImmersions),
        )
        .await;
        let path = format!("/api/v1/partnerships/{}/outcomes", p.0);

        let pmsmp = app.post(&cip.token, &path, &json!({"person_ref": "p-2026-017", "kind": "pmsmp", "started_on": "2026-10-05", "ended_on": "2026-10-16", "days": 10})).await;
        assert_eq!(pmsmp.status, StatusCode::CREATED, "{}", pmsmp.text);
        assert_eq!(
            pmsmp.json["person_ref"], "P-2026-017",
            "references are stored upper-cased"
        );
        assert!(
            pmsmp.json["category"].is_null(),
            "an immersion is not an exit"
        );

        let hire = app
        .post(&cip.token, &path, &json!({"person_ref": "P-2026-017", "kind": "embauche", "started_on": "2026-11-02", "contract": "cdd", "duration": 7, "duration_unit": "mois"}))
        .await;
        assert_eq!(hire.status, StatusCode::CREATED, "{}", hire.text);
        assert_eq!(hire.json["category"], "emploi_durable");
        assert!(
            hire.json["reason"]
                .as_str()
                .unwrap()
                .contains("6 mois ou plus"),
            "{}",
            hire.json["reason"]
        );

        let short = app
        .post(&cip.token, &path, &json!({"person_ref": "P-2026-018", "kind": "embauche", "contract": "cdd", "started_on": "2026-01-05", "ended_on": "2026-03-31"}))
        .await;
        assert_eq!(
            short.json["category"], "emploi_transition",
            "the length comes from the dates: {}",
            short.text
        );

        let listed = app.get(&cip.token, &path).await;
        assert_eq!(listed.json.as_array().unwrap().len(), 3);

        // The page shows the category and the reason in French.
        let b = app.sign_in(&cip.email).await;
        let page = app
            .page(&b, &format!("/espaces/{}/partenariats/{}", cip.slug, p.0))
            .await;
        let html = page.html();
        assert!(
            html.contains("P-2026-017")
                && html.contains("emploi durable")
                && html.contains("CDD non aidé de 6 mois ou plus"),
            "{html}"
        );
    }
);

partinnov_store::dual_test!(
    a_name_a_negative_count_or_an_unknown_unit_is_refused_and_nothing_is_recorded,
    |db| {
        let app = spawn(&db.store).await;
        let cip = person(&db.store, "atelier", "Camille CIP").await;
        let partner = organisation(&db.store, "Menuiserie du Bugey", 11).await;
        let p = partnership(
            &db.store,
            &cip,
            &draft("Menuiserie du Bugey", partner, Form::Recrutement),
        )
        .await;
        let path = format!("/api/v1/partnerships/{}/outcomes", p.0);

        let bad = app
        .post(&cip.token, &path, &json!({"person_ref": "Jean Dupont", "kind": "mise_a_disposition", "hours": -4, "duration": 3, "duration_unit": "lunes"}))
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["person_ref", "hours", "duration_unit"]);

        let backwards = app.post(&cip.token, &path, &json!({"person_ref": "P1", "kind": "pmsmp", "started_on": "2026-05-10", "ended_on": "2026-05-01"})).await;
        assert_eq!(backwards.error_fields(), ["ended_on"]);

        let no_length = app
            .post(
                &cip.token,
                &path,
                &json!({"person_ref": "P1", "kind": "embauche", "contract": "cdd"}),
            )
            .await;
        assert_eq!(no_length.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(no_length.error_fields(), ["duration_days"]);

        assert_eq!(
            app.get(&cip.token, &path)
                .await
                .json
                .as_array()
                .unwrap()
                .len(),
            0,
            "nothing was recorded"
        );
    }
);

partinnov_store::dual_test!(outcomes_of_another_workspace_are_not_found, |db| {
    let app = spawn(&db.store).await;
    let a = person(&db.store, "alpha", "Alice").await;
    let b = person(&db.store, "beta", "Bruno").await;
    let partner = organisation(&db.store, "Partenaire", 12).await;
    let p = partnership(
        &db.store,
        &b,
        &draft("Chez Bruno", partner, Form::Recrutement),
    )
    .await;
    let path = format!("/api/v1/partnerships/{}/outcomes", p.0);
    assert_eq!(app.get(&a.token, &path).await.status, StatusCode::NOT_FOUND);
    let write = app
        .post(
            &a.token,
            &path,
            &json!({"person_ref": "P1", "kind": "pmsmp"}),
        )
        .await;
    assert_eq!(write.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&b.token, &path)
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        0
    );
});
