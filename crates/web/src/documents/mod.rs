//! Builders of the documents people download: each turns store data into a
//! `partinnov_render::document::Document`; the writers of `render` make the bytes.

pub mod evaluation;
