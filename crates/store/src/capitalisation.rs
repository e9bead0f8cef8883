//! What a team learnt from a partnership, written for its capitalisation sheet: the key
//! success factors, the difficulties met and the outlook (the case studies of seed 001 each
//! end on "facteurs clés de succès du partenariat", 001:1411, 1496, 1585, 1663).
//!
//! One row per partnership, created on the first save; until then the notes are empty at
//! version 0. Editors write, readers read, always inside the partnership's workspace.

use sea_orm::FromQueryResult;
use serde::{Deserialize, Serialize};

use crate::{
    PartnershipId, Store, StoreError, WorkspaceScope,
    audit::{self, Action, Record},
    db,
    error::Result,
};

/// Longest note kept, in characters: a few pages of a printed sheet.
pub const MAX_CHARS: usize = 20_000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, FromQueryResult)]
pub struct CapitalisationDraft {
    pub success_factors: String,
    pub difficulties: String,
    pub outlook: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Capitalisation {
    pub partnership_id: i64,
    /// 0 until the first save.
    pub version: i64,
    #[serde(flatten)]
    pub data: CapitalisationDraft,
}

#[derive(FromQueryResult)]
struct Row {
    version: i64,
    success_factors: String,
    difficulties: String,
    outlook: String,
}

impl CapitalisationDraft {
    fn check(&self) -> Result<()> {
        for (field, text) in [
            ("success_factors", &self.success_factors),
            ("difficulties", &self.difficulties),
            ("outlook", &self.outlook),
        ] {
            if text.chars().count() > MAX_CHARS {
                return Err(StoreError::Invalid {
                    field,
                    code: "note_too_long",
                });
            }
        }
        Ok(())
    }
}

impl Store {
    /// The notes of a partnership of the scope's workspace (empty, version 0, if none yet).
    pub async fn capitalisation(
        &self,
        scope: &WorkspaceScope,
        id: PartnershipId,
    ) -> Result<Capitalisation> {
        // The partnership must be one the scope sees, whether or not notes exist.
        crate::partnerships::fetch_in(&self.db, scope.workspace_id, id, false).await?;
        let row: Option<Row> = db::one(
            &self.db,
            "SELECT version, success_factors, difficulties, outlook FROM capitalisation_notes \
             WHERE partnership_id = $1 AND workspace_id = $2",
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        Ok(row.map_or_else(
            || Capitalisation {
                partnership_id: id.0,
                ..Capitalisation::default()
            },
            |r| Capitalisation {
                partnership_id: id.0,
                version: r.version,
                data: CapitalisationDraft {
                    success_factors: r.success_factors,
                    difficulties: r.difficulties,
                    outlook: r.outlook,
                },
            },
        ))
    }

    /// Saves the notes if `expected` is still their version (0 for the first save);
    /// otherwise answers `Conflict` with the current version and changes nothing.
    pub async fn set_capitalisation(
        &self,
        scope: &WorkspaceScope,
        id: PartnershipId,
        draft: &CapitalisationDraft,
        expected: i64,
    ) -> Result<Capitalisation> {
        scope.require_write()?;
        draft.check()?;
        let txn = self.write().await?;
        crate::partnerships::fetch_in(&txn, scope.workspace_id, id, false).await?;
        let before: Option<Row> = db::one(
            &txn,
            "SELECT version, success_factors, difficulties, outlook FROM capitalisation_notes \
             WHERE partnership_id = $1 AND workspace_id = $2",
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        let current = before.as_ref().map_or(0, |r| r.version);
        if current != expected {
            return Err(StoreError::Conflict { current });
        }
        let now = db::now();
        db::exec(
            &txn,
            "INSERT INTO capitalisation_notes \
             (partnership_id, workspace_id, success_factors, difficulties, outlook, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, 1) \
             ON CONFLICT (partnership_id) DO UPDATE SET success_factors = excluded.success_factors, \
             difficulties = excluded.difficulties, outlook = excluded.outlook, \
             updated_at = excluded.updated_at, version = capitalisation_notes.version + 1",
            vec![
                id.0.into(),
                scope.workspace_id.0.into(),
                draft.success_factors.clone().into(),
                draft.difficulties.clone().into(),
                draft.outlook.clone().into(),
                now.into(),
            ],
        )
        .await?;
        let before_data = before.map(|r| CapitalisationDraft {
            success_factors: r.success_factors,
            difficulties: r.difficulties,
            outlook: r.outlook,
        });
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "capitalisation",
                entity_id: id.0,
                action: if before_data.is_some() {
                    Action::Update
                } else {
                    Action::Create
                },
                before: before_data.as_ref(),
                after: Some(draft),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(Capitalisation {
            partnership_id: id.0,
            version: current + 1,
            data: draft.clone(),
        })
    }
}
