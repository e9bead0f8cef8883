//! Writes the pictures of a synthetic workspace of N partners into a folder, to look at them:
//! `cargo run -p partinnov-render --example sample -- OUT_DIR [N]`.

use chrono::NaiveDate;
use partinnov_domain::{
    kind::StructureKind,
    lang::Lang,
    typology::{Form, PartnershipStatus},
};
use partinnov_render::{
    Carto, Centre, DatedForm, GraphOptions, Organisation, Partnership, Selection, exchange,
    graph_svg, matrix, png,
};

fn main() {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().unwrap_or_else(|| "pictures".into()));
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(24);
    std::fs::create_dir_all(&out).expect("output folder");
    let names = [
        "Boulangerie Martin",
        "Transports Rhône-Alpes",
        "Mairie de Vénissieux",
        "Fondation Orange",
        "Décathlon Lyon Part-Dieu",
        "ESAT Les Ateliers du Parc",
        "Cabinet Dupuis & Associés",
        "SNCF Réseau — Direction territoriale Auvergne-Rhône-Alpes",
        "Imprimerie Nouvelle",
        "Association Habitat et Humanisme",
        "Métropole de Lyon",
        "Garage Solidaire",
    ];
    let kinds = [
        StructureKind::EntTpe,
        StructureKind::EntPme,
        StructureKind::Muni,
        StructureKind::Fondation,
        StructureKind::EntGe,
        StructureKind::Esat,
        StructureKind::EntTpe,
        StructureKind::EntGe,
        StructureKind::EntPme,
        StructureKind::Asso,
        StructureKind::Epci,
        StructureKind::Ei,
    ];
    let day = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).expect("date");
    let organisations: Vec<Organisation> = (0..n)
        .map(|i| Organisation {
            id: i as i64 + 1,
            name: if i < names.len() {
                names[i].to_owned()
            } else {
                format!("{} {}", names[i % names.len()], i)
            },
            kinds: vec![kinds[i % kinds.len()]],
            commune_code: Some("00000".into()),
            commune_name: None,
            departement: Some(["69", "01", "38", "75", "974", "2A", "13", "69"][i % 8].into()),
            region: None,
            epci: None,
            place: None,
            sector: None,
        })
        .collect();
    let partnerships: Vec<Partnership> = (0..n)
        .map(|i| Partnership {
            id: i as i64 + 1,
            centre: 0,
            title: format!("Partenariat {}", i + 1),
            partners: vec![i],
            status: match i % 9 {
                4 => PartnershipStatus::Termine,
                7 => PartnershipStatus::EnProjet,
                _ => PartnershipStatus::Actif,
            },
            dormant: i % 11 == 3,
            created_on: day(2019 + (i % 5) as i32, 1),
            forms: (0..(1 + i % 4))
                .map(|j| DatedForm {
                    form: Form::ALL[(i * 5 + j * 7) % Form::ALL.len()],
                    start: Some(day(2018 + ((i + j) % 7) as i32, 1 + (j as u32 % 12))),
                    end: (i % 6 == 2).then(|| day(2024, 6)),
                })
                .collect(),
            status_history: Vec::new(),
            href: Some(format!("/w/demo/partnerships/{}", i + 1)),
        })
        .collect();
    let carto = Carto {
        centres: vec![Centre {
            key: "demo".into(),
            name: "ACI Les Jardins de Vénissieux".into(),
            href: None,
        }],
        organisations,
        partnerships,
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let view = carto.view(&Selection::all_on(today));
    let opts = GraphOptions {
        lang: Lang::Fr,
        title: "Réseau des partenariats de l'ACI Les Jardins de Vénissieux".into(),
        id: "g".into(),
    };
    let svg = graph_svg(&view, &opts);
    std::fs::write(out.join("graph.svg"), &svg).expect("write");
    std::fs::write(
        out.join("graph.png"),
        png::svg_to_png(&svg, 1.0).expect("png"),
    )
    .expect("write");
    let m = matrix::form_matrix_svg(&view, Lang::Fr, "Partenaires × formes", "m");
    std::fs::write(out.join("matrix.svg"), &m).expect("write");
    std::fs::write(
        out.join("matrix.png"),
        png::svg_to_png(&m, 1.0).expect("png"),
    )
    .expect("write");
    let st = matrix::status_matrix_svg(&view, Lang::Fr, "Familles × état", "s");
    std::fs::write(
        out.join("status.png"),
        png::svg_to_png(&st, 1.0).expect("png"),
    )
    .expect("write");
    let map = partinnov_render::map::map_svg(
        &view,
        &partinnov_render::map::MapOptions {
            lang: Lang::Fr,
            title: "Partenaires par département".into(),
            id: "c".into(),
            level: partinnov_render::map::Level::Departement,
            zoom: partinnov_render::map::Zoom::France,
            names: |_, _| None,
            href_prefix: Some("?".into()),
        },
    );
    std::fs::write(out.join("map.svg"), &map).expect("write");
    std::fs::write(
        out.join("map.png"),
        png::svg_to_png(&map, 1.0).expect("png"),
    )
    .expect("write");
    std::fs::write(out.join("graph.gexf"), exchange::gexf(&view, "démo")).expect("write");
    std::fs::write(out.join("graph.graphml"), exchange::graphml(&view, "démo")).expect("write");
}
