//! Accounts, password sign-in and its throttling, sessions and API tokens; and the
//! migrations a restart must not re-apply. Each test runs on SQLite and on PostgreSQL
//! (`name::sqlite`, `name::postgres`).
#![cfg(feature = "testing")]

mod common;

use common::*;
use partinnov_store::{
    Store, StoreError, TokenId,
    users::{MAX_FAILURES, NewUser, SignInError},
};

fn new_user<'a>(email: &'a str, password: &'a str) -> NewUser<'a> {
    NewUser {
        email,
        name: "Alice Martin",
        password,
        is_admin: false,
    }
}

partinnov_store::dual_test!(user_is_created_and_found_by_email_in_any_case, |db| {
    let store = &db.store;

    let id = store
        .create_user(new_user("  Alice.Martin@Example.ORG ", PASSWORD))
        .await
        .unwrap();

    let found = store
        .user_by_email("alice.martin@example.org")
        .await
        .unwrap()
        .expect("user saved");
    assert_eq!(found.id, id.0);
    assert_eq!(found.email, "alice.martin@example.org");
    assert_eq!(found.name, "Alice Martin");
    assert!(!found.is_admin);
    assert_eq!(
        store.user(id).await.unwrap().email,
        "alice.martin@example.org"
    );
});

partinnov_store::dual_test!(second_account_with_the_same_email_is_refused, |db| {
    let store = &db.store;
    let first = store
        .create_user(new_user("alice@example.org", PASSWORD))
        .await
        .unwrap();

    let err = store
        .create_user(NewUser {
            name: "Usurpatrice",
            ..new_user("ALICE@example.org", "another long password")
        })
        .await
        .expect_err("same email twice");

    assert!(
        matches!(err, StoreError::Duplicate { field: "email", .. }),
        "{err:?}"
    );
    let kept = store
        .user_by_email("alice@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((kept.id, kept.name.as_str()), (first.0, "Alice Martin"));
    // The first password still works: the refused account changed nothing.
    assert!(
        store
            .sign_in("alice@example.org", PASSWORD)
            .await
            .unwrap()
            .is_ok()
    );
});

partinnov_store::dual_test!(
    short_password_or_bad_email_is_refused_and_no_account_is_created,
    |db| {
        let store = &db.store;

        let short = store
            .create_user(new_user("alice@example.org", "court"))
            .await
            .expect_err("short password");
        let no_at = store
            .create_user(new_user("alice.example.org", PASSWORD))
            .await
            .expect_err("email without @");

        assert!(
            matches!(
                short,
                StoreError::Invalid {
                    field: "password",
                    code: "password_too_short"
                }
            ),
            "{short:?}"
        );
        assert!(
            matches!(no_at, StoreError::Invalid { field: "email", .. }),
            "{no_at:?}"
        );
        assert!(
            store
                .user_by_email("alice@example.org")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .user_by_email("alice.example.org")
                .await
                .unwrap()
                .is_none()
        );
    }
);

partinnov_store::dual_test!(
    sign_in_accepts_the_right_password_and_refuses_a_wrong_one,
    |db| {
        let store = &db.store;
        let id = store
            .create_user(new_user("alice@example.org", PASSWORD))
            .await
            .unwrap();

        let right = store.sign_in("Alice@Example.org", PASSWORD).await.unwrap();
        let wrong = store
            .sign_in("alice@example.org", "not the password")
            .await
            .unwrap();
        let nobody = store.sign_in("nobody@example.org", PASSWORD).await.unwrap();

        assert_eq!(right.expect("signed in").id, id.0);
        assert_eq!(wrong.unwrap_err(), SignInError::BadCredentials);
        assert_eq!(nobody.unwrap_err(), SignInError::BadCredentials);
    }
);

partinnov_store::dual_test!(
    after_five_failures_even_the_right_password_is_throttled,
    |db| {
        let store = &db.store;
        store
            .create_user(new_user("alice@example.org", PASSWORD))
            .await
            .unwrap();

        for attempt in 1..=MAX_FAILURES {
            let r = store
                .sign_in("alice@example.org", "wrong guess")
                .await
                .unwrap();
            assert_eq!(
                r.unwrap_err(),
                SignInError::BadCredentials,
                "attempt {attempt}"
            );
        }
        let sixth = store.sign_in("alice@example.org", PASSWORD).await.unwrap();

        assert_eq!(sixth.unwrap_err(), SignInError::Throttled);
        // Other accounts are not held back.
        store
            .create_user(new_user("bob@example.org", PASSWORD))
            .await
            .unwrap();
        assert!(
            store
                .sign_in("bob@example.org", PASSWORD)
                .await
                .unwrap()
                .is_ok()
        );
    }
);

partinnov_store::dual_test!(successful_sign_in_forgets_earlier_failures, |db| {
    let store = &db.store;
    store
        .create_user(new_user("alice@example.org", PASSWORD))
        .await
        .unwrap();
    for _ in 1..MAX_FAILURES {
        store
            .sign_in("alice@example.org", "typo")
            .await
            .unwrap()
            .unwrap_err();
    }
    store
        .sign_in("alice@example.org", PASSWORD)
        .await
        .unwrap()
        .unwrap();

    for _ in 1..MAX_FAILURES {
        store
            .sign_in("alice@example.org", "typo")
            .await
            .unwrap()
            .unwrap_err();
    }
    let again = store.sign_in("alice@example.org", PASSWORD).await.unwrap();

    assert!(again.is_ok(), "{:?}", again.err());
});

partinnov_store::dual_test!(
    session_gives_back_the_caller_and_csrf_token_until_it_is_deleted,
    |db| {
        let store = &db.store;
        let alice = user(store, "alice@example.org", "Alice").await;

        let session = store.create_session(alice.user_id).await.unwrap();

        assert_ne!(session.secret, session.csrf_token);
        assert!(session.expires_at > chrono::Utc::now() + chrono::Duration::days(13));
        let (caller, csrf) = store
            .session(&session.secret)
            .await
            .unwrap()
            .expect("live session");
        assert_eq!(caller.user_id, alice.user_id);
        assert_eq!(
            (caller.email.as_str(), caller.name.as_str()),
            ("alice@example.org", "Alice")
        );
        assert_eq!((caller.only_workspace, caller.read_only), (None, false));
        assert_eq!(csrf, session.csrf_token);
        assert!(store.session("not-a-session").await.unwrap().is_none());

        store.delete_session(&session.secret).await.unwrap();

        assert!(store.session(&session.secret).await.unwrap().is_none());
    }
);

partinnov_store::dual_test!(token_identifies_its_user_and_records_its_last_use, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    let scope = workspace(store, &alice, "asdies").await;

    let (id, secret) = store
        .create_token(
            alice.user_id,
            "  Export tableur ",
            Some(scope.workspace_id),
            true,
        )
        .await
        .unwrap();
    let before = store.tokens(alice.user_id).await.unwrap();
    let caller = store
        .caller_by_token(&secret)
        .await
        .unwrap()
        .expect("live token");
    let after = store.tokens(alice.user_id).await.unwrap();

    assert_eq!(caller.user_id, alice.user_id);
    assert_eq!(caller.email, "alice@example.org");
    assert_eq!(caller.only_workspace, Some(scope.workspace_id));
    assert!(caller.read_only);
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].id, id.0);
    assert_eq!(before[0].name, "Export tableur");
    assert_eq!(before[0].workspace_id, Some(scope.workspace_id.0));
    assert!(before[0].read_only);
    assert!(before[0].last_used_at.is_none());
    assert!(after[0].last_used_at.is_some());
    assert!(
        store
            .caller_by_token("pi_not-a-token")
            .await
            .unwrap()
            .is_none()
    );
});

partinnov_store::dual_test!(revoked_token_no_longer_identifies_anyone, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    let bob = user(store, "bob@example.org", "Bob").await;
    let (id, secret) = store
        .create_token(alice.user_id, "script", None, false)
        .await
        .unwrap();

    let by_other = store
        .revoke_token(bob.user_id, id)
        .await
        .expect_err("someone else's token");
    assert!(
        matches!(by_other, StoreError::NotFound { .. }),
        "{by_other:?}"
    );
    assert!(store.caller_by_token(&secret).await.unwrap().is_some());

    store.revoke_token(alice.user_id, id).await.unwrap();

    assert!(store.caller_by_token(&secret).await.unwrap().is_none());
    let listed = store.tokens(alice.user_id).await.unwrap();
    assert!(listed[0].revoked_at.is_some());
    let twice = store
        .revoke_token(alice.user_id, id)
        .await
        .expect_err("already revoked");
    assert!(matches!(twice, StoreError::NotFound { .. }), "{twice:?}");
    let unknown = store
        .revoke_token(alice.user_id, TokenId(987_654))
        .await
        .expect_err("unknown token");
    assert!(
        matches!(unknown, StoreError::NotFound { .. }),
        "{unknown:?}"
    );
});

partinnov_store::dual_test!(token_list_never_shows_the_secret, |db| {
    let store = &db.store;
    let alice = user(store, "alice@example.org", "Alice").await;
    let (_, first) = store
        .create_token(alice.user_id, "un", None, false)
        .await
        .unwrap();
    let (_, second) = store
        .create_token(alice.user_id, "deux", None, true)
        .await
        .unwrap();
    store.caller_by_token(&first).await.unwrap().unwrap();

    let listed = store.tokens(alice.user_id).await.unwrap();

    assert_eq!(
        listed.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["deux", "un"]
    );
    let shown = serde_json::to_string(&listed).unwrap();
    for secret in [&first, &second] {
        assert!(secret.starts_with("pi_") && secret.len() > 60, "{secret}");
        assert!(!shown.contains(secret.as_str()));
        assert!(!shown.contains(&secret[3..]));
    }
    let bob = user(store, "bob@example.org", "Bob").await;
    assert!(store.tokens(bob.user_id).await.unwrap().is_empty());
});

partinnov_store::dual_test!(
    opening_the_same_database_again_applies_no_migration_twice,
    |db| {
        let store = &db.store;
        let version = store.schema_version().await.unwrap();
        assert!(version >= 1, "migrated on first open");
        let alice = user(store, "alice@example.org", "Alice").await;

        // A migration applied twice would fail (its CREATE TABLEs have no IF NOT EXISTS).
        let again = Store::open(&db.url).await.expect("reopen");
        let third = Store::open(&db.url).await.expect("reopen again");

        assert_eq!(again.schema_version().await.unwrap(), version);
        assert_eq!(third.schema_version().await.unwrap(), version);
        let kept = again
            .user_by_email("alice@example.org")
            .await
            .unwrap()
            .expect("data kept");
        assert_eq!(kept.id, alice.user_id.0);
        again.close().await.unwrap();
        third.close().await.unwrap();
    }
);

partinnov_store::dual_test!(
    remembered_callers_are_forgotten_by_this_process_changes,
    |db| {
        // An hour, so that only the invalidations can make an entry go within the test.
        let store = &db
            .store
            .clone()
            .remember_callers(std::time::Duration::from_secs(3600));
        let alice = user(store, "alice@example.org", "Alice").await;
        let bob = user(store, "bob@example.org", "Bob").await;
        let scope = workspace(store, &alice, "asdies").await;
        store
            .set_member(&scope, bob.user_id, partinnov_store::Role::Editor)
            .await
            .unwrap();
        let (token, secret) = store
            .create_token(alice.user_id, "script", None, false)
            .await
            .unwrap();
        let signed_out = store.create_session(alice.user_id).await.unwrap();
        let reset = store.create_session(bob.user_id).await.unwrap();
        for _ in 0..2 {
            assert!(store.caller_by_token(&secret).await.unwrap().is_some());
            assert!(store.session(&signed_out.secret).await.unwrap().is_some());
            let (who, csrf) = store.session(&reset.secret).await.unwrap().expect("live");
            assert_eq!((who.user_id, csrf), (bob.user_id, reset.csrf_token.clone()));
        }

        store.revoke_token(alice.user_id, token).await.unwrap();
        store.delete_session(&signed_out.secret).await.unwrap();
        store
            .reset_member_password(&scope, bob.user_id, "a new password, long enough")
            .await
            .unwrap();

        assert!(store.caller_by_token(&secret).await.unwrap().is_none());
        assert!(store.session(&signed_out.secret).await.unwrap().is_none());
        assert!(store.session(&reset.secret).await.unwrap().is_none());

        let (_, again) = store
            .create_token(alice.user_id, "again", None, false)
            .await
            .unwrap();
        let session = store.create_session(alice.user_id).await.unwrap();
        assert!(store.caller_by_token(&again).await.unwrap().is_some());
        assert!(store.session(&session.secret).await.unwrap().is_some());
        store
            .operator_set_enabled("alice@example.org", false)
            .await
            .unwrap();
        assert!(store.caller_by_token(&again).await.unwrap().is_none());
        assert!(store.session(&session.secret).await.unwrap().is_none());
    }
);
