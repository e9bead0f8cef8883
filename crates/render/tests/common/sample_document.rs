//! A realistic French capitalisation sheet, shared by the document tests and the benchmark
//! (`examples/doc_bench.rs` includes this file): partners with accents, figures with
//! no-break spaces, fields left empty, a table, a long text, a picture of this crate.

#![allow(dead_code)]

use chrono::NaiveDate;
use partinnov_domain::{
    kind::StructureKind,
    lang::Lang,
    typology::{Form, PartnershipStatus},
};
use partinnov_render::document::{
    Block, DocFormat, Document, Fact, Inline, Labels, Picture, Table,
};
use partinnov_render::{Carto, Centre, DatedForm, Organisation, Partnership, Selection, matrix};

pub const PARTNER: &str = "Caisse d'Épargne Grand Est Europe";
pub const PARTNER_TYPOGRAPHIC: &str = "Caisse d’Épargne Grand Est Europe";
pub const SECOND: &str = "Société alsacienne de torréfaction";
pub const AMOUNT: &str = "12\u{a0}500\u{a0}€";

pub fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

pub fn labels() -> Labels {
    Labels {
        missing: "à compléter".to_owned(),
        issued: "Édité le {date}".to_owned(),
        page: "Page {page} sur {pages}".to_owned(),
        figure: "Figure".to_owned(),
    }
}

/// The matrix of forms of a small workspace, as SVG (text labels included).
pub fn matrix_svg() -> String {
    let org = |id: i64, name: &str, kind| Organisation {
        id,
        name: name.to_owned(),
        kinds: vec![kind],
        commune_code: Some("67482".to_owned()),
        commune_name: Some("Strasbourg".to_owned()),
        departement: Some("67".to_owned()),
        region: None,
        epci: None,
        place: None,
        sector: None,
    };
    let dated = |form, start: &str| DatedForm {
        form,
        start: Some(day(start)),
        end: None,
    };
    let link = |id: i64, partner: usize, forms: Vec<DatedForm>| Partnership {
        id,
        centre: 0,
        title: format!("Partenariat {id}"),
        partners: vec![partner],
        status: PartnershipStatus::Actif,
        dormant: false,
        created_on: day("2020-01-01"),
        forms,
        status_history: Vec::new(),
        href: None,
    };
    let carto = Carto {
        centres: vec![Centre {
            key: "demo".to_owned(),
            name: "Chantier d'insertion Demo".to_owned(),
            href: None,
        }],
        organisations: vec![
            org(1, PARTNER, StructureKind::EntGe),
            org(2, SECOND, StructureKind::EntPme),
            org(3, "Mairie de Sélestat", StructureKind::Muni),
        ],
        partnerships: vec![
            link(
                1,
                0,
                vec![
                    dated(Form::MecenatFinancier, "2021-01-01"),
                    dated(Form::AccueilImmersions, "2022-03-01"),
                ],
            ),
            link(2, 1, vec![dated(Form::RelationCommerciale, "2023-05-01")]),
            link(3, 2, vec![dated(Form::ClausesSociales, "2020-09-01")]),
        ],
    };
    let view = carto.view(&Selection::all_on(day("2026-11-23")));
    matrix::form_matrix_svg(&view, Lang::Fr, "Formes de partenariat", "m")
}

/// `n` words of French prose.
pub fn prose(n: usize) -> String {
    let words = [
        "Le",
        "partenariat",
        "avec",
        "l'entreprise",
        "a",
        "permis",
        "d'accueillir",
        "des",
        "salariés",
        "en",
        "immersion",
        "professionnelle",
        "sur",
        "plusieurs",
        "métiers",
        "de",
        "la",
        "logistique",
        "et",
        "du",
        "conditionnement",
        "pendant",
        "trois",
        "années",
        "consécutives,",
        "avec",
        "un",
        "accompagnement",
        "régulier",
        "des",
        "encadrants",
        "techniques.",
    ];
    (0..n)
        .map(|i| words[i % words.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn t(s: &str) -> Inline {
    Inline::text(s)
}

fn fact(label: &str, value: Vec<Inline>) -> Fact {
    Fact {
        label: label.to_owned(),
        value,
    }
}

/// A capitalisation sheet: identity cards, a history, forms, a table of `rows` flows, a text
/// of `words` words and, when `picture`, the matrix of forms.
pub fn sheet(words: usize, rows: usize, picture: bool) -> Document {
    let mut blocks = vec![
        Block::Heading {
            level: 1,
            text: "Carte d'identité des partenaires".to_owned(),
        },
        Block::Facts(vec![
            fact("Entreprise", vec![Inline::Strong(PARTNER.to_owned())]),
            fact("SIRET", vec![t("775 622 241 00019")]),
            fact("Adresse", vec![t("1 avenue du Rhin, 67100 Strasbourg")]),
            fact("Contact", vec![Inline::Missing]),
            fact(
                "Structure",
                vec![t(
                    "Chantier d'insertion « Les Jardins de la Montagne Verte »",
                )],
            ),
            fact("Montant du mécénat", vec![t(AMOUNT)]),
        ]),
        Block::Heading {
            level: 2,
            text: "Historique".to_owned(),
        },
        Block::Paragraph(vec![
            t("Premier contact en 2019 lors d'un petit-déjeuner du club d'entreprises; "),
            Inline::Strong("convention signée".to_owned()),
            t(" le 12/03/2021 avec "),
            Inline::Emphasis(SECOND.to_owned()),
            t(" comme second partenaire. Objectif : "),
            Inline::Missing,
            t("."),
        ]),
        Block::Bullets(vec![
            vec![t("Mécénat financier : "), t(AMOUNT), t(" par an")],
            vec![t("Accueil de 8 salariés en immersion (PMSMP)")],
            vec![t("Achats de café solidaire : "), Inline::Missing],
        ]),
    ];
    if picture {
        blocks.push(Block::Picture(Picture {
            svg: matrix_svg(),
            caption: "Formes de partenariat par partenaire".to_owned(),
            alt: format!(
                "Matrice : {PARTNER} pratique le mécénat financier et l'accueil d'immersions"
            ),
        }));
    }
    blocks.push(Block::Heading {
        level: 2,
        text: "Flux et résultats".to_owned(),
    });
    blocks.push(Block::Table(Table {
        headers: vec![
            "Année".to_owned(),
            "Partenaire".to_owned(),
            "Forme".to_owned(),
            "Montant".to_owned(),
        ],
        rows: (0..rows)
            .map(|i| {
                vec![
                    vec![t(&(2000 + i % 27).to_string())],
                    vec![t(if i % 2 == 0 { PARTNER } else { SECOND })],
                    if i % 7 == 3 {
                        vec![Inline::Missing]
                    } else {
                        vec![t("Mécénat financier")]
                    },
                    vec![t(&format!(
                        "{}\u{a0}{:03}\u{a0}€",
                        1 + i % 40,
                        (i * 37) % 1000
                    ))],
                ]
            })
            .collect(),
        numeric: vec![true, false, false, true],
        widths: vec![0.12, 0.43, 0.25, 0.2],
        caption: Some("Flux financiers par année".to_owned()),
    }));
    blocks.push(Block::Heading {
        level: 2,
        text: "Facteurs de réussite et difficultés".to_owned(),
    });
    blocks.push(Block::Paragraph(vec![t(&prose(words))]));
    blocks.push(Block::Heading {
        level: 3,
        text: "Perspectives".to_owned(),
    });
    blocks.push(Block::Paragraph(vec![Inline::Missing]));
    Document {
        title: format!("Fiche de capitalisation : {PARTNER}"),
        subtitle: Some("Chantier d'insertion Demo — partenariat depuis 2019".to_owned()),
        lang: "fr".to_owned(),
        issued_on: day("2026-11-23"),
        labels: labels(),
        blocks,
    }
}

pub const FORMATS: [DocFormat; 3] = DocFormat::ALL;
