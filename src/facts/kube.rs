//! Kubernetes lists of the preflight (nodes, pods, PDBs, Deployments, StatefulSets, karpenter.sh/v1
//! NodePools and NodeClaims), all at once and page by page, converted into the facts model at the
//! boundary. Each list stands on its own: one refused list is named, the others are kept. Lists
//! only: nothing is written.

use std::collections::BTreeMap;
use std::fmt::Debug;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Event as CoreEvent, Node, PodTemplateSpec};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::model::{
    Budget, EventFacts, Gathered, KubeFacts, KubeList, NodeClaimFacts, NodeFacts, NodePoolFacts,
    OwnerRef, PdbFacts, PdbStatus, PodFacts, Resources, WorkloadFacts,
};
use super::slim::{SlimPod, DO_NOT_DISRUPT};
use super::timed;
use crate::clients::Kube;
use crate::error::{chain, one_line, root_cause};
use crate::k8s::{
    parse_cpu_millis, parse_memory_bytes, IntOrPercent, LabelSelector, LabelSelectorRequirement,
};

/// The taint Auto Mode puts on a node it is replacing.
pub const DISRUPTED_TAINT: &str = "karpenter.sh/disrupted";

/// Objects per list page.
const PAGE: u32 = 1000;

/// Why one list failed.
enum ListFailure {
    /// The resource is not served (404): no CRD, or an older API server.
    NotServed,
    /// The API answered this list with an error (403, 500, ...): only this list is missing.
    Refused(String),
    /// No usable answer at all (unreachable, credentials refused): the whole API is unavailable.
    Unusable(String),
}

/// Every Kubernetes list, concurrently and each on its own. `kube` is `Err(reason)` when there is
/// no kubeconfig. The API as a whole is unavailable when it cannot be reached or refuses the
/// credentials; a list it refuses (403, ...) is only named in `unreadable`.
pub async fn gather(kube: Result<&Kube, &str>) -> Gathered<KubeFacts> {
    let kube = match kube {
        Ok(k) => k,
        Err(why) => return Gathered::Unavailable(why.to_string()),
    };
    let c = &kube.client;
    let crd = |kind: &str, plural: &str| {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk("karpenter.sh", "v1", kind),
            plural,
        )
    };
    let (np_resource, nc_resource) = (crd("NodePool", "nodepools"), crd("NodeClaim", "nodeclaims"));
    let lists = async {
        tokio::join!(
            list(kube, "nodes", Api::<Node>::all(c.clone()), node_facts),
            list(kube, "pods", Api::<SlimPod>::all(c.clone()), pod_facts),
            list(
                kube,
                "poddisruptionbudgets",
                Api::<PodDisruptionBudget>::all(c.clone()),
                pdb_facts
            ),
            list(
                kube,
                "deployments",
                Api::<Deployment>::all(c.clone()),
                deployment_facts
            ),
            list(
                kube,
                "statefulsets",
                Api::<StatefulSet>::all(c.clone()),
                statefulset_facts
            ),
            list(
                kube,
                "nodepools.karpenter.sh",
                Api::<DynamicObject>::all_with(c.clone(), &np_resource),
                node_pool_facts
            ),
            list(
                kube,
                "nodeclaims.karpenter.sh",
                Api::<DynamicObject>::all_with(c.clone(), &nc_resource),
                node_claim_facts
            ),
        )
    };
    let (nodes, pods, pdbs, deployments, statefulsets, node_pools, node_claims) =
        timed("Kubernetes lists", lists).await;
    let mut sorter = Sorter::default();
    let mut facts = KubeFacts {
        nodes: sorter.take(KubeList::Nodes, nodes, false),
        pods: sorter.take(KubeList::Pods, pods, false),
        pdbs: sorter.take(KubeList::Pdbs, pdbs, false),
        workloads: sorter.take(KubeList::Workloads, deployments, false),
        // Served by every real API server; an emulator or a trimmed server may not.
        node_pools: sorter.take(KubeList::NodePools, node_pools, true),
        node_claims: sorter.take(KubeList::NodeClaims, node_claims, true),
        unreadable: Default::default(),
    };
    facts
        .workloads
        .extend(sorter.take(KubeList::Workloads, statefulsets, true));
    // No list read at all: the API itself is unusable. A transport failure on some lists only
    // (a read timeout deep in a long list) costs those lists, not the ones already read.
    if let Some(why) = sorter.unusable.filter(|_| !sorter.any_read) {
        return Gathered::Unavailable(why);
    }
    facts.unreadable = sorter.unreadable;
    Gathered::Ok(facts)
}

/// Sorts the outcome of each list into its values, an unreadable list, or an unusable API.
#[derive(Default)]
struct Sorter {
    unreadable: BTreeMap<KubeList, String>,
    unusable: Option<String>,
    /// Some list was answered (even "not served").
    any_read: bool,
}

impl Sorter {
    /// The list's values; `optional` lists that are not served count as empty.
    fn take<T>(
        &mut self,
        which: KubeList,
        r: Result<Vec<T>, ListFailure>,
        optional: bool,
    ) -> Vec<T> {
        let why = match r {
            Ok(v) => {
                self.any_read = true;
                return v;
            }
            Err(ListFailure::NotServed) if optional => {
                self.any_read = true;
                return Vec::new();
            }
            Err(ListFailure::NotServed) => {
                self.any_read = true;
                format!("{} is not served by the API server (404)", which.name())
            }
            Err(ListFailure::Refused(why)) => {
                self.any_read = true;
                why
            }
            Err(ListFailure::Unusable(why)) => {
                self.unusable.get_or_insert(why.clone());
                why
            }
        };
        self.unreadable.entry(which).or_insert(why);
        Vec::new()
    }
}

/// Lists every object of one kind, page by page, converting each page as it arrives.
async fn list<K, T>(
    kube: &Kube,
    what: &'static str,
    api: Api<K>,
    convert: fn(&K) -> T,
) -> Result<Vec<T>, ListFailure>
where
    K: Clone + DeserializeOwned + Debug,
{
    let mut params = ListParams::default().limit(PAGE);
    let mut out = Vec::new();
    loop {
        let page = api
            .list(&params)
            .await
            .map_err(|e| list_failure(kube, what, e))?;
        out.extend(page.items.iter().map(convert));
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => break,
        }
    }
    tracing::debug!(what, count = out.len(), "listed");
    Ok(out)
}

/// The one sentence for credentials the API server refuses (lists, watches).
pub fn refused_credentials(url: &str, context: &str) -> String {
    format!(
        "the Kubernetes API server at {url} refused the credentials of context {context} (401 Unauthorized): check the kubeconfig's user and the cluster's access entries, or run aws eks update-kubeconfig again"
    )
}

/// The one sentence for a watch the API server forbids (fresh credentials too).
pub fn forbidden_watch(url: &str, context: &str, what: &str) -> String {
    format!(
        "the Kubernetes API server at {url} denied context {context} the watch of {what} (403 Forbidden): check the access policies of its access entry, or its RBAC"
    )
}

fn list_failure(kube: &Kube, what: &str, e: kube::Error) -> ListFailure {
    match e {
        kube::Error::Api(status) => {
            let code = status.code;
            let msg = one_line(&status.message);
            match code {
                404 => ListFailure::NotServed,
                401 => ListFailure::Unusable(refused_credentials(&kube.url, &kube.context)),
                403 => ListFailure::Refused(format!("access denied listing {what}: {msg}")),
                _ => ListFailure::Refused(format!("listing {what} failed ({code}): {msg}")),
            }
        }
        kube::Error::Auth(e) => ListFailure::Unusable(format!(
            "cannot authenticate to the Kubernetes API server of context {}: {} (aws eks get-token needs working AWS credentials)",
            kube.context,
            chain(&e)
        )),
        kube::Error::SerdeError(e) => {
            ListFailure::Refused(format!("listing {what}: unreadable answer: {e}"))
        }
        other => ListFailure::Unusable(format!(
            "cannot reach the Kubernetes API server at {}: {}",
            kube.url,
            root_cause(&other)
        )),
    }
}

fn annotation_true(meta: &meta::ObjectMeta, key: &str) -> bool {
    meta.annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .is_some_and(|v| v == "true")
}

fn label(meta: &meta::ObjectMeta, key: &str) -> Option<String> {
    meta.labels.as_ref().and_then(|l| l.get(key)).cloned()
}

pub fn node_facts(n: &Node) -> NodeFacts {
    let status = n.status.as_ref();
    let quantity = |map: Option<
        &BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    >,
                    key: &str| map.and_then(|m| m.get(key)).map(|q| q.0.clone());
    let allocatable = status.and_then(|s| s.allocatable.as_ref());
    let capacity = status.and_then(|s| s.capacity.as_ref());
    let ready = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
    let disrupted = n
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .and_then(|ts| ts.iter().find(|t| t.key == DISRUPTED_TAINT));
    NodeFacts {
        name: n.metadata.name.clone().unwrap_or_default(),
        kubelet_version: status
            .and_then(|s| s.node_info.as_ref())
            .map(|i| i.kubelet_version.clone())
            .unwrap_or_default(),
        node_pool: label(&n.metadata, "karpenter.sh/nodepool"),
        ready: ready.is_some_and(|c| c.status == "True"),
        ready_since: ready.and_then(|c| time(c.last_transition_time.as_ref())),
        deleting: n.metadata.deletion_timestamp.is_some() || disrupted.is_some(),
        do_not_disrupt: annotation_true(&n.metadata, DO_NOT_DISRUPT),
        instance_type: label(&n.metadata, "node.kubernetes.io/instance-type"),
        zone: label(&n.metadata, "topology.kubernetes.io/zone"),
        cpu_allocatable_millis: quantity(allocatable, "cpu")
            .and_then(|q| parse_cpu_millis(&q))
            .unwrap_or(0),
        memory_allocatable_bytes: quantity(allocatable, "memory")
            .and_then(|q| parse_memory_bytes(&q))
            .unwrap_or(0),
        cpu_capacity_millis: quantity(capacity, "cpu")
            .and_then(|q| parse_cpu_millis(&q))
            .unwrap_or(0),
        memory_capacity_bytes: quantity(capacity, "memory")
            .and_then(|q| parse_memory_bytes(&q))
            .unwrap_or(0),
        pods_allocatable: quantity(allocatable, "pods")
            .and_then(|q| q.trim().parse().ok())
            .unwrap_or(0),
        created: time(n.metadata.creation_timestamp.as_ref()),
        deletion: time(n.metadata.deletion_timestamp.as_ref()),
        unschedulable: n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true),
        disrupted: disrupted.is_some(),
        disrupted_since: disrupted.and_then(|t| time(t.time_added.as_ref())),
        capacity_type: label(&n.metadata, "karpenter.sh/capacity-type"),
    }
}

fn time(t: Option<&meta::Time>) -> Option<jiff::Timestamp> {
    t.map(|t| t.0)
}

pub fn pod_facts(p: &SlimPod) -> PodFacts {
    let owners = p.metadata.owner_references.as_deref().unwrap_or_default();
    let owner = owners
        .iter()
        .find(|o| o.controller == Some(true))
        .or_else(|| owners.first())
        .map(|o| OwnerRef {
            kind: o.kind.clone(),
            name: o.name.clone(),
        });
    PodFacts {
        namespace: p.metadata.namespace.clone().unwrap_or_default(),
        name: p.metadata.name.clone().unwrap_or_default(),
        labels: p.metadata.labels.clone().unwrap_or_default().into(),
        owner,
        node: p.node_name.clone(),
        ready: p.ready,
        terminating: p.metadata.deletion_timestamp.is_some(),
        do_not_disrupt: annotation_true(&p.metadata, DO_NOT_DISRUPT),
        phase: p.phase.clone().unwrap_or_default(),
        created: time(p.metadata.creation_timestamp.as_ref()),
        restarts: p.restarts,
        cpu_request_millis: p.cpu_request_millis,
        memory_request_bytes: p.memory_request_bytes,
    }
}

fn selector(s: Option<&meta::LabelSelector>) -> LabelSelector {
    let Some(s) = s else {
        return LabelSelector::default();
    };
    LabelSelector {
        match_labels: s.match_labels.clone().unwrap_or_default(),
        match_expressions: s
            .match_expressions
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|e| LabelSelectorRequirement {
                key: e.key.clone(),
                operator: e.operator.clone(),
                values: e.values.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

fn int_or_percent(v: Option<&IntOrString>) -> Option<IntOrPercent> {
    match v? {
        IntOrString::Int(n) => Some(IntOrPercent::Int(*n)),
        IntOrString::String(s) => IntOrPercent::parse(s).ok(),
    }
}

pub fn pdb_facts(p: &PodDisruptionBudget) -> PdbFacts {
    let spec = p.spec.as_ref();
    PdbFacts {
        namespace: p.metadata.namespace.clone().unwrap_or_default(),
        name: p.metadata.name.clone().unwrap_or_default(),
        selector: spec
            .and_then(|s| s.selector.as_ref())
            .map(|s| selector(Some(s))),
        min_available: int_or_percent(spec.and_then(|s| s.min_available.as_ref())),
        max_unavailable: int_or_percent(spec.and_then(|s| s.max_unavailable.as_ref())),
        unhealthy_pod_eviction_policy: spec.and_then(|s| s.unhealthy_pod_eviction_policy.clone()),
        status: p.status.as_ref().map(|s| PdbStatus {
            expected_pods: s.expected_pods,
            current_healthy: s.current_healthy,
            desired_healthy: s.desired_healthy,
            disruptions_allowed: s.disruptions_allowed,
        }),
    }
}

fn workload(
    kind: &str,
    m: &meta::ObjectMeta,
    replicas: Option<i32>,
    sel: &meta::LabelSelector,
    template: &PodTemplateSpec,
) -> WorkloadFacts {
    use super::model::{ContainerFacts, TopologyTerm};
    let spec = template.spec.as_ref();
    let term = |key: &str, sel: Option<&meta::LabelSelector>| TopologyTerm {
        topology_key: key.to_string(),
        selector: sel.map(|s| selector(Some(s))),
    };
    let anti = spec
        .and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.pod_anti_affinity.as_ref());
    let required = anti
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_deref()
        })
        .unwrap_or_default();
    let preferred = anti
        .and_then(|a| {
            a.preferred_during_scheduling_ignored_during_execution
                .as_deref()
        })
        .unwrap_or_default();
    WorkloadFacts {
        kind: kind.into(),
        namespace: m.namespace.clone().unwrap_or_default(),
        name: m.name.clone().unwrap_or_default(),
        replicas: Some(replicas.unwrap_or(1)),
        selector: selector(Some(sel)),
        pod_template_labels: template
            .metadata
            .as_ref()
            .and_then(|m| m.labels.clone())
            .unwrap_or_default(),
        containers: spec
            .map(|s| {
                s.containers
                    .iter()
                    .map(|c| ContainerFacts {
                        name: c.name.clone(),
                        readiness_probe: c.readiness_probe.is_some(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        topology_spread: spec
            .and_then(|s| s.topology_spread_constraints.as_deref())
            .unwrap_or_default()
            .iter()
            .map(|c| term(&c.topology_key, c.label_selector.as_ref()))
            .collect(),
        pod_anti_affinity: required
            .iter()
            .chain(preferred.iter().map(|w| &w.pod_affinity_term))
            .map(|t| term(&t.topology_key, t.label_selector.as_ref()))
            .collect(),
    }
}

fn deployment_facts(d: &Deployment) -> WorkloadFacts {
    let spec = d.spec.clone().unwrap_or_default();
    workload(
        "Deployment",
        &d.metadata,
        spec.replicas,
        &spec.selector,
        &spec.template,
    )
}

fn statefulset_facts(s: &StatefulSet) -> WorkloadFacts {
    let spec = s.spec.clone().unwrap_or_default();
    workload(
        "StatefulSet",
        &s.metadata,
        spec.replicas,
        &spec.selector,
        &spec.template,
    )
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

pub fn node_pool_facts(o: &DynamicObject) -> NodePoolFacts {
    let d = &o.data;
    let budgets = match d
        .pointer("/spec/disruption/budgets")
        .and_then(Value::as_array)
    {
        Some(bs) => bs
            .iter()
            .map(|b| Budget {
                nodes: match b.get("nodes") {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => "10%".into(),
                },
                schedule: str_at(b, &["schedule"]).map(str::to_string),
                duration: str_at(b, &["duration"]).map(str::to_string),
                reasons: b.get("reasons").and_then(Value::as_array).map(|rs| {
                    rs.iter()
                        .filter_map(|r| r.as_str().map(str::to_string))
                        .collect()
                }),
            })
            .collect(),
        None => vec![Budget {
            nodes: "10%".into(),
            ..Default::default()
        }],
    };
    let resources = |path: &str| {
        let r = d.pointer(path);
        let text = |k: &str| {
            r.and_then(|r| r.get(k)).and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        Resources {
            cpu_millis: text("cpu").and_then(|q| parse_cpu_millis(&q)),
            memory_bytes: text("memory").and_then(|q| parse_memory_bytes(&q)),
        }
    };
    NodePoolFacts {
        name: o.metadata.name.clone().unwrap_or_default(),
        budgets,
        limits: resources("/spec/limits"),
        usage: resources("/status/resources"),
        expire_after: str_at(d, &["spec", "template", "spec", "expireAfter"]).map(str::to_string),
        termination_grace_period: str_at(
            d,
            &["spec", "template", "spec", "terminationGracePeriod"],
        )
        .map(str::to_string),
    }
}

pub fn node_claim_facts(o: &DynamicObject) -> NodeClaimFacts {
    let d = &o.data;
    let drifted = d
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| {
            cs.iter().find(|c| {
                str_at(c, &["type"]) == Some("Drifted") && str_at(c, &["status"]) == Some("True")
            })
        });
    NodeClaimFacts {
        name: o.metadata.name.clone().unwrap_or_default(),
        node_name: str_at(d, &["status", "nodeName"]).map(str::to_string),
        node_pool: label(&o.metadata, "karpenter.sh/nodepool"),
        termination_grace_period: str_at(d, &["spec", "terminationGracePeriod"])
            .map(str::to_string),
        expire_after: str_at(d, &["spec", "expireAfter"]).map(str::to_string),
        created: time(o.metadata.creation_timestamp.as_ref()),
        deletion: time(o.metadata.deletion_timestamp.as_ref()),
        drifted: drifted.is_some(),
        drifted_since: drifted
            .and_then(|c| str_at(c, &["lastTransitionTime"]))
            .and_then(|t| t.parse().ok()),
    }
}

/// One core/v1 Event, as the live views keep it.
pub fn event_facts(e: &CoreEvent) -> EventFacts {
    let involved = &e.involved_object;
    EventFacts {
        namespace: e.metadata.namespace.clone().unwrap_or_default(),
        name: e.metadata.name.clone().unwrap_or_default(),
        type_: e.type_.clone().unwrap_or_default(),
        reason: e.reason.clone().unwrap_or_default(),
        message: e.message.clone().unwrap_or_default(),
        object_kind: involved.kind.clone().unwrap_or_default(),
        object_name: involved.name.clone().unwrap_or_default(),
        component: e
            .reporting_component
            .clone()
            .filter(|c| !c.is_empty())
            .or_else(|| e.source.as_ref().and_then(|s| s.component.clone()))
            .unwrap_or_default(),
        count: e.count.unwrap_or(1),
        last_seen: time(e.last_timestamp.as_ref())
            .or_else(|| e.event_time.as_ref().map(|t| t.0))
            .or_else(|| time(e.metadata.creation_timestamp.as_ref())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_pool_budgets_and_defaults() {
        let o: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "karpenter.sh/v1", "kind": "NodePool",
            "metadata": {"name": "general-purpose"},
            "spec": {"disruption": {"budgets": [{"nodes": "0", "reasons": ["Drifted"]}, {"nodes": 3}]},
                     "limits": {"cpu": "1000", "memory": "1000Gi"},
                     "template": {"spec": {"expireAfter": "336h"}}},
            "status": {"resources": {"cpu": "16"}}
        }))
        .unwrap();
        let f = node_pool_facts(&o);
        assert_eq!(f.name, "general-purpose");
        assert_eq!(f.budgets[0].nodes, "0");
        assert_eq!(
            f.budgets[0].reasons.as_deref(),
            Some(&["Drifted".to_string()][..])
        );
        assert_eq!(f.budgets[1].nodes, "3");
        assert_eq!(f.limits.cpu_millis, Some(1_000_000));
        assert_eq!(f.usage.cpu_millis, Some(16_000));
        assert_eq!(f.usage.memory_bytes, None);
        assert_eq!(f.expire_after.as_deref(), Some("336h"));

        let bare: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": "x"}
        }))
        .unwrap();
        assert_eq!(node_pool_facts(&bare).budgets[0].nodes, "10%");
    }

    #[test]
    fn workloads_convert_probes_spread_and_anti_affinity() {
        let d: Deployment = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "myapp", "namespace": "default"},
            "spec": {
                "replicas": 10,
                "selector": {"matchLabels": {"app": "myapp"}},
                "template": {
                    "metadata": {"labels": {"app": "myapp"}},
                    "spec": {
                        "containers": [
                            {"name": "web", "readinessProbe": {"httpGet": {"path": "/", "port": 80}}},
                            {"name": "sidecar"}
                        ],
                        "topologySpreadConstraints": [
                            {"maxSkew": 2, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule",
                             "labelSelector": {"matchLabels": {"app": "host-zone-spread"}}},
                            {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"}
                        ],
                        "affinity": {"podAntiAffinity": {
                            "requiredDuringSchedulingIgnoredDuringExecution": [
                                {"topologyKey": "topology.kubernetes.io/zone", "labelSelector": {"matchLabels": {"app": "other"}}}
                            ],
                            "preferredDuringSchedulingIgnoredDuringExecution": [
                                {"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                 "labelSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["myapp"]}]}}}
                            ]
                        }}
                    }
                }
            }
        }))
        .unwrap();
        let w = deployment_facts(&d);
        assert_eq!((w.kind.as_str(), w.replicas), ("Deployment", Some(10)));
        let probes: Vec<_> = w
            .containers
            .iter()
            .map(|c| (c.name.as_str(), c.readiness_probe))
            .collect();
        assert_eq!(probes, [("web", true), ("sidecar", false)]);
        let spread: Vec<_> = w
            .topology_spread
            .iter()
            .map(|t| (t.topology_key.as_str(), t.selector_display()))
            .collect();
        assert_eq!(
            spread,
            [
                ("kubernetes.io/hostname", "app=host-zone-spread".to_string()),
                ("topology.kubernetes.io/zone", "<none>".to_string()),
            ]
        );
        let anti: Vec<_> = w
            .pod_anti_affinity
            .iter()
            .map(|t| (t.topology_key.as_str(), t.selector_display()))
            .collect();
        assert_eq!(
            anti,
            [
                ("topology.kubernetes.io/zone", "app=other".to_string()),
                ("kubernetes.io/hostname", "app in (myapp)".to_string()),
            ]
        );
        assert!(w.spreads_over("kubernetes.io/hostname"));
        assert!(!w.spreads_over("topology.kubernetes.io/zone"));

        let s: StatefulSet = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "db", "namespace": "data"},
            "spec": {"selector": {"matchLabels": {"app": "db"}}, "serviceName": "db",
                     "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "pg"}]}}}
        }))
        .unwrap();
        let w = statefulset_facts(&s);
        assert_eq!((w.kind.as_str(), w.replicas), ("StatefulSet", Some(1)));
        assert!(!w.containers[0].readiness_probe);
        assert!(w.topology_spread.is_empty() && w.pod_anti_affinity.is_empty());
    }

    #[test]
    fn a_transport_failure_costs_its_list_unless_nothing_was_read() {
        let mut some = Sorter::default();
        let pods: Vec<u8> = some.take(
            KubeList::Pods,
            Err(ListFailure::Unusable("read timed out".into())),
            false,
        );
        assert!(pods.is_empty());
        assert_eq!(some.take(KubeList::Nodes, Ok(vec![1u8]), false), [1]);
        assert!(some.any_read && some.unusable.is_some());
        assert_eq!(some.unreadable[&KubeList::Pods], "read timed out");

        let mut none = Sorter::default();
        let _: Vec<u8> = none.take(
            KubeList::Pods,
            Err(ListFailure::Unusable("refused".into())),
            false,
        );
        let _: Vec<u8> = none.take(
            KubeList::Nodes,
            Err(ListFailure::Unusable("refused".into())),
            false,
        );
        assert!(!none.any_read);
        // a resource that is not served was still answered: the API is up
        let mut served = Sorter::default();
        let _: Vec<u8> = served.take(KubeList::NodeClaims, Err(ListFailure::NotServed), true);
        assert!(served.any_read && served.unreadable.is_empty());
    }

    #[test]
    fn pods_and_pdbs_convert() {
        let p: SlimPod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "a", "namespace": "default",
                         "annotations": {"karpenter.sh/do-not-disrupt": "true"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "u", "controller": true}]},
            "spec": {"nodeName": "n1", "containers": []},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
        }))
        .unwrap();
        let f = pod_facts(&p);
        assert!(f.ready && f.do_not_disrupt && !f.terminating);
        assert_eq!(f.owner.unwrap().kind, "ReplicaSet");
        assert_eq!(f.node.as_deref(), Some("n1"));

        let pdb: PodDisruptionBudget = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p", "namespace": "default"},
            "spec": {"minAvailable": "80%", "selector": {"matchLabels": {"app": "myapp"}}},
            "status": {"expectedPods": 10, "currentHealthy": 10, "desiredHealthy": 8, "disruptionsAllowed": 2}
        }))
        .unwrap();
        let f = pdb_facts(&pdb);
        assert_eq!(f.min_available, Some(IntOrPercent::Percent(80)));
        assert_eq!(f.status.as_ref().unwrap().disruptions_allowed, 2);
        assert_eq!(f.selector_display(), "app=myapp");
        let myapp: BTreeMap<String, String> = [("app".to_string(), "myapp".to_string())].into();
        assert!(f.selects(&myapp));

        // policy/v1: a null selector selects no pods, an empty one selects them all.
        let null: PodDisruptionBudget = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "n", "namespace": "default"}, "spec": {"minAvailable": 1}
        }))
        .unwrap();
        assert!(!pdb_facts(&null).selects(&myapp));
        let empty: PodDisruptionBudget = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "e", "namespace": "default"}, "spec": {"minAvailable": 1, "selector": {}}
        }))
        .unwrap();
        assert!(pdb_facts(&empty).selects(&myapp));
    }
}
