//! The action plan of a workspace's strategy: what to do, about which partnership, who
//! carries it, by when, and where it stands; the late ones remind the team on the
//! workspace's home page. Every write is audited (`plan_action`).

use chrono::{DateTime, NaiveDate, Utc};
use partinnov_domain::strategy::{ActionStatus, TITLE_MAX_CHARS, is_late};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::{Deserialize, Serialize};

use crate::{
    PartnershipId, Store, StoreError, UserId, WorkspaceScope,
    audit::{self, Action, Record},
    db,
    error::Result,
    organisations::corrupt,
    partnerships::today,
};

/// What a person enters about an action; also the audit snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanActionDraft {
    pub title: String,
    /// A partnership of the same workspace.
    pub partnership_id: Option<PartnershipId>,
    /// A member of the workspace who carries the action.
    pub owner_id: Option<UserId>,
    pub due_on: Option<NaiveDate>,
    pub status: ActionStatus,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanAction {
    pub id: i64,
    pub version: i64,
    #[serde(flatten)]
    pub data: PlanActionDraft,
    pub partnership_title: Option<String>,
    pub owner_name: Option<String>,
    /// Open and past its due day.
    pub late: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct Row {
    id: i64,
    version: i64,
    title: String,
    partnership_id: Option<i64>,
    owner_id: Option<i64>,
    due_on: Option<NaiveDate>,
    status: String,
    note: String,
    partnership_title: Option<String>,
    owner_name: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT a.id, a.version, a.title, a.partnership_id, a.owner_id, a.due_on, a.status, a.note, \
     p.title AS partnership_title, u.name AS owner_name, a.created_at, a.updated_at FROM plan_actions a \
     LEFT JOIN partnerships p ON p.id = a.partnership_id AND p.deleted_at IS NULL \
     LEFT JOIN users u ON u.id = a.owner_id";

/// Open actions first, then by due day (undated last), then in order of entry.
const ORDER: &str = "ORDER BY CASE WHEN a.status IN ('a_faire', 'en_cours') THEN 0 ELSE 1 END, \
     CASE WHEN a.due_on IS NULL THEN 1 ELSE 0 END, a.due_on, a.id";

fn to_action(r: Row, day: NaiveDate) -> Result<PlanAction> {
    let status: ActionStatus = r.status.parse().map_err(|_| corrupt("status"))?;
    Ok(PlanAction {
        id: r.id,
        version: r.version,
        late: is_late(status, r.due_on, day),
        data: PlanActionDraft {
            title: r.title,
            partnership_id: r.partnership_id.map(PartnershipId),
            owner_id: r.owner_id.map(UserId),
            due_on: r.due_on,
            status,
            note: r.note,
        },
        partnership_title: r.partnership_title,
        owner_name: r.owner_name,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

fn validate(d: &PlanActionDraft) -> Result<()> {
    let title = d.title.trim();
    if title.is_empty() {
        return Err(StoreError::Invalid {
            field: "title",
            code: "required",
        });
    }
    if title.chars().count() > TITLE_MAX_CHARS {
        return Err(StoreError::Invalid {
            field: "title",
            code: "too_long",
        });
    }
    Ok(())
}

/// The partnership must be a live one of the workspace and the owner one of its members:
/// checked in SQL, inside the transaction that writes.
async fn check_links(
    c: &impl ConnectionTrait,
    scope: &WorkspaceScope,
    d: &PlanActionDraft,
) -> Result<()> {
    let ws = scope.workspace_id.0;
    if let Some(p) = d.partnership_id {
        let n = db::scalar(
            c,
            "SELECT COUNT(*) FROM partnerships WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL",
            vec![p.0.into(), ws.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::Invalid {
                field: "partnership_id",
                code: "unknown_partnership",
            });
        }
    }
    if let Some(u) = d.owner_id {
        let n = db::scalar(
            c,
            "SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND workspace_id = $2",
            vec![u.0.into(), ws.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::Invalid {
                field: "owner_id",
                code: "not_a_member",
            });
        }
    }
    Ok(())
}

fn values(d: &PlanActionDraft) -> Vec<Value> {
    vec![
        d.title.trim().into(),
        d.partnership_id.map(|p| p.0).into(),
        d.owner_id.map(|u| u.0).into(),
        d.due_on.into(),
        d.status.as_str().into(),
        d.note.trim().into(),
    ]
}

async fn fetch(c: &impl ConnectionTrait, scope: &WorkspaceScope, id: i64) -> Result<PlanAction> {
    let row: Option<Row> = db::one(
        c,
        &format!("{SELECT} WHERE a.id = $1 AND a.workspace_id = $2"),
        vec![id.into(), scope.workspace_id.0.into()],
    )
    .await?;
    to_action(row.ok_or(StoreError::not_found("action"))?, today())
}

async fn audit_action(
    c: &impl ConnectionTrait,
    scope: &WorkspaceScope,
    id: i64,
    action: Action,
    before: Option<&PlanActionDraft>,
    after: Option<&PlanActionDraft>,
) -> Result<()> {
    audit::record(
        c,
        Record {
            workspace: Some(scope.workspace_id),
            user: Some(scope.user_id),
            entity: "plan_action",
            entity_id: id,
            action,
            before,
            after,
        },
    )
    .await
}

impl Store {
    pub async fn create_action(
        &self,
        scope: &WorkspaceScope,
        d: &PlanActionDraft,
    ) -> Result<PlanAction> {
        scope.require_write()?;
        validate(d)?;
        let txn = self.write().await?;
        check_links(&txn, scope, d).await?;
        let now = db::now();
        let mut vals = values(d);
        vals.extend([
            scope.workspace_id.0.into(),
            scope.user_id.0.into(),
            now.into(),
            now.into(),
        ]);
        let id = db::insert_id(
            &txn,
            "INSERT INTO plan_actions (title, partnership_id, owner_id, due_on, status, note, workspace_id, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            vals,
        )
        .await?;
        audit_action(&txn, scope, id, Action::Create, None, Some(d)).await?;
        let saved = fetch(&txn, scope, id).await?;
        txn.commit().await?;
        Ok(saved)
    }

    pub async fn plan_action(&self, scope: &WorkspaceScope, id: i64) -> Result<PlanAction> {
        fetch(&self.db, scope, id).await
    }

    /// The whole plan: open actions first, by due day.
    pub async fn plan_actions(&self, scope: &WorkspaceScope) -> Result<Vec<PlanAction>> {
        let rows: Vec<Row> = db::all(
            &self.db,
            &format!("{SELECT} WHERE a.workspace_id = $1 {ORDER}"),
            vec![scope.workspace_id.0.into()],
        )
        .await?;
        let day = today();
        rows.into_iter().map(|r| to_action(r, day)).collect()
    }

    /// Open actions whose due day has passed, the oldest first: the home page's reminders.
    pub async fn late_actions(&self, scope: &WorkspaceScope) -> Result<Vec<PlanAction>> {
        let day = today();
        let rows: Vec<Row> = db::all(
            &self.db,
            &format!(
                "{SELECT} WHERE a.workspace_id = $1 AND a.status IN ('a_faire', 'en_cours') AND a.due_on < $2 \
                 ORDER BY a.due_on, a.id"
            ),
            vec![scope.workspace_id.0.into(), day.into()],
        )
        .await?;
        rows.into_iter().map(|r| to_action(r, day)).collect()
    }

    /// Saves `d` over the action if it is still at `version`; otherwise `Conflict` with
    /// the version it is at, and nothing changes.
    pub async fn update_action(
        &self,
        scope: &WorkspaceScope,
        id: i64,
        version: i64,
        d: &PlanActionDraft,
    ) -> Result<PlanAction> {
        scope.require_write()?;
        validate(d)?;
        let txn = self.write().await?;
        let before = fetch(&txn, scope, id).await?;
        if before.version != version {
            return Err(StoreError::Conflict {
                current: before.version,
            });
        }
        check_links(&txn, scope, d).await?;
        let mut vals = values(d);
        vals.extend([
            db::now().into(),
            id.into(),
            scope.workspace_id.0.into(),
            version.into(),
        ]);
        let n = db::exec(
            &txn,
            "UPDATE plan_actions SET title = $1, partnership_id = $2, owner_id = $3, due_on = $4, status = $5, note = $6, \
             updated_at = $7, version = version + 1 WHERE id = $8 AND workspace_id = $9 AND version = $10",
            vals,
        )
        .await?;
        if n == 0 {
            return Err(StoreError::Conflict {
                current: version + 1,
            });
        }
        audit_action(&txn, scope, id, Action::Update, Some(&before.data), Some(d)).await?;
        let saved = fetch(&txn, scope, id).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Removes an action (its audit event keeps what it was). With `version`, only if the
    /// action is still at it.
    pub async fn delete_action(
        &self,
        scope: &WorkspaceScope,
        id: i64,
        version: Option<i64>,
    ) -> Result<()> {
        scope.require_write()?;
        let txn = self.write().await?;
        let before = fetch(&txn, scope, id).await?;
        let expected = version.unwrap_or(before.version);
        if expected != before.version {
            return Err(StoreError::Conflict {
                current: before.version,
            });
        }
        let n = db::exec(
            &txn,
            "DELETE FROM plan_actions WHERE id = $1 AND workspace_id = $2 AND version = $3",
            vec![id.into(), scope.workspace_id.0.into(), expected.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::Conflict {
                current: expected + 1,
            });
        }
        audit_action(&txn, scope, id, Action::Delete, Some(&before.data), None).await?;
        txn.commit().await?;
        Ok(())
    }
}
