//! The human output of `preflight`: a heading, one table per check family (Cluster, Insights,
//! Network, IAM, Add-ons, Kubernetes) with severity coloured on a terminal, details and remediation
//! lines under each finding, and a summary line.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, ContentArrangement, Table};

use super::style::Style;
use super::Report;
use crate::checks::{Family, Severity};

/// The report as text.
pub fn render(r: &Report<'_>, style: Style) -> String {
    let mut out = String::new();
    out.push_str(&style.bold(&format!(
        "Preflight of cluster {} ({}): Kubernetes {} → {}",
        r.cluster, r.region, r.current_version, r.target_version
    )));
    out.push_str("\n\n");
    for family in Family::ALL {
        let findings: Vec<_> = r.findings.iter().filter(|f| f.family == family).collect();
        if findings.is_empty() {
            continue;
        }
        out.push_str(&style.bold(family.title()));
        out.push('\n');
        let mut table = Table::new();
        table
            .load_style(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if style.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        // Wrap to the terminal's width; a pipe, or a pseudo-terminal that reports no usable width,
        // gets unwrapped lines.
        if table.width().is_none_or(|w| w < 60) {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
        table.set_header(["Check", "Result", "Subject", "Finding"]);
        for f in findings {
            let mut result = Cell::new(f.severity.label());
            if let Some(c) = style.severity_color(f.severity) {
                result = result.fg(c);
                if f.severity == Severity::Fail {
                    result = result.add_attribute(Attribute::Bold);
                }
            }
            let mut text = f.message.clone();
            for d in &f.details {
                text.push_str("\n  • ");
                text.push_str(d);
            }
            if f.severity != Severity::Pass && !f.remediation.is_empty() {
                text.push_str("\n→ ");
                text.push_str(&f.remediation);
            }
            table.add_row(vec![
                Cell::new(&f.id),
                result,
                Cell::new(&f.subject),
                Cell::new(text),
            ]);
        }
        out.push_str(&table.to_string());
        out.push_str("\n\n");
    }
    let s = crate::checks::summary(r.findings);
    let verdict = if s.fail > 0 {
        style.paint(
            Severity::Fail,
            &format!(
                "not ready: fix the FAIL findings before upgrading to {}",
                r.target_version
            ),
        )
    } else if crate::checks::verdict(r.findings) == crate::outcome::Outcome::Incomplete {
        style.paint(
            Severity::Warn,
            "incomplete: some Kubernetes checks could not look at the cluster (marked \"not checked\"), so the node rotation is not fully judged",
        )
    } else if s.warn > 0 {
        style.paint(
            Severity::Warn,
            &format!(
                "ready to upgrade to {}, after reviewing the warnings",
                r.target_version
            ),
        )
    } else {
        style.paint(
            Severity::Pass,
            &format!("ready to upgrade to {}", r.target_version),
        )
    };
    out.push_str(&format!(
        "{} FAIL, {} WARN, {} INFO, {} PASS — {verdict}\n",
        s.fail, s.warn, s.info, s.pass
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Finding;

    fn report(findings: &[Finding]) -> String {
        render(
            &Report {
                cluster: "c1",
                region: "ap-northeast-1",
                current_version: "1.30",
                target_version: crate::version::Minor::new(1, 31),
                findings,
            },
            Style::plain(),
        )
    }

    #[test]
    fn groups_by_family_with_details() {
        let findings = vec![
            Finding::new("CLU001", Severity::Pass, "cluster c1", "ACTIVE"),
            Finding::new(
                "INS001",
                Severity::Fail,
                "insight x",
                "deprecated APIs in use",
            )
            .details(vec!["/apis/a/v1beta1 → /apis/a/v1 (removed in 1.32)".into()])
            .fix("Move the clients to the replacement API."),
        ];
        let text = report(&findings);
        let cluster = text.find("Cluster\n").unwrap();
        let insights = text.find("Insights\n").unwrap();
        assert!(cluster < insights);
        assert!(!text.contains("Network\n"));
        assert!(text.contains("• /apis/a/v1beta1 → /apis/a/v1"));
        assert!(text.contains("→ Move the clients"));
        assert!(text.contains("1 FAIL, 0 WARN, 0 INFO, 1 PASS — not ready"));
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn all_pass_is_ready() {
        let findings = vec![Finding::new(
            "CLU001",
            Severity::Pass,
            "cluster c1",
            "ACTIVE",
        )];
        assert!(report(&findings).contains("— ready to upgrade to 1.31"));
    }

    #[test]
    fn an_unchecked_kubernetes_side_is_incomplete_not_ready() {
        let mut unchecked = Finding::new("K8S002", Severity::Warn, "cluster c1", "not run");
        unchecked.unchecked = true;
        let text = report(&[unchecked]);
        assert!(
            text.contains("— incomplete: some Kubernetes checks could not look"),
            "{text}"
        );
        assert!(!text.contains("ready to upgrade"), "{text}");
    }
}
