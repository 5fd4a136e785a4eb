//! Karpenter's provisioner: pods the scheduler could place nowhere first count against claims
//! still launching (nominated there); the rest are packed, per NodePool that admits them
//! (requirements, taints, labels), onto as few new NodeClaims as possible, each of the smallest
//! catalogue type that holds its share, within the pool's `limits`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::catalog::{self, InstanceType, Resources, CATALOG};
use super::claims::{self, pool_name};
use super::events::{self, NORMAL};
use super::nodes::node_ready;
use super::pods::requests;
use super::scheduler::{allocatable, selects, tolerates_all};
use super::util::{bytes, cpu_milli, deletion, expression_matches, name};
use super::Cx;
use crate::store::Res;
use crate::world::World;

/// Whether a node of this pool, type and zone would satisfy the pool's own requirements.
fn pool_requirements_ok(pool: &Value, labels: &BTreeMap<String, String>) -> bool {
    pool["spec"]["template"]["spec"]["requirements"]
        .as_array()
        .is_none_or(|rs| rs.iter().all(|r| expression_matches(r, labels)))
}

fn pool_taints(pool: &Value) -> Vec<Value> {
    pool["spec"]["template"]["spec"]["taints"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Pools in the order Karpenter tries them: higher weight first, then by name.
pub fn ordered_pools(world: &World) -> Vec<Arc<Value>> {
    let mut pools: Vec<Arc<Value>> = claims::pools(world).into_values().collect();
    pools.sort_by(|a, b| {
        let w = |p: &Value| p["spec"]["weight"].as_i64().unwrap_or(0);
        w(b).cmp(&w(a)).then_with(|| name(a).cmp(name(b)))
    });
    pools
}

/// The smallest (type, zone) of `pool` that holds `need` and satisfies every pod in `pods`.
pub fn choose(
    world: &World,
    pool: &Value,
    pods: &[Arc<Value>],
    need: &Resources,
) -> Option<(InstanceType, (String, String))> {
    let zones = claims::zones(world);
    let start = world.kube.len(Res::NodeClaims) % zones.len();
    let region = world.aws.region.clone();
    let taints = pool_taints(pool);
    if !pods.iter().all(|p| tolerates_all(p, &taints)) {
        return None;
    }
    for it in CATALOG.iter().filter(|t| t.allocatable().fits(need)) {
        for k in 0..zones.len() {
            let zone = &zones[(start + k) % zones.len()];
            let labels = claims::labels(pool, it, &zone.0, &zone.1, &region);
            if pool_requirements_ok(pool, &labels) && pods.iter().all(|p| selects(p, &labels, "")) {
                return Some((*it, zone.clone()));
            }
        }
    }
    None
}

/// Whether `pool`'s limits leave room for one more node of `it`.
pub fn within_limits(world: &World, pool: &Value, it: &InstanceType) -> bool {
    let limits = &pool["spec"]["limits"];
    if !limits.is_object() {
        return true;
    }
    let mut cpu = it.capacity_cpu_m();
    let mut mem = it.capacity_memory_ki() * 1024;
    let mut nodes = 1;
    for c in world.kube.iter(Res::NodeClaims) {
        if pool_name(c) == name(pool) && deletion(c).is_none() {
            cpu += cpu_milli(&c["status"]["capacity"]["cpu"]);
            mem += bytes(&c["status"]["capacity"]["memory"]);
            nodes += 1;
        }
    }
    let over = |k: &str, have: i64, parse: fn(&Value) -> i64| {
        !limits[k].is_null() && have > parse(&limits[k])
    };
    !(over("cpu", cpu, cpu_milli) || over("memory", mem, bytes) || over("nodes", nodes, bytes))
}

/// Launches a claim for `pods` in `pool` at `version`, if a type fits and limits allow.
pub fn launch_for(
    world: &mut World,
    pool: &Value,
    pods: &[Arc<Value>],
    version: &str,
) -> Option<Arc<Value>> {
    let mut need = Resources::default();
    for p in pods {
        need.add(&requests(p));
    }
    let (it, zone) = choose(world, pool, pods, &need)?;
    if !within_limits(world, pool, &it) {
        return None;
    }
    claims::launch(world, pool, &it, &zone, version, world.now)
}

struct InFlight {
    labels: BTreeMap<String, String>,
    taints: Vec<Value>,
    free: Resources,
}

pub fn run(world: &mut World, _cx: &mut Cx, pending: &[Arc<Value>]) {
    if pending.is_empty() {
        return;
    }
    // capacity on its way: claims whose node is not Ready yet
    let mut inflight: Vec<InFlight> = Vec::new();
    for c in world.kube.iter(Res::NodeClaims) {
        if deletion(c).is_some() {
            continue;
        }
        let ready = claims::node_name(c)
            .and_then(|n| world.kube.get(Res::Nodes, "", n))
            .is_some_and(|n| node_ready(&n));
        if ready {
            continue;
        }
        inflight.push(InFlight {
            labels: super::util::labels(c),
            taints: c["spec"]["taints"].as_array().cloned().unwrap_or_default(),
            free: allocatable(
                &serde_json::json!({"status": {"allocatable": c["status"]["allocatable"]}}),
            ),
        });
    }
    let pools = ordered_pools(world);
    let version = world
        .kube_cluster()
        .map(|c| c.version.clone())
        .unwrap_or_else(|| "1.30".into());
    let largest = catalog::CATALOG[catalog::CATALOG.len() - 1].allocatable();
    let mut groups: BTreeMap<usize, Vec<Arc<Value>>> = BTreeMap::new();
    'pods: for p in pending {
        let need = requests(p);
        for f in inflight.iter_mut() {
            if f.free.fits(&need) && tolerates_all(p, &f.taints) && selects(p, &f.labels, "") {
                f.free.sub(&need);
                continue 'pods;
            }
        }
        if !largest.fits(&need) {
            continue;
        }
        for (i, pool) in pools.iter().enumerate() {
            if choose(world, pool, std::slice::from_ref(p), &need).is_some() {
                groups.entry(i).or_default().push(p.clone());
                continue 'pods;
            }
        }
    }
    for (i, pods) in groups {
        let pool = pools[i].clone();
        // first-fit into bins the size of the largest type; each bin becomes one claim
        let mut bins: Vec<(Resources, Vec<Arc<Value>>)> = Vec::new();
        for p in pods {
            let need = requests(&p);
            match bins.iter_mut().find(|(used, _)| {
                let mut u = *used;
                u.add(&need);
                largest.fits(&u)
            }) {
                Some((used, list)) => {
                    used.add(&need);
                    list.push(p);
                }
                None => bins.push((need, vec![p])),
            }
        }
        for (_, list) in bins {
            let Some(claim) = launch_for(world, &pool, &list, &version) else {
                continue;
            };
            let msg = format!("Pod should schedule on: nodeclaim/{}", name(&claim));
            for p in list.iter().take(20) {
                events::emit(world, p, NORMAL, "Nominated", &msg, "karpenter");
            }
        }
    }
}
