//! Kubernetes check K8S001: kubelet version skew against the target. Nodes one to three minors
//! behind are fine (INFO: Auto Mode replaces them after the control-plane upgrade); more than three
//! behind, or newer than the target, is outside the supported skew (FAIL). Nodes are grouped by
//! kubelet minor so the output stays short on large clusters.

use std::collections::BTreeMap;

use super::{capped, subject_cluster, with_kube, Finding, Severity};
use crate::facts::model::{Facts, KubeList};
use crate::version::Minor;

/// The kubelet may be at most this many minors older than the API server.
pub const MAX_KUBELET_SKEW: i64 = 3;

/// K8S001: kubelet skew vs the target.
pub fn k8s001(f: &Facts) -> Vec<Finding> {
    with_kube(f, "K8S001", &[KubeList::Nodes], |k| {
        let target = f.target_version;
        // (kubelet minor or None, managed by Auto Mode) → node names
        let mut groups: BTreeMap<(Option<Minor>, bool), Vec<String>> = BTreeMap::new();
        for n in &k.nodes {
            groups
                .entry((Minor::parse(&n.kubelet_version), n.node_pool.is_some()))
                .or_default()
                .push(n.name.clone());
        }
        let mut out = Vec::new();
        let mut current = 0usize;
        for ((minor, managed), names) in groups {
            let count = names.len();
            let details = capped(names, 20);
            let Some(v) = minor else {
                out.push(
                    Finding::new(
                        "K8S001",
                        Severity::Warn,
                        "nodes with unknown kubelet version",
                        format!("{count} node(s) report a kubelet version that cannot be read"),
                    )
                    .fix("Check the nodes with kubectl get nodes -o wide.")
                    .details(details),
                );
                continue;
            };
            let skew = target.minus(v);
            let subject = format!("nodes on kubelet {v}");
            let finding = if skew == 0 {
                current += count;
                continue;
            } else if skew < 0 {
                Finding::new(
                    "K8S001",
                    Severity::Fail,
                    subject,
                    format!("{count} node(s) run kubelet {v}, newer than the target {target}"),
                )
                .fix("A kubelet must not be newer than the API server; choose a target of at least their version.")
            } else if skew > MAX_KUBELET_SKEW {
                Finding::new(
                    "K8S001",
                    Severity::Fail,
                    subject,
                    format!(
                        "{count} node(s) run kubelet {v}, {skew} minors behind {target} (at most {MAX_KUBELET_SKEW} supported)"
                    ),
                )
                .fix("Replace or upgrade these nodes before upgrading the control plane.")
            } else if managed {
                Finding::new(
                    "K8S001",
                    Severity::Info,
                    subject,
                    format!("{count} node(s) on {v} will be replaced by Auto Mode with {target} nodes after the control-plane upgrade"),
                )
            } else {
                Finding::new(
                    "K8S001",
                    Severity::Info,
                    subject,
                    format!("{count} node(s) on {v} are not managed by Auto Mode: upgrade them yourself after the control plane"),
                )
                .fix("Upgrade managed node groups / self-managed nodes to the target after the control plane.")
            };
            out.push(finding.details(details));
        }
        if out.is_empty() {
            let msg = if current == 0 {
                "no nodes yet (Auto Mode launches them on demand)".to_string()
            } else {
                format!("{current} node(s) already on {target}")
            };
            out.push(Finding::pass("K8S001", subject_cluster(f), msg));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{article, kube, node};

    #[test]
    fn article_node_is_info_to_be_replaced() {
        let out = k8s001(&article());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Info);
        assert_eq!(out[0].subject, "nodes on kubelet 1.30");
        assert!(out[0].message.contains("replaced by Auto Mode with 1.31"));
        assert_eq!(out[0].details, vec!["i-44444444444444444"]);
    }

    #[test]
    fn skew_beyond_three_minors_fails() {
        let mut facts = article();
        facts.target_version = Minor::new(1, 31);
        kube(&mut facts)
            .nodes
            .push(node("old", "v1.27.9-eks-1", None));
        kube(&mut facts)
            .nodes
            .push(node("new", "v1.32.0", Some("general-purpose")));
        let out = k8s001(&facts);
        let fails: Vec<_> = out
            .iter()
            .filter(|f| f.severity == Severity::Fail)
            .collect();
        assert_eq!(fails.len(), 2, "{out:#?}");
        assert!(fails.iter().any(|f| f.message.contains("4 minors behind")));
        assert!(fails
            .iter()
            .any(|f| f.message.contains("newer than the target")));
    }

    #[test]
    fn nodes_on_target_or_none_pass() {
        let mut facts = article();
        kube(&mut facts).nodes[0].kubelet_version = "v1.31.1-eks-1b3e656".into();
        assert_eq!(k8s001(&facts)[0].severity, Severity::Pass);
        kube(&mut facts).nodes.clear();
        let out = k8s001(&facts);
        assert_eq!(out[0].severity, Severity::Pass);
        assert!(out[0].message.contains("no nodes"));
    }

    #[test]
    fn unmanaged_nodes_are_info_with_own_message() {
        let mut facts = article();
        kube(&mut facts).nodes[0].node_pool = None;
        let out = k8s001(&facts);
        assert_eq!(out[0].severity, Severity::Info);
        assert!(out[0].message.contains("not managed by Auto Mode"));
    }
}
