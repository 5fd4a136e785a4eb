//! The JSON output of `preflight -o json`: one document with a stable schema (`schemaVersion` 1).
//!
//! ```json
//! {"schemaVersion": 1, "cluster": "NAME", "region": "ap-northeast-1",
//!  "currentVersion": "1.30", "targetVersion": "1.31",
//!  "summary": {"pass": 18, "info": 1, "warn": 1, "fail": 0},
//!  "findings": [{"id": "WRK002", "family": "kubernetes", "severity": "warn",
//!                "subject": "deployment default/myapp", "message": "...", "remediation": "...",
//!                "details": ["..."]}]}
//! ```
//! `severity` is one of `pass`, `info`, `warn`, `fail`; `family` one of `cluster`, `insights`,
//! `network`, `iam`, `addons`, `kubernetes`. Fields are only ever added, never renamed or removed,
//! within one `schemaVersion`.

use serde::Serialize;

use super::{Report, Summary};
use crate::checks::Finding;

/// The current schema version.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    schema_version: u32,
    cluster: &'a str,
    region: &'a str,
    current_version: &'a str,
    target_version: crate::version::Minor,
    summary: Summary,
    findings: &'a [Finding],
}

/// The report as pretty-printed JSON (with a trailing newline).
pub fn render(r: &Report<'_>) -> String {
    // Serializing plain strings and numbers cannot fail.
    let mut s = serde_json::to_string_pretty(&document(r)).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// The report as a JSON value (to embed in another document, e.g. the upgrade's plan line).
pub fn value(r: &Report<'_>) -> serde_json::Value {
    serde_json::to_value(document(r)).unwrap_or_default()
}

fn document<'a>(r: &'a Report<'a>) -> Document<'a> {
    Document {
        schema_version: SCHEMA_VERSION,
        cluster: r.cluster,
        region: r.region,
        current_version: r.current_version,
        target_version: r.target_version,
        summary: crate::checks::summary(r.findings),
        findings: r.findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Severity;

    #[test]
    fn schema_fields() {
        let findings = vec![Finding::new(
            "PDB001",
            Severity::Fail,
            "pdb default/x",
            "no",
        )];
        let r = Report {
            cluster: "c",
            region: "r",
            current_version: "1.30",
            target_version: crate::version::Minor::new(1, 31),
            findings: &findings,
        };
        let v: serde_json::Value = serde_json::from_str(&render(&r)).unwrap();
        assert_eq!(v["schemaVersion"], 1);
        assert_eq!(v["currentVersion"], "1.30");
        assert_eq!(v["targetVersion"], "1.31");
        assert_eq!(v["summary"]["fail"], 1);
        assert_eq!(v["summary"]["pass"], 0);
        assert_eq!(v["findings"][0]["severity"], "fail");
        assert_eq!(v["findings"][0]["family"], "kubernetes");
        assert!(v["findings"][0]["details"].is_array());
    }
}
