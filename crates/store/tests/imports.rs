#![cfg(feature = "testing")]
//! Imports in the store: matching to the registry, duplicates within a file, all or
//! nothing, re-import changes nothing, updates only when asked, permission in the store.

mod common;

use common::*;
use partinnov_domain::{
    identity::synthetic_siret,
    kind::StructureKind,
    typology::{Form, PartnershipStatus},
};
use partinnov_store::{
    Role, Store, StoreError, dual_test,
    imports::{
        ContactInput, ImportItem, ImportOptions, ImportRow, ImportTarget, MatchedBy,
        PartnershipInput, RowOutcome,
    },
    organisations::{OrganisationDraft, Territory},
    partnerships::{FormPeriod, PartnershipQuery},
};

fn angers() -> Territory {
    Territory {
        commune_code: "49007".into(),
        commune_name: "Angers".into(),
        epci_code: Some("244900015".into()),
        departement_code: "49".into(),
        region_code: "52".into(),
    }
}

fn org(name: &str, siret: Option<u64>) -> OrganisationDraft {
    OrganisationDraft {
        name: name.into(),
        siret: siret.map(synthetic_siret),
        postcode: Some("49000".into()),
        territory: Some(angers()),
        head_office: true,
        ..Default::default()
    }
}

fn partnership_row(line: usize, o: OrganisationDraft, forms: &[Form]) -> ImportRow {
    ImportRow {
        line,
        org: o,
        item: ImportItem::Partnership(PartnershipInput {
            forms: forms
                .iter()
                .map(|f| FormPeriod {
                    form: *f,
                    started_on: Some(day(2021, 3, 15)),
                    ended_on: None,
                    note: String::new(),
                })
                .collect(),
            ..Default::default()
        }),
    }
}

/// The options of `partinnov import --update`.
fn updating() -> ImportOptions {
    ImportOptions {
        update: true,
        ..Default::default()
    }
}

async fn organisation_count(store: &Store) -> usize {
    store
        .organisations(&Default::default())
        .await
        .map(|p| p.total as usize)
        .unwrap_or(0)
}

dual_test!(
    partnerships_match_by_siret_and_name_and_a_second_import_changes_nothing,
    |db| {
        let store = &db.store;
        let owner = user(store, "dir@exemple.fr", "Direction").await;
        let scope = workspace(store, &owner, "aci").await;
        // Already in the registry: found by SIRET, and by name in the same commune.
        store
            .create_organisation(&owner, &org("Boulangerie Éole", Some(1)))
            .await
            .unwrap();
        store
            .create_organisation(&owner, &org("Les Jardins d'Anjou", None))
            .await
            .unwrap();
        let target = ImportTarget::member(&scope).unwrap();
        let rows = vec![
            partnership_row(
                2,
                org("BOULANGERIE EOLE SARL", Some(1)),
                &[Form::MecenatNature],
            ),
            partnership_row(
                3,
                org("SARL Jardins d'Anjou (Les)", None),
                &[Form::AchatsResponsables],
            ),
            partnership_row(4, org("Envie Autonomie", None), &[Form::Recrutement]),
            partnership_row(5, org("Envie Anjou", Some(2)), &[Form::SousTraitance]),
            // Same partner as line 4, written differently.
            partnership_row(6, org("Asso Envie Autonomie", None), &[Form::Recrutement]),
        ];
        let first = store
            .import(
                &target,
                &rows,
                ImportOptions {
                    all_or_nothing: false,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(first.written);
        assert_eq!(first.problems.len(), 1, "{:?}", first.problems);
        assert_eq!(
            (first.problems[0].line, first.problems[0].field),
            (6, "name")
        );
        assert!(first.problems[0].message.contains("doublon de la ligne 4"));
        let matched: Vec<_> = first
            .results
            .iter()
            .map(|r| (r.line, r.organisation_matched_by))
            .collect();
        assert_eq!(
            matched,
            vec![
                (2, Some(MatchedBy::Siret)),
                (3, Some(MatchedBy::NameAndPlace)),
                (4, None),
                (5, None)
            ]
        );
        assert_eq!(
            first.count(RowOutcome::Created),
            4,
            "new partnerships, two new partners"
        );
        assert_eq!(
            organisation_count(store).await,
            4,
            "Envie Anjou and Envie Autonomie stay two organisations"
        );
        let list = store
            .partnerships(
                &scope,
                &PartnershipQuery {
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(list.total, 4);
        let eole = list
            .items
            .iter()
            .find(|p| p.data.title == "Boulangerie Éole")
            .expect("titled after the registry name");
        assert_eq!(eole.data.status, PartnershipStatus::Actif);
        assert_eq!(eole.data.forms[0].started_on, Some(day(2021, 3, 15)));

        // The same file again: nothing created, nothing updated, nothing written.
        let history_before = store
            .partnership_history(&scope, eole.id)
            .await
            .unwrap()
            .len();
        let again = store
            .import(&target, &rows[..4], ImportOptions::default())
            .await
            .unwrap();
        assert_eq!(again.count(RowOutcome::Unchanged), 4);
        assert!(again.problems.is_empty());
        assert_eq!(
            store
                .partnership_history(&scope, eole.id)
                .await
                .unwrap()
                .len(),
            history_before
        );

        // A new form for a known partner: unchanged without --update, updated with it.
        let more = vec![partnership_row(
            2,
            org("Boulangerie Éole", Some(1)),
            &[Form::AccueilImmersions],
        )];
        let without = store
            .import(&target, &more, ImportOptions::default())
            .await
            .unwrap();
        assert_eq!(without.count(RowOutcome::Unchanged), 1);
        let with = store.import(&target, &more, updating()).await.unwrap();
        assert_eq!(with.count(RowOutcome::Updated), 1);
        let p = store.partnership(&scope, eole.id).await.unwrap();
        let forms: Vec<Form> = p.data.forms.iter().map(|f| f.form).collect();
        assert!(forms.contains(&Form::MecenatNature) && forms.contains(&Form::AccueilImmersions));
        let history = store.partnership_history(&scope, eole.id).await.unwrap();
        assert_eq!(history.len(), history_before + 1);
        assert_eq!(
            history.last().unwrap().user_id,
            Some(owner.user_id.0),
            "audited under the importer"
        );
    }
);

dual_test!(all_or_nothing_writes_nothing_when_a_row_is_refused, |db| {
    let store = &db.store;
    let owner = user(store, "dir@exemple.fr", "Direction").await;
    let scope = workspace(store, &owner, "aci").await;
    let target = ImportTarget::member(&scope).unwrap();
    let mut bad = partnership_row(3, org("Ferme du Lac", None), &[]);
    if let ImportItem::Partnership(p) = &mut bad.item {
        p.holder = Some("inconnu@exemple.fr".into());
    }
    let rows = vec![
        partnership_row(2, org("Boulangerie Éole", None), &[Form::MecenatFinancier]),
        bad,
    ];
    let out = store
        .import(
            &target,
            &rows,
            ImportOptions {
                all_or_nothing: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!out.written);
    assert_eq!(out.problems[0].field, "holder");
    assert!(
        out.problems[0]
            .message
            .contains("n'est pas membre de l'espace")
    );
    assert_eq!(
        organisation_count(store).await,
        0,
        "no organisation written"
    );
    // Rows rejected by the file checks count too.
    let out = store
        .import(
            &target,
            &rows[..1],
            ImportOptions {
                all_or_nothing: true,
                rejected_before: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!out.written);
    assert_eq!(organisation_count(store).await, 0);
    // A dry run computes the same counts and writes nothing.
    let dry = store
        .import(
            &target,
            &rows[..1],
            ImportOptions {
                dry_run: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(dry.count(RowOutcome::Created), 1);
    assert_eq!(organisation_count(store).await, 0);
});

dual_test!(
    contacts_attach_to_their_organisation_and_readers_may_not_import,
    |db| {
        let store = &db.store;
        let owner = user(store, "dir@exemple.fr", "Direction").await;
        let scope = workspace(store, &owner, "aci").await;
        let (_, reader) =
            member(store, &scope, "lecteur@exemple.fr", "Lecteur", Role::Reader).await;
        assert!(matches!(
            ImportTarget::member(&reader),
            Err(StoreError::Forbidden)
        ));
        let target = ImportTarget::member(&scope).unwrap();
        let contact = |line, name: &str, email: &str| ImportRow {
            line,
            org: org("Boulangerie Éole", None),
            item: ImportItem::Contact(ContactInput {
                name: name.into(),
                email: Some(email.into()),
                job_title: Some("Gérante".into()),
                ..Default::default()
            }),
        };
        let rows = vec![
            contact(2, "Anne Martin", "anne@eole.fr"),
            contact(3, "Paul Petit", "paul@eole.fr"),
            contact(4, "A. Martin", "anne@eole.fr"),
        ];
        let out = store
            .import(&target, &rows, ImportOptions::default())
            .await
            .unwrap();
        assert_eq!(out.count(RowOutcome::Created), 2);
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].line, 4);
        let contacts = store.contacts(&scope, None, None).await.unwrap();
        assert_eq!(contacts.len(), 2);
        assert!(
            contacts
                .iter()
                .all(|c| c.organisation_name.as_deref() == Some("Boulangerie Éole"))
        );
        assert_eq!(
            organisation_count(store).await,
            1,
            "one organisation for both contacts"
        );
        let again = store
            .import(&target, &rows[..2], ImportOptions::default())
            .await
            .unwrap();
        assert_eq!(again.count(RowOutcome::Unchanged), 2);
    }
);

dual_test!(
    thousands_of_new_organisations_are_written_whole_with_their_kinds_and_history,
    |db| {
        // More rows than one batch and than one multi-row statement holds, between an
        // organisation made by hand before and one after.
        let store = &db.store;
        let owner = user(store, "dir@exemple.fr", "Direction").await;
        let scope = workspace(store, &owner, "aci").await;
        let before = store
            .create_organisation(&owner, &org("Régie de quartier", Some(9_999)))
            .await
            .unwrap();
        let target = ImportTarget::member(&scope).unwrap();
        let rows: Vec<ImportRow> = (0..3_500u64)
            .map(|i| ImportRow {
                line: i as usize + 2,
                org: OrganisationDraft {
                    kinds: if i.is_multiple_of(2) {
                        vec![StructureKind::EntTpe, StructureKind::Ei]
                    } else {
                        vec![]
                    },
                    ess: i.is_multiple_of(3),
                    ..org(
                        &format!("Atelier numéro {i}"),
                        (!i.is_multiple_of(5)).then_some(i + 1),
                    )
                },
                item: ImportItem::Organisation,
            })
            .collect();
        let first = store
            .import(&target, &rows, ImportOptions::default())
            .await
            .unwrap();
        assert!(
            first.written && first.problems.is_empty(),
            "{:?}",
            first.problems
        );
        assert_eq!(first.count(RowOutcome::Created), 3_500);
        assert_eq!(organisation_count(store).await, 3_501);

        let mut ids: Vec<i64> = first.results.iter().map(|r| r.organisation_id.0).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 3_500, "one organisation per row");
        assert!(ids[0] > before.0, "new ids come after the registry's");
        for r in [&first.results[0], &first.results[1], &first.results[3_499]] {
            let i = (r.line - 2) as u64;
            let stored = store.organisation(r.organisation_id).await.unwrap();
            assert_eq!(
                stored.data.name,
                format!("Atelier numéro {i}"),
                "line {}",
                r.line
            );
            assert_eq!(
                stored.data.siret,
                (!i.is_multiple_of(5)).then(|| synthetic_siret(i + 1))
            );
            assert_eq!(stored.data.ess, i.is_multiple_of(3));
            let kinds = if i.is_multiple_of(2) {
                vec![StructureKind::Ei, StructureKind::EntTpe]
            } else {
                vec![]
            };
            assert_eq!(stored.data.kinds, kinds, "line {}", r.line);
            assert_eq!(stored.data.territory, Some(angers()));
            let history = store.organisation_history(r.organisation_id).await.unwrap();
            assert_eq!(history.len(), 1, "line {}", r.line);
            assert_eq!(history[0].action, "create");
            assert_eq!(history[0].user_id, Some(owner.user_id.0));
            assert!(
                history[0]
                    .after_json
                    .as_deref()
                    .unwrap()
                    .contains(&stored.data.name),
                "the audit event holds the row"
            );
        }

        // The same file again finds every row, by SIRET or by name and commune.
        let again = store
            .import(&target, &rows, ImportOptions::default())
            .await
            .unwrap();
        assert_eq!(again.count(RowOutcome::Unchanged), 3_500);
        assert_eq!(organisation_count(store).await, 3_501);

        // The database's own numbering carries on after the imported ids.
        let after = store
            .create_organisation(&owner, &org("Ressourcerie du Lac", None))
            .await
            .unwrap();
        assert!(after.0 > *ids.last().unwrap());
    }
);

dual_test!(
    a_row_with_several_partners_links_them_all_and_an_update_adds_the_new_one,
    |db| {
        let store = &db.store;
        let owner = user(store, "dir@exemple.fr", "Direction").await;
        let scope = workspace(store, &owner, "aci").await;
        let eole = store
            .create_organisation(&owner, &org("Boulangerie Éole", Some(1)))
            .await
            .unwrap();
        let target = ImportTarget::member(&scope).unwrap();
        let with_partners = |others: Vec<OrganisationDraft>| {
            let mut row = partnership_row(
                2,
                org("Boulangerie Éole", Some(1)),
                &[Form::AchatsResponsables],
            );
            if let ImportItem::Partnership(p) = &mut row.item {
                p.title = Some("Achats groupés".into());
                p.other_partners = others;
            }
            vec![row]
        };
        let rows = with_partners(vec![
            org("Les Jardins d'Anjou", None),
            // The same partner twice is linked once.
            org("BOULANGERIE EOLE", Some(1)),
        ]);
        let first = store
            .import(&target, &rows, ImportOptions::default())
            .await
            .unwrap();
        assert!(first.problems.is_empty(), "{:?}", first.problems);
        assert_eq!(first.count(RowOutcome::Created), 1);
        let id = partinnov_store::PartnershipId(first.results[0].entity_id.unwrap());
        let stored = store.partnership(&scope, id).await.unwrap();
        assert_eq!(stored.data.partners.len(), 2);
        assert_eq!(
            stored.data.partners[0], eole,
            "the row's first partner first"
        );
        let jardins = store.organisation(stored.data.partners[1]).await.unwrap();
        assert_eq!(jardins.data.name, "Les Jardins d'Anjou");
        assert_eq!(organisation_count(store).await, 2);

        // Again: nothing changes.
        let again = store
            .import(&target, &rows, ImportOptions::default())
            .await
            .unwrap();
        assert_eq!(again.count(RowOutcome::Unchanged), 1);

        // A third partner: left out without --update (and not created), added with it.
        let more = with_partners(vec![
            org("Les Jardins d'Anjou", None),
            org("Garage Martin", Some(3)),
        ]);
        let without = store
            .import(&target, &more, ImportOptions::default())
            .await
            .unwrap();
        assert_eq!(without.count(RowOutcome::Unchanged), 1);
        assert_eq!(organisation_count(store).await, 2);
        let with = store.import(&target, &more, updating()).await.unwrap();
        assert_eq!(with.count(RowOutcome::Updated), 1);
        let stored = store.partnership(&scope, id).await.unwrap();
        assert_eq!(stored.data.partners.len(), 3);
        assert_eq!(organisation_count(store).await, 3);

        // A partner the registry does not know and the row does not name: refused, located.
        let unnamed = with_partners(vec![OrganisationDraft {
            name: String::new(),
            ..org("", Some(4))
        }]);
        let refused = store
            .import(
                &target,
                &unnamed,
                ImportOptions {
                    all_or_nothing: true,
                    ..updating()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (refused.problems[0].line, refused.problems[0].field),
            (2, "name")
        );
        assert!(refused.problems[0].message.contains("partenaire n° 2"));
        assert!(!refused.written);
        let stored = store.partnership(&scope, id).await.unwrap();
        assert_eq!(stored.data.partners.len(), 3);
    }
);
