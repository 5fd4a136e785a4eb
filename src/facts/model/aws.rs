//! What EC2 and IAM say: the cluster's subnets, and its roles with their trust policies.

use serde::{Deserialize, Serialize};

/// One cluster subnet (DescribeSubnets).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubnetFacts {
    pub id: String,
    /// `ap-northeast-1a`.
    pub az: String,
    /// `apne1-az4`.
    pub az_id: String,
    /// `availableIpAddressCount`.
    pub free_ips: u32,
}

/// An IAM role: its trust policy and attached managed policies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleFacts {
    pub name: String,
    pub arn: String,
    /// The parsed `AssumeRolePolicyDocument` (see [`parse_trust_policy`]).
    pub trust: Vec<TrustStatement>,
    /// Attached managed policy *names* (`AmazonEKSClusterPolicy`, ...).
    pub attached_policies: Vec<String>,
}

/// One statement of a trust policy, reduced to what the checks need.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrustStatement {
    /// `Allow` or `Deny`.
    pub effect: String,
    /// `Principal.Service` (string or list in the JSON).
    pub services: Vec<String>,
    /// `Action` (string or list in the JSON).
    pub actions: Vec<String>,
}

impl TrustStatement {
    /// Allows `action` (exactly, or through `sts:*` / `*`) for `service`.
    pub fn allows(&self, service: &str, action: &str) -> bool {
        self.effect.eq_ignore_ascii_case("Allow")
            && self.services.iter().any(|s| s == service)
            && self.actions.iter().any(|a| {
                a.eq_ignore_ascii_case(action) || a == "*" || a.eq_ignore_ascii_case("sts:*")
            })
    }
}
