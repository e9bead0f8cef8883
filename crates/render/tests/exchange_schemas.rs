//! GEXF and GraphML validated against schemas with xmllint (issue 6), on ordinary and awkward
//! workspaces: the small one, an empty one, nothing at all, a partner with a 200-character
//! name full of XML-special characters, a dynamic graph drawn on a past day, 300 partners.
//!
//! - GraphML: `tests/schemas/graphml.xsd` (+ `xlink.xsd`), the GraphML 1.0 schema as Debian
//!   ships it in `libjgrapht-java` (see `tests/schemas/README.md`). Its keys also check that
//!   node ids are unique, that edges join declared nodes and that data names declared keys.
//! - GEXF 1.3: `tests/schemas/gexf-1.3-partinnov.rng`, a RELAX NG schema the project wrote
//!   for the subset it emits (no registry ships the 1.3 schema). What RELAX NG cannot say is
//!   checked here in Rust: unique ids, edges between declared nodes, attvalues naming
//!   declared attributes, dates in the graph's timeformat, spells that do not end before they
//!   start.
//!
//! Each schema is also shown to reject broken documents, so a passing run means something.
//! Without xmllint the test prints a note and passes, unless `CI` is set (CI installs
//! `libxml2-utils`, so its absence there is a failure).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use partinnov_domain::{
    kind::StructureKind,
    typology::{Form, PartnershipStatus},
};
use partinnov_render::{
    Carto, Centre, DatedForm, Organisation, Partnership, Selection, View, exchange,
};

const GEXF_NS: &str = "http://gexf.net/1.3";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The only place an `Organisation` is built: a new field is one line here.
fn organisation(
    id: i64,
    name: &str,
    kind: StructureKind,
    commune: Option<(&str, &str, &str)>,
    sector: Option<&str>,
) -> Organisation {
    Organisation {
        id,
        name: name.to_owned(),
        kinds: vec![kind],
        commune_code: commune.map(|c| c.0.to_owned()),
        commune_name: commune.map(|c| c.1.to_owned()),
        departement: commune.map(|c| c.2.to_owned()),
        region: commune.map(|_| "84".to_owned()),
        epci: None,
        place: None,
        sector: sector.map(str::to_owned),
    }
}

/// The only place a `Partnership` is built: a new field is one line here.
fn partnership(
    id: i64,
    centre: usize,
    title: &str,
    partners: Vec<usize>,
    forms: Vec<DatedForm>,
) -> Partnership {
    Partnership {
        id,
        centre,
        title: title.to_owned(),
        partners,
        status: PartnershipStatus::Actif,
        dormant: false,
        created_on: day("2020-01-01"),
        forms,
        status_history: Vec::new(),
        href: Some(format!("/w/demo/partnerships/{id}")),
    }
}

fn form(form: Form, start: Option<&str>, end: Option<&str>) -> DatedForm {
    DatedForm {
        form,
        start: start.map(day),
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

/// An ordinary workspace: several families, an ended, a dormant and a planned partnership, a
/// partner with no commune, one with no dated form, one partner shared by two partnerships.
fn small() -> Carto {
    let organisations = vec![
        organisation(
            1,
            "Boulangerie Dupont & Fils",
            StructureKind::EntTpe,
            Some(("69123", "Lyon", "69")),
            Some("C"),
        ),
        organisation(
            2,
            "Fondation <Avenir>",
            StructureKind::Fondation,
            Some(("75056", "Paris", "75")),
            None,
        ),
        organisation(
            3,
            "Mairie de Vénissieux",
            StructureKind::Muni,
            Some(("69259", "Vénissieux", "69")),
            Some("O"),
        ),
        organisation(
            4,
            "Transports Sans Adresse",
            StructureKind::EntPme,
            None,
            None,
        ),
        organisation(
            5,
            "ESAT Les Ateliers",
            StructureKind::Esat,
            Some(("38185", "Grenoble", "38")),
            None,
        ),
    ];
    let mut ps = vec![
        partnership(
            10,
            0,
            "Pain et insertion",
            vec![0],
            vec![
                form(Form::RelationCommerciale, Some("2021-03-01"), None),
                form(Form::MecenatNature, Some("2019-05-01"), Some("2019-12-31")),
                form(Form::AccueilImmersions, Some("2022-01-01"), None),
            ],
        ),
        partnership(
            11,
            0,
            "Mécénat 2018-2020",
            vec![1],
            vec![form(
                Form::MecenatFinancier,
                Some("2018-01-01"),
                Some("2020-12-31"),
            )],
        ),
        partnership(
            12,
            0,
            "Clauses sociales",
            vec![2],
            vec![form(Form::ClausesSociales, None, None)],
        ),
        partnership(
            13,
            1,
            "Sous-traitance et GME",
            vec![3, 4, 0],
            vec![
                form(Form::SousTraitance, Some("2023-01-01"), None),
                form(Form::Gme, Some("2023-06-01"), Some("2024-06-30")),
            ],
        ),
        partnership(14, 0, "En projet", vec![3], vec![]),
    ];
    ps[1].status = PartnershipStatus::Termine;
    ps[2].dormant = true;
    ps[4].status = PartnershipStatus::EnProjet;
    Carto {
        centres: vec![
            centre("demo", "Atelier Chantier Demo"),
            centre("autre", "Entreprise d'insertion Autre"),
        ],
        organisations,
        partnerships: ps,
    }
}

/// A structure with no partner yet.
fn lonely() -> Carto {
    Carto {
        centres: vec![centre("seul", "Structure sans partenaire")],
        organisations: vec![],
        partnerships: vec![],
    }
}

/// Nothing at all: no structure, no partner.
fn nothing() -> Carto {
    Carto {
        centres: vec![],
        organisations: vec![],
        partnerships: vec![],
    }
}

/// A 200-character name made of XML-special characters, quotes, accents and spacing, in
/// every text that reaches the files: names, titles, communes, sector.
fn awkward_name() -> String {
    let piece = "<Société & Fils> \"L'Atelier\"\t'quoté' — é ";
    let name: String = piece.chars().cycle().take(200).collect();
    assert_eq!(name.chars().count(), 200);
    name
}

fn awkward() -> Carto {
    let name = awkward_name();
    let organisations = vec![
        organisation(
            1,
            &name,
            StructureKind::Asso,
            Some(("2A004", "Ajaccio <&> \"'", "2A")),
            Some("S&<>\"'"),
        ),
        organisation(2, "\"'<&>'\"", StructureKind::EntGe, None, None),
    ];
    let partnerships = vec![
        partnership(
            1,
            0,
            &name,
            vec![0, 1],
            vec![form(Form::Benevolat, Some("2024-02-29"), None)],
        ),
        partnership(2, 0, "<![CDATA[ ]]> & --> <!-- ", vec![1], vec![]),
    ];
    Carto {
        centres: vec![centre("a-b_c", "Structure \"<&>'\" d'accueil")],
        organisations,
        partnerships,
    }
}

/// Forms that start, stop and restart, with and without dates, drawn on a past day so that
/// the state comes from the dated forms.
fn dynamic() -> Carto {
    let organisations = (1..=6)
        .map(|i| {
            organisation(
                i,
                &format!("Partenaire {i}"),
                StructureKind::ALL[i as usize % StructureKind::ALL.len()],
                Some(("69123", "Lyon", "69")),
                None,
            )
        })
        .collect();
    let partnerships = vec![
        partnership(
            1,
            0,
            "Relancé",
            vec![0],
            vec![
                form(
                    Form::MecenatFinancier,
                    Some("2015-01-01"),
                    Some("2016-12-31"),
                ),
                form(
                    Form::MecenatFinancier,
                    Some("2018-01-01"),
                    Some("2018-12-31"),
                ),
                form(Form::MecenatNature, Some("2018-06-01"), None),
            ],
        ),
        partnership(
            2,
            0,
            "Pas encore commencé",
            vec![1],
            vec![form(Form::Recrutement, Some("2025-01-01"), None)],
        ),
        partnership(
            3,
            0,
            "Fini avant le jour dessiné",
            vec![2],
            vec![form(
                Form::Cotraitance,
                Some("2016-01-01"),
                Some("2017-01-01"),
            )],
        ),
        partnership(
            4,
            0,
            "Sans date de début",
            vec![3, 4],
            vec![form(Form::SolutionRh, None, Some("2021-06-30"))],
        ),
        partnership(
            5,
            0,
            "Périodes contiguës",
            vec![5],
            vec![
                form(Form::Jvs, Some("2017-01-01"), Some("2017-12-31")),
                form(Form::MarqueCommune, Some("2018-01-01"), Some("2018-12-31")),
            ],
        ),
    ];
    let mut carto = Carto {
        centres: vec![centre("temps", "Structure dans le temps")],
        organisations,
        partnerships,
    };
    for p in &mut carto.partnerships {
        p.created_on = day("2014-09-01");
    }
    // Recorded after the past day drawn: not on the graph of that day.
    carto.partnerships[1].created_on = day("2024-10-01");
    carto
}

/// 300 partners around three structures, every seventh shared by two of them.
fn many() -> Carto {
    let n = 300;
    let organisations = (0..n)
        .map(|i| {
            organisation(
                i + 1,
                &format!("Partenaire n°{i} & associés"),
                StructureKind::ALL[i as usize % StructureKind::ALL.len()],
                (i % 4 != 0).then_some(("69123", "Lyon", "69")),
                (i % 3 == 0).then_some("G"),
            )
        })
        .collect();
    let mut partnerships = Vec::new();
    for i in 0..n as usize {
        let f = Form::ALL[i % Form::ALL.len()];
        let start = format!("20{:02}-{:02}-01", 10 + i % 15, 1 + i % 12);
        let end = format!("20{:02}-12-31", 10 + i % 15 + i % 3);
        let mut p = partnership(
            i as i64 + 1,
            i % 3,
            &format!("Partenariat {i}"),
            vec![i],
            vec![form(f, Some(&start), (i % 2 == 0).then_some(end.as_str()))],
        );
        p.status = PartnershipStatus::ALL[i % PartnershipStatus::ALL.len()];
        p.dormant = i % 11 == 0;
        partnerships.push(p);
        if i % 7 == 0 {
            partnerships.push(partnership(
                1000 + i as i64,
                (i + 1) % 3,
                "Partagé",
                vec![i],
                vec![],
            ));
        }
    }
    Carto {
        centres: vec![
            centre("nord", "Structure Nord"),
            centre("sud", "Structure Sud"),
            centre("est", "Structure Est"),
        ],
        organisations,
        partnerships,
    }
}

fn today() -> NaiveDate {
    day("2026-11-23")
}

fn schema(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas")
        .join(name)
}

/// A directory of its own for each test, under the system's temporary directory.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "partinnov-exchange-schemas-{}-{test}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether xmllint can be run; without it, a note (or a failure under CI).
fn have_xmllint() -> bool {
    match Command::new("xmllint").arg("--version").output() {
        Ok(_) => true,
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!("CI is set but xmllint cannot be run ({e}); apt-get install libxml2-utils")
        }
        Err(e) => {
            eprintln!("note: xmllint cannot be run ({e}), the schema validation is skipped");
            false
        }
    }
}

/// Runs `xmllint --noout --nonet <flag> <schema> <file>`: success, and what it said.
fn xmllint(flag: &str, schema: &Path, file: &Path) -> (bool, String) {
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", flag])
        .arg(schema)
        .arg(file)
        .output()
        .expect("xmllint runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

enum Format {
    Gexf,
    Graphml,
}

impl Format {
    fn extension(&self) -> &'static str {
        match self {
            Format::Gexf => "gexf",
            Format::Graphml => "graphml",
        }
    }

    fn validate(&self, file: &Path) -> (bool, String) {
        match self {
            Format::Gexf => xmllint("--relaxng", &schema("gexf-1.3-partinnov.rng"), file),
            Format::Graphml => xmllint("--schema", &schema("graphml.xsd"), file),
        }
    }
}

fn write(dir: &Path, name: &str, format: &Format, content: &str) -> PathBuf {
    let path = dir.join(format!("{name}.{}", format.extension()));
    std::fs::write(&path, content).unwrap();
    path
}

fn assert_valid(dir: &Path, name: &str, format: Format, content: &str) {
    let path = write(dir, name, &format, content);
    let (ok, stderr) = format.validate(&path);
    assert!(
        ok,
        "{} is rejected by its schema:\n{stderr}",
        path.display()
    );
}

fn assert_invalid(dir: &Path, name: &str, format: Format, content: &str, why: &str) {
    let path = write(dir, name, &format, content);
    let (ok, stderr) = format.validate(&path);
    assert!(
        !ok,
        "{} ({why}) is accepted by its schema but must not be",
        path.display()
    );
    assert!(
        stderr.contains("fails to validate"),
        "{name}: xmllint refused it for another reason than the schema:\n{stderr}"
    );
}

/// What RELAX NG cannot express, checked on the GEXF text. Returns the problems found.
fn gexf_reference_problems(gexf: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(gexf).expect("GEXF is XML");
    let mut problems = Vec::new();
    let graph = doc
        .descendants()
        .find(|n| n.has_tag_name((GEXF_NS, "graph")))
        .expect("a graph");
    let declared: HashSet<(&str, &str)> = graph
        .children()
        .filter(|n| n.has_tag_name((GEXF_NS, "attributes")))
        .flat_map(|a| {
            let class = a.attribute("class").unwrap_or_default();
            a.children()
                .filter(|n| n.has_tag_name((GEXF_NS, "attribute")))
                .filter_map(move |n| n.attribute("id").map(|id| (class, id)))
        })
        .collect();
    for class in ["node", "edge"] {
        let mut ids = HashSet::new();
        for n in doc
            .descendants()
            .filter(|n| n.has_tag_name((GEXF_NS, class)))
        {
            if let Some(id) = n.attribute("id")
                && !ids.insert(id)
            {
                problems.push(format!("{class} id {id:?} is not unique"));
            }
        }
        for n in doc
            .descendants()
            .filter(|n| n.has_tag_name((GEXF_NS, class)))
        {
            for v in n
                .descendants()
                .filter(|v| v.has_tag_name((GEXF_NS, "attvalue")))
            {
                let target = v.attribute("for").unwrap_or_default();
                if !declared.contains(&(class, target)) {
                    problems.push(format!(
                        "attvalue for {target:?} on a {class} names no declared {class} attribute"
                    ));
                }
            }
        }
    }
    let nodes: HashSet<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((GEXF_NS, "node")))
        .filter_map(|n| n.attribute("id"))
        .collect();
    for e in doc
        .descendants()
        .filter(|n| n.has_tag_name((GEXF_NS, "edge")))
    {
        for end in ["source", "target"] {
            let id = e.attribute(end).unwrap_or_default();
            if !nodes.contains(id) {
                problems.push(format!("edge {end} {id:?} is not a node id"));
            }
        }
    }
    // Times: with timeformat="date", every start and end is a date; a spell runs forwards.
    if graph.attribute("timeformat") == Some("date") {
        for n in doc.descendants().filter(|n| n.is_element()) {
            let start = n.attribute("start");
            let end = n.attribute("end");
            for t in [start, end].into_iter().flatten() {
                if t.parse::<NaiveDate>().is_err() {
                    problems.push(format!("{t:?} is not a date"));
                }
            }
            if let (Some(Ok(a)), Some(Ok(b))) = (
                start.map(str::parse::<NaiveDate>),
                end.map(str::parse::<NaiveDate>),
            ) && b < a
            {
                problems.push(format!("a period ends ({b}) before it starts ({a})"));
            }
        }
    }
    problems
}

/// The workspaces and the day each is drawn on.
fn cases() -> Vec<(&'static str, Carto, Selection)> {
    let mut past = Selection::all_on(today());
    past.as_of = day("2018-07-14");
    vec![
        ("small", small(), Selection::all_on(today())),
        ("lonely", lonely(), Selection::all_on(today())),
        ("nothing", nothing(), Selection::all_on(today())),
        ("awkward", awkward(), Selection::all_on(today())),
        ("dynamic-today", dynamic(), Selection::all_on(today())),
        ("dynamic-past", dynamic(), past),
        ("many", many(), Selection::all_on(today())),
    ]
}

fn title() -> String {
    format!("Réseau <{}> & \"co\"", awkward_name())
}

#[test]
fn gexf_follows_the_rules_relax_ng_cannot_express() {
    for (name, carto, sel) in cases() {
        let view: View<'_> = carto.view(&sel);
        let g = exchange::gexf(&view, &title());
        let problems = gexf_reference_problems(&g);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
    }
}

#[test]
fn the_cases_are_what_they_claim() {
    let cases = cases();
    let gexf = |name: &str| {
        let (_, carto, sel) = cases.iter().find(|c| c.0 == name).unwrap();
        exchange::gexf(&carto.view(sel), "t")
    };
    let count = |g: &str, tag: &str| g.matches(&format!("<{tag} ")).count();
    assert_eq!(count(&gexf("nothing"), "node"), 0);
    assert_eq!(count(&gexf("lonely"), "node"), 1);
    assert_eq!(count(&gexf("lonely"), "edge"), 0);
    assert!(count(&gexf("many"), "node") >= 300);
    let awkward = gexf("awkward");
    assert!(awkward.contains("&lt;Société &amp; Fils&gt;"));
    assert!(!awkward.contains("<Société"));
    // The past day leaves out a partnership recorded later and shows one that had ended.
    let past = gexf("dynamic-past");
    assert_eq!(
        count(&past, "node") + 1,
        count(&gexf("dynamic-today"), "node")
    );
    assert!(past.contains("<viz:shape value=\"dashed\"/>"));
    assert!(past.contains("<spell start=\"2015-01-01\" end=\"2016-12-31\"/>"));
    // A form with no start date starts with its partnership.
    assert!(past.contains("<spell start=\"2014-09-01\" end=\"2021-06-30\"/>"));
}

#[test]
fn gexf_and_graphml_are_valid_against_their_schemas() {
    if !have_xmllint() {
        return;
    }
    let dir = scratch("valid");
    for (name, carto, sel) in cases() {
        let view = carto.view(&sel);
        assert_valid(&dir, name, Format::Gexf, &exchange::gexf(&view, &title()));
        assert_valid(
            &dir,
            name,
            Format::Graphml,
            &exchange::graphml(&view, &title()),
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Replaces the first occurrence of `from`, which must be there.
fn broken(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not found to break");
    text.replacen(from, to, 1)
}

#[test]
fn the_schemas_reject_broken_documents() {
    if !have_xmllint() {
        return;
    }
    let dir = scratch("invalid");
    let carto = small();
    let view = carto.view(&Selection::all_on(today()));
    let gexf = exchange::gexf(&view, "t");
    let graphml = exchange::graphml(&view, "t");
    // The unbroken documents pass, so each refusal below is the breakage's doing.
    assert_valid(&dir, "base", Format::Gexf, &gexf);
    assert_valid(&dir, "base", Format::Graphml, &graphml);

    for (name, from, to, why) in [
        (
            "edge-without-target",
            " target=\"o:1\"",
            "",
            "an edge without target",
        ),
        (
            "edge-without-source",
            " source=\"s:demo\"",
            "",
            "an edge without source",
        ),
        (
            "node-without-id",
            "<node id=\"s:demo\"",
            "<node",
            "a node without id",
        ),
        (
            "unknown-attribute-type",
            "type=\"boolean\"",
            "type=\"bool\"",
            "an unknown attribute type",
        ),
        (
            "attvalue-without-value",
            "<attvalue for=\"type\" value=\"structure\"/>",
            "<attvalue for=\"type\"/>",
            "an attvalue without value",
        ),
        (
            "colour-out-of-range",
            "<viz:color r=\"26\"",
            "<viz:color r=\"300\"",
            "a red of 300",
        ),
        (
            "negative-size",
            "<viz:size value=\"18.0\"/>",
            "<viz:size value=\"-18.0\"/>",
            "a negative size",
        ),
        (
            "unknown-node-shape",
            "<viz:shape value=\"disc\"/>",
            "<viz:shape value=\"circle\"/>",
            "a node shape GEXF does not know",
        ),
        (
            "spell-not-a-date",
            "<spell start=\"2019-05-01\"",
            "<spell start=\"1er mai 2019\"",
            "a spell starting on a non-date",
        ),
        (
            "wrong-version",
            "version=\"1.3\"",
            "version=\"1.2\"",
            "a version other than 1.3",
        ),
        (
            "wrong-namespace",
            "xmlns=\"http://gexf.net/1.3\"",
            "xmlns=\"http://www.gexf.net/1.2draft\"",
            "the 1.2draft namespace",
        ),
        (
            "unknown-element",
            "<nodes ",
            "<nœuds/><nodes ",
            "an element GEXF does not have",
        ),
    ] {
        assert_invalid(&dir, name, Format::Gexf, &broken(&gexf, from, to), why);
    }

    for (name, from, to, why) in [
        (
            "node-without-id",
            "<node id=\"s:demo\">",
            "<node>",
            "a node without id",
        ),
        (
            "edge-to-unknown-node",
            " target=\"o:1\"",
            " target=\"o:999\"",
            "an edge to a node that is not there",
        ),
        (
            "duplicate-node",
            "<node id=\"o:2\">",
            "<node id=\"o:1\">",
            "two nodes with one id",
        ),
        (
            "data-with-unknown-key",
            "<data key=\"n_label\">",
            "<data key=\"n_nom\">",
            "data under a key never declared",
        ),
        (
            "unknown-key-type",
            "attr.type=\"boolean\"",
            "attr.type=\"bool\"",
            "an unknown key type",
        ),
        (
            "key-after-graph",
            "</graph>",
            "</graph>\n<key id=\"late\" for=\"node\"/>",
            "a key after the graph",
        ),
    ] {
        assert_invalid(
            &dir,
            name,
            Format::Graphml,
            &broken(&graphml, from, to),
            why,
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_rust_checks_catch_what_the_schema_lets_through() {
    let carto = small();
    let gexf = exchange::gexf(&carto.view(&Selection::all_on(today())), "t");
    assert!(gexf_reference_problems(&gexf).is_empty());
    for (from, to, expect) in [
        (" target=\"o:1\"", " target=\"o:999\"", "is not a node id"),
        (
            "<attvalue for=\"kinds\"",
            "<attvalue for=\"nature\"",
            "names no declared node attribute",
        ),
        // An edge attribute on a node: declared, but not for that class.
        (
            "<attvalue for=\"kinds\"",
            "<attvalue for=\"dormant\"",
            "names no declared node attribute",
        ),
        (
            "<node id=\"o:2\"",
            "<node id=\"o:1\"",
            "node id \"o:1\" is not unique",
        ),
        (
            "<spell start=\"2019-05-01\" end=\"2019-12-31\"",
            "<spell start=\"2019-05-01\" end=\"2019-01-31\"",
            "ends (2019-01-31) before it starts",
        ),
        (
            "<spell start=\"2019-05-01\"",
            "<spell start=\"2019.5\"",
            "is not a date",
        ),
    ] {
        let problems = gexf_reference_problems(&broken(&gexf, from, to));
        assert!(
            problems.iter().any(|p| p.contains(expect)),
            "{to:?}: expected {expect:?} in {problems:#?}"
        );
    }
}
