//! A node rotation read from the live state: how many nodes run the target, which old nodes
//! remain and what each is doing, whether it is complete, and — when nothing has moved for a
//! while — why, by name: a PDB that allows nothing, a NodePool budget at 0 for Drifted,
//! do-not-disrupt pods or nodes, a replacement that cannot launch (NodePool limits), karpenter's
//! DisruptionBlocked messages, and when the force drain will happen (REFERENCE §3, §7). Pure.

use jiff::{SignedDuration, Timestamp};

use std::collections::HashMap;

use super::node::LiveNode;
use super::pdb::LivePdb;
use super::state::State;
use crate::count::thousands;
use crate::disruption::budget::drift_allowance;
use crate::disruption::node::{stage, Stage};
use crate::duration::human;
use crate::facts::model::PodFacts;
use crate::k8s::Keyed;
use crate::version::Minor;

/// One node still to be replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct OldNode {
    pub name: String,
    pub version: String,
    pub pool: Option<String>,
    pub stage: Stage,
    pub pods_left: u32,
    /// When the drain deletes the pods it may not evict, and what bounds it.
    pub force_drain_at: Option<Timestamp>,
    pub grace: String,
}

/// The rotation at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Rotation {
    pub target: Minor,
    pub total: usize,
    pub on_target: usize,
    pub old: Vec<OldNode>,
    /// Every node listed runs the target.
    pub complete: bool,
    /// Seconds since anything moved (wall time), when that is at least the stall threshold.
    pub stalled_for: Option<i64>,
    /// Estimated seconds left, from the pace so far.
    pub eta_secs: Option<i64>,
    /// When the rotation was first looked at (server time): the stall timer and the pace count
    /// from here at the earliest.
    pub began: Timestamp,
}

/// When a rotation is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// The server's time now.
    pub now: Timestamp,
    /// When the rotation was first looked at (server time).
    pub began: Timestamp,
    /// How long nothing has moved, in wall time (what the user lived through; a server clock
    /// learned from timestamps can jump, a stall timer must not).
    pub idle: SignedDuration,
}

/// Reads the rotation to `target` at `at`; `stall_after` is how long without movement counts as
/// stalled.
pub fn read(s: &State, target: Minor, at: Moment, stall_after: SignedDuration) -> Rotation {
    let Moment { now, began, idle } = at;
    let total = s.nodes().len();
    let mut old = Vec::new();
    for n in s.nodes().values().filter(|n| n.is_old(target)) {
        old.push(old_node(s, n));
    }
    old.sort_by(|a, b| b.stage.cmp(&a.stage).then_with(|| a.name.cmp(&b.name)));
    let on_target = total - old.len();
    let complete = s.is_synced(super::Kind::Nodes) && old.is_empty();
    let replaced: u32 = s.progress().replaced.values().sum();
    let eta_secs = match (s.progress().first_replaced, replaced) {
        (Some(_), r) if r > 0 && !old.is_empty() => {
            let elapsed = now.duration_since(began).as_secs().max(0);
            Some(elapsed / r as i64 * old.len() as i64)
        }
        _ => None,
    };
    Rotation {
        target,
        total,
        on_target,
        old,
        complete,
        stalled_for: (!complete && idle >= stall_after).then(|| idle.as_secs()),
        eta_secs,
        began,
    }
}

fn old_node(s: &State, n: &LiveNode) -> OldNode {
    let claim = s.claim_of(&n.facts.name);
    let stage = stage(&n.facts, claim);
    let grace = n.grace(claim, |p| s.pools().get(p));
    OldNode {
        name: n.facts.name.clone(),
        version: n.facts.kubelet_version.clone(),
        pool: n.facts.node_pool.clone(),
        stage,
        pods_left: s.tally(&n.facts.name).pods,
        force_drain_at: n.force_drain_at(claim, &grace),
        grace: match grace.secs {
            Some(secs) => format!("terminationGracePeriod {} of {}", human(secs), grace.source),
            None => "no terminationGracePeriod: not managed by Auto Mode".into(),
        },
    }
}

/// Why the old nodes are not moving, one sentence each, by name. What stops every drain from
/// starting comes first (a node-level do-not-disrupt, a NodePool budget of 0, NodePool limits),
/// then what only delays a drain once started (PDBs, pod-level do-not-disrupt, a busy budget),
/// then Karpenter's own words.
pub fn blockers(s: &State, r: &Rotation) -> Vec<String> {
    let on_old = pods_on_old_nodes(s, r);
    let blocking_pdbs: Vec<&LivePdb> = s
        .pdbs()
        .values()
        .filter(|p| p.allowed() == 0 && p.matched > 0)
        .collect();
    let (mut stops, mut delays) = (Vec::new(), Vec::new());
    for o in &r.old {
        let Some(node) = s.nodes().get(&o.name) else {
            continue;
        };
        if node.facts.do_not_disrupt {
            stops.push(format!(
                "node {}: karpenter.sh/do-not-disrupt on the node: Auto Mode will not replace it until the annotation is removed",
                o.name
            ));
        }
        let pods = on_old
            .get(o.name.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        delays.extend(node_delays(o, pods, &blocking_pdbs));
        if o.stage == Stage::Waiting && !node.facts.do_not_disrupt {
            delays.push(format!(
                "node {}: not marked Drifted yet (Auto Mode marks nodes once the control plane runs {})",
                o.name, r.target
            ));
        }
    }
    let (pool_stops, pool_delays) = budget_blockers(s, r);
    stops.extend(pool_stops);
    stops.extend(delays);
    stops.extend(pool_delays);
    stops.extend(karpenter_says(s));
    stops
}

/// The live pods on each old node, in one pass over the pods.
fn pods_on_old_nodes<'a>(s: &'a State, r: &'a Rotation) -> HashMap<&'a str, Vec<&'a PodFacts>> {
    let mut on_old: HashMap<&str, Vec<&PodFacts>> = r
        .old
        .iter()
        .map(|o| (o.name.as_str(), Vec::new()))
        .collect();
    for p in s
        .pods()
        .values()
        .filter(|p| !p.terminating && !p.is_terminal())
    {
        if let Some(list) = p.node.as_deref().and_then(|n| on_old.get_mut(n)) {
            list.push(p);
        }
    }
    on_old
}

/// What delays an old node's drain once it starts: PDBs that allow nothing over its pods, and
/// do-not-disrupt pods, each with when the wait ends.
fn node_delays(o: &OldNode, pods: &[&PodFacts], blocking_pdbs: &[&LivePdb]) -> Vec<String> {
    let when = match o.force_drain_at {
        Some(t) => format!(
            "its pods will be deleted past the budget at {} ({})",
            t.strftime("%Y-%m-%d %H:%M UTC"),
            o.grace
        ),
        None if o.stage == Stage::Draining => "nothing bounds the wait".into(),
        None => format!(
            "once its drain starts it waits up to the {}, then deletes them",
            o.grace
        ),
    };
    let mut out: Vec<String> = blocking_pdbs
        .iter()
        .filter(|pdb| pods.iter().any(|p| pdb.selects(p)))
        .map(|pdb| {
            format!(
                "node {}: PDB {} allows 0 disruptions ({} healthy, {} required); {when}",
                o.name,
                pdb.key(),
                pdb.healthy,
                pdb.required()
            )
        })
        .collect();
    let mut pinned: Vec<String> = pods
        .iter()
        .filter(|p| p.do_not_disrupt)
        .map(|p| p.key())
        .collect();
    pinned.sort();
    out.extend(pinned.into_iter().map(|p| {
        format!(
            "pod {p} on node {}: karpenter.sh/do-not-disrupt; {when}",
            o.name
        )
    }));
    out
}

/// Karpenter's own DisruptionBlocked and FailedDraining messages, the newest five different ones.
fn karpenter_says(s: &State) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for e in s.events().iter().rev() {
        if (e.reason == "DisruptionBlocked" || e.reason == "FailedDraining")
            && seen.insert((e.reason.clone(), e.message.clone()))
            && seen.len() <= 5
        {
            out.push(format!(
                "karpenter: {} {}/{}: {:?}",
                e.reason, e.object_kind, e.object_name, e.message
            ));
        }
    }
    out
}

/// NodePools whose budget for Drifted holds old nodes back, or whose limits leave no room for
/// a replacement: (what stops every drain, what queues them).
fn budget_blockers(s: &State, r: &Rotation) -> (Vec<String>, Vec<String>) {
    let mut stops = Vec::new();
    let mut queued = Vec::new();
    for pool in s.pools().values() {
        let nodes: Vec<&LiveNode> = s
            .nodes()
            .values()
            .filter(|n| n.facts.node_pool.as_deref() == Some(pool.name.as_str()))
            .collect();
        let waiting = r
            .old
            .iter()
            .filter(|o| o.pool.as_deref() == Some(pool.name.as_str()) && o.stage < Stage::Draining)
            .count();
        if waiting == 0 {
            continue;
        }
        let allowed = drift_allowance(pool, nodes.len() as u32);
        let in_use = nodes
            .iter()
            .filter(|n| n.being_replaced(s.claim_of(&n.facts.name)))
            .count() as u32;
        if allowed == 0 {
            let spec = pool
                .budgets
                .iter()
                .filter(|b| b.applies_to("Drifted"))
                .map(|b| format!("{:?}", b.nodes))
                .collect::<Vec<_>>()
                .join(", ");
            stops.push(format!(
                "NodePool {}: budget nodes {spec} for Drifted holds back {waiting} node(s)",
                pool.name
            ));
        } else if in_use >= allowed {
            queued.push(format!(
                "NodePool {}: budget allows {allowed} at once, {in_use} in use; {waiting} node(s) queued",
                pool.name
            ));
        }
        let used_cpu = pool.usage.cpu_millis.unwrap_or_else(|| {
            nodes
                .iter()
                .map(|n| {
                    n.facts
                        .cpu_capacity_millis
                        .max(n.facts.cpu_allocatable_millis)
                })
                .sum()
        });
        let biggest = nodes
            .iter()
            .map(|n| {
                n.facts
                    .cpu_capacity_millis
                    .max(n.facts.cpu_allocatable_millis)
            })
            .max()
            .unwrap_or(0);
        if let Some(limit) = pool.limits.cpu_millis {
            if used_cpu + biggest > limit {
                stops.push(format!(
                    "NodePool {}: limits cpu {}m, in use {}m: a replacement node cannot launch",
                    pool.name, limit, used_cpu
                ));
            }
        }
    }
    (stops, queued)
}

/// `1/2 nodes on 1.31`.
pub fn summary(r: &Rotation) -> String {
    format!(
        "{}/{} nodes on {}",
        thousands(r.on_target),
        thousands(r.total),
        r.target
    )
}

/// The progress line: `2,151/5,484 nodes on 1.31 · 512 draining · 31,200 pods rescheduled · 37
/// PDBs at their minimum · 0 violations` (the PDB parts when there are PDBs; violations count
/// every one so far, ended or not).
pub fn progress_text(s: &State, r: &Rotation) -> String {
    let draining = r.old.iter().filter(|o| o.stage == Stage::Draining).count();
    let moved = s.progress().pods_rescheduled as usize;
    let mut text = format!(
        "{} · {draining} draining · {} pods rescheduled",
        summary(r),
        thousands(moved)
    );
    let judged = s
        .pdbs()
        .values()
        .filter(|p| p.expected() > 0 || p.matched > 0);
    let (mut at_minimum, mut violated, mut any) = (0, 0, false);
    for p in judged {
        any = true;
        // Every violation so far, ended or not: a recovery does not make it unsaid.
        violated += p.violations.len();
        if p.open_violation().is_none() && p.healthy == p.required() {
            at_minimum += 1;
        }
    }
    if any {
        let (pdbs, their) = if at_minimum == 1 {
            ("PDB", "its")
        } else {
            ("PDBs", "their")
        };
        let s = if violated == 1 { "" } else { "s" };
        text.push_str(&format!(
            " · {at_minimum} {pdbs} at {their} minimum · {violated} violation{s}"
        ));
    }
    text
}

/// The progress bar's fraction, 0..=1.
pub fn fraction(r: &Rotation) -> f64 {
    if r.total == 0 {
        1.0
    } else {
        r.on_target as f64 / r.total as f64
    }
}
