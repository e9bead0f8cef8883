pub mod sample_document;
