//! Rendering: turns findings into a grouped table for people (`table`) or one JSON document for
//! machines (`json`), and the live state into the frames, snapshots and lines of each live view
//! (`views`, built from `live`'s pieces). No I/O besides the terminal (`live::term`), no judging.

pub mod digest;
pub mod json;
pub mod live;
pub mod style;
pub mod table;
pub mod views;
pub mod wrap;

use crate::checks::Finding;

/// What a preflight run found, ready to render.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub cluster: &'a str,
    pub region: &'a str,
    pub current_version: &'a str,
    pub target_version: crate::version::Minor,
    pub findings: &'a [Finding],
}

pub use crate::checks::Summary;

/// One `  label            text` row of the upgrade's plan or report (a terminal wraps the text
/// under itself, `wrap`).
pub fn row(out: &mut String, label: &str, text: String) {
    out.push_str(&format!("  {label:<16} {text}\n"));
}
