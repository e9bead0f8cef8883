//! Evaluations of a partnership: started from a template, answered with optimistic
//! concurrency, criteria and indicators numbered once, measurements, automatic indicators
//! that agree with the dashboard, and isolation between workspaces.
//! Each test runs on SQLite and on PostgreSQL (`name::sqlite`, `name::postgres`).
#![cfg(feature = "testing")]

mod common;

use common::*;
use partinnov_domain::{
    evaluation::{
        AutoSource, DEFAULT_TEMPLATE, EvaluationStatus, FilledBy, IndicatorKind, MeasureValue,
        Progress, Template, Unit,
    },
    event::{OutcomeKind, PersonRef},
    flow::FlowKind,
    kind::StructureKind,
    outcome::ExitKind,
};
use partinnov_store::{
    PartnershipId, Role, Store, StoreError, WorkspaceScope,
    evaluations::{Answer, CriterionDraft, EvaluationDraft, IndicatorDraft, MeasurementDraft},
    flows::FlowDraft,
    outcomes::OutcomeDraft,
};

async fn setup(store: &Store) -> (WorkspaceScope, PartnershipId) {
    let alice = user(store, "alice@example.org", "Alice").await;
    let scope = workspace(store, &alice, "envie").await;
    let ce = create_organisation(
        store,
        &alice,
        "Caisse d'Épargne Grand Est Europe",
        5,
        &[StructureKind::EntGe],
        lyon(),
    )
    .await;
    let p = store
        .create_partnership(&scope, &partnership("Envie × Caisse d'Épargne", &[ce]))
        .await
        .unwrap();
    (scope, p.id)
}

fn answer(text: &str) -> Answer {
    Answer {
        text: text.into(),
        filled_by: FilledBy::Structure,
    }
}

fn measure(on: chrono::NaiveDate, value: MeasureValue) -> MeasurementDraft {
    MeasurementDraft {
        measured_on: on,
        value,
        note: String::new(),
        filled_by: FilledBy::Structure,
    }
}

partinnov_store::dual_test!(
    an_evaluation_starts_from_the_guide_template_and_keeps_its_answers_and_history,
    |db| {
        let store = &db.store;
        let (scope, p) = setup(store).await;
        let e = store
            .create_evaluation(&scope, p, DEFAULT_TEMPLATE, "", day(2026, 3, 1))
            .await
            .unwrap();
        assert_eq!(e.partnership_id, p);
        assert_eq!(e.data.status, EvaluationStatus::Brouillon);
        assert!(
            e.data.title.contains("quatre étapes"),
            "titled after the template"
        );
        let c1 = &e.criteria[0];
        assert_eq!(c1.code, "C1");
        let codes: Vec<_> = c1.indicators.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes, ["I1", "I2", "I3", "I4"]);
        assert_eq!(c1.indicators[1].data.unit, Some(Unit::Pourcentage));

        let mut d = e.data.clone();
        d.answers.insert(
            "objectifs_territoire".into(),
            answer("Développer l'économie circulaire"),
        );
        d.answers.insert("strategie".into(), answer("  "));
        let saved = store
            .update_evaluation(&scope, e.id, e.version, &d)
            .await
            .unwrap();
        assert_eq!(saved.version, e.version + 1);
        assert_eq!(
            saved.data.answer("objectifs_territoire"),
            "Développer l'économie circulaire"
        );
        assert!(
            !saved.data.answers.contains_key("strategie"),
            "blank answers are not kept"
        );
        let listed = store.evaluations(&scope, p).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].template_code, DEFAULT_TEMPLATE);
        let history = store.evaluation_history(&scope, e.id).await.unwrap();
        let actions: Vec<_> = history.iter().map(|h| h.action.as_str()).collect();
        assert_eq!(actions, ["create", "update"]);
        assert!(
            history[1]
                .after_json
                .as_deref()
                .unwrap()
                .contains("économie circulaire")
        );
        assert_eq!(history[1].user_name.as_deref(), Some("Alice"));
    }
);

partinnov_store::dual_test!(
    a_stale_save_is_refused_with_the_current_version_and_changes_nothing,
    |db| {
        let store = &db.store;
        let (scope, p) = setup(store).await;
        let e = store
            .create_evaluation(&scope, p, DEFAULT_TEMPLATE, "2026", day(2026, 3, 1))
            .await
            .unwrap();
        let mut first = e.data.clone();
        first.answers.insert("genese".into(), answer("Depuis 1997"));
        let saved = store
            .update_evaluation(&scope, e.id, e.version, &first)
            .await
            .unwrap();
        let mut late = e.data.clone();
        late.answers.insert("genese".into(), answer("Autre texte"));
        let err = store
            .update_evaluation(&scope, e.id, e.version, &late)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { current } if current == saved.version),
            "{err:?}"
        );
        let now = store.evaluation(&scope, e.id).await.unwrap();
        assert_eq!(now.data.answer("genese"), "Depuis 1997");
        assert_eq!(now.version, saved.version);
        assert_eq!(
            store.evaluation_history(&scope, e.id).await.unwrap().len(),
            2
        );
    }
);

partinnov_store::dual_test!(
    criteria_and_indicators_are_numbered_once_and_measurements_follow_their_kind,
    |db| {
        let store = &db.store;
        let (scope, p) = setup(store).await;
        let e = store
            .create_evaluation(&scope, p, DEFAULT_TEMPLATE, "", day(2026, 3, 1))
            .await
            .unwrap();
        let c2 = store
            .add_criterion(
                &scope,
                e.id,
                &CriterionDraft {
                    text: "Ancrage territorial".into(),
                    group: String::new(),
                },
            )
            .await
            .unwrap();
        assert_eq!(c2.code, "C2");
        store.delete_criterion(&scope, c2.id).await.unwrap();
        let c3 = store
            .add_criterion(
                &scope,
                e.id,
                &CriterionDraft {
                    text: "Crédibilité".into(),
                    group: String::new(),
                },
            )
            .await
            .unwrap();
        assert_eq!(c3.code, "C3", "a removed code is not given again");
        let studies = store
            .add_indicator(
                &scope,
                c3.id,
                &IndicatorDraft {
                    text: "Études de faisabilité".into(),
                    kind: IndicatorKind::Quantitatif,
                    unit: None,
                    source: None,
                    target: Some(400),
                    target_text: String::new(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (studies.code.as_str(), studies.data.unit),
            ("I1", Some(Unit::Nombre))
        );
        let refused = store
            .add_indicator(
                &scope,
                c3.id,
                &IndicatorDraft {
                    text: "Perception".into(),
                    kind: IndicatorKind::Qualitatif,
                    unit: Some(Unit::Euros),
                    source: None,
                    target: None,
                    target_text: String::new(),
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(refused, StoreError::Invalid { field: "kind", .. }),
            "{refused:?}"
        );

        let wrong = store
            .add_measurement(
                &scope,
                studies.id,
                &measure(day(2026, 4, 1), MeasureValue::Text("beaucoup".into())),
            )
            .await
            .unwrap_err();
        assert!(matches!(
            wrong,
            StoreError::Invalid {
                field: "value",
                code: "invalid_number"
            }
        ));
        store
            .add_measurement(
                &scope,
                studies.id,
                &measure(day(2026, 6, 1), MeasureValue::Number(300)),
            )
            .await
            .unwrap();
        store
            .add_measurement(
                &scope,
                studies.id,
                &measure(day(2026, 4, 1), MeasureValue::Number(100)),
            )
            .await
            .unwrap();
        let now = store.evaluation(&scope, e.id).await.unwrap();
        let (_, i) = now.indicator(studies.id).unwrap();
        let dates: Vec<_> = i.measurements.iter().map(|m| m.data.measured_on).collect();
        assert_eq!(dates, [day(2026, 4, 1), day(2026, 6, 1)], "oldest first");
        assert_eq!(i.progress(), Progress::OnTheWay { permille: 750 });

        let changed = store
            .update_indicator(
                &scope,
                studies.id,
                i.version,
                &IndicatorDraft {
                    target: Some(300),
                    ..i.data.clone()
                },
            )
            .await
            .unwrap();
        assert_eq!(changed.progress(), Progress::Reached);
        assert_eq!(changed.measurements.len(), 2, "measurements stay");
        let stale = store
            .update_indicator(&scope, studies.id, i.version, &i.data)
            .await
            .unwrap_err();
        assert!(matches!(stale, StoreError::Conflict { .. }));
    }
);

partinnov_store::dual_test!(
    an_automatic_indicator_measures_what_the_dashboard_counts,
    |db| {
        let store = &db.store;
        let (scope, p) = setup(store).await;
        let hire = |person: &str, on, contract| OutcomeDraft {
            person_ref: PersonRef::parse(person).unwrap(),
            kind: OutcomeKind::Embauche,
            started_on: Some(on),
            ended_on: None,
            days: None,
            hours: None,
            contract: Some(contract),
            duration_days: None,
            aided: false,
            working_time_pct: None,
            note: String::new(),
        };
        store
            .create_outcome(&scope, p, &hire("E-1", day(2025, 2, 1), ExitKind::Cdi))
            .await
            .unwrap();
        store
            .create_outcome(&scope, p, &hire("E-2", day(2025, 9, 1), ExitKind::Interim))
            .await
            .unwrap();
        for (kind, cents) in [
            (FlowKind::DonFinancier, 1_500_000),
            (FlowKind::Vente, 250_050),
        ] {
            store
                .create_flow(
                    &scope,
                    p,
                    &FlowDraft {
                        kind,
                        year: 2025,
                        amount_cents: cents,
                        days: None,
                        day_rate_cents: None,
                        note: String::new(),
                    },
                )
                .await
                .unwrap();
        }
        let e = store
            .create_evaluation(&scope, p, "observatoire-impacts", "", day(2026, 1, 5))
            .await
            .unwrap();
        let c1 = &e.criteria[0];
        let mut ids = vec![];
        for (text, source) in [
            ("Embauches", AutoSource::Hires),
            ("Sorties durables", AutoSource::DurableExits),
            (
                "Dons financiers",
                AutoSource::Flows(Some(FlowKind::DonFinancier)),
            ),
        ] {
            let i = store
                .add_indicator(
                    &scope,
                    c1.id,
                    &IndicatorDraft {
                        text: text.into(),
                        kind: IndicatorKind::Quantitatif,
                        unit: None,
                        source: Some(source),
                        target: None,
                        target_text: String::new(),
                    },
                )
                .await
                .unwrap();
            ids.push(i.id);
        }
        let today = day(2026, 1, 5);
        // The template's own automatic indicator (C2, I2: all flows) is measured too.
        assert_eq!(
            store.refresh_automatic(&scope, e.id, today).await.unwrap(),
            4
        );
        // Twice the same day: replaced, not doubled.
        assert_eq!(
            store.refresh_automatic(&scope, e.id, today).await.unwrap(),
            4
        );

        let dash = store
            .dashboard_of(&scope, day(1990, 1, 1), today, Some(p))
            .await
            .unwrap();
        let count = |code: &str| {
            dash.outcomes_by_kind
                .iter()
                .find(|c| c.code == code)
                .map_or(0, |c| c.count)
        };
        let durable = dash
            .exits_by_category
            .iter()
            .find(|c| c.code == "emploi_durable")
            .map_or(0, |c| c.count);
        let gifts: i64 = dash
            .flows
            .iter()
            .filter(|f| f.kind == "don_financier")
            .map(|f| f.cents)
            .sum();
        let all_flows: i64 = dash.flows.iter().map(|f| f.cents).sum();
        let now = store.evaluation(&scope, e.id).await.unwrap();
        let latest = |id| match now.indicator(id).unwrap().1.measurements.as_slice() {
            [only] => {
                assert!(only.automatic);
                assert_eq!(only.data.measured_on, today);
                only.data.value.clone()
            }
            other => panic!("one measurement expected, got {}", other.len()),
        };
        assert_eq!(
            latest(ids[0]),
            MeasureValue::Number(count("embauche") * 100)
        );
        assert_eq!(latest(ids[0]), MeasureValue::Number(200));
        assert_eq!(latest(ids[1]), MeasureValue::Number(durable * 100));
        assert_eq!(latest(ids[2]), MeasureValue::Number(gifts));
        assert_eq!(latest(ids[2]), MeasureValue::Number(1_500_000));
        let flows_indicator = now.criteria[1].indicators[1].id;
        assert_eq!(latest(flows_indicator), MeasureValue::Number(all_flows));
    }
);

partinnov_store::dual_test!(
    another_workspace_sees_nothing_and_a_reader_writes_nothing,
    |db| {
        let store = &db.store;
        let (scope, p) = setup(store).await;
        let e = store
            .create_evaluation(&scope, p, DEFAULT_TEMPLATE, "", day(2026, 3, 1))
            .await
            .unwrap();
        let bob = user(store, "bob@example.org", "Bob").await;
        let other = workspace(store, &bob, "autre").await;
        assert!(matches!(
            store.evaluation(&other, e.id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            store.evaluations(&other, p).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            store
                .create_evaluation(&other, p, DEFAULT_TEMPLATE, "", day(2026, 3, 1))
                .await,
            Err(StoreError::NotFound { .. })
        ));
        let indicator = e.criteria[0].indicators[0].id;
        assert!(matches!(
            store
                .add_measurement(
                    &other,
                    indicator,
                    &measure(day(2026, 4, 1), MeasureValue::Number(100))
                )
                .await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            store.delete_criterion(&other, e.criteria[0].id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            store.evaluation_any(&bob, e.id).await,
            Err(StoreError::NotFound { .. })
        ));

        let (_, reader) = member(store, &scope, "rita@example.org", "Rita", Role::Reader).await;
        assert_eq!(store.evaluation(&reader, e.id).await.unwrap().id, e.id);
        let d = EvaluationDraft {
            title: "x".into(),
            status: EvaluationStatus::Terminee,
            answers: Default::default(),
        };
        assert!(matches!(
            store.update_evaluation(&reader, e.id, e.version, &d).await,
            Err(StoreError::Forbidden)
        ));
        assert!(matches!(
            store
                .add_measurement(
                    &reader,
                    indicator,
                    &measure(day(2026, 4, 1), MeasureValue::Number(100))
                )
                .await,
            Err(StoreError::Forbidden)
        ));
        // Deleting the partnership hides its evaluation too.
        store.delete_partnership(&scope, p, None).await.unwrap();
        assert!(matches!(
            store.evaluation(&scope, e.id).await,
            Err(StoreError::NotFound { .. })
        ));
    }
);

partinnov_store::dual_test!(
    a_workspace_adds_its_own_template_once_and_starts_from_it,
    |db| {
        let store = &db.store;
        let (scope, p) = setup(store).await;
        let t = Template::from_json(
            r#"{"code": "reseau-ain", "name": "Grille du réseau",
                "steps": [{"step": "perspectives", "questions": [{"code": "suite", "label": "Et après ?"}]}],
                "criteria": [{"code": "C1", "label": "Emploi", "indicators": [
                    {"code": "I1", "label": "Embauches", "kind": "quantitatif", "source": "embauches"}]}]}"#,
        )
        .unwrap();
        store.add_evaluation_template(&scope, &t).await.unwrap();
        let again = store.add_evaluation_template(&scope, &t).await.unwrap_err();
        assert!(
            matches!(again, StoreError::Duplicate { field: "code", .. }),
            "{again:?}"
        );
        let mut builtin = t.clone();
        builtin.code = DEFAULT_TEMPLATE.into();
        assert!(matches!(
            store.add_evaluation_template(&scope, &builtin).await,
            Err(StoreError::Duplicate { .. })
        ));
        let codes: Vec<_> = store
            .evaluation_templates(&scope)
            .await
            .unwrap()
            .into_iter()
            .map(|x| (x.template.code, x.builtin))
            .collect();
        assert_eq!(
            codes,
            [
                (DEFAULT_TEMPLATE.to_owned(), true),
                ("observatoire-impacts".to_owned(), true),
                ("reseau-ain".to_owned(), false)
            ]
        );
        let e = store
            .create_evaluation(&scope, p, "reseau-ain", "", day(2026, 3, 1))
            .await
            .unwrap();
        assert_eq!(
            e.criteria[0].indicators[0].data.source,
            Some(AutoSource::Hires)
        );
        // Another workspace does not see it.
        let bob = user(store, "bob@example.org", "Bob").await;
        let other = workspace(store, &bob, "autre").await;
        assert_eq!(store.evaluation_templates(&other).await.unwrap().len(), 2);
    }
);
