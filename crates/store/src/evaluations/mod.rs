//! Evaluations of a partnership in four steps (DOMAIN.md §7): templates (built in, or
//! imported by a workspace), the evaluations themselves with their step answers, criteria,
//! indicators and dated measurements. Automatic indicators are measured from the same
//! aggregates as the dashboard ([`Store::dashboard_of`]), so both always agree.
//!
//! Every query filters on the scope's workspace, and on the partnership being live: an
//! evaluation of a deleted partnership is "not found" like the partnership itself.
//!
//! `model` holds the types; `templates`, `results` (criteria and indicators) and
//! `measurements` add their methods to [`Store`] beside the evaluations' own below.

mod measurements;
mod model;
mod results;
mod templates;

pub(crate) use measurements::insert_measurement;
pub use model::*;
use results::insert_indicator;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use partinnov_domain::{
    evaluation::{
        AutoSource, EvaluationStatus, FilledBy, IndicatorKind, IndicatorSpec, MeasureValue,
        Progress, Template, TemplateProblem, Unit, builtin_templates, next_code, numbered_code,
        progress,
    },
    outcome::ExitCategory,
};
use sea_orm::FromQueryResult;
use serde::{Deserialize, Serialize};

use crate::{
    CriterionId, EvaluationId, IndicatorId, MeasurementId, PartnershipId, Store, StoreError,
    WorkspaceScope,
    audit::{self, Action, Record},
    db,
    error::Result,
    organisations::corrupt,
};

/// The first day automatic indicators count from: a partnership's whole life.
pub const AUTOMATIC_FROM: Option<NaiveDate> = NaiveDate::from_ymd_opt(1990, 1, 1);

// ------------------------------------------------------------------ rows

#[derive(FromQueryResult)]
struct EvaluationRow {
    id: i64,
    version: i64,
    partnership_id: i64,
    template_code: String,
    template_body: String,
    title: String,
    answers: String,
    status: String,
    started_on: NaiveDate,
    updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct CriterionRow {
    id: i64,
    version: i64,
    code: String,
    text: String,
    grp: String,
}

#[derive(FromQueryResult)]
struct IndicatorRow {
    id: i64,
    version: i64,
    criterion_id: i64,
    code: String,
    text: String,
    kind: String,
    unit: Option<String>,
    source: Option<String>,
    target: Option<i64>,
    target_text: String,
}

#[derive(FromQueryResult)]
struct MeasurementRow {
    id: i64,
    indicator_id: i64,
    measured_on: NaiveDate,
    value_num: Option<i64>,
    value_text: String,
    note: String,
    filled_by: String,
    automatic: bool,
    author_name: Option<String>,
}

#[derive(FromQueryResult)]
struct TemplateRow {
    body: String,
}

/// Live evaluations of the workspace (`$2`): their partnership is not deleted.
const LIVE: &str = "e.workspace_id = $2 AND EXISTS (SELECT 1 FROM partnerships p WHERE p.id = e.partnership_id AND p.deleted_at IS NULL)";

const EVALUATION_SELECT: &str = "SELECT e.id, e.version, e.partnership_id, e.template_code, e.template_body, e.title, e.answers, \
     e.status, e.started_on, e.updated_at FROM evaluations e";

fn answers_json(a: &BTreeMap<String, Answer>) -> String {
    serde_json::to_string(a).unwrap_or_else(|_| "{}".into())
}

fn parse_row_value(r: &MeasurementRow) -> MeasureValue {
    match r.value_num {
        Some(n) => MeasureValue::Number(n),
        None => MeasureValue::Text(r.value_text.clone()),
    }
}
impl Store {
    /// Starts an evaluation of a partnership from a template: its criteria and indicators
    /// are copied, its questions kept with the evaluation.
    pub async fn create_evaluation(
        &self,
        scope: &WorkspaceScope,
        partnership: PartnershipId,
        template_code: &str,
        title: &str,
        started_on: NaiveDate,
    ) -> Result<Evaluation> {
        scope.require_write()?;
        let template = self.evaluation_template(scope, template_code).await?;
        let title = match title.trim() {
            "" => template.name.clone(),
            t => t.to_owned(),
        };
        let txn = self.write().await?;
        let now = db::now();
        let id = db::insert_on_partnership(
            &txn,
            "INSERT INTO evaluations (workspace_id, partnership_id, template_code, template_body, title, answers, status, started_on, \
             created_by, created_at, updated_at) \
             SELECT $1, p.id, $2, $3, $4, '{}', $5, $6, $7, $8, $8 FROM partnerships p \
             WHERE p.id = $9 AND p.workspace_id = $1 AND p.deleted_at IS NULL RETURNING id",
            vec![
                scope.workspace_id.0.into(),
                template.code.as_str().into(),
                template.to_json().into(),
                title.as_str().into(),
                EvaluationStatus::Brouillon.as_str().into(),
                started_on.into(),
                scope.user_id.0.into(),
                now.into(),
                partnership.0.into(),
            ],
        )
        .await?;
        let highest = |prefix, codes: &mut dyn Iterator<Item = &str>| {
            codes
                .filter_map(|c| numbered_code(prefix, c))
                .max()
                .map_or(0, |n| i32::try_from(n).unwrap_or(i32::MAX))
        };
        db::exec(
            &txn,
            "UPDATE evaluations SET criteria_issued = $1 WHERE id = $2",
            vec![
                highest('C', &mut template.criteria.iter().map(|c| c.code.as_str())).into(),
                id.into(),
            ],
        )
        .await?;
        for (rank, c) in template.criteria.iter().enumerate() {
            let cid = db::insert_id(
                &txn,
                "INSERT INTO evaluation_criteria (workspace_id, evaluation_id, code, text, grp, rank, indicators_issued) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                vec![
                    scope.workspace_id.0.into(),
                    id.into(),
                    c.code.as_str().into(),
                    c.label.as_str().into(),
                    c.group.as_str().into(),
                    i32::try_from(rank).unwrap_or(i32::MAX).into(),
                    highest('I', &mut c.indicators.iter().map(|x| x.code.as_str())).into(),
                ],
            )
            .await?;
            for (irank, x) in c.indicators.iter().enumerate() {
                insert_indicator(
                    &txn,
                    scope,
                    id,
                    cid,
                    &x.code,
                    irank,
                    &IndicatorDraft {
                        text: x.label.clone(),
                        kind: x.kind,
                        unit: x.unit,
                        source: x.source,
                        target: None,
                        target_text: String::new(),
                    },
                )
                .await?;
            }
        }
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "evaluation",
                entity_id: id,
                action: Action::Create,
                before: None,
                after: Some(&serde_json::json!({
                    "partnership_id": partnership.0,
                    "template": template.code,
                    "title": title,
                })),
            },
        )
        .await?;
        txn.commit().await?;
        self.evaluation(scope, EvaluationId(id)).await
    }

    /// The evaluations of a partnership, latest first.
    pub async fn evaluations(
        &self,
        scope: &WorkspaceScope,
        partnership: PartnershipId,
    ) -> Result<Vec<EvaluationSummary>> {
        // The partnership itself must be visible (404 otherwise, even with no evaluation).
        self.partnership(scope, partnership).await?;
        let rows: Vec<EvaluationRow> = db::all(
            &self.db,
            &format!("{EVALUATION_SELECT} WHERE e.partnership_id = $1 AND {LIVE} ORDER BY e.started_on DESC, e.id DESC"),
            vec![partnership.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(EvaluationSummary {
                    id: EvaluationId(r.id),
                    version: r.version,
                    title: r.title,
                    status: r.status.parse().map_err(|_| corrupt("status"))?,
                    template_code: r.template_code,
                    started_on: r.started_on,
                    updated_at: r.updated_at,
                })
            })
            .collect()
    }

    /// One evaluation with its criteria, indicators and measurements.
    pub async fn evaluation(&self, scope: &WorkspaceScope, id: EvaluationId) -> Result<Evaluation> {
        let r: EvaluationRow = db::one(
            &self.db,
            &format!("{EVALUATION_SELECT} WHERE e.id = $1 AND {LIVE}"),
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("evaluation"))?;
        let criteria: Vec<CriterionRow> = db::all(
            &self.db,
            "SELECT id, version, code, text, grp FROM evaluation_criteria WHERE evaluation_id = $1 AND workspace_id = $2 ORDER BY rank, id",
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        let indicators: Vec<IndicatorRow> = db::all(
            &self.db,
            "SELECT id, version, criterion_id, code, text, kind, unit, source, target, target_text FROM evaluation_indicators \
             WHERE evaluation_id = $1 AND workspace_id = $2 ORDER BY rank, id",
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        let measurements: Vec<MeasurementRow> = db::all(
            &self.db,
            "SELECT m.id, m.indicator_id, m.measured_on, m.value_num, m.value_text, m.note, m.filled_by, m.automatic, u.name AS author_name \
             FROM evaluation_measurements m LEFT JOIN users u ON u.id = m.author_id \
             WHERE m.evaluation_id = $1 AND m.workspace_id = $2 ORDER BY m.measured_on, m.id",
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        let mut built = vec![];
        for c in criteria {
            let mut list = vec![];
            for x in indicators.iter().filter(|x| x.criterion_id == c.id) {
                let ms = measurements
                    .iter()
                    .filter(|m| m.indicator_id == x.id)
                    .map(|m| {
                        Ok(Measurement {
                            id: MeasurementId(m.id),
                            data: MeasurementDraft {
                                measured_on: m.measured_on,
                                value: parse_row_value(m),
                                note: m.note.clone(),
                                filled_by: m.filled_by.parse().map_err(|_| corrupt("filled_by"))?,
                            },
                            automatic: m.automatic,
                            author_name: m.author_name.clone(),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                list.push(Indicator {
                    id: IndicatorId(x.id),
                    version: x.version,
                    criterion_id: CriterionId(c.id),
                    code: x.code.clone(),
                    data: IndicatorDraft {
                        text: x.text.clone(),
                        kind: x.kind.parse().map_err(|_| corrupt("kind"))?,
                        unit: x
                            .unit
                            .as_deref()
                            .map(|u| u.parse().map_err(|_| corrupt("unit")))
                            .transpose()?,
                        source: x
                            .source
                            .as_deref()
                            .map(|s| AutoSource::parse(s).map_err(|_| corrupt("source")))
                            .transpose()?,
                        target: x.target,
                        target_text: x.target_text.clone(),
                    },
                    measurements: ms,
                });
            }
            built.push(Criterion {
                id: CriterionId(c.id),
                version: c.version,
                code: c.code,
                data: CriterionDraft {
                    text: c.text,
                    group: c.grp,
                },
                indicators: list,
            });
        }
        Ok(Evaluation {
            id,
            version: r.version,
            partnership_id: PartnershipId(r.partnership_id),
            template: Template::from_json(&r.template_body).map_err(|_| corrupt("template"))?,
            data: EvaluationDraft {
                title: r.title,
                status: r.status.parse().map_err(|_| corrupt("status"))?,
                answers: serde_json::from_str(&r.answers).map_err(|_| corrupt("answers"))?,
            },
            started_on: r.started_on,
            updated_at: r.updated_at,
            criteria: built,
        })
    }

    /// Finds an evaluation among the caller's workspaces (for `/api/v1/evaluations/{id}`),
    /// with the caller's scope in its workspace.
    pub async fn evaluation_any(
        &self,
        caller: &crate::Caller,
        id: EvaluationId,
    ) -> Result<(WorkspaceScope, Evaluation)> {
        #[derive(FromQueryResult)]
        struct S {
            slug: String,
        }
        let found: Option<S> = db::one(
            &self.db,
            "SELECT w.slug FROM evaluations e JOIN workspaces w ON w.id = e.workspace_id \
             JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1 WHERE e.id = $2 AND ($3 IS NULL OR w.id = $3)",
            vec![
                caller.user_id.0.into(),
                id.0.into(),
                caller.only_workspace.map(|w| w.0).into(),
            ],
        )
        .await?;
        let slug = found.ok_or(StoreError::not_found("evaluation"))?.slug;
        let scope = self.scope(caller, &slug).await?;
        let e = self.evaluation(&scope, id).await?;
        Ok((scope, e))
    }

    /// The caller's scope in the workspace of a criterion or an indicator, and the
    /// evaluation it belongs to (for `/api/v1/criteria/{id}` and `/api/v1/indicators/{id}`).
    pub async fn evaluation_part_any(
        &self,
        caller: &crate::Caller,
        part: EvaluationPart,
    ) -> Result<(WorkspaceScope, EvaluationId)> {
        #[derive(FromQueryResult)]
        struct S {
            slug: String,
            evaluation_id: i64,
        }
        let (table, id, entity) = match part {
            EvaluationPart::Criterion(c) => ("evaluation_criteria", c.0, "evaluation_criterion"),
            EvaluationPart::Indicator(i) => ("evaluation_indicators", i.0, "evaluation_indicator"),
        };
        let found: Option<S> = db::one(
            &self.db,
            &format!(
                "SELECT w.slug, x.evaluation_id FROM {table} x JOIN workspaces w ON w.id = x.workspace_id \
                 JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1 WHERE x.id = $2 AND ($3 IS NULL OR w.id = $3)"
            ),
            vec![
                caller.user_id.0.into(),
                id.into(),
                caller.only_workspace.map(|w| w.0).into(),
            ],
        )
        .await?;
        let found = found.ok_or(StoreError::not_found(entity))?;
        let scope = self.scope(caller, &found.slug).await?;
        // Also "not found" when its partnership was deleted.
        self.evaluation(&scope, EvaluationId(found.evaluation_id))
            .await
            .map_err(|_| StoreError::not_found(entity))?;
        Ok((scope, EvaluationId(found.evaluation_id)))
    }

    /// Saves the title, status and answers if the evaluation is still at `version`;
    /// otherwise `Conflict` with the current version, and nothing changes.
    pub async fn update_evaluation(
        &self,
        scope: &WorkspaceScope,
        id: EvaluationId,
        version: i64,
        d: &EvaluationDraft,
    ) -> Result<Evaluation> {
        scope.require_write()?;
        let before = self.evaluation(scope, id).await?;
        let mut d = d.clone();
        d.title = d.title.trim().to_owned();
        if d.title.is_empty() {
            return Err(StoreError::Invalid {
                field: "title",
                code: "required",
            });
        }
        d.answers.retain(|_, a| {
            a.text = a.text.trim().to_owned();
            !a.text.is_empty()
        });
        // The invited partner's answers are its own: the team's save keeps them.
        for (code, a) in &before.data.answers {
            if a.filled_by == FilledBy::Partenaire {
                d.answers.entry(code.clone()).or_insert_with(|| a.clone());
            }
        }
        self.write_evaluation(scope.workspace_id, scope.user_id, id, version, &before, &d)
            .await?;
        self.evaluation(scope, id).await
    }

    /// Saves `d` over evaluation `id` of `workspace` if it is still at `version`
    /// (`Conflict` with the current version otherwise, nothing written), with its audit
    /// event, in one transaction. `before` is the evaluation as read for this save. The
    /// team's form and the invited partner's answers both go through here.
    pub(crate) async fn write_evaluation(
        &self,
        workspace: crate::WorkspaceId,
        user: crate::UserId,
        id: EvaluationId,
        version: i64,
        before: &Evaluation,
        d: &EvaluationDraft,
    ) -> Result<()> {
        let txn = self.write().await?;
        let n = db::exec(
            &txn,
            "UPDATE evaluations SET title = $1, status = $2, answers = $3, updated_at = $4, version = version + 1 \
             WHERE id = $5 AND workspace_id = $6 AND version = $7",
            vec![
                d.title.as_str().into(),
                d.status.as_str().into(),
                answers_json(&d.answers).into(),
                db::now().into(),
                id.0.into(),
                workspace.0.into(),
                version.into(),
            ],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::Conflict {
                current: before.version,
            });
        }
        audit::record(
            &txn,
            Record {
                workspace: Some(workspace),
                user: Some(user),
                entity: "evaluation",
                entity_id: id.0,
                action: Action::Update,
                before: Some(&before.data),
                after: Some(d),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Who changed the evaluation's title, status and answers, and when, oldest first.
    pub async fn evaluation_history(
        &self,
        scope: &WorkspaceScope,
        id: EvaluationId,
    ) -> Result<Vec<audit::AuditEvent>> {
        self.evaluation(scope, id).await?;
        audit::history(&self.db, "evaluation", id.0).await
    }

    /// Deletes an evaluation with its criteria, indicators and measurements.
    pub async fn delete_evaluation(&self, scope: &WorkspaceScope, id: EvaluationId) -> Result<()> {
        scope.require_write()?;
        let before = self.evaluation(scope, id).await?;
        let txn = self.write().await?;
        db::exec(
            &txn,
            "DELETE FROM evaluations WHERE id = $1 AND workspace_id = $2",
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "evaluation",
                entity_id: id.0,
                action: Action::Delete,
                before: Some(&before.data),
                after: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

/// A row under an evaluation that is removed on its own.
#[derive(Clone, Copy)]
enum Part {
    Criterion,
    Measurement,
}

impl Part {
    /// Its table (a constant, never input) and the audit entity.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Part::Criterion => ("evaluation_criteria", "evaluation_criterion"),
            Part::Measurement => ("evaluation_measurements", "evaluation_measurement"),
        }
    }
}

impl Store {
    /// Deletes row `id` of a part of a live evaluation of the scope's workspace (its
    /// partnership not deleted), audited in the same transaction; `NotFound` otherwise.
    async fn delete_part(&self, scope: &WorkspaceScope, part: Part, id: i64) -> Result<()> {
        scope.require_write()?;
        let (table, entity) = part.names();
        let txn = self.write().await?;
        let n = db::exec(
            &txn,
            &format!(
                "DELETE FROM {table} WHERE id = $1 AND workspace_id = $2 \
                 AND EXISTS (SELECT 1 FROM evaluations e WHERE e.id = {table}.evaluation_id AND e.workspace_id = $2 \
                 AND EXISTS (SELECT 1 FROM partnerships p WHERE p.id = e.partnership_id AND p.deleted_at IS NULL))"
            ),
            vec![id.into(), scope.workspace_id.0.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::not_found(entity));
        }
        audit::record::<()>(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity,
                entity_id: id,
                action: Action::Delete,
                before: None,
                after: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
