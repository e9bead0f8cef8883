//! Enrichment of the registry from an official source (the SIRENE stock): facts that
//! source knows better than the people who typed them (address, commune, NAF, head
//! office) replace the registry's, in one transaction, each change audited like any
//! other edit (no user: the command line acts).

use std::collections::HashMap;

use sea_orm::FromQueryResult;

use crate::{
    OrganisationId, Store, db,
    error::Result,
    organisations::{Territory, organisation_in, update_organisation_in},
};

/// What the official source says about one establishment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialFacts {
    pub head_office: bool,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub territory: Option<Territory>,
    pub naf: Option<String>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct EnrichSummary {
    pub updated: u64,
    pub unchanged: u64,
}

impl Store {
    /// The registry's SIRETs, to know which lines of a national file concern it.
    pub async fn registry_sirets(&self) -> Result<HashMap<String, OrganisationId>> {
        #[derive(FromQueryResult)]
        struct R {
            id: i64,
            siret: String,
        }
        let rows: Vec<R> = db::all(
            &self.db,
            "SELECT id, siret FROM organisations WHERE siret IS NOT NULL",
            vec![],
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.siret, OrganisationId(r.id)))
            .collect())
    }

    /// Lays the official facts over the matching organisations; all or nothing.
    pub async fn apply_official_facts(
        &self,
        facts: &[(OrganisationId, OfficialFacts)],
    ) -> Result<EnrichSummary> {
        let mut summary = EnrichSummary::default();
        // One update per organisation: a file that names a SIRET twice counts its last line.
        let last: std::collections::BTreeMap<OrganisationId, &OfficialFacts> =
            facts.iter().map(|(id, f)| (*id, f)).collect();
        let txn = self.write().await?;
        for (id, f) in last {
            let current = organisation_in(&txn, id).await?;
            let mut d = current.data.clone();
            d.head_office = f.head_office;
            if f.address.is_some() {
                d.address = f.address.clone();
            }
            if f.postcode.is_some() {
                d.postcode = f.postcode.clone();
            }
            if f.territory.is_some() {
                d.territory = f.territory.clone();
            }
            if f.naf.is_some() {
                d.naf = f.naf.clone();
            }
            if d == current.data {
                summary.unchanged += 1;
                continue;
            }
            update_organisation_in(&txn, None, id, current.version, &d).await?;
            summary.updated += 1;
        }
        txn.commit().await?;
        Ok(summary)
    }
}
