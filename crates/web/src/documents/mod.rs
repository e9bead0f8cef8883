//! Builders of the documents people download: each gathers a workspace's data and turns
//! it into a [`partinnov_render::document::Document`], which the PDF, DOCX and ODT writers
//! of `partinnov_render` print. Builders hold the words (from the catalogue), never layout.

pub mod strategy;
