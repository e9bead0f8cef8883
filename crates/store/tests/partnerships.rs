//! Partnerships of a workspace: saving with forms, objectives, holders and partners;
//! all-or-nothing writes; optimistic concurrency; soft delete and restore; filters and
//! sorts; isolation between workspaces; who may write. Each test runs on SQLite and on
//! PostgreSQL (`name::sqlite`, `name::postgres`).
#![cfg(feature = "testing")]

mod common;

use common::*;
use partinnov_domain::{
    kind::StructureKind,
    typology::{
        Family, Form, InteractionKind, Involvement, ObjectiveParty, PartnershipStatus, Potential,
        Priority,
    },
};
use partinnov_store::{
    OrganisationId, PartnershipId, Role, Store, StoreError, UserId, WorkspaceScope,
    partnerships::{FormPeriod, Objective, PartnershipDraft, PartnershipQuery, PartnershipSort},
    people::InteractionDraft,
};

fn form(form: Form, started_on: Option<chrono::NaiveDate>) -> FormPeriod {
    FormPeriod {
        form,
        started_on,
        ended_on: None,
        note: String::new(),
    }
}

partinnov_store::dual_test!(
    partnership_is_saved_with_forms_objectives_holders_and_partners,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let (eddy, _) = member(store, &scope, "eddy@example.org", "Eddy", Role::Editor).await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let regie = create_organisation(
            store,
            &alice,
            "Régie de quartier",
            2,
            &[StructureKind::Aci],
            saint_etienne(),
        )
        .await;
        let draft = PartnershipDraft {
            title: "Mécénat de compétences avec Orange".into(),
            status: PartnershipStatus::Actif,
            involvement: Some(Involvement::new(3).unwrap()),
            priority: Some(Priority::Haute),
            potential: Some(Potential::Fort),
            means: "Deux salariés un jour par mois".into(),
            governance: "Comité de suivi annuel".into(),
            notes: "Passer par la fondation".into(),
            partners: vec![orange, regie],
            forms: vec![
                FormPeriod {
                    form: Form::MecenatCompetences,
                    started_on: Some(day(2023, 9, 1)),
                    ended_on: Some(day(2024, 6, 30)),
                    note: "première convention".into(),
                },
                FormPeriod {
                    form: Form::AccueilImmersions,
                    started_on: Some(day(2024, 9, 1)),
                    ended_on: None,
                    note: String::new(),
                },
            ],
            objectives: vec![
                Objective {
                    party: ObjectiveParty::Structure,
                    rank: 1,
                    text: "Former les encadrants".into(),
                },
                Objective {
                    party: ObjectiveParty::Partenaire,
                    rank: 2,
                    text: "Engager les salariés".into(),
                },
                Objective {
                    party: ObjectiveParty::Territoire,
                    rank: 3,
                    text: "Ouvrir des immersions".into(),
                },
            ],
            holders: vec![alice.user_id, eddy.user_id],
        };

        let created = store.create_partnership(&scope, &draft).await.unwrap();

        let saved = store.partnership(&scope, created.id).await.unwrap();
        assert_eq!(created.data, draft);
        assert_eq!(saved.data, draft);
        assert_eq!(saved.version, 1);
        assert_eq!(saved.workspace_id, scope.workspace_id);
        assert_eq!(saved.workspace_slug, "asdies");
        assert_eq!(
            saved
                .partner_refs
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>(),
            ["Orange", "Régie de quartier"]
        );
        assert_eq!(
            saved.partner_refs[1].departement_code.as_deref(),
            Some("42")
        );
        assert_eq!(
            saved
                .holder_refs
                .iter()
                .map(|h| h.name.as_str())
                .collect::<Vec<_>>(),
            ["Alice", "Eddy"]
        );
        assert_eq!(saved.last_interaction_on, None);
        assert!(!saved.dormant);
        assert!(saved.deleted_at.is_none());
        assert_eq!(partnership_count(store, &scope).await, 1);
    }
);

partinnov_store::dual_test!(
    forms_read_back_by_start_date_with_undated_ones_last_on_both_backends,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let draft = PartnershipDraft {
            forms: vec![
                form(Form::Benevolat, None),
                form(Form::MecenatNature, Some(day(2024, 3, 1))),
                form(Form::MecenatFinancier, Some(day(2021, 1, 1))),
            ],
            ..partnership("Dons et bénévolat", &[orange])
        };

        let created = store.create_partnership(&scope, &draft).await.unwrap();

        let forms: Vec<Form> = store
            .partnership(&scope, created.id)
            .await
            .unwrap()
            .data
            .forms
            .iter()
            .map(|f| f.form)
            .collect();
        assert_eq!(
            forms,
            [Form::MecenatFinancier, Form::MecenatNature, Form::Benevolat]
        );
    }
);

partinnov_store::dual_test!(
    unknown_partner_is_refused_and_no_partnership_is_written,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;

        let err = store
            .create_partnership(
                &scope,
                &PartnershipDraft {
                    forms: vec![form(Form::Gme, Some(day(2024, 1, 1)))],
                    holders: vec![alice.user_id],
                    ..partnership("Fantôme", &[orange, OrganisationId(999_999)])
                },
            )
            .await
            .expect_err("unknown partner");

        assert!(
            matches!(
                err,
                StoreError::Invalid {
                    field: "partners",
                    code: "unknown_organisation"
                }
            ),
            "{err:?}"
        );
        assert_eq!(partnership_count(store, &scope).await, 0);
        // The next partnership is written normally: the failed one left no lock or row behind.
        store
            .create_partnership(&scope, &partnership("Vrai", &[orange]))
            .await
            .unwrap();
        assert_eq!(partnership_count(store, &scope).await, 1);
    }
);

partinnov_store::dual_test!(
    holder_who_is_not_a_member_is_refused_and_nothing_is_written,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let bob = user(store, "bob@example.org", "Bob").await;
        workspace(store, &bob, "envie").await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;

        let err = store
            .create_partnership(
                &scope,
                &PartnershipDraft {
                    holders: vec![alice.user_id, bob.user_id],
                    ..partnership("Avec un intrus", &[orange])
                },
            )
            .await
            .expect_err("holder outside the workspace");

        assert!(
            matches!(
                err,
                StoreError::Invalid {
                    field: "holders",
                    code: "not_a_member"
                }
            ),
            "{err:?}"
        );
        assert_eq!(partnership_count(store, &scope).await, 0);
    }
);

partinnov_store::dual_test!(
    stale_version_is_rejected_with_the_current_version_and_the_row_is_unchanged,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let created = store
            .create_partnership(&scope, &partnership("Premier titre", &[orange]))
            .await
            .unwrap();
        let first_edit = PartnershipDraft {
            priority: Some(Priority::Moyenne),
            ..partnership("Deuxième titre", &[orange])
        };
        store
            .update_partnership(&scope, created.id, 1, &first_edit)
            .await
            .unwrap();

        let err = store
            .update_partnership(
                &scope,
                created.id,
                1,
                &PartnershipDraft {
                    status: PartnershipStatus::Termine,
                    ..partnership("Écrasement", &[orange])
                },
            )
            .await
            .expect_err("stale version");

        assert!(
            matches!(err, StoreError::Conflict { current: 2 }),
            "{err:?}"
        );
        let after = store.partnership(&scope, created.id).await.unwrap();
        assert_eq!(after.version, 2);
        assert_eq!(after.data, first_edit);
        assert_eq!(
            store
                .partnership_history(&scope, created.id)
                .await
                .unwrap()
                .len(),
            2
        );
    }
);

partinnov_store::dual_test!(
    saving_increments_the_version_and_records_before_and_after,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let regie =
            create_organisation(store, &alice, "Régie", 2, &[StructureKind::Aci], lyon()).await;
        let original = PartnershipDraft {
            forms: vec![form(Form::MecenatFinancier, Some(day(2023, 1, 1)))],
            ..partnership("Mécénat", &[orange])
        };
        let created = store.create_partnership(&scope, &original).await.unwrap();
        let changed = PartnershipDraft {
            status: PartnershipStatus::EnSommeil,
            notes: "Relancer en septembre".into(),
            forms: vec![form(Form::Cotraitance, Some(day(2024, 2, 1)))],
            holders: vec![alice.user_id],
            ..partnership("Cotraitance", &[regie, orange])
        };

        let saved = store
            .update_partnership(&scope, created.id, 1, &changed)
            .await
            .unwrap();

        assert_eq!(saved.version, 2);
        assert_eq!(saved.data, changed);
        assert_eq!(
            store.partnership(&scope, created.id).await.unwrap().data,
            changed
        );
        let history = store.partnership_history(&scope, created.id).await.unwrap();
        let parse = |json: &Option<String>| -> Option<PartnershipDraft> {
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
        assert_eq!(history[1].user_id, Some(alice.user_id.0));
        assert_eq!(parse(&history[1].before_json), Some(original));
        assert_eq!(parse(&history[1].after_json), Some(changed));
    }
);

partinnov_store::dual_test!(update_with_an_outsider_as_holder_changes_nothing, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    let scope = workspace(store, &alice, "asdies").await;
    let bob = user(store, "bob@example.org", "Bob").await;
    let orange =
        create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
    let original = PartnershipDraft {
        holders: vec![alice.user_id],
        forms: vec![form(Form::Gme, Some(day(2024, 1, 1)))],
        ..partnership("Groupement", &[orange])
    };
    let created = store.create_partnership(&scope, &original).await.unwrap();

    let err = store
        .update_partnership(
            &scope,
            created.id,
            1,
            &PartnershipDraft {
                holders: vec![bob.user_id],
                ..partnership("Renommé", &[orange])
            },
        )
        .await
        .expect_err("outsider as holder");

    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "holders",
                ..
            }
        ),
        "{err:?}"
    );
    let after = store.partnership(&scope, created.id).await.unwrap();
    assert_eq!(after.version, 1);
    assert_eq!(after.data, original);
    assert_eq!(
        store
            .partnership_history(&scope, created.id)
            .await
            .unwrap()
            .len(),
        1
    );
});

partinnov_store::dual_test!(
    deleted_partnership_leaves_the_list_and_only_an_owner_restores_it,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let owner = workspace(store, &alice, "asdies").await;
        let (_, editor) = member(store, &owner, "eddy@example.org", "Eddy", Role::Editor).await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let p = store
            .create_partnership(&editor, &partnership("Mécénat", &[orange]))
            .await
            .unwrap();
        let deleted_only = PartnershipQuery {
            deleted: true,
            ..Default::default()
        };

        store
            .delete_partnership(&editor, p.id, Some(1))
            .await
            .unwrap();

        assert!(
            matching(store, &owner, PartnershipQuery::default())
                .await
                .is_empty()
        );
        assert_eq!(
            matching(store, &owner, deleted_only.clone()).await,
            ["Mécénat"]
        );
        let gone = store.partnership(&owner, p.id).await.expect_err("deleted");
        assert!(matches!(gone, StoreError::NotFound { .. }), "{gone:?}");

        let refused = store
            .restore_partnership(&editor, p.id)
            .await
            .expect_err("editor restores");
        assert!(matches!(refused, StoreError::Forbidden), "{refused:?}");
        assert_eq!(
            matching(store, &owner, deleted_only.clone()).await,
            ["Mécénat"]
        );

        let restored = store.restore_partnership(&owner, p.id).await.unwrap();
        assert_eq!(restored.version, 3);
        assert!(restored.deleted_at.is_none());
        assert_eq!(
            matching(store, &owner, PartnershipQuery::default()).await,
            ["Mécénat"]
        );
        assert!(matching(store, &owner, deleted_only).await.is_empty());
        let actions: Vec<String> = store
            .partnership_history(&owner, p.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["create", "delete", "restore"]);
    }
);

partinnov_store::dual_test!(
    delete_with_a_stale_version_is_refused_and_the_partnership_stays,
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
        store
            .update_partnership(&scope, p.id, 1, &partnership("Mécénat 2024", &[orange]))
            .await
            .unwrap();

        let err = store
            .delete_partnership(&scope, p.id, Some(1))
            .await
            .expect_err("stale delete");

        assert!(
            matches!(err, StoreError::Conflict { current: 2 }),
            "{err:?}"
        );
        assert_eq!(
            matching(store, &scope, PartnershipQuery::default()).await,
            ["Mécénat 2024"]
        );
    }
);

/// Four partnerships covering each filter:
/// - "Mécénat de compétences": Orange (ENT_GE, 69), active, high priority, held by Eddy;
/// - "Achats responsables": Régie de quartier (ACI, 42), planned, low priority;
/// - "Sous-traitance de soudure": Élan Métallerie (ENT_PME, 44), ended, entered in 2019;
/// - "Groupement pour la métropole": Orange and Élan, active, no priority, last
///   interaction in 2020: dormant.
async fn inventory(store: &Store) -> (WorkspaceScope, UserId) {
    let alice = user(store, "alice@example.org", "Alice").await;
    let scope = workspace(store, &alice, "asdies").await;
    let (eddy, _) = member(store, &scope, "eddy@example.org", "Eddy", Role::Editor).await;
    let orange =
        create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
    let regie = create_organisation(
        store,
        &alice,
        "Régie de quartier",
        2,
        &[StructureKind::Aci],
        saint_etienne(),
    )
    .await;
    let elan = create_organisation(
        store,
        &alice,
        "Élan Métallerie",
        3,
        &[StructureKind::EntPme],
        nantes(),
    )
    .await;
    store
        .create_partnership(
            &scope,
            &PartnershipDraft {
                priority: Some(Priority::Haute),
                holders: vec![eddy.user_id],
                forms: vec![form(Form::MecenatCompetences, Some(day(2024, 1, 1)))],
                ..partnership("Mécénat de compétences", &[orange])
            },
        )
        .await
        .unwrap();
    store
        .create_partnership(
            &scope,
            &PartnershipDraft {
                status: PartnershipStatus::EnProjet,
                priority: Some(Priority::Basse),
                forms: vec![form(Form::AchatsResponsables, None)],
                ..partnership("Achats responsables", &[regie])
            },
        )
        .await
        .unwrap();
    let loader = store.loader().await.unwrap();
    loader
        .partnership(
            scope.workspace_id,
            12,
            Some(alice.user_id),
            &PartnershipDraft {
                status: PartnershipStatus::Termine,
                priority: Some(Priority::Moyenne),
                forms: vec![form(Form::SousTraitance, Some(day(2019, 1, 1)))],
                ..partnership("Sous-traitance de soudure", &[elan])
            },
            day(2019, 1, 1),
        )
        .await
        .unwrap();
    let dormant = loader
        .partnership(
            scope.workspace_id,
            12,
            Some(alice.user_id),
            &PartnershipDraft {
                forms: vec![form(Form::Gme, Some(day(2020, 1, 1)))],
                ..partnership("Groupement pour la métropole", &[orange, elan])
            },
            day(2020, 1, 1),
        )
        .await
        .unwrap();
    loader
        .interaction(
            scope.workspace_id,
            12,
            Some(alice.user_id),
            dormant,
            &InteractionDraft {
                kind: InteractionKind::Reunion,
                occurred_on: day(2020, 6, 1),
                participants: String::new(),
                note: "Réunion de lancement".into(),
            },
        )
        .await
        .unwrap();
    loader.commit().await.unwrap();
    (scope, eddy.user_id)
}

partinnov_store::dual_test!(
    filters_narrow_the_list_by_family_form_status_partner_place_holder_and_priority,
    |db| {
        let store = &db.store;
        let (scope, eddy) = inventory(store).await;
        let q = |f: fn(&mut PartnershipQuery)| {
            let mut q = PartnershipQuery::default();
            f(&mut q);
            q
        };

        assert_eq!(
            matching(store, &scope, q(|q| q.family = Some(Family::Mecenat))).await,
            ["Mécénat de compétences"]
        );
        assert_eq!(
            matching(
                store,
                &scope,
                q(|q| q.family = Some(Family::CooperationEconomique))
            )
            .await,
            ["Groupement pour la métropole", "Sous-traitance de soudure"]
        );
        assert_eq!(
            matching(store, &scope, q(|q| q.form = Some(Form::Gme))).await,
            ["Groupement pour la métropole"]
        );
        assert_eq!(
            matching(
                store,
                &scope,
                q(|q| q.status = Some(PartnershipStatus::Actif))
            )
            .await,
            ["Groupement pour la métropole", "Mécénat de compétences"]
        );
        assert_eq!(
            matching(
                store,
                &scope,
                q(|q| q.status = Some(PartnershipStatus::EnProjet))
            )
            .await,
            ["Achats responsables"]
        );
        assert_eq!(
            matching(
                store,
                &scope,
                q(|q| q.partner_kind = Some(StructureKind::EntGe))
            )
            .await,
            ["Groupement pour la métropole", "Mécénat de compétences"]
        );
        assert_eq!(
            matching(
                store,
                &scope,
                q(|q| q.partner_kind = Some(StructureKind::Aci))
            )
            .await,
            ["Achats responsables"]
        );
        assert_eq!(
            matching(store, &scope, q(|q| q.departement = Some("44".into()))).await,
            ["Groupement pour la métropole", "Sous-traitance de soudure"]
        );
        assert_eq!(
            matching(store, &scope, q(|q| q.departement = Some("42".into()))).await,
            ["Achats responsables"]
        );
        assert_eq!(
            matching(store, &scope, q(|q| q.region = Some("52".into()))).await,
            ["Groupement pour la métropole", "Sous-traitance de soudure"]
        );
        assert_eq!(
            matching(store, &scope, q(|q| q.priority = Some(Priority::Haute))).await,
            ["Mécénat de compétences"]
        );
        assert_eq!(
            matching(
                store,
                &scope,
                PartnershipQuery {
                    holder: Some(eddy),
                    ..Default::default()
                }
            )
            .await,
            ["Mécénat de compétences"]
        );
        // Filters combine.
        assert_eq!(
            matching(
                store,
                &scope,
                q(|q| {
                    q.partner_kind = Some(StructureKind::EntGe);
                    q.family = Some(Family::CooperationEconomique);
                })
            )
            .await,
            ["Groupement pour la métropole"]
        );
        assert!(
            matching(store, &scope, q(|q| q.form = Some(Form::Jvs)))
                .await
                .is_empty()
        );
    }
);

partinnov_store::dual_test!(
    text_search_ignores_accents_and_case_on_titles_and_partner_names,
    |db| {
        let store = &db.store;
        let (scope, _) = inventory(store).await;
        let q = |text: &str| PartnershipQuery {
            q: Some(text.to_owned()),
            ..Default::default()
        };

        assert_eq!(
            matching(store, &scope, q("mecenat")).await,
            ["Mécénat de compétences"]
        );
        assert_eq!(
            matching(store, &scope, q("MÉCÉNAT")).await,
            ["Mécénat de compétences"]
        );
        assert_eq!(
            matching(store, &scope, q("regie")).await,
            ["Achats responsables"]
        );
        assert_eq!(
            matching(store, &scope, q("elan metallerie")).await,
            ["Groupement pour la métropole", "Sous-traitance de soudure"]
        );
        assert_eq!(
            matching(store, &scope, q("Élan")).await,
            ["Groupement pour la métropole", "Sous-traitance de soudure"]
        );
        assert!(matching(store, &scope, q("introuvable")).await.is_empty());
    }
);

partinnov_store::dual_test!(
    dormant_filter_separates_quiet_partnerships_from_active_and_ended_ones,
    |db| {
        let store = &db.store;
        let (scope, _) = inventory(store).await;

        let dormant = store
            .partnerships(
                &scope,
                &PartnershipQuery {
                    dormant: Some(true),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let awake = matching(
            store,
            &scope,
            PartnershipQuery {
                dormant: Some(false),
                ..Default::default()
            },
        )
        .await;

        assert_eq!(titles(&dormant), ["Groupement pour la métropole"]);
        assert!(dormant.items[0].dormant);
        assert_eq!(dormant.items[0].last_interaction_on, Some(day(2020, 6, 1)));
        // Ended long ago, but an ended partnership is never "dormant".
        assert_eq!(
            awake,
            [
                "Achats responsables",
                "Mécénat de compétences",
                "Sous-traitance de soudure"
            ]
        );
    }
);

partinnov_store::dual_test!(lists_sort_by_title_priority_and_activity, |db| {
    let store = &db.store;
    let (scope, _) = inventory(store).await;
    let sorted = |sort| PartnershipQuery {
        sort,
        ..Default::default()
    };

    assert_eq!(
        matching(store, &scope, sorted(PartnershipSort::Title)).await,
        [
            "Achats responsables",
            "Groupement pour la métropole",
            "Mécénat de compétences",
            "Sous-traitance de soudure"
        ]
    );
    assert_eq!(
        matching(store, &scope, sorted(PartnershipSort::Priority)).await,
        [
            "Mécénat de compétences",
            "Sous-traitance de soudure",
            "Achats responsables",
            "Groupement pour la métropole"
        ]
    );
    assert_eq!(
        matching(store, &scope, sorted(PartnershipSort::Activity)).await,
        [
            "Sous-traitance de soudure",
            "Groupement pour la métropole",
            "Mécénat de compétences",
            "Achats responsables"
        ]
    );
});

partinnov_store::dual_test!(pages_of_partnerships_keep_the_full_total, |db| {
    let store = &db.store;
    let (scope, _) = inventory(store).await;

    let second = store
        .partnerships(
            &scope,
            &PartnershipQuery {
                page: 2,
                per_page: 3,
                ..Default::default()
            },
        )
        .await
        .unwrap();

    assert_eq!(second.total, 4);
    assert_eq!(titles(&second), ["Sous-traitance de soudure"]);
});

partinnov_store::dual_test!(member_of_one_workspace_never_reaches_another, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    let a = workspace(store, &alice, "asdies").await;
    let bob = user(store, "bob@example.org", "Bob").await;
    let b = workspace(store, &bob, "envie").await;
    let orange =
        create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
    let pa = store
        .create_partnership(&a, &partnership("Chez ASDIÉS", &[orange]))
        .await
        .unwrap();
    let pb = store
        .create_partnership(&b, &partnership("Chez Envie", &[orange]))
        .await
        .unwrap();

    let not_found = |r: Result<(), StoreError>| matches!(r, Err(StoreError::NotFound { .. }));
    assert!(not_found(store.scope(&alice, "envie").await.map(|_| ())));
    assert!(not_found(
        store.scope(&alice, "nulle-part").await.map(|_| ())
    ));
    assert_eq!(
        store
            .workspaces(&alice)
            .await
            .unwrap()
            .iter()
            .map(|w| w.slug.as_str())
            .collect::<Vec<_>>(),
        ["asdies"]
    );
    let visible = store
        .partnerships_visible(&alice, &PartnershipQuery::default())
        .await
        .unwrap();
    assert_eq!((visible.total, titles(&visible)), (1, vec!["Chez ASDIÉS"]));
    assert!(not_found(
        store.partnership_any(&alice, pb.id).await.map(|_| ())
    ));
    let (scope, found) = store.partnership_any(&alice, pa.id).await.unwrap();
    assert_eq!((scope.slug.as_str(), found.id), ("asdies", pa.id));
    // A's scope cannot read, change, delete or trace B's partnership either.
    assert!(not_found(store.partnership(&a, pb.id).await.map(|_| ())));
    assert!(not_found(
        store
            .update_partnership(&a, pb.id, 1, &partnership("Volé", &[orange]))
            .await
            .map(|_| ())
    ));
    assert!(not_found(store.delete_partnership(&a, pb.id, None).await));
    assert!(not_found(
        store.partnership_history(&a, pb.id).await.map(|_| ())
    ));
    let theirs = store.partnership(&b, pb.id).await.unwrap();
    assert_eq!(
        (theirs.version, theirs.data.title.as_str()),
        (1, "Chez Envie")
    );
});

partinnov_store::dual_test!(
    token_limited_to_one_workspace_sees_only_that_workspace,
    |db| {
        let store = &db.store;
        let carol = user(store, "carol@example.org", "Carol").await;
        let a = workspace(store, &carol, "asdies").await;
        let b = workspace(store, &carol, "envie").await;
        let orange =
            create_organisation(store, &carol, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        store
            .create_partnership(&a, &partnership("Chez ASDIÉS", &[orange]))
            .await
            .unwrap();
        let pb = store
            .create_partnership(&b, &partnership("Chez Envie", &[orange]))
            .await
            .unwrap();
        let (_, secret) = store
            .create_token(carol.user_id, "export", Some(a.workspace_id), false)
            .await
            .unwrap();

        let token = store
            .caller_by_token(&secret)
            .await
            .unwrap()
            .expect("live token");

        assert_eq!(token.only_workspace, Some(a.workspace_id));
        assert_eq!(
            store
                .workspaces(&token)
                .await
                .unwrap()
                .iter()
                .map(|w| w.slug.as_str())
                .collect::<Vec<_>>(),
            ["asdies"]
        );
        let err = store
            .scope(&token, "envie")
            .await
            .expect_err("other workspace");
        assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
        let visible = store
            .partnerships_visible(&token, &PartnershipQuery::default())
            .await
            .unwrap();
        assert_eq!(titles(&visible), ["Chez ASDIÉS"]);
        let err = store
            .partnership_any(&token, pb.id)
            .await
            .expect_err("other workspace");
        assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
        // Carol herself, signed in, sees both.
        let all = store
            .partnerships_visible(&carol, &PartnershipQuery::default())
            .await
            .unwrap();
        assert_eq!(all.total, 2);
    }
);

partinnov_store::dual_test!(reader_and_read_only_token_cannot_write_partnerships, |db| {
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
    let (_, secret) = store
        .create_token(alice.user_id, "lecture", None, true)
        .await
        .unwrap();
    let token = store.caller_by_token(&secret).await.unwrap().unwrap();
    let read_only_owner = store.scope(&token, "asdies").await.unwrap();

    for scope in [&reader, &read_only_owner] {
        let forbidden = |r: Result<(), StoreError>| matches!(r, Err(StoreError::Forbidden));
        assert!(forbidden(
            store
                .create_partnership(scope, &partnership("Nouveau", &[orange]))
                .await
                .map(|_| ())
        ));
        assert!(forbidden(
            store
                .update_partnership(scope, p.id, 1, &partnership("Renommé", &[orange]))
                .await
                .map(|_| ())
        ));
        assert!(forbidden(
            store.delete_partnership(scope, p.id, Some(1)).await
        ));
        assert!(forbidden(
            store.restore_partnership(scope, p.id).await.map(|_| ())
        ));
        // Reading is allowed.
        assert_eq!(
            store.partnership(scope, p.id).await.unwrap().data.title,
            "Mécénat"
        );
    }
    assert_eq!(
        matching(store, &owner, PartnershipQuery::default()).await,
        ["Mécénat"]
    );
    assert_eq!(store.partnership(&owner, p.id).await.unwrap().version, 1);
});

partinnov_store::dual_test!(unknown_partnership_id_is_not_found, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    let scope = workspace(store, &alice, "asdies").await;

    let err = store
        .partnership(&scope, PartnershipId(424_242))
        .await
        .expect_err("no such partnership");

    assert!(
        matches!(
            err,
            StoreError::NotFound {
                entity: "partnership"
            }
        ),
        "{err:?}"
    );
});

partinnov_store::dual_test!(
    two_people_saving_the_same_version_one_wins_and_the_other_gets_a_conflict,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let owner = workspace(store, &alice, "asdies").await;
        let (_, editor) = member(store, &owner, "eddy@example.org", "Eddy", Role::Editor).await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let p = store
            .create_partnership(&owner, &partnership("Mécénat", &[orange]))
            .await
            .unwrap();
        let by_alice = partnership("Version d'Alice", &[orange]);
        let by_eddy = partnership("Version d'Eddy", &[orange]);

        let (a, e) = tokio::join!(
            store.update_partnership(&owner, p.id, 1, &by_alice),
            store.update_partnership(&editor, p.id, 1, &by_eddy),
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
        let after = store.partnership(&owner, p.id).await.unwrap();
        assert_eq!((after.version, after.data), (2, winner));
    }
);

partinnov_store::dual_test!(
    delete_racing_an_update_never_deletes_a_version_it_did_not_see,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let owner = workspace(store, &alice, "asdies").await;
        let (_, editor) = member(store, &owner, "eddy@example.org", "Eddy", Role::Editor).await;
        let orange =
            create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
        let p = store
            .create_partnership(&owner, &partnership("Mécénat", &[orange]))
            .await
            .unwrap();
        let edit = partnership("Mécénat modifié", &[orange]);

        let (updated, deleted) = tokio::join!(
            store.update_partnership(&owner, p.id, 1, &edit),
            store.delete_partnership(&editor, p.id, Some(1)),
        );

        match (updated, deleted) {
            (Ok(_), Err(err)) => {
                assert!(
                    matches!(err, StoreError::Conflict { current: 2 }),
                    "{err:?}"
                );
                let after = store.partnership(&owner, p.id).await.unwrap();
                assert_eq!((after.version, after.data), (2, edit));
            }
            (Err(err), Ok(())) => {
                assert!(
                    matches!(
                        err,
                        StoreError::Conflict { current: 2 } | StoreError::NotFound { .. }
                    ),
                    "{err:?}"
                );
                let gone = matching(
                    store,
                    &owner,
                    PartnershipQuery {
                        deleted: true,
                        ..Default::default()
                    },
                )
                .await;
                assert_eq!(gone, ["Mécénat"]);
            }
            other => panic!("exactly one write should win: {other:?}"),
        }
    }
);

partinnov_store::dual_test!(
    list_gives_each_partnership_as_its_page_does_with_awkward_text_and_empty_children,
    |db| {
        // The list reads children aggregated as JSON inside each row: text that JSON must
        // escape, and a partnership without forms, objectives or holders, come back as the
        // detail page shows them, on both backends.
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "asdies").await;
        let odd = create_organisation(
            store,
            &alice,
            "L'Atelier \"Réemploi\" \\ Bugey 🌿",
            1,
            &[StructureKind::Aci],
            lyon(),
        )
        .await;
        let orange =
            create_organisation(store, &alice, "Orange", 2, &[StructureKind::EntGe], lyon()).await;
        let full = PartnershipDraft {
            forms: vec![
                FormPeriod {
                    form: Form::MecenatNature,
                    started_on: None,
                    ended_on: None,
                    note: "ligne 1\nligne 2 « guillemets » \"doubles\" \\ \t fin".into(),
                },
                form(Form::MecenatFinancier, Some(day(2022, 5, 1))),
            ],
            objectives: vec![
                Objective {
                    party: ObjectiveParty::Territoire,
                    rank: 2,
                    text: "Deux\nlignes".into(),
                },
                Objective {
                    party: ObjectiveParty::Structure,
                    rank: 1,
                    text: "Former".into(),
                },
            ],
            holders: vec![alice.user_id],
            ..partnership("Dons « en nature »", &[orange, odd])
        };
        let bare = PartnershipDraft {
            forms: vec![],
            ..partnership("Premier contact", &[odd])
        };
        let full = store.create_partnership(&scope, &full).await.unwrap();
        let bare = store.create_partnership(&scope, &bare).await.unwrap();

        let page = store
            .partnerships(
                &scope,
                &PartnershipQuery {
                    sort: PartnershipSort::Title,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();

        assert_eq!(page.total, 2);
        let listed: Vec<PartnershipId> = page.items.iter().map(|p| p.id).collect();
        assert_eq!(listed, [full.id, bare.id]);
        for (item, id) in page.items.iter().zip([full.id, bare.id]) {
            let detail = store.partnership(&scope, id).await.unwrap();
            assert_eq!(item.data, detail.data);
            assert_eq!(item.partner_refs, detail.partner_refs);
            assert_eq!(item.holder_refs, detail.holder_refs);
        }
        let full = &page.items[0];
        assert_eq!(
            full.partner_refs
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>(),
            ["Orange", "L'Atelier \"Réemploi\" \\ Bugey 🌿"]
        );
        assert_eq!(
            full.data.forms[1].note,
            "ligne 1\nligne 2 « guillemets » \"doubles\" \\ \t fin"
        );
        assert_eq!(full.data.forms[0].started_on, Some(day(2022, 5, 1)));
        assert_eq!(
            full.data
                .objectives
                .iter()
                .map(|o| (o.rank, o.text.as_str()))
                .collect::<Vec<_>>(),
            [(1, "Former"), (2, "Deux\nlignes")]
        );
        let bare = &page.items[1];
        assert!(bare.data.forms.is_empty());
        assert!(bare.data.objectives.is_empty());
        assert!(bare.holder_refs.is_empty());
        assert_eq!(bare.partner_refs.len(), 1);
    }
);

partinnov_store::dual_test!(list_by_slug_checks_the_membership_in_its_own_query, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    let bob = user(store, "bob@example.org", "Bob").await;
    let asdies = workspace(store, &alice, "asdies").await;
    let empty = workspace(store, &alice, "vide").await;
    let envie = workspace(store, &bob, "envie").await;
    let orange =
        create_organisation(store, &alice, "Orange", 1, &[StructureKind::EntGe], lyon()).await;
    for title in ["Dons", "Mécénat", "Achats"] {
        store
            .create_partnership(&asdies, &partnership(title, &[orange]))
            .await
            .unwrap();
    }
    store
        .create_partnership(&envie, &partnership("Collecte D3E", &[orange]))
        .await
        .unwrap();
    let q = PartnershipQuery {
        sort: PartnershipSort::Title,
        per_page: 2,
        ..Default::default()
    };
    let titles = |page: &partinnov_store::organisations::Page<_>| {
        page.items
            .iter()
            .map(|p: &partinnov_store::partnerships::Partnership| p.data.title.clone())
            .collect::<Vec<_>>()
    };

    let by_slug = store
        .partnerships_by_slug(&alice, "asdies", &q)
        .await
        .unwrap();
    let by_scope = store.partnerships(&asdies, &q).await.unwrap();
    assert_eq!(titles(&by_slug), ["Achats", "Dons"]);
    assert_eq!(titles(&by_slug), titles(&by_scope));
    assert_eq!((by_slug.total, by_scope.total), (3, 3));
    let past_end = PartnershipQuery {
        page: 5,
        ..q.clone()
    };
    let past = store
        .partnerships_by_slug(&alice, "asdies", &past_end)
        .await
        .unwrap();
    assert!(past.items.is_empty());
    assert_eq!(past.total, 3);
    // A workspace with nothing in it is an empty page, not "not found".
    let none = store
        .partnerships_by_slug(&alice, "vide", &q)
        .await
        .unwrap();
    assert_eq!((none.items.len(), none.total), (0, 0));

    // Someone else's workspace, one that does not exist, or one outside a token's
    // workspace: not found, whatever it holds.
    let not_found = |r: Result<_, StoreError>| matches!(r, Err(StoreError::NotFound { .. }));
    assert!(not_found(
        store.partnerships_by_slug(&alice, "envie", &q).await
    ));
    assert!(not_found(
        store.partnerships_by_slug(&alice, "nulle-part", &q).await
    ));
    let limited = partinnov_store::Caller {
        only_workspace: Some(empty.workspace_id),
        ..alice.clone()
    };
    assert!(not_found(
        store.partnerships_by_slug(&limited, "asdies", &q).await
    ));
    assert_eq!(
        store
            .partnerships_by_slug(&bob, "envie", &q)
            .await
            .unwrap()
            .total,
        1
    );
});
