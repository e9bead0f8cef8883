//! Employment outcomes on a partnership: introductions, immersions, staff lending,
//! trainings, hires. A hire is classified into the official exit categories when written.

use chrono::{DateTime, NaiveDate};
use partinnov_domain::{
    event::{OutcomeKind, PersonRef},
    outcome::{
        Classification, ClassificationRules, Exit, ExitCategory, ExitKind, OutcomeError, classify,
    },
};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::{
    PartnershipId, Store, StoreError, UserId, WorkspaceId, WorkspaceScope,
    audit::{self, Action, Record},
    db,
    error::Result,
    organisations::corrupt,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeDraft {
    pub person_ref: PersonRef,
    pub kind: OutcomeKind,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub days: Option<i32>,
    pub hours: Option<i32>,
    pub contract: Option<ExitKind>,
    pub duration_days: Option<i32>,
    pub aided: bool,
    pub working_time_pct: Option<i32>,
    pub note: String,
}

impl OutcomeDraft {
    /// The official exit category of a hire, or `None` for other kinds of events.
    pub fn classification(&self) -> Result<Option<Classification>> {
        if self.kind != OutcomeKind::Embauche {
            return Ok(None);
        }
        let contract = self.contract.ok_or(StoreError::Invalid {
            field: "contract",
            code: "required",
        })?;
        let exit = Exit {
            kind: contract,
            duration_days: self.duration_days.and_then(|d| u32::try_from(d).ok()),
            aided: self.aided,
        };
        match classify(&exit, &ClassificationRules::default()) {
            Ok(c) => Ok(Some(c)),
            Err(OutcomeError::MissingDuration { .. }) => Err(StoreError::Invalid {
                field: "duration_days",
                code: "duration_required",
            }),
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if let (Some(s), Some(e)) = (self.started_on, self.ended_on)
            && e < s
        {
            return Err(StoreError::Invalid {
                field: "ended_on",
                code: "end_before_start",
            });
        }
        for (field, v) in [
            ("days", self.days),
            ("hours", self.hours),
            ("duration_days", self.duration_days),
        ] {
            if v.is_some_and(|v| v < 0) {
                return Err(StoreError::Invalid {
                    field,
                    code: "negative",
                });
            }
        }
        if self
            .working_time_pct
            .is_some_and(|p| !(1..=100).contains(&p))
        {
            return Err(StoreError::Invalid {
                field: "working_time_pct",
                code: "out_of_range",
            });
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub id: i64,
    pub version: i64,
    pub partnership_id: i64,
    #[serde(flatten)]
    pub data: OutcomeDraft,
    pub category: Option<ExitCategory>,
    pub author_name: Option<String>,
    pub created_at: DateTime<chrono::Utc>,
}

#[derive(FromQueryResult)]
struct Row {
    id: i64,
    version: i64,
    partnership_id: i64,
    person_ref: String,
    kind: String,
    started_on: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
    days: Option<i32>,
    hours: Option<i32>,
    contract: Option<String>,
    duration_days: Option<i32>,
    aided: bool,
    working_time_pct: Option<i32>,
    category: Option<String>,
    note: String,
    author_name: Option<String>,
    created_at: DateTime<chrono::Utc>,
}

impl TryFrom<Row> for Outcome {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Outcome {
            id: r.id,
            version: r.version,
            partnership_id: r.partnership_id,
            data: OutcomeDraft {
                person_ref: PersonRef::parse(&r.person_ref).map_err(|_| corrupt("person_ref"))?,
                kind: r.kind.parse().map_err(|_| corrupt("kind"))?,
                started_on: r.started_on,
                ended_on: r.ended_on,
                days: r.days,
                hours: r.hours,
                contract: r
                    .contract
                    .map(|c| c.parse().map_err(|_| corrupt("contract")))
                    .transpose()?,
                duration_days: r.duration_days,
                aided: r.aided,
                working_time_pct: r.working_time_pct,
                note: r.note,
            },
            category: r
                .category
                .map(|c| c.parse().map_err(|_| corrupt("category")))
                .transpose()?,
            author_name: r.author_name,
            created_at: r.created_at,
        })
    }
}

const SELECT: &str = "SELECT o.id, o.version, o.partnership_id, o.person_ref, o.kind, o.started_on, o.ended_on, o.days, o.hours, \
     o.contract, o.duration_days, o.aided, o.working_time_pct, o.category, o.note, u.name AS author_name, o.created_at \
     FROM outcomes o LEFT JOIN users u ON u.id = o.author_id";

/// Checks, classifies and inserts an outcome on a partnership of workspace `ws`, with its
/// audit event, in an open transaction (the form, the API and imports).
pub(crate) async fn insert_outcome(
    c: &impl ConnectionTrait,
    ws: WorkspaceId,
    author: Option<UserId>,
    partnership: PartnershipId,
    d: &OutcomeDraft,
) -> Result<i64> {
    d.validate()?;
    let category = d.classification()?.map(|c| c.category);
    let id = db::insert_on_partnership(
        c,
        "INSERT INTO outcomes (workspace_id, partnership_id, person_ref, kind, started_on, ended_on, days, hours, contract, duration_days, \
         aided, working_time_pct, category, note, author_id, created_at) \
         SELECT $1, p.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 FROM partnerships p \
         WHERE p.id = $16 AND p.workspace_id = $1 AND p.deleted_at IS NULL RETURNING id",
        vec![
            ws.0.into(),
            d.person_ref.as_str().into(),
            d.kind.as_str().into(),
            d.started_on.into(),
            d.ended_on.into(),
            d.days.into(),
            d.hours.into(),
            d.contract.map(|c| c.as_str()).into(),
            d.duration_days.into(),
            d.aided.into(),
            d.working_time_pct.into(),
            category.map(|c| c.as_str()).into(),
            d.note.trim().into(),
            author.map(|u| u.0).into(),
            db::now().into(),
            partnership.0.into(),
        ],
    )
    .await?;
    audit::record(
        c,
        Record {
            workspace: Some(ws),
            user: author,
            entity: "outcome",
            entity_id: id,
            action: Action::Create,
            before: None,
            after: Some(d),
        },
    )
    .await?;
    Ok(id)
}

/// Replaces an outcome's description (its partnership stays), reclassifying a hire, with
/// its audit event. `before` is what is stored.
pub(crate) async fn update_outcome_in(
    c: &impl ConnectionTrait,
    ws: WorkspaceId,
    author: Option<UserId>,
    id: i64,
    before: &OutcomeDraft,
    d: &OutcomeDraft,
) -> Result<()> {
    d.validate()?;
    let category = d.classification()?.map(|c| c.category);
    let n = db::exec(
        c,
        "UPDATE outcomes SET person_ref = $1, kind = $2, started_on = $3, ended_on = $4, days = $5, hours = $6, contract = $7, \
         duration_days = $8, aided = $9, working_time_pct = $10, category = $11, note = $12, version = version + 1 \
         WHERE id = $13 AND workspace_id = $14",
        vec![
            d.person_ref.as_str().into(),
            d.kind.as_str().into(),
            d.started_on.into(),
            d.ended_on.into(),
            d.days.into(),
            d.hours.into(),
            d.contract.map(|c| c.as_str()).into(),
            d.duration_days.into(),
            d.aided.into(),
            d.working_time_pct.into(),
            category.map(|c| c.as_str()).into(),
            d.note.trim().into(),
            id.into(),
            ws.0.into(),
        ],
    )
    .await?;
    if n == 0 {
        return Err(StoreError::not_found("outcome"));
    }
    audit::record(
        c,
        Record {
            workspace: Some(ws),
            user: author,
            entity: "outcome",
            entity_id: id,
            action: Action::Update,
            before: Some(before),
            after: Some(d),
        },
    )
    .await
}

/// An outcome of `partnership` found by what identifies it in a spreadsheet: the person,
/// the kind and the first day.
pub(crate) async fn find_outcome(
    c: &impl ConnectionTrait,
    ws: WorkspaceId,
    partnership: PartnershipId,
    d: &OutcomeDraft,
) -> Result<Option<Outcome>> {
    let row: Option<Row> = db::one(
        c,
        &format!(
            "{SELECT} WHERE o.workspace_id = $1 AND o.partnership_id = $2 AND o.person_ref = $3 AND o.kind = $4 \
             AND (o.started_on = $5 OR (o.started_on IS NULL AND $6)) ORDER BY o.id LIMIT 1"
        ),
        vec![
            ws.0.into(),
            partnership.0.into(),
            d.person_ref.as_str().into(),
            d.kind.as_str().into(),
            d.started_on.into(),
            d.started_on.is_none().into(),
        ],
    )
    .await?;
    row.map(Outcome::try_from).transpose()
}

impl Store {
    /// Records an outcome on a partnership of the scope's workspace.
    pub async fn create_outcome(
        &self,
        scope: &WorkspaceScope,
        partnership: PartnershipId,
        d: &OutcomeDraft,
    ) -> Result<Outcome> {
        scope.require_write()?;
        let txn = self.write().await?;
        let id = insert_outcome(
            &txn,
            scope.workspace_id,
            Some(scope.user_id),
            partnership,
            d,
        )
        .await?;
        let row: Row = db::one(&txn, &format!("{SELECT} WHERE o.id = $1"), vec![id.into()])
            .await?
            .ok_or(StoreError::not_found("outcome"))?;
        txn.commit().await?;
        row.try_into()
    }

    /// Outcomes of one partnership, oldest first.
    pub async fn outcomes(
        &self,
        scope: &WorkspaceScope,
        partnership: PartnershipId,
    ) -> Result<Vec<Outcome>> {
        let rows: Vec<Row> = db::all(
            &self.db,
            &format!("{SELECT} WHERE o.partnership_id = $1 AND o.workspace_id = $2 ORDER BY o.started_on, o.id"),
            vec![partnership.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        rows.into_iter().map(Outcome::try_from).collect()
    }

    pub async fn delete_outcome(&self, scope: &WorkspaceScope, id: i64) -> Result<()> {
        scope.require_write()?;
        let txn = self.write().await?;
        let n = db::exec(
            &txn,
            "DELETE FROM outcomes WHERE id = $1 AND workspace_id = $2",
            vec![id.into(), scope.workspace_id.0.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::not_found("outcome"));
        }
        audit::record::<OutcomeDraft>(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "outcome",
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
