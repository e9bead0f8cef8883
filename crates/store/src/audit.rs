//! The audit trail: every write records who, when, what, before and after, in the same
//! transaction as the write itself.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::{UserId, WorkspaceId, db, error::Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Delete,
    Restore,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Restore => "restore",
        }
    }
}

/// One entry of a history, as shown in the "Historique" tab and the API.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub user_id: Option<i64>,
    pub user_name: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub at: DateTime<Utc>,
}

pub(crate) struct Record<'a, T: Serialize> {
    pub workspace: Option<WorkspaceId>,
    pub user: Option<UserId>,
    pub entity: &'static str,
    pub entity_id: i64,
    pub action: Action,
    pub before: Option<&'a T>,
    pub after: Option<&'a T>,
}

pub(crate) async fn record<T: Serialize>(c: &impl ConnectionTrait, r: Record<'_, T>) -> Result<()> {
    db::exec(
        c,
        "INSERT INTO audit_events (workspace_id, user_id, entity, entity_id, action, before_json, after_json, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        r.values(crate::db::now()),
    )
    .await?;
    Ok(())
}

/// Records many events in a few multi-row statements (imports): the same rows as
/// `record` for each, all at the same time.
pub(crate) async fn record_many<'a, T: Serialize + 'a>(
    c: &impl ConnectionTrait,
    records: impl IntoIterator<Item = Record<'a, T>>,
) -> Result<()> {
    let at = crate::db::now();
    db::insert_rows(
        c,
        "audit_events (workspace_id, user_id, entity, entity_id, action, before_json, after_json, at)",
        records.into_iter().map(|r| r.values(at)).collect(),
    )
    .await
}

impl<T: Serialize> Record<'_, T> {
    fn values(&self, at: DateTime<Utc>) -> Vec<sea_orm::Value> {
        let to_json = |v: Option<&T>| v.map(|v| serde_json::to_string(v).unwrap_or_default());
        vec![
            self.workspace.map(|w| w.0).into(),
            self.user.map(|u| u.0).into(),
            self.entity.into(),
            self.entity_id.into(),
            self.action.as_str().into(),
            to_json(self.before).into(),
            to_json(self.after).into(),
            at.into(),
        ]
    }
}

/// The history of one row, oldest first. Callers check access to the row first.
pub(crate) async fn history(
    c: &impl ConnectionTrait,
    entity: &str,
    entity_id: i64,
) -> Result<Vec<AuditEvent>> {
    db::all(
        c,
        "SELECT a.id, a.entity, a.entity_id, a.action, a.user_id, u.name AS user_name, a.before_json, a.after_json, a.at \
         FROM audit_events a LEFT JOIN users u ON u.id = a.user_id WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.id",
        vec![entity.into(), entity_id.into()],
    )
    .await
}
