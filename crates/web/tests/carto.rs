//! The cartography as a person uses it: the page with its graph, matrix and tables, its
//! filters and day, the downloads, the graph API, and the network across workspaces.

mod common;

use chrono::NaiveDate;
use common::*;
use partinnov_domain::typology::{Form, PartnershipStatus};
use partinnov_store::{Role, partnerships::FormPeriod};
use reqwest::StatusCode;

fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg ")
        .map(|(i, _)| {
            let end = html[i..].find("</svg>").expect("closed svg") + i + "</svg>".len();
            &html[i..end]
        })
        .collect()
}

partinnov_store::dual_test!(
    the_cartography_page_draws_the_workspace_with_its_tables,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        let bakery = organisation(s, "Boulangerie <Dupont> & Fils", 1).await;
        let long = organisation(s, &format!("Société {}", "très longue ".repeat(17)), 2).await;
        let mut d = draft("Pain et immersions", bakery, Form::MecenatNature);
        d.forms.push(FormPeriod {
            form: Form::AccueilImmersions,
            started_on: NaiveDate::from_ymd_opt(2020, 1, 1),
            ended_on: NaiveDate::from_ymd_opt(2021, 12, 31),
            note: String::new(),
        });
        d.holders = vec![alice.id];
        let pid = partnership(s, &alice, &d).await;
        let mut ended = draft("Ancienne sous-traitance", long, Form::SousTraitance);
        ended.status = PartnershipStatus::Termine;
        partnership(s, &alice, &ended).await;

        let b = app.sign_in(&alice.email).await;
        let page = app.page(&b, "/espaces/alpha/cartographie").await;
        assert_eq!(page.status, StatusCode::OK);
        let pictures = svgs(&page.text);
        assert_eq!(
            pictures.len(),
            5,
            "graph, map, matrix, heat map, who knows whom"
        );
        // Who knows whom: Alice holds the bakery; nobody holds the other one.
        let team = pictures[4];
        assert!(team.contains(">Alice Martin</text>") && team.contains(">Sans référent</text>"));
        assert!(team.contains(&format!("href=\"/espaces/alpha/partenariats/{}\"", pid.0)));
        for svg in &pictures {
            roxmltree::Document::parse(svg)
                .unwrap_or_else(|e| panic!("inline SVG is not XML: {e}"));
        }
        // Each partner is a keyboard-reachable link to its partnership, named for screen readers.
        let link = format!("href=\"/espaces/alpha/partenariats/{}\"", pid.0);
        assert!(pictures[0].contains(&link));
        assert!(pictures[0].contains(
            "aria-label=\"Boulangerie &lt;Dupont&gt; &amp; Fils — mécénat en nature (actif)\""
        ));
        // The table beside it says the same, including the partner with no commune.
        let html = page.html();
        assert!(html.contains("Boulangerie <Dupont> & Fils"));
        assert!(html.contains("sans commune"));
        assert!(html.contains("Les mêmes données en tableau"));
        // The long name is cut in the picture, whole in the table.
        assert!(html.contains("Société très longue très longue très longue très longue"));
        assert!(pictures[0].contains("…"));
        // The map counts both partners as having no commune, and draws all 101 départements.
        assert!(pictures[1].contains("2 partenaires sans commune"));
        assert_eq!(pictures[1].matches("<path ").count(), 101);
        // Download links carry the format.
        assert!(html.contains("/espaces/alpha/cartographie/telecharger?format=gexf"));

        // Two years ago the immersions were current, the donation not yet started.
        let past = app
            .page(&b, "/espaces/alpha/cartographie?date=2021-06-01")
            .await;
        assert_eq!(past.status, StatusCode::OK);
        let past_html = past.html();
        assert!(past_html.contains("au 01/06/2021"), "the day drawn is said");
        assert!(past_html.contains("accueil d'immersions"));
        assert!(!past_html.contains("Ancienne sous-traitance"));

        // Filters: family keeps only the matching partner.
        let f = app
            .page(
                &b,
                "/espaces/alpha/cartographie?family=cooperation_economique",
            )
            .await;
        assert!(f.html().contains("Société très longue"));
        assert!(!f.html().contains("Boulangerie <Dupont>"));
        assert!(
            f.text
                .contains("<option value=\"cooperation_economique\" selected>")
        );
    }
);

partinnov_store::dual_test!(
    bad_filters_are_named_next_to_their_field_and_nothing_breaks,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        let b = app.sign_in(&alice.email).await;
        let page = app
            .page(
                &b,
                "/espaces/alpha/cartographie?departement=999&date=31/02/2024&family=rien&sector=Z&region=99&level=canton",
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = page.html();
        assert!(html.contains("Département inconnu"));
        assert!(html.contains("Date invalide"));
        assert!(html.contains("Valeur inconnue"));
        assert!(html.contains("Région inconnue"));
        assert!(html.contains("Niveau de carte inconnu"));
        assert_eq!(
            page.text.matches("<span class=\"error\">").count(),
            6,
            "one message beside each wrong field"
        );
        // The pictures are still drawn (whole workspace, today), and say there is nothing yet.
        assert!(html.contains("Aucun partenaire à représenter"));
        for svg in svgs(&page.text) {
            roxmltree::Document::parse(svg).expect("SVG");
        }
        // API: problem+json naming the field; unknown format is a 400.
        let r = app
            .get(
                &alice.token,
                "/api/v1/workspaces/alpha/graph?departement=999",
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["departement"]);
        let r = app
            .get(
                &alice.token,
                "/api/v1/workspaces/alpha/graph?format=map-svg&region=99&level=canton",
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["region", "level"]);
        let r = app
            .get(&alice.token, "/api/v1/workspaces/alpha/graph?format=pdf")
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.header("content-type")
                .starts_with("application/problem+json")
        );
    }
);

partinnov_store::dual_test!(downloads_and_api_give_every_format, |db| {
    let s = &db.store;
    let app = spawn(s).await;
    let alice = person(s, "alpha", "Alice Martin").await;
    let org = organisation(s, "Imprimerie Nouvelle", 1).await;
    partnership(
        s,
        &alice,
        &draft("Impressions", org, Form::RelationCommerciale),
    )
    .await;
    let b = app.sign_in(&alice.email).await;

    let gexf = app
        .page(&b, "/espaces/alpha/cartographie/telecharger?format=gexf")
        .await;
    assert_eq!(gexf.status, StatusCode::OK);
    assert_eq!(gexf.header("content-type"), "application/gexf+xml");
    assert!(gexf.header("content-disposition").contains("alpha-"));
    let doc = roxmltree::Document::parse(&gexf.text).expect("GEXF");
    assert_eq!(doc.root_element().attribute("version"), Some("1.3"));
    assert!(gexf.text.contains("label=\"Imprimerie Nouvelle\""));
    assert!(gexf.text.contains("<spell start=\"2024-01-15\"/>"));

    let graphml = app
        .get(
            &alice.token,
            "/api/v1/workspaces/alpha/graph?format=graphml",
        )
        .await;
    assert_eq!(graphml.status, StatusCode::OK);
    roxmltree::Document::parse(&graphml.text).expect("GraphML");
    assert!(
        graphml
            .text
            .contains("<data key=\"e_family\">cooperation_economique</data>")
    );

    let json = app
        .get(&alice.token, "/api/v1/workspaces/alpha/graph")
        .await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(json.json["partners"][0]["name"], "Imprimerie Nouvelle");
    assert_eq!(json.json["edges"][0]["state"], "active");
    assert_eq!(
        json.json["edges"][0]["families"][0],
        "cooperation_economique"
    );

    let svg = app
        .get(&alice.token, "/api/v1/workspaces/alpha/graph?format=svg")
        .await;
    assert_eq!(svg.header("content-type"), "image/svg+xml");
    roxmltree::Document::parse(&svg.text).expect("SVG");

    let png = app
        .client
        .get(app.url("/api/v1/workspaces/alpha/graph?format=png"))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(png.status(), StatusCode::OK);
    assert_eq!(png.headers()["content-type"], "image/png");
    let bytes = png.bytes().await.unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert!(bytes.len() > 10_000, "a real picture, not an empty one");
});

partinnov_store::dual_test!(
    the_network_view_shows_shared_partners_of_visible_workspaces_only,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let adviser = person(s, "dla", "Conseillère DLA").await;
        let a = person(s, "aci", "Alice ACI").await;
        let e = person(s, "ei", "Eric EI").await;
        let hidden = person(s, "cachee", "Claire Cachée").await;
        add_member(s, a.workspace, adviser.id, Role::Reader).await;
        add_member(s, e.workspace, adviser.id, Role::Reader).await;
        let market = organisation(s, "Hypermarché du Centre", 1).await;
        let garage = organisation(s, "Garage Solidaire", 2).await;
        let secret = organisation(s, "Partenaire Invisible", 3).await;
        partnership(s, &a, &draft("Achats", market, Form::AchatsResponsables)).await;
        partnership(
            s,
            &a,
            &draft("Réparations", garage, Form::RelationCommerciale),
        )
        .await;
        partnership(s, &e, &draft("Sous-traitance", market, Form::SousTraitance)).await;
        partnership(s, &hidden, &draft("Caché", market, Form::Jvs)).await;
        partnership(s, &hidden, &draft("Caché 2", secret, Form::Jvs)).await;

        let b = app.sign_in(&adviser.email).await;
        let page = app.page(&b, "/reseau").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.html();
        assert!(html.contains("Réseau de mes structures"));
        assert!(html.contains("Espace aci") && html.contains("Espace ei"));
        assert!(!html.contains("Espace cachee") && !html.contains("Partenaire Invisible"));
        // 2 partners (the market is shared by the two visible structures), 3 partnerships: the
        // hidden structure's partnerships are not counted.
        assert!(html.contains("2 partenaires · 3 partenariats"), "{html}");
        assert!(html.contains("partenaires partagés : 1"));
        assert!(html.contains("partenaire partagé : Espace aci, Espace ei"));
        let gexf = app.page(&b, "/reseau/telecharger?format=gexf").await;
        assert!(gexf.text.contains("source=\"s:aci\"") && gexf.text.contains("source=\"s:ei\""));
        assert!(!gexf.text.contains("cachee"));
    }
);

partinnov_store::dual_test!(a_workspace_with_no_partner_says_so, |db| {
    let s = &db.store;
    let app = spawn(s).await;
    let alice = person(s, "vide", "Alice Vide").await;
    let b = app.sign_in(&alice.email).await;
    let page = app.page(&b, "/espaces/vide/cartographie").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(svgs(&page.text)[0].contains("Aucun partenaire à représenter"));
    assert!(page.html().contains("Aucun partenaire à représenter."));
    let gexf = app
        .get(&alice.token, "/api/v1/workspaces/vide/graph?format=gexf")
        .await;
    assert_eq!(gexf.status, StatusCode::OK);
    roxmltree::Document::parse(&gexf.text).expect("GEXF of one node");
});

partinnov_store::dual_test!(
    the_map_places_partners_at_their_commune_and_zooms_on_a_region,
    |db| {
        let s = &db.store;
        let app = spawn(s).await;
        let alice = person(s, "alpha", "Alice Martin").await;
        // Two partners in Lyon (one in its 3rd arrondissement), one in Villeurbanne, one in
        // Lille.
        for (name, commune) in [
            ("Imprimerie des Pentes", "69123"),
            ("Cafés de la Part-Dieu", "69383"),
            ("Recyclerie du Tonkin", "69266"),
            ("Filature du Nord", "59350"),
        ] {
            let org = located(s, name, None, commune).await;
            partnership(s, &alice, &draft(name, org, Form::SousTraitance)).await;
        }
        let b = app.sign_in(&alice.email).await;

        let page = app.page(&b, "/espaces/alpha/cartographie").await;
        assert_eq!(page.status, StatusCode::OK);
        let map = svgs(&page.text)[1];
        let doc = roxmltree::Document::parse(map).expect("map SVG");
        let titles: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("pt"))
            .filter_map(|n| n.children().find(|c| c.has_tag_name("title"))?.text())
            .collect();
        assert_eq!(
            titles,
            [
                "Lille (59350) : 1 partenaire",
                "Lyon (69123) : 2 partenaires",
                "Villeurbanne (69266) : 1 partenaire"
            ],
            "the arrondissement is drawn at its city"
        );
        // The Rhône leads to its communes, keeping the other filters out of the way.
        assert!(map.contains(
            "href=\"/espaces/alpha/cartographie?departement=69&amp;level=commune#carte\""
        ));
        assert!(page.html().contains("Rhône (69)"));

        // Zoomed on Auvergne-Rhône-Alpes by EPCI: the Métropole de Lyon holds three partners,
        // Lille is outside; the table says the same; the way back is offered.
        let zoomed = app
            .page(&b, "/espaces/alpha/cartographie?region=84&level=epci")
            .await;
        assert_eq!(zoomed.status, StatusCode::OK);
        let html = zoomed.html();
        assert!(
            html.contains("Métropole de Lyon"),
            "the EPCI is named in the table"
        );
        assert!(html.contains("Revenir à toute la France"));
        let map = svgs(&zoomed.text)[1];
        assert!(map.contains("Partenaires par EPCI"));
        assert!(
            map.contains(" : Auvergne-Rhône-Alpes</title>"),
            "the title names the région"
        );
        assert!(
            !map.contains("Lille (59350)"),
            "the région filter keeps its partners only"
        );
        assert!(zoomed.text.contains("<option value=\"84\" selected>"));

        // The same map from the API, as SVG and PNG, and the download carries the zoom.
        let svg = app
            .get(
                &alice.token,
                "/api/v1/workspaces/alpha/graph?format=map-svg&departement=69",
            )
            .await;
        assert_eq!(svg.status, StatusCode::OK);
        assert_eq!(svg.header("content-type"), "image/svg+xml");
        let doc = roxmltree::Document::parse(&svg.text).expect("SVG");
        let communes = doc
            .descendants()
            .filter(|n| n.has_tag_name("path"))
            .filter(|n| n.ancestors().any(|a| a.attribute("class") == Some("areas")))
            .count();
        let rhone = partinnov_render::map::territories()
            .of_level(partinnov_render::map::Level::Commune)
            .filter(|f| f.departements == ["69"])
            .count();
        assert_eq!(communes, rhone, "every commune of the Rhône is drawn");
        let (status, kind, png) = download(
            &app,
            Auth::Token(&alice.token),
            "/api/v1/workspaces/alpha/graph?format=map-png&region=32&level=commune",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(kind, "image/png");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(
            html.contains("cartographie/telecharger?format=map-svg&region=84&level=epci"),
            "the download carries the zoom"
        );
    }
);
