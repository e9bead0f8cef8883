//! Workspaces and memberships: creation rules and who may change members. Each test runs
//! on SQLite and on PostgreSQL (`name::sqlite`, `name::postgres`).
#![cfg(feature = "testing")]

mod common;

use common::*;
use partinnov_store::{Role, StoreError, workspaces::NewWorkspace};

fn new_workspace(slug: &str) -> NewWorkspace {
    NewWorkspace {
        slug: slug.to_owned(),
        name: "ASDIÉS".to_owned(),
        organisation_id: None,
        dormant_months: 12,
    }
}

partinnov_store::dual_test!(second_workspace_with_the_same_slug_is_refused, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    let bob = user(store, "bob@example.org", "Bob").await;
    store
        .create_workspace(alice.user_id, &new_workspace("asdies"))
        .await
        .unwrap();

    let err = store
        .create_workspace(bob.user_id, &new_workspace("asdies"))
        .await
        .expect_err("slug taken");

    assert!(
        matches!(err, StoreError::Duplicate { field: "slug", .. }),
        "{err:?}"
    );
    assert!(store.workspaces(&bob).await.unwrap().is_empty());
    let err = store.scope(&bob, "asdies").await.expect_err("not a member");
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
});

partinnov_store::dual_test!(badly_formed_workspace_is_refused_and_not_created, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;

    for (new, field) in [
        (new_workspace("Avec Majuscules"), "slug"),
        (new_workspace("-tiret"), "slug"),
        (new_workspace("a"), "slug"),
        (
            NewWorkspace {
                name: "   ".into(),
                ..new_workspace("vide")
            },
            "name",
        ),
        (
            NewWorkspace {
                dormant_months: 0,
                ..new_workspace("zero")
            },
            "dormant_months",
        ),
    ] {
        let err = store
            .create_workspace(alice.user_id, &new)
            .await
            .expect_err("invalid workspace");
        assert!(
            matches!(err, StoreError::Invalid { field: f, .. } if f == field),
            "{}: {err:?}",
            new.slug
        );
    }
    assert!(store.is_empty().await.unwrap());
});

partinnov_store::dual_test!(creator_is_owner_and_only_an_owner_changes_members, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    let owner = workspace(store, &alice, "asdies").await;
    let (eddy, editor) = member(store, &owner, "eddy@example.org", "Eddy", Role::Editor).await;
    let rita = user(store, "rita@example.org", "Rita").await;

    assert_eq!(owner.role, Role::Owner);
    assert_eq!(owner.dormant_months, 12);
    let err = store
        .set_member(&editor, rita.user_id, Role::Owner)
        .await
        .expect_err("editor manages members");
    assert!(matches!(err, StoreError::Forbidden), "{err:?}");
    assert!(store.scope(&rita, "asdies").await.is_err());

    store
        .set_member(&owner, rita.user_id, Role::Reader)
        .await
        .unwrap();
    store
        .set_member(&owner, eddy.user_id, Role::Reader)
        .await
        .unwrap();

    let members: Vec<(String, String)> = store
        .members(&owner)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.name, m.role))
        .collect();
    assert_eq!(
        members,
        [
            ("Alice".to_owned(), "owner".to_owned()),
            ("Eddy".to_owned(), "reader".to_owned()),
            ("Rita".to_owned(), "reader".to_owned())
        ]
    );
    assert_eq!(
        store.scope(&eddy, "asdies").await.unwrap().role,
        Role::Reader
    );
    assert_eq!(
        store.workspace_id_by_slug("asdies").await.unwrap(),
        owner.workspace_id
    );
});
