//! Raw input → domain drafts, once for both the HTML forms and the JSON API: each rule
//! lives here, and every failure names its field (`forms[2].ended_on`) with a code the
//! catalogue turns into a sentence saying what to do.

use chrono::NaiveDate;
use partinnov_domain::{
    identity::{IdentityError, Siren, Siret},
    kind::StructureKind,
    typology::{Form, Involvement, ObjectiveParty, PartnershipStatus, Potential, Priority},
};
use partinnov_interop::{geo, naf};
use partinnov_store::{
    OrganisationId, UserId,
    organisations::{KeyFigures, OrganisationDraft, Territory},
    partnerships::{FormPeriod, Objective, PartnershipDraft},
    people::{ContactDraft, InteractionDraft},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{error::FieldError, i18n::Tr};

/// Collects field errors while a draft is built.
pub struct Check<'a> {
    tr: &'a Tr,
    pub errors: Vec<FieldError>,
}

impl<'a> Check<'a> {
    pub fn new(tr: &'a Tr) -> Self {
        Self { tr, errors: vec![] }
    }

    pub fn fail(&mut self, field: impl Into<String>, code: &str) {
        self.errors.push(FieldError::new(self.tr, field, code));
    }

    /// Parses a code of a coded enum; an unknown code is an error on `field`.
    pub fn code<T: std::str::FromStr>(&mut self, field: &str, value: &str) -> Option<T> {
        match value.trim().parse() {
            Ok(v) => Some(v),
            Err(_) => {
                self.fail(field, "unknown_code");
                None
            }
        }
    }

    pub fn opt_code<T: std::str::FromStr>(
        &mut self,
        field: &str,
        value: Option<&str>,
    ) -> Option<T> {
        value
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .and_then(|v| self.code(field, v))
    }

    /// A date as `yyyy-mm-dd` (HTML date inputs, API) or `dd/mm/yyyy` (what people type).
    pub fn date(&mut self, field: &str, value: Option<&str>) -> Option<NaiveDate> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        let parsed = NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(v, "%d/%m/%Y"));
        match parsed {
            Ok(d) => Some(d),
            Err(_) => {
                self.fail(field, "invalid_date");
                None
            }
        }
    }

    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct FormInput {
    /// A form code of the typology (`GET /api/v1/typology`), e.g. `mecenat_nature`.
    pub form: String,
    /// `yyyy-mm-dd`
    pub started_on: Option<String>,
    pub ended_on: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ObjectiveInput {
    /// `structure`, `partenaire` or `territoire`.
    pub party: String,
    /// 1 = first priority.
    pub rank: Option<i32>,
    pub text: String,
}

/// A partnership as sent by a client or a form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PartnershipInput {
    pub title: String,
    /// `en_projet`, `actif`, `en_sommeil` or `termine`.
    pub status: String,
    /// 1 (know the territory) … 7 (a shared structure).
    pub involvement: Option<u8>,
    /// `haute`, `moyenne` or `basse`.
    pub priority: Option<String>,
    /// Potential to go further: `faible`, `moyen` or `fort`.
    pub potential: Option<String>,
    #[serde(default)]
    pub means: String,
    #[serde(default)]
    pub governance: String,
    #[serde(default)]
    pub notes: String,
    /// Ids of partner organisations in the registry (at least one).
    #[serde(default)]
    pub partners: Vec<i64>,
    #[serde(default)]
    pub forms: Vec<FormInput>,
    #[serde(default)]
    pub objectives: Vec<ObjectiveInput>,
    /// Ids of the workspace members who hold the relationship.
    #[serde(default)]
    pub holders: Vec<i64>,
    /// The version the client read; required for an update unless `If-Match` is sent.
    pub version: Option<i64>,
}

impl PartnershipInput {
    pub fn to_draft(&self, tr: &Tr) -> Result<PartnershipDraft, Vec<FieldError>> {
        let mut c = Check::new(tr);
        if self.title.trim().is_empty() {
            c.fail("title", "required");
        }
        if self.title.chars().count() > 300 {
            c.fail("title", "too_long");
        }
        let status = c.code::<PartnershipStatus>("status", &self.status);
        let involvement = self.involvement.and_then(|i| match Involvement::new(i) {
            Ok(v) => Some(v),
            Err(_) => {
                c.fail("involvement", "out_of_range");
                None
            }
        });
        let priority = c.opt_code::<Priority>("priority", self.priority.as_deref());
        let potential = c.opt_code::<Potential>("potential", self.potential.as_deref());
        if self.partners.is_empty() {
            c.fail("partners", "at_least_one_partner");
        }
        let mut forms = vec![];
        for (i, f) in self.forms.iter().enumerate() {
            let form = c.code::<Form>(&format!("forms[{i}].form"), &f.form);
            let started_on = c.date(&format!("forms[{i}].started_on"), f.started_on.as_deref());
            let ended_on = c.date(&format!("forms[{i}].ended_on"), f.ended_on.as_deref());
            if let (Some(s), Some(e)) = (started_on, ended_on)
                && e < s
            {
                c.fail(format!("forms[{i}].ended_on"), "end_before_start");
            }
            if let Some(form) = form {
                forms.push(FormPeriod {
                    form,
                    started_on,
                    ended_on,
                    note: f.note.trim().to_owned(),
                });
            }
        }
        let mut objectives = vec![];
        for (i, o) in self.objectives.iter().enumerate() {
            let party = c.code::<ObjectiveParty>(&format!("objectives[{i}].party"), &o.party);
            if o.text.trim().is_empty() {
                c.fail(format!("objectives[{i}].text"), "required");
            }
            let rank = o.rank.unwrap_or(i32::try_from(i).unwrap_or(0) + 1);
            if !(1..=99).contains(&rank) {
                c.fail(format!("objectives[{i}].rank"), "out_of_range");
            }
            if let Some(party) = party {
                objectives.push(Objective {
                    party,
                    rank,
                    text: o.text.trim().to_owned(),
                });
            }
        }
        let draft = PartnershipDraft {
            title: self.title.trim().to_owned(),
            status: status.unwrap_or(PartnershipStatus::Actif),
            involvement,
            priority,
            potential,
            means: self.means.trim().to_owned(),
            governance: self.governance.trim().to_owned(),
            notes: self.notes.trim().to_owned(),
            partners: self.partners.iter().map(|p| OrganisationId(*p)).collect(),
            forms,
            objectives,
            holders: self.holders.iter().map(|h| UserId(*h)).collect(),
        };
        c.finish(draft)
    }

    pub fn from_draft(d: &PartnershipDraft, version: i64) -> Self {
        Self {
            title: d.title.clone(),
            status: d.status.as_str().to_owned(),
            involvement: d.involvement.map(|i| i.get()),
            priority: d.priority.map(|p| p.as_str().to_owned()),
            potential: d.potential.map(|p| p.as_str().to_owned()),
            means: d.means.clone(),
            governance: d.governance.clone(),
            notes: d.notes.clone(),
            partners: d.partners.iter().map(|p| p.0).collect(),
            forms: d
                .forms
                .iter()
                .map(|f| FormInput {
                    form: f.form.as_str().to_owned(),
                    started_on: f.started_on.map(|d| d.to_string()),
                    ended_on: f.ended_on.map(|d| d.to_string()),
                    note: f.note.clone(),
                })
                .collect(),
            objectives: d
                .objectives
                .iter()
                .map(|o| ObjectiveInput {
                    party: o.party.as_str().to_owned(),
                    rank: Some(o.rank),
                    text: o.text.clone(),
                })
                .collect(),
            holders: d.holders.iter().map(|h| h.0).collect(),
            version: Some(version),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct FiguresInput {
    pub year: i32,
    pub staff: Option<i32>,
    pub insertion_staff: Option<i32>,
    /// Turnover in euro cents.
    pub turnover_cents: Option<i64>,
}

/// An organisation as sent by a client or a form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct OrganisationInput {
    pub name: String,
    /// 14 digits; spaces accepted. Checked (Luhn, with La Poste's exception).
    pub siret: Option<String>,
    /// 9 digits, when only the SIREN is known.
    pub siren: Option<String>,
    /// Structure kinds (`GET /api/v1/typology`), several allowed.
    #[serde(default)]
    pub kinds: Vec<String>,
    pub legal_form: Option<String>,
    #[serde(default)]
    pub ess: bool,
    /// NAF rév. 2 code, `62.01Z` or `6201Z`.
    pub naf: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    /// Official geographic code (COG) of the commune, e.g. `01053`; a commune name is
    /// accepted when it is unambiguous (with `postcode` to tell namesakes apart).
    pub commune_code: Option<String>,
    #[serde(default = "yes")]
    pub head_office: bool,
    pub website: Option<String>,
    #[serde(default)]
    pub figures: Vec<FiguresInput>,
    /// Skipped when empty: `OrganisationView` flattens this struct beside its own `version`,
    /// and a second `"version": null` would override it for most JSON readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// What people type for a commune: its official code, or a name (with the postcode to
/// tell namesakes apart), or "Name (code)" as the suggestions show it.
pub fn resolve_commune(
    typed: &str,
    postcode: Option<&str>,
) -> Result<&'static geo::Commune, &'static str> {
    let typed = typed.trim();
    let code = typed
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or(typed);
    if let Some(c) = geo::commune(code.trim()) {
        return Ok(c);
    }
    let wanted = partinnov_domain::text::fold(typed);
    let mut same_name: Vec<&geo::Commune> = geo::search_communes(typed, 200)
        .into_iter()
        .filter(|c| partinnov_domain::text::fold(c.name) == wanted)
        .collect();
    if let Some(pc) = postcode.map(str::trim).filter(|p| !p.is_empty()) {
        let in_pc: Vec<_> = same_name
            .iter()
            .copied()
            .filter(|c| {
                c.postcodes
                    .iter()
                    .any(|p| p.trim_start_matches('0') == pc.trim_start_matches('0'))
            })
            .collect();
        if !in_pc.is_empty() {
            same_name = in_pc;
        }
    }
    match same_name.as_slice() {
        [one] => Ok(one),
        [] => Err("unknown_commune"),
        _ => Err("ambiguous_commune"),
    }
}

fn yes() -> bool {
    true
}

fn identity_code(e: &IdentityError) -> &'static str {
    match e {
        IdentityError::Empty => "required",
        IdentityError::WrongLength { .. } => "siret_length",
        IdentityError::NotDigits => "siret_digits",
        IdentityError::Checksum => "siret_checksum",
    }
}

impl OrganisationInput {
    pub fn to_draft(&self, tr: &Tr) -> Result<OrganisationDraft, Vec<FieldError>> {
        let mut c = Check::new(tr);
        if self.name.trim().is_empty() {
            c.fail("name", "required");
        }
        let siret = match non_empty(self.siret.as_deref()) {
            Some(s) => match Siret::parse(&s) {
                Ok(s) => Some(s),
                Err(e) => {
                    c.fail("siret", identity_code(&e));
                    None
                }
            },
            None => None,
        };
        let siren = match non_empty(self.siren.as_deref()) {
            Some(s) => match Siren::parse(&s) {
                Ok(s) => Some(s),
                Err(e) => {
                    c.fail(
                        "siren",
                        identity_code(&e).replace("siret", "siren").as_str(),
                    );
                    None
                }
            },
            None => None,
        };
        if let (Some(siret), Some(siren)) = (&siret, &siren)
            && siret.siren() != *siren
        {
            c.fail("siren", "siren_mismatch");
        }
        let mut kinds = vec![];
        for (i, k) in self
            .kinds
            .iter()
            .filter(|k| !k.trim().is_empty())
            .enumerate()
        {
            if let Some(k) = c.code::<StructureKind>(&format!("kinds[{i}]"), k) {
                kinds.push(k);
            }
        }
        let naf = match non_empty(self.naf.as_deref()) {
            Some(code) => match naf::normalise(&code) {
                Some(n) => Some(n.to_owned()),
                None => {
                    c.fail("naf", "unknown_naf");
                    None
                }
            },
            None => None,
        };
        let territory = match non_empty(self.commune_code.as_deref()) {
            Some(typed) => match resolve_commune(&typed, self.postcode.as_deref()) {
                Ok(commune) => Some(Territory {
                    commune_code: commune.code.to_owned(),
                    commune_name: commune.name.to_owned(),
                    epci_code: commune.epci.map(str::to_owned),
                    departement_code: commune.departement.to_owned(),
                    region_code: commune.region.to_owned(),
                }),
                Err(code) => {
                    c.fail("commune_code", code);
                    None
                }
            },
            None => None,
        };
        let website = non_empty(self.website.as_deref());
        if let Some(w) = &website
            && !(w.starts_with("http://") || w.starts_with("https://"))
        {
            c.fail("website", "invalid_url");
        }
        let mut figures: Vec<KeyFigures> = vec![];
        for (i, f) in self.figures.iter().enumerate() {
            if !(1900..=2100).contains(&f.year) {
                c.fail(format!("figures[{i}].year"), "out_of_range");
            }
            if figures.iter().any(|g| g.year == f.year) {
                c.fail(format!("figures[{i}].year"), "duplicate_year");
            }
            if [f.staff, f.insertion_staff]
                .iter()
                .flatten()
                .any(|n| *n < 0)
                || f.turnover_cents.is_some_and(|t| t < 0)
            {
                c.fail(format!("figures[{i}]"), "negative");
            }
            figures.push(KeyFigures {
                year: f.year,
                staff: f.staff,
                insertion_staff: f.insertion_staff,
                turnover_cents: f.turnover_cents,
            });
        }
        let draft = OrganisationDraft {
            name: self.name.trim().to_owned(),
            siren: if siret.is_some() { None } else { siren },
            siret,
            kinds,
            legal_form: non_empty(self.legal_form.as_deref()),
            ess: self.ess,
            naf,
            address: non_empty(self.address.as_deref()),
            postcode: non_empty(self.postcode.as_deref()),
            territory,
            head_office: self.head_office,
            website,
            figures,
        };
        c.finish(draft)
    }

    pub fn from_draft(d: &OrganisationDraft, version: i64) -> Self {
        Self {
            name: d.name.clone(),
            siret: d.siret.as_ref().map(|s| s.as_str().to_owned()),
            siren: d.siren.as_ref().map(|s| s.as_str().to_owned()),
            kinds: d.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
            legal_form: d.legal_form.clone(),
            ess: d.ess,
            naf: d.naf.clone(),
            address: d.address.clone(),
            postcode: d.postcode.clone(),
            commune_code: d.territory.as_ref().map(|t| t.commune_code.clone()),
            head_office: d.head_office,
            website: d.website.clone(),
            figures: d
                .figures
                .iter()
                .map(|f| FiguresInput {
                    year: f.year,
                    staff: f.staff,
                    insertion_staff: f.insertion_staff,
                    turnover_cents: f.turnover_cents,
                })
                .collect(),
            version: Some(version),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct InteractionInput {
    /// `reunion`, `visite`, `appel`, `courriel`, `evenement`, `don`, `contrat`, `mise_a_disposition`, `immersion`, `recrutement`, `autre`.
    pub kind: String,
    /// `yyyy-mm-dd`
    pub occurred_on: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub note: String,
    /// The version read, for a correction (or send `If-Match`).
    pub version: Option<i64>,
}

impl InteractionInput {
    pub fn to_draft(&self, tr: &Tr) -> Result<InteractionDraft, Vec<FieldError>> {
        let mut c = Check::new(tr);
        let kind = c.code("kind", &self.kind);
        let occurred_on = c.date("occurred_on", Some(&self.occurred_on));
        if self.occurred_on.trim().is_empty() {
            c.fail("occurred_on", "required");
        }
        if let Some(d) = occurred_on
            && d > chrono::Utc::now().date_naive() + chrono::Days::new(366)
        {
            c.fail("occurred_on", "too_far_in_future");
        }
        match (kind, occurred_on) {
            (Some(kind), Some(occurred_on)) if c.errors.is_empty() => Ok(InteractionDraft {
                kind,
                occurred_on,
                participants: self.participants.trim().to_owned(),
                note: self.note.trim().to_owned(),
            }),
            _ => Err(c.errors),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ContactInput {
    pub organisation_id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub job_title: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub notes: String,
    pub version: Option<i64>,
}

impl ContactInput {
    pub fn to_draft(&self, tr: &Tr) -> Result<ContactDraft, Vec<FieldError>> {
        let mut c = Check::new(tr);
        if self.name.trim().is_empty() {
            c.fail("name", "required");
        }
        let email = self.email.trim();
        if !email.is_empty() && (!email.contains('@') || email.contains(' ')) {
            c.fail("email", "invalid_email");
        }
        c.finish(ContactDraft {
            organisation_id: self.organisation_id.map(OrganisationId),
            name: self.name.trim().to_owned(),
            job_title: self.job_title.trim().to_owned(),
            email: email.to_owned(),
            phone: self.phone.trim().to_owned(),
            notes: self.notes.trim().to_owned(),
        })
    }
}

/// Euros as people type them → cents (the rule lives in `domain::flow`), with the
/// catalogue code of the error.
pub fn parse_euros(input: &str) -> Result<i64, &'static str> {
    partinnov_domain::flow::parse_euros(input).map_err(partinnov_domain::flow::EuroError::code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partnership_with_bad_codes_and_dates_names_every_field() {
        let input = PartnershipInput {
            title: " ".into(),
            status: "actif".into(),
            partners: vec![],
            forms: vec![FormInput {
                form: "mecenat_imaginaire".into(),
                started_on: Some("2024-05-01".into()),
                ended_on: Some("2023-01-01".into()),
                note: String::new(),
            }],
            ..Default::default()
        };
        let errors = input.to_draft(&Tr::default()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["title", "partners", "forms[0].form", "forms[0].ended_on"]
        );
        assert!(
            errors
                .iter()
                .all(|e| !e.message.is_empty() && !e.message.contains('⟦'))
        );
    }

    #[test]
    fn an_organisation_with_a_bad_siret_and_unknown_commune_is_refused_with_both_fields() {
        let input = OrganisationInput {
            name: "Atelier".into(),
            siret: Some("732 829 320 00075".into()),
            commune_code: Some("99999".into()),
            ..Default::default()
        };
        let errors = input.to_draft(&Tr::default()).unwrap_err();
        let codes: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("siret", "siret_checksum"),
                ("commune_code", "unknown_commune")
            ]
        );
    }

    #[test]
    fn a_siret_with_spaces_and_a_commune_code_resolve_to_the_territory() {
        let input = OrganisationInput {
            name: "Atelier".into(),
            siret: Some("732 829 320 00074".into()),
            commune_code: Some("01053".into()),
            ..Default::default()
        };
        let d = input.to_draft(&Tr::default()).unwrap();
        assert_eq!(d.siret.unwrap().as_str(), "73282932000074");
        let t = d.territory.unwrap();
        assert_eq!(
            (t.departement_code.as_str(), t.region_code.as_str()),
            ("01", "84")
        );
    }
}

/// An employment outcome as sent by a client or a form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct OutcomeInput {
    /// Pseudonymous reference of the person (letters, digits, `-`, `_`): never a name.
    pub person_ref: String,
    /// `mise_en_relation`, `job_dating`, `visite_entreprise`, `pmsmp`, `mise_a_disposition`, `formation` or `embauche`.
    pub kind: String,
    /// `yyyy-mm-dd`
    pub started_on: Option<String>,
    pub ended_on: Option<String>,
    /// PMSMP: days of immersion.
    pub days: Option<i32>,
    /// Mise à disposition: hours worked.
    pub hours: Option<i32>,
    /// Hire: contract kind (`cdi`, `cdd`, `interim`, `contrat_aide`, …; see `partinnov outcome classify --help`).
    pub contract: Option<String>,
    /// Hire: contract length, in `duration_unit`; computed from the dates when absent.
    pub duration: Option<i32>,
    /// `jours` (default), `semaines` or `mois` (a month counts 30.4375 days).
    pub duration_unit: Option<String>,
    #[serde(default)]
    pub aided: bool,
    /// 1 to 100 (% of full time).
    pub working_time_pct: Option<i32>,
    #[serde(default)]
    pub note: String,
}

impl OutcomeInput {
    pub fn to_draft(
        &self,
        tr: &Tr,
    ) -> Result<partinnov_store::outcomes::OutcomeDraft, Vec<FieldError>> {
        use partinnov_domain::{
            event::{OutcomeKind, PersonRef, PersonRefError},
            outcome::ExitKind,
        };
        let mut c = Check::new(tr);
        let person_ref = match PersonRef::parse(&self.person_ref) {
            Ok(p) => Some(p),
            Err(PersonRefError::Empty) => {
                c.fail("person_ref", "required");
                None
            }
            Err(_) => {
                c.fail("person_ref", "person_ref_not_a_code");
                None
            }
        };
        let kind = c.code::<OutcomeKind>("kind", &self.kind);
        let started_on = c.date("started_on", self.started_on.as_deref());
        let ended_on = c.date("ended_on", self.ended_on.as_deref());
        if let (Some(s), Some(e)) = (started_on, ended_on)
            && e < s
        {
            c.fail("ended_on", "end_before_start");
        }
        for (field, v) in [
            ("days", self.days),
            ("hours", self.hours),
            ("duration", self.duration),
        ] {
            if v.is_some_and(|v| v < 0) {
                c.fail(field, "negative");
            }
        }
        let contract = c.opt_code::<ExitKind>("contract", self.contract.as_deref());
        if kind == Some(OutcomeKind::Embauche)
            && contract.is_none()
            && self.contract.as_deref().is_none_or(|s| s.trim().is_empty())
        {
            c.fail("contract", "required");
        }
        let unit_days = match self
            .duration_unit
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            None | Some("jours" | "days") => Some(1.0),
            Some("semaines" | "weeks") => Some(7.0),
            Some("mois" | "months") => Some(30.4375),
            Some(_) => {
                c.fail("duration_unit", "unknown_unit");
                None
            }
        };
        let duration_days = match (self.duration, unit_days) {
            (Some(v), Some(unit)) if v >= 0 => Some((f64::from(v) * unit).round() as i32),
            (None, _) if kind == Some(OutcomeKind::Embauche) => match (started_on, ended_on) {
                (Some(s), Some(e)) if e >= s => i32::try_from((e - s).num_days() + 1).ok(),
                _ => None,
            },
            _ => None,
        };
        match (person_ref, kind) {
            (Some(person_ref), Some(kind)) if c.errors.is_empty() => {
                Ok(partinnov_store::outcomes::OutcomeDraft {
                    person_ref,
                    kind,
                    started_on,
                    ended_on,
                    days: self.days,
                    hours: self.hours,
                    contract,
                    duration_days,
                    aided: self.aided,
                    working_time_pct: self.working_time_pct,
                    note: self.note.trim().to_owned(),
                })
            }
            _ => Err(c.errors),
        }
    }
}

/// An economic flow as sent by a client or a form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct FlowInput {
    /// `vente`, `sous_traitance`, `cotraitance`, `achat_clause_sociale`, `don_financier`, `don_nature`, `mecenat_competences`, `subvention`.
    pub kind: String,
    pub year: Option<i32>,
    /// Euros as text, at most two decimals ("1 234,56"); for a skills donation it may be
    /// left out and is then days × day rate.
    pub amount: Option<String>,
    pub days: Option<i32>,
    /// Euros per day, as text.
    pub day_rate: Option<String>,
    #[serde(default)]
    pub note: String,
}

impl FlowInput {
    pub fn to_draft(&self, tr: &Tr) -> Result<partinnov_store::flows::FlowDraft, Vec<FieldError>> {
        use partinnov_domain::flow::FlowKind;
        let mut c = Check::new(tr);
        let kind = c.code::<FlowKind>("kind", &self.kind);
        let year = match self.year {
            Some(y) if (1990..=2100).contains(&y) => Some(y),
            Some(_) => {
                c.fail("year", "out_of_range");
                None
            }
            None => {
                c.fail("year", "required");
                None
            }
        };
        let mut euros =
            |field: &str, v: Option<&str>| match v.map(str::trim).filter(|v| !v.is_empty()) {
                None => None,
                Some(v) => match parse_euros(v) {
                    Ok(cents) if cents >= 0 => Some(cents),
                    Ok(_) => {
                        c.fail(field, "negative");
                        None
                    }
                    Err(code) => {
                        c.fail(field, code);
                        None
                    }
                },
            };
        let amount = euros("amount", self.amount.as_deref());
        let day_rate = euros("day_rate", self.day_rate.as_deref());
        if self.days.is_some_and(|d| d < 0) {
            c.fail("days", "negative");
        }
        let amount = match (amount, self.days, day_rate) {
            (Some(a), _, _) => Some(a),
            (None, Some(d), Some(r)) if d >= 0 => Some(i64::from(d) * r),
            _ => None,
        };
        if amount.is_none() && !c.errors.iter().any(|e| e.field == "amount") {
            c.fail("amount", "required");
        }
        match (kind, year, amount) {
            (Some(kind), Some(year), Some(amount_cents)) if c.errors.is_empty() => {
                Ok(partinnov_store::flows::FlowDraft {
                    kind,
                    year,
                    amount_cents,
                    days: self.days,
                    day_rate_cents: day_rate,
                    note: self.note.trim().to_owned(),
                })
            }
            _ => Err(c.errors),
        }
    }
}

/// An action of the strategy's plan as sent by a client or the page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ActionInput {
    pub title: String,
    /// A partnership of the same workspace.
    pub partnership_id: Option<i64>,
    /// A member of the workspace who carries the action.
    pub owner_id: Option<i64>,
    /// `yyyy-mm-dd`
    pub due_on: Option<String>,
    /// `a_faire` (default), `en_cours`, `fait` or `abandonnee`.
    pub status: Option<String>,
    #[serde(default)]
    pub note: String,
    /// The version read, for an update (or send `If-Match`).
    pub version: Option<i64>,
}

impl ActionInput {
    pub fn to_draft(
        &self,
        tr: &Tr,
    ) -> Result<partinnov_store::actions::PlanActionDraft, Vec<FieldError>> {
        use partinnov_domain::strategy::{ActionStatus, TITLE_MAX_CHARS};
        let mut c = Check::new(tr);
        let title = self.title.trim();
        if title.is_empty() {
            c.fail("title", "required");
        } else if title.chars().count() > TITLE_MAX_CHARS {
            c.fail("title", "too_long");
        }
        let due_on = c.date("due_on", self.due_on.as_deref());
        let status = c
            .opt_code::<ActionStatus>("status", self.status.as_deref())
            .unwrap_or(ActionStatus::AFaire);
        c.finish(partinnov_store::actions::PlanActionDraft {
            title: title.to_owned(),
            partnership_id: self.partnership_id.map(partinnov_store::PartnershipId),
            owner_id: self.owner_id.map(UserId),
            due_on,
            status,
            note: self.note.trim().to_owned(),
        })
    }
}
