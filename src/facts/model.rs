//! The facts model: plain, serde-friendly structs holding everything the preflight checks judge.
//!
//! The gathering code (`facts::{eks,ec2,iam,kube}`) converts SDK and Kubernetes types into these
//! structs at the boundary; `checks` reads them and nothing else. No SDK or k8s-openapi type and no
//! I/O appear here, so every check can be tested with literal values. The few pure helpers kept here
//! (label selector matching, int-or-percent scaling, trust policy parsing, quantity parsing) encode
//! Kubernetes and IAM semantics that both sides need.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Top level
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// EKS
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// EC2 and IAM
// ---------------------------------------------------------------------------------------------

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

/// Parse an IAM trust policy document (`AssumeRolePolicyDocument`).
///
/// Accepts the JSON as IAM returns it through GetRole, URL-encoded (`%7B%22Version...`) or already
/// decoded. `Statement` may be one object or a list; `Principal.Service` and `Action` may be a
/// string or a list. Statements without a service principal get an empty `services` list.
pub fn parse_trust_policy(doc: &str) -> Result<Vec<TrustStatement>, String> {
    let trimmed = doc.trim();
    let decoded;
    let text = if trimmed.starts_with('{') {
        trimmed
    } else {
        decoded = percent_encoding::percent_decode_str(trimmed)
            .decode_utf8()
            .map_err(|e| format!("trust policy is not valid UTF-8 after URL decoding: {e}"))?
            .into_owned();
        decoded.as_str()
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("trust policy is not valid JSON: {e}"))?;
    let statements = match value.get("Statement") {
        Some(serde_json::Value::Array(items)) => items.clone(),
        Some(obj @ serde_json::Value::Object(_)) => vec![obj.clone()],
        Some(_) => return Err("trust policy Statement is neither an object nor a list".into()),
        None => return Err("trust policy has no Statement".into()),
    };
    statements
        .iter()
        .map(|st| {
            let effect = st
                .get("Effect")
                .and_then(|e| e.as_str())
                .ok_or("trust policy statement without Effect")?
                .to_string();
            let services = st
                .get("Principal")
                .and_then(|p| p.get("Service"))
                .map(string_or_list)
                .unwrap_or_default();
            let actions = st.get("Action").map(string_or_list).unwrap_or_default();
            Ok(TrustStatement {
                effect,
                services,
                actions,
            })
        })
        .collect()
}

fn string_or_list(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Kubernetes
// ---------------------------------------------------------------------------------------------

/// The Kubernetes side of the cluster. Each list is gathered on its own: one that could not be
/// read is empty here and named in `unreadable`, so only the checks that need it are skipped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KubeFacts {
    pub nodes: Vec<NodeFacts>,
    pub pods: Vec<PodFacts>,
    pub pdbs: Vec<PdbFacts>,
    /// Deployments, StatefulSets (and DaemonSets, if gathered).
    pub workloads: Vec<WorkloadFacts>,
    /// karpenter.sh/v1 NodePools.
    pub node_pools: Vec<NodePoolFacts>,
    /// karpenter.sh/v1 NodeClaims (one per Auto Mode node).
    pub node_claims: Vec<NodeClaimFacts>,
    /// The lists that could not be read, with the reason (a 403 for a read-only role, ...).
    pub unreadable: BTreeMap<KubeList, String>,
}

/// One list preflight reads from the Kubernetes API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KubeList {
    Nodes,
    Pods,
    Pdbs,
    Workloads,
    NodePools,
    NodeClaims,
}

impl KubeList {
    /// How the list is named in messages: `pods`, `nodepools.karpenter.sh`, ...
    pub fn name(self) -> &'static str {
        match self {
            KubeList::Nodes => "nodes",
            KubeList::Pods => "pods",
            KubeList::Pdbs => "poddisruptionbudgets",
            KubeList::Workloads => "deployments/statefulsets",
            KubeList::NodePools => "nodepools.karpenter.sh",
            KubeList::NodeClaims => "nodeclaims.karpenter.sh",
        }
    }
}

impl KubeFacts {
    /// The first of `needs` that could not be read, with why.
    pub fn missing(&self, needs: &[KubeList]) -> Option<(KubeList, &str)> {
        needs
            .iter()
            .find_map(|l| self.unreadable.get(l).map(|why| (*l, why.as_str())))
    }
}

/// One node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeFacts {
    pub name: String,
    /// `status.nodeInfo.kubeletVersion`, `"v1.30.5-eks-baa6d11"`.
    pub kubelet_version: String,
    /// Label `karpenter.sh/nodepool` (`None` for nodes Auto Mode does not manage).
    pub node_pool: Option<String>,
    /// Condition `Ready` is `True`.
    pub ready: bool,
    /// The Ready condition's `lastTransitionTime`.
    pub ready_since: Option<Timestamp>,
    /// Being removed: `metadata.deletionTimestamp` set or taint `karpenter.sh/disrupted`.
    pub deleting: bool,
    /// Annotation `karpenter.sh/do-not-disrupt: "true"`.
    pub do_not_disrupt: bool,
    /// Label `node.kubernetes.io/instance-type`.
    pub instance_type: Option<String>,
    /// Label `topology.kubernetes.io/zone`.
    pub zone: Option<String>,
    /// `status.allocatable.cpu` in millicores.
    pub cpu_allocatable_millis: u64,
    /// `status.allocatable.memory` in bytes.
    pub memory_allocatable_bytes: u64,
    /// `status.capacity.cpu` in millicores (0 when unknown: allocatable is used instead).
    pub cpu_capacity_millis: u64,
    /// `status.capacity.memory` in bytes (0 when unknown: allocatable is used instead).
    pub memory_capacity_bytes: u64,
    /// `status.allocatable.pods`.
    pub pods_allocatable: u32,
    /// `metadata.creationTimestamp`.
    pub created: Option<Timestamp>,
    /// `metadata.deletionTimestamp`.
    pub deletion: Option<Timestamp>,
    /// `spec.unschedulable` (cordoned).
    pub unschedulable: bool,
    /// Taint `karpenter.sh/disrupted` is on the node: Auto Mode is replacing it.
    pub disrupted: bool,
    /// The disrupted taint's `timeAdded`, when the server sets it.
    pub disrupted_since: Option<Timestamp>,
    /// Label `karpenter.sh/capacity-type` (`on-demand`, `spot`).
    pub capacity_type: Option<String>,
}

/// Who controls a pod (`metadata.ownerReferences[controller=true]`, else the first reference).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerRef {
    /// `ReplicaSet`, `StatefulSet`, `DaemonSet`, `Job`, `Node` (mirror pods), ...
    pub kind: String,
    pub name: String,
}

/// One pod.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PodFacts {
    pub namespace: String,
    pub name: String,
    pub labels: Labels,
    /// `None` = a bare pod: nothing recreates it once evicted.
    pub owner: Option<OwnerRef>,
    /// `spec.nodeName`.
    pub node: Option<String>,
    /// Condition `Ready` is `True`.
    pub ready: bool,
    /// `metadata.deletionTimestamp` is set.
    pub terminating: bool,
    /// Annotation `karpenter.sh/do-not-disrupt: "true"`.
    pub do_not_disrupt: bool,
    /// `status.phase`: `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.
    pub phase: String,
    /// `metadata.creationTimestamp`.
    pub created: Option<Timestamp>,
    /// Sum of the containers' restart counts.
    pub restarts: i32,
    /// Sum of the containers' CPU requests, in millicores.
    pub cpu_request_millis: u64,
    /// Sum of the containers' memory requests, in bytes.
    pub memory_request_bytes: u64,
}

impl PodFacts {
    /// `Succeeded` or `Failed`: the pod no longer runs and does not hold up a drain.
    pub fn is_terminal(&self) -> bool {
        self.phase == "Succeeded" || self.phase == "Failed"
    }
}

/// A PodDisruptionBudget.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PdbFacts {
    pub namespace: String,
    pub name: String,
    /// `spec.selector`: an empty selector selects every pod of its namespace; a missing one (null)
    /// selects none (policy/v1).
    pub selector: Option<LabelSelector>,
    pub min_available: Option<IntOrPercent>,
    pub max_unavailable: Option<IntOrPercent>,
    /// `IfHealthyBudget` (default) or `AlwaysAllow`.
    pub unhealthy_pod_eviction_policy: Option<String>,
    /// `status`, when the disruption controller has reported one.
    pub status: Option<PdbStatus>,
}

impl PdbFacts {
    /// Whether the PDB covers a pod with these labels (same namespace assumed).
    pub fn selects(&self, labels: &(impl LabelLookup + ?Sized)) -> bool {
        self.selector.as_ref().is_some_and(|s| s.matches(labels))
    }

    /// The selector as `kubectl` would show it.
    pub fn selector_display(&self) -> String {
        match &self.selector {
            Some(s) => s.display(),
            None => "<none>".into(),
        }
    }
}

/// `PodDisruptionBudget.status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdbStatus {
    pub expected_pods: i32,
    pub current_healthy: i32,
    pub desired_healthy: i32,
    pub disruptions_allowed: i32,
}

/// A workload controller (Deployment, StatefulSet, DaemonSet).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkloadFacts {
    /// `Deployment`, `StatefulSet`, `DaemonSet`.
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// `spec.replicas` (`None` for DaemonSets; the API defaults it to 1 otherwise).
    pub replicas: Option<i32>,
    pub selector: LabelSelector,
    /// `spec.template.metadata.labels`.
    pub pod_template_labels: BTreeMap<String, String>,
    /// `spec.template.spec.containers` (init containers are not included).
    pub containers: Vec<ContainerFacts>,
    /// `spec.template.spec.topologySpreadConstraints`.
    pub topology_spread: Vec<TopologyTerm>,
    /// `spec.template.spec.affinity.podAntiAffinity`, required and preferred terms alike.
    pub pod_anti_affinity: Vec<TopologyTerm>,
}

impl WorkloadFacts {
    /// Whether a topology spread constraint or a pod anti-affinity term on `topology_key` selects
    /// the workload's own pods, so that its replicas are kept apart along that key.
    pub fn spreads_over(&self, topology_key: &str) -> bool {
        self.topology_spread
            .iter()
            .chain(&self.pod_anti_affinity)
            .any(|t| t.topology_key == topology_key && t.selects(&self.pod_template_labels))
    }
}

/// One container of a pod template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerFacts {
    pub name: String,
    /// `readinessProbe` is set.
    pub readiness_probe: bool,
}

/// A topology spread constraint or a pod (anti-)affinity term: the pods it counts (`labelSelector`)
/// along one topology key (`kubernetes.io/hostname`, `topology.kubernetes.io/zone`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopologyTerm {
    pub topology_key: String,
    /// `labelSelector`; `None` (not set) counts no pods at all.
    pub selector: Option<LabelSelector>,
}

impl TopologyTerm {
    /// Whether the term counts pods with these labels.
    pub fn selects(&self, labels: &(impl LabelLookup + ?Sized)) -> bool {
        self.selector.as_ref().is_some_and(|s| s.matches(labels))
    }

    /// The selector as `kubectl` would show it.
    pub fn selector_display(&self) -> String {
        match &self.selector {
            Some(s) => s.display(),
            None => "<none>".into(),
        }
    }
}

/// A karpenter.sh/v1 NodePool.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodePoolFacts {
    pub name: String,
    /// `spec.disruption.budgets` (Auto Mode default: `[{nodes: "10%"}]`).
    pub budgets: Vec<Budget>,
    /// `spec.limits` (cpu, memory); `None` fields are unlimited.
    pub limits: Resources,
    /// `status.resources` (what the pool's nodes add up to); `None` fields are unknown, and the
    /// checks then add up the pool's nodes.
    pub usage: Resources,
    /// `spec.template.spec.expireAfter`: a Go duration (`"336h"`) or `"Never"`.
    pub expire_after: Option<String>,
    /// `spec.template.spec.terminationGracePeriod` (`"24h0m0s"`): how long a drain may wait for
    /// PDBs and do-not-disrupt pods before the pods are deleted anyway.
    pub termination_grace_period: Option<String>,
}

/// A karpenter.sh/v1 NodeClaim: the Auto Mode record behind one node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeClaimFacts {
    pub name: String,
    /// `status.nodeName`.
    pub node_name: Option<String>,
    /// Label `karpenter.sh/nodepool`.
    pub node_pool: Option<String>,
    /// `spec.terminationGracePeriod`.
    pub termination_grace_period: Option<String>,
    /// `spec.expireAfter`.
    pub expire_after: Option<String>,
    /// Condition `Drifted` is `True`.
    pub drifted: bool,
    /// When condition `Drifted` became `True` (its lastTransitionTime).
    pub drifted_since: Option<Timestamp>,
    /// `metadata.creationTimestamp` (expiry counts from here).
    pub created: Option<Timestamp>,
    /// `metadata.deletionTimestamp`: the drain started (terminationGracePeriod counts from here).
    pub deletion: Option<Timestamp>,
}

/// A Kubernetes Event the live views show (karpenter's DisruptionBlocked, FailedDraining, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFacts {
    pub namespace: String,
    pub name: String,
    /// `Normal` or `Warning`.
    pub type_: String,
    pub reason: String,
    pub message: String,
    /// `involvedObject.kind` and `.name`.
    pub object_kind: String,
    pub object_name: String,
    /// `reportingComponent`, else `source.component`.
    pub component: String,
    pub count: i32,
    /// `lastTimestamp`, else `eventTime`, else `metadata.creationTimestamp`.
    pub last_seen: Option<Timestamp>,
}

/// CPU and memory amounts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resources {
    pub cpu_millis: Option<u64>,
    pub memory_bytes: Option<u64>,
}

/// One NodePool disruption budget.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    /// An integer (`"0"`, `"3"`) or a percent (`"10%"`), as in the spec.
    pub nodes: String,
    /// Cron schedule (UTC) during which the budget is active; `None` = always active.
    pub schedule: Option<String>,
    /// How long the budget stays active after each schedule hit (`"8h"`).
    pub duration: Option<String>,
    /// The disruption reasons it applies to (`Drifted`, `Underutilized`, `Empty`); `None` = all.
    pub reasons: Option<Vec<String>>,
}

impl Budget {
    /// Applies to the given disruption reason (`"Drifted"` for upgrades).
    pub fn applies_to(&self, reason: &str) -> bool {
        match &self.reasons {
            None => true,
            Some(rs) => rs.iter().any(|r| r.eq_ignore_ascii_case(reason)),
        }
    }

    /// How many nodes the budget lets go at once out of `total`, before subtracting nodes already
    /// being disrupted. Percentages round up (Karpenter). `None` when `nodes` does not parse.
    pub fn allowed_of(&self, total: u32) -> Option<u32> {
        let v = IntOrPercent::parse(&self.nodes).ok()?;
        Some(v.scaled(total as i64).clamp(0, u32::MAX as i64) as u32)
    }
}

// ---------------------------------------------------------------------------------------------
// Labels and label selectors
// ---------------------------------------------------------------------------------------------

/// Anything a label selector can be matched against.
pub trait LabelLookup {
    fn label(&self, key: &str) -> Option<&str>;
}

impl LabelLookup for BTreeMap<String, String> {
    fn label(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

/// A pod's labels, compact: a boxed slice sorted by key (a `BTreeMap` node costs ~600 bytes
/// whatever it holds, and preflight keeps 100,000 pods). Serialized as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels(Box<[(String, String)]>);

impl Labels {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl LabelLookup for Labels {
    fn label(&self, key: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| self.0[i].1.as_str())
    }
}

impl From<BTreeMap<String, String>> for Labels {
    fn from(m: BTreeMap<String, String>) -> Self {
        Labels(m.into_iter().collect())
    }
}

impl Serialize for Labels {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::<String, String>::deserialize(d).map(Labels::from)
    }
}

/// A Kubernetes `LabelSelector`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One `matchExpressions` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelSelectorRequirement {
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`.
    pub operator: String,
    pub values: Vec<String>,
}

impl LabelSelector {
    /// Selector with only `matchLabels`.
    pub fn labels<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        LabelSelector {
            match_labels: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            match_expressions: Vec::new(),
        }
    }

    /// No `matchLabels` and no `matchExpressions` (matches every object).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Whether `labels` satisfy every `matchLabels` pair and every expression. An empty selector
    /// matches everything; an expression with an unknown operator matches nothing (the API server
    /// rejects such a selector).
    pub fn matches(&self, labels: &(impl LabelLookup + ?Sized)) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.label(k) == Some(v.as_str()))
            && self.match_expressions.iter().all(|e| e.matches(labels))
    }

    /// `app=myapp,tier in (a,b)`: the kubectl rendering, for messages.
    pub fn display(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for e in &self.match_expressions {
            parts.push(match e.operator.as_str() {
                "Exists" => e.key.clone(),
                "DoesNotExist" => format!("!{}", e.key),
                op => format!("{} {} ({})", e.key, op.to_lowercase(), e.values.join(",")),
            });
        }
        if parts.is_empty() {
            "<everything>".into()
        } else {
            parts.join(",")
        }
    }
}

impl LabelSelectorRequirement {
    pub fn matches(&self, labels: &(impl LabelLookup + ?Sized)) -> bool {
        let value = labels.label(&self.key);
        match self.operator.as_str() {
            "In" => value.is_some_and(|v| self.values.iter().any(|x| x == v)),
            "NotIn" => value.is_none_or(|v| !self.values.iter().any(|x| x == v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Int or percent
// ---------------------------------------------------------------------------------------------

/// A Kubernetes `IntOrString` that holds a count or a percentage (`minAvailable`, budget `nodes`).
/// Serialized as Kubernetes does: `3` or `"80%"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "IntOrPercentRepr", into = "IntOrPercentRepr")]
pub enum IntOrPercent {
    Int(i32),
    Percent(u32),
}

impl IntOrPercent {
    /// `"80%"` → `Percent(80)`, `"3"` → `Int(3)`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Some(p) = s.strip_suffix('%') {
            p.trim()
                .parse::<u32>()
                .map(IntOrPercent::Percent)
                .map_err(|_| format!("invalid percentage {s:?}"))
        } else {
            s.parse::<i32>()
                .map(IntOrPercent::Int)
                .map_err(|_| format!("{s:?} is neither an integer nor a percentage"))
        }
    }

    /// Scale against `total`, rounding percentages up (as the disruption controller and Karpenter
    /// do): `Percent(80)` of 10 → 8, `Percent(10)` of 1 → 1, `Int(n)` → n.
    pub fn scaled(&self, total: i64) -> i64 {
        match *self {
            IntOrPercent::Int(n) => n as i64,
            IntOrPercent::Percent(p) => (p as i64 * total.max(0) + 99) / 100,
        }
    }

    pub fn is_zero(&self) -> bool {
        matches!(self, IntOrPercent::Int(0) | IntOrPercent::Percent(0))
    }
}

impl std::fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrPercent::Int(n) => write!(f, "{n}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum IntOrPercentRepr {
    Int(i32),
    Str(String),
}

impl TryFrom<IntOrPercentRepr> for IntOrPercent {
    type Error = String;
    fn try_from(r: IntOrPercentRepr) -> Result<Self, String> {
        match r {
            IntOrPercentRepr::Int(n) => Ok(IntOrPercent::Int(n)),
            IntOrPercentRepr::Str(s) => IntOrPercent::parse(&s),
        }
    }
}

impl From<IntOrPercent> for IntOrPercentRepr {
    fn from(v: IntOrPercent) -> Self {
        match v {
            IntOrPercent::Int(n) => IntOrPercentRepr::Int(n),
            IntOrPercent::Percent(_) => IntOrPercentRepr::Str(v.to_string()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Quantities
// ---------------------------------------------------------------------------------------------

/// A Kubernetes CPU quantity in millicores: `"15890m"` → 15890, `"16"` → 16000, `"0.5"` → 500.
pub fn parse_cpu_millis(q: &str) -> Option<u64> {
    let q = q.trim();
    if let Some(m) = q.strip_suffix('m') {
        return m.parse::<u64>().ok();
    }
    let v = parse_decimal_with_suffix(q)?;
    Some((v * 1000.0).ceil() as u64)
}

/// A Kubernetes memory quantity in bytes: `"30853148Ki"`, `"256M"`, `"1Gi"`, `"1e3"`, `"1000"`.
pub fn parse_memory_bytes(q: &str) -> Option<u64> {
    let v = parse_decimal_with_suffix(q.trim())?;
    Some(v.ceil() as u64)
}

fn parse_decimal_with_suffix(q: &str) -> Option<f64> {
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1024.0 * 1024.0),
        ("Gi", 1024.0 * 1024.0 * 1024.0),
        ("Ti", 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Pi", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Ei", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, mult) in SUFFIXES {
        if let Some(num) = q.strip_suffix(suffix) {
            let n: f64 = num.parse().ok()?;
            return (n >= 0.0).then_some(n * mult);
        }
    }
    let n: f64 = q.parse().ok()?;
    (n >= 0.0 && n.is_finite()).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn expr(key: &str, op: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn selector_match_labels() {
        let sel = LabelSelector::labels([("app", "myapp")]);
        assert!(sel.matches(&labels(&[("app", "myapp"), ("x", "y")])));
        assert!(!sel.matches(&labels(&[("app", "other")])));
        assert!(!sel.matches(&labels(&[])));
        assert!(LabelSelector::default().matches(&labels(&[("a", "b")])));
        assert!(LabelSelector::default().is_empty());
    }

    #[test]
    fn compact_labels_match_like_a_map() {
        let map = labels(&[("tier", "web"), ("app", "myapp")]);
        let compact = Labels::from(map.clone());
        assert_eq!(compact.label("app"), Some("myapp"));
        assert_eq!(compact.label("tier"), Some("web"));
        assert_eq!(compact.label("nope"), None);
        let sel = LabelSelector {
            match_labels: labels(&[("app", "myapp")]),
            match_expressions: vec![expr("tier", "In", &["web", "api"])],
        };
        assert!(sel.matches(&compact) && sel.matches(&map));
        let json = serde_json::to_string(&compact).unwrap();
        assert_eq!(json, r#"{"app":"myapp","tier":"web"}"#);
        assert_eq!(serde_json::from_str::<Labels>(&json).unwrap(), compact);
        assert!(Labels::default().is_empty());
    }

    #[test]
    fn selector_expressions() {
        let l = labels(&[("tier", "web"), ("env", "prod")]);
        let mut sel = LabelSelector {
            match_expressions: vec![expr("tier", "In", &["web", "api"])],
            ..Default::default()
        };
        assert!(sel.matches(&l));
        sel.match_expressions = vec![expr("tier", "NotIn", &["web"])];
        assert!(!sel.matches(&l));
        sel.match_expressions = vec![expr("missing", "NotIn", &["web"])];
        assert!(sel.matches(&l));
        sel.match_expressions = vec![expr("env", "Exists", &[])];
        assert!(sel.matches(&l));
        sel.match_expressions = vec![expr("env", "DoesNotExist", &[])];
        assert!(!sel.matches(&l));
        sel.match_expressions = vec![expr("env", "Bogus", &[])];
        assert!(!sel.matches(&l));
        sel.match_expressions = vec![expr("tier", "In", &["web"]), expr("gone", "Exists", &[])];
        assert!(!sel.matches(&l));
        assert_eq!(sel.display(), "tier in (web),gone");
    }

    #[test]
    fn int_or_percent_parse_and_scale() {
        assert_eq!(IntOrPercent::parse("80%"), Ok(IntOrPercent::Percent(80)));
        assert_eq!(IntOrPercent::parse("3"), Ok(IntOrPercent::Int(3)));
        assert!(IntOrPercent::parse("x%").is_err());
        assert!(IntOrPercent::parse("abc").is_err());
        assert_eq!(IntOrPercent::Percent(80).scaled(10), 8);
        assert_eq!(IntOrPercent::Percent(10).scaled(1), 1);
        assert_eq!(IntOrPercent::Percent(10).scaled(0), 0);
        assert_eq!(IntOrPercent::Percent(25).scaled(5), 2);
        assert_eq!(IntOrPercent::Percent(100).scaled(7), 7);
        assert_eq!(IntOrPercent::Int(2).scaled(100), 2);
        assert!(IntOrPercent::Percent(0).is_zero());
        assert!(!IntOrPercent::Int(1).is_zero());
    }

    #[test]
    fn int_or_percent_serde_is_kubernetes_shaped() {
        assert_eq!(
            serde_json::to_string(&IntOrPercent::Percent(80)).unwrap(),
            "\"80%\""
        );
        assert_eq!(serde_json::to_string(&IntOrPercent::Int(3)).unwrap(), "3");
        let v: IntOrPercent = serde_json::from_str("\"10%\"").unwrap();
        assert_eq!(v, IntOrPercent::Percent(10));
        let v: IntOrPercent = serde_json::from_str("0").unwrap();
        assert_eq!(v, IntOrPercent::Int(0));
    }

    #[test]
    fn budget_allowed_and_reasons() {
        let b = Budget {
            nodes: "10%".into(),
            ..Default::default()
        };
        assert_eq!(b.allowed_of(1), Some(1));
        assert_eq!(b.allowed_of(25), Some(3));
        assert!(b.applies_to("Drifted"));
        let b = Budget {
            nodes: "0".into(),
            reasons: Some(vec!["Underutilized".into()]),
            ..Default::default()
        };
        assert_eq!(b.allowed_of(5), Some(0));
        assert!(!b.applies_to("Drifted"));
        assert!(b.applies_to("underutilized"));
        let bad = Budget {
            nodes: "lots".into(),
            ..Default::default()
        };
        assert_eq!(bad.allowed_of(3), None);
    }

    #[test]
    fn trust_policy_article_document() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#;
        let st = parse_trust_policy(doc).unwrap();
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].effect, "Allow");
        assert_eq!(st[0].services, vec!["eks.amazonaws.com"]);
        assert_eq!(st[0].actions, vec!["sts:AssumeRole", "sts:TagSession"]);
        assert!(st[0].allows("eks.amazonaws.com", "sts:TagSession"));
        assert!(!st[0].allows("ec2.amazonaws.com", "sts:AssumeRole"));
    }

    #[test]
    fn trust_policy_url_encoded_single_statement_string_forms() {
        let doc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%5B%22ec2.amazonaws.com%22%5D%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D";
        let st = parse_trust_policy(doc).unwrap();
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].services, vec!["ec2.amazonaws.com"]);
        assert_eq!(st[0].actions, vec!["sts:AssumeRole"]);
        assert!(!st[0].allows("ec2.amazonaws.com", "sts:TagSession"));
    }

    #[test]
    fn trust_policy_errors_and_oddities() {
        assert!(parse_trust_policy("not json").is_err());
        assert!(parse_trust_policy("{}").is_err());
        assert!(parse_trust_policy(r#"{"Statement":[{"Action":"x"}]}"#).is_err());
        let st = parse_trust_policy(
            r#"{"Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:*"}]}"#,
        )
        .unwrap();
        assert!(st[0].services.is_empty());
        let wildcard = TrustStatement {
            effect: "Allow".into(),
            services: vec!["eks.amazonaws.com".into()],
            actions: vec!["sts:*".into()],
        };
        assert!(wildcard.allows("eks.amazonaws.com", "sts:TagSession"));
        let deny = TrustStatement {
            effect: "Deny".into(),
            ..wildcard
        };
        assert!(!deny.allows("eks.amazonaws.com", "sts:TagSession"));
    }

    #[test]
    fn quantities() {
        assert_eq!(parse_cpu_millis("15890m"), Some(15890));
        assert_eq!(parse_cpu_millis("16"), Some(16000));
        assert_eq!(parse_cpu_millis("0.5"), Some(500));
        assert_eq!(parse_cpu_millis("x"), None);
        assert_eq!(parse_memory_bytes("30853148Ki"), Some(30853148 * 1024));
        assert_eq!(parse_memory_bytes("256M"), Some(256_000_000));
        assert_eq!(parse_memory_bytes("1Gi"), Some(1 << 30));
        assert_eq!(parse_memory_bytes("1000"), Some(1000));
        assert_eq!(parse_memory_bytes("1e3"), Some(1000));
        assert_eq!(parse_memory_bytes("-1"), None);
    }

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
