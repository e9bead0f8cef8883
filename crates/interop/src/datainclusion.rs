//! The national data·inclusion "structure" schema, so a network can exchange lists of
//! organisations with the national referential: field names, the typology codes and the
//! schema's validation rules (schema documentation, `structure.md`: `nom` of 3 to 150
//! characters not ending with a full stop, `siret` of 14 digits, `code_postal` of 5
//! digits, `code_insee` of 5 characters, `courriel` an address, `site_web` a URI).
//!
//! Our kinds use the referential's codes where it has one (`domain::kind`); the others map
//! to the nearest code on the way out, and codes we have no kind for come back as "autre"
//! with the ESS flag where the code says so.

use partinnov_domain::kind::StructureKind;
use serde::{Deserialize, Serialize};

use crate::export::{Cell, Sheet};

/// One structure as the schema names its fields. Empty optional fields are left out of JSON.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Structure {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub nom: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_postal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_insee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adresse: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complement_adresse: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub courriel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_web: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typologie: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reseaux_porteurs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_maj: Option<String>,
}

/// The columns of the schema's CSV form, in its order.
pub const COLUMNS: [&str; 15] = [
    "id",
    "source",
    "nom",
    "siret",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "telephone",
    "courriel",
    "site_web",
    "typologie",
    "reseaux_porteurs",
    "date_maj",
];

/// True when a table's headers are the schema's field names (its CSV form, or its JSON
/// read as a table): then its typology codes are read as such and its rules apply. The
/// referential's files may have more fields than ours; `id`, `nom` and two more of its
/// distinctive names are enough.
pub fn is_schema_table(headers: &[String]) -> bool {
    let has = |name: &str| headers.iter().any(|h| h.trim() == name);
    let distinctive = [
        "siret",
        "code_postal",
        "code_insee",
        "typologie",
        "reseaux_porteurs",
        "date_maj",
        "complement_adresse",
        "site_web",
    ];
    has("id") && has("nom") && distinctive.iter().filter(|n| has(n)).count() >= 2
}

/// The cell of field `name` in a table row by the schema's field names, trimmed; empty
/// when the table has no such column.
pub fn field<'a>(headers: &[String], cells: &'a [String], name: &str) -> &'a str {
    headers
        .iter()
        .position(|h| h.trim() == name)
        .and_then(|i| cells.get(i))
        .map_or("", |v| v.trim())
}

/// A table row as a structure, by the schema's field names (for [`validate`]).
pub fn structure_of(headers: &[String], cells: &[String]) -> Structure {
    let get = |name: &str| Some(field(headers, cells, name).to_owned()).filter(|v| !v.is_empty());
    Structure {
        id: get("id").unwrap_or_default(),
        source: get("source"),
        nom: get("nom").unwrap_or_default(),
        siret: get("siret"),
        commune: get("commune"),
        code_postal: get("code_postal"),
        code_insee: get("code_insee"),
        adresse: get("adresse"),
        complement_adresse: get("complement_adresse"),
        telephone: get("telephone"),
        courriel: get("courriel"),
        site_web: get("site_web"),
        typologie: get("typologie"),
        reseaux_porteurs: get("reseaux_porteurs")
            .map(|v| v.split(',').map(|n| n.trim().to_owned()).collect())
            .unwrap_or_default(),
        date_maj: get("date_maj"),
    }
}

/// The referential's code for a set of our kinds: the most specific kind (in our order,
/// insertion structures first) that has an exact code, else the nearest broader code.
pub fn typologie_of(kinds: &[StructureKind]) -> Option<&'static str> {
    let ordered = StructureKind::ALL.iter().filter(|k| kinds.contains(k));
    let exact = ordered.clone().find_map(|k| match k {
        StructureKind::Aci => Some("ACI"),
        StructureKind::Ai => Some("AI"),
        StructureKind::Ei => Some("EI"),
        StructureKind::Etti => Some("ETTI"),
        StructureKind::Eiti => Some("EITI"),
        StructureKind::Ea => Some("EA"),
        StructureKind::Geiq => Some("GEIQ"),
        StructureKind::Asso => Some("ASSO"),
        StructureKind::Muni => Some("MUNI"),
        StructureKind::Epci => Some("EPCI"),
        StructureKind::Dept => Some("CD"),
        StructureKind::Reg => Some("REG"),
        StructureKind::Etat => Some("ETAT"),
        _ => None,
    });
    exact.or_else(|| {
        ordered.clone().next().map(|k| match k {
            StructureKind::Ebe | StructureKind::Coop => "ESS",
            StructureKind::EntTpe
            | StructureKind::EntPme
            | StructureKind::EntEti
            | StructureKind::EntGe => "ETABL_PRI",
            _ => "Autre",
        })
    })
}

/// Our kind for a referential code, and whether the code itself says "ESS".
pub fn kind_of(typologie: &str) -> (Option<StructureKind>, bool) {
    let code = typologie.trim().to_ascii_uppercase();
    let kind = match code.as_str() {
        "ACI" | "ACIPHC" => Some(StructureKind::Aci),
        "AI" => Some(StructureKind::Ai),
        "EI" => Some(StructureKind::Ei),
        "ETTI" => Some(StructureKind::Etti),
        "EITI" => Some(StructureKind::Eiti),
        "EA" | "EATT" => Some(StructureKind::Ea),
        "GEIQ" => Some(StructureKind::Geiq),
        "ASSO" | "ASSO_CHOMEUR" => Some(StructureKind::Asso),
        "MUNI" => Some(StructureKind::Muni),
        "EPCI" | "CC" => Some(StructureKind::Epci),
        "CD" | "DEPT" => Some(StructureKind::Dept),
        "REG" => Some(StructureKind::Reg),
        "ETAT" | "DEETS" | "PREF" => Some(StructureKind::Etat),
        // A private establishment: a company, of a size the code does not say; "ESS"
        // says only that the structure belongs to the social economy.
        "ETABL_PRI" | "ESS" | "" => None,
        // One of our own codes (ESAT, COOP, ENT_PME…), as our exports may carry them.
        other => Some(other.parse().unwrap_or(StructureKind::Autre)),
    };
    (kind, code == "ESS")
}

/// A rule of the schema that a record breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub field: &'static str,
    pub message: String,
}

/// Checks a record against the schema's rules. An empty list means valid.
pub fn validate(s: &Structure) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut bad = |field: &'static str, message: String| out.push(Violation { field, message });
    if s.id.trim().is_empty() {
        bad("id", "l'identifiant est obligatoire".into());
    }
    let len = s.nom.trim().chars().count();
    if !(3..=150).contains(&len) {
        bad(
            "nom",
            format!("le nom doit compter entre 3 et 150 caractères ({len} ici)"),
        );
    }
    if s.nom.trim_end().ends_with('.') {
        bad("nom", "le nom ne doit pas se terminer par un point".into());
    }
    let digits = |v: &str, n: usize| v.len() == n && v.bytes().all(|b| b.is_ascii_digit());
    if let Some(v) = &s.siret
        && !digits(v, 14)
    {
        bad(
            "siret",
            format!("« {v} » n'est pas un SIRET de 14 chiffres"),
        );
    }
    if let Some(v) = &s.code_postal
        && !digits(v, 5)
    {
        bad(
            "code_postal",
            format!("« {v} » n'est pas un code postal de 5 chiffres"),
        );
    }
    if let Some(v) = &s.code_insee
        && !(v.chars().count() == 5 && v.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        bad(
            "code_insee",
            format!("« {v} » n'est pas un code INSEE de 5 caractères"),
        );
    }
    if let Some(v) = &s.courriel
        && !looks_like_email(v)
    {
        bad(
            "courriel",
            format!("« {v} » n'est pas une adresse de courriel"),
        );
    }
    if let Some(v) = &s.site_web
        && !(v.starts_with("https://") || v.starts_with("http://"))
    {
        bad(
            "site_web",
            format!("« {v} » doit commencer par https:// ou http://"),
        );
    }
    out
}

fn looks_like_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Makes a record we produce valid by dropping what the schema would refuse (a name's
/// trailing full stop, a malformed postcode): the exchange file must always load.
pub fn conform(mut s: Structure) -> Structure {
    let trimmed = s.nom.trim().trim_end_matches('.').trim_end();
    s.nom = trimmed.chars().take(150).collect();
    for v in validate(&s) {
        match v.field {
            "siret" => s.siret = None,
            "code_postal" => s.code_postal = None,
            "code_insee" => s.code_insee = None,
            "courriel" => s.courriel = None,
            "site_web" => s.site_web = None,
            _ => {}
        }
    }
    s
}

/// The records as a table in the schema's column order (CSV headers are the field names).
pub fn sheet(records: &[Structure]) -> Sheet {
    let mut sheet = COLUMNS
        .iter()
        .fold(Sheet::new("structures"), |s, c| s.column(c, c));
    for r in records {
        sheet.push(vec![
            r.id.as_str().into(),
            r.source.clone().into(),
            r.nom.as_str().into(),
            r.siret.clone().into(),
            r.commune.clone().into(),
            r.code_postal.clone().into(),
            r.code_insee.clone().into(),
            r.adresse.clone().into(),
            r.complement_adresse.clone().into(),
            r.telephone.clone().into(),
            r.courriel.clone().into(),
            r.site_web.clone().into(),
            r.typologie.clone().into(),
            Cell::from(r.reseaux_porteurs.join(",")),
            r.date_maj.clone().into(),
        ]);
    }
    sheet
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> Structure {
        Structure {
            id: "42".into(),
            nom: "Envie Rhône".into(),
            siret: Some("13003013300016".into()),
            code_postal: Some("01500".into()),
            code_insee: Some("2A004".into()),
            courriel: Some("contact@envie.org".into()),
            site_web: Some("https://www.envie.org".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_record_follows_the_schema() {
        assert_eq!(validate(&valid()), vec![]);
    }

    #[test]
    fn each_rule_names_its_field() {
        let s = Structure {
            id: " ".into(),
            nom: "Ok.".into(),
            siret: Some("1300301330001".into()),
            code_postal: Some("1500".into()),
            code_insee: Some("2A-04".into()),
            courriel: Some("contact envie.org".into()),
            site_web: Some("www.envie.org".into()),
            ..Default::default()
        };
        let fields: Vec<&str> = validate(&s).iter().map(|v| v.field).collect();
        assert_eq!(
            fields,
            [
                "id",
                "nom",
                "siret",
                "code_postal",
                "code_insee",
                "courriel",
                "site_web"
            ]
        );
        let long = Structure {
            nom: "x".repeat(151),
            ..valid()
        };
        assert!(validate(&long)[0].message.contains("151"));
    }

    #[test]
    fn conform_drops_what_the_schema_refuses_and_keeps_the_rest() {
        let s = conform(Structure {
            nom: "Les Ateliers du Bugey.".into(),
            code_postal: Some("1500".into()),
            ..valid()
        });
        assert_eq!(s.nom, "Les Ateliers du Bugey");
        assert_eq!(s.code_postal, None);
        assert_eq!(s.siret.as_deref(), Some("13003013300016"));
        assert_eq!(validate(&s), vec![]);
    }

    #[test]
    fn typology_codes_go_both_ways() {
        use StructureKind::*;
        assert_eq!(typologie_of(&[Asso, Aci]), Some("ACI"));
        assert_eq!(typologie_of(&[Dept]), Some("CD"));
        assert_eq!(typologie_of(&[EntPme]), Some("ETABL_PRI"));
        assert_eq!(typologie_of(&[Coop]), Some("ESS"));
        assert_eq!(typologie_of(&[Esat]), Some("Autre"));
        assert_eq!(typologie_of(&[]), None);
        for k in [
            Aci, Ai, Ei, Etti, Eiti, Ea, Geiq, Asso, Muni, Epci, Dept, Reg, Etat,
        ] {
            let code = typologie_of(&[k]).unwrap();
            assert_eq!(kind_of(code), (Some(k), false), "{code}");
        }
        assert_eq!(kind_of("ESS"), (None, true));
        assert_eq!(kind_of("ETABL_PRI"), (None, false));
        assert_eq!(kind_of("ml"), (Some(Autre), false));
        assert_eq!(kind_of("esat"), (Some(Esat), false));
    }

    #[test]
    fn json_leaves_out_empty_fields() {
        let json = serde_json::to_value(Structure {
            id: "1".into(),
            nom: "Tremplin".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(json, serde_json::json!({"id": "1", "nom": "Tremplin"}));
    }
}
