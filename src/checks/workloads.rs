//! Workload checks: whether replacing a node keeps each Deployment and StatefulSet available.
//! WRK001 (single-replica Deployments without a PDB: down while moved to a new node), WRK002
//! (topologySpreadConstraints whose labelSelector matches none of the workload's own pods, so the
//! spread does not constrain them — the article's myapp selects `app: host-zone-spread`), WRK003
//! (containers without a readinessProbe: a pod is Ready, and healthy for its PDB, the moment it
//! starts), WRK005 (single replicas WRK001 does not cover: StatefulSets, and Deployments under a
//! PDB) and WRK006 (two or more replicas that nothing keeps on different nodes). Each check reports
//! at most five workloads one by one and folds the rest into one finding, so clusters with
//! thousands of workloads get a short report. Pod placement is not looked at: the checks judge the
//! specs, which is what decides the next placement. `minReadySeconds` is not judged: the disruption
//! controller counts Ready pods as healthy whatever it says, so it does not slow a drain.

use std::collections::HashMap;

use super::{capped, with_kube, Finding, Severity};
use crate::facts::model::{Facts, KubeFacts, KubeList, PdbFacts, WorkloadFacts};
use crate::k8s::LabelSelector;

const HOSTNAME: &str = "kubernetes.io/hostname";
/// Workloads reported one by one per check; the others are folded into one finding.
const MAX_SUBJECTS: usize = 5;
/// Workloads named in the details of the folded finding.
const MAX_LISTED: usize = 20;

fn subject(w: &WorkloadFacts) -> String {
    format!("{} {}/{}", w.kind.to_lowercase(), w.namespace, w.name)
}

fn replicas(w: &WorkloadFacts) -> i32 {
    w.replicas.unwrap_or(1)
}

/// Deployments and StatefulSets: the controllers whose replicas a drain moves.
fn scaled(k: &KubeFacts) -> impl Iterator<Item = &WorkloadFacts> {
    k.workloads
        .iter()
        .filter(|w| w.kind == "Deployment" || w.kind == "StatefulSet")
}

/// `app=myapp`: the pod template labels as a selector would show them.
fn pod_labels(w: &WorkloadFacts) -> String {
    LabelSelector {
        match_labels: w.pod_template_labels.clone(),
        match_expressions: Vec::new(),
    }
    .display()
}

/// The PDBs of each namespace, to find those that guard a workload's pods.
struct Guards<'a>(HashMap<&'a str, Vec<&'a PdbFacts>>);

impl<'a> Guards<'a> {
    fn new(k: &'a KubeFacts) -> Self {
        let mut map: HashMap<&str, Vec<&PdbFacts>> = HashMap::new();
        for p in &k.pdbs {
            map.entry(p.namespace.as_str()).or_default().push(p);
        }
        Guards(map)
    }

    /// The PDBs selecting the workload's pods.
    fn of(&self, w: &WorkloadFacts) -> Vec<&'a PdbFacts> {
        self.0
            .get(w.namespace.as_str())
            .map(|ps| {
                ps.iter()
                    .copied()
                    .filter(|p| p.selects(&w.pod_template_labels))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `PDB a` or `PDBs a, b`.
fn pdb_names(pdbs: &[&PdbFacts]) -> String {
    let names: Vec<&str> = pdbs.iter().map(|p| p.name.as_str()).collect();
    match names.len() {
        1 => format!("PDB {}", names[0]),
        _ => format!("PDBs {}", names.join(", ")),
    }
}

/// Evictions `pdb` allows at once when all `expected` pods are healthy (REFERENCE §4).
fn budget_allows(pdb: &PdbFacts, expected: i64) -> i64 {
    let desired = match (&pdb.max_unavailable, &pdb.min_available) {
        (Some(max), _) => expected - max.scaled(expected),
        (None, Some(min)) => min.scaled(expected),
        (None, None) => 0,
    };
    (expected - desired).max(0)
}

/// One check's per-workload findings, by subject: the first [`MAX_SUBJECTS`] as they are, the
/// rest folded into one finding (`what` describes them, `fix` is for all of them); one PASS
/// saying `ok` when there are none.
fn report(id: &str, mut found: Vec<Finding>, ok: String, what: &str, fix: &str) -> Vec<Finding> {
    if found.is_empty() {
        return vec![Finding::pass(id, "workloads", ok)];
    }
    found.sort_by(|a, b| a.subject.cmp(&b.subject));
    if found.len() > MAX_SUBJECTS {
        let rest = found.split_off(MAX_SUBJECTS);
        let n = rest.len();
        found.push(
            Finding::new(
                id,
                Severity::Warn,
                "workloads",
                format!("{n} more workload(s) {what}"),
            )
            .fix(fix)
            .details(capped(rest.into_iter().map(|f| f.subject), MAX_LISTED)),
        );
    }
    found
}

/// WRK001: Deployments with one replica and no PDB covering their pods → WARN.
pub fn wrk001(f: &Facts) -> Vec<Finding> {
    const FIX: &str =
        "Run at least 2 replicas with a PDB (maxUnavailable: 1), or accept a short outage.";
    with_kube(f, "WRK001", &[KubeList::Workloads, KubeList::Pdbs], |k| {
        let guards = Guards::new(k);
        let found = k
            .workloads
            .iter()
            .filter(|w| w.kind == "Deployment" && replicas(w) == 1 && guards.of(w).is_empty())
            .map(|w| {
                Finding::new(
                    "WRK001",
                    Severity::Warn,
                    subject(w),
                    "single replica and no PDB: the app is down while its pod moves to a new node",
                )
                .fix(FIX)
            })
            .collect();
        report(
            "WRK001",
            found,
            "no single-replica Deployment without a PDB".into(),
            "with a single replica and no PDB",
            FIX,
        )
    })
}

/// WRK002: topology spread selectors that match none of the workload's own pod labels → WARN.
pub fn wrk002(f: &Facts) -> Vec<Finding> {
    with_kube(f, "WRK002", &[KubeList::Workloads], |k| {
        let mut found = Vec::new();
        for w in &k.workloads {
            let wrong: Vec<_> = w
                .topology_spread
                .iter()
                .filter(|t| !t.selects(&w.pod_template_labels))
                .collect();
            let Some(first) = wrong.first() else {
                continue;
            };
            let labels = pod_labels(w);
            found.push(
                Finding::new(
                    "WRK002",
                    Severity::Warn,
                    subject(w),
                    format!(
                        "{} topologySpreadConstraint(s) select {}, which matches none of its own pods ({labels}): the spread is not enforced",
                        wrong.len(),
                        first.selector_display()
                    ),
                )
                .fix(format!(
                    "Set the constraints' labelSelector to the pod labels ({labels}) so pods spread across hosts and zones."
                ))
                .details(
                    wrong
                        .iter()
                        .map(|t| {
                            format!(
                                "topologyKey {}: labelSelector {} ≠ pod labels {labels}",
                                t.topology_key,
                                t.selector_display()
                            )
                        })
                        .collect(),
                ),
            );
        }
        report(
            "WRK002",
            found,
            "topology spread selectors match their workloads' pods".into(),
            "with topology spread selectors matching none of their pods",
            "Set each topologySpreadConstraint's labelSelector to the labels of the workload's own pods.",
        )
    })
}

/// WRK003: Deployments and StatefulSets with replicas whose containers lack a readinessProbe → WARN.
pub fn wrk003(f: &Facts) -> Vec<Finding> {
    const FIX: &str = "Add a readinessProbe to every container (an HTTP or TCP check of the port it serves), so a replacement pod counts only once it can serve.";
    with_kube(f, "WRK003", &[KubeList::Workloads, KubeList::Pdbs], |k| {
        let guards = Guards::new(k);
        let mut found = Vec::new();
        let mut checked = 0usize;
        for w in scaled(k).filter(|w| replicas(w) >= 1) {
            checked += 1;
            let missing: Vec<&str> = w
                .containers
                .iter()
                .filter(|c| !c.readiness_probe)
                .map(|c| c.name.as_str())
                .collect();
            if missing.is_empty() {
                continue;
            }
            let pdbs = guards.of(w);
            let why = match pdbs.len() {
                0 => "its pods are Ready the moment their containers start, so a drain or rollout moves on before a replacement can serve".to_string(),
                n => format!(
                    "its pods count as healthy for {} the moment they start, so {} nothing during a drain",
                    pdb_names(&pdbs),
                    if n == 1 { "the budget protects" } else { "the budgets protect" }
                ),
            };
            found.push(
                Finding::new(
                    "WRK003",
                    Severity::Warn,
                    subject(w),
                    format!(
                        "container(s) {} without a readinessProbe: {why}",
                        missing.join(", ")
                    ),
                )
                .fix(FIX),
            );
        }
        report(
            "WRK003",
            found,
            format!("every container of {checked} workload(s) has a readinessProbe"),
            "with containers that have no readinessProbe",
            FIX,
        )
    })
}

/// WRK005: single replicas WRK001 does not report — StatefulSets, and Deployments under a PDB → WARN.
pub fn wrk005(f: &Facts) -> Vec<Finding> {
    const FIX: &str = "Run at least 2 replicas with a PDB that allows one disruption (maxUnavailable: 1); if the app cannot, plan the outage for when its node is replaced.";
    with_kube(f, "WRK005", &[KubeList::Workloads, KubeList::Pdbs], |k| {
        let guards = Guards::new(k);
        let mut found = Vec::new();
        for w in scaled(k).filter(|w| replicas(w) == 1) {
            let pdbs = guards.of(w);
            if w.kind == "Deployment" && pdbs.is_empty() {
                continue; // WRK001
            }
            const HELD: &str = "the drain of its node waits until the NodePool's terminationGracePeriod (24h on Auto Mode), then the pod is deleted anyway";
            let message = if pdbs.len() > 1 {
                format!(
                    "single replica under {}: a pod under two PDBs cannot be evicted, so {HELD}",
                    pdb_names(&pdbs)
                )
            } else if pdbs.iter().any(|p| budget_allows(p, 1) == 0) {
                format!(
                    "single replica under {}, which allows no eviction: {HELD}",
                    pdb_names(&pdbs)
                )
            } else if pdbs.is_empty() {
                "single replica and no PDB: the app is down while its pod moves to a new node"
                    .to_string()
            } else {
                format!(
                    "single replica: the app is down while its only pod moves to a new node ({} lets it go)",
                    pdb_names(&pdbs)
                )
            };
            found.push(Finding::new("WRK005", Severity::Warn, subject(w), message).fix(FIX));
        }
        report(
            "WRK005",
            found,
            "no single-replica StatefulSet, and no single-replica Deployment under a PDB".into(),
            "with a single replica",
            FIX,
        )
    })
}

/// WRK006: two or more replicas that no hostname spread or anti-affinity keeps apart → WARN.
pub fn wrk006(f: &Facts) -> Vec<Finding> {
    with_kube(f, "WRK006", &[KubeList::Workloads, KubeList::Pdbs], |k| {
        let guards = Guards::new(k);
        let mut found = Vec::new();
        for w in scaled(k).filter(|w| replicas(w) >= 2 && !w.spreads_over(HOSTNAME)) {
            let n = replicas(w);
            let labels = pod_labels(w);
            let pdbs = guards.of(w);
            let pace = match pdbs.as_slice() {
                [] => "and no PDB limits how many are evicted at once".to_string(),
                [p] => match budget_allows(p, n as i64) {
                    0 => format!("PDB {} allows no eviction at all", p.name),
                    m => format!("PDB {} lets {m} of {n} go at a time", p.name),
                },
                _ => format!(
                    "under {} its pods cannot be evicted at all",
                    pdb_names(&pdbs)
                ),
            };
            let message = format!(
                "{n} replicas, nothing keeps them on different nodes (no {HOSTNAME} spread or anti-affinity selects {labels}): Auto Mode can pack them onto one node, whose replacement moves them all; {pace}"
            );
            let mut details = Vec::new();
            for (what, terms) in [
                ("topologySpreadConstraint", &w.topology_spread),
                ("podAntiAffinity term", &w.pod_anti_affinity),
            ] {
                for t in terms.iter() {
                    if t.topology_key == HOSTNAME {
                        details.push(format!(
                            "{what} on {HOSTNAME} selects {}, not its pods",
                            t.selector_display()
                        ));
                    } else if t.selects(&w.pod_template_labels) {
                        details.push(format!(
                            "{what} on {} selects its pods, but replicas in the same domain can still share a node",
                            t.topology_key
                        ));
                    }
                }
            }
            found.push(
                Finding::new("WRK006", Severity::Warn, subject(w), message)
                    .fix(format!(
                        "Add a topologySpreadConstraint (topologyKey: {HOSTNAME}, maxSkew: 1, whenUnsatisfiable: ScheduleAnyway, labelSelector {labels}) or a preferred podAntiAffinity on {HOSTNAME}."
                    ))
                    .details(details),
            );
        }
        report(
            "WRK006",
            found,
            "every workload with 2 or more replicas spreads them across nodes".into(),
            "with 2 or more replicas that nothing spreads across nodes",
            "Add a topologySpreadConstraint on kubernetes.io/hostname (maxSkew: 1, whenUnsatisfiable: ScheduleAnyway) selecting the workload's pods, or a preferred podAntiAffinity on it.",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{
        article, blocked, deployment, kube, pdb, statefulset, term, HOSTNAME, ZONE,
    };
    use crate::facts::model::TopologyTerm;

    fn only(out: &[Finding]) -> &Finding {
        assert_eq!(out.len(), 1, "{out:#?}");
        &out[0]
    }

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
        let f = only(&wrk002(&article())).clone();
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
        let f = only(&wrk002(&facts)).clone();
        assert_eq!(f.severity, Severity::Warn);
        assert!(f
            .message
            .starts_with("1 topologySpreadConstraint(s) select <none>"));
    }

    #[test]
    fn wrk003_container_without_readiness_probe_warns_naming_the_pdb() {
        let f = only(&wrk003(&article())).clone();
        assert_eq!((f.id.as_str(), f.severity), ("WRK003", Severity::Warn));
        assert_eq!(f.subject, "deployment default/myapp");
        assert!(f
            .message
            .starts_with("container(s) myapp without a readinessProbe"));
        assert!(f.message.contains("healthy for PDB myapp"), "{}", f.message);
        assert!(f.remediation.contains("readinessProbe"));

        // Without a PDB it still warns; with probes everywhere it passes; 0 replicas are ignored.
        let mut facts = article();
        kube(&mut facts).pdbs.clear();
        let f = only(&wrk003(&facts)).clone();
        assert!(f.message.contains("Ready the moment"), "{}", f.message);
        kube(&mut facts).workloads[0].replicas = Some(0);
        assert_eq!(wrk003(&facts)[0].severity, Severity::Pass);
        let mut facts = article();
        kube(&mut facts).workloads[0].containers[0].readiness_probe = true;
        let f = only(&wrk003(&facts)).clone();
        assert_eq!(f.severity, Severity::Pass);
        assert_eq!(
            f.message,
            "every container of 1 workload(s) has a readinessProbe"
        );
    }

    #[test]
    fn wrk005_single_replica_statefulset_and_guarded_deployment_warn() {
        assert_eq!(wrk005(&article())[0].severity, Severity::Pass);
        let mut facts = article();
        let k = kube(&mut facts);
        // A lone Deployment without PDB is WRK001's; replicas 0 is nobody's.
        k.workloads.push(deployment(
            "default",
            "php-apache",
            1,
            &[("run", "php-apache")],
        ));
        k.workloads
            .push(statefulset("data", "idle", 0, &[("app", "idle")]));
        assert_eq!(wrk005(&facts)[0].severity, Severity::Pass);

        let k = kube(&mut facts);
        k.workloads[0].replicas = Some(1); // myapp, PDB minAvailable 80%: ceil(0.8) = 1 → holds
        k.workloads
            .push(statefulset("data", "postgres", 1, &[("app", "postgres")]));
        k.workloads
            .push(deployment("web", "api", 1, &[("app", "api")]));
        k.pdbs.push(pdb(
            "web",
            "api",
            LabelSelector::labels([("app", "api")]),
            None,
            Some("1"),
        ));
        let out = wrk005(&facts);
        let subjects: Vec<&str> = out.iter().map(|f| f.subject.as_str()).collect();
        assert_eq!(
            subjects,
            [
                "deployment default/myapp",
                "deployment web/api",
                "statefulset data/postgres"
            ]
        );
        assert!(out.iter().all(|f| f.severity == Severity::Warn));
        assert!(
            out[0]
                .message
                .contains("PDB myapp, which allows no eviction"),
            "{}",
            out[0].message
        );
        assert!(out[0].message.contains("24h"));
        assert!(
            out[1]
                .message
                .ends_with("its only pod moves to a new node (PDB api lets it go)"),
            "{}",
            out[1].message
        );
        assert!(
            out[2].message.starts_with("single replica and no PDB"),
            "{}",
            out[2].message
        );

        // Under two PDBs, the single pod cannot be evicted at all.
        let mut facts = blocked();
        kube(&mut facts).workloads[1].replicas = Some(1); // checkout: PDBs checkout and web-tier
        let out = wrk005(&facts);
        let checkout = out
            .iter()
            .find(|f| f.subject == "deployment default/checkout")
            .unwrap();
        assert!(
            checkout
                .message
                .starts_with("single replica under PDBs checkout, web-tier: a pod under two PDBs cannot be evicted"),
            "{}",
            checkout.message
        );
    }

    #[test]
    fn wrk006_article_replicas_are_not_spread_over_nodes() {
        let f = only(&wrk006(&article())).clone();
        assert_eq!((f.id.as_str(), f.severity), ("WRK006", Severity::Warn));
        assert_eq!(f.subject, "deployment default/myapp");
        assert!(f.message.starts_with("10 replicas"), "{}", f.message);
        assert!(
            f.message.contains("PDB myapp lets 2 of 10 go at a time"),
            "{}",
            f.message
        );
        assert_eq!(
            f.details,
            ["topologySpreadConstraint on kubernetes.io/hostname selects app=host-zone-spread, not its pods"]
        );
        assert!(f.remediation.contains("labelSelector app=myapp"));
    }

    #[test]
    fn wrk006_hostname_spread_or_anti_affinity_on_own_pods_passes() {
        let mine = [("app", "myapp")];
        let mut facts = article();
        kube(&mut facts).workloads[0].topology_spread[0] = term(HOSTNAME, &mine);
        assert_eq!(wrk006(&facts)[0].severity, Severity::Pass);

        let mut facts = article();
        let w = &mut kube(&mut facts).workloads[0];
        w.topology_spread.clear();
        w.pod_anti_affinity = vec![term(HOSTNAME, &mine)];
        assert_eq!(wrk006(&facts)[0].severity, Severity::Pass);

        // A zone spread on its own pods does not keep them off one node; neither does a hostname
        // term without a selector. One replica is never flagged.
        let mut facts = article();
        let w = &mut kube(&mut facts).workloads[0];
        w.topology_spread = vec![term(ZONE, &mine)];
        w.pod_anti_affinity = vec![TopologyTerm {
            topology_key: HOSTNAME.into(),
            selector: None,
        }];
        let f = only(&wrk006(&facts)).clone();
        assert_eq!(f.severity, Severity::Warn);
        assert_eq!(
            f.details,
            [
                "topologySpreadConstraint on topology.kubernetes.io/zone selects its pods, but replicas in the same domain can still share a node",
                "podAntiAffinity term on kubernetes.io/hostname selects <none>, not its pods",
            ]
        );
        kube(&mut facts).workloads[0].replicas = Some(1);
        assert_eq!(wrk006(&facts)[0].severity, Severity::Pass);
    }

    #[test]
    fn wrk006_says_how_the_pdbs_pace_the_evictions() {
        let out = wrk006(&blocked());
        let myapp = out
            .iter()
            .find(|f| f.subject == "deployment default/myapp")
            .unwrap();
        assert!(
            myapp
                .message
                .ends_with("PDB myapp allows no eviction at all"),
            "{}",
            myapp.message
        );
        let checkout = out
            .iter()
            .find(|f| f.subject == "deployment default/checkout")
            .unwrap();
        assert!(
            checkout
                .message
                .ends_with("under PDBs checkout, web-tier its pods cannot be evicted at all"),
            "{}",
            checkout.message
        );
        let mut facts = article();
        kube(&mut facts).pdbs.clear();
        let f = only(&wrk006(&facts)).clone();
        assert!(
            f.message
                .ends_with("no PDB limits how many are evicted at once"),
            "{}",
            f.message
        );
    }

    #[test]
    fn many_workloads_fold_into_one_finding() {
        let mut facts = article();
        let k = kube(&mut facts);
        k.workloads = (0..1000)
            .map(|i| {
                let mut w = deployment(&format!("ns-{}", i % 20), &format!("app-{i:04}"), 3, &[]);
                w.containers[0].readiness_probe = false;
                w
            })
            .collect();
        for check in [wrk003, wrk006] {
            let out = check(&facts);
            assert_eq!(out.len(), MAX_SUBJECTS + 1, "{out:#?}");
            let last = out.last().unwrap();
            assert_eq!(last.subject, "workloads");
            assert!(
                last.message.starts_with("995 more workload(s)"),
                "{}",
                last.message
            );
            assert_eq!(last.details.len(), MAX_LISTED + 1);
            assert_eq!(last.details[MAX_LISTED], "… and 975 more");
        }
    }

    #[test]
    fn budget_allows_follows_the_disruption_controller() {
        let p = |min: Option<&str>, max: Option<&str>| {
            pdb("d", "p", LabelSelector::default(), min, max)
        };
        assert_eq!(budget_allows(&p(Some("80%"), None), 10), 2);
        assert_eq!(budget_allows(&p(Some("80%"), None), 1), 0);
        assert_eq!(budget_allows(&p(Some("1"), None), 1), 0);
        assert_eq!(budget_allows(&p(None, Some("1")), 1), 1);
        assert_eq!(budget_allows(&p(None, Some("0")), 3), 0);
        assert_eq!(budget_allows(&p(None, Some("50%")), 3), 2);
        assert_eq!(budget_allows(&p(None, None), 3), 3);
    }
}
