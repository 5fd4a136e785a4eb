//! Rendering: turns findings into a grouped table for people (`table`) or one JSON document for
//! machines (`json`). No I/O besides writing to the given writer, no judging.

pub mod json;
pub mod live;
pub mod style;
pub mod table;

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
