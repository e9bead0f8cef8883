//! Enrichment from the SIRENE establishment stock (`StockEtablissement_utf8.csv`, the
//! INSEE open-data file people download from data.gouv.fr): tens of millions of lines,
//! read as a stream in bounded memory. Only the lines whose SIRET the registry holds are
//! decoded; the others are skipped after reading their SIRET.
//!
//! Columns are found by their header names (the file has about fifty and INSEE adds some
//! over time): `siret`, `etablissementSiege`, `numeroVoieEtablissement`,
//! `indiceRepetitionEtablissement`, `typeVoieEtablissement`, `libelleVoieEtablissement`,
//! `codePostalEtablissement`, `codeCommuneEtablissement`, `etatAdministratifEtablissement`,
//! `activitePrincipaleEtablissement`.

use std::{collections::HashSet, io::Read};

use crate::{geo, naf};

/// What the stock says about one establishment the registry holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Establishment {
    pub siret: String,
    pub head_office: bool,
    /// Number, repetition, street type and name: "12 B RUE DES LILAS".
    pub address: Option<String>,
    pub postcode: Option<String>,
    /// A commune code the official geography knows.
    pub commune_code: Option<&'static str>,
    /// NAF rév. 2 in our spelling ("88.10B"), when known.
    pub naf: Option<&'static str>,
    /// `etatAdministratifEtablissement` = F.
    pub closed: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ScanStats {
    pub lines: u64,
    pub matched: u64,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SireneError {
    #[error("fichier SIRENE illisible : {0}")]
    Read(#[from] csv::Error),
    #[error(
        "ce n'est pas le fichier des établissements SIRENE : colonne « {0} » absente de l'en-tête"
    )]
    MissingColumn(&'static str),
}

const COLUMNS: [&str; 10] = [
    "siret",
    "etablissementSiege",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "codeCommuneEtablissement",
    "etatAdministratifEtablissement",
    "activitePrincipaleEtablissement",
];

/// Reads the stock from `input`, calls `found` for each establishment whose SIRET is in
/// `wanted` (and, with `departement`, whose commune is in it), and `progress` every
/// 100,000 lines with the bytes read so far.
pub fn scan(
    input: impl Read,
    wanted: &HashSet<String>,
    departement: Option<&str>,
    mut found: impl FnMut(Establishment),
    mut progress: impl FnMut(ScanStats),
) -> Result<ScanStats, SireneError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let headers = reader.byte_headers()?.clone();
    let mut at = [0usize; COLUMNS.len()];
    for (slot, name) in at.iter_mut().zip(COLUMNS) {
        *slot = headers
            .iter()
            .position(|h| h == name.as_bytes())
            .ok_or(SireneError::MissingColumn(name))?;
    }
    let mut stats = ScanStats::default();
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record)? {
        stats.lines += 1;
        if stats.lines.is_multiple_of(100_000) {
            stats.bytes = reader.position().byte();
            progress(stats);
        }
        let Some(siret) = record.get(at[0]).and_then(|s| std::str::from_utf8(s).ok()) else {
            continue;
        };
        if !wanted.contains(siret) {
            continue;
        }
        let text = |i: usize| -> Option<String> {
            record
                .get(at[i])
                .map(|b| String::from_utf8_lossy(b).trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let commune_code = text(7).and_then(|c| geo::commune(&c)).map(|c| c.code);
        let in_departement = |dep: &str| {
            commune_code
                .and_then(geo::commune)
                .is_some_and(|c| c.departement == dep)
        };
        if departement.is_some_and(|dep| !in_departement(dep)) {
            continue;
        }
        let address: Vec<String> = [2, 3, 4, 5].into_iter().filter_map(text).collect();
        stats.matched += 1;
        found(Establishment {
            siret: siret.to_owned(),
            head_office: text(1).as_deref() == Some("true"),
            address: (!address.is_empty()).then(|| address.join(" ")),
            postcode: text(6),
            commune_code,
            naf: text(9).and_then(|n| naf::normalise(&n)),
            closed: text(8).as_deref() == Some("F"),
        });
    }
    stats.bytes = reader.position().byte();
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,etablissementSiege,numeroVoieEtablissement,indiceRepetitionEtablissement,typeVoieEtablissement,libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,codeCommuneEtablissement,etatAdministratifEtablissement,activitePrincipaleEtablissement";

    #[test]
    fn only_wanted_establishments_are_decoded_with_their_address_naf_and_state() {
        let file = format!(
            "{HEADER}\n\
             732829320,00074,73282932000074,O,1980-01-01,true,12,B,RUE,DES LILAS,01300,BELLEY,01034,A,88.10B\n\
             111111111,00011,11111111100011,O,1990-01-01,false,,,,,69001,LYON,69381,A,62.01Z\n\
             222222222,00022,22222222200022,O,1990-01-01,false,3,,AV,\"JEAN JAURES, BAT 2\",69007,LYON,69387,F,4711D\n"
        );
        let wanted: HashSet<String> = ["73282932000074", "22222222200022"]
            .into_iter()
            .map(String::from)
            .collect();
        let mut got = vec![];
        let stats = scan(file.as_bytes(), &wanted, None, |e| got.push(e), |_| {}).unwrap();
        assert_eq!((stats.lines, stats.matched), (3, 2));
        assert_eq!(got[0].address.as_deref(), Some("12 B RUE DES LILAS"));
        assert_eq!(got[0].commune_code, Some("01034"));
        assert_eq!(got[0].naf, Some("88.10B"));
        assert!(got[0].head_office && !got[0].closed);
        assert_eq!(got[1].address.as_deref(), Some("3 AV JEAN JAURES, BAT 2"));
        assert_eq!(got[1].naf, Some("47.11D"), "NAF without its dot");
        assert!(got[1].closed);
    }

    #[test]
    fn a_departement_keeps_only_its_communes() {
        let file = format!(
            "{HEADER}\n\
             732829320,00074,73282932000074,O,1980-01-01,true,12,,RUE,DES LILAS,01300,BELLEY,01034,A,88.10B\n"
        );
        let wanted: HashSet<String> = ["73282932000074".to_owned()].into();
        let mut n = 0;
        scan(file.as_bytes(), &wanted, Some("69"), |_| n += 1, |_| {}).unwrap();
        assert_eq!(n, 0);
        scan(file.as_bytes(), &wanted, Some("01"), |_| n += 1, |_| {}).unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn another_file_is_refused_by_its_missing_column() {
        let err = scan(
            "nom;siret\nx;1\n".as_bytes(),
            &HashSet::new(),
            None,
            |_| {},
            |_| {},
        )
        .unwrap_err();
        assert!(err.to_string().contains("colonne « siret »"), "{err}");
    }
}
