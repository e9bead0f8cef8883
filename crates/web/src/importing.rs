//! One import, from a file's bytes to its report, shared by the command line, the pages
//! and the API: read the table (`interop::import`), choose the columns, check the rows,
//! then match and write through the store in one transaction.
//!
//! Policy when rows are rejected: nothing is written unless the caller asks for the valid
//! rows (`skip_invalid`: `--skip-invalid` on the command line, "importer les lignes
//! valides" in the interface, `skip_invalid=true` in the API).

use partinnov_interop::{
    geo::Commune,
    import::{
        self, Field, Kind, Mapping, Problem, ReadError, Table,
        fields::{Columns, MappingError, resolve},
        records::{Checked, OrgRecord, Record},
    },
};
use partinnov_store::{
    Store, StoreError,
    imports::{
        ContactInput, ImportItem, ImportOptions, ImportOutcome, ImportRow, ImportTarget,
        InteractionInput, OutcomeInput, PartnershipInput, RowOutcome,
    },
    organisations::{OrganisationDraft, Territory},
    partnerships::FormPeriod,
};
use serde::{Deserialize, Serialize};

/// The report of `--report FILE` and of the API, exactly
/// `{"rows":N,"created":N,"updated":N,"unchanged":N,"rejected":[{line,column,value,message}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Report {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    #[schema(value_type = Vec<Object>)]
    pub rejected: Vec<Problem>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    pub dry_run: bool,
    pub update: bool,
    /// Write the valid rows even when others are rejected.
    pub skip_invalid: bool,
}

/// What happened.
#[derive(Debug, Clone)]
pub struct Run {
    pub report: Report,
    /// True when rows were written.
    pub written: bool,
    pub outcome: ImportOutcome,
}

/// Why an import could not even be checked.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Read(#[from] ReadError),
    #[error("{0}")]
    Mapping(#[from] MappingError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub fn territory(c: &Commune) -> Territory {
    Territory {
        commune_code: c.code.to_owned(),
        commune_name: c.name.to_owned(),
        epci_code: c.epci.map(str::to_owned),
        departement_code: c.departement.to_owned(),
        region_code: c.region.to_owned(),
    }
}

fn org_draft(o: &OrgRecord) -> OrganisationDraft {
    OrganisationDraft {
        name: o.name.trim().to_owned(),
        siret: o.siret.clone(),
        siren: o.siren.clone(),
        kinds: o.kinds.clone(),
        legal_form: o.legal_form.clone(),
        ess: o.ess.unwrap_or(false),
        naf: o.naf.clone(),
        address: o.address.clone(),
        postcode: o.postcode.clone(),
        territory: o.commune.map(territory),
        head_office: true,
        website: o.website.clone(),
        figures: vec![],
    }
}

/// The store's rows for the checked ones.
pub fn import_rows(checked: &Checked) -> Vec<ImportRow> {
    checked
        .rows
        .iter()
        .map(|r| ImportRow {
            line: r.line,
            org: org_draft(r.record.org()),
            item: match &r.record {
                Record::Organisation(_) => ImportItem::Organisation,
                Record::Partnership(p) => ImportItem::Partnership(PartnershipInput {
                    title: p.title.clone(),
                    other_partners: p.other_partners.iter().map(org_draft).collect(),
                    forms: p
                        .forms
                        .iter()
                        .map(|f| FormPeriod {
                            form: f.form,
                            started_on: f.started_on.or(p.started_on),
                            ended_on: f.ended_on.or(p.ended_on),
                            note: String::new(),
                        })
                        .collect(),
                    status: p.status,
                    holder: p.holder.clone(),
                    priority: p.priority,
                    potential: p.potential,
                    involvement: p.involvement,
                    means: p.means.clone(),
                    governance: p.governance.clone(),
                    notes: p.notes.clone(),
                }),
                Record::Contact(c) => ImportItem::Contact(ContactInput {
                    name: c.name.clone(),
                    job_title: c.job_title.clone(),
                    email: c.email.clone(),
                    phone: c.phone.clone(),
                    notes: c.notes.clone(),
                }),
                Record::Outcome(o) => ImportItem::Outcome(OutcomeInput {
                    partnership: o.partnership.clone(),
                    person_ref: o.person_ref.clone(),
                    kind: o.kind,
                    started_on: o.started_on,
                    ended_on: o.ended_on,
                    days: o.days,
                    hours: o.hours,
                    contract: o.contract,
                    duration_days: o.duration_days,
                    aided: o.aided,
                    working_time_pct: o.working_time_pct,
                    notes: o.notes.clone(),
                }),
                Record::Interaction(i) => ImportItem::Interaction(InteractionInput {
                    partnership: i.partnership.clone(),
                    kind: i.kind,
                    occurred_on: i.occurred_on,
                    participants: i.participants.clone(),
                    notes: i.notes.clone(),
                }),
            },
        })
        .collect()
}

/// Reads a file already in memory (format sniffed from the content).
pub fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    import::read(bytes)
}

/// The columns of `table` for `kind`, guessed from headers or given by `mapping`.
pub fn columns(
    table: &Table,
    kind: Kind,
    mapping: Option<&Mapping>,
) -> Result<Columns, MappingError> {
    resolve(&table.headers, kind, mapping)
}

/// Checks and (unless a dry run, or rows are rejected without `skip_invalid`) writes.
pub async fn run(
    store: &Store,
    target: &ImportTarget,
    table: &Table,
    columns: &Columns,
    opts: RunOptions,
) -> Result<Run, ImportError> {
    let checked = import::check_rows(table, columns);
    let rows = import_rows(&checked);
    let outcome = store
        .import(
            target,
            &rows,
            ImportOptions {
                dry_run: opts.dry_run,
                update: opts.update,
                all_or_nothing: !opts.skip_invalid,
                rejected_before: checked.problems.len(),
            },
        )
        .await?;
    let mut rejected = checked.problems.clone();
    for p in &outcome.problems {
        let column = Field::parse_code(p.field)
            .and_then(|f| columns.index_of(f))
            .and_then(|i| table.headers.get(i).cloned())
            .unwrap_or_else(|| {
                Field::parse_code(p.field)
                    .map(|f| f.label().to_owned())
                    .unwrap_or_else(|| p.field.to_owned())
            });
        rejected.push(Problem {
            line: p.line,
            column,
            value: p.value.clone(),
            message: p.message.clone(),
        });
    }
    rejected.sort_by_key(|p| p.line);
    let report = Report {
        rows: checked.total,
        created: outcome.count(RowOutcome::Created),
        updated: outcome.count(RowOutcome::Updated),
        unchanged: outcome.count(RowOutcome::Unchanged),
        rejected,
    };
    Ok(Run {
        written: outcome.written,
        report,
        outcome,
    })
}

impl Report {
    /// Lines with at least one problem.
    pub fn rejected_lines(&self) -> usize {
        let mut lines: Vec<usize> = self.rejected.iter().map(|p| p.line).collect();
        lines.dedup();
        lines.len()
    }

    /// A short French summary.
    pub fn summary(&self, written: bool, dry_run: bool) -> String {
        let (created, updated, tail) = if written {
            ("créées", "mises à jour", "import terminé")
        } else if dry_run {
            (
                "à créer",
                "à mettre à jour",
                "vérification seule, rien n'a été écrit",
            )
        } else {
            ("à créer", "à mettre à jour", "rien n'a été importé")
        };
        format!(
            "{} lignes : {} {created}, {} {updated}, {} inchangées, {} refusées ({tail})",
            self.rows,
            self.created,
            self.updated,
            self.unchanged,
            self.rejected_lines()
        )
    }
}
