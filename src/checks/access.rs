//! Kubernetes API access, check K8S002: whether preflight could read the cluster's Kubernetes side
//! at all, and which lists it could not read. When the API cannot be reached or refuses the
//! credentials, [`fold_unreachable`] turns the Kubernetes family into this one WARN, with what to
//! do about it (a private-only endpoint, public access limited to some CIDRs, no kubeconfig).

use super::{subject_cluster, Family, Finding, Severity};
use crate::facts::model::{Facts, Gathered, KubeList};

/// K8S002: every list preflight reads was read.
pub fn k8s002(f: &Facts) -> Vec<Finding> {
    let k = match &f.kube {
        Gathered::Ok(k) => k,
        Gathered::Unavailable(why) => return vec![api_unavailable(f, why, &[])],
    };
    if k.unreadable.is_empty() {
        return vec![Finding::pass(
            "K8S002",
            "kubernetes api",
            format!(
                "read {} node(s), {} pod(s), {} PDB(s), {} workload(s), {} NodePool(s), {} NodeClaim(s)",
                k.nodes.len(),
                k.pods.len(),
                k.pdbs.len(),
                k.workloads.len(),
                k.node_pools.len(),
                k.node_claims.len()
            ),
        )];
    }
    let names: Vec<&str> = k.unreadable.keys().map(|l| l.name()).collect();
    let mut finding = Finding::new(
        "K8S002",
        Severity::Warn,
        "kubernetes api",
        format!(
            "could not read {}: the checks that need them were not run",
            names.join(", ")
        ),
    )
    .fix("Let the role list these resources cluster-wide (e.g. the AmazonEKSAdminViewPolicy access policy, or a ClusterRole with get/list), then re-run preflight.")
    .details(
        k.unreadable
            .iter()
            .map(|(l, why)| format!("{}: {why}", l.name()))
            .collect(),
    );
    // NodeClaims only refine the force-drain wait in messages: no check is skipped without them.
    finding.unchecked = k.unreadable.keys().any(|l| *l != KubeList::NodeClaims);
    vec![finding]
}

/// When the Kubernetes API as a whole was unavailable, the Kubernetes family's findings (each a
/// "not checked") become one K8S002 WARN that names them; the other families stay as they are.
/// Run after `--only`/`--skip`, on what they kept: nothing is folded when K8S002 itself was not
/// selected (each selected check then says "not checked" on its own).
pub fn fold_unreachable(
    f: &Facts,
    findings: Vec<Finding>,
    only: &[String],
    skip: &[String],
) -> Vec<Finding> {
    let Gathered::Unavailable(why) = &f.kube else {
        return findings;
    };
    if !super::select::selected("K8S002", only, skip) {
        return findings;
    }
    let (kube, mut out): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|x| x.family == Family::Kubernetes);
    if kube.is_empty() {
        return out;
    }
    let mut ids: Vec<&str> = kube
        .iter()
        .map(|x| x.id.as_str())
        .filter(|id| *id != "K8S002")
        .collect();
    ids.dedup();
    out.push(api_unavailable(f, why, &ids));
    super::sort(&mut out);
    out
}

/// The one WARN for an unusable Kubernetes API, with the way out that fits the endpoint.
fn api_unavailable(f: &Facts, why: &str, not_run: &[&str]) -> Finding {
    let access = &f.cluster.endpoint_access;
    let skip = "or pass --skip kubernetes to judge the AWS side alone";
    let (note, fix) = if access.private_only() {
        (
            "; the cluster's API endpoint is private-only (endpointPublicAccess false)".to_string(),
            format!("Run eksauto from inside the cluster's VPC (a bastion host, or a CloudShell VPC environment in that VPC and its subnets), {skip}."),
        )
    } else if let Some(cidrs) = access.restricted_cidrs() {
        (
            format!(
                "; public access to the API endpoint is limited to {}",
                cidrs.join(", ")
            ),
            format!("Run from an address in those CIDRs or from inside the VPC, or add yours with aws eks update-cluster-config --resources-vpc-config publicAccessCidrs=..., {skip}."),
        )
    } else {
        (
            String::new(),
            format!(
                "Point eksauto at the cluster (aws eks update-kubeconfig --name {}, or --kubeconfig / --context) and check that its endpoint answers, {skip}.",
                f.cluster.name
            ),
        )
    };
    let mut finding = Finding::new(
        "K8S002",
        Severity::Warn,
        subject_cluster(f),
        format!("Kubernetes checks not run: {why}{note}"),
    )
    .fix(fix);
    if !not_run.is_empty() {
        finding = finding.details(vec![format!("not run: {}", not_run.join(", "))]);
    }
    finding.unchecked = true;
    finding
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{article, kube};
    use crate::checks::{filter, run_all, verdict};
    use crate::outcome::Outcome;

    #[test]
    fn readable_api_passes_with_counts() {
        let out = k8s002(&article());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Pass);
        assert!(
            out[0].message.contains("read 1 node(s), 10 pod(s)"),
            "{out:?}"
        );
    }

    #[test]
    fn unreadable_node_claims_alone_do_not_make_the_run_incomplete() {
        let mut facts = article();
        kube(&mut facts).unreadable.insert(
            KubeList::NodeClaims,
            "access denied listing nodeclaims".into(),
        );
        let out = k8s002(&facts);
        assert_eq!(out[0].severity, Severity::Warn);
        assert!(!out[0].unchecked);
        assert_eq!(verdict(&run_all(&facts)), Outcome::Done);
    }

    #[test]
    fn a_refused_list_is_named_and_incomplete() {
        let mut facts = article();
        kube(&mut facts).unreadable.insert(
            KubeList::Pods,
            "access denied listing pods: forbidden".into(),
        );
        let out = k8s002(&facts);
        assert_eq!(out[0].severity, Severity::Warn);
        assert!(out[0].unchecked);
        assert!(out[0].message.contains("could not read pods"));
        assert_eq!(
            out[0].details,
            ["pods: access denied listing pods: forbidden"]
        );
    }

    #[test]
    fn an_unreachable_api_folds_the_family_into_one_warn() {
        let mut facts = article();
        facts.kube = Gathered::Unavailable(
            "cannot reach the Kubernetes API server at https://x: Connection refused".into(),
        );
        let findings = fold_unreachable(&facts, run_all(&facts), &[], &[]);
        let kube: Vec<&Finding> = findings
            .iter()
            .filter(|x| x.family == Family::Kubernetes)
            .collect();
        assert_eq!(kube.len(), 1, "{kube:#?}");
        assert_eq!(
            (kube[0].id.as_str(), kube[0].severity),
            ("K8S002", Severity::Warn)
        );
        assert!(kube[0].message.contains("Connection refused"));
        assert!(kube[0].details[0].contains("PDB001"));
        assert!(kube[0].remediation.contains("aws eks update-kubeconfig"));
        // the AWS side is all there, and the run is incomplete
        assert!(findings
            .iter()
            .any(|x| x.id == "IAM001" && x.severity == Severity::Pass));
        assert_eq!(verdict(&findings), Outcome::Incomplete);
        // without the Kubernetes family, the AWS findings alone decide
        let skip = ["kubernetes".to_string()];
        let skipped = fold_unreachable(&facts, filter(run_all(&facts), &[], &skip), &[], &skip);
        assert!(skipped.iter().all(|x| x.family != Family::Kubernetes));
        assert_eq!(verdict(&skipped), Outcome::Done);
    }

    #[test]
    fn private_and_restricted_endpoints_say_where_to_run() {
        let mut facts = article();
        facts.kube = Gathered::Unavailable("cannot reach the Kubernetes API server".into());
        facts.cluster.endpoint_access.public = false;
        facts.cluster.endpoint_access.private = true;
        let f = &k8s002(&facts)[0];
        assert!(f.message.contains("private-only"), "{f:?}");
        assert!(f.remediation.contains("inside the cluster's VPC"));
        assert!(f.remediation.contains("--skip kubernetes"));
        facts.cluster.endpoint_access.public = true;
        facts.cluster.endpoint_access.public_cidrs = vec!["203.0.113.0/24".into()];
        let f = &k8s002(&facts)[0];
        assert!(f.message.contains("limited to 203.0.113.0/24"), "{f:?}");
    }

    #[test]
    fn a_fail_on_the_aws_side_still_exits_one() {
        let mut facts = article();
        facts.kube = Gathered::Unavailable("no kubeconfig found".into());
        facts.cluster.status = "FAILED".into();
        let findings = fold_unreachable(&facts, run_all(&facts), &[], &[]);
        assert_eq!(verdict(&findings), Outcome::ChecksFailed);
        // with K8S002 not selected, each selected check says "not checked" on its own
        let only = ["PDB001".to_string()];
        let kept = fold_unreachable(&facts, filter(run_all(&facts), &only, &[]), &only, &[]);
        assert_eq!(kept.len(), 1, "{kept:#?}");
        assert_eq!((kept[0].id.as_str(), kept[0].unchecked), ("PDB001", true));
    }
}
