//! The territorial map: partners counted per département, as a choropleth with classes and a
//! legend; metropolitan France with the five overseas départements as insets.
//!
//! Contours: SVG paths of `@gouvfr/dsfr-chart` 2.0.4 (MIT), extracted and embedded by
//! `scripts/refdata/contours.sh` (`data/departements.tsv.gz`). No commune contours are
//! embedded, so partners are counted in their département rather than drawn at their commune;
//! partners without a commune, and those whose département is not on the map (unknown code,
//! overseas collectivités), are counted in the legend.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::io::Read;
use std::sync::OnceLock;

use partinnov_domain::lang::Lang;

use crate::model::View;
use crate::style::{FONT_FAMILY, INK, MUTED, PAPER, RULE, format_int, type_scale};
use crate::texts::{Text, t};
use crate::xml::{escape, num, truncate};

static CONTOURS_GZ: &[u8] = include_bytes!("../data/departements.tsv.gz");

/// One département's outline, in its frame's coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Contour {
    pub code: String,
    /// `0 0 W H` of the frame the path is drawn in (metropolitan France: 1010×1010).
    pub view_box: (f64, f64),
    pub path: String,
}

/// The 101 départements (96 metropolitan, 5 overseas), by code.
pub fn contours() -> &'static [Contour] {
    static CELL: OnceLock<Vec<Contour>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut text = String::new();
        flate2::read::GzDecoder::new(CONTOURS_GZ)
            .read_to_string(&mut text)
            .expect("embedded contours are valid gzip");
        text.lines()
            .filter_map(|line| {
                let mut cells = line.split('\t');
                let code = cells.next()?.to_owned();
                let vb: Vec<f64> = cells
                    .next()?
                    .split(' ')
                    .filter_map(|n| n.parse().ok())
                    .collect();
                let path = cells.next()?.to_owned();
                Some(Contour {
                    code,
                    view_box: (*vb.get(2)?, *vb.get(3)?),
                    path,
                })
            })
            .collect()
    })
}

/// Sequential blues (ColorBrewer "Blues", readable with the common colour-vision deficiencies),
/// lightest first; zero is paler still.
pub const CLASS_COLOURS: [&str; 5] = ["#DEEBF7", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C"];
pub const ZERO_COLOUR: &str = "#F2F2F2";

/// Upper bounds of up to five classes for counts up to `max` (each class `prev+1..=bound`).
pub fn classes(max: u32) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    for f in [0.1, 0.25, 0.5, 0.75, 1.0] {
        let b = ((f64::from(max) * f).ceil() as u32).max(1);
        if out.last().is_none_or(|l| b > *l) {
            out.push(b);
        }
    }
    if max == 0 {
        out.clear();
    }
    out
}

fn class_of(bounds: &[u32], n: u32) -> Option<usize> {
    if n == 0 {
        return None;
    }
    bounds
        .iter()
        .position(|b| n <= *b)
        .or(Some(bounds.len().saturating_sub(1)))
}

/// What the map counts, for the table beside it as well.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapCounts {
    /// Partners per département code on the map.
    pub by_departement: BTreeMap<String, u32>,
    /// Partners per région code (when the partner has one).
    pub by_region: BTreeMap<String, u32>,
    /// Partners with no commune.
    pub without_commune: u32,
    /// Partners whose département is not on the map (unknown commune, overseas collectivité).
    pub off_map: u32,
}

pub fn counts(view: &View<'_>) -> MapCounts {
    let known: std::collections::BTreeSet<&str> =
        contours().iter().map(|c| c.code.as_str()).collect();
    let mut out = MapCounts::default();
    for pv in &view.partners {
        let o = view.organisation(pv);
        if let Some(r) = &o.region {
            *out.by_region.entry(r.clone()).or_default() += 1;
        }
        match (&o.commune_code, &o.departement) {
            (None, None) => out.without_commune += 1,
            (_, Some(d)) if known.contains(d.as_str()) => {
                *out.by_departement.entry(d.clone()).or_default() += 1;
            }
            _ => out.off_map += 1,
        }
    }
    out
}

#[derive(Debug, Clone)]
pub struct MapOptions {
    pub lang: Lang,
    pub title: String,
    pub id: String,
    /// Names of the départements by code (for titles and accessible names).
    pub names: BTreeMap<String, String>,
    /// When set, each département links to this followed by its code (a filtered page).
    pub href_prefix: Option<String>,
}

const OVERSEAS: [&str; 5] = ["971", "972", "973", "974", "976"];

/// The choropleth as a standalone SVG document.
pub fn map_svg(view: &View<'_>, opts: &MapOptions) -> String {
    let lang = opts.lang;
    let c = counts(view);
    let max = c.by_departement.values().copied().max().unwrap_or(0);
    let bounds = classes(max);
    let scale = 0.62;
    let (inset_w, inset_h) = (120.0, 74.0);
    let metro_x = inset_w + 30.0;
    let top = 56.0;
    let metro_size = 1010.0 * scale;
    let legend_x = metro_x + metro_size + 24.0;
    let width = legend_x + 300.0;
    let height = top + metro_size + 20.0;
    let id = escape(&opts.id);
    let mut s = String::with_capacity(64 * 1024);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" class=\"carto carto-map\" font-family=\"{}\" font-size=\"{}\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc><rect width=\"{w}\" height=\"{h}\" fill=\"{PAPER}\"/>",
        escape(FONT_FAMILY),
        num(type_scale::BODY),
        escape(&opts.title),
        escape(&crate::graph::summary(view, lang)),
        w = num(width),
        h = num(height),
    );
    s.push_str("<style>a:focus>path,a:hover>path{stroke:#000;stroke-width:2}</style>");
    let _ = write!(
        s,
        "<text x=\"10\" y=\"28\" font-size=\"{}\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
        num(type_scale::HEADING),
        escape(&truncate(&opts.title, 90))
    );
    let dep = |s: &mut String, contour: &Contour, transform: &str, stroke_w: f64| {
        let n = c.by_departement.get(&contour.code).copied().unwrap_or(0);
        let fill = class_of(&bounds, n).map_or(ZERO_COLOUR, |k| CLASS_COLOURS[k.min(4)]);
        let name = opts
            .names
            .get(&contour.code)
            .map_or(contour.code.as_str(), String::as_str);
        let label = format!(
            "{name} ({}) : {} {}",
            contour.code,
            format_int(i64::from(n), lang),
            crate::texts::counted(lang, i64::from(n), Text::Partners)
        );
        let path = format!(
            "<path d=\"{}\" transform=\"{transform}\" fill=\"{fill}\" stroke=\"#9A9A9A\" stroke-width=\"{}\" stroke-linejoin=\"round\"/>",
            escape(&contour.path),
            num(stroke_w)
        );
        match &opts.href_prefix {
            Some(prefix) if n > 0 => {
                let _ = write!(
                    s,
                    "<a href=\"{}{}\" aria-label=\"{}\"><title>{}</title>{path}</a>",
                    escape(prefix),
                    escape(&contour.code),
                    escape(&label),
                    escape(&label)
                );
            }
            _ => {
                let _ = write!(s, "<g><title>{}</title>{path}</g>", escape(&label));
            }
        }
    };
    s.push_str("<g class=\"metro\">");
    let metro_t = format!("translate({} {}) scale({scale})", num(metro_x), num(top));
    for contour in contours()
        .iter()
        .filter(|c| !OVERSEAS.contains(&c.code.as_str()))
    {
        dep(&mut s, contour, &metro_t, 0.9);
    }
    s.push_str("</g><g class=\"overseas\">");
    for (i, code) in OVERSEAS.iter().enumerate() {
        let Some(contour) = contours().iter().find(|c| c.code == *code) else {
            continue;
        };
        let y = top + i as f64 * (inset_h + 40.0);
        let (vw, vh) = contour.view_box;
        let k = ((inset_w - 10.0) / vw).min((inset_h - 10.0) / vh);
        let x = 10.0 + (inset_w - vw * k) / 2.0;
        let _ = write!(
            s,
            "<rect x=\"10\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{RULE}\"/>",
            num(y),
            num(inset_w),
            num(inset_h)
        );
        dep(
            &mut s,
            contour,
            &format!("translate({} {}) scale({})", num(x), num(y + 5.0), num(k)),
            0.8 / k,
        );
        let name = opts.names.get(*code).map_or(*code, String::as_str);
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{INK}\">{}</text>",
            num(10.0 + inset_w / 2.0),
            num(y + inset_h + 15.0),
            num(type_scale::SMALL),
            escape(&truncate(name, 20))
        );
    }
    s.push_str("</g>");

    // Legend: classes, then what is not on the map.
    let mut y = top + 10.0;
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
        num(legend_x),
        num(y),
        escape(t(lang, Text::PartnersPerDepartement))
    );
    y += 22.0;
    let mut rows: Vec<(String, &str)> = vec![("0".to_owned(), ZERO_COLOUR)];
    let mut lo = 1;
    for (k, b) in bounds.iter().enumerate() {
        let label = if lo == *b {
            format_int(i64::from(*b), lang)
        } else {
            format!(
                "{} – {}",
                format_int(i64::from(lo), lang),
                format_int(i64::from(*b), lang)
            )
        };
        rows.push((label, CLASS_COLOURS[k.min(4)]));
        lo = b + 1;
    }
    for (label, colour) in rows {
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"22\" height=\"16\" fill=\"{colour}\" stroke=\"{RULE}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"{INK}\">{}</text>",
            num(legend_x),
            num(y - 12.0),
            num(legend_x + 32.0),
            num(y),
            escape(&label)
        );
        y += 22.0;
    }
    y += 10.0;
    for line in crate::graph::summary(view, lang).splitn(2, " · ") {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" fill=\"{MUTED}\">{}</text>",
            num(legend_x),
            num(y),
            escape(line)
        );
        y += 18.0;
    }
    y += 6.0;
    for (n, text) in [
        (c.without_commune, Text::WithoutCommune),
        (c.off_map, Text::OffMap),
    ] {
        if n > 0 {
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" fill=\"{INK}\">{} {} {}</text>",
                num(legend_x),
                num(y),
                format_int(i64::from(n), lang),
                crate::texts::counted(lang, i64::from(n), Text::Partners),
                escape(t(lang, text))
            );
            y += 20.0;
        }
    }
    if view.partners.is_empty() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{MUTED}\">{}</text>",
            num(metro_x + metro_size / 2.0),
            num(top + metro_size / 2.0),
            num(type_scale::HEADING),
            escape(t(lang, Text::NoPartner))
        );
    }
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" fill=\"{MUTED}\" font-size=\"{}\">{}</text>",
        num(legend_x),
        num(height - 12.0),
        num(type_scale::SMALL),
        escape(t(lang, Text::MapSource))
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_contours_cover_the_101_departements() {
        let all = contours();
        assert_eq!(all.len(), 101);
        for code in [
            "01", "2A", "2B", "75", "95", "971", "972", "973", "974", "976",
        ] {
            assert!(all.iter().any(|c| c.code == code), "{code}");
        }
        assert!(all.iter().all(|c| c.path.len() > 20));
    }

    #[test]
    fn classes_grow_and_cover_the_maximum() {
        assert_eq!(classes(0), Vec::<u32>::new());
        assert_eq!(classes(1), [1]);
        assert_eq!(classes(3), [1, 2, 3]);
        assert_eq!(classes(40), [4, 10, 20, 30, 40]);
        assert_eq!(class_of(&classes(40), 40), Some(4));
        assert_eq!(class_of(&classes(40), 1), Some(0));
        assert_eq!(class_of(&classes(40), 0), None);
    }
}
