//! The shared registry of organisations: saving, SIRET uniqueness, search, filters, pages,
//! optimistic concurrency, who may write, and history. Each test runs on SQLite and on
//! PostgreSQL (`name::sqlite`, `name::postgres`).
#![cfg(feature = "testing")]

mod common;

use common::*;
use partinnov_domain::kind::StructureKind;
use partinnov_store::{
    Role, StoreError,
    organisations::{KeyFigures, OrganisationDraft, OrganisationQuery},
};

fn search(q: &str) -> OrganisationQuery {
    OrganisationQuery {
        q: Some(q.to_owned()),
        per_page: 50,
        ..Default::default()
    }
}

async fn names(store: &partinnov_store::Store, q: &OrganisationQuery) -> Vec<String> {
    let page = store.organisations(q).await.expect("search organisations");
    page.items.into_iter().map(|o| o.data.name).collect()
}

partinnov_store::dual_test!(
    organisation_is_saved_with_siret_kinds_territory_and_figures,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        workspace(store, &alice, "asdies").await;
        let draft = OrganisationDraft {
            legal_form: Some("9220".into()),
            ess: true,
            naf: Some("88.99B".into()),
            address: Some("12 rue de la République".into()),
            postcode: Some("69002".into()),
            website: Some("https://asdies.example.org".into()),
            figures: vec![
                KeyFigures {
                    year: 2023,
                    staff: Some(40),
                    insertion_staff: Some(31),
                    turnover_cents: Some(123_456_789),
                },
                KeyFigures {
                    year: 2024,
                    staff: Some(44),
                    insertion_staff: None,
                    turnover_cents: None,
                },
            ],
            ..organisation(
                "ASDIÉS",
                1,
                &[StructureKind::Aci, StructureKind::Ai, StructureKind::Ei],
                lyon(),
            )
        };

        let id = store.create_organisation(&alice, &draft).await.unwrap();

        let saved = store.organisation(id).await.unwrap();
        assert_eq!(saved.data, draft);
        assert_eq!(saved.version, 1);
        let by_siret = store
            .organisation_by_siret(draft.siret.as_ref().unwrap())
            .await
            .unwrap()
            .expect("found by SIRET");
        assert_eq!(by_siret.id, id);
        assert_eq!(organisation_count(store).await, 1);
    }
);

partinnov_store::dual_test!(
    second_organisation_with_the_same_siret_is_refused_and_nothing_is_added,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        workspace(store, &alice, "asdies").await;
        let first =
            create_organisation(store, &alice, "ASDIÉS", 7, &[StructureKind::Aci], lyon()).await;

        let err = store
            .create_organisation(
                &alice,
                &organisation("Autre nom", 7, &[StructureKind::Asso], nantes()),
            )
            .await
            .expect_err("same SIRET twice");

        assert!(
            matches!(err, StoreError::Duplicate { field: "siret", existing_id: Some(e) } if e == first.0),
            "{err:?}"
        );
        assert_eq!(organisation_count(store).await, 1);
        assert_eq!(store.organisation(first).await.unwrap().data.name, "ASDIÉS");
    }
);

partinnov_store::dual_test!(
    updating_to_the_siret_of_another_organisation_is_refused,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        workspace(store, &alice, "asdies").await;
        let first =
            create_organisation(store, &alice, "ASDIÉS", 1, &[StructureKind::Aci], lyon()).await;
        let second =
            create_organisation(store, &alice, "Envie", 2, &[StructureKind::Ei], lyon()).await;
        let before = store.organisation(second).await.unwrap();

        let err = store
            .update_organisation(
                &alice,
                second,
                1,
                &organisation("Envie", 1, &[StructureKind::Ei], lyon()),
            )
            .await
            .expect_err("SIRET already taken");

        assert!(
            matches!(err, StoreError::Duplicate { field: "siret", existing_id: Some(e) } if e == first.0),
            "{err:?}"
        );
        let after = store.organisation(second).await.unwrap();
        assert_eq!(after.data, before.data);
        assert_eq!(after.version, 1);
    }
);

partinnov_store::dual_test!(
    search_ignores_accents_and_case_and_finds_by_siret_prefix_and_commune,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        workspace(store, &alice, "asdies").await;
        create_organisation(store, &alice, "ASDIÉS", 1, &[StructureKind::Aci], lyon()).await;
        create_organisation(
            store,
            &alice,
            "Régie de quartier",
            2,
            &[StructureKind::Asso],
            saint_etienne(),
        )
        .await;
        create_organisation(
            store,
            &alice,
            "Envie Atlantique",
            3,
            &[StructureKind::Ei],
            nantes(),
        )
        .await;
        let regie_siret = organisation("x", 2, &[], lyon()).siret.unwrap();

        assert_eq!(names(store, &search("asdies")).await, ["ASDIÉS"]);
        assert_eq!(names(store, &search("Asdiés")).await, ["ASDIÉS"]);
        assert_eq!(names(store, &search("REGIE")).await, ["Régie de quartier"]);
        // SIRET prefix, typed with the usual spaces.
        let siren = &regie_siret.as_str()[..9];
        let spaced = format!("{} {} {}", &siren[..3], &siren[3..6], &siren[6..]);
        assert_eq!(names(store, &search(siren)).await, ["Régie de quartier"]);
        assert_eq!(names(store, &search(&spaced)).await, ["Régie de quartier"]);
        assert_eq!(
            names(store, &search(regie_siret.as_str())).await,
            ["Régie de quartier"]
        );
        // Commune name, with or without its accents and dash.
        assert_eq!(
            names(store, &search("Saint-Étienne")).await,
            ["Régie de quartier"]
        );
        assert_eq!(
            names(store, &search("saint etienne")).await,
            ["Régie de quartier"]
        );
        assert_eq!(names(store, &search("nantes")).await, ["Envie Atlantique"]);
        assert!(names(store, &search("introuvable")).await.is_empty());
    }
);

partinnov_store::dual_test!(kind_and_departement_filters_narrow_the_list, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    workspace(store, &alice, "asdies").await;
    create_organisation(
        store,
        &alice,
        "ASDIÉS",
        1,
        &[StructureKind::Aci, StructureKind::Ei],
        lyon(),
    )
    .await;
    create_organisation(
        store,
        &alice,
        "Régie de quartier",
        2,
        &[StructureKind::Aci],
        saint_etienne(),
    )
    .await;
    create_organisation(
        store,
        &alice,
        "Envie Atlantique",
        3,
        &[StructureKind::Ei],
        nantes(),
    )
    .await;
    create_organisation(
        store,
        &alice,
        "Mairie de Lyon",
        4,
        &[StructureKind::Muni],
        lyon(),
    )
    .await;
    let q = |kind, dep: Option<&str>| OrganisationQuery {
        kind,
        departement: dep.map(str::to_owned),
        per_page: 50,
        ..Default::default()
    };

    assert_eq!(
        names(store, &q(Some(StructureKind::Aci), None)).await,
        ["ASDIÉS", "Régie de quartier"]
    );
    assert_eq!(
        names(store, &q(Some(StructureKind::Ei), None)).await,
        ["ASDIÉS", "Envie Atlantique"]
    );
    assert_eq!(
        names(store, &q(None, Some("69"))).await,
        ["ASDIÉS", "Mairie de Lyon"]
    );
    assert_eq!(
        names(store, &q(Some(StructureKind::Ei), Some("69"))).await,
        ["ASDIÉS"]
    );
    assert!(
        names(store, &q(Some(StructureKind::Esat), None))
            .await
            .is_empty()
    );
    let filtered = store
        .organisations(&q(Some(StructureKind::Aci), None))
        .await
        .unwrap();
    assert_eq!(filtered.total, 2);
});

partinnov_store::dual_test!(
    pages_split_the_list_in_name_order_and_keep_the_full_total,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        workspace(store, &alice, "asdies").await;
        for (seed, name) in ["Éole", "Alpha", "Delta", "Charlie", "Bravo"]
            .into_iter()
            .enumerate()
        {
            create_organisation(
                store,
                &alice,
                name,
                seed as u64 + 1,
                &[StructureKind::Asso],
                lyon(),
            )
            .await;
        }
        let page = |page| OrganisationQuery {
            page,
            per_page: 2,
            ..Default::default()
        };

        let first = store.organisations(&page(1)).await.unwrap();
        let third = store.organisations(&page(3)).await.unwrap();
        let beyond = store.organisations(&page(4)).await.unwrap();

        assert_eq!(first.total, 5);
        assert_eq!(
            first
                .items
                .iter()
                .map(|o| o.data.name.as_str())
                .collect::<Vec<_>>(),
            ["Alpha", "Bravo"]
        );
        assert_eq!(third.total, 5);
        assert_eq!(
            third
                .items
                .iter()
                .map(|o| o.data.name.as_str())
                .collect::<Vec<_>>(),
            ["Éole"]
        );
        assert_eq!(beyond.total, 5);
        assert!(beyond.items.is_empty());
    }
);

partinnov_store::dual_test!(
    stale_version_is_rejected_and_the_organisation_is_unchanged,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        workspace(store, &alice, "asdies").await;
        let id =
            create_organisation(store, &alice, "ASDIÉS", 1, &[StructureKind::Aci], lyon()).await;
        let first_edit = organisation("ASDIÉS Lyon", 1, &[StructureKind::Aci], lyon());
        let saved = store
            .update_organisation(&alice, id, 1, &first_edit)
            .await
            .unwrap();
        assert_eq!(saved.version, 2);

        let err = store
            .update_organisation(
                &alice,
                id,
                1,
                &organisation("Écrasé", 1, &[StructureKind::Ei], nantes()),
            )
            .await
            .expect_err("stale version");

        assert!(
            matches!(err, StoreError::Conflict { current: 2 }),
            "{err:?}"
        );
        let after = store.organisation(id).await.unwrap();
        assert_eq!(after.version, 2);
        assert_eq!(after.data, first_edit);
        assert_eq!(store.organisation_history(id).await.unwrap().len(), 2);
    }
);

partinnov_store::dual_test!(
    reader_everywhere_cannot_create_or_change_an_organisation,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let (reader, _) = member(store, &scope, "rita@example.org", "Rita", Role::Reader).await;
        let id =
            create_organisation(store, &alice, "ASDIÉS", 1, &[StructureKind::Aci], lyon()).await;

        let create = store
            .create_organisation(
                &reader,
                &organisation("Envie", 2, &[StructureKind::Ei], lyon()),
            )
            .await
            .expect_err("reader creates");
        let update = store
            .update_organisation(&reader, id, 1, &organisation("Renommé", 1, &[], lyon()))
            .await
            .expect_err("reader updates");

        assert!(matches!(create, StoreError::Forbidden), "{create:?}");
        assert!(matches!(update, StoreError::Forbidden), "{update:?}");
        assert_eq!(organisation_count(store).await, 1);
        let after = store.organisation(id).await.unwrap();
        assert_eq!((after.version, after.data.name.as_str()), (1, "ASDIÉS"));
    }
);

partinnov_store::dual_test!(
    read_only_token_of_an_owner_cannot_write_the_registry,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        workspace(store, &alice, "asdies").await;
        let (_, secret) = store
            .create_token(alice.user_id, "lecture", None, true)
            .await
            .unwrap();
        let token = store.caller_by_token(&secret).await.unwrap().unwrap();

        let err = store
            .create_organisation(
                &token,
                &organisation("Envie", 2, &[StructureKind::Ei], lyon()),
            )
            .await
            .expect_err("read-only token writes");

        assert!(matches!(err, StoreError::Forbidden), "{err:?}");
        assert_eq!(organisation_count(store).await, 0);
    }
);

partinnov_store::dual_test!(
    history_records_creation_and_update_with_before_and_after,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        workspace(store, &alice, "asdies").await;
        let created = organisation("ASDIÉS", 1, &[StructureKind::Aci], lyon());
        let id = store.create_organisation(&alice, &created).await.unwrap();
        let changed = organisation(
            "ASDIÉS Rhône",
            1,
            &[StructureKind::Aci, StructureKind::Ei],
            lyon(),
        );
        store
            .update_organisation(&alice, id, 1, &changed)
            .await
            .unwrap();

        let history = store.organisation_history(id).await.unwrap();

        let parse = |json: &Option<String>| -> Option<OrganisationDraft> {
            json.as_deref()
                .map(|j| serde_json::from_str(j).expect("snapshot is a draft"))
        };
        assert_eq!(
            history
                .iter()
                .map(|e| e.action.as_str())
                .collect::<Vec<_>>(),
            ["create", "update"]
        );
        assert!(
            history
                .iter()
                .all(|e| e.entity == "organisation" && e.entity_id == id.0)
        );
        assert!(
            history
                .iter()
                .all(|e| e.user_name.as_deref() == Some("Alice"))
        );
        assert_eq!(parse(&history[0].before_json), None);
        assert_eq!(parse(&history[0].after_json), Some(created.clone()));
        assert_eq!(parse(&history[1].before_json), Some(created));
        assert_eq!(parse(&history[1].after_json), Some(changed));
    }
);

partinnov_store::dual_test!(history_of_an_unknown_organisation_is_not_found, |db| {
    let err = db
        .store
        .organisation_history(partinnov_store::OrganisationId(4242))
        .await
        .expect_err("unknown organisation");
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
});

partinnov_store::dual_test!(
    two_people_saving_the_same_organisation_version_one_gets_a_conflict_with_the_new_version,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let (eddy, _) = member(store, &scope, "eddy@example.org", "Eddy", Role::Editor).await;
        let id =
            create_organisation(store, &alice, "ASDIÉS", 1, &[StructureKind::Aci], lyon()).await;
        let by_alice = organisation("ASDIÉS (Alice)", 1, &[StructureKind::Aci], lyon());
        let by_eddy = organisation("ASDIÉS (Eddy)", 1, &[StructureKind::Aci], lyon());

        let (a, e) = tokio::join!(
            store.update_organisation(&alice, id, 1, &by_alice),
            store.update_organisation(&eddy, id, 1, &by_eddy),
        );

        let (winner, loser) = match (a, e) {
            (Ok(_), Err(err)) => (by_alice, err),
            (Err(err), Ok(_)) => (by_eddy, err),
            other => panic!("exactly one save should win: {other:?}"),
        };
        assert!(
            matches!(loser, StoreError::Conflict { current: 2 }),
            "{loser:?}"
        );
        let after = store.organisation(id).await.unwrap();
        assert_eq!((after.version, after.data), (2, winner));
    }
);
