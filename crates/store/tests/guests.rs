//! Guests in the store: what an invited partner and an observer can reach, checked in the
//! queries themselves. Each test runs on SQLite and on PostgreSQL.
#![cfg(feature = "testing")]

mod common;

use common::*;
use partinnov_domain::{
    evaluation::{DEFAULT_TEMPLATE, FilledBy, MeasureValue},
    kind::StructureKind,
};
use partinnov_store::{
    Role, StoreError,
    evaluations::MeasurementDraft,
    guests::{GuestRole, GuestScope},
};

async fn guest(
    store: &partinnov_store::Store,
    scope: &partinnov_store::WorkspaceScope,
    email: &str,
    role: GuestRole,
    organisation: Option<partinnov_store::OrganisationId>,
) -> GuestScope {
    let c = user(store, email, "Invité").await;
    store
        .add_guest_unchecked(scope.workspace_id, c.user_id, role, organisation)
        .await
        .expect("add guest");
    store
        .guest_scope(&c, &scope.slug)
        .await
        .expect("guest scope")
}

partinnov_store::dual_test!(
    a_partner_reaches_only_live_partnerships_of_its_organisation,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "atelier").await;
        let fondation = create_organisation(
            store,
            &alice,
            "Fondation",
            1,
            &[StructureKind::Fondation],
            lyon(),
        )
        .await;
        let autre =
            create_organisation(store, &alice, "Autre", 2, &[StructureKind::EntPme], lyon()).await;
        let shared = store
            .create_partnership(&scope, &partnership("Partagé", &[fondation, autre]))
            .await
            .unwrap();
        let hidden = store
            .create_partnership(&scope, &partnership("Caché", &[autre]))
            .await
            .unwrap();
        let ended = store
            .create_partnership(&scope, &partnership("Supprimé", &[fondation]))
            .await
            .unwrap();
        let g = guest(
            store,
            &scope,
            "paula@example.org",
            GuestRole::Partner,
            Some(fondation),
        )
        .await;
        let titles = |list: Vec<partinnov_store::guests::SharedPartnership>| {
            list.into_iter().map(|p| p.title).collect::<Vec<_>>()
        };
        assert_eq!(
            titles(store.shared_partnerships(&g).await.unwrap()),
            ["Partagé", "Supprimé"]
        );
        store
            .delete_partnership(&scope, ended.id, None)
            .await
            .unwrap();
        assert_eq!(
            titles(store.shared_partnerships(&g).await.unwrap()),
            ["Partagé"]
        );
        for id in [hidden.id, ended.id] {
            assert!(matches!(
                store.shared_partnership(&g, id).await,
                Err(StoreError::NotFound { .. })
            ));
            assert!(matches!(
                store.add_shared_comment(&g, id, "Bonjour").await,
                Err(StoreError::NotFound { .. })
            ));
        }
        // The team's scope is closed to a guest.
        let paula = caller(g.user_id, "paula@example.org", "Invité");
        assert!(matches!(
            store.scope(&paula, "atelier").await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(store.workspaces(&paula).await.unwrap().is_empty());
        // A partner does not read aggregates.
        let day = day(2026, 1, 1);
        assert!(matches!(
            store.aggregates(&g, day, day).await,
            Err(StoreError::Forbidden)
        ));
        // The partner's name goes with its messages.
        let c = store
            .add_shared_comment(&g, shared.id, "  Merci  ")
            .await
            .unwrap();
        assert_eq!(c.body, "Merci");
        assert!(c.from_partner);
        assert_eq!(store.comments(&scope, shared.id).await.unwrap().len(), 1);
    }
);

partinnov_store::dual_test!(
    a_partner_measures_manual_indicators_of_its_evaluations_only,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "atelier").await;
        let fondation = create_organisation(
            store,
            &alice,
            "Fondation",
            1,
            &[StructureKind::Fondation],
            lyon(),
        )
        .await;
        let autre =
            create_organisation(store, &alice, "Autre", 2, &[StructureKind::EntPme], lyon()).await;
        let shared = store
            .create_partnership(&scope, &partnership("Partagé", &[fondation]))
            .await
            .unwrap();
        let hidden = store
            .create_partnership(&scope, &partnership("Caché", &[autre]))
            .await
            .unwrap();
        let start = day(2026, 1, 1);
        let mine = store
            .create_evaluation(&scope, shared.id, DEFAULT_TEMPLATE, "", start)
            .await
            .unwrap();
        let theirs = store
            .create_evaluation(&scope, hidden.id, DEFAULT_TEMPLATE, "", start)
            .await
            .unwrap();
        let g = guest(
            store,
            &scope,
            "paula@example.org",
            GuestRole::Partner,
            Some(fondation),
        )
        .await;
        let indicators = |e: &partinnov_store::evaluations::Evaluation| {
            e.criteria
                .iter()
                .flat_map(|c| c.indicators.clone())
                .collect::<Vec<_>>()
        };
        let manual = indicators(&mine)
            .into_iter()
            .find(|i| i.data.source.is_none())
            .unwrap();
        let draft = |value: MeasureValue| MeasurementDraft {
            measured_on: day(2026, 6, 30),
            value,
            note: String::new(),
            filled_by: FilledBy::Structure,
        };
        let value = match manual.data.kind {
            partinnov_domain::evaluation::IndicatorKind::Quantitatif => MeasureValue::Number(1200),
            partinnov_domain::evaluation::IndicatorKind::Qualitatif => {
                MeasureValue::Text("Très utile".into())
            }
        };
        let m = store
            .partner_measurement(&g, manual.id, &draft(value))
            .await
            .unwrap();
        assert_eq!(
            m.data.filled_by,
            FilledBy::Partenaire,
            "marked as the partner's"
        );
        // Another partnership's indicator is not found; an automatic one is not typed.
        let other = indicators(&theirs)[0].id;
        assert!(matches!(
            store
                .partner_measurement(&g, other, &draft(MeasureValue::Number(1)))
                .await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            store.shared_evaluation(&g, theirs.id).await,
            Err(StoreError::NotFound { .. })
        ));
        if let Some(auto) = indicators(&mine)
            .into_iter()
            .find(|i| i.data.source.is_some())
        {
            assert!(matches!(
                store
                    .partner_measurement(&g, auto.id, &draft(MeasureValue::Number(1)))
                    .await,
                Err(StoreError::Invalid {
                    code: "automatic_indicator",
                    ..
                })
            ));
        }
        let e = store.shared_evaluation(&g, mine.id).await.unwrap();
        let measured: usize = indicators(&e).iter().map(|i| i.measurements.len()).sum();
        assert_eq!(measured, 1);
    }
);

partinnov_store::dual_test!(an_observer_reads_counts_and_no_name, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    let scope = workspace(store, &alice, "atelier").await;
    let fondation = create_organisation(
        store,
        &alice,
        "Fondation",
        1,
        &[StructureKind::Fondation],
        lyon(),
    )
    .await;
    store
        .create_partnership(&scope, &partnership("Un", &[fondation]))
        .await
        .unwrap();
    let gone = store
        .create_partnership(&scope, &partnership("Deux", &[fondation]))
        .await
        .unwrap();
    store
        .delete_partnership(&scope, gone.id, None)
        .await
        .unwrap();
    let o = guest(
        store,
        &scope,
        "olivier@example.org",
        GuestRole::Observer,
        None,
    )
    .await;
    let a = store
        .aggregates(&o, day(2020, 1, 1), day(2030, 12, 31))
        .await
        .unwrap();
    assert_eq!(a.partnerships, 1, "a deleted partnership is not counted");
    assert_eq!(a.partner_organisations, 1);
    assert!(a.dashboard.revenue_by_partner.is_empty());
    assert!(!serde_json::to_string(&a).unwrap().contains("Fondation"));
    assert!(matches!(
        store.shared_partnerships(&o).await,
        Err(StoreError::Forbidden)
    ));
    // A member of the team cannot be made a guest, and an owner removes guests.
    let (eddy, _) = member(store, &scope, "eddy@example.org", "Eddy", Role::Editor).await;
    assert!(matches!(
        store
            .add_guest_unchecked(scope.workspace_id, eddy.user_id, GuestRole::Observer, None)
            .await,
        Err(StoreError::Invalid {
            code: "already_member",
            ..
        })
    ));
    // The platform's administrator sees where each account is a guest.
    let admin = partinnov_store::Caller {
        is_admin: true,
        ..alice.clone()
    };
    let account = store.admin_account(&admin, o.user_id).await.unwrap();
    assert_eq!(account.memberships.len(), 1);
    assert_eq!(account.memberships[0].role, "observer");
    assert!(
        store
            .admin_accounts(&admin)
            .await
            .unwrap()
            .iter()
            .any(|a| a.id == o.user_id.0 && a.memberships[0].slug == "atelier")
    );
    store.remove_guest(&scope, o.user_id).await.unwrap();
    assert_eq!(store.guests(&scope).await.unwrap().len(), 0);
});
