//! Parsers for the values French spreadsheets hold. Each returns the value or a French
//! message saying how to write it; the caller adds the line and the column.

use chrono::{Datelike, NaiveDate};
use partinnov_domain::{
    event::{OutcomeKind, PersonRef},
    identity::{IdentityError, Siren, Siret},
    kind::StructureKind,
    lang::Lang,
    outcome::ExitKind,
    text::fold,
    typology::{Form, InteractionKind, Involvement, PartnershipStatus, Potential, Priority},
};

/// Excel's day 0 in the 1900 date system (its fictitious 29 February 1900 included).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date")
}

/// The date of an Excel serial number (`45292` → 2024-01-01); `None` outside 1900–2200.
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=110_000.0).contains(&serial) {
        return None;
    }
    excel_epoch().checked_add_days(chrono::Days::new(serial.trunc() as u64))
}

/// `31/12/2023`, `1/2/2023`, `31-12-2023`, `31.12.2023`, `31/12/23`, `2023-12-31` (with or
/// without a time after it), or an Excel serial number of five digits (`45291`).
pub fn parse_date(input: &str) -> Result<NaiveDate, String> {
    let s = input.trim();
    let bad =
        || format!("« {s} » n'est pas une date : écrivez-la jj/mm/aaaa, par exemple 15/03/2021");
    if s.is_empty() {
        return Err(bad());
    }
    if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
        let serial: f64 = s.parse().map_err(|_| bad())?;
        return excel_serial_date(serial).ok_or_else(bad);
    }
    let date_part = s.split([' ', 'T']).next().unwrap_or(s);
    let parts: Vec<&str> = date_part.split(['/', '-', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let num = |p: &str| p.parse::<u32>().map_err(|_| bad());
    let (y, m, d) = if parts[0].len() == 4 {
        (num(parts[0])? as i32, num(parts[1])?, num(parts[2])?)
    } else {
        let y = num(parts[2])? as i32;
        let y = match parts[2].len() {
            4 => y,
            // Two-digit years: 00–69 → 2000s, 70–99 → 1900s.
            2 if y < 70 => 2000 + y,
            2 => 1900 + y,
            _ => return Err(bad()),
        };
        (y, num(parts[1])?, num(parts[0])?)
    };
    let date = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        format!("« {s} » n'est pas une date du calendrier (jour ou mois impossible) : vérifiez-la")
    })?;
    if !(1900..=2200).contains(&date.year()) {
        return Err(bad());
    }
    Ok(date)
}

/// `1 234,56`, `1 234,56` (narrow no-break space), `1.234,56`, `1234.56`, `-3` → the number
/// as a decimal string normalised with a dot (`"1234.56"`), so money can be read into
/// cents without floats.
pub fn parse_decimal(input: &str) -> Result<String, String> {
    let s: String = input
        .trim()
        .trim_end_matches('€')
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let bad = || {
        format!(
            "« {} » n'est pas un nombre : écrivez par exemple 1 234,50",
            input.trim()
        )
    };
    if s.is_empty() {
        return Err(bad());
    }
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.as_str()),
    };
    let commas = digits.matches(',').count();
    let dots = digits.matches('.').count();
    let normalised = match (commas, dots) {
        (0, 0) => digits.to_owned(),
        (1, 0) => digits.replace(',', "."),
        (0, 1) => digits.to_owned(),
        // 1.234.567 or 1.234,56: dots are thousands separators.
        (0, _) if digits.split('.').skip(1).all(|g| g.len() == 3) => digits.replace('.', ""),
        (1, _) if digits.find(',') > digits.rfind('.') => digits.replace('.', "").replace(',', "."),
        // 1,234.56 (English)
        (_, 1) if digits.find('.') > digits.rfind(',') => digits.replace(',', ""),
        _ => return Err(bad()),
    };
    let mut parts = normalised.split('.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    if int.is_empty() && frac.is_none_or(str::is_empty)
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    Ok(format!("{sign}{normalised}"))
}

/// A whole number (a headcount): `1 234`, `12`, `12,0`.
pub fn parse_integer(input: &str) -> Result<i64, String> {
    let d = parse_decimal(input)?;
    let (int, frac) = d.split_once('.').unwrap_or((&d, ""));
    if frac.bytes().any(|b| b != b'0') {
        return Err(format!("« {} » doit être un nombre entier", input.trim()));
    }
    int.parse::<i64>()
        .map_err(|_| format!("« {} » est un nombre trop grand", input.trim()))
}

/// Euros → cents, exactly: `1 234,5` → 123450.
pub fn parse_euros_cents(input: &str) -> Result<i64, String> {
    let d = parse_decimal(input)?;
    let (int, frac) = d.split_once('.').unwrap_or((&d, ""));
    if frac.len() > 2 {
        return Err(format!(
            "« {} » a plus de deux décimales : un montant se compte en centimes",
            input.trim()
        ));
    }
    let negative = int.starts_with('-');
    let int: i64 = int.trim_start_matches('-').parse::<i64>().unwrap_or(0);
    let cents: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    let total = int
        .checked_mul(100)
        .and_then(|v| v.checked_add(cents))
        .ok_or_else(|| format!("« {} » est un montant trop grand", input.trim()))?;
    Ok(if negative { -total } else { total })
}

/// Five digits; four digits get back the leading zero a spreadsheet removed (`1000` →
/// `01000`). Spaces are ignored (`69 001`).
pub fn parse_postcode(input: &str) -> Result<String, String> {
    let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if s.bytes().all(|b| b.is_ascii_digit()) {
        match s.len() {
            5 => return Ok(s),
            4 => return Ok(format!("0{s}")),
            _ => {}
        }
    }
    Err(format!(
        "« {} » n'est pas un code postal : il faut cinq chiffres, par exemple 69001",
        input.trim()
    ))
}

/// A SIRET with or without spaces; 13 digits get back a leading zero lost in a number cell.
pub fn parse_siret(input: &str) -> Result<Siret, String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let candidate = if digits.len() == 13 && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!("0{digits}")
    } else {
        input.to_owned()
    };
    Siret::parse(&candidate).map_err(|e| identity_message(input, &e, "SIRET", 14))
}

pub fn parse_siren(input: &str) -> Result<Siren, String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let candidate = if digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!("0{digits}")
    } else {
        input.to_owned()
    };
    Siren::parse(&candidate).map_err(|e| identity_message(input, &e, "SIREN", 9))
}

fn identity_message(input: &str, e: &IdentityError, what: &str, n: usize) -> String {
    let v = input.trim();
    match e {
        IdentityError::Empty => format!("{what} vide"),
        IdentityError::NotDigits => {
            format!("« {v} » n'est pas un {what} : il ne doit contenir que des chiffres ({n})")
        }
        IdentityError::WrongLength { found, .. } => format!(
            "le {what} « {v} » a {found} chiffres au lieu de {n} : vérifiez-le sur annuaire-entreprises.data.gouv.fr"
        ),
        IdentityError::Checksum => format!(
            "le {what} « {v} » est invalide (clé de contrôle fausse, sans doute une faute de frappe) : vérifiez-le sur annuaire-entreprises.data.gouv.fr ou laissez la case vide"
        ),
    }
}

/// French words for each form beyond its label; compared folded, whole piece or contained.
const FORM_WORDS: &[(Form, &[&str])] = &[
    (
        Form::MecenatFinancier,
        &[
            "mecenat financier",
            "don financier",
            "don",
            "dons",
            "subvention",
            "mecenat",
            "don en numeraire",
            "financement",
        ],
    ),
    (
        Form::MecenatNature,
        &[
            "mecenat en nature",
            "don en nature",
            "dons en nature",
            "don de materiel",
            "mecenat nature",
            "don materiel",
        ],
    ),
    (
        Form::MecenatCompetences,
        &[
            "mecenat de competences",
            "mecenat competences",
            "competences",
            "pro bono",
            "probono",
        ],
    ),
    (
        Form::MecenatLogistique,
        &[
            "mecenat logistique",
            "pret de locaux",
            "pret de vehicule",
            "logistique",
        ],
    ),
    (
        Form::Benevolat,
        &[
            "benevolat",
            "benevolat de salaries",
            "volontariat",
            "benevoles",
        ],
    ),
    (
        Form::AdministrateursCroises,
        &["administrateurs croises", "administrateur", "gouvernance"],
    ),
    (
        Form::AchatsResponsables,
        &[
            "achats responsables",
            "achat responsable",
            "achats",
            "achat",
            "achats solidaires",
            "achats inclusifs",
        ],
    ),
    (
        Form::ClausesSociales,
        &[
            "clauses sociales",
            "clause sociale",
            "clause d insertion",
            "clauses d insertion",
            "clause",
        ],
    ),
    (
        Form::AccueilImmersions,
        &[
            "accueil d immersions",
            "immersion",
            "immersions",
            "pmsmp",
            "stage",
            "stages",
            "job dating",
            "visite d entreprise",
            "visites",
        ],
    ),
    (
        Form::Sensibilisation,
        &["sensibilisation", "sensibilisations", "information"],
    ),
    (
        Form::SousTraitanceHandicap,
        &[
            "sous traitance handicap",
            "oeth",
            "obligation d emploi",
            "sous traitance au titre de l obligation d emploi",
        ],
    ),
    (
        Form::RelationCommerciale,
        &[
            "relation commerciale",
            "client",
            "commande",
            "commandes",
            "prestation",
            "prestations",
            "vente",
            "fournisseur",
        ],
    ),
    (
        Form::SousTraitance,
        &["sous traitance", "soustraitance", "sous traitant"],
    ),
    (
        Form::Cotraitance,
        &["cotraitance", "co traitance", "cotraitant"],
    ),
    (
        Form::Gme,
        &[
            "gme",
            "groupement momentane d entreprises",
            "groupement",
            "reponse groupee",
            "reponses groupees",
        ],
    ),
    (
        Form::MiseADisposition,
        &[
            "mise a disposition",
            "mise a disposition de personnel",
            "mad",
            "mise a dispo",
            "pret de personnel",
        ],
    ),
    (
        Form::Recrutement,
        &[
            "recrutement",
            "recrutements",
            "embauche",
            "embauches",
            "emploi",
            "sorties en emploi",
        ],
    ),
    (
        Form::MutualisationMoyens,
        &[
            "mutualisation de moyens",
            "mutualisation",
            "moyens partages",
            "mutualisation des moyens",
        ],
    ),
    (
        Form::CoconstructionProjet,
        &[
            "co construction de projet",
            "coconstruction",
            "co construction",
            "projet commun",
        ],
    ),
    (
        Form::ProjetCollectif,
        &["projet collectif", "ptce", "fabrique a initiatives"],
    ),
    (
        Form::MarqueCommune,
        &["marque commune", "marque partagee", "co branding"],
    ),
    (
        Form::Jvs,
        &[
            "joint venture sociale",
            "jvs",
            "prise de participation",
            "joint venture",
        ],
    ),
    (
        Form::SolutionRh,
        &["solution rh co construite", "solution rh", "rh", "gpec"],
    ),
];

/// One form from a label in the field's words: the code, the typology label (French or
/// English), or a common variant ("PMSMP", "don", "achats responsables"…).
pub fn parse_form(input: &str) -> Result<Form, String> {
    let f = fold(input);
    if let Some(form) = Form::ALL.iter().copied().find(|form| {
        fold(form.as_str()) == f
            || fold(form.label(partinnov_domain::lang::Lang::Fr)) == f
            || fold(form.label(partinnov_domain::lang::Lang::En)) == f
    }) {
        return Ok(form);
    }
    if let Some((form, _)) = FORM_WORDS
        .iter()
        .find(|(_, words)| words.contains(&f.as_str()))
    {
        return Ok(*form);
    }
    // A longer phrase containing one of the longer variants ("don de tissus en 2019").
    let mut found: Option<(usize, Form)> = None;
    for (form, words) in FORM_WORDS {
        for w in words.iter().filter(|w| w.len() >= 5) {
            if contains_words(&f, w) && found.is_none_or(|(len, _)| w.len() > len) {
                found = Some((w.len(), *form));
            }
        }
    }
    found.map(|(_, form)| form).ok_or_else(|| {
        format!(
            "forme de partenariat inconnue « {} » : utilisez un libellé de la typologie, par exemple « mécénat de compétences », « achats responsables », « sous-traitance », « accueil d'immersions (PMSMP) », « recrutement »",
            input.trim()
        )
    })
}

fn contains_words(haystack: &str, words: &str) -> bool {
    format!(" {haystack} ").contains(&format!(" {words} "))
}

/// A form with the period a cell may give it, as the exports write it:
/// « Mécénat de compétences (du 01/03/2021 au 31/12/2022) ».
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatedForm {
    pub form: Form,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

/// The period in a trailing parenthesis — « (du A au B) », « (depuis le A) »,
/// « (jusqu'au B) », or the English « (from A to B) », « (from A) », « (until B) » — and
/// the label before it. A parenthesis that is not a period belongs to the label
/// (« accueil d'immersions (PMSMP) »).
fn split_period(piece: &str) -> Result<(&str, Option<NaiveDate>, Option<NaiveDate>), String> {
    let t = piece.trim();
    let Some(open) = t.rfind('(').filter(|_| t.ends_with(')')) else {
        return Ok((t, None, None));
    };
    let inner = t[open + 1..t.len() - 1]
        .trim()
        .replace('’', "'")
        .to_lowercase();
    let after = |prefix: &str| inner.strip_prefix(prefix).map(str::trim);
    let (from, to) = if let Some(rest) = after("du ").or_else(|| after("from ")) {
        match rest.split_once(" au ").or_else(|| rest.split_once(" to ")) {
            Some((a, b)) => (Some(a), Some(b)),
            None => (Some(rest), None),
        }
    } else if let Some(rest) = after("depuis le ").or_else(|| after("depuis ")) {
        (Some(rest), None)
    } else if let Some(rest) = after("jusqu'au ").or_else(|| after("until ")) {
        (None, Some(rest))
    } else {
        return Ok((t, None, None));
    };
    let from = from.map(parse_date).transpose()?;
    let to = to.map(parse_date).transpose()?;
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        return Err(format!(
            "« {t} » : la fin ({}) est avant le début ({}) : inversez les dates",
            b.format("%d/%m/%Y"),
            a.format("%d/%m/%Y")
        ));
    }
    Ok((t[..open].trim(), from, to))
}

/// Exactly a form's code or typology label (French or English).
fn is_form_label(label: &str) -> bool {
    let f = fold(label);
    Form::ALL.iter().any(|form| {
        fold(form.as_str()) == f
            || fold(form.label(Lang::Fr)) == f
            || fold(form.label(Lang::En)) == f
    })
}

/// Several forms in one cell, separated by `,` `;` `/` `+` `|` or line breaks, each with
/// its period when the cell gives one. A form given twice with the same start is kept
/// once; each unknown piece is its own message.
pub fn parse_forms(input: &str) -> Result<Vec<DatedForm>, Vec<String>> {
    let mut forms: Vec<DatedForm> = Vec::new();
    let mut errors = Vec::new();
    let pieces = split_list(input);
    let mut i = 0;
    while i < pieces.len() {
        // A label with a comma of its own (« joint-venture sociale, prise de
        // participation ») was split: join it back when the two halves make a label.
        let joined = pieces
            .get(i + 1)
            .map(|next| format!("{}, {next}", pieces[i]))
            .filter(|j| split_period(j).is_ok_and(|(label, ..)| is_form_label(label)));
        let piece = match &joined {
            Some(j) => {
                i += 2;
                j.as_str()
            }
            None => {
                i += 1;
                pieces[i - 1]
            }
        };
        let parsed = split_period(piece).and_then(|(label, started_on, ended_on)| {
            parse_form(label).map(|form| DatedForm {
                form,
                started_on,
                ended_on,
            })
        });
        match parsed {
            Ok(f)
                if !forms
                    .iter()
                    .any(|g| g.form == f.form && g.started_on == f.started_on) =>
            {
                forms.push(f)
            }
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(forms)
    } else {
        Err(errors)
    }
}

/// Splits a list cell, keeping parentheses together ("accueil d'immersions (PMSMP, visites)").
fn split_list(input: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in input.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' | ';' | '/' | '+' | '|' | '\n' if depth <= 0 => {
                out.push(&input[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&input[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

pub fn parse_status(input: &str) -> Result<PartnershipStatus, String> {
    let f = fold(input);
    let status = match f.as_str() {
        "actif" | "active" | "en cours" | "oui" | "ok" | "partenaire" | "actuel" => {
            PartnershipStatus::Actif
        }
        "en projet" | "projet" | "prospect" | "a demarrer" | "piste" | "a contacter"
        | "en discussion" | "planned" => PartnershipStatus::EnProjet,
        "en sommeil" | "sommeil" | "dormant" | "inactif" | "inactive" | "en pause" => {
            PartnershipStatus::EnSommeil
        }
        "termine" | "terminee" | "fini" | "clos" | "close" | "arrete" | "ancien" | "ended" => {
            PartnershipStatus::Termine
        }
        other => {
            return PartnershipStatus::ALL
                .iter()
                .copied()
                .find(|s| s.as_str() == other || fold(s.label(partinnov_domain::lang::Lang::Fr)) == other)
                .ok_or_else(|| {
                    format!(
                        "statut inconnu « {} » : écrivez « en projet », « actif », « en sommeil » ou « terminé »",
                        input.trim()
                    )
                });
        }
    };
    Ok(status)
}

/// Degree of involvement, 1 to 7.
pub fn parse_involvement(input: &str) -> Result<Involvement, String> {
    let bad = || {
        format!(
            "degré d'implication « {} » : écrivez un nombre entier de 1 à 7",
            input.trim()
        )
    };
    let n = parse_integer(input).map_err(|_| bad())?;
    u8::try_from(n)
        .ok()
        .and_then(|n| Involvement::new(n).ok())
        .ok_or_else(bad)
}

pub fn parse_priority(input: &str) -> Result<Priority, String> {
    match fold(input).as_str() {
        "haute" | "haut" | "forte" | "1" | "elevee" | "high" => Ok(Priority::Haute),
        "moyenne" | "moyen" | "2" | "medium" => Ok(Priority::Moyenne),
        "basse" | "bas" | "faible" | "3" | "low" => Ok(Priority::Basse),
        _ => Err(format!(
            "priorité inconnue « {} » : écrivez « haute », « moyenne » ou « basse »",
            input.trim()
        )),
    }
}

pub fn parse_potential(input: &str) -> Result<Potential, String> {
    match fold(input).as_str() {
        "fort" | "forte" | "eleve" | "haut" | "high" => Ok(Potential::Fort),
        "moyen" | "moyenne" | "medium" => Ok(Potential::Moyen),
        "faible" | "bas" | "low" => Ok(Potential::Faible),
        _ => Err(format!(
            "potentiel inconnu « {} » : écrivez « faible », « moyen » ou « fort »",
            input.trim()
        )),
    }
}

/// Structure kinds: codes (`ACI`, `EA`…), labels, and words like "association",
/// "PME", "mairie". "Entreprise" alone says nothing more and gives no kind.
pub fn parse_kinds(input: &str) -> Result<Vec<StructureKind>, String> {
    let mut kinds = Vec::new();
    for piece in split_list(input) {
        let f = fold(piece);
        let kind = match f.as_str() {
            "entreprise" | "societe" | "entreprise privee" | "commerce" => None,
            "association" | "asso" | "associatif" => Some(StructureKind::Asso),
            "tpe" | "micro entreprise" | "artisan" => Some(StructureKind::EntTpe),
            "pme" => Some(StructureKind::EntPme),
            "eti" => Some(StructureKind::EntEti),
            "ge" | "grande entreprise" | "grand groupe" | "groupe" => Some(StructureKind::EntGe),
            "mairie" | "collectivite" | "ville" => Some(StructureKind::Muni),
            "scop" | "scic" | "cooperative" => Some(StructureKind::Coop),
            "fondation" | "fonds de dotation" => Some(StructureKind::Fondation),
            "etat" | "ddets" | "prefecture" | "france travail" | "pole emploi" => {
                Some(StructureKind::Etat)
            }
            "departement" | "conseil departemental" => Some(StructureKind::Dept),
            "region" | "conseil regional" => Some(StructureKind::Reg),
            "intercommunalite" | "epci" | "communaute de communes" | "metropole" => {
                Some(StructureKind::Epci)
            }
            other => Some(
                StructureKind::ALL
                    .iter()
                    .copied()
                    .find(|k| {
                        fold(k.as_str()) == other
                            || fold(k.label(partinnov_domain::lang::Lang::Fr)) == other
                    })
                    .ok_or_else(|| {
                        format!(
                            "type de structure inconnu « {} » : écrivez par exemple ACI, EI, ETTI, AI, EA, ESAT, association, PME, collectivité",
                            piece.trim()
                        )
                    })?,
            ),
        };
        if let Some(k) = kind
            && !kinds.contains(&k)
        {
            kinds.push(k);
        }
    }
    Ok(kinds)
}

/// Yes or no as spreadsheets write it: oui/non, o/n, yes/no, vrai/faux, true/false, 1/0, x.
pub fn parse_yes_no(input: &str) -> Result<bool, String> {
    match fold(input).as_str() {
        "oui" | "o" | "yes" | "y" | "vrai" | "true" | "1" | "x" => Ok(true),
        "non" | "n" | "no" | "faux" | "false" | "0" => Ok(false),
        _ => Err(format!(
            "« {} » n'est ni oui ni non : écrivez oui ou non",
            input.trim()
        )),
    }
}

/// A plausible e-mail address (one `@`, a dot in the domain, no spaces).
pub fn parse_email(input: &str) -> Result<String, String> {
    let s = input.trim().trim_start_matches("mailto:").to_owned();
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
                && !domain.contains('@')
        }
        None => false,
    };
    if ok {
        Ok(s.to_lowercase())
    } else {
        Err(format!(
            "« {} » n'est pas une adresse électronique : écrivez-la nom@domaine.fr (une seule adresse par case)",
            input.trim()
        ))
    }
}

/// A website: `www.exemple.fr` gets `https://`.
pub fn parse_website(input: &str) -> Result<String, String> {
    let s = input.trim();
    if s.contains(char::is_whitespace) || !s.contains('.') {
        return Err(format!(
            "« {s} » n'est pas une adresse de site : écrivez-la www.exemple.fr ou https://exemple.fr"
        ));
    }
    if s.starts_with("http://") || s.starts_with("https://") {
        Ok(s.to_owned())
    } else {
        Ok(format!("https://{s}"))
    }
}

/// Finds the variant whose code (`mise_en_relation`) or French label (« mise en
/// relation ») is the folded input, or whose everyday word is in `words`.
fn coded<T: Copy>(
    input: &str,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    words: &[(&str, T)],
) -> Option<T> {
    let f = fold(input);
    words
        .iter()
        .find(|(w, _)| *w == f)
        .map(|(_, v)| *v)
        .or_else(|| {
            all.iter()
                .copied()
                .find(|v| fold(code(*v)) == f || fold(label(*v)) == f)
        })
}

/// A pseudonymous reference to a person in insertion (never a name).
pub fn parse_person_ref(input: &str) -> Result<PersonRef, String> {
    PersonRef::parse(input).map_err(|_| {
        format!(
            "« {} » n'est pas une référence de personne : un pseudonyme de 32 caractères au plus, lettres, chiffres, - et _, sans espace (par exemple P-0042), jamais le nom de la personne",
            input.trim()
        )
    })
}

/// What happened for the person: « mise en relation », « PMSMP », « embauche »…
pub fn parse_outcome_kind(input: &str) -> Result<OutcomeKind, String> {
    use OutcomeKind::*;
    const WORDS: &[(&str, OutcomeKind)] = &[
        ("immersion", Pmsmp),
        ("immersion pmsmp", Pmsmp),
        ("stage d immersion", Pmsmp),
        ("periode d immersion", Pmsmp),
        ("mad", MiseADisposition),
        ("mise a disposition de personnel", MiseADisposition),
        ("recrutement", Embauche),
        ("embauche", Embauche),
        ("emploi", Embauche),
        ("contrat", Embauche),
        ("contrat de travail", Embauche),
        ("jobdating", JobDating),
        ("job dating", JobDating),
        ("visite", VisiteEntreprise),
        ("visite entreprise", VisiteEntreprise),
        ("orientation", MiseEnRelation),
        ("mise en relation", MiseEnRelation),
    ];
    coded(
        input,
        OutcomeKind::ALL,
        OutcomeKind::as_str,
        |k| k.label(Lang::Fr),
        WORDS,
    )
    .ok_or_else(|| {
        format!(
            "type inconnu « {} » : écrivez mise en relation, job dating, visite d'entreprise, immersion (PMSMP), mise à disposition, formation ou embauche",
            input.trim()
        )
    })
}

/// The contract of a hire, or what the person left for: « CDD », « contrat pro »…
pub fn parse_exit_kind(input: &str) -> Result<ExitKind, String> {
    use ExitKind::*;
    const WORDS: &[(&str, ExitKind)] = &[
        ("ctt", Interim),
        ("mission d interim", Interim),
        ("travail temporaire", Interim),
        ("contrat de travail temporaire", Interim),
        ("contrat aide", ContratAide),
        ("cui", ContratAide),
        ("pec", ContratAide),
        ("parcours emploi competences", ContratAide),
        ("contrat pro", ContratProfessionnalisation),
        (
            "contrat de professionnalisation",
            ContratProfessionnalisation,
        ),
        ("professionnalisation", ContratProfessionnalisation),
        ("apprentissage", ContratApprentissage),
        ("contrat d apprentissage", ContratApprentissage),
        ("fonction publique", FonctionPublique),
        ("titularisation", FonctionPublique),
        ("creation d entreprise", CreationEntreprise),
        ("creation", CreationEntreprise),
        ("reprise d entreprise", CreationEntreprise),
        ("creation ou reprise d entreprise", CreationEntreprise),
        ("formation qualifiante", FormationQualifiante),
        ("formation non qualifiante", FormationNonQualifiante),
        ("autre siae", AutreSiae),
        ("siae", AutreSiae),
        ("embauche dans une autre siae", AutreSiae),
        ("recherche d emploi", RechercheEmploi),
    ];
    coded(
        input,
        ExitKind::ALL,
        ExitKind::as_str,
        |k| k.label(Lang::Fr),
        WORDS,
    )
    .ok_or_else(|| {
        format!(
            "contrat inconnu « {} » : écrivez CDI, CDD, intérim, contrat aidé, contrat de professionnalisation, contrat d'apprentissage, fonction publique, création d'entreprise, formation qualifiante, autre SIAE, retraite ou autre",
            input.trim()
        )
    })
}

/// Réunion, appel, courriel, visite…
pub fn parse_interaction_kind(input: &str) -> Result<InteractionKind, String> {
    use InteractionKind::*;
    const WORDS: &[(&str, InteractionKind)] = &[
        ("rdv", Reunion),
        ("rendez vous", Reunion),
        ("entretien", Reunion),
        ("comite", Reunion),
        ("comite de pilotage", Reunion),
        ("telephone", Appel),
        ("appel telephonique", Appel),
        ("tel", Appel),
        ("visio", Reunion),
        ("visioconference", Reunion),
        ("mail", Courriel),
        ("email", Courriel),
        ("e mail", Courriel),
        ("salon", Evenement),
        ("forum", Evenement),
        ("signature", Contrat),
        ("convention", Contrat),
        ("pmsmp", Immersion),
        ("embauche", Recrutement),
        ("mad", MiseADisposition),
    ];
    coded(
        input,
        InteractionKind::ALL,
        InteractionKind::as_str,
        |k| k.label(Lang::Fr),
        WORDS,
    )
    .ok_or_else(|| {
        format!(
            "type d'échange inconnu « {} » : écrivez réunion, visite, appel, courriel, événement, don, contrat, mise à disposition, immersion, recrutement ou autre",
            input.trim()
        )
    })
}

/// A count that cannot be negative (days, hours): `12`, `1 505`.
pub fn parse_count(input: &str) -> Result<i32, String> {
    let n = parse_integer(input)?;
    if n < 0 {
        return Err(format!(
            "« {} » est négatif : indiquez un nombre positif ou nul",
            input.trim()
        ));
    }
    i32::try_from(n).map_err(|_| format!("« {} » est un nombre trop grand", input.trim()))
}

/// Days in a month for contract lengths, as in the outcome form (365.25 / 12).
const DAYS_PER_MONTH: f64 = 30.4375;

/// A contract length with its unit, in days: `6 mois`, `26 semaines`, `180 jours`, `1 an`.
/// A bare number is refused: "6" could be days or months, and the category depends on it.
pub fn parse_duration_days(input: &str) -> Result<i32, String> {
    let s = input.trim();
    let split = s.find(char::is_alphabetic).unwrap_or(s.len());
    let (number, unit_raw) = s.split_at(split);
    let unit = fold(unit_raw);
    let value: f64 = parse_decimal(number.trim())
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    let unit_days = match unit.as_str() {
        "j" | "jour" | "jours" | "jr" | "jrs" => 1.0,
        "sem" | "semaine" | "semaines" => 7.0,
        "m" | "mois" => DAYS_PER_MONTH,
        "an" | "ans" | "annee" | "annees" => 365.25,
        "" => {
            return Err(format!(
                "« {s} » n'a pas d'unité : écrivez « 6 mois », « 26 semaines » ou « 180 jours »"
            ));
        }
        _ => {
            return Err(format!(
                "unité de durée inconnue « {} » dans « {s} » : écrivez des jours, des semaines, des mois ou des ans (« 6 mois »)",
                unit_raw.trim()
            ));
        }
    };
    if !value.is_finite() || value < 0.0 {
        return Err(format!(
            "« {s} » n'est pas une durée : écrivez par exemple « 6 mois » ou « 180 jours »"
        ));
    }
    let days = (value * unit_days).round();
    if days > f64::from(i32::MAX) {
        return Err(format!("« {s} » est une durée trop longue"));
    }
    Ok(days as i32)
}

/// Working time as a share of full time, 1 to 100: `80 %`, `80`, `temps plein`, `mi-temps`.
pub fn parse_working_time(input: &str) -> Result<i32, String> {
    let s = input.trim();
    let bad = || {
        format!(
            "« {s} » n'est pas un temps de travail : écrivez un pourcentage du temps plein entre 1 et 100 (« 80 % »), « temps plein » ou « mi-temps »"
        )
    };
    match fold(s).as_str() {
        "temps plein" | "plein temps" | "tp" | "temps complet" => return Ok(100),
        "mi temps" => return Ok(50),
        _ => {}
    }
    let number = s.trim_end_matches('%').trim();
    let pct = parse_integer(number).map_err(|_| bad())?;
    if (1..=100).contains(&pct) {
        Ok(pct as i32)
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn french_iso_two_digit_and_excel_serial_dates_are_read() {
        assert_eq!(parse_date("15/03/2021"), Ok(d(2021, 3, 15)));
        assert_eq!(parse_date("1/2/2023"), Ok(d(2023, 2, 1)));
        assert_eq!(parse_date("31.12.2023"), Ok(d(2023, 12, 31)));
        assert_eq!(parse_date("31/12/23"), Ok(d(2023, 12, 31)));
        assert_eq!(parse_date("2023-12-31"), Ok(d(2023, 12, 31)));
        assert_eq!(parse_date("2023-12-31 00:00:00"), Ok(d(2023, 12, 31)));
        assert_eq!(parse_date("45292"), Ok(d(2024, 1, 1)));
        assert!(parse_date("31/02/2023").unwrap_err().contains("impossible"));
        assert!(parse_date("bientôt").unwrap_err().contains("jj/mm/aaaa"));
        assert!(parse_date("2023").is_err());
    }

    #[test]
    fn french_numbers_with_decimal_comma_and_thousands_spaces() {
        assert_eq!(parse_decimal("1 234,56").unwrap(), "1234.56");
        assert_eq!(parse_decimal("1\u{202f}234,5").unwrap(), "1234.5");
        assert_eq!(parse_decimal("1\u{a0}234").unwrap(), "1234");
        assert_eq!(parse_decimal("1.234.567").unwrap(), "1234567");
        assert_eq!(parse_decimal("1.234,5").unwrap(), "1234.5");
        assert_eq!(parse_decimal("12.5").unwrap(), "12.5");
        assert_eq!(parse_decimal("-3").unwrap(), "-3");
        assert!(parse_decimal("douze").is_err());
        assert!(parse_decimal("1,2,3").is_err());
        assert_eq!(parse_euros_cents("1 234,5 €"), Ok(123_450));
        assert_eq!(parse_euros_cents("0,07"), Ok(7));
        assert!(parse_euros_cents("1,234").is_err());
        assert_eq!(parse_integer("1 200"), Ok(1200));
        assert!(parse_integer("12,5").is_err());
    }

    #[test]
    fn postcodes_get_their_leading_zero_back_and_sirets_their_spaces_removed() {
        assert_eq!(parse_postcode("1000").unwrap(), "01000");
        assert_eq!(parse_postcode("69 001").unwrap(), "69001");
        assert!(parse_postcode("690").is_err());
        assert_eq!(
            parse_siret("732 829 320 00074").unwrap().as_str(),
            "73282932000074"
        );
        assert!(
            parse_siret("732 829 320 00075")
                .unwrap_err()
                .contains("clé de contrôle")
        );
        assert!(parse_siret("1234").unwrap_err().contains("4 chiffres"));
    }

    #[test]
    fn form_labels_in_the_fields_words_map_onto_the_typology() {
        for (label, form) in [
            ("mécénat de compétences", Form::MecenatCompetences),
            ("Achats responsables", Form::AchatsResponsables),
            ("sous-traitance", Form::SousTraitance),
            ("PMSMP", Form::AccueilImmersions),
            ("immersion", Form::AccueilImmersions),
            ("Don", Form::MecenatFinancier),
            ("don en nature", Form::MecenatNature),
            ("mecenat_nature", Form::MecenatNature),
            (
                "accueil d'immersions (PMSMP, job dating, visites)",
                Form::AccueilImmersions,
            ),
            ("Mise à disposition", Form::MiseADisposition),
            ("skills-based giving", Form::MecenatCompetences),
        ] {
            assert_eq!(parse_form(label), Ok(form), "{label}");
        }
        let forms =
            |s: &str| -> Vec<Form> { parse_forms(s).unwrap().iter().map(|f| f.form).collect() };
        assert_eq!(
            forms("Don en nature, PMSMP / recrutement"),
            [
                Form::MecenatNature,
                Form::AccueilImmersions,
                Form::Recrutement
            ]
        );
        let errs = parse_forms("don, bisous").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("« bisous »"));
    }

    #[test]
    fn forms_read_back_the_periods_the_exports_write() {
        let dated = |form, s: Option<NaiveDate>, e: Option<NaiveDate>| DatedForm {
            form,
            started_on: s,
            ended_on: e,
        };
        assert_eq!(
            parse_forms(
                "Mécénat de compétences (du 01/03/2021 au 31/12/2022); Don en nature (depuis le 15/03/2021); \
                 Sous-traitance (jusqu’au 30/06/2020); accueil d'immersions (PMSMP)"
            ),
            Ok(vec![
                dated(
                    Form::MecenatCompetences,
                    Some(d(2021, 3, 1)),
                    Some(d(2022, 12, 31))
                ),
                dated(Form::MecenatNature, Some(d(2021, 3, 15)), None),
                dated(Form::SousTraitance, None, Some(d(2020, 6, 30))),
                dated(Form::AccueilImmersions, None, None),
            ])
        );
        assert_eq!(
            parse_forms("Subcontracting (from 2021-03-01 to 2022-12-31)"),
            Ok(vec![dated(
                Form::SousTraitance,
                Some(d(2021, 3, 1)),
                Some(d(2022, 12, 31))
            )])
        );
        // The same form over two periods is its history, kept whole.
        assert_eq!(
            parse_forms(
                "Don en nature (du 01/01/2019 au 31/12/2019), Don en nature (depuis le 01/01/2022)"
            )
            .unwrap()
            .len(),
            2
        );
        // A label with its own comma stays whole.
        assert_eq!(
            parse_forms(
                "joint-venture sociale, prise de participation (depuis le 23/03/2020), mécénat financier"
            ),
            Ok(vec![
                dated(Form::Jvs, Some(d(2020, 3, 23)), None),
                dated(Form::MecenatFinancier, None, None),
            ])
        );
        let errs = parse_forms("Don en nature (du 01/01/2022 au 31/12/2019)").unwrap_err();
        assert!(errs[0].contains("avant le début"), "{errs:?}");
        let errs = parse_forms("Don en nature (depuis le 31/02/2022)").unwrap_err();
        assert!(errs[0].contains("impossible"), "{errs:?}");
    }

    #[test]
    fn statuses_kinds_and_emails() {
        assert_eq!(parse_status("En cours"), Ok(PartnershipStatus::Actif));
        assert_eq!(parse_status("terminé"), Ok(PartnershipStatus::Termine));
        assert!(parse_status("peut-être").is_err());
        assert_eq!(parse_kinds("ACI"), Ok(vec![StructureKind::Aci]));
        assert_eq!(parse_kinds("Entreprise"), Ok(vec![]));
        assert_eq!(
            parse_kinds("Association, ACI"),
            Ok(vec![StructureKind::Asso, StructureKind::Aci])
        );
        assert!(parse_kinds("licorne").is_err());
        assert_eq!(parse_email(" Jo@Exemple.FR "), Ok("jo@exemple.fr".into()));
        assert!(parse_email("jo@exemple").is_err());
        assert!(parse_email("a@b.fr; c@d.fr").is_err());
    }
}
