//! Pod checks: POD001 (pods annotated `karpenter.sh/do-not-disrupt`: they hold their node's drain
//! for up to terminationGracePeriod, then are deleted anyway), POD002 (bare pods: nothing recreates
//! them once evicted) and POD003 (nodes annotated `karpenter.sh/do-not-disrupt`: Auto Mode never
//! replaces them for drift while it is there). Pod findings are grouped per namespace with the pod
//! names in the details, so the output stays readable on clusters with 100k pods. Completed pods
//! (Succeeded/Failed) are ignored.

use std::collections::BTreeMap;

use super::{capped, with_kube, Finding, Severity};
use crate::disruption::drain::grace_for;
use crate::facts::model::{Facts, KubeList, PodFacts};

/// Pod names listed per namespace before `… and N more`.
const MAX_LISTED: usize = 20;

fn group_by_namespace<'a>(
    pods: impl Iterator<Item = &'a PodFacts>,
) -> BTreeMap<&'a str, Vec<String>> {
    let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for p in pods {
        groups
            .entry(p.namespace.as_str())
            .or_default()
            .push(p.name.clone());
    }
    groups
}

/// POD001: do-not-disrupt pods, per namespace → WARN, with the wait they impose on their nodes.
pub fn pod001(f: &Facts) -> Vec<Finding> {
    with_kube(f, "POD001", &[KubeList::Pods], |k| {
        let mut out = Vec::new();
        let pinned: Vec<&PodFacts> = k
            .pods
            .iter()
            .filter(|p| p.do_not_disrupt && !p.is_terminal() && !p.terminating)
            .collect();
        for (ns, names) in group_by_namespace(pinned.iter().copied()) {
            let grace = grace_for(
                k,
                pinned
                    .iter()
                    .filter(|p| p.namespace == ns)
                    .filter_map(|p| p.node.as_deref()),
            );
            out.push(
                Finding::new(
                    "POD001",
                    Severity::Warn,
                    format!("namespace {ns}"),
                    format!(
                        "{} pod(s) carry karpenter.sh/do-not-disrupt: the drain of each node holding one {}",
                        names.len(),
                        grace.consequence("Auto Mode deletes it anyway")
                    ),
                )
                .fix(format!(
                    "Let the pods finish, or remove the annotation before upgrading: kubectl annotate pod -n {ns} NAME karpenter.sh/do-not-disrupt-"
                ))
                .details(capped(names, MAX_LISTED)),
            );
        }
        if out.is_empty() {
            out.push(Finding::pass(
                "POD001",
                "pods",
                "no pod carries karpenter.sh/do-not-disrupt",
            ));
        }
        out
    })
}

/// POD003: do-not-disrupt nodes → FAIL: drift never replaces them while the annotation is there.
pub fn pod003(f: &Facts) -> Vec<Finding> {
    with_kube(f, "POD003", &[KubeList::Nodes], |k| {
        let mut out: Vec<Finding> = k
            .nodes
            .iter()
            .filter(|n| n.do_not_disrupt)
            .map(|n| {
                Finding::new(
                    "POD003",
                    Severity::Fail,
                    format!("node {}", n.name),
                    format!(
                        "node carries karpenter.sh/do-not-disrupt: Auto Mode will not replace it for drift while the annotation is there, so it stays on kubelet {}",
                        n.kubelet_version
                    ),
                )
                .fix(format!(
                    "Remove the annotation before upgrading: kubectl annotate node {} karpenter.sh/do-not-disrupt-",
                    n.name
                ))
            })
            .collect();
        if out.is_empty() {
            out.push(Finding::pass(
                "POD003",
                "nodes",
                "no node carries karpenter.sh/do-not-disrupt",
            ));
        }
        out
    })
}

/// POD002: bare pods (no controller), per namespace → WARN.
pub fn pod002(f: &Facts) -> Vec<Finding> {
    with_kube(f, "POD002", &[KubeList::Pods], |k| {
        let bare = k
            .pods
            .iter()
            .filter(|p| p.owner.is_none() && !p.is_terminal() && !p.terminating);
        let mut out = Vec::new();
        for (ns, names) in group_by_namespace(bare) {
            out.push(
                Finding::new(
                    "POD002",
                    Severity::Warn,
                    format!("namespace {ns}"),
                    format!(
                        "{} bare pod(s) without a controller: evicted during node replacement and never recreated",
                        names.len()
                    ),
                )
                .fix("Run them under a Deployment, StatefulSet or Job, or delete them if they are leftovers.")
                .details(capped(names, MAX_LISTED)),
            );
        }
        if out.is_empty() {
            out.push(Finding::pass(
                "POD002",
                "pods",
                format!("all {} pod(s) have a controller", k.pods.len()),
            ));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{article, blocked, kube, pod};

    #[test]
    fn pod001_pass_and_warn() {
        let out = pod001(&article());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Pass);

        let out = pod001(&blocked());
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].severity, Severity::Warn);
        assert_eq!(out[0].subject, "namespace batch");
        assert_eq!(out[0].details, vec!["report-28917"]);

        assert!(
            out[0]
                .message
                .contains("up to 24h (terminationGracePeriod of NodeClaim general-purpose-8wq4z)"),
            "{out:?}"
        );

        // a node-level annotation is POD003's business
        let mut facts = article();
        kube(&mut facts).nodes[0].do_not_disrupt = true;
        assert_eq!(pod001(&facts)[0].severity, Severity::Pass);
    }

    #[test]
    fn pod003_node_annotation_fails() {
        assert_eq!(pod003(&article())[0].severity, Severity::Pass);
        let mut facts = article();
        kube(&mut facts).nodes[0].do_not_disrupt = true;
        let out = pod003(&facts);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].subject, "node i-44444444444444444");
        assert_eq!(out[0].severity, Severity::Fail);
        assert!(out[0].message.contains("v1.30.5-eks-baa6d11"));
        assert!(out[0].remediation.contains("do-not-disrupt-"));
    }

    #[test]
    fn pod001_groups_many_pods_per_namespace() {
        let mut facts = article();
        let k = kube(&mut facts);
        for i in 0..1000 {
            let mut p = pod("jobs", &format!("p{i}"), &[], Some("rs"), "n");
            p.do_not_disrupt = true;
            k.pods.push(p);
        }
        let out = pod001(&facts);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.starts_with("1000 pod(s)"));
        assert_eq!(out[0].details.len(), MAX_LISTED + 1);
        assert_eq!(out[0].details.last().unwrap(), "… and 980 more");
    }

    #[test]
    fn pod002_bare_pods() {
        assert_eq!(pod002(&article())[0].severity, Severity::Pass);
        let out = pod002(&blocked());
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].severity, Severity::Warn);
        assert_eq!(out[0].subject, "namespace default");
        assert_eq!(out[0].details, vec!["debug"]);
        // a completed bare pod does not count
        let mut facts = blocked();
        for p in kube(&mut facts)
            .pods
            .iter_mut()
            .filter(|p| p.name == "debug")
        {
            p.phase = "Succeeded".into();
        }
        assert_eq!(pod002(&facts)[0].severity, Severity::Pass);
    }
}
