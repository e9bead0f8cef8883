//! Interoperability with French public reference data and formats.
//!
//! Here: the official geography (communes, départements, régions, EPCI from INSEE's COG, in
//! [`geo`]) and the NAF rév. 2 activity codes ([`naf`]), both embedded in the binary as
//! compressed tables built by `scripts/refdata/build.sh` (see `data/README.md` for sources,
//! versions and licences); tables written out as CSV, XLSX or JSON ([`export`]); and the
//! national data·inclusion structure schema ([`datainclusion`]). Nothing here touches the
//! network or the database; storing a commune or NAF code on an organisation is `store`'s
//! business.

pub mod datainclusion;
pub mod export;
pub mod geo;
pub mod import;
pub mod naf;
pub mod sirene;

mod table;
