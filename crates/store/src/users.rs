//! Users, password sign-in with throttling, database-backed sessions and API tokens.

use chrono::{DateTime, Duration, Utc};
use sea_orm::FromQueryResult;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{
    Caller, Store, StoreError, TokenId, UserId, WorkspaceId,
    callers::Known,
    db::{self, is_unique_violation},
    error::Result,
};

/// How long a session lasts without being used.
pub const SESSION_TTL: Duration = Duration::days(14);
/// Failed sign-ins allowed per e-mail within [`THROTTLE_WINDOW`].
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
    pub locale: String,
}

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password: &'a str,
    pub is_admin: bool,
}

/// Why a sign-in failed; the page says the same thing for a wrong e-mail and a wrong
/// password, so this only distinguishes throttling.
#[derive(Debug, PartialEq, Eq)]
pub enum SignInError {
    BadCredentials,
    Throttled,
    /// The password is right but an administrator deactivated the account. Said only to
    /// whoever knows the password, so it reveals nothing to anyone else.
    Disabled,
}

/// A new session: `secret` goes in the cookie and is never stored.
pub struct NewSession {
    pub secret: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, FromQueryResult)]
struct SessionRow {
    user_id: i64,
    csrf_token: String,
    expires_at: DateTime<Utc>,
    email: String,
    name: String,
    is_admin: bool,
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub workspace_id: Option<i64>,
    pub read_only: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub(crate) fn sha256_hex(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// 256 random bits as 64 hex characters.
pub(crate) fn random_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

pub(crate) fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The one password rule, for every way a password is set: 8 characters at least.
pub(crate) fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        Err(StoreError::Invalid {
            field: "password",
            code: "password_too_short",
        })
    } else {
        Ok(())
    }
}

/// A password to hand over once (an account an administrator creates without choosing
/// one): 16 characters from a random secret, about 64 bits.
pub fn generate_password() -> String {
    random_secret()[..16].to_owned()
}

pub(crate) async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|_| StoreError::Invalid {
            field: "password",
            code: "hash_failed",
        })
}

/// Checks an account's e-mail and password and returns the password's hash.
pub(crate) async fn check_new_user(new: &NewUser<'_>) -> Result<String> {
    let email = normalise_email(new.email);
    if !email.contains('@') || email.len() < 3 {
        return Err(StoreError::Invalid {
            field: "email",
            code: "invalid_email",
        });
    }
    check_password(new.password)?;
    hash_password(new.password.to_owned()).await
}

/// Inserts an account checked by [`check_new_user`]; a taken e-mail is `Duplicate`.
pub(crate) async fn insert_user(
    c: &impl sea_orm::ConnectionTrait,
    new: &NewUser<'_>,
    hash: String,
) -> Result<UserId> {
    let result = db::insert_id(
            c,
            "INSERT INTO users (email, name, password_hash, is_admin, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            vec![normalise_email(new.email).into(), new.name.trim().into(), hash.into(), new.is_admin.into(), crate::db::now().into()],
        )
        .await;
    match result {
        Ok(id) => Ok(UserId(id)),
        Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate {
            field: "email",
            existing_id: None,
        }),
        Err(e) => Err(e),
    }
}

impl Store {
    pub async fn create_user(&self, new: NewUser<'_>) -> Result<UserId> {
        let hash = check_new_user(&new).await?;
        insert_user(&self.db, &new, hash).await
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        db::one(
            &self.db,
            "SELECT id, email, name, is_admin, locale FROM users WHERE email = $1",
            vec![normalise_email(email).into()],
        )
        .await
    }

    pub async fn user(&self, id: UserId) -> Result<User> {
        db::one(
            &self.db,
            "SELECT id, email, name, is_admin, locale FROM users WHERE id = $1",
            vec![id.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("user"))
    }

    pub async fn set_password(&self, email: &str, password: &str) -> Result<()> {
        check_password(password)?;
        let hash = hash_password(password.to_owned()).await?;
        let n = db::exec(
            &self.db,
            "UPDATE users SET password_hash = $1, version = version + 1 WHERE email = $2",
            vec![hash.into(), normalise_email(email).into()],
        )
        .await?;
        if n == 0 {
            Err(StoreError::not_found("user"))
        } else {
            Ok(())
        }
    }

    /// Checks a password. After [`MAX_FAILURES`] failures for an e-mail within
    /// [`THROTTLE_WINDOW`], refuses without checking until the window has passed.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
    ) -> Result<std::result::Result<User, SignInError>> {
        let email = normalise_email(email);
        let since = crate::db::now() - THROTTLE_WINDOW;
        let failures = db::scalar(
            &self.db,
            "SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at > $2",
            vec![email.clone().into(), since.into()],
        )
        .await?;
        if failures >= MAX_FAILURES {
            return Ok(Err(SignInError::Throttled));
        }
        #[derive(FromQueryResult)]
        struct Row {
            password_hash: String,
        }
        let row: Option<Row> = db::one(
            &self.db,
            "SELECT password_hash FROM users WHERE email = $1",
            vec![email.clone().into()],
        )
        .await?;
        // Verify even when the user does not exist, so timing does not reveal who has an account.
        let stored = row.map(|r| r.password_hash).unwrap_or_else(|| {
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0000000000000000000000000000000000000000000".into()
        });
        let candidate = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || {
            password_auth::verify_password(candidate, &stored).is_ok()
        })
        .await
        .unwrap_or(false);
        if ok && let Some(user) = self.user_by_email(&email).await? {
            let disabled = db::scalar(
                &self.db,
                "SELECT COUNT(*) FROM users WHERE id = $1 AND disabled_at IS NOT NULL",
                vec![user.id.into()],
            )
            .await?;
            if disabled > 0 {
                return Ok(Err(SignInError::Disabled));
            }
            db::exec(
                &self.db,
                "DELETE FROM login_failures WHERE email = $1",
                vec![email.into()],
            )
            .await?;
            return Ok(Ok(user));
        }
        db::exec(
            &self.db,
            "INSERT INTO login_failures (email, at) VALUES ($1, $2)",
            vec![email.into(), crate::db::now().into()],
        )
        .await?;
        Ok(Err(SignInError::BadCredentials))
    }

    pub async fn create_session(&self, user: UserId) -> Result<NewSession> {
        let secret = random_secret();
        let csrf_token = random_secret();
        let now = crate::db::now();
        let expires_at = now + SESSION_TTL;
        db::exec(
            &self.db,
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            vec![sha256_hex(&secret).into(), user.0.into(), csrf_token.clone().into(), now.into(), expires_at.into()],
        )
        .await?;
        db::exec(
            &self.db,
            "UPDATE users SET last_sign_in_at = $1 WHERE id = $2",
            vec![now.into(), user.0.into()],
        )
        .await?;
        // Housekeeping: expired sessions and old failures go away as new sessions come.
        db::exec(
            &self.db,
            "DELETE FROM sessions WHERE expires_at < $1",
            vec![now.into()],
        )
        .await?;
        db::exec(
            &self.db,
            "DELETE FROM login_failures WHERE at < $1",
            vec![(now - THROTTLE_WINDOW).into()],
        )
        .await?;
        Ok(NewSession {
            secret,
            csrf_token,
            expires_at,
        })
    }

    /// The caller and CSRF token of a live session.
    pub async fn session(&self, secret: &str) -> Result<Option<(Caller, String)>> {
        let key = format!("s:{}", sha256_hex(secret));
        let generation = match self.callers.get(&key) {
            Ok(known) => return Ok(Some((known.caller, known.csrf.unwrap_or_default()))),
            Err(generation) => generation,
        };
        let now = crate::db::now();
        let row: Option<SessionRow> = db::one(
            &self.db,
            "SELECT s.user_id, s.csrf_token, s.expires_at, u.email, u.name, u.is_admin FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
            vec![key[2..].into(), now.into()],
        )
        .await?;
        Ok(row.map(|r| {
            let caller = Caller {
                user_id: UserId(r.user_id),
                name: r.name,
                email: r.email,
                is_admin: r.is_admin,
                only_workspace: None,
                read_only: false,
            };
            let known = Known {
                caller: caller.clone(),
                csrf: Some(r.csrf_token.clone()),
            };
            let left = (r.expires_at - now).to_std().unwrap_or_default();
            self.callers.put(key, known, left, generation);
            (caller, r.csrf_token)
        }))
    }

    pub async fn delete_session(&self, secret: &str) -> Result<()> {
        let hash = sha256_hex(secret);
        db::exec(
            &self.db,
            "DELETE FROM sessions WHERE id_hash = $1",
            vec![hash.clone().into()],
        )
        .await?;
        self.callers.forget(&format!("s:{hash}"));
        Ok(())
    }

    /// Creates an API token and returns its secret, shown once.
    pub async fn create_token(
        &self,
        user: UserId,
        name: &str,
        workspace: Option<WorkspaceId>,
        read_only: bool,
    ) -> Result<(TokenId, String)> {
        let secret = format!("pi_{}", random_secret());
        let id = db::insert_id(
            &self.db,
            "INSERT INTO api_tokens (user_id, name, token_hash, workspace_id, read_only, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            vec![
                user.0.into(),
                name.trim().into(),
                sha256_hex(&secret).into(),
                workspace.map(|w| w.0).into(),
                read_only.into(),
                crate::db::now().into(),
            ],
        )
        .await?;
        Ok((TokenId(id), secret))
    }

    /// The caller behind a bearer token, if it is live; records its last use.
    pub async fn caller_by_token(&self, secret: &str) -> Result<Option<Caller>> {
        #[derive(FromQueryResult)]
        struct Row {
            id: i64,
            user_id: i64,
            workspace_id: Option<i64>,
            read_only: bool,
            email: String,
            name: String,
            is_admin: bool,
            last_used_at: Option<DateTime<Utc>>,
        }
        let key = format!("t:{}", sha256_hex(secret));
        let generation = match self.callers.get(&key) {
            Ok(known) => return Ok(Some(known.caller)),
            Err(generation) => generation,
        };
        let row: Option<Row> = db::one(
            &self.db,
            "SELECT t.id, t.user_id, t.workspace_id, t.read_only, u.email, u.name, u.is_admin, t.last_used_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL",
            vec![key[2..].into()],
        )
        .await?;
        let Some(r) = row else { return Ok(None) };
        // At most one write a minute per token: a write on every read made concurrent calls
        // with one token queue on that row's lock (PostgreSQL, a commit each) or on the
        // database's write lock (SQLite). The account page shows minutes at best.
        let now = crate::db::now();
        if r.last_used_at
            .is_none_or(|t| now - t >= Duration::minutes(1))
        {
            db::exec(
                &self.db,
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
                vec![now.into(), r.id.into()],
            )
            .await?;
        }
        let caller = Caller {
            user_id: UserId(r.user_id),
            name: r.name,
            email: r.email,
            is_admin: r.is_admin,
            only_workspace: r.workspace_id.map(WorkspaceId),
            read_only: r.read_only,
        };
        let known = Known {
            caller: caller.clone(),
            csrf: None,
        };
        self.callers
            .put(key, known, std::time::Duration::MAX, generation);
        Ok(Some(caller))
    }

    pub async fn tokens(&self, user: UserId) -> Result<Vec<TokenInfo>> {
        db::all(
            &self.db,
            "SELECT id, name, workspace_id, read_only, created_at, last_used_at, revoked_at FROM api_tokens \
             WHERE user_id = $1 ORDER BY id DESC",
            vec![user.0.into()],
        )
        .await
    }

    /// Revokes one of the caller's own tokens.
    pub async fn revoke_token(&self, user: UserId, token: TokenId) -> Result<()> {
        let n = db::exec(
            &self.db,
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
            vec![crate::db::now().into(), token.0.into(), user.0.into()],
        )
        .await?;
        self.callers.forget_user(user);
        if n == 0 {
            Err(StoreError::not_found("token"))
        } else {
            Ok(())
        }
    }
}
