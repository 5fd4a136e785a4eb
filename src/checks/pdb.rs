//! PodDisruptionBudget checks: PDB001 (allows 0 disruptions now), PDB002 (forbids disruptions by
//! configuration), PDB003 (pods under two PDBs: the eviction API refuses them), PDB004 (selects no
//! pods). The math follows the disruption controller (REFERENCE §4); the PDB's reported status is
//! preferred when there is one. A PDB that allows nothing does not stop an Auto Mode rotation: it
//! holds each node's drain for up to terminationGracePeriod, then the pods are deleted past the
//! budget — the messages say when.

use std::collections::{BTreeMap, HashMap};

use super::{capped, with_kube, Finding, Severity};
use crate::disruption::drain::grace_for;
use crate::disruption::pdb::{pdb_math, pods_by_namespace, selected};
use crate::facts::model::{Facts, KubeList, PdbFacts};
use crate::k8s::IntOrPercent;

fn subject(pdb: &PdbFacts) -> String {
    format!("pdb {}/{}", pdb.namespace, pdb.name)
}

/// PDB001: a PDB that selects pods but allows 0 disruptions now.
pub fn pdb001(f: &Facts) -> Vec<Finding> {
    // Without the pod list (a role refused it) the PDB's own status still says what it allows.
    with_kube(f, "PDB001", &[KubeList::Pdbs], |k| {
        let pods_known = !k.unreadable.contains_key(&KubeList::Pods);
        let by_ns = pods_by_namespace(k);
        let mut out = Vec::new();
        for pdb in &k.pdbs {
            let pods = selected(pdb, &by_ns);
            let m = pdb_math(pdb, &pods);
            if m.expected == 0 || (pods_known && pods.is_empty()) {
                continue; // PDB004's business
            }
            if m.allowed == 0 {
                let grace = grace_for(k, pods.iter().filter_map(|p| p.node.as_deref()));
                out.push(
                    Finding::new(
                        "PDB001",
                        Severity::Fail,
                        subject(pdb),
                        format!(
                            "allows 0 disruptions now ({} healthy of {} expected, {} must stay): the drain of each node holding its pods {}",
                            m.healthy, m.expected, m.desired, grace.consequence("Auto Mode deletes them past the budget")
                        ),
                    )
                    .fix("Make unhealthy pods healthy, add replicas, or relax minAvailable/maxUnavailable before upgrading; otherwise the rotation stalls on these nodes and ends in a forced drain."),
                );
            }
        }
        if out.is_empty() {
            out.push(Finding::pass(
                "PDB001",
                "pdbs",
                format!("{} PDB(s) allow disruptions now", k.pdbs.len()),
            ));
        }
        out
    })
}

/// PDB002: maxUnavailable 0, or minAvailable ≥ expected pods (or 100 %).
pub fn pdb002(f: &Facts) -> Vec<Finding> {
    // Judged from the PDB's spec, with expectedPods from its status when the pods are not readable.
    with_kube(f, "PDB002", &[KubeList::Pdbs], |k| {
        let by_ns = pods_by_namespace(k);
        let mut out = Vec::new();
        for pdb in &k.pdbs {
            let pods = selected(pdb, &by_ns);
            let expected = pdb_math(pdb, &pods).expected;
            let problem = match (&pdb.max_unavailable, &pdb.min_available) {
                (Some(max), _) if max.is_zero() => Some(format!(
                    "maxUnavailable {max} forbids every voluntary disruption"
                )),
                (None, Some(IntOrPercent::Percent(p))) if *p >= 100 => Some(format!(
                    "minAvailable {p}% forbids every voluntary disruption"
                )),
                (None, Some(min)) if expected > 0 && min.scaled(expected) >= expected => {
                    Some(format!(
                    "minAvailable {min} needs {} of {expected} pods up: no pod may ever be evicted",
                    min.scaled(expected)
                ))
                }
                _ => None,
            };
            if let Some(problem) = problem {
                let grace = grace_for(k, pods.iter().filter_map(|p| p.node.as_deref()));
                let message = format!(
                    "{problem}: the drain of each node holding its pods {}",
                    grace.consequence("Auto Mode deletes them past the budget")
                );
                out.push(
                    Finding::new("PDB002", Severity::Fail, subject(pdb), message).fix(
                        "Allow at least one disruption (e.g. maxUnavailable: 1) or run more replicas than minAvailable; otherwise every node holding these pods is drained by force.",
                    ),
                );
            }
        }
        if out.is_empty() {
            out.push(Finding::pass(
                "PDB002",
                "pdbs",
                "no PDB forbids all disruptions by configuration",
            ));
        }
        out
    })
}

/// PDB003: pods selected by more than one PDB, grouped by the set of PDBs.
pub fn pdb003(f: &Facts) -> Vec<Finding> {
    with_kube(f, "PDB003", &[KubeList::Pdbs, KubeList::Pods], |k| {
        let mut pdbs_by_ns: HashMap<&str, Vec<&PdbFacts>> = HashMap::new();
        for pdb in &k.pdbs {
            pdbs_by_ns
                .entry(pdb.namespace.as_str())
                .or_default()
                .push(pdb);
        }
        // (namespace, PDB names) → pods
        let mut groups: BTreeMap<(String, Vec<String>), Vec<String>> = BTreeMap::new();
        for p in k.pods.iter().filter(|p| !p.is_terminal()) {
            let Some(pdbs) = pdbs_by_ns.get(p.namespace.as_str()) else {
                continue;
            };
            let mut names: Vec<String> = pdbs
                .iter()
                .filter(|pdb| pdb.selects(&p.labels))
                .map(|pdb| pdb.name.clone())
                .collect();
            if names.len() > 1 {
                names.sort();
                groups
                    .entry((p.namespace.clone(), names))
                    .or_default()
                    .push(p.name.clone());
            }
        }
        let mut out = Vec::new();
        for ((ns, names), pods) in groups {
            let list = names
                .iter()
                .map(|n| format!("{ns}/{n}"))
                .collect::<Vec<_>>()
                .join(" + ");
            out.push(
                Finding::new(
                    "PDB003",
                    Severity::Fail,
                    format!("pdb {list}"),
                    format!(
                        "{} pod(s) are selected by {} PDBs: the eviction API refuses to evict them",
                        pods.len(),
                        names.len()
                    ),
                )
                .fix("Make the PDB selectors disjoint so every pod is covered by exactly one PDB.")
                .details(capped(pods, 20)),
            );
        }
        if out.is_empty() {
            out.push(Finding::pass(
                "PDB003",
                "pdbs",
                "no pod is selected by more than one PDB",
            ));
        }
        out
    })
}

/// PDB004: a PDB that selects no pods.
pub fn pdb004(f: &Facts) -> Vec<Finding> {
    with_kube(f, "PDB004", &[KubeList::Pdbs, KubeList::Pods], |k| {
        let by_ns = pods_by_namespace(k);
        let mut out = Vec::new();
        for pdb in &k.pdbs {
            if selected(pdb, &by_ns).is_empty() {
                out.push(
                    Finding::new(
                        "PDB004",
                        Severity::Warn,
                        subject(pdb),
                        format!("selects no pods (selector {})", pdb.selector_display()),
                    )
                    .fix("Fix the selector to match the workload's pod labels, or delete the PDB."),
                );
            }
        }
        if out.is_empty() {
            out.push(Finding::pass(
                "PDB004",
                "pdbs",
                format!("{} PDB(s) select pods", k.pdbs.len()),
            ));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{article, blocked, kube, pdb, pod};
    use crate::disruption::pdb::PdbMath;
    use crate::k8s::LabelSelector;

    fn only(out: Vec<Finding>) -> Finding {
        assert_eq!(out.len(), 1, "{out:#?}");
        out.into_iter().next().unwrap()
    }

    #[test]
    fn math_article_pdb_allows_two() {
        let mut facts = article();
        let k = kube(&mut facts);
        k.pdbs[0].status = None;
        let by_ns = pods_by_namespace(k);
        let pods = selected(&k.pdbs[0], &by_ns);
        assert_eq!(
            pdb_math(&k.pdbs[0], &pods),
            PdbMath {
                expected: 10,
                healthy: 10,
                desired: 8,
                allowed: 2
            }
        );
        // a status that has not caught up with the pods yet is ignored
        let mut fresh = k.pdbs[0].clone();
        fresh.status = Some(crate::facts::model::PdbStatus::default());
        assert_eq!(pdb_math(&fresh, &pods).allowed, 2);
        let mut max = k.pdbs[0].clone();
        max.min_available = None;
        max.max_unavailable = Some(IntOrPercent::Percent(25));
        assert_eq!(pdb_math(&max, &pods).allowed, 3);
    }

    #[test]
    fn pdb001_pass_and_fail() {
        assert_eq!(only(pdb001(&article())).severity, Severity::Pass);
        let f = only(pdb001(&blocked()));
        assert_eq!((f.id.as_str(), f.severity), ("PDB001", Severity::Fail));
        assert_eq!(f.subject, "pdb default/myapp");
        // computed from pods: three not ready → 7 healthy < 8 desired
        let mut facts = article();
        let k = kube(&mut facts);
        k.pdbs[0].status = None;
        for p in k.pods.iter_mut().take(3) {
            p.ready = false;
        }
        assert_eq!(only(pdb001(&facts)).severity, Severity::Fail);
    }

    #[test]
    fn pdb002_max_zero_min_all_and_hundred_percent() {
        assert_eq!(only(pdb002(&article())).severity, Severity::Pass);
        let f = only(pdb002(&blocked()));
        assert_eq!(f.severity, Severity::Fail);
        assert!(f.message.starts_with("maxUnavailable 0"));
        for min in ["100%", "10", "95%"] {
            let mut facts = article();
            let p = &mut kube(&mut facts).pdbs[0];
            p.min_available = Some(IntOrPercent::parse(min).unwrap());
            let f = only(pdb002(&facts));
            assert_eq!(f.severity, Severity::Fail, "{min}");
        }
        let mut facts = article();
        kube(&mut facts).pdbs[0].min_available = Some(IntOrPercent::Int(9));
        assert_eq!(only(pdb002(&facts)).severity, Severity::Pass);
    }

    #[test]
    fn pdb003_overlap() {
        assert_eq!(only(pdb003(&article())).severity, Severity::Pass);
        let mut facts = article();
        let k = kube(&mut facts);
        k.pdbs.push(pdb(
            "default",
            "everything",
            LabelSelector::default(),
            Some("1"),
            None,
        ));
        k.pods
            .push(pod("other", "lonely", &[("app", "myapp")], Some("rs"), "n"));
        let f = only(pdb003(&facts));
        assert_eq!(f.severity, Severity::Fail);
        assert_eq!(f.subject, "pdb default/everything + default/myapp");
        assert!(f.message.starts_with("10 pod(s)"));
        assert_eq!(f.details.len(), 10);
    }

    #[test]
    fn pdb004_selects_nothing() {
        assert_eq!(only(pdb004(&article())).severity, Severity::Pass);
        let mut facts = article();
        kube(&mut facts).pdbs[0].selector = Some(LabelSelector::labels([("app", "nope")]));
        let f = only(pdb004(&facts));
        assert_eq!(f.severity, Severity::Warn);
        assert!(f.message.contains("app=nope"));
        // and PDB001 leaves it alone when nothing is expected
        kube(&mut facts).pdbs[0].status = None;
        assert_eq!(only(pdb001(&facts)).severity, Severity::Pass);
    }
}
