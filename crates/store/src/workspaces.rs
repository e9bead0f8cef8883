//! Workspaces and memberships.

use chrono::{DateTime, Utc};
use sea_orm::FromQueryResult;
use serde::Serialize;

use crate::{
    Caller, OrganisationId, Role, Store, StoreError, UserId, WorkspaceId, WorkspaceScope,
    audit::{self, Action, Record},
    db::{self, is_unique_violation},
    error::Result,
};

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct Workspace {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub organisation_id: Option<i64>,
    pub dormant_months: i32,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct Member {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NewWorkspace {
    pub slug: String,
    pub name: String,
    pub organisation_id: Option<OrganisationId>,
    pub dormant_months: i32,
}

/// A slug is lower-case ASCII letters, digits and dashes, 2 to 60 characters.
pub fn valid_slug(slug: &str) -> bool {
    (2..=60).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

const VISIBLE: &str = "SELECT w.id, w.slug, w.name, w.organisation_id, w.dormant_months, m.role, w.created_at, w.version \
     FROM workspaces w JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1 \
     WHERE ($2 IS NULL OR w.id = $2)";

impl Store {
    /// Creates a workspace with `owner` as its first owner.
    pub async fn create_workspace(&self, owner: UserId, new: &NewWorkspace) -> Result<WorkspaceId> {
        if !valid_slug(&new.slug) {
            return Err(StoreError::Invalid {
                field: "slug",
                code: "invalid_slug",
            });
        }
        if new.name.trim().is_empty() {
            return Err(StoreError::Invalid {
                field: "name",
                code: "required",
            });
        }
        if !(1..=120).contains(&new.dormant_months) {
            return Err(StoreError::Invalid {
                field: "dormant_months",
                code: "out_of_range",
            });
        }
        let txn = self.write().await?;
        let now = crate::db::now();
        let id = match db::insert_id(
            &txn,
            "INSERT INTO workspaces (slug, name, organisation_id, dormant_months, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            vec![
                new.slug.clone().into(),
                new.name.trim().into(),
                new.organisation_id.map(|o| o.0).into(),
                new.dormant_months.into(),
                now.into(),
            ],
        )
        .await
        {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => return Err(StoreError::Duplicate { field: "slug", existing_id: None }),
            Err(e) => return Err(e),
        };
        db::exec(
            &txn,
            "INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES ($1, $2, $3, $4)",
            vec![owner.0.into(), id.into(), Role::Owner.as_str().into(), now.into()],
        )
        .await?;
        audit::record(
            &txn,
            Record {
                workspace: Some(WorkspaceId(id)),
                user: Some(owner),
                entity: "workspace",
                entity_id: id,
                action: Action::Create,
                before: None,
                after: Some(new),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(WorkspaceId(id))
    }

    /// The workspaces the caller holds a role in (a workspace-limited token sees one).
    pub async fn workspaces(&self, caller: &Caller) -> Result<Vec<Workspace>> {
        db::all(
            &self.db,
            &format!("{VISIBLE} ORDER BY w.name"),
            vec![
                caller.user_id.0.into(),
                caller.only_workspace.map(|w| w.0).into(),
            ],
        )
        .await
    }

    /// Read access to a workspace for the person running the command line: whoever holds
    /// the database URL may read everything, so `partinnov export` needs no account. The
    /// scope cannot write (`read_only`), and reads attribute nothing to anyone.
    pub async fn operator_read_scope(&self, slug: &str) -> Result<WorkspaceScope> {
        #[derive(FromQueryResult)]
        struct W {
            id: i64,
            slug: String,
            name: String,
            dormant_months: i32,
        }
        let w: W = db::one(
            &self.db,
            "SELECT id, slug, name, dormant_months FROM workspaces WHERE slug = $1",
            vec![slug.into()],
        )
        .await?
        .ok_or(StoreError::not_found("workspace"))?;
        Ok(WorkspaceScope {
            user_id: UserId(0),
            workspace_id: WorkspaceId(w.id),
            slug: w.slug,
            name: w.name,
            role: Role::Reader,
            read_only: true,
            dormant_months: w.dormant_months,
        })
    }

    /// The command line's read scope in the workspace that holds partnership `id`
    /// (`partinnov render sheet --partnership ID`).
    pub async fn operator_partnership_scope(
        &self,
        id: crate::PartnershipId,
    ) -> Result<WorkspaceScope> {
        #[derive(FromQueryResult)]
        struct S {
            slug: String,
        }
        let s: S = db::one(
            &self.db,
            "SELECT w.slug FROM partnerships p JOIN workspaces w ON w.id = p.workspace_id \
             WHERE p.id = $1 AND p.deleted_at IS NULL",
            vec![id.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("partnership"))?;
        self.operator_read_scope(&s.slug).await
    }

    /// Enters a workspace: succeeds only if the caller holds a role in it. A workspace the
    /// caller has no role in is "not found", exactly like one that does not exist.
    pub async fn scope(&self, caller: &Caller, slug: &str) -> Result<WorkspaceScope> {
        let ws: Workspace = db::one(
            &self.db,
            &format!("{VISIBLE} AND w.slug = $3"),
            vec![
                caller.user_id.0.into(),
                caller.only_workspace.map(|w| w.0).into(),
                slug.into(),
            ],
        )
        .await?
        .ok_or(StoreError::not_found("workspace"))?;
        Ok(WorkspaceScope {
            user_id: caller.user_id,
            workspace_id: WorkspaceId(ws.id),
            slug: ws.slug,
            name: ws.name,
            role: ws.role.parse()?,
            read_only: caller.read_only,
            dormant_months: ws.dormant_months,
        })
    }

    /// Adds or changes a member's role. Owners only.
    pub async fn set_member(&self, scope: &WorkspaceScope, user: UserId, role: Role) -> Result<()> {
        scope.require_owner()?;
        db::exec(
            &self.db,
            "INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role",
            vec![user.0.into(), scope.workspace_id.0.into(), role.as_str().into(), crate::db::now().into()],
        )
        .await?;
        Ok(())
    }

    /// Adds a member without an owner's scope: for set-up commands and the demo loader.
    pub async fn add_member_unchecked(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        role: Role,
    ) -> Result<()> {
        db::exec(
            &self.db,
            "INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role",
            vec![user.0.into(), workspace.0.into(), role.as_str().into(), crate::db::now().into()],
        )
        .await?;
        Ok(())
    }

    pub async fn workspace_id_by_slug(&self, slug: &str) -> Result<WorkspaceId> {
        let id = db::scalar(
            &self.db,
            "SELECT id FROM workspaces WHERE slug = $1",
            vec![slug.into()],
        )
        .await?;
        if id == 0 {
            Err(StoreError::not_found("workspace"))
        } else {
            Ok(WorkspaceId(id))
        }
    }

    pub async fn members(&self, scope: &WorkspaceScope) -> Result<Vec<Member>> {
        db::all(
            &self.db,
            "SELECT u.id AS user_id, u.name, u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.workspace_id = $1 ORDER BY u.name",
            vec![scope.workspace_id.0.into()],
        )
        .await
    }

    /// True when the store holds no workspace at all (the demo loads its data then).
    pub async fn is_empty(&self) -> Result<bool> {
        Ok(db::scalar(&self.db, "SELECT COUNT(*) FROM workspaces", vec![]).await? == 0)
    }
}

impl Store {
    /// Renames a workspace and changes its dormancy threshold; owners only. Every
    /// partnership's dormancy day is recomputed in the same transaction.
    pub async fn update_workspace(
        &self,
        scope: &WorkspaceScope,
        version: i64,
        name: &str,
        dormant_months: i32,
    ) -> Result<()> {
        scope.require_owner()?;
        if name.trim().is_empty() {
            return Err(StoreError::Invalid {
                field: "name",
                code: "required",
            });
        }
        if !(1..=120).contains(&dormant_months) {
            return Err(StoreError::Invalid {
                field: "dormant_months",
                code: "out_of_range",
            });
        }
        let txn = self.write().await?;
        let current = db::scalar(
            &txn,
            "SELECT version FROM workspaces WHERE id = $1",
            vec![scope.workspace_id.0.into()],
        )
        .await?;
        let n = db::exec(
            &txn,
            "UPDATE workspaces SET name = $1, dormant_months = $2, version = version + 1 WHERE id = $3 AND version = $4",
            vec![name.trim().into(), dormant_months.into(), scope.workspace_id.0.into(), version.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::Conflict { current });
        }
        #[derive(FromQueryResult)]
        struct A {
            id: i64,
            activity_on: chrono::NaiveDate,
        }
        let rows: Vec<A> = db::all(
            &txn,
            "SELECT id, activity_on FROM partnerships WHERE workspace_id = $1",
            vec![scope.workspace_id.0.into()],
        )
        .await?;
        for r in rows {
            db::exec(
                &txn,
                "UPDATE partnerships SET dormant_on = $1 WHERE id = $2",
                vec![
                    crate::partnerships::dormant_on(r.activity_on, dormant_months).into(),
                    r.id.into(),
                ],
            )
            .await?;
        }
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "workspace",
                entity_id: scope.workspace_id.0,
                action: Action::Update,
                before: None::<&NewWorkspace>,
                after: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The workspace as its members see it (with the caller's role).
    /// The registry organisation of the scope's own structure, if it is recorded. Works for
    /// the command line's read scope too (which holds no membership).
    pub async fn workspace_organisation(
        &self,
        scope: &WorkspaceScope,
    ) -> Result<Option<OrganisationId>> {
        #[derive(FromQueryResult)]
        struct O {
            organisation_id: Option<i64>,
        }
        let o: Option<O> = db::one(
            &self.db,
            "SELECT organisation_id FROM workspaces WHERE id = $1",
            vec![scope.workspace_id.0.into()],
        )
        .await?;
        Ok(o.and_then(|o| o.organisation_id).map(OrganisationId))
    }

    pub async fn workspace(&self, scope: &WorkspaceScope) -> Result<Workspace> {
        db::one(
            &self.db,
            "SELECT w.id, w.slug, w.name, w.organisation_id, w.dormant_months, m.role, w.created_at, w.version \
             FROM workspaces w JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1 WHERE w.id = $2",
            vec![scope.user_id.0.into(), scope.workspace_id.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("workspace"))
    }
}
