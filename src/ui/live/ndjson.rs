//! `-o json`: one JSON object per change, one per line (NDJSON; schema in the README).

use crate::live::Line;

pub fn line(l: &Line) -> String {
    serde_json::to_string(l).unwrap_or_default()
}
