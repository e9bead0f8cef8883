//! The timeline of one partnership: a bar per form over the years it ran, in its family's
//! colour, and a tick per dated interaction underneath. Used by the capitalisation sheet.
//!
//! A form with no known start begins at the earliest date of the picture and one with no
//! end runs to `today`; both open sides are drawn dashed, so a guess never looks like a fact.

use chrono::{Datelike, NaiveDate};
use partinnov_domain::typology::Family;

use crate::{
    style::{INK, MUTED, RULE, family_colour},
    xml::{escape, num, truncate},
};

/// One bar: a form of the partnership and its dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub family: Family,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// Spoken title of the picture (`aria-label`).
    pub title: String,
    pub bars: Vec<Bar>,
    /// Dated interactions (meetings, visits, donations…): one tick each.
    pub events: Vec<NaiveDate>,
    /// Label of the ticks' lane ("Échanges").
    pub events_label: String,
    pub today: NaiveDate,
}

const WIDTH: f64 = 640.0;
const LABEL_W: f64 = 210.0;
const ROW: f64 = 24.0;
const TOP: f64 = 26.0;

/// The picture, or `None` when nothing in it is dated (no bar and no event would be placed).
pub fn timeline_svg(t: &Timeline) -> Option<String> {
    let dates: Vec<NaiveDate> = t
        .bars
        .iter()
        .flat_map(|b| [b.start, b.end])
        .flatten()
        .chain(t.events.iter().copied())
        .collect();
    let first = *dates.iter().min()?;
    let last = dates.iter().copied().max()?.max(t.today);
    // Whole years, so that the grid falls on 1 January.
    let from = NaiveDate::from_ymd_opt(first.year(), 1, 1)?;
    let to = NaiveDate::from_ymd_opt(last.year() + 1, 1, 1)?;
    let span = (to - from).num_days().max(1) as f64;
    let x_of =
        |d: NaiveDate| LABEL_W + (d - from).num_days() as f64 / span * (WIDTH - LABEL_W - 10.0);

    let lanes = t.bars.len() + usize::from(!t.events.is_empty());
    let height = TOP + ROW * lanes.max(1) as f64 + 8.0;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{title}" font-family="DejaVu Sans, sans-serif" font-size="11">"#,
        w = num(WIDTH),
        h = num(height),
        title = escape(&t.title),
    );
    // Year grid: a line and a label at each 1 January; every other label when crowded.
    let years = to.year() - from.year();
    let step = if years > 12 { 2 } else { 1 };
    for y in (from.year()..=to.year()).step_by(step as usize) {
        let Some(d) = NaiveDate::from_ymd_opt(y, 1, 1) else {
            continue;
        };
        let x = num(x_of(d));
        s.push_str(&format!(
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{RULE}"/>"#,
            num(TOP - 6.0),
            num(height - 4.0)
        ));
        if y < to.year() {
            s.push_str(&format!(
                r#"<text x="{}" y="{}" fill="{MUTED}">{y}</text>"#,
                num(x_of(d) + 3.0),
                num(TOP - 10.0)
            ));
        }
    }
    for (i, b) in t.bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let colour = family_colour(b.family);
        let x0 = x_of(b.start.unwrap_or(from));
        let x1 = x_of(b.end.unwrap_or(t.today)).max(x0 + 3.0);
        s.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end" fill="{INK}">{}</text>"#,
            num(LABEL_W - 8.0),
            num(y + 14.0),
            escape(&truncate(&b.label, 34))
        ));
        s.push_str(&format!(
            r#"<rect x="{}" y="{}" width="{}" height="14" fill="{colour}" fill-opacity="0.85"/>"#,
            num(x0),
            num(y + 3.0),
            num(x1 - x0)
        ));
        for (open, x) in [(b.start.is_none(), x0), (b.end.is_none(), x1)] {
            if open {
                s.push_str(&format!(
                    r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{INK}" stroke-dasharray="2 2"/>"#,
                    num(y + 1.0),
                    num(y + 19.0),
                    x = num(x)
                ));
            }
        }
    }
    if !t.events.is_empty() {
        let y = TOP + ROW * t.bars.len() as f64;
        s.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end" fill="{MUTED}">{}</text>"#,
            num(LABEL_W - 8.0),
            num(y + 14.0),
            escape(&t.events_label)
        ));
        for d in &t.events {
            let x = num(x_of(*d));
            s.push_str(&format!(
                r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{INK}" stroke-width="1.5"/>"#,
                num(y + 3.0),
                num(y + 17.0)
            ));
        }
    }
    s.push_str("</svg>");
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn sample() -> Timeline {
        Timeline {
            title: "Frise".into(),
            bars: vec![
                Bar {
                    label: "Don de tissus".into(),
                    family: Family::Mecenat,
                    start: Some(day(2018, 3, 1)),
                    end: Some(day(2019, 6, 30)),
                },
                Bar {
                    label: "Sous-traitance".into(),
                    family: Family::CooperationEconomique,
                    start: Some(day(2019, 7, 1)),
                    end: None,
                },
            ],
            events: vec![day(2019, 1, 10), day(2020, 1, 23)],
            events_label: "Échanges".into(),
            today: day(2026, 11, 23),
        }
    }

    #[test]
    fn each_form_is_a_bar_in_its_family_colour_and_each_event_a_tick() {
        let svg = timeline_svg(&sample()).unwrap();
        assert!(roxmltree::Document::parse(&svg).is_ok());
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(family_colour(Family::Mecenat)));
        assert!(svg.contains(family_colour(Family::CooperationEconomique)));
        assert!(svg.contains(">2018<") && svg.contains(">2026<"));
        assert!(svg.contains("Échanges"));
        // The open end of the subcontracting is dashed; the closed gift is not.
        assert_eq!(svg.matches("stroke-dasharray").count(), 1);
    }

    #[test]
    fn nothing_dated_gives_no_picture() {
        let mut t = sample();
        for b in &mut t.bars {
            b.start = None;
            b.end = None;
        }
        t.events.clear();
        assert_eq!(timeline_svg(&t), None);
    }

    #[test]
    fn labels_are_escaped() {
        let mut t = sample();
        t.bars[0].label = "Dons <b> & co".into();
        let svg = timeline_svg(&t).unwrap();
        assert!(svg.contains("Dons &lt;b&gt; &amp; co"));
    }
}
