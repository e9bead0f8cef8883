//! Saved import mappings: the column choices of an import, named by the team and reused
//! for the next file of the same shape. One name per workspace and kind of import; saving
//! under an existing name replaces it. Every member reads them; only editors and owners,
//! who may import, save, apply and delete them.

use chrono::{DateTime, Utc};
use sea_orm::FromQueryResult;
use serde::Serialize;

use super::ImportTarget;
use crate::{
    Store, StoreError, WorkspaceScope,
    audit::{self, Action, Record},
    db,
    error::Result,
};

/// Longest name of a saved mapping, in characters.
pub const MAX_NAME_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct SavedMapping {
    pub kind: String,
    pub name: String,
    /// `{"columns": {"Raison sociale": "name", "Colonne inutile": null}}`
    pub mapping_json: String,
    pub author_name: Option<String>,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT m.kind, m.name, m.mapping_json, u.name AS author_name, m.updated_at \
     FROM import_mappings m LEFT JOIN users u ON u.id = m.author_id";

#[derive(Serialize)]
struct Audited<'a> {
    kind: &'a str,
    name: &'a str,
    mapping_json: &'a str,
}

fn checked_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(StoreError::Invalid {
            field: "mapping_name",
            code: "length",
        });
    }
    Ok(name)
}

impl Store {
    /// Saves (or replaces) the mapping `name` for imports of `kind`.
    pub async fn save_import_mapping(
        &self,
        scope: &WorkspaceScope,
        kind: &str,
        name: &str,
        mapping_json: &str,
    ) -> Result<SavedMapping> {
        scope.require_write()?;
        let name = checked_name(name)?;
        let txn = self.write().await?;
        let now = db::now();
        let ws = scope.workspace_id.0;
        let replaced = db::exec(
            &txn,
            "UPDATE import_mappings SET mapping_json = $1, author_id = $2, updated_at = $3 \
             WHERE workspace_id = $4 AND kind = $5 AND name = $6",
            vec![
                mapping_json.into(),
                scope.user_id.0.into(),
                now.into(),
                ws.into(),
                kind.into(),
                name.into(),
            ],
        )
        .await?;
        if replaced == 0 {
            db::exec(
                &txn,
                "INSERT INTO import_mappings (workspace_id, kind, name, mapping_json, author_id, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                vec![
                    ws.into(),
                    kind.into(),
                    name.into(),
                    mapping_json.into(),
                    scope.user_id.0.into(),
                    now.into(),
                ],
            )
            .await?;
        }
        let id = db::scalar(
            &txn,
            "SELECT id FROM import_mappings WHERE workspace_id = $1 AND kind = $2 AND name = $3",
            vec![ws.into(), kind.into(), name.into()],
        )
        .await?;
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "import_mapping",
                entity_id: id,
                action: if replaced == 0 {
                    Action::Create
                } else {
                    Action::Update
                },
                before: None,
                after: Some(&Audited {
                    kind,
                    name,
                    mapping_json,
                }),
            },
        )
        .await?;
        txn.commit().await?;
        self.import_mapping(scope, kind, name).await
    }

    /// The workspace's saved mappings for `kind`, by name.
    pub async fn import_mappings(
        &self,
        scope: &WorkspaceScope,
        kind: &str,
    ) -> Result<Vec<SavedMapping>> {
        db::all(
            &self.db,
            &format!("{SELECT} WHERE m.workspace_id = $1 AND m.kind = $2 ORDER BY m.name"),
            vec![scope.workspace_id.0.into(), kind.into()],
        )
        .await
    }

    pub async fn import_mapping(
        &self,
        scope: &WorkspaceScope,
        kind: &str,
        name: &str,
    ) -> Result<SavedMapping> {
        scope.require_write()?;
        self.mapping_in(scope.workspace_id.0, kind, name).await
    }

    /// The saved mapping for an import into `target` (the command line's way in: the
    /// target was built for someone who may import).
    pub async fn target_import_mapping(
        &self,
        target: &ImportTarget,
        kind: &str,
        name: &str,
    ) -> Result<SavedMapping> {
        self.mapping_in(target.workspace_id.0, kind, name).await
    }

    async fn mapping_in(&self, ws: i64, kind: &str, name: &str) -> Result<SavedMapping> {
        db::one(
            &self.db,
            &format!("{SELECT} WHERE m.workspace_id = $1 AND m.kind = $2 AND m.name = $3"),
            vec![ws.into(), kind.into(), name.trim().into()],
        )
        .await?
        .ok_or(StoreError::not_found("import_mapping"))
    }

    pub async fn delete_import_mapping(
        &self,
        scope: &WorkspaceScope,
        kind: &str,
        name: &str,
    ) -> Result<()> {
        scope.require_write()?;
        let txn = self.write().await?;
        let id = db::scalar(
            &txn,
            "SELECT id FROM import_mappings WHERE workspace_id = $1 AND kind = $2 AND name = $3",
            vec![scope.workspace_id.0.into(), kind.into(), name.trim().into()],
        )
        .await?;
        if id == 0 {
            return Err(StoreError::not_found("import_mapping"));
        }
        db::exec(
            &txn,
            "DELETE FROM import_mappings WHERE id = $1 AND workspace_id = $2",
            vec![id.into(), scope.workspace_id.0.into()],
        )
        .await?;
        audit::record::<Audited>(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "import_mapping",
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
