//! The pod `eviction` subresource and graceful pod deletion, as the API server does them: PDBs are
//! consulted through the status the disruption controller last wrote (429 while that status lags
//! the budget's generation or allows nothing, 500 when two budgets select the pod), a granted
//! eviction lowers `disruptionsAllowed` at once (and turns DisruptionAllowed False when it reaches
//! 0), and deletion sets `deletionTimestamp` and `deletionGracePeriodSeconds` so the pod is
//! Terminating until its grace period ends (the kubelet pass then removes it). The grace is the
//! request's, else the pod's `terminationGracePeriodSeconds`. A dry run answers the same and
//! changes nothing.

use std::sync::Arc;

use serde_json::{json, Value};

use super::pods::{is_ready, is_terminating};
use super::util::{labels, name, plus, selector_matches, set_condition, str_at};
use crate::store::Res;
use crate::world::{rfc3339, World};

/// Why an eviction was refused, in the shape of the API's `Status` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvictionRefusal {
    pub code: u16,
    pub reason: String,
    pub message: String,
    /// The `DisruptionBudget` cause the API server attaches to a 429.
    pub cause: Option<String>,
    /// `details.retryAfterSeconds` of a 429, when the API server gives one.
    pub retry_after: Option<u64>,
}

/// How an eviction or a delete was asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// `gracePeriodSeconds` of the request (query or DeleteOptions body); `None`: the pod's own.
    pub grace_seconds: Option<i64>,
    /// `dryRun: [All]`: answer as if, store nothing.
    pub dry_run: bool,
}

const PDB_VIOLATION: &str = "Cannot evict pod as it would violate the pod's disruption budget.";
const TWO_PDBS: &str =
    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";
/// More evictions not yet confirmed by the disruption controller than this are refused.
const MAX_DISRUPTED_PODS: usize = 2000;

/// Evicts a pod through its PodDisruptionBudget, with the pod's own grace period. On success the
/// pod is Terminating.
pub fn evict_pod(
    world: &mut World,
    namespace: &str,
    name_: &str,
) -> Result<Arc<Value>, EvictionRefusal> {
    evict(world, namespace, name_, DeleteOptions::default())
}

/// Evicts a pod as `POST pods/{name}/eviction` asks: the answer (the pod as it is, or would be,
/// after the eviction) or the refusal.
pub fn evict(
    world: &mut World,
    namespace: &str,
    name_: &str,
    opts: DeleteOptions,
) -> Result<Arc<Value>, EvictionRefusal> {
    let pod = world
        .kube
        .get(Res::Pods, namespace, name_)
        .ok_or_else(|| gone(name_))?;
    // the API server lets terminating, terminal and not-yet-running pods go without asking any
    // budget
    let phase = str_at(&pod, &["status", "phase"]).unwrap_or("Pending");
    if is_terminating(&pod) || matches!(phase, "Succeeded" | "Failed" | "Pending") {
        return delete(world, namespace, name_, opts).ok_or_else(|| gone(name_));
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
            cause: None,
            retry_after: None,
        });
    }
    if let Some(budget) = pdbs.first() {
        let status = &budget["status"];
        let n = |k: &str| status[k].as_i64().unwrap_or(0);
        let unhealthy_may_go = !is_ready(&pod)
            && (super::pdb::always_allow_unhealthy(budget)
                || (n("currentHealthy") >= n("desiredHealthy") && n("desiredHealthy") > 0));
        if !unhealthy_may_go {
            check_and_decrement(world, budget, name_, opts.dry_run)?;
        }
    }
    delete(world, namespace, name_, opts).ok_or_else(|| gone(name_))
}

/// The budget's verdict from its status, as the eviction subresource reads it; a granted eviction
/// (not a dry run) is recorded in the status at once.
fn check_and_decrement(
    world: &mut World,
    budget: &Value,
    pod: &str,
    dry_run: bool,
) -> Result<(), EvictionRefusal> {
    let pdb_name = name(budget).to_string();
    let status = &budget["status"];
    let n = |k: &str| status[k].as_i64().unwrap_or(0);
    let generation = budget["metadata"]["generation"].as_i64().unwrap_or(0);
    if n("observedGeneration") < generation {
        return Err(refused(
            format!("The disruption budget {pdb_name} is still being processed by the server."),
            Some(10),
        ));
    }
    let forbidden = |why: &str| EvictionRefusal {
        code: 403,
        reason: "Forbidden".into(),
        message: format!("poddisruptionbudgets.policy \"{pdb_name}\" is forbidden: {why}"),
        cause: None,
        retry_after: None,
    };
    let allowed = n("disruptionsAllowed");
    if allowed < 0 {
        return Err(forbidden("pdb disruptions allowed is negative"));
    }
    if status["disruptedPods"]
        .as_object()
        .is_some_and(|d| d.len() > MAX_DISRUPTED_PODS)
    {
        return Err(forbidden(
            "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
        ));
    }
    if allowed == 0 {
        return Err(refused(
            format!(
                "The disruption budget {pdb_name} needs {} healthy pods and has {} currently",
                n("desiredHealthy"),
                n("currentHealthy")
            ),
            None,
        ));
    }
    if dry_run {
        return Ok(());
    }
    let now = world.now;
    let namespace = budget["metadata"]["namespace"].as_str().unwrap_or("");
    world
        .kube
        .update(Res::PodDisruptionBudgets, namespace, &pdb_name, |v| {
            v["status"]["disruptionsAllowed"] = json!(allowed - 1);
            if allowed - 1 == 0 {
                let observed = v["status"]["observedGeneration"].clone();
                set_condition(v, "DisruptionAllowed", "False", "InsufficientPods", "", now);
                if let Some(c) = v["status"]["conditions"]
                    .as_array_mut()
                    .and_then(|cs| cs.iter_mut().find(|c| c["type"] == "DisruptionAllowed"))
                {
                    c["observedGeneration"] = observed;
                }
            }
            if !v["status"]["disruptedPods"].is_object() {
                v["status"]["disruptedPods"] = json!({});
            }
            v["status"]["disruptedPods"][pod] = json!(rfc3339(now));
        });
    Ok(())
}

fn refused(cause: String, retry_after: Option<u64>) -> EvictionRefusal {
    EvictionRefusal {
        code: 429,
        reason: "TooManyRequests".into(),
        message: PDB_VIOLATION.into(),
        cause: Some(cause),
        retry_after,
    }
}

fn gone(name_: &str) -> EvictionRefusal {
    EvictionRefusal {
        code: 404,
        reason: "NotFound".into(),
        message: format!("pods \"{name_}\" not found"),
        cause: None,
        retry_after: None,
    }
}

/// The grace period a delete of `pod` gets: the request's, else the pod's
/// `terminationGracePeriodSeconds` (30 when unset); 0 for a pod never bound to a node or already
/// finished; a negative request counts as 1 (as the API server's pod strategy does).
pub fn grace_for(pod: &Value, requested: Option<i64>) -> i64 {
    let bound = str_at(pod, &["spec", "nodeName"]).is_some_and(|n| !n.is_empty());
    let finished = matches!(
        str_at(pod, &["status", "phase"]),
        Some("Succeeded") | Some("Failed")
    );
    if !bound || finished {
        return 0;
    }
    let grace = requested
        .or_else(|| pod["spec"]["terminationGracePeriodSeconds"].as_i64())
        .unwrap_or(30);
    if grace < 0 {
        1
    } else {
        grace
    }
}

/// Graceful delete with the pod's own grace period (see `delete`).
pub fn delete_pod(
    world: &mut World,
    namespace: &str,
    name_: &str,
    grace_seconds: Option<i64>,
) -> Option<Arc<Value>> {
    delete(
        world,
        namespace,
        name_,
        DeleteOptions {
            grace_seconds,
            dry_run: false,
        },
    )
}

/// Graceful delete: the pod gets `deletionTimestamp` = now + grace and `deletionGracePeriodSeconds`
/// and is removed by the kubelet pass when that moment comes; a later delete may shorten the
/// grace, never lengthen it. Grace 0 goes at once. Returns the pod as it is after the call (for an
/// immediate delete: as it was removed); with `dry_run`, as it would be, and nothing changes.
pub fn delete(
    world: &mut World,
    namespace: &str,
    name_: &str,
    opts: DeleteOptions,
) -> Option<Arc<Value>> {
    let pod = world.kube.get(Res::Pods, namespace, name_)?;
    let grace = grace_for(&pod, opts.grace_seconds);
    if grace == 0 {
        return if opts.dry_run {
            Some(pod)
        } else {
            world.kube.delete(Res::Pods, namespace, name_)
        };
    }
    let at = plus(world.now, grace);
    if let Some(current) = super::util::deletion(&pod) {
        if current <= at {
            return Some(pod);
        }
    }
    let was_terminating = is_terminating(&pod);
    let mark = |p: &mut Value| {
        p["metadata"]["deletionTimestamp"] = json!(rfc3339(at));
        p["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
    };
    if opts.dry_run {
        let mut p = (*pod).clone();
        mark(&mut p);
        return Some(Arc::new(p));
    }
    let updated = world.kube.update(Res::Pods, namespace, name_, mark);
    if let Some(p) = updated.as_ref().filter(|_| !was_terminating) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grace_comes_from_the_request_then_the_pod() {
        let pod = json!({"spec": {"nodeName": "n", "terminationGracePeriodSeconds": 90},
            "status": {"phase": "Running"}});
        assert_eq!(grace_for(&pod, None), 90);
        assert_eq!(grace_for(&pod, Some(5)), 5);
        assert_eq!(grace_for(&pod, Some(-1)), 1);
        assert_eq!(grace_for(&json!({"spec": {"nodeName": "n"}}), None), 30);
        assert_eq!(grace_for(&json!({"spec": {}}), Some(5)), 0, "never bound");
        let done = json!({"spec": {"nodeName": "n"}, "status": {"phase": "Succeeded"}});
        assert_eq!(grace_for(&done, None), 0);
    }
}
