//! The demo data: the case studies of the source documents (real names, no invented
//! identifiers for real organisations) and one ~50-staff insertion structure with an
//! inventory of several dozen partners, loaded in one transaction into an empty database.

use std::collections::HashMap;

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use partinnov_domain::{identity::Siret, typology::Involvement};
use partinnov_interop::geo;
use partinnov_store::{
    OrganisationId, Role, Store, UserId,
    organisations::{KeyFigures, OrganisationDraft, Territory},
    partnerships::{FormPeriod, Objective, PartnershipDraft},
    people::{ContactDraft, InteractionDraft},
    users::NewUser,
    workspaces::NewWorkspace,
};
use serde::Deserialize;

pub const DEMO_EMAIL: &str = "demo@partinnov.fr";
pub const DEMO_PASSWORD: &str = "partinnov-demo";
/// An invited partner of the demo (the Caisse d'Épargne, in `envie-grand-est`).
pub const DEMO_PARTNER_EMAIL: &str = "partenaire@partinnov.fr";

const DATA: &str = include_str!("../demo/demo.json");

#[derive(Deserialize)]
struct Demo {
    users: Vec<User>,
    organisations: Vec<Org>,
    workspaces: Vec<Ws>,
}

#[derive(Deserialize)]
struct User {
    key: String,
    name: String,
    email: String,
}

#[derive(Deserialize)]
struct Org {
    key: String,
    name: String,
    siret: Option<String>,
    kinds: Vec<String>,
    legal_form: Option<String>,
    /// Null where the documents do not say; stored as "not ESS".
    ess: Option<bool>,
    naf: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
    commune_code: Option<String>,
    head_office: bool,
    website: Option<String>,
    figures: Vec<Figures>,
}

#[derive(Deserialize)]
struct Figures {
    year: i32,
    staff: Option<i32>,
    insertion_staff: Option<i32>,
    turnover_eur: Option<i64>,
}

#[derive(Deserialize)]
struct Ws {
    slug: String,
    name: String,
    structure: String,
    dormant_months: i32,
    members: Vec<Member>,
    contacts: Vec<Contact>,
    partnerships: Vec<P>,
}

#[derive(Deserialize)]
struct Member {
    user: String,
    role: String,
}

#[derive(Deserialize)]
struct Contact {
    organisation: Option<String>,
    name: String,
    job_title: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    source: Option<String>,
}

#[derive(Deserialize)]
struct P {
    title: String,
    partners: Vec<String>,
    status: Option<String>,
    involvement: Option<u8>,
    priority: Option<String>,
    potential: Option<String>,
    forms: Vec<F>,
    objectives: Vec<O>,
    means: Option<String>,
    governance: Option<String>,
    notes: Option<String>,
    holders: Vec<String>,
    interactions: Vec<I>,
    source: Option<String>,
}

#[derive(Deserialize)]
struct F {
    code: String,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    note: Option<String>,
}

#[derive(Deserialize)]
struct O {
    party: String,
    text: String,
    rank: i32,
}

#[derive(Deserialize)]
struct I {
    kind: String,
    date: NaiveDate,
    author: Option<String>,
    participants: Option<String>,
    note: Option<String>,
}

fn code<T: std::str::FromStr>(what: &str, v: &str) -> Result<T> {
    v.parse()
        .map_err(|_| anyhow!("données de démonstration : {what} inconnu « {v} »"))
}

/// Loads the demo data when the database has no workspace yet, then returns a fresh API
/// token for the demo account.
pub async fn ensure_loaded(store: &Store) -> Result<String> {
    if store.is_empty().await? {
        load(store)
            .await
            .context("chargement des données de démonstration")?;
        outcomes_and_flows(store)
            .await
            .context("résultats et flux de démonstration")?;
        evaluation(store)
            .await
            .context("évaluation de démonstration")?;
    }
    let user = store
        .user_by_email(DEMO_EMAIL)
        .await?
        .ok_or_else(|| anyhow!("le compte de démonstration {DEMO_EMAIL} manque"))?;
    let (_, token) = store
        .create_token(UserId(user.id), "démo", None, false)
        .await?;
    Ok(token)
}

pub async fn load(store: &Store) -> Result<()> {
    let demo: Demo = serde_json::from_str(DATA).context("demo.json illisible")?;
    let mut users = HashMap::new();
    for u in &demo.users {
        let id = store
            .create_user(NewUser {
                email: &u.email,
                name: &u.name,
                password: DEMO_PASSWORD,
                is_admin: u.email == DEMO_EMAIL,
            })
            .await?;
        users.insert(u.key.as_str(), id);
    }
    let user = |k: &str| {
        users
            .get(k)
            .copied()
            .ok_or_else(|| anyhow!("données de démonstration : personne inconnue « {k} »"))
    };

    let loader = store.loader().await?;
    let mut orgs: HashMap<&str, OrganisationId> = HashMap::new();
    for o in &demo.organisations {
        let territory = o
            .commune_code
            .as_deref()
            .and_then(geo::commune)
            .map(|c| Territory {
                commune_code: c.code.into(),
                commune_name: c.name.into(),
                epci_code: c.epci.map(str::to_owned),
                departement_code: c.departement.into(),
                region_code: c.region.into(),
            });
        let draft = OrganisationDraft {
            name: o.name.clone(),
            siret: o
                .siret
                .as_deref()
                .map(Siret::parse)
                .transpose()
                .map_err(|e| anyhow!("SIRET de démonstration invalide pour {} : {e}", o.name))?,
            siren: None,
            kinds: o
                .kinds
                .iter()
                .map(|k| code("type", k))
                .collect::<Result<_>>()?,
            legal_form: o.legal_form.clone(),
            ess: o.ess.unwrap_or(false),
            naf: o.naf.clone(),
            address: o.address.clone(),
            postcode: o.postcode.clone(),
            territory,
            head_office: o.head_office,
            website: o.website.clone(),
            figures: o
                .figures
                .iter()
                .map(|f| KeyFigures {
                    year: f.year,
                    staff: f.staff,
                    insertion_staff: f.insertion_staff,
                    turnover_cents: f.turnover_eur.map(|e| e * 100),
                })
                .collect(),
        };
        orgs.insert(o.key.as_str(), loader.organisation(&draft).await?);
    }
    let org = |k: &str| {
        orgs.get(k)
            .copied()
            .ok_or_else(|| anyhow!("données de démonstration : organisation inconnue « {k} »"))
    };

    loader.commit().await?;
    for w in &demo.workspaces {
        let owner = w
            .members
            .iter()
            .find(|m| m.role == "owner")
            .map_or(Ok(users[demo.users[0].key.as_str()]), |m| user(&m.user))?;
        let ws = store
            .create_workspace(
                owner,
                &NewWorkspace {
                    slug: w.slug.clone(),
                    name: w.name.clone(),
                    organisation_id: Some(org(&w.structure)?),
                    dormant_months: w.dormant_months,
                },
            )
            .await?;
        let loader = store.loader().await?;
        for m in &w.members {
            loader
                .member(ws, user(&m.user)?, code::<Role>("rôle", &m.role)?)
                .await?;
        }
        for c in &w.contacts {
            let mut notes = String::new();
            if let Some(s) = &c.source {
                notes = format!("Source : {s}");
            }
            let draft = ContactDraft {
                organisation_id: c.organisation.as_deref().map(org).transpose()?,
                name: c.name.clone(),
                job_title: c.job_title.clone().unwrap_or_default(),
                email: c.email.clone().unwrap_or_default(),
                phone: c.phone.clone().unwrap_or_default(),
                notes,
            };
            loader.contact(ws, &draft).await?;
        }
        for p in &w.partnerships {
            let mut notes = p.notes.clone().unwrap_or_default();
            if let Some(s) = p.source.as_ref().filter(|s| !s.starts_with("demo:")) {
                notes.push_str(&format!("\n\nSource : {s}"));
            }
            let draft = PartnershipDraft {
                title: p.title.clone(),
                // The documents do not always say where a partnership stands today; such
                // a case shows as active, with its notes saying so.
                status: p.status.as_deref().map_or(
                    Ok(partinnov_domain::typology::PartnershipStatus::Actif),
                    |s| code("statut", s),
                )?,
                involvement: p
                    .involvement
                    .map(|i| Involvement::new(i).map_err(|e| anyhow!("{e}")))
                    .transpose()?,
                priority: p
                    .priority
                    .as_deref()
                    .map(|x| code("priorité", x))
                    .transpose()?,
                potential: p
                    .potential
                    .as_deref()
                    .map(|x| code("potentiel", x))
                    .transpose()?,
                means: p.means.clone().unwrap_or_default(),
                governance: p.governance.clone().unwrap_or_default(),
                notes: notes.trim().to_owned(),
                partners: p.partners.iter().map(|k| org(k)).collect::<Result<_>>()?,
                forms: p
                    .forms
                    .iter()
                    .map(|f| {
                        Ok(FormPeriod {
                            form: code("forme", &f.code)?,
                            started_on: f.start,
                            ended_on: f.end,
                            note: f.note.clone().unwrap_or_default(),
                        })
                    })
                    .collect::<Result<_>>()?,
                objectives: p
                    .objectives
                    .iter()
                    .map(|o| {
                        Ok(Objective {
                            party: code("partie", &o.party)?,
                            rank: o.rank,
                            text: o.text.clone(),
                        })
                    })
                    .collect::<Result<_>>()?,
                holders: p.holders.iter().map(|h| user(h)).collect::<Result<_>>()?,
            };
            // Entered the day of its first known event, so dormancy reads as in real use.
            let first = p
                .interactions
                .iter()
                .map(|i| i.date)
                .chain(p.forms.iter().filter_map(|f| f.start))
                .min();
            let created_on = first.unwrap_or_else(|| chrono::Utc::now().date_naive());
            let pid = loader
                .partnership(ws, w.dormant_months, Some(owner), &draft, created_on)
                .await
                .with_context(|| format!("partenariat « {} »", p.title))?;
            for i in &p.interactions {
                let author = i.author.as_deref().map(user).transpose()?;
                let d = InteractionDraft {
                    kind: code("type d'interaction", &i.kind)?,
                    occurred_on: i.date,
                    participants: i.participants.clone().unwrap_or_default(),
                    note: i.note.clone().unwrap_or_default(),
                };
                loader
                    .interaction(ws, w.dormant_months, author, pid, &d)
                    .await?;
            }
        }
        loader.commit().await?;
    }
    Ok(())
}

/// Outcomes the documents report (people by pseudonymous reference only) and, for the
/// invented Ain structure, a plausible year of outcomes and sales so that the dashboard
/// and the dependency warning have something to show.
async fn outcomes_and_flows(store: &Store) -> Result<()> {
    use partinnov_domain::{
        event::{OutcomeKind, PersonRef},
        flow::FlowKind,
        outcome::ExitKind,
        typology::Form,
    };
    use partinnov_store::{
        flows::FlowDraft, outcomes::OutcomeDraft, partnerships::PartnershipQuery,
    };
    let user = store
        .user_by_email(DEMO_EMAIL)
        .await?
        .ok_or_else(|| anyhow!("compte de démonstration absent"))?;
    let caller = partinnov_store::Caller {
        user_id: UserId(user.id),
        name: user.name,
        email: user.email,
        is_admin: true,
        only_workspace: None,
        read_only: false,
    };
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    let outcome = |person: &str,
                   kind,
                   started_on,
                   contract,
                   duration_days,
                   hours,
                   days,
                   note: &str|
     -> Result<OutcomeDraft> {
        Ok(OutcomeDraft {
            person_ref: PersonRef::parse(person).map_err(|e| anyhow!("{e}"))?,
            kind,
            started_on,
            ended_on: None,
            days,
            hours,
            contract,
            duration_days,
            aided: false,
            working_time_pct: None,
            note: note.to_owned(),
        })
    };
    // Facts of the case studies; where the source gives no date, the year is ours and said so.
    let cases: Vec<(&str, &str, OutcomeDraft)> = vec![
        (
            "vitaservices",
            "Vitaservices × Protim",
            outcome(
                "VT-01",
                OutcomeKind::Embauche,
                day(2021, 1, 4),
                Some(ExitKind::Cdi),
                None,
                None,
                None,
                "Embauche en CDI par Protim (001:868) ; date non donnée par la source, 2021 retenu pour la démonstration",
            )?,
        ),
        (
            "vitaservices",
            "Vitaservices × Protim",
            outcome(
                "VT-02",
                OutcomeKind::Embauche,
                day(2021, 1, 4),
                Some(ExitKind::Cdi),
                None,
                None,
                None,
                "Embauche en CDI par Protim (001:868) ; date non donnée par la source",
            )?,
        ),
        (
            "boutique-boulot",
            "Boutique Boulot (AI)",
            outcome(
                "BB-01",
                OutcomeKind::MiseADisposition,
                day(2020, 9, 1),
                None,
                None,
                Some(600),
                None,
                "Auxiliaire de vie mise à disposition (001:735) ; heures fictives",
            )?,
        ),
        (
            "boutique-boulot",
            "Boutique Boulot (AI)",
            outcome(
                "BB-02",
                OutcomeKind::MiseADisposition,
                day(2020, 9, 1),
                None,
                None,
                Some(600),
                None,
                "Auxiliaire de vie mise à disposition (001:735) ; heures fictives",
            )?,
        ),
        (
            "boutique-boulot",
            "Boutique Boulot (AI)",
            outcome(
                "BB-01",
                OutcomeKind::Embauche,
                day(2021, 3, 1),
                Some(ExitKind::Cdi),
                None,
                None,
                None,
                "« emploi durable » selon la source (001:741) ; type de contrat non précisé",
            )?,
        ),
        (
            "boutique-boulot",
            "Boutique Boulot (AI)",
            outcome(
                "BB-02",
                OutcomeKind::Embauche,
                day(2021, 3, 1),
                Some(ExitKind::Cdi),
                None,
                None,
                None,
                "« emploi durable » selon la source (001:741) ; type de contrat non précisé",
            )?,
        ),
        (
            "asdies",
            "ASDIÉS",
            outcome(
                "AS-01",
                OutcomeKind::Pmsmp,
                day(2021, 4, 12),
                None,
                None,
                None,
                Some(10),
                "3 salariés en PMSMP après la visite (001:966) ; dates fictives",
            )?,
        ),
        (
            "asdies",
            "ASDIÉS",
            outcome(
                "AS-02",
                OutcomeKind::Pmsmp,
                day(2021, 4, 12),
                None,
                None,
                None,
                Some(10),
                "001:966",
            )?,
        ),
        (
            "asdies",
            "ASDIÉS",
            outcome(
                "AS-03",
                OutcomeKind::Pmsmp,
                day(2021, 4, 12),
                None,
                None,
                None,
                Some(10),
                "001:966",
            )?,
        ),
    ];
    for (slug, title, draft) in &cases {
        let scope = store.scope(&caller, slug).await?;
        let list = store
            .partnerships(
                &scope,
                &PartnershipQuery {
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await?;
        if let Some(p) = list.items.iter().find(|p| p.data.title.starts_with(title)) {
            store.create_outcome(&scope, p.id, draft).await?;
        }
    }

    // The invented Ain structure: a year of activity (all fictitious).
    let scope = store.scope(&caller, "atelier-ain").await?;
    let list = store
        .partnerships(
            &scope,
            &PartnershipQuery {
                per_page: 100,
                ..Default::default()
            },
        )
        .await?;
    let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    let mut n = 0;
    let mut sales = [46_000_i64, 18_000, 12_500, 9_000, 7_500, 6_000, 4_000].into_iter();
    for p in &list.items {
        let has = |f: Form| p.data.forms.iter().any(|x| x.form == f);
        let mut add = |kind, contract, duration_days, hours, days| {
            n += 1;
            outcome(
                &format!("AIN-{n:03}"),
                kind,
                day(year, 1 + (n % 10) as u32, 3),
                contract,
                duration_days,
                hours,
                days,
                "demo: fictif",
            )
        };
        if has(Form::AccueilImmersions) {
            store
                .create_outcome(
                    &scope,
                    p.id,
                    &add(OutcomeKind::Pmsmp, None, None, None, Some(10))?,
                )
                .await?;
        }
        if has(Form::MiseADisposition) {
            store
                .create_outcome(
                    &scope,
                    p.id,
                    &add(OutcomeKind::MiseADisposition, None, None, Some(420), None)?,
                )
                .await?;
        }
        if has(Form::Recrutement) {
            let (contract, days) = match p.id.0 % 4 {
                0 => (ExitKind::Cdi, None),
                1 => (ExitKind::Cdd, Some(213)),
                2 => (ExitKind::Cdd, Some(91)),
                _ => (ExitKind::Interim, None),
            };
            store
                .create_outcome(
                    &scope,
                    p.id,
                    &add(OutcomeKind::Embauche, Some(contract), days, None, None)?,
                )
                .await?;
        }
        if (has(Form::RelationCommerciale) || has(Form::SousTraitance))
            && let Some(euros) = sales.next()
        {
            let kind = if has(Form::SousTraitance) {
                FlowKind::SousTraitance
            } else {
                FlowKind::Vente
            };
            store
                .create_flow(
                    &scope,
                    p.id,
                    &FlowDraft {
                        kind,
                        year,
                        amount_cents: euros * 100,
                        days: None,
                        day_rate_cents: None,
                        note: "demo: fictif".into(),
                    },
                )
                .await?;
        }
    }
    // An ACI enters the costs of its commercial activities (fictitious): 103,000 € of
    // recorded sales for 380,000 € of costs is 27 %, near the 30 % ceiling (001:203).
    store
        .set_commercial_costs(
            &scope,
            &partinnov_store::flows::CommercialCosts {
                year,
                costs_cents: 380_000 * 100,
                cap_pct: 30,
            },
        )
        .await?;
    strategy(store, &scope, &list.items).await
}

/// The Ain structure's strategy as its team might have started it after listing its links
/// (003: "on se donne des priorités"): a few answers, two priorities, and an action plan with
/// one action already late. All fictitious, like the structure and its partners.
async fn strategy(
    store: &Store,
    scope: &partinnov_store::WorkspaceScope,
    partnerships: &[partinnov_store::partnerships::Partnership],
) -> Result<()> {
    use chrono::Days;
    use partinnov_domain::strategy::{ActionStatus, StrategyQuestion};
    use partinnov_store::{actions::PlanActionDraft, strategy::StrategyDraft};
    store
        .save_strategy(
            scope,
            0,
            &StrategyDraft {
                answers: vec![
                    (
                        StrategyQuestion::Axes,
                        "Conduire les salariés en parcours vers l'emploi durable dans la logistique, \
                         la plasturgie et l'agroalimentaire du territoire ; consolider les espaces verts \
                         et le maraîchage en diversifiant les clients."
                            .into(),
                    ),
                    (
                        StrategyQuestion::Priorites,
                        "La filière de recyclage des rebuts plastiques avec la plasturgie du Haut-Bugey ; \
                         les immersions suivies de recrutements chez nos clients de l'agroalimentaire."
                            .into(),
                    ),
                    (
                        StrategyQuestion::Existant,
                        "L'inventaire partagé avec toute l'équipe : liens commerciaux, fournisseurs, \
                         mise à disposition, parcours d'insertion, recrutement. Chacun en détenait un bout ; \
                         la liste dit maintenant, lien par lien, si l'on peut aller plus loin."
                            .into(),
                    ),
                ],
                priorities: Some(vec![
                    "Faire de la sous-traitance plasturgie une filière co-construite".into(),
                    "Proposer une immersion à chaque client qui n'en a jamais accueilli".into(),
                ]),
            },
        )
        .await?;
    let members = store.members(scope).await?;
    let member = |name: &str| {
        members
            .iter()
            .find(|m| m.name == name)
            .map(|m| UserId(m.user_id))
    };
    let partnership = |prefix: &str| {
        partnerships
            .iter()
            .find(|p| p.data.title.starts_with(prefix))
            .map(|p| p.id)
    };
    let today = chrono::Utc::now().date_naive();
    let actions = [
        (
            "Relancer Cartonnages de la Reyssouze pour un nouveau don",
            partnership("Cartonnages de la Reyssouze"),
            member("Julien Perrin"),
            today.checked_sub_days(Days::new(20)),
            ActionStatus::AFaire,
        ),
        (
            "Proposer des immersions de régleurs à Plasturgie Valserine",
            partnership("Plasturgie Valserine"),
            member("Karim Benali"),
            today.checked_add_days(Days::new(30)),
            ActionStatus::AFaire,
        ),
        (
            "Présenter la filière de recyclage au comité de pilotage",
            partnership("Filière de recyclage"),
            member("Claire Martin"),
            today.checked_add_days(Days::new(60)),
            ActionStatus::EnCours,
        ),
        (
            "Partager l'inventaire des liens avec toute l'équipe",
            None,
            member("Claire Martin"),
            today.checked_sub_days(Days::new(60)),
            ActionStatus::Fait,
        ),
    ];
    for (title, partnership_id, owner_id, due_on, status) in actions {
        store
            .create_action(
                scope,
                &PlanActionDraft {
                    title: title.into(),
                    partnership_id,
                    owner_id,
                    due_on,
                    status,
                    note: "demo: fictif".into(),
                },
            )
            .await?;
    }
    Ok(())
}

/// The worked example of the guide (001:1738-1882): the evaluation of the regional
/// partnership between Envie (Nancy, Reims) and the Caisse d'Épargne Grand Est Europe,
/// answered with the facts the guide gives, which are the examples of the built-in
/// template. The guide gives no figure for the indicators (C1, I1)-(C1, I3): none is
/// invented; the one measurement is the qualitative result the guide reports. Its date is
/// not in the source: 2019, the year of the Rameau reference it cites, is ours.
async fn evaluation(store: &Store) -> Result<()> {
    use partinnov_domain::evaluation::{
        EvaluationStatus, FilledBy, MeasureValue, Step, builtin_templates,
    };
    use partinnov_store::{
        evaluations::{Answer, EvaluationDraft, MeasurementDraft},
        partnerships::PartnershipQuery,
    };
    let user = store
        .user_by_email(DEMO_EMAIL)
        .await?
        .ok_or_else(|| anyhow!("compte de démonstration absent"))?;
    let caller = partinnov_store::Caller {
        user_id: UserId(user.id),
        name: user.name,
        email: user.email,
        is_admin: true,
        only_workspace: None,
        read_only: false,
    };
    let scope = store.scope(&caller, "envie-grand-est").await?;
    let list = store
        .partnerships(&scope, &PartnershipQuery::default())
        .await?;
    let p = list
        .items
        .iter()
        .find(|p| p.data.title.contains("Caisse d'Épargne"))
        .ok_or_else(|| {
            anyhow!("partenariat Envie × Caisse d'Épargne absent de la démonstration")
        })?;
    let template = builtin_templates()
        .into_iter()
        .find(|t| t.code == partinnov_domain::evaluation::DEFAULT_TEMPLATE)
        .ok_or_else(|| anyhow!("modèle d'évaluation du guide absent"))?;
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow!("date"));
    let e = store
        .create_evaluation(
            &scope,
            p.id,
            &template.code,
            "Évaluation du partenariat régional (cas pratique du guide, d'après Le Rameau)",
            day(2019, 1, 1)?,
        )
        .await?;
    let answers = Step::ALL
        .iter()
        .flat_map(|s| template.questions(*s))
        .filter(|q| !q.example.is_empty())
        .map(|q| {
            (
                q.code.clone(),
                Answer {
                    text: q.example.clone(),
                    filled_by: FilledBy::Structure,
                },
            )
        })
        .collect();
    store
        .update_evaluation(
            &scope,
            e.id,
            e.version,
            &EvaluationDraft {
                title: e.data.title.clone(),
                status: EvaluationStatus::Brouillon,
                answers,
            },
        )
        .await?;
    let perception = e
        .criteria
        .iter()
        .flat_map(|c| c.indicators.iter().map(move |i| (c, i)))
        .find(|(c, i)| c.code == "C1" && i.code == "I4")
        .map(|(_, i)| i.id)
        .ok_or_else(|| anyhow!("indicateur (C1, I4) absent du modèle"))?;
    store
        .add_measurement(
            &scope,
            perception,
            &MeasurementDraft {
                measured_on: day(2019, 1, 1)?,
                value: MeasureValue::Text(
                    "Pour Envie, soutien à l'innovation : réflexion sur l'écologie industrielle et diversification des activités \
                     de recyclage (par exemple sur le matériel médical) ; pour l'intérêt général, une preuve de concept en matière \
                     d'économie circulaire et une expertise en écologie industrielle (001:1860, 1871-1872)."
                        .into(),
                ),
                note: "Résultats clés rapportés par le guide ; date non donnée par la source, 2019 retenu pour la démonstration.".into(),
                filled_by: FilledBy::Structure,
            },
        )
        .await?;
    // The Caisse d'Épargne is invited to the partnership: it sees it, the evaluation,
    // and the team's message, and may add its own measurements.
    let bank = p
        .partner_refs
        .iter()
        .find(|r| r.name.contains("Caisse d'Épargne"))
        .ok_or_else(|| anyhow!("Caisse d'Épargne absente du partenariat de démonstration"))?;
    let guest = store
        .create_user(NewUser {
            email: DEMO_PARTNER_EMAIL,
            name: "Invité de la Caisse d'Épargne (démonstration)",
            password: DEMO_PASSWORD,
            is_admin: false,
        })
        .await?;
    store
        .add_guest_unchecked(
            scope.workspace_id,
            guest,
            partinnov_store::guests::GuestRole::Partner,
            Some(OrganisationId(bank.id)),
        )
        .await?;
    store
        .add_comment(
            &scope,
            p.id,
            "Le bilan de l'évaluation est en ligne : pouvez-vous y ajouter votre propre lecture des résultats ?",
        )
        .await?;
    Ok(())
}
