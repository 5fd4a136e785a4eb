//! The pod `eviction` subresource and graceful pod deletion, as the API server does them: PDBs are
//! consulted (429 when no disruption is allowed, 500 when two budgets select the pod), a granted
//! eviction lowers `disruptionsAllowed` at once, and deletion sets `deletionTimestamp` so the pod
//! is Terminating until its grace period ends (the kubelet pass then removes it).

use std::sync::Arc;

use serde_json::{json, Value};

use super::pdb;
use super::pods::{is_ready, is_terminating};
use super::util::{labels, name, plus, selector_matches, str_at};
use crate::sim::store::Res;
use crate::sim::world::{rfc3339, World};

/// Why an eviction was refused, in the shape of the API's `Status` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvictionRefusal {
    pub code: u16,
    pub reason: String,
    pub message: String,
}

const PDB_VIOLATION: &str = "Cannot evict pod as it would violate the pod's disruption budget.";
const TWO_PDBS: &str =
    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";

/// Evicts a pod through its PodDisruptionBudget. On success the pod is Terminating.
pub fn evict_pod(
    world: &mut World,
    namespace: &str,
    name_: &str,
) -> Result<Arc<Value>, EvictionRefusal> {
    let pod = world
        .kube
        .get(Res::Pods, namespace, name_)
        .ok_or_else(|| EvictionRefusal {
            code: 404,
            reason: "NotFound".into(),
            message: format!("pods \"{name_}\" not found"),
        })?;
    if is_terminating(&pod) {
        return Ok(pod);
    }
    // the API server lets terminal and not-yet-running pods go without asking any budget
    let phase = str_at(&pod, &["status", "phase"]).unwrap_or("Pending");
    if matches!(phase, "Succeeded" | "Failed" | "Pending") {
        return delete_pod(world, namespace, name_, None).ok_or_else(|| gone(name_));
    }
    let pod_labels = labels(&pod);
    let pdbs: Vec<Arc<Value>> = world
        .kube
        .list(Res::PodDisruptionBudgets, Some(namespace))
        .into_iter()
        .filter(|p| selector_matches(&p["spec"]["selector"], &pod_labels))
        .collect();
    if pdbs.len() > 1 {
        return Err(EvictionRefusal {
            code: 500,
            reason: "InternalError".into(),
            message: TWO_PDBS.into(),
        });
    }
    if let Some(budget_obj) = pdbs.first() {
        let b = pdb::current(world, budget_obj);
        let healthy_pod = is_ready(&pod);
        if !healthy_pod {
            let ok = pdb::always_allow_unhealthy(budget_obj) || b.healthy >= b.desired;
            if !ok {
                return Err(refused());
            }
        } else {
            if b.allowed <= 0 {
                return Err(refused());
            }
            let now = world.now_rfc3339();
            let generation = budget_obj["metadata"]["generation"].clone();
            let pdb_name = name(budget_obj).to_string();
            let fresh = b;
            world
                .kube
                .update(Res::PodDisruptionBudgets, namespace, &pdb_name, |v| {
                    if v["status"]["observedGeneration"] != generation {
                        pdb::write_status(v, &fresh, &now);
                    }
                    v["status"]["disruptionsAllowed"] = json!(fresh.allowed - 1);
                    if !v["status"]["disruptedPods"].is_object() {
                        v["status"]["disruptedPods"] = json!({});
                    }
                    v["status"]["disruptedPods"][name_] = json!(now);
                });
        }
    }
    delete_pod(world, namespace, name_, None).ok_or_else(|| gone(name_))
}

fn refused() -> EvictionRefusal {
    EvictionRefusal {
        code: 429,
        reason: "TooManyRequests".into(),
        message: PDB_VIOLATION.into(),
    }
}

fn gone(name_: &str) -> EvictionRefusal {
    EvictionRefusal {
        code: 404,
        reason: "NotFound".into(),
        message: format!("pods \"{name_}\" not found"),
    }
}

/// Graceful delete: the pod gets `deletionTimestamp` = now + grace and is removed by the kubelet
/// pass when that moment comes. Grace 0, or a pod never bound to a node, goes at once. Returns the
/// pod as it is after the call (for an immediate delete: as it was removed).
pub fn delete_pod(
    world: &mut World,
    namespace: &str,
    name_: &str,
    grace_seconds: Option<i64>,
) -> Option<Arc<Value>> {
    let pod = world.kube.get(Res::Pods, namespace, name_)?;
    let grace = grace_seconds
        .unwrap_or(world.timings.pod_termination_s as i64)
        .max(0);
    let bound = str_at(&pod, &["spec", "nodeName"]).is_some_and(|n| !n.is_empty());
    if grace == 0 || !bound {
        return world.kube.delete(Res::Pods, namespace, name_);
    }
    if is_terminating(&pod) {
        return Some(pod);
    }
    let at = rfc3339(plus(world.now, grace));
    let updated = world.kube.update(Res::Pods, namespace, name_, |p| {
        p["metadata"]["deletionTimestamp"] = json!(at);
        p["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
    });
    if let Some(p) = &updated {
        let started = p["status"]["containerStatuses"]
            .as_array()
            .map(|cs| cs.iter().filter(|c| !c["state"]["running"].is_null()))
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str().map(str::to_string))
            .collect::<Vec<_>>();
        for c in started {
            let msg = format!("Stopping container {c}");
            super::events::emit(world, p, super::events::NORMAL, "Killing", &msg, "kubelet");
        }
    }
    updated
}
