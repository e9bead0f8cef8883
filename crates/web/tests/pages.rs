//! The HTML side over HTTP, on SQLite and PostgreSQL: sign-in, CSRF-protected forms, the
//! French text a person reads, and what is saved (or not) afterwards.

mod common;

use common::{
    Browser, PASSWORD, add_member, create_user, create_workspace, csrf_in, draft, organisation,
    partnership, person, session_cookie, set_cookie, spawn,
};
use partinnov_domain::typology::{Form, PartnershipStatus};
use partinnov_store::{OrganisationId, Role, dual_test};
use reqwest::StatusCode;
use serde_json::json;

const LIST: &str = "/api/v1/workspaces/alpha/partnerships";

/// A complete "new partnership" form, partner chosen from the suggestions.
fn new_partnership_form(
    csrf: &str,
    title: &str,
    partner: &str,
    notes: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_owned()),
        ("version", "0".to_owned()),
        ("title", title.to_owned()),
        ("status", "actif".to_owned()),
        ("partner_new_0", partner.to_owned()),
        ("partner_new_1", String::new()),
        ("form_code_0", "mecenat_nature".to_owned()),
        ("form_start_0", "2024-01-15".to_owned()),
        ("form_end_0", String::new()),
        ("form_note_0", "palettes de bois".to_owned()),
        ("form_code_1", String::new()),
        ("form_start_1", String::new()),
        ("form_end_1", String::new()),
        ("form_note_1", String::new()),
        ("objective_party_0", "structure".to_owned()),
        ("objective_rank_0", "1".to_owned()),
        ("objective_text_0", "Former deux salariés".to_owned()),
        ("involvement", String::new()),
        ("priority", "haute".to_owned()),
        ("potential", String::new()),
        ("means", String::new()),
        ("governance", String::new()),
        ("notes", notes.to_owned()),
    ]
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn suggestion(name: &str, id: OrganisationId) -> String {
    format!("{name} (#{id})")
}

dual_test!(the_home_page_without_a_session_redirects_to_sign_in, |db| {
    let app = spawn(&db.store).await;
    let anonymous = Browser { cookies: vec![] };
    for path in ["/", "/espaces/alpha", "/organisations"] {
        let a = app.page(&anonymous, path).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(a.location(), "/connexion", "{path}");
    }
    let forged = Browser {
        cookies: vec!["partinnov_session=inventee".into()],
    };
    let a = app.page(&forged, "/").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location(), "/connexion");
});

dual_test!(
    a_wrong_password_shows_the_sign_in_page_again_with_a_french_message,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let a = app.sign_in_with(&alice.email, "pas-le-bon-mot").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert!(
            session_cookie(&a.headers).is_none(),
            "no session on failure"
        );
        let html = a.html();
        assert!(
            html.contains("Adresse électronique ou mot de passe incorrect."),
            "{html}"
        );
        assert!(html.contains("value=\"alpha@example.org\""), "email kept");

        let unknown = app.sign_in_with("personne@example.org", PASSWORD).await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        assert!(
            unknown
                .html()
                .contains("Adresse électronique ou mot de passe incorrect.")
        );
    }
);

dual_test!(
    signing_in_sets_an_http_only_session_cookie_and_leads_to_the_workspaces,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        let a = app.sign_in_with(&alice.email, PASSWORD).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text);
        assert_eq!(a.location(), "/");
        let raw = a.header("set-cookie").to_owned();
        assert!(raw.starts_with("partinnov_session="), "{raw}");
        assert!(
            raw.contains("HttpOnly") && raw.contains("SameSite=Lax"),
            "{raw}"
        );
        let b = Browser {
            cookies: vec![session_cookie(&a.headers).expect("cookie")],
        };

        // One workspace: straight to it.
        let home = app.page(&b, "/").await;
        assert_eq!(home.status, StatusCode::SEE_OTHER);
        assert_eq!(home.location(), "/espaces/alpha");

        // Two: the list, with the role in each.
        let carol = create_user(s, "carol@example.org", "Carol Petit").await;
        let gamma = create_workspace(s, carol, "gamma", "Espace gamma").await;
        add_member(s, gamma, alice.id, Role::Reader).await;
        let home = app.page(&b, "/").await;
        assert_eq!(home.status, StatusCode::OK);
        let html = home.html();
        assert!(html.contains("Mes espaces"), "{html}");
        assert!(html.contains("Espace alpha") && html.contains("Espace gamma"));
        assert!(html.contains("propriétaire") && html.contains("lecteur"));
    }
);

dual_test!(
    the_workspace_home_counts_partnerships_by_status_and_family,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        let org = organisation(s, "Société Générale des Ateliers", 1).await;
        partnership(s, &alice, &draft("Palettes", org, Form::MecenatNature)).await;
        partnership(
            s,
            &alice,
            &draft("Compétences", org, Form::MecenatCompetences),
        )
        .await;
        let mut asleep = draft("Clauses du port", org, Form::ClausesSociales);
        asleep.status = PartnershipStatus::EnSommeil;
        partnership(s, &alice, &asleep).await;
        let b = app.sign_in(&alice.email).await;

        let a = app.page(&b, "/espaces/alpha").await;
        assert_eq!(a.status, StatusCode::OK);
        let html = a.html();
        assert!(html.contains("Tous les partenariats (3)"), "{html}");
        for (filter, label, n) in [
            ("status=actif", "actif", 2),
            ("status=en_sommeil", "en sommeil", 1),
            ("status=termine", "terminé", 0),
            ("family=mecenat", "mécénat", 2),
            ("family=pratiques_responsables", "pratiques responsables", 1),
            ("family=innovation_societale", "innovation sociétale", 0),
        ] {
            let row = format!("?{filter}\">{label}</a></td><td class=\"num\">{n}</td>");
            assert!(html.contains(&row), "missing {row}");
        }
    }
);

dual_test!(
    a_partnership_form_posted_without_its_csrf_token_is_forbidden_and_nothing_is_created,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        let org = organisation(s, "Société Générale des Ateliers", 1).await;
        let b = app.sign_in(&alice.email).await;
        let partner = suggestion("Société Générale des Ateliers", org);

        let mut form = new_partnership_form("", "Sans jeton", &partner, "");
        form.retain(|(k, _)| *k != "csrf");
        let a = app
            .submit(&b, "/espaces/alpha/partenariats/nouveau", &pairs(&form))
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert!(a.html().contains("Action non autorisée"));

        let wrong = new_partnership_form("0123456789abcdef", "Mauvais jeton", &partner, "");
        let a = app
            .submit(&b, "/espaces/alpha/partenariats/nouveau", &pairs(&wrong))
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert_eq!(app.total(&alice.token, LIST).await, 0);
    }
);

dual_test!(
    an_empty_title_is_explained_beside_the_field_and_everything_typed_is_kept,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        let org = organisation(s, "Société Générale des Ateliers", 1).await;
        let b = app.sign_in(&alice.email).await;
        let csrf = app.csrf(&b, "/espaces/alpha/partenariats/nouveau").await;
        let partner = suggestion("Société Générale des Ateliers", org);

        let form =
            new_partnership_form(&csrf, "  ", &partner, "Rencontré au salon de l'ESS à Lyon");
        let a = app
            .submit(&b, "/espaces/alpha/partenariats/nouveau", &pairs(&form))
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
        let html = a.html();
        assert!(
            html.contains(
                "<span class=\"error\" id=\"title-error\">Ce champ est obligatoire.</span>"
            ),
            "{html}"
        );
        assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"title-error\""));
        assert!(
            html.contains(">Rencontré au salon de l'ESS à Lyon</textarea>"),
            "notes kept"
        );
        assert!(
            html.contains("value=\"palettes de bois\""),
            "form note kept"
        );
        assert!(
            html.contains("value=\"Former deux salariés\""),
            "objective kept"
        );
        assert!(html.contains("<option value=\"mecenat_nature\" selected>"));
        assert!(html.contains("<option value=\"haute\" selected>"));
        assert!(
            html.contains(&format!("name=\"partner_id\" value=\"{org}\" checked")),
            "partner kept"
        );
        assert_eq!(csrf_in(&a.text).as_deref(), Some(csrf.as_str()));
        assert_eq!(app.total(&alice.token, LIST).await, 0);
    }
);

dual_test!(a_valid_partnership_form_leads_to_its_page_in_french, |db| {
    let s = &db.store;
    let app = spawn(s).await;
    let alice = person(s, "alpha", "Alice Martin").await;
    let org = organisation(s, "Société Générale des Ateliers", 1).await;
    let b = app.sign_in(&alice.email).await;
    let csrf = app.csrf(&b, "/espaces/alpha/partenariats/nouveau").await;
    let partner = suggestion("Société Générale des Ateliers", org);

    let form = new_partnership_form(&csrf, "Palettes du port", &partner, "Premier contact");
    let a = app
        .submit(&b, "/espaces/alpha/partenariats/nouveau", &pairs(&form))
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text);
    let location = a.location().to_owned();
    let id: i64 = location
        .strip_prefix("/espaces/alpha/partenariats/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirect to the detail page, not {location}"));

    let page = app.page(&b, &location).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert!(html.contains("<h1>Palettes du port</h1>"), "{html}");
    assert!(html.contains("mécénat en nature"));
    assert!(html.contains("15/01/2024"), "start date in French format");
    assert!(html.contains("Société Générale des Ateliers"));
    assert!(html.contains("Former deux salariés"));

    let saved = app
        .get(&alice.token, &format!("/api/v1/partnerships/{id}"))
        .await;
    assert_eq!(saved.json["title"], "Palettes du port");
    assert_eq!(saved.json["partners"][0]["id"], org.0);
    assert_eq!(saved.json["priority"], "haute");
    assert_eq!(saved.json["notes"], "Premier contact");
});

dual_test!(
    a_stale_edit_shows_who_changed_what_with_both_values_and_saves_nothing,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        let org = organisation(s, "Société Générale des Ateliers", 1).await;
        let id = partnership(s, &alice, &draft("Palettes", org, Form::MecenatNature)).await;
        let b = app.sign_in(&alice.email).await;
        let edit = format!("/espaces/alpha/partenariats/{id}/modifier");
        let csrf = app.csrf(&b, &edit).await;

        // Someone else saves first, through the API.
        let body = json!({
            "title": "Titre de Marie", "status": "actif", "partners": [org.0],
            "forms": [{"form": "mecenat_nature", "started_on": "2024-01-15"}], "version": 1
        });
        let saved = app
            .put(&alice.token, &format!("/api/v1/partnerships/{id}"), &body)
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);

        let org_id = org.to_string();
        let form = vec![
            ("csrf", csrf.as_str()),
            ("version", "1"),
            ("title", "Titre de Paul"),
            ("status", "actif"),
            ("partner_id", org_id.as_str()),
            ("form_code_0", "mecenat_nature"),
            ("form_start_0", "2024-01-15"),
            ("notes", ""),
        ];
        let a = app.submit(&b, &edit, &form).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text);
        let html = a.html();
        assert!(
            html.contains("Quelqu'un a modifié ce partenariat"),
            "{html}"
        );
        assert!(
            html.contains(
                "<th scope=\"row\">Intitulé</th><td>Titre de Marie</td><td>Titre de Paul</td>"
            ),
            "both values side by side"
        );
        assert!(
            html.contains("name=\"version\" value=\"2\""),
            "resubmitting keeps mine"
        );

        let now = app
            .get(&alice.token, &format!("/api/v1/partnerships/{id}"))
            .await;
        assert_eq!(now.json["title"], "Titre de Marie");
        assert_eq!(now.json["version"], 2);
    }
);

dual_test!(the_list_page_filters_by_family, |db| {
    let s = &db.store;
    let app = spawn(s).await;
    let alice = person(s, "alpha", "Alice Martin").await;
    let org = organisation(s, "Société Générale des Ateliers", 1).await;
    partnership(
        s,
        &alice,
        &draft("Palettes du port", org, Form::MecenatNature),
    )
    .await;
    partnership(
        s,
        &alice,
        &draft("Clauses du marché", org, Form::ClausesSociales),
    )
    .await;
    let b = app.sign_in(&alice.email).await;

    let all = app.page(&b, "/espaces/alpha/partenariats").await;
    assert_eq!(all.status, StatusCode::OK);
    let html = all.html();
    assert!(html.contains("Palettes du port") && html.contains("Clauses du marché"));

    let mecenat = app
        .page(&b, "/espaces/alpha/partenariats?family=mecenat")
        .await;
    assert_eq!(mecenat.status, StatusCode::OK);
    let html = mecenat.html();
    assert!(html.contains("Palettes du port"), "{html}");
    assert!(!html.contains("Clauses du marché"), "{html}");

    let unknown = app
        .page(&b, "/espaces/alpha/partenariats?family=philatelie")
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown
            .html()
            .contains("Valeur inconnue : choisissez une valeur de la liste.")
    );
});

dual_test!(
    an_organisation_with_a_bad_siret_is_refused_in_french_and_not_saved,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        let before = app.total(&alice.token, "/api/v1/organisations").await;
        let b = app.sign_in(&alice.email).await;
        let csrf = app.csrf(&b, "/organisations/nouvelle").await;

        let a = app
            .submit(
                &b,
                "/organisations/nouvelle",
                &[
                    ("csrf", csrf.as_str()),
                    ("version", "0"),
                    ("name", "Atelier du Lien"),
                    ("siret", "732 829 320 00075"),
                    ("commune_code", "01053"),
                    ("head_office", "on"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
        let html = a.html();
        assert!(html.contains("SIRET n'est pas valide"), "{html}");
        assert!(html.contains("id=\"siret-error\""));
        assert!(html.contains("value=\"732 829 320 00075\""), "siret kept");
        assert!(html.contains("value=\"Atelier du Lien\""), "name kept");
        assert_eq!(
            app.total(&alice.token, "/api/v1/organisations").await,
            before
        );
    }
);

dual_test!(
    the_language_switch_turns_the_pages_to_english_and_back,
    |db| {
        let app = spawn(&db.store).await;
        let alice = person(&db.store, "alpha", "Alice Martin").await;
        let mut b = app.sign_in(&alice.email).await;

        let switch = app
            .client
            .get(app.url("/langue/en"))
            .header("cookie", b.cookie_header())
            .header("referer", app.url("/espaces/alpha"))
            .send()
            .await
            .expect("request");
        assert_eq!(switch.status(), StatusCode::SEE_OTHER);
        assert_eq!(switch.headers()["location"], "/espaces/alpha");
        let lang = set_cookie(switch.headers(), "partinnov_lang").expect("language cookie");
        assert_eq!(lang, "partinnov_lang=en");
        b.keep(lang);

        let html = app.page(&b, "/espaces/alpha").await.html();
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("All partnerships (0)"), "{html}");
        assert!(html.contains("Partnerships by family of form"));
        assert!(!html.contains("Tous les partenariats"));

        let back = app.page(&b, "/langue/fr").await;
        assert_eq!(back.location(), "/");
        b.keep(set_cookie(&back.headers, "partinnov_lang").expect("language cookie"));
        let html = app.page(&b, "/espaces/alpha").await.html();
        assert!(html.contains("Tous les partenariats (0)"));
    }
);

dual_test!(another_workspaces_partnership_page_is_not_found, |db| {
    let s = &db.store;
    let app = spawn(s).await;
    let alice = person(s, "alpha", "Alice Martin").await;
    let bob = person(s, "beta", "Bob Durand").await;
    let org = organisation(s, "Société Générale des Ateliers", 1).await;
    let theirs = partnership(s, &bob, &draft("Chez Bob", org, Form::MecenatNature)).await;
    let b = app.sign_in(&alice.email).await;

    for path in [
        format!("/espaces/beta/partenariats/{theirs}"),
        format!("/espaces/alpha/partenariats/{theirs}"),
        format!("/espaces/alpha/partenariats/{theirs}/modifier"),
        "/espaces/beta".to_owned(),
        "/espaces/beta/partenariats".to_owned(),
    ] {
        let a = app.page(&b, &path).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}");
        let html = a.html();
        assert!(html.contains("<h1>Introuvable</h1>"), "{path}: {html}");
        assert!(!html.contains("Chez Bob"), "{path}");
    }

    let csrf = app.csrf(&b, "/espaces/alpha").await;
    let org_id = org.to_string();
    let a = app
        .submit(
            &b,
            &format!("/espaces/alpha/partenariats/{theirs}/modifier"),
            &[
                ("csrf", csrf.as_str()),
                ("version", "1"),
                ("title", "Volé"),
                ("status", "actif"),
                ("partner_id", org_id.as_str()),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let still = app
        .get(&bob.token, &format!("/api/v1/partnerships/{theirs}"))
        .await;
    assert_eq!(still.json["title"], "Chez Bob");
    assert_eq!(still.json["version"], 1);
});
