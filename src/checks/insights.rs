//! Insights check INS001: every EKS upgrade-readiness insight up to the target version, judged
//! one by one (PASSING → PASS, WARNING/UNKNOWN → WARN, ERROR → FAIL) with its recommendation,
//! deprecation details and the clients still calling removed APIs; insights about later versions
//! are shown as INFO when they do not pass. Stale insights (> 24h) are flagged, and so is an Auto
//! Mode cluster for which EKS has generated no upgrade insight yet.

use jiff::SignedDuration;

use super::{capped, subject_cluster, Finding, Severity};
use crate::facts::model::{Facts, Gathered, InsightFacts};
use crate::version::Minor;

const STALE_AFTER: SignedDuration = SignedDuration::from_hours(24);

/// INS001: upgrade-readiness insights for the target.
pub fn ins001(f: &Facts) -> Vec<Finding> {
    let insights = match &f.insights {
        Gathered::Ok(i) => i,
        Gathered::Unavailable(why) => {
            return vec![Finding::unavailable(
                "INS001",
                subject_cluster(f),
                "cluster insights",
                why,
            )]
        }
    };
    let target = Some(f.target_version);
    let readiness: Vec<&InsightFacts> = insights
        .iter()
        .filter(|i| i.category == "UPGRADE_READINESS")
        .collect();
    if readiness.is_empty() && f.cluster.auto_mode.compute {
        return vec![Finding::new(
            "INS001",
            Severity::Warn,
            subject_cluster(f),
            "insights not generated yet — re-run with --refresh-insights",
        )
        .fix("Re-run with --refresh-insights (or aws eks start-insights-refresh), so EKS checks the cluster before the upgrade.")];
    }

    let mut out = Vec::new();
    for i in &readiness {
        // An insight without a version applies to every upgrade.
        let later =
            matches!((Minor::parse(&i.kubernetes_version), target), (Some(v), Some(t)) if v > t);
        let severity = match (i.status.as_str(), later) {
            ("PASSING", true) => continue,
            (_, true) => Severity::Info,
            ("PASSING", false) => Severity::Pass,
            ("ERROR", false) => Severity::Fail,
            (_, false) => Severity::Warn,
        };
        let version = if i.kubernetes_version.is_empty() {
            String::new()
        } else {
            format!(" for {}", i.kubernetes_version)
        };
        let mut message = format!("{}{version}", i.status);
        if !i.reason.is_empty() {
            message = format!("{message}: {}", i.reason);
        }
        if later {
            message = format!("affects a later upgrade: {message}");
        }
        let subject = format!("insight {}", i.name);
        if severity == Severity::Pass {
            out.push(Finding::pass("INS001", subject, message));
            continue;
        }
        let fix = if i.recommendation.is_empty() {
            "Fix what the insight reports (aws eks describe-insight shows the affected resources), then refresh the insights."
                .to_string()
        } else {
            i.recommendation.clone()
        };
        out.push(
            Finding::new("INS001", severity, subject, message)
                .fix(fix)
                .details(deprecation_lines(i)),
        );
    }

    let oldest = readiness.iter().filter_map(|i| i.last_refresh).min();
    if let Some(oldest) = oldest {
        let age = f.now.duration_since(oldest);
        if age > STALE_AFTER {
            out.push(
                Finding::new(
                    "INS001",
                    Severity::Warn,
                    "insights",
                    format!(
                        "insights were last refreshed {}h ago (older than 24h)",
                        age.as_hours()
                    ),
                )
                .fix("Re-run with --refresh-insights (or aws eks start-insights-refresh)."),
            );
        }
    }

    if !out.iter().any(|x| x.severity != Severity::Info) {
        out.push(Finding::pass(
            "INS001",
            subject_cluster(f),
            format!("no upgrade-readiness insights for {}", f.target_version),
        ));
    }
    out
}

/// `usage → replacement (removed in X, replacement since Y)` and one indented line per client.
fn deprecation_lines(i: &InsightFacts) -> Vec<String> {
    let mut lines = Vec::new();
    for d in &i.deprecations {
        lines.push(format!(
            "{} → {} (removed in {}, replacement served since {})",
            d.usage, d.replaced_with, d.stop_serving_version, d.start_serving_replacement_version
        ));
        let clients = d.clients.iter().map(|c| {
            let last = c
                .last_request
                .map(|t| format!(", last {}", t.strftime("%Y-%m-%dT%H:%M:%SZ")))
                .unwrap_or_default();
            format!(
                "  client {}: {} request(s) in the last 30 days{last}",
                c.user_agent, c.requests_last_30_days
            )
        });
        lines.extend(capped(clients, 10));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{article, blocked, insight, ts};

    fn insights(f: &mut Facts) -> &mut Vec<InsightFacts> {
        match &mut f.insights {
            Gathered::Ok(i) => i,
            _ => unreachable!(),
        }
    }

    fn severities(out: &[Finding]) -> Vec<(&str, Severity)> {
        out.iter()
            .map(|f| (f.subject.as_str(), f.severity))
            .collect()
    }

    #[test]
    fn article_insights_for_the_target_each_pass_and_the_later_one_is_not_shown() {
        let out = ins001(&article());
        assert_eq!(
            severities(&out),
            [
                ("insight Kubelet version skew", Severity::Pass),
                ("insight kube-proxy version skew", Severity::Pass),
                ("insight Cluster health issues", Severity::Pass),
                ("insight EKS add-on version compatibility", Severity::Pass),
            ]
        );
        assert_eq!(
            out[0].message,
            "PASSING for 1.31: Node kubelet versions match the cluster control plane version."
        );
        assert!(out.iter().all(|f| f.details.is_empty()));
    }

    #[test]
    fn error_insight_for_target_fails_with_deprecation_and_clients() {
        let out = ins001(&blocked());
        let f = &out[0];
        assert_eq!((f.id.as_str(), f.severity), ("INS001", Severity::Fail));
        assert_eq!(
            f.subject,
            "insight Deprecated APIs removed in Kubernetes v1.31"
        );
        assert_eq!(
            f.message,
            "ERROR for 1.31: Deprecated API usage detected within the last 30 days."
        );
        assert_eq!(
            f.remediation,
            "Update manifests and API clients before upgrading to v1.31."
        );
        assert!(f.details[0]
            .contains("v1beta3/flowschemas → /apis/flowcontrol.apiserver.k8s.io/v1/flowschemas"));
        assert!(f.details[0].contains("removed in 1.32"));
        assert!(f.details[1].contains("kubectl/v1.30.0 (linux/amd64): 12 request(s)"));
    }

    #[test]
    fn blocked_has_one_fail_one_warn_and_the_rest_pass() {
        let out = ins001(&blocked());
        assert_eq!(
            severities(&out),
            [
                (
                    "insight Deprecated APIs removed in Kubernetes v1.31",
                    Severity::Fail
                ),
                ("insight Kubelet version skew", Severity::Pass),
                ("insight kube-proxy version skew", Severity::Pass),
                ("insight Cluster health issues", Severity::Pass),
                ("insight EKS add-on version compatibility", Severity::Warn),
            ]
        );
        let warn = &out[4];
        assert!(warn
            .message
            .starts_with("WARNING for 1.31: Add-on vpc-cni is DEGRADED"));
        assert_eq!(
            warn.remediation,
            "Resolve the add-on's health issues, then refresh the insights."
        );
    }

    #[test]
    fn statuses_map_to_severities_up_to_the_target_and_info_after_it() {
        let mut facts = article();
        *insights(&mut facts) = vec![
            insight("a", "1.30", "ERROR", "already current"),
            insight("b", "1.31", "WARNING", "w"),
            insight("c", "1.31", "UNKNOWN", "u"),
            insight("d", "", "ERROR", "no version"),
            insight("e", "1.32", "ERROR", "later"),
            insight("f", "1.32", "PASSING", "later, passing"),
        ];
        let out = ins001(&facts);
        assert_eq!(
            severities(&out),
            [
                ("insight a", Severity::Fail),
                ("insight b", Severity::Warn),
                ("insight c", Severity::Warn),
                ("insight d", Severity::Fail),
                ("insight e", Severity::Info),
            ]
        );
        assert_eq!(
            out[4].message,
            "affects a later upgrade: ERROR for 1.32: later"
        );
        assert!(!out[1].remediation.is_empty());
    }

    #[test]
    fn only_later_insights_pass_with_a_note() {
        let mut facts = article();
        insights(&mut facts).retain(|i| i.kubernetes_version == "1.32");
        insights(&mut facts)[0].status = "WARNING".into();
        let out = ins001(&facts);
        assert_eq!(
            severities(&out),
            [
                (
                    "insight Deprecated APIs removed in Kubernetes v1.32",
                    Severity::Info
                ),
                ("cluster interesting-funk-otter", Severity::Pass),
            ]
        );
        assert_eq!(out[1].message, "no upgrade-readiness insights for 1.31");
    }

    #[test]
    fn auto_mode_cluster_without_upgrade_insights_warns() {
        let mut facts = article();
        let misconfiguration = InsightFacts {
            category: "MISCONFIGURATION".into(),
            ..insight("Hybrid nodes", "", "PASSING", "")
        };
        *insights(&mut facts) = vec![misconfiguration];
        let out = ins001(&facts);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Warn);
        assert_eq!(
            out[0].message,
            "insights not generated yet — re-run with --refresh-insights"
        );
        // Without Auto Mode, no insight is nothing to report.
        facts.cluster.auto_mode.compute = false;
        let out = ins001(&facts);
        assert_eq!(
            severities(&out),
            [("cluster interesting-funk-otter", Severity::Pass)]
        );
    }

    #[test]
    fn stale_insights_warn() {
        let mut facts = article();
        facts.now = ts("2024-12-13T08:00:00Z");
        let out = ins001(&facts);
        let stale: Vec<_> = out.iter().filter(|f| f.subject == "insights").collect();
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].severity, Severity::Warn);
        assert!(stale[0].message.contains("48h ago"), "{}", stale[0].message);
        assert_eq!(out.len(), 5);
    }

    #[test]
    fn unavailable_insights_warn() {
        let mut facts = article();
        facts.insights = Gathered::Unavailable("AccessDeniedException".into());
        let out = ins001(&facts);
        assert_eq!(out[0].severity, Severity::Warn);
    }
}
