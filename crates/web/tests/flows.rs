//! Economic flows in euros with cents (never floats), and the workspace dashboard that
//! shows what partnerships produce, with a warning when one buyer weighs too much.

mod common;

use common::*;
use partinnov_domain::typology::Form;
use reqwest::StatusCode;
use serde_json::json;

partinnov_store::dual_test!(
    amounts_keep_their_cents_and_three_decimals_or_negatives_are_refused,
    |db| {
        let app = spawn(&db.store).await;
        let me = person(&db.store, "atelier", "Claire").await;
        let org = organisation(&db.store, "Grand Acheteur", 31).await;
        let p = partnership(
            &db.store,
            &me,
            &draft("Ventes", org, Form::RelationCommerciale),
        )
        .await;
        let path = format!("/api/v1/partnerships/{}/flows", p.0);
        let sale = app
            .post(
                &me.token,
                &path,
                &json!({"kind": "vente", "year": 2026, "amount": "12 345,67"}),
            )
            .await;
        assert_eq!(sale.status, StatusCode::CREATED, "{}", sale.text);
        assert_eq!(sale.json["amount_cents"], 1_234_567);
        let skills = app.post(&me.token, &path, &json!({"kind": "mecenat_competences", "year": 2026, "days": 10, "day_rate": "450"})).await;
        assert_eq!(skills.json["amount_cents"], 450_000, "10 days × 450 €");
        let bad = app
            .post(
                &me.token,
                &path,
                &json!({"kind": "vente", "year": 2026, "amount": "12,345"}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["amount"]);
        let negative = app
            .post(
                &me.token,
                &path,
                &json!({"kind": "don_financier", "year": 2026, "amount": "-5"}),
            )
            .await;
        assert_eq!(negative.error_fields(), ["amount"]);
        let unknown = app
            .post(
                &me.token,
                &path,
                &json!({"kind": "troc", "year": 2026, "amount": "5"}),
            )
            .await;
        assert_eq!(unknown.error_fields(), ["kind"]);
        assert_eq!(
            app.get(&me.token, &path)
                .await
                .json
                .as_array()
                .unwrap()
                .len(),
            2,
            "refused flows left nothing"
        );
    }
);

partinnov_store::dual_test!(
    the_dashboard_counts_people_exits_and_warns_about_a_dominant_buyer,
    |db| {
        let app = spawn(&db.store).await;
        let me = person(&db.store, "atelier", "Claire").await;
        // Five buyers: the first holds 45 % of sales (journey 5).
        let mut first = None;
        for (i, euros) in [45_000, 20_000, 15_000, 10_000, 10_000]
            .into_iter()
            .enumerate()
        {
            let org = organisation(&db.store, &format!("Acheteur {i}"), 40 + i as u64).await;
            let p = partnership(
                &db.store,
                &me,
                &draft(&format!("Ventes {i}"), org, Form::RelationCommerciale),
            )
            .await;
            let r = app
                .post(
                    &me.token,
                    &format!("/api/v1/partnerships/{}/flows", p.0),
                    &json!({"kind": "vente", "year": 2026, "amount": euros.to_string()}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED);
            first.get_or_insert(p);
        }
        let p = first.unwrap();
        let outcomes = format!("/api/v1/partnerships/{}/outcomes", p.0);
        for body in [
            json!({"person_ref": "P1", "kind": "pmsmp", "started_on": "2026-03-02", "days": 10}),
            json!({"person_ref": "P1", "kind": "embauche", "started_on": "2026-04-01", "contract": "cdi"}),
            json!({"person_ref": "P2", "kind": "embauche", "started_on": "2026-05-01", "contract": "cdd", "duration": 2, "duration_unit": "mois"}),
            json!({"person_ref": "P3", "kind": "mise_a_disposition", "started_on": "2026-06-01", "hours": 350}),
            json!({"person_ref": "P4", "kind": "pmsmp", "started_on": "2025-06-01", "days": 5}),
        ] {
            assert_eq!(
                app.post(&me.token, &outcomes, &body).await.status,
                StatusCode::CREATED
            );
        }
        let d = app
            .get(
                &me.token,
                "/api/v1/workspaces/atelier/dashboard?from=2026-01-01&to=2026-12-31",
            )
            .await;
        assert_eq!(d.status, StatusCode::OK, "{}", d.text);
        assert_eq!(
            d.json["people"], 3,
            "P4's immersion is outside the period and P1 counts once"
        );
        assert_eq!(
            d.json["durable_rate_permille"], 500,
            "one CDI, one short CDD"
        );
        assert_eq!(d.json["lending_hours"], 350);
        assert_eq!(d.json["immersion_days"], 10);
        assert_eq!(d.json["concentration"]["top1_permille"], 450);
        assert_eq!(d.json["concentration"]["top3_permille"], 800);

        let b = app.sign_in(&me.email).await;
        let page = app
            .page(
                &b,
                "/espaces/atelier/tableau-de-bord?from=2026-01-01&to=2026-12-31",
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.html();
        assert!(
            html.contains("Attention à la dépendance") && html.contains("45,0"),
            "the warning names the share"
        );
        assert!(
            html.contains("<svg") && html.contains("emploi durable"),
            "charts and their tables"
        );
        let backwards = app
            .page(
                &b,
                "/espaces/atelier/tableau-de-bord?from=2026-12-31&to=2026-01-01",
            )
            .await;
        assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
);
