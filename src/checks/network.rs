//! Network check NET001: free IPs in the cluster subnets. The control-plane upgrade needs at least
//! 5 free IPs in subnets of 2 Availability Zones; the node replacement needs IPs for the new nodes
//! and the pods moved onto them (estimated from the budgets and the pods per node).

use std::collections::BTreeMap;

use super::{subject_cluster, Finding, Severity};
use crate::disruption::budget::{drift_allowance, pool_nodes};
use crate::facts::model::{Facts, Gathered, KubeFacts};

/// Free IPs per subnet the control-plane upgrade needs.
pub const MIN_FREE_IPS: u32 = 5;

/// IPs the node replacement may need at once: for every NodePool, the nodes its budgets let go
/// at once × (1 node IP + the most pods any of its nodes runs).
pub fn surge_estimate(k: &KubeFacts) -> u64 {
    let mut pods_per_node: BTreeMap<&str, u64> = BTreeMap::new();
    for p in k.pods.iter().filter(|p| !p.is_terminal()) {
        if let Some(n) = &p.node {
            *pods_per_node.entry(n.as_str()).or_default() += 1;
        }
    }
    k.node_pools
        .iter()
        .map(|pool| {
            let nodes = pool_nodes(k, &pool.name);
            let at_once = drift_allowance(pool, nodes.len() as u32) as u64;
            let max_pods = nodes
                .iter()
                .map(|n| pods_per_node.get(n.name.as_str()).copied().unwrap_or(0))
                .max()
                .unwrap_or(0);
            at_once * (1 + max_pods)
        })
        .sum()
}

/// NET001: free IPs per subnet and AZ, and against the surge estimate.
pub fn net001(f: &Facts) -> Vec<Finding> {
    let subnets = match &f.subnets {
        Gathered::Ok(s) => s,
        Gathered::Unavailable(why) => {
            return vec![Finding::unavailable(
                "NET001",
                subject_cluster(f),
                "cluster subnets",
                why,
            )]
        }
    };
    let subject = format!("subnets of {}", f.cluster.name);
    if subnets.is_empty() {
        return vec![Finding::new(
            "NET001",
            Severity::Fail,
            subject,
            "the cluster has no subnets to check",
        )
        .fix("Check resourcesVpcConfig.subnetIds with aws eks describe-cluster.")];
    }
    let details: Vec<String> = subnets
        .iter()
        .map(|s| format!("{} ({}, {}): {} free IPs", s.id, s.az, s.az_id, s.free_ips))
        .collect();
    let mut azs_ok: Vec<&str> = subnets
        .iter()
        .filter(|s| s.free_ips >= MIN_FREE_IPS)
        .map(|s| s.az.as_str())
        .collect();
    azs_ok.sort();
    azs_ok.dedup();
    if azs_ok.len() < 2 {
        return vec![Finding::new(
            "NET001",
            Severity::Fail,
            subject,
            format!(
                "{} AZ(s) have a subnet with at least {MIN_FREE_IPS} free IPs; the control-plane upgrade needs 2",
                azs_ok.len()
            ),
        )
        .fix(format!(
            "Free IP addresses, or add subnets with free IPs in two AZs: aws eks update-cluster-config --name {} \
             --resources-vpc-config subnetIds=...",
            f.cluster.name
        ))
        .details(details)];
    }
    let free: u64 = subnets.iter().map(|s| s.free_ips as u64).sum();
    let Some(k) = f.kube.ok() else {
        return vec![Finding::pass(
            "NET001",
            subject,
            format!(
                "{free} free IPs in {} AZs (surge not estimated: Kubernetes facts unavailable)",
                azs_ok.len()
            ),
        )
        .details(details)];
    };
    let surge = surge_estimate(k);
    if free < surge {
        return vec![Finding::new(
            "NET001",
            Severity::Warn,
            subject,
            format!(
                "{free} free IPs, below the ~{surge} the node replacement may use at once"
            ),
        )
        .fix("Free IPs or add subnets, or lower the NodePool budgets so fewer nodes are replaced at once.")
        .details(details)];
    }
    vec![Finding::pass(
        "NET001",
        subject,
        format!(
            "{free} free IPs in {} AZs (node replacement needs ~{surge})",
            azs_ok.len()
        ),
    )
    .details(details)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{article, blocked, kube};

    fn subnets(f: &mut Facts) -> &mut Vec<crate::facts::model::SubnetFacts> {
        match &mut f.subnets {
            Gathered::Ok(s) => s,
            _ => unreachable!(),
        }
    }

    #[test]
    fn surge_for_article_is_one_node_and_its_ten_pods() {
        let mut facts = article();
        assert_eq!(surge_estimate(kube(&mut facts)), 11);
    }

    #[test]
    fn passes_with_plenty_of_ips() {
        let out = net001(&article());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Pass);
        assert!(
            out[0].message.contains("8180 free IPs in 2 AZs"),
            "{}",
            out[0].message
        );
        assert_eq!(out[0].details.len(), 2);
    }

    #[test]
    fn fails_below_five_free_ips() {
        let out = net001(&blocked());
        assert_eq!(out[0].severity, Severity::Fail);
        assert!(out[0].message.starts_with("0 AZ(s)"));
        // one good AZ is not enough
        let mut facts = blocked();
        subnets(&mut facts)[0].free_ips = 100;
        assert_eq!(net001(&facts)[0].severity, Severity::Fail);
        // two good subnets in the same AZ are not enough either
        let mut facts = article();
        subnets(&mut facts)[1].az = "ap-northeast-1c".into();
        assert_eq!(net001(&facts)[0].severity, Severity::Fail);
    }

    #[test]
    fn warns_below_surge_estimate() {
        let mut facts = article();
        subnets(&mut facts)[0].free_ips = 5;
        subnets(&mut facts)[1].free_ips = 5;
        let out = net001(&facts);
        assert_eq!(out[0].severity, Severity::Warn, "{out:#?}");
        assert!(out[0].message.contains("~11"));
    }

    #[test]
    fn unavailable_subnets_warn() {
        let mut facts = article();
        facts.subnets = Gathered::Unavailable("UnauthorizedOperation".into());
        assert_eq!(net001(&facts)[0].severity, Severity::Warn);
    }
}
