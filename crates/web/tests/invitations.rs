//! Journey 1's "invites the CIP": an owner creates a link, the person creates an account
//! from it and lands in the workspace with the invited role; the link works once; owners
//! change roles and remove members, and a workspace always keeps an owner.

mod common;

use common::*;
use reqwest::StatusCode;

/// The secret of the invitation link shown once on the settings page.
fn link_secret(html: &str) -> String {
    let start = html
        .find("/invitation/")
        .expect("an invitation link on the page")
        + "/invitation/".len();
    html[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

partinnov_store::dual_test!(
    an_invited_person_creates_an_account_and_joins_once_with_the_role,
    |db| {
        let app = spawn(&db.store).await;
        let owner = person(&db.store, "atelier", "Claire Direction").await;
        let b = app.sign_in(&owner.email).await;
        let csrf = app.csrf(&b, "/espaces/atelier/parametres").await;
        let made = app
            .submit(
                &b,
                "/espaces/atelier/invitations",
                &[("csrf", &csrf), ("role", "editor")],
            )
            .await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.text);
        let secret = link_secret(&made.text);
        assert_eq!(secret.len(), 64);

        let anonymous = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let landing = anonymous
            .get(app.url(&format!("/invitation/{secret}")))
            .send()
            .await
            .unwrap();
        assert_eq!(landing.status(), StatusCode::OK);
        assert!(landing.text().await.unwrap().contains("Espace atelier"));

        // A short password is explained and creates nothing.
        let short = anonymous
            .post(app.url(&format!("/invitation/{secret}/compte")))
            .form(&[
                ("name", "Camille CIP"),
                ("email", "camille@example.org"),
                ("password", "court"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unescape(&short.text().await.unwrap()).contains("au moins 8 caractères"));
        assert!(
            db.store
                .user_by_email("camille@example.org")
                .await
                .unwrap()
                .is_none()
        );

        let joined = anonymous
            .post(app.url(&format!("/invitation/{secret}/compte")))
            .form(&[
                ("name", "Camille CIP"),
                ("email", "camille@example.org"),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(joined.status(), StatusCode::SEE_OTHER);
        assert_eq!(joined.headers()["location"], "/espaces/atelier");
        assert!(
            session_cookie(joined.headers()).is_some(),
            "signed in at once"
        );

        // As an editor, Camille may open the new-partnership form.
        let camille = app.sign_in("camille@example.org").await;
        assert_eq!(
            app.page(&camille, "/espaces/atelier/partenariats/nouveau")
                .await
                .status,
            StatusCode::OK
        );

        // The link works once; a forged one looks the same.
        let again = anonymous
            .get(app.url(&format!("/invitation/{secret}")))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_FOUND);
        assert!(
            unescape(&again.text().await.unwrap()).contains("pas (ou plus) valable"),
            "the page says the link is no longer valid"
        );
        let forged = anonymous
            .get(app.url(&format!("/invitation/{}", "0".repeat(64))))
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::NOT_FOUND);
    }
);

partinnov_store::dual_test!(
    a_signed_in_person_joins_with_the_link_and_an_owner_can_remove_them,
    |db| {
        let app = spawn(&db.store).await;
        let owner = person(&db.store, "atelier", "Claire Direction").await;
        let adviser = person(&db.store, "dla", "Nadia Conseil").await;
        let b = app.sign_in(&owner.email).await;
        let csrf = app.csrf(&b, "/espaces/atelier/parametres").await;
        let made = app
            .submit(
                &b,
                "/espaces/atelier/invitations",
                &[("csrf", &csrf), ("role", "reader")],
            )
            .await;
        let secret = link_secret(&made.text);

        let nadia = app.sign_in(&adviser.email).await;
        let nadia_csrf = app.csrf(&nadia, &format!("/invitation/{secret}")).await;
        let joined = app
            .submit(
                &nadia,
                &format!("/invitation/{secret}"),
                &[("csrf", &nadia_csrf)],
            )
            .await;
        assert_eq!(joined.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.page(&nadia, "/espaces/atelier").await.status,
            StatusCode::OK,
            "the adviser now sees a second workspace"
        );
        // A reader cannot open the new-partnership form.
        assert_eq!(
            app.page(&nadia, "/espaces/atelier/partenariats/nouveau")
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        let removed = app
            .submit(
                &b,
                &format!("/espaces/atelier/membres/{}", adviser.id.0),
                &[("csrf", &csrf), ("role", "remove")],
            )
            .await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.text);
        assert_eq!(
            app.page(&nadia, "/espaces/atelier").await.status,
            StatusCode::NOT_FOUND,
            "removed members see nothing"
        );
    }
);

partinnov_store::dual_test!(
    the_last_owner_cannot_step_down_and_a_non_owner_cannot_manage_members,
    |db| {
        let app = spawn(&db.store).await;
        let owner = person(&db.store, "atelier", "Claire Direction").await;
        let b = app.sign_in(&owner.email).await;
        let csrf = app.csrf(&b, "/espaces/atelier/parametres").await;
        let refused = app
            .submit(
                &b,
                &format!("/espaces/atelier/membres/{}", owner.id.0),
                &[("csrf", &csrf), ("role", "editor")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .html()
                .contains("au moins une personne propriétaire")
        );

        let editor = create_user(&db.store, "edith@example.org", "Edith").await;
        add_member(
            &db.store,
            owner.workspace,
            editor,
            partinnov_store::Role::Editor,
        )
        .await;
        let e = app.sign_in("edith@example.org").await;
        let e_csrf = app.csrf(&e, "/espaces/atelier/parametres").await;
        let attempt = app
            .submit(
                &e,
                "/espaces/atelier/invitations",
                &[("csrf", &e_csrf), ("role", "owner")],
            )
            .await;
        assert_eq!(attempt.status, StatusCode::FORBIDDEN);
        let attempt = app
            .submit(
                &e,
                &format!("/espaces/atelier/membres/{}", owner.id.0),
                &[("csrf", &e_csrf), ("role", "remove")],
            )
            .await;
        assert_eq!(attempt.status, StatusCode::FORBIDDEN);
    }
);
