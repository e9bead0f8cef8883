//! Imports: rows already checked against the file's own rules (see `interop::import`) are
//! matched to the registry and to the workspace's partnerships and contacts, then created,
//! updated or left unchanged, all in one transaction: either every valid row is written, or
//! nothing is (a dry run writes then rolls back, so its counts are exactly the real ones).
//!
//! Matching an organisation: by SIRET, then by SIREN in the same commune (never across two
//! different SIRETs), then by normalised name (`domain::text::name_key`) in the same
//! commune or postcode. A row that designates the same organisation (or the same
//! partnership, or contact) as an earlier row of the file is reported as a duplicate.

mod events;
mod mappings;

pub use mappings::SavedMapping;

use std::collections::HashMap;

use chrono::NaiveDate;
use partinnov_domain::{
    event::{OutcomeKind, PersonRef},
    outcome::ExitKind,
    text::{fold, name_key},
    typology::{InteractionKind, Involvement, PartnershipStatus, Potential, Priority},
};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::{
    ContactId, OrganisationId, PartnershipId, Store, StoreError, UserId, WorkspaceId,
    WorkspaceScope, db,
    error::Result,
    organisations::{
        COLUMNS as ORG_COLUMNS, NewOrganisations, Organisation, OrganisationDraft, Row as OrgRow,
        load_many, update_organisation_in,
    },
    partnerships::{
        FormPeriod, PartnershipDraft, fetch_in, insert_partnership, today, update_partnership_in,
    },
    people::{CONTACT_SELECT, Contact, ContactDraft, insert_contact, update_contact_in},
};

/// Where an import writes and on whose behalf. Built only from a scope that may write, or
/// for the command line (whoever holds the database URL administers the deployment).
#[derive(Debug, Clone)]
pub struct ImportTarget {
    workspace_id: WorkspaceId,
    dormant_months: i32,
    user: Option<UserId>,
}

impl ImportTarget {
    /// Editors and owners of the workspace only.
    pub fn member(scope: &WorkspaceScope) -> Result<Self> {
        scope.require_write()?;
        Ok(Self {
            workspace_id: scope.workspace_id,
            dormant_months: scope.dormant_months,
            user: Some(scope.user_id),
        })
    }
}

impl Store {
    /// The target for `partinnov import`: the workspace by its slug, no user recorded.
    pub async fn operator_import_target(&self, slug: &str) -> Result<ImportTarget> {
        let scope = self.operator_read_scope(slug).await?;
        Ok(ImportTarget {
            workspace_id: scope.workspace_id,
            dormant_months: scope.dormant_months,
            user: None,
        })
    }
}

/// A partnership row beyond its partner organisation. `None` keeps what is stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartnershipInput {
    pub title: Option<String>,
    /// Partners after the row's organisation (a row listing « A ; B »), matched to the
    /// registry as it is, created when new.
    pub other_partners: Vec<OrganisationDraft>,
    pub forms: Vec<FormPeriod>,
    pub status: Option<PartnershipStatus>,
    /// A member of the workspace, by e-mail or by name.
    pub holder: Option<String>,
    pub priority: Option<Priority>,
    pub potential: Option<Potential>,
    pub involvement: Option<Involvement>,
    pub means: Option<String>,
    pub governance: Option<String>,
    pub notes: Option<String>,
}

/// A contact row beyond its organisation. `None` keeps what is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactInput {
    pub name: String,
    pub job_title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

/// An outcome row beyond its organisation. `None` keeps what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeInput {
    /// The partnership's title, when the workspace has several with the organisation.
    pub partnership: Option<String>,
    pub person_ref: PersonRef,
    pub kind: OutcomeKind,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub days: Option<i32>,
    pub hours: Option<i32>,
    pub contract: Option<ExitKind>,
    pub duration_days: Option<i32>,
    pub aided: Option<bool>,
    pub working_time_pct: Option<i32>,
    pub notes: Option<String>,
}

/// An interaction row beyond its organisation. `None` keeps what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractionInput {
    pub partnership: Option<String>,
    pub kind: InteractionKind,
    pub occurred_on: NaiveDate,
    pub participants: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImportItem {
    Organisation,
    Partnership(PartnershipInput),
    Contact(ContactInput),
    /// Recorded on a partnership the workspace has with the row's organisation, which
    /// must be in the registry: outcome and interaction rows never create either.
    Outcome(OutcomeInput),
    Interaction(InteractionInput),
}

/// One checked row. `org.name` may be empty when the SIRET is given; empty optional fields
/// are `None` and never erase what is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub line: usize,
    pub org: OrganisationDraft,
    pub item: ImportItem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    Created,
    Updated,
    Unchanged,
}

/// How an organisation of the file was found in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Siret,
    SirenAndCommune,
    NameAndPlace,
    /// Outcome and interaction rows: the one partner of the workspace with that name.
    NameAmongPartners,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowResult {
    pub line: usize,
    pub outcome: RowOutcome,
    pub organisation_id: OrganisationId,
    pub organisation_matched_by: Option<MatchedBy>,
    /// The partnership or contact of the row, for partnership and contact imports.
    pub entity_id: Option<i64>,
}

/// A row the database refuses (unknown holder, duplicate of an earlier row…). `field` is
/// the canonical field code (`name`, `holder`…), for the caller to name the column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    pub line: usize,
    pub field: &'static str,
    pub value: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Compute everything, write nothing.
    pub dry_run: bool,
    /// Rows matching a stored record update it; without this they are left as they are.
    pub update: bool,
    /// Any problem (here, or reported by the caller with `rejected_before`) and nothing is
    /// written; otherwise the valid rows are.
    pub all_or_nothing: bool,
    /// Rows the caller already rejected (file-level checks).
    pub rejected_before: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportOutcome {
    pub results: Vec<RowResult>,
    pub problems: Vec<ImportProblem>,
    /// True when the rows were written (committed).
    pub written: bool,
}

impl ImportOutcome {
    pub fn count(&self, outcome: RowOutcome) -> usize {
        self.results.iter().filter(|r| r.outcome == outcome).count()
    }
}

#[derive(FromQueryResult)]
struct Known {
    id: i64,
    name: String,
    siret: Option<String>,
    siren: Option<String>,
    commune_code: Option<String>,
    postcode: Option<String>,
}

impl Known {
    /// What the index needs of an organisation created by the import.
    fn of(id: i64, d: &OrganisationDraft) -> Self {
        Self {
            id,
            name: d.name.clone(),
            siret: d.siret.as_ref().map(|s| s.to_string()),
            siren: d
                .siret
                .as_ref()
                .map(|s| s.siren().to_string())
                .or_else(|| d.siren.as_ref().map(|s| s.to_string())),
            commune_code: d.territory.as_ref().map(|t| t.commune_code.clone()),
            postcode: d.postcode.clone(),
        }
    }
}

/// An organisation found by name: its id and SIRET.
type Candidate = (i64, Option<String>);

/// The registry in memory, by each way of matching.
#[derive(Default)]
struct Index {
    by_siret: HashMap<String, i64>,
    by_siren_commune: HashMap<(String, String), Vec<(i64, bool)>>,
    by_name_commune: HashMap<(String, String), Vec<Candidate>>,
    by_name_postcode: HashMap<(String, String), Vec<Candidate>>,
}

impl Index {
    fn add(&mut self, k: Known) {
        let key = name_key(&k.name);
        if let Some(s) = &k.siret {
            self.by_siret.insert(s.clone(), k.id);
        }
        let siren = k
            .siren
            .clone()
            .or_else(|| k.siret.as_ref().map(|s| s[..9].to_owned()));
        if let (Some(siren), Some(c)) = (siren, &k.commune_code) {
            self.by_siren_commune
                .entry((siren, c.clone()))
                .or_default()
                .push((k.id, k.siret.is_some()));
        }
        if !key.is_empty() {
            if let Some(c) = &k.commune_code {
                self.by_name_commune
                    .entry((key.clone(), c.clone()))
                    .or_default()
                    .push((k.id, k.siret.clone()));
            }
            if let Some(p) = &k.postcode {
                self.by_name_postcode
                    .entry((key, p.clone()))
                    .or_default()
                    .push((k.id, k.siret.clone()));
            }
        }
    }

    fn find(&self, d: &OrganisationDraft) -> Option<(i64, MatchedBy)> {
        let siret = d.siret.as_ref().map(|s| s.as_str().to_owned());
        if let Some(s) = &siret
            && let Some(id) = self.by_siret.get(s)
        {
            return Some((*id, MatchedBy::Siret));
        }
        let commune = d.territory.as_ref().map(|t| t.commune_code.clone());
        let siren = d
            .siret
            .as_ref()
            .map(|s| s.siren())
            .or_else(|| d.siren.clone());
        if let (Some(siren), Some(c)) = (&siren, &commune)
            && let Some(hits) = self
                .by_siren_commune
                .get(&(siren.as_str().to_owned(), c.clone()))
            // Two different SIRETs are two establishments: never the same organisation.
            && let Some((id, _)) = hits.iter().find(|(_, has_siret)| siret.is_none() || !has_siret)
        {
            return Some((*id, MatchedBy::SirenAndCommune));
        }
        let key = name_key(&d.name);
        if key.is_empty() {
            return None;
        }
        let compatible = |hits: Option<&Vec<Candidate>>| {
            hits.and_then(|h| {
                h.iter()
                    .find(|(_, s)| s.is_none() || siret.is_none() || *s == siret)
                    .map(|(id, _)| *id)
            })
        };
        if let Some(c) = &commune
            && let Some(id) = compatible(self.by_name_commune.get(&(key.clone(), c.clone())))
        {
            return Some((id, MatchedBy::NameAndPlace));
        }
        if let Some(p) = &d.postcode
            && let Some(id) = compatible(self.by_name_postcode.get(&(key, p.clone())))
        {
            return Some((id, MatchedBy::NameAndPlace));
        }
        None
    }
}

/// What identifies the organisation of a row within the file, for duplicates.
fn file_key(d: &OrganisationDraft, matched: Option<i64>) -> String {
    if let Some(id) = matched {
        return format!("id:{id}");
    }
    if let Some(s) = &d.siret {
        return format!("siret:{s}");
    }
    let place = d
        .territory
        .as_ref()
        .map(|t| t.commune_code.clone())
        .or_else(|| d.postcode.clone())
        .unwrap_or_default();
    format!("name:{}@{place}", name_key(&d.name))
}

/// What identifies the row's record within the file: its organisation, plus for a
/// contact the person's e-mail or name.
fn row_key(item: &ImportItem, org_key: String) -> String {
    let title = |t: &Option<String>| t.as_deref().map(fold).unwrap_or_default();
    match item {
        ImportItem::Organisation => org_key,
        ImportItem::Partnership(p) => {
            match p.title.as_deref().map(fold).filter(|t| !t.is_empty()) {
                Some(t) => format!("{org_key}/title:{t}"),
                None => org_key,
            }
        }
        ImportItem::Contact(c) => match c.email.as_deref().filter(|e| !e.is_empty()) {
            Some(e) => format!("{org_key}/email:{}", e.to_lowercase()),
            None => format!("{org_key}/name:{}", fold(&c.name)),
        },
        ImportItem::Outcome(o) => format!(
            "{org_key}/{}/outcome:{}:{}:{}",
            title(&o.partnership),
            o.person_ref.as_str(),
            o.kind.as_str(),
            o.started_on.map(|d| d.to_string()).unwrap_or_default()
        ),
        ImportItem::Interaction(i) => format!(
            "{org_key}/{}/interaction:{}:{}:{}",
            title(&i.partnership),
            i.kind.as_str(),
            i.occurred_on,
            fold(i.notes.as_deref().unwrap_or_default())
        ),
    }
}

/// The stored organisation with the file's non-empty values laid over it.
fn merge_org(stored: &OrganisationDraft, file: &OrganisationDraft) -> OrganisationDraft {
    let mut m = stored.clone();
    if !file.name.trim().is_empty() && name_key(&file.name) != name_key(&stored.name) {
        m.name = file.name.trim().to_owned();
    }
    if file.siret.is_some() {
        m.siret = file.siret.clone();
    }
    if file.siren.is_some() && m.siret.is_none() {
        m.siren = file.siren.clone();
    }
    macro_rules! overlay {
        ($($f:ident),*) => {$( if file.$f.is_some() { m.$f = file.$f.clone(); } )*};
    }
    overlay!(address, postcode, territory, website, legal_form, naf);
    for k in &file.kinds {
        if !m.kinds.contains(k) {
            m.kinds.push(*k);
        }
    }
    m.kinds.sort_by_key(|k| k.as_str());
    m.ess |= file.ess;
    m
}

fn merge_partnership(
    stored: &PartnershipDraft,
    p: &PartnershipInput,
    holder: Option<UserId>,
    partners: &[OrganisationId],
) -> PartnershipDraft {
    let mut m = stored.clone();
    for id in partners {
        if !m.partners.contains(id) {
            m.partners.push(*id);
        }
    }
    if let Some(t) = &p.title {
        m.title = t.trim().to_owned();
    }
    if let Some(s) = p.status {
        m.status = s;
    }
    if p.priority.is_some() {
        m.priority = p.priority;
    }
    if p.potential.is_some() {
        m.potential = p.potential;
    }
    if p.involvement.is_some() {
        m.involvement = p.involvement;
    }
    if let Some(means) = p.means.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        m.means = means.to_owned();
    }
    if let Some(g) = p
        .governance
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        m.governance = g.to_owned();
    }
    if let Some(n) = p.notes.as_deref().map(str::trim)
        && !n.is_empty()
        && !m.notes.contains(n)
    {
        m.notes = if m.notes.is_empty() {
            n.to_owned()
        } else {
            format!("{}\n{n}", m.notes)
        };
    }
    for f in &p.forms {
        // A form with several periods (its history) is matched by its start first.
        let at = m
            .forms
            .iter()
            .position(|e| e.form == f.form && e.started_on == f.started_on)
            .or_else(|| m.forms.iter().position(|e| e.form == f.form));
        match at.map(|i| &mut m.forms[i]) {
            Some(e) => {
                if f.started_on.is_some() {
                    e.started_on = f.started_on;
                }
                if f.ended_on.is_some() {
                    e.ended_on = f.ended_on;
                }
            }
            None => m.forms.push(f.clone()),
        }
    }
    if let Some(h) = holder
        && !m.holders.contains(&h)
    {
        m.holders.push(h);
    }
    m
}

fn merge_contact(
    stored: &Contact,
    c: &ContactInput,
    org: OrganisationId,
) -> (ContactDraft, ContactDraft) {
    let before = ContactDraft {
        organisation_id: stored.organisation_id.map(OrganisationId),
        name: stored.name.clone(),
        job_title: stored.job_title.clone(),
        email: stored.email.clone(),
        phone: stored.phone.clone(),
        notes: stored.notes.clone(),
    };
    let mut m = before.clone();
    m.organisation_id = Some(org);
    for (target, value) in [
        (&mut m.job_title, &c.job_title),
        (&mut m.email, &c.email),
        (&mut m.phone, &c.phone),
        (&mut m.notes, &c.notes),
    ] {
        if let Some(v) = value {
            *target = v.trim().to_owned();
        }
    }
    (before, m)
}

/// The registry organisations the file's rows match, read a thousand at a time in the
/// order of the file rather than one query per row (a re-import of 100,000 rows is
/// mostly such reads). Each is handed out once, so a second row about the same
/// organisation reads it again, with what the first row changed.
struct StoredOrganisations {
    order: Vec<i64>,
    next: usize,
    read: HashMap<i64, Organisation>,
}

impl StoredOrganisations {
    const BATCH: usize = 1000;

    fn new(matches: impl Iterator<Item = (i64, MatchedBy)>) -> Self {
        let mut seen = std::collections::HashSet::new();
        Self {
            order: matches.map(|m| m.0).filter(|id| seen.insert(*id)).collect(),
            next: 0,
            read: HashMap::new(),
        }
    }

    fn take(&mut self, id: i64) -> Option<Organisation> {
        self.read.remove(&id)
    }

    /// Reads `id` with the next organisations of the file not read yet.
    async fn read(&mut self, c: &impl ConnectionTrait, id: i64) -> Result<Organisation> {
        let mut ids = vec![id];
        while ids.len() < Self::BATCH && self.next < self.order.len() {
            let next = self.order[self.next];
            self.next += 1;
            if next != id && !self.read.contains_key(&next) {
                ids.push(next);
            }
        }
        let rows: Vec<OrgRow> = db::all(
            c,
            &format!(
                "SELECT {ORG_COLUMNS} FROM organisations o WHERE o.id IN ({})",
                db::placeholders(1, ids.len())
            ),
            ids.into_iter().map(Into::into).collect(),
        )
        .await?;
        for o in load_many(c, rows).await? {
            self.read.insert(o.id.0, o);
        }
        self.take(id).ok_or(StoreError::not_found("organisation"))
    }
}

/// A partnership row's partners, its organisation first, then the others in order, each
/// once: found in the registry as it is now (earlier rows included), or created.
async fn partners_of(
    c: &impl ConnectionTrait,
    created: &mut NewOrganisations,
    index: &mut Index,
    first: OrganisationId,
    others: &[OrganisationDraft],
) -> Result<Vec<OrganisationId>> {
    let mut ids = vec![first];
    for d in others {
        let id = match index.find(d) {
            Some((id, _)) => OrganisationId(id),
            None => {
                let id = created.add(c, d).await?;
                index.add(Known::of(id.0, d));
                id
            }
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    created.flush(c).await?;
    Ok(ids)
}

#[derive(FromQueryResult)]
struct Member {
    id: i64,
    email: String,
    name: String,
}

#[derive(FromQueryResult)]
struct IdTitle {
    id: i64,
    title: String,
}

impl Store {
    /// Matches, then creates or updates every row without a problem, in one transaction.
    /// See [`ImportOptions`] for dry runs and all-or-nothing.
    pub async fn import(
        &self,
        target: &ImportTarget,
        rows: &[ImportRow],
        opts: ImportOptions,
    ) -> Result<ImportOutcome> {
        let txn = self.write().await?;
        let ws = target.workspace_id;
        let mut index = Index::default();
        let known: Vec<Known> = db::all(
            &txn,
            "SELECT id, name, siret, siren, commune_code, postcode FROM organisations",
            vec![],
        )
        .await?;
        for k in known {
            index.add(k);
        }
        let members: Vec<Member> = db::all(
            &txn,
            "SELECT u.id, u.email, u.name FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1",
            vec![ws.0.into()],
        )
        .await?;

        let partners = if rows
            .iter()
            .any(|r| matches!(r.item, ImportItem::Outcome(_) | ImportItem::Interaction(_)))
        {
            events::WorkspacePartners::load(&txn, ws.0).await?
        } else {
            events::WorkspacePartners::default()
        };

        let mut problems = Vec::new();
        let mut results = Vec::new();
        // Identity of each row's organisation / partnership / contact → first line.
        let mut seen: HashMap<String, usize> = HashMap::new();
        // New organisations are written in batches; anything else that reads or points at
        // the registry flushes them first.
        let mut created = NewOrganisations::new(target.user);
        let mut stored_orgs =
            StoredOrganisations::new(rows.iter().filter_map(|r| index.find(&r.org)));
        for row in rows {
            let matched = index.find(&row.org);
            let org_key = file_key(&row.org, matched.map(|m| m.0));
            let key = row_key(&row.item, org_key);
            if let Some(first) = seen.get(&key) {
                problems.push(ImportProblem {
                    line: row.line,
                    field: match row.item {
                        ImportItem::Contact(_) => "contact",
                        ImportItem::Outcome(_) => "person_ref",
                        ImportItem::Interaction(_) => "occurred_on",
                        _ => "name",
                    },
                    value: if row.org.name.is_empty() {
                        row.org.siret.as_ref().map(|s| s.to_string()).unwrap_or_default()
                    } else {
                        row.org.name.clone()
                    },
                    message: format!(
                        "doublon de la ligne {first} (même {}) : supprimez l'une des deux lignes ou regroupez-les",
                        match &row.item {
                            ImportItem::Contact(_) => "contact de la même organisation",
                            ImportItem::Partnership(_) => "partenaire",
                            ImportItem::Organisation => "organisation",
                            ImportItem::Outcome(_) => "personne, même type et même date de début, avec le même partenaire",
                            ImportItem::Interaction(_) => "type d'échange, même jour et même note, avec le même partenaire",
                        }
                    ),
                });
                continue;
            }
            if matches!(
                row.item,
                ImportItem::Outcome(_) | ImportItem::Interaction(_)
            ) {
                seen.insert(key, row.line);
                created.flush(&txn).await?;
                match events::import_event(&txn, target, row, matched, &partners, opts.update)
                    .await?
                {
                    Ok(result) => results.push(result),
                    Err(problem) => problems.push(problem),
                }
                continue;
            }
            if matched.is_none() && row.org.name.trim().is_empty() {
                problems.push(ImportProblem {
                    line: row.line,
                    field: "name",
                    value: String::new(),
                    message: "organisation absente du registre et sans nom : indiquez sa raison sociale pour la créer".into(),
                });
                continue;
            }
            if let ImportItem::Partnership(p) = &row.item
                && let Some(unnamed) = p
                    .other_partners
                    .iter()
                    .position(|d| d.name.trim().is_empty() && index.find(d).is_none())
            {
                problems.push(ImportProblem {
                    line: row.line,
                    field: "name",
                    value: p.other_partners[unnamed]
                        .siret
                        .as_ref()
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    message: format!(
                        "partenaire n° {} absent du registre et sans nom : indiquez sa raison sociale pour le créer",
                        unnamed + 2
                    ),
                });
                continue;
            }
            let holder = match &row.item {
                ImportItem::Partnership(PartnershipInput {
                    holder: Some(h), ..
                }) => {
                    let wanted = h.trim().to_lowercase();
                    let folded = fold(h);
                    match members
                        .iter()
                        .find(|m| m.email.to_lowercase() == wanted || fold(&m.name) == folded)
                    {
                        Some(m) => Some(UserId(m.id)),
                        None => {
                            problems.push(ImportProblem {
                                line: row.line,
                                field: "holder",
                                value: h.clone(),
                                message: format!(
                                    "« {h} » n'est pas membre de l'espace : indiquez le courriel ou le nom d'un membre, invitez la personne d'abord, ou laissez la case vide"
                                ),
                            });
                            continue;
                        }
                    }
                }
                _ => None,
            };
            seen.insert(key, row.line);

            // The organisation: create, update or keep.
            let mut org_outcome = RowOutcome::Unchanged;
            let (org_id, org_name) = match matched {
                None => {
                    let id = match created.add(&txn, &row.org).await {
                        Ok(id) => id,
                        Err(StoreError::Invalid { field, code }) => {
                            problems.push(ImportProblem {
                                line: row.line,
                                field,
                                value: String::new(),
                                message: format!("valeur refusée ({code})"),
                            });
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                    index.add(Known::of(id.0, &row.org));
                    org_outcome = RowOutcome::Created;
                    (id, row.org.name.trim().to_owned())
                }
                Some((id, _)) => {
                    let stored = match stored_orgs.take(id) {
                        Some(o) => o,
                        None => {
                            // An organisation created earlier in this file, or read again.
                            created.flush(&txn).await?;
                            stored_orgs.read(&txn, id).await?
                        }
                    };
                    let merged = merge_org(&stored.data, &row.org);
                    if merged != stored.data && opts.update {
                        update_organisation_in(
                            &txn,
                            target.user,
                            stored.id,
                            stored.version,
                            &merged,
                        )
                        .await?;
                        org_outcome = RowOutcome::Updated;
                    }
                    (stored.id, merged.name)
                }
            };

            // Later rows naming this organisation differently are duplicates of this one.
            seen.entry(row_key(&row.item, file_key(&row.org, Some(org_id.0))))
                .or_insert(row.line);
            if !matches!(row.item, ImportItem::Organisation) {
                created.flush(&txn).await?;
            }

            let (outcome, entity_id) = match &row.item {
                ImportItem::Organisation => (org_outcome, None),
                // Recorded above, before anything about the organisation is written.
                ImportItem::Outcome(_) | ImportItem::Interaction(_) => continue,
                ImportItem::Partnership(p) => {
                    // A workspace may have several partnerships with one organisation: a
                    // title in the file tells them apart (a new title is a new one).
                    let with_org: Vec<IdTitle> = db::all(
                        &txn,
                        "SELECT p.id, p.title FROM partnerships p JOIN partnership_partners pp ON pp.partnership_id = p.id \
                         WHERE p.workspace_id = $1 AND pp.organisation_id = $2 AND p.deleted_at IS NULL ORDER BY p.id",
                        vec![ws.0.into(), org_id.0.into()],
                    )
                    .await?;
                    let wanted = p.title.as_deref().map(fold).filter(|t| !t.is_empty());
                    let existing = match &wanted {
                        Some(t) => with_org.into_iter().find(|e| fold(&e.title) == *t),
                        None => with_org.into_iter().next(),
                    };
                    match existing {
                        None => {
                            let draft = PartnershipDraft {
                                title: p
                                    .title
                                    .clone()
                                    .filter(|t| !t.trim().is_empty())
                                    .unwrap_or(org_name),
                                status: p.status.unwrap_or(if p.forms.is_empty() {
                                    PartnershipStatus::EnProjet
                                } else {
                                    PartnershipStatus::Actif
                                }),
                                involvement: p.involvement,
                                priority: p.priority,
                                potential: p.potential,
                                means: p.means.clone().unwrap_or_default(),
                                governance: p.governance.clone().unwrap_or_default(),
                                notes: p.notes.clone().unwrap_or_default(),
                                partners: partners_of(
                                    &txn,
                                    &mut created,
                                    &mut index,
                                    org_id,
                                    &p.other_partners,
                                )
                                .await?,
                                forms: p.forms.clone(),
                                objectives: vec![],
                                holders: holder.into_iter().collect(),
                            };
                            let id = insert_partnership(
                                &txn,
                                ws,
                                target.dormant_months,
                                target.user,
                                &draft,
                                today(),
                            )
                            .await?;
                            (RowOutcome::Created, Some(id.0))
                        }
                        Some(e) => {
                            let stored = fetch_in(&txn, ws, PartnershipId(e.id), false).await?;
                            let mut known = vec![org_id];
                            let mut new_partner = false;
                            for d in &p.other_partners {
                                match index.find(d) {
                                    Some((id, _)) => known.push(OrganisationId(id)),
                                    None => new_partner = true,
                                }
                            }
                            let mut merged = merge_partnership(&stored.data, p, holder, &known);
                            if (merged != stored.data || new_partner) && opts.update {
                                if new_partner {
                                    let all = partners_of(
                                        &txn,
                                        &mut created,
                                        &mut index,
                                        org_id,
                                        &p.other_partners,
                                    )
                                    .await?;
                                    merged = merge_partnership(&stored.data, p, holder, &all);
                                }
                                update_partnership_in(
                                    &txn,
                                    ws,
                                    target.user,
                                    stored.id,
                                    stored.version,
                                    &merged,
                                )
                                .await?;
                                (RowOutcome::Updated, Some(e.id))
                            } else if org_outcome == RowOutcome::Updated {
                                (RowOutcome::Updated, Some(e.id))
                            } else {
                                (RowOutcome::Unchanged, Some(e.id))
                            }
                        }
                    }
                }
                ImportItem::Contact(c) => {
                    let existing: Option<Contact> = db::one(
                        &txn,
                        &format!(
                            "{CONTACT_SELECT} WHERE c.workspace_id = $1 AND c.organisation_id = $2 \
                             AND (c.name_folded = $3 OR ($4 <> '' AND LOWER(c.email) = $4)) ORDER BY c.id LIMIT 1"
                        ),
                        vec![
                            ws.0.into(),
                            org_id.0.into(),
                            fold(&c.name).into(),
                            c.email.clone().unwrap_or_default().to_lowercase().into(),
                        ],
                    )
                    .await?;
                    match existing {
                        None => {
                            let draft = ContactDraft {
                                organisation_id: Some(org_id),
                                name: c.name.trim().to_owned(),
                                job_title: c.job_title.clone().unwrap_or_default(),
                                email: c.email.clone().unwrap_or_default(),
                                phone: c.phone.clone().unwrap_or_default(),
                                notes: c.notes.clone().unwrap_or_default(),
                            };
                            let id = match insert_contact(&txn, ws.0, target.user, &draft).await {
                                Ok(id) => id,
                                Err(StoreError::Invalid { field, .. }) => {
                                    problems.push(ImportProblem {
                                        line: row.line,
                                        field,
                                        value: String::new(),
                                        message: "valeur refusée pour ce contact : vérifiez le nom et le courriel".into(),
                                    });
                                    continue;
                                }
                                Err(e) => return Err(e),
                            };
                            (RowOutcome::Created, Some(id.0))
                        }
                        Some(stored) => {
                            let (before, merged) = merge_contact(&stored, c, org_id);
                            if merged != before && opts.update {
                                update_contact_in(
                                    &txn,
                                    ws,
                                    target.user,
                                    ContactId(stored.id),
                                    stored.version,
                                    &merged,
                                )
                                .await?;
                                (RowOutcome::Updated, Some(stored.id))
                            } else if org_outcome == RowOutcome::Updated {
                                (RowOutcome::Updated, Some(stored.id))
                            } else {
                                (RowOutcome::Unchanged, Some(stored.id))
                            }
                        }
                    }
                }
            };
            let outcome = match (&row.item, org_outcome, outcome) {
                // A new organisation makes the row new, whatever else.
                (_, RowOutcome::Created, _) => RowOutcome::Created,
                (_, _, o) => o,
            };
            results.push(RowResult {
                line: row.line,
                outcome,
                organisation_id: org_id,
                organisation_matched_by: matched.map(|m| m.1),
                entity_id,
            });
        }
        created.flush(&txn).await?;
        problems.sort_by_key(|p| p.line);
        let refused = !problems.is_empty() || opts.rejected_before > 0;
        let write = !(opts.dry_run || (opts.all_or_nothing && refused));
        if write {
            txn.commit().await?;
        } else {
            txn.rollback().await?;
        }
        Ok(ImportOutcome {
            results,
            problems,
            written: write,
        })
    }
}

/// A file uploaded for an import, kept between the steps of the import pages.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Upload {
    pub id: String,
    pub kind: String,
    pub filename: String,
    pub content: Vec<u8>,
    pub mapping_json: Option<String>,
    pub corrections_json: Option<String>,
}

/// How long an uploaded file waits for its import.
const UPLOAD_HOURS: i64 = 24;

impl Store {
    /// Keeps an uploaded file for the person and workspace of `scope` (editors and owners
    /// only), and returns its random id. Expired uploads are removed on the way.
    pub async fn save_import_upload(
        &self,
        scope: &WorkspaceScope,
        kind: &str,
        filename: &str,
        content: &[u8],
    ) -> Result<String> {
        scope.require_write()?;
        let now = db::now();
        let id = uuid::Uuid::new_v4().simple().to_string();
        let txn = self.write().await?;
        db::exec(
            &txn,
            "DELETE FROM import_uploads WHERE expires_at < $1",
            vec![now.into()],
        )
        .await?;
        db::exec(
            &txn,
            "INSERT INTO import_uploads (id, user_id, workspace_id, kind, filename, content, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            vec![
                id.clone().into(),
                scope.user_id.0.into(),
                scope.workspace_id.0.into(),
                kind.into(),
                filename.into(),
                content.to_vec().into(),
                now.into(),
                (now + chrono::TimeDelta::hours(UPLOAD_HOURS)).into(),
            ],
        )
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// The upload `id` if it belongs to this person in this workspace and has not expired.
    pub async fn import_upload(&self, scope: &WorkspaceScope, id: &str) -> Result<Upload> {
        db::one(
            &self.db,
            "SELECT id, kind, filename, content, mapping_json, corrections_json FROM import_uploads \
             WHERE id = $1 AND user_id = $2 AND workspace_id = $3 AND expires_at > $4",
            vec![id.into(), scope.user_id.0.into(), scope.workspace_id.0.into(), db::now().into()],
        )
        .await?
        .ok_or(StoreError::not_found("import"))
    }

    /// Saves the column mapping and the corrected cells chosen so far.
    pub async fn set_import_choices(
        &self,
        scope: &WorkspaceScope,
        id: &str,
        mapping_json: Option<&str>,
        corrections_json: Option<&str>,
    ) -> Result<()> {
        scope.require_write()?;
        let n = db::exec(
            &self.db,
            "UPDATE import_uploads SET mapping_json = $1, corrections_json = $2 \
             WHERE id = $3 AND user_id = $4 AND workspace_id = $5 AND expires_at > $6",
            vec![
                mapping_json.into(),
                corrections_json.into(),
                id.into(),
                scope.user_id.0.into(),
                scope.workspace_id.0.into(),
                db::now().into(),
            ],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::not_found("import"));
        }
        Ok(())
    }

    /// Forgets an upload (after its import, or when the person cancels).
    pub async fn delete_import_upload(&self, scope: &WorkspaceScope, id: &str) -> Result<()> {
        db::exec(
            &self.db,
            "DELETE FROM import_uploads WHERE id = $1 AND user_id = $2 AND workspace_id = $3",
            vec![
                id.into(),
                scope.user_id.0.into(),
                scope.workspace_id.0.into(),
            ],
        )
        .await?;
        Ok(())
    }
}
