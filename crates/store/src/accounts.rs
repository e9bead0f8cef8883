//! Accounts managed by someone else than their holder: platform administrators see every
//! workspace and account, create them, deactivate and reactivate accounts, choose a new
//! password and add people to workspaces; a workspace owner chooses a new password for a
//! member of their workspace. The person's own password change lives in `users`.
//!
//! Every function here checks the caller itself. A caller who is not an administrator (or
//! whose token is limited to one workspace) gets "not found", as if the function did not
//! exist; every write is audited in the same transaction, without the password.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::{
    Caller, Role, Store, StoreError, UserId, WorkspaceId, WorkspaceScope,
    audit::{self, Action, Record},
    db,
    error::Result,
    users::{NewUser, check_new_user, check_password, hash_password, insert_user},
    workspaces::NewWorkspace,
};

/// A workspace as the administrators' list shows it.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct WorkspaceSummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub members: i64,
    /// Partnerships not deleted.
    pub partnerships: i64,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

/// One change in an account's trail: the account itself (`user`), a team role
/// (`membership`) or a guest place (`guest`).
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct AccountEvent {
    pub id: i64,
    pub entity: String,
    /// The account the change is about.
    pub entity_id: i64,
    /// create | update | delete
    pub action: String,
    /// Who made the change; none when it was made on the server's command line.
    pub user_id: Option<i64>,
    pub user_name: Option<String>,
    /// The workspace the change concerns, for roles and guest places.
    pub workspace_name: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub at: DateTime<Utc>,
}

/// An account as the administrators see it, with the workspaces it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub created_at: DateTime<Utc>,
    /// Set while the account is deactivated.
    pub disabled_at: Option<DateTime<Utc>>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub memberships: Vec<AccountMembership>,
}

/// Where each account holds a role: the team's memberships, and the workspaces where it
/// is a guest (`partner`, `observer`).
const PLACES: &str = "SELECT m.user_id, w.id AS workspace_id, w.slug, w.name, m.role FROM memberships m \
     JOIN workspaces w ON w.id = m.workspace_id \
     UNION ALL SELECT g.user_id, w.id AS workspace_id, w.slug, w.name, g.role FROM workspace_guests g \
     JOIN workspaces w ON w.id = g.workspace_id";

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct AccountMembership {
    #[serde(skip)]
    pub user_id: i64,
    pub workspace_id: i64,
    pub slug: String,
    pub name: String,
    pub role: String,
}

#[derive(FromQueryResult)]
struct AccountRow {
    id: i64,
    name: String,
    email: String,
    is_admin: bool,
    created_at: DateTime<Utc>,
    disabled_at: Option<DateTime<Utc>>,
    last_sign_in_at: Option<DateTime<Utc>>,
    version: i64,
}

/// A workspace to join when an administrator creates an account.
#[derive(Debug, Clone)]
pub struct Placement<'a> {
    pub slug: &'a str,
    pub role: Role,
}

/// What the audit trail keeps of an account (never its password).
#[derive(Serialize)]
struct AccountTrail<'a> {
    email: &'a str,
    name: &'a str,
    is_admin: bool,
}

#[derive(Serialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Serialize)]
struct PasswordChanged {
    password_changed: bool,
}

#[derive(Serialize)]
struct MemberTrail<'a> {
    user_id: i64,
    role: &'a str,
}

const ACCOUNTS: &str = "SELECT id, name, email, is_admin, created_at, disabled_at, last_sign_in_at, version FROM users";

impl Caller {
    /// Platform administration, reading: an administrator, with a session or a token for
    /// the whole platform (a token limited to one workspace does not administer the
    /// others). Anyone else gets "not found", as if administration did not exist. The web
    /// side also calls this before reading a form or a body, so that a malformed request
    /// from a non-administrator gets the same "not found".
    pub fn require_admin(&self) -> Result<()> {
        if self.is_admin && self.only_workspace.is_none() {
            Ok(())
        } else {
            Err(StoreError::not_found("page"))
        }
    }

    /// Platform administration, writing: as [`Caller::require_admin`], and not with a
    /// read-only token.
    pub fn require_admin_write(&self) -> Result<()> {
        self.require_admin()?;
        if self.read_only {
            Err(StoreError::Forbidden)
        } else {
            Ok(())
        }
    }
}

/// Replaces a password and ends every session of the account: whoever held one must sign
/// in with the new password. API tokens are left alone (deactivate the account to stop them).
async fn replace_password(c: &impl ConnectionTrait, user: UserId, hash: String) -> Result<u64> {
    let n = db::exec(
        c,
        "UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2",
        vec![hash.into(), user.0.into()],
    )
    .await?;
    db::exec(
        c,
        "DELETE FROM sessions WHERE user_id = $1",
        vec![user.0.into()],
    )
    .await?;
    Ok(n)
}

impl Store {
    /// Every workspace, with its numbers of members and partnerships.
    pub async fn admin_workspaces(&self, caller: &Caller) -> Result<Vec<WorkspaceSummary>> {
        caller.require_admin()?;
        db::all(
            &self.db,
            "SELECT w.id, w.slug, w.name, w.created_at, w.version, \
             (SELECT COUNT(*) FROM memberships m WHERE m.workspace_id = w.id) AS members, \
             (SELECT COUNT(*) FROM partnerships p WHERE p.workspace_id = w.id AND p.deleted_at IS NULL) AS partnerships \
             FROM workspaces w ORDER BY LOWER(w.name), w.id",
            vec![],
        )
        .await
    }

    /// Creates a workspace; the administrator becomes its first owner (as on the home page).
    pub async fn admin_create_workspace(
        &self,
        caller: &Caller,
        new: &NewWorkspace,
    ) -> Result<WorkspaceId> {
        caller.require_admin_write()?;
        self.create_workspace(caller.user_id, new).await
    }

    /// Every account, by name, with its workspaces and roles.
    pub async fn admin_accounts(&self, caller: &Caller) -> Result<Vec<Account>> {
        caller.require_admin()?;
        let rows: Vec<AccountRow> = db::all(
            &self.db,
            &format!("{ACCOUNTS} ORDER BY LOWER(name), id"),
            vec![],
        )
        .await?;
        let memberships: Vec<AccountMembership> = db::all(
            &self.db,
            &format!("SELECT * FROM ({PLACES}) x ORDER BY LOWER(x.name), x.workspace_id"),
            vec![],
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let mine = memberships
                    .iter()
                    .filter(|m| m.user_id == r.id)
                    .cloned()
                    .collect();
                account(r, mine)
            })
            .collect())
    }

    /// One account.
    pub async fn admin_account(&self, caller: &Caller, user: UserId) -> Result<Account> {
        caller.require_admin()?;
        let row: AccountRow = db::one(
            &self.db,
            &format!("{ACCOUNTS} WHERE id = $1"),
            vec![user.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("user"))?;
        let memberships = db::all(
            &self.db,
            &format!("SELECT * FROM ({PLACES}) x WHERE x.user_id = $1 ORDER BY LOWER(x.name), x.workspace_id"),
            vec![user.0.into()],
        )
        .await?;
        Ok(account(row, memberships))
    }

    /// What was done to an account, its memberships and its guest places, oldest first,
    /// with the workspace each change was made in.
    pub async fn admin_account_history(
        &self,
        caller: &Caller,
        user: UserId,
    ) -> Result<Vec<AccountEvent>> {
        caller.require_admin()?;
        db::all(
            &self.db,
            "SELECT a.id, a.entity, a.entity_id, a.action, a.user_id, u.name AS user_name, w.name AS workspace_name, \
                    a.before_json, a.after_json, a.at \
             FROM audit_events a \
             LEFT JOIN users u ON u.id = a.user_id \
             LEFT JOIN workspaces w ON w.id = a.workspace_id \
             WHERE a.entity IN ('user', 'membership', 'guest') AND a.entity_id = $1 \
             ORDER BY a.id",
            vec![user.0.into()],
        )
        .await
    }

    /// Creates an account (never an administrator: that stays a command-line decision),
    /// optionally in a workspace with a role. The name is required; nothing is written
    /// when anything is wrong, including an unknown workspace.
    pub async fn admin_create_account(
        &self,
        caller: &Caller,
        new: NewUser<'_>,
        placement: Option<Placement<'_>>,
    ) -> Result<UserId> {
        caller.require_admin_write()?;
        if new.name.trim().is_empty() {
            return Err(StoreError::Invalid {
                field: "name",
                code: "required",
            });
        }
        let new = NewUser {
            is_admin: false,
            ..new
        };
        let hash = check_new_user(&new).await?;
        let txn = self.write().await?;
        let workspace = match &placement {
            Some(p) => Some(workspace_by_slug(&txn, p.slug).await?),
            None => None,
        };
        let id = insert_user(&txn, &new, hash).await?;
        let email = crate::users::normalise_email(new.email);
        audit::record(
            &txn,
            Record {
                workspace: None,
                user: Some(caller.user_id),
                entity: "user",
                entity_id: id.0,
                action: Action::Create,
                before: None,
                after: Some(&AccountTrail {
                    email: &email,
                    name: new.name.trim(),
                    is_admin: false,
                }),
            },
        )
        .await?;
        if let (Some(ws), Some(p)) = (workspace, placement) {
            add_member(&txn, caller.user_id, ws, id, p.role).await?;
        }
        txn.commit().await?;
        tracing::info!(admin = caller.user_id.0, user = id.0, "account created");
        Ok(id)
    }

    /// Chooses a new password for any account; its sessions end.
    pub async fn admin_set_password(
        &self,
        caller: &Caller,
        user: UserId,
        password: &str,
    ) -> Result<()> {
        caller.require_admin_write()?;
        check_password(password)?;
        let hash = hash_password(password.to_owned()).await?;
        let txn = self.write().await?;
        if replace_password(&txn, user, hash).await? == 0 {
            return Err(StoreError::not_found("user"));
        }
        audit::record(
            &txn,
            Record {
                workspace: None,
                user: Some(caller.user_id),
                entity: "user",
                entity_id: user.0,
                action: Action::Update,
                before: None,
                after: Some(&PasswordChanged {
                    password_changed: true,
                }),
            },
        )
        .await?;
        txn.commit().await?;
        self.callers.forget_user(user);
        tracing::info!(
            admin = caller.user_id.0,
            user = user.0,
            "password reset by an administrator"
        );
        Ok(())
    }

    /// Deactivates (`enabled = false`) or reactivates an account. A deactivated account
    /// cannot sign in, its sessions are deleted and its API tokens refused until it is
    /// reactivated. Administrators cannot deactivate themselves (nobody would be left to
    /// undo it, perhaps).
    pub async fn admin_set_enabled(
        &self,
        caller: &Caller,
        user: UserId,
        enabled: bool,
    ) -> Result<()> {
        caller.require_admin_write()?;
        if !enabled && user == caller.user_id {
            return Err(StoreError::Invalid {
                field: "user",
                code: "cannot_disable_self",
            });
        }
        self.write_enabled(Some(caller.user_id), user, enabled)
            .await
    }

    /// `partinnov user disable|enable`: the same change as [`Store::admin_set_enabled`],
    /// made by whoever runs the server's command line (audited with no author). Returns
    /// the account's id.
    pub async fn operator_set_enabled(&self, email: &str, enabled: bool) -> Result<UserId> {
        let user = self
            .user_by_email(email)
            .await?
            .ok_or(StoreError::not_found("user"))?;
        let id = UserId(user.id);
        self.write_enabled(None, id, enabled).await?;
        Ok(id)
    }

    async fn write_enabled(
        &self,
        actor: Option<UserId>,
        user: UserId,
        enabled: bool,
    ) -> Result<()> {
        let txn = self.write().await?;
        let was_enabled = db::scalar(
            &txn,
            "SELECT COUNT(*) FROM users WHERE id = $1 AND disabled_at IS NULL",
            vec![user.0.into()],
        )
        .await?
            > 0;
        let n = if enabled {
            db::exec(
                &txn,
                "UPDATE users SET disabled_at = NULL, version = version + 1 WHERE id = $1",
                vec![user.0.into()],
            )
            .await?
        } else {
            let n = db::exec(
                &txn,
                "UPDATE users SET disabled_at = $1, version = version + 1 WHERE id = $2",
                vec![db::now().into(), user.0.into()],
            )
            .await?;
            db::exec(
                &txn,
                "DELETE FROM sessions WHERE user_id = $1",
                vec![user.0.into()],
            )
            .await?;
            n
        };
        if n == 0 {
            return Err(StoreError::not_found("user"));
        }
        audit::record(
            &txn,
            Record {
                workspace: None,
                user: actor,
                entity: "user",
                entity_id: user.0,
                action: Action::Update,
                before: Some(&Enabled {
                    enabled: was_enabled,
                }),
                after: Some(&Enabled { enabled }),
            },
        )
        .await?;
        txn.commit().await?;
        self.callers.forget_user(user);
        tracing::info!(
            by = actor.map(|a| a.0),
            user = user.0,
            enabled,
            "account state changed"
        );
        Ok(())
    }

    /// Adds an account to a workspace with a role, or changes its role there.
    pub async fn admin_add_member(
        &self,
        caller: &Caller,
        user: UserId,
        slug: &str,
        role: Role,
    ) -> Result<()> {
        caller.require_admin_write()?;
        let txn = self.write().await?;
        let exists = db::scalar(
            &txn,
            "SELECT COUNT(*) FROM users WHERE id = $1",
            vec![user.0.into()],
        )
        .await?;
        if exists == 0 {
            return Err(StoreError::not_found("user"));
        }
        let ws = workspace_by_slug(&txn, slug).await?;
        add_member(&txn, caller.user_id, ws, user, role).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A workspace owner chooses a new password for a member of their workspace; the
    /// member's sessions end. Someone outside the workspace is "not found". The owner's own
    /// password changes from their account page (which asks for the current one); a
    /// platform administrator's, or that of someone who also belongs to a workspace the
    /// owner does not own, only through the administrators: otherwise an owner could take
    /// over an account that opens doors they do not hold.
    pub async fn reset_member_password(
        &self,
        scope: &WorkspaceScope,
        user: UserId,
        password: &str,
    ) -> Result<()> {
        scope.require_owner()?;
        let member = db::scalar(
            &self.db,
            "SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND workspace_id = $2",
            vec![user.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        if member == 0 {
            return Err(StoreError::not_found("member"));
        }
        let refusal = |code| StoreError::Invalid {
            field: "password",
            code,
        };
        if user == scope.user_id {
            return Err(refusal("own_password"));
        }
        let admin = db::scalar(
            &self.db,
            "SELECT COUNT(*) FROM users WHERE id = $1 AND is_admin",
            vec![user.0.into()],
        )
        .await?;
        if admin > 0 {
            return Err(refusal("admin_password"));
        }
        let elsewhere = db::scalar(
            &self.db,
            "SELECT COUNT(*) FROM memberships m WHERE m.user_id = $1 AND m.workspace_id NOT IN \
             (SELECT o.workspace_id FROM memberships o WHERE o.user_id = $2 AND o.role = 'owner')",
            vec![user.0.into(), scope.user_id.0.into()],
        )
        .await?;
        if elsewhere > 0 {
            return Err(refusal("member_elsewhere"));
        }
        check_password(password)?;
        let hash = hash_password(password.to_owned()).await?;
        let txn = self.write().await?;
        replace_password(&txn, user, hash).await?;
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "user",
                entity_id: user.0,
                action: Action::Update,
                before: None,
                after: Some(&PasswordChanged {
                    password_changed: true,
                }),
            },
        )
        .await?;
        txn.commit().await?;
        self.callers.forget_user(user);
        tracing::info!(
            owner = scope.user_id.0,
            user = user.0,
            workspace = scope.workspace_id.0,
            "member's password reset by an owner"
        );
        Ok(())
    }
}

fn account(r: AccountRow, memberships: Vec<AccountMembership>) -> Account {
    Account {
        id: r.id,
        name: r.name,
        email: r.email,
        is_admin: r.is_admin,
        created_at: r.created_at,
        disabled_at: r.disabled_at,
        last_sign_in_at: r.last_sign_in_at,
        version: r.version,
        memberships,
    }
}

/// An unknown workspace named in a form is a field error, not a missing page.
async fn workspace_by_slug(c: &impl ConnectionTrait, slug: &str) -> Result<WorkspaceId> {
    let id = db::scalar(
        c,
        "SELECT id FROM workspaces WHERE slug = $1",
        vec![slug.trim().into()],
    )
    .await?;
    if id == 0 {
        Err(StoreError::Invalid {
            field: "workspace",
            code: "unknown_workspace",
        })
    } else {
        Ok(WorkspaceId(id))
    }
}

async fn add_member(
    c: &impl ConnectionTrait,
    by: UserId,
    ws: WorkspaceId,
    user: UserId,
    role: Role,
) -> Result<()> {
    db::exec(
        c,
        "INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role",
        vec![
            user.0.into(),
            ws.0.into(),
            role.as_str().into(),
            db::now().into(),
        ],
    )
    .await?;
    audit::record(
        c,
        Record {
            workspace: Some(ws),
            user: Some(by),
            entity: "membership",
            entity_id: user.0,
            action: Action::Update,
            before: None,
            after: Some(&MemberTrail {
                user_id: user.0,
                role: role.as_str(),
            }),
        },
    )
    .await
}
