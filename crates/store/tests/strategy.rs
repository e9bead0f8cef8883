//! The strategy canvas and the action plan: answers with their history, conflicts on a
//! stale version, priorities, actions checked against the workspace, scope isolation,
//! and the inventory the suggestion rules read.

mod common;

use chrono::{Days, Utc};
use common::*;
use partinnov_domain::{
    event::{OutcomeKind, PersonRef},
    flow::FlowKind,
    kind::StructureKind,
    strategy::{ActionStatus, StrategyQuestion, suggestions::SuggestionRule},
    typology::{Form, PartnershipStatus},
};
use partinnov_store::{
    Role, StoreError,
    actions::PlanActionDraft,
    dual_test,
    flows::FlowDraft,
    outcomes::OutcomeDraft,
    partnerships::FormPeriod,
    strategy::{AnswerEdit, StrategyDraft},
};

fn edit(q: StrategyQuestion, text: &str, version: i64) -> AnswerEdit {
    AnswerEdit {
        question: q,
        text: text.to_owned(),
        version,
    }
}

fn action(title: &str) -> PlanActionDraft {
    PlanActionDraft {
        title: title.to_owned(),
        partnership_id: None,
        owner_id: None,
        due_on: None,
        status: ActionStatus::AFaire,
        note: String::new(),
    }
}

dual_test!(
    answers_are_saved_versioned_and_their_history_says_who,
    |db| {
        let s = &db.store;
        let claire = user(s, "claire@example.org", "Claire Martin").await;
        let ws = workspace(s, &claire, "ain").await;
        let empty = s.strategy(&ws).await.unwrap();
        assert_eq!(empty.version, 0);
        assert_eq!(empty.answers.len(), 8);
        assert!(
            empty
                .answers
                .iter()
                .all(|a| a.version == 0 && a.text.is_empty())
        );

        let saved = s
            .save_answers(
                &ws,
                &[
                    edit(StrategyQuestion::Axes, "  Mobilité et emploi durable  ", 0),
                    edit(StrategyQuestion::Profil, "", 0),
                ],
            )
            .await
            .unwrap();
        let axes = saved.answer(StrategyQuestion::Axes).unwrap();
        assert_eq!(
            (axes.text.as_str(), axes.version),
            ("Mobilité et emploi durable", 1)
        );
        assert_eq!(axes.updated_by.as_deref(), Some("Claire Martin"));
        assert_eq!(saved.answer(StrategyQuestion::Profil).unwrap().version, 0);
        assert_eq!(saved.version, 1);

        let again = s
            .save_answers(&ws, &[edit(StrategyQuestion::Axes, "Mobilité", 1)])
            .await
            .unwrap();
        assert_eq!(again.answer(StrategyQuestion::Axes).unwrap().version, 2);
        assert_eq!(again.version, 2);

        let history = s.strategy_history(&ws, 50).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].action, "update");
        assert_eq!(history[0].user_name.as_deref(), Some("Claire Martin"));
        assert!(
            history[0]
                .before_json
                .as_deref()
                .unwrap()
                .contains("Mobilité et emploi durable")
        );
        assert!(
            history[0]
                .after_json
                .as_deref()
                .unwrap()
                .contains("\"axes\"")
        );
        assert_eq!(history[1].action, "create");
    }
);

dual_test!(a_stale_answer_is_refused_and_nothing_changes, |db| {
    let s = &db.store;
    let claire = user(s, "claire@example.org", "Claire Martin").await;
    let ws = workspace(s, &claire, "ain").await;
    let (_, julien) = member(s, &ws, "julien@example.org", "Julien Perrin", Role::Editor).await;
    s.save_answers(&ws, &[edit(StrategyQuestion::Moyens, "Un tiers-temps", 0)])
        .await
        .unwrap();
    s.save_answers(&julien, &[edit(StrategyQuestion::Moyens, "Un mi-temps", 1)])
        .await
        .unwrap();
    // Claire saves two answers, one of them read before Julien's change: nothing is saved.
    let err = s
        .save_answers(
            &ws,
            &[
                edit(StrategyQuestion::Axes, "Mobilité", 0),
                edit(StrategyQuestion::Moyens, "Deux jours par semaine", 1),
            ],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2 }),
        "{err:?}"
    );
    let now = s.strategy(&ws).await.unwrap();
    assert_eq!(
        now.answer(StrategyQuestion::Moyens).unwrap().text,
        "Un mi-temps"
    );
    assert_eq!(now.answer(StrategyQuestion::Axes).unwrap().version, 0);
    // Sending back the text as it now stands is no conflict, whatever the version.
    s.save_answers(&ws, &[edit(StrategyQuestion::Moyens, "Un mi-temps", 1)])
        .await
        .unwrap();

    // The whole canvas against its version: stale is refused too.
    let v = s.strategy(&ws).await.unwrap().version;
    let draft = StrategyDraft {
        answers: vec![(StrategyQuestion::Contenu, "Immersions".into())],
        priorities: Some(vec!["Mobilité".into(), " ".into(), "Recrutement".into()]),
    };
    let saved = s.save_strategy(&ws, v, &draft).await.unwrap();
    assert_eq!(saved.priorities, ["Mobilité", "Recrutement"]);
    assert_eq!(saved.version, v + 1);
    let err = s.save_strategy(&julien, v, &draft).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { current } if current == v + 1));
    // The same content again changes nothing and keeps the version.
    let same = s.save_strategy(&ws, v + 1, &draft).await.unwrap();
    assert_eq!(same.version, v + 1);
});

dual_test!(readers_read_the_strategy_and_write_nothing, |db| {
    let s = &db.store;
    let claire = user(s, "claire@example.org", "Claire Martin").await;
    let ws = workspace(s, &claire, "ain").await;
    let (_, rita) = member(s, &ws, "rita@example.org", "Rita Lecture", Role::Reader).await;
    assert!(s.strategy(&rita).await.is_ok());
    assert!(matches!(
        s.save_answers(&rita, &[edit(StrategyQuestion::Axes, "x", 0)])
            .await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        s.save_strategy(&rita, 0, &StrategyDraft::default()).await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        s.create_action(&rita, &action("Appeler")).await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        s.save_strategy(
            &ws,
            0,
            &StrategyDraft {
                priorities: Some(vec!["x".repeat(301)]),
                ..Default::default()
            }
        )
        .await,
        Err(StoreError::Invalid {
            field: "priorities",
            ..
        })
    ));
});

dual_test!(
    actions_are_checked_against_the_workspace_and_audited,
    |db| {
        let s = &db.store;
        let claire = user(s, "claire@example.org", "Claire Martin").await;
        let ws = workspace(s, &claire, "ain").await;
        let (karim, _) = member(s, &ws, "karim@example.org", "Karim Benali", Role::Editor).await;
        let bruno = user(s, "bruno@example.org", "Bruno Beta").await;
        let beta = workspace(s, &bruno, "beta").await;
        let org = create_organisation(s, &claire, "Volailles Grandjean", 1, &[], lyon()).await;
        let p = s
            .create_partnership(&ws, &partnership("Immersions", &[org]))
            .await
            .unwrap();
        let foreign = s
            .create_partnership(&beta, &partnership("Secret", &[org]))
            .await
            .unwrap();
        let yesterday = Utc::now().date_naive() - Days::new(1);

        let mut d = action("Proposer une immersion");
        d.partnership_id = Some(p.id);
        d.owner_id = Some(karim.user_id);
        d.due_on = Some(yesterday);
        let a = s.create_action(&ws, &d).await.unwrap();
        assert_eq!(a.version, 1);
        assert!(a.late);
        assert_eq!(a.partnership_title.as_deref(), Some("Immersions"));
        assert_eq!(a.owner_name.as_deref(), Some("Karim Benali"));

        // Another workspace's partnership, a non-member, an empty title: refused.
        let mut bad = d.clone();
        bad.partnership_id = Some(foreign.id);
        assert!(matches!(
            s.create_action(&ws, &bad).await,
            Err(StoreError::Invalid {
                field: "partnership_id",
                ..
            })
        ));
        let mut bad = d.clone();
        bad.owner_id = Some(bruno.user_id);
        assert!(matches!(
            s.create_action(&ws, &bad).await,
            Err(StoreError::Invalid {
                field: "owner_id",
                ..
            })
        ));
        assert!(matches!(
            s.create_action(&ws, &action("  ")).await,
            Err(StoreError::Invalid { field: "title", .. })
        ));

        let late = s.late_actions(&ws).await.unwrap();
        assert_eq!(late.iter().map(|a| a.id).collect::<Vec<_>>(), [a.id]);
        assert!(s.late_actions(&beta).await.unwrap().is_empty());

        // Done: no longer late. A stale version is refused.
        let mut done = d.clone();
        done.status = ActionStatus::Fait;
        let saved = s.update_action(&ws, a.id, 1, &done).await.unwrap();
        assert_eq!((saved.version, saved.late), (2, false));
        assert!(matches!(
            s.update_action(&ws, a.id, 1, &d).await,
            Err(StoreError::Conflict { current: 2 })
        ));
        assert!(s.late_actions(&ws).await.unwrap().is_empty());

        // Another workspace cannot see, change or delete it.
        assert!(matches!(
            s.plan_action(&beta, a.id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.update_action(&beta, a.id, 2, &d).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.delete_action(&beta, a.id, None).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(s.plan_actions(&beta).await.unwrap().is_empty());

        let second = s.create_action(&ws, &action("Relancer")).await.unwrap();
        let list = s.plan_actions(&ws).await.unwrap();
        assert_eq!(
            list.iter().map(|a| a.id).collect::<Vec<_>>(),
            [second.id, a.id],
            "open actions first"
        );
        assert!(matches!(
            s.delete_action(&ws, a.id, Some(1)).await,
            Err(StoreError::Conflict { current: 2 })
        ));
        s.delete_action(&ws, a.id, Some(2)).await.unwrap();
        assert_eq!(s.plan_actions(&ws).await.unwrap().len(), 1);
        let history = s.strategy_history(&ws, 50).await.unwrap();
        let actions: Vec<&str> = history
            .iter()
            .filter(|e| e.entity == "plan_action" && e.entity_id == a.id)
            .map(|e| e.action.as_str())
            .collect();
        assert_eq!(actions, ["delete", "update", "create"]);
        assert!(s.strategy_history(&beta, 50).await.unwrap().is_empty());
    }
);

dual_test!(
    the_inventory_holds_forms_flows_and_immersions_of_live_partnerships,
    |db| {
        let s = &db.store;
        let claire = user(s, "claire@example.org", "Claire Martin").await;
        let ws = workspace(s, &claire, "ain").await;
        let buyer = create_organisation(
            s,
            &claire,
            "Plasturgie Valserine",
            1,
            &[StructureKind::EntPme],
            lyon(),
        )
        .await;
        let host = create_organisation(s, &claire, "Volailles Grandjean", 2, &[], lyon()).await;
        let mut sales = partnership("Sous-traitance", &[buyer]);
        sales.forms = vec![FormPeriod {
            form: Form::SousTraitance,
            started_on: Some(day(2019, 3, 1)),
            ended_on: None,
            note: String::new(),
        }];
        let sales = s.create_partnership(&ws, &sales).await.unwrap();
        let year = chrono::Datelike::year(&Utc::now().date_naive());
        for amount in [3_000_000_i64, 1_600_000] {
            s.create_flow(
                &ws,
                sales.id,
                &FlowDraft {
                    kind: FlowKind::SousTraitance,
                    year,
                    amount_cents: amount,
                    days: None,
                    day_rate_cents: None,
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        }
        let mut immersions = partnership("Immersions", &[host]);
        immersions.status = PartnershipStatus::Actif;
        let immersions = s.create_partnership(&ws, &immersions).await.unwrap();
        s.create_outcome(
            &ws,
            immersions.id,
            &OutcomeDraft {
                person_ref: PersonRef::parse("P-1").unwrap(),
                kind: OutcomeKind::Pmsmp,
                started_on: Some(day(2026, 3, 1)),
                ended_on: None,
                days: Some(10),
                hours: None,
                contract: None,
                duration_days: None,
                aided: false,
                working_time_pct: None,
                note: String::new(),
            },
        )
        .await
        .unwrap();
        let deleted = s
            .create_partnership(&ws, &partnership("Supprimé", &[buyer]))
            .await
            .unwrap();
        s.delete_partnership(&ws, deleted.id, None).await.unwrap();

        let inv = s.strategy_inventory(&ws).await.unwrap();
        assert_eq!(
            inv.partnerships.iter().map(|p| p.id).collect::<Vec<_>>(),
            [sales.id.0, immersions.id.0],
            "the deleted one is left out"
        );
        let p = &inv.partnerships[0];
        assert_eq!(p.partners[0].name, "Plasturgie Valserine");
        assert_eq!(p.forms[0].form, Form::SousTraitance);
        assert_eq!(p.flows.len(), 1, "one kind and year");
        assert_eq!(p.flows[0].amount_cents, 4_600_000);
        assert_eq!(inv.partnerships[1].outcomes[0].count, 1);
        assert!(inv.prescribes_pmsmp, "a workspace without a structure kind");

        let list = s.suggestions(&ws).await.unwrap();
        let buyers: Vec<_> = list
            .iter()
            .filter(|x| x.rule == SuggestionRule::BuyerWithoutImmersion)
            .collect();
        assert_eq!(buyers.len(), 1);
        assert_eq!(buyers[0].partnership, Some(sales.id.0));
        assert_eq!(buyers[0].figures.amount_cents, Some(4_600_000));
        // Another workspace sees none of it.
        let bruno = user(s, "bruno@example.org", "Bruno Beta").await;
        let beta = workspace(s, &bruno, "beta").await;
        assert!(
            s.strategy_inventory(&beta)
                .await
                .unwrap()
                .partnerships
                .is_empty()
        );
        assert!(s.suggestions(&beta).await.unwrap().is_empty());
    }
);
