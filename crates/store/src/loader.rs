//! Bulk loading in one transaction, for the demo data, the generator and (later) imports:
//! everything or nothing is written.

use chrono::NaiveDate;
use sea_orm::DatabaseTransaction;

use crate::{
    ContactId, InteractionId, OrganisationId, PartnershipId, Store, UserId, WorkspaceId, db,
    error::Result,
    organisations::{OrganisationDraft, insert_organisation},
    partnerships::{PartnershipDraft, insert_partnership},
    people::{ContactDraft, InteractionDraft, insert_contact, insert_interaction},
    scope::Role,
};

pub struct Loader {
    txn: DatabaseTransaction,
}

impl Store {
    pub async fn loader(&self) -> Result<Loader> {
        Ok(Loader {
            txn: self.write().await?,
        })
    }
}

impl Loader {
    pub async fn organisation(&self, d: &OrganisationDraft) -> Result<OrganisationId> {
        insert_organisation(&self.txn, None, d).await
    }

    pub async fn member(&self, ws: WorkspaceId, user: UserId, role: Role) -> Result<()> {
        db::exec(
            &self.txn,
            "INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role",
            vec![user.0.into(), ws.0.into(), role.as_str().into(), crate::db::now().into()],
        )
        .await?;
        Ok(())
    }

    pub async fn partnership(
        &self,
        ws: WorkspaceId,
        dormant_months: i32,
        author: Option<UserId>,
        d: &PartnershipDraft,
        created_on: NaiveDate,
    ) -> Result<PartnershipId> {
        insert_partnership(&self.txn, ws, dormant_months, author, d, created_on).await
    }

    pub async fn interaction(
        &self,
        ws: WorkspaceId,
        dormant_months: i32,
        author: Option<UserId>,
        partnership: PartnershipId,
        d: &InteractionDraft,
    ) -> Result<InteractionId> {
        insert_interaction(&self.txn, ws.0, dormant_months, author, partnership, d).await
    }

    pub async fn contact(&self, ws: WorkspaceId, d: &ContactDraft) -> Result<ContactId> {
        insert_contact(&self.txn, ws.0, None, d).await
    }

    pub async fn commit(self) -> Result<()> {
        self.txn.commit().await?;
        Ok(())
    }
}
