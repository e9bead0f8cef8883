//! Business rules of Part'Innov, with no I/O: French identities (SIREN/SIRET), the kinds of
//! structures, the typology of partnership forms, statuses and scales, exit classification,
//! text folding for search, and (later) eligibility and evaluation rules.
//!
//! Everything here is a pure function or a type that cannot hold an invalid value; the
//! store, the importer, the web pages and the documents all call the same rules. Closed
//! lists are enums with a stable code (`code::coded_enum!`), never strings.

pub mod code;
pub mod dedup;
pub mod evaluation;
pub mod event;
pub mod flow;
pub mod identity;
pub mod kind;
pub mod lang;
pub mod outcome;
pub mod strategy;
pub mod text;
pub mod typology;

pub use code::UnknownCode;
