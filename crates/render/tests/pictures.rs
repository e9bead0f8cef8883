//! The pictures a person sees, on ordinary and bad data: every SVG parses as XML, carries its
//! legend and its accessible names; GEXF and GraphML are well-formed (xmllint when present)
//! and declare and use their attributes; PNG comes out as a real PNG; the same data gives
//! the same bytes.

use chrono::NaiveDate;
use partinnov_domain::{
    kind::{KindGroup, StructureKind},
    lang::Lang,
    typology::{Family, Form, PartnershipStatus},
};
use partinnov_render::{
    Carto, Centre, DatedForm, GraphOptions, Organisation, Partnership, Selection, exchange,
    graph_svg,
    map::{self, Level, MapOptions, Zoom},
    matrix, png,
};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn org(
    id: i64,
    name: &str,
    kind: StructureKind,
    commune: Option<(&str, &str, &str)>,
) -> Organisation {
    Organisation {
        id,
        name: name.to_owned(),
        kinds: vec![kind],
        commune_code: commune.map(|c| c.0.to_owned()),
        commune_name: commune.map(|c| c.1.to_owned()),
        departement: commune.map(|c| c.2.to_owned()),
        region: None,
        epci: None,
        place: None,
        sector: None,
    }
}

fn partnership(id: i64, centre: usize, partner: usize, forms: Vec<DatedForm>) -> Partnership {
    Partnership {
        id,
        centre,
        title: format!("Partenariat {id}"),
        partners: vec![partner],
        status: PartnershipStatus::Actif,
        dormant: false,
        created_on: day("2020-01-01"),
        forms,
        status_history: Vec::new(),
        href: Some(format!("/w/demo/partnerships/{id}")),
    }
}

fn form(form: Form, start: &str, end: Option<&str>) -> DatedForm {
    DatedForm {
        form,
        start: Some(day(start)),
        end: end.map(day),
    }
}

fn centre(key: &str, name: &str) -> Centre {
    Centre {
        key: key.to_owned(),
        name: name.to_owned(),
        href: None,
    }
}

/// A small workspace: a company with two families, an ended donor, a dormant one, one with
/// no commune, one planned.
fn small() -> Carto {
    let organisations = vec![
        org(
            1,
            "Boulangerie Dupont & Fils",
            StructureKind::EntTpe,
            Some(("69123", "Lyon", "69")),
        ),
        org(
            2,
            "Fondation <Avenir>",
            StructureKind::Fondation,
            Some(("75056", "Paris", "75")),
        ),
        org(
            3,
            "Mairie de Vénissieux",
            StructureKind::Muni,
            Some(("69259", "Vénissieux", "69")),
        ),
        org(4, "Transports Sans Adresse", StructureKind::EntPme, None),
        org(
            5,
            "ESAT Les Ateliers",
            StructureKind::Esat,
            Some(("38185", "Grenoble", "38")),
        ),
    ];
    let mut ps = vec![
        partnership(
            10,
            0,
            0,
            vec![
                form(Form::RelationCommerciale, "2021-03-01", None),
                form(Form::MecenatNature, "2019-05-01", Some("2019-12-31")),
                form(Form::AccueilImmersions, "2022-01-01", None),
            ],
        ),
        partnership(
            11,
            0,
            1,
            vec![form(
                Form::MecenatFinancier,
                "2018-01-01",
                Some("2020-12-31"),
            )],
        ),
        partnership(
            12,
            0,
            2,
            vec![form(Form::ClausesSociales, "2020-06-01", None)],
        ),
        partnership(
            13,
            0,
            3,
            vec![form(Form::SousTraitance, "2023-01-01", None)],
        ),
        partnership(14, 0, 4, vec![]),
    ];
    ps[1].status = PartnershipStatus::Termine;
    ps[2].dormant = true;
    ps[4].status = PartnershipStatus::EnProjet;
    Carto {
        centres: vec![centre("demo", "Atelier Chantier Demo")],
        organisations,
        partnerships: ps,
    }
}

fn opts() -> GraphOptions {
    GraphOptions {
        lang: Lang::Fr,
        title: "Réseau des partenariats".to_owned(),
        id: "g".to_owned(),
    }
}

fn today() -> NaiveDate {
    day("2026-11-23")
}

/// Parses `svg` as XML, checks the root and returns the document text for more checks.
fn parse(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG is not XML: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    assert_eq!(
        doc.root_element().tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    doc
}

fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text() && !d.parent().is_some_and(|p| p.has_tag_name("title")))
                .filter_map(|d| d.text())
                .collect::<String>()
        })
        .collect()
}

#[test]
fn graph_shows_every_partner_as_a_keyboard_link_with_its_legend() {
    let carto = small();
    let view = carto.view(&Selection::all_on(today()));
    let svg = graph_svg(&view, &opts());
    let doc = parse(&svg);
    let links: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("a")
                && n.attribute("href")
                    .is_some_and(|h| h.contains("/partnerships/"))
        })
        .collect();
    assert_eq!(links.len(), 5, "one link per partner");
    let labels: Vec<&str> = links
        .iter()
        .filter_map(|a| a.attribute("aria-label"))
        .collect();
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with("Boulangerie Dupont & Fils — ")
                && l.contains("relation commerciale")
                && l.contains("accueil d'immersions")),
        "{labels:?}"
    );
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with("Fondation <Avenir>") && l.contains("terminé"))
    );
    let t = texts(&doc);
    for family in Family::ALL {
        assert!(
            t.iter().any(|x| x == family.label(Lang::Fr)),
            "legend lacks {family:?}"
        );
    }
    assert!(t.iter().any(|x| x == "Fondation <Avenir>"), "labels: {t:?}");
    // Dormant and ended partners are drawn dashed; the active one solid.
    let dashed = doc
        .descendants()
        .filter(|n| n.has_tag_name("line") && n.attribute("stroke-dasharray") == Some("6 4"))
        .count();
    assert!(
        dashed >= 3,
        "ended, dormant, and the legend sample: {dashed}"
    );
    // The markup of a name is escaped, not interpreted.
    assert!(svg.contains("Fondation &lt;Avenir&gt;"));
}

#[test]
fn same_data_same_bytes() {
    let carto = small();
    let a = graph_svg(&carto.view(&Selection::all_on(today())), &opts());
    let mut shuffled = carto.clone();
    shuffled.organisations.reverse();
    for p in &mut shuffled.partnerships {
        p.partners = p.partners.iter().map(|i| 4 - i).collect();
    }
    let b = graph_svg(&shuffled.view(&Selection::all_on(today())), &opts());
    assert_eq!(a, b, "the order of the input must not change the picture");
    let view = carto.view(&Selection::all_on(today()));
    assert_eq!(exchange::gexf(&view, "x"), exchange::gexf(&view, "x"));
}

#[test]
fn no_partner_says_so_in_the_picture() {
    let carto = Carto {
        centres: vec![centre("vide", "Structure sans partenaire")],
        ..Default::default()
    };
    let view = carto.view(&Selection::all_on(today()));
    for svg in [
        graph_svg(&view, &opts()),
        matrix::form_matrix_svg(&view, Lang::Fr, "Matrice", "m"),
    ] {
        let doc = parse(&svg);
        assert!(
            texts(&doc)
                .iter()
                .any(|t| t == "Aucun partenaire à représenter"),
            "{svg}"
        );
    }
    let status = matrix::status_matrix_svg(&view, Lang::Fr, "Statuts", "s");
    let doc = parse(&status);
    assert!(texts(&doc).iter().all(|t| !t.contains("NaN")));
    let en = graph_svg(
        &view,
        &GraphOptions {
            lang: Lang::En,
            ..opts()
        },
    );
    assert!(en.contains("No partner to show"));
}

#[test]
fn long_names_are_cut_with_an_ellipsis_and_kept_whole_in_the_title() {
    let mut carto = small();
    let long = format!("Société {} fin", "très longue ".repeat(17));
    assert!(long.chars().count() >= 200);
    carto.organisations[0].name = long.clone();
    let view = carto.view(&Selection::all_on(today()));
    let svg = graph_svg(&view, &opts());
    let doc = parse(&svg);
    let label = texts(&doc)
        .into_iter()
        .find(|t| t.starts_with("Société très"))
        .expect("label drawn");
    assert!(
        label.ends_with('…') && label.chars().count() <= 30,
        "{label}"
    );
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    let whole = long.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        titles.iter().any(|t| t.starts_with(&whole)),
        "full name in <title>"
    );
    let m = matrix::form_matrix_svg(&view, Lang::Fr, "Matrice", "m");
    parse(&m);
    assert!(m.contains(&whole));
}

#[test]
fn the_past_is_drawn_from_the_dated_forms() {
    let carto = small();
    let sel = Selection {
        as_of: day("2019-06-01"),
        ..Selection::all_on(today())
    };
    let view = carto.view(&sel);
    // In mid-2019: the bakery gave in kind, the foundation was giving money; the others
    // had not started (created in 2020).
    let names: Vec<&str> = view
        .partners
        .iter()
        .map(|p| view.organisation(p).name.as_str())
        .collect();
    assert_eq!(names, ["Boulangerie Dupont & Fils", "Fondation <Avenir>"]);
    let bakery = &view.partners[0];
    assert_eq!(bakery.current_forms, [Form::MecenatNature]);
    assert_eq!(bakery.main_family, Some(Family::Mecenat));
    let svg = graph_svg(&view, &opts());
    assert!(svg.contains("au 01/06/2019"));
    // In 2021, the foundation's giving had ended: dashed, "terminé".
    let view = carto.view(&Selection {
        as_of: day("2021-06-01"),
        ..Selection::all_on(today())
    });
    let foundation = view
        .partners
        .iter()
        .find(|p| view.organisation(p).id == 2)
        .unwrap();
    assert_eq!(
        view.edge(foundation, 0).0,
        partinnov_render::LinkState::Ended
    );
}

#[test]
fn filters_keep_only_what_was_asked() {
    let mut carto = small();
    carto.organisations[2].sector = Some("O".into());
    let only = |sel: Selection| {
        let v = carto.view(&sel);
        v.partners
            .iter()
            .map(|p| v.organisation(p).id)
            .collect::<Vec<_>>()
    };
    let base = Selection::all_on(today());
    assert_eq!(
        only(Selection {
            family: Some(Family::PratiquesResponsables),
            ..base.clone()
        }),
        [1, 3]
    );
    assert_eq!(
        only(Selection {
            departement: Some("69".into()),
            ..base.clone()
        }),
        [1, 3]
    );
    assert_eq!(
        only(Selection {
            kind: Some(KindGroup::Handicap),
            ..base.clone()
        }),
        [5]
    );
    assert_eq!(
        only(Selection {
            sector: Some("O".into()),
            ..base.clone()
        }),
        [3]
    );
    assert_eq!(
        only(Selection {
            status: Some(PartnershipStatus::EnSommeil),
            ..base
        }),
        [3]
    );
}

fn big(n: usize) -> Carto {
    let kinds = [
        StructureKind::EntPme,
        StructureKind::EntTpe,
        StructureKind::Asso,
        StructureKind::Ei,
        StructureKind::Muni,
        StructureKind::Ea,
    ];
    let forms = Form::ALL;
    let organisations = (0..n)
        .map(|i| {
            org(
                i as i64 + 1,
                &format!("Entreprise numéro {i} de la zone industrielle"),
                kinds[i % kinds.len()],
                if i % 7 == 0 {
                    None
                } else {
                    Some(("69123", "Lyon", "69"))
                },
            )
        })
        .collect();
    let partnerships = (0..n)
        .map(|i| {
            let k = 1 + i % 4;
            let fs = (0..k)
                .map(|j| {
                    form(
                        forms[(i * 7 + j * 5) % forms.len()],
                        "2020-01-01",
                        (i % 9 == 0).then_some("2022-01-01"),
                    )
                })
                .collect();
            partnership(i as i64 + 1, 0, i, fs)
        })
        .collect();
    Carto {
        centres: vec![centre("grand", "Grande structure")],
        organisations,
        partnerships,
    }
}

#[test]
fn three_thousand_partners_stay_separate_and_legible() {
    let carto = big(3000);
    let view = carto.view(&Selection::all_on(today()));
    let lay = partinnov_render::graph::layout(&view);
    // No two partner nodes overlap.
    let mut nodes = lay.nodes.clone();
    nodes.sort_by(|a, b| a.x.total_cmp(&b.x));
    for i in 0..nodes.len() {
        for j in i + 1..nodes.len() {
            if nodes[j].x - nodes[i].x > 40.0 {
                break;
            }
            let d = ((nodes[i].x - nodes[j].x).powi(2) + (nodes[i].y - nodes[j].y).powi(2)).sqrt();
            assert!(d >= nodes[i].r + nodes[j].r, "nodes {i} and {j} overlap");
        }
    }
    let svg = graph_svg(&view, &opts());
    let doc = parse(&svg);
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("a")).count(),
        3000
    );
    // Some names are drawn, not all, and the legend says so.
    let labels = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("labels"))
        .flat_map(|g| g.children().filter(|c| c.has_tag_name("text")))
        .count();
    assert!(labels > 20 && labels < 3000, "{labels} labels");
    assert!(svg.contains("noms affichés (tous dans le tableau)"));
    // Labels do not overlap each other: checked by the layout; the matrix is cut too.
    let m = matrix::form_matrix_svg(&view, Lang::Fr, "Matrice", "m");
    parse(&m);
    assert!(m.contains("200 / 3\u{202f}000"));
}

#[test]
fn network_of_several_structures_makes_shared_partners_stand_out() {
    let mut carto = small();
    carto
        .centres
        .push(centre("autre", "Entreprise d'insertion Voisine"));
    let mut p = partnership(20, 1, 0, vec![form(Form::Cotraitance, "2022-01-01", None)]);
    p.href = Some("/w/autre/partnerships/20".into());
    carto.partnerships.push(p);
    let view = carto.view(&Selection::all_on(today()));
    let shared: Vec<_> = view
        .partners
        .iter()
        .filter(|p| p.centres.len() > 1)
        .collect();
    assert_eq!(shared.len(), 1);
    let svg = graph_svg(&view, &opts());
    let doc = parse(&svg);
    let a = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("a")
                && n.attribute("aria-label")
                    .is_some_and(|l| l.starts_with("Boulangerie"))
        })
        .unwrap();
    assert!(
        a.attribute("aria-label")
            .unwrap()
            .contains("partenaire partagé : Atelier Chantier Demo, Entreprise d'insertion Voisine")
    );
    let shape = a
        .children()
        .find(|c| c.attribute("class") == Some("node"))
        .unwrap();
    assert_eq!(shape.attribute("stroke-width"), Some("3"));
    // Two edges reach it, one from each structure.
    let g = exchange::gexf(&view, "réseau");
    assert!(
        g.contains("source=\"s:demo\" target=\"o:1\"")
            && g.contains("source=\"s:autre\" target=\"o:1\"")
    );
}

fn xmllint(args: &[&str], content: &str) -> Option<bool> {
    let dir = std::env::temp_dir().join(format!("partinnov-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{}.xml", args.len() + content.len()));
    std::fs::write(&path, content).ok()?;
    let out = match std::process::Command::new("xmllint")
        .args(args)
        .arg(&path)
        .output()
    {
        Ok(out) => out,
        // CI installs it (.ci/run); elsewhere the Rust checks above still ran.
        Err(e) if std::env::var_os("CI").is_some() => panic!("xmllint is required under CI: {e}"),
        Err(_) => return None,
    };
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    Some(out.status.success())
}

#[test]
fn gexf_declares_its_attributes_and_carries_time() {
    let carto = small();
    let view = carto.view(&Selection::all_on(today()));
    let g = exchange::gexf(&view, "Atelier & co");
    let doc = roxmltree::Document::parse(&g).expect("GEXF is XML");
    let ns = "http://gexf.net/1.3";
    let root = doc.root_element();
    assert_eq!(root.tag_name().namespace(), Some(ns));
    assert_eq!(root.attribute("version"), Some("1.3"));
    let graph = root.children().find(|n| n.has_tag_name("graph")).unwrap();
    assert_eq!(graph.attribute("mode"), Some("dynamic"));
    assert_eq!(graph.attribute("timeformat"), Some("date"));
    let declared: Vec<(&str, &str)> = graph
        .children()
        .filter(|n| n.has_tag_name("attributes"))
        .flat_map(|a| {
            let class = a.attribute("class").unwrap();
            a.children()
                .filter(|n| n.has_tag_name("attribute"))
                .map(move |n| (class, n.attribute("id").unwrap()))
        })
        .collect();
    for want in [
        ("node", "kinds"),
        ("node", "families"),
        ("node", "forms"),
        ("node", "commune_code"),
        ("node", "departement"),
        ("edge", "family"),
        ("edge", "status"),
        ("edge", "start"),
        ("edge", "end"),
    ] {
        assert!(declared.contains(&want), "{want:?} not declared");
    }
    // Every attvalue refers to a declared attribute of its class.
    for v in doc.descendants().filter(|n| n.has_tag_name("attvalue")) {
        let owner = v
            .ancestors()
            .find(|a| a.has_tag_name("node") || a.has_tag_name("edge"))
            .unwrap();
        let class = owner.tag_name().name();
        assert!(declared.contains(&(class, v.attribute("for").unwrap())));
    }
    // Every edge joins two declared nodes.
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("node"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    let edges: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("edge"))
        .collect();
    assert_eq!(edges.len(), 5);
    for e in &edges {
        assert!(ids.contains(&e.attribute("source").unwrap()));
        assert!(ids.contains(&e.attribute("target").unwrap()));
    }
    // The bakery's forms: 2019 in kind, then from 2021 on, merged into two periods.
    let bakery = edges
        .iter()
        .find(|e| e.attribute("target") == Some("o:1"))
        .unwrap();
    let spells: Vec<(Option<&str>, Option<&str>)> = bakery
        .descendants()
        .filter(|n| n.has_tag_name("spell"))
        .map(|s| (s.attribute("start"), s.attribute("end")))
        .collect();
    assert_eq!(
        spells,
        [
            (Some("2019-05-01"), Some("2019-12-31")),
            (Some("2021-03-01"), None)
        ]
    );
    assert!(g.contains("<description>Atelier &amp; co</description>"));
    if let Some(ok) = xmllint(&["--noout"], &g) {
        assert!(ok, "xmllint finds the GEXF not well-formed");
    }
}

#[test]
fn graphml_has_the_same_attributes() {
    let carto = small();
    let view = carto.view(&Selection::all_on(today()));
    let g = exchange::graphml(&view, "Atelier");
    let doc = roxmltree::Document::parse(&g).expect("GraphML is XML");
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://graphml.graphdrawing.org/xmlns")
    );
    let keys: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("key"))
        .map(|k| {
            (
                k.attribute("for").unwrap(),
                k.attribute("attr.name").unwrap(),
            )
        })
        .collect();
    for want in [
        ("node", "kinds"),
        ("node", "families"),
        ("node", "commune_code"),
        ("node", "departement"),
        ("edge", "family"),
        ("edge", "status"),
        ("edge", "start"),
        ("edge", "periods"),
    ] {
        assert!(keys.contains(&want), "{want:?}");
    }
    let key_ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("key"))
        .filter_map(|k| k.attribute("id"))
        .collect();
    for d in doc.descendants().filter(|n| n.has_tag_name("data")) {
        assert!(key_ids.contains(&d.attribute("key").unwrap()));
    }
    // In GraphML, keys come before the graph.
    let first_graph = root
        .children()
        .position(|n| n.has_tag_name("graph"))
        .unwrap();
    let last_key = root
        .children()
        .enumerate()
        .filter(|(_, n)| n.has_tag_name("key"))
        .map(|(i, _)| i)
        .max()
        .unwrap();
    assert!(last_key < first_graph);
    assert!(g.contains("<data key=\"n_commune\">Lyon</data>"));
    if let Some(ok) = xmllint(&["--noout"], &g) {
        assert!(ok);
    }
}

#[test]
fn png_is_rendered_in_process_with_the_embedded_font() {
    let carto = small();
    let view = carto.view(&Selection::all_on(today()));
    let svg = graph_svg(&view, &opts());
    let bytes = png::svg_to_png(&svg, 1.0).expect("PNG");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // Width and height from the IHDR chunk match the SVG's size.
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let doc = parse(&svg);
    let svg_w: f64 = doc
        .root_element()
        .attribute("width")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(w, svg_w.ceil() as u32);
    assert!(
        png::svg_to_png("<svg", 1.0).is_err(),
        "broken SVG is an error, not a panic"
    );
}

#[test]
fn status_heat_map_counts_partnerships_by_family_and_state() {
    let carto = small();
    let view = carto.view(&Selection::all_on(today()));
    let counts = matrix::status_counts(&view);
    // Active: bakery (2 current families), Vénissieux is dormant, the foundation ended, ESAT
    // active, the planned one has no form.
    assert_eq!(counts[1], [1, 0, 1, 0], "pratiques responsables");
    assert_eq!(counts[2], [2, 0, 0, 0], "coopération économique");
    assert_eq!(counts[0], [0, 0, 0, 1], "mécénat");
    assert_eq!(counts[4], [0, 1, 0, 0], "no form");
    let svg = matrix::status_matrix_svg(&view, Lang::Fr, "Familles × statut", "s");
    parse(&svg);
    let m = matrix::form_matrix(&view);
    assert_eq!(m.rows[0].name, "Boulangerie Dupont & Fils");
}

fn map_names(level: Level, code: &str) -> Option<&'static str> {
    match (level, code) {
        (Level::Departement, "69") => Some("Rhône"),
        (Level::Region, "84") => Some("Auvergne-Rhône-Alpes"),
        (Level::Commune, "69123") => Some("Lyon"),
        _ => None,
    }
}

fn map_options(level: Level, zoom: Zoom) -> MapOptions {
    MapOptions {
        lang: Lang::Fr,
        title: "Carte".into(),
        id: "c".into(),
        level,
        zoom,
        names: map_names,
        href_prefix: Some("?".into()),
    }
}

/// The `<path>` of the choropleth (not the context nor the borders).
fn area_paths<'a>(doc: &'a roxmltree::Document<'a>) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name("path"))
        .filter(|n| n.ancestors().any(|a| a.attribute("class") == Some("areas")))
        .collect()
}

#[test]
fn map_counts_partners_per_area_and_says_what_is_off_the_map() {
    let mut carto = small();
    // An unknown commune code: its département is not known either.
    carto.organisations[4].commune_code = Some("99999".into());
    carto.organisations[4].departement = None;
    let view = carto.view(&Selection::all_on(today()));
    let c = map::counts(&view, Level::Departement, &Zoom::France);
    assert_eq!(c.by_area.get("69"), Some(&2));
    assert_eq!(c.by_area.get("75"), Some(&1));
    assert_eq!(c.by_area.len(), 2);
    assert_eq!(c.without_commune, 1, "Transports Sans Adresse");
    assert_eq!(c.off_map, 1, "the unknown commune");
    assert_eq!(
        c.by_commune.keys().collect::<Vec<_>>(),
        ["69123", "69259", "75056"]
    );
    let regions = map::counts(&view, Level::Region, &Zoom::France);
    assert_eq!(regions.by_area.get("84"), Some(&2));
    assert_eq!(regions.by_area.get("11"), Some(&1));

    let svg = map::map_svg(&view, &map_options(Level::Departement, Zoom::France));
    let doc = parse(&svg);
    let rhone = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("a")
                && n.attribute("href") == Some("?departement=69&level=commune#carte")
        })
        .expect("a département with partners links to its communes");
    assert_eq!(
        rhone.attribute("aria-label"),
        Some("Rhône (69) : 2 partenaires")
    );
    let t = texts(&doc);
    assert!(t.iter().any(|x| x == "1 partenaire sans commune"), "{t:?}");
    assert!(t.iter().any(|x| x.starts_with("1 partenaire hors carte")));
    assert!(t.iter().any(|x| x == "Partenaires par département"));
    // 101 départements drawn, overseas included.
    assert_eq!(area_paths(&doc).len(), 101);
    // Each partner's commune is a circle, inside the picture, named.
    let points: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("pt"))
        .collect();
    assert_eq!(points.len(), 3);
    let view_box: Vec<f64> = doc
        .root_element()
        .attribute("viewBox")
        .unwrap()
        .split(' ')
        .map(|n| n.parse().unwrap())
        .collect();
    let (w, h) = (view_box[2], view_box[3]);
    for p in &points {
        let circle = p.children().find(|n| n.has_tag_name("circle")).unwrap();
        let cx: f64 = circle.attribute("cx").unwrap().parse().unwrap();
        let cy: f64 = circle.attribute("cy").unwrap().parse().unwrap();
        assert!(cx > 0.0 && cx < w && cy > 0.0 && cy < h, "({cx}, {cy})");
    }
    let titles: Vec<_> = points
        .iter()
        .filter_map(|p| p.children().find(|n| n.has_tag_name("title"))?.text())
        .collect();
    assert!(
        titles.contains(&"Lyon (69123) : 1 partenaire"),
        "{titles:?}"
    );

    // Nobody: still a map, and the message.
    let empty = Carto {
        centres: vec![centre("vide", "Vide")],
        ..Default::default()
    };
    let opts = map_options(Level::Departement, Zoom::France);
    let svg = map::map_svg(&empty.view(&Selection::all_on(today())), &opts);
    assert!(
        texts(&parse(&svg))
            .iter()
            .any(|x| x == "Aucun partenaire à représenter")
    );
    assert!(png::svg_to_png(&svg, 0.5).is_ok());
}

#[test]
fn a_map_zoomed_on_a_region_draws_all_its_communes_and_counts_the_rest_outside() {
    let carto = small();
    let view = carto.view(&Selection::all_on(today()));
    let zoom = Zoom::Region("84".into());
    let c = map::counts(&view, Level::Commune, &zoom);
    assert_eq!(
        c.by_area.keys().collect::<Vec<_>>(),
        ["38185", "69123", "69259"]
    );
    assert_eq!(c.outside_zoom, 1, "Paris is not in Auvergne-Rhône-Alpes");
    let svg = map::map_svg(&view, &map_options(Level::Commune, zoom));
    let doc = parse(&svg);
    let communes = map::territories()
        .of_level(Level::Commune)
        .filter(|f| f.regions == ["84"])
        .count();
    assert!(communes > 3_900, "{communes}");
    assert_eq!(area_paths(&doc).len(), communes);
    let t = texts(&doc);
    assert!(t.iter().any(|x| x == "Auvergne-Rhône-Alpes (84)"), "{t:?}");
    assert!(
        t.iter()
            .any(|x| x == "1 partenaire hors de la zone affichée")
    );
    assert!(t.iter().any(|x| x == "Partenaires par commune"));
    // The départements' borders are drawn over the communes.
    assert!(
        doc.descendants()
            .any(|n| n.attribute("class") == Some("borders"))
    );
    // The circles sit on their commune's drawn outline: the contours' transform and the
    // circles' placement agree.
    assert_points_on_their_communes(&doc);
    assert!(png::svg_to_png(&svg, 0.5).is_ok());

    // EPCI and régions too; a zoom on an unknown code draws France.
    let mut carto = small();
    carto.organisations[0].epci = Some("200046977".into());
    carto.organisations[2].epci = Some("200046977".into());
    let view = carto.view(&Selection::all_on(today()));
    let c = map::counts(&view, Level::Epci, &Zoom::Departement("69".into()));
    assert_eq!(c.by_area.get("200046977"), Some(&2));
    let svg = map::map_svg(
        &view,
        &map_options(Level::Region, Zoom::Region("99".into())),
    );
    assert_eq!(area_paths(&parse(&svg)).len(), 18);
}

/// Each circle lies within the bounding box of its commune, as the map's transform draws it.
fn assert_points_on_their_communes(doc: &roxmltree::Document<'_>) {
    let frame = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("frame frame-metro"))
        .expect("the metropolitan frame");
    let transform = frame
        .children()
        .find_map(|n| n.attribute("transform"))
        .expect("its transform");
    let numbers: Vec<f64> = transform
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect();
    let [ox, oy, k, tx, ty] = numbers[..] else {
        panic!("{transform}")
    };
    let mut checked = 0;
    for p in frame
        .descendants()
        .filter(|n| n.attribute("class") == Some("pt"))
    {
        let title = p.children().find(|n| n.has_tag_name("title")).unwrap();
        let text = title.text().unwrap();
        let code = match text.split_once('(') {
            Some((_, rest)) => rest.split(')').next().unwrap(),
            None => text.split(' ').next().unwrap(),
        };
        let circle = p.children().find(|n| n.has_tag_name("circle")).unwrap();
        let cx: f64 = circle.attribute("cx").unwrap().parse().unwrap();
        let cy: f64 = circle.attribute("cy").unwrap().parse().unwrap();
        let f = map::territories().get(Level::Commune, code).unwrap();
        let x = |u: i32| ox + k * (f64::from(u) + tx);
        let y = |u: i32| oy + k * (f64::from(u) + ty);
        assert!(
            x(f.bbox[0]) - 0.6 <= cx
                && cx <= x(f.bbox[2]) + 0.6
                && y(f.bbox[1]) - 0.6 <= cy
                && cy <= y(f.bbox[3]) + 0.6,
            "{code} at ({cx}, {cy}) outside its outline, transform {transform}"
        );
        checked += 1;
    }
    assert!(checked > 0);
}

#[test]
fn a_map_of_communes_over_all_of_france_draws_only_those_with_partners() {
    let carto = small();
    let view = carto.view(&Selection::all_on(today()));
    let svg = map::map_svg(&view, &map_options(Level::Commune, Zoom::France));
    let doc = parse(&svg);
    // 101 départements as the background, then the four communes with partners.
    assert_eq!(area_paths(&doc).len(), 101 + 4);
    assert_points_on_their_communes(&doc);
    assert!(svg.len() < 2_000_000, "{} bytes", svg.len());
}

#[test]
fn a_past_day_is_drawn_with_the_status_recorded_that_day() {
    use partinnov_render::LinkState;
    let mut carto = small();
    // The first partnership: planned in 2020, active from 2021, ended in 2024; today it is
    // ended. Its forms alone would say "active" all along.
    let p = &mut carto.partnerships[0];
    p.status = PartnershipStatus::Termine;
    p.status_history = vec![
        (day("2020-02-01"), PartnershipStatus::EnProjet),
        (day("2021-01-15"), PartnershipStatus::Actif),
        (day("2024-06-30"), PartnershipStatus::Termine),
    ];
    let id = p.id;
    let state_on = |d: &str| {
        let view = carto.view(&Selection {
            as_of: day(d),
            ..Selection::all_on(today())
        });
        view.links
            .iter()
            .find(|l| view.partnership(l).id == id)
            .map(|l| l.state)
    };
    assert_eq!(state_on("2020-06-01"), Some(LinkState::Planned));
    assert_eq!(state_on("2022-03-01"), Some(LinkState::Active));
    assert_eq!(state_on("2025-01-01"), Some(LinkState::Ended));
    assert_eq!(
        state_on("2026-11-23"),
        Some(LinkState::Ended),
        "today: the status"
    );
    // Before its history starts, the forms decide as before.
    assert_eq!(
        state_on("2019-06-01"),
        Some(LinkState::Active),
        "a donation then"
    );
}
