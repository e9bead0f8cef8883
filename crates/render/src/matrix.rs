//! The partner × form matrix and the families × state heat map, as data (for the HTML table
//! beside the picture) and as SVG.

use std::fmt::Write;

use partinnov_domain::{
    lang::Lang,
    typology::{Family, Form},
};

use crate::model::{LinkState, View, family_index};
use crate::style::{
    FONT_FAMILY, INK, MUTED, NEUTRAL, PAPER, RULE, family_colour, format_int, type_scale,
};
use crate::texts::{Text, t};
use crate::xml::{escape, num, truncate};

/// Rows drawn in the SVG matrix; the table beside it has them all.
pub const MAX_SVG_ROWS: usize = 200;

/// One cell: whether the partner has this form on the day drawn, had it before, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Absent,
    Past,
    Current,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormRow {
    /// Index in [`View::partners`].
    pub partner: usize,
    pub name: String,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormMatrix {
    /// Columns: the forms that occur in the view, in typology order.
    pub forms: Vec<Form>,
    /// Partners with the most current forms first, then by name.
    pub rows: Vec<FormRow>,
}

/// Partners × forms on the day drawn.
pub fn form_matrix(view: &View<'_>) -> FormMatrix {
    let day = view.selection.as_of;
    let mut forms: Vec<Form> = view
        .links
        .iter()
        .flat_map(|l| view.partnership(l).forms.iter())
        .filter(|f| f.start.is_none_or(|s| s <= day))
        .map(|f| f.form)
        .collect();
    forms.sort();
    forms.dedup();
    let mut rows: Vec<FormRow> = view
        .partners
        .iter()
        .enumerate()
        .map(|(i, pv)| {
            let cells = forms
                .iter()
                .map(|form| {
                    if pv.current_forms.contains(form) {
                        return Cell::Current;
                    }
                    let had = pv.links.iter().any(|li| {
                        view.partnership(&view.links[*li])
                            .forms
                            .iter()
                            .any(|f| f.form == *form && f.start.is_none_or(|s| s <= day))
                    });
                    if had { Cell::Past } else { Cell::Absent }
                })
                .collect();
            FormRow {
                partner: i,
                name: view
                    .organisation(pv)
                    .name
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                cells,
            }
        })
        .collect();
    rows.sort_by_key(|r| {
        (
            std::cmp::Reverse(r.cells.iter().filter(|c| **c == Cell::Current).count()),
            r.partner,
        )
    });
    FormMatrix { forms, rows }
}

fn svg_open(s: &mut String, w: f64, h: f64, id: &str, title: &str, desc: &str, class: &str) {
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" class=\"carto {class}\" font-family=\"{}\" font-size=\"{}\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc><rect width=\"{w}\" height=\"{h}\" fill=\"{PAPER}\"/>",
        escape(FONT_FAMILY),
        num(type_scale::BODY),
        escape(title),
        escape(desc),
        w = num(w),
        h = num(h),
        id = escape(id),
    );
}

/// The partner × form matrix as a heat map: a filled cell for a current form, a pale one for
/// a form the partner had before, in the colour of the form's family.
pub fn form_matrix_svg(view: &View<'_>, lang: Lang, title: &str, id: &str) -> String {
    let m = form_matrix(view);
    let cell = 20.0;
    let name_w = 230.0;
    let header_chars = 28;
    let header_h = 24.0 + text_len(header_chars) * 0.77;
    let shown = m.rows.len().min(MAX_SVG_ROWS);
    let w = (name_w + cell * m.forms.len() as f64 + 140.0).max(520.0);
    let foot = 70.0;
    let h = 40.0 + header_h + cell * shown as f64 + foot;
    let mut s = String::new();
    let desc = format!(
        "{} · {} {} · {} {}",
        crate::graph::summary(view, lang),
        format_int(m.forms.len() as i64, lang),
        t(lang, Text::Forms).to_lowercase(),
        format_int(shown as i64, lang),
        t(lang, Text::Partners)
    );
    svg_open(&mut s, w, h, id, title, &desc, "carto-matrix");
    let _ = write!(
        s,
        "<text x=\"10\" y=\"24\" font-size=\"{}\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
        num(type_scale::HEADING),
        escape(&truncate(title, 80))
    );
    let top = 40.0 + header_h;
    if m.rows.is_empty() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{MUTED}\">{}</text></svg>",
            num(w / 2.0),
            num(top),
            num(type_scale::HEADING),
            escape(t(lang, Text::NoPartner))
        );
        return s;
    }
    // Column headers, slanted, with a band in the family colour.
    for (j, form) in m.forms.iter().enumerate() {
        let x = name_w + cell * j as f64 + cell / 2.0;
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"6\" fill=\"{}\"/>",
            num(name_w + cell * j as f64),
            num(top - 8.0),
            num(cell),
            family_colour(form.family())
        );
        let _ = write!(
            s,
            "<text transform=\"translate({} {}) rotate(-50)\" font-size=\"{}\" fill=\"{INK}\"><title>{}</title>{}</text>",
            num(x + 3.0),
            num(top - 12.0),
            num(type_scale::SMALL),
            escape(form.label(lang)),
            escape(&truncate(form.label(lang), header_chars))
        );
    }
    for (i, row) in m.rows.iter().take(shown).enumerate() {
        let y = top + cell * i as f64;
        if i % 2 == 0 {
            let _ = write!(
                s,
                "<rect x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#F4F4F4\"/>",
                num(y),
                num(name_w + cell * m.forms.len() as f64),
                num(cell)
            );
        }
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"{}\" fill=\"{INK}\"><title>{}</title>{}</text>",
            num(name_w - 8.0),
            num(y + cell * 0.7),
            num(type_scale::SMALL),
            escape(&row.name),
            escape(&truncate(&row.name, 34))
        );
        for (j, c) in row.cells.iter().enumerate() {
            let colour = family_colour(m.forms[j].family());
            let x = name_w + cell * j as f64 + 2.0;
            let attrs = match c {
                Cell::Absent => continue,
                Cell::Current => format!("fill=\"{colour}\""),
                Cell::Past => format!(
                    "fill=\"{colour}\" fill-opacity=\"0.25\" stroke=\"{colour}\" stroke-dasharray=\"2 2\""
                ),
            };
            let state = match c {
                Cell::Current => t(lang, Text::Active),
                _ => LinkState::Ended.status().label(lang),
            };
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {attrs}><title>{} — {} ({state})</title></rect>",
                num(x),
                num(y + 2.0),
                num(cell - 4.0),
                num(cell - 4.0),
                escape(&row.name),
                escape(m.forms[j].label(lang)),
            );
        }
    }
    // Grid lines between families.
    for (j, form) in m.forms.iter().enumerate() {
        if j > 0 && m.forms[j - 1].family() != form.family() {
            let x = name_w + cell * j as f64;
            let _ = write!(
                s,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{RULE}\"/>",
                num(top),
                num(top + cell * shown as f64),
                x = num(x)
            );
        }
    }
    let mut y = top + cell * shown as f64 + 24.0;
    let _ = write!(
        s,
        "<rect x=\"10\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{NEUTRAL}\"/><text x=\"30\" y=\"{}\" fill=\"{INK}\">{}</text>\
         <rect x=\"200\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{NEUTRAL}\" fill-opacity=\"0.25\" stroke=\"{NEUTRAL}\" stroke-dasharray=\"2 2\"/>\
         <text x=\"220\" y=\"{}\" fill=\"{INK}\">{}</text>",
        num(y - 11.0),
        num(y),
        escape(t(lang, Text::Active)),
        num(y - 11.0),
        num(y),
        escape(LinkState::Ended.status().label(lang)),
    );
    y += 22.0;
    if shown < m.rows.len() {
        let _ = write!(
            s,
            "<text x=\"10\" y=\"{}\" fill=\"{MUTED}\" font-size=\"{}\">{} / {} {}</text>",
            num(y),
            num(type_scale::SMALL),
            format_int(shown as i64, lang),
            format_int(m.rows.len() as i64, lang),
            escape(t(lang, Text::LabelsShown))
        );
    }
    s.push_str("</svg>");
    s
}

fn text_len(chars: usize) -> f64 {
    chars as f64 * type_scale::SMALL * crate::style::CHAR_WIDTH
}

/// Number of partnerships per family (rows; the last row: no form) and state (columns,
/// [`LinkState::ALL`] order). A partnership with forms of two families counts in both.
pub fn status_counts(view: &View<'_>) -> Vec<[u32; 4]> {
    let mut counts = vec![[0u32; 4]; Family::ALL.len() + 1];
    for l in &view.links {
        let col = LinkState::ALL
            .iter()
            .position(|s| *s == l.state)
            .unwrap_or(0);
        if l.families.is_empty() {
            counts[Family::ALL.len()][col] += 1;
        }
        for f in &l.families {
            counts[family_index(*f)][col] += 1;
        }
    }
    counts
}

/// Families × state as a heat map, each row in its family's colour, darker for more.
pub fn status_matrix_svg(view: &View<'_>, lang: Lang, title: &str, id: &str) -> String {
    let counts = status_counts(view);
    let max = counts.iter().flatten().copied().max().unwrap_or(0).max(1);
    let (label_w, cw, ch) = (220.0, 110.0, 34.0);
    let w = label_w + cw * 4.0 + 20.0;
    let h = 90.0 + ch * counts.len() as f64 + 40.0;
    let mut s = String::new();
    svg_open(
        &mut s,
        w,
        h,
        id,
        title,
        &crate::graph::summary(view, lang),
        "carto-status",
    );
    let _ = write!(
        s,
        "<text x=\"10\" y=\"24\" font-size=\"{}\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
        num(type_scale::HEADING),
        escape(&truncate(title, 60))
    );
    let top = 80.0;
    for (j, st) in LinkState::ALL.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
            num(label_w + cw * j as f64 + cw / 2.0),
            num(top - 10.0),
            escape(st.status().label(lang))
        );
    }
    for (i, row) in counts.iter().enumerate() {
        let y = top + ch * i as f64;
        let (label, colour) = match Family::ALL.get(i) {
            Some(f) => (f.label(lang), family_colour(*f)),
            None => (t(lang, Text::NoCurrentForm), NEUTRAL),
        };
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{INK}\">{}</text>",
            num(label_w - 10.0),
            num(y + ch * 0.62),
            escape(label)
        );
        for (j, n) in row.iter().enumerate() {
            let x = label_w + cw * j as f64;
            let share = f64::from(*n) / f64::from(max);
            let opacity = if *n == 0 { 0.0 } else { 0.15 + 0.85 * share };
            // White only on the two dark colours when nearly opaque (contrast ≥ 4.5:1).
            let dark = matches!(
                Family::ALL.get(i),
                Some(Family::CooperationEconomique | Family::PratiquesResponsables)
            );
            let text_colour = if dark && opacity > 0.75 { PAPER } else { INK };
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\" fill-opacity=\"{:.2}\" stroke=\"{RULE}\"/>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{text_colour}\">{}</text>",
                num(x),
                num(y),
                num(cw),
                num(ch),
                opacity,
                num(x + cw / 2.0),
                num(y + ch * 0.62),
                format_int(i64::from(*n), lang)
            );
        }
    }
    let _ = write!(
        s,
        "<text x=\"10\" y=\"{}\" fill=\"{MUTED}\" font-size=\"{}\">{}</text></svg>",
        num(top + ch * counts.len() as f64 + 24.0),
        num(type_scale::SMALL),
        escape(t(lang, Text::Count))
    );
    s
}
