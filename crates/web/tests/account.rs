//! The person's own account: a password change needs the current one; a token made in the
//! interface works on the API, shows its last use, and stops working once revoked.

mod common;

use common::*;
use reqwest::StatusCode;

partinnov_store::dual_test!(
    a_password_change_needs_the_current_password_and_matching_entries,
    |db| {
        let app = spawn(&db.store).await;
        let me = person(&db.store, "atelier", "Claire Direction").await;
        let b = app.sign_in(&me.email).await;
        let csrf = app.csrf(&b, "/compte").await;

        let wrong = app
            .submit(
                &b,
                "/compte/mot-de-passe",
                &[
                    ("csrf", &csrf),
                    ("current", "pas-le-bon"),
                    ("new", "nouveau-secret"),
                    ("confirm", "nouveau-secret"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.html().contains("pas votre mot de passe actuel"));
        let differ = app
            .submit(
                &b,
                "/compte/mot-de-passe",
                &[
                    ("csrf", &csrf),
                    ("current", PASSWORD),
                    ("new", "nouveau-secret"),
                    ("confirm", "autre-secret"),
                ],
            )
            .await;
        assert!(differ.html().contains("diffèrent"));
        assert_eq!(
            app.sign_in_with(&me.email, PASSWORD).await.status,
            StatusCode::SEE_OTHER,
            "unchanged so far"
        );

        let ok = app
            .submit(
                &b,
                "/compte/mot-de-passe",
                &[
                    ("csrf", &csrf),
                    ("current", PASSWORD),
                    ("new", "nouveau-secret"),
                    ("confirm", "nouveau-secret"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK);
        assert!(ok.html().contains("Mot de passe changé"));
        assert_eq!(
            app.sign_in_with(&me.email, PASSWORD).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.sign_in_with(&me.email, "nouveau-secret").await.status,
            StatusCode::SEE_OTHER
        );
    }
);

partinnov_store::dual_test!(a_token_made_in_the_interface_works_until_revoked, |db| {
    let app = spawn(&db.store).await;
    let me = person(&db.store, "atelier", "Claire Direction").await;
    let b = app.sign_in(&me.email).await;
    let csrf = app.csrf(&b, "/compte").await;
    let made = app
        .submit(
            &b,
            "/compte/jetons",
            &[
                ("csrf", &csrf),
                ("name", "tableur du réseau"),
                ("workspace", ""),
                ("read_only", "on"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    let start = made.text.find("pi_").expect("the new token is shown once");
    let token: String = made.text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();

    assert_eq!(
        app.get(&token, "/api/v1/workspaces").await.status,
        StatusCode::OK
    );
    let listed = app.page(&b, "/compte").await.html();
    assert!(listed.contains("tableur du réseau") && listed.contains("lecture seule"));
    assert!(!listed.contains(&token), "the secret is never shown again");

    let tokens = db.store.tokens(me.id).await.unwrap();
    let id = tokens
        .iter()
        .find(|k| k.name == "tableur du réseau")
        .unwrap()
        .id;
    assert!(
        tokens
            .iter()
            .find(|k| k.id == id)
            .unwrap()
            .last_used_at
            .is_some(),
        "last use is recorded"
    );
    let revoked = app
        .submit(
            &b,
            &format!("/compte/jetons/{id}/revoquer"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&token, "/api/v1/workspaces").await.status,
        StatusCode::UNAUTHORIZED
    );
});
