//! NodePool status: the resources its claims hold (cpu, memory, ephemeral-storage, pods, nodes) and
//! its Ready conditions, written only when they change.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Value};

use super::claims::pool_name;
use super::util::{bytes, cpu_milli, fmt_cpu, fmt_ki, name, set_condition};
use crate::sim::store::Res;
use crate::sim::world::World;

#[derive(Default)]
struct Sum {
    cpu_m: i64,
    mem: i64,
    storage: i64,
    pods: i64,
    nodes: i64,
}

pub fn run(world: &mut World) {
    let pools: Vec<Arc<Value>> = world.kube.iter(Res::NodePools).cloned().collect();
    if pools.is_empty() {
        return;
    }
    let mut sums: BTreeMap<String, Sum> = BTreeMap::new();
    for c in world.kube.iter(Res::NodeClaims) {
        let s = sums.entry(pool_name(c).to_string()).or_default();
        let cap = &c["status"]["capacity"];
        s.cpu_m += cpu_milli(&cap["cpu"]);
        s.mem += bytes(&cap["memory"]);
        s.storage += bytes(&cap["ephemeral-storage"]);
        s.pods += cap["pods"]
            .as_str()
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0);
        s.nodes += 1;
    }
    let now = world.now;
    for p in pools {
        let s = sums.remove(name(&p)).unwrap_or_default();
        let mut next = (*p).clone();
        next["status"]["resources"] = json!({
            "cpu": fmt_cpu(s.cpu_m),
            "memory": fmt_ki(s.mem),
            "ephemeral-storage": fmt_ki(s.storage),
            "pods": s.pods.to_string(),
            "nodes": s.nodes.to_string(),
        });
        next["status"]["nodeClassObservedGeneration"] = json!(1);
        for t in ["ValidationSucceeded", "NodeClassReady", "Ready"] {
            set_condition(&mut next, t, "True", t, "", now);
        }
        if next["status"] != p["status"] {
            let status = next["status"].clone();
            world
                .kube
                .update(Res::NodePools, "", name(&p), |v| v["status"] = status);
        }
    }
}
