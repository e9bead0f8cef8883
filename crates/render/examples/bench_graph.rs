//! Benchmark of the network graph: lays out and renders a graph of N nodes and E edges to
//! SVG, and writes the same graph as DOT for Graphviz, so that `sfdp -Tsvg` can be timed on
//! it in the same run (scripts/bench/graph_vs_sfdp.sh).
//!
//! `cargo run --release -p partinnov-render --example bench_graph -- OUT_DIR [NODES] [EDGES]`
//! The graph: 20 structures (the centres, as in the network view across workspaces) and
//! NODES − 20 partners; each edge joins a structure and a partner, chosen by a fixed
//! pseudo-random sequence (deterministic), so many partners are shared.

use std::fmt::Write;
use std::time::Instant;

use chrono::NaiveDate;
use partinnov_domain::{
    kind::StructureKind,
    lang::Lang,
    typology::{Form, PartnershipStatus},
};
use partinnov_render::{
    Carto, Centre, DatedForm, GraphOptions, Organisation, Partnership, Selection, graph_svg,
};

/// A small fixed-seed generator (xorshift64*), enough to spread edges.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().unwrap_or_else(|| "bench".into()));
    let nodes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let edges: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    std::fs::create_dir_all(&out).expect("output folder");
    let centres = 20.min(nodes);
    let partners = nodes - centres;
    let mut rng = Rng(0x5EED_CAFE);
    let day = NaiveDate::from_ymd_opt(2022, 1, 1).expect("date");
    let kinds = [
        StructureKind::EntPme,
        StructureKind::EntTpe,
        StructureKind::Asso,
        StructureKind::Muni,
    ];
    let carto = Carto {
        centres: (0..centres)
            .map(|c| Centre {
                key: format!("s{c}"),
                name: format!("Structure {c}"),
                href: None,
            })
            .collect(),
        organisations: (0..partners)
            .map(|i| Organisation {
                id: i as i64,
                name: format!("Entreprise partenaire {i}"),
                kinds: vec![kinds[i % kinds.len()]],
                commune_code: None,
                commune_name: None,
                departement: None,
                region: None,
                epci: None,
                place: None,
                sector: None,
            })
            .collect(),
        partnerships: (0..edges)
            .map(|e| {
                // Every partner gets at least one edge, the rest are spread at random.
                let p = if e < partners {
                    e
                } else {
                    (rng.next() % partners as u64) as usize
                };
                Partnership {
                    id: e as i64,
                    centre: (rng.next() % centres as u64) as usize,
                    title: format!("P{e}"),
                    partners: vec![p],
                    status: PartnershipStatus::Actif,
                    dormant: false,
                    created_on: day,
                    forms: vec![DatedForm {
                        form: Form::ALL[(rng.next() % Form::ALL.len() as u64) as usize],
                        start: Some(day),
                        end: None,
                    }],
                    status_history: Vec::new(),
                    href: Some(format!("/p/{e}")),
                }
            })
            .collect(),
    };
    let today = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let opts = GraphOptions {
        lang: Lang::Fr,
        title: "Banc d'essai".into(),
        id: "b".into(),
    };
    // Warm-up once, then the median of five runs.
    let _ = graph_svg(&carto.view(&Selection::all_on(today)), &opts);
    let mut times = Vec::new();
    let mut svg = String::new();
    for _ in 0..5 {
        let t = Instant::now();
        let view = carto.view(&Selection::all_on(today));
        svg = graph_svg(&view, &opts);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    std::fs::write(out.join("partinnov.svg"), &svg).expect("write");
    let png = partinnov_render::png::svg_to_png(&svg, 0.6).expect("png");
    std::fs::write(out.join("partinnov.png"), png).expect("write");
    let mut dot = String::from("graph G {\n");
    for (i, p) in carto.partnerships.iter().enumerate() {
        let _ = writeln!(dot, "  s{} -- o{} [id=\"e{i}\"];", p.centre, p.partners[0]);
    }
    dot.push_str("}\n");
    std::fs::write(out.join("graph.dot"), dot).expect("write");
    println!(
        "partinnov graph: {nodes} nodes, {edges} edges, layout + SVG median {:.1} ms (min {:.1}, max {:.1}), {} KB",
        times[2],
        times[0],
        times[4],
        svg.len() / 1024
    );
}
