//! Evaluations of a partnership in four steps (DOMAIN.md §7): templates (built in, or
//! imported by a workspace), the evaluations themselves with their step answers, criteria,
//! indicators and dated measurements. Automatic indicators are measured from the same
//! aggregates as the dashboard ([`Store::dashboard_of`]), so both always agree.
//!
//! Every query filters on the scope's workspace, and on the partnership being live: an
//! evaluation of a deleted partnership is "not found" like the partnership itself.

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

/// A criterion or an indicator, to find its workspace.
#[derive(Debug, Clone, Copy)]
pub enum EvaluationPart {
    Criterion(CriterionId),
    Indicator(IndicatorId),
}

/// A template offered to a workspace: built in, or imported by the workspace.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateEntry {
    #[serde(flatten)]
    pub template: Template,
    pub builtin: bool,
}

/// The answer to a guiding question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub text: String,
    /// Who wrote it: always the structure until partners are invited (issue 4).
    #[serde(default = "structure")]
    pub filled_by: FilledBy,
}

fn structure() -> FilledBy {
    FilledBy::Structure
}

/// What the step form changes: the title, the status and the answers by question code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationDraft {
    pub title: String,
    pub status: EvaluationStatus,
    pub answers: BTreeMap<String, Answer>,
}

impl EvaluationDraft {
    /// The answer to question `code`, or "".
    pub fn answer(&self, code: &str) -> &str {
        self.answers.get(code).map_or("", |a| a.text.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub id: EvaluationId,
    pub version: i64,
    pub partnership_id: PartnershipId,
    /// The template as it was when the evaluation started: its questions stay put even
    /// if the workspace's template changes later.
    pub template: Template,
    #[serde(flatten)]
    pub data: EvaluationDraft,
    pub started_on: NaiveDate,
    pub updated_at: DateTime<Utc>,
    pub criteria: Vec<Criterion>,
}

impl Evaluation {
    pub fn indicator(&self, id: IndicatorId) -> Option<(&Criterion, &Indicator)> {
        self.criteria
            .iter()
            .flat_map(|c| c.indicators.iter().map(move |i| (c, i)))
            .find(|(_, i)| i.id == id)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EvaluationSummary {
    pub id: EvaluationId,
    pub version: i64,
    pub title: String,
    pub status: EvaluationStatus,
    pub template_code: String,
    pub started_on: NaiveDate,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionDraft {
    pub text: String,
    pub group: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub id: CriterionId,
    pub version: i64,
    /// `C1`, `C2`…: given once, never reused.
    pub code: String,
    #[serde(flatten)]
    pub data: CriterionDraft,
    pub indicators: Vec<Indicator>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorDraft {
    pub text: String,
    pub kind: IndicatorKind,
    pub unit: Option<Unit>,
    /// Measured from the partnership's data; `None` for a manual indicator.
    pub source: Option<AutoSource>,
    /// Quantitative target in hundredths (a threshold to reach).
    pub target: Option<i64>,
    /// A qualitative target, or a word on the numeric one.
    pub target_text: String,
}

impl IndicatorDraft {
    fn validate(mut self) -> Result<Self> {
        self.text = self.text.trim().to_owned();
        self.target_text = self.target_text.trim().to_owned();
        if self.text.is_empty() {
            return Err(StoreError::Invalid {
                field: "text",
                code: "required",
            });
        }
        let spec = IndicatorSpec {
            kind: self.kind,
            unit: self.unit,
            source: self.source,
        }
        .check()
        .map_err(|p| match p {
            TemplateProblem::SourceUnit { .. } => StoreError::Invalid {
                field: "unit",
                code: "unit_of_source",
            },
            _ => StoreError::Invalid {
                field: "kind",
                code: "qualitative_with_unit",
            },
        })?;
        if spec.kind == IndicatorKind::Qualitatif && self.target.is_some() {
            return Err(StoreError::Invalid {
                field: "target",
                code: "qualitative_target",
            });
        }
        self.unit = spec.unit;
        Ok(self)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub id: IndicatorId,
    pub version: i64,
    pub criterion_id: CriterionId,
    /// `I1`, `I2`… within its criterion.
    pub code: String,
    #[serde(flatten)]
    pub data: IndicatorDraft,
    /// Oldest first.
    pub measurements: Vec<Measurement>,
}

impl Indicator {
    pub fn latest(&self) -> Option<&Measurement> {
        self.measurements.last()
    }

    pub fn progress(&self) -> Progress {
        progress(self.data.target, self.latest().map(|m| &m.data.value))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasurementDraft {
    pub measured_on: NaiveDate,
    pub value: MeasureValue,
    pub note: String,
    /// Today always the structure: the extension point for the invited partner.
    pub filled_by: FilledBy,
}

#[derive(Debug, Clone, Serialize)]
pub struct Measurement {
    pub id: MeasurementId,
    #[serde(flatten)]
    pub data: MeasurementDraft,
    /// Computed from the partnership's data by "actualiser".
    pub automatic: bool,
    pub author_name: Option<String>,
}

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
    // -------------------------------------------------------------- templates

    /// The built-in templates, then the workspace's own, by name.
    pub async fn evaluation_templates(&self, scope: &WorkspaceScope) -> Result<Vec<TemplateEntry>> {
        let mut out: Vec<TemplateEntry> = builtin_templates()
            .into_iter()
            .map(|template| TemplateEntry {
                template,
                builtin: true,
            })
            .collect();
        let rows: Vec<TemplateRow> = db::all(
            &self.db,
            "SELECT body FROM evaluation_templates WHERE workspace_id = $1 ORDER BY name, id",
            vec![scope.workspace_id.0.into()],
        )
        .await?;
        for r in rows {
            out.push(TemplateEntry {
                template: Template::from_json(&r.body).map_err(|_| corrupt("template"))?,
                builtin: false,
            });
        }
        Ok(out)
    }

    /// One template offered to the workspace, by code.
    pub async fn evaluation_template(
        &self,
        scope: &WorkspaceScope,
        code: &str,
    ) -> Result<Template> {
        self.evaluation_templates(scope)
            .await?
            .into_iter()
            .find(|t| t.template.code == code)
            .map(|t| t.template)
            .ok_or(StoreError::not_found("evaluation_template"))
    }

    /// Adds a template (already validated by [`Template::from_json`]) to the workspace.
    /// Its code may not be taken by a built-in template or one of the workspace's.
    pub async fn add_evaluation_template(
        &self,
        scope: &WorkspaceScope,
        template: &Template,
    ) -> Result<()> {
        scope.require_write()?;
        if builtin_templates().iter().any(|t| t.code == template.code) {
            return Err(StoreError::Duplicate {
                field: "code",
                existing_id: None,
            });
        }
        let txn = self.write().await?;
        let id = db::insert_id(
            &txn,
            "INSERT INTO evaluation_templates (workspace_id, code, name, body, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            vec![
                scope.workspace_id.0.into(),
                template.code.as_str().into(),
                template.name.as_str().into(),
                template.to_json().into(),
                scope.user_id.0.into(),
                db::now().into(),
            ],
        )
        .await
        .map_err(|e| {
            if db::is_unique_violation(&e) {
                StoreError::Duplicate {
                    field: "code",
                    existing_id: None,
                }
            } else {
                e
            }
        })?;
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "evaluation_template",
                entity_id: id,
                action: Action::Create,
                before: None,
                after: Some(template),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    // -------------------------------------------------------------- evaluations

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
                scope.workspace_id.0.into(),
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
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "evaluation",
                entity_id: id.0,
                action: Action::Update,
                before: Some(&before.data),
                after: Some(&d),
            },
        )
        .await?;
        txn.commit().await?;
        self.evaluation(scope, id).await
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

    // -------------------------------------------------------------- criteria, indicators

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
        scope.require_write()?;
        let txn = self.write().await?;
        let n = db::exec(
            &txn,
            "DELETE FROM evaluation_criteria WHERE id = $1 AND workspace_id = $2 \
             AND EXISTS (SELECT 1 FROM evaluations e WHERE e.id = evaluation_criteria.evaluation_id AND e.workspace_id = $2 \
             AND EXISTS (SELECT 1 FROM partnerships p WHERE p.id = e.partnership_id AND p.deleted_at IS NULL))",
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::not_found("evaluation_criterion"));
        }
        audit::record::<()>(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "evaluation_criterion",
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
    async fn criterion_codes(
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
    async fn indicator_evaluation(
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

    // -------------------------------------------------------------- measurements

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
        scope.require_write()?;
        let txn = self.write().await?;
        let n = db::exec(
            &txn,
            "DELETE FROM evaluation_measurements WHERE id = $1 AND workspace_id = $2 \
             AND EXISTS (SELECT 1 FROM evaluations e WHERE e.id = evaluation_measurements.evaluation_id AND e.workspace_id = $2 \
             AND EXISTS (SELECT 1 FROM partnerships p WHERE p.id = e.partnership_id AND p.deleted_at IS NULL))",
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::not_found("evaluation_measurement"));
        }
        audit::record::<()>(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "evaluation_measurement",
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

async fn insert_indicator(
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

async fn insert_measurement(
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
