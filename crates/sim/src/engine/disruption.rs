//! Karpenter's disruption controller for drift and expiry (REFERENCE §3). After a control-plane
//! upgrade, claims whose node runs another minor are marked Drifted. Per NodePool, as many as the
//! most restrictive active budget allows (minus nodes already being disrupted or NotReady) are
//! taken, empty ones first, then the oldest: the node is tainted `karpenter.sh/disrupted:NoSchedule`,
//! a replacement claim of a type that fits its pods is launched at the cluster's version, and once
//! that node is Ready the old node's pods are evicted through the Eviction API (PDBs honoured,
//! refused evictions retried every `eviction_retry_s`). When no pods remain the claim is deleted.
//! Expired nodes (older than `expireAfter`) go the same way, forcefully: budgets, do-not-disrupt
//! and blocking PDBs hold them only until `terminationGracePeriod`.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{json, Value};

use super::budgets::{self, Reason};
use super::claims::{self, pool_name};
use super::events::{self, NORMAL, WARNING};
use super::nodes::node_ready;
use super::pods::is_terminating;
use super::provisioner::launch_for;
use super::util::{
    annotation, condition, condition_since, condition_true, created, deletion, go_duration, labels,
    name, namespace, plus, remove_condition, secs_between, selector_matches, set_condition,
};
use super::{Cx, Hold};
use crate::store::Res;
use crate::world::World;

pub const DISRUPTED_TAINT: &str = "karpenter.sh/disrupted";
pub const DO_NOT_DISRUPT: &str = "karpenter.sh/do-not-disrupt";
const REPLACEMENT: &str = "replacement nodeclaim/";

/// Marks (or clears) Drifted on claims whose node's minor differs from the cluster's.
pub fn mark_drift(world: &mut Hold, _cx: &mut Cx) {
    let Some(cluster_version) = world.kube_cluster().map(|c| c.version.clone()) else {
        return;
    };
    let now = world.now;
    let all: Vec<Arc<Value>> = world.kube.iter(Res::NodeClaims).cloned().collect();
    for c in all {
        world.breathe();
        if deletion(&c).is_some() {
            continue;
        }
        let version = claims::node_name(&c)
            .and_then(|n| world.kube.get(Res::Nodes, "", n))
            .and_then(|n| {
                n["status"]["nodeInfo"]["kubeletVersion"]
                    .as_str()
                    .map(claims::minor_of)
            })
            .or_else(|| claims::claim_version(&c));
        let Some(version) = version else { continue };
        let drifted = version != cluster_version;
        let has = condition_true(&c["status"]["conditions"], "Drifted");
        if drifted && !has {
            let msg = format!(
                "AMI drift: the node runs Kubernetes {version}, the cluster runs {cluster_version}"
            );
            world.kube.update(Res::NodeClaims, "", name(&c), |v| {
                set_condition(v, "Drifted", "True", "AMIDrift", &msg, now)
            });
        } else if !drifted && has {
            world.kube.update(Res::NodeClaims, "", name(&c), |v| {
                remove_condition(v, "Drifted")
            });
        }
    }
}

/// Non-daemon, non-terminal pods bound to each node.
fn pods_by_node(world: &World) -> BTreeMap<String, Vec<Arc<Value>>> {
    let mut m: BTreeMap<String, Vec<Arc<Value>>> = BTreeMap::new();
    for (p, f) in world.kube.pods().iter() {
        if f.daemon || f.terminal {
            continue;
        }
        if let Some(n) = &f.node {
            match m.get_mut(n.as_str()) {
                Some(list) => list.push(p.clone()),
                None => {
                    m.insert(n.clone(), vec![p.clone()]);
                }
            }
        }
    }
    m
}

/// How a pool stands for budget purposes.
#[derive(Default, Clone, Copy)]
pub struct PoolCounts {
    pub total: i64,
    pub disrupting: i64,
    pub not_ready: i64,
}

pub fn pool_counts(world: &World) -> BTreeMap<String, PoolCounts> {
    let mut m: BTreeMap<String, PoolCounts> = BTreeMap::new();
    for c in world.kube.iter(Res::NodeClaims) {
        let e = m.entry(pool_name(c).to_string()).or_default();
        if deletion(c).is_some()
            || condition(&c["status"]["conditions"], "DisruptionReason").is_some()
        {
            e.disrupting += 1;
            continue;
        }
        e.total += 1;
        let node = claims::node_name(c).and_then(|n| world.kube.get(Res::Nodes, "", n));
        if node.is_some_and(|n| !node_ready(&n)) {
            e.not_ready += 1;
        }
    }
    m
}

/// Deletes a claim (its node then shuts down, see `nodes`).
pub fn terminate(world: &mut World, claim: &Value) {
    let now = world.now_rfc3339();
    world.kube.update(Res::NodeClaims, "", name(claim), |v| {
        if v["metadata"]["deletionTimestamp"].is_null() {
            v["metadata"]["deletionTimestamp"] = json!(now);
        }
    });
}

pub fn taint_disrupted(world: &mut World, node: &str) {
    world.kube.update(Res::Nodes, "", node, |v| {
        if !v["spec"]["taints"].is_array() {
            v["spec"]["taints"] = json!([]);
        }
        let t = v["spec"]["taints"].as_array_mut().expect("array");
        if !t.iter().any(|t| t["key"] == DISRUPTED_TAINT) {
            t.push(json!({"key": DISRUPTED_TAINT, "effect": "NoSchedule"}));
        }
    });
}

fn do_not_disrupt(obj: &Value) -> bool {
    annotation(obj, DO_NOT_DISRUPT) == Some("true")
}

/// Events that repeat while a condition lasts are written at most once per retry period.
fn retry_tick(world: &World) -> bool {
    let every = world.timings.eviction_retry_s.max(1) as i64;
    world.now.as_second().rem_euclid(every) == 0
}

/// Why a drifted node cannot be disrupted now (None: it can).
fn blocker(world: &World, node: &Value, pods: &[Arc<Value>]) -> Option<String> {
    if do_not_disrupt(node) {
        return Some(format!(
            "Cannot disrupt Node: node has \"{DO_NOT_DISRUPT}\" annotation"
        ));
    }
    for p in pods {
        if do_not_disrupt(p) && !is_terminating(p) {
            return Some(format!(
                "Cannot disrupt Node: Pod {}/{} has \"{DO_NOT_DISRUPT}\" annotation",
                namespace(p),
                name(p)
            ));
        }
    }
    for p in pods {
        if is_terminating(p) {
            continue;
        }
        let l = labels(p);
        let pdbs: Vec<Arc<Value>> = world
            .kube
            .list(Res::PodDisruptionBudgets, Some(namespace(p)))
            .into_iter()
            .filter(|b| selector_matches(&b["spec"]["selector"], &l))
            .collect();
        if pdbs.len() > 1 {
            return Some(format!(
                "Cannot disrupt Node: pod {}/{} is selected by more than one PodDisruptionBudget",
                namespace(p),
                name(p)
            ));
        }
        if let Some(b) = pdbs.first() {
            if super::pdb::current(b).allowed <= 0 {
                return Some(format!(
                    "Cannot disrupt Node: pdb \"{}/{}\" prevents pod evictions",
                    namespace(b),
                    name(b)
                ));
            }
        }
    }
    None
}

fn expire_after(claim: &Value, pool: Option<&Arc<Value>>) -> Option<i64> {
    let s = claim["spec"]["expireAfter"]
        .as_str()
        .or_else(|| pool.and_then(|p| p["spec"]["template"]["spec"]["expireAfter"].as_str()))
        .unwrap_or(claims::DEFAULT_EXPIRE_AFTER);
    go_duration(s)
}

fn expired_at(claim: &Value, pool: Option<&Arc<Value>>) -> Option<Timestamp> {
    expire_after(claim, pool).map(|s| plus(created(claim), s))
}

pub fn run(world: &mut Hold, cx: &mut Cx) {
    let claims_all: Vec<Arc<Value>> = world.kube.iter(Res::NodeClaims).cloned().collect();
    if claims_all.is_empty() {
        return;
    }
    let pools = claims::pools(world);
    // nothing drifted, expired or under way: nothing to look at (the usual, cheap case)
    let busy = claims_all.iter().any(|c| {
        deletion(c).is_none()
            && (condition(&c["status"]["conditions"], "DisruptionReason").is_some()
                || condition_true(&c["status"]["conditions"], "Drifted")
                || expired_at(c, pools.get(pool_name(c))).is_some_and(|at| cx.now >= at))
    });
    if !busy {
        for c in claims_all.iter().filter(|c| deletion(c).is_none()) {
            if let Some(at) = expired_at(c, pools.get(pool_name(c))) {
                cx.due_at(at);
            }
        }
        return;
    }
    let by_node = pods_by_node(world);
    let empty: Vec<Arc<Value>> = Vec::new();
    // 1. disruptions under way
    for c in claims_all.iter() {
        world.breathe();
        if deletion(c).is_some() {
            continue;
        }
        let Some(reason) = condition(&c["status"]["conditions"], "DisruptionReason").cloned()
        else {
            continue;
        };
        let node_name = claims::node_name(c).unwrap_or("").to_string();
        let pods = by_node.get(&node_name).unwrap_or(&empty);
        progress(world, cx, c, &reason, pods, pools.get(pool_name(c)));
    }
    // 2. new ones
    let mut counts = pool_counts(world);
    let mut candidates: Vec<(bool, bool, Timestamp, String, Arc<Value>)> = Vec::new();
    for c in claims_all.iter() {
        world.breathe();
        if deletion(c).is_some()
            || condition(&c["status"]["conditions"], "DisruptionReason").is_some()
        {
            continue;
        }
        let Some(node) = claims::node_name(c).and_then(|n| world.kube.get(Res::Nodes, "", n))
        else {
            continue;
        };
        if !node_ready(&node) {
            continue;
        }
        let pool = pools.get(pool_name(c));
        let expired = match expired_at(c, pool) {
            Some(at) if cx.now >= at => true,
            Some(at) => {
                cx.due_at(at);
                false
            }
            None => false,
        };
        let drifted = condition_true(&c["status"]["conditions"], "Drifted");
        if !(expired || drifted) {
            continue;
        }
        let is_empty = by_node.get(name(&node)).is_none_or(|p| p.is_empty());
        // expired first, then empty, then oldest
        candidates.push((
            !expired,
            !is_empty,
            created(c),
            name(c).to_string(),
            c.clone(),
        ));
    }
    candidates.sort_by(|a, b| (a.0, a.1, a.2, &a.3).cmp(&(b.0, b.1, b.2, &b.3)));
    for (not_expired, _, _, _, c) in candidates {
        world.breathe();
        let reason = if not_expired {
            Reason::Drifted
        } else {
            Reason::Expired
        };
        let node_name = claims::node_name(&c).unwrap_or("").to_string();
        let Some(node) = world.kube.get(Res::Nodes, "", &node_name) else {
            continue;
        };
        let pods = by_node.get(&node_name).cloned().unwrap_or_default();
        let pool_key = pool_name(&c).to_string();
        let pool_obj = pools
            .get(&pool_key)
            .cloned()
            .unwrap_or_else(|| Arc::new(json!({"metadata": {"name": pool_key}, "spec": {}})));
        cx.again();
        if reason == Reason::Drifted {
            let pc = counts.get(&pool_key).copied().unwrap_or_default();
            let allowed = budgets::allowed(
                &pool_obj,
                reason,
                pc.total + pc.disrupting,
                pc.disrupting,
                pc.not_ready,
                cx.now,
            );
            if allowed <= 0 {
                if retry_tick(world) {
                    let msg = "Cannot disrupt Node: No allowed disruptions for disruption reason Drifted due to blocking budget";
                    events::emit(world, &node, NORMAL, "DisruptionBlocked", msg, "karpenter");
                    events::emit(world, &c, NORMAL, "DisruptionBlocked", msg, "karpenter");
                }
                continue;
            }
            if let Some(why) = blocker(world, &node, &pods) {
                if retry_tick(world) {
                    events::emit(world, &node, NORMAL, "DisruptionBlocked", &why, "karpenter");
                    events::emit(world, &c, NORMAL, "DisruptionBlocked", &why, "karpenter");
                }
                continue;
            }
        }
        start(world, cx, &c, &node, reason, &pods, &pool_obj);
        counts.entry(pool_key).or_default().disrupting += 1;
    }
}

fn start(
    world: &mut World,
    cx: &mut Cx,
    claim: &Value,
    node: &Value,
    reason: Reason,
    pods: &[Arc<Value>],
    pool: &Value,
) {
    let now = cx.now;
    let live: Vec<Arc<Value>> = pods
        .iter()
        .filter(|p| !is_terminating(p))
        .cloned()
        .collect();
    let mut message = String::new();
    taint_disrupted(world, name(node));
    if !live.is_empty() {
        let version = world
            .kube_cluster()
            .map(|c| c.version.clone())
            .unwrap_or_default();
        if let Some(r) = launch_for(world, pool, &live, &version) {
            message = format!("{REPLACEMENT}{}", name(&r));
            let node_now = world
                .kube
                .get(Res::Nodes, "", name(node))
                .unwrap_or_else(|| Arc::new(node.clone()));
            let m = format!("Launching NodeClaim: {}/Replace", reason.as_str());
            events::emit(
                world,
                &node_now,
                NORMAL,
                "DisruptionLaunching",
                &m,
                "karpenter",
            );
            events::emit(
                world,
                &node_now,
                NORMAL,
                "DisruptionWaitingReadiness",
                "Waiting on readiness to continue disruption",
                "karpenter",
            );
        }
    }
    let r = reason.as_str();
    world.kube.update(Res::NodeClaims, "", name(claim), |v| {
        set_condition(v, "DisruptionReason", "True", r, &message, now)
    });
}

fn progress(
    world: &mut Hold,
    cx: &mut Cx,
    claim: &Value,
    reason: &Value,
    pods: &[Arc<Value>],
    pool: Option<&Arc<Value>>,
) {
    cx.again();
    let node_name = claims::node_name(claim).unwrap_or("").to_string();
    let Some(node) = world.kube.get(Res::Nodes, "", &node_name) else {
        return;
    };
    let why = reason["reason"].as_str().unwrap_or("Drifted").to_string();
    let forceful = why == Reason::Expired.as_str();
    let started =
        condition_since(&claim["status"]["conditions"], "DisruptionReason").unwrap_or(cx.now);
    let live: Vec<Arc<Value>> = pods
        .iter()
        .filter(|p| !is_terminating(p))
        .cloned()
        .collect();
    if pods.is_empty() {
        let kind = if reason["message"]
            .as_str()
            .is_some_and(|m| m.starts_with(REPLACEMENT))
        {
            "Replace"
        } else {
            "Delete"
        };
        let m = format!("Disrupting Node: {why}/{kind}");
        events::emit(
            world,
            &node,
            NORMAL,
            "DisruptionTerminating",
            &m,
            "karpenter",
        );
        terminate(world, claim);
        return;
    }
    let mut drain_from = started;
    if !live.is_empty() {
        let replacement = reason["message"]
            .as_str()
            .and_then(|m| m.strip_prefix(REPLACEMENT))
            .and_then(|r| world.kube.get(Res::NodeClaims, "", r))
            .filter(|r| deletion(r).is_none());
        let replacement = match replacement {
            Some(r) => r,
            None => {
                // (re)launch: the first try may have hit limits, or the claim went away
                let version = world
                    .kube_cluster()
                    .map(|c| c.version.clone())
                    .unwrap_or_default();
                let Some(pool) = pool else { return };
                let Some(r) = launch_for(world, pool, &live, &version) else {
                    return;
                };
                let msg = format!("{REPLACEMENT}{}", name(&r));
                world.kube.update(Res::NodeClaims, "", name(claim), |v| {
                    if let Some(c) = v["status"]["conditions"].as_array_mut() {
                        for c in c.iter_mut().filter(|c| c["type"] == "DisruptionReason") {
                            c["message"] = json!(msg);
                        }
                    }
                });
                return;
            }
        };
        let ready_node = claims::node_name(&replacement)
            .and_then(|n| world.kube.get(Res::Nodes, "", n))
            .filter(|n| node_ready(n));
        let Some(ready_node) = ready_node else {
            return;
        };
        if let Some(t) = condition_since(&ready_node["status"]["conditions"], "Ready") {
            drain_from = drain_from.max(t);
        }
    }
    let every = world.timings.eviction_retry_s.max(1) as i64;
    if secs_between(drain_from, cx.now).rem_euclid(every) != 0 {
        return;
    }
    let grace = claim["spec"]["terminationGracePeriod"]
        .as_str()
        .and_then(go_duration)
        .unwrap_or(24 * 3600);
    let out_of_time = forceful && secs_between(started, cx.now) >= grace;
    let mut waiting = 0;
    let mut blocked_by_annotation = None;
    for p in &live {
        world.breathe();
        if out_of_time {
            super::evict::delete_pod(world, namespace(p), name(p), None);
            continue;
        }
        if !forceful && do_not_disrupt(p) {
            waiting += 1;
            blocked_by_annotation = Some(format!(
                "Cannot disrupt Node: Pod {}/{} has \"{DO_NOT_DISRUPT}\" annotation",
                namespace(p),
                name(p)
            ));
            continue;
        }
        match super::evict::evict_pod(world, namespace(p), name(p)) {
            Ok(evicted) => {
                let m = format!("Evicted pod: {why}");
                events::emit(world, &evicted, NORMAL, "Evicted", &m, "karpenter");
            }
            Err(_) => waiting += 1,
        }
    }
    if waiting > 0 {
        let node = world.kube.get(Res::Nodes, "", &node_name).unwrap_or(node);
        let m = format!("Failed to drain node, {waiting} pods are waiting to be evicted");
        events::emit(world, &node, WARNING, "FailedDraining", &m, "karpenter");
        if let Some(b) = blocked_by_annotation {
            events::emit(world, &node, NORMAL, "DisruptionBlocked", &b, "karpenter");
        }
    }
}
