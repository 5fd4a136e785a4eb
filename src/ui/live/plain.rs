//! Without a terminal: one line per change, each starting with its timestamp, for CI logs and
//! CloudShell (`2024-12-12T08:27:34Z node i-5555… joined …`).

use crate::live::Line;

pub fn line(l: &Line) -> String {
    format!("{} {}", l.time.strftime("%Y-%m-%dT%H:%M:%SZ"), l.sentence())
}
