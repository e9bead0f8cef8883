//! A network delegate who follows two structures reads, on one page and from the API,
//! what each produced and the network's total, which match each workspace's dashboard;
//! a structure they do not belong to never shows.

mod common;

use common::*;
use partinnov_domain::typology::Form;
use partinnov_store::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Two outcomes (a PMSMP and a durable hire) and a sale on one partnership of `p`'s
/// workspace, plus `hires` more hires of less than six months.
async fn produce(app: &TestApp, db: &partinnov_store::testing::TestDb, p: &Person, hires: usize) {
    let seed = 40 + hires as u64;
    let partner = organisation(&db.store, &format!("Client de {}", p.slug), seed).await;
    let id = partnership(
        &db.store,
        p,
        &draft(
            &format!("Partenariat {}", p.slug),
            partner,
            Form::AchatsResponsables,
        ),
    )
    .await;
    let outcomes = format!("/api/v1/partnerships/{}/outcomes", id.0);
    for body in [
        json!({"person_ref": "P-1", "kind": "pmsmp", "started_on": "2026-03-02", "ended_on": "2026-03-13", "days": 10}),
        json!({"person_ref": "P-1", "kind": "embauche", "started_on": "2026-04-01", "contract": "cdi"}),
    ] {
        let r = app.post(&p.token, &outcomes, &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    for n in 0..hires {
        let r = app
            .post(&p.token, &outcomes, &json!({"person_ref": format!("Q-{n}"), "kind": "embauche", "started_on": "2026-05-04", "contract": "cdd", "duration": 2, "duration_unit": "mois"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let flow = app
        .post(
            &p.token,
            &format!("/api/v1/partnerships/{}/flows", id.0),
            &json!({"kind": "vente", "year": 2026, "amount": "1 000,50"}),
        )
        .await;
    assert_eq!(flow.status, StatusCode::CREATED, "{}", flow.text);
}

fn line<'a>(figures: &'a Value, slug: &str) -> &'a Value {
    figures["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["slug"] == slug)
        .unwrap_or_else(|| panic!("no line for {slug}: {figures}"))
}

partinnov_store::dual_test!(
    a_delegate_reads_each_structure_and_the_network_total,
    |db| {
        let app = spawn(&db.store).await;
        let nord = person(&db.store, "nord", "Nadia Nord").await;
        let sud = person(&db.store, "sud", "Samir Sud").await;
        let autre = person(&db.store, "autre", "Alice Autre").await;
        produce(&app, &db, &nord, 0).await;
        produce(&app, &db, &sud, 2).await;
        produce(&app, &db, &autre, 5).await;
        let delegate = create_user(&db.store, "delegue@example.org", "Denis Délégué").await;
        add_member(&db.store, nord.workspace, delegate, Role::Reader).await;
        add_member(&db.store, sud.workspace, delegate, Role::Reader).await;
        let token = create_token(&db.store, delegate, false).await;

        let period = "from=2026-01-01&to=2026-12-31";
        let r = app
            .get(&token, &format!("/api/v1/network/figures?{period}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let figures = r.json;
        assert_eq!(
            figures["lines"].as_array().unwrap().len(),
            2,
            "only the delegate's workspaces: {figures}"
        );
        assert!(!r.text.contains("autre"), "{figures}");
        let (n, s, total) = (
            line(&figures, "nord"),
            line(&figures, "sud"),
            &figures["total"],
        );
        assert_eq!(n["outcomes"], 2);
        assert_eq!(n["exits"], 1);
        assert_eq!(n["durable_exits"], 1);
        assert_eq!(n["durable_rate_permille"], 1000);
        assert_eq!(s["outcomes"], 4);
        assert_eq!(s["exits"], 3);
        assert_eq!(s["durable_rate_permille"], 333);
        assert_eq!(total["partnerships"], 2);
        assert_eq!(
            total["people"], 4,
            "P-1 in each workspace, Q-0 and Q-1 in sud"
        );
        assert_eq!(total["outcomes"], 6);
        assert_eq!(total["exits"], 4);
        assert_eq!(total["durable_exits"], 2);
        assert_eq!(total["durable_rate_permille"], 500);
        assert_eq!(total["immersion_days"], 20);
        assert_eq!(total["flows_cents"], 200_100);

        // Each line says what that workspace's own dashboard says.
        for (slug, who) in [("nord", &nord), ("sud", &sud)] {
            let d = app
                .get(
                    &who.token,
                    &format!("/api/v1/workspaces/{slug}/dashboard?{period}"),
                )
                .await
                .json;
            let l = line(&figures, slug);
            assert_eq!(l["people"], d["people"], "{slug}");
            assert_eq!(
                l["durable_rate_permille"], d["durable_rate_permille"],
                "{slug}"
            );
            assert_eq!(l["immersion_days"], d["immersion_days"], "{slug}");
            let exits: i64 = d["exits_by_category"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["count"].as_i64().unwrap())
                .sum();
            assert_eq!(l["exits"], exits, "{slug}");
        }

        // A token limited to one workspace sees that one only; a bad date is a located 422.
        let limited = db
            .store
            .create_token(delegate, "sud seulement", Some(sud.workspace), true)
            .await
            .expect("token")
            .1;
        let one = app
            .get(&limited, &format!("/api/v1/network/figures?{period}"))
            .await;
        assert_eq!(one.json["lines"].as_array().unwrap().len(), 1);
        assert_eq!(one.json["total"]["outcomes"], 4);
        let bad = app
            .get(&token, "/api/v1/network/figures?from=31/02/2026")
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), vec!["from"]);

        // The page: a line per workspace linking to its dashboard, and the total.
        let b = app.sign_in("delegue@example.org").await;
        let page = app.page(&b, &format!("/reseau/chiffres?{period}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.html();
        assert!(html.contains("Espace nord") && html.contains("Espace sud"));
        assert!(!html.contains("Espace autre"));
        assert!(
            html.contains("href=\"/espaces/sud/tableau-de-bord?from=2026-01-01&to=2026-12-31\"")
        );
        assert!(html.contains("Total du réseau"));
        assert!(
            html.contains("<td class=\"num\">2\u{202f}001 €</td></tr></tfoot>"),
            "the flows' total in euros: {html}"
        );
        let wrong = app.page(&b, "/reseau/chiffres?to=pas-une-date").await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.html().contains("id=\"f-to-err\""));
        // Someone in no workspace reads an empty table, not another's figures.
        let alone = create_user(&db.store, "seul@example.org", "Sam Seul").await;
        let alone = create_token(&db.store, alone, false).await;
        let empty = app.get(&alone, "/api/v1/network/figures").await;
        assert_eq!(empty.json["lines"], json!([]));
        assert_eq!(empty.json["total"]["outcomes"], 0);
    }
);
