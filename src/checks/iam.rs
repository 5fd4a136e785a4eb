//! IAM checks: IAM001 (cluster role trust: eks.amazonaws.com with sts:AssumeRole and, for Auto
//! Mode, sts:TagSession), IAM002 (the cluster role's managed policies), IAM003 (the Auto Mode node
//! role's trust and policies).

use super::{subject_cluster, Finding, Severity};
use crate::facts::model::{Facts, Gathered, RoleFacts};

/// Managed policies the Auto Mode cluster role needs.
pub const CLUSTER_POLICIES: [&str; 5] = [
    "AmazonEKSClusterPolicy",
    "AmazonEKSComputePolicy",
    "AmazonEKSBlockStoragePolicy",
    "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSNetworkingPolicy",
];

/// Managed policies the Auto Mode node role needs.
pub const NODE_POLICIES: [&str; 2] = [
    "AmazonEKSWorkerNodeMinimalPolicy",
    "AmazonEC2ContainerRegistryPullOnly",
];

fn auto_mode_any(f: &Facts) -> bool {
    let a = &f.cluster.auto_mode;
    a.compute || a.storage || a.elb
}

/// Actions of `wanted` that the role's trust policy does not allow for `service` (an explicit
/// Deny for the service and action also counts as missing).
fn missing_actions(role: &RoleFacts, service: &str, wanted: &[&str]) -> Vec<String> {
    wanted
        .iter()
        .filter(|action| {
            let allowed = role.trust.iter().any(|s| s.allows(service, action));
            let denied = role.trust.iter().any(|s| {
                let mut as_allow = s.clone();
                as_allow.effect = "Allow".into();
                s.effect.eq_ignore_ascii_case("Deny") && as_allow.allows(service, action)
            });
            !allowed || denied
        })
        .map(|a| a.to_string())
        .collect()
}

fn trust_fix(role: &RoleFacts, service: &str, actions: &[&str]) -> String {
    let actions = actions
        .iter()
        .map(|a| format!("\"{a}\""))
        .collect::<Vec<_>>()
        .join(",");
    format!(
        "aws iam update-assume-role-policy --role-name {} --policy-document \
         '{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"Service\":\"{service}\"}},\"Action\":[{actions}]}}]}}'",
        role.name
    )
}

/// IAM001: the cluster role trusts eks.amazonaws.com with sts:AssumeRole and sts:TagSession.
pub fn iam001(f: &Facts) -> Vec<Finding> {
    let role = match &f.cluster_role {
        Gathered::Ok(r) => r,
        Gathered::Unavailable(why) => {
            return vec![Finding::unavailable(
                "IAM001",
                subject_cluster(f),
                "cluster role",
                why,
            )]
        }
    };
    let wanted: &[&str] = if auto_mode_any(f) {
        &["sts:AssumeRole", "sts:TagSession"]
    } else {
        &["sts:AssumeRole"]
    };
    let subject = format!("role {}", role.name);
    let missing = missing_actions(role, "eks.amazonaws.com", wanted);
    if missing.is_empty() {
        return vec![Finding::pass(
            "IAM001",
            subject,
            format!("trusts eks.amazonaws.com with {}", wanted.join(" and ")),
        )];
    }
    vec![Finding::new(
        "IAM001",
        Severity::Fail,
        subject,
        format!(
            "trust policy does not allow eks.amazonaws.com {}",
            missing.join(" and ")
        ),
    )
    .fix(trust_fix(role, "eks.amazonaws.com", wanted))]
}

/// IAM002: the cluster role has the five Auto Mode managed policies (only
/// AmazonEKSClusterPolicy without Auto Mode); WARN for each one missing.
pub fn iam002(f: &Facts) -> Vec<Finding> {
    let role = match &f.cluster_role {
        Gathered::Ok(r) => r,
        Gathered::Unavailable(why) => {
            return vec![Finding::unavailable(
                "IAM002",
                subject_cluster(f),
                "cluster role",
                why,
            )]
        }
    };
    let wanted: &[&str] = if auto_mode_any(f) {
        &CLUSTER_POLICIES
    } else {
        &CLUSTER_POLICIES[..1]
    };
    policy_findings("IAM002", role, wanted)
}

fn policy_findings(id: &str, role: &RoleFacts, wanted: &[&str]) -> Vec<Finding> {
    let subject = format!("role {}", role.name);
    let mut out: Vec<Finding> = wanted
        .iter()
        .filter(|p| !role.attached_policies.iter().any(|a| a == *p))
        .map(|p| {
            Finding::new(id, Severity::Warn, &subject, format!("{p} is not attached")).fix(format!(
                "aws iam attach-role-policy --role-name {} --policy-arn arn:aws:iam::aws:policy/{p}",
                role.name
            ))
        })
        .collect();
    if out.is_empty() {
        out.push(Finding::pass(
            id,
            subject,
            format!("all {} required managed policies attached", wanted.len()),
        ));
    }
    out
}

/// IAM003: the Auto Mode node role trusts ec2.amazonaws.com and has its two policies (WARN).
pub fn iam003(f: &Facts) -> Vec<Finding> {
    let role = match &f.node_role {
        None if f.cluster.auto_mode.compute => {
            return vec![Finding::new(
                "IAM003",
                Severity::Warn,
                subject_cluster(f),
                "Auto Mode compute is enabled but the cluster reports no node role",
            )
            .fix(
                "Set computeConfig.nodeRoleArn: aws eks update-cluster-config --compute-config ...",
            )]
        }
        None => {
            return vec![Finding::pass(
                "IAM003",
                subject_cluster(f),
                "no Auto Mode node role (Auto Mode compute is off)",
            )]
        }
        Some(Gathered::Unavailable(why)) => {
            return vec![Finding::unavailable(
                "IAM003",
                subject_cluster(f),
                "node role",
                why,
            )]
        }
        Some(Gathered::Ok(r)) => r,
    };
    let mut out = Vec::new();
    let missing = missing_actions(role, "ec2.amazonaws.com", &["sts:AssumeRole"]);
    if !missing.is_empty() {
        out.push(
            Finding::new(
                "IAM003",
                Severity::Warn,
                format!("role {}", role.name),
                "trust policy does not allow ec2.amazonaws.com sts:AssumeRole: new nodes cannot join",
            )
            .fix(trust_fix(role, "ec2.amazonaws.com", &["sts:AssumeRole"])),
        );
    }
    out.extend(
        policy_findings("IAM003", role, &NODE_POLICIES)
            .into_iter()
            .filter(|x| x.severity != Severity::Pass),
    );
    if out.is_empty() {
        out.push(Finding::pass(
            "IAM003",
            format!("role {}", role.name),
            "trusts ec2.amazonaws.com; both node policies attached",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{article, blocked};

    fn cluster_role(f: &mut Facts) -> &mut RoleFacts {
        match &mut f.cluster_role {
            Gathered::Ok(r) => r,
            _ => unreachable!(),
        }
    }

    fn node_role(f: &mut Facts) -> &mut RoleFacts {
        match &mut f.node_role {
            Some(Gathered::Ok(r)) => r,
            _ => unreachable!(),
        }
    }

    #[test]
    fn iam001_pass_and_missing_tag_session() {
        assert_eq!(iam001(&article())[0].severity, Severity::Pass);
        let out = iam001(&blocked());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Fail);
        assert!(
            out[0].message.ends_with("sts:TagSession"),
            "{}",
            out[0].message
        );
        assert!(out[0].remediation.contains("sts:TagSession"));
    }

    #[test]
    fn iam001_wrong_service_or_deny_fails() {
        let mut facts = article();
        cluster_role(&mut facts).trust[0].services = vec!["ec2.amazonaws.com".into()];
        let out = iam001(&facts);
        assert_eq!(out[0].severity, Severity::Fail);
        assert!(out[0].message.contains("sts:AssumeRole and sts:TagSession"));

        let mut facts = article();
        let mut deny = cluster_role(&mut facts).trust[0].clone();
        deny.effect = "Deny".into();
        deny.actions = vec!["sts:TagSession".into()];
        cluster_role(&mut facts).trust.push(deny);
        assert_eq!(iam001(&facts)[0].severity, Severity::Fail);
    }

    #[test]
    fn iam001_without_auto_mode_needs_only_assume_role() {
        let mut facts = blocked();
        facts.cluster.auto_mode.compute = false;
        facts.cluster.auto_mode.storage = false;
        facts.cluster.auto_mode.elb = false;
        assert_eq!(iam001(&facts)[0].severity, Severity::Pass);
    }

    #[test]
    fn iam002_warns_per_missing_policy() {
        assert_eq!(iam002(&article())[0].severity, Severity::Pass);
        let mut facts = article();
        cluster_role(&mut facts)
            .attached_policies
            .retain(|p| p == "AmazonEKSClusterPolicy" || p == "AmazonEKSComputePolicy");
        let out = iam002(&facts);
        assert_eq!(out.len(), 3);
        assert!(out
            .iter()
            .all(|f| f.severity == Severity::Warn && f.id == "IAM002"));
        assert!(out
            .iter()
            .any(|f| f.message.starts_with("AmazonEKSNetworkingPolicy")));
        facts.cluster_role = Gathered::Unavailable("AccessDenied".into());
        assert_eq!(iam002(&facts)[0].severity, Severity::Warn);
    }

    #[test]
    fn iam003_node_role() {
        assert_eq!(iam003(&article())[0].severity, Severity::Pass);
        let mut facts = article();
        node_role(&mut facts).trust[0].services = vec!["eks.amazonaws.com".into()];
        node_role(&mut facts).attached_policies.pop();
        let out = iam003(&facts);
        assert_eq!(out.len(), 2, "{out:#?}");
        assert!(out.iter().all(|f| f.severity == Severity::Warn));
        assert!(out
            .iter()
            .any(|f| f.message.contains("AmazonEC2ContainerRegistryPullOnly")));
        facts.node_role = None;
        assert_eq!(iam003(&facts)[0].severity, Severity::Warn);
        facts.cluster.auto_mode.compute = false;
        assert_eq!(iam003(&facts)[0].severity, Severity::Pass);
    }
}
