//! Interactions (and the dormancy they drive), contacts, and the workspace's home summary.
//! Each test runs on SQLite and on PostgreSQL (`name::sqlite`, `name::postgres`).
#![cfg(feature = "testing")]

mod common;

use chrono::{NaiveDate, Utc};
use common::*;
use partinnov_domain::{
    kind::StructureKind,
    typology::{Form, InteractionKind, PartnershipStatus},
};
use partinnov_store::{
    ContactId, PartnershipId, Role, Store, StoreError, WorkspaceScope,
    partnerships::{FormPeriod, PartnershipDraft, PartnershipQuery},
    people::{ContactDraft, InteractionDraft},
};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn meeting(on: NaiveDate, note: &str) -> InteractionDraft {
    InteractionDraft {
        kind: InteractionKind::Reunion,
        occurred_on: on,
        participants: "Alice, M. Martin".into(),
        note: note.into(),
    }
}

/// A workspace with one partnership entered in 2020 whose only interaction is from June
/// 2020: dormant today.
async fn dormant_partnership(store: &Store) -> (WorkspaceScope, PartnershipId) {
    let alice = user(store, "alice@example.org", "Alice").await;
    let scope = workspace(store, &alice, "asdies").await;
    let orange =
        create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
    let loader = store.loader().await.unwrap();
    let id = loader
        .partnership(
            scope.workspace_id,
            scope.dormant_months,
            Some(alice.user_id),
            &partnership("Mécénat Orange", &[orange]),
            day(2020, 1, 1),
        )
        .await
        .unwrap();
    loader
        .interaction(
            scope.workspace_id,
            scope.dormant_months,
            Some(alice.user_id),
            id,
            &meeting(day(2020, 6, 1), "Lancement"),
        )
        .await
        .unwrap();
    loader.commit().await.unwrap();
    (scope, id)
}

async fn dormant_titles(store: &Store, scope: &WorkspaceScope) -> Vec<String> {
    matching(
        store,
        scope,
        PartnershipQuery {
            dormant: Some(true),
            ..Default::default()
        },
    )
    .await
}

partinnov_store::dual_test!(
    interaction_sets_the_last_interaction_day_and_wakes_a_dormant_partnership,
    |db| {
        let store = &db.store;
        let (scope, id) = dormant_partnership(store).await;
        let before = store.partnership(&scope, id).await.unwrap();
        assert!(before.dormant);
        assert_eq!(before.last_interaction_on, Some(day(2020, 6, 1)));

        let recorded = store
            .create_interaction(&scope, id, &meeting(today(), "Relance"))
            .await
            .unwrap();

        assert_eq!(recorded.partnership_id, id);
        assert_eq!(recorded.partnership_title, "Mécénat Orange");
        assert_eq!(recorded.author_name.as_deref(), Some("Alice"));
        assert_eq!(recorded.data, meeting(today(), "Relance"));
        let after = store.partnership(&scope, id).await.unwrap();
        assert_eq!(after.last_interaction_on, Some(today()));
        assert!(!after.dormant);
        assert!(dormant_titles(store, &scope).await.is_empty());
        let timeline: Vec<String> = store
            .interactions(&scope, id)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.data.note)
            .collect();
        assert_eq!(timeline, ["Relance", "Lancement"]);
    }
);

partinnov_store::dual_test!(
    deleting_the_latest_interaction_puts_the_partnership_back_to_sleep,
    |db| {
        let store = &db.store;
        let (scope, id) = dormant_partnership(store).await;
        let recent = store
            .create_interaction(&scope, id, &meeting(today(), "Relance"))
            .await
            .unwrap();

        store.delete_interaction(&scope, recent.id).await.unwrap();

        let after = store.partnership(&scope, id).await.unwrap();
        assert_eq!(after.last_interaction_on, Some(day(2020, 6, 1)));
        assert!(after.dormant);
        assert_eq!(dormant_titles(store, &scope).await, ["Mécénat Orange"]);
        assert_eq!(store.interactions(&scope, id).await.unwrap().len(), 1);
    }
);

partinnov_store::dual_test!(
    deleting_the_only_interaction_clears_the_last_interaction_day,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let p = store
            .create_partnership(&scope, &partnership("Mécénat", &[orange]))
            .await
            .unwrap();
        let only = store
            .create_interaction(&scope, p.id, &meeting(day(2021, 3, 15), "Ancienne réunion"))
            .await
            .unwrap();
        // An interaction older than the workspace's months makes it dormant.
        assert!(store.partnership(&scope, p.id).await.unwrap().dormant);

        store.delete_interaction(&scope, only.id).await.unwrap();

        let after = store.partnership(&scope, p.id).await.unwrap();
        assert_eq!(after.last_interaction_on, None);
        assert!(!after.dormant, "counts from the day it was entered again");
        assert!(store.interactions(&scope, p.id).await.unwrap().is_empty());
    }
);

partinnov_store::dual_test!(
    interaction_on_a_partnership_of_another_workspace_is_not_found_and_nothing_is_written,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let a = workspace(store, &alice, "asdies").await;
        let bob = user(store, "bob@example.org", "Bob").await;
        let b = workspace(store, &bob, "envie").await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let theirs = store
            .create_partnership(&b, &partnership("Chez Envie", &[orange]))
            .await
            .unwrap();
        let mine = store
            .create_interaction(&b, theirs.id, &meeting(day(2022, 1, 1), "Leur réunion"))
            .await
            .unwrap();

        let err = store
            .create_interaction(&a, theirs.id, &meeting(today(), "Intrusion"))
            .await
            .expect_err("other workspace");
        let delete = store
            .delete_interaction(&a, mine.id)
            .await
            .expect_err("other workspace");

        assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
        assert!(matches!(delete, StoreError::NotFound { .. }), "{delete:?}");
        let notes: Vec<String> = store
            .interactions(&b, theirs.id)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.data.note)
            .collect();
        assert_eq!(notes, ["Leur réunion"]);
        assert_eq!(
            store
                .partnership(&b, theirs.id)
                .await
                .unwrap()
                .last_interaction_on,
            Some(day(2022, 1, 1))
        );
        assert!(store.interactions(&a, theirs.id).await.unwrap().is_empty());
        assert!(store.home_summary(&a).await.unwrap().recent.is_empty());
    }
);

partinnov_store::dual_test!(interaction_on_a_deleted_partnership_is_not_found, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    let scope = workspace(store, &alice, "asdies").await;
    let orange =
        create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
    let p = store
        .create_partnership(&scope, &partnership("Mécénat", &[orange]))
        .await
        .unwrap();
    store.delete_partnership(&scope, p.id, None).await.unwrap();

    let err = store
        .create_interaction(&scope, p.id, &meeting(today(), "Trop tard"))
        .await
        .expect_err("deleted partnership");

    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert!(store.interactions(&scope, p.id).await.unwrap().is_empty());
});

partinnov_store::dual_test!(
    reader_cannot_record_or_delete_interactions_or_contacts,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let owner = workspace(store, &alice, "asdies").await;
        let (_, reader) = member(store, &owner, "rita@example.org", "Rita", Role::Reader).await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let p = store
            .create_partnership(&owner, &partnership("Mécénat", &[orange]))
            .await
            .unwrap();
        let i = store
            .create_interaction(&owner, p.id, &meeting(today(), "Réunion"))
            .await
            .unwrap();
        let c = store
            .create_contact(
                &owner,
                &ContactDraft {
                    name: "Jeanne Martin".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();

        let forbidden = |r: Result<(), StoreError>| matches!(r, Err(StoreError::Forbidden));
        assert!(forbidden(
            store
                .create_interaction(&reader, p.id, &meeting(today(), "Non"))
                .await
                .map(|_| ())
        ));
        assert!(forbidden(store.delete_interaction(&reader, i.id).await));
        assert!(forbidden(
            store
                .create_contact(
                    &reader,
                    &ContactDraft {
                        name: "Paul".into(),
                        ..Default::default()
                    }
                )
                .await
                .map(|_| ())
        ));
        assert!(forbidden(
            store
                .update_contact(
                    &reader,
                    ContactId(c.id),
                    1,
                    &ContactDraft {
                        name: "Autre".into(),
                        ..Default::default()
                    }
                )
                .await
                .map(|_| ())
        ));
        assert!(forbidden(
            store.delete_contact(&reader, ContactId(c.id)).await
        ));
        assert_eq!(store.interactions(&owner, p.id).await.unwrap().len(), 1);
        let contacts = store.contacts(&owner, None, None).await.unwrap();
        assert_eq!(
            contacts
                .iter()
                .map(|c| (c.name.as_str(), c.version))
                .collect::<Vec<_>>(),
            [("Jeanne Martin", 1)]
        );
    }
);

partinnov_store::dual_test!(
    contact_is_created_updated_and_deleted_and_a_stale_edit_changes_nothing,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let draft = ContactDraft {
            organisation_id: Some(orange),
            name: "Jeanne Martin".into(),
            job_title: "Responsable RSE".into(),
            email: "jeanne.martin@orange.example".into(),
            phone: "04 72 00 00 00".into(),
            notes: "Préfère le téléphone".into(),
        };

        let created = store.create_contact(&scope, &draft).await.unwrap();
        assert_eq!(created.version, 1);
        assert_eq!(created.organisation_name.as_deref(), Some("Orange"));
        assert_eq!(
            (
                created.name.as_str(),
                created.job_title.as_str(),
                created.email.as_str()
            ),
            (
                "Jeanne Martin",
                "Responsable RSE",
                "jeanne.martin@orange.example"
            )
        );
        let id = ContactId(created.id);

        let edit = ContactDraft {
            job_title: "Directrice RSE".into(),
            ..draft.clone()
        };
        let updated = store.update_contact(&scope, id, 1, &edit).await.unwrap();
        assert_eq!(
            (updated.version, updated.job_title.as_str()),
            (2, "Directrice RSE")
        );

        let err = store
            .update_contact(
                &scope,
                id,
                1,
                &ContactDraft {
                    name: "Écrasé".into(),
                    ..draft.clone()
                },
            )
            .await
            .expect_err("stale version");
        assert!(
            matches!(err, StoreError::Conflict { current: 2 }),
            "{err:?}"
        );
        let unchanged = store.contact(&scope, id).await.unwrap();
        assert_eq!(
            (
                unchanged.version,
                unchanged.name.as_str(),
                unchanged.job_title.as_str()
            ),
            (2, "Jeanne Martin", "Directrice RSE")
        );

        store.delete_contact(&scope, id).await.unwrap();
        let gone = store.contact(&scope, id).await.expect_err("deleted");
        assert!(matches!(gone, StoreError::NotFound { .. }), "{gone:?}");
        assert!(store.contacts(&scope, None, None).await.unwrap().is_empty());
    }
);

partinnov_store::dual_test!(
    contact_with_an_invalid_email_is_refused_and_not_saved,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;

        let err = store
            .create_contact(
                &scope,
                &ContactDraft {
                    name: "Jeanne".into(),
                    email: "pas-une-adresse".into(),
                    ..Default::default()
                },
            )
            .await
            .expect_err("invalid email");

        assert!(
            matches!(err, StoreError::Invalid { field: "email", .. }),
            "{err:?}"
        );
        assert!(store.contacts(&scope, None, None).await.unwrap().is_empty());
    }
);

partinnov_store::dual_test!(
    contacts_are_found_by_name_without_accents_and_by_organisation,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let regie =
            create_organisation(store, &alice, "Régie", 2, &[StructureKind::Aci], lyon()).await;
        for (name, org) in [
            ("Hélène Dupré", Some(orange)),
            ("Jérôme Lefèvre", Some(regie)),
            ("Helena Costa", None),
        ] {
            store
                .create_contact(
                    &scope,
                    &ContactDraft {
                        organisation_id: org,
                        name: name.into(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        }
        let names = |found: Vec<partinnov_store::people::Contact>| {
            found.into_iter().map(|c| c.name).collect::<Vec<_>>()
        };

        assert_eq!(
            names(store.contacts(&scope, None, Some("helene")).await.unwrap()),
            ["Hélène Dupré"]
        );
        assert_eq!(
            names(store.contacts(&scope, None, Some("HÉL")).await.unwrap()),
            ["Helena Costa", "Hélène Dupré"]
        );
        assert_eq!(
            names(store.contacts(&scope, None, Some("lefevre")).await.unwrap()),
            ["Jérôme Lefèvre"]
        );
        assert_eq!(
            names(store.contacts(&scope, Some(regie), None).await.unwrap()),
            ["Jérôme Lefèvre"]
        );
        assert!(
            names(
                store
                    .contacts(&scope, Some(orange), Some("jerome"))
                    .await
                    .unwrap()
            )
            .is_empty()
        );
        assert_eq!(store.contacts(&scope, None, None).await.unwrap().len(), 3);
    }
);

partinnov_store::dual_test!(contacts_of_another_workspace_are_not_found, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    let a = workspace(store, &alice, "asdies").await;
    let bob = user(store, "bob@example.org", "Bob").await;
    let b = workspace(store, &bob, "envie").await;
    let theirs = store
        .create_contact(
            &b,
            &ContactDraft {
                name: "Jeanne Martin".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let id = ContactId(theirs.id);

    let not_found = |r: Result<(), StoreError>| matches!(r, Err(StoreError::NotFound { .. }));
    assert!(not_found(store.contact(&a, id).await.map(|_| ())));
    assert!(not_found(
        store
            .update_contact(
                &a,
                id,
                1,
                &ContactDraft {
                    name: "Volée".into(),
                    ..Default::default()
                }
            )
            .await
            .map(|_| ())
    ));
    assert!(not_found(store.delete_contact(&a, id).await));
    assert!(store.contacts(&a, None, None).await.unwrap().is_empty());
    let kept = store.contact(&b, id).await.unwrap();
    assert_eq!((kept.version, kept.name.as_str()), (1, "Jeanne Martin"));
});

fn dated(form: Form, started_on: Option<NaiveDate>, ended_on: Option<NaiveDate>) -> FormPeriod {
    FormPeriod {
        form,
        started_on,
        ended_on,
        note: String::new(),
    }
}

partinnov_store::dual_test!(
    home_summary_counts_by_status_and_current_family_and_lists_dormant_ones,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let ws = scope.workspace_id;
        // Giving ended in 2022; responsible purchasing since 2024: only the latter is current.
        let purchases = store
            .create_partnership(
                &scope,
                &PartnershipDraft {
                    forms: vec![
                        dated(
                            Form::MecenatFinancier,
                            Some(day(2021, 1, 1)),
                            Some(day(2022, 12, 31)),
                        ),
                        dated(Form::AchatsResponsables, Some(day(2024, 1, 1)), None),
                    ],
                    ..partnership("Achats", &[orange])
                },
            )
            .await
            .unwrap();
        store
            .create_partnership(
                &scope,
                &PartnershipDraft {
                    forms: vec![dated(Form::MecenatNature, None, None)],
                    ..partnership("Dons en nature", &[orange])
                },
            )
            .await
            .unwrap();
        store
            .create_partnership(
                &scope,
                &PartnershipDraft {
                    status: PartnershipStatus::EnProjet,
                    forms: vec![dated(Form::Recrutement, Some(day(2999, 1, 1)), None)],
                    ..partnership("Recrutements futurs", &[orange])
                },
            )
            .await
            .unwrap();
        let deleted = store
            .create_partnership(
                &scope,
                &PartnershipDraft {
                    forms: vec![dated(Form::MecenatFinancier, None, None)],
                    ..partnership("Supprimé", &[orange])
                },
            )
            .await
            .unwrap();
        store
            .create_interaction(&scope, deleted.id, &meeting(today(), "Sur un supprimé"))
            .await
            .unwrap();
        store
            .delete_partnership(&scope, deleted.id, None)
            .await
            .unwrap();
        store
            .create_interaction(&scope, purchases.id, &meeting(today(), "Commande passée"))
            .await
            .unwrap();
        let loader = store.loader().await.unwrap();
        loader
            .partnership(
                ws,
                12,
                None,
                &PartnershipDraft {
                    status: PartnershipStatus::Termine,
                    forms: vec![dated(
                        Form::Gme,
                        Some(day(2019, 1, 1)),
                        Some(day(2019, 12, 31)),
                    )],
                    ..partnership("Groupement terminé", &[orange])
                },
                day(2019, 1, 1),
            )
            .await
            .unwrap();
        loader
            .partnership(
                ws,
                12,
                None,
                &PartnershipDraft {
                    forms: vec![dated(Form::SousTraitance, Some(day(2020, 1, 1)), None)],
                    ..partnership("Sous-traitance oubliée", &[orange])
                },
                day(2020, 1, 1),
            )
            .await
            .unwrap();
        loader.commit().await.unwrap();

        let home = store.home_summary(&scope).await.unwrap();

        let counts = |v: &[partinnov_store::people::CountBy]| {
            v.iter()
                .map(|c| (c.code.clone(), c.count))
                .collect::<Vec<_>>()
        };
        assert_eq!(home.total, 5);
        assert_eq!(
            counts(&home.by_status),
            [
                ("actif".to_owned(), 3),
                ("en_projet".to_owned(), 1),
                ("termine".to_owned(), 1)
            ]
        );
        assert_eq!(
            counts(&home.by_family),
            [
                ("cooperation_economique".to_owned(), 1),
                ("mecenat".to_owned(), 1),
                ("pratiques_responsables".to_owned(), 1)
            ]
        );
        assert_eq!(home.dormant_total, 1);
        assert_eq!(
            home.dormant
                .iter()
                .map(|p| p.data.title.as_str())
                .collect::<Vec<_>>(),
            ["Sous-traitance oubliée"]
        );
        assert_eq!(
            home.recent
                .iter()
                .map(|i| i.data.note.as_str())
                .collect::<Vec<_>>(),
            ["Commande passée"]
        );
    }
);

partinnov_store::dual_test!(
    two_people_saving_the_same_contact_version_one_gets_a_conflict_with_the_new_version,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let owner = workspace(store, &alice, "asdies").await;
        let (_, editor) = member(store, &owner, "eddy@example.org", "Eddy", Role::Editor).await;
        let c = store
            .create_contact(
                &owner,
                &ContactDraft {
                    name: "Jeanne".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let id = ContactId(c.id);
        let by_alice = ContactDraft {
            name: "Jeanne Martin".into(),
            ..Default::default()
        };
        let by_eddy = ContactDraft {
            name: "Jeanne Dupont".into(),
            ..Default::default()
        };

        let (a, e) = tokio::join!(
            store.update_contact(&owner, id, 1, &by_alice),
            store.update_contact(&editor, id, 1, &by_eddy),
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
        let after = store.contact(&owner, id).await.unwrap();
        assert_eq!((after.version, after.name), (2, winner.name));
    }
);

partinnov_store::dual_test!(
    contacts_are_found_by_any_part_of_their_name_whatever_the_accents,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        for name in ["Hélène Martin", "Jeanne Lemartinet", "Paul Durand"] {
            store
                .create_contact(
                    &scope,
                    &ContactDraft {
                        name: name.into(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        }
        let scope = &scope;
        let found = |q: Option<&'static str>| async move {
            store
                .contacts(scope, None, q)
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
        };

        assert_eq!(
            found(Some("MARTIN")).await,
            ["Hélène Martin", "Jeanne Lemartinet"]
        );
        assert_eq!(found(Some("helene")).await, ["Hélène Martin"]);
        assert_eq!(found(Some("zz")).await, Vec::<String>::new());
        assert_eq!(found(None).await.len(), 3);
    }
);
