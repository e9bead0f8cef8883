//! Column headers → canonical fields. Headers are compared folded (accents, case,
//! punctuation and `N°` ignored) against a list of the words people use; an explicit
//! [`Mapping`] (saveable as JSON) overrides the guess column by column.

use std::collections::BTreeMap;

use partinnov_domain::text::fold;
use serde::{Deserialize, Serialize};

/// What is being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Organisations,
    Partnerships,
    Contacts,
    /// What partnerships produced for people in insertion (mises en relation, immersions,
    /// hires…), on partnerships that already exist.
    Outcomes,
    /// Meetings, calls, visits… on partnerships that already exist.
    Interactions,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Organisations,
        Kind::Partnerships,
        Kind::Contacts,
        Kind::Outcomes,
        Kind::Interactions,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Organisations => "organisations",
            Kind::Partnerships => "partnerships",
            Kind::Contacts => "contacts",
            Kind::Outcomes => "outcomes",
            Kind::Interactions => "interactions",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Organisations => "organisations",
            Kind::Partnerships => "partenariats",
            Kind::Contacts => "contacts",
            Kind::Outcomes => "résultats pour les personnes",
            Kind::Interactions => "échanges avec les partenaires",
        }
    }

    /// Outcomes and interactions are recorded on a partnership the workspace already has:
    /// the row's organisation designates it, and is never created.
    pub fn is_event(self) -> bool {
        matches!(self, Kind::Outcomes | Kind::Interactions)
    }

    /// The fields a column may be mapped onto for this kind, in form order.
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        const ORG: &[Field] = &[
            Name,
            Siret,
            Siren,
            Address,
            Postcode,
            Commune,
            CommuneCode,
            Website,
            StructureKind,
            LegalForm,
            Naf,
            Ess,
        ];
        const PARTNERSHIP: &[Field] = &[
            Name,
            Siret,
            Siren,
            Address,
            Postcode,
            Commune,
            CommuneCode,
            Website,
            StructureKind,
            LegalForm,
            Naf,
            Ess,
            Title,
            Forms,
            Status,
            StartedOn,
            EndedOn,
            Holder,
            Priority,
            Potential,
            Involvement,
            Means,
            Governance,
            Notes,
        ];
        const CONTACT: &[Field] = &[
            Contact,
            FirstName,
            JobTitle,
            Email,
            Phone,
            Notes,
            Name,
            Siret,
            Siren,
            Address,
            Postcode,
            Commune,
            CommuneCode,
            Website,
            StructureKind,
        ];
        const OUTCOME: &[Field] = &[
            Name,
            Siret,
            Siren,
            Postcode,
            Commune,
            CommuneCode,
            Title,
            PersonRef,
            OutcomeKind,
            StartedOn,
            EndedOn,
            Days,
            Hours,
            Contract,
            ContractDuration,
            Aided,
            WorkingTime,
            Notes,
        ];
        const INTERACTION: &[Field] = &[
            Name,
            Siret,
            Siren,
            Postcode,
            Commune,
            CommuneCode,
            Title,
            InteractionKind,
            OccurredOn,
            Participants,
            Notes,
        ];
        match self {
            Kind::Organisations => ORG,
            Kind::Partnerships => PARTNERSHIP,
            Kind::Contacts => CONTACT,
            Kind::Outcomes => OUTCOME,
            Kind::Interactions => INTERACTION,
        }
    }
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "type d'import inconnu « {s} » (organisations, partnerships, contacts, outcomes ou interactions)"
                )
            })
    }
}

macro_rules! fields {
    ($($variant:ident => $code:literal, $label:literal, [$($syn:literal),* $(,)?];)+) => {
        /// A canonical field an imported column can fill.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Field { $($variant,)+ }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant,)+];

            /// Stable code (mapping files, forms, API).
            pub fn as_str(self) -> &'static str {
                match self { $(Field::$variant => $code,)+ }
            }

            /// French label for the mapping form.
            pub fn label(self) -> &'static str {
                match self { $(Field::$variant => $label,)+ }
            }

            /// Folded headers that mean this field.
            fn synonyms(self) -> &'static [&'static str] {
                match self { $(Field::$variant => &[$($syn),*],)+ }
            }
        }
    };
}

fields! {
    Name => "name", "Nom de l'organisation",
        ["nom", "raison sociale", "denomination", "denomination sociale", "entreprise", "nom entreprise",
         "nom de l entreprise", "structure", "nom de la structure", "organisation", "nom de l organisation",
         "organisme", "partenaire", "partenaires", "nom du partenaire", "societe", "nom de la societe", "enseigne", "raison social"];
    Siret => "siret", "SIRET",
        ["siret", "n siret", "no siret", "numero siret", "num siret", "siret etablissement", "siret des partenaires",
         "siret du partenaire"];
    Siren => "siren", "SIREN", ["siren", "n siren", "no siren", "numero siren"];
    Address => "address", "Adresse", ["adresse", "adresse postale", "rue", "voie", "adresse 1", "adresse1"];
    Postcode => "postcode", "Code postal", ["code postal", "cp", "c p", "codepostal", "code postale"];
    Commune => "commune", "Commune",
        ["commune", "ville", "localite", "nom de la commune", "communes des partenaires", "commune du partenaire"];
    CommuneCode => "commune_code", "Code INSEE de la commune",
        ["code insee", "code commune", "insee", "code officiel geographique", "cog", "code insee commune"];
    Website => "website", "Site web", ["site web", "site internet", "site", "url", "web", "site web url"];
    StructureKind => "kind", "Type de structure",
        ["type de structure", "types de structure", "types", "type", "categorie", "typologie", "type structure", "type d organisation",
         "type d entreprise", "categorie de structure"];
    LegalForm => "legal_form", "Forme juridique", ["forme juridique", "statut juridique", "forme sociale"];
    Naf => "naf", "Code NAF", ["naf", "code naf", "ape", "code ape", "naf ape", "code naf ape"];
    Ess => "ess", "Économie sociale et solidaire (oui/non)",
        ["ess", "economie sociale et solidaire", "structure ess", "entreprise ess", "acteur ess"];
    Title => "title", "Intitulé du partenariat",
        ["intitule", "titre", "intitule du partenariat", "nom du partenariat", "objet", "projet"];
    Forms => "forms", "Formes de partenariat",
        ["forme s de partenariat", "formes de partenariat", "forme de partenariat", "formes", "forme",
         "type de partenariat", "types de partenariat", "nature du partenariat", "nature", "partenariat",
         "partenariats"];
    Status => "status", "Statut", ["statut", "etat", "statut du partenariat", "etat du partenariat", "situation"];
    StartedOn => "started_on", "Date de début",
        ["date de debut", "debut", "date debut", "depuis", "date de demarrage", "demarrage",
         "date de premier contact", "premier contact"];
    EndedOn => "ended_on", "Date de fin", ["date de fin", "fin", "date fin", "jusqu au", "echeance"];
    Holder => "holder", "Référent (membre de l'équipe)",
        ["referent", "referents", "porteur", "suivi par", "charge de relation", "responsable", "referent interne",
         "porteur du partenariat", "interlocuteur interne"];
    Priority => "priority", "Priorité", ["priorite"];
    Potential => "potential", "Potentiel", ["potentiel"];
    Involvement => "involvement", "Degré d'implication (1 à 7)",
        ["degre d implication", "implication", "niveau d implication", "degre"];
    Means => "means", "Moyens", ["moyens", "moyens mobilises", "ressources mobilisees"];
    Governance => "governance", "Gouvernance", ["gouvernance", "pilotage", "instances"];
    Notes => "notes", "Notes",
        ["notes", "note", "commentaire", "commentaires", "remarques", "remarque", "observations", "observation",
         "compte rendu", "resume", "sujet"];
    Contact => "contact", "Nom du contact",
        ["contact", "nom du contact", "interlocuteur", "personne", "personne a contacter", "nom prenom",
         "prenom nom", "contact nom"];
    FirstName => "first_name", "Prénom du contact", ["prenom", "prenom du contact"];
    JobTitle => "job_title", "Fonction du contact", ["fonction", "poste", "fonction du contact", "titre du contact", "role"];
    Email => "email", "Courriel",
        ["courriel", "email", "e mail", "mail", "adresse electronique", "adresse mail", "adresse e mail",
         "courriel email", "email courriel", "mel"];
    Phone => "phone", "Téléphone",
        ["telephone", "tel", "tel fixe", "portable", "mobile", "numero de telephone", "n telephone", "telephone portable"];
    PersonRef => "person_ref", "Référence de la personne (pseudonyme)",
        ["reference", "reference de la personne", "ref personne", "ref", "personne", "personne accompagnee",
         "salarie", "salarie en insertion", "code personne", "identifiant", "identifiant de la personne",
         "pseudonyme", "matricule", "beneficiaire", "code beneficiaire"];
    OutcomeKind => "outcome_kind", "Type de résultat",
        ["type", "type d action", "action", "type de resultat", "resultat", "evenement", "type d evenement",
         "nature", "etape", "nature de l action"];
    Days => "days", "Jours (immersion)",
        ["jours", "nombre de jours", "nb jours", "nb de jours", "duree en jours", "jours d immersion"];
    Hours => "hours", "Heures (mise à disposition)",
        ["heures", "nombre d heures", "nb heures", "nb d heures", "heures travaillees",
         "heures de mise a disposition", "volume horaire"];
    Contract => "contract", "Contrat ou sortie",
        ["contrat", "type de contrat", "nature du contrat", "sortie", "type de sortie", "situation a la sortie"];
    ContractDuration => "duration", "Durée du contrat",
        ["duree", "duree du contrat", "duree contrat", "duree de l emploi"];
    Aided => "aided", "Contrat aidé (oui/non)", ["aide", "contrat aide", "emploi aide"];
    WorkingTime => "working_time", "Temps de travail (%)",
        ["temps de travail", "quotite", "quotite de travail", "temps de travail %", "duree du travail", "taux d emploi"];
    InteractionKind => "interaction_kind", "Type d'échange",
        ["type", "type d echange", "type d interaction", "nature", "canal", "moyen", "type de contact", "action"];
    OccurredOn => "occurred_on", "Date de l'échange",
        ["date", "date de l echange", "date du rendez vous", "date de l action", "jour", "le"];
    Participants => "participants", "Participants",
        ["participants", "presents", "personnes presentes", "avec", "interlocuteurs"];
}

/// Folds a header for comparison: `"N° SIRET"` → `"n siret"`, `"Forme(s) de partenariat"`
/// → `"forme s de partenariat"`.
pub fn fold_header(header: &str) -> String {
    // `N°` and `Nº` both mean "number"; `º` is a letter for Unicode, so drop it first.
    fold(&header.replace(['°', 'º'], " "))
}

impl Field {
    /// The field a header means for this kind, if any.
    pub fn guess(header: &str, kind: Kind) -> Option<Field> {
        let h = fold_header(header);
        if h.is_empty() {
            return None;
        }
        // For contacts, "Nom" is the person's name and the organisation has its own column.
        if kind == Kind::Contacts && matches!(h.as_str(), "nom" | "nom de famille") {
            return Some(Field::Contact);
        }
        // An outcome's "Date" is the day it started (the introduction, the first day of
        // the immersion, the hire).
        if kind == Kind::Outcomes && matches!(h.as_str(), "date" | "le") {
            return Some(Field::StartedOn);
        }
        // An interaction's "Objet" is what the meeting was about, not the partnership.
        if kind == Kind::Interactions && matches!(h.as_str(), "objet" | "objet de l echange") {
            return Some(Field::Notes);
        }
        kind.fields()
            .iter()
            .copied()
            .find(|f| f.synonyms().contains(&h.as_str()) || f.as_str() == h)
    }

    pub fn parse_code(code: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.as_str() == code)
    }
}

/// An explicit choice of field per column header, saveable as JSON:
/// `{"columns": {"Raison sociale": "name", "Colonne inutile": null}}`. Headers are matched
/// folded; a header the mapping does not mention keeps its guessed field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: BTreeMap<String, Option<Field>>,
}

/// Which field each column fills (`None`: ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Columns {
    pub kind: Kind,
    pub fields: Vec<Option<Field>>,
}

impl Columns {
    pub fn index_of(&self, field: Field) -> Option<usize> {
        self.fields.iter().position(|f| *f == Some(field))
    }
}

/// Why a set of columns cannot be imported (French, says what to do).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{message}")]
pub struct MappingError {
    pub message: String,
}

/// Chooses the field of each column: the explicit mapping first, then the header's
/// synonyms. A field is filled by one column only (the first one that claims it).
pub fn resolve(
    headers: &[String],
    kind: Kind,
    mapping: Option<&Mapping>,
) -> Result<Columns, MappingError> {
    let explicit: BTreeMap<String, Option<Field>> = mapping
        .map(|m| {
            m.columns
                .iter()
                .map(|(h, f)| (fold_header(h), *f))
                .collect()
        })
        .unwrap_or_default();
    let mut fields: Vec<Option<Field>> = Vec::with_capacity(headers.len());
    for h in headers {
        let folded = fold_header(h);
        let chosen = match explicit.get(&folded) {
            Some(Some(f)) => {
                if !kind.fields().contains(f) {
                    return Err(MappingError {
                        message: format!(
                            "la colonne « {h} » est associée au champ « {} », qui n'existe pas pour un import de {}",
                            f.label(),
                            kind.label()
                        ),
                    });
                }
                if let Some(j) = fields.iter().position(|x| *x == Some(*f)) {
                    return Err(MappingError {
                        message: format!(
                            "les colonnes « {} » et « {h} » sont toutes deux associées au champ « {} » : n'en gardez qu'une",
                            headers[j],
                            f.label()
                        ),
                    });
                }
                Some(*f)
            }
            Some(None) => None,
            None => Field::guess(h, kind).filter(|f| !fields.contains(&Some(*f))),
        };
        fields.push(chosen);
    }
    let columns = Columns { kind, fields };
    let has = |f| columns.index_of(f).is_some();
    if !(has(Field::Name) || has(Field::Siret)) {
        return Err(MappingError {
            message: format!(
                "aucune colonne ne donne le nom ni le SIRET de l'organisation (colonnes lues : {}) : nommez une colonne « Raison sociale » ou « SIRET », ou choisissez le champ de chaque colonne",
                headers.join(", ")
            ),
        });
    }
    if kind == Kind::Outcomes && !(has(Field::PersonRef) && has(Field::OutcomeKind)) {
        return Err(MappingError {
            message: "il faut une colonne « Référence de la personne » (un pseudonyme, jamais un nom) et une colonne « Type » (mise en relation, immersion, embauche…) : nommez-les ainsi, ou choisissez le champ de chaque colonne".into(),
        });
    }
    if kind == Kind::Interactions && !(has(Field::InteractionKind) && has(Field::OccurredOn)) {
        return Err(MappingError {
            message: "il faut une colonne « Type d'échange » (réunion, appel, visite…) et une colonne « Date » : nommez-les ainsi, ou choisissez le champ de chaque colonne".into(),
        });
    }
    if kind == Kind::Contacts && !has(Field::Contact) && !has(Field::Email) {
        return Err(MappingError {
            message: "aucune colonne ne donne le nom ni le courriel du contact : nommez une colonne « Contact » ou « Courriel », ou choisissez le champ de chaque colonne".into(),
        });
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_headers_are_recognised_whatever_their_accents_case_and_punctuation() {
        let k = Kind::Partnerships;
        for (h, f) in [
            ("Raison sociale", Field::Name),
            ("DÉNOMINATION", Field::Name),
            ("N° SIRET", Field::Siret),
            ("Siret", Field::Siret),
            ("Code postal", Field::Postcode),
            ("CP", Field::Postcode),
            ("Ville", Field::Commune),
            ("Code INSEE", Field::CommuneCode),
            ("Forme(s) de partenariat", Field::Forms),
            ("Date de début", Field::StartedOn),
            ("Statut", Field::Status),
            ("Site web", Field::Website),
            ("Type de structure", Field::StructureKind),
        ] {
            assert_eq!(Field::guess(h, k), Some(f), "{h}");
        }
        assert_eq!(
            Field::guess("Courriel/Email", Kind::Contacts),
            Some(Field::Email)
        );
        assert_eq!(
            Field::guess("Téléphone", Kind::Contacts),
            Some(Field::Phone)
        );
        assert_eq!(Field::guess("Nom", Kind::Contacts), Some(Field::Contact));
        assert_eq!(Field::guess("Nom", Kind::Organisations), Some(Field::Name));
        assert_eq!(Field::guess("Chiffre du jour", k), None);
    }

    #[test]
    fn an_explicit_mapping_overrides_the_guess_and_round_trips_as_json() {
        let headers: Vec<String> = ["Société", "Colonne 2", "CP"].map(String::from).into();
        let mut m = Mapping::default();
        m.columns.insert("colonne 2".into(), Some(Field::Commune));
        m.columns.insert("CP".into(), None);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"columns":{"CP":null,"colonne 2":"commune"}}"#);
        let back: Mapping = serde_json::from_str(&json).unwrap();
        let cols = resolve(&headers, Kind::Organisations, Some(&back)).unwrap();
        assert_eq!(
            cols.fields,
            vec![Some(Field::Name), Some(Field::Commune), None]
        );
    }

    #[test]
    fn a_file_without_a_name_or_siret_column_is_refused_with_the_columns_read() {
        let headers: Vec<String> = ["Ville", "CP"].map(String::from).into();
        let err = resolve(&headers, Kind::Organisations, None).unwrap_err();
        assert!(err.message.contains("Ville, CP"), "{}", err.message);
    }
}
