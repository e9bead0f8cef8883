//! SVG to PNG in-process with `resvg`, text set in the embedded DejaVu Sans (no system font
//! is read, so a server and a laptop give the same picture).

use std::sync::{Arc, OnceLock};

/// DejaVu Sans 2.37 from Debian's `fonts-dejavu-core` (Bitstream Vera licence, changes in the
/// public domain; `fonts/LICENSE-DejaVu.txt`).
pub static FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// The PNG could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PngError(pub String);

impl std::fmt::Display for PngError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PNG: {}", self.0)
    }
}

impl std::error::Error for PngError {}

fn fontdb() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}

/// Largest side of a PNG, in pixels; bigger pictures are scaled down to it.
pub const MAX_SIDE: f32 = 6000.0;

/// How our SVG is read, for the PNG and for the PDF: text in the embedded DejaVu Sans only.
pub(crate) fn usvg_options() -> resvg::usvg::Options<'static> {
    resvg::usvg::Options {
        fontdb: fontdb(),
        font_family: "DejaVu Sans".to_owned(),
        ..Default::default()
    }
}

/// Renders `svg` at `scale` (2.0 for a sharp picture on screens and prints).
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, PngError> {
    let opt = usvg_options();
    let tree = resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| PngError(e.to_string()))?;
    let size = tree.size();
    let scale = scale.min(MAX_SIDE / size.width().max(size.height()).max(1.0));
    let w = (size.width() * scale).ceil().max(1.0) as u32;
    let h = (size.height() * scale).ceil().max(1.0) as u32;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| PngError(format!("cannot allocate {w}×{h} pixels")))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| PngError(e.to_string()))
}
