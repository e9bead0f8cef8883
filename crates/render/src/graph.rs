//! The network graph: the structure at the centre (or the structures, across workspaces),
//! partners around it, one edge per partner and structure coloured by family.
//!
//! Layout, deterministic and computed here: partners are ordered by sector (the family of
//! most of their current forms; across workspaces, shared partners first and then one sector
//! per structure), then by number of current forms and name, and placed on concentric rings,
//! consecutive partners on consecutive rings so that neighbours never touch. The number of
//! rings grows with the number of partners (up to 14, then the rings grow wider): 3,000
//! partners still give separate nodes. Labels go outside their node, biggest nodes first, and
//! only where they overlap no other label or node; every name is in the node's `<title>`, its
//! `aria-label` and the table beside the picture.

use std::f64::consts::PI;
use std::fmt::Write;

use partinnov_domain::{kind::KindGroup, lang::Lang, typology::Family};

use crate::model::{LinkState, PartnerView, View, family_index};
use crate::shapes::{marker_open, shape_open};
use crate::style::{
    DASH_INACTIVE, FONT_FAMILY, INK, MUTED, NEUTRAL, PAPER, family_colour, family_marker,
    kind_shape, text_width, type_scale,
};
use crate::texts::{Text, date, t};
use crate::xml::{escape, num, truncate};

/// Above this many partners, edges are drawn thin, one per partner, without markers.
const DENSE: usize = 300;
/// Longest label drawn; the full name is in `<title>`.
pub const LABEL_CHARS: usize = 30;
const LEGEND_WIDTH: f64 = 310.0;
const DOTTED: &str = "1.5 3.5";

#[derive(Debug, Clone)]
pub struct GraphOptions {
    pub lang: Lang,
    pub title: String,
    /// Prefix of the ids inside the picture, so that several can share a page.
    pub id: String,
}

/// Where everything goes, in picture coordinates (origin at the centre of the rings).
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub centres: Vec<(f64, f64)>,
    /// Same order as [`View::partners`].
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    pub x: f64,
    pub y: f64,
    pub r: f64,
    pub angle: f64,
    /// 0 for the innermost ring.
    pub ring: usize,
}

fn base_radius(n: usize) -> f64 {
    if n <= 60 {
        8.0
    } else if n <= 400 {
        5.5
    } else {
        3.5
    }
}

fn node_radius(base: f64, forms: usize) -> f64 {
    base * (1.0 + 0.45 * (forms.min(9) as f64).sqrt())
}

fn sector(view: &View<'_>, pv: &PartnerView) -> usize {
    if view.carto.centres.len() <= 1 {
        pv.main_family.map_or(Family::ALL.len(), family_index)
    } else if pv.centres.len() > 1 {
        0
    } else {
        1 + pv.centres.first().copied().unwrap_or(0)
    }
}

/// Computes the positions of centres and partners.
pub fn layout(view: &View<'_>) -> Layout {
    let n = view.partners.len();
    let c = view.carto.centres.len().max(1);
    let base = base_radius(n);
    let max_r = node_radius(base, 9);
    let mut spacing = 2.0 * max_r + 3.0;
    if n <= 60 {
        // Room for one label line between neighbours.
        spacing = spacing.max(17.0);
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| {
        let pv = &view.partners[i];
        (
            sector(view, pv),
            std::cmp::Reverse(pv.current_forms.len()),
            i,
        )
    });
    let sectors: Vec<usize> = {
        let mut s: Vec<usize> = order
            .iter()
            .map(|&i| sector(view, &view.partners[i]))
            .collect();
        s.dedup();
        s
    };
    let centre_ring = if c > 1 { 60.0 + 25.0 * c as f64 } else { 0.0 };
    let r0_min = 150.0_f64.max(centre_ring + 130.0);
    let rings_for = |slots: usize| -> usize {
        let need = spacing * slots as f64 / (2.0 * PI * r0_min);
        (need.ceil() as usize).clamp(1, 14)
    };
    let mut rings = rings_for(n);
    let gap_slots = |rings: usize| {
        if sectors.len() > 1 {
            rings * sectors.len()
        } else {
            0
        }
    };
    rings = rings_for(n + gap_slots(rings));
    let slots = (n + gap_slots(rings)).max(1);
    let r0 = r0_min.max(spacing * slots as f64 / (2.0 * PI * rings as f64));
    let ring_gap = spacing;

    let mut nodes = vec![
        Node {
            x: 0.0,
            y: 0.0,
            r: base,
            angle: 0.0,
            ring: 0,
        };
        n
    ];
    let mut slot = 0usize;
    let mut last_sector = None;
    let mut sector_span: Vec<(usize, f64, f64)> = Vec::new();
    for &i in &order {
        let pv = &view.partners[i];
        let s = sector(view, pv);
        if last_sector.is_some_and(|l| l != s) {
            slot += rings;
        }
        last_sector = Some(s);
        let angle = -PI / 2.0 + 2.0 * PI * (slot as f64 + 0.5) / slots as f64;
        let radius = r0 + (slot % rings) as f64 * ring_gap;
        nodes[i] = Node {
            x: radius * angle.cos(),
            y: radius * angle.sin(),
            r: node_radius(base, pv.current_forms.len()),
            angle,
            ring: slot % rings,
        };
        match sector_span.last_mut() {
            Some((ls, _, end)) if *ls == s => *end = angle,
            _ => sector_span.push((s, angle, angle)),
        }
        slot += 1;
    }
    let centres = if c == 1 {
        vec![(0.0, 0.0)]
    } else {
        // Each structure faces its own partners' sector; structures keep at least 60 px
        // apart on their ring, and are spread evenly when their sectors crowd them.
        let wanted: Vec<f64> = (0..c)
            .map(|k| {
                sector_span
                    .iter()
                    .find(|(s, _, _)| *s == k + 1)
                    .map_or(-PI / 2.0 + 2.0 * PI * k as f64 / c as f64, |(_, a, b)| {
                        (a + b) / 2.0
                    })
            })
            .collect();
        let mut order: Vec<usize> = (0..c).collect();
        order.sort_by(|a, b| wanted[*a].total_cmp(&wanted[*b]).then(a.cmp(b)));
        let gap = 60.0 / centre_ring;
        let mut angle = vec![0.0; c];
        let mut prev = f64::NEG_INFINITY;
        for &k in &order {
            angle[k] = wanted[k].max(prev + gap);
            prev = angle[k];
        }
        let first = angle[order[0]];
        if prev - first > 2.0 * PI - gap {
            for (i, &k) in order.iter().enumerate() {
                angle[k] = first + 2.0 * PI * i as f64 / c as f64;
            }
        }
        (0..c)
            .map(|k| (centre_ring * angle[k].cos(), centre_ring * angle[k].sin()))
            .collect()
    };
    Layout { centres, nodes }
}

#[derive(Debug, Clone, Copy)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    fn around(x: f64, y: f64, r: f64) -> Rect {
        Rect {
            x0: x - r,
            y0: y - r,
            x1: x + r,
            y1: y + r,
        }
    }
}

/// Boxes on a coarse grid, to test a label against nearby nodes only.
struct Grid {
    cell: f64,
    cells: std::collections::BTreeMap<(i64, i64), Vec<usize>>,
    rects: Vec<Rect>,
}

impl Grid {
    fn new(cell: f64) -> Self {
        Self {
            cell,
            cells: Default::default(),
            rects: vec![],
        }
    }
    fn keys(&self, r: &Rect) -> impl Iterator<Item = (i64, i64)> + use<> {
        let (a, b) = (
            (r.x0 / self.cell).floor() as i64,
            (r.x1 / self.cell).floor() as i64,
        );
        let (c, d) = (
            (r.y0 / self.cell).floor() as i64,
            (r.y1 / self.cell).floor() as i64,
        );
        (a..=b).flat_map(move |x| (c..=d).map(move |y| (x, y)))
    }
    fn insert(&mut self, r: Rect) {
        let id = self.rects.len();
        self.rects.push(r);
        for k in self.keys(&r).collect::<Vec<_>>() {
            self.cells.entry(k).or_default().push(id);
        }
    }
    fn hits(&self, r: &Rect, except: Option<usize>) -> bool {
        self.keys(r).any(|k| {
            self.cells.get(&k).is_some_and(|ids| {
                ids.iter()
                    .any(|&i| Some(i) != except && self.rects[i].overlaps(r))
            })
        })
    }
}

struct Label {
    x: f64,
    y: f64,
    anchor_end: bool,
    text: String,
    size: f64,
    bold: bool,
    rect: Rect,
    leader: Option<(f64, f64, f64, f64)>,
}

fn place_labels(view: &View<'_>, lay: &Layout) -> Vec<Option<Label>> {
    let n = view.partners.len();
    let mut nodes = Grid::new(48.0);
    for nd in &lay.nodes {
        nodes.insert(Rect::around(nd.x, nd.y, nd.r + 1.0));
    }
    for (x, y) in &lay.centres {
        nodes.insert(Rect::around(*x, *y, 22.0));
    }
    let mut labels_grid = Grid::new(48.0);
    let mut out: Vec<Option<Label>> = (0..n).map(|_| None).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| {
        let pv = &view.partners[i];
        (
            std::cmp::Reverse(pv.centres.len().min(2)),
            std::cmp::Reverse(pv.current_forms.len()),
            std::cmp::Reverse(lay.nodes[i].ring),
            i,
        )
    });
    let size = type_scale::SMALL;
    let h = size * 1.25;
    for &i in &order {
        let nd = lay.nodes[i];
        let name = &view.organisation(&view.partners[i]).name;
        let text = truncate(name, LABEL_CHARS);
        if text.is_empty() {
            continue;
        }
        let w = text_width(&text, size);
        let (cos, sin) = (nd.angle.cos(), nd.angle.sin());
        let anchor_end = cos < -1e-9;
        // Right beside the node first; then pushed outwards, with a leader line, so that
        // neighbours at the top and bottom of the rings can stack their names.
        let tries = if n <= 60 { 5 } else { 2 };
        for k in 0..tries {
            let dist = nd.r + 4.0 + k as f64 * h * 1.15;
            let ax = nd.x + dist * cos;
            let ay = nd.y + dist * sin;
            let rect = Rect {
                x0: if anchor_end { ax - w } else { ax },
                x1: if anchor_end { ax } else { ax + w },
                y0: ay - h / 2.0,
                y1: ay + h / 2.0,
            };
            let leader = (k > 0).then_some((
                nd.x + (nd.r + 1.0) * cos,
                nd.y + (nd.r + 1.0) * sin,
                nd.x + (dist - 2.0) * cos,
                nd.y + (dist - 2.0) * sin,
            ));
            let leader_hits = leader.is_some_and(|(a, b, c, d)| {
                let mid = Rect::around((a + c) / 2.0, (b + d) / 2.0, 1.0);
                nodes.hits(&mid, Some(i)) || labels_grid.hits(&mid, None)
            });
            if leader_hits || nodes.hits(&rect, Some(i)) || labels_grid.hits(&rect, None) {
                continue;
            }
            labels_grid.insert(rect);
            out[i] = Some(Label {
                x: ax,
                y: ay,
                anchor_end,
                text,
                size,
                bold: view.partners[i].centres.len() > 1,
                rect,
                leader,
            });
            break;
        }
    }
    out
}

fn dash(state: LinkState) -> Option<&'static str> {
    match state {
        LinkState::Active => None,
        LinkState::Planned => Some(DOTTED),
        LinkState::Dormant | LinkState::Ended => Some(DASH_INACTIVE),
    }
}

fn state_label(lang: Lang, s: LinkState) -> &'static str {
    s.status().label(lang)
}

/// The accessible name of a partner node: its name, forms and state.
pub fn node_description(view: &View<'_>, pv: &PartnerView, lang: Lang) -> String {
    let org = view.organisation(pv);
    let mut s = org.name.split_whitespace().collect::<Vec<_>>().join(" ");
    let forms: Vec<&str> = pv.current_forms.iter().map(|f| f.label(lang)).collect();
    s.push_str(" — ");
    if forms.is_empty() {
        s.push_str(t(lang, Text::NoCurrentForm));
    } else {
        s.push_str(&forms.join(", "));
    }
    let best = pv
        .centres
        .iter()
        .map(|c| view.edge(pv, *c).0)
        .min()
        .unwrap_or(LinkState::Ended);
    let _ = write!(s, " ({})", state_label(lang, best));
    if view.carto.centres.len() > 1 && pv.centres.len() > 1 {
        let names: Vec<&str> = pv
            .centres
            .iter()
            .filter_map(|c| view.carto.centres.get(*c))
            .map(|c| c.name.as_str())
            .collect();
        let _ = write!(s, " — {} : {}", t(lang, Text::Shared), names.join(", "));
    }
    s
}

/// The network graph as a standalone SVG document.
pub fn graph_svg(view: &View<'_>, opts: &GraphOptions) -> String {
    let lang = opts.lang;
    let lay = layout(view);
    let labels = place_labels(view, &lay);
    let n = view.partners.len();
    let dense = n > DENSE;
    let id = escape(&opts.id);

    // Extent of the drawing, labels included.
    let (mut x0, mut y0, mut x1, mut y1) = (-200.0_f64, -160.0_f64, 200.0_f64, 160.0_f64);
    let mut grow = |r: &Rect| {
        x0 = x0.min(r.x0);
        y0 = y0.min(r.y0);
        x1 = x1.max(r.x1);
        y1 = y1.max(r.y1);
    };
    for nd in &lay.nodes {
        grow(&Rect::around(nd.x, nd.y, nd.r + 4.0));
    }
    for l in labels.iter().flatten() {
        grow(&l.rect);
    }
    // Structure names below their node, or above, or further down, wherever they do not
    // cover another structure's name or node.
    let mut centre_labels: Vec<(String, f64, f64)> = Vec::new();
    let mut taken: Vec<Rect> = lay
        .centres
        .iter()
        .map(|(x, y)| Rect::around(*x, *y, 19.0))
        .collect();
    for (c, (x, y)) in view.carto.centres.iter().zip(&lay.centres) {
        let text = truncate(&c.name, 36);
        let w = text_width(&text, type_scale::BODY);
        let place = |dy: f64| Rect {
            x0: x - w / 2.0,
            x1: x + w / 2.0,
            y0: y + dy - 14.0,
            y1: y + dy + 4.0,
        };
        let dy = [38.0, -26.0, 56.0, -44.0, 74.0]
            .into_iter()
            .find(|dy| !taken.iter().any(|r| r.overlaps(&place(*dy))))
            .unwrap_or(38.0);
        taken.push(place(dy));
        centre_labels.push((text, *x, *y + dy));
    }
    for (text, x, y) in &centre_labels {
        let w = text_width(text, type_scale::BODY);
        grow(&Rect {
            x0: x - w / 2.0,
            x1: x + w / 2.0,
            y0: y - 14.0,
            y1: y + 4.0,
        });
    }
    let margin = 24.0;
    let gw = x1 - x0 + 2.0 * margin;
    let gh = y1 - y0 + 2.0 * margin;
    let tx = -x0 + margin;
    let ty = -y0 + margin;

    let mut legend = String::new();
    let legend_h = draw_legend(&mut legend, view, opts, &labels, gw);
    let width = gw + LEGEND_WIDTH;
    let height = gh.max(legend_h + 20.0);

    let mut s = String::with_capacity(512 + n * 600);
    let shown = labels.iter().flatten().count();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"carto carto-graph\" \
         font-family=\"{font}\" font-size=\"{fs}\">",
        w = num(width),
        h = num(height),
        font = escape(FONT_FAMILY),
        fs = num(type_scale::BODY),
    );
    let _ = write!(
        s,
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(&opts.title),
        escape(&summary(view, lang)),
    );
    s.push_str(
        "<style>a:focus>.node,a:hover>.node{stroke:#000;stroke-width:3}a:focus{outline:none}</style>",
    );
    let _ = write!(
        s,
        "<rect width=\"{}\" height=\"{}\" fill=\"{PAPER}\"/>",
        num(width),
        num(height)
    );
    let _ = write!(
        s,
        "<g class=\"viewport\" id=\"{id}-viewport\"><g transform=\"translate({} {})\">",
        num(tx),
        num(ty)
    );

    // Edges, then family markers.
    s.push_str("<g class=\"edges\" fill=\"none\">");
    let mut markers = String::new();
    for (i, pv) in view.partners.iter().enumerate() {
        let nd = lay.nodes[i];
        for &c in &pv.centres {
            let (cx, cy) = lay.centres.get(c).copied().unwrap_or((0.0, 0.0));
            let (state, families, _) = view.edge(pv, c);
            let (dx, dy) = (nd.x - cx, nd.y - cy);
            let len = (dx * dx + dy * dy).sqrt().max(1e-6);
            let (ux, uy) = (dx / len, dy / len);
            let (px, py) = (-uy, ux);
            let start = 20.0_f64.min(len / 2.0);
            let end = (len - nd.r).max(start);
            let dash_attr = dash(state)
                .map(|d| format!(" stroke-dasharray=\"{d}\""))
                .unwrap_or_default();
            let strokes: Vec<Option<Family>> = if families.is_empty() {
                vec![None]
            } else if dense {
                vec![pv.main_family.or(families.first().copied())]
            } else {
                families.iter().copied().map(Some).collect()
            };
            let k = strokes.len() as f64;
            for (j, fam) in strokes.iter().enumerate() {
                let off = (j as f64 - (k - 1.0) / 2.0) * 2.6;
                let colour = fam.map_or(NEUTRAL, family_colour);
                let (width_attr, opacity) = if dense { (1.0, 0.45) } else { (1.8, 0.9) };
                let _ = write!(
                    s,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"{}\" stroke-opacity=\"{}\"{dash_attr}/>",
                    num(cx + ux * start + px * off),
                    num(cy + uy * start + py * off),
                    num(cx + ux * end + px * off),
                    num(cy + uy * end + py * off),
                    num(width_attr),
                    opacity
                );
                if let Some(f) = fam
                    && !dense
                {
                    let at = start + (end - start) * 0.55;
                    let _ = write!(
                        markers,
                        "{} fill=\"{}\" stroke=\"{PAPER}\" stroke-width=\"0.8\"/>",
                        marker_open(
                            family_marker(*f),
                            cx + ux * at + px * off,
                            cy + uy * at + py * off,
                            3.4
                        ),
                        family_colour(*f)
                    );
                }
            }
        }
    }
    s.push_str("</g><g class=\"markers\">");
    s.push_str(&markers);
    s.push_str("</g>");

    // Partner nodes, each a link to its partnership.
    s.push_str("<g class=\"nodes\">");
    for (i, pv) in view.partners.iter().enumerate() {
        let nd = lay.nodes[i];
        let org = view.organisation(pv);
        let desc = node_description(view, pv, lang);
        let best_state = pv
            .centres
            .iter()
            .map(|c| view.edge(pv, *c).0)
            .min()
            .unwrap_or(LinkState::Ended);
        let href = pv.centres.first().and_then(|c| view.edge(pv, *c).2);
        let fill = pv.main_family.map_or(NEUTRAL, family_colour);
        let shared = view.carto.centres.len() > 1 && pv.centres.len() > 1;
        let stroke_w = if shared {
            3.0
        } else if dense {
            0.6
        } else {
            1.2
        };
        let dash_attr = if best_state.is_inactive() {
            " stroke-dasharray=\"3 2\" fill-opacity=\"0.55\""
        } else {
            ""
        };
        let shape = shape_open(kind_shape(org.group()), nd.x, nd.y, nd.r);
        match href {
            Some(h) => {
                let _ = write!(
                    s,
                    "<a href=\"{}\" aria-label=\"{}\">",
                    escape(h),
                    escape(&desc)
                );
            }
            None => {
                let _ = write!(
                    s,
                    "<g tabindex=\"0\" role=\"img\" aria-label=\"{}\">",
                    escape(&desc)
                );
            }
        }
        let _ = write!(
            s,
            "<title>{}</title>{shape} class=\"node\" fill=\"{fill}\" stroke=\"{INK}\" stroke-width=\"{}\"{dash_attr}/>",
            escape(&desc),
            num(stroke_w)
        );
        s.push_str(if href.is_some() { "</a>" } else { "</g>" });
    }
    s.push_str("</g>");

    // Centres.
    s.push_str("<g class=\"centres\">");
    for (k, c) in view.carto.centres.iter().enumerate() {
        let (x, y) = lay.centres[k];
        let open = match &c.href {
            Some(h) => format!(
                "<a href=\"{}\" aria-label=\"{}\">",
                escape(h),
                escape(&c.name)
            ),
            None => "<g>".to_owned(),
        };
        s.push_str(&open);
        let _ = write!(
            s,
            "<title>{}</title><circle class=\"node\" cx=\"{}\" cy=\"{}\" r=\"18\" fill=\"{INK}\" stroke=\"{PAPER}\" stroke-width=\"2\"/>",
            escape(&c.name),
            num(x),
            num(y)
        );
        s.push_str(if c.href.is_some() { "</a>" } else { "</g>" });
    }
    s.push_str("</g>");

    // Labels with a white halo so that they stay legible over edges.
    let _ = write!(
        s,
        "<g class=\"labels\" fill=\"{INK}\" stroke=\"{PAPER}\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\" font-size=\"{}\">",
        num(type_scale::SMALL)
    );
    for (a, b, c, d) in labels.iter().flatten().filter_map(|l| l.leader) {
        let _ = write!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{MUTED}\" stroke-width=\"0.7\"/>",
            num(a),
            num(b),
            num(c),
            num(d)
        );
    }
    for l in labels.iter().flatten() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" dy=\"0.35em\"{}{}>{}</text>",
            num(l.x),
            num(l.y),
            if l.anchor_end {
                " text-anchor=\"end\""
            } else {
                ""
            },
            if l.bold { " font-weight=\"bold\"" } else { "" },
            escape(&l.text)
        );
        let _ = l.size;
    }
    for (text, x, y) in &centre_labels {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\" font-size=\"{}\">{}</text>",
            num(*x),
            num(*y),
            num(type_scale::BODY),
            escape(text)
        );
    }
    s.push_str("</g>");
    if n == 0 {
        let _ = write!(
            s,
            "<text x=\"0\" y=\"80\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{MUTED}\">{}</text>",
            num(type_scale::HEADING),
            escape(t(lang, Text::NoPartner))
        );
    }
    s.push_str("</g></g>");
    let _ = write!(
        s,
        "<g class=\"legend\" transform=\"translate({} 0)\">{legend}</g>",
        num(gw)
    );
    let _ = shown;
    s.push_str("</svg>");
    s
}

/// One sentence for `<desc>`: the day, the counts.
pub fn summary(view: &View<'_>, lang: Lang) -> String {
    format!(
        "{} {} · {} {} · {} {}",
        t(lang, Text::AsOf),
        date(lang, view.selection.as_of),
        crate::style::format_int(view.partners.len() as i64, lang),
        crate::texts::counted(lang, view.partners.len() as i64, Text::Partners),
        crate::style::format_int(view.links.len() as i64, lang),
        crate::texts::counted(lang, view.links.len() as i64, Text::Partnerships),
    )
}

/// Draws the legend in a column `LEGEND_WIDTH` wide; returns its height.
fn draw_legend(
    s: &mut String,
    view: &View<'_>,
    opts: &GraphOptions,
    labels: &[Option<Label>],
    _graph_width: f64,
) -> f64 {
    let lang = opts.lang;
    let x = 8.0;
    let mut y = 30.0;
    let body = type_scale::BODY;
    for line in wrap(&opts.title, 34).iter().take(3) {
        let _ = write!(
            s,
            "<text x=\"{x}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
            num(y),
            num(type_scale::HEADING),
            escape(line)
        );
        y += 20.0;
    }
    let summary = summary(view, lang);
    for line in summary.splitn(2, " · ") {
        let _ = write!(
            s,
            "<text x=\"{x}\" y=\"{}\" fill=\"{MUTED}\">{}</text>",
            num(y),
            escape(line)
        );
        y += 17.0;
    }
    y += 13.0;
    let heading = |s: &mut String, y: &mut f64, text: &str| {
        let _ = write!(
            s,
            "<text x=\"{x}\" y=\"{}\" font-weight=\"bold\" fill=\"{INK}\">{}</text>",
            num(*y),
            escape(text)
        );
        *y += 20.0;
    };
    heading(s, &mut y, t(lang, Text::Families));
    for f in Family::ALL {
        let c = family_colour(*f);
        let _ = write!(
            s,
            "<line x1=\"{x}\" y1=\"{yy}\" x2=\"{}\" y2=\"{yy}\" stroke=\"{c}\" stroke-width=\"2.5\"/>{} fill=\"{c}\" stroke=\"{PAPER}\" stroke-width=\"0.8\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"{INK}\">{}</text>",
            num(x + 30.0),
            marker_open(family_marker(*f), x + 15.0, y - 4.0, 4.5),
            num(x + 40.0),
            num(y),
            escape(f.label(lang)),
            yy = num(y - 4.0),
        );
        y += 19.0;
    }
    let _ = write!(
        s,
        "<line x1=\"{x}\" y1=\"{yy}\" x2=\"{}\" y2=\"{yy}\" stroke=\"{NEUTRAL}\" stroke-width=\"2.5\"/>\
         <text x=\"{}\" y=\"{}\" fill=\"{INK}\">{}</text>",
        num(x + 30.0),
        num(x + 40.0),
        num(y),
        escape(t(lang, Text::NoCurrentForm)),
        yy = num(y - 4.0),
    );
    y += 28.0;
    heading(s, &mut y, t(lang, Text::States));
    for (text, d) in [
        (Text::Active, None),
        (Text::Planned, Some(DOTTED)),
        (Text::DormantOrEnded, Some(DASH_INACTIVE)),
    ] {
        let _ = write!(
            s,
            "<line x1=\"{x}\" y1=\"{yy}\" x2=\"{}\" y2=\"{yy}\" stroke=\"{INK}\" stroke-width=\"2\"{}/>\
             <text x=\"{}\" y=\"{}\" fill=\"{INK}\">{}</text>",
            num(x + 30.0),
            d.map(|d| format!(" stroke-dasharray=\"{d}\""))
                .unwrap_or_default(),
            num(x + 40.0),
            num(y),
            escape(t(lang, text)),
            yy = num(y - 4.0),
        );
        y += 19.0;
    }
    y += 9.0;
    heading(s, &mut y, t(lang, Text::PartnerKinds));
    let mut groups: Vec<KindGroup> = view
        .partners
        .iter()
        .map(|pv| view.organisation(pv).group())
        .collect();
    groups.sort();
    groups.dedup();
    for g in groups {
        let _ = write!(
            s,
            "{} fill=\"{PAPER}\" stroke=\"{INK}\" stroke-width=\"1.2\"/><text x=\"{}\" y=\"{}\" fill=\"{INK}\">{}</text>",
            shape_open(kind_shape(g), x + 15.0, y - 4.0, 6.0),
            num(x + 40.0),
            num(y),
            escape(&truncate(g.label(lang), 34))
        );
        y += 19.0;
    }
    y += 6.0;
    let _ = write!(
        s,
        "<text x=\"{x}\" y=\"{}\" fill=\"{MUTED}\" font-size=\"{}\">{}</text>",
        num(y),
        num(type_scale::SMALL),
        escape(t(lang, Text::SizeNote))
    );
    y += 16.0;
    if view.carto.centres.len() > 1 {
        let _ = write!(
            s,
            "<text x=\"{x}\" y=\"{}\" fill=\"{MUTED}\" font-size=\"{}\">{}</text>",
            num(y),
            num(type_scale::SMALL),
            escape(t(lang, Text::SharedNote))
        );
        y += 16.0;
    }
    let shown = labels.iter().flatten().count();
    if shown < view.partners.len() {
        let _ = write!(
            s,
            "<text x=\"{x}\" y=\"{}\" fill=\"{MUTED}\" font-size=\"{}\">{} / {} {}</text>",
            num(y),
            num(type_scale::SMALL),
            crate::style::format_int(shown as i64, lang),
            crate::style::format_int(view.partners.len() as i64, lang),
            escape(t(lang, Text::LabelsShown))
        );
        y += 16.0;
    }
    let _ = body;
    y
}

/// Splits `text` into lines of at most `width` characters at spaces (a longer word is cut).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word = truncate(word, width);
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
