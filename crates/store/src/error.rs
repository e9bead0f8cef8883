//! The store's one error type. Variants say what went wrong for the caller; the web crate
//! maps them to HTTP and the catalogue turns their codes into French sentences.

use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Also answered when the row exists but the caller may not see it: no hint of existence.
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    /// The caller sees the row but its role does not allow this action.
    #[error("forbidden")]
    Forbidden,
    /// Optimistic concurrency: the row changed since the caller read it.
    #[error("stale version: row is now at version {current}")]
    Conflict { current: i64 },
    /// A unique value is already taken (e.g. a SIRET in the registry, a workspace slug).
    #[error("duplicate value for {field}")]
    Duplicate {
        field: &'static str,
        existing_id: Option<i64>,
    },
    /// A value the database refused on a business rule (unknown id in a list, etc.).
    #[error("invalid {field}: {code}")]
    Invalid {
        field: &'static str,
        code: &'static str,
    },
    #[error("database error")]
    Database(#[from] DbErr),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    pub(crate) fn not_found(entity: &'static str) -> Self {
        Self::NotFound { entity }
    }
}
