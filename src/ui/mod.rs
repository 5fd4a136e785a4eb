//! Rendering: turns findings into a grouped table for people (`table`) or one JSON document for
//! machines (`json`). No I/O besides writing to the given writer, no judging.

pub mod json;
pub mod style;
pub mod table;

use crate::checks::{Finding, Severity};

/// What a preflight run found, ready to render.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub cluster: &'a str,
    pub region: &'a str,
    pub current_version: &'a str,
    pub target_version: &'a str,
    pub findings: &'a [Finding],
}

/// Findings per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub pass: usize,
    pub info: usize,
    pub warn: usize,
    pub fail: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            match f.severity {
                Severity::Pass => s.pass += 1,
                Severity::Info => s.info += 1,
                Severity::Warn => s.warn += 1,
                Severity::Fail => s.fail += 1,
            }
        }
        s
    }
}
