//! A mapped row → a checked record, or located problems. Everything that can be checked
//! without the database is checked here: identifiers, communes and postcodes against the
//! official geography, forms against the typology, dates and their order.

use std::{collections::HashMap, sync::OnceLock};

use chrono::NaiveDate;
use partinnov_domain::{
    event::{OutcomeKind, PersonRef},
    identity::{Siren, Siret},
    kind::StructureKind,
    outcome::{ClassificationRules, Exit, ExitKind, OutcomeError, classify},
    text::fold,
    typology::{InteractionKind, Involvement, PartnershipStatus, Potential, Priority},
};
use serde::{Deserialize, Serialize};

use super::{
    Field, Kind, Row, Table,
    fields::Columns,
    values::{
        DatedForm, parse_count, parse_date, parse_duration_days, parse_email, parse_exit_kind,
        parse_forms, parse_interaction_kind, parse_involvement, parse_kinds, parse_outcome_kind,
        parse_person_ref, parse_postcode, parse_potential, parse_priority, parse_siren,
        parse_siret, parse_status, parse_website, parse_working_time, parse_yes_no,
    },
};
use crate::{
    datainclusion,
    geo::{self, Commune},
};

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
    /// The first partner; the others of a row listing several (« A ; B »), in order.
    pub org: OrgRecord,
    pub other_partners: Vec<OrgRecord>,
    pub title: Option<String>,
    /// Each with its own period when the cell gives one; otherwise the row's dates apply.
    pub forms: Vec<DatedForm>,
    pub status: Option<PartnershipStatus>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    /// A team member, by e-mail or name, resolved by the store.
    pub holder: Option<String>,
    pub priority: Option<Priority>,
    pub potential: Option<Potential>,
    pub involvement: Option<Involvement>,
    pub means: Option<String>,
    pub governance: Option<String>,
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

/// What a partnership produced for one person. `org` (and `partnership`, when the
/// workspace has several partnerships with it) designates the partnership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeRecord {
    pub org: OrgRecord,
    /// The partnership's title, to choose among several with the same organisation.
    pub partnership: Option<String>,
    pub person_ref: PersonRef,
    pub kind: OutcomeKind,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub days: Option<i32>,
    pub hours: Option<i32>,
    pub contract: Option<ExitKind>,
    /// Given with its unit, or counted from the dates of a hire.
    pub duration_days: Option<i32>,
    /// `None` when the file does not say (a stored value is then kept).
    pub aided: Option<bool>,
    pub working_time_pct: Option<i32>,
    pub notes: Option<String>,
}

/// A meeting, call, visit… on a partnership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractionRecord {
    pub org: OrgRecord,
    pub partnership: Option<String>,
    pub kind: InteractionKind,
    pub occurred_on: NaiveDate,
    pub participants: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Organisation(OrgRecord),
    Partnership(PartnershipRecord),
    Contact(ContactRecord),
    Outcome(OutcomeRecord),
    Interaction(InteractionRecord),
}

impl Record {
    pub fn org(&self) -> &OrgRecord {
        match self {
            Record::Organisation(o) => o,
            Record::Partnership(p) => &p.org,
            Record::Contact(c) => &c.org,
            Record::Outcome(o) => &o.org,
            Record::Interaction(i) => &i.org,
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
    /// The table is in the data·inclusion schema: its typology codes and rules apply.
    data_inclusion: bool,
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
    let data_inclusion = datainclusion::is_schema_table(&table.headers);
    for row in &table.rows {
        let mut cells = Cells {
            table,
            columns,
            row,
            problems: Vec::new(),
            data_inclusion,
        };
        let record = check_row(&mut cells, columns.kind);
        if data_inclusion {
            schema_rules(&mut cells);
        }
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

/// The data·inclusion schema's own rules (a name of 3 to 150 characters without a final
/// full stop, an identifier…), on top of ours. A cell already refused is not refused twice.
fn schema_rules(c: &mut Cells<'_>) {
    let structure = datainclusion::structure_of(&c.table.headers, &c.row.cells);
    for v in datainclusion::validate(&structure) {
        if c.problems.iter().any(|p| p.column == v.field) {
            continue;
        }
        let value = datainclusion::field(&c.table.headers, &c.row.cells, v.field).to_owned();
        let fix = match v.field {
            "id" => " : donnez à chaque structure l'identifiant qu'elle a dans votre outil",
            "nom" => " : corrigez le nom",
            _ => " : corrigez la valeur ou videz la case",
        };
        c.problems.push(Problem {
            line: c.row.line,
            column: v.field.to_owned(),
            value,
            message: format!("{} (règle du schéma data·inclusion){fix}", v.message),
        });
    }
}

/// The partner fields a partnership row may list several partners in, one per `;`, in
/// the same order (as our export writes them). Other fields (kinds, address…) describe
/// the first partner.
const PARTNER_LISTS: [Field; 6] = [
    Field::Name,
    Field::Siret,
    Field::Siren,
    Field::Commune,
    Field::CommuneCode,
    Field::Postcode,
];

/// The partners of a partnership row: one, or several when its name cell lists them
/// (« Envie Anjou ; Mairie d'Angers »), each checked as an organisation of its own.
fn check_partners(c: &mut Cells<'_>) -> Option<(OrgRecord, Vec<OrgRecord>)> {
    let split =
        |raw: &str| -> Vec<String> { raw.split(';').map(|p| p.trim().to_owned()).collect() };
    let names = c.raw(Field::Name).map(split).unwrap_or_default();
    if names.len() < 2 {
        return check_org(c).map(|o| (o, Vec::new()));
    }
    let n = names.len();
    let name_column = c.column(Field::Name);
    let mut lists = Vec::new();
    for field in PARTNER_LISTS {
        let (Some(i), Some(raw)) = (c.columns.index_of(field), c.raw(field)) else {
            continue;
        };
        let parts = split(raw);
        if parts.len() != n {
            c.problem(
                field,
                raw,
                format!(
                    "{n} partenaires dans « {name_column} » mais {} valeur(s) ici : une valeur par partenaire, dans le même ordre, séparées par « ; » (rien entre deux « ; » pour une valeur inconnue)",
                    parts.len()
                ),
            );
            return None;
        }
        lists.push((i, parts));
    }
    let mut partners = Vec::with_capacity(n);
    for k in 0..n {
        let mut row = c.row.clone();
        for (i, parts) in &lists {
            row.cells[*i] = parts[k].clone();
        }
        let mut one = Cells {
            table: c.table,
            columns: c.columns,
            row: &row,
            problems: Vec::new(),
            data_inclusion: c.data_inclusion,
        };
        partners.push(check_org(&mut one));
        c.problems.append(&mut one.problems);
    }
    let mut partners = partners
        .into_iter()
        .collect::<Option<Vec<_>>>()?
        .into_iter();
    let first = partners.next()?;
    Some((first, partners.collect()))
}

fn check_row(c: &mut Cells<'_>, kind: Kind) -> Option<Record> {
    let (org, other_partners) = match kind {
        Kind::Partnerships => match check_partners(c) {
            Some((first, others)) => (Some(first), others),
            None => (None, Vec::new()),
        },
        _ => (check_org(c), Vec::new()),
    };
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
                involvement: c.parse(Field::Involvement, parse_involvement),
                means: c.text(Field::Means),
                governance: c.text(Field::Governance),
                notes: c.text(Field::Notes),
                org: org?,
                other_partners,
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
        Kind::Outcomes => return check_outcome(c, org),
        Kind::Interactions => {
            let kind = required(
                c,
                Field::InteractionKind,
                parse_interaction_kind,
                "type d'échange manquant : écrivez réunion, visite, appel, courriel…",
            );
            let occurred_on = required(
                c,
                Field::OccurredOn,
                parse_date,
                "date de l'échange manquante : écrivez-la jj/mm/aaaa",
            );
            Record::Interaction(InteractionRecord {
                partnership: c.text(Field::Title),
                kind: kind?,
                occurred_on: occurred_on?,
                participants: c.text(Field::Participants),
                notes: c.text(Field::Notes),
                org: org?,
            })
        }
    };
    Some(record)
}

/// A value the row must give: parsed, or a problem saying it is missing.
fn required<T>(
    c: &mut Cells<'_>,
    field: Field,
    parse: impl Fn(&str) -> Result<T, String>,
    missing: &str,
) -> Option<T> {
    if c.raw(field).is_none() {
        c.problem(field, "", missing);
        return None;
    }
    c.parse(field, parse)
}

/// The checks of the outcome form, plus the classification of a hire: a CDD without a
/// length cannot be classified, so it is refused here with its line rather than later.
fn check_outcome(c: &mut Cells<'_>, org: Option<OrgRecord>) -> Option<Record> {
    let person_ref = required(
        c,
        Field::PersonRef,
        parse_person_ref,
        "référence de la personne manquante : un pseudonyme (par exemple P-0042), jamais son nom",
    );
    let kind = required(
        c,
        Field::OutcomeKind,
        parse_outcome_kind,
        "type manquant : écrivez mise en relation, immersion (PMSMP), mise à disposition, formation, embauche…",
    );
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
    let days = c.parse(Field::Days, parse_count);
    let hours = c.parse(Field::Hours, parse_count);
    let contract = c.parse(Field::Contract, parse_exit_kind);
    let given_duration = c.parse(Field::ContractDuration, parse_duration_days);
    let aided = c.parse(Field::Aided, parse_yes_no);
    let working_time_pct = c.parse(Field::WorkingTime, parse_working_time);
    let mut duration_days = given_duration;
    // A file without the column says nothing about it: the store keeps what it has, or
    // refuses a new hire that cannot be classified. An empty cell in the column is a gap.
    let has = |f: Field| c.columns.index_of(f).is_some();
    let (contract_column, duration_column) = (has(Field::Contract), has(Field::ContractDuration));
    match (kind, contract) {
        (Some(OutcomeKind::Embauche), None)
            if contract_column && c.raw(Field::Contract).is_none() =>
        {
            c.problem(
                Field::Contract,
                "",
                "contrat manquant : pour une embauche, indiquez le contrat (CDI, CDD, intérim, contrat aidé…)",
            );
        }
        (Some(OutcomeKind::Embauche), Some(contract)) => {
            if duration_days.is_none()
                && c.raw(Field::ContractDuration).is_none()
                && let (Some(s), Some(e)) = (started_on, ended_on)
                && e >= s
            {
                // Both ends of the contract are known: its length is theirs, ends included.
                duration_days = i32::try_from((e - s).num_days() + 1).ok();
            }
            let exit = Exit {
                kind: contract,
                duration_days: duration_days.and_then(|d| u32::try_from(d).ok()),
                aided: aided.unwrap_or(false),
            };
            if let Err(OutcomeError::MissingDuration { .. }) =
                classify(&exit, &ClassificationRules::default())
                && duration_column
                && c.raw(Field::ContractDuration).is_none()
            {
                c.problem(
                    Field::ContractDuration,
                    "",
                    format!(
                        "durée du contrat manquante : un {} se classe selon sa durée (six mois ou plus : emploi durable) ; indiquez-la (« 6 mois ») ou donnez les dates de début et de fin",
                        contract.label(partinnov_domain::lang::Lang::Fr)
                    ),
                );
            }
        }
        (Some(k), Some(_)) => {
            let raw = c.raw(Field::Contract).unwrap_or_default();
            c.problem(
                Field::Contract,
                raw,
                format!(
                    "un contrat ne se donne que pour une embauche, pas pour « {} » : videz la case ou changez le type en embauche",
                    k.label(partinnov_domain::lang::Lang::Fr)
                ),
            );
        }
        _ => {}
    }
    Some(Record::Outcome(OutcomeRecord {
        partnership: c.text(Field::Title),
        person_ref: person_ref?,
        kind: kind?,
        started_on,
        ended_on,
        days,
        hours,
        contract,
        duration_days,
        aided,
        working_time_pct,
        notes: c.text(Field::Notes),
        org: org?,
    }))
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
    // The referential's codes (ACI, MUNI, ETABL_PRI…): a code we have no kind for is
    // "autre", and "ESS" says the structure belongs to the social economy.
    let (kinds, ess_code) = if c.data_inclusion {
        let (kind, ess) = c
            .raw(Field::StructureKind)
            .map(datainclusion::kind_of)
            .unwrap_or((None, false));
        (kind.into_iter().collect(), ess)
    } else {
        let kinds = c.parse(Field::StructureKind, parse_kinds);
        (kinds.unwrap_or_default(), false)
    };
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
        ess: c
            .parse(Field::Ess, parse_yes_no)
            .or(ess_code.then_some(true)),
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

/// The communes (not arrondissements) whose name has this key, by code. The keys of the
/// 35,000 communes are computed once: a file of unknown postcodes looks names up per row.
fn communes_named(key: &str) -> Vec<&'static Commune> {
    static BY_KEY: OnceLock<HashMap<String, Vec<&'static Commune>>> = OnceLock::new();
    let index = BY_KEY.get_or_init(|| {
        let mut index: HashMap<String, Vec<&'static Commune>> = HashMap::new();
        for c in geo::communes().iter().filter(|c| !c.is_arrondissement()) {
            index.entry(commune_key(c.name)).or_default().push(c);
        }
        for found in index.values_mut() {
            found.sort_by_key(|c| c.code);
        }
        index
    });
    index.get(key).cloned().unwrap_or_default()
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
