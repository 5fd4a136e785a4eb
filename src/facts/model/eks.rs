//! What EKS says of a cluster: DescribeCluster, its versions, updates, insights and add-ons.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// DescribeCluster, reduced.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterFacts {
    pub name: String,
    pub arn: String,
    pub region: String,
    /// Control-plane minor version, `"1.30"`.
    pub version: String,
    /// `"eks.23"`.
    pub platform_version: String,
    /// `ACTIVE`, `UPDATING`, `CREATING`, `DELETING`, `FAILED`, `PENDING`.
    pub status: String,
    pub role_arn: String,
    /// `resourcesVpcConfig.subnetIds`.
    pub subnet_ids: Vec<String>,
    /// Who may reach the API endpoint (`resourcesVpcConfig`).
    pub endpoint_access: EndpointAccessFacts,
    pub auto_mode: AutoModeFacts,
}

/// `resourcesVpcConfig.endpointPublicAccess`, `endpointPrivateAccess`, `publicAccessCidrs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointAccessFacts {
    pub public: bool,
    pub private: bool,
    pub public_cidrs: Vec<String>,
}

impl Default for EndpointAccessFacts {
    /// EKS's defaults: a public endpoint open to every address.
    fn default() -> Self {
        EndpointAccessFacts {
            public: true,
            private: false,
            public_cidrs: vec!["0.0.0.0/0".into()],
        }
    }
}

impl EndpointAccessFacts {
    /// Only reachable from inside the VPC (or networks peered with it).
    pub fn private_only(&self) -> bool {
        !self.public
    }

    /// Public, but only from some addresses.
    pub fn restricted_cidrs(&self) -> Option<&[String]> {
        (self.public
            && !self.public_cidrs.is_empty()
            && !self.public_cidrs.iter().any(|c| c == "0.0.0.0/0"))
        .then_some(self.public_cidrs.as_slice())
    }
}

/// The three Auto Mode switches of DescribeCluster, plus the compute config.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AutoModeFacts {
    /// `computeConfig.enabled`.
    pub compute: bool,
    /// `storageConfig.blockStorage.enabled`.
    pub storage: bool,
    /// `kubernetesNetworkConfig.elasticLoadBalancing.enabled`.
    pub elb: bool,
    /// `computeConfig.nodePools` (`general-purpose`, `system`).
    pub node_pools: Vec<String>,
    /// `computeConfig.nodeRoleArn`.
    pub node_role_arn: Option<String>,
}

impl AutoModeFacts {
    /// All three switches on.
    pub fn fully_enabled(&self) -> bool {
        self.compute && self.storage && self.elb
    }
}

/// One entry of DescribeClusterVersions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterVersionFacts {
    /// `"1.31"`.
    pub version: String,
    /// `versionStatus`: `STANDARD_SUPPORT`, `EXTENDED_SUPPORT`, `UNSUPPORTED`.
    pub status: String,
    /// `defaultVersion`.
    pub default: bool,
    pub end_of_standard_support: Option<Timestamp>,
    pub end_of_extended_support: Option<Timestamp>,
}

/// One cluster update (DescribeUpdate).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateFacts {
    pub id: String,
    /// `type`: `VersionUpdate`, `ConfigUpdate`, ...
    pub kind: String,
    /// `InProgress`, `Successful`, `Failed`, `Cancelled`.
    pub status: String,
    pub created_at: Option<Timestamp>,
    /// The `Version` parameter of a version update (`"1.31"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `errors[].errorMessage` (with the error code in front when there is one).
    pub errors: Vec<String>,
}

/// One cluster insight (ListInsights summary merged with DescribeInsight).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InsightFacts {
    pub id: String,
    pub name: String,
    /// `UPGRADE_READINESS`, `MISCONFIGURATION`.
    pub category: String,
    /// The version the insight is about, `"1.32"` (may be empty).
    pub kubernetes_version: String,
    /// `insightStatus.status`: `PASSING`, `WARNING`, `ERROR`, `UNKNOWN`.
    pub status: String,
    /// `insightStatus.reason`.
    pub reason: String,
    pub last_refresh: Option<Timestamp>,
    pub recommendation: String,
    /// `categorySpecificSummary.deprecationDetails`.
    pub deprecations: Vec<Deprecation>,
}

/// One deprecated API the insight found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Deprecation {
    /// `/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas`.
    pub usage: String,
    pub replaced_with: String,
    pub stop_serving_version: String,
    pub start_serving_replacement_version: String,
    pub clients: Vec<ClientStat>,
}

/// One client still calling a deprecated API (`clientStats`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClientStat {
    pub user_agent: String,
    pub requests_last_30_days: u64,
    pub last_request: Option<Timestamp>,
}

/// One installed EKS add-on with what DescribeAddonVersions offers for the target version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AddonFacts {
    pub name: String,
    /// Installed version, `"v1.19.0-eksbuild.1"`.
    pub version: String,
    /// `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `DEGRADED`, `CREATE_FAILED`, `UPDATE_FAILED`,
    /// `DELETE_FAILED`.
    pub status: String,
    /// `health.issues[]`, each as `"CODE: message"`.
    pub health_issues: Vec<String>,
    /// Every version of this add-on compatible with the target cluster version.
    pub versions_for_target: Vec<String>,
    /// The one marked `defaultVersion` for the target, if any.
    pub default_for_target: Option<String>,
}
