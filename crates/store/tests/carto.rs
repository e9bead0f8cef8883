//! The cartography read: one workspace, or all the caller's workspaces, with partners, kinds,
//! territory and dated forms; never anything of a workspace where the caller has no role.
#![cfg(feature = "testing")]

mod common;

use common::*;
use partinnov_domain::{
    kind::StructureKind,
    typology::{Form, PartnershipStatus},
};
use partinnov_store::{Caller, Role, partnerships::FormPeriod};

fn dated(form: Form, start: (i32, u32, u32), end: Option<(i32, u32, u32)>) -> FormPeriod {
    FormPeriod {
        form,
        started_on: Some(day(start.0, start.1, start.2)),
        ended_on: end.map(|e| day(e.0, e.1, e.2)),
        note: String::new(),
    }
}

partinnov_store::dual_test!(
    carto_of_a_workspace_has_partners_kinds_and_dated_forms,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "aci-lyon").await;
        let bakery = create_organisation(
            store,
            &alice,
            "Boulangerie",
            1,
            &[StructureKind::EntTpe, StructureKind::Ei],
            lyon(),
        )
        .await;
        let mut no_commune = organisation("Sans adresse", 2, &[], lyon());
        no_commune.territory = None;
        let lost = store
            .create_organisation(&alice, &no_commune)
            .await
            .unwrap();
        let mut draft = partnership("Dons puis commandes", &[bakery, lost]);
        draft.forms = vec![
            dated(Form::RelationCommerciale, (2021, 3, 1), None),
            dated(Form::MecenatNature, (2019, 5, 1), Some((2019, 12, 31))),
        ];
        draft.holders = vec![alice.user_id];
        let p = store.create_partnership(&scope, &draft).await.unwrap();
        let mut ended = partnership("Ancien", &[bakery]);
        ended.status = PartnershipStatus::Termine;
        let gone = store.create_partnership(&scope, &ended).await.unwrap();
        let deleted = store
            .create_partnership(&scope, &partnership("Supprimé", &[bakery]))
            .await
            .unwrap();
        store
            .delete_partnership(&scope, deleted.id, None)
            .await
            .unwrap();

        let data = store.carto(&scope).await.unwrap();
        assert_eq!(data.workspaces.len(), 1);
        assert_eq!(data.workspaces[0].slug, "aci-lyon");
        let ids: Vec<i64> = data.partnerships.iter().map(|p| p.id).collect();
        assert_eq!(
            ids,
            [p.id.0, gone.id.0],
            "deleted partnerships are not drawn"
        );
        let first = &data.partnerships[0];
        assert_eq!(first.partners, [bakery.0, lost.0]);
        assert_eq!(
            first.forms.iter().map(|f| f.form).collect::<Vec<_>>(),
            [Form::MecenatNature, Form::RelationCommerciale],
            "earliest first"
        );
        assert_eq!(first.forms[0].ended_on, Some(day(2019, 12, 31)));
        assert!(!first.dormant);
        assert_eq!(first.holders.len(), 1);
        assert_eq!(first.holders[0].name, "Alice");
        assert!(data.partnerships[1].holders.is_empty());
        assert_eq!(data.partnerships[1].status, PartnershipStatus::Termine);
        let b = data
            .organisations
            .iter()
            .find(|o| o.id == bakery.0)
            .unwrap();
        assert_eq!(b.kinds, [StructureKind::Ei, StructureKind::EntTpe]);
        assert_eq!(b.commune_code.as_deref(), Some("69123"));
        assert_eq!(b.departement_code.as_deref(), Some("69"));
        let l = data.organisations.iter().find(|o| o.id == lost.0).unwrap();
        assert_eq!(l.commune_code, None);
        assert_eq!(data.organisations.len(), 2);
    }
);

partinnov_store::dual_test!(
    carto_across_workspaces_never_shows_a_workspace_without_a_role,
    |db| {
        let store = &db.store;
        let adviser = user(store, "dla@example.org", "Conseillère DLA").await;
        let owner_a = user(store, "a@example.org", "A").await;
        let owner_b = user(store, "b@example.org", "B").await;
        let owner_c = user(store, "c@example.org", "C").await;
        let a = workspace(store, &owner_a, "structure-a").await;
        let b = workspace(store, &owner_b, "structure-b").await;
        let c = workspace(store, &owner_c, "structure-c").await;
        store
            .add_member_unchecked(a.workspace_id, adviser.user_id, Role::Reader)
            .await
            .unwrap();
        store
            .add_member_unchecked(b.workspace_id, adviser.user_id, Role::Editor)
            .await
            .unwrap();
        let shared = create_organisation(
            store,
            &owner_a,
            "Grande Surface",
            1,
            &[StructureKind::EntGe],
            lyon(),
        )
        .await;
        let only_a = create_organisation(
            store,
            &owner_a,
            "Garage",
            2,
            &[StructureKind::EntTpe],
            lyon(),
        )
        .await;
        let secret = create_organisation(
            store,
            &owner_c,
            "Partenaire secret",
            3,
            &[StructureKind::EntPme],
            nantes(),
        )
        .await;
        store
            .create_partnership(&a, &partnership("A1", &[shared]))
            .await
            .unwrap();
        store
            .create_partnership(&a, &partnership("A2", &[only_a]))
            .await
            .unwrap();
        store
            .create_partnership(&b, &partnership("B1", &[shared]))
            .await
            .unwrap();
        store
            .create_partnership(&c, &partnership("C1", &[shared, secret]))
            .await
            .unwrap();
        store
            .create_partnership(&c, &partnership("C2", &[secret]))
            .await
            .unwrap();

        let data = store.carto_visible(&adviser).await.unwrap();
        let slugs: Vec<&str> = data.workspaces.iter().map(|w| w.slug.as_str()).collect();
        assert_eq!(slugs, ["structure-a", "structure-b"], "by name, and not C");
        assert_eq!(
            data.partnerships.len(),
            3,
            "C's partnerships are not counted"
        );
        assert!(
            data.partnerships
                .iter()
                .all(|p| p.workspace_id != c.workspace_id.0)
        );
        let orgs: Vec<i64> = data.organisations.iter().map(|o| o.id).collect();
        assert_eq!(orgs, [shared.0, only_a.0], "C's partner is not even listed");
        // The shared partner is linked to both visible workspaces and only to them.
        let with_shared: Vec<i64> = data
            .partnerships
            .iter()
            .filter(|p| p.partners.contains(&shared.0))
            .map(|p| p.workspace_id)
            .collect();
        assert_eq!(with_shared, [a.workspace_id.0, b.workspace_id.0]);

        // A token limited to one workspace sees only that one.
        let limited = Caller {
            only_workspace: Some(b.workspace_id),
            ..adviser.clone()
        };
        let data = store.carto_visible(&limited).await.unwrap();
        assert_eq!(data.workspaces.len(), 1);
        assert_eq!(data.partnerships.len(), 1);
        assert_eq!(data.organisations.len(), 1);

        // Someone with no role anywhere sees nothing at all.
        let stranger = user(store, "x@example.org", "X").await;
        let data = store.carto_visible(&stranger).await.unwrap();
        assert_eq!(data, Default::default());
    }
);

partinnov_store::dual_test!(
    carto_reads_each_partnership_s_status_history_from_the_audit_trail,
    |db| {
        use sea_orm::ConnectionTrait;
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;
        let scope = workspace(store, &alice, "aci-lyon").await;
        let org = create_organisation(store, &alice, "Recyclerie", 1, &[], lyon()).await;
        let mut d = partnership("Collecte", &[org]);
        d.status = PartnershipStatus::EnProjet;
        let p = store.create_partnership(&scope, &d).await.unwrap();
        d.status = PartnershipStatus::Actif;
        store.update_partnership(&scope, p.id, 1, &d).await.unwrap();
        d.notes = "Nouveau contact".into();
        store.update_partnership(&scope, p.id, 2, &d).await.unwrap();
        d.status = PartnershipStatus::Termine;
        store.update_partnership(&scope, p.id, 3, &d).await.unwrap();

        // All on one day: the last status of the day stands for it.
        let data = store.carto(&scope).await.unwrap();
        let today = chrono::Utc::now().date_naive();
        assert_eq!(
            data.partnerships[0].status_history,
            [(today, PartnershipStatus::Termine)]
        );

        // Spread over years as they would be in real life (the audit trail's days moved by
        // hand): one entry per change, the edit of the notes is no change of status.
        let conn = sea_orm::Database::connect(db.url.expose()).await.unwrap();
        let ids: Vec<i64> = {
            use sea_orm::{FromQueryResult, Statement};
            #[derive(FromQueryResult)]
            struct Row {
                id: i64,
            }
            Row::find_by_statement(Statement::from_string(
                conn.get_database_backend(),
                "SELECT id FROM audit_events WHERE entity = 'partnership' ORDER BY id",
            ))
            .all(&conn)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect()
        };
        assert_eq!(ids.len(), 4);
        for (id, at) in ids.iter().zip([
            "2021-03-01T09:00:00+00:00",
            "2022-01-10T09:00:00+00:00",
            "2023-05-02T09:00:00+00:00",
            "2024-09-30T09:00:00+00:00",
        ]) {
            conn.execute_unprepared(&format!(
                "UPDATE audit_events SET at = '{at}' WHERE id = {id}"
            ))
            .await
            .unwrap();
        }
        let data = store.carto(&scope).await.unwrap();
        assert_eq!(
            data.partnerships[0].status_history,
            [
                (day(2021, 3, 1), PartnershipStatus::EnProjet),
                (day(2022, 1, 10), PartnershipStatus::Actif),
                (day(2024, 9, 30), PartnershipStatus::Termine),
            ]
        );
    }
);
