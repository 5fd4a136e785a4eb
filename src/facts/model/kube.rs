//! What the Kubernetes API says: nodes, pods, PDBs, workloads, Karpenter's NodePools and
//! NodeClaims, events.

use jiff::Timestamp;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::k8s::{IntOrPercent, Keyed, LabelLookup, LabelSelector, Labels};

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

macro_rules! keyed {
    ($($t:ty),*) => {$(
        impl Keyed for $t {
            fn namespace(&self) -> &str {
                &self.namespace
            }
            fn name(&self) -> &str {
                &self.name
            }
        }
    )*};
}

keyed!(PodFacts, PdbFacts, EventFacts, WorkloadFacts);

#[cfg(test)]
mod tests {
    use super::*;

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
}
