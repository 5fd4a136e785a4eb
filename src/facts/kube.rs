//! Kubernetes lists of the preflight (nodes, pods, PDBs, Deployments, StatefulSets, karpenter.sh/v1
//! NodePools), all at once and page by page, converted into the facts model at the boundary.
//! Lists only: nothing is written.

use std::collections::BTreeMap;
use std::fmt::Debug;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Node, Pod, PodTemplateSpec};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::model::{
    parse_cpu_millis, parse_memory_bytes, Budget, Gathered, IntOrPercent, KubeFacts, LabelSelector,
    LabelSelectorRequirement, NodeFacts, NodePoolFacts, OwnerRef, PdbFacts, PdbStatus, PodFacts,
    Resources, WorkloadFacts,
};
use super::timed;
use crate::clients::Kube;
use crate::error::{chain, one_line, Error};

/// Objects per list page.
const PAGE: u32 = 1000;
const DO_NOT_DISRUPT: &str = "karpenter.sh/do-not-disrupt";

/// Why one list failed.
enum ListFailure {
    /// The resource is not served (404): treated as "there are none".
    NotServed,
    /// The API answered with an error (403, 500, ...): the facts are unavailable.
    Refused(String),
    /// No usable answer at all: the command stops.
    Fatal(Error),
}

/// Every Kubernetes list, concurrently. `kube` is `Err(reason)` when there is no kubeconfig.
pub async fn gather(kube: Result<&Kube, &str>) -> Result<Gathered<KubeFacts>, Error> {
    let kube = match kube {
        Ok(k) => k,
        Err(why) => return Ok(Gathered::Unavailable(why.to_string())),
    };
    let c = &kube.client;
    let np_resource = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("karpenter.sh", "v1", "NodePool"),
        "nodepools",
    );
    let lists = async {
        tokio::try_join!(
            list(kube, "nodes", Api::<Node>::all(c.clone()), node_facts),
            list(kube, "pods", Api::<Pod>::all(c.clone()), pod_facts),
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
            optional(list(
                kube,
                "statefulsets",
                Api::<StatefulSet>::all(c.clone()),
                statefulset_facts
            )),
            optional(list(
                kube,
                "nodepools.karpenter.sh",
                Api::<DynamicObject>::all_with(c.clone(), &np_resource),
                node_pool_facts
            )),
        )
    };
    match timed("Kubernetes lists", lists).await {
        Ok((nodes, pods, pdbs, mut workloads, statefulsets, node_pools)) => {
            workloads.extend(statefulsets);
            Ok(Gathered::Ok(KubeFacts {
                nodes,
                pods,
                pdbs,
                workloads,
                node_pools,
            }))
        }
        Err(ListFailure::Fatal(e)) => Err(e),
        Err(ListFailure::Refused(why)) => Ok(Gathered::Unavailable(why)),
        Err(ListFailure::NotServed) => Ok(Gathered::Unavailable(format!(
            "the Kubernetes API server at {} does not serve a core resource",
            kube.url
        ))),
    }
}

/// A list whose resource may not exist (no CRD, older API server): not served → empty.
async fn optional<T>(
    fut: impl std::future::Future<Output = Result<Vec<T>, ListFailure>>,
) -> Result<Vec<T>, ListFailure> {
    match fut.await {
        Err(ListFailure::NotServed) => Ok(Vec::new()),
        other => other,
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

fn list_failure(kube: &Kube, what: &str, e: kube::Error) -> ListFailure {
    match e {
        kube::Error::Api(status) => {
            let code = status.code;
            let msg = one_line(&status.message);
            match code {
                404 => ListFailure::NotServed,
                401 => ListFailure::Fatal(Error::Kubeconfig(format!(
                    "the Kubernetes API server at {} refused the credentials of context {} (401 Unauthorized) — check the kubeconfig's user, or run aws eks update-kubeconfig again",
                    kube.url, kube.context
                ))),
                403 => ListFailure::Refused(format!("access denied listing {what}: {msg}")),
                _ => ListFailure::Refused(format!("listing {what} failed ({code}): {msg}")),
            }
        }
        kube::Error::Auth(e) => ListFailure::Fatal(Error::Kubeconfig(format!(
            "cannot authenticate to the Kubernetes API server of context {}: {} — check the kubeconfig's user (aws eks get-token needs working AWS credentials)",
            kube.context,
            chain(&e)
        ))),
        kube::Error::SerdeError(e) => {
            ListFailure::Refused(format!("listing {what}: unreadable answer: {e}"))
        }
        other => ListFailure::Fatal(Error::Unreachable {
            what: "Kubernetes API server",
            url: kube.url.clone(),
            detail: crate::error::root_cause(&other),
            hint: "check --kubeconfig / --context and that the cluster endpoint is reachable",
        }),
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

fn node_facts(n: &Node) -> NodeFacts {
    let status = n.status.as_ref();
    let quantity = |map: Option<
        &BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    >,
                    key: &str| map.and_then(|m| m.get(key)).map(|q| q.0.clone());
    let allocatable = status.and_then(|s| s.allocatable.as_ref());
    let capacity = status.and_then(|s| s.capacity.as_ref());
    NodeFacts {
        name: n.metadata.name.clone().unwrap_or_default(),
        kubelet_version: status
            .and_then(|s| s.node_info.as_ref())
            .map(|i| i.kubelet_version.clone())
            .unwrap_or_default(),
        node_pool: label(&n.metadata, "karpenter.sh/nodepool"),
        ready: status
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True")),
        deleting: n.metadata.deletion_timestamp.is_some()
            || n.spec
                .as_ref()
                .and_then(|s| s.taints.as_ref())
                .is_some_and(|ts| ts.iter().any(|t| t.key == "karpenter.sh/disrupted")),
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
    }
}

fn pod_facts(p: &Pod) -> PodFacts {
    let owners = p.metadata.owner_references.as_deref().unwrap_or_default();
    let owner = owners
        .iter()
        .find(|o| o.controller == Some(true))
        .or_else(|| owners.first())
        .map(|o| OwnerRef {
            kind: o.kind.clone(),
            name: o.name.clone(),
        });
    let status = p.status.as_ref();
    PodFacts {
        namespace: p.metadata.namespace.clone().unwrap_or_default(),
        name: p.metadata.name.clone().unwrap_or_default(),
        labels: p.metadata.labels.clone().unwrap_or_default(),
        owner,
        node: p.spec.as_ref().and_then(|s| s.node_name.clone()),
        ready: status
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True")),
        terminating: p.metadata.deletion_timestamp.is_some(),
        do_not_disrupt: annotation_true(&p.metadata, DO_NOT_DISRUPT),
        phase: status.and_then(|s| s.phase.clone()).unwrap_or_default(),
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

fn pdb_facts(p: &PodDisruptionBudget) -> PdbFacts {
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

fn node_pool_facts(o: &DynamicObject) -> NodePoolFacts {
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
    fn pods_and_pdbs_convert() {
        let p: Pod = serde_json::from_value(serde_json::json!({
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
        let myapp = [("app".to_string(), "myapp".to_string())].into();
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
