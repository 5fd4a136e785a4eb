//! The facts model: plain, serde-friendly structs holding everything the checks, the plan and the
//! live views judge, one file per source (`eks`, `aws` for EC2 and IAM, `kube`). The gathering code
//! (`facts::{eks,ec2,iam,kube}`) converts SDK and Kubernetes types into these structs at the
//! boundary; no SDK or k8s-openapi type and no I/O appear here, so every check can be tested with
//! literal values. Kubernetes value types (labels, selectors, int-or-percent, quantities) live in
//! `crate::k8s`.

mod aws;
mod eks;
mod kube;

pub use aws::*;
pub use eks::*;
pub use kube::*;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// One fact (or group of facts) that could or could not be gathered.
///
/// `Unavailable` carries a short human reason ("access denied: iam:GetRole", "API unavailable:
/// ..."); the checks that depend on it report one WARN with that reason and the others still run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gathered<T> {
    Ok(T),
    Unavailable(String),
}

impl<T> Gathered<T> {
    /// The value, when it was gathered.
    pub fn ok(&self) -> Option<&T> {
        match self {
            Gathered::Ok(v) => Some(v),
            Gathered::Unavailable(_) => None,
        }
    }

    /// The reason it could not be gathered, if it could not.
    pub fn unavailable(&self) -> Option<&str> {
        match self {
            Gathered::Ok(_) => None,
            Gathered::Unavailable(why) => Some(why),
        }
    }

    /// `Ok(v)` → `Gathered::Ok(v)`, `Err(e)` → `Gathered::Unavailable(e.to_string())`.
    pub fn from_result<E: std::fmt::Display>(r: Result<T, E>) -> Self {
        match r {
            Ok(v) => Gathered::Ok(v),
            Err(e) => Gathered::Unavailable(e.to_string()),
        }
    }
}

/// Everything preflight knows about one cluster at one instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// When the facts were gathered (staleness of insights is measured from here).
    pub now: Timestamp,
    /// The Kubernetes version to upgrade to, `"1.31"` (the CLI defaults it to current + 1 minor).
    pub target_version: crate::version::Minor,
    /// DescribeCluster. Always present: without it there is nothing to check.
    pub cluster: ClusterFacts,
    /// DescribeClusterVersions (all versions EKS offers, with support status and dates).
    pub versions: Gathered<Vec<ClusterVersionFacts>>,
    /// ListUpdates + DescribeUpdate for the cluster (at least the recent / in-progress ones).
    pub updates: Gathered<Vec<UpdateFacts>>,
    /// ListInsights + DescribeInsight, every category and version (checks filter).
    pub insights: Gathered<Vec<InsightFacts>>,
    /// DescribeSubnets for `cluster.subnet_ids`.
    pub subnets: Gathered<Vec<SubnetFacts>>,
    /// GetRole + ListAttachedRolePolicies for `cluster.role_arn`.
    pub cluster_role: Gathered<RoleFacts>,
    /// The Auto Mode node role (`cluster.auto_mode.node_role_arn`); `None` when the cluster has none.
    pub node_role: Option<Gathered<RoleFacts>>,
    /// ListAddons + DescribeAddon + DescribeAddonVersions (for the target version).
    pub addons: Gathered<Vec<AddonFacts>>,
    /// The Kubernetes side (nodes, pods, PDBs, workloads, NodePools).
    pub kube: Gathered<KubeFacts>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathered_helpers_and_serde() {
        let g: Gathered<u32> = Gathered::from_result(Err::<u32, _>("access denied"));
        assert_eq!(g.unavailable(), Some("access denied"));
        assert_eq!(g.ok(), None);
        let g = Gathered::Ok(3u32);
        assert_eq!(g.ok(), Some(&3));
        assert_eq!(serde_json::to_string(&g).unwrap(), r#"{"ok":3}"#);
    }
}
