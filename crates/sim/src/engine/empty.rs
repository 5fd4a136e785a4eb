//! Removal of empty nodes: a Ready node with no pods but daemon (or terminating) ones is marked
//! Empty on its claim; once it has been empty for its NodePool's `spec.disruption.consolidateAfter`
//! (Auto Mode's built-in pools: 30s; `Never` keeps it), Karpenter's disruption loop picks it up on
//! its next 10-second poll and, after a 15-second validation that it is still empty (and if the
//! pool's budget for reason Empty allows, and the node is not annotated do-not-disrupt), deletes
//! its claim: the node goes NotReady and disappears. Also the "Unconsolidatable" event a busy new
//! node gets once Karpenter has looked at it.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use super::budgets::{self, Reason};
use super::claims::{self, pool_name};
use super::disruption::{pool_counts, taint_disrupted, terminate, DO_NOT_DISRUPT};
use super::events::{self, NORMAL};
use super::nodes::node_ready;
use super::util::{
    annotation, condition, condition_since, deletion, go_duration, name, plus, remove_condition,
    set_condition,
};
use super::{Cx, Hold};
use crate::store::Res;

/// Seconds after a node turns Ready when Karpenter reports it cannot be consolidated.
const UNCONSOLIDATABLE_AFTER_S: i64 = 45;
/// Karpenter's disruption controller looks for candidates this often.
const POLL_S: i64 = 10;
/// How long a consolidation decision is validated (the node must stay empty) before it is carried
/// out.
const VALIDATION_S: i64 = 15;

/// Seconds a node of `pool` must be empty before Karpenter removes it; `None` when the pool never
/// consolidates (`consolidateAfter: Never`).
fn consolidate_after(pool: Option<&Arc<Value>>) -> Option<i64> {
    let Some(pool) = pool else {
        return Some(0);
    };
    match pool["spec"]["disruption"]["consolidateAfter"].as_str() {
        None => Some(0),
        Some(s) => go_duration(s),
    }
}

/// When Karpenter acts on a node empty since `since`: the first poll after it became consolidatable,
/// plus the validation.
fn removal_at(since: Timestamp, after: i64) -> Timestamp {
    let ready = since.as_second() + after;
    let poll = ready + (POLL_S - ready.rem_euclid(POLL_S)) % POLL_S;
    plus(since, poll - since.as_second() + VALIDATION_S)
}

pub fn run(world: &mut Hold, cx: &mut Cx) {
    let claims_all: Vec<Arc<Value>> = world.kube.iter(Res::NodeClaims).cloned().collect();
    if claims_all.is_empty() {
        return;
    }
    let mut busy: BTreeMap<String, usize> = BTreeMap::new();
    for (_, f) in world.kube.pods().iter() {
        if f.daemon || f.terminal || f.terminating {
            continue;
        }
        if let Some(n) = &f.node {
            match busy.get_mut(n.as_str()) {
                Some(count) => *count += 1,
                None => {
                    busy.insert(n.clone(), 1);
                }
            }
        }
    }
    let pools = claims::pools(world);
    let mut counts = pool_counts(world);
    for c in claims_all {
        world.breathe();
        if deletion(&c).is_some()
            || condition(&c["status"]["conditions"], "DisruptionReason").is_some()
        {
            continue;
        }
        let Some(node) = claims::node_name(&c).and_then(|n| world.kube.get(Res::Nodes, "", n))
        else {
            continue;
        };
        if !node_ready(&node) {
            continue;
        }
        let pods = busy.get(name(&node)).copied().unwrap_or(0);
        let marked = condition_since(&c["status"]["conditions"], "Empty");
        let now = cx.now;
        if pods > 0 {
            if marked.is_some() {
                world.kube.update(Res::NodeClaims, "", name(&c), |v| {
                    remove_condition(v, "Empty")
                });
            }
            if let Some(ready) = condition_since(&node["status"]["conditions"], "Ready") {
                let at = plus(ready, UNCONSOLIDATABLE_AFTER_S);
                if now == at {
                    events::emit(
                        world,
                        &node,
                        NORMAL,
                        "Unconsolidatable",
                        "Can't replace with a cheaper node",
                        "karpenter",
                    );
                } else if now < at {
                    cx.due_at(at);
                }
            }
            continue;
        }
        let Some(after) = consolidate_after(pools.get(pool_name(&c))) else {
            continue;
        };
        let Some(since) = marked else {
            world.kube.update(Res::NodeClaims, "", name(&c), |v| {
                set_condition(v, "Empty", "True", "Empty", "", now)
            });
            cx.due_at(removal_at(now, after));
            continue;
        };
        let at = removal_at(since, after);
        if now < at {
            cx.due_at(at);
            continue;
        }
        if annotation(&node, DO_NOT_DISRUPT) == Some("true") {
            continue;
        }
        let pool_key = pool_name(&c).to_string();
        let pc = counts.get(&pool_key).copied().unwrap_or_default();
        let allowed = match pools.get(&pool_key) {
            Some(pool) => budgets::allowed(
                pool,
                Reason::Empty,
                pc.total + pc.disrupting,
                pc.disrupting,
                pc.not_ready,
                now,
            ),
            None => 1,
        };
        if allowed <= 0 {
            cx.again();
            continue;
        }
        taint_disrupted(world, name(&node));
        events::emit(
            world,
            &node,
            NORMAL,
            "DisruptionTerminating",
            "Disrupting Node: Empty/Delete",
            "karpenter",
        );
        world.kube.update(Res::NodeClaims, "", name(&c), |v| {
            set_condition(v, "DisruptionReason", "True", "Empty", "", now)
        });
        terminate(world, &c);
        counts.entry(pool_key).or_default().disrupting += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_waits_for_consolidate_after_the_poll_and_the_validation() {
        let t = |s: &str| -> Timestamp { s.parse().unwrap() };
        // empty at :03, consolidatable at :33, picked up at :40, carried out at :55
        assert_eq!(
            removal_at(t("2024-12-12T06:00:03Z"), 30),
            t("2024-12-12T06:00:55Z")
        );
        assert_eq!(
            removal_at(t("2024-12-12T06:00:00Z"), 30),
            t("2024-12-12T06:00:45Z")
        );
        let pool = |after: &str| {
            Arc::new(serde_json::json!({"spec": {"disruption": {"consolidateAfter": after}}}))
        };
        assert_eq!(consolidate_after(Some(&pool("30s"))), Some(30));
        assert_eq!(consolidate_after(Some(&pool("1h30m"))), Some(5400));
        assert_eq!(consolidate_after(Some(&pool("Never"))), None);
    }
}
