//! A mapped row → a checked record, or located problems. Everything that can be checked
//! without the database is checked here: identifiers, communes and postcodes against the
//! official geography, forms against the typology, dates and their order.

use chrono::NaiveDate;
use partinnov_domain::{
    identity::{Siren, Siret},
    kind::StructureKind,
    text::fold,
    typology::{Form, PartnershipStatus, Potential, Priority},
};
use serde::{Deserialize, Serialize};

use super::{
    Field, Kind, Row, Table,
    fields::Columns,
    values::{
        parse_date, parse_email, parse_forms, parse_kinds, parse_postcode, parse_potential,
        parse_priority, parse_siren, parse_siret, parse_status, parse_website, parse_yes_no,
    },
};
use crate::geo::{self, Commune};

/// Something wrong in one cell (or one row), with a French message saying how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub line: usize,
    pub column: String,
    pub value: String,
    pub message: String,
}

/// An organisation as a row describes it. `name` may be empty when the SIRET is given (an
/// organisation already in the registry needs no name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRecord {
    pub name: String,
    pub siret: Option<Siret>,
    pub siren: Option<Siren>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub commune: Option<&'static Commune>,
    pub website: Option<String>,
    pub kinds: Vec<StructureKind>,
    pub legal_form: Option<String>,
    pub naf: Option<String>,
    /// Social and solidarity economy; `None` when the file does not say.
    pub ess: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnershipRecord {
    pub org: OrgRecord,
    pub title: Option<String>,
    pub forms: Vec<Form>,
    pub status: Option<PartnershipStatus>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    /// A team member, by e-mail or name, resolved by the store.
    pub holder: Option<String>,
    pub priority: Option<Priority>,
    pub potential: Option<Potential>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    pub org: OrgRecord,
    pub name: String,
    pub job_title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Organisation(OrgRecord),
    Partnership(PartnershipRecord),
    Contact(ContactRecord),
}

impl Record {
    pub fn org(&self) -> &OrgRecord {
        match self {
            Record::Organisation(o) => o,
            Record::Partnership(p) => &p.org,
            Record::Contact(c) => &c.org,
        }
    }
}

/// A row that passed every check the file alone allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRow {
    pub line: usize,
    pub record: Record,
}

/// The file checked: good rows, and problems of the others (a row is in one or the other).
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub rows: Vec<CheckedRow>,
    pub problems: Vec<Problem>,
    /// Data rows in the file.
    pub total: usize,
}

impl Checked {
    /// Lines with at least one problem.
    pub fn rejected_lines(&self) -> std::collections::BTreeSet<usize> {
        self.problems.iter().map(|p| p.line).collect()
    }
}

/// Reads one row's cells by field, collecting problems.
struct Cells<'a> {
    table: &'a Table,
    columns: &'a Columns,
    row: &'a Row,
    problems: Vec<Problem>,
}

impl<'a> Cells<'a> {
    fn raw(&self, field: Field) -> Option<&'a str> {
        let i = self.columns.index_of(field)?;
        let v = self.table.cell(self.row, i).trim();
        (!v.is_empty()).then_some(v)
    }

    fn text(&self, field: Field) -> Option<String> {
        self.raw(field).map(str::to_owned)
    }

    fn column(&self, field: Field) -> String {
        self.columns
            .index_of(field)
            .and_then(|i| self.table.headers.get(i).cloned())
            .unwrap_or_else(|| field.label().to_owned())
    }

    fn problem(&mut self, field: Field, value: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            line: self.row.line,
            column: self.column(field),
            value: value.to_owned(),
            message: message.into(),
        });
    }

    fn parse<T>(&mut self, field: Field, f: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let raw = self.raw(field)?;
        match f(raw) {
            Ok(v) => Some(v),
            Err(message) => {
                self.problem(field, raw, message);
                None
            }
        }
    }
}

/// Checks every row of `table` for `columns.kind`.
pub fn check_rows(table: &Table, columns: &Columns) -> Checked {
    let mut out = Checked {
        total: table.rows.len(),
        ..Default::default()
    };
    for row in &table.rows {
        let mut cells = Cells {
            table,
            columns,
            row,
            problems: Vec::new(),
        };
        let record = check_row(&mut cells, columns.kind);
        // Unreadable cells (formulas, errors) found while reading the workbook.
        cells.problems.extend(
            table
                .cell_problems
                .iter()
                .filter(|p| p.line == row.line)
                .cloned(),
        );
        match record {
            Some(record) if cells.problems.is_empty() => out.rows.push(CheckedRow {
                line: row.line,
                record,
            }),
            _ => out.problems.extend(cells.problems),
        }
    }
    out
}

fn check_row(c: &mut Cells<'_>, kind: Kind) -> Option<Record> {
    let org = check_org(c);
    let record = match kind {
        Kind::Organisations => Record::Organisation(org?),
        Kind::Partnerships => {
            let forms = match c.raw(Field::Forms) {
                Some(raw) => match parse_forms(raw) {
                    Ok(f) => f,
                    Err(messages) => {
                        for m in messages {
                            c.problem(Field::Forms, raw, m);
                        }
                        Vec::new()
                    }
                },
                None => Vec::new(),
            };
            let started_on = c.parse(Field::StartedOn, parse_date);
            let ended_on = c.parse(Field::EndedOn, parse_date);
            if let (Some(s), Some(e)) = (started_on, ended_on)
                && e < s
            {
                let raw = c.raw(Field::EndedOn).unwrap_or_default();
                c.problem(
                    Field::EndedOn,
                    raw,
                    format!(
                        "la date de fin ({}) est avant la date de début ({}) : inversez-les ou corrigez l'une des deux",
                        e.format("%d/%m/%Y"),
                        s.format("%d/%m/%Y")
                    ),
                );
            }
            Record::Partnership(PartnershipRecord {
                title: c.text(Field::Title),
                forms,
                status: c.parse(Field::Status, parse_status),
                started_on,
                ended_on,
                holder: c.text(Field::Holder),
                priority: c.parse(Field::Priority, parse_priority),
                potential: c.parse(Field::Potential, parse_potential),
                notes: c.text(Field::Notes),
                org: org?,
            })
        }
        Kind::Contacts => {
            let first = c.text(Field::FirstName);
            let last = c.text(Field::Contact);
            let email = c.parse(Field::Email, parse_email);
            let name = match (first, last) {
                (Some(f), Some(l)) => format!("{f} {l}"),
                (Some(n), None) | (None, Some(n)) => n,
                (None, None) => email.clone().unwrap_or_default(),
            };
            if name.is_empty() {
                c.problem(
                    Field::Contact,
                    "",
                    "nom du contact manquant : indiquez son nom ou son courriel",
                );
            }
            Record::Contact(ContactRecord {
                name,
                job_title: c.text(Field::JobTitle),
                email,
                phone: c.text(Field::Phone),
                notes: c.text(Field::Notes),
                org: org?,
            })
        }
    };
    Some(record)
}

fn check_org(c: &mut Cells<'_>) -> Option<OrgRecord> {
    let name = c.text(Field::Name).unwrap_or_default();
    let siret = c.parse(Field::Siret, parse_siret);
    let siren = c.parse(Field::Siren, parse_siren);
    if let (Some(siret), Some(siren)) = (&siret, &siren)
        && siret.siren() != *siren
    {
        let raw = c.raw(Field::Siren).unwrap_or_default();
        c.problem(
            Field::Siren,
            raw,
            format!(
                "le SIREN ne correspond pas au SIRET {} (qui commence par {}) : corrigez l'un des deux",
                siret,
                siret.siren()
            ),
        );
    }
    if name.is_empty() && siret.is_none() && c.raw(Field::Siret).is_none() {
        c.problem(
            Field::Name,
            "",
            "nom de l'organisation manquant : indiquez sa raison sociale ou son SIRET",
        );
    }
    let postcode = c.parse(Field::Postcode, parse_postcode);
    let commune = resolve_commune(c, postcode.as_deref());
    let website = c.parse(Field::Website, parse_website);
    let kinds = c
        .parse(Field::StructureKind, parse_kinds)
        .unwrap_or_default();
    Some(OrgRecord {
        name,
        siret,
        siren,
        address: c.text(Field::Address),
        postcode,
        commune,
        website,
        kinds,
        legal_form: c.text(Field::LegalForm),
        naf: c.text(Field::Naf),
        ess: c.parse(Field::Ess, parse_yes_no),
    })
}

/// `"St-Priest Cedex"` → `"saint priest"`.
fn commune_key(name: &str) -> String {
    let f = fold(name);
    let f = match f.find(" cedex") {
        Some(i) => f[..i].to_owned(),
        None => f,
    };
    f.split(' ')
        .map(|w| match w {
            "st" => "saint",
            "ste" => "sainte",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn names_match(c: &Commune, wanted: &str) -> bool {
    let k = commune_key(c.name);
    // "Lyon" matches "Lyon 1er Arrondissement".
    k == wanted || (c.is_arrondissement() && k.starts_with(&format!("{wanted} ")))
}

fn communes_named(key: &str) -> Vec<&'static Commune> {
    let mut found: Vec<&'static Commune> = geo::communes()
        .iter()
        .filter(|c| !c.is_arrondissement() && commune_key(c.name) == key)
        .collect();
    found.sort_by_key(|c| c.code);
    found
}

fn resolve_commune(c: &mut Cells<'_>, postcode: Option<&str>) -> Option<&'static Commune> {
    if let Some(raw) = c.raw(Field::CommuneCode) {
        let Some(found) = geo::commune(raw) else {
            c.problem(
                Field::CommuneCode,
                raw,
                format!("code INSEE de commune inconnu « {raw} » : il a cinq caractères, par exemple 69123 pour Lyon (ce n'est pas le code postal)"),
            );
            return None;
        };
        return Some(found);
    }
    let name = c.raw(Field::Commune);
    let key = name.map(commune_key);
    match (postcode, key) {
        (Some(pc), key) => {
            let candidates = geo::communes_by_postcode(pc);
            let raw_pc = c.raw(Field::Postcode).unwrap_or_default();
            if candidates.is_empty() {
                // A CEDEX or company postcode: find the commune by name in the département.
                if let Some(key) = &key {
                    let dep = if pc.starts_with("97") {
                        &pc[..3]
                    } else {
                        &pc[..2]
                    };
                    let same_dep: Vec<_> = communes_named(key)
                        .into_iter()
                        .filter(|co| {
                            co.departement == dep
                                || (dep == "20" && co.departement.starts_with('2'))
                        })
                        .collect();
                    if same_dep.len() == 1 {
                        return Some(same_dep[0]);
                    }
                }
                c.problem(
                    Field::Postcode,
                    raw_pc,
                    format!("code postal inconnu « {pc} » : vérifiez-le (cinq chiffres, celui de la commune)"),
                );
                return None;
            }
            match key {
                Some(key) => {
                    let hits: Vec<_> = candidates
                        .iter()
                        .copied()
                        .filter(|co| names_match(co, &key))
                        .collect();
                    match hits.as_slice() {
                        [one] => Some(*one),
                        [first, ..] => Some(*first),
                        [] => {
                            let names: Vec<&str> =
                                candidates.iter().take(6).map(|co| co.name).collect();
                            c.problem(
                                Field::Commune,
                                name.unwrap_or_default(),
                                format!(
                                    "la commune « {} » n'a pas le code postal {pc} (ce code couvre : {}) : corrigez la commune ou le code postal",
                                    name.unwrap_or_default(),
                                    names.join(", ")
                                ),
                            );
                            None
                        }
                    }
                }
                None if candidates.len() == 1 => Some(candidates[0]),
                None => {
                    let names: Vec<&str> = candidates.iter().take(6).map(|co| co.name).collect();
                    c.problem(
                        Field::Postcode,
                        raw_pc,
                        format!(
                            "le code postal {pc} couvre plusieurs communes ({}) : indiquez la commune",
                            names.join(", ")
                        ),
                    );
                    None
                }
            }
        }
        (None, Some(key)) => {
            let raw = name.unwrap_or_default();
            let found = communes_named(&key);
            match found.as_slice() {
                [one] => Some(*one),
                [] => {
                    c.problem(
                        Field::Commune,
                        raw,
                        format!("commune inconnue « {raw} » : vérifiez l'orthographe ou ajoutez le code postal"),
                    );
                    None
                }
                several => {
                    let deps: Vec<&str> = several.iter().take(8).map(|co| co.departement).collect();
                    c.problem(
                        Field::Commune,
                        raw,
                        format!(
                            "plusieurs communes s'appellent « {raw} » (départements {}) : ajoutez le code postal",
                            deps.join(", ")
                        ),
                    );
                    None
                }
            }
        }
        (None, None) => None,
    }
}
