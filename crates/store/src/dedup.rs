//! The registry's duplicates: candidate pairs computed by `domain::dedup` over every
//! organisation, and the merge a person decides, which keeps both histories and every
//! link (partners of partnerships, contacts, workspaces' own structures).

use std::collections::HashMap;

use partinnov_domain::dedup::{Candidate, OrgFacts, candidates};
use sea_orm::FromQueryResult;

use crate::{
    Caller, OrganisationId, Store, StoreError,
    audit::{self, Action, Record},
    db,
    error::Result,
    organisations::{Organisation, OrganisationDraft, update_organisation_in},
};

#[derive(FromQueryResult)]
struct FactsRow {
    id: i64,
    name: String,
    siret: Option<String>,
    siren: Option<String>,
    commune_code: Option<String>,
    postcode: Option<String>,
}

impl Store {
    /// Candidate duplicates over the whole registry, best first, with the facts of the
    /// records they name.
    pub async fn duplicate_candidates(&self) -> Result<(Vec<Candidate>, HashMap<i64, OrgFacts>)> {
        let rows: Vec<FactsRow> = db::all(
            &self.db,
            "SELECT id, name, siret, siren, commune_code, postcode FROM organisations ORDER BY id",
            vec![],
        )
        .await?;
        let facts: Vec<OrgFacts> = rows
            .into_iter()
            .map(|r| OrgFacts {
                id: r.id,
                name: r.name,
                siret: r.siret,
                siren: r.siren,
                commune_code: r.commune_code,
                postcode: r.postcode,
            })
            .collect();
        let found = candidates(&facts);
        let named: std::collections::HashSet<i64> = found.iter().flat_map(|c| [c.a, c.b]).collect();
        let facts = facts
            .into_iter()
            .filter(|f| named.contains(&f.id))
            .map(|f| (f.id, f))
            .collect();
        Ok((found, facts))
    }

    /// Merges `drop` into `keep`: every link to `drop` moves to `keep`, facts `keep` lacks
    /// are taken from `drop` (kinds and yearly figures are united), `drop`'s history
    /// becomes part of `keep`'s, and `drop` is removed. Two different SIRETs are two
    /// establishments and are refused. Registry editors only.
    pub async fn merge_organisations(
        &self,
        caller: &Caller,
        keep: OrganisationId,
        drop: OrganisationId,
    ) -> Result<Organisation> {
        self.require_registry_reader(caller).await?;
        if !self.can_edit_registry(caller).await? {
            return Err(StoreError::Forbidden);
        }
        if keep == drop {
            return Err(StoreError::Invalid {
                field: "drop",
                code: "merge_with_itself",
            });
        }
        let kept = self.organisation(keep).await?;
        let dropped = self.organisation(drop).await?;
        if let (Some(a), Some(b)) = (&kept.data.siret, &dropped.data.siret)
            && a != b
        {
            return Err(StoreError::Invalid {
                field: "drop",
                code: "different_sirets",
            });
        }
        let merged = merged_draft(&kept.data, &dropped.data);
        let txn = self.write().await?;
        let (k, d) = (keep.0, drop.0);
        for sql in [
            // A partnership that already names both keeps one line.
            "DELETE FROM partnership_partners WHERE organisation_id = $2 \
             AND partnership_id IN (SELECT partnership_id FROM partnership_partners WHERE organisation_id = $1)",
            "UPDATE partnership_partners SET organisation_id = $1 WHERE organisation_id = $2",
            "UPDATE contacts SET organisation_id = $1 WHERE organisation_id = $2",
            "UPDATE workspaces SET organisation_id = $1 WHERE organisation_id = $2",
            "UPDATE audit_events SET entity_id = $1 WHERE entity = 'organisation' AND entity_id = $2",
        ] {
            db::exec(&txn, sql, vec![k.into(), d.into()]).await?;
        }
        audit::record(
            &txn,
            Record {
                workspace: None,
                user: Some(caller.user_id),
                entity: "organisation_merged",
                entity_id: d,
                action: Action::Delete,
                before: Some(&dropped.data),
                after: None::<&OrganisationDraft>,
            },
        )
        .await?;
        // Frees its SIRET before `keep` may take it.
        db::exec(
            &txn,
            "DELETE FROM organisations WHERE id = $1",
            vec![d.into()],
        )
        .await?;
        update_organisation_in(&txn, Some(caller.user_id), keep, kept.version, &merged).await?;
        txn.commit().await?;
        self.organisation(keep).await
    }
}

/// `keep`'s facts, completed by `drop`'s where `keep` has none.
fn merged_draft(keep: &OrganisationDraft, drop: &OrganisationDraft) -> OrganisationDraft {
    let mut m = keep.clone();
    m.siret = m.siret.or_else(|| drop.siret.clone());
    m.siren = m.siren.or_else(|| drop.siren.clone());
    m.legal_form = m.legal_form.or_else(|| drop.legal_form.clone());
    m.naf = m.naf.or_else(|| drop.naf.clone());
    m.website = m.website.or_else(|| drop.website.clone());
    if m.territory.is_none() {
        m.territory = drop.territory.clone();
        m.address = m.address.or_else(|| drop.address.clone());
        m.postcode = m.postcode.or_else(|| drop.postcode.clone());
    }
    m.ess |= drop.ess;
    for k in &drop.kinds {
        if !m.kinds.contains(k) {
            m.kinds.push(*k);
        }
    }
    for f in &drop.figures {
        if !m.figures.iter().any(|x| x.year == f.year) {
            m.figures.push(f.clone());
        }
    }
    m.figures.sort_by_key(|f| f.year);
    m
}
