//! Reading the embedded `data/*.tsv.gz` tables.
//!
//! Each table is decompressed once, on first use, into one string that lives for the rest of
//! the process: every `&'static str` the public API hands out is a slice of it, so a commune
//! costs a few pointers, not a handful of small allocations.

use std::io::Read;

use flate2::read::GzDecoder;

/// Decompresses `gz` and yields its lines split into exactly `N` tab-separated cells.
///
/// Panics if the data is not gzip'd UTF-8 or a line has the wrong number of cells. The data
/// is ours, committed beside the code and parsed by the tests, so a panic here means a bad
/// regeneration, caught before release.
pub(crate) fn rows<const N: usize>(
    gz: &'static [u8],
    file: &'static str,
) -> impl Iterator<Item = [&'static str; N]> {
    let mut text = String::new();
    GzDecoder::new(gz)
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("embedded {file} does not decompress: {e}"));
    // Leaked on purpose, once per table: the slices below must be `'static`.
    let text: &'static str = Box::leak(text.into_boxed_str());
    text.lines().enumerate().map(move |(i, line)| {
        let mut cells = line.split('\t');
        let row = std::array::from_fn(|_| {
            cells
                .next()
                .unwrap_or_else(|| panic!("{file} line {}: fewer than {N} cells", i + 1))
        });
        assert!(
            cells.next().is_none(),
            "{file} line {}: more than {N} cells",
            i + 1
        );
        row
    })
}

/// An empty cell means "none" or "unknown".
pub(crate) fn optional(cell: &'static str) -> Option<&'static str> {
    (!cell.is_empty()).then_some(cell)
}

/// Folds each of `names` with [`partinnov_domain::text::fold`] into one leaked arena and
/// returns the folded names in order: the search index, built once.
pub(crate) fn folded<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'static str> {
    let mut arena = String::new();
    let mut ranges = Vec::new();
    for name in names {
        let start = arena.len();
        arena.push_str(&partinnov_domain::text::fold(name));
        ranges.push((start, arena.len()));
    }
    let arena: &'static str = Box::leak(arena.into_boxed_str());
    ranges
        .into_iter()
        .map(|(start, end)| &arena[start..end])
        .collect()
}
