//! Pod checks: POD001 (pods and nodes annotated `karpenter.sh/do-not-disrupt`: Auto Mode will not
//! drain them for drift) and POD002 (bare pods: nothing recreates them once evicted). Both are
//! grouped per namespace with the pod names in the details, so the output stays readable on
//! clusters with 100k pods. Completed pods (Succeeded/Failed) are ignored.

use std::collections::BTreeMap;

use super::{capped, with_kube, Finding, Severity};
use crate::facts::model::{Facts, PodFacts};

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

/// POD001: do-not-disrupt pods (per namespace) and nodes (per node) → WARN.
pub fn pod001(f: &Facts) -> Vec<Finding> {
    with_kube(f, "POD001", |k| {
        let mut out = Vec::new();
        let pinned = k
            .pods
            .iter()
            .filter(|p| p.do_not_disrupt && !p.is_terminal() && !p.terminating);
        for (ns, names) in group_by_namespace(pinned) {
            out.push(
                Finding::new(
                    "POD001",
                    Severity::Warn,
                    format!("namespace {ns}"),
                    format!(
                        "{} pod(s) carry karpenter.sh/do-not-disrupt: their nodes keep the old version until they finish or expire",
                        names.len()
                    ),
                )
                .fix(format!(
                    "Remove the annotation or let the pods finish before upgrading: kubectl annotate pod -n {ns} NAME karpenter.sh/do-not-disrupt-"
                ))
                .details(capped(names, MAX_LISTED)),
            );
        }
        for n in k.nodes.iter().filter(|n| n.do_not_disrupt) {
            out.push(
                Finding::new(
                    "POD001",
                    Severity::Warn,
                    format!("node {}", n.name),
                    "node carries karpenter.sh/do-not-disrupt: Auto Mode will not replace it for drift",
                )
                .fix(format!(
                    "kubectl annotate node {} karpenter.sh/do-not-disrupt-",
                    n.name
                )),
            );
        }
        if out.is_empty() {
            out.push(Finding::pass(
                "POD001",
                "pods",
                "no pod or node carries karpenter.sh/do-not-disrupt",
            ));
        }
        out
    })
}

/// POD002: bare pods (no controller), per namespace → WARN.
pub fn pod002(f: &Facts) -> Vec<Finding> {
    with_kube(f, "POD002", |k| {
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

        let mut facts = article();
        kube(&mut facts).nodes[0].do_not_disrupt = true;
        let out = pod001(&facts);
        assert_eq!(out[0].subject, "node i-44444444444444444");
        assert_eq!(out[0].severity, Severity::Warn);
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
