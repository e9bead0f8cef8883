//! Invitations by link: an owner invites someone into the workspace with a role; the link
//! works once, until it expires. Members are listed, their role changed or removed by an
//! owner, and a workspace always keeps at least one owner.

use chrono::{DateTime, Duration, Utc};
use sea_orm::FromQueryResult;
use serde::Serialize;

use crate::{
    OrganisationId, Role, Store, StoreError, UserId, WorkspaceId, WorkspaceScope,
    audit::{self, Action, Record},
    db,
    error::Result,
    guests::GuestRole,
    users::{random_secret, sha256_hex},
};

/// How long an invitation link stays valid.
pub const INVITATION_TTL: Duration = Duration::days(7);

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Invitation {
    pub id: i64,
    pub role: String,
    /// The organisation an invited partner will represent.
    pub organisation_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// What a valid link leads to, shown before accepting.
#[derive(Debug, Clone, FromQueryResult)]
pub struct InvitationTarget {
    pub id: i64,
    pub workspace_id: i64,
    pub workspace_name: String,
    pub slug: String,
    pub role: String,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
}

#[derive(Serialize)]
struct MemberChange<'a> {
    user_id: i64,
    role: Option<&'a str>,
}

impl Store {
    /// Creates an invitation and returns its secret, to put in the link (shown once).
    pub async fn invite(&self, scope: &WorkspaceScope, role: Role) -> Result<String> {
        self.insert_invitation(scope, role.as_str(), None).await
    }

    /// Invites a guest: a partner for `organisation`, which must be a party of a live
    /// partnership of the workspace, or an observer (no organisation).
    pub async fn invite_guest(
        &self,
        scope: &WorkspaceScope,
        role: GuestRole,
        organisation: Option<OrganisationId>,
    ) -> Result<String> {
        scope.require_owner()?;
        let organisation = self
            .guest_organisation(scope.workspace_id, role, organisation)
            .await?;
        self.insert_invitation(scope, role.as_str(), organisation)
            .await
    }

    async fn insert_invitation(
        &self,
        scope: &WorkspaceScope,
        role: &str,
        organisation: Option<OrganisationId>,
    ) -> Result<String> {
        scope.require_owner()?;
        let secret = random_secret();
        let now = db::now();
        db::exec(
            &self.db,
            "INSERT INTO invitations (workspace_id, token_hash, role, organisation_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            vec![
                scope.workspace_id.0.into(),
                sha256_hex(&secret).into(),
                role.into(),
                organisation.map(|o| o.0).into(),
                scope.user_id.0.into(),
                now.into(),
                (now + INVITATION_TTL).into(),
            ],
        )
        .await?;
        Ok(secret)
    }

    /// Invitations of the workspace, newest first (owners only).
    pub async fn invitations(&self, scope: &WorkspaceScope) -> Result<Vec<Invitation>> {
        scope.require_owner()?;
        db::all(
            &self.db,
            "SELECT i.id, i.role, o.name AS organisation_name, i.created_at, i.expires_at, i.accepted_at FROM invitations i \
             LEFT JOIN organisations o ON o.id = i.organisation_id WHERE i.workspace_id = $1 ORDER BY i.id DESC LIMIT 50",
            vec![scope.workspace_id.0.into()],
        )
        .await
    }

    /// The workspace a live, unused link leads to. A forged, used or expired link is
    /// "not found", whichever it is.
    pub async fn invitation(&self, secret: &str) -> Result<InvitationTarget> {
        db::one(
            &self.db,
            "SELECT i.id, i.workspace_id, w.name AS workspace_name, w.slug, i.role, i.organisation_id, o.name AS organisation_name \
             FROM invitations i JOIN workspaces w ON w.id = i.workspace_id LEFT JOIN organisations o ON o.id = i.organisation_id \
             WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2",
            vec![sha256_hex(secret).into(), db::now().into()],
        )
        .await?
        .ok_or(StoreError::not_found("invitation"))
    }

    /// Uses a link: the user becomes a member with the invited role (an existing member
    /// keeps the higher of the two roles), or a guest. A member of the team invited as a
    /// guest is refused (`already_member`) and the link stays usable. A link cannot be
    /// used again.
    pub async fn accept_invitation(&self, secret: &str, user: UserId) -> Result<InvitationTarget> {
        let target = self.invitation(secret).await?;
        let txn = self.write().await?;
        let n = db::exec(
            &txn,
            "UPDATE invitations SET accepted_by = $1, accepted_at = $2 WHERE id = $3 AND accepted_at IS NULL",
            vec![user.0.into(), db::now().into(), target.id.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::not_found("invitation"));
        }
        if let Ok(guest) = target.role.parse::<GuestRole>() {
            self.add_guest(
                &txn,
                WorkspaceId(target.workspace_id),
                user,
                guest,
                target.organisation_id.map(OrganisationId),
                user,
            )
            .await?;
            txn.commit().await?;
            return Ok(target);
        }
        let invited: Role = target.role.parse()?;
        // Joining the team supersedes being a guest.
        db::exec(
            &txn,
            "DELETE FROM workspace_guests WHERE user_id = $1 AND workspace_id = $2",
            vec![user.0.into(), target.workspace_id.into()],
        )
        .await?;
        #[derive(FromQueryResult)]
        struct R {
            role: String,
        }
        let existing: Option<R> = db::one(
            &txn,
            "SELECT role FROM memberships WHERE user_id = $1 AND workspace_id = $2",
            vec![user.0.into(), target.workspace_id.into()],
        )
        .await?;
        let role = match existing.map(|r| r.role.parse::<Role>()).transpose()? {
            Some(current) if current < invited => current,
            _ => invited,
        };
        db::exec(
            &txn,
            "INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role",
            vec![user.0.into(), target.workspace_id.into(), role.as_str().into(), db::now().into()],
        )
        .await?;
        audit::record(
            &txn,
            Record {
                workspace: Some(WorkspaceId(target.workspace_id)),
                user: Some(user),
                entity: "membership",
                entity_id: user.0,
                action: Action::Create,
                before: None,
                after: Some(&MemberChange {
                    user_id: user.0,
                    role: Some(role.as_str()),
                }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(target)
    }

    /// Changes a member's role or removes them (`None`); owners only. The last owner can
    /// neither be removed nor demoted, so a workspace is never left unmanaged.
    pub async fn change_member(
        &self,
        scope: &WorkspaceScope,
        user: UserId,
        role: Option<Role>,
    ) -> Result<()> {
        scope.require_owner()?;
        let txn = self.write().await?;
        let owners = db::scalar(
            &txn,
            "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND role = 'owner' AND user_id <> $2",
            vec![scope.workspace_id.0.into(), user.0.into()],
        )
        .await?;
        if owners == 0 && role != Some(Role::Owner) {
            return Err(StoreError::Invalid {
                field: "role",
                code: "last_owner",
            });
        }
        let n = match role {
            Some(r) => {
                db::exec(
                    &txn,
                    "UPDATE memberships SET role = $1 WHERE user_id = $2 AND workspace_id = $3",
                    vec![
                        r.as_str().into(),
                        user.0.into(),
                        scope.workspace_id.0.into(),
                    ],
                )
                .await?
            }
            None => {
                db::exec(
                    &txn,
                    "DELETE FROM memberships WHERE user_id = $1 AND workspace_id = $2",
                    vec![user.0.into(), scope.workspace_id.0.into()],
                )
                .await?
            }
        };
        if n == 0 {
            return Err(StoreError::not_found("member"));
        }
        if role.is_none() {
            // A removed member no longer holds relationships here.
            db::exec(
                &txn,
                "DELETE FROM partnership_holders WHERE user_id = $1 AND partnership_id IN (SELECT id FROM partnerships WHERE workspace_id = $2)",
                vec![user.0.into(), scope.workspace_id.0.into()],
            )
            .await?;
        }
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "membership",
                entity_id: user.0,
                action: if role.is_some() {
                    Action::Update
                } else {
                    Action::Delete
                },
                before: None,
                after: Some(&MemberChange {
                    user_id: user.0,
                    role: role.map(Role::as_str),
                }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
