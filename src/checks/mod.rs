//! Preflight checks: pure functions from [`Facts`] to [`Finding`]s.
//!
//! Every check has an ID (`PDB001`), belongs to a [`Family`] and returns findings with a
//! [`Severity`], a subject, a one-line message and a remediation, so the same finding renders as a
//! table row, JSON or a report line. Checks never do I/O and never panic on odd facts; a check whose
//! facts could not be gathered reports one WARN with the reason, and a check that finds nothing wrong
//! reports one PASS so the output shows what was checked. Rendering lives in `ui`, gathering in
//! `facts`.

use crate::facts::model::{Facts, Gathered, KubeFacts, KubeList};

pub mod access;
pub mod addons;
pub mod cluster;
pub mod finding;
pub mod iam;
pub mod insights;
pub mod kubernetes;
pub mod network;
pub mod nodepools;
pub mod pdb;
pub mod pods;
pub mod select;
pub mod version;
pub mod workloads;

pub use access::fold_unreachable;
pub use finding::{family_of, Family, Finding, Severity};
pub use select::{filter, is_known_selector, summary, verdict, worst, Summary};

#[cfg(test)]
pub(crate) mod fixtures;

/// Every check ID with a one-line description, in output order.
#[rustfmt::skip]
pub const CATALOGUE: &[(&str, &str)] = &[
    ("CLU001", "cluster status is ACTIVE and no update is in progress"),
    ("CLU002", "target is the next minor version and EKS offers it (support status and end dates)"),
    ("CLU003", "Auto Mode compute, block storage and load balancing are all enabled"),
    ("INS001", "upgrade-readiness insights for the target version pass and are fresh (< 24h)"),
    ("NET001", "cluster subnets have free IPs in 2 AZs and enough for the node replacement surge"),
    ("IAM001", "cluster role trusts eks.amazonaws.com with sts:AssumeRole and sts:TagSession"),
    ("IAM002", "cluster role has the five Auto Mode managed policies"),
    ("IAM003", "node role trusts ec2.amazonaws.com and has the two node policies"),
    ("ADD001", "add-ons are ACTIVE and healthy"),
    ("ADD002", "installed add-on versions are offered for the target version"),
    ("K8S001", "kubelet versions are within the supported skew of the target"),
    ("K8S002", "the Kubernetes API can be reached and every list preflight reads is readable"),
    ("NPL001", "NodePool disruption budgets allow drifted nodes to be replaced"),
    ("NPL002", "NodePool limits leave room for one replacement node"),
    ("NPL003", "NodePool expireAfter is within Auto Mode's 21-day node lifetime"),
    ("PDB001", "every PodDisruptionBudget allows at least one disruption now"),
    ("PDB002", "no PodDisruptionBudget forbids all disruptions by configuration"),
    ("PDB003", "no pod is selected by more than one PodDisruptionBudget"),
    ("PDB004", "every PodDisruptionBudget selects at least one pod"),
    ("POD001", "no pod carries karpenter.sh/do-not-disrupt (it holds its node's drain up to terminationGracePeriod)"),
    ("POD002", "no bare pods (pods without a controller)"),
    ("POD003", "no node carries karpenter.sh/do-not-disrupt (it blocks the node's drift replacement)"),
    ("WRK001", "no single-replica Deployment without a PodDisruptionBudget"),
    ("WRK002", "topology spread selectors match the workload's own pods"),
    ("WRK003", "Deployment and StatefulSet containers have a readinessProbe"),
    ("WRK005", "no single-replica StatefulSet, and no single-replica Deployment under a PDB"),
    ("WRK006", "workloads with 2 or more replicas spread them across nodes"),
];

type Check = fn(&Facts) -> Vec<Finding>;

/// The checks in catalogue order.
const CHECKS: &[(&str, Check)] = &[
    ("CLU001", cluster::clu001),
    ("CLU002", cluster::clu002),
    ("CLU003", cluster::clu003),
    ("INS001", insights::ins001),
    ("NET001", network::net001),
    ("IAM001", iam::iam001),
    ("IAM002", iam::iam002),
    ("IAM003", iam::iam003),
    ("ADD001", addons::add001),
    ("ADD002", addons::add002),
    ("K8S001", kubernetes::k8s001),
    ("K8S002", access::k8s002),
    ("NPL001", nodepools::npl001),
    ("NPL002", nodepools::npl002),
    ("NPL003", nodepools::npl003),
    ("PDB001", pdb::pdb001),
    ("PDB002", pdb::pdb002),
    ("PDB003", pdb::pdb003),
    ("PDB004", pdb::pdb004),
    ("POD001", pods::pod001),
    ("POD002", pods::pod002),
    ("POD003", pods::pod003),
    ("WRK001", workloads::wrk001),
    ("WRK002", workloads::wrk002),
    ("WRK003", workloads::wrk003),
    ("WRK005", workloads::wrk005),
    ("WRK006", workloads::wrk006),
];

/// Run every check. Order: family, then ID, then subject (stable for equal keys).
pub fn run_all(facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, check) in CHECKS {
        let found = check(facts);
        if found.is_empty() {
            out.push(Finding::pass(
                id,
                subject_cluster(facts),
                "no problems found",
            ));
        } else {
            out.extend(found);
        }
    }
    sort(&mut out);
    out
}

/// Sort findings by family, then ID, then subject.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| (a.family, &a.id, &a.subject).cmp(&(b.family, &b.id, &b.subject)));
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the checks
// ---------------------------------------------------------------------------------------------

/// `cluster NAME`.
pub(crate) fn subject_cluster(f: &Facts) -> String {
    format!("cluster {}", f.cluster.name)
}

/// Run `body` on the Kubernetes facts when every list it `needs` was read; else one WARN naming
/// the missing list (or the unavailable API) and why.
pub(crate) fn with_kube(
    f: &Facts,
    id: &str,
    needs: &[KubeList],
    body: impl FnOnce(&KubeFacts) -> Vec<Finding>,
) -> Vec<Finding> {
    match &f.kube {
        Gathered::Ok(k) => match k.missing(needs) {
            None => body(k),
            Some((list, why)) => vec![Finding::unavailable(
                id,
                subject_cluster(f),
                &format!("the {} list", list.name()),
                why,
            )],
        },
        Gathered::Unavailable(why) => vec![Finding::unavailable(
            id,
            subject_cluster(f),
            "Kubernetes API",
            why,
        )],
    }
}

/// At most `max` lines of `items`, then `… and N more`.
pub(crate) fn capped(items: impl IntoIterator<Item = String>, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut extra = 0usize;
    for item in items {
        if out.len() < max {
            out.push(item);
        } else {
            extra += 1;
        }
    }
    if extra > 0 {
        out.push(format!("… and {extra} more"));
    }
    out
}

/// `2025-07-23` (or `unknown`).
pub(crate) fn date(t: Option<jiff::Timestamp>) -> String {
    t.map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Outcome;

    fn ids(findings: &[Finding], sev: Severity) -> Vec<String> {
        let mut v: Vec<String> = findings
            .iter()
            .filter(|f| f.severity == sev)
            .map(|f| f.id.clone())
            .collect();
        v.dedup();
        v
    }

    #[test]
    fn catalogue_and_checks_agree() {
        assert_eq!(CATALOGUE.len(), CHECKS.len());
        for ((a, _), (b, _)) in CATALOGUE.iter().zip(CHECKS) {
            assert_eq!(a, b);
            assert!(family_of(a).is_some(), "{a} has no family");
        }
    }

    #[test]
    fn article_cluster_has_no_fail_and_only_the_myapp_warns() {
        let findings = run_all(&fixtures::article());
        assert_eq!(verdict(&findings), Outcome::Done);
        assert!(ids(&findings, Severity::Fail).is_empty(), "{findings:#?}");
        let warns: Vec<(&str, &str)> = findings
            .iter()
            .filter(|f| f.severity == Severity::Warn)
            .map(|f| (f.id.as_str(), f.subject.as_str()))
            .collect();
        assert_eq!(
            warns,
            [
                ("WRK002", "deployment default/myapp"),
                ("WRK003", "deployment default/myapp"),
                ("WRK006", "deployment default/myapp"),
            ]
        );
        // every check reported something
        for (id, _) in CATALOGUE {
            assert!(findings.iter().any(|f| f.id == *id), "{id} missing");
        }
    }

    #[test]
    fn blocked_cluster_fails_with_the_right_ids() {
        let findings = run_all(&fixtures::blocked());
        assert_eq!(verdict(&findings), Outcome::ChecksFailed);
        let fails = ids(&findings, Severity::Fail);
        assert_eq!(
            fails,
            ["INS001", "NET001", "IAM001", "ADD001", "NPL001", "PDB001", "PDB002", "PDB003"]
        );
        let warns = ids(&findings, Severity::Warn);
        assert_eq!(
            warns,
            ["INS001", "IAM003", "PDB004", "POD001", "POD002", "WRK002", "WRK003", "WRK006"]
        );
        let infos = ids(&findings, Severity::Info);
        assert_eq!(infos, ["K8S001", "NPL003"]);
        let ins = findings
            .iter()
            .find(|f| f.id == "INS001" && f.severity == Severity::Fail)
            .unwrap();
        assert!(ins.details.iter().any(|d| d.contains("kubectl/v1.30")));
    }

    #[test]
    fn order_is_family_then_id_then_subject() {
        let findings = run_all(&fixtures::blocked());
        let keys: Vec<_> = findings
            .iter()
            .map(|f| (f.family, f.id.clone(), f.subject.clone()))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(findings[0].family, Family::Cluster);
    }

    #[test]
    fn unavailable_kube_facts_warn_per_check_and_others_still_run() {
        let mut facts = fixtures::article();
        facts.kube = Gathered::Unavailable("forbidden: pods is forbidden".into());
        let findings = run_all(&facts);
        let pdb = findings.iter().find(|f| f.id == "PDB001").unwrap();
        assert_eq!(pdb.severity, Severity::Warn);
        assert!(pdb.message.contains("forbidden"));
        let clu = findings.iter().find(|f| f.id == "CLU001").unwrap();
        assert_eq!(clu.severity, Severity::Pass);
        // incomplete: the Kubernetes side was not looked at
        assert_eq!(verdict(&findings), Outcome::Incomplete);
    }

    #[test]
    fn one_refused_list_skips_only_the_checks_that_need_it() {
        use crate::facts::model::KubeList;
        let mut facts = fixtures::blocked();
        let k = fixtures::kube(&mut facts);
        k.pods.clear();
        k.unreadable.insert(
            KubeList::Pods,
            "access denied listing pods: pods is forbidden".into(),
        );
        let findings = run_all(&facts);
        for id in ["PDB003", "PDB004", "POD001", "POD002"] {
            let f: Vec<&Finding> = findings.iter().filter(|f| f.id == id).collect();
            assert_eq!(f.len(), 1, "{id}: {f:#?}");
            assert!(f[0].unchecked, "{id}");
            assert!(
                f[0].message.contains("the pods list"),
                "{id}: {}",
                f[0].message
            );
            assert!(f[0].message.contains("forbidden"), "{id}: {}", f[0].message);
        }
        // PDBs were readable: their status and spec still judge PDB001 and PDB002
        for id in ["PDB001", "PDB002"] {
            let f = findings.iter().find(|f| f.id == id).unwrap();
            assert_eq!(
                (f.severity, f.unchecked),
                (Severity::Fail, false),
                "{id}: {f:?}"
            );
        }
        // NodePools and nodes were readable: their checks ran and found the zero budget
        let npl = findings.iter().find(|f| f.id == "NPL001").unwrap();
        assert_eq!((npl.severity, npl.unchecked), (Severity::Fail, false));
        assert!(findings.iter().any(|f| f.id == "K8S001" && !f.unchecked));
        assert_eq!(verdict(&findings), Outcome::ChecksFailed);
    }

    #[test]
    fn large_cluster_output_stays_short() {
        use crate::k8s::LabelSelector;
        let mut facts = fixtures::article();
        let k = fixtures::kube(&mut facts);
        k.nodes = (0..5000)
            .map(|i| {
                fixtures::node(
                    &format!("i-{i:017}"),
                    "v1.30.5-eks-baa6d11",
                    Some("general-purpose"),
                )
            })
            .collect();
        k.pods.clear();
        k.pdbs.clear();
        k.workloads.clear();
        for d in 0..1000 {
            let ns = format!("ns-{}", d % 20);
            let app = format!("app-{d}");
            for r in 0..100 {
                let mut p = fixtures::pod(
                    &ns,
                    &format!("{app}-{r}"),
                    &[("app", app.as_str())],
                    Some(&app),
                    &format!("i-{:017}", (d * 100 + r) % 5000),
                );
                p.do_not_disrupt = d == 7;
                k.pods.push(p);
            }
            k.workloads.push(fixtures::deployment(
                &ns,
                &app,
                100,
                &[("app", app.as_str())],
            ));
            if d % 20 == 0 {
                k.pdbs.push(fixtures::pdb(
                    &ns,
                    &app,
                    LabelSelector::labels([("app", app.as_str())]),
                    None,
                    Some("10%"),
                ));
            }
        }
        let findings = run_all(&facts);
        assert!(findings.len() < 40, "{} findings", findings.len());
        let pod001: Vec<_> = findings.iter().filter(|f| f.id == "POD001").collect();
        assert_eq!(pod001.len(), 1);
        assert!(pod001[0].message.starts_with("100 pod(s)"));
        assert_eq!(verdict(&findings), Outcome::Done);
    }
}
