#![cfg(feature = "testing")]
//! Moving up: a structure that started on SQLite moves to PostgreSQL (and back) with a
//! backup and a restore, and nothing is lost.

use chrono::NaiveDate;
use partinnov_domain::{
    identity::synthetic_siret,
    kind::StructureKind,
    typology::{Form, InteractionKind, ObjectiveParty, PartnershipStatus},
};
use partinnov_store::{
    Caller, Store,
    backup::RestoreError,
    organisations::OrganisationDraft,
    partnerships::{FormPeriod, Objective, PartnershipDraft, PartnershipQuery},
    people::{ContactDraft, InteractionDraft},
    testing::TestDb,
    users::NewUser,
    workspaces::NewWorkspace,
};

/// A small but complete inventory: users, registry, workspace, partnership with forms,
/// objectives, holders, an interaction, a contact, and the audit trail they leave.
async fn fill(store: &Store) {
    let owner = store
        .create_user(NewUser {
            email: "direction@exemple.fr",
            name: "Élise Direction",
            password: "motdepasse-long",
            is_admin: false,
        })
        .await
        .unwrap();
    let ws = store
        .create_workspace(
            owner,
            &NewWorkspace {
                slug: "atelier".into(),
                name: "L'Atelier".into(),
                organisation_id: None,
                dormant_months: 12,
            },
        )
        .await
        .unwrap();
    store
        .create_token(owner, "script", Some(ws), true)
        .await
        .unwrap();
    let caller = Caller {
        user_id: owner,
        name: "Élise".into(),
        email: "direction@exemple.fr".into(),
        is_admin: false,
        only_workspace: None,
        read_only: false,
    };
    let partner = store
        .create_organisation(
            &caller,
            &OrganisationDraft {
                name: "Société Générale de Tissage".into(),
                siret: Some(synthetic_siret(7)),
                kinds: vec![StructureKind::EntPme],
                head_office: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let scope = store.scope(&caller, "atelier").await.unwrap();
    let p = store
        .create_partnership(
            &scope,
            &PartnershipDraft {
                title: "Dons de tissu puis sous-traitance".into(),
                status: PartnershipStatus::Actif,
                involvement: None,
                priority: None,
                potential: None,
                means: "Camion prêté".into(),
                governance: String::new(),
                notes: "Accents : éàüœ".into(),
                partners: vec![partner],
                forms: vec![FormPeriod {
                    form: Form::MecenatNature,
                    started_on: NaiveDate::from_ymd_opt(2019, 3, 1),
                    ended_on: NaiveDate::from_ymd_opt(2020, 12, 31),
                    note: String::new(),
                }],
                objectives: vec![Objective {
                    party: ObjectiveParty::Territoire,
                    rank: 1,
                    text: "Emplois durables".into(),
                }],
                holders: vec![owner],
            },
        )
        .await
        .unwrap();
    store
        .create_interaction(
            &scope,
            p.id,
            &InteractionDraft {
                kind: InteractionKind::Visite,
                occurred_on: NaiveDate::from_ymd_opt(2023, 5, 4).unwrap(),
                participants: "Élise".into(),
                note: String::new(),
            },
        )
        .await
        .unwrap();
    store
        .create_contact(
            &scope,
            &ContactDraft {
                organisation_id: Some(partner),
                name: "Jeanne Achat".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // Outcomes and flows (migrations 2 and 4), with NULLs, a boolean and a date.
    store
        .create_outcome(
            &scope,
            p.id,
            &partinnov_store::outcomes::OutcomeDraft {
                person_ref: partinnov_domain::event::PersonRef::parse("P-2024-001").unwrap(),
                kind: partinnov_domain::event::OutcomeKind::Pmsmp,
                started_on: NaiveDate::from_ymd_opt(2024, 3, 4),
                ended_on: NaiveDate::from_ymd_opt(2024, 3, 15),
                days: Some(10),
                hours: None,
                contract: None,
                duration_days: None,
                aided: false,
                working_time_pct: None,
                note: "Immersion réussie".into(),
            },
        )
        .await
        .unwrap();
    store
        .create_flow(
            &scope,
            p.id,
            &partinnov_store::flows::FlowDraft {
                kind: partinnov_domain::flow::FlowKind::DonFinancier,
                year: 2024,
                amount_cents: 1_250_000,
                days: None,
                day_rate_cents: None,
                note: "Don à l'été".into(),
            },
        )
        .await
        .unwrap();
    // The strategy canvas and its action plan (migration 8).
    store
        .save_strategy(
            &scope,
            0,
            &partinnov_store::strategy::StrategyDraft {
                answers: vec![(
                    partinnov_domain::strategy::StrategyQuestion::Axes,
                    "Emploi durable : « d'abord »".into(),
                )],
                priorities: Some(vec!["Filière textile".into()]),
            },
        )
        .await
        .unwrap();
    store
        .create_action(
            &scope,
            &partinnov_store::actions::PlanActionDraft {
                title: "Relancer pour un nouveau don".into(),
                partnership_id: Some(p.id),
                owner_id: Some(owner),
                due_on: NaiveDate::from_ymd_opt(2026, 1, 15),
                status: partinnov_domain::strategy::ActionStatus::EnCours,
                note: String::new(),
            },
        )
        .await
        .unwrap();
    // An evaluation with a qualitative measurement: text, date, boolean and NULL figure.
    let e = store
        .create_evaluation(
            &scope,
            p.id,
            partinnov_domain::evaluation::DEFAULT_TEMPLATE,
            "",
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        )
        .await
        .unwrap();
    store
        .add_measurement(
            &scope,
            e.criteria[0].indicators[3].id,
            &partinnov_store::evaluations::MeasurementDraft {
                measured_on: NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
                value: partinnov_domain::evaluation::MeasureValue::Text("Très innovant".into()),
                note: "Accents : éàü".into(),
                filled_by: partinnov_domain::evaluation::FilledBy::Structure,
            },
        )
        .await
        .unwrap();
    // Guests (migration 11): an invited partner who wrote to the team, a pending
    // invitation for an observer.
    let guest = store
        .create_user(NewUser {
            email: "rse@fondation.fr",
            name: "Rose RSE",
            password: "motdepasse-long",
            is_admin: false,
        })
        .await
        .unwrap();
    store
        .add_guest_unchecked(
            ws,
            guest,
            partinnov_store::guests::GuestRole::Partner,
            Some(partner),
        )
        .await
        .unwrap();
    let rose = Caller {
        user_id: guest,
        name: "Rose RSE".into(),
        email: "rse@fondation.fr".into(),
        is_admin: false,
        only_workspace: None,
        read_only: false,
    };
    let g = store.guest_scope(&rose, "atelier").await.unwrap();
    store
        .add_shared_comment(&g, p.id, "Merci « pour tout »")
        .await
        .unwrap();
    store
        .invite_guest(&scope, partinnov_store::guests::GuestRole::Observer, None)
        .await
        .unwrap();
}

async fn archive(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.backup(&mut out).await.unwrap();
    out
}

/// The archive without its header line (which carries the time of the backup).
fn body(archive: &[u8]) -> String {
    String::from_utf8(archive.to_vec())
        .unwrap()
        .split_once('\n')
        .unwrap()
        .1
        .to_owned()
}

async fn check_usable(store: &Store) {
    let user = store
        .sign_in("direction@exemple.fr", "motdepasse-long")
        .await
        .unwrap()
        .expect("the password survives the move");
    let caller = Caller {
        user_id: partinnov_store::UserId(user.id),
        name: user.name,
        email: user.email,
        is_admin: false,
        only_workspace: None,
        read_only: false,
    };
    let scope = store.scope(&caller, "atelier").await.unwrap();
    let page = store
        .partnerships(
            &scope,
            &PartnershipQuery {
                per_page: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    let p = &page.items[0];
    assert_eq!(p.data.notes, "Accents : éàüœ");
    assert_eq!(p.last_interaction_on, NaiveDate::from_ymd_opt(2023, 5, 4));
    assert_eq!(
        store.partnership_history(&scope, p.id).await.unwrap().len(),
        1,
        "the history comes along"
    );
    // Outcomes and flows come along: what the partnership produced is not lost.
    let outcomes = store.outcomes(&scope, p.id).await.unwrap();
    assert_eq!(outcomes.len(), 1, "the immersion survives the move");
    assert_eq!(outcomes[0].data.days, Some(10));
    let flows = store.flows(&scope, p.id).await.unwrap();
    assert_eq!(flows.len(), 1, "the donation survives the move");
    assert_eq!(flows[0].data.amount_cents, 1_250_000);
    let strategy = store.strategy(&scope).await.unwrap();
    assert_eq!(strategy.answers[0].text, "Emploi durable : « d'abord »");
    assert_eq!(strategy.priorities, ["Filière textile"]);
    let actions = store.plan_actions(&scope).await.unwrap();
    assert_eq!(
        actions[0].partnership_title.as_deref(),
        Some(p.data.title.as_str())
    );
    assert_eq!(actions[0].owner_name.as_deref(), Some("Élise Direction"));
    // The invited partner still sees its partnership and the conversation.
    let rose = store
        .user_by_email("rse@fondation.fr")
        .await
        .unwrap()
        .unwrap();
    let g = store
        .guest_scope(
            &Caller {
                user_id: partinnov_store::UserId(rose.id),
                name: rose.name,
                email: rose.email,
                is_admin: false,
                only_workspace: None,
                read_only: false,
            },
            "atelier",
        )
        .await
        .expect("the guest survives the move");
    assert_eq!(store.shared_partnerships(&g).await.unwrap().len(), 1);
    let comments = store.comments(&scope, p.id).await.unwrap();
    assert_eq!(comments[0].body, "Merci « pour tout »");
    assert!(comments[0].from_partner);
    assert_eq!(store.invitations(&scope).await.unwrap().len(), 1);
    // New rows get fresh ids after the restored ones (identity sequences follow).
    let again = store
        .create_contact(
            &scope,
            &ContactDraft {
                name: "Nouveau contact".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(again.id > 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_laptop_database_moves_to_postgresql_and_back_with_the_same_data() {
    let laptop = TestDb::sqlite().await;
    fill(&laptop.store).await;
    let first = archive(&laptop.store).await;

    let Some(server) = TestDb::postgres().await else {
        // Without PostgreSQL, still prove the round trip SQLite → SQLite.
        let other = TestDb::sqlite().await;
        other.store.restore(first.as_slice()).await.unwrap();
        assert_eq!(body(&archive(&other.store).await), body(&first));
        check_usable(&other.store).await;
        return;
    };
    let summary = server.store.restore(first.as_slice()).await.unwrap();
    assert!(summary.rows > 10);
    let second = archive(&server.store).await;
    assert_eq!(
        body(&second),
        body(&first),
        "PostgreSQL holds exactly what the laptop held"
    );

    let back = TestDb::sqlite().await;
    back.store.restore(second.as_slice()).await.unwrap();
    assert_eq!(
        body(&archive(&back.store).await),
        body(&first),
        "and back again"
    );

    check_usable(&server.store).await;
    check_usable(&back.store).await;
}

partinnov_store::dual_test!(
    restoring_into_a_database_that_has_data_is_refused_and_changes_nothing,
    |db| {
        fill(&db.store).await;
        let before = archive(&db.store).await;
        let err = db.store.restore(before.as_slice()).await.unwrap_err();
        assert!(matches!(err, RestoreError::NotEmpty { .. }), "{err}");
        assert_eq!(body(&archive(&db.store).await), body(&before));
    }
);

partinnov_store::dual_test!(
    a_damaged_archive_restores_nothing_and_names_the_line,
    |db| {
        let source = TestDb::sqlite().await;
        fill(&source.store).await;
        let good = String::from_utf8(archive(&source.store).await).unwrap();
        // Cut the archive in the middle of a row near the end.
        let cut = good.len() - 40;
        let damaged = &good[..cut];
        let err = db.store.restore(damaged.as_bytes()).await.unwrap_err();
        let RestoreError::Malformed { line, .. } = err else {
            panic!("expected Malformed, got {err}")
        };
        assert_eq!(line, damaged.lines().count());
        assert!(db.store.is_empty().await.unwrap(), "nothing was written");
        assert!(
            db.store
                .user_by_email("direction@exemple.fr")
                .await
                .unwrap()
                .is_none()
        );
    }
);

partinnov_store::dual_test!(
    an_archive_made_before_a_column_was_added_restores_with_its_default,
    |db| {
        let source = TestDb::sqlite().await;
        fill(&source.store).await;
        let good = String::from_utf8(archive(&source.store).await).unwrap();
        // The archive as version 11 wrote it: `users` without the two columns of 12.
        let mut in_users = false;
        let older: Vec<String> = good
            .lines()
            .map(|line| {
                let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
                if let Some(table) = v.get("table").and_then(|t| t.as_str()) {
                    in_users = table == "users";
                    if in_users {
                        let cols = v["columns"].as_array_mut().unwrap();
                        cols.truncate(cols.len() - 2);
                    }
                } else if in_users && v.is_array() {
                    let cells = v.as_array_mut().unwrap();
                    cells.truncate(cells.len() - 2);
                }
                v.to_string()
            })
            .collect();
        db.store
            .restore(older.join("\n").as_bytes())
            .await
            .expect("an older archive restores");
        check_usable(&db.store).await;
        // A column this version does not know is still refused, naming its line.
        let renamed = good.replacen("\"password_hash\"", "\"mot_de_passe\"", 1);
        let fresh = TestDb::sqlite().await;
        let err = fresh.store.restore(renamed.as_bytes()).await.unwrap_err();
        assert!(matches!(err, RestoreError::Malformed { .. }), "{err}");
    }
);
