//! Removal of empty nodes: a Ready node with no pods but daemon ones is marked Empty on its claim;
//! after `timings.empty_node_ttl_s` (and if the pool's budget for reason Empty allows, and the node
//! is not annotated do-not-disrupt) its claim is deleted and the node shuts down. Also the
//! "Unconsolidatable" event a busy new node gets once Karpenter has looked at it.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::budgets::{self, Reason};
use super::claims::{self, pool_name};
use super::disruption::{pool_counts, taint_disrupted, terminate, DO_NOT_DISRUPT};
use super::events::{self, NORMAL};
use super::nodes::node_ready;
use super::pods::{is_daemon, is_terminal, is_terminating, node_name};
use super::util::{
    annotation, condition, condition_since, deletion, name, plus, remove_condition, set_condition,
};
use super::Cx;
use crate::sim::store::Res;
use crate::sim::world::World;

/// Seconds after a node turns Ready when Karpenter reports it cannot be consolidated.
const UNCONSOLIDATABLE_AFTER_S: i64 = 45;

pub fn run(world: &mut World, cx: &mut Cx) {
    let claims_all: Vec<Arc<Value>> = world.kube.iter(Res::NodeClaims).cloned().collect();
    if claims_all.is_empty() {
        return;
    }
    let mut busy: BTreeMap<String, usize> = BTreeMap::new();
    for p in world.kube.iter(Res::Pods) {
        if is_daemon(p) || is_terminal(p) || is_terminating(p) {
            continue;
        }
        if let Some(n) = node_name(p) {
            *busy.entry(n.to_string()).or_default() += 1;
        }
    }
    let pools = claims::pools(world);
    let mut counts = pool_counts(world);
    let ttl = world.timings.empty_node_ttl_s as i64;
    for c in claims_all {
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
        let Some(since) = marked else {
            world.kube.update(Res::NodeClaims, "", name(&c), |v| {
                set_condition(v, "Empty", "True", "Empty", "", now)
            });
            cx.due_at(plus(now, ttl));
            continue;
        };
        let at = plus(since, ttl);
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
