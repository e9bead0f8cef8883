//! The graph for network tools: GEXF 1.3 (Gephi, with its timeline) and GraphML, with the
//! same attributes in both.
//!
//! Nodes are the structures (`s:<slug>`) and the partner organisations (`o:<id>`); there is
//! one edge per partnership and partner (`p<id>-o<id>`). Time: every edge carries the periods
//! of its forms as GEXF spells (overlapping periods merged, a form with no start date starts
//! with the partnership, one with no end date is still running), every partner node the
//! union of its edges' periods, so that Gephi's timeline shows the network growing. Node
//! positions, colours and shapes are those of the SVG picture.

use std::fmt::Write;

use chrono::NaiveDate;
use partinnov_domain::typology::{Family, Form};

use crate::graph::layout;
use crate::model::{LinkState, View};
use crate::style::{NEUTRAL, family_colour};
use crate::xml::escape;

/// A period; `None` = open on that side.
type Span = (Option<NaiveDate>, Option<NaiveDate>);

/// Sorts and merges overlapping or touching periods.
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by_key(|(s, e)| (*s, e.is_none(), *e));
    let mut out: Vec<Span> = Vec::new();
    for (s, e) in spans {
        if let Some(last) = out.last_mut() {
            let overlaps = match (last.1, s) {
                (None, _) => true,
                (Some(le), Some(s)) => s <= le.succ_opt().unwrap_or(le),
                (Some(_), None) => true,
            };
            if overlaps {
                last.1 = match (last.1, e) {
                    (None, _) | (_, None) => None,
                    (Some(a), Some(b)) => Some(a.max(b)),
                };
                continue;
            }
        }
        out.push((s, e));
    }
    out
}

struct EdgeRow {
    id: String,
    source: String,
    target: String,
    label: String,
    families: Vec<Family>,
    forms: Vec<Form>,
    status: &'static str,
    state: LinkState,
    dormant: bool,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    spans: Vec<Span>,
}

struct NodeRow {
    id: String,
    label: String,
    node_type: &'static str,
    kinds: String,
    kind_group: &'static str,
    families: Vec<Family>,
    forms: Vec<Form>,
    commune_code: String,
    commune: String,
    departement: String,
    region: String,
    sector: String,
    x: f64,
    y: f64,
    size: f64,
    colour: &'static str,
    shape: &'static str,
    spans: Vec<Span>,
}

fn codes<T: Copy>(items: &[T], f: impl Fn(T) -> &'static str) -> String {
    items.iter().map(|i| f(*i)).collect::<Vec<_>>().join(";")
}

fn rows(view: &View<'_>) -> (Vec<NodeRow>, Vec<EdgeRow>) {
    let lay = layout(view);
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for (k, c) in view.carto.centres.iter().enumerate() {
        let (x, y) = lay.centres.get(k).copied().unwrap_or((0.0, 0.0));
        nodes.push(NodeRow {
            id: format!("s:{}", c.key),
            label: c.name.clone(),
            node_type: "structure",
            kinds: String::new(),
            kind_group: "",
            families: vec![],
            forms: vec![],
            commune_code: String::new(),
            commune: String::new(),
            departement: String::new(),
            region: String::new(),
            sector: String::new(),
            x,
            y,
            size: 18.0,
            colour: "#1A1A1A",
            shape: "disc",
            spans: vec![],
        });
    }
    for l in &view.links {
        let p = view.partnership(l);
        let spans: Vec<Span> = if p.forms.is_empty() {
            vec![(Some(p.created_on), None)]
        } else {
            merge(
                p.forms
                    .iter()
                    .map(|f| (f.start.or(Some(p.created_on)), f.end))
                    .collect(),
            )
        };
        let mut forms: Vec<Form> = p.forms.iter().map(|f| f.form).collect();
        forms.sort();
        forms.dedup();
        let mut families: Vec<Family> = forms.iter().map(|f| f.family()).collect();
        families.dedup();
        let start = spans.first().and_then(|s| s.0);
        let end = if spans.iter().any(|s| s.1.is_none()) {
            None
        } else {
            spans.iter().filter_map(|s| s.1).max()
        };
        let source = view
            .carto
            .centres
            .get(p.centre)
            .map(|c| format!("s:{}", c.key))
            .unwrap_or_default();
        for &o in &p.partners {
            let Some(org) = view.carto.organisations.get(o) else {
                continue;
            };
            edges.push(EdgeRow {
                id: format!("p{}-o{}", p.id, org.id),
                source: source.clone(),
                target: format!("o:{}", org.id),
                label: p.title.clone(),
                families: families.clone(),
                forms: forms.clone(),
                status: p.status.as_str(),
                state: l.state,
                dormant: p.dormant,
                start,
                end,
                spans: spans.clone(),
            });
        }
    }
    for (i, pv) in view.partners.iter().enumerate() {
        let org = view.organisation(pv);
        let nd = lay.nodes[i];
        let mut families: Vec<Family> = pv.current_forms.iter().map(|f| f.family()).collect();
        families.dedup();
        let target = format!("o:{}", org.id);
        let spans = merge(
            edges
                .iter()
                .filter(|e| e.target == target)
                .flat_map(|e| e.spans.iter().copied())
                .collect(),
        );
        let mut kinds = org.kinds.clone();
        kinds.sort();
        nodes.push(NodeRow {
            id: target,
            label: org.name.split_whitespace().collect::<Vec<_>>().join(" "),
            node_type: "partenaire",
            kinds: codes(&kinds, |k| k.as_str()),
            kind_group: org.group().as_str(),
            families,
            forms: pv.current_forms.clone(),
            commune_code: org.commune_code.clone().unwrap_or_default(),
            commune: org.commune_name.clone().unwrap_or_default(),
            departement: org.departement.clone().unwrap_or_default(),
            region: org.region.clone().unwrap_or_default(),
            sector: org.sector.clone().unwrap_or_default(),
            x: nd.x,
            y: nd.y,
            size: nd.r,
            colour: pv.main_family.map_or(NEUTRAL, family_colour),
            shape: match crate::style::kind_shape(org.group()) {
                crate::style::Shape::Circle => "disc",
                crate::style::Shape::Square => "square",
                crate::style::Shape::Diamond => "diamond",
                _ => "triangle",
            },
            spans,
        });
    }
    (nodes, edges)
}

/// Attributes declared in both formats: (id, title, GEXF type, GraphML type, for node?).
const NODE_ATTRS: [(&str, &str); 10] = [
    ("type", "type"),
    ("kinds", "kinds"),
    ("kind_group", "kind_group"),
    ("families", "families"),
    ("forms", "forms"),
    ("commune_code", "commune_code"),
    ("commune", "commune"),
    ("departement", "departement"),
    ("region", "region"),
    ("sector", "sector"),
];
const EDGE_ATTRS: [(&str, &str, &str); 8] = [
    ("family", "family", "string"),
    ("forms", "forms", "string"),
    ("status", "status", "string"),
    ("state", "state", "string"),
    ("dormant", "dormant", "boolean"),
    ("start", "start", "string"),
    ("end", "end", "string"),
    ("partnership", "partnership", "string"),
];

fn node_values(n: &NodeRow) -> [String; 10] {
    [
        n.node_type.to_owned(),
        n.kinds.clone(),
        n.kind_group.to_owned(),
        codes(&n.families, |f| f.as_str()),
        codes(&n.forms, |f| f.as_str()),
        n.commune_code.clone(),
        n.commune.clone(),
        n.departement.clone(),
        n.region.clone(),
        n.sector.clone(),
    ]
}

fn state_code(s: LinkState) -> &'static str {
    match s {
        LinkState::Active => "active",
        LinkState::Planned => "planned",
        LinkState::Dormant => "dormant",
        LinkState::Ended => "ended",
    }
}

fn edge_values(e: &EdgeRow) -> [String; 8] {
    [
        codes(&e.families, |f| f.as_str()),
        codes(&e.forms, |f| f.as_str()),
        e.status.to_owned(),
        state_code(e.state).to_owned(),
        e.dormant.to_string(),
        e.start.map(|d| d.to_string()).unwrap_or_default(),
        e.end.map(|d| d.to_string()).unwrap_or_default(),
        e.label.clone(),
    ]
}

fn rgb(hex: &str) -> (u8, u8, u8) {
    let h = hex.trim_start_matches('#');
    let p = |i: usize| u8::from_str_radix(h.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    (p(0), p(2), p(4))
}

fn spells(s: &mut String, spans: &[Span]) {
    if spans.is_empty() {
        return;
    }
    s.push_str("<spells>");
    for (a, b) in spans {
        s.push_str("<spell");
        if let Some(a) = a {
            let _ = write!(s, " start=\"{a}\"");
        }
        if let Some(b) = b {
            let _ = write!(s, " end=\"{b}\"");
        }
        s.push_str("/>");
    }
    s.push_str("</spells>");
}

/// GEXF 1.3, dynamic (intervals of dates), with positions, colours and shapes.
pub fn gexf(view: &View<'_>, description: &str) -> String {
    let (nodes, edges) = rows(view);
    let mut s = String::with_capacity(1024 + nodes.len() * 700 + edges.len() * 500);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" version=\"1.3\">\n",
    );
    let _ = writeln!(
        s,
        "<meta lastmodifieddate=\"{}\"><creator>Part'Innov</creator><description>{}</description></meta>",
        view.selection.today,
        escape(description)
    );
    s.push_str(
        "<graph defaultedgetype=\"undirected\" mode=\"dynamic\" timeformat=\"date\" timerepresentation=\"interval\">\n",
    );
    s.push_str("<attributes class=\"node\" mode=\"static\">");
    for (id, title) in NODE_ATTRS {
        let _ = write!(
            s,
            "<attribute id=\"{id}\" title=\"{title}\" type=\"string\"/>"
        );
    }
    s.push_str("</attributes>\n<attributes class=\"edge\" mode=\"static\">");
    for (id, title, ty) in EDGE_ATTRS {
        let _ = write!(
            s,
            "<attribute id=\"{id}\" title=\"{title}\" type=\"{ty}\"/>"
        );
    }
    let _ = writeln!(s, "</attributes>\n<nodes count=\"{}\">", nodes.len());
    for n in &nodes {
        let _ = write!(
            s,
            "<node id=\"{}\" label=\"{}\"><attvalues>",
            escape(&n.id),
            escape(&n.label)
        );
        for ((id, _), v) in NODE_ATTRS.iter().zip(node_values(n)) {
            if !v.is_empty() {
                let _ = write!(s, "<attvalue for=\"{id}\" value=\"{}\"/>", escape(&v));
            }
        }
        s.push_str("</attvalues>");
        spells(&mut s, &n.spans);
        let (r, g, b) = rgb(n.colour);
        let _ = writeln!(
            s,
            "<viz:color r=\"{r}\" g=\"{g}\" b=\"{b}\"/><viz:position x=\"{:.1}\" y=\"{:.1}\" z=\"0.0\"/>\
             <viz:size value=\"{:.1}\"/><viz:shape value=\"{}\"/></node>",
            n.x, -n.y, n.size, n.shape
        );
    }
    let _ = writeln!(s, "</nodes>\n<edges count=\"{}\">", edges.len());
    for e in &edges {
        let _ = write!(
            s,
            "<edge id=\"{}\" source=\"{}\" target=\"{}\" label=\"{}\"><attvalues>",
            escape(&e.id),
            escape(&e.source),
            escape(&e.target),
            escape(&e.label)
        );
        for ((id, _, _), v) in EDGE_ATTRS.iter().zip(edge_values(e)) {
            if !v.is_empty() {
                let _ = write!(s, "<attvalue for=\"{id}\" value=\"{}\"/>", escape(&v));
            }
        }
        s.push_str("</attvalues>");
        spells(&mut s, &e.spans);
        let colour = e.families.first().map_or(NEUTRAL, |f| family_colour(*f));
        let (r, g, b) = rgb(colour);
        let _ = write!(s, "<viz:color r=\"{r}\" g=\"{g}\" b=\"{b}\"/>");
        if e.state.is_inactive() {
            s.push_str("<viz:shape value=\"dashed\"/>");
        }
        s.push_str("</edge>\n");
    }
    s.push_str("</edges>\n</graph>\n</gexf>\n");
    s
}

/// GraphML with the same attributes (GraphML has no time: the dates are attributes).
pub fn graphml(view: &View<'_>, description: &str) -> String {
    let (nodes, edges) = rows(view);
    let mut s = String::with_capacity(1024 + nodes.len() * 600 + edges.len() * 500);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    let _ = writeln!(s, "<desc>{}</desc>", escape(description));
    for (id, title) in NODE_ATTRS {
        let _ = writeln!(
            s,
            "<key id=\"n_{id}\" for=\"node\" attr.name=\"{title}\" attr.type=\"string\"/>"
        );
    }
    for (id, title) in [("label", "label"), ("color", "color")] {
        let _ = writeln!(
            s,
            "<key id=\"n_{id}\" for=\"node\" attr.name=\"{title}\" attr.type=\"string\"/>"
        );
    }
    for (id, title) in [("x", "x"), ("y", "y"), ("size", "size")] {
        let _ = writeln!(
            s,
            "<key id=\"n_{id}\" for=\"node\" attr.name=\"{title}\" attr.type=\"double\"/>"
        );
    }
    for (id, title, ty) in EDGE_ATTRS {
        let _ = writeln!(
            s,
            "<key id=\"e_{id}\" for=\"edge\" attr.name=\"{title}\" attr.type=\"{ty}\"/>"
        );
    }
    s.push_str("<key id=\"e_periods\" for=\"edge\" attr.name=\"periods\" attr.type=\"string\"/>\n");
    s.push_str("<graph id=\"G\" edgedefault=\"undirected\">\n");
    let data = |s: &mut String, key: &str, v: &str| {
        if !v.is_empty() {
            let _ = write!(s, "<data key=\"{key}\">{}</data>", escape(v));
        }
    };
    for n in &nodes {
        let _ = write!(s, "<node id=\"{}\">", escape(&n.id));
        data(&mut s, "n_label", &n.label);
        for ((id, _), v) in NODE_ATTRS.iter().zip(node_values(n)) {
            data(&mut s, &format!("n_{id}"), &v);
        }
        data(&mut s, "n_color", n.colour);
        data(&mut s, "n_x", &format!("{:.1}", n.x));
        data(&mut s, "n_y", &format!("{:.1}", n.y));
        data(&mut s, "n_size", &format!("{:.1}", n.size));
        s.push_str("</node>\n");
    }
    for e in &edges {
        let _ = write!(
            s,
            "<edge id=\"{}\" source=\"{}\" target=\"{}\">",
            escape(&e.id),
            escape(&e.source),
            escape(&e.target)
        );
        for ((id, _, _), v) in EDGE_ATTRS.iter().zip(edge_values(e)) {
            data(&mut s, &format!("e_{id}"), &v);
        }
        let periods: Vec<String> = e
            .spans
            .iter()
            .map(|(a, b)| {
                format!(
                    "{}/{}",
                    a.map(|d| d.to_string()).unwrap_or_default(),
                    b.map(|d| d.to_string()).unwrap_or_default()
                )
            })
            .collect();
        data(&mut s, "e_periods", &periods.join(";"));
        s.push_str("</edge>\n");
    }
    s.push_str("</graph>\n</graphml>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn overlapping_periods_merge_and_open_ends_stay_open() {
        assert_eq!(
            merge(vec![
                (d("2021-01-01"), d("2021-06-30")),
                (d("2019-01-01"), d("2019-12-31")),
                (d("2021-05-01"), None),
                (d("2020-01-01"), d("2020-03-01")),
            ]),
            vec![(d("2019-01-01"), d("2020-03-01")), (d("2021-01-01"), None)]
        );
        assert_eq!(
            merge(vec![
                (None, d("2020-01-01")),
                (d("2019-01-01"), d("2021-01-01"))
            ]),
            vec![(None, d("2021-01-01"))]
        );
    }
}
