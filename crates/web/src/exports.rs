//! Downloads of what a person may see: the filtered partnership list, the registry, the
//! workspace's contacts and the dashboard's figures, as CSV, "Excel français" CSV, XLSX or
//! JSON; the registry also in the national data·inclusion schema.
//!
//! The tables are built here once and served by the pages, the API and `partinnov export`
//! alike. Every read goes through the store's scoped queries, so an export never holds a
//! row its reader could not open in the list.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use chrono::NaiveDate;
use partinnov_domain::{event::OutcomeKind, flow::FlowKind, outcome::ExitCategory};
use partinnov_interop::{
    datainclusion::{self, Structure},
    export::{self, Cell, Format, Sheet},
};
use partinnov_store::{
    Role, Store, WorkspaceScope,
    flows::Dashboard,
    organisations::{Organisation, OrganisationQuery, Page},
    partnerships::{FormPeriod, Partnership, PartnershipQuery},
    people::Contact,
};

use crate::{
    api::{Params, organisations_query, partnerships_query, period},
    error::{FieldError, WebError},
    i18n::Tr,
};

/// What a download asks for: one of the table formats, or the registry in the
/// data·inclusion schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Table(Format),
    DataInclusionJson,
    DataInclusionCsv,
}

impl Target {
    /// `csv`, `csv-excel`, `xlsx`, `json`; with `allow_di`, also `datainclusion-json` and
    /// `datainclusion-csv`. Missing means plain CSV.
    pub fn parse(value: Option<&str>, allow_di: bool) -> Option<Target> {
        match value.unwrap_or("csv") {
            "datainclusion-json" if allow_di => Some(Target::DataInclusionJson),
            "datainclusion-csv" if allow_di => Some(Target::DataInclusionCsv),
            other => Format::parse(other).map(Target::Table),
        }
    }

    pub fn from_params(params: &Params, tr: &Tr, allow_di: bool) -> Result<Target, WebError> {
        Target::parse(params.get("format"), allow_di).ok_or_else(|| unknown_format(tr))
    }
}

/// The table format of `?format=` (lists other than the registry).
pub fn table_format(params: &Params, tr: &Tr) -> Result<Format, WebError> {
    match Target::parse(params.get("format"), false) {
        Some(Target::Table(f)) => Ok(f),
        _ => Err(unknown_format(tr)),
    }
}

fn unknown_format(tr: &Tr) -> WebError {
    WebError::Invalid(vec![FieldError::new(tr, "format", "unknown_format")])
}

/// A file ready to be served or written: its bytes, type and suggested name.
pub struct File {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub name: String,
}

impl IntoResponse for File {
    fn into_response(self) -> Response {
        (attachment(self.content_type, &self.name), self.bytes).into_response()
    }
}

/// The headers of a download: its type, its suggested name, and never cached (it holds a
/// workspace's data).
pub fn attachment(content_type: &str, name: &str) -> [(header::HeaderName, String); 3] {
    [
        (header::CONTENT_TYPE, content_type.to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ),
        (header::CACHE_CONTROL, "no-store".to_owned()),
    ]
}

fn internal(e: impl std::error::Error + Send + Sync + 'static) -> WebError {
    WebError::Internal(Box::new(e))
}

/// `sheets` written in `format`: one table, or a workbook when there are several.
pub fn sheets_file(sheets: &[Sheet], format: Format, stem: &str) -> Result<File, WebError> {
    let bytes = match sheets {
        [one] => export::write(one, format),
        many => export::write_book(many, format),
    }
    .map_err(internal)?;
    Ok(File {
        bytes,
        content_type: format.content_type(),
        name: format!("{stem}.{}", format.extension()),
    })
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Rows fetched per query while gathering a whole list (the store's largest page).
const PER_PAGE: u32 = 500;

/// Every page of a paged list, in order: a download holds all the rows, the list shows 50.
async fn every_page<T, Fut>(mut fetch: impl FnMut(u32) -> Fut) -> Result<Vec<T>, WebError>
where
    Fut: std::future::Future<Output = partinnov_store::Result<Page<T>>>,
{
    let mut out = Vec::new();
    for page in 1.. {
        let found = fetch(page).await?;
        let done = found.items.len() < PER_PAGE as usize
            || out.len() + found.items.len() >= usize::try_from(found.total).unwrap_or(0);
        out.extend(found.items);
        if done {
            break;
        }
    }
    Ok(out)
}

/// Every partnership of a query, all pages.
pub async fn all_partnerships(
    store: &Store,
    scope: &WorkspaceScope,
    query: &PartnershipQuery,
) -> Result<Vec<Partnership>, WebError> {
    every_page(|page| {
        let q = PartnershipQuery {
            page,
            per_page: PER_PAGE,
            ..query.clone()
        };
        async move { store.partnerships(scope, &q).await }
    })
    .await
}

/// Every organisation of a registry query, all pages.
pub async fn all_organisations(
    store: &Store,
    query: &OrganisationQuery,
) -> Result<Vec<Organisation>, WebError> {
    every_page(|page| {
        let q = OrganisationQuery {
            page,
            per_page: PER_PAGE,
            ..query.clone()
        };
        async move { store.organisations(&q).await }
    })
    .await
}

/// The registry as asked by `params`: `format` (table formats and the data·inclusion
/// ones) and the list's filters. The caller's right to read the registry is checked
/// before (the command line has no caller).
pub async fn organisations_export(
    store: &Store,
    params: &Params,
    tr: &Tr,
) -> Result<File, WebError> {
    let target = Target::from_params(params, tr, true)?;
    let query = organisations_query(params, tr).map_err(WebError::Invalid)?;
    organisations_file(tr, &all_organisations(store, &query).await?, target)
}

/// A workspace's partnerships as asked by `params`: `format` and the list's filters;
/// `deleted=1` gives the owners their bin, as the list does.
pub async fn partnerships_export(
    store: &Store,
    scope: &WorkspaceScope,
    params: &Params,
    tr: &Tr,
) -> Result<File, WebError> {
    let format = table_format(params, tr)?;
    let mut query = partnerships_query(params, tr).map_err(WebError::Invalid)?;
    query.deleted = params.get("deleted") == Some("1") && scope.role == Role::Owner;
    let items = all_partnerships(store, scope, &query).await?;
    sheets_file(
        &[partnerships_sheet(tr, &items)],
        format,
        &format!("partenariats-{}", scope.slug),
    )
}

/// Every contact of a workspace (`q` searches their names), as asked by `params`.
pub async fn contacts_export(
    store: &Store,
    scope: &WorkspaceScope,
    params: &Params,
    tr: &Tr,
) -> Result<File, WebError> {
    let format = table_format(params, tr)?;
    let items = store
        .contacts_up_to(scope, None, params.get("q"), i64::MAX)
        .await?;
    sheets_file(
        &[contacts_sheet(tr, &items)],
        format,
        &format!("contacts-{}", scope.slug),
    )
}

/// The dashboard's figures for the period of `params` (`from`, `to`).
pub async fn dashboard_export(
    store: &Store,
    scope: &WorkspaceScope,
    params: &Params,
    tr: &Tr,
) -> Result<File, WebError> {
    let format = table_format(params, tr)?;
    let (from, to) = period(params, tr).map_err(WebError::Invalid)?;
    let d = store.dashboard(scope, from, to).await?;
    sheets_file(
        &dashboard_sheets(tr, &d),
        format,
        &format!("tableau-de-bord-{}-{from}-{to}", scope.slug),
    )
}

/// A column whose header comes from the catalogue (`export.col.KEY`).
fn col(sheet: Sheet, tr: &Tr, key: &str) -> Sheet {
    sheet.column(key, tr.t(&format!("export.col.{key}")))
}

fn cols(tr: &Tr, name: &str, keys: &[&str]) -> Sheet {
    keys.iter()
        .fold(Sheet::new(tr.t(name)), |s, k| col(s, tr, k))
}

/// A dated form as people write it and as the importer reads it back:
/// "Mécénat de compétences (du 01/03/2021 au 31/12/2022)".
pub fn form_text(tr: &Tr, f: &FormPeriod) -> String {
    let label = f.form.label(tr.lang);
    let d = |d: &NaiveDate| tr.date(d);
    match (&f.started_on, &f.ended_on) {
        (None, None) => label.to_owned(),
        (Some(s), None) => tr.f("export.form_from", &[("form", label), ("from", &d(s))]),
        (None, Some(e)) => tr.f("export.form_until", &[("form", label), ("to", &d(e))]),
        (Some(s), Some(e)) => tr.f(
            "export.form_between",
            &[("form", label), ("from", &d(s)), ("to", &d(e))],
        ),
    }
}

/// One value per partner, in the partners' order, so that an import reads each back
/// against its partner (« ; 41234567800012 » when only the second has a SIRET); empty when
/// no partner has one.
fn positional(values: impl Iterator<Item = Option<String>>) -> String {
    let values: Vec<String> = values.map(Option::unwrap_or_default).collect();
    if values.iter().all(String::is_empty) {
        String::new()
    } else {
        values.join("; ")
    }
}

pub fn partnerships_sheet(tr: &Tr, items: &[Partnership]) -> Sheet {
    let mut sheet = cols(
        tr,
        "export.sheet.partnerships",
        &[
            "id",
            "title",
            "partners",
            "partner_sirets",
            "partner_communes",
            "status",
            "families",
            "forms",
            "involvement",
            "priority",
            "potential",
            "holders",
            "last_interaction_on",
            "dormant",
            "means",
            "governance",
            "notes",
            "updated_on",
        ],
    );
    let day = today();
    let join = |v: Vec<String>| v.join("; ");
    for p in items {
        let d = &p.data;
        sheet.push(vec![
            p.id.0.into(),
            d.title.as_str().into(),
            join(p.partner_refs.iter().map(|r| r.name.clone()).collect()).into(),
            positional(p.partner_refs.iter().map(|r| r.siret.clone())).into(),
            positional(p.partner_refs.iter().map(|r| r.commune_name.clone())).into(),
            d.status.label(tr.lang).into(),
            join(
                p.current_families(day)
                    .iter()
                    .map(|f| f.label(tr.lang).to_owned())
                    .collect(),
            )
            .into(),
            join(d.forms.iter().map(|f| form_text(tr, f)).collect()).into(),
            d.involvement.map(|i| i64::from(i.get())).into(),
            d.priority.map(|x| x.label(tr.lang)).into(),
            d.potential.map(|x| x.label(tr.lang)).into(),
            join(p.holder_refs.iter().map(|h| h.name.clone()).collect()).into(),
            p.last_interaction_on.into(),
            p.dormant.into(),
            d.means.as_str().into(),
            d.governance.as_str().into(),
            d.notes.as_str().into(),
            p.updated_at.date_naive().into(),
        ]);
    }
    sheet
}

pub fn organisations_sheet(tr: &Tr, items: &[Organisation]) -> Sheet {
    let mut sheet = cols(
        tr,
        "export.sheet.organisations",
        &[
            "id",
            "name",
            "siret",
            "siren",
            "kinds",
            "legal_form",
            "ess",
            "naf",
            "address",
            "postcode",
            "commune",
            "commune_code",
            "departement",
            "region",
            "head_office",
            "website",
        ],
    );
    for o in items {
        let d = &o.data;
        let t = d.territory.as_ref();
        sheet.push(vec![
            o.id.0.into(),
            d.name.as_str().into(),
            d.siret.as_ref().map(|s| s.as_str()).into(),
            d.siren
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .or_else(|| d.siret.as_ref().map(|s| s.as_str()[..9].to_owned()))
                .into(),
            d.kinds
                .iter()
                .map(|k| k.label(tr.lang))
                .collect::<Vec<_>>()
                .join("; ")
                .into(),
            d.legal_form.clone().into(),
            d.ess.into(),
            d.naf.clone().into(),
            d.address.clone().into(),
            d.postcode.clone().into(),
            t.map(|t| t.commune_name.as_str()).into(),
            t.map(|t| t.commune_code.as_str()).into(),
            t.map(|t| t.departement_code.as_str()).into(),
            t.map(|t| t.region_code.as_str()).into(),
            d.head_office.into(),
            d.website.clone().into(),
        ]);
    }
    sheet
}

/// The registry's organisations as data·inclusion structures, made to pass the schema.
pub fn data_inclusion(items: &[Organisation]) -> Vec<Structure> {
    items
        .iter()
        .map(|o| {
            let d = &o.data;
            let t = d.territory.as_ref();
            datainclusion::conform(Structure {
                id: o.id.0.to_string(),
                source: Some("partinnov".into()),
                nom: d.name.clone(),
                siret: d.siret.as_ref().map(|s| s.as_str().to_owned()),
                commune: t.map(|t| t.commune_name.clone()),
                code_postal: d.postcode.clone(),
                code_insee: t.map(|t| t.commune_code.clone()),
                adresse: d.address.clone(),
                site_web: d.website.clone(),
                typologie: datainclusion::typologie_of(&d.kinds)
                    .or(d.ess.then_some("ESS"))
                    .map(str::to_owned),
                date_maj: Some(o.updated_at.date_naive().to_string()),
                ..Default::default()
            })
        })
        .collect()
}

/// The registry file in the format asked for.
pub fn organisations_file(
    tr: &Tr,
    items: &[Organisation],
    target: Target,
) -> Result<File, WebError> {
    match target {
        Target::Table(format) => {
            sheets_file(&[organisations_sheet(tr, items)], format, "organisations")
        }
        Target::DataInclusionJson => Ok(File {
            bytes: serde_json::to_vec_pretty(&data_inclusion(items)).map_err(internal)?,
            content_type: "application/json",
            name: "structures-datainclusion.json".into(),
        }),
        Target::DataInclusionCsv => Ok(File {
            bytes: export::write(&datainclusion::sheet(&data_inclusion(items)), Format::Csv)
                .map_err(internal)?,
            content_type: Format::Csv.content_type(),
            name: "structures-datainclusion.csv".into(),
        }),
    }
}

pub fn contacts_sheet(tr: &Tr, items: &[Contact]) -> Sheet {
    let mut sheet = cols(
        tr,
        "export.sheet.contacts",
        &[
            "id",
            "contact_name",
            "organisation",
            "job_title",
            "email",
            "phone",
            "notes",
        ],
    );
    for c in items {
        sheet.push(vec![
            c.id.into(),
            c.name.as_str().into(),
            c.organisation_name.clone().into(),
            c.job_title.as_str().into(),
            c.email.as_str().into(),
            c.phone.as_str().into(),
            c.notes.as_str().into(),
        ]);
    }
    sheet
}

/// The dashboard's figures, one sheet per table shown on the page, plus the period.
pub fn dashboard_sheets(tr: &Tr, d: &Dashboard) -> Vec<Sheet> {
    let mut summary = cols(tr, "export.sheet.summary", &["indicator", "value"]);
    let mut line = |key: &str, value: Cell| {
        summary.push(vec![tr.t(&format!("export.indicator.{key}")).into(), value])
    };
    line("from", d.from.into());
    line("to", d.to.into());
    line("people", d.people.into());
    line(
        "durable_rate",
        d.durable_rate_permille
            .map(|p| tr.fixed(i64::from(p), 1))
            .into(),
    );
    line("lending_hours", d.lending_hours.into());
    line("immersion_days", d.immersion_days.into());
    if let Some(c) = d.concentration {
        line("top1", tr.fixed(i64::from(c.top1_permille), 1).into());
        line("top3", tr.fixed(i64::from(c.top3_permille), 1).into());
    }

    let count = |list: &[partinnov_store::people::CountBy], code: &str| {
        list.iter().find(|c| c.code == code).map_or(0, |c| c.count)
    };
    let mut outcomes = cols(tr, "export.sheet.outcomes", &["kind", "count"]);
    for k in OutcomeKind::ALL {
        outcomes.push(vec![
            k.label(tr.lang).into(),
            count(&d.outcomes_by_kind, k.as_str()).into(),
        ]);
    }
    let mut exits = cols(tr, "export.sheet.exits", &["category", "count"]);
    for k in ExitCategory::ALL {
        exits.push(vec![
            k.label(tr.lang).into(),
            count(&d.exits_by_category, k.as_str()).into(),
        ]);
    }
    let mut flows = cols(tr, "export.sheet.flows", &["year", "flow_kind", "amount"]);
    for f in &d.flows {
        flows.push(vec![
            f.year.into(),
            f.kind
                .parse::<FlowKind>()
                .map_or(f.kind.clone(), |k| k.label(tr.lang).to_owned())
                .into(),
            Cell::Cents(f.cents),
        ]);
    }
    let mut partners = cols(tr, "export.sheet.revenue", &["partner", "amount"]);
    for (name, cents) in &d.revenue_by_partner {
        partners.push(vec![name.as_str().into(), Cell::Cents(*cents)]);
    }
    let mut sheets = vec![summary, outcomes, exits, flows, partners];
    if d.aci {
        let mut aci = cols(
            tr,
            "export.sheet.commercial",
            &["year", "receipts", "costs", "share", "cap"],
        );
        for y in &d.commercial {
            aci.push(vec![
                y.year.into(),
                Cell::Cents(y.receipts_cents),
                y.costs_cents.map(Cell::Cents).unwrap_or(Cell::Empty),
                y.check
                    .map(|c| tr.fixed(i64::from(c.ratio_permille), 1))
                    .into(),
                y.cap_pct.into(),
            ]);
        }
        sheets.push(aci);
    }
    sheets
}
