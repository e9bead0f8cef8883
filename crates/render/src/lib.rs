//! Pictures of Part'Innov, as pure functions: data in, SVG text (or PNG, GEXF, GraphML bytes)
//! out. The network graph, the partner × form matrix, the families × status heat map and the
//! territorial map all speak the one visual language of [`style`], so the page, the export and
//! the printed document show the same thing.
//!
//! Everything is deterministic: the same data gives byte-identical output (ordered maps only,
//! no randomness), which the tests check.

pub mod document;
pub mod exchange;
pub mod graph;
pub mod map;
pub mod matrix;
pub mod model;
pub mod png;
mod shapes;
pub mod style;
pub mod texts;
pub mod timeline;
pub mod xml;

pub use graph::{GraphOptions, graph_svg};
pub use model::{Carto, Centre, DatedForm, LinkState, Organisation, Partnership, Selection, View};
