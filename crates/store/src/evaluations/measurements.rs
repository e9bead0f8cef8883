//! Dated measurements of indicators, typed or computed from the partnership's data.

use super::*;

impl Store {
    /// Records a dated value of an indicator: a number for a quantitative indicator, a
    /// text for a qualitative one.
    pub async fn add_measurement(
        &self,
        scope: &WorkspaceScope,
        indicator: IndicatorId,
        d: &MeasurementDraft,
    ) -> Result<Measurement> {
        scope.require_write()?;
        let (evaluation, _) = self.indicator_evaluation(scope, indicator).await?;
        let e = self.evaluation(scope, evaluation).await?;
        let (_, i) = e
            .indicator(indicator)
            .ok_or(StoreError::not_found("evaluation_indicator"))?;
        let txn = self.write().await?;
        let m = insert_measurement(&txn, scope, evaluation, i, d, false).await?;
        txn.commit().await?;
        Ok(m)
    }

    pub async fn delete_measurement(
        &self,
        scope: &WorkspaceScope,
        id: MeasurementId,
    ) -> Result<()> {
        self.delete_part(scope, Part::Measurement, id.0).await
    }

    /// The figure of `source` for a partnership between `from` and `to`, in hundredths,
    /// read from the dashboard's own aggregates.
    pub async fn automatic_value(
        &self,
        scope: &WorkspaceScope,
        partnership: PartnershipId,
        source: AutoSource,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64> {
        let d = self
            .dashboard_of(scope, from, to, Some(partnership))
            .await?;
        let count = |list: &[crate::people::CountBy], code: &str| {
            list.iter().find(|c| c.code == code).map_or(0, |c| c.count)
        };
        let units = match source {
            AutoSource::Hires => count(&d.outcomes_by_kind, "embauche"),
            AutoSource::DurableExits => {
                count(&d.exits_by_category, ExitCategory::EmploiDurable.as_str())
            }
            AutoSource::Immersions => count(&d.outcomes_by_kind, "pmsmp"),
            AutoSource::ImmersionDays => d.immersion_days,
            AutoSource::LendingHours => d.lending_hours,
            AutoSource::People => d.people,
            // Already in cents, which are hundredths of a euro.
            AutoSource::Flows(kind) => {
                return Ok(d
                    .flows
                    .iter()
                    .filter(|f| kind.is_none_or(|k| f.kind == k.as_str()))
                    .map(|f| f.cents)
                    .sum());
            }
        };
        Ok(units.saturating_mul(100))
    }

    /// "Actualiser": records, dated `on`, a measurement of every automatic indicator of the
    /// evaluation, computed from the partnership's data since its start. An indicator
    /// already measured automatically that day gets its value replaced, not a second one.
    /// Returns how many indicators were measured.
    pub async fn refresh_automatic(
        &self,
        scope: &WorkspaceScope,
        evaluation: EvaluationId,
        on: NaiveDate,
    ) -> Result<usize> {
        scope.require_write()?;
        let e = self.evaluation(scope, evaluation).await?;
        let from = AUTOMATIC_FROM.unwrap_or(on);
        let mut values = vec![];
        for i in e.criteria.iter().flat_map(|c| c.indicators.iter()) {
            if let Some(source) = i.data.source {
                let v = self
                    .automatic_value(scope, e.partnership_id, source, from, on)
                    .await?;
                values.push((i, v));
            }
        }
        let txn = self.write().await?;
        for (i, v) in &values {
            db::exec(
                &txn,
                "DELETE FROM evaluation_measurements WHERE indicator_id = $1 AND workspace_id = $2 AND automatic = $3 AND measured_on = $4",
                vec![i.id.0.into(), scope.workspace_id.0.into(), true.into(), on.into()],
            )
            .await?;
            insert_measurement(
                &txn,
                scope,
                evaluation,
                i,
                &MeasurementDraft {
                    measured_on: on,
                    value: MeasureValue::Number(*v),
                    note: String::new(),
                    filled_by: FilledBy::Structure,
                },
                true,
            )
            .await?;
        }
        txn.commit().await?;
        Ok(values.len())
    }
}

pub(crate) async fn insert_measurement(
    c: &impl sea_orm::ConnectionTrait,
    scope: &WorkspaceScope,
    evaluation: EvaluationId,
    indicator: &Indicator,
    d: &MeasurementDraft,
    automatic: bool,
) -> Result<Measurement> {
    let (num, text) = match (&d.value, indicator.data.kind) {
        (MeasureValue::Number(n), IndicatorKind::Quantitatif) => (Some(*n), String::new()),
        (MeasureValue::Text(t), IndicatorKind::Qualitatif) if !t.trim().is_empty() => {
            (None, t.trim().to_owned())
        }
        (MeasureValue::Text(_), IndicatorKind::Quantitatif) => {
            return Err(StoreError::Invalid {
                field: "value",
                code: "invalid_number",
            });
        }
        _ => {
            return Err(StoreError::Invalid {
                field: "value",
                code: "required",
            });
        }
    };
    if !(1990..=2100).contains(&chrono::Datelike::year(&d.measured_on)) {
        return Err(StoreError::Invalid {
            field: "measured_on",
            code: "out_of_range",
        });
    }
    let id = db::insert_id(
        c,
        "INSERT INTO evaluation_measurements (workspace_id, evaluation_id, indicator_id, measured_on, value_num, value_text, note, \
         filled_by, automatic, author_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        vec![
            scope.workspace_id.0.into(),
            evaluation.0.into(),
            indicator.id.0.into(),
            d.measured_on.into(),
            num.into(),
            text.as_str().into(),
            d.note.trim().into(),
            d.filled_by.as_str().into(),
            automatic.into(),
            scope.user_id.0.into(),
            db::now().into(),
        ],
    )
    .await?;
    audit::record(
        c,
        Record {
            workspace: Some(scope.workspace_id),
            user: Some(scope.user_id),
            entity: "evaluation_measurement",
            entity_id: id,
            action: Action::Create,
            before: None,
            after: Some(d),
        },
    )
    .await?;
    Ok(Measurement {
        id: MeasurementId(id),
        data: MeasurementDraft {
            note: d.note.trim().to_owned(),
            value: match num {
                Some(n) => MeasureValue::Number(n),
                None => MeasureValue::Text(text),
            },
            ..d.clone()
        },
        automatic,
        author_name: None,
    })
}
