//! Insights check INS001: EKS upgrade-readiness insights for the versions between the current one
//! (exclusive) and the target (inclusive), with deprecation details and the clients still calling
//! removed APIs; stale insights (> 24h) are flagged. Non-passing insights about later versions are
//! shown as INFO.

use jiff::SignedDuration;

use super::version::Minor;
use super::{capped, subject_cluster, Finding, Severity};
use crate::facts::model::{Facts, Gathered, InsightFacts};

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
    let current = Minor::parse(&f.cluster.version);
    let target = Minor::parse(&f.target_version);
    let readiness: Vec<&InsightFacts> = insights
        .iter()
        .filter(|i| i.category == "UPGRADE_READINESS")
        .collect();

    let mut out = Vec::new();
    let mut passing = 0usize;
    for i in &readiness {
        let v = Minor::parse(&i.kubernetes_version);
        let later = matches!((v, target), (Some(v), Some(t)) if v > t);
        let earlier = matches!((v, current), (Some(v), Some(c)) if v <= c);
        if earlier {
            continue;
        }
        let severity = match (i.status.as_str(), later) {
            ("PASSING", _) => {
                if !later {
                    passing += 1;
                }
                continue;
            }
            (_, true) => Severity::Info,
            ("ERROR", false) => Severity::Fail,
            (_, false) => Severity::Warn,
        };
        let mut message = format!("{}: {} — {}", i.name, i.status, i.reason);
        if later {
            message = format!(
                "affects a later upgrade ({}): {message}",
                i.kubernetes_version
            );
        }
        let fix = if i.recommendation.is_empty() {
            "Migrate the listed clients and manifests to the replacement APIs, then refresh the insights."
                .to_string()
        } else {
            i.recommendation.clone()
        };
        out.push(
            Finding::new("INS001", severity, format!("insight {}", i.name), message)
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

    if !out.iter().any(|x| x.severity >= Severity::Warn) {
        let msg = if passing == 0 {
            format!("no upgrade-readiness insights for {}", f.target_version)
        } else {
            format!(
                "{passing} upgrade-readiness insight(s) for {} passing",
                f.target_version
            )
        };
        out.push(Finding::pass("INS001", subject_cluster(f), msg));
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
    use crate::checks::fixtures::{article, blocked, ts};

    fn insights(f: &mut Facts) -> &mut Vec<InsightFacts> {
        match &mut f.insights {
            Gathered::Ok(i) => i,
            _ => unreachable!(),
        }
    }

    #[test]
    fn passes_for_article_later_version_passing_insight() {
        let out = ins001(&article());
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].severity, Severity::Pass);
    }

    #[test]
    fn error_insight_for_target_fails_with_deprecation_and_clients() {
        let out = ins001(&blocked());
        assert_eq!(out.len(), 1, "{out:#?}");
        let f = &out[0];
        assert_eq!((f.id.as_str(), f.severity), ("INS001", Severity::Fail));
        assert!(f.details[0]
            .contains("v1beta3/flowschemas → /apis/flowcontrol.apiserver.k8s.io/v1/flowschemas"));
        assert!(f.details[0].contains("removed in 1.32"));
        assert!(f.details[1].contains("kubectl/v1.30.0 (linux/amd64): 12 request(s)"));
    }

    #[test]
    fn warning_and_unknown_warn_later_version_is_info() {
        let mut facts = blocked();
        insights(&mut facts)[0].status = "WARNING".into();
        assert_eq!(ins001(&facts)[0].severity, Severity::Warn);
        insights(&mut facts)[0].status = "UNKNOWN".into();
        assert_eq!(ins001(&facts)[0].severity, Severity::Warn);
        insights(&mut facts)[0].kubernetes_version = "1.33".into();
        let out = ins001(&facts);
        assert!(out.iter().any(|f| f.severity == Severity::Info));
        assert!(out.iter().any(|f| f.severity == Severity::Pass));
        assert!(!out.iter().any(|f| f.severity >= Severity::Warn));
    }

    #[test]
    fn stale_insights_warn() {
        let mut facts = article();
        facts.now = ts("2024-12-13T08:00:00Z");
        let out = ins001(&facts);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Warn);
        assert!(out[0].message.contains("48h ago"), "{}", out[0].message);
    }

    #[test]
    fn unavailable_insights_warn() {
        let mut facts = article();
        facts.insights = Gathered::Unavailable("AccessDeniedException".into());
        let out = ins001(&facts);
        assert_eq!(out[0].severity, Severity::Warn);
    }
}
