//! Workload checks: WRK001 (single-replica Deployments without a PDB: down while moved to a new
//! node) and WRK002 (topologySpreadConstraints whose labelSelector matches none of the workload's
//! own pods, so the spread does not constrain them — the article's myapp selects
//! `app: host-zone-spread`).

use super::{with_kube, Finding, Severity};
use crate::facts::model::{Facts, LabelSelector, TopologyTerm};

fn subject(kind: &str, ns: &str, name: &str) -> String {
    format!("{} {ns}/{name}", kind.to_lowercase())
}

/// WRK001: Deployments with one replica and no PDB covering their pods → WARN.
pub fn wrk001(f: &Facts) -> Vec<Finding> {
    with_kube(f, "WRK001", |k| {
        let mut out = Vec::new();
        for w in k.workloads.iter().filter(|w| w.kind == "Deployment") {
            if w.replicas.unwrap_or(1) != 1 {
                continue;
            }
            let covered = k
                .pdbs
                .iter()
                .any(|p| p.namespace == w.namespace && p.selects(&w.pod_template_labels));
            if covered {
                continue;
            }
            out.push(
                Finding::new(
                    "WRK001",
                    Severity::Warn,
                    subject(&w.kind, &w.namespace, &w.name),
                    "single replica and no PDB: the app is down while its pod moves to a new node",
                )
                .fix("Run at least 2 replicas with a PDB (maxUnavailable: 1), or accept a short outage."),
            );
        }
        if out.is_empty() {
            out.push(Finding::pass(
                "WRK001",
                "workloads",
                "no single-replica Deployment without a PDB",
            ));
        }
        out
    })
}

/// WRK002: topology spread selectors that match none of the workload's own pod labels → WARN.
pub fn wrk002(f: &Facts) -> Vec<Finding> {
    with_kube(f, "WRK002", |k| {
        let mut out = Vec::new();
        for w in &k.workloads {
            let wrong: Vec<&TopologyTerm> = w
                .topology_spread
                .iter()
                .filter(|t| !t.selects(&w.pod_template_labels))
                .collect();
            let Some(first) = wrong.first() else {
                continue;
            };
            let pod_labels = LabelSelector {
                match_labels: w.pod_template_labels.clone(),
                match_expressions: Vec::new(),
            }
            .display();
            out.push(
                Finding::new(
                    "WRK002",
                    Severity::Warn,
                    subject(&w.kind, &w.namespace, &w.name),
                    format!(
                        "{} topologySpreadConstraint(s) select {}, which matches none of its own pods ({pod_labels}): the spread is not enforced",
                        wrong.len(),
                        first.selector_display()
                    ),
                )
                .fix(format!(
                    "Set the constraints' labelSelector to the pod labels ({pod_labels}) so pods spread across hosts and zones."
                ))
                .details(
                    wrong
                        .iter()
                        .map(|t| {
                            format!(
                                "topologyKey {}: labelSelector {} ≠ pod labels {pod_labels}",
                                t.topology_key,
                                t.selector_display()
                            )
                        })
                        .collect(),
                ),
            );
        }
        if out.is_empty() {
            out.push(Finding::pass(
                "WRK002",
                "workloads",
                "topology spread selectors match their workloads' pods",
            ));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{article, deployment, kube};

    #[test]
    fn wrk001_single_replica_without_pdb_warns() {
        assert_eq!(wrk001(&article())[0].severity, Severity::Pass);
        let mut facts = article();
        kube(&mut facts).workloads.push(deployment(
            "default",
            "php-apache",
            1,
            &[("run", "php-apache")],
        ));
        let out = wrk001(&facts);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Warn);
        assert_eq!(out[0].subject, "deployment default/php-apache");
        // myapp scaled to one is still covered by its PDB
        let mut facts = article();
        kube(&mut facts).workloads[0].replicas = Some(1);
        assert_eq!(wrk001(&facts)[0].severity, Severity::Pass);
    }

    #[test]
    fn wrk002_article_selector_mismatch_warns() {
        let out = wrk002(&article());
        assert_eq!(out.len(), 1);
        let f = &out[0];
        assert_eq!((f.id.as_str(), f.severity), ("WRK002", Severity::Warn));
        assert_eq!(f.subject, "deployment default/myapp");
        assert!(f.message.contains("app=host-zone-spread"));
        assert!(f.message.starts_with("2 topologySpreadConstraint(s)"));
        assert_eq!(
            f.details,
            [
                "topologyKey kubernetes.io/hostname: labelSelector app=host-zone-spread ≠ pod labels app=myapp",
                "topologyKey topology.kubernetes.io/zone: labelSelector app=host-zone-spread ≠ pod labels app=myapp",
            ]
        );
    }

    #[test]
    fn wrk002_matching_selector_passes_and_a_missing_one_warns() {
        let mut facts = article();
        for t in kube(&mut facts).workloads[0].topology_spread.iter_mut() {
            t.selector = Some(LabelSelector::labels([("app", "myapp")]));
        }
        assert_eq!(wrk002(&facts)[0].severity, Severity::Pass);
        kube(&mut facts).workloads[0].topology_spread[1].selector = None;
        let out = wrk002(&facts);
        assert_eq!(out[0].severity, Severity::Warn);
        assert!(out[0]
            .message
            .starts_with("1 topologySpreadConstraint(s) select <none>"));
    }
}
