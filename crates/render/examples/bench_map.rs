//! Benchmark of the territorial map: the choropleth of every commune of a région (partners
//! counted per commune, placed at their town hall), from the view to the SVG text, then the
//! same SVG rendered to PNG.
//!
//! `cargo run --release -p partinnov-render --example bench_map -- OUT_DIR [REGION] [PARTNERS]`
//! (defaults: 44, Grand Est, the région with the most communes; 3,000 partners spread over
//! its communes by a fixed pseudo-random sequence). Prints the median and range of 7 runs
//! after one warm-up, and writes `OUT_DIR/carte-communes-REGION.{svg,png}`.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use partinnov_domain::{
    kind::StructureKind,
    lang::Lang,
    typology::{Form, PartnershipStatus},
};
use partinnov_render::{
    Carto, Centre, DatedForm, Organisation, Partnership, Selection,
    map::{self, Level, MapOptions, Zoom},
    png,
};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn median(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().unwrap_or_else(|| "bench".into()));
    let region = args.next().unwrap_or_else(|| "44".into());
    let partners: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3000);
    std::fs::create_dir_all(&out).expect("output folder");

    let started = Instant::now();
    let communes: Vec<&map::Feature> = map::territories()
        .of_level(Level::Commune)
        .filter(|f| f.regions.contains(&region))
        .collect();
    println!(
        "contours read in {} ({} communes in région {region})",
        ms(started.elapsed()),
        communes.len()
    );
    assert!(!communes.is_empty(), "unknown région {region}");

    let mut rng = Rng(0x5EED_0044);
    let day = NaiveDate::from_ymd_opt(2022, 1, 1).expect("date");
    let organisations: Vec<Organisation> = (0..partners)
        .map(|i| {
            let c = communes[(rng.next() % communes.len() as u64) as usize];
            Organisation {
                id: i as i64,
                name: format!("Partenaire {i}"),
                kinds: vec![StructureKind::EntPme],
                commune_code: Some(c.code.clone()),
                commune_name: None,
                departement: c.departements.first().cloned(),
                region: Some(region.clone()),
                epci: None,
                place: None,
                sector: None,
            }
        })
        .collect();
    let carto = Carto {
        centres: vec![Centre {
            key: "s".into(),
            name: "Structure".into(),
            href: None,
        }],
        partnerships: (0..partners)
            .map(|i| Partnership {
                id: i as i64,
                centre: 0,
                title: format!("Partenariat {i}"),
                partners: vec![i],
                status: PartnershipStatus::Actif,
                dormant: false,
                created_on: day,
                forms: vec![DatedForm {
                    form: Form::SousTraitance,
                    start: Some(day),
                    end: None,
                }],
                status_history: Vec::new(),
                href: None,
            })
            .collect(),
        organisations,
    };
    let opts = MapOptions {
        lang: Lang::Fr,
        title: format!("Partenaires par commune, région {region}"),
        id: "carte".into(),
        level: Level::Commune,
        zoom: Zoom::Region(region.clone()),
        names: |_, _| None,
        href_prefix: None,
    };
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    let draw = || map::map_svg(&carto.view(&Selection::all_on(today)), &opts);
    let svg = draw();
    let times: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(draw());
            t.elapsed()
        })
        .collect();
    let (med, lo, hi) = median(times);
    println!(
        "map_svg, {} communes, {partners} partners: median {} (min {}, max {}), {} KB",
        communes.len(),
        ms(med),
        ms(lo),
        ms(hi),
        svg.len() / 1024
    );
    let png_times: Vec<Duration> = (0..3)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(png::svg_to_png(&svg, 1.0).expect("PNG"));
            t.elapsed()
        })
        .collect();
    let (pmed, plo, phi) = median(png_times);
    println!(
        "svg_to_png at scale 1: median {} (min {}, max {})",
        ms(pmed),
        ms(plo),
        ms(phi)
    );
    std::fs::write(out.join(format!("carte-communes-{region}.svg")), &svg).expect("write");
    std::fs::write(
        out.join(format!("carte-communes-{region}.png")),
        png::svg_to_png(&svg, 1.0).expect("PNG"),
    )
    .expect("write");
}
