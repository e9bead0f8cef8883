//! The shared registry of organisations: public identity facts, several kinds each, key
//! figures by year. Not workspace-scoped; any signed-in user reads it, and editors of at
//! least one workspace (or administrators) write it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use partinnov_domain::{
    identity::{Siren, Siret},
    kind::StructureKind,
    text::fold,
};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::{Deserialize, Serialize};

use crate::{
    Caller, OrganisationId, Store, StoreError,
    audit::{self, Action, AuditEvent, Record},
    db::{self, Filter, is_unique_violation},
    dialect,
    error::Result,
};

/// Where an organisation is, resolved from the official geographic code by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Territory {
    pub commune_code: String,
    pub commune_name: String,
    pub epci_code: Option<String>,
    pub departement_code: String,
    pub region_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromQueryResult)]
pub struct KeyFigures {
    pub year: i32,
    pub staff: Option<i32>,
    pub insertion_staff: Option<i32>,
    pub turnover_cents: Option<i64>,
}

/// What a person enters about an organisation; also the audit snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct OrganisationDraft {
    pub name: String,
    pub siret: Option<Siret>,
    /// Kept on its own when only the SIREN is known; derived from the SIRET otherwise.
    pub siren: Option<Siren>,
    pub kinds: Vec<StructureKind>,
    pub legal_form: Option<String>,
    pub ess: bool,
    pub naf: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub territory: Option<Territory>,
    pub head_office: bool,
    pub website: Option<String>,
    pub figures: Vec<KeyFigures>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Organisation {
    pub id: OrganisationId,
    pub version: i64,
    #[serde(flatten)]
    pub data: OrganisationDraft,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, FromQueryResult)]
pub(crate) struct Row {
    id: i64,
    version: i64,
    name: String,
    siren: Option<String>,
    siret: Option<String>,
    legal_form: Option<String>,
    ess: bool,
    naf: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
    commune_code: Option<String>,
    commune_name: Option<String>,
    epci_code: Option<String>,
    departement_code: Option<String>,
    region_code: Option<String>,
    head_office: bool,
    website: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

pub(crate) const COLUMNS: &str = "o.id, o.version, o.name, o.siren, o.siret, o.legal_form, o.ess, o.naf, o.address, o.postcode, \
     o.commune_code, o.commune_name, o.epci_code, o.departement_code, o.region_code, o.head_office, o.website, \
     o.created_at, o.updated_at";

#[derive(Debug, Clone, Default)]
pub struct OrganisationQuery {
    /// Accent- and case-insensitive, on name, commune, SIRET and SIREN.
    pub q: Option<String>,
    pub kind: Option<StructureKind>,
    pub departement: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

fn search_text(d: &OrganisationDraft) -> String {
    let mut s = fold(&d.name);
    if let Some(t) = &d.territory {
        s.push(' ');
        s.push_str(&fold(&t.commune_name));
    }
    if let Some(siret) = &d.siret {
        s.push(' ');
        s.push_str(siret.as_str());
    } else if let Some(siren) = &d.siren {
        s.push(' ');
        s.push_str(siren.as_str());
    }
    s
}

/// Database values of a draft, in the order of the INSERT and UPDATE column lists.
fn values(d: &OrganisationDraft) -> Vec<Value> {
    let siren = d
        .siret
        .as_ref()
        .map(|s| s.siren())
        .or_else(|| d.siren.clone());
    let t = d.territory.as_ref();
    vec![
        d.name.trim().into(),
        search_text(d).into(),
        siren.map(|s| s.as_str().to_owned()).into(),
        d.siret.as_ref().map(|s| s.as_str().to_owned()).into(),
        d.legal_form.clone().into(),
        d.ess.into(),
        d.naf.clone().into(),
        d.address.clone().into(),
        d.postcode.clone().into(),
        t.map(|t| t.commune_code.clone()).into(),
        t.map(|t| t.commune_name.clone()).into(),
        t.and_then(|t| t.epci_code.clone()).into(),
        t.map(|t| t.departement_code.clone()).into(),
        t.map(|t| t.region_code.clone()).into(),
        d.head_office.into(),
        d.website.clone().into(),
    ]
}

fn validate(d: &OrganisationDraft) -> Result<()> {
    if d.name.trim().is_empty() {
        return Err(StoreError::Invalid {
            field: "name",
            code: "required",
        });
    }
    let mut years: Vec<i32> = d.figures.iter().map(|f| f.year).collect();
    years.sort_unstable();
    if years.windows(2).any(|w| w[0] == w[1]) {
        return Err(StoreError::Invalid {
            field: "figures",
            code: "duplicate_year",
        });
    }
    Ok(())
}

async fn siret_owner(
    c: &impl ConnectionTrait,
    siret: &Siret,
    except: Option<i64>,
) -> Result<Option<i64>> {
    let id = db::scalar(
        c,
        "SELECT id FROM organisations WHERE siret = $1 AND ($2 IS NULL OR id <> $2)",
        vec![siret.as_str().into(), except.into()],
    )
    .await?;
    Ok((id != 0).then_some(id))
}

/// The columns `values` fills, then the two timestamps.
const INSERT_COLUMNS: &str = "name, name_folded, siren, siret, legal_form, ess, naf, address, postcode, commune_code, \
     commune_name, epci_code, departement_code, region_code, head_office, website, created_at, updated_at";
const KINDS_INTO: &str = "organisation_kinds (organisation_id, kind)";
const FIGURES_INTO: &str =
    "organisation_figures (organisation_id, year, staff, insertion_staff, turnover_cents)";

/// The rows of `organisation_kinds` (each kind once) and `organisation_figures` for
/// organisation `id`, appended to `kinds` and `figures`.
fn child_rows(
    id: i64,
    d: &OrganisationDraft,
    kinds: &mut Vec<Vec<Value>>,
    figures: &mut Vec<Vec<Value>>,
) {
    let mut ks = d.kinds.clone();
    ks.sort_by_key(|k| k.as_str());
    ks.dedup();
    kinds.extend(ks.into_iter().map(|k| vec![id.into(), k.as_str().into()]));
    figures.extend(d.figures.iter().map(|f| {
        vec![
            id.into(),
            f.year.into(),
            f.staff.into(),
            f.insertion_staff.into(),
            f.turnover_cents.into(),
        ]
    }));
}

/// Writes the kinds and figures of `d`, replacing those stored for `id`.
async fn write_children(c: &impl ConnectionTrait, id: i64, d: &OrganisationDraft) -> Result<()> {
    for table in ["organisation_kinds", "organisation_figures"] {
        db::exec(
            c,
            &format!("DELETE FROM {table} WHERE organisation_id = $1"),
            vec![id.into()],
        )
        .await?;
    }
    let (mut kinds, mut figures) = (Vec::new(), Vec::new());
    child_rows(id, d, &mut kinds, &mut figures);
    db::insert_rows(c, KINDS_INTO, kinds).await?;
    db::insert_rows(c, FIGURES_INTO, figures).await
}

pub(crate) async fn load_many(
    c: &impl ConnectionTrait,
    rows: Vec<Row>,
) -> Result<Vec<Organisation>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<Value> = rows.iter().map(|r| r.id.into()).collect();
    let marks = db::placeholders(1, ids.len());
    #[derive(FromQueryResult)]
    struct KindRow {
        organisation_id: i64,
        kind: String,
    }
    let kinds: Vec<KindRow> = db::all(
        c,
        &format!("SELECT organisation_id, kind FROM organisation_kinds WHERE organisation_id IN ({marks}) ORDER BY kind"),
        ids.clone(),
    )
    .await?;
    #[derive(FromQueryResult)]
    struct FigureRow {
        organisation_id: i64,
        year: i32,
        staff: Option<i32>,
        insertion_staff: Option<i32>,
        turnover_cents: Option<i64>,
    }
    let figures: Vec<FigureRow> = db::all(
        c,
        &format!(
            "SELECT organisation_id, year, staff, insertion_staff, turnover_cents FROM organisation_figures \
             WHERE organisation_id IN ({marks}) ORDER BY year"
        ),
        ids,
    )
    .await?;
    // Grouped once: a page of a thousand organisations must not scan every kind per row.
    let mut kinds_of: HashMap<i64, Vec<String>> = HashMap::new();
    for k in kinds {
        kinds_of.entry(k.organisation_id).or_default().push(k.kind);
    }
    let mut figures_of: HashMap<i64, Vec<KeyFigures>> = HashMap::new();
    for f in figures {
        figures_of
            .entry(f.organisation_id)
            .or_default()
            .push(KeyFigures {
                year: f.year,
                staff: f.staff,
                insertion_staff: f.insertion_staff,
                turnover_cents: f.turnover_cents,
            });
    }
    rows.into_iter()
        .map(|r| {
            let territory = match (r.commune_code, r.departement_code, r.region_code) {
                (Some(commune_code), Some(departement_code), Some(region_code)) => {
                    Some(Territory {
                        commune_code,
                        commune_name: r.commune_name.unwrap_or_default(),
                        epci_code: r.epci_code,
                        departement_code,
                        region_code,
                    })
                }
                _ => None,
            };
            let data = OrganisationDraft {
                name: r.name,
                siret: r
                    .siret
                    .as_deref()
                    .map(Siret::parse)
                    .transpose()
                    .map_err(|_| corrupt("siret"))?,
                siren: r
                    .siren
                    .as_deref()
                    .map(Siren::parse)
                    .transpose()
                    .map_err(|_| corrupt("siren"))?,
                kinds: kinds_of
                    .remove(&r.id)
                    .unwrap_or_default()
                    .iter()
                    .map(|k| k.parse().map_err(|_| corrupt("kind")))
                    .collect::<Result<_>>()?,
                legal_form: r.legal_form,
                ess: r.ess,
                naf: r.naf,
                address: r.address,
                postcode: r.postcode,
                territory,
                head_office: r.head_office,
                website: r.website,
                figures: figures_of.remove(&r.id).unwrap_or_default(),
            };
            Ok(Organisation {
                id: OrganisationId(r.id),
                version: r.version,
                data,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

/// A stored code that no longer parses: the database was changed outside the application.
pub(crate) fn corrupt(field: &'static str) -> StoreError {
    StoreError::Invalid {
        field,
        code: "corrupt_stored_value",
    }
}

impl Store {
    /// The registry is the teams' shared list: members of at least one workspace (any
    /// role) and administrators read it. Guests (an invited partner, an observer) and
    /// accounts without a workspace get "not found", as if it did not exist.
    pub async fn require_registry_reader(&self, caller: &Caller) -> Result<()> {
        if caller.is_admin && caller.only_workspace.is_none() {
            return Ok(());
        }
        let n = db::scalar(
            &self.db,
            "SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND ($2 IS NULL OR workspace_id = $2)",
            vec![caller.user_id.0.into(), caller.only_workspace.map(|w| w.0).into()],
        )
        .await?;
        if n > 0 {
            Ok(())
        } else {
            Err(StoreError::not_found("organisation"))
        }
    }

    /// Editors of at least one workspace, and administrators, may write the registry.
    pub async fn can_edit_registry(&self, caller: &Caller) -> Result<bool> {
        if caller.read_only {
            return Ok(false);
        }
        if caller.is_admin {
            return Ok(true);
        }
        let n = db::scalar(
            &self.db,
            "SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND role IN ('owner', 'editor') AND ($2 IS NULL OR workspace_id = $2)",
            vec![caller.user_id.0.into(), caller.only_workspace.map(|w| w.0).into()],
        )
        .await?;
        Ok(n > 0)
    }

    pub async fn create_organisation(
        &self,
        caller: &Caller,
        d: &OrganisationDraft,
    ) -> Result<OrganisationId> {
        self.require_registry_reader(caller).await?;
        if !self.can_edit_registry(caller).await? {
            return Err(StoreError::Forbidden);
        }
        let txn = self.write().await?;
        let id = insert_organisation(&txn, Some(caller), d).await?;
        txn.commit().await?;
        Ok(id)
    }

    pub async fn organisation(&self, id: OrganisationId) -> Result<Organisation> {
        let rows: Vec<Row> = db::all(
            &self.db,
            &format!("SELECT {COLUMNS} FROM organisations o WHERE o.id = $1"),
            vec![id.0.into()],
        )
        .await?;
        load_many(&self.db, rows)
            .await?
            .pop()
            .ok_or(StoreError::not_found("organisation"))
    }

    pub async fn organisation_by_siret(&self, siret: &Siret) -> Result<Option<Organisation>> {
        let rows: Vec<Row> = db::all(
            &self.db,
            &format!("SELECT {COLUMNS} FROM organisations o WHERE o.siret = $1"),
            vec![siret.as_str().into()],
        )
        .await?;
        Ok(load_many(&self.db, rows).await?.pop())
    }

    /// Updates an organisation if it is still at `version`; otherwise `Conflict`.
    pub async fn update_organisation(
        &self,
        caller: &Caller,
        id: OrganisationId,
        version: i64,
        d: &OrganisationDraft,
    ) -> Result<Organisation> {
        self.require_registry_reader(caller).await?;
        if !self.can_edit_registry(caller).await? {
            return Err(StoreError::Forbidden);
        }
        validate(d)?;
        let txn = self.write().await?;
        update_organisation_in(&txn, Some(caller.user_id), id, version, d).await?;
        txn.commit().await?;
        self.organisation(id).await
    }

    pub async fn organisations(&self, query: &OrganisationQuery) -> Result<Page<Organisation>> {
        let mut f = Filter::default();
        if let Some(q) = query.q.as_deref().map(fold).filter(|q| !q.is_empty()) {
            let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
            let backend = self.backend();
            f.push(
                &format!(
                    "({} > 0 OR {} = 1)",
                    dialect::position(backend, "o.name_folded", "?"),
                    dialect::position(backend, "o.siret", "?"),
                ),
                [q.into(), compact.into()],
            );
        }
        if let Some(kind) = query.kind {
            f.push("EXISTS (SELECT 1 FROM organisation_kinds k WHERE k.organisation_id = o.id AND k.kind = ?)", [kind.as_str().into()]);
        }
        if let Some(dep) = &query.departement {
            f.push("o.departement_code = ?", [dep.clone().into()]);
        }
        let where_sql = f.where_sql();
        let total = db::scalar(
            &self.db,
            &format!("SELECT COUNT(*) FROM organisations o{where_sql}"),
            f.values.clone(),
        )
        .await?;
        let paging = db::Paging::new(query.page, query.per_page);
        let rows: Vec<Row> = db::all(
            &self.db,
            &format!(
                "SELECT {COLUMNS} FROM organisations o{where_sql} ORDER BY o.name_folded, o.id {}",
                paging.sql()
            ),
            f.values,
        )
        .await?;
        Ok(Page {
            items: load_many(&self.db, rows).await?,
            total,
            page: paging.page,
            per_page: paging.per_page,
        })
    }

    pub async fn organisation_history(&self, id: OrganisationId) -> Result<Vec<AuditEvent>> {
        self.organisation(id).await?;
        audit::history(&self.db, "organisation", id.0).await
    }
}

/// An organisation read through `c`, so a transaction sees its own writes.
pub(crate) async fn organisation_in(
    c: &impl ConnectionTrait,
    id: OrganisationId,
) -> Result<Organisation> {
    let rows: Vec<Row> = db::all(
        c,
        &format!("SELECT {COLUMNS} FROM organisations o WHERE o.id = $1"),
        vec![id.0.into()],
    )
    .await?;
    load_many(c, rows)
        .await?
        .pop()
        .ok_or(StoreError::not_found("organisation"))
}

/// Inserts an organisation in an open transaction (also used by the demo and generator).
pub(crate) async fn insert_organisation(
    c: &impl ConnectionTrait,
    caller: Option<&Caller>,
    d: &OrganisationDraft,
) -> Result<OrganisationId> {
    validate(d)?;
    if let Some(siret) = &d.siret
        && let Some(existing) = siret_owner(c, siret, None).await?
    {
        return Err(StoreError::Duplicate {
            field: "siret",
            existing_id: Some(existing),
        });
    }
    let now = crate::db::now();
    let mut vals = values(d);
    vals.extend([now.into(), now.into()]);
    let id = match db::insert_id(
        c,
        &format!(
            "INSERT INTO organisations ({INSERT_COLUMNS}) VALUES ({}) RETURNING id",
            db::placeholders(1, vals.len())
        ),
        vals,
    )
    .await
    {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(StoreError::Duplicate {
                field: "siret",
                existing_id: None,
            });
        }
        Err(e) => return Err(e),
    };
    write_children(c, id, d).await?;
    audit::record(
        c,
        Record {
            workspace: None,
            user: caller.map(|c| c.user_id),
            entity: "organisation",
            entity_id: id,
            action: Action::Create,
            before: None,
            after: Some(d),
        },
    )
    .await?;
    Ok(OrganisationId(id))
}

/// Organisations created together by an import: each gets its id at once, and the rows,
/// kinds, figures and audit events that `insert_organisation` would write are written by
/// `flush` in a few multi-row statements. The caller flushes before anything that reads
/// or points at them, and before the transaction ends.
pub(crate) struct NewOrganisations {
    user: Option<crate::UserId>,
    ids: db::ReservedIds,
    pending: Vec<(i64, OrganisationDraft)>,
}

impl NewOrganisations {
    /// Drafts kept in memory between two writes (more than one multi-row statement holds).
    const BATCH: usize = 2000;

    pub(crate) fn new(user: Option<crate::UserId>) -> Self {
        Self {
            user,
            ids: db::ReservedIds::new("organisations"),
            pending: Vec::new(),
        }
    }

    /// Checks `d` as `insert_organisation` does and gives it its id. The registry's SIRETs
    /// are the caller's to check (an import matches them in memory); a SIRET stored
    /// meanwhile makes `flush` fail on the unique constraint, and the transaction with it.
    pub(crate) async fn add(
        &mut self,
        c: &impl ConnectionTrait,
        d: &OrganisationDraft,
    ) -> Result<OrganisationId> {
        validate(d)?;
        let id = self.ids.take(c).await?;
        self.pending.push((id, d.clone()));
        if self.pending.len() >= Self::BATCH {
            self.flush(c).await?;
        }
        Ok(OrganisationId(id))
    }

    pub(crate) async fn flush(&mut self, c: &impl ConnectionTrait) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let now = crate::db::now();
        let mut rows = Vec::with_capacity(pending.len());
        let mut kinds = Vec::new();
        let mut figures = Vec::new();
        for (id, d) in &pending {
            let mut row = vec![(*id).into()];
            row.extend(values(d));
            row.extend([now.into(), now.into()]);
            rows.push(row);
            child_rows(*id, d, &mut kinds, &mut figures);
        }
        let written =
            db::insert_rows(c, &format!("organisations (id, {INSERT_COLUMNS})"), rows).await;
        match written {
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Duplicate {
                    field: "siret",
                    existing_id: None,
                });
            }
            other => other?,
        }
        db::insert_rows(c, KINDS_INTO, kinds).await?;
        db::insert_rows(c, FIGURES_INTO, figures).await?;
        audit::record_many(
            c,
            pending.iter().map(|(id, d)| Record {
                workspace: None,
                user: self.user,
                entity: "organisation",
                entity_id: *id,
                action: Action::Create,
                before: None,
                after: Some(d),
            }),
        )
        .await
    }
}

/// Saves `d` over organisation `id` if it is still at `version`, in an open transaction,
/// with its audit event (also used by imports).
pub(crate) async fn update_organisation_in(
    c: &impl ConnectionTrait,
    user: Option<crate::UserId>,
    id: OrganisationId,
    version: i64,
    d: &OrganisationDraft,
) -> Result<()> {
    validate(d)?;
    let before = organisation_in(c, id).await?;
    if before.version != version {
        return Err(StoreError::Conflict {
            current: before.version,
        });
    }
    if let Some(siret) = &d.siret
        && let Some(existing) = siret_owner(c, siret, Some(id.0)).await?
    {
        return Err(StoreError::Duplicate {
            field: "siret",
            existing_id: Some(existing),
        });
    }
    let mut vals = values(d);
    vals.extend([crate::db::now().into(), id.0.into(), version.into()]);
    let n = db::exec(
        c,
        "UPDATE organisations SET name = $1, name_folded = $2, siren = $3, siret = $4, legal_form = $5, ess = $6, naf = $7, \
         address = $8, postcode = $9, commune_code = $10, commune_name = $11, epci_code = $12, departement_code = $13, \
         region_code = $14, head_office = $15, website = $16, updated_at = $17, version = version + 1 \
         WHERE id = $18 AND version = $19",
        vals,
    )
    .await?;
    if n == 0 {
        // Changed by a concurrent writer after our read: report its version now.
        return Err(StoreError::Conflict {
            current: db::scalar(
                c,
                "SELECT version FROM organisations WHERE id = $1",
                vec![id.0.into()],
            )
            .await?,
        });
    }
    write_children(c, id.0, d).await?;
    audit::record(
        c,
        Record {
            workspace: None,
            user,
            entity: "organisation",
            entity_id: id.0,
            action: Action::Update,
            before: Some(&before.data),
            after: Some(d),
        },
    )
    .await?;
    Ok(())
}
