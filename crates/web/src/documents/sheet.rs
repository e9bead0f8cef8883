//! The capitalisation sheet of a partnership (fiche de capitalisation, 000:99; 001:419-421):
//! the identity card of both parties, what the partnership is (status, objectives, means,
//! governance), its history as a timeline and its forms, what it produced in jobs and
//! flows, then what the team learnt from it: key success factors, difficulties, outlook.

use chrono::{Datelike, NaiveDate};
use partinnov_domain::typology::ObjectiveParty;
use partinnov_render::{
    document::{Block, Document, Fact, Inline, Picture, Table},
    timeline::{Bar, Timeline, timeline_svg},
};
use partinnov_store::{
    PartnershipId, Store, StoreError, WorkspaceScope, capitalisation::Capitalisation,
    flows::Dashboard, organisations::Organisation, outcomes::Outcome, partnerships::Partnership,
    people::Interaction,
};

use super::{blank, cell, heading, paragraphs, text_or_missing};
use crate::{i18n::Tr, pages::partnerships::euros};

/// Interactions listed in full; older ones are counted, not listed (the timeline shows all).
const MAX_EVENTS: usize = 60;

/// Everything a sheet shows, read through the caller's scope.
pub struct SheetData {
    pub workspace_name: String,
    /// The workspace's own structure, when it is in the registry.
    pub structure: Option<Organisation>,
    pub partnership: Partnership,
    pub partners: Vec<Organisation>,
    pub interactions: Vec<Interaction>,
    pub outcomes: Vec<Outcome>,
    /// What the partnership produced over its whole life.
    pub produced: Dashboard,
    pub notes: Capitalisation,
}

/// Reads a sheet's data; a partnership outside the scope is `NotFound`.
pub async fn gather(
    store: &Store,
    scope: &WorkspaceScope,
    id: PartnershipId,
    today: NaiveDate,
) -> Result<SheetData, StoreError> {
    let partnership = store.partnership(scope, id).await?;
    let structure = match store.workspace_organisation(scope).await? {
        Some(o) => Some(store.organisation(o).await?),
        None => None,
    };
    let mut partners = Vec::with_capacity(partnership.data.partners.len());
    for o in &partnership.data.partners {
        partners.push(store.organisation(*o).await?);
    }
    let mut interactions = store.interactions(scope, id).await?;
    interactions.sort_by_key(|i| i.data.occurred_on);
    let outcomes = store.outcomes(scope, id).await?;
    let from = crate::api::LIFETIME_START.unwrap_or(today);
    let to = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    let produced = store.dashboard_of(scope, from, to, Some(id)).await?;
    let notes = store.capitalisation(scope, id).await?;
    Ok(SheetData {
        workspace_name: scope.name.clone(),
        structure,
        partnership,
        partners,
        interactions,
        outcomes,
        produced,
        notes,
    })
}

/// The sheet as a document, in the language of `t`.
pub fn document(d: &SheetData, t: &Tr, today: NaiveDate) -> Document {
    let p = &d.partnership;
    let partner_names: Vec<&str> = d.partners.iter().map(|o| o.data.name.as_str()).collect();
    // "Structure × partners" under the title, unless the title already names the partners.
    let folded_title = partinnov_domain::text::fold(&p.data.title);
    let named = partner_names
        .iter()
        .all(|n| folded_title.contains(&partinnov_domain::text::fold(n)));
    let subtitle = (!named).then(|| {
        format!(
            "{} × {}",
            d.structure
                .as_ref()
                .map_or(d.workspace_name.as_str(), |o| o.data.name.as_str()),
            partner_names.join(", ")
        )
    });
    let mut doc = blank(
        t,
        t.f("sheet.title", &[("title", &p.data.title)]),
        subtitle,
        today,
    );
    let b = &mut doc.blocks;

    b.push(heading(1, t.t("sheet.identity")));
    match &d.structure {
        Some(o) => identity(b, t, o, t.t("sheet.our_structure")),
        None => {
            b.push(heading(2, &d.workspace_name));
            b.push(Block::Paragraph(vec![Inline::Missing]));
        }
    }
    for o in &d.partners {
        identity(b, t, o, t.t("sheet.partner"));
    }

    b.push(heading(1, t.t("partnership.identity")));
    b.push(Block::Facts(partnership_facts(p, t)));
    b.push(heading(2, t.t("field.objectives")));
    if p.data.objectives.is_empty() {
        b.push(Block::Paragraph(vec![Inline::Missing]));
    } else {
        let mut objectives = p.data.objectives.clone();
        objectives.sort_by_key(|o| (o.party, o.rank));
        b.push(Block::Bullets(
            objectives
                .iter()
                .map(|o| {
                    vec![
                        Inline::Strong(format!("{} ({}) : ", party(t, o.party), o.rank)),
                        Inline::text(o.text.clone()),
                    ]
                })
                .collect(),
        ));
    }
    b.push(heading(2, t.t("field.means")));
    b.push(Block::Paragraph(text_or_missing(&p.data.means)));
    b.push(heading(2, t.t("field.governance")));
    b.push(Block::Paragraph(text_or_missing(&p.data.governance)));

    b.push(heading(1, t.t("sheet.history")));
    if let Some(svg) = timeline_svg(&timeline(d, t, today)) {
        b.push(Block::Picture(Picture {
            svg,
            caption: t.t("sheet.timeline_caption").to_owned(),
            alt: timeline_alt(d, t),
        }));
    }
    b.push(heading(2, t.t("field.forms")));
    if p.data.forms.is_empty() {
        b.push(Block::Paragraph(vec![Inline::Missing]));
    } else {
        b.push(Block::Table(Table {
            headers: [
                "field.family",
                "field.form",
                "field.started_on",
                "field.ended_on",
                "field.note",
            ]
            .iter()
            .map(|k| t.t(k).to_owned())
            .collect(),
            rows: p
                .data
                .forms
                .iter()
                .map(|f| {
                    vec![
                        cell(f.form.family().label(t.lang)),
                        cell(f.form.label(t.lang)),
                        cell(&t.opt_date(&f.started_on)),
                        cell(&t.opt_date(&f.ended_on)),
                        cell(&f.note),
                    ]
                })
                .collect(),
            numeric: vec![false; 5],
            widths: vec![0.22, 0.26, 0.13, 0.13, 0.26],
            caption: None,
        }));
    }
    b.push(heading(2, t.t("partnership.timeline")));
    if d.interactions.is_empty() {
        b.push(Block::Paragraph(vec![Inline::text(
            t.t("partnership.no_interaction"),
        )]));
    } else {
        let shown = &d.interactions[d.interactions.len().saturating_sub(MAX_EVENTS)..];
        if shown.len() < d.interactions.len() {
            b.push(Block::Paragraph(vec![Inline::Emphasis(t.f(
                "sheet.events_cut",
                &[
                    ("shown", &shown.len().to_string()),
                    ("total", &d.interactions.len().to_string()),
                ],
            ))]));
        }
        b.push(Block::Table(Table {
            headers: [
                "field.date",
                "field.kind",
                "field.participants",
                "field.note",
            ]
            .iter()
            .map(|k| t.t(k).to_owned())
            .collect(),
            rows: shown
                .iter()
                .map(|i| {
                    vec![
                        cell(&t.date(&i.data.occurred_on)),
                        cell(i.data.kind.label(t.lang)),
                        cell(&i.data.participants),
                        cell(&i.data.note),
                    ]
                })
                .collect(),
            numeric: vec![false; 4],
            widths: vec![0.14, 0.2, 0.26, 0.4],
            caption: None,
        }));
    }

    b.push(heading(1, t.t("sheet.results")));
    b.push(Block::Facts(produced_facts(&d.produced, t)));
    b.push(heading(2, t.t("outcome.title")));
    if d.outcomes.is_empty() {
        b.push(Block::Paragraph(vec![Inline::text(t.t("outcome.none"))]));
    } else {
        // Pseudonymous references stay in the workspace: a printed sheet travels.
        b.push(Block::Table(Table {
            headers: [
                "field.kind",
                "field.period",
                "outcome.detail",
                "outcome.category",
            ]
            .iter()
            .map(|k| t.t(k).to_owned())
            .collect(),
            rows: d
                .outcomes
                .iter()
                .map(|o| {
                    let line = crate::pages::partnerships::outcome_line(t, o);
                    vec![
                        cell(&line.kind),
                        cell(&line.period),
                        cell(&line.detail),
                        cell(&line.category),
                    ]
                })
                .collect(),
            numeric: vec![false; 4],
            widths: vec![0.2, 0.22, 0.33, 0.25],
            caption: None,
        }));
    }
    b.push(heading(2, t.t("flow.title")));
    if d.produced.flows.is_empty() {
        b.push(Block::Paragraph(vec![Inline::text(t.t("flow.none"))]));
    } else {
        b.push(Block::Table(Table {
            headers: ["field.year", "field.kind", "flow.amount"]
                .iter()
                .map(|k| t.t(k).to_owned())
                .collect(),
            rows: d
                .produced
                .flows
                .iter()
                .map(|f| {
                    vec![
                        cell(&f.year.to_string()),
                        cell(
                            &f.kind
                                .parse::<partinnov_domain::flow::FlowKind>()
                                .map_or_else(|_| f.kind.clone(), |k| k.label(t.lang).to_owned()),
                        ),
                        cell(&euros(t, f.cents)),
                    ]
                })
                .collect(),
            numeric: vec![false, false, true],
            widths: vec![0.2, 0.5, 0.3],
            caption: None,
        }));
    }

    for (key, text) in [
        ("sheet.success_factors", &d.notes.data.success_factors),
        ("sheet.difficulties", &d.notes.data.difficulties),
        ("sheet.outlook", &d.notes.data.outlook),
    ] {
        b.push(heading(1, t.t(key)));
        b.extend(paragraphs(text));
    }
    doc
}

fn party(t: &Tr, p: ObjectiveParty) -> String {
    let label = p.label(t.lang);
    let mut c = label.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn fact(label: &str, value: Vec<Inline>) -> Fact {
    Fact {
        label: label.to_owned(),
        value,
    }
}

fn opt_fact(label: &str, value: Option<String>) -> Fact {
    fact(
        label,
        vec![
            value
                .filter(|v| !v.trim().is_empty())
                .map_or(Inline::Missing, Inline::Text),
        ],
    )
}

/// The identity card of one organisation: public facts from the registry.
fn identity(b: &mut Vec<Block>, t: &Tr, o: &Organisation, role: &str) {
    let d = &o.data;
    b.push(heading(2, &format!("{} — {}", d.name, role)));
    let kinds: Vec<&str> = d.kinds.iter().map(|k| k.label(t.lang)).collect();
    let mut facts = vec![
        opt_fact(t.t("field.siret"), d.siret.as_ref().map(|s| s.to_string())),
        opt_fact(t.t("field.kinds"), Some(kinds.join(", "))),
        opt_fact(t.t("field.legal_form"), d.legal_form.clone()),
        opt_fact(
            t.t("field.commune"),
            d.territory
                .as_ref()
                .map(|c| format!("{} ({})", c.commune_name, c.departement_code)),
        ),
        fact(
            t.t("field.head_office"),
            vec![Inline::text(if d.head_office {
                t.t("organisation.head_office")
            } else {
                t.t("organisation.antenna")
            })],
        ),
    ];
    if d.ess {
        facts.push(fact(t.t("sheet.ess"), vec![Inline::text(t.t("sheet.yes"))]));
    }
    if let Some(w) = d.website.as_ref().filter(|w| !w.is_empty()) {
        facts.push(fact(t.t("field.website"), vec![Inline::text(w.clone())]));
    }
    match d.figures.iter().max_by_key(|f| f.year) {
        Some(f) => {
            let mut parts = vec![];
            if let Some(s) = f.staff {
                parts.push(format!(
                    "{} {}",
                    t.int(&i64::from(s)),
                    t.t("sheet.staff_unit")
                ));
            }
            if let Some(s) = f.insertion_staff {
                parts.push(format!(
                    "{} {}",
                    t.int(&i64::from(s)),
                    t.t("sheet.insertion_unit")
                ));
            }
            if let Some(c) = f.turnover_cents {
                parts.push(format!("{} {}", euros(t, c), t.t("sheet.turnover_unit")));
            }
            facts.push(fact(
                &t.f("sheet.figures_of", &[("year", &f.year.to_string())]),
                vec![Inline::or_missing(&parts.join(" · "))],
            ));
        }
        None => facts.push(fact(t.t("field.figures"), vec![Inline::Missing])),
    }
    b.push(Block::Facts(facts));
}

fn partnership_facts(p: &Partnership, t: &Tr) -> Vec<Fact> {
    let d = &p.data;
    let first_form = d.forms.iter().filter_map(|f| f.started_on).min();
    vec![
        fact(
            t.t("field.status"),
            vec![Inline::text(d.status.label(t.lang))],
        ),
        opt_fact(
            t.t("field.involvement"),
            d.involvement
                .map(|i| format!("{} — {}", i.get(), i.label(t.lang))),
        ),
        opt_fact(
            t.t("field.priority"),
            d.priority.map(|x| x.label(t.lang).to_owned()),
        ),
        opt_fact(
            t.t("field.potential"),
            d.potential.map(|x| x.label(t.lang).to_owned()),
        ),
        opt_fact(
            t.t("field.holders"),
            Some(
                p.holder_refs
                    .iter()
                    .map(|h| h.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ),
        opt_fact(t.t("sheet.since"), first_form.map(|d| t.date(&d))),
    ]
}

fn produced_facts(d: &Dashboard, t: &Tr) -> Vec<Fact> {
    let flows: i64 = d.flows.iter().map(|f| f.cents).sum();
    vec![
        fact(
            t.t("dashboard.people"),
            vec![Inline::text(t.int(&d.people))],
        ),
        fact(
            t.t("dashboard.durable_rate"),
            vec![Inline::text(
                d.durable_rate_permille
                    .map(|p| crate::pages::dashboard::percent(t, p))
                    .unwrap_or_else(|| "—".into()),
            )],
        ),
        fact(
            t.t("dashboard.immersion_days"),
            vec![Inline::text(t.int(&d.immersion_days))],
        ),
        fact(
            t.t("dashboard.lending_hours"),
            vec![Inline::text(t.int(&d.lending_hours))],
        ),
        fact(
            t.t("partnership.flows_total"),
            vec![Inline::text(euros(t, flows))],
        ),
    ]
}

fn timeline(d: &SheetData, t: &Tr, today: NaiveDate) -> Timeline {
    Timeline {
        title: t.t("sheet.timeline_caption").to_owned(),
        bars: d
            .partnership
            .data
            .forms
            .iter()
            .map(|f| Bar {
                label: f.form.label(t.lang).to_owned(),
                family: f.form.family(),
                start: f.started_on,
                end: f.ended_on,
            })
            .collect(),
        events: d.interactions.iter().map(|i| i.data.occurred_on).collect(),
        events_label: t.t("sheet.events").to_owned(),
        today,
    }
}

/// The timeline in words, for readers who do not see the picture.
fn timeline_alt(d: &SheetData, t: &Tr) -> String {
    let forms: Vec<String> = d
        .partnership
        .data
        .forms
        .iter()
        .map(|f| {
            format!(
                "{} ({} – {})",
                f.form.label(t.lang),
                f.started_on
                    .map(|x| t.date(&x))
                    .unwrap_or_else(|| "?".into()),
                f.ended_on.map(|x| t.date(&x)).unwrap_or_else(|| "…".into())
            )
        })
        .collect();
    t.f(
        "sheet.timeline_alt",
        &[
            ("forms", &forms.join(" ; ")),
            ("events", &d.interactions.len().to_string()),
        ],
    )
}
