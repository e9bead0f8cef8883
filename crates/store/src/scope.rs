//! Who is asking, and within which workspace. Repository methods take these first and put
//! them in their SQL.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::{StoreError, UserId, WorkspaceId, error::Result};

/// A member's role in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages members and settings; may restore deleted partnerships.
    Owner,
    /// Reads and writes the inventory.
    Editor,
    /// Reads only.
    Reader,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Editor, Role::Reader];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Reader => "reader",
        }
    }

    pub fn can_write(self) -> bool {
        matches!(self, Role::Owner | Role::Editor)
    }
}

impl FromStr for Role {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(StoreError::Invalid {
                field: "role",
                code: "unknown_role",
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The authenticated person behind a request (session or API token).
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    /// A token limited to one workspace sees nothing else.
    pub only_workspace: Option<WorkspaceId>,
    /// A read-only token may not write, whatever the user's role.
    pub read_only: bool,
}

/// A caller inside one workspace where they hold a role. Obtained only from
/// [`crate::Store::scope`], which checks the membership in SQL.
#[derive(Debug, Clone)]
pub struct WorkspaceScope {
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    pub slug: String,
    pub name: String,
    pub role: Role,
    pub read_only: bool,
    pub dormant_months: i32,
}

impl WorkspaceScope {
    pub fn can_write(&self) -> bool {
        self.role.can_write() && !self.read_only
    }

    pub fn require_write(&self) -> Result<()> {
        if self.can_write() {
            Ok(())
        } else {
            Err(StoreError::Forbidden)
        }
    }

    pub fn require_owner(&self) -> Result<()> {
        if self.role == Role::Owner && !self.read_only {
            Ok(())
        } else {
            Err(StoreError::Forbidden)
        }
    }
}
