//! The cartography of a workspace as a document: the network graph, the map of partners by
//! département, the partner × form matrix and the families × state heat map, each with its
//! legend (drawn in the picture) and its figures as a table, so the printed page reads
//! without the pictures too. The same filters and day as the cartography page.

use chrono::NaiveDate;
use partinnov_domain::typology::Family;
use partinnov_render::{
    LinkState, Selection,
    document::{Block, Document, Inline, Picture, Table},
    graph_svg, map, matrix,
};
use partinnov_store::carto::CartoData;

use super::{blank, cell, heading};
use crate::{carto, i18n::Tr};

/// The document of the cartography of `name` (a workspace, or the caller's network).
pub fn document(
    data: &CartoData,
    name: &str,
    sel: &Selection,
    t: &Tr,
    today: NaiveDate,
) -> Document {
    let lang = t.lang;
    let carto_data = carto::to_carto(data);
    let view = carto_data.view(sel);
    let mut doc = blank(
        t,
        t.f("doc.carto_title", &[("name", name)]),
        Some(t.f("doc.carto_as_of", &[("date", &t.date(&sel.as_of))])),
        today,
    );
    let b = &mut doc.blocks;
    let summary = partinnov_render::graph::summary(&view, lang);
    b.push(Block::Paragraph(vec![Inline::text(summary.clone())]));

    let title = carto::title(t, name);
    b.push(heading(1, t.t("carto.graph")));
    b.push(Block::Picture(Picture {
        svg: graph_svg(&view, &carto::graph_options(lang, &title)),
        caption: title.clone(),
        alt: summary,
    }));
    let rows: Vec<Vec<Vec<Inline>>> = view
        .partners
        .iter()
        .map(|pv| {
            let o = view.organisation(pv);
            let state = pv
                .centres
                .iter()
                .map(|c| view.edge(pv, *c).0)
                .min()
                .unwrap_or(LinkState::Ended);
            let forms = pv
                .current_forms
                .iter()
                .map(|f| f.label(lang))
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                cell(&o.name),
                cell(o.group().label(lang)),
                if forms.is_empty() {
                    cell(t.t("carto.no_current_form"))
                } else {
                    cell(&forms)
                },
                cell(state.status().label(lang)),
                cell(&match (&o.commune_name, &o.departement) {
                    (Some(n), Some(d)) => format!("{n} ({d})"),
                    (Some(n), None) => n.clone(),
                    _ => t.t("carto.without_commune").to_owned(),
                }),
            ]
        })
        .collect();
    if rows.is_empty() {
        b.push(Block::Paragraph(vec![Inline::Missing]));
    } else {
        b.push(Block::Table(Table {
            headers: [
                "field.name",
                "field.partner_kind",
                "field.forms",
                "field.status",
                "field.commune",
            ]
            .iter()
            .map(|k| t.t(k).to_owned())
            .collect(),
            rows,
            numeric: vec![false; 5],
            widths: vec![0.28, 0.16, 0.24, 0.12, 0.2],
            caption: None,
        }));
    }

    b.push(Block::PageBreak);
    let map_title = t.f("carto.map_title", &[("name", name)]);
    b.push(heading(1, t.t("doc.carto_map")));
    let choice = carto::MapChoice {
        level: map::Level::Departement,
        zoom: map::Zoom::France,
    };
    let counts = map::counts(&view, choice.level, &choice.zoom);
    b.push(Block::Picture(Picture {
        svg: carto::map_svg(&view, lang, &map_title, None, &choice),
        caption: map_title,
        alt: counts
            .by_departement
            .iter()
            .map(|(code, n)| format!("{code} : {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    }));
    if !counts.by_departement.is_empty() {
        b.push(Block::Table(Table {
            headers: vec![
                t.t("field.departement").to_owned(),
                t.t("doc.partners_count").to_owned(),
            ],
            rows: counts
                .by_departement
                .iter()
                .map(|(code, n)| {
                    let name =
                        partinnov_interop::geo::departement(code).map_or(code.as_str(), |d| d.name);
                    vec![
                        cell(&format!("{name} ({code})")),
                        cell(&t.int(&i64::from(*n))),
                    ]
                })
                .collect(),
            numeric: vec![false, true],
            widths: vec![0.7, 0.3],
            caption: None,
        }));
    }

    b.push(Block::PageBreak);
    let matrix_title = t.f("carto.matrix_title", &[("name", name)]);
    b.push(heading(1, t.t("doc.carto_matrix")));
    b.push(Block::Picture(Picture {
        svg: matrix::form_matrix_svg(&view, lang, &matrix_title, "matrice"),
        caption: matrix_title.clone(),
        alt: matrix_title,
    }));
    let status_title = t.f("carto.status_title", &[("name", name)]);
    b.push(Block::Picture(Picture {
        svg: matrix::status_matrix_svg(&view, lang, &status_title, "statuts"),
        caption: status_title.clone(),
        alt: status_title,
    }));
    let status_counts = matrix::status_counts(&view);
    let mut headers = vec![t.t("field.family").to_owned()];
    headers.extend(
        LinkState::ALL
            .iter()
            .map(|s| s.status().label(lang).to_owned()),
    );
    let n = headers.len();
    b.push(Block::Table(Table {
        headers,
        rows: status_counts
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut r = vec![cell(
                    Family::ALL
                        .get(i)
                        .map_or(t.t("carto.no_current_form"), |f| f.label(lang)),
                )];
                r.extend(row.iter().map(|c| cell(&t.int(&i64::from(*c)))));
                r
            })
            .collect(),
        numeric: (0..n).map(|i| i > 0).collect(),
        widths: vec![],
        caption: None,
    }));
    doc
}
