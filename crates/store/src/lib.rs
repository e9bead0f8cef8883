//! The database of Part'Innov: migrations, repositories and permission-scoped queries, on
//! SQLite (embedded default) and PostgreSQL with one code path.
//!
//! Every SQL text is written once, with `$1`-style placeholders that both backends accept;
//! the few real differences (column types in DDL, pragmas) live in [`dialect`]. Every
//! repository method that touches a workspace's data takes a [`WorkspaceScope`] first and
//! filters on it inside the SQL, so a handler that forgets a check still cannot leak.
//! Knows nothing of HTTP.

pub mod accounts;
pub mod actions;
pub mod audit;
pub mod backup;
mod callers;
pub mod capitalisation;
pub mod carto;
mod db;
pub mod dedup;
mod dialect;
pub mod enrich;
pub mod error;
pub mod evaluations;
pub mod flows;
pub mod guests;
pub mod imports;
pub mod invitations;
pub mod loader;
mod migrate;
pub mod network;
pub mod organisations;
pub mod outcomes;
pub mod partnerships;
pub mod people;
pub mod scope;
pub mod strategy;
#[cfg(feature = "testing")]
pub mod testing;
pub mod users;
pub mod workspaces;

pub use db::{DatabaseUrl, Store};
pub use error::{Result, StoreError};
pub use scope::{Caller, Role, WorkspaceScope};

/// Ids are plain `i64` in the database; these newtypes keep them apart in signatures.
macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { self.0.fmt(f) }
        }
        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> std::result::Result<Self, Self::Err> { s.parse().map(Self) }
        }
    )*};
}
id_type!(
    UserId,
    WorkspaceId,
    OrganisationId,
    PartnershipId,
    ContactId,
    InteractionId,
    TokenId
);

// Evaluations (migration 9), apart so that other id lists merge cleanly.
id_type!(EvaluationId, CriterionId, IndicatorId, MeasurementId);
