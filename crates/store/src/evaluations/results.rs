//! Criteria and indicators of an evaluation, numbered once (C1…, (C1, I1)…).

use super::*;

impl Store {
    /// Adds a criterion with the next free code (C1, C2…).
    pub async fn add_criterion(
        &self,
        scope: &WorkspaceScope,
        evaluation: EvaluationId,
        d: &CriterionDraft,
    ) -> Result<Criterion> {
        scope.require_write()?;
        let e = self.evaluation(scope, evaluation).await?;
        let d = CriterionDraft {
            text: d.text.trim().to_owned(),
            group: d.group.trim().to_owned(),
        };
        if d.text.is_empty() {
            return Err(StoreError::Invalid {
                field: "text",
                code: "required",
            });
        }
        let txn = self.write().await?;
        // The highest number ever given, so a removed C2 is never given again.
        let issued = db::scalar(
            &txn,
            "SELECT CAST(criteria_issued AS BIGINT) FROM evaluations WHERE id = $1 AND workspace_id = $2",
            vec![evaluation.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        let code = next_code(
            'C',
            e.criteria
                .iter()
                .map(|c| c.code.clone())
                .chain(std::iter::once(format!("C{issued}")))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        );
        db::exec(
            &txn,
            "UPDATE evaluations SET criteria_issued = $1 WHERE id = $2",
            vec![
                numbered_code('C', &code)
                    .map_or(0, |n| i32::try_from(n).unwrap_or(i32::MAX))
                    .into(),
                evaluation.0.into(),
            ],
        )
        .await?;
        let id = db::insert_id(
            &txn,
            "INSERT INTO evaluation_criteria (workspace_id, evaluation_id, code, text, grp, rank) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            vec![
                scope.workspace_id.0.into(),
                evaluation.0.into(),
                code.as_str().into(),
                d.text.as_str().into(),
                d.group.as_str().into(),
                i32::try_from(e.criteria.len()).unwrap_or(i32::MAX).into(),
            ],
        )
        .await?;
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "evaluation_criterion",
                entity_id: id,
                action: Action::Create,
                before: None,
                after: Some(&d),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(Criterion {
            id: CriterionId(id),
            version: 1,
            code,
            data: d,
            indicators: vec![],
        })
    }

    /// Removes a criterion with its indicators and their measurements.
    pub async fn delete_criterion(&self, scope: &WorkspaceScope, id: CriterionId) -> Result<()> {
        self.delete_part(scope, Part::Criterion, id.0).await
    }

    /// Adds an indicator to a criterion of the workspace, with the next free code (I1…).
    pub async fn add_indicator(
        &self,
        scope: &WorkspaceScope,
        criterion: CriterionId,
        d: &IndicatorDraft,
    ) -> Result<Indicator> {
        scope.require_write()?;
        let (evaluation, taken) = self.criterion_codes(scope, criterion).await?;
        let d = d.clone().validate()?;
        let txn = self.write().await?;
        let issued = db::scalar(
            &txn,
            "SELECT CAST(indicators_issued AS BIGINT) FROM evaluation_criteria WHERE id = $1 AND workspace_id = $2",
            vec![criterion.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        let code = next_code(
            'I',
            taken
                .iter()
                .cloned()
                .chain(std::iter::once(format!("I{issued}")))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        );
        db::exec(
            &txn,
            "UPDATE evaluation_criteria SET indicators_issued = $1 WHERE id = $2",
            vec![
                numbered_code('I', &code)
                    .map_or(0, |n| i32::try_from(n).unwrap_or(i32::MAX))
                    .into(),
                criterion.0.into(),
            ],
        )
        .await?;
        let id = insert_indicator(
            &txn,
            scope,
            evaluation.0,
            criterion.0,
            &code,
            taken.len(),
            &d,
        )
        .await?;
        txn.commit().await?;
        Ok(Indicator {
            id: IndicatorId(id),
            version: 1,
            criterion_id: criterion,
            code,
            data: d,
            measurements: vec![],
        })
    }

    /// Changes an indicator's text, kind, unit, source or target if it is still at
    /// `version`. Measurements stay.
    pub async fn update_indicator(
        &self,
        scope: &WorkspaceScope,
        id: IndicatorId,
        version: i64,
        d: &IndicatorDraft,
    ) -> Result<Indicator> {
        scope.require_write()?;
        let (evaluation, current) = self.indicator_evaluation(scope, id).await?;
        let d = d.clone().validate()?;
        let e = self.evaluation(scope, evaluation).await?;
        let (_, before) = e
            .indicator(id)
            .ok_or(StoreError::not_found("evaluation_indicator"))?;
        // Measurements were taken as that kind and from that source: changing either would
        // make them say something else. The unit may still be corrected.
        if !before.measurements.is_empty() {
            for (field, changed) in [
                ("kind", d.kind != before.data.kind),
                ("source", d.source != before.data.source),
            ] {
                if changed {
                    return Err(StoreError::Invalid {
                        field,
                        code: "measured_indicator",
                    });
                }
            }
        }
        let txn = self.write().await?;
        let n = db::exec(
            &txn,
            "UPDATE evaluation_indicators SET text = $1, kind = $2, unit = $3, source = $4, target = $5, target_text = $6, \
             version = version + 1 WHERE id = $7 AND workspace_id = $8 AND version = $9",
            vec![
                d.text.as_str().into(),
                d.kind.as_str().into(),
                d.unit.map(|u| u.as_str()).into(),
                d.source.map(AutoSource::code).into(),
                d.target.into(),
                d.target_text.as_str().into(),
                id.0.into(),
                scope.workspace_id.0.into(),
                version.into(),
            ],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::Conflict { current });
        }
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "evaluation_indicator",
                entity_id: id.0,
                action: Action::Update,
                before: Some(&before.data),
                after: Some(&d),
            },
        )
        .await?;
        txn.commit().await?;
        let e = self.evaluation(scope, evaluation).await?;
        e.indicator(id)
            .map(|(_, i)| i.clone())
            .ok_or(StoreError::not_found("evaluation_indicator"))
    }

    pub async fn delete_indicator(&self, scope: &WorkspaceScope, id: IndicatorId) -> Result<()> {
        scope.require_write()?;
        self.indicator_evaluation(scope, id).await?;
        let txn = self.write().await?;
        db::exec(
            &txn,
            "DELETE FROM evaluation_indicators WHERE id = $1 AND workspace_id = $2",
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        audit::record::<()>(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "evaluation_indicator",
                entity_id: id.0,
                action: Action::Delete,
                before: None,
                after: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The evaluation of a live criterion of the workspace and the codes of its indicators.
    pub(super) async fn criterion_codes(
        &self,
        scope: &WorkspaceScope,
        criterion: CriterionId,
    ) -> Result<(EvaluationId, Vec<String>)> {
        #[derive(FromQueryResult)]
        struct E {
            evaluation_id: i64,
        }
        let found: E = db::one(
            &self.db,
            &format!(
                "SELECT c.evaluation_id FROM evaluation_criteria c JOIN evaluations e ON e.id = c.evaluation_id \
                 WHERE c.id = $1 AND c.workspace_id = $2 AND {LIVE}"
            ),
            vec![criterion.0.into(), scope.workspace_id.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("evaluation_criterion"))?;
        #[derive(FromQueryResult)]
        struct C {
            code: String,
        }
        let codes: Vec<C> = db::all(
            &self.db,
            "SELECT code FROM evaluation_indicators WHERE criterion_id = $1 AND workspace_id = $2",
            vec![criterion.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        Ok((
            EvaluationId(found.evaluation_id),
            codes.into_iter().map(|c| c.code).collect(),
        ))
    }

    /// The evaluation of a live indicator of the workspace, and the indicator's version.
    pub(crate) async fn indicator_evaluation(
        &self,
        scope: &WorkspaceScope,
        id: IndicatorId,
    ) -> Result<(EvaluationId, i64)> {
        #[derive(FromQueryResult)]
        struct E {
            evaluation_id: i64,
            version: i64,
        }
        let found: E = db::one(
            &self.db,
            &format!(
                "SELECT i.evaluation_id, i.version FROM evaluation_indicators i JOIN evaluations e ON e.id = i.evaluation_id \
                 WHERE i.id = $1 AND i.workspace_id = $2 AND {LIVE}"
            ),
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("evaluation_indicator"))?;
        Ok((EvaluationId(found.evaluation_id), found.version))
    }
}

pub(super) async fn insert_indicator(
    c: &impl sea_orm::ConnectionTrait,
    scope: &WorkspaceScope,
    evaluation: i64,
    criterion: i64,
    code: &str,
    rank: usize,
    d: &IndicatorDraft,
) -> Result<i64> {
    let id = db::insert_id(
        c,
        "INSERT INTO evaluation_indicators (workspace_id, evaluation_id, criterion_id, code, text, kind, unit, source, target, target_text, rank) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        vec![
            scope.workspace_id.0.into(),
            evaluation.into(),
            criterion.into(),
            code.into(),
            d.text.as_str().into(),
            d.kind.as_str().into(),
            d.unit.map(|u| u.as_str()).into(),
            d.source.map(AutoSource::code).into(),
            d.target.into(),
            d.target_text.as_str().into(),
            i32::try_from(rank).unwrap_or(i32::MAX).into(),
        ],
    )
    .await?;
    audit::record(
        c,
        Record {
            workspace: Some(scope.workspace_id),
            user: Some(scope.user_id),
            entity: "evaluation_indicator",
            entity_id: id,
            action: Action::Create,
            before: None,
            after: Some(d),
        },
    )
    .await?;
    Ok(id)
}
